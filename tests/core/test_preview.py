"""The preview of a module folder: every file, included or not and why."""

from __future__ import annotations

import os
from pathlib import Path

from gomodpub.core.preview import PreviewEntry, preview_dir
from tests.helpers.folders import write_folder


def test_lists_included_and_left_out_files_with_reasons(tmp_path: Path) -> None:
    root = write_folder(
        tmp_path / "m",
        {
            "go.mod": "module example.com/m\n\ngo 1.24\n",
            "m.go": "package m\n",
            "vendor/modules.txt": "\n",
            "inner/go.mod": "module example.com/m/inner\n",
            ".git/config": "[core]\n",
        },
    )
    os.symlink("m.go", root / "link.go")

    preview = preview_dir(root)

    assert preview.entries == [
        PreviewEntry(
            ".git", 0, False, "directory is a version control repository", kind="folder"
        ),
        PreviewEntry("go.mod", 30, True),
        PreviewEntry(
            "inner", 0, False, "directory is in another module", kind="folder"
        ),
        # A link's own size is not what would be published.
        PreviewEntry("link.go", 0, False, "not a regular file", kind="link"),
        PreviewEntry("m.go", 10, True),
        PreviewEntry("vendor/modules.txt", 1, False, "file is in vendor directory"),
    ]
    assert preview.included_size == 40
    assert preview.size_limit == 500 * 1024 * 1024
    assert (preview.module_path, preview.go_version) == ("example.com/m", "1.24")
    assert preview.go_mod_text.startswith("module example.com/m")
    assert preview.publishable


def test_invalid_files_are_problems(tmp_path: Path) -> None:
    root = write_folder(
        tmp_path / "m",
        {"go.mod": "module example.com/m\n", "bad'name.go": "", "A.go": "", "a.go": ""},
    )

    preview = preview_dir(root)

    invalid = {e.path: e.reason for e in preview.entries if e.invalid}
    assert (
        invalid["bad'name.go"]
        == "malformed file path \"bad'name.go\": invalid char '\\''"
    )
    assert any("case-insensitive" in reason for reason in invalid.values())
    assert not preview.publishable
    assert len(preview.problems) == len(invalid)


def test_a_broken_go_mod_is_a_problem_with_its_line(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "m", {"go.mod": "module example.com/m\ngo one\n"})

    preview = preview_dir(root)

    assert preview.go_mod is None
    assert preview.go_mod_text == "module example.com/m\ngo one\n"
    assert len(preview.problems) == 1
    assert f"{root / 'go.mod'}:2:" in preview.problems[0]


def test_a_folder_without_go_mod_is_still_publishable(tmp_path: Path) -> None:
    preview = preview_dir(write_folder(tmp_path / "m", {"l.go": "package l\n"}))

    assert preview.go_mod is None
    assert preview.module_path == ""
    assert preview.publishable


def test_a_linked_go_mod_is_a_problem_as_when_publishing(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "m", {"m.go": "package m\n"})
    (tmp_path / "real.mod").write_text("module example.com/m\n")
    (root / "go.mod").symlink_to(tmp_path / "real.mod")

    preview = preview_dir(root)

    assert preview.problems == [
        f"{root / 'go.mod'} is not a regular file (a link or a folder); the module "
        "zip can only hold a real go.mod: replace it with the file itself"
    ]
    assert not preview.publishable


def test_a_module_path_go_cannot_use_is_a_problem(tmp_path: Path) -> None:
    root = write_folder(
        tmp_path / "m", {"go.mod": "module cache\n", "m.go": "package m\n"}
    )

    preview = preview_dir(root)

    assert preview.module_path == "cache"
    assert preview.problems == [
        f'{root / "go.mod"}: malformed module path "cache": missing dot in first '
        "path element"
    ]


def test_a_go_mod_without_a_module_line_is_a_problem(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "m", {"go.mod": "go 1.22\n", "m.go": "package m\n"})

    preview = preview_dir(root)

    assert preview.problems == [
        f"{root / 'go.mod'}: missing module declaration; add a line such as "
        "'module example.com/mymodule'"
    ]
