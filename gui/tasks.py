"""Running coroutines on the qasync loop without losing their failures.

Blocking core calls run in a worker thread through ``asyncio.to_thread``,
awaited from a coroutine on the GUI thread, so the window never freezes.
:class:`Tasks` keeps those coroutines alive and sends any exception that
escapes one (a bug: expected errors are handled inside) to ``sys.excepthook``,
which the app points at its crash dialog.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


class Tasks:
    """The coroutines one model has started."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start ``coro`` on the running loop and keep a reference to it."""
        task = asyncio.ensure_future(coro)
        self._running.add(task)
        task.add_done_callback(self._finished)
        return task

    @property
    def busy(self) -> bool:
        """Whether any task is still running."""
        return bool(self._running)

    def cancel(self) -> None:
        """Cancel every running task (a worker thread still runs to its end)."""
        for task in list(self._running):
            task.cancel()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            logger.debug("task %s failed", task.get_name())
            sys.excepthook(type(error), error, error.__traceback__)
