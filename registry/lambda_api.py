"""The API Lambda: the registry's HTTP API and the GOPROXY endpoints.

The GOPROXY files are served twice: under ``/proxy/`` to the go command,
which shows a personal access token unless reads are public, and under
``/modules/`` to a signed-in user of the API (the app confirms a publication
there).
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
from collections.abc import Callable
from typing import Any

from gomodpub.core.errors import InvalidModuleError
from gomodpub.core.service import (
    TOKEN_DAYS,
    ProxyAnswer,
    RegistryService,
    ServiceError,
)
from gomodpub.registry.lambda_common import make_service, setup_logging

logger = logging.getLogger(__name__)


def _json(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def _claims(event: dict[str, Any]) -> dict[str, Any]:
    """The claims API Gateway's Cognito authorizer put on the request."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return dict(authorizer.get("claims") or {})


def _body(event: dict[str, Any]) -> dict[str, Any]:
    raw = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    try:
        value = json.loads(raw)
    except ValueError:
        raise ServiceError(400, "bad-request", "the body is not JSON") from None
    if not isinstance(value, dict):
        raise ServiceError(400, "bad-request", "the body must be a JSON object")
    return value


def _config(service: RegistryService) -> dict[str, Any]:
    api_url = os.environ.get("GOMODPUB_API_URL", "").rstrip("/")
    return {
        "region": os.environ.get("AWS_REGION", ""),
        "user_pool_id": os.environ.get("GOMODPUB_USER_POOL_ID", ""),
        "client_id": os.environ.get("GOMODPUB_CLIENT_ID", ""),
        # Set only for the local registry, whose Cognito is not at AWS.
        "cognito_endpoint": os.environ.get("GOMODPUB_COGNITO_ENDPOINT", ""),
        "api_url": api_url,
        "goproxy": f"{api_url}/proxy",
        "public_reads": service.public_reads,
    }


def _proxy(service: RegistryService, event: dict[str, Any], path: str) -> Any:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if not service.may_read(headers.get("authorization")):
        return {
            "statusCode": 401,
            "headers": {"WWW-Authenticate": 'Basic realm="gomodpub"'},
            "body": "a personal access token is needed (HTTP Basic password)\n",
        }
    return _proxy_answer(service.proxy(path))


def _is_goproxy_path(path: str) -> bool:
    return "/@v/" in path or path.endswith("/@latest")


def _proxy_answer(answer: ProxyAnswer) -> dict[str, Any]:
    # Every GOPROXY body served here is UTF-8 text (zips are redirected), and
    # API Gateway hands base64 bodies on undecoded unless the type is binary.
    return {
        "statusCode": answer.status,
        "headers": {"Content-Type": answer.content_type, **answer.headers},
        "body": answer.body.decode("utf-8", errors="replace"),
    }


def route(service: RegistryService, event: dict[str, Any]) -> dict[str, Any]:
    """Answer one API Gateway proxy event."""
    method = event.get("httpMethod", "GET")
    resource = event.get("resource", "")
    params = event.get("pathParameters") or {}

    if resource == "/proxy/{proxy+}" and method == "GET":
        return dict(_proxy(service, event, params.get("proxy", "")))
    if resource == "/config" and method == "GET":
        return _json(200, _config(service))
    caller = service.caller(_claims(event))
    if resource == "/me" and method == "GET":
        return _json(200, {"sub": caller.sub, "username": caller.username})
    if resource == "/uploads" and method == "POST":
        body = _body(event)
        try:
            size = int(body.get("size", 0))
        except (TypeError, ValueError):
            raise ServiceError(400, "bad-request", "size must be a number") from None
        status, answer = service.start_upload(
            caller,
            str(body.get("module", "")),
            str(body.get("version", "")),
            size,
            str(body.get("h1", "")),
        )
        return _json(status, answer)
    if resource == "/uploads/{id}" and method == "GET":
        return _json(200, service.get_upload(caller, params.get("id", "")))
    if resource == "/uploads/{id}/complete" and method == "POST":
        parts = _body(event).get("parts")
        if not isinstance(parts, list):
            raise ServiceError(400, "bad-request", "parts must be a list")
        return _json(200, service.complete_upload(caller, params.get("id", ""), parts))
    if resource == "/uploads/{id}" and method == "DELETE":
        return _json(200, service.cancel_upload(caller, params.get("id", "")))
    if resource == "/tokens" and method == "POST":
        body = _body(event)
        try:
            days = int(body.get("days", TOKEN_DAYS))
        except (TypeError, ValueError):
            raise ServiceError(400, "bad-request", "days must be a number") from None
        return _json(201, service.create_token(caller, str(body.get("name", "")), days))
    if resource == "/tokens" and method == "GET":
        return _json(200, {"tokens": service.list_tokens(caller)})
    if resource == "/tokens/{id}" and method == "DELETE":
        service.revoke_token(caller, params.get("id", ""))
        return _json(200, {"revoked": params.get("id", "")})
    if resource == "/modules" and method == "GET":
        return _json(200, {"modules": service.list_modules(caller)})
    if resource == "/modules/{proxy+}" and method == "GET":
        # The GOPROXY files again, for a signed-in user rather than a token.
        if _is_goproxy_path(params.get("proxy", "")):
            return _proxy_answer(service.proxy(params["proxy"]))
        module_path, _, tail = params.get("proxy", "").rpartition("/")
        if tail == "versions":
            return _json(
                200, {"module": module_path, "versions": service.versions(module_path)}
            )
    raise ServiceError(404, "not-found", f"no route for {method} {resource}")


def make_handler(
    make: Callable[[], RegistryService],
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A Lambda entry point over the service that ``make`` builds.

    The service, and the AWS clients in it, is built on the first invocation
    and kept for the later ones of the same container.
    """
    service = functools.cache(make)

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        setup_logging(context)
        try:
            return route(service(), event)
        except ServiceError as error:
            return _json(error.status, error.body())
        except InvalidModuleError as error:
            # A module path or version in the URL that Go would not accept.
            return _json(400, {"code": "invalid-module", "message": str(error)})
        except Exception:
            logger.exception("unexpected error on %s", event.get("resource"))
            return _json(
                500, {"code": "internal", "message": "internal error; see the logs"}
            )

    return handle


handler = make_handler(make_service)
"""The Lambda entry point."""
