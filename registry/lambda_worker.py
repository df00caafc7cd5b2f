"""The worker Lambda: S3 ObjectCreated events, through SQS, to published versions."""

from __future__ import annotations

import functools
import json
import logging
import urllib.parse
from collections.abc import Callable
from typing import Any

from gomodpub.core.service import RegistryService
from gomodpub.registry.lambda_common import make_service, setup_logging

logger = logging.getLogger(__name__)


# After this many deliveries of one notice, the upload is marked failed rather
# than retried for ever.
MAX_ATTEMPTS = 3


def uploaded_keys(event: dict[str, Any]) -> list[tuple[str, int]]:
    """The object keys an SQS event announces, each with its delivery count."""
    keys = []
    for message in event.get("Records", []):
        attempts = int(
            (message.get("attributes") or {}).get("ApproximateReceiveCount", 1)
        )
        body = json.loads(message.get("body") or "{}")
        for record in body.get("Records", []):
            raw_key = record.get("s3", {}).get("object", {}).get("key", "")
            # S3 notifications URL-encode keys (a space arrives as "+").
            keys.append((urllib.parse.unquote_plus(raw_key), attempts))
    return keys


def make_handler(
    make: Callable[[], RegistryService],
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A Lambda entry point over the service that ``make`` builds, once."""
    service = functools.cache(make)

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Process every uploaded zip the event names."""
        setup_logging(context)
        outcomes = {}
        for key, attempts in uploaded_keys(event):
            try:
                outcomes[key] = service().process_incoming(key)["status"]
            except Exception:
                logger.exception("processing %s failed (attempt %d)", key, attempts)
                if attempts < MAX_ATTEMPTS:
                    # Re-raised so SQS delivers the message again later.
                    raise
                service().fail_upload(key, "the registry could not process this upload")
                outcomes[key] = "failed"
        return {"processed": outcomes}

    return handle


handler = make_handler(make_service)
"""The Lambda entry point."""
