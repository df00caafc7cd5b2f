"""The Lambda handlers: routing, auth and answers, over the real service."""

from __future__ import annotations

import base64
import importlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from gomodpub.core.service import ZIP_TAGGING, RegistryService
from gomodpub.registry import lambda_api, lambda_worker
from gomodpub.registry.deploy import build_bundle, ensure_bucket, template_body
from tests.helpers.fake_s3 import FakeS3

CLAIMS = {"sub": "sub-1", "cognito:username": "ana"}


@pytest.fixture
def service() -> RegistryService:
    return RegistryService(FakeS3(), "modules")


def event(
    method: str,
    resource: str,
    *,
    claims: dict[str, str] | None = None,
    body: Any = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "httpMethod": method,
        "resource": resource,
        "pathParameters": params,
        "headers": headers or {},
        "body": json.dumps(body) if body is not None else None,
        "requestContext": {"authorizer": {"claims": claims}} if claims else {},
    }


def test_config_needs_no_sign_in(
    service: RegistryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOMODPUB_API_URL", "https://api.test/v1/")
    monkeypatch.setenv("GOMODPUB_USER_POOL_ID", "pool")
    monkeypatch.setenv("GOMODPUB_CLIENT_ID", "client")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    answer = lambda_api.route(service, event("GET", "/config"))

    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {
        "region": "eu-west-1",
        "user_pool_id": "pool",
        "client_id": "client",
        "cognito_endpoint": "",
        "api_url": "https://api.test/v1",
        "goproxy": "https://api.test/v1/proxy",
        "public_reads": False,
    }


def test_uploads_need_the_authorizer_claims(service: RegistryService) -> None:
    with pytest.raises(lambda_api.ServiceError) as raised:
        lambda_api.route(service, event("POST", "/uploads", body={}))

    assert raised.value.status == 401


def test_a_bad_body_is_a_400_with_a_stable_code(service: RegistryService) -> None:
    bad = event("POST", "/uploads", claims=CLAIMS)
    bad["body"] = "{not json"

    with pytest.raises(lambda_api.ServiceError) as raised:
        lambda_api.route(service, bad)

    assert (raised.value.status, raised.value.code) == (400, "bad-request")


def test_handler_turns_errors_into_json() -> None:
    handler = lambda_api.make_handler(lambda: RegistryService(FakeS3(), "b"))

    answer = handler(
        event(
            "POST",
            "/uploads",
            claims=CLAIMS,
            body={"module": "example.com/m", "version": "v2.0.0", "size": 1, "h1": "x"},
        ),
        None,
    )

    assert answer["statusCode"] == 400
    assert json.loads(answer["body"]) == {
        "code": "invalid-module",
        "message": "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2",
    }


@pytest.mark.parametrize("public", [True, False])
def test_proxy_reads_need_a_token_unless_public(public: bool) -> None:
    service = RegistryService(FakeS3(), "modules", public_reads=public)

    answer = lambda_api.route(
        service,
        event("GET", "/proxy/{proxy+}", params={"proxy": "example.com/m/@v/list"}),
    )

    if public:
        assert (answer["statusCode"], answer["body"]) == (200, "")
    else:
        assert answer["statusCode"] == 401
        assert answer["headers"]["WWW-Authenticate"].startswith("Basic")


def test_proxy_accepts_a_known_token_over_basic_auth(
    service: RegistryService,
) -> None:
    import hashlib

    digest = hashlib.sha256(b"secret-token").hexdigest()
    service.s3.objects[("modules", f"tokens/{digest}.json")] = b"{}"
    basic = base64.b64encode(b"ana:secret-token").decode()

    answer = lambda_api.route(
        service,
        event(
            "GET",
            "/proxy/{proxy+}",
            params={"proxy": "example.com/m/@v/v1.0.0.info"},
            headers={"Authorization": f"Basic {basic}"},
        ),
    )

    assert answer["statusCode"] == 404
    assert answer["body"].startswith("not found:")


def test_worker_reads_keys_from_sqs_wrapped_s3_events() -> None:
    s3_event = {"Records": [{"s3": {"object": {"key": "incoming/abc%2Bdef+x.zip"}}}]}
    sqs_event = {
        "Records": [
            {
                "body": json.dumps(s3_event),
                "attributes": {"ApproximateReceiveCount": "2"},
            }
        ]
    }

    assert lambda_worker.uploaded_keys(sqs_event) == [("incoming/abc+def x.zip", 2)]


def test_worker_retries_then_marks_the_upload_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s3 = FakeS3()
    service = RegistryService(s3, "modules")
    upload_id = "0" * 32
    s3.objects[("modules", f"uploads/{upload_id}.json")] = json.dumps(
        {"id": upload_id, "status": "pending", "module": "example.com/m"}
    ).encode()

    def broken(key: str) -> dict[str, str]:
        raise RuntimeError("S3 is having a bad day")

    monkeypatch.setattr(service, "process_incoming", broken)
    handler = lambda_worker.make_handler(lambda: service)
    key = f"incoming/{upload_id}.zip"

    def notice(attempt: int) -> dict[str, Any]:
        body = json.dumps({"Records": [{"s3": {"object": {"key": key}}}]})
        return {
            "Records": [
                {"body": body, "attributes": {"ApproximateReceiveCount": str(attempt)}}
            ]
        }

    with pytest.raises(RuntimeError):
        handler(notice(1), None)
    assert handler(notice(3), None) == {"processed": {key: "failed"}}
    session = json.loads(s3.objects[("modules", f"uploads/{upload_id}.json")])
    assert session["status"] == "rejected"
    assert session["message"] == (
        "the registry could not process this upload; try again"
    )


def test_bundle_holds_core_and_handlers_but_not_the_app(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(build_bundle())

    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    assert "gomodpub/__init__.py" in names
    assert "gomodpub/core/service.py" in names
    assert "gomodpub/registry/lambda_api.py" in names
    assert not [n for n in names if n.startswith(("gomodpub/gui", "gomodpub/cli"))]
    # Deterministic: the same code gives the same bundle, so nothing redeploys.
    assert build_bundle() == bundle.read_bytes()


def test_template_wires_the_handlers_that_exist() -> None:
    named = re.findall(r"Handler: ([\w.]+)", template_body())

    assert sorted(named) == [
        "gomodpub.registry.lambda_api.handler",
        "gomodpub.registry.lambda_worker.handler",
    ]
    for name in named:
        module_name, _, attribute = name.rpartition(".")
        assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        ("Example.com/m/versions", 'malformed module path "Example.com/m"'),
        ("example.com/a b/versions", 'malformed module path "example.com/a b"'),
    ],
)
def test_a_malformed_module_path_is_a_client_error(proxy: str, message: str) -> None:
    handler = lambda_api.make_handler(lambda: RegistryService(FakeS3(), "b"))

    answer = handler(
        event("GET", "/modules/{proxy+}", claims=CLAIMS, params={"proxy": proxy}), None
    )

    assert answer["statusCode"] == 400
    body = json.loads(answer["body"])
    assert body["code"] == "invalid-module"
    assert body["message"].startswith(message)


