"""Publishing a module folder in the background, as signals for the window."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from gomodpub.core import versions
from gomodpub.core.errors import AuthError, GomodpubError
from gomodpub.core.modfile import ModFile
from gomodpub.core.preview import ModulePreview, preview_dir
from gomodpub.core.publish import (
    Publisher,
    PublishResult,
    PublishStatus,
    resolve_source,
)
from gomodpub.gui.message import MessageBridge
from gomodpub.gui.modulemodel import folder_changes
from gomodpub.gui.ports import ConnectionLike, PublisherFactory, PublisherLike, Recovery
from gomodpub.gui.tasks import Tasks

logger = logging.getLogger(__name__)

# Progress is emitted at most this often, so a fast upload does not flood
# the GUI thread with queued signals.
PROGRESS_INTERVAL = 0.05


def default_publisher(
    client: Any, listener: Any, cancelled: Callable[[], bool]
) -> PublisherLike:
    """The core publisher."""
    return Publisher(client, listener, cancelled=cancelled)


@dataclass(frozen=True)
class PublishOutcome:
    """How a publication ended, with what the window needs to follow up.

    Attributes:
        result: the core's result.
        suggestion: for a conflict, the next free version of the same patch
            line (``core.versions.next_free_patch``), or "" if there is none.
    """

    result: PublishResult
    suggestion: str = ""


@dataclass(frozen=True)
class _Request:
    """What to publish, kept so that it can be published again."""

    directory: Path
    module_path: str
    version: str
    go_mod: ModFile | None
    shown: ModulePreview | None


class _FolderChangedError(Exception):
    """The folder on disk is not the one the user was shown."""

    def __init__(self, current: ModulePreview, changes: str) -> None:
        super().__init__(changes)
        self.current = current
        self.changes = changes


Post = Callable[..., object]
"""Runs ``fn(*args)`` on the GUI thread, e.g. ``loop.call_soon_threadsafe``."""


class _Progress:
    """Turns the core's step and byte reports into the model's signals.

    The core calls it from the worker thread; the signals are emitted on the
    GUI thread through ``post``, so every receiver runs there and nothing is
    queued towards a receiver that may be gone by the time it runs.
    """

    def __init__(
        self, model: PublishModel, clock: Callable[[], float], post: Post
    ) -> None:
        self._model = model
        self._clock = clock
        self._post = post
        self._done = 0
        self._started = 0.0
        self._last_emit = 0.0

    def on_step(self, step: str, message: str) -> None:
        """A step of the publication starts."""
        logger.debug("publish step %s: %s", step, message)
        if step == "upload":
            self._done, self._started = 0, self._clock()
        self._post(self._model.step_changed.emit, step, message)

    def on_progress(self, bytes_transferred: int, **kwargs: Any) -> None:
        """More bytes went out (fewer when a retry rewinds)."""
        total = int(kwargs.get("total", 0))
        self._done = max(0, self._done + bytes_transferred)
        now = self._clock()
        if now - self._last_emit < PROGRESS_INTERVAL and self._done < total:
            return
        self._last_emit = now
        elapsed = max(now - self._started, 1e-6)
        rate = self._done / elapsed
        remaining = (total - self._done) / rate if rate > 0 and total else -1.0
        self._post(
            self._model.progress_changed.emit, self._done, total, rate, remaining
        )


class PublishModel(QObject):
    """Runs one publication at a time off the GUI thread and reports it.

    Args:
        messages: where failures are shown.
        publisher_factory: builds the core publisher (tests pass a fake).
        clock: monotonic seconds, for the upload rate.
        recover: told of failures; when it restarts the registry, the
            publication runs once more afterwards.
        previewer: reads the folder again before it is packed.

    Signals:
        running_changed(running): a publication started (True) or ended.
        step_changed(step, text): a step starts ("pack", "start", "upload",
            "process", "confirm", or "cancel" when the user asked to stop).
        progress_changed(done, total, rate, remaining): bytes sent of the zip's
            total, bytes per second, and seconds left (-1 when unknown).
        finished(outcome): the :class:`PublishOutcome` of a publication that
            ran to an answer (published, conflict, rejected, cancelled…).
        session_expired(text): the registry no longer accepts the session (an
            ``AuthError``); emitted just before ``failed``.
        failed(text): the publication failed; the text says why.
        folder_changed(preview): the folder is not as it was shown, so nothing
            was published; the :class:`ModulePreview` of it as it is now.
    """

    running_changed = Signal(bool)
    step_changed = Signal(str, str)
    progress_changed = Signal(object, object, float, float)
    finished = Signal(object)
    session_expired = Signal(str)
    failed = Signal(str)
    folder_changed = Signal(object)

    def __init__(
        self,
        messages: MessageBridge,
        publisher_factory: PublisherFactory = default_publisher,
        *,
        clock: Callable[[], float] = time.monotonic,
        recover: Recovery | None = None,
        previewer: Callable[[Path], ModulePreview] = preview_dir,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._messages = messages
        self._factory = publisher_factory
        self._clock = clock
        self._recover = recover
        self._previewer = previewer
        self._tasks = Tasks()
        self._cancel = threading.Event()
        self._running = False
        self._attempt = 0  # a retry runs only if nothing was started since

    @property
    def running(self) -> bool:
        """Whether a publication is under way."""
        return self._running

    def publish(
        self,
        client: Any,
        directory: Path,
        module_path: str,
        version: str,
        go_mod: ModFile | None = None,
        *,
        shown: ModulePreview | None = None,
    ) -> None:
        """Publish ``directory`` as ``module_path@version`` through ``client``.

        Args:
            go_mod: the folder's parsed go.mod; its retractions are skipped
                when a conflict suggests the next free version.
            shown: the preview the user saw; when the folder no longer
                matches it, nothing is published and ``folder_changed`` says
                how it is now.
        """
        if self._running:
            self._messages.warning("a publication is already running")
            return
        self._attempt += 1
        request = _Request(directory, module_path, version, go_mod, shown)
        self._start(client, request, retried=False)

    def drop_retry(self) -> None:
        """Forget a retry that waits for the registry (the user moved on)."""
        self._attempt += 1

    def cancel(self) -> None:
        """Ask the running publication to stop at the next chance."""
        if self._running and not self._cancel.is_set():
            self._cancel.set()
            self.step_changed.emit("cancel", "cancelling…")

    def _start(self, client: Any, request: _Request, *, retried: bool) -> None:
        self._cancel.clear()
        self._set_running(True)
        self._tasks.spawn(self._publish(client, request, retried=retried))

    async def _publish(self, client: Any, request: _Request, *, retried: bool) -> None:
        progress = _Progress(
            self, self._clock, asyncio.get_running_loop().call_soon_threadsafe
        )
        try:
            outcome = await asyncio.to_thread(self._run, client, request, progress)
        except _FolderChangedError as changed:
            self._set_running(False)
            self.folder_changed.emit(changed.current)
            self._messages.warning(
                f"the folder changed since it was shown ({changed.changes}), so "
                "nothing was published; the list shows it as it is now: look at "
                "it, then press Publish again"
            )
            return
        except GomodpubError as error:
            self._set_running(False)
            if not retried and self._retry_later(error, request):
                return
            what = f"{request.module_path}@{request.version}"
            self._messages.error(f"publishing {what} failed: {error}")
            if isinstance(error, AuthError):
                self.session_expired.emit(str(error))
            self.failed.emit(str(error))
            return
        except BaseException:
            self._set_running(False)
            raise
        self._set_running(False)
        logger.info(
            "publish %s@%s: %s",
            request.module_path,
            request.version,
            outcome.result.status,
        )
        self.finished.emit(outcome)

    def _retry_later(self, error: GomodpubError, request: _Request) -> bool:
        """Hand ``error`` to the recovery; True when it will publish again."""
        if self._recover is None:
            return False
        attempt = self._attempt

        def retry(connection: ConnectionLike) -> None:
            if attempt == self._attempt and not self._running:
                self._start(connection.client, request, retried=True)

        if not self._recover(error, retry):
            return False
        self._messages.warning(
            f"the local registry stopped answering; publishing "
            f"{request.module_path}@{request.version} again once it is restarted"
        )
        return True

    def _run(
        self, client: Any, request: _Request, progress: _Progress
    ) -> PublishOutcome:
        """The blocking part, in a worker thread."""
        # Never publish files the user was not shown: read the folder again.
        if request.shown is not None:
            progress.on_step("check", f"reading {request.directory} again")
            current = self._previewer(request.directory)
            if changes := folder_changes(request.shown, current):
                raise _FolderChangedError(current, changes)

        version = request.version
        source = resolve_source(request.directory, version, request.module_path)
        publisher = self._factory(client, progress, self._cancel.is_set)
        result = publisher.publish(source)
        if result.status != PublishStatus.CONFLICT:
            return PublishOutcome(result)

        # Suggest a version nobody has published yet.
        try:
            published = list(client.versions(source.module_path))
        except GomodpubError as error:
            logger.info("cannot list versions of %s: %s", source.module_path, error)
            published = []
        try:
            free = versions.next_free_patch(
                [*published, version], version, request.go_mod
            )
        except GomodpubError as error:
            logger.info("no free version after %s: %s", version, error)
            free = None
        return PublishOutcome(result, free or "")

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.running_changed.emit(running)
