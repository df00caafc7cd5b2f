"""A reader for txtar archives, the text format of Go's test data.

An archive is a comment followed by files; each file starts with a marker line
``-- name --`` and runs to the next marker. Content is kept as bytes, since
some test files hold bytes that are not UTF-8.
"""

import re
from dataclasses import dataclass
from pathlib import Path

_MARKER = re.compile(rb"^-- (.*\S.*?) --[ \t\r]*$")


@dataclass(frozen=True)
class TxtarFile:
    """One file of an archive; its name as written, its content as bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Txtar:
    """A parsed archive: the comment before the first file, then the files."""

    comment: bytes
    files: list[TxtarFile]

    def params(self) -> dict[str, str]:
        """Return the ``key=value`` lines of the comment, as x/mod's tests read them.

        A ``#`` starts a comment; blank lines are skipped. Bytes that are not
        UTF-8 survive as surrogates (surrogateescape).
        """
        params: dict[str, str] = {}
        for line in self.comment.decode("utf-8", "surrogateescape").split("\n"):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"txtar comment line without '=': {line!r}")
            params[key.strip()] = value.strip()
        return params


def parse(data: bytes) -> Txtar:
    """Parse the bytes of a txtar archive."""
    lines = data.splitlines(keepends=True)
    comment: list[bytes] = []
    files: list[TxtarFile] = []
    name: str | None = None
    body: list[bytes] = []
    for line in lines:
        marker = _MARKER.match(line.rstrip(b"\n"))
        if marker is None:
            (comment if name is None else body).append(line)
            continue
        if name is not None:
            files.append(TxtarFile(name, _fix_newline(b"".join(body))))
        name = marker[1].decode("utf-8", "surrogateescape").strip()
        body = []
    if name is not None:
        files.append(TxtarFile(name, _fix_newline(b"".join(body))))
    return Txtar(_fix_newline(b"".join(comment)), files)


def read(path: Path) -> Txtar:
    """Read and parse a txtar file."""
    return parse(path.read_bytes())


def _fix_newline(data: bytes) -> bytes:
    # Like Go's txtar: non-empty content always ends with a newline.
    if data and not data.endswith(b"\n"):
        return data + b"\n"
    return data
