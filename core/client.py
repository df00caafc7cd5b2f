"""The registry's HTTP client: its API, the presigned upload and GOPROXY reads.

The HTTP transport comes in through the constructor (an ``httpx.Client``), so
tests can hand in ``httpx.MockTransport`` instead of a network.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from gomodpub.core.auth import RegistryConfig
from gomodpub.core.errors import (
    AuthError,
    ConflictError,
    GomodpubError,
    RegistryError,
)

logger = logging.getLogger(__name__)

UPLOAD_CHUNK = 256 * 1024
PART_ATTEMPTS = 3
CONFLICT_CODES = {"version-exists", "not-owner"}


class ProgressCallback(Protocol):
    """Told how many more bytes went out; may be negative when a retry rewinds."""

    def __call__(self, bytes_transferred: int, **kwargs: Any) -> None: ...


@dataclass
class UploadTicket:
    """The registry's answer to ``POST /uploads``."""

    status: str
    upload_id: str = ""
    url: str = ""
    method: str = "PUT"
    headers: dict[str, str] = field(default_factory=dict)
    parts: list[dict[str, Any]] = field(default_factory=list)
    """For "multipart": each part's number and size, and its url to send it
    to, or its etag when the registry holds it already (a resumed upload)."""


class _Tally:
    """Passes progress on and counts it, so a failed attempt can take it back."""

    def __init__(self, report: Callable[[int], None]) -> None:
        self.report = report
        self.sent = 0

    def __call__(self, count: int) -> None:
        self.sent += count
        self.report(count)


class UploadCancelledError(RegistryError):
    """The user cancelled the upload."""


def fetch_config(http: httpx.Client, config_url: str) -> RegistryConfig:
    """Read a registry's ``GET /config``.

    Raises:
        RegistryError: the URL cannot be reached, or is no gomodpub config URL.
    """
    not_config = (
        f"{_shown(config_url)} is not the config URL of a gomodpub registry "
        "(it ends in /config; `gomodpub registry deploy` and `gomodpub registry "
        "status` print it)"
    )
    try:
        response = _send(http, "GET", config_url)
    except RegistryError as error:
        if error.code in ("unreachable", "bad-url"):
            raise
        raise RegistryError(
            f"{not_config}: it answered {error}", code=error.code
        ) from None
    try:
        return RegistryConfig.from_json(_json(response))
    except (AuthError, RegistryError):
        raise RegistryError(not_config, code="bad-response") from None


def _shown(url: str) -> str:
    """The URL without its query, which in a presigned URL is a credential."""
    return url.split("?", 1)[0].split("#", 1)[0]


