"""Tests of module zips against golang.org/x/mod/zip's own test data, and more.

Each case of ``zip/testdata/<folder>/*.txt`` runs as the reference's test of the
same folder does; the data is read where it lies, never copied.
"""

import hashlib
import io
import os
import posixpath
import random
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodpub.core import _unicode, _unicode_tables, modzip
from gomodpub.core.dirhash import (
    hash_files,
    hash_zip,
    summary_hash,
    summary_hash_packed,
)
from gomodpub.core.errors import ZipError
from gomodpub.core.module import ModuleVersion
from tests.helpers import txtar
from tests.helpers.conformance import PROJECT_ROOT, ZIP_TESTDATA
from tests.helpers.fuzzing import examples

EMPTY_HASH = "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
M = ModuleVersion("example.com/m", "v1.0.0")
PREFIX = "example.com/m@v1.0.0/"


def cases(folder: str) -> list[Path]:
    """Return the reference's test files of one folder, for parametrize."""
    return sorted((ZIP_TESTDATA / folder).glob("*.txt"))


def case_ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def split_want(arc: txtar.Txtar) -> tuple[str, list[txtar.TxtarFile]]:
    """Return the ``want`` file's text and the other files."""
    want = next(f.data.decode() for f in arc.files if f.name == "want")
    return want, [f for f in arc.files if f.name != "want"]


def write_tree(root: Path, files: list[txtar.TxtarFile]) -> None:
    for f in files:
        path = root / f.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.data)


def write_zip(path: Path, entries: list[tuple[str, bytes]]) -> None:
    """Write a zip as Go's zip.Writer.Create would: deflated, in the given order."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)


def hash_dir(root: Path, prefix: str) -> str:
    """Return the h1 of a folder's files named prefix + path, as dirhash.HashDir."""
    names = {
        prefix + p.relative_to(root).as_posix(): p
        for p in root.rglob("*")
        if p.is_file()
    }
    return hash_files(names, lambda name: names[name].open("rb"))


def module_of(params: dict[str, str]) -> ModuleVersion:
    return ModuleVersion(params["path"], params["version"])


# ---------------------------------------------------------------------------
# Conformance: the reference's test data


@pytest.mark.parametrize(
    "case", cases("check_files"), ids=case_ids(cases("check_files"))
)
def test_check_files(case: Path) -> None:
    want, files = split_want(txtar.read(case))

    report = modzip.check_files(modzip.DataFile(f.name, f.data) for f in files)

    assert report.format() == want
    err = report.error()
    assert (str(err) if err else "") == "\n".join(str(p) for p in report.invalid)


@pytest.mark.parametrize("case", cases("check_dir"), ids=case_ids(cases("check_dir")))
def test_check_dir(case: Path, tmp_path: Path) -> None:
    want, files = split_want(txtar.read(case))
    write_tree(tmp_path, files)

    report = modzip.check_dir(tmp_path)

    assert report.format().replace(str(tmp_path), "$work") == want
    err = report.error()
    assert (str(err) if err else "") == "\n".join(str(p) for p in report.invalid)


@pytest.mark.parametrize("case", cases("check_zip"), ids=case_ids(cases("check_zip")))
def test_check_zip(case: Path, tmp_path: Path) -> None:
    arc = txtar.read(case)
    want, files = split_want(arc)
    zip_path = tmp_path / "m.zip"
    write_zip(zip_path, [(f.name, f.data) for f in files])

    report = modzip.check_zip(module_of(arc.params()), zip_path)

    assert report.format() == want
    err = report.error()
    assert (str(err) if err else "") == "\n".join(str(p) for p in report.invalid)


@pytest.mark.parametrize("case", cases("create"), ids=case_ids(cases("create")))
def test_create(case: Path) -> None:
    arc = txtar.read(case)
    params = arc.params()
    files = [modzip.DataFile(f.name, f.data) for f in arc.files]
    out = io.BytesIO()

    if "wantErr" in params:
        with pytest.raises(ZipError, match=_literal(params["wantErr"])):
            modzip.create(out, module_of(params), files)
        return
    h1 = modzip.create(out, module_of(params), files)

    assert h1 == params["hash"]
    assert _hash_zip_bytes(out.getvalue()) == params["hash"]


@pytest.mark.parametrize(
    "case", cases("create_from_dir"), ids=case_ids(cases("create_from_dir"))
)
def test_create_from_dir(case: Path, tmp_path: Path) -> None:
    arc = txtar.read(case)
    params = arc.params()
    src = tmp_path / "src"
    src.mkdir()
    write_tree(src, arc.files)
    out = io.BytesIO()

    if "wantErr" in params:
        with pytest.raises(ZipError, match=_literal(params["wantErr"])):
            modzip.create_from_dir(out, module_of(params), src)
        return
    h1 = modzip.create_from_dir(out, module_of(params), src)

    assert h1 == params["hash"]
    assert _hash_zip_bytes(out.getvalue()) == params["hash"]


@pytest.mark.parametrize(
    "case", cases("create_from_dir"), ids=case_ids(cases("create_from_dir"))
)
def test_pack_dir(case: Path, tmp_path: Path) -> None:
    arc = txtar.read(case)
    params = arc.params()
    src = tmp_path / "src"
    src.mkdir()
    write_tree(src, arc.files)
    zip_path = tmp_path / "m.zip"

    if "wantErr" in params:
        with pytest.raises(ZipError, match=_literal(params["wantErr"])):
            modzip.pack_dir(src, module_of(params), zip_path)
        return
    result = modzip.pack_dir(src, module_of(params), zip_path)

    assert result.h1 == params["hash"]
    assert hash_zip(zip_path) == params["hash"]
    assert result.size == zip_path.stat().st_size
    assert modzip.check_zip(module_of(params), zip_path).h1 == params["hash"]


@pytest.mark.parametrize("case", cases("unzip"), ids=case_ids(cases("unzip")))
def test_unzip(case: Path, tmp_path: Path) -> None:
    arc = txtar.read(case)
    params = arc.params()
    zip_path = tmp_path / "m.zip"
    write_zip(zip_path, [(f.name, f.data) for f in arc.files])
    out = tmp_path / "out"

    if "wantErr" in params:
        with pytest.raises(ZipError, match=_literal(params["wantErr"])):
            modzip.unzip(out, module_of(params), zip_path)
        assert not out.exists()
        return
    modzip.unzip(out, module_of(params), zip_path)

    prefix = f"{params['path']}@{params['version']}/"
    assert hash_dir(out, prefix) == params["hash"]


@pytest.mark.parametrize(
    ("comment", "want"),
    [
        (
            b"# a case\npath = example.com/m  # the module\nversion=v1.0.0\n\n",
            {"path": "example.com/m", "version": "v1.0.0"},
        ),
        (
            b"path=example.com/m\nwantErr=x=y\nhash=h1:\n",
            {"path": "example.com/m", "wantErr": "x=y", "hash": "h1:"},
        ),
        (b"path=example.com/m\nbogus=1\n", 'case.txt:2: unknown key "bogus"'),
        (b"\nWantErr=typo\n", 'case.txt:2: unknown key "WantErr"'),
        (b"path\n", "case.txt:1: missing = separator"),
    ],
)
def test_txtar_params_are_read_as_x_mod_reads_them(
    comment: bytes, want: dict[str, str] | str
) -> None:
    arc = txtar.parse(comment + b"-- a.go --\npackage a\n", "case.txt")

    if isinstance(want, str):
        with pytest.raises(ValueError) as info:
            arc.params()
        assert str(info.value) == want
    else:
        assert arc.params() == want


