"""Fixtures for the app's tests: a qasync loop, and no unexpected warnings.

Every test here fails when it logs a warning or error, from Python's logging
or from Qt, that it did not declare with ``@pytest.mark.expect_log(regex, …)``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtCore import QtMsgType
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gomodpub.gui import look

# What the offscreen platform says about itself, not about our code.
BENIGN_QT_MESSAGES = (
    re.compile(r"This plugin does not support propagateSizeHints"),
    re.compile(r"This plugin does not support raise\(\)"),  # tooltips
)

_QT_PROBLEMS = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "expect_log(*patterns): warnings or errors matching these regexes are "
        "expected in this test and do not fail it",
    )


@pytest.fixture(autouse=True)
def fail_on_unexpected_logs(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, qtlog: object
) -> Iterator[None]:
    """Fail the test if it logged a warning or error it did not expect."""
    caplog.set_level(logging.DEBUG, logger="gomodpub")
    yield
    expected = [
        re.compile(pattern)
        for marker in request.node.iter_markers("expect_log")
        for pattern in marker.args
    ]

    def unexpected(text: str) -> bool:
        return not any(p.search(text) for p in expected)

    problems = [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for phase in ("setup", "call")
        for r in caplog.get_records(phase)
        if r.levelno >= logging.WARNING and unexpected(r.getMessage())
    ]
    problems += [
        f"Qt {r.type_name}: {r.message}"
        for r in qtlog.records  # type: ignore[attr-defined]
        if r.type in _QT_PROBLEMS
        and not any(p.search(r.message) for p in BENIGN_QT_MESSAGES)
        and unexpected(r.message)
    ]
    if problems:
        pytest.fail("unexpected log messages:\n  " + "\n  ".join(problems))


@pytest.fixture
def loop(qapp: QApplication, qtbot: QtBot) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop running on the test's Qt event processing.

    qtbot's waits spin Qt's event loop, and with it this asyncio loop, so the
    models' coroutines and worker threads progress while a test waits.
    """
    qapp.setStyleSheet(look.style_sheet())
    event_loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(event_loop)
    yield event_loop

    # End what the test left running (a debounced refresh, say) while the
    # models still exist, so no task dies half-way in a later test.
    left = asyncio.all_tasks(event_loop)
    for task in left:
        task.cancel()
    qtbot.waitUntil(lambda: all(task.done() for task in left), timeout=5000)
    # qasync's stop() calls QApplication.exit(), which would end the next
    # test's first qtbot wait at once; the loop only needs to be marked idle.
    event_loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
    event_loop.close()  # waits for the worker threads to end
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
