"""Tests of the h1 hash against values the reference computed."""

import base64
import hashlib
import io
import struct
import zipfile
from pathlib import Path

import pytest

from gomodpub.core import dirhash
from gomodpub.core.errors import ZipError
from tests.helpers import txtar
from tests.helpers.conformance import ZIP_TESTDATA

EMPTY_HASH = "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def opener(files: dict[str, bytes]) -> dirhash.Opener:
    return lambda name: io.BytesIO(files[name])


def reference_cases() -> list[Path]:
    """The create cases of x/mod whose every file lands in the zip, with an h1."""
    # Cases that leave files out (vendor, nested modules) belong to test_modzip.
    left_out = ("vendor/", "sub/", "GO.MOD", "/go.mod")
    return [
        p
        for p in sorted((ZIP_TESTDATA / "create").glob("*.txt"))
        if "hash" in (arc := txtar.read(p)).params()
        and not any(part in f.name for f in arc.files for part in left_out)
    ]


@pytest.mark.parametrize("case", reference_cases(), ids=lambda p: p.stem)
def test_hash_files_matches_the_reference(case: Path) -> None:
    arc = txtar.read(case)
    params = arc.params()
    prefix = f"{params['path']}@{params['version']}/"
    files = {prefix + f.name: f.data for f in arc.files}

    assert dirhash.hash_files(files, opener(files)) == params["hash"]


def test_no_files_hash_to_the_empty_hash() -> None:
    assert dirhash.hash_files([], opener({})) == EMPTY_HASH


def test_hash_is_the_sha256_of_the_sorted_summary() -> None:
    files = {"b": b"two", "a/b": b"one", "a.b": b"three", "é": b"four"}
    # Go sorts names as bytes: "a.b" < "a/b" since '.' < '/', "é" last.
    summary = "".join(
        f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n"
        for n in ["a.b", "a/b", "b", "é"]
    )
    want = hashlib.sha256(summary.encode()).digest()

    got = dirhash.hash_files(reversed(list(files)), opener(files))

    assert got == "h1:" + base64.b64encode(want).decode()


def test_names_with_newlines_are_refused() -> None:
    files = {"a\nb": b""}

    with pytest.raises(ZipError, match="newline"):
        dirhash.hash_files(files, opener(files))


class ChunkCheckingStream(io.BytesIO):
    """A stream that fails if asked for everything at once or too much."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and 0 < size <= dirhash.CHUNK_SIZE
        return super().read(size)


def test_files_are_read_in_chunks() -> None:
    data = bytes(3 * dirhash.CHUNK_SIZE + 5)

    got = dirhash.hash_files(["big"], lambda name: ChunkCheckingStream(data))

    assert got == dirhash.hash_files(["big"], opener({"big": data}))


def test_hash_zip_hashes_every_entry(tmp_path: Path) -> None:
    zip_path = tmp_path / "m.zip"
    files = {"m@v1.0.0/go.mod": b"module m\n", "m@v1.0.0/a/": b"", "m@v1.0.0/a/x": b"x"}
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)

    assert dirhash.hash_zip(zip_path) == dirhash.hash_files(files, opener(files))


def test_hash_zip_reads_names_as_go_does(tmp_path: Path) -> None:
    # A UTF-8 name written without the UTF-8 flag: zipfile would decode it as
    # cp437, Go keeps the bytes, which are "é".
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("é", b"x")
    data = bytearray(buf.getvalue())
    central = data.rindex(b"PK\x01\x02")
    for at in (6, central + 8):
        (flags,) = struct.unpack_from("<H", data, at)
        struct.pack_into("<H", data, at, flags & ~0x800)
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(bytes(data))

    assert dirhash.hash_zip(zip_path) == dirhash.hash_files(["é"], opener({"é": b"x"}))


@pytest.mark.parametrize("data", [b"", b"garbage", b"PK\x03\x04" + bytes(40)])
def test_hash_zip_of_a_broken_zip_is_a_zip_error(tmp_path: Path, data: bytes) -> None:
    zip_path = tmp_path / "broken.zip"
    zip_path.write_bytes(data)

    with pytest.raises(ZipError, match="not a valid zip file"):
        dirhash.hash_zip(zip_path)
