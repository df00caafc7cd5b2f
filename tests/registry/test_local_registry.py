"""The local registry's life: start, deploy once, stop cleanly, survive a crash."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from gomodpub.core.auth import Authenticator, RegistryConfig, TokenStore
from gomodpub.core.client import RegistryClient, fetch_config
from gomodpub.core.module import ModuleVersion
from gomodpub.core.modzip import pack_dir
from gomodpub.core.publish import Publisher, PublishStatus, resolve_source
from gomodpub.registry.local import LocalRegistry

pytestmark = pytest.mark.slow

PASSWORD = "long enough password"


def publish_module(
    config_url: str, folder: Path, username: str, signup: bool, version: str = "v1.0.0"
) -> str:
    http = httpx.Client(timeout=60)
    config = fetch_config(http, config_url)
    auth = Authenticator(config, TokenStore(), http=http)
    if signup:
        assert auth.sign_up(username, f"{username}@example.com", PASSWORD) is True
    auth.sign_in(username, PASSWORD)
    client = RegistryClient(config, http, auth.id_token)
    result = Publisher(client).publish(resolve_source(folder, version))
    assert result.status is PublishStatus.PUBLISHED, result.message
    return result.h1


def make_module(tmp_path: Path) -> Path:
    folder = tmp_path / "module"
    folder.mkdir()
    (folder / "go.mod").write_text("module example.com/durable\n\ngo 1.22\n")
    (folder / "d.go").write_text("package durable\n")
    return folder


def served_list(goproxy: str) -> str:
    return httpx.get(f"{goproxy}/example.com/durable/@v/list", timeout=30).text


@pytest.fixture
def registry(tmp_path: Path):  # type: ignore[no-untyped-def]
    local = LocalRegistry(tmp_path / "registry")
    yield local
    local.down()


def test_up_is_idempotent_and_status_tells_the_endpoints(
    registry: LocalRegistry,
) -> None:
    assert registry.status() is None

    first = registry.up()
    cloudformation = registry.boto_session(first.port).client("cloudformation")
    before = cloudformation.describe_stack_events(StackName="gomodpub")["StackEvents"]
    second = registry.up()
    after = cloudformation.describe_stack_events(StackName="gomodpub")["StackEvents"]

    assert second == first
    assert registry.status() == first
    # Nothing to deploy the second time: the stack saw no new event.
    assert after == before
    assert first.goproxy == f"{first.api_url}/proxy"
    assert first.endpoint == f"http://127.0.0.1:{first.port}"
    config = httpx.get(first.config_url, timeout=30).json()
    assert config["goproxy"] == first.goproxy
    assert config["user_pool_id"] == first.user_pool_id


def test_a_clean_stop_keeps_accounts_and_published_versions(
    registry: LocalRegistry, tmp_path: Path
) -> None:
    endpoints = registry.up()
    h1 = publish_module(endpoints.config_url, make_module(tmp_path), "keeper", True)

    assert registry.down() is True
    assert registry.status() is None
    assert registry.down() is False
    again = registry.up()

    # Same port and same API: a GOPROXY setting stays valid across restarts.
    assert again.goproxy == endpoints.goproxy
    assert served_list(again.goproxy) == "v1.0.0\n"
    http = httpx.Client(timeout=60)
    auth = Authenticator(fetch_config(http, again.config_url), TokenStore(), http=http)
    assert auth.sign_in("keeper", PASSWORD).username == "keeper"
    assert fetched_h1(again.config_url, tmp_path) == h1


def test_a_restart_on_another_port_still_processes_uploads(
    registry: LocalRegistry, tmp_path: Path
) -> None:
    import socket

    endpoints = registry.up()
    folder = make_module(tmp_path)
    publish_module(endpoints.config_url, folder, "mover", True)
    registry.down()

    # Another program took the port while the registry was down.
    with socket.socket() as squatter:
        # The registry's own connections may still hold the port in TIME_WAIT.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", endpoints.port))
        squatter.listen()
        moved = registry.up()
    (folder / "more.go").write_text("package durable\n\nconst More = 1\n")
    publish_module(moved.config_url, folder, "mover", False, "v1.0.1")

    assert moved.port != endpoints.port
    assert served_list(moved.goproxy) == "v1.0.0\nv1.0.1\n"


def test_a_crash_loses_neither_accounts_nor_published_versions(
    registry: LocalRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOMODPUB_SAVE_SECONDS", "0.5")
    endpoints = registry.up()
    h1 = publish_module(endpoints.config_url, make_module(tmp_path), "survivor", True)
    time.sleep(2)  # a few save intervals

    kill(endpoints.pid)
    recovered = registry.up()

    assert served_list(recovered.goproxy) == "v1.0.0\n"
    assert fetched_h1(recovered.config_url, tmp_path) == h1
    http = httpx.Client(timeout=60)
    auth = Authenticator(
        fetch_config(http, recovered.config_url), TokenStore(), http=http
    )
    assert auth.sign_in("survivor", PASSWORD).username == "survivor"


def test_a_crash_before_any_save_still_keeps_published_versions(
    registry: LocalRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No save happens in time: only the S3 objects, written through, survive.
    monkeypatch.setenv("GOMODPUB_SAVE_SECONDS", "3600")
    endpoints = registry.up()
    folder = make_module(tmp_path)
    h1 = publish_module(endpoints.config_url, folder, "crasher", True)

    kill(endpoints.pid)
    recovered = registry.up()

    assert served_list(recovered.goproxy) == "v1.0.0\n"
    assert fetched_h1(recovered.config_url, tmp_path) == h1
    expected = tmp_path / "expected.zip"
    module_version = ModuleVersion("example.com/durable", "v1.0.0")
    assert pack_dir(folder, module_version, expected).h1 == h1
    # The account was lost with the user pool; made again under its name, it
    # still owns its module and lists it.
    (folder / "more.go").write_text("package durable\n\nconst More = 1\n")
    publish_module(recovered.config_url, folder, "crasher", True, "v1.0.1")
    assert served_list(recovered.goproxy) == "v1.0.0\nv1.0.1\n"
    assert modules_of(recovered.config_url, "crasher") == [
        {"module": "example.com/durable", "versions": ["v1.0.0", "v1.0.1"]}
    ]


def modules_of(config_url: str, username: str) -> list[dict[str, object]]:
    http = httpx.Client(timeout=60)
    config = fetch_config(http, config_url)
    auth = Authenticator(config, TokenStore(), http=http)
    auth.sign_in(username, PASSWORD)
    return RegistryClient(config, http, auth.id_token).modules()


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def fetched_h1(config_url: str, tmp_path: Path) -> str:
    from gomodpub.core.dirhash import hash_zip

    out = tmp_path / "fetched.zip"
    http = httpx.Client(timeout=60)
    config = fetch_config(http, config_url)
    RegistryClient(config, http, lambda: "").download_zip(
        "example.com/durable", "v1.0.0", out
    )
    return hash_zip(out)


def test_registry_deploy_creates_a_named_stack_and_prints_its_endpoints(
    registry_home: Path,
) -> None:
    import json
    import subprocess
    import sys

    from gomodpub.registry.local import LocalRegistry

    local = LocalRegistry(registry_home / "data" / "local-registry")
    endpoints = local.status()
    assert endpoints is not None
    local_session = local.boto_session(endpoints.port)

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gomodpub",
            "registry",
            "deploy",
            "--stack-name",
            "teamreg",
            "--notify",
            "team@example.com",
            "--endpoint-url",
            endpoints.endpoint,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GOMODPUB_HOME": str(registry_home)},
    )

    assert result.returncode == 0, result.stderr
    deployed = json.loads(result.stdout)
    # Deployed as on AWS: the API's public URL is the execute-api one.
    assert deployed["api_url"].startswith("https://")
    assert ".execute-api.us-east-1.amazonaws.com/v1" in deployed["api_url"]
    assert deployed["goproxy"] == deployed["api_url"] + "/proxy"
    assert deployed["user_pool_id"] != endpoints.user_pool_id
    sns = local_session.client("sns")
    topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    subscriptions = [
        s
        for topic in topics
        if "teamreg" in topic
        for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    ]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
        ("email", "team@example.com")
    ]
    # On AWS only an administrator makes accounts, unless asked otherwise.
    pool = local_session.client("cognito-idp").describe_user_pool(
        UserPoolId=deployed["user_pool_id"]
    )["UserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True

    added = subprocess.run(
        [
            sys.executable,
            "-m",
            "gomodpub",
            "registry",
            "add-user",
            "--stack-name",
            "teamreg",
            "--username",
            "newcomer",
            "--email",
            "newcomer@example.com",
            "--endpoint-url",
            endpoints.endpoint,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GOMODPUB_PASSWORD": PASSWORD},
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == "account newcomer created on teamreg; they can sign in now\n"
    config = RegistryConfig(
        api_url=deployed["api_url"],
        goproxy=deployed["goproxy"],
        region="us-east-1",
        user_pool_id=deployed["user_pool_id"],
        client_id=deployed["client_id"],
        cognito_endpoint=endpoints.endpoint,
    )
    session = Authenticator(config, TokenStore()).sign_in("newcomer", PASSWORD)
    assert session.username == "newcomer"


def test_private_reads_need_a_personal_access_token(registry_home: Path) -> None:
    from gomodpub.registry.deploy import deploy
    from gomodpub.registry.local import LocalRegistry

    local = LocalRegistry(registry_home / "data" / "local-registry")
    endpoints = local.status()
    assert endpoints is not None
    outputs = deploy(
        local.boto_session(endpoints.port),
        stack_name="privatereg",
        artifacts_bucket="gomodpub-artifacts",
        parameters={"LocalEndpoint": endpoints.endpoint, "PublicReads": "false"},
    )
    http = httpx.Client(timeout=60)
    config = fetch_config(http, outputs.config_url)
    assert config.public_reads is False
    auth = Authenticator(config, TokenStore(), http=http)
    auth.sign_up("reader", "reader@example.com", PASSWORD)
    auth.sign_in("reader", PASSWORD)
    client = RegistryClient(config, http, auth.id_token)
    list_url = f"{config.goproxy}/example.com/m/@v/list"

    anonymous = http.get(list_url)
    made = client.create_token("ci")
    with_token = http.get(list_url, auth=("reader", made["token"]))
    client.revoke_token(made["id"])
    revoked = http.get(list_url, auth=("reader", made["token"]))

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    assert (with_token.status_code, with_token.text) == (200, "")
    assert [t["name"] for t in client.list_tokens()] == []
    assert revoked.status_code == 401


@pytest.mark.parametrize("pid", ["abc", -1, 0, 1])
def test_a_damaged_state_file_never_signals_a_stranger(
    tmp_path: Path, pid: object
) -> None:
    import json

    local = LocalRegistry(tmp_path / "registry")
    local.data_dir.mkdir(parents=True)
    local.state_file.write_text(json.dumps({"pid": pid, "port": 1}))

    assert local.status() is None
    assert local.down() is False


def test_a_stale_pid_of_another_program_is_left_alone(tmp_path: Path) -> None:
    import json
    import subprocess

    stranger = subprocess.Popen(["sleep", "60"])
    try:
        local = LocalRegistry(tmp_path / "registry")
        local.data_dir.mkdir(parents=True)
        local.state_file.write_text(json.dumps({"pid": stranger.pid, "port": 1}))

        assert local.down() is False
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_two_ups_at_once_start_one_registry(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    local = LocalRegistry(tmp_path / "registry")
    try:
        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(lambda _: local.up(), range(2))

        assert first == second
        assert local.status() == first
    finally:
        local.down()


def test_a_stack_with_parts_missing_is_rebuilt_keeping_modules(
    registry: LocalRegistry, tmp_path: Path
) -> None:
    endpoints = registry.up()
    h1 = publish_module(endpoints.config_url, make_module(tmp_path), "repairer", True)
    # As a crash between two saves can leave it: the stack, without its API code.
    aws = registry.boto_session(endpoints.port).client("lambda")
    for function in aws.list_functions()["Functions"]:
        aws.delete_function(FunctionName=function["FunctionName"])

    repaired = registry.up()

    assert served_list(repaired.goproxy) == "v1.0.0\n"
    assert fetched_h1(repaired.config_url, tmp_path) == h1
