# Build the standalone gomodpub app into dist\gomodpub\ (Windows).
# Runs from the project root whatever the current folder, since the spec and
# the output folders are given relative to it.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
# Never let uv fetch a Python: the app is built with the machine's Python.
$env:UV_PYTHON_DOWNLOADS = "never"
uv run --group packaging pyinstaller packaging/gomodpub.spec `
    --noconfirm --distpath dist --workpath build/pyinstaller @args
exit $LASTEXITCODE
