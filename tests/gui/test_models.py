"""The app's models on their own: progress, versions, validation, messages."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gomodpub.core.errors import AuthError
from gomodpub.core.publish import ModuleSource, PublishStatus
from gomodpub.gui import humanize
from gomodpub.gui.message import MessageBridge
from gomodpub.gui.modulemodel import ModuleModel
from gomodpub.gui.publishmodel import PublishModel, _Progress
from gomodpub.gui.versionsmodel import VersionsModel
from tests.helpers.gui_fakes import (
    OTHER_H1,
    FakeClient,
    FakePublisher,
    result_for,
    write_module,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


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
        (False, "v1 is not in canonical form; publish it as v1.0.0"),
        (False, "v1.0 is not in canonical form; publish it as v1.0.0"),
        (True, "ready to publish example.com/m@v1.0.0"),
    ]


def loaded_model(qtbot: QtBot, folder: Path) -> ModuleModel:
    model = ModuleModel(MessageBridge())
    with qtbot.waitSignal(model.preview_changed):
        model.load(folder)
    return model


@pytest.mark.parametrize(
    ("version", "module_path", "has_go_mod", "problem"),
    [
        ("v1.0.0", "example.com/m", True, ""),
        ("v2.0.0", "example.com/m/v2", True, ""),
        (
            "v2.0.0+incompatible",
            "example.com/m",
            True,
            "example.com/m@v2.0.0+incompatible: invalid version: +incompatible "
            "suffix not allowed: module contains a go.mod file, so semantic import "
            "versioning is required; add /v2 to the module path (go.mod: `module "
            "example.com/m/v2`) and change the imports inside the module to match, "
            "then publish v2.0.0",
        ),
        ("v2.0.0+incompatible", "example.com/m", False, ""),
        (
            "v1.0.0",
            "example.com/m/v2",
            True,
            "example.com/m/v2@v1.0.0: invalid version: should be v2, not v1; drop "
            "/v2 from the module path (go.mod: `module example.com/m`) and change "
            "the imports inside the module to match",
        ),
    ],
)
def test_version_errors_come_from_core(
    qtbot: QtBot,
    loop: object,
    tmp_path: Path,
    version: str,
    module_path: str,
    has_go_mod: bool,
    problem: str,
) -> None:
    folder = write_module(tmp_path / "m", module_path)
    if not has_go_mod:
        (folder / "go.mod").unlink()
    model = loaded_model(qtbot, folder)
    model.set_module_path(module_path)

    model.set_version(version)

    assert model.valid == (not problem)
    assert model.problem == (problem or f"ready to publish {module_path}@{version}")


def test_warnings_allow_publishing_and_errors_do_not(
    qtbot: QtBot, loop: object, tmp_path: Path
) -> None:
    model = loaded_model(qtbot, write_module(tmp_path / "m", "example.com/m"))
    model.set_published("example.com/m", ["v1.3.0", "v1.3.1"])

    with qtbot.waitSignal(model.warnings_changed) as changed:
        model.set_version("v1.3.0")
    assert [(w.code, w.severity) for w in changed.args[0]] == [
        ("already-published", "warning"),
        ("older-than-latest", "warning"),
    ]
    assert model.valid

    model.set_version("v3.0.0")
    assert [w.severity for w in model.warnings] == ["error"]
    assert not model.valid
    assert model.problem.startswith("example.com/m@v3.0.0: invalid version")


def test_suggestions_follow_the_published_versions(
    qtbot: QtBot, loop: object, tmp_path: Path
) -> None:
    model = loaded_model(qtbot, write_module(tmp_path / "m", "example.com/m"))
    assert model.suggestions is None  # nothing known yet: nothing suggested

    model.set_published("example.com/other", ["v1.0.0"])  # stale: ignored
    assert model.suggestions is None
    with qtbot.waitSignal(model.suggestions_changed) as changed:
        model.set_published("example.com/m", ["v1.3.0", "v1.3.1"])

    suggestions = changed.args[0]
    assert [(s.kind, s.version, s.path_changes) for s in suggestions] == [
        ("prerelease", "v1.4.0-rc.1", False),
        ("patch", "v1.3.2", False),
        ("minor", "v1.4.0", False),
        ("major", "v2.0.0", True),
    ]
    assert suggestions.major.module_path == "example.com/m/v2"

    model.set_published("example.com/m", None)
    assert model.suggestions is None


def conflict(source: ModuleSource):  # type: ignore[no-untyped-def]
    return result_for(source, PublishStatus.CONFLICT, published_h1=OTHER_H1)


@pytest.mark.parametrize(
    ("retract", "suggestion"),
    [("", "v1.3.2"), ("retract v1.3.2 // broken\n", "v1.3.3")],
)
def test_a_conflict_suggests_the_next_free_patch_from_core(
    qtbot: QtBot, loop: object, tmp_path: Path, retract: str, suggestion: str
) -> None:
    folder = write_module(tmp_path / "m", "example.com/m")
    with (folder / "go.mod").open("a") as go_mod:
        go_mod.write(retract)
    module = loaded_model(qtbot, folder)
    publisher = FakePublisher([conflict], size=8, chunks=1)
    model = PublishModel(MessageBridge(), publisher.factory)
    client = FakeClient({"example.com/m": ["v1.3.0", "v1.3.1"]})

    with qtbot.waitSignal(model.finished) as finished:
        model.publish(client, folder, "example.com/m", "v1.3.0", module.go_mod)

    assert finished.args[0].suggestion == suggestion


@pytest.mark.expect_log(r"your session has expired")
def test_an_expired_session_is_reported(
    qtbot: QtBot, loop: object, tmp_path: Path
) -> None:
    def expired(source: ModuleSource):  # type: ignore[no-untyped-def]
        raise AuthError("your session has expired; sign in again")

    folder = write_module(tmp_path / "m", "example.com/m")
    model = PublishModel(MessageBridge(), FakePublisher([expired]).factory)
    seen: list[str] = []
    model.session_expired.connect(seen.append)

    with qtbot.waitSignal(model.failed):
        model.publish(FakeClient(), folder, "example.com/m", "v1.0.0")

    assert seen == ["your session has expired; sign in again"]


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


def test_folder_changes_say_what_differs(tmp_path: Path) -> None:
    from gomodpub.core.preview import ModulePreview, PreviewEntry
    from gomodpub.gui.modulemodel import folder_changes

    def preview(go_mod: str, *entries: tuple[str, int]) -> ModulePreview:
        listed = [PreviewEntry(path, size, True) for path, size in entries]
        return ModulePreview(tmp_path, listed, go_mod_text=go_mod)

    shown = preview("module a\n", ("go.mod", 9), ("a.go", 10), ("old.go", 3))
    same = preview("module a\n", ("go.mod", 9), ("a.go", 10), ("old.go", 3))
    now = preview(
        "module b\n",
        ("go.mod", 9),
        ("a.go", 11),
        *((f"n{i}.go", 1) for i in range(5)),
    )

    assert folder_changes(shown, same) == ""
    assert folder_changes(shown, now) == (
        "added: n0.go, n1.go, n2.go and 2 more; removed: old.go; changed: a.go, go.mod"
    )