def _literal(text: str) -> str:
    return re.escape(text)


def _hash_zip_bytes(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = {i.filename: i for i in archive.infolist()}
        return hash_files(infos, lambda name: archive.open(infos[name]))


# ---------------------------------------------------------------------------
# Folders: what the reference's special cases check


def test_create_from_dir_ignores_empty_dir(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    assert modzip.create_from_dir(io.BytesIO(), M, tmp_path) == EMPTY_HASH


def test_create_from_dir_omits_symlink(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path)
    (tmp_path / "file-link").symlink_to(tmp_path / "nowhere")

    report = modzip.check_dir(tmp_path)

    assert modzip.create_from_dir(io.BytesIO(), M, tmp_path) == EMPTY_HASH
    assert [(Path(p.path).name, p.reason) for p in report.omitted] == [
        ("file-link", modzip.NOT_REGULAR),
        ("link", modzip.NOT_REGULAR),
    ]


def test_create_from_dir_of_a_vendor_folder(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "go.mod").write_bytes(b"module example.com/m\n\ngo 1.13\n")

    h1 = modzip.create_from_dir(io.BytesIO(), M, vendor)

    assert h1 == "h1:XduFAgX/GaspZa8Jv4pfzoGEzNaU/r88PiCunijw5ok="


def test_pack_dir_reports_progress_and_omissions(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(b"module example.com/m\n")
    (tmp_path / "a.go").write_bytes(b"package a\n" * 1000)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_bytes(b"ref\n")
    seen: list[int] = []

    def on_progress(bytes_transferred: int, **kwargs: object) -> None:
        seen.append(bytes_transferred)

    result = modzip.pack_dir(tmp_path, M, tmp_path / "out.zip", on_progress=on_progress)

    assert [f.name for f in result.files] == ["a.go", "go.mod"]
    assert [(p.path, p.reason) for p in result.omitted] == [(".git", modzip.VCS_DIR)]
    assert sum(seen) == 10000 + len(b"module example.com/m\n")


def test_pack_dir_entries_are_like_gos(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_bytes(b"package a\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.go").write_bytes(b"package b\n")

    modzip.pack_dir(tmp_path, M, tmp_path.parent / "out.zip")

    with zipfile.ZipFile(tmp_path.parent / "out.zip") as archive:
        infos = archive.infolist()
    # filepath.Walk order: a folder's entries sorted by name, depth first.
    assert [i.filename for i in infos] == [PREFIX + "a/b.go", PREFIX + "a.go"]
    for info in infos:
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert (info._raw_time, info.date_time[:3]) == (0, (1980, 0, 0))  # type: ignore[attr-defined]
        assert info.external_attr == 0


@pytest.mark.parametrize("size", [100, 40_000, 3 << 20])
def test_pack_dir_stores_incompressible_data_in_deflate_entries(
    tmp_path: Path, size: int
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    noise = random.Random(size).randbytes(size)
    (src / "noise.bin").write_bytes(noise)
    (src / "text.go").write_bytes(b"package text\n" * (size // 13))

    result = modzip.pack_dir(src, M, tmp_path / "m.zip")

    with zipfile.ZipFile(tmp_path / "m.zip") as archive:
        infos = {i.filename: i for i in archive.infolist()}
        assert archive.read(PREFIX + "noise.bin") == noise
    stored, text = infos[PREFIX + "noise.bin"], infos[PREFIX + "text.go"]
    assert stored.compress_type == text.compress_type == zipfile.ZIP_DEFLATED
    # Stored blocks add five bytes per block of at most 64 KiB (zlib cuts
    # them smaller when streaming). Text still deflates.
    assert size <= stored.compress_size <= size + 5 * (size // 16384 + 1)
    assert text.compress_size < text.file_size // 4
    assert result.h1 == modzip.check_zip(M, tmp_path / "m.zip").h1


@pytest.mark.parametrize(
    "names",
    [
        [],
        ["b.go", "a/b.go", "a.go", "a-b.go", "A.go"],
        ["é.go", "a/\U0001f600", "a/\udcff", "a/z", "z.go"],
    ],
)
def test_summary_hash_packed_is_summary_hash(names: list[str]) -> None:
    digests = [bytes([i]) * 32 for i in range(len(names))]

    packed = summary_hash_packed(PREFIX, names, b"".join(digests))

    pairs = [(PREFIX + n, d.hex()) for n, d in zip(names, digests, strict=True)]
    assert packed == summary_hash(pairs)


def test_pack_dir_removes_its_zip_when_a_file_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.go").write_bytes(b"package a\n")
    list_dir = modzip._list_dir

    def list_with_stale_sizes(
        root: str,
    ) -> tuple[list[modzip.ModuleFile], list[modzip.FileProblem]]:
        # As if the file grew after the folder was listed.
        files, omitted = list_dir(root)
        stale = [
            modzip.DirFile(f.root, f.path, f.mode, 1)
            for f in files
            if isinstance(f, modzip.DirFile)
        ]
        return list(stale), omitted

    monkeypatch.setattr(modzip, "_list_dir", list_with_stale_sizes)

    with pytest.raises(ZipError, match=re.escape('file "a.go" is larger')):
        modzip.pack_dir(src, M, tmp_path / "m.zip")
    assert not (tmp_path / "m.zip").exists()


def test_pack_dir_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    block = bytes(range(256)) * 4096
    with (src / "big.bin").open("wb") as f:
        for _ in range(64):  # 64 MiB
            f.write(block)
    for i in range(200):
        (src / f"small{i}.go").write_bytes(b"package small\n" * i)

    tracemalloc.start()
    try:
        result = modzip.pack_dir(src, M, tmp_path / "m.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 24 << 20
    assert result.h1 == hash_zip(tmp_path / "m.zip")


def test_pack_dir_walks_folders_deeper_than_the_recursion_limit(
    tmp_path: Path,
) -> None:
    deep = tmp_path
    for _ in range(300):
        deep = deep / "d"
        deep.mkdir()
    (deep / "x.go").write_bytes(b"package d\n")
    limit = sys.getrecursionlimit()

    sys.setrecursionlimit(250)
    try:
        result = modzip.pack_dir(tmp_path, M, tmp_path.parent / "deep.zip")
    finally:
        sys.setrecursionlimit(limit)

    assert [f.name for f in result.files] == ["d/" * 300 + "x.go"]


# ---------------------------------------------------------------------------
# Lists of files: the reference's size limits


@dataclass(frozen=True)
class SizedFile:
    """A file that claims a size, with content of zeros or the given bytes."""

    path: str
    size: int
    data: bytes | None = None

    def lstat(self) -> modzip.FileInfo:
        return modzip.FileInfo(mode=stat.S_IFREG | 0o644, size=self.size)

    def open(self) -> io.BytesIO:
        return io.BytesIO(self.data if self.data is not None else bytes(self.size))


@pytest.mark.parametrize(
    ("files", "want"),
    [
        ([SizedFile("large.go", modzip.MAX_ZIP_FILE)], None),
        (
            [SizedFile("large.go", modzip.MAX_ZIP_FILE + 1)],
            "module source tree too large",
        ),
        (
            [
                SizedFile("small.go", 10),
                SizedFile("large.go", modzip.MAX_ZIP_FILE - 10),
            ],
            None,
        ),
        (
            [SizedFile("small.go", 10), SizedFile("large.go", modzip.MAX_ZIP_FILE - 9)],
            "module source tree too large",
        ),
        ([SizedFile("go.mod", modzip.MAX_GO_MOD)], None),
        ([SizedFile("go.mod", modzip.MAX_GO_MOD + 1)], "go.mod file too large"),
        ([SizedFile("LICENSE", modzip.MAX_LICENSE)], None),
        ([SizedFile("LICENSE", modzip.MAX_LICENSE + 1)], "LICENSE file too large"),
        ([SizedFile("neg.go", -(1 << 63))], "module source tree too large"),
    ],
    ids=[
        "one_large",
        "one_too_large",
        "total_large",
        "total_too_large",
        "large_gomod",
        "too_large_gomod",
        "large_license",
        "too_large_license",
        "negative",
    ],
)
def test_check_files_size_limits(files: list[SizedFile], want: str | None) -> None:
    err = modzip.check_files(files).error()

    if want is None:
        assert err is None
    else:
        assert err is not None and want in str(err)


def test_create_refuses_a_file_larger_than_it_said() -> None:
    lie = SizedFile("lie.go", 1, b"package large")

    with pytest.raises(ZipError, match="larger than declared size"):
        modzip.create(io.BytesIO(), M, [lie])


def test_check_files_reports_a_parent_collision_for_every_file_below() -> None:
    files = [
        modzip.DataFile(p, b"x")
        for p in ["A", "a/b/c.go", "a/b/d.go", "a/e.go", "f/g.go", "F/h.go", "f/i.go"]
    ]

    report = modzip.check_files(files)

    assert [f.name for f in report.valid] == ["A", "f/g.go", "f/i.go"]
    assert [(p.path, p.reason) for p in report.invalid] == [
        (p, f'case-insensitive file name collision: "{a}" and "{b}"')
        for p, a, b in [
            ("a/b/c.go", "A", "a"),
            ("a/b/d.go", "A", "a"),
            ("a/e.go", "A", "a"),
            ("F/h.go", "f", "F"),
        ]
    ]


def test_check_files_sees_the_go_line_of_the_root_go_mod() -> None:
    def report(go_line: bytes) -> list[str]:
        files = [
            modzip.DataFile("go.mod", b"module example.com/m\n" + go_line),
            modzip.DataFile("vendor/modules.txt", b""),
            modzip.DataFile("pkg/vendor/v.go", b""),
        ]
        return [f.name for f in modzip.check_files(files).valid]

    assert report(b"go 1.23\n") == ["go.mod", "vendor/modules.txt"]
    assert report(b"go 1.24\n") == ["go.mod", "pkg/vendor/v.go"]
    assert report(b"go 1.24rc1 // pre-release\n") == ["go.mod", "pkg/vendor/v.go"]
    assert report(b"go 1.25.3\n") == ["go.mod", "pkg/vendor/v.go"]
    # A repeated or malformed go line fails Go's parse: the old rules apply.
    assert report(b"go 1.24\ngo 1.24\n") == ["go.mod", "vendor/modules.txt"]
    assert report(b"go one\n") == ["go.mod", "vendor/modules.txt"]


# ---------------------------------------------------------------------------
# Case folding and collisions, as Go's: expected outcomes come from Go 1.27


@pytest.mark.parametrize(
    ("first", "second", "collide"),
    [
        # Orbits Python's lower/upper/title do not join, Go's SimpleFold does.
        ("\u00b5", "\u03bc", True),
        ("\u00b5", "\u039c", True),
        ("\u0399", "\u1fbe", True),
        ("\u03b9", "\u1fbe", True),
        ("\u0390", "\u1fd3", True),
        ("\u03b0", "\u1fe3", True),
        ("\u1c88", "\ua64a", True),
        ("\u1c88", "\ua64b", True),
        ("\ufb05", "\ufb06", True),
        # The dotless i has an orbit of its own, and so has the dotted I.
        ("i", "\u0131", False),
        ("I", "\u0131", False),
        ("\u0130", "i", False),
        # Signs that fold onto letters.
        ("K", "\u212a", True),
        ("\u00c5", "\u212b", True),
    ],
    ids=ascii,
)
def test_check_files_folds_case_as_go(first: str, second: str, collide: bool) -> None:
    names = [f"{first}.go", f"{second}.go"]

    report = modzip.check_files(modzip.DataFile(n, b"x") for n in names)

    if collide:
        assert [f.name for f in report.valid] == names[:1]
        assert [(p.path, p.reason) for p in report.invalid] == [
            (
                names[1],
                f'case-insensitive file name collision: "{names[0]}" and "{names[1]}"',
            )
        ]
    else:
        assert [f.name for f in report.valid] == names
        assert report.invalid == []


# Go's strings.EqualFold for each pair, with U+0345, which no file name may
# hold (it is a mark, not a letter) but which folds with the iota.
@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("\u0345", "\u03b9", True),
        ("\u0345", "\u0399", True),
        ("\u0345", "\u1fbe", True),
        ("\u039c", "\u03bc", True),
        ("\ua64a", "\ua64b", True),
        ("\u00e5", "\u212b", True),
        ("\u00df", "\u1e9e", True),
        ("\u01c4", "\u01c5", True),
        ("\u01c5", "\u01c6", True),
        ("k", "\u212a", True),
        ("s", "\u017f", True),
        ("\u0130", "I", False),
        ("\u0131", "I", False),
    ],
    ids=ascii,
)
def test_equal_fold_is_gos(a: str, b: str, equal: bool) -> None:
    assert modzip._equal_fold(a, b) is equal
    assert modzip._equal_fold(f"dir/{a}.go", f"dir/{b}.go") is equal


def test_fold_table_folds_every_orbit_onto_one_rune() -> None:
    orbits = _unicode.fold_orbits()
    targets = set()

    for orbit in orbits:
        assert orbit == sorted(set(orbit)) and len(orbit) > 1
        # x/mod's strToFold: the orbit's smallest rune, a-z for A-Z.
        target = chr(orbit[0]).lower() if orbit[0] < 0x80 else chr(orbit[0])
        assert {modzip._str_to_fold(chr(r)) for r in orbit} == {target}
        targets.add(target)

    # One target per orbit, and no rune in two orbits.
    assert len(targets) == len(orbits)
    members = [r for orbit in orbits for r in orbit]
    assert len(members) == len(set(members))
    assert len(orbits) > 1400


def test_check_zip_refuses_micro_sign_and_mu(tmp_path: Path) -> None:
    data = _zip_bytes([(PREFIX + "\u00b5.go", b"x"), (PREFIX + "\u03bc.go", b"x")])

    _assert_refused(
        tmp_path,
        data,
        re.escape('case-insensitive file name collision: "\u00b5.go" and "\u03bc.go"'),
    )


def test_check_dir_keeps_i_and_dotless_i_apart(tmp_path: Path) -> None:
    (tmp_path / "i.go").write_bytes(b"package i\n")
    (tmp_path / "\u0131.go").write_bytes(b"package i\n")

    report = modzip.check_dir(tmp_path)

    assert [f.name for f in report.valid] == ["i.go", "\u0131.go"]
    assert report.error() is None


# Each list of files checked by Go's CheckFiles: what is valid, what invalid.
# Go keeps checking after a collision, and what it recorded of a failed path
# changes what later paths collide with.
@pytest.mark.parametrize(
    ("paths", "valid", "invalid"),
    [
        (
            "A a/x a/X",
            ["A"],
            [("a/x", "A", "a"), ("a/X", "a/x", "a/X")],
        ),
        (
            "A a/b/c a/B/d a/b/e",
            ["A"],
            [("a/b/c", "A", "a"), ("a/B/d", "a/b", "a/B"), ("a/b/e", "A", "a")],
        ),
        ("a/b/c A", ["a/b/c"], [("A", "a", "A")]),
        (
            "x/a X/b X/c x/d",
            ["x/a", "x/d"],
            [("X/b", "x", "X"), ("X/c", "x", "X")],
        ),
        ("A/b a/c a/c", ["A/b"], [("a/c", "A", "a")]),
        (
            "a/b/c a/B a/b/C/d",
            ["a/b/c"],
            [("a/B", "a/b", "a/B"), ("a/b/C/d", "a/b/c", "a/b/C")],
        ),
        (
            "a/b A/b/c a/b/d",
            ["a/b"],
            [("A/b/c", "a/b", "A/b"), ("a/b/d", "a/b", None)],
        ),
        ("a/b a", ["a/b"], [("a", "a", None)]),
        ("a a/b", ["a"], [("a/b", "a", None)]),
    ],
)
def test_check_files_collisions_are_gos(
    paths: str, valid: list[str], invalid: list[tuple[str, str, str | None]]
) -> None:
    report = modzip.check_files(modzip.DataFile(p, b"x") for p in paths.split())

    assert [f.name for f in report.valid] == valid
    assert [(p.path, p.reason) for p in report.invalid] == [
        (
            path,
            f'entry "{a}" is both a file and a directory'
            if b is None
            else f'case-insensitive file name collision: "{a}" and "{b}"',
        )
        for path, a, b in invalid
    ]


def _go_collisions(entries: list[tuple[str, bool]]) -> list[str | None]:
    """Check paths as x/mod's collisionChecker does, for ASCII paths."""
    seen: dict[str, tuple[str, bool]] = {}

    def check(p: str, is_dir: bool) -> str | None:
        other = seen.get(p.lower())
        if other is None:
            seen[p.lower()] = (p, is_dir)
        elif p != other[0]:
            return f'case-insensitive file name collision: "{other[0]}" and "{p}"'
        elif is_dir != other[1]:
            return f'entry "{p}" is both a file and a directory'
        elif not is_dir:
            return f'multiple entries for file "{p}"'
        parent = posixpath.dirname(p)
        return check(parent, True) if parent else None

    return [check(p, is_dir) for p, is_dir in entries]


_CASE_PATHS = st.lists(st.sampled_from("aAbB"), min_size=1, max_size=4).map("/".join)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(_CASE_PATHS, st.booleans()), max_size=12))
def test_fuzz_collision_checker_is_gos(entries: list[tuple[str, bool]]) -> None:
    checker = modzip._CollisionChecker()

    got = [checker.check(p, is_dir=is_dir) for p, is_dir in entries]

    assert got == _go_collisions(entries)


def test_deep_directories_are_refused_quickly(tmp_path: Path) -> None:
    # 16 files 30,000 directories deep: a 1.9 MB zip whose directories' paths
    # add up to 14 billion characters. Checked directory by directory, as
    # Go does, it took most of a minute.
    names = [PREFIX + "a/" * 30_000 + f"f{i}.go" for i in range(16)]
    zip_path = tmp_path / "deep.zip"
    zip_path.write_bytes(_zip_bytes([(n, b"") for n in names]))

    started = time.perf_counter()
    report = modzip.check_zip(M, zip_path)
    elapsed = time.perf_counter() - started

    assert report.size_error == _paths_too_long(64 << 20)
    assert report.h1 is None
    assert elapsed < 10


def _paths_too_long(budget: int) -> str:
    return (
        "file paths too long or too many, or directories too many or too deep: "
        f"the paths of a module's files and directories may take {budget} bytes, "
        "each path counting 128 plus its length (4 times its length if not all "
        "ASCII)"
    )


# a/é.go and its directory a count 128 each plus 4 bytes a character in the
# one, 1 in the other: 128 + 24 + 128 + 1 in all.
@pytest.mark.parametrize("budget", [281, 280])
def test_path_budget_counts_each_file_and_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    monkeypatch.setattr(modzip, "MAX_PATH_TOTAL", budget)
    want = None if budget >= 281 else _paths_too_long(budget)
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(_zip_bytes([(PREFIX + "a/\u00e9.go", b"x")]))

    files_report = modzip.check_files([modzip.DataFile("a/\u00e9.go", b"x")])
    zip_report = modzip.check_zip(M, zip_path)

    assert files_report.size_error == zip_report.size_error == want


# ---------------------------------------------------------------------------
# Hostile zips


def _zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return buf.getvalue()


def _set_sizes(data: bytes, real: int, fake: int) -> bytes:
    """Replace an entry's uncompressed size in its local and central headers."""
    old, new = struct.pack("<I", real), struct.pack("<I", fake)
    assert data.count(old) == 2
    return data.replace(old, new)


def _assert_refused(tmp_path: Path, data: bytes, match: str) -> None:
    zip_path = tmp_path / "hostile.zip"
    zip_path.write_bytes(data)
    out = tmp_path / "out"
    with pytest.raises(ZipError, match=match):
        modzip.check_zip(M, zip_path).raise_for_problems()
    with pytest.raises(ZipError, match=match):
        modzip.unzip(out, M, zip_path)
    # Nothing was extracted before the zip was refused.
    assert not out.exists()


def test_zip_bomb_declaring_a_small_size(tmp_path: Path) -> None:
    data = _set_sizes(_zip_bytes([(PREFIX + "go.mod", bytes(0x0BAD))]), 0x0BAD, 0xAC)

    _assert_refused(tmp_path, data, "larger than declared size")


def test_zip_declaring_a_larger_size_than_it_holds(tmp_path: Path) -> None:
    data = _set_sizes(_zip_bytes([(PREFIX + "a.go", bytes(0x0BAD))]), 0x0BAD, 0x0BAE)

    _assert_refused(tmp_path, data, "does not match its declared size")


def test_zip_bomb_declaring_a_huge_size(tmp_path: Path) -> None:
    real = 0x0BAD
    fake = modzip.MAX_ZIP_FILE + 1
    data = _set_sizes(_zip_bytes([(PREFIX + "a.go", bytes(real))]), real, fake)

    _assert_refused(tmp_path, data, "total uncompressed size of module contents")


def test_zip_bomb_of_overlapping_entries(tmp_path: Path) -> None:
    # Two central directory records pointing at one local header: the same
    # compressed bytes would be inflated twice under two names.
    one = _zip_bytes([(PREFIX + "a.go", bytes(1000)), (PREFIX + "b.go", bytes(1000))])
    with zipfile.ZipFile(io.BytesIO(one)) as archive:
        second = archive.getinfo(PREFIX + "b.go").header_offset
    central = one.rindex(b"PK\x01\x02")
    offset_at = central + 42
    patched = one[:offset_at] + struct.pack("<I", 0) + one[offset_at + 4 :]
    assert struct.unpack_from("<I", one, offset_at)[0] == second

    _assert_refused(tmp_path, patched, "not a valid zip file")


def test_zip_with_dot_dot_names(tmp_path: Path) -> None:
    data = _zip_bytes([(PREFIX + "../evil.go", b"x"), ("../evil.go", b"x")])

    _assert_refused(tmp_path, data, "invalid path element")
    report = modzip.check_zip(M, tmp_path / "hostile.zip")
    assert [p.reason for p in report.invalid] == [
        'malformed file path "../evil.go": invalid path element ".."',
        f'path does not have prefix "{PREFIX}"',
    ]
    assert not (tmp_path / "evil.go").exists()


def test_zip_with_absolute_names(tmp_path: Path) -> None:
    data = _zip_bytes([("/" + PREFIX + "a.go", b"x"), (PREFIX + "/etc/passwd", b"x")])

    _assert_refused(tmp_path, data, "path does not have prefix")
    report = modzip.check_zip(M, tmp_path / "hostile.zip")
    assert [p.reason for p in report.invalid] == [
        f'path does not have prefix "{PREFIX}"',
        'malformed file path "/etc/passwd": empty path element',
    ]


def test_zip_with_duplicate_entries(tmp_path: Path) -> None:
    data = _zip_bytes([(PREFIX + "a.go", b"one"), (PREFIX + "a.go", b"two")])

    _assert_refused(tmp_path, data, 'multiple entries for file "a.go"')


def test_zip_with_case_colliding_names(tmp_path: Path) -> None:
    data = _zip_bytes([(PREFIX + "a/b.go", b""), (PREFIX + "A/c.go", b"")])

    _assert_refused(tmp_path, data, 'case-insensitive file name collision: "a" and "A"')


def test_zip_with_a_name_cut_by_a_nul(tmp_path: Path) -> None:
    # zipfile cuts names at NUL; the checks must see the whole name, as Go does.
    data = _zip_bytes([(PREFIX + "a.go", b"x")])
    name = (PREFIX + "a.go").encode()
    data = data.replace(name, (PREFIX + "a\0go").encode())

    _assert_refused(tmp_path, data, "malformed file path")


def test_zip_with_an_oversized_go_mod(tmp_path: Path) -> None:
    data = _zip_bytes([(PREFIX + "go.mod", bytes(modzip.MAX_GO_MOD + 1))])

    _assert_refused(tmp_path, data, "go.mod file too large")


def test_zip_that_is_too_large(tmp_path: Path) -> None:
    zip_path = tmp_path / "big.zip"
    with zip_path.open("wb") as f:
        f.truncate(modzip.MAX_ZIP_FILE + 1)

    report = modzip.check_zip(M, zip_path)

    assert report.size_error is not None
    assert "module zip file is too large" in report.size_error
    with pytest.raises(ZipError, match="module zip file is too large"):
        modzip.unzip(tmp_path / "out", M, zip_path)


@pytest.mark.parametrize(
    "data", [b"", b"not a zip", b"PK\x05\x06" + bytes(10), b"PK\x03\x04" + bytes(100)]
)
def test_broken_zips(tmp_path: Path, data: bytes) -> None:
    _assert_refused(tmp_path, data, "not a valid zip file")


def test_unzip_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(_zip_bytes([(PREFIX + "a.go", b"package a\n")]))
    out = tmp_path / "out"
    out.mkdir()
    (out / "x").write_bytes(b"")

    with pytest.raises(ZipError, match="exists and is not empty"):
        modzip.unzip(out, M, zip_path)


def test_check_zip_reads_the_h1_of_a_good_zip(tmp_path: Path) -> None:
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(_zip_bytes([(PREFIX + "go.mod", b"module example.com/m\n")]))

    report = modzip.check_zip(M, zip_path)

    assert report.error() is None
    assert report.h1 == hash_zip(zip_path)
    assert report.size_total == len(b"module example.com/m\n")


# ---------------------------------------------------------------------------
# Zips written byte by byte, read as Go's archive/zip reads them


@dataclass(frozen=True)
class RawEntry:
    """An entry of a zip written by hand; fields left None follow from data."""

    name: str
    data: bytes = b"package a\n"
    method: int = 8
    payload: bytes | None = None
    crc: int | None = None
    size: int | None = None
    flags: int = 0
    descriptor: bytes = b""
    name_len: int | None = None
    extra: bytes = b""


def raw_parts(entries: list[RawEntry]) -> tuple[bytes, bytes]:
    """Return the local entries and the central directory of a zip."""
    body = b""
    directory = b""
    for e in entries:
        raw = (PREFIX + e.name).encode()
        payload = e.payload
        if payload is None:
            payload = e.data if e.method == 0 else zlib.compress(e.data, 6, -15)
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        size = len(e.data) if e.size is None else e.size
        name_len = len(raw) if e.name_len is None else e.name_len
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            *(0x02014B50, 45, 20, e.flags, e.method, 0, 0, crc, len(payload), size),
            *(name_len, len(e.extra), 0, 0, 0, 0, len(body)),
        )
        directory += raw + e.extra
        # With a data descriptor, the local header leaves CRC and sizes out.
        numbers = (0, 0, 0) if e.descriptor else (crc, len(payload), size)
        body += struct.pack(
            "<IHHHHHIIIHH",
            *(0x04034B50, 20, e.flags, e.method, 0, 0, *numbers, len(raw), 0),
        )
        body += raw + payload + e.descriptor
    return body, directory


def end_record(count: int, dir_size: int, dir_offset: int, comment: int = 0) -> bytes:
    fields = (0x06054B50, 0, 0, count, count, dir_size, dir_offset, comment)
    return struct.pack("<IHHHHIIH", *fields)


def raw_zip(entries: list[RawEntry], *, count: int | None = None) -> bytes:
    """Return a zip of entries whose end record counts count entries."""
    body, directory = raw_parts(entries)
    count = len(entries) if count is None else count
    return body + directory + end_record(count, len(directory), len(body))


def zip64_end(count: int, dir_size: int, dir_offset: int, at: int) -> bytes:
    """Return end records, the zip64 one at offset at, counting count entries."""
    record = (0x06064B50, 44, 45, 45, 0, 0, count, count, dir_size, dir_offset)
    return (
        struct.pack("<IQHHIIQQQQ", *record)
        + struct.pack("<IIQI", 0x07064B50, 0, at, 1)
        + end_record(0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    )


def zip64_zip(entries: list[RawEntry], count: int) -> bytes:
    """Return a zip of entries whose zip64 end record counts count entries."""
    body, directory = raw_parts(entries)
    at = len(body) + len(directory)
    return body + directory + zip64_end(count, len(directory), len(body), at)


def _crc(data: bytes) -> bytes:
    return struct.pack("<I", zlib.crc32(data))


_TWO = [RawEntry("go.mod", b"module example.com/m\n"), RawEntry("a.go")]
_TWO_H1 = "h1:mf3ZgaLi4oSAsMraSF2c/29zuDnyW+GWSJW1ofY+5Bk="
_ONE_H1 = "h1:xctQQey8/y7IcBjFZDP/onWLSXhlqcsC3i1fgSdpMHk="
_DATA = b"package a\n"
_DEFLATED = zlib.compress(_DATA, 6, -15)
_BODY, _DIRECTORY = raw_parts(_TWO)
_SECOND_HEADER = _DIRECTORY.rindex(b"PK\x01\x02")
_WHOLE_DIRECTORY = end_record(2, len(_DIRECTORY), len(_BODY))


# What Go 1.27's zip.Unzip and dirhash.HashZip say of each zip: an h1, or
# the error (Go's words, then ours in parentheses).
@pytest.mark.parametrize(
    ("data", "want"),
    [
        (
            raw_zip(_TWO, count=5),
            "unexpected EOF (the end record counts 5 entries but the central "
            "directory has 2, then a header cut short)",
        ),
        (
            raw_zip(_TWO, count=1),
            "unexpected EOF (the end record counts 1 entries but the central "
            "directory has 2, then a header cut short)",
        ),
        (
            raw_zip([_TWO[0], RawEntry("a.go", name_len=0xFFFF)]),
            "unexpected EOF (the end record counts 2 entries but the central "
            "directory has 1, then a header's name, extra or comment cut short)",
        ),
        (
            _BODY
            + _DIRECTORY[:_SECOND_HEADER]
            + b"PX"
            + _DIRECTORY[_SECOND_HEADER + 2 :]
            + _WHOLE_DIRECTORY,
            "zip: not a valid zip file (the end record counts 2 entries but the "
            "central directory has 1, then no header signature)",
        ),
        (
            _BODY + _DIRECTORY,
            "zip: not a valid zip file (no end of central directory record)",
        ),
        (
            # A comment that would run past the end of the file.
            _BODY + _DIRECTORY + end_record(2, len(_DIRECTORY), len(_BODY), 10),
            "zip: not a valid zip file (no end of central directory record)",
        ),
        (
            # The size says "see the zip64 extra", which is too short for it.
            raw_zip([RawEntry("a.go", size=0xFFFFFFFF, extra=b"\1\0\4\0abcd")]),
            "zip: not a valid zip file (the end record counts 1 entries but the "
            "central directory has 0, then a zip64 extra field too short)",
        ),
        (
            raw_zip(_TWO).replace(b"PK\x03\x04", b"PK\x03\x05", 1),
            'zip: not a valid zip file ("example.com/m@v1.0.0/go.mod": '
            "no local header signature)",
        ),
        (
            # The end record's offset is past the end of the file: Go finds
            # the directory from the end, and the entries before the start.
            _BODY + _DIRECTORY + end_record(2, len(_DIRECTORY), 10**6),
            'zip: not a valid zip file ("example.com/m@v1.0.0/go.mod": '
            "local header at a negative offset)",
        ),
        (
            raw_zip([RawEntry("a.go", payload=_DEFLATED[:-3])]),
            'unexpected EOF ("example.com/m@v1.0.0/a.go": compressed data cut short)',
        ),
        (
            raw_zip(
                [
                    RawEntry(
                        "a.go",
                        flags=8,
                        descriptor=b"PK\x07\x08" + bytes(12),
                    )
                ]
            ),
            'zip: checksum error ("example.com/m@v1.0.0/a.go": data descriptor)',
        ),
        (
            raw_zip([RawEntry("a.go", crc=1)]),
            'zip: checksum error ("example.com/m@v1.0.0/a.go")',
        ),
        (
            # Go's Unzip skips directories; its HashZip, and so go.sum, fails.
            raw_zip([RawEntry("dir/")]),
            'zip: not a valid zip file ("example.com/m@v1.0.0/dir/": '
            "directory entry with data)",
        ),
        (
            raw_zip([RawEntry("a.go", method=12)]),
            'zip: unsupported compression algorithm ("example.com/m@v1.0.0/a.go": '
            "method 12)",
        ),
        # Zips Go reads, odd as they are.
        (end_record(0, 0, 0), EMPTY_HASH),
        (b"#!/bin/sh\nexit 0\n" + raw_zip(_TWO), _TWO_H1),
        # Go compares only 16 bits of the count.
        (zip64_zip(_TWO, 65536 + 2), _TWO_H1),
        (
            raw_zip(
                [
                    RawEntry(
                        "a.go",
                        size=0xFFFFFFFF,
                        extra=struct.pack("<HHQ", 1, 8, len(_DATA)),
                    )
                ]
            ),
            _ONE_H1,
        ),
        (
            raw_zip([RawEntry("a.go", flags=8, descriptor=_crc(_DATA) + bytes(8))]),
            _ONE_H1,
        ),
        (raw_zip([RawEntry("a.go", payload=_DEFLATED + b"ignored")]), _ONE_H1),
        # A CRC of zero means none was set: Go does not compare it.
        (raw_zip([RawEntry("a.go", method=0, crc=0)]), _ONE_H1),
    ],
    ids=[
        "count_too_high",
        "count_too_low",
        "name_length_past_the_end",
        "header_without_signature",
        "no_end_record",
        "comment_past_the_end",
        "zip64_extra_too_short",
        "local_header_without_signature",
        "directory_offset_past_the_end",
        "deflate_cut_short",
        "descriptor_crc_wrong",
        "crc_wrong",
        "directory_with_data",
        "unknown_method",
        "empty",
        "data_in_front",
        "zip64_count_modulo_65536",
        "zip64_size",
        "descriptor_without_signature",
        "bytes_after_the_last_deflate_block",
        "no_crc",
    ],
)
def test_zip_read_as_go_reads_it(tmp_path: Path, data: bytes, want: str) -> None:
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(data)
    out = tmp_path / "out"

    if not want.startswith("h1:"):
        with pytest.raises(ZipError) as checked:
            modzip.check_zip(M, zip_path)
        with pytest.raises(ZipError) as unzipped:
            modzip.unzip(out, M, zip_path)
        assert str(checked.value) == f"{zip_path}: {want}"
        assert str(unzipped.value) == f"unzip {zip_path}: {want}"
        assert not out.exists()
        return
    report = modzip.check_zip(M, zip_path)
    modzip.unzip(out, M, zip_path)

    assert report.error() is None
    assert report.h1 == want
    assert hash_dir(out, PREFIX) == want


def test_check_zip_without_contents_reads_the_directory_as_go(tmp_path: Path) -> None:
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(raw_zip(_TWO, count=3))

    with pytest.raises(ZipError, match="^" + re.escape(f"{zip_path}: unexpected EOF")):
        modzip.check_zip(M, zip_path, read_contents=False)


# ---------------------------------------------------------------------------
# How many entries a zip may have, and a module files


def test_check_files_refuses_more_files_than_a_zip_may_hold() -> None:
    files = [modzip.DataFile(f"d{i % 100}/{i}.go", b"") for i in range(200_001)]

    report = modzip.check_files(files)

    assert report.size_error == "module has too many files (limit is 200000)"
    assert len(report.valid) == 200_001


def test_pack_dir_refuses_too_many_files_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modzip, "MAX_ZIP_FILES", 3)
    src = tmp_path / "src"
    src.mkdir()
    for name in ["a.go", "b.go", "c.go", "d.go"]:
        (src / name).write_bytes(b"package a\n")
    zip_path = tmp_path / "m.zip"

    with pytest.raises(ZipError) as info:
        modzip.pack_dir(src, M, zip_path)

    assert str(info.value) == (
        f"create zip from directory {src}: module has too many files (limit is 3)"
    )
    assert not zip_path.exists()
    report = modzip.check_dir(src)
    assert report.size_error == "module has too many files (limit is 3)"


def test_check_zip_refuses_too_many_entries_from_the_end_record(
    tmp_path: Path,
) -> None:
    # The directory is not even a directory: the count alone refuses it.
    zip_path = tmp_path / "m.zip"
    junk = b"junk" * 10
    zip_path.write_bytes(junk + zip64_end(200_001, len(junk), 0, len(junk)))

    report = modzip.check_zip(M, zip_path)

    assert report.size_error == (
        "module zip has too many entries (200001; limit is 200000)"
    )
    with pytest.raises(ZipError, match=re.escape("too many entries (200001;")):
        modzip.unzip(tmp_path / "out", M, zip_path)


def test_check_zip_refuses_too_many_entries_while_reading_headers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modzip, "MAX_ZIP_FILES", 3)
    # 65537 headers where the end record counts 1: Go reads them all.
    zip_path = tmp_path / "m.zip"
    body, directory = raw_parts([RawEntry("a.go")])
    zip_path.write_bytes(
        body + directory * 65537 + end_record(1, len(directory) * 65537, 0)
    )

    report = modzip.check_zip(M, zip_path)

    assert report.size_error == "module zip has too many entries (4; limit is 3)"


# ---------------------------------------------------------------------------
# Fuzzing

_SEED_ZIP = _zip_bytes(
    [
        (PREFIX + "go.mod", b"module example.com/m\n\ngo 1.21\n"),
        (PREFIX + "a.go", b"package a\n\nfunc A() int { return 1 }\n" * 20),
        (PREFIX + "b/", b""),
        (PREFIX + "b/b.go", bytes(300)),
    ]
)

# The errors of Go's zip reader, as check_zip and unzip word them.
_READER_ERROR = re.compile(
    r"(zip: not a valid zip file|unexpected EOF|EOF|zip: checksum error"
    r"|zip: unsupported compression algorithm) \(.*\)",
    re.DOTALL,
)


def _assert_checked_as_unzipped(zip_path: Path, out: Path) -> None:
    """Check a zip both ways: the same refusal, or the same files and h1."""
    try:
        report = modzip.check_zip(M, zip_path)
    except ZipError as exc:
        text = str(exc).removeprefix(f"{zip_path}: ")
        assert _READER_ERROR.fullmatch(text)
        with pytest.raises(ZipError) as info:
            modzip.unzip(out, M, zip_path)
        assert str(info.value) == f"unzip {zip_path}: {text}"
        assert not out.exists()
        return
    err = report.error()
    if err is not None:
        assert report.h1 is None
        with pytest.raises(ZipError) as info:
            modzip.unzip(out, M, zip_path)
        assert str(info.value) == f"unzip {zip_path}: {err}"
        assert not out.exists()
        return

    unzipped = modzip.unzip(out, M, zip_path)

    # The h1 hashes every entry: the files as unzip wrote them, and the
    # directories (which it does not write) as empty.
    written = {
        PREFIX + p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes())
        for p in out.rglob("*")
        if p.is_file()
    }
    with zip_path.open("rb") as fp:
        size = zip_path.stat().st_size
        names = [e.name for e in modzip._read_directory(fp, size, PREFIX).entries]
    files = [n for n in names if not n.endswith("/")]
    assert sorted(written) == sorted(files)
    empty = hashlib.sha256(b"").hexdigest()
    pairs = [(n, written[n].hexdigest() if n in written else empty) for n in names]
    assert report.h1 == unzipped.h1 == summary_hash(pairs)


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(_SEED_ZIP) - 1), st.integers(0, 255)),
        max_size=8,
    ),
    cut=st.integers(0, len(_SEED_ZIP)),
    junk=st.binary(max_size=64),
)
def test_fuzz_mutated_zips_are_refused_or_unzip_to_their_h1(
    tmp_path: Path, edits: list[tuple[int, int]], cut: int, junk: bytes
) -> None:
    data = bytearray(_SEED_ZIP)
    for at, value in edits:
        data[at] = value
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    zip_path = work / "fuzz.zip"
    zip_path.write_bytes(bytes(data[:cut]) + junk + bytes(data[cut:]))

    _assert_checked_as_unzipped(zip_path, work / "out")


