"""Run MiniStack with its state saved every few seconds, not only at shutdown.

MiniStack writes user pools, stacks and functions to disk only when it stops
cleanly, so a crash (or a killed process) would forget every account. This
runner starts MiniStack in this process and saves its state periodically, so
a crash loses at most the last few seconds of changes.

``python -m gomodpub.registry.ministack_runner`` takes MiniStack's own
environment variables; ``GOMODPUB_SAVE_SECONDS`` sets the interval.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.request

logger = logging.getLogger(__name__)


def _save_periodically(interval: float) -> None:
    from ministack import app
    from ministack.core import persistence

    # MiniStack's own shutdown uses these two; if a release renames them, the
    # registry still works and saves at shutdown, as MiniStack does by itself.
    collect = getattr(app, "_build_persistence_save_dict", None)
    if collect is None or not hasattr(persistence, "save_all"):
        logger.warning("this MiniStack cannot be saved periodically")
        return
    # Saving before MiniStack has loaded the saved state would overwrite it
    # with nothing: wait until it answers, which is after it has loaded.
    _wait_until_serving()
    while True:
        time.sleep(interval)
        try:
            persistence.save_all(collect())
        except Exception:
            # A save racing a request fails now and succeeds the next time.
            logger.exception("saving MiniStack's state failed")


def _wait_until_serving() -> None:
    port = os.environ.get("GATEWAY_PORT", "4566")
    host = os.environ.get("BIND_HOST", "127.0.0.1")
    url = f"http://{host}:{port}/_ministack/health"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)


def main() -> None:
    """Start the saver thread, then MiniStack in the foreground."""
    from ministack.app import main as ministack_main

    interval = float(os.environ.get("GOMODPUB_SAVE_SECONDS", "3"))
    threading.Thread(
        target=_save_periodically, args=(interval,), name="state-saver", daemon=True
    ).start()
    ministack_main()


if __name__ == "__main__":
    main()