def test_the_api_serves_goproxy_files_to_a_signed_in_user(
    service: RegistryService,
) -> None:
    service.s3.objects[("modules", "proxy/example.com/m/@v/v1.0.0.mod")] = (
        b"module example.com/m\n"
    )
    params = {"proxy": "example.com/m/@v/v1.0.0.mod"}

    signed_in = lambda_api.route(
        service, event("GET", "/modules/{proxy+}", claims=CLAIMS, params=params)
    )
    anonymous = lambda_api.route(
        service, event("GET", "/proxy/{proxy+}", params=params)
    )

    assert (signed_in["statusCode"], signed_in["body"]) == (
        200,
        "module example.com/m\n",
    )
    assert anonymous["statusCode"] == 401


@pytest.mark.parametrize(
    ("region", "create"),
    [
        ("us-east-1", {"Bucket": "artifacts"}),
        (
            "eu-west-1",
            {
                "Bucket": "artifacts",
                "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
            },
        ),
    ],
)
def test_the_artifacts_bucket_is_made_in_the_stack_region(
    region: str, create: dict[str, Any]
) -> None:
    import boto3
    from botocore.stub import Stubber

    s3 = boto3.client(
        "s3", region_name=region, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(s3) as stub:
        stub.add_client_error("head_bucket", "404", http_status_code=404)
        stub.add_response("create_bucket", {}, create)
        ensure_bucket(s3, "artifacts", region)
        stub.assert_no_pending_responses()


def test_an_existing_artifacts_bucket_is_kept() -> None:
    import boto3
    from botocore.stub import Stubber

    s3 = boto3.client(
        "s3", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(s3) as stub:
        stub.add_response("head_bucket", {}, {"Bucket": "artifacts"})
        ensure_bucket(s3, "artifacts", "eu-west-1")
        stub.assert_no_pending_responses()


def _template() -> dict[str, Any]:
    """The template as data; CloudFormation's !Ref and friends kept as text."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)  # type: ignore[arg-type]

    Loader.add_multi_constructor("!", tagged)
    return dict(yaml.load(template_body(), Loader=Loader))


def test_the_bucket_expires_abandoned_uploads_and_archives_only_zips() -> None:
    bucket = _template()["Resources"]["ModulesBucket"]["Properties"]
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}

    assert rules["expire-abandoned-uploads"]["Prefix"] == "incoming/"
    assert rules["expire-abandoned-uploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": 1
    }
    key, _, value = ZIP_TAGGING.partition("=")
    assert rules["archive-module-zips"]["TagFilters"] == [{"Key": key, "Value": value}]
    assert (
        rules["archive-module-zips"]["Transitions"][0]["StorageClass"] == "GLACIER_IR"
    )


def test_on_the_local_registry_a_username_is_the_identity() -> None:
    aws = RegistryService(FakeS3(), "modules")
    local = RegistryService(FakeS3(), "modules", names_are_identities=True)
    before = {"sub": "sub-1", "cognito:username": "ana"}
    # The same name, made again in a new user pool after a crash.
    after = {"sub": "sub-2", "cognito:username": "ana"}

    assert aws.caller(before) != aws.caller(after)
    assert local.caller(before) == local.caller(after)
    assert local.caller(before).username == "ana"
    with pytest.raises(lambda_api.ServiceError) as raised:
        aws.caller({})
    assert raised.value.status == 401


# What each S3 call of the service needs from IAM; a new call must be added.
S3_CALL_ACTIONS = {
    "get_object": {"s3:GetObject"},
    "head_object": {"s3:GetObject"},
    "download_file": {"s3:GetObject"},
    "put_object": {"s3:PutObject", "s3:PutObjectTagging"},
    "delete_object": {"s3:DeleteObject"},
    "create_multipart_upload": {"s3:PutObject"},
    "complete_multipart_upload": {"s3:PutObject"},
    "abort_multipart_upload": {"s3:AbortMultipartUpload"},
    "list_parts": {"s3:ListMultipartUploadParts"},
    "get_paginator": {"s3:ListBucket"},
    # Signed with the role's own credentials: the caller then needs these.
    "generate_presigned_url": {"s3:GetObject", "s3:PutObject"},
}


def test_the_functions_may_make_every_s3_call_the_service_makes() -> None:
    from gomodpub.core import service

    calls = set(re.findall(r"self\.s3\.(\w+)\(", Path(service.__file__).read_text()))
    role = _template()["Resources"]["FunctionRole"]["Properties"]
    granted = {
        action
        for policy in role["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in (
            statement["Action"]
            if isinstance(statement["Action"], list)
            else [statement["Action"]]
        )
    }

    assert calls <= S3_CALL_ACTIONS.keys(), calls - S3_CALL_ACTIONS.keys()
    needed = set().union(*(S3_CALL_ACTIONS[call] for call in calls))
    assert needed <= granted, needed - granted
