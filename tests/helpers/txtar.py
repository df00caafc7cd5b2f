"""A reader for txtar archives, the text format of Go's test data.

An archive is a comment followed by files; each file starts with a marker line
``-- name --`` and runs to the next marker. Content is kept as bytes, since
some test files hold bytes that are not UTF-8.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from gomodpub.core.goquote import quote

_MARKER = re.compile(rb"^-- (.*\S.*?) --[ \t\r]*$")

ZIP_TEST_KEYS = frozenset({"path", "version", "wantErr", "hash"})
"""The keys x/mod's zip tests know; any other one is a mistake in a test."""


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
    source: str = "txtar"

    def params(self, keys: Collection[str] = ZIP_TEST_KEYS) -> dict[str, str]:
        """Return the ``key=value`` lines of the comment, as x/mod's tests read them.

        A ``#`` starts a comment; blank lines are skipped. Bytes that are not
        UTF-8 survive as surrogates (surrogateescape).

        Raises:
            ValueError: a line has no ``=``, or a key is not one of keys: like
                x/mod's reader, a misspelt key fails rather than is ignored.
        """
        params: dict[str, str] = {}
        lines = self.comment.decode("utf-8", "surrogateescape").split("\n")
        for n, line in enumerate(lines, start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"{self.source}:{n}: missing = separator")
            key = key.strip()
            if key not in keys:
                raise ValueError(f"{self.source}:{n}: unknown key {quote(key)}")
            params[key] = value.strip()
        return params


def parse(data: bytes, source: str = "txtar") -> Txtar:
    """Parse the bytes of a txtar archive; source names it in errors."""
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
    return Txtar(_fix_newline(b"".join(comment)), files, source)


def read(path: Path) -> Txtar:
    """Read and parse a txtar file."""
    return parse(path.read_bytes(), str(path))


def _fix_newline(data: bytes) -> bytes:
    # Like Go's txtar: non-empty content always ends with a newline.
    if data and not data.endswith(b"\n"):
        return data + b"\n"
    return data
