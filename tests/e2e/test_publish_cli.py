"""Publishing real modules through the command line to a real local registry,
and fetching them back with the real go command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid as uuidlib
from pathlib import Path
from typing import Any

import pytest

from gomodpub.core.dirhash import hash_zip
from tests.helpers.folders import write_folder
from tests.helpers.gotool import (
    assert_go_fetches_and_builds_uuid,
    go_binary,
    go_download_sum,
)

pytestmark = pytest.mark.slow

UUID_SOURCE = Path("/usr/share/gocode/src/github.com/google/uuid")
# The go.sum hash of github.com/google/uuid v1.3.0, as recorded by the Go
# checksum database for the upstream release.
UUID_V130_H1 = "h1:2Ajak/s9ond9xWZtWglNUouVyMHz28G7Z8R0e18RxNs="
PASSWORD = "correct horse battery"


def gomodpub(
    home: Path, *args: str, password: str | None = PASSWORD, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GOMODPUB_HOME": str(home), **env}
    environment.pop("GOMODPUB_PASSWORD", None)
    if password is not None:
        environment["GOMODPUB_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "gomodpub", *args],
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def as_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.stdout, result.stderr
    value: dict[str, Any] = json.loads(result.stdout)
    return value


@pytest.fixture(scope="module")
def username() -> str:
    """The account this module's tests publish with."""
    return f"user{uuidlib.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def user_home(registry_home: Path, username: str) -> Path:
    """The home of the shared local registry, with ``username`` signed up."""
    result = gomodpub(
        registry_home, "signup", "--username", username, "--email", "u@example.com"
    )
    assert result.returncode == 0, result.stderr
    assert f"account {username} created; you are signed in" in result.stdout
    return registry_home


def goproxy(home: Path) -> str:
    status = as_json(gomodpub(home, "registry", "status", "--json"))
    assert status["running"] is True
    return str(status["goproxy"])


@pytest.mark.skipif(
    not UUID_SOURCE.is_dir(), reason="needs golang-github-google-uuid-dev"
)
@pytest.mark.skipif(go_binary() is None, reason="needs a go command")
def test_uuid_published_then_fetched_and_built_by_go(
    user_home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "uuid"
    shutil.copytree(UUID_SOURCE, source)

    published = gomodpub(
        user_home, "publish", str(source), "--version", "v1.3.0", "--json"
    )

    result = as_json(published)
    assert published.returncode == 0, published.stderr
    assert result["status"] in ("published", "already-published")
    assert result["module"] == "github.com/google/uuid"
    assert result["version"] == "v1.3.0"
    assert result["h1"] == UUID_V130_H1
    assert result["goproxy"] == goproxy(user_home)

    assert_go_fetches_and_builds_uuid(result["goproxy"], result["h1"], tmp_path)


def test_same_content_again_is_already_published_and_other_content_conflicts(
    user_home: Path, tmp_path: Path
) -> None:
    module_path = f"example.com/again{uuidlib.uuid4().hex[:8]}"
    folder = write_folder(
        tmp_path / "m",
        {"go.mod": f"module {module_path}\n\ngo 1.21\n", "a.go": "package a\n"},
    )
    first = as_json(
        gomodpub(user_home, "publish", str(folder), "--version", "v1.0.0", "--json")
    )
    assert first["status"] == "published"
    listed = as_json(gomodpub(user_home, "modules", "--json"))["modules"]
    assert {"module": module_path, "versions": ["v1.0.0"]} in listed

    again = gomodpub(user_home, "publish", str(folder), "--version", "v1.0.0", "--json")
    assert again.returncode == 0
    assert as_json(again)["status"] == "already-published"
    assert as_json(again)["h1"] == first["h1"]

    (folder / "b.go").write_text("package a\n\nconst B = 1\n")
    conflict = gomodpub(
        user_home, "publish", str(folder), "--version", "v1.0.0", "--json"
    )
    assert conflict.returncode != 0
    answer = as_json(conflict)
    assert answer["status"] == "conflict"
    assert answer["published_h1"] == first["h1"]
    assert answer["h1"] != first["h1"]
    assert "already published with other content" in answer["message"]
    assert answer["differences"] == {
        "added": ["b.go"],
        "removed": [],
        "changed": [],
        "go_mod_diff": [],
    }

    # What was published did not change: GOPROXY still serves the first zip.
    served = go_download_sum(
        f"{module_path}@v1.0.0", first["goproxy"], tmp_path, tmp_path / "scratch"
    )
    assert served == first["h1"]


def test_legacy_module_without_go_mod_is_published_as_incompatible(
    user_home: Path, tmp_path: Path
) -> None:
    module_path = f"example.com/legacy{uuidlib.uuid4().hex[:8]}"
    folder = write_folder(tmp_path / "legacy", {"l.go": "package legacy\n"})

    without_module = gomodpub(user_home, "publish", str(folder), "--version", "v2.0.0")
    assert without_module.returncode == 1
    assert "has no go.mod; pass --module PATH" in without_module.stderr

    wrong_version = gomodpub(
        user_home,
        "publish",
        str(folder),
        "--version",
        "v2.0.0",
        "--module",
        module_path,
    )
    assert wrong_version.returncode == 1
    assert "or publish v2.0.0+incompatible if the module has no go.mod" in (
        wrong_version.stderr
    )

    packed = gomodpub(
        user_home,
        "pack",
        str(folder),
        "--version",
        "v2.0.0+incompatible",
        "--module",
        module_path,
        "--out",
        str(tmp_path / "legacy.zip"),
        "--json",
    )
    assert packed.returncode == 0, packed.stderr
    assert as_json(packed)["files"] == ["l.go"]

    published = gomodpub(
        user_home,
        "publish",
        str(folder),
        "--version",
        "v2.0.0+incompatible",
        "--module",
        module_path,
        "--json",
    )
    assert as_json(published)["status"] == "published", published.stderr
    assert as_json(published)["h1"] == as_json(packed)["h1"]


def test_pack_json_lists_files_and_why_others_are_left_out(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "m",
        {
            # From go 1.24 on, vendor/modules.txt is left out too.
            "go.mod": "module example.com/m\n\ngo 1.24\n",
            "m.go": "package m\n",
            "vendor/modules.txt": "# vendored\n",
            "sub/go.mod": "module example.com/m/sub\n",
            "sub/s.go": "package sub\n",
            ".git/HEAD": "ref: refs/heads/main\n",
        },
    )

    result = gomodpub(
        tmp_path / "home",
        "pack",
        str(folder),
        "--version",
        "v1.0.0",
        "--out",
        str(tmp_path / "m.zip"),
        "--json",
    )

    assert result.returncode == 0, result.stderr
    answer = as_json(result)
    assert answer["module"] == "example.com/m"
    assert answer["files"] == ["go.mod", "m.go"]
    reasons = {o["path"]: o["reason"] for o in answer["omitted"]}
    assert reasons == {
        ".git": "directory is a version control repository",
        "sub": "directory is in another module",
        "vendor/modules.txt": "file is in vendor directory",
    }
    assert answer["h1"] == hash_zip(tmp_path / "m.zip")
    assert (tmp_path / "m.zip").stat().st_size == answer["size"]


def test_someone_elses_module_is_refused_with_the_owner(
    user_home: Path, username: str, tmp_path: Path
) -> None:
    module_path = f"example.com/owned{uuidlib.uuid4().hex[:8]}"
    folder = write_folder(
        tmp_path / "m",
        {"go.mod": f"module {module_path}\n", "a.go": "package a\n"},
    )
    assert (
        as_json(
            gomodpub(user_home, "publish", str(folder), "--version", "v1.0.0", "--json")
        )["status"]
        == "published"
    )

    intruder = f"intruder{uuidlib.uuid4().hex[:8]}"
    gomodpub(user_home, "signup", "--username", intruder, "--email", "i@example.com")
    refused = gomodpub(
        user_home,
        "publish",
        str(folder),
        "--version",
        "v1.1.0",
        "--json",
        GOMODPUB_USERNAME=intruder,
    )

    assert refused.returncode == 1
    answer = as_json(refused)
    assert answer["status"] == "rejected"
    assert answer["owner"] == username
    assert f"belongs to {username}" in answer["message"]
    # Signing up signed the intruder in; the other tests publish as the owner.
    assert gomodpub(user_home, "login", "--username", username).returncode == 0


def test_without_keyring_or_password_the_user_is_told_what_to_do(
    user_home: Path, username: str, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "m", {"go.mod": "module example.com/nopw\n"})

    result = gomodpub(
        user_home, "publish", str(folder), "--version", "v1.0.0", password=None
    )

    assert result.returncode == 1
    assert result.stderr == (
        f"gomodpub: not signed in as {username}: this system has no keyring to "
        "keep a session, so set GOMODPUB_PASSWORD for each command\n"
    )


def test_a_wrong_password_is_refused_clearly(user_home: Path, username: str) -> None:
    result = gomodpub(user_home, "login", "--username", username, password="wrong one!")

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "gomodpub: signing in failed: wrong username or password"
    )


