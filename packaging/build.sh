#!/bin/sh
# Build the standalone gomodpub app into dist/gomodpub/ (Linux and macOS).
# Runs from the project root whatever the current folder, since the spec and
# the output folders are given relative to it.
set -eu
cd "$(dirname "$0")/.."
# Never let uv fetch a Python: the app is built with the machine's Python.
export UV_PYTHON_DOWNLOADS=never
exec uv run --group packaging pyinstaller packaging/gomodpub.spec \
    --noconfirm --distpath dist --workpath build/pyinstaller "$@"
