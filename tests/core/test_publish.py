"""Choosing what to publish: module path and version checks with their fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gomodpub.core.dirhash import hash_zip
from gomodpub.core.errors import GomodpubError, InvalidModuleError, ModFileError
from gomodpub.core.publish import (
    Publisher,
    PublishResult,
    PublishStatus,
    resolve_source,
)
from tests.helpers.fake_registry import FakeRegistry
from tests.helpers.folders import write_folder


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
            "'1.0.0' is not a semantic version; versions look like v1.2.3 (did you "
            "mean v1.0.0?)",
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

    go_mod = path / "go.mod"
    assert str(raised.value) == (
        f"{go_mod}:4:1: syntax error (unterminated block started at {go_mod}:3:1)"
    )


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


# -- the whole workflow, against the registry in-process ----------------------

HELLO = {"go.mod": "module example.com/m\n\ngo 1.21\n", "m.go": "package m\n"}


def publish(
    registry: FakeRegistry, directory: Path, version: str, **publisher: Any
) -> PublishResult:
    client = registry.client()
    source = resolve_source(directory, version)
    return Publisher(client, sleep=lambda seconds: None, **publisher).publish(source)


def test_publishes_then_finds_the_same_content_already_published(
    tmp_path: Path,
) -> None:
    registry = FakeRegistry()
    directory = write_folder(tmp_path / "m", HELLO)

    first = publish(registry, directory, "v1.0.0")
    again = publish(registry, directory, "v1.0.0")

    assert (first.status, first.message) == (
        PublishStatus.PUBLISHED,
        "published example.com/m@v1.0.0",
    )
    zip_key = ("modules", "proxy/example.com/m/@v/v1.0.0.zip")
    assert first.h1 == hash_bytes(registry.s3.objects[zip_key], tmp_path)
    assert (again.status, again.h1) == (PublishStatus.ALREADY_PUBLISHED, first.h1)


def test_other_content_is_a_conflict_that_says_what_differs(tmp_path: Path) -> None:
    registry = FakeRegistry()
    publish(registry, write_folder(tmp_path / "a", HELLO), "v1.0.0")
    published = dict(registry.s3.objects)
    changed = {**HELLO, "m.go": "package m\n\nconst X = 1\n", "new.go": "package m\n"}

    result = publish(registry, write_folder(tmp_path / "b", changed), "v1.0.0")

    assert result.status is PublishStatus.CONFLICT
    assert result.details["differences"] == {
        "added": ["new.go"],
        "removed": [],
        "changed": ["m.go"],
        "go_mod_diff": [],
    }
    assert registry.s3.objects == published


def test_a_registry_with_private_reads_is_confirmed_through_the_api(
    tmp_path: Path,
) -> None:
    registry = FakeRegistry(public_reads=False)

    result = publish(registry, write_folder(tmp_path / "m", HELLO), "v1.0.0")

    assert result.status is PublishStatus.PUBLISHED
    reads = [
        (r.url.host, r.url.path, "Authorization" in r.headers)
        for r in registry.requests
        if r.method == "GET" and "/@v/" in r.url.path
    ]
    # The session goes to the API; the presigned S3 link gets no credentials.
    assert reads == [
        ("api.test", "/v1/modules/example.com/m/@v/v1.0.0.info", True),
        ("api.test", "/v1/modules/example.com/m/@v/v1.0.0.zip", True),
        ("s3.test", "/modules/proxy/example.com/m/@v/v1.0.0.zip", False),
    ]


def test_cancelling_while_the_registry_checks_is_a_cancel(tmp_path: Path) -> None:
    registry = FakeRegistry()
    registry.hold = True

    def cancelled() -> bool:
        # The user clicks Cancel once the zip is up and the wait has begun.
        return any(r.url.path.startswith("/v1/uploads/") for r in registry.requests)

    result = publish(
        registry, write_folder(tmp_path / "m", HELLO), "v1.0.0", cancelled=cancelled
    )

    assert (result.status, result.message) == (
        PublishStatus.CANCELLED,
        "cancelled while waiting",
    )
    sessions = [
        registry.upload_session(key.removeprefix("uploads/").removesuffix(".json"))
        for (_, key) in registry.s3.objects
        if key.startswith("uploads/")
    ]
    assert [s["status"] for s in sessions] == ["cancelled"]
    assert registry.service.versions("example.com/m") == []


def test_retractions_come_from_the_highest_published_go_mod(tmp_path: Path) -> None:
    registry = FakeRegistry()
    publish(registry, write_folder(tmp_path / "a", HELLO), "v1.0.0")
    retracting = {**HELLO, "go.mod": HELLO["go.mod"] + "\nretract v1.3.0 // broken\n"}
    publish(registry, write_folder(tmp_path / "b", retracting), "v1.3.0")

    result = publish(registry, write_folder(tmp_path / "c", HELLO), "v1.1.0")

    # v1.3.0 retracts itself, so @latest picks v1.1.0: nothing to warn about.
    assert result.status is PublishStatus.PUBLISHED
    assert "warnings" not in result.details


def test_a_lower_version_is_told_what_latest_stays(tmp_path: Path) -> None:
    registry = FakeRegistry()
    publish(registry, write_folder(tmp_path / "a", HELLO), "v1.3.0")

    result = publish(registry, write_folder(tmp_path / "b", HELLO), "v1.1.0")

    assert result.status is PublishStatus.PUBLISHED
    assert [w["code"] for w in result.details["warnings"]] == ["older-than-latest"]


def hash_bytes(data: bytes, scratch: Path) -> str:
    path = scratch / "served.zip"
    path.write_bytes(data)
    return hash_zip(path)


def test_a_failed_pack_leaves_the_file_it_would_replace(tmp_path: Path) -> None:
    from gomodpub.core.errors import ZipError
    from gomodpub.core.publish import pack

    directory = write_folder(tmp_path / "m", HELLO)
    (directory / "M.go").write_text("package m\n")  # collides with m.go
    out = tmp_path / "m.zip"
    out.write_bytes(b"an earlier zip")

    with pytest.raises(ZipError):
        pack(resolve_source(directory, "v1.0.0"), out)

    assert out.read_bytes() == b"an earlier zip"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "m.zip"]


def test_pack_refuses_to_write_over_what_is_not_a_file(tmp_path: Path) -> None:
    import os
    import stat

    from gomodpub.core.publish import pack

    source = resolve_source(write_folder(tmp_path / "m", HELLO), "v1.0.0")
    # Not a device: a broken check must not replace one on the test machine.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    with pytest.raises(GomodpubError) as raised:
        pack(source, fifo)

    assert str(raised.value) == (
        f"{fifo} exists and is not a regular file; name a file for the zip"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_pack_through_a_link_writes_the_file_it_points_to(tmp_path: Path) -> None:
    from gomodpub.core.publish import pack

    source = resolve_source(write_folder(tmp_path / "m", HELLO), "v1.0.0")
    (tmp_path / "zips").mkdir()
    real = tmp_path / "zips" / "m.zip"
    real.write_bytes(b"an earlier zip")
    link = tmp_path / "latest.zip"
    link.symlink_to(real)

    packed = pack(source, link)

    assert link.is_symlink()
    assert hash_zip(real) == packed.h1


def test_a_packed_zip_gets_the_permissions_of_a_new_file(tmp_path: Path) -> None:
    import os
    import stat

    from gomodpub.core.publish import pack

    source = resolve_source(write_folder(tmp_path / "m", HELLO), "v1.0.0")
    umask = os.umask(0o022)
    try:
        pack(source, tmp_path / "m.zip")
    finally:
        os.umask(umask)

    assert stat.S_IMODE((tmp_path / "m.zip").stat().st_mode) == 0o644
