"""Comparing two module zips file by file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodpub.core.errors import ZipError
from gomodpub.core.module import ModuleVersion
from gomodpub.core.modzip import pack_dir
from gomodpub.core.zipdiff import diff_zips


def packed(tmp_path: Path, name: str, files: dict[str, str], version: str) -> Path:
    folder = tmp_path / name
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    out = tmp_path / f"{name}.zip"
    pack_dir(folder, ModuleVersion("example.com/m", version), out)
    return out


def test_names_added_removed_and_changed_files_and_diffs_go_mod(
    tmp_path: Path,
) -> None:
    old = packed(
        tmp_path,
        "old",
        {"go.mod": "module example.com/m\n\ngo 1.21\n", "a.go": "a", "gone.go": "g"},
        "v1.0.0",
    )
    new = packed(
        tmp_path,
        "new",
        {"go.mod": "module example.com/m\n\ngo 1.22\n", "a.go": "A", "b/new.go": "n"},
        "v1.0.0",
    )

    diff = diff_zips(old, new)

    assert (diff.added, diff.removed, diff.changed) == (
        ["b/new.go"],
        ["gone.go"],
        ["a.go", "go.mod"],
    )
    assert diff.go_mod_diff == [
        "--- published/go.mod",
        "+++ local/go.mod",
        "@@ -1,3 +1,3 @@",
        " module example.com/m",
        " ",
        "-go 1.21",
        "+go 1.22",
    ]
    assert diff.summary() == "2 files changed, 1 file added, 1 file removed"
    assert not diff.same


def test_same_files_under_other_versions_are_the_same(tmp_path: Path) -> None:
    files = {"go.mod": "module example.com/m\n", "a.go": "a"}

    diff = diff_zips(
        packed(tmp_path, "one", files, "v1.0.0"),
        packed(tmp_path, "two", files, "v1.1.0"),
    )

    assert diff.same
    assert diff.summary() == "no file differs"


def test_a_broken_zip_is_a_zip_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK not really")

    with pytest.raises(ZipError, match="cannot read module zip"):
        diff_zips(broken, broken)
