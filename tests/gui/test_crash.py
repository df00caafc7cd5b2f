"""The crash hook: a bug becomes a dialog with the log, not a traceback."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gomodpub.gui.crash import CrashHandler, LogBuffer
from gomodpub.gui.tasks import Tasks


def raise_bug() -> None:
    raise ZeroDivisionError("a bug in the app")


@pytest.fixture
def buffer() -> LogBuffer:
    log = LogBuffer()
    log.emit(
        logging.LogRecord(
            "gomodpub.gui.test",
            logging.DEBUG,
            __file__,
            1,
            "before the bug",
            None,
            None,
        )
    )
    return log


@pytest.mark.expect_log(r"uncaught exception")
def test_an_uncaught_exception_shows_the_dialog_with_the_log(
    qtbot: QtBot, buffer: LogBuffer
) -> None:
    quits: list[int] = []
    handler = CrashHandler(buffer, quit_app=lambda: quits.append(1))

    try:
        raise_bug()
    except ZeroDivisionError:
        with qtbot.waitSignal(handler.crashed) as crashed:
            handler.handle(*sys.exc_info())  # type: ignore[arg-type]

    dialog = handler.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    report = crashed.args[0]
    assert "ZeroDivisionError: a bug in the app" in report
    assert "in raise_bug" in report
    assert "gomodpub.gui.test: before the bug" in report
    summary = dialog.findChild(QLabel, "crashSummary")
    assert summary.text() == "ZeroDivisionError: a bug in the app"
    assert dialog.report == report
    assert not quits


@pytest.mark.expect_log(r"uncaught exception")
def test_a_failing_task_reaches_the_hook(
    qtbot: QtBot, loop: object, buffer: LogBuffer, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = CrashHandler(buffer, quit_app=lambda: None)
    monkeypatch.setattr(sys, "excepthook", handler.handle)

    async def buggy() -> None:
        raise_bug()

    with qtbot.waitSignal(handler.crashed) as crashed:
        Tasks().spawn(buggy())

    assert "ZeroDivisionError: a bug in the app" in crashed.args[0]
    assert handler.dialog is not None
    qtbot.addWidget(handler.dialog)


@pytest.mark.expect_log(r"uncaught exception")
def test_an_exception_in_another_thread_is_shown_on_the_gui_thread(
    qtbot: QtBot, buffer: LogBuffer
) -> None:
    handler = CrashHandler(buffer, quit_app=lambda: None)
    handler.install()
    try:
        with qtbot.waitSignal(handler.crashed) as crashed:
            worker = threading.Thread(target=raise_bug)
            worker.start()
            worker.join()
    finally:
        handler.uninstall()

    assert "ZeroDivisionError: a bug in the app" in crashed.args[0]
    assert handler.dialog is not None
    qtbot.addWidget(handler.dialog)
    assert handler.dialog.isVisible()


def test_ctrl_c_quits_without_a_dialog(qtbot: QtBot, buffer: LogBuffer) -> None:
    quits: list[int] = []
    handler = CrashHandler(buffer, quit_app=lambda: quits.append(1))

    handler.handle(KeyboardInterrupt, KeyboardInterrupt(), None)

    assert quits == [1]
    assert handler.dialog is None
