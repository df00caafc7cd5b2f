"""The one path by which the app tells the user something.

Every error, warning and notice goes through :class:`MessageBridge`: it logs
the text and then emits it, and the main window shows what is emitted. So
nothing is shown that is not also in the log, and tests can watch one signal.
"""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import QObject, Signal

logger = logging.getLogger(__name__)


class Level(enum.StrEnum):
    """How much a message matters."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


_LOG_LEVELS = {
    Level.INFO: logging.INFO,
    Level.WARNING: logging.WARNING,
    Level.ERROR: logging.ERROR,
}


class MessageBridge(QObject):
    """Logs messages for the user and hands them to whoever shows them.

    Signals:
        shown(level, text): a message to show; ``level`` is a :class:`Level`
            value ("info", "warning" or "error").
    """

    shown = Signal(str, str)

    def error(self, text: str) -> None:
        """Log and show an error."""
        self._show(Level.ERROR, text)

    def warning(self, text: str) -> None:
        """Log and show a warning."""
        self._show(Level.WARNING, text)

    def info(self, text: str) -> None:
        """Log and show a notice."""
        self._show(Level.INFO, text)

    def _show(self, level: Level, text: str) -> None:
        logger.log(_LOG_LEVELS[level], "%s", text)
        self.shown.emit(str(level), text)
