"""The worker Lambda: S3 ObjectCreated events, through SQS, to published versions."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

from gomodpub.registry.lambda_common import make_service, setup_logging

logger = logging.getLogger(__name__)


def uploaded_keys(event: dict[str, Any]) -> list[str]:
    """The object keys announced by an SQS event carrying S3 notifications."""
    keys = []
    for message in event.get("Records", []):
        body = json.loads(message.get("body") or "{}")
        for record in body.get("Records", []):
            raw_key = record.get("s3", {}).get("object", {}).get("key", "")
            # S3 notifications URL-encode keys (a space arrives as "+").
            keys.append(urllib.parse.unquote_plus(raw_key))
    return keys


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process every uploaded zip the event names."""
    setup_logging(context)
    service = make_service()
    outcomes = {}
    for key in uploaded_keys(event):
        try:
            outcomes[key] = service.process_incoming(key)["status"]
        except Exception:
            # Re-raised so SQS delivers the message again later.
            logger.exception("processing %s failed", key)
            raise
    return {"processed": outcomes}
