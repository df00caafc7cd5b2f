"""Choosing what to publish: module path and version checks with their fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodpub.core.errors import GomodpubError, InvalidModuleError, ModFileError
from gomodpub.core.publish import resolve_source


def folder(tmp_path: Path, go_mod: str | None) -> Path:
    path = tmp_path / "m"
    path.mkdir()
    (path / "m.go").write_text("package m\n")
    if go_mod is not None:
        (path / "go.mod").write_text(go_mod)
    return path


def test_reads_module_path_and_go_version(tmp_path: Path) -> None:
    source = resolve_source(
        folder(tmp_path, "module example.com/m\n\ngo 1.22.1\n"), "v1.2.3"
    )

    assert (source.module_path, source.version, source.go_version) == (
        "example.com/m",
        "v1.2.3",
        "1.22.1",
    )


@pytest.mark.parametrize(
    ("go_mod", "version", "module", "error", "message"),
    [
        (
            "module example.com/m\n",
            "v2.0.0",
            None,
            InvalidModuleError,
            "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2; "
            "add /v2 to the module path (go.mod: `module example.com/m/v2`) and "
            "change the imports inside the module to match",
        ),
        (
            "module example.com/m/v3\n",
            "v2.1.0",
            None,
            InvalidModuleError,
            "example.com/m/v3@v2.1.0: invalid version: should be v3, not v2; "
            "change /v3 to /v2 in the module path (go.mod: `module "
            "example.com/m/v2`) and change the imports inside the module to match",
        ),
        (
            "module example.com/m\n",
            "1.0.0",
            None,
            InvalidModuleError,
            "'1.0.0' is not a semantic version; versions look like v1.2.3",
        ),
        (
            "module example.com/m\n",
            "v1.2",
            None,
            InvalidModuleError,
            "version 'v1.2' is not canonical; use 'v1.2.0'",
        ),
        (
            "module example.com/m\n",
            "v2.0.0+incompatible",
            None,
            InvalidModuleError,
            "example.com/m@v2.0.0+incompatible: invalid version: +incompatible "
            "suffix not allowed: module contains a go.mod file, so semantic import "
            "versioning is required; add /v2 to the module path (go.mod: `module "
            "example.com/m/v2`) and change the imports inside the module to match, "
            "then publish v2.0.0",
        ),
        (
            "module example.com/m\n",
            "v1.0.0",
            "example.com/other",
            GomodpubError,
            "go.mod declares module example.com/m, not example.com/other; "
            "drop --module or fix go.mod",
        ),
        (
            None,
            "v2.0.0",
            "example.com/legacy",
            InvalidModuleError,
            "example.com/legacy@v2.0.0: invalid version: should be v0 or v1, not v2; "
            "add /v2 to the module path (go.mod: `module example.com/legacy/v2`) and "
            "change the imports inside the module to match, or publish "
            "v2.0.0+incompatible if the module has no go.mod",
        ),
    ],
)
def test_refusals_say_what_to_change(
    tmp_path: Path,
    go_mod: str | None,
    version: str,
    module: str | None,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error) as raised:
        resolve_source(folder(tmp_path, go_mod), version, module)

    assert str(raised.value) == message


def test_a_folder_without_go_mod_needs_a_module_path(tmp_path: Path) -> None:
    path = folder(tmp_path, None)

    with pytest.raises(GomodpubError, match=r"has no go\.mod; pass --module PATH"):
        resolve_source(path, "v1.0.0")
    assert resolve_source(path, "v2.0.0+incompatible", "example.com/l").module_path == (
        "example.com/l"
    )


def test_a_broken_go_mod_is_reported_with_its_line(tmp_path: Path) -> None:
    path = folder(tmp_path, "module example.com/m\n\nrequire (\n")

    with pytest.raises(ModFileError) as raised:
        resolve_source(path, "v1.0.0")

    assert f"{path / 'go.mod'}:" in str(raised.value)
    assert ":4:" in str(raised.value) or ":3:" in str(raised.value)


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(GomodpubError, match="is not a folder"):
        resolve_source(tmp_path / "nope", "v1.0.0")


class _Config:
    goproxy = "https://registry.test/proxy"


class VersionsOnlyClient:
    """A client that knows published versions and must not be asked for more."""

    config = _Config()

    def __init__(self, published: list[str]) -> None:
        self.published = published

    def versions(self, module: str) -> list[str]:
        return self.published

    def start_upload(self, *args: object) -> None:
        raise AssertionError("a refused version must not be uploaded")


def test_a_pseudo_version_is_refused_before_packing(tmp_path: Path) -> None:
    from gomodpub.core.publish import Publisher, PublishStatus

    version = "v0.0.0-20240101000000-abcdefabcdef"
    source = resolve_source(folder(tmp_path, "module example.com/m\n"), version)

    result = Publisher(VersionsOnlyClient([])).publish(source)  # type: ignore[arg-type]

    assert result.status is PublishStatus.REJECTED
    assert result.message.startswith(f"{version} is a pseudo-version")
    assert result.details["warnings"][0]["code"] == "pseudo-version"


def test_a_go_mod_that_is_a_link_or_a_folder_is_refused(tmp_path: Path) -> None:
    import os

    linked = folder(tmp_path, None)
    (tmp_path / "real.mod").write_text("module example.com/m\n\nrequire x.y/z v1.0.0\n")
    os.symlink(tmp_path / "real.mod", linked / "go.mod")
    boxed = tmp_path / "boxed"
    (boxed / "go.mod").mkdir(parents=True)

    for path in (linked, boxed):
        with pytest.raises(GomodpubError) as raised:
            resolve_source(path, "v1.0.0")
        assert str(raised.value) == (
            f"{path / 'go.mod'} is not a regular file (a link or a folder); the "
            "module zip can only hold a real go.mod: replace it with the file itself"
        )
