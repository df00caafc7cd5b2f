"""The registry in-process: its Lambda routing over the real service, as HTTP.

:class:`FakeRegistry` answers the requests of a real ``RegistryClient``
through ``httpx.MockTransport``: API calls go to the API Lambda's handler as
API Gateway events, with the claims a Cognito authorizer would add for a known
bearer; presigned S3 URLs go to an in-memory S3; and an uploaded zip is handed
to the worker's logic at once, unless ``hold`` is set.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from gomodpub.core.auth import RegistryConfig
from gomodpub.core.client import RegistryClient
from gomodpub.core.service import Caller, RegistryService
from gomodpub.registry.lambda_api import make_handler
from tests.helpers.fake_s3 import FakeS3

API_URL = "https://api.test/v1"
BUCKET = "modules"
USERS = {"token-ana": Caller("sub-ana", "ana"), "token-bob": Caller("sub-bob", "bob")}

# API Gateway's resources, most specific first, as (method, pattern, resource).
_ROUTES = [
    ("GET", r"/config", "/config"),
    ("GET", r"/me", "/me"),
    ("GET", r"/proxy/(?P<proxy>.+)", "/proxy/{proxy+}"),
    ("GET", r"/modules", "/modules"),
    ("GET", r"/modules/(?P<proxy>.+)", "/modules/{proxy+}"),
    ("POST", r"/uploads", "/uploads"),
    ("POST", r"/uploads/(?P<id>[^/]+)/complete", "/uploads/{id}/complete"),
    ("GET", r"/uploads/(?P<id>[^/]+)", "/uploads/{id}"),
    ("DELETE", r"/uploads/(?P<id>[^/]+)", "/uploads/{id}"),
]
_NO_AUTHORIZER = {"/config", "/proxy/{proxy+}"}


def _resource(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The API Gateway resource a request goes to, with its path parameters."""
    for route_method, pattern, resource in _ROUTES:
        match = re.fullmatch(pattern, path)
        if match and method == route_method:
            return resource, match.groupdict()
    return None


class FakeRegistry:
    """One registry, its bucket in memory.

    Args:
        public_reads: whether GOPROXY reads need no personal access token.
    """

    def __init__(self, *, public_reads: bool = True) -> None:
        self.s3 = FakeS3()
        self.service = RegistryService(
            self.s3, BUCKET, clock=lambda: 1_700_000_000.0, public_reads=public_reads
        )
        self.handler = make_handler(lambda: self.service)
        self.hold = False
        """When True, uploaded zips wait in incoming/ for :meth:`process`."""
        self.requests: list[httpx.Request] = []

    @property
    def config(self) -> RegistryConfig:
        """What ``GET /config`` tells a client."""
        return RegistryConfig(
            api_url=API_URL,
            goproxy=f"{API_URL}/proxy",
            region="eu-west-1",
            user_pool_id="eu-west-1_pool",
            client_id="client",
            public_reads=self.service.public_reads,
        )

    def client(self, token: str = "token-ana") -> RegistryClient:
        """A client signed in with ``token`` (a key of USERS)."""
        http = httpx.Client(transport=httpx.MockTransport(self.handle))
        return RegistryClient(self.config, http, lambda: token)

    def process(self) -> None:
        """Run the worker on every zip waiting in incoming/."""
        for bucket, key in list(self.s3.objects):
            if bucket == BUCKET and key.startswith("incoming/"):
                self.service.process_incoming(key)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request, as API Gateway, Lambda and S3 would."""
        self.requests.append(request)
        if request.url.host == "s3.test":
            return self._s3(request)
        path = request.url.path.removeprefix(httpx.URL(API_URL).path)
        found = _resource(request.method, path)
        if found is None:
            return httpx.Response(403, json={"message": "Missing Authentication Token"})
        resource, params = found

        event: dict[str, Any] = {
            "httpMethod": request.method,
            "resource": resource,
            "pathParameters": params or None,
            "headers": dict(request.headers),
            "body": request.content.decode() or None,
            "requestContext": {},
        }
        if resource not in _NO_AUTHORIZER:
            caller = USERS.get(request.headers.get("Authorization", ""))
            if caller is None:
                return httpx.Response(401, json={"message": "Unauthorized"})
            claims = {"sub": caller.sub, "cognito:username": caller.username}
            event["requestContext"] = {"authorizer": {"claims": claims}}
        answer = self.handler(event, None)
        return httpx.Response(
            answer["statusCode"],
            headers=answer.get("headers", {}),
            content=answer["body"].encode(),
        )

    def _s3(self, request: httpx.Request) -> httpx.Response:
        bucket, _, key = request.url.path.lstrip("/").partition("/")
        params = request.url.params
        if "Authorization" in request.headers:
            # A presigned URL carries its own signature; S3 refuses a second.
            return httpx.Response(400, text="InvalidArgument: only one auth mechanism")
        if request.method == "GET":
            try:
                return httpx.Response(200, content=self.s3.objects[(bucket, key)])
            except KeyError:
                return httpx.Response(404, text="NoSuchKey")
        data = request.read()
        if int(params["ContentLength"]) != len(data):
            return httpx.Response(403, text="SignatureDoesNotMatch")
        if params["op"] == "upload_part":
            etag = self.s3.put_part(params["UploadId"], int(params["PartNumber"]), data)
            return httpx.Response(200, headers={"ETag": etag})
        self.s3.objects[(bucket, key)] = data
        if not self.hold:
            self.service.process_incoming(key)
        return httpx.Response(200)

    def upload_session(self, upload_id: str) -> dict[str, Any]:
        """An upload session as stored in the bucket."""
        data = self.s3.objects[(BUCKET, f"uploads/{upload_id}.json")]
        return dict(json.loads(data))
