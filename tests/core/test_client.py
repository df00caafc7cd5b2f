"""The registry client over a fake transport: answers, errors and progress."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from gomodpub.core.auth import RegistryConfig
from gomodpub.core.client import (
    RegistryClient,
    UploadCancelledError,
    UploadTicket,
    fetch_config,
)
from gomodpub.core.errors import AuthError, ConflictError, RegistryError

CONFIG = RegistryConfig(
    api_url="https://registry.test/v1",
    goproxy="https://registry.test/v1/proxy",
    region="eu-west-1",
    user_pool_id="eu-west-1_abc",
    client_id="client",
)


def client_for(handler: httpx.MockTransport) -> RegistryClient:
    return RegistryClient(CONFIG, httpx.Client(transport=handler), lambda: "id-token")


def test_start_upload_sends_the_token_and_returns_the_ticket() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            201,
            json={
                "id": "u1",
                "status": "pending",
                "upload": {"method": "PUT", "url": "https://s3.test/x", "headers": {}},
            },
        )

    ticket = client_for(httpx.MockTransport(handler)).start_upload(
        "example.com/m", "v1.0.0", 10, "h1:x"
    )

    assert (ticket.upload_id, ticket.url, ticket.status) == (
        "u1",
        "https://s3.test/x",
        "pending",
    )
    assert seen[0].headers["Authorization"] == "id-token"
    assert seen[0].url == "https://registry.test/v1/uploads"
    assert json.loads(seen[0].content) == {
        "module": "example.com/m",
        "version": "v1.0.0",
        "size": 10,
        "h1": "h1:x",
    }


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (
            409,
            {"code": "version-exists", "message": "taken"},
            ConflictError,
            "version-exists",
        ),
        (403, {"code": "not-owner", "message": "theirs"}, ConflictError, "not-owner"),
        (
            400,
            {"code": "invalid-module", "message": "bad"},
            RegistryError,
            "invalid-module",
        ),
        (500, {"message": "boom"}, RegistryError, "http-500"),
    ],
)
def test_error_answers_become_errors_with_the_registry_code(
    status: int, body: dict[str, str], kind: type[Exception], code: str
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json=body))

    with pytest.raises(kind) as raised:
        client_for(transport).start_upload("example.com/m", "v1.0.0", 1, "h1:x")

    assert getattr(raised.value, "code", None) == code
    assert str(raised.value) == body["message"]


def test_401_asks_to_sign_in_again() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(401, json={}))

    with pytest.raises(AuthError, match="sign in again"):
        client_for(transport).me()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/config", "https://registry.example/config"]
)
def test_an_unreachable_registry_is_explained(url: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused.")

    with pytest.raises(RegistryError) as raised:
        fetch_config(httpx.Client(transport=httpx.MockTransport(handler)), url)

    assert raised.value.code == "unreachable"
    assert str(raised.value) == (
        f"cannot reach the registry at {url}: connection refused"
    )


NOT_CONFIG = (
    "{url} is not the config URL of a gomodpub registry (it ends in /config; "
    "`gomodpub registry deploy` and `gomodpub registry status` print it)"
)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(200, text="<html>"), NOT_CONFIG),
        (httpx.Response(200, json={"goproxy": "x"}), NOT_CONFIG),
        (
            httpx.Response(403, json={"message": "Missing Authentication Token"}),
            NOT_CONFIG + ": it answered Missing Authentication Token",
        ),
    ],
)
def test_a_url_that_is_not_a_config_url_is_explained(
    answer: httpx.Response, message: str
) -> None:
    url = "https://api.test/v1/proxy"
    transport = httpx.MockTransport(lambda request: answer)

    with pytest.raises(RegistryError) as raised:
        fetch_config(httpx.Client(transport=transport), url)

    assert str(raised.value) == message.format(url=url)


def test_a_presigned_url_never_shows_its_signature(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection reset")

    client = client_for(httpx.MockTransport(handler))
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(b"zip")
    ticket = UploadTicket(
        status="pending",
        upload_id="u1",
        url="https://s3.test/b/incoming/u1.zip?X-Amz-Signature=secret",
    )

    with pytest.raises(RegistryError) as raised:
        client.upload(ticket, zip_path, lambda **kwargs: None, lambda: False)

    assert "secret" not in str(raised.value)
    assert str(raised.value) == (
        "sending the module zip failed: cannot reach the registry at "
        "https://s3.test/b/incoming/u1.zip: connection reset"
    )


def test_upload_streams_the_file_and_reports_progress(tmp_path: Path) -> None:
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(b"z" * 600_000)
    received: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        received.append(request.read())
        return httpx.Response(200)

    client = client_for(httpx.MockTransport(handler))
    progress: list[tuple[int, int]] = []
    ticket = UploadTicket(status="pending", upload_id="u", url="https://s3.test/u")
    client.upload(
        ticket,
        zip_path,
        lambda bytes_transferred, **kw: progress.append(
            (bytes_transferred, kw["total"])
        ),
    )

    assert received == [b"z" * 600_000]
    assert sum(n for n, _ in progress) == 600_000
    assert {total for _, total in progress} == {600_000}


def test_a_cancelled_upload_stops_sending(tmp_path: Path) -> None:
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(b"z" * 1_000_000)
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=request.read())
    )
    chunks: list[int] = []

    with pytest.raises(UploadCancelledError):
        client_for(transport).upload(
            UploadTicket(status="pending", upload_id="u", url="https://s3.test/u"),
            zip_path,
            lambda bytes_transferred, **kw: chunks.append(bytes_transferred),
            cancelled=lambda: len(chunks) >= 1,
        )

    assert len(chunks) == 1


def test_multipart_upload_skips_held_parts_retries_and_completes(
    tmp_path: Path,
) -> None:
    zip_path = tmp_path / "m.zip"
    zip_path.write_bytes(b"a" * 10 + b"b" * 10 + b"c" * 5)
    received: dict[str, bytes] = {}
    failures = {"https://s3.test/part2": 1}
    completed: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url.endswith("/complete"):
            completed.append(json.loads(request.content))
            return httpx.Response(200, json={"id": "u", "status": "pending"})
        body = request.read()
        if failures.get(url):
            failures[url] -= 1
            return httpx.Response(500, text="slow down")
        received[url] = body
        return httpx.Response(200, headers={"ETag": f'"{url[-5:]}"'})

    ticket = UploadTicket(
        status="pending",
        upload_id="u",
        method="multipart",
        parts=[
            {"number": 1, "size": 10, "etag": '"held"'},
            {"number": 2, "size": 10, "url": "https://s3.test/part2"},
            {"number": 3, "size": 5, "url": "https://s3.test/part3"},
        ],
    )
    progress: list[int] = []

    client_for(httpx.MockTransport(handler)).upload(
        ticket,
        zip_path,
        lambda bytes_transferred, **kw: progress.append(bytes_transferred),
    )

    assert received == {
        "https://s3.test/part2": b"b" * 10,
        "https://s3.test/part3": b"c" * 5,
    }
    assert completed == [
        {
            "parts": [
                {"number": 1, "etag": '"held"'},
                {"number": 2, "etag": '"part2"'},
                {"number": 3, "etag": '"part3"'},
            ]
        }
    ]
    # The held part counts at once; the failed attempt is taken back.
    assert progress[0] == 10
    assert -10 in progress
    assert sum(progress) == 25


def test_a_malformed_url_is_explained() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))

    with pytest.raises(RegistryError) as raised:
        fetch_config(httpx.Client(transport=transport), "http://[::1")

    assert str(raised.value).startswith("http://[::1 is not a valid URL (Invalid port")
    assert str(raised.value).endswith("); check the registry's config URL")


def test_a_token_id_is_checked_before_it_goes_into_a_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing is sent: {request.url}")

    with pytest.raises(RegistryError) as raised:
        client_for(httpx.MockTransport(handler)).revoke_token("../../x")

    assert str(raised.value) == (
        "'../../x' is no token id (16 hex digits, as `gomodpub token list` shows)"
    )