@settings(max_examples=examples(300), deadline=None)
@given(garbage=st.binary(max_size=512))
def test_fuzz_garbage_is_not_a_zip(garbage: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        zip_path = Path(tmp) / "garbage.zip"
        zip_path.write_bytes(garbage)

        try:
            report = modzip.check_zip(M, zip_path)
        except ZipError as exc:
            text = str(exc).removeprefix(f"{zip_path}: ")
            assert _READER_ERROR.fullmatch(text)
            with pytest.raises(ZipError) as info:
                modzip.unzip(Path(tmp) / "out", M, zip_path)
            assert str(info.value) == f"unzip {zip_path}: {text}"
            return

    # Random bytes that are a zip at all hold an end record, and can only be
    # an empty zip (nothing else to read) or one whose names are refused.
    assert b"PK\x05\x06" in garbage
    if report.error() is None:
        assert report.valid == []
        assert report.h1 == EMPTY_HASH
    else:
        assert report.h1 is None


# ---------------------------------------------------------------------------
# Round trip: pack a folder, unzip it, get the same files back

# Letters whose case folding the test knows by heart, each mapped to its
# fold: the dotless i stays apart from i and I; micro sign, small and
# capital mu are one; so are k, K and the Kelvin sign.
_FOLDS = {
    "a": "a",
    "A": "a",
    "é": "é",
    "É": "é",
    "ß": "ß",
    "ẞ": "ß",
    "i": "i",
    "I": "i",
    "\u0131": "\u0131",
    "\u00b5": "\u00b5",
    "\u03bc": "\u00b5",
    "\u039c": "\u00b5",
    "k": "k",
    "K": "k",
    "\u212a": "k",
    "0": "0",
    "_": "_",
}
_ELEMENT = st.one_of(
    st.text(alphabet="".join(_FOLDS), min_size=1, max_size=4),
    st.just("vendor"),
)
_PATHS = st.lists(_ELEMENT, min_size=1, max_size=4).map("/".join)
_GO_LINES = st.sampled_from([None, b"", b"go 1.23\n", b"go 1.24\n"])


def _no_file_dir_clash(tree: dict[str, bytes]) -> bool:
    return not any(other.startswith(p + "/") for p in tree for other in tree)


def _fold(p: str) -> str:
    return "".join(_FOLDS.get(c, c) for c in p)


def _collides(paths: list[str]) -> bool:
    """Tell whether two of the paths, or of their directories, fold alike."""
    every = {p for path in paths for p in _with_parents(path)}
    return len({_fold(p) for p in every}) < len(every)


def _with_parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    tree=st.dictionaries(_PATHS, st.binary(max_size=2000), max_size=12).filter(
        _no_file_dir_clash
    ),
    go_line=_GO_LINES,
)
def test_fuzz_pack_then_unzip_gives_back_the_same_files(
    tmp_path: Path, tree: dict[str, bytes], go_line: bytes | None
) -> None:
    if go_line is not None and "go.mod" not in tree:
        tree = {**tree, "go.mod": b"module example.com/m\n\n" + go_line}
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    src, out, zip_path = work / "src", work / "out", work / "m.zip"
    src.mkdir()
    for name, data in tree.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    go_version = modzip.go_line_version(tree.get("go.mod", b""))
    included = sorted(
        (p for p in tree if not modzip.is_vendored_package(p, go_version)),
        key=lambda p: p.encode(),
    )

    if _collides(included):
        with pytest.raises(ZipError, match="case-insensitive file name collision"):
            modzip.pack_dir(src, M, zip_path)
        assert not zip_path.exists()
        return
    result = modzip.pack_dir(src, M, zip_path)
    checked = modzip.check_zip(M, zip_path)
    modzip.unzip(out, M, zip_path)

    got = {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file()
    }
    assert got == {p: tree[p] for p in included}
    assert sorted((f.name for f in result.files), key=str.encode) == included
    assert result.h1 == checked.h1 == hash_dir(out, PREFIX)