def test_a_large_module_is_sent_in_parts(user_home: Path, tmp_path: Path) -> None:
    from gomodpub.registry.local import LocalRegistry

    local = LocalRegistry(user_home / "data" / "local-registry")
    endpoints = local.status()
    assert endpoints is not None
    session = local.boto_session(endpoints.port)
    function = session.client("cloudformation").describe_stack_resource(
        StackName="gomodpub", LogicalResourceId="ApiFunction"
    )["StackResourceDetail"]["PhysicalResourceId"]
    aws_lambda = session.client("lambda")
    variables = aws_lambda.get_function_configuration(FunctionName=function)[
        "Environment"
    ]["Variables"]
    # Parts from 1 MiB on, 5 MiB each (S3's smallest): a 12 MiB zip takes three.
    aws_lambda.update_function_configuration(
        FunctionName=function,
        Environment={
            "Variables": {
                **variables,
                "GOMODPUB_MULTIPART_THRESHOLD": str(1 << 20),
                "GOMODPUB_PART_SIZE": str(5 << 20),
            }
        },
    )
    try:
        module_path = f"example.com/large{uuidlib.uuid4().hex[:8]}"
        folder = write_folder(tmp_path / "large", {"go.mod": f"module {module_path}\n"})
        (folder / "blob.bin").write_bytes(os.urandom(12 << 20))

        published = gomodpub(
            user_home, "publish", str(folder), "--version", "v1.0.0", "--json"
        )
    finally:
        aws_lambda.update_function_configuration(
            FunctionName=function, Environment={"Variables": variables}
        )

    assert published.returncode == 0, published.stderr
    answer = as_json(published)
    assert answer["status"] == "published", answer["message"]
    s3 = session.client("s3")
    bucket = f"gomodpub-modules-000000000000-{endpoints.region}"
    sessions = [
        json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        for item in s3.list_objects_v2(Bucket=bucket, Prefix="uploads/")["Contents"]
    ]
    ours = [u for u in sessions if u["module"] == module_path]
    assert [("multipart_id" in u, u["status"]) for u in ours] == [(True, "published")]
    served = go_download_sum(
        f"{module_path}@v1.0.0", answer["goproxy"], tmp_path, tmp_path / "scratch"
    )
    assert served == answer["h1"]
