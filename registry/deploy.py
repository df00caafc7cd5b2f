"""Build the Lambda bundle and deploy the registry's CloudFormation stack.

The same template and bundle serve AWS and the local registry; only the
boto3 session (and so the endpoint) differs.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from gomodpub.core.errors import GomodpubError

logger = logging.getLogger(__name__)

STACK_NAME = "gomodpub"
TEMPLATE_NAME = "template.yaml"
# The packages a Lambda needs: the core and the handlers, never the app.
BUNDLED_PACKAGES = ("gomodpub.core", "gomodpub.registry")
FINISHED_STATES = {
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "ROLLBACK_COMPLETE",
    "CREATE_FAILED",
    "ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_FAILED",
    "DELETE_COMPLETE",
    "DELETE_FAILED",
}
SUCCESS_STATES = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}


class DeployError(GomodpubError):
    """The registry's stack could not be created or updated."""


@dataclass(frozen=True)
class StackOutputs:
    """What a client needs from a deployed registry."""

    api_url: str
    user_pool_id: str
    client_id: str
    bucket: str
    region: str
    rest_api_id: str

    @property
    def goproxy(self) -> str:
        """The GOPROXY URL of the registry."""
        return f"{self.api_url}/proxy"

    @property
    def config_url(self) -> str:
        """The one URL a client needs to add this registry."""
        return f"{self.api_url}/config"


def template_body() -> str:
    """The registry's CloudFormation template."""
    return resources.files("gomodpub.registry").joinpath(TEMPLATE_NAME).read_text()


def build_bundle() -> bytes:
    """Zip the installed core and registry packages into a Lambda bundle.

    The zip is deterministic (sorted names, fixed times), so its hash changes
    only when the code does and an unchanged registry is not redeployed.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        entries: list[tuple[str, Path]] = []
        for package in BUNDLED_PACKAGES:
            root = Path(str(resources.files(package)))
            arcroot = package.replace(".", "/")
            for path in root.rglob("*"):
                if path.is_file() and path.suffix in (".py", ".yaml"):
                    relative = path.relative_to(root).as_posix()
                    entries.append((f"{arcroot}/{relative}", path))
        entries.append(("gomodpub/__init__.py", Path()))
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes() if path != Path() else b""
            bundle.writestr(info, data)
    return buffer.getvalue()


def _stack(cloudformation: Any, name: str) -> dict[str, Any] | None:
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except Exception as error:
        if "does not exist" in str(error):
            return None
        raise
    live = [s for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"]
    return live[0] if live else None


def delete_stack(cloudformation: Any, name: str, timeout: float = 300.0) -> None:
    """Delete a stack and wait until it is gone."""
    cloudformation.delete_stack(StackName=name)
    deadline = time.monotonic() + timeout
    while _stack(cloudformation, name) is not None:
        if time.monotonic() > deadline:
            raise DeployError(f"the stack {name} was not deleted in {timeout:.0f} s")
        time.sleep(1.0)


def stack_exists(cloudformation: Any, name: str) -> bool:
    """Whether a stack of that name exists and was not rolled back at creation."""
    stack = _stack(cloudformation, name)
    return stack is not None and stack["StackStatus"] != "ROLLBACK_COMPLETE"


def _outputs(stack: dict[str, Any]) -> StackOutputs:
    values = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    try:
        return StackOutputs(
            api_url=values["ApiUrl"],
            user_pool_id=values["UserPoolId"],
            client_id=values["UserPoolClientId"],
            bucket=values["BucketName"],
            region=values["Region"],
            rest_api_id=values["RestApiId"],
        )
    except KeyError as missing:
        raise DeployError(
            f"the stack {stack['StackName']} lacks the output {missing}; "
            "deploy it again with this version of gomodpub"
        ) from None


def _wait(cloudformation: Any, name: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        stack = _stack(cloudformation, name)
        status = stack["StackStatus"] if stack else "DELETE_COMPLETE"
        if stack is not None and status in FINISHED_STATES:
            if status not in SUCCESS_STATES:
                raise DeployError(_failure_report(cloudformation, name, status))
            return stack
        if time.monotonic() > deadline:
            raise DeployError(
                f"the stack {name} is still {status} after {timeout:.0f} s; "
                "look at its events in CloudFormation"
            )
        time.sleep(1.0)


def _failure_report(cloudformation: Any, name: str, status: str) -> str:
    try:
        events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    except Exception:
        events = []
    reasons = [
        f"  {e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}"
        for e in events
        if e.get("ResourceStatus", "").endswith("FAILED")
    ]
    return "\n".join([f"the stack {name} ended in {status}:", *reasons[:10]])


def deploy(
    session: Any,
    *,
    stack_name: str = STACK_NAME,
    artifacts_bucket: str,
    parameters: dict[str, str] | None = None,
    timeout: float = 900.0,
) -> StackOutputs:
    """Create or update the registry's stack; do nothing when it is current.

    Args:
        session: a boto3 session for the target account (or emulator).
        artifacts_bucket: where the Lambda bundle is uploaded (created if absent).
        parameters: template parameters beyond the bundle location.

    Raises:
        DeployError: the stack could not reach a complete state, or AWS
            refused a call (missing permissions, say).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return _deploy(session, stack_name, artifacts_bucket, parameters, timeout)
    except (BotoCoreError, ClientError) as error:
        raise DeployError(f"deploying {stack_name} failed: {error}") from None


