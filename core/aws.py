"""boto3 sessions for an AWS-compatible endpoint such as the local registry."""

from __future__ import annotations

from typing import Any

# A local emulator accepts any credentials; these keep boto3 from looking for
# real ones on the user's machine.
EMULATOR_KEY = "test"


class EndpointSession:
    """A boto3 session whose clients all talk to one endpoint URL."""

    def __init__(self, endpoint: str, region: str) -> None:
        import boto3

        self._session = boto3.Session(
            region_name=region,
            aws_access_key_id=EMULATOR_KEY,
            aws_secret_access_key=EMULATOR_KEY,
        )
        self.endpoint = endpoint
        self.region = region

    @property
    def region_name(self) -> str:
        """The region, named as boto3.Session names it."""
        return self.region

    def client(self, service: str, **kwargs: Any) -> Any:
        """A client for ``service`` at this session's endpoint."""
        from botocore.config import Config

        kwargs["endpoint_url"] = self.endpoint
        # An emulator that refuses a connection is not running: saying so at
        # once beats boto3's retries, which take ten seconds or so.
        quick = Config(connect_timeout=5, retries={"total_max_attempts": 2})
        kwargs["config"] = (
            quick.merge(kwargs["config"]) if "config" in kwargs else quick
        )
        return self._session.client(service, **kwargs)  # type: ignore[call-overload]