# ---------------------------------------------------------------------------
# The reference packer itself (slow: builds it with the Go toolchain)

GO = PROJECT_ROOT / ".venv" / "bin" / "go"
BUILD_SH = PROJECT_ROOT.parent / "shared" / "tools" / "gozipref" / "build.sh"
UUID = Path("/usr/share/gocode/src/github.com/google/uuid")


@pytest.fixture(scope="module")
def gozipref(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not GO.exists() or not BUILD_SH.exists():
        pytest.skip("the Go toolchain or the gozipref sources are missing")
    binary = tmp_path_factory.mktemp("gozipref") / "gozipref"
    env = {**os.environ, "GO": str(GO)}
    subprocess.run(["bash", str(BUILD_SH), str(binary)], check=True, env=env)
    return binary


def _reference_h1(gozipref: Path, src: Path, mv: ModuleVersion, out: Path) -> str:
    done = subprocess.run(
        [str(gozipref), str(src), mv.path, mv.version, str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.mark.slow
def test_unicode_tables_are_what_the_go_toolchain_says(tmp_path: Path) -> None:
    if not GO.exists():
        pytest.skip("the Go toolchain is missing")
    generator = PROJECT_ROOT / "scripts" / "gen_unicode_tables.go"
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": ""}

    done = subprocess.run(
        [str(GO), "run", str(generator)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        env=env,
    )

    fresh: dict[str, object] = {}
    exec(done.stdout, fresh)
    names = ["UNICODE_VERSION", "FOLD_ORBITS", "LETTERS", "PRINTABLE"]
    assert {n: fresh[n] for n in names} == {
        n: getattr(_unicode_tables, n) for n in names
    }


@pytest.mark.slow
def test_pack_dir_agrees_with_gozipref_on_uuid(gozipref: Path, tmp_path: Path) -> None:
    if not UUID.is_dir():
        pytest.skip("github.com/google/uuid sources are not installed")
    mv = ModuleVersion("github.com/google/uuid", "v1.3.0")

    ours = modzip.pack_dir(UUID, mv, tmp_path / "ours.zip")

    assert ours.h1 == _reference_h1(gozipref, UUID, mv, tmp_path / "ref.zip")


@pytest.mark.slow
@pytest.mark.parametrize("go_line", [b"", b"go 1.23\n", b"go 1.24\n"])
def test_pack_dir_agrees_with_gozipref_on_a_mixed_tree(
    gozipref: Path, tmp_path: Path, go_line: bytes
) -> None:
    src = tmp_path / "src"
    layout = {
        "go.mod": b"module example.com/m\n\n" + go_line,
        "m.go": b"package m\n",
        "a/b/c.go": zlib.compress(b"x" * 5000),
        "testdata/random.bin": random.Random(1).randbytes(3 << 20),
        "a.go": b"package m\n",
        "vendor/modules.txt": b"# vendored\n",
        "vendor/example.com/x/x.go": b"package x\n",
        "pkg/vendor/vendor.go": b"package vendor\n",
        "pkg/vendor/deep/d.go": b"package deep\n",
        "sub/go.mod": b"module example.com/m/sub\n",
        "sub/s.go": b"package sub\n",
        ".git/HEAD": b"ref: refs/heads/main\n",
        ".hg_archival.txt": b"repo: x\n",
        "testdata/Ünïcode.txt": "héllo".encode(),
        "empty.txt": b"",
    }
    for name, data in layout.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    (src / "link.go").symlink_to(src / "m.go")

    ours = modzip.pack_dir(src, M, tmp_path / "ours.zip")

    assert ours.h1 == _reference_h1(gozipref, src, M, tmp_path / "ref.zip")


@pytest.mark.slow
def test_pack_json_lists_the_files_of_the_reference_zip(
    gozipref: Path, tmp_path: Path
) -> None:
    import json
    import zipfile

    from click.testing import CliRunner

    from gomodpub.cli import main

    if not UUID.is_dir():
        pytest.skip("github.com/google/uuid sources are not installed")
    # A copy with what the rules leave out: a VCS folder, a nested module.
    source = tmp_path / "uuid"
    shutil.copytree(UUID, source)
    (source / ".git").mkdir()
    (source / ".git" / "HEAD").write_text("ref: refs/heads/master\n")
    (source / "tools" / "gen").mkdir(parents=True)
    (source / "tools" / "go.mod").write_text("module github.com/google/uuid/tools\n")
    mv = ModuleVersion("github.com/google/uuid", "v1.3.0")
    reference_h1 = _reference_h1(gozipref, source, mv, tmp_path / "ref.zip")
    with zipfile.ZipFile(tmp_path / "ref.zip") as archive:
        prefix = f"{mv.path}@{mv.version}/"
        reference_files = [n.removeprefix(prefix) for n in archive.namelist()]

    out = str(tmp_path / "o.zip")
    result = CliRunner().invoke(
        main, ["pack", str(source), "--version", mv.version, "--out", out, "--json"]
    )

    assert result.exit_code == 0, result.output
    packed = json.loads(result.stdout)
    assert packed["files"] == reference_files
    assert packed["h1"] == reference_h1
    assert {o["path"] for o in packed["omitted"]} == {".git", "tools"}


def test_read_zip_file_gives_one_file_of_a_checked_zip(tmp_path: Path) -> None:
    mv = ModuleVersion("example.com/m", "v1.0.0")
    folder = tmp_path / "m"
    (folder / "sub").mkdir(parents=True)
    (folder / "go.mod").write_text("module example.com/m\n")
    (folder / "sub" / "s.go").write_text("package sub\n" * 100)
    zip_path = tmp_path / "m.zip"
    modzip.pack_dir(folder, mv, zip_path)

    assert modzip.read_zip_file(mv, zip_path, "go.mod") == b"module example.com/m\n"
    assert modzip.read_zip_file(mv, zip_path, "sub/s.go") == b"package sub\n" * 100
    assert modzip.read_zip_file(mv, zip_path, "LICENSE") is None
    with pytest.raises(ZipError) as raised:
        modzip.read_zip_file(mv, zip_path, "sub/s.go", limit=10)
    assert str(raised.value) == (
        f'{zip_path}: "example.com/m@v1.0.0/sub/s.go": more than 10 bytes'
    )