def ensure_bucket(s3: Any, name: str, region: str | None) -> None:
    """Create the bucket unless it exists; outside us-east-1 S3 needs its region."""
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=name)
        return
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
            raise
    if region and region != "us-east-1":
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": region}
        )
    else:
        s3.create_bucket(Bucket=name)


def _deploy(
    session: Any,
    stack_name: str,
    artifacts_bucket: str,
    parameters: dict[str, str] | None,
    timeout: float,
) -> StackOutputs:
    s3 = session.client("s3")
    cloudformation = session.client("cloudformation")

    # The bundle is named by the hash of code and template, so any change to
    # either means a new key, hence a changed parameter and an update.
    bundle = build_bundle()
    digest = hashlib.sha256(bundle + template_body().encode()).hexdigest()
    bundle_key = f"bundles/{digest[:32]}.zip"
    ensure_bucket(s3, artifacts_bucket, session.region_name)
    s3.put_object(Bucket=artifacts_bucket, Key=bundle_key, Body=bundle)

    wanted = {
        "BundleBucket": artifacts_bucket,
        "BundleKey": bundle_key,
        **(parameters or {}),
    }
    cfn_parameters = [
        {"ParameterKey": k, "ParameterValue": v} for k, v in sorted(wanted.items())
    ]
    stack = _stack(cloudformation, stack_name)
    if stack is not None and stack["StackStatus"] == "ROLLBACK_COMPLETE":
        # A stack whose creation failed cannot be updated, only replaced; its
        # name is free again only once the deletion is over.
        delete_stack(cloudformation, stack_name)
        stack = None
    if stack is None:
        logger.info("creating stack %s", stack_name)
        cloudformation.create_stack(
            StackName=stack_name,
            TemplateBody=template_body(),
            Parameters=cfn_parameters,
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        )
        return _outputs(_wait(cloudformation, stack_name, timeout))

    current = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    if all(current.get(k) == v for k, v in wanted.items()) and stack["StackStatus"] in (
        SUCCESS_STATES | {"UPDATE_ROLLBACK_COMPLETE"}
    ):
        logger.info("stack %s is up to date", stack_name)
        return _outputs(stack)

    logger.info("updating stack %s", stack_name)
    outputs = _update(cloudformation, stack_name, cfn_parameters, timeout)
    # CloudFormation leaves the stage on the old deployment when methods are
    # added or changed, so the API is deployed again after every update.
    session.client("apigateway").create_deployment(
        restApiId=outputs.rest_api_id, stageName=wanted.get("StageName", "v1")
    )
    return outputs


def _update(
    cloudformation: Any,
    stack_name: str,
    cfn_parameters: list[dict[str, str]],
    timeout: float,
) -> StackOutputs:
    try:
        cloudformation.update_stack(
            StackName=stack_name,
            TemplateBody=template_body(),
            Parameters=cfn_parameters,
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        )
    except Exception as error:
        if "No updates are to be performed" not in str(error):
            raise DeployError(
                f"updating the stack {stack_name} failed: {error}"
            ) from None
    return _outputs(_wait(cloudformation, stack_name, timeout))


def add_user(
    session: Any, stack_name: str, username: str, email: str, password: str
) -> None:
    """Create a confirmed account on a deployed registry (administrators only).

    Raises:
        DeployError: the stack is not there, or Cognito refused the account.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    stack = _stack(session.client("cloudformation"), stack_name)
    if stack is None:
        raise DeployError(f"there is no registry stack {stack_name}; deploy it first")
    pool = _outputs(stack).user_pool_id
    cognito = session.client("cognito-idp")
    try:
        cognito.admin_create_user(
            UserPoolId=pool,
            Username=username,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=username, Password=password, Permanent=True
        )
    except (BotoCoreError, ClientError) as error:
        raise DeployError(f"adding {username} failed: {error}") from None
