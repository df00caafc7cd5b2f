"""The ``h1:`` hash that go.sum and the Go checksum database record for a module.

Hash1 is SHA-256 over a summary with one line per file, ``<sha256 hex>  <name>\\n``,
the lines ordered by the bytes of the names; the result is ``h1:`` and the
base64 of that digest. For a module zip the names are the zip's entry names,
``<module>@<version>/<file>``, so only names and contents count: compression,
timestamps and the order of entries in the zip do not change the hash.

Files are read in chunks, so hashing never holds a whole file in memory.
"""

import base64
import hashlib
import logging
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from os import PathLike
from typing import IO

from gomodpub.core.errors import ZipError

logger = logging.getLogger(__name__)

_UTF8_FLAG = 0x800

CHUNK_SIZE = 1 << 20
"""How many bytes are read at a time when hashing a file."""

Opener = Callable[[str], AbstractContextManager[IO[bytes]]]
"""Opens a file by the name it has in the hash, for reading bytes."""


def sha256_stream(stream: IO[bytes]) -> str:
    """Return the hex SHA-256 of everything left in ``stream``, read in chunks."""
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def _name_key(name: str) -> bytes:
    # Go sorts the names as byte strings; surrogateescape keeps undecodable
    # bytes from os.fsdecode in their original place.
    return name.encode("utf-8", "surrogateescape")


def summary_hash(digests: Iterable[tuple[str, str]]) -> str:
    """Return the ``h1:`` hash of (name, hex SHA-256 of content) pairs.

    Raises:
        ZipError: a name contains a newline, which the summary cannot hold.
    """
    summary = hashlib.sha256()
    for name, hexdigest in sorted(digests, key=lambda pair: _name_key(pair[0])):
        if "\n" in name:
            raise ZipError(f"cannot hash file name with a newline: {name!r}")
        summary.update(f"{hexdigest}  {name}\n".encode("utf-8", "surrogateescape"))
    return "h1:" + base64.b64encode(summary.digest()).decode("ascii")


def summary_hash_packed(
    prefix: str, names: Sequence[str], digests: bytes | bytearray
) -> str:
    """Return the ``h1:`` hash of files named ``prefix + names[i]``.

    The same as :func:`summary_hash`, for callers with many files: the i-th
    file's SHA-256 digest is ``digests[32 * i : 32 * i + 32]``, so no pair,
    hex string or prefixed name has to be kept per file.

    Raises:
        ZipError: a name contains a newline, which the summary cannot hold.
    """
    if len(digests) != 32 * len(names):
        raise ValueError("digests must hold 32 bytes for each name")
    # Code point order is byte order for ASCII, which spares a key per name.
    plain = all(name.isascii() for name in names)
    order = sorted(
        range(len(names)),
        key=names.__getitem__ if plain else lambda i: _name_key(names[i]),
    )
    view = memoryview(digests)
    summary = hashlib.sha256()
    for i in order:
        name = prefix + names[i]
        if "\n" in name:
            raise ZipError(f"cannot hash file name with a newline: {name!r}")
        hexdigest = view[32 * i : 32 * i + 32].hex()
        summary.update(f"{hexdigest}  {name}\n".encode("utf-8", "surrogateescape"))
    return "h1:" + base64.b64encode(summary.digest()).decode("ascii")


def hash_files(names: Iterable[str], opener: Opener) -> str:
    """Return the ``h1:`` hash of the named files, each opened with ``opener``.

    Raises:
        ZipError: a name contains a newline.
        OSError: a file could not be read.
    """
    digests = []
    for name in sorted(names, key=_name_key):
        if "\n" in name:
            raise ZipError(f"cannot hash file name with a newline: {name!r}")
        with opener(name) as stream:
            digests.append((name, sha256_stream(stream)))
    return summary_hash(digests)


def zip_entry_name(info: zipfile.ZipInfo) -> str:
    """Return an entry's name as Go reads it: its raw bytes, taken as UTF-8."""
    # zipfile cuts names at a NUL and decodes names without the UTF-8 flag as
    # cp437; Go does neither, so undo both. Bytes that are not UTF-8 come back
    # as surrogates, which the file path checks then refuse.
    name = info.orig_filename
    if not info.flag_bits & _UTF8_FLAG:
        name = name.encode("cp437").decode("utf-8", "surrogateescape")
    return name


def hash_zip(zip_path: str | PathLike[str]) -> str:
    """Return the ``h1:`` hash of the entries of a zip file, as go.sum records it.

    Raises:
        ZipError: the file is not a readable zip, or an entry is corrupt.
        OSError: the file could not be read.
    """
    logger.debug("hashing zip %s", zip_path)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            # Every entry counts, directories too. Of two entries with one name
            # the last is read twice, as the reference does.
            infos = archive.infolist()
            by_name = {zip_entry_name(info): info for info in infos}

            def open_entry(name: str) -> AbstractContextManager[IO[bytes]]:
                return archive.open(by_name[name])

            return hash_files([zip_entry_name(info) for info in infos], open_entry)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ZipError(f"cannot hash {zip_path}: not a valid zip file ({exc})") from exc
    except NotImplementedError as exc:
        raise ZipError(f"cannot hash {zip_path}: {exc}") from exc
