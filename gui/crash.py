"""The crash hook: an uncaught exception becomes a dialog with the log.

Expected errors never get here: the models turn every ``GomodpubError`` into
a message. What does get here is a bug, and the user gets a dialog with the
traceback and the recent log to copy into a report, instead of a traceback on
a terminal they may not have.
"""

from __future__ import annotations

import collections
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

logger = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class LogBuffer(logging.Handler):
    """Keeps the most recent log lines, for the crash dialog."""

    def __init__(self, capacity: int = 500) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"
            )
        )
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self._lock_lines = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        """Keep one record."""
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        with self._lock_lines:
            self._lines.append(line)

    def text(self) -> str:
        """The kept lines, oldest first."""
        with self._lock_lines:
            return "\n".join(self._lines)


def crash_report(exc_info: ExcInfo, log_text: str) -> str:
    """The text a user can paste into a bug report."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("gomodpub")
    except PackageNotFoundError:
        ours = "unknown"
    trace = "".join(traceback.format_exception(*exc_info))
    return (
        f"gomodpub {ours}, Python {platform.python_version()}, "
        f"PySide6 {pyside_version}, {platform.platform()}\n\n"
        f"{trace}\n"
        f"Recent log:\n{log_text or '(empty)'}\n"
    )


class CrashDialog(QDialog):
    """Shows a crash report, with Copy, Quit and Continue."""

    def __init__(
        self,
        summary: str,
        report: str,
        quit_app: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("gomodpub hit a bug")
        self.resize(720, 480)
        self.report = report

        heading = QLabel(
            "<b>Something went wrong inside gomodpub.</b><br>"
            "This is a bug, not something you did. You can carry on, but to be "
            "safe, quit and start again. Please copy the report below into an "
            "issue."
        )
        heading.setWordWrap(True)
        detail = QLabel(summary)
        detail.setObjectName("crashSummary")
        detail.setWordWrap(True)
        text = QPlainTextEdit(report)
        text.setObjectName("crashReport")
        text.setReadOnly(True)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        buttons = QDialogButtonBox()
        copy = buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self._copy)
        quit_button = buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.clicked.connect(quit_app)
        carry_on = buttons.addButton("Continue", QDialogButtonBox.ButtonRole.AcceptRole)
        carry_on.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(detail)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report)


class CrashHandler(QObject):
    """Installs itself as ``sys.excepthook`` and shows a :class:`CrashDialog`.

    Args:
        log: the recent log to put in the report.
        quit_app: ends the app when the user picks Quit.

    Signals:
        crashed(report): an uncaught exception was caught; the full report.
    """

    crashed = Signal(str)
    _caught = Signal(object)

    def __init__(
        self,
        log: LogBuffer,
        quit_app: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._log = log
        self._quit = quit_app or (lambda: QApplication.exit(1))
        self._previous: Any = None
        self._previous_thread: Any = None
        self.dialog: CrashDialog | None = None
        # Exceptions from other threads come over as a queued signal.
        self._caught.connect(self._show)

    def install(self) -> None:
        """Become the hook for uncaught exceptions, in every thread."""
        self._previous, sys.excepthook = sys.excepthook, self.handle
        self._previous_thread = threading.excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        """Put the previous hooks back."""
        if self._previous is not None:
            sys.excepthook = self._previous
            threading.excepthook = self._previous_thread
            self._previous = None

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        """Log an uncaught exception and show it (the ``sys.excepthook``)."""
        if issubclass(exc_type, KeyboardInterrupt):
            self._quit()
            return
        logger.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        info: ExcInfo = (exc_type, exc, tb)
        if QThread.currentThread() is self.thread():
            self._show(info)
        else:
            self._caught.emit(info)

    def loop_exception_handler(self, loop: Any, context: dict[str, Any]) -> None:
        """The asyncio loop's exception handler: the same dialog."""
        error = context.get("exception")
        if isinstance(error, BaseException):
            self.handle(type(error), error, error.__traceback__)
        else:
            logger.error("event loop: %s", context.get("message", context))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, info: ExcInfo) -> None:
        report = crash_report(info, self._log.text())
        self.crashed.emit(report)
        if self.dialog is not None and self.dialog.isVisible():
            return  # one dialog at a time; the log has the rest
        summary = "".join(traceback.format_exception_only(info[0], info[1])).strip()
        self.dialog = CrashDialog(summary, report, self._quit)
        self.dialog.open()
