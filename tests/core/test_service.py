"""The registry's decisions, over an in-memory S3."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from gomodpub.core import module
from gomodpub.core.dirhash import hash_zip
from gomodpub.core.module import ModuleVersion
from gomodpub.core.modzip import pack_dir
from gomodpub.core.service import Caller, RegistryService, ServiceError
from tests.helpers.fake_s3 import FakeS3
from tests.helpers.folders import write_folder

BUCKET = "modules"
ALICE = Caller(sub="sub-alice", username="alice")
BOB = Caller(sub="sub-bob", username="bob")
MODULE = "example.com/Hello"


def make_zip(tmp_path: Path, name: str, files: dict[str, str], version: str) -> Path:
    folder = write_folder(tmp_path / name, files)
    out = tmp_path / f"{name}.zip"
    pack_dir(folder, ModuleVersion(MODULE, version), out)
    return out


@pytest.fixture
def s3() -> FakeS3:
    return FakeS3()


@pytest.fixture
def service(s3: FakeS3) -> RegistryService:
    return RegistryService(s3, BUCKET, clock=lambda: 1_700_000_000.0)


def upload(
    service: RegistryService, s3: FakeS3, caller: Caller, zip_path: Path, version: str
) -> str:
    """Open an upload session and put the zip where the presigned URL points."""
    from gomodpub.core.dirhash import hash_zip

    data = zip_path.read_bytes()
    status, answer = service.start_upload(
        caller, MODULE, version, len(data), hash_zip(zip_path)
    )
    assert status == 201, answer
    assert answer["upload"]["method"] == "PUT"
    # The presigned URL is for exactly the announced number of bytes.
    assert answer["upload"]["url"].endswith(f"&ContentLength={len(data)}")
    s3.objects[(BUCKET, f"incoming/{answer['id']}.zip")] = data
    return str(answer["id"])


HELLO = {
    "go.mod": "module example.com/Hello\n\ngo 1.21\n",
    "hello.go": "package hello\n",
}


def test_publishes_and_serves_the_goproxy_layout(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    upload_id = upload(service, s3, ALICE, zip_path, "v1.0.0")

    outcome = service.process_incoming(f"incoming/{upload_id}.zip")

    assert outcome["status"] == "published"
    assert service.get_upload(ALICE, upload_id)["status"] == "published"
    # Keys are case-escaped, so two paths differing in case never collide.
    prefix = "proxy/example.com/!hello/@v/v1.0.0"
    assert s3.objects[(BUCKET, f"{prefix}.mod")] == HELLO["go.mod"].encode()
    assert s3.objects[(BUCKET, f"{prefix}.zip")] == zip_path.read_bytes()
    assert (BUCKET, f"incoming/{upload_id}.zip") not in s3.objects
    # Only the zip carries the tag the archiving lifecycle rule looks for.
    assert s3.tags == {(BUCKET, f"{prefix}.zip"): "gomodpub=module-zip"}
    info = service.proxy("example.com/!hello/@v/v1.0.0.info")
    assert info.status == 200
    assert json.loads(info.body) == {
        "Time": "2023-11-14T22:13:20Z",
        "Version": "v1.0.0",
    }
    assert service.proxy("example.com/!hello/@v/list").body == b"v1.0.0\n"
    latest = service.proxy("example.com/!hello/@latest")
    assert json.loads(latest.body)["Version"] == "v1.0.0"
    redirect = service.proxy("example.com/!hello/@v/v1.0.0.zip")
    assert redirect.status == 302
    assert redirect.headers["Location"].startswith(f"https://s3.test/{BUCKET}/{prefix}")


def test_same_content_again_is_already_published(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    service.process_incoming(
        f"incoming/{upload(service, s3, ALICE, zip_path, 'v1.0.0')}.zip"
    )
    from gomodpub.core.dirhash import hash_zip

    status, answer = service.start_upload(
        ALICE, MODULE, "v1.0.0", zip_path.stat().st_size, hash_zip(zip_path)
    )

    assert (status, answer["status"]) == (200, "already-published")


def test_other_content_under_a_published_version_is_a_conflict(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    first = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    service.process_incoming(
        f"incoming/{upload(service, s3, ALICE, first, 'v1.0.0')}.zip"
    )
    published = dict(s3.objects)

    with pytest.raises(ServiceError) as raised:
        service.start_upload(ALICE, MODULE, "v1.0.0", 100, "h1:" + "A" * 43 + "=")

    assert raised.value.status == 409
    assert raised.value.code == "version-exists"
    assert raised.value.details["published_h1"] == hash_zip(first)
    assert s3.objects == published


def test_racing_uploads_of_one_version_exactly_one_wins(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    first = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    second = make_zip(tmp_path, "b", {**HELLO, "extra.go": "package hello\n"}, "v1.0.0")
    # Both sessions open before either zip is processed.
    first_id = upload(service, s3, ALICE, first, "v1.0.0")
    second_id = upload(service, s3, ALICE, second, "v1.0.0")

    outcomes = [
        service.process_incoming(f"incoming/{first_id}.zip")["status"],
        service.process_incoming(f"incoming/{second_id}.zip")["status"],
    ]

    assert outcomes == ["published", "conflict"]
    prefix = "proxy/example.com/!hello/@v/v1.0.0"
    assert s3.objects[(BUCKET, f"{prefix}.zip")] == first.read_bytes()
    assert service.get_upload(ALICE, second_id)["status"] == "conflict"


def test_a_module_owned_by_someone_else_is_refused_with_the_owner(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    service.process_incoming(
        f"incoming/{upload(service, s3, ALICE, zip_path, 'v1.0.0')}.zip"
    )

    with pytest.raises(ServiceError) as raised:
        service.start_upload(BOB, MODULE, "v1.1.0", 100, "h1:" + "A" * 43 + "=")

    assert (raised.value.status, raised.value.code) == (403, "not-owner")
    assert raised.value.details["owner"] == "alice"
    assert "belongs to alice" in str(raised.value)


ANY_H1 = "h1:" + "A" * 43 + "="


def publish_as(
    service: RegistryService, s3: FakeS3, tmp_path: Path, caller: Caller, path: str
) -> None:
    """Publish a one-file module at path, as caller, version v1/v2/v3 as fits."""
    major = module.split_path_version(path)[1].lstrip("/.") or "v1"
    version = f"{major}.0.0"
    folder = tmp_path / path.replace("/", "_")
    folder.mkdir()
    (folder / "go.mod").write_text(f"module {path}\n")
    zip_path = tmp_path / f"{folder.name}.zip"
    pack_dir(folder, ModuleVersion(path, version), zip_path)
    data = zip_path.read_bytes()
    status, answer = service.start_upload(
        caller, path, version, len(data), hash_zip(zip_path)
    )
    assert status == 201, answer
    s3.objects[(BUCKET, f"incoming/{answer['id']}.zip")] = data
    assert service.process_incoming(f"incoming/{answer['id']}.zip") == {
        "status": "published",
        "message": f"published {path}@{version}",
    }


@pytest.mark.parametrize(
    ("owned", "wanted", "message"),
    [
        pytest.param(
            "example.com/m",
            "example.com/m/v2",
            "example.com/m/v2 belongs to alice",
            id="other-major",
        ),
        pytest.param(
            "example.com/m",
            "example.com/m/sub",
            "example.com/m/sub is inside example.com/m, which belongs to alice",
            id="inside",
        ),
        pytest.param(
            "example.com/m/v2",
            "example.com/m/sub/v3",
            "example.com/m/sub/v3 is inside example.com/m, which belongs to alice",
            id="inside-another-major",
        ),
        pytest.param(
            "example.com/m/deep/inner",
            "example.com/m",
            "example.com/m/deep/inner, inside example.com/m, belongs to alice",
            id="around",
        ),
        pytest.param(
            "gopkg.in/yaml.v2",
            "gopkg.in/yaml.v3",
            "gopkg.in/yaml.v3 belongs to alice",
            id="gopkg-in",
        ),
        pytest.param(
            "example.com/m/sub",
            "example.com/m/v2",
            "example.com/m/sub, inside example.com/m, belongs to alice",
            id="around-another-major",
        ),
    ],
)
def test_nobody_publishes_in_or_around_another_users_module(
    service: RegistryService,
    s3: FakeS3,
    tmp_path: Path,
    owned: str,
    wanted: str,
    message: str,
) -> None:
    publish_as(service, s3, tmp_path, ALICE, owned)
    major = module.split_path_version(wanted)[1].lstrip("/.") or "v1"

    with pytest.raises(ServiceError) as raised:
        service.start_upload(BOB, wanted, f"{major}.0.0", 100, ANY_H1)

    assert (raised.value.status, raised.value.code) == (403, "not-owner")
    assert str(raised.value) == (
        f"{message}; ask them to publish it, or publish under a module path of your own"
    )
    # Its owner publishes there as she likes.
    publish_as(service, s3, tmp_path, ALICE, wanted)


def test_a_claim_made_while_an_upload_waits_wins_over_it(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    # Bob starts first, alice's upload is processed first.
    zip_path = make_zip(tmp_path, "bob", HELLO, "v1.0.0")
    bobs = upload(service, s3, BOB, zip_path, "v1.0.0")
    publish_as(service, s3, tmp_path, ALICE, "example.com/Hello/v2")

    outcome = service.process_incoming(f"incoming/{bobs}.zip")

    assert outcome == {
        "status": "rejected",
        "code": "not-owner",
        "message": "example.com/Hello belongs to alice",
    }
    assert service.versions(MODULE) == []


def test_a_zip_that_does_not_match_its_announced_hash_is_rejected(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    announced = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    swapped = make_zip(tmp_path, "b", {**HELLO, "evil.go": "package hello\n"}, "v1.0.0")
    upload_id = upload(service, s3, ALICE, announced, "v1.0.0")
    # The size is checked first: make the session announce the swapped size,
    # so that only the hash tells the two apart.
    data = swapped.read_bytes()
    s3.objects[(BUCKET, f"incoming/{upload_id}.zip")] = data
    service_session = json.loads(s3.objects[(BUCKET, f"uploads/{upload_id}.json")])
    service_session["size"] = len(data)
    s3.objects[(BUCKET, f"uploads/{upload_id}.json")] = json.dumps(
        service_session
    ).encode()

    outcome = service.process_incoming(f"incoming/{upload_id}.zip")

    assert outcome["status"] == "rejected"
    assert "not to the announced" in outcome["message"]
    assert service.versions(MODULE) == []


def test_a_hostile_zip_is_rejected_before_anything_is_published(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("example.com/Hello@v1.0.0/../../etc/passwd", "x")
    data = hostile.read_bytes()
    _, answer = service.start_upload(
        ALICE, MODULE, "v1.0.0", len(data), "h1:" + "A" * 43 + "="
    )
    s3.objects[(BUCKET, f"incoming/{answer['id']}.zip")] = data

    outcome = service.process_incoming(f"incoming/{answer['id']}.zip")

    assert outcome["status"] == "rejected"
    assert outcome["message"].startswith("the module zip is not valid")
    assert not [key for (_, key) in s3.objects if key.startswith("proxy/")]


@pytest.mark.parametrize(
    ("files", "version", "message"),
    [
        pytest.param(
            {"go.mod": "module example.com/other\n", "a.go": "package a\n"},
            "v1.0.0",
            "go.mod declares module example.com/other, not example.com/Hello; the "
            "go command would refuse it",
            id="other-module-path",
        ),
        pytest.param(
            {"go.mod": "go 1.21\n", "a.go": "package a\n"},
            "v1.0.0",
            "go.mod declares module nothing, not example.com/Hello; the go "
            "command would refuse it",
            id="no-module-line",
        ),
        pytest.param(
            {"go.mod": "module example.com/Hello\nrequire (\n", "a.go": "package a\n"},
            "v1.0.0",
            "go.mod does not parse: example.com/Hello@v1.0.0/go.mod:3:1: syntax "
            "error (unterminated block started at "
            "example.com/Hello@v1.0.0/go.mod:2:1)",
            id="broken",
        ),
        pytest.param(
            {"go.mod": "module example.com/Hello\n", "a.go": "package a\n"},
            "v2.0.0+incompatible",
            "example.com/Hello@v2.0.0+incompatible: invalid version: +incompatible "
            "suffix not allowed: module contains a go.mod file, so semantic import "
            "versioning is required; add /v2 to the module path (go.mod: `module "
            "example.com/Hello/v2`) and change the imports inside the module to "
            "match, then publish v2.0.0",
            id="incompatible-with-go-mod",
        ),
    ],
)
def test_the_worker_refuses_a_go_mod_the_go_command_would_refuse(
    service: RegistryService,
    s3: FakeS3,
    tmp_path: Path,
    files: dict[str, str],
    version: str,
    message: str,
) -> None:
    zip_path = make_zip(tmp_path, "a", files, version)
    upload_id = upload(service, s3, ALICE, zip_path, version)

    outcome = service.process_incoming(f"incoming/{upload_id}.zip")

    assert (outcome["status"], outcome["message"]) == ("rejected", message)
    assert service.versions(MODULE) == []


def test_the_worker_refuses_a_go_mod_that_is_not_utf8(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / "go.mod").write_bytes(b"module example.com/Hello\n// caf\xe9\n")
    zip_path = tmp_path / "latin1.zip"
    pack_dir(folder, ModuleVersion(MODULE, "v1.0.0"), zip_path)
    upload_id = upload(service, s3, ALICE, zip_path, "v1.0.0")

    outcome = service.process_incoming(f"incoming/{upload_id}.zip")

    assert (outcome["status"], outcome["message"]) == (
        "rejected",
        "go.mod is not UTF-8 text",
    )


class BusyS3(FakeS3):
    """An S3 whose conditional writes meet a write under way, a few times."""

    def __init__(self, busy: int) -> None:
        super().__init__()
        self.busy = busy

    def put_object(self, **kwargs: Any) -> dict[str, Any]:
        if kwargs.get("IfNoneMatch") == "*" and self.busy:
            self.busy -= 1
            raise ClientError(
                {
                    "Error": {"Code": "ConditionalRequestConflict", "Message": "busy"},
                    "ResponseMetadata": {"HTTPStatusCode": 409},
                },
                "PutObject",
            )
        return super().put_object(**kwargs)


def test_a_conditional_write_meeting_another_one_is_retried(tmp_path: Path) -> None:
    s3 = BusyS3(busy=0)
    waits: list[float] = []
    service = RegistryService(s3, BUCKET, sleep=waits.append)
    upload_id = upload(
        service, s3, ALICE, make_zip(tmp_path, "a", HELLO, "v1.0.0"), "v1.0.0"
    )
    s3.busy = 3

    outcome = service.process_incoming(f"incoming/{upload_id}.zip")

    # S3's 409 means "try again", not "someone else has it".
    assert outcome["status"] == "published"
    assert waits == [0.2, 0.4, 0.8]
    assert service.versions(MODULE) == ["v1.0.0"]


def test_a_conditional_write_that_stays_busy_fails_loudly(tmp_path: Path) -> None:
    s3 = BusyS3(busy=0)
    service = RegistryService(s3, BUCKET, sleep=lambda seconds: None)
    upload_id = upload(
        service, s3, ALICE, make_zip(tmp_path, "a", HELLO, "v1.0.0"), "v1.0.0"
    )
    s3.busy = 100

    with pytest.raises(ClientError):
        service.process_incoming(f"incoming/{upload_id}.zip")

    # The worker's retry (SQS delivers again) finds the upload still pending.
    assert service.get_upload(ALICE, upload_id)["status"] == "pending"
    assert service.versions(MODULE) == []


def test_a_second_delivery_of_the_same_object_changes_nothing(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    upload_id = upload(service, s3, ALICE, zip_path, "v1.0.0")
    service.process_incoming(f"incoming/{upload_id}.zip")

    assert service.process_incoming(f"incoming/{upload_id}.zip") == {
        "status": "ignored"
    }


@pytest.mark.parametrize(
    ("module", "version", "code", "message"),
    [
        (
            "example.com/m",
            "v2.0.0",
            "invalid-module",
            "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2",
        ),
        (
            "example.com/m",
            "1.0.0",
            "invalid-module",
            "example.com/m@1.0.0: invalid version: not a semantic version",
        ),
        (
            "example.com/m",
            "v1.0",
            "invalid-version",
            "version 'v1.0' is not canonical; use 'v1.0.0'",
        ),
        ("Example com/m", "v1.0.0", "invalid-module", None),
    ],
)
def test_start_upload_refuses_bad_paths_and_versions(
    service: RegistryService, module: str, version: str, code: str, message: str | None
) -> None:
    with pytest.raises(ServiceError) as raised:
        service.start_upload(ALICE, module, version, 10, "h1:" + "A" * 43 + "=")

    assert raised.value.status == 400
    assert raised.value.code == code
    if message is not None:
        assert str(raised.value) == message


@pytest.mark.parametrize(
    ("size", "h1", "code"),
    [
        (0, "h1:" + "A" * 43 + "=", "too-large"),
        (500 * 1024 * 1024 + 1, "h1:" + "A" * 43 + "=", "too-large"),
        (10, "sha256:abc", "invalid-hash"),
    ],
)
def test_start_upload_refuses_bad_sizes_and_hashes(
    service: RegistryService, size: int, h1: str, code: str
) -> None:
    with pytest.raises(ServiceError) as raised:
        service.start_upload(ALICE, "example.com/m", "v1.0.0", size, h1)

    assert raised.value.code == code


def test_uploads_are_private_to_their_owner(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    upload_id = upload(service, s3, ALICE, zip_path, "v1.0.0")

    with pytest.raises(ServiceError) as raised:
        service.get_upload(BOB, upload_id)
    assert raised.value.status == 404
    with pytest.raises(ServiceError):
        service.get_upload(ALICE, "../../owners/x")


def test_cancelling_a_pending_upload_removes_its_zip(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    upload_id = upload(service, s3, ALICE, zip_path, "v1.0.0")

    assert service.cancel_upload(ALICE, upload_id)["status"] == "cancelled"
    assert (BUCKET, f"incoming/{upload_id}.zip") not in s3.objects
    assert service.process_incoming(f"incoming/{upload_id}.zip") == {
        "status": "ignored"
    }


@pytest.mark.parametrize(
    "path",
    [
        "example.com/!hello/@v/v9.9.9.info",
        "example.com/!hello/@v/v9.9.9.zip",
        "example.com/!hello/@latest",
        "example.com/Hello/@v/list",  # unescaped upper case is not a valid path
        "example.com/!hello/@v/v1.0.0.exe",
        "example.com/!hello",
    ],
)
def test_proxy_answers_404_for_what_is_not_published(
    service: RegistryService, path: str
) -> None:
    answer = service.proxy(path)

    assert answer.status == 404
    assert answer.body.startswith(b"not found: ")


def test_list_holds_every_published_version_in_semver_order(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    for version in ("v1.10.0", "v1.2.0", "v1.9.0-rc.1"):
        zip_path = make_zip(tmp_path, version, HELLO, version)
        service.process_incoming(
            f"incoming/{upload(service, s3, ALICE, zip_path, version)}.zip"
        )

    assert service.proxy("example.com/!hello/@v/list").body == (
        b"v1.2.0\nv1.9.0-rc.1\nv1.10.0\n"
    )
    latest = json.loads(service.proxy("example.com/!hello/@latest").body)
    assert latest["Version"] == "v1.10.0"


def test_a_claimed_but_unfinished_version_can_be_finished_by_the_same_content(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    service.process_incoming(
        f"incoming/{upload(service, s3, ALICE, zip_path, 'v1.0.0')}.zip"
    )
    # As if the worker had died after claiming the version.
    del s3.objects[(BUCKET, "proxy/example.com/!hello/@v/v1.0.0.info")]
    assert service.versions(MODULE) == []

    upload_id = upload(service, s3, ALICE, zip_path, "v1.0.0")
    outcome = service.process_incoming(f"incoming/{upload_id}.zip")

    assert outcome["status"] == "published"
    assert service.versions(MODULE) == ["v1.0.0"]


def test_tokens_are_stored_hashed_listed_and_revoked(
    service: RegistryService, s3: FakeS3
) -> None:
    made = service.create_token(ALICE, "laptop")

    assert made["token"].startswith("gmp_")
    assert made["name"] == "laptop"
    assert service.token_is_valid(made["token"])
    assert not [data for data in s3.objects.values() if made["token"].encode() in data]
    assert service.list_tokens(ALICE) == [
        {
            "id": made["id"],
            "name": "laptop",
            "created": "2023-11-14T22:13:20Z",
            "expires": "2024-02-12T22:13:20Z",
        }
    ]
    assert service.list_tokens(BOB) == []
    with pytest.raises(ServiceError) as raised:
        service.revoke_token(BOB, made["id"])
    assert raised.value.code == "no-such-token"

    service.revoke_token(ALICE, made["id"])

    assert not service.token_is_valid(made["token"])
    assert service.list_tokens(ALICE) == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_sensible_name(service: RegistryService, name: str) -> None:
    with pytest.raises(ServiceError) as raised:
        service.create_token(ALICE, name)

    assert raised.value.status == 400


def test_a_large_zip_goes_in_parts_and_resumes_where_it_stopped(
    s3: FakeS3, tmp_path: Path
) -> None:
    from gomodpub.core.dirhash import hash_zip

    service = RegistryService(
        s3,
        BUCKET,
        clock=lambda: 1_700_000_000.0,
        multipart_threshold=100,
        part_size=150,
    )
    zip_path = make_zip(tmp_path, "big", {**HELLO, "big.go": "x" * 400}, "v1.0.0")
    data, h1 = zip_path.read_bytes(), hash_zip(zip_path)
    status, first = service.start_upload(ALICE, MODULE, "v1.0.0", len(data), h1)

    assert status == 201
    ticket = first["upload"]
    assert ticket["method"] == "multipart"
    sizes = [part["size"] for part in ticket["parts"]]
    assert sum(sizes) == len(data) and set(sizes[:-1]) == {150}
    assert all("url" in part and "etag" not in part for part in ticket["parts"])

    # The first part arrives; then the connection breaks and the user retries.
    upload_id = first["id"]
    multipart_id = next(iter(s3.multipart))
    s3.put_part(multipart_id, 1, data[:150])
    status, resumed = service.start_upload(ALICE, MODULE, "v1.0.0", len(data), h1)

    assert (status, resumed["id"]) == (200, upload_id)
    parts = resumed["upload"]["parts"]
    assert parts[0] == {"number": 1, "size": 150, "etag": '"etag-1-150"'}
    assert all("url" in part for part in parts[1:])

    etags = [{"number": 1, "etag": parts[0]["etag"]}]
    for part in parts[1:]:
        start = (part["number"] - 1) * 150
        chunk = data[start : start + part["size"]]
        etags.append(
            {
                "number": part["number"],
                "etag": s3.put_part(multipart_id, part["number"], chunk),
            }
        )
    service.complete_upload(ALICE, upload_id, etags)

    assert s3.objects[(BUCKET, f"incoming/{upload_id}.zip")] == data
    assert (
        service.process_incoming(f"incoming/{upload_id}.zip")["status"] == "published"
    )
    # Another user, or other content, never picks up this upload.
    assert (
        service.start_upload(BOB, "example.com/bob", "v1.0.0", len(data), h1)[0] == 201
    )


def test_cancelling_a_multipart_upload_aborts_it(s3: FakeS3, tmp_path: Path) -> None:
    from gomodpub.core.dirhash import hash_zip

    service = RegistryService(s3, BUCKET, multipart_threshold=10, part_size=100)
    zip_path = make_zip(tmp_path, "a", HELLO, "v1.0.0")
    _, answer = service.start_upload(
        ALICE, MODULE, "v1.0.0", zip_path.stat().st_size, hash_zip(zip_path)
    )

    service.cancel_upload(ALICE, answer["id"])

    assert s3.multipart == {}
    with pytest.raises(ServiceError) as raised:
        service.complete_upload(ALICE, answer["id"], [])
    assert raised.value.code == "not-multipart"


def test_each_user_lists_the_modules_they_own(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    for version in ("v1.0.0", "v1.1.0"):
        zip_path = make_zip(tmp_path, version, HELLO, version)
        upload_id = upload(service, s3, ALICE, zip_path, version)
        service.process_incoming(f"incoming/{upload_id}.zip")

    assert service.list_modules(ALICE) == [
        {"module": MODULE, "versions": ["v1.0.0", "v1.1.0"]}
    ]
    assert service.list_modules(BOB) == []


def test_a_token_stops_working_when_it_expires(s3: FakeS3) -> None:
    now = [1_700_000_000.0]
    service = RegistryService(s3, BUCKET, clock=lambda: now[0])
    made = service.create_token(ALICE, "ci", days=2)

    now[0] += 2 * 86400 - 1
    assert service.token_is_valid(made["token"])
    now[0] += 2
    assert not service.token_is_valid(made["token"])
    with pytest.raises(ServiceError):
        service.create_token(ALICE, "forever", days=366)


def test_a_module_at_a_bare_host_does_not_own_the_host(
    service: RegistryService, s3: FakeS3, tmp_path: Path
) -> None:
    publish_as(service, s3, tmp_path, ALICE, "example.com")

    publish_as(service, s3, tmp_path, BOB, "example.com/bob/tool")

    assert service.versions("example.com/bob/tool") == ["v1.0.0"]


def test_where_names_are_identities_an_owner_is_known_by_name(
    s3: FakeS3, tmp_path: Path
) -> None:
    service = RegistryService(s3, BUCKET, names_are_identities=True)
    # Owned under the sub of a user pool a crash has lost.
    publish_as(service, s3, tmp_path, Caller("old-pool-sub", "alice"), MODULE)

    publish_as(service, s3, tmp_path, ALICE, "example.com/Hello/v2")
    with pytest.raises(ServiceError) as raised:
        service.start_upload(BOB, MODULE, "v1.1.0", 100, ANY_H1)

    assert raised.value.code == "not-owner"
