"""The app's models on their own: progress, versions, validation, messages."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gomodpub.gui import humanize
from gomodpub.gui.message import MessageBridge
from gomodpub.gui.modulemodel import ModuleModel, version_problem
from gomodpub.gui.publishmodel import PublishModel, _Progress, next_free_version
from gomodpub.gui.versionsmodel import VersionsModel
from tests.helpers.gui_fakes import FakeClient, write_module


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("version", "published", "suggestion"),
    [
        ("v1.2.0", [], "v1.2.1"),
        ("v1.2.0", ["v1.2.1", "v1.2.2", "v1.3.0"], "v1.2.3"),
        ("v0.0.9", ["v0.0.10"], "v0.0.11"),
        ("v1.2.0-rc.1", [], "v1.2.0"),
        ("v1.2.0-rc.1", ["v1.2.0"], "v1.2.1"),
        ("v2.0.0+incompatible", ["v2.0.1+incompatible"], "v2.0.2+incompatible"),
        ("not a version", [], ""),
    ],
)
def test_next_free_version(version: str, published: list[str], suggestion: str) -> None:
    assert next_free_version(version, published) == suggestion


@pytest.mark.parametrize(
    ("version", "module_path", "has_go_mod", "problem"),
    [
        ("v1.0.0", "example.com/m", True, ""),
        ("v2.0.0", "example.com/m/v2", True, ""),
        (
            "v2.0.0+incompatible",
            "example.com/m",
            True,
            "v2.0.0+incompatible is for modules without go.mod; this folder has one, "
            "so add the major version suffix to the module path instead",
        ),
        ("v2.0.0+incompatible", "example.com/m", False, ""),
        (
            "v1.0.0",
            "example.com/m/v2",
            True,
            "example.com/m/v2@v1.0.0: invalid version: should be v2, not v1",
        ),
    ],
)
def test_version_problem(
    version: str, module_path: str, has_go_mod: bool, problem: str
) -> None:
    assert version_problem(version, module_path, has_go_mod) == problem


def test_progress_reports_bytes_rate_and_time_left(qtbot: QtBot) -> None:
    clock = FakeClock()
    model = PublishModel(MessageBridge(), clock=clock)
    progress = _Progress(model, clock, post=lambda emit, *args: emit(*args))
    seen: list[tuple[int, int, float, float]] = []
    model.progress_changed.connect(lambda *args: seen.append(args))

    progress.on_step("upload", "uploading 4000 bytes")
    clock.now += 1.0
    progress.on_progress(1000, total=4000)
    clock.now += 0.01  # too soon: not reported
    progress.on_progress(500, total=4000)
    clock.now += 0.99
    progress.on_progress(-500, total=4000)  # a retry rewinds
    clock.now += 1.0
    progress.on_progress(3000, total=4000)

    assert seen == [
        (1000, 4000, 1000.0, 3.0),
        (1000, 4000, 500.0, 6.0),
        (4000, 4000, pytest.approx(4000 / 3), 0.0),
    ]


def test_versions_are_listed_newest_first(qtbot: QtBot, loop: object) -> None:
    client = FakeClient({"example.com/m": ["v1.0.0", "v0.9.0", "v1.10.0", "v1.2.0"]})
    model = VersionsModel()

    with qtbot.waitSignal(model.loaded) as loaded:
        model.refresh(client, "example.com/m")

    assert loaded.args == [["v1.10.0", "v1.2.0", "v1.0.0", "v0.9.0"]]
    assert model.versions() == ["v1.10.0", "v1.2.0", "v1.0.0", "v0.9.0"]


def test_the_module_model_validates_as_you_type(
    qtbot: QtBot, loop: object, tmp_path: Path
) -> None:
    model = ModuleModel(MessageBridge())
    with qtbot.waitSignal(model.preview_changed):
        model.load(write_module(tmp_path / "m", "example.com/m"))
    changes: list[tuple[bool, str]] = []
    model.validity_changed.connect(lambda ok, text: changes.append((ok, text)))

    for typed in ("v", "v1", "v1.0", "v1.0.0"):
        model.set_version(typed)

    assert changes == [
        (False, "'v' is not a semantic version; versions look like v1.2.3"),
        (False, "write the version in full: v1.0.0"),
        (True, "ready to publish example.com/m@v1.0.0"),
    ]


@pytest.mark.expect_log(r"is not a folder")
def test_loading_a_file_is_an_error(qtbot: QtBot, tmp_path: Path) -> None:
    messages = MessageBridge()
    model = ModuleModel(messages)
    file = tmp_path / "file.txt"
    file.write_text("x")

    with qtbot.waitSignal(messages.shown) as shown:
        model.load(file)

    assert shown.args == ["error", f"{file} is not a folder; choose a module folder"]


@pytest.mark.expect_log(r"something broke")
def test_messages_are_logged_and_shown(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    messages = MessageBridge()
    with qtbot.waitSignal(messages.shown) as shown:
        messages.error("something broke")

    assert shown.args == ["error", "something broke"]
    record = caplog.records[-1]
    assert (record.name, record.levelno) == ("gomodpub.gui.message", logging.ERROR)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1536, "1.5 KiB"),
        (500 * 1024**2, "500 MiB"),
    ],
)
def test_sizes(value: int, text: str) -> None:
    assert humanize.size(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (4.2, "5 s"), (130, "2 min 10 s"), (3780, "1 h 3 min")],
)
def test_durations(seconds: float, text: str) -> None:
    assert humanize.duration(seconds) == text
