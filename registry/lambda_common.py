"""What both Lambdas share: AWS clients, JSON logs, the service."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import boto3
from botocore.config import Config

from gomodpub.core.service import MULTIPART_THRESHOLD, PART_SIZE, RegistryService


class JsonFormatter(logging.Formatter):
    """One JSON object a line, carrying the Lambda request id."""

    def __init__(self, request_id: str = "") -> None:
        super().__init__()
        self.request_id = request_id

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": self.request_id,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


_formatter = JsonFormatter()


def setup_logging(context: Any) -> None:
    """Log JSON with this invocation's request id."""
    _formatter.request_id = getattr(context, "aws_request_id", "")
    root = logging.getLogger()
    if not any(h.formatter is _formatter for h in root.handlers):
        for handler in root.handlers:
            handler.setFormatter(_formatter)
        if not root.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(_formatter)
            root.addHandler(handler)
    root.setLevel(os.environ.get("GOMODPUB_LOG_LEVEL", "INFO"))


def make_service() -> RegistryService:
    """The registry service over this function's bucket and topic."""
    # Path-style URLs, so presigned links also work against a local emulator.
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    s3 = boto3.client("s3", config=config)
    topic_arn = os.environ.get("GOMODPUB_TOPIC_ARN", "")
    sns = boto3.client("sns") if topic_arn else None
    # Tests shrink these to send small zips in parts.
    threshold = os.environ.get("GOMODPUB_MULTIPART_THRESHOLD")
    part_size = os.environ.get("GOMODPUB_PART_SIZE")
    return RegistryService(
        s3,
        os.environ["GOMODPUB_BUCKET"],
        sns=sns,
        topic_arn=topic_arn,
        multipart_threshold=int(threshold) if threshold else MULTIPART_THRESHOLD,
        part_size=int(part_size) if part_size else PART_SIZE,
        public_reads=os.environ.get("GOMODPUB_PUBLIC_READS") == "true",
        # Set only on the local registry, whose user pool a crash can lose.
        names_are_identities=bool(os.environ.get("GOMODPUB_COGNITO_ENDPOINT")),
    )
