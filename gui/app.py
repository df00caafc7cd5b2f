"""Starting the desktop app: QApplication, the qasync loop, the crash hook."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Any

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gomodpub.core import connection
from gomodpub.core.connection import LocalLauncher, connect
from gomodpub.core.settings import Settings
from gomodpub.gui import look
from gomodpub.gui.crash import CrashHandler, LogBuffer
from gomodpub.gui.mainwindow import MainWindow
from gomodpub.gui.models import create_models
from gomodpub.gui.ports import Connector

logger = logging.getLogger(__name__)


def build_window(connector: Connector, *, local: bool, **models: Any) -> MainWindow:
    """The main window over models built on ``connector``.

    Args:
        connector: connects to the registry (blocking).
        local: whether that registry is the local one.
        models: more arguments for :func:`~gomodpub.gui.models.create_models`
            (``publisher_factory``, ``previewer``).
    """
    return MainWindow(create_models(connector, local=local, **models))


def _capture_logs(buffer: LogBuffer) -> None:
    """Send gomodpub's debug log to ``buffer`` without making stderr chattier."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.level == logging.NOTSET:
            handler.setLevel(root.level)
    logging.getLogger("gomodpub").setLevel(logging.DEBUG)
    root.addHandler(buffer)


def run_app(registry_url: str | None, launcher: LocalLauncher | None) -> int:
    """Run the app until its window closes; returns the exit status.

    Args:
        registry_url: the config URL given on the command line, if any.
        launcher: starts the local registry when no URL is configured.
    """
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("gomodpub")
    app.setApplicationDisplayName("gomodpub")
    app.setWindowIcon(look.app_icon())
    app.setStyleSheet(look.style_sheet())

    buffer = LogBuffer()
    _capture_logs(buffer)
    crash = CrashHandler(buffer)
    crash.install()

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(crash.loop_exception_handler)

    local = not _configured_url(registry_url)
    window = build_window(lambda: connect(registry_url, launcher), local=local)
    _quit_on_signals(app)

    try:
        with loop:
            window.show()
            loop.call_soon(window.start)
            status = loop.run_forever()
    finally:
        crash.uninstall()
        # A registry the app started is stopped cleanly, so it saves its state;
        # one that was already running (for the command line) is left alone.
        if launcher is not None:
            window.hide()
            launcher.release()
    return int(status or 0)


def _quit_on_signals(app: QApplication) -> None:
    """Close the app cleanly on SIGTERM or Ctrl-C, so the registry is stopped.

    Python runs signal handlers only when it gets control, which a Qt event
    loop waiting in C++ never gives it; a short timer hands it control.
    """

    def quit_app(signum: int, frame: object) -> None:
        logger.info("signal %s: closing", signum)
        app.closeAllWindows()
        app.quit()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, quit_app)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _configured_url(explicit: str | None) -> str:
    """The registry's config URL from option, environment or settings."""
    return str(connection.registry_url(explicit, Settings.load()))