def _send(http: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        response = http.request(method, url, **kwargs)
    except httpx.InvalidURL as error:
        raise RegistryError(
            f"{_shown(url)} is not a valid URL ({error}); check the registry's "
            "config URL",
            code="bad-url",
        ) from None
    except httpx.TimeoutException:
        raise RegistryError(
            f"the registry did not answer in time ({_shown(url)}); try again later",
            code="unreachable",
        ) from None
    except httpx.HTTPError as error:
        reason = str(error).rstrip(".") or type(error).__name__
        raise RegistryError(
            f"cannot reach the registry at {_shown(url)}: {reason}",
            code="unreachable",
        ) from None
    if response.status_code < 400:
        return response
    raise _error_from(response)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        raise RegistryError(
            f"the registry answered {response.request.url} with something that is "
            "not JSON; is the URL right?",
            code="bad-response",
            status=response.status_code,
        ) from None
    if not isinstance(value, dict):
        raise RegistryError("unexpected answer from the registry", code="bad-response")
    return value


def _error_from(response: httpx.Response) -> GomodpubError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = str(body.get("code", "")) or f"http-{status}"
    message = str(body.get("message", "")) or response.text.strip()[:300]
    if status == 401:
        return AuthError("the registry did not accept your session; sign in again")
    if code in CONFLICT_CODES:
        error: RegistryError = ConflictError(message, code=code, status=status)
    else:
        error = RegistryError(
            message or f"the registry answered HTTP {status}", code=code, status=status
        )
    error.details = body  # type: ignore[attr-defined]
    return error


class RegistryClient:
    """Calls to one registry's API on behalf of a signed-in user.

    Args:
        config: the registry's configuration.
        http: the HTTP client (and so the transport) to use.
        id_token: returns a valid ID token for the Authorization header.
    """

    def __init__(
        self,
        config: RegistryConfig,
        http: httpx.Client,
        id_token: Callable[[], str],
    ) -> None:
        self.config = config
        self.http = http
        self.id_token = id_token

    def _api(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": self.id_token()}
        url = f"{self.config.api_url}{path}"
        return _json(_send(self.http, method, url, headers=headers, **kwargs))

    def me(self) -> dict[str, Any]:
        """Who the registry thinks the user is."""
        return self._api("GET", "/me")

    def start_upload(
        self, module: str, version: str, size: int, h1: str
    ) -> UploadTicket:
        """Ask to publish; returns a ticket or raises ConflictError."""
        answer = self._api(
            "POST",
            "/uploads",
            json={"module": module, "version": version, "size": size, "h1": h1},
        )
        upload = answer.get("upload") or {}
        return UploadTicket(
            status=str(answer.get("status", "")),
            upload_id=str(answer.get("id", "")),
            url=str(upload.get("url", "")),
            method=str(upload.get("method", "PUT")),
            headers=dict(upload.get("headers") or {}),
            parts=list(upload.get("parts") or []),
        )

    def upload(
        self,
        ticket: UploadTicket,
        zip_path: Path,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        """Send the zip as the ticket says, reporting progress.

        A multipart ticket skips the parts the registry holds already, retries
        a failed part a few times (progress then goes back by what that part
        had sent), and asks the registry to join the parts at the end.
        """
        size = os.path.getsize(zip_path)

        def report(count: int) -> None:
            if progress is not None:
                progress(bytes_transferred=count, total=size)

        if ticket.method != "multipart":
            self._send_range(
                ticket.method,
                ticket.url,
                zip_path,
                0,
                size,
                ticket.headers,
                report,
                cancelled,
            )
            return

        etags: list[dict[str, Any]] = []
        offset = 0
        for part in ticket.parts:
            length = int(part["size"])
            if "etag" in part:
                report(length)
            else:
                part = {
                    **part,
                    "etag": self._send_part(part, zip_path, offset, report, cancelled),
                }
            etags.append({"number": part["number"], "etag": part["etag"]})
            offset += length
        self._api(
            "POST", f"/uploads/{ticket.upload_id}/complete", json={"parts": etags}
        )

    def _send_part(
        self,
        part: dict[str, Any],
        zip_path: Path,
        offset: int,
        report: Callable[[int], None],
        cancelled: Callable[[], bool],
    ) -> str:
        """PUT one part, a few times if needed; returns its ETag."""
        attempt = 1
        while True:
            tally = _Tally(report)
            try:
                response = self._send_range(
                    "PUT",
                    str(part["url"]),
                    zip_path,
                    offset,
                    int(part["size"]),
                    {},
                    tally,
                    cancelled,
                )
                return str(response.headers.get("ETag", ""))
            except UploadCancelledError:
                raise
            except RegistryError as error:
                # What this attempt sent is sent again: progress goes back.
                report(-tally.sent)
                if attempt == PART_ATTEMPTS:
                    raise RegistryError(
                        f"sending part {part['number']} failed {attempt} times: "
                        f"{error}; publish again to resume from there",
                        code=error.code,
                    ) from None
                logger.debug("part %s failed, retrying: %s", part["number"], error)
                attempt += 1

    def _send_range(
        self,
        method: str,
        url: str,
        zip_path: Path,
        offset: int,
        length: int,
        headers: dict[str, str],
        report: Callable[[int], None],
        cancelled: Callable[[], bool],
    ) -> httpx.Response:
        """Stream ``length`` bytes of the file from ``offset`` to a presigned URL."""

        def chunks() -> Iterator[bytes]:
            with open(zip_path, "rb") as source:
                source.seek(offset)
                left = length
                while left and (chunk := source.read(min(UPLOAD_CHUNK, left))):
                    if cancelled():
                        raise UploadCancelledError(
                            "the upload was cancelled", code="cancelled"
                        )
                    yield chunk
                    left -= len(chunk)
                    report(len(chunk))

        try:
            return _send(
                self.http,
                method,
                url,
                content=chunks(),
                headers={"Content-Length": str(length), **headers},
            )
        except UploadCancelledError:
            raise
        except RegistryError as error:
            raise RegistryError(
                f"sending the module zip failed: {error}", code=error.code
            ) from None

    def get_upload(self, upload_id: str) -> dict[str, Any]:
        """The state of an upload."""
        return self._api("GET", f"/uploads/{upload_id}")

    def cancel_upload(self, upload_id: str) -> dict[str, Any]:
        """Cancel a pending upload."""
        return self._api("DELETE", f"/uploads/{upload_id}")

    def modules(self) -> list[dict[str, Any]]:
        """The user's modules, each with its published versions."""
        return list(self._api("GET", "/modules").get("modules", []))

    def versions(self, module: str) -> list[str]:
        """The versions of a module published on the registry."""
        answer = self._api("GET", f"/modules/{module}/versions")
        return [str(v) for v in answer.get("versions", [])]

    def create_token(self, name: str, days: int = 90) -> dict[str, Any]:
        """Make a personal access token; its secret is in ``token``, once."""
        return self._api("POST", "/tokens", json={"name": name, "days": days})

    def list_tokens(self) -> list[dict[str, Any]]:
        """The user's tokens, without secrets."""
        return list(self._api("GET", "/tokens").get("tokens", []))

    def revoke_token(self, token_id: str) -> None:
        """Revoke a token at once."""
        if not re.fullmatch(r"[0-9a-f]{16}", token_id):
            raise RegistryError(
                f"{token_id!r} is no token id (16 hex digits, as "
                "`gomodpub token list` shows)",
                code="no-such-token",
            )
        self._api("DELETE", f"/tokens/{token_id}")

    # -- GOPROXY ------------------------------------------------------------

    def _proxy_request(self, path: str) -> tuple[str, dict[str, str]]:
        """Where to GET a GOPROXY path, and with which headers.

        The GOPROXY endpoints take personal access tokens, which the client
        does not hold; where reads need one, the API serves the same files
        under ``/modules/`` to the signed-in user.
        """
        if self.config.public_reads:
            return f"{self.config.goproxy}/{path}", {}
        return f"{self.config.api_url}/modules/{path}", {
            "Authorization": self.id_token()
        }

    def proxy_get(self, path: str) -> httpx.Response:
        """GET a GOPROXY path (already escaped), following the zip redirect."""
        url, headers = self._proxy_request(path)
        response = _send(self.http, "GET", url, headers=headers)
        if response.is_redirect:
            # The redirect is a presigned S3 URL: credentials must not follow.
            response = _send(self.http, "GET", response.headers["Location"])
        return response

    def download_zip(
        self, escaped_module: str, escaped_version: str, out: Path
    ) -> None:
        """Stream a published zip from the GOPROXY endpoint into ``out``."""
        url, headers = self._proxy_request(f"{escaped_module}/@v/{escaped_version}.zip")
        try:
            for _ in range(2):
                with self.http.stream("GET", url, headers=headers) as response:
                    if response.is_redirect:
                        # A presigned S3 URL: credentials must not follow.
                        url, headers = response.headers["Location"], {}
                        continue
                    if response.status_code >= 400:
                        response.read()
                        raise _error_from(response)
                    with open(out, "wb") as sink:
                        for chunk in response.iter_bytes(UPLOAD_CHUNK):
                            sink.write(chunk)
                    return
            raise RegistryError(
                f"the registry redirected {_shown(url)} more than once",
                code="bad-response",
            )
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise RegistryError(
                f"downloading {_shown(url)} failed: {error}", code="unreachable"
            ) from None
