"""The real app against a real local registry: sign up, drop, publish, fetch."""

from __future__ import annotations

import os
import shutil
import signal
import uuid as uuidlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gomodpub.core.connection import connect
from gomodpub.core.dirhash import hash_zip
from gomodpub.core.publish import PublishStatus
from gomodpub.gui.app import build_window
from gomodpub.gui.mainwindow import MainWindow
from gomodpub.gui.publishmodel import PublishOutcome
from gomodpub.registry.local import LocalRegistry
from tests.gui.test_mainwindow import drop
from tests.helpers.gotool import assert_go_fetches_and_builds_uuid, go_binary, run_go
from tests.helpers.gui_fakes import write_module

pytestmark = pytest.mark.slow

UUID_SOURCE = Path("/usr/share/gocode/src/github.com/google/uuid")
PASSWORD = "Correct-horse-battery-1"
# Starting MiniStack and deploying the stack, then the worker's round trip.
START_TIMEOUT_MS = 240_000
PUBLISH_TIMEOUT_MS = 240_000


def assert_copied_line_fetches(line: str, scratch: Path) -> None:
    """The dialog's "Use with" line, run as a user would, fetches the module."""
    *assignments, go, get, target = line.split(" ")
    assert (go, get) == ("go", "get"), line
    variables = dict(assignment.split("=", 1) for assignment in assignments)
    user = scratch / "user"
    user.mkdir(parents=True)
    (user / "go.mod").write_text("module example.com/user\n\ngo 1.19\n")
    # The go command's default: it asks sum.golang.org about every module
    # not excluded, and that host is unreachable here as for a private module.
    fetched = run_go(
        ["get", target], user, scratch, GOSUMDB="sum.golang.org", **variables
    )
    assert fetched.returncode == 0, fetched.stderr


@pytest.fixture
def registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[LocalRegistry]:
    """A local registry of this test's own, stopped at the end."""
    monkeypatch.setenv("GOMODPUB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GOMODPUB_REGISTRY", raising=False)
    # No keyring: sessions live in memory, nothing leaks into the user's keyring.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    local = LocalRegistry(tmp_path / "registry")
    request.addfinalizer(local.down)
    local.up()
    yield local


@pytest.fixture
def window(qtbot: QtBot, loop: object, registry: LocalRegistry) -> MainWindow:
    """The real window, connected to the local registry through the launcher."""
    window = build_window(lambda: connect(None, registry), local=True)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state in ("ready", "failed"),
        timeout=START_TIMEOUT_MS,
    ):
        window.start()
    assert window.registry_status.text() == "local registry ready"
    return window


def sign_up(qtbot: QtBot, window: MainWindow) -> str:
    """Create an account through the dialog; returns its name."""
    username = f"gui{uuidlib.uuid4().hex[:8]}"
    dialog = window.open_sign_in()
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.new_username, username)
    qtbot.keyClicks(dialog.email, f"{username}@example.com")
    qtbot.keyClicks(dialog.new_password, PASSWORD)
    qtbot.keyClicks(dialog.repeat_password, PASSWORD)
    with qtbot.waitSignal(window.models.connection.user_changed, timeout=60_000):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert not dialog.error.isVisible() or dialog.error.property("level") != "error"
    assert window.user_label.text() == f"signed in as {username}"
    return username


def test_sign_up_drop_publish_and_fetch_back(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    sign_up(qtbot, window)

    # Drop a copy of github.com/google/uuid and publish it as v1.3.0.
    folder = shutil.copytree(UUID_SOURCE, tmp_path / "uuid")
    drop(qtbot, window, folder)
    assert window.module_path_edit.text() == "github.com/google/uuid"
    qtbot.keyClicks(window.version_edit, "v1.3.0")
    assert window.publish_button.isEnabled(), window.validity.text()
    with qtbot.waitSignal(
        window.models.publish.finished, timeout=PUBLISH_TIMEOUT_MS
    ) as finished:
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    result = finished.args[0].result
    assert result.status == PublishStatus.PUBLISHED, result.message
    outcome = window.outcome_dialog
    assert outcome is not None and outcome.isVisible()
    shown_h1 = outcome.h1.text()
    assert shown_h1 == result.h1

    # What the GOPROXY endpoint serves hashes to the h1 the app showed.
    zip_url = f"{result.goproxy}/github.com/google/uuid/@v/v1.3.0.zip"
    served = tmp_path / "served.zip"
    with httpx.Client(follow_redirects=True, timeout=60) as http:
        response = http.get(zip_url)
        response.raise_for_status()
        served.write_bytes(response.content)
        listed = http.get(f"{result.goproxy}/github.com/google/uuid/@v/list")
    assert hash_zip(served) == shown_h1
    assert "v1.3.0" in listed.text.split()
    if go_binary() is not None:
        assert_go_fetches_and_builds_uuid(result.goproxy, shown_h1, tmp_path / "go")
        assert_copied_line_fetches(outcome.command.text(), tmp_path / "copied")

    # The versions panel lists it, and so does the list of the user's modules.
    qtbot.waitUntil(
        lambda: "v1.3.0" in window.models.versions.versions(), timeout=30_000
    )
    # And the status no longer says "ready to publish" what is published.
    assert window.validity.text().startswith("v1.3.0 is already published: ")
    qtbot.waitUntil(
        lambda: (
            window.models.my_modules.modules().get("github.com/google/uuid")
            == ["v1.3.0"]
        ),
        timeout=30_000,
    )


@pytest.mark.expect_log(r"the local registry stopped answering")
def test_a_killed_registry_is_started_again_and_the_publication_goes_through(
    qtbot: QtBot, window: MainWindow, registry: LocalRegistry, tmp_path: Path
) -> None:
    username = sign_up(qtbot, window)
    drop(qtbot, window, write_module(tmp_path / "hello", "example.com/revived"))
    qtbot.keyClicks(window.version_edit, "v0.1.0")
    # MiniStack saves its accounts every 3 s; losing one to a kill sooner is
    # the launcher's matter, not the app's.
    qtbot.wait(3500)
    running = registry.status()
    assert running is not None
    states: list[str] = []
    window.models.connection.state_changed.connect(
        lambda state, _: states.append(state)
    )

    ended: list[object] = []
    window.models.publish.finished.connect(ended.append)
    window.models.publish.failed.connect(ended.append)

    os.kill(running.pid, signal.SIGKILL)
    qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ended), timeout=START_TIMEOUT_MS + PUBLISH_TIMEOUT_MS)

    outcome = ended[0]
    assert isinstance(outcome, PublishOutcome), outcome  # not a failure's text
    assert outcome.result.status == PublishStatus.PUBLISHED, outcome.result.message
    assert states == ["reconnecting", "ready"]
    assert window.registry_status.text() == "local registry ready"
    assert window.user_label.text() == f"signed in as {username}"
    restarted = registry.status()
    assert restarted is not None and restarted.pid != running.pid
