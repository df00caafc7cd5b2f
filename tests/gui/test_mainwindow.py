"""The main window over a fake connection and publisher."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QFontMetrics,
    QHelpEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QToolTip,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gomodpub.core.errors import AuthError, LocalRegistryError, RegistryError
from gomodpub.core.publish import ModuleSource, PublishResult, PublishStatus
from gomodpub.gui.app import build_window
from gomodpub.gui.filetree import INVALID_COLOR, OMITTED_COLOR
from gomodpub.gui.gomodview import GoModView
from gomodpub.gui.mainwindow import MainWindow
from gomodpub.gui.signin import SignInDialog
from tests.helpers.gui_fakes import (
    GOPROXY,
    LOCAL_H1,
    OTHER_H1,
    FakeAuth,
    FakeConfig,
    FakeConnection,
    FakePublisher,
    FakeSession,
    result_for,
    write_module,
)

PASSWORD = "Correct-horse-1"


@pytest.fixture
def connection() -> FakeConnection:
    return FakeConnection(auth=FakeAuth({"alice": PASSWORD}))


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


def make_window(
    qtbot: QtBot, connector: object, publisher: FakePublisher, *, local: bool = True
) -> MainWindow:
    window = build_window(
        connector,  # type: ignore[arg-type]
        local=local,
        publisher_factory=publisher.factory,
    )
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def window(
    qtbot: QtBot, loop: object, connection: FakeConnection, publisher: FakePublisher
) -> MainWindow:
    """The window, connected to the fake registry, nobody signed in."""
    window = make_window(qtbot, lambda: connection, publisher)
    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "ready",
    ):
        window.start()
    return window


def sign_in(qtbot: QtBot, window: MainWindow, username: str = "alice") -> None:
    with qtbot.waitSignal(window.models.connection.user_changed):
        window.models.connection.sign_in(username, PASSWORD)


def drag_enter(data: QMimeData) -> QDragEnterEvent:
    """A drag entering the window (PySide6 6.12 takes a QPointF, 6.11 a QPoint)."""
    args = (
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    try:
        return QDragEnterEvent(QPointF(50, 50), *args)
    except TypeError:
        return QDragEnterEvent(QPoint(50, 50), *args)


def drop(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    """Drag ``folder`` onto the window and drop it, as a file manager would."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder))])
    enter = drag_enter(data)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    dropped = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.models.module.preview_changed):
        QApplication.sendEvent(window, dropped)


def top_level(window: MainWindow) -> list[str]:
    files = window.models.files
    return [files.item(row, 0).text() for row in range(files.rowCount())]


def ready_to_publish(
    qtbot: QtBot, window: MainWindow, folder: Path, version: str
) -> None:
    drop(qtbot, window, folder)
    qtbot.keyClicks(window.version_edit, version)
    assert window.publish_button.isEnabled(), window.validity.text()


# -- the folder ------------------------------------------------------------------


def test_dropping_a_folder_fills_the_tree_and_go_mod(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = write_module(tmp_path / "hello")
    assert window.validity.text() == "drop a module folder here, or choose one"
    assert not window.publish_button.isEnabled()

    drop(qtbot, window, folder)

    assert top_level(window) == [".git", "go.mod", "hello.go", "sub", "vendor"]
    git = window.models.files.item(0, 0)
    note = window.models.files.item(0, 2)
    assert note.text() == "directory is a version control repository"
    assert git.foreground().color() == OMITTED_COLOR
    assert git.font().italic()
    sub = window.models.files.item(3, 0)
    assert [sub.child(i).text() for i in range(sub.rowCount())] == ["sub.go"]
    assert window.totals.text() == "4 files, 87 bytes of 500 MiB allowed; 1 left out"
    assert window.go_mod_view.toPlainText() == "module example.com/hello\n\ngo 1.21\n"
    assert window.module_path_edit.text() == "example.com/hello"
    assert window.module_path_edit.isReadOnly()
    assert window.folder_label.text() == "hello"


def test_reasons_are_readable_and_links_have_no_size(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = write_module(tmp_path / "hello")
    (folder / "broken.go").symlink_to("nowhere/at/all.go")
    (folder / "nested").mkdir()
    (folder / "nested" / "go.mod").write_text("module example.com/hello/nested\n")

    drop(qtbot, window, folder)

    files = window.models.files
    rows = {files.item(r, 0).text(): r for r in range(files.rowCount())}
    link = rows["broken.go"]
    assert files.item(link, 1).text() == ""  # not the 17 bytes of the link
    assert files.item(link, 2).text() == "not a regular file"
    assert files.item(rows["hello.go"], 1).text() == "31 bytes"
    # The longest reason fits its column, and says itself as a tooltip too.
    git = files.index(rows[".git"], 2)
    reason = "directory is a version control repository"
    assert git.data() == reason
    font = files.itemFromIndex(git).font()
    assert window.tree.visualRect(git).width() >= (
        QFontMetrics(font).horizontalAdvance(reason)
    )
    assert git.data(Qt.ItemDataRole.ToolTipRole) == f".git: {reason}"


def test_invalid_files_are_red_and_block_publishing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = write_module(tmp_path / "bad")
    (folder / "bad:name.go").write_text("package bad\n")

    drop(qtbot, window, folder)
    qtbot.keyClicks(window.version_edit, "v1.0.0")

    row = top_level(window).index("bad:name.go")
    assert window.models.files.item(row, 0).foreground().color() == INVALID_COLOR
    assert window.models.files.item(row, 2).text() == (
        "malformed file path \"bad:name.go\": invalid char ':'"
    )
    assert window.validity.text() == (
        "bad:name.go: malformed file path \"bad:name.go\": invalid char ':'"
    )
    assert not window.publish_button.isEnabled()


def test_a_folder_without_go_mod_asks_for_the_module_path(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "legacy"
    folder.mkdir()
    (folder / "legacy.go").write_text("package legacy\n")

    drop(qtbot, window, folder)

    assert not window.module_path_edit.isReadOnly()
    assert window.module_path_edit.text() == ""
    assert window.validity.text() == "this folder has no go.mod: enter the module path"
    qtbot.keyClicks(window.module_path_edit, "example.com/legacy")
    qtbot.keyClicks(window.version_edit, "v2.0.0")
    assert window.validity.text() == (
        "example.com/legacy@v2.0.0: invalid version: should be v0 or v1, not v2; "
        "add /v2 to the module path (go.mod: `module example.com/legacy/v2`) and "
        "change the imports inside the module to match, or publish "
        "v2.0.0+incompatible if the module has no go.mod"
    )
    qtbot.keyClicks(window.version_edit, "+incompatible")
    assert window.publish_button.isEnabled()


BROKEN_GO_MOD = (
    "module example.com/broken\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/mod v0.1.0\n"
)


def tooltip_of_line(qtbot: QtBot, view: GoModView, line: int) -> str:
    """The tooltip the go.mod view shows over ``line`` (1-based)."""
    block = view.document().findBlockByNumber(line - 1)
    box = view.blockBoundingGeometry(block).translated(view.contentOffset())
    inside = view.viewport().mapTo(view, box.center().toPoint())
    event = QHelpEvent(QEvent.Type.ToolTip, inside, view.mapToGlobal(inside))
    QApplication.sendEvent(view, event)
    text = QToolTip.text() if QToolTip.isVisible() else ""
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    return text


def test_a_broken_go_mod_is_shown_with_its_error_marked(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "my modules" / "broken"
    folder.mkdir(parents=True)
    (folder / "go.mod").write_text(BROKEN_GO_MOD)
    (folder / "broken.go").write_text("package broken\n")
    window.tabs.setCurrentIndex(1)

    drop(qtbot, window, folder)

    error = "go.mod:7:1: syntax error (unterminated block started at go.mod:5:1)"
    view = window.go_mod_view
    assert window.tabs.currentWidget() is view
    assert view.toPlainText() == BROKEN_GO_MOD
    # The line the error is on, and the line of the block left open.
    assert view.error_lines == [5, 7]
    assert len(view.extraSelections()) == 2
    assert tooltip_of_line(qtbot, view, 5) == error
    assert tooltip_of_line(qtbot, view, 3) == ""
    assert window.module_path_edit.isReadOnly()
    assert window.module_path_edit.text() == ""
    assert window.module_path_hint.text() == "go.mod must be fixed"
    assert window.validity.text() == f"go.mod must be fixed: {error}"
    qtbot.keyClicks(window.version_edit, "v1.0.0")
    assert window.validity.text() == f"go.mod must be fixed: {error}"
    assert not window.publish_button.isEnabled()


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (
            lambda folder: (folder / "go.mod").symlink_to(folder / "real.mod"),
            "go.mod is not a regular file (a link or a folder); the module zip can "
            "only hold a real go.mod: replace it with the file itself",
        ),
        (
            lambda folder: (folder / "go.mod").write_text("go 1.21\n"),
            "go.mod: missing module declaration; add a line such as 'module "
            "example.com/mymodule'",
        ),
    ],
    ids=["linked", "no-module-line"],
)
def test_a_go_mod_that_cannot_be_used_is_not_taken_for_none(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, make: object, problem: str
) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "real.mod").write_text("module example.com/odd\n")
    make(folder)  # type: ignore[operator]

    drop(qtbot, window, folder)

    assert window.module_path_edit.isReadOnly()
    assert window.module_path_hint.text() == "go.mod must be fixed"
    assert window.validity.text() == f"go.mod must be fixed: {problem}"
    assert "has no go.mod" not in window.go_mod_view.placeholderText()


def test_dragging_a_file_is_refused(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    file = tmp_path / "go.mod"
    file.write_text("module example.com/x\n")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(file))])
    enter = drag_enter(data)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def size_of(window: MainWindow, name: str) -> str:
    """The Size column of the top-level row ``name``."""
    return window.models.files.item(top_level(window).index(name), 1).text()


def test_the_file_list_follows_the_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = write_module(tmp_path / "hello")
    drop(qtbot, window, folder)

    with qtbot.waitSignal(window.models.module.preview_changed, timeout=3000):
        (folder / "new.go").write_text("package hello\n")

    assert "new.go" in top_level(window)
    assert window.totals.text() == "5 files, 101 bytes of 500 MiB allowed; 1 left out"
    assert window.statusBar().currentMessage() == (
        "the folder changed (added: new.go); the list shows it now"
    )

    # Edits inside a file are seen when the user comes back to the window.
    (folder / "hello.go").write_text("package hello\n\nconst Hello = 12345\n")
    with qtbot.waitSignal(window.models.module.preview_changed, timeout=3000):
        QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))
    assert size_of(window, "hello.go") == "35 bytes"


def test_a_folder_without_go_mod_keeps_the_typed_path_when_read_again(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "legacy"
    folder.mkdir()
    (folder / "legacy.go").write_text("package legacy\n")
    drop(qtbot, window, folder)
    qtbot.keyClicks(window.module_path_edit, "example.com/legacy")
    qtbot.keyClicks(window.version_edit, "v1.0.0")

    with qtbot.waitSignal(window.models.module.preview_changed, timeout=3000):
        (folder / "more.go").write_text("package legacy\n")

    assert window.module_path_edit.text() == "example.com/legacy"
    assert window.version_edit.text() == "v1.0.0"
    assert window.validity.text() == "ready to publish example.com/legacy@v1.0.0"


@pytest.mark.expect_log(r"the folder changed since it was shown")
def test_publish_refuses_files_the_window_did_not_show(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    sign_in(qtbot, window)
    folder = write_module(tmp_path / "hello")
    ready_to_publish(qtbot, window, folder, "v1.0.0")

    # Changed just as Publish is pressed, before the window could notice.
    (folder / "secret.txt").write_text("do not publish\n")
    with qtbot.waitSignal(window.models.publish.folder_changed):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert publisher.sources == []
    assert window.banner.property("level") == "warning"
    assert window.banner_label.text() == (
        "the folder changed since it was shown (added: secret.txt), so nothing was "
        "published; the list shows it as it is now: look at it, then press Publish "
        "again"
    )
    assert "secret.txt" in top_level(window)
    assert window.version_edit.text() == "v1.0.0"
    assert window.publish_button.isEnabled()

    # Seen now, it is published with the rest.
    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    assert len(publisher.sources) == 1


# -- the version --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("", "enter the version to publish, e.g. v1.0.0"),
        (
            "1.2.3",
            "'1.2.3' is not a semantic version; versions look like v1.2.3 "
            "(did you mean v1.2.3?)",
        ),
        ("v1.2", "v1.2 is not in canonical form; publish it as v1.2.0"),
        ("v1.2.3+build", "v1.2.3+build is not in canonical form; publish it as v1.2.3"),
        (
            "v2.0.0",
            "example.com/hello@v2.0.0: invalid version: should be v0 or v1, not v2; "
            "add /v2 to the module path (go.mod: `module example.com/hello/v2`) and "
            "change the imports inside the module to match",
        ),
    ],
)
def test_an_invalid_version_disables_publish_with_a_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, version: str, message: str
) -> None:
    drop(qtbot, window, write_module(tmp_path / "hello"))

    qtbot.keyClicks(window.version_edit, version)

    assert not window.publish_button.isEnabled()
    assert window.validity.text() == message
    assert window.validity.property("ok") == "false"


def test_a_valid_version_enables_publish_as_you_type(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    drop(qtbot, window, write_module(tmp_path / "hello"))

    qtbot.keyClicks(window.version_edit, "v1.2")
    assert not window.publish_button.isEnabled()
    qtbot.keyClicks(window.version_edit, ".3")

    assert window.publish_button.isEnabled()
    assert window.validity.text() == "ready to publish example.com/hello@v1.2.3"


def test_another_module_starts_without_the_version_of_the_last(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.3.1")

    drop(qtbot, window, write_module(tmp_path / "odd", "example.com/odd"))

    assert window.version_edit.text() == ""
    assert window.validity.text() == "enter the version to publish, e.g. v1.0.0"
    assert not window.publish_button.isEnabled()

    # The same module again (a copy of the folder, say) keeps its version.
    qtbot.keyClicks(window.version_edit, "v0.2.0")
    drop(qtbot, window, write_module(tmp_path / "odd-copy", "example.com/odd"))
    assert window.version_edit.text() == "v0.2.0"
    assert window.validity.text() == "ready to publish example.com/odd@v0.2.0"


# -- signing in ------------------------------------------------------------------------


@pytest.mark.expect_log(r"wrong username or password")
def test_a_sign_in_error_is_shown_in_the_dialog(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = window.open_sign_in()
    qtbot.keyClicks(dialog.username, "alice")
    qtbot.keyClicks(dialog.password, "wrong")

    with qtbot.waitSignal(window.models.connection.sign_in_failed):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "signing in failed: wrong username or password"
    assert window.user_label.text() == "not signed in"

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert window.user_label.text() == "signed in as alice"


def test_the_sign_in_dialog_is_as_tall_as_its_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = window.open_sign_in()
    qtbot.waitExposed(dialog)

    def slack(page: QWidget) -> int:
        """How much taller ``page`` is than its contents need."""
        needed = page.heightForWidth(page.width())
        return page.height() - max(needed, page.sizeHint().height())

    # No empty room under the two fields of Sign in, for the five of Create.
    sign_in_page, create_page = dialog.pages
    assert slack(sign_in_page) <= 0
    sign_in_height = dialog.height()
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: dialog.height() > sign_in_height)
    assert not sign_in_page.isVisible()
    assert slack(create_page) <= 0


def test_a_first_time_user_is_told_to_create_an_account_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = window.open_sign_in()

    assert dialog.first_time.isVisible()
    assert QTextDocumentFragment.fromHtml(dialog.first_time.text()).toPlainText() == (
        "First time here? This computer's registry has no accounts yet: create "
        "one first."
    )
    dialog.first_time.linkActivated.emit("#create")
    assert dialog.tabs.currentIndex() == 1
    assert dialog.new_username.isVisible()


def test_someone_who_signed_in_before_is_not_told_to_create_an_account(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    connection.last_username = "alice"

    dialog = window.open_sign_in()

    assert dialog.username.text() == "alice"
    assert not dialog.first_time.isVisible()


@pytest.mark.parametrize("keyring", [True, False])
def test_the_dialog_says_when_a_session_cannot_be_kept(
    qtbot: QtBot, loop: object, publisher: FakePublisher, keyring: bool
) -> None:
    connection = FakeConnection(auth=FakeAuth({"alice": PASSWORD}, keyring=keyring))
    window = make_window(qtbot, lambda: connection, publisher)
    with qtbot.waitSignal(
        window.models.connection.state_changed, check_params_cb=is_ready
    ):
        window.start()

    dialog = window.open_sign_in()

    assert dialog.no_keyring.isVisible() == (not keyring)
    assert dialog.no_keyring.text() == (
        "This system has no keyring, so your session cannot be kept: you will "
        "sign in again each time gomodpub starts."
    )


def test_creating_an_account_signs_in(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    dialog = window.open_sign_in()
    dialog.tabs.setCurrentIndex(1)
    assert dialog.submit.text() == "Create account"
    qtbot.keyClicks(dialog.new_username, "bob")
    qtbot.keyClicks(dialog.email, "bob@example.com")
    qtbot.keyClicks(dialog.new_password, PASSWORD)
    qtbot.keyClicks(dialog.repeat_password, PASSWORD)

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    assert connection.auth.users["bob"] == PASSWORD
    assert connection.last_username == "bob"
    assert window.user_label.text() == "signed in as bob"


def test_different_passwords_are_caught_in_the_dialog(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = window.open_sign_in()
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.new_username, "bob")
    qtbot.keyClicks(dialog.email, "bob@example.com")
    qtbot.keyClicks(dialog.new_password, PASSWORD)
    qtbot.keyClicks(dialog.repeat_password, PASSWORD + "x")

    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    assert dialog.error.text() == "the two passwords differ"
    assert dialog.isVisible()


def test_publishing_when_signed_out_asks_to_sign_in_then_publishes(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    dialog = window.sign_in_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.username, "alice")
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    assert [s.version for s in publisher.sources] == ["v1.0.0"]


# -- publishing ------------------------------------------------------------------------


def test_progress_updates_the_bar(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    publisher.gate = threading.Event()
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")
    seen: list[tuple[int, int, str]] = []
    window.models.publish.progress_changed.connect(
        lambda *_: seen.append(
            (
                window.progress.value(),
                window.progress.maximum(),
                window.progress_detail.text(),
            )
        )
    )

    with qtbot.waitSignal(window.models.publish.step_changed):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    assert window.progress.isVisible()
    assert window.cancel_button.isVisible()
    assert not window.publish_button.isEnabled()
    with qtbot.waitSignal(window.models.publish.finished):
        publisher.gate.set()

    value, maximum, detail = seen[-1]
    assert (value, maximum) == (publisher.size, publisher.size)
    assert detail.startswith("uploading 4 MiB of 4 MiB · ")
    assert detail.endswith("/s")
    assert not window.progress.isVisible()
    assert window.publish_button.isEnabled()


def test_published_outcome_is_shown(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    dialog = window.outcome_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.status == PublishStatus.PUBLISHED
    # Said once, in the heading; the text under it adds to it.
    assert dialog.heading.text() == "<h3>Published example.com/hello@v1.0.0</h3>"
    assert dialog.message.text() == (
        "The registry checked the module and serves it now."
    )
    assert "Module:" not in [label.text() for label in dialog.findChildren(QLabel)]
    assert dialog.h1.text() == LOCAL_H1
    assert_shown_whole(dialog.command)
    # The line works as copied: the go command must not ask sum.golang.org.
    line = (
        f"GOPROXY={GOPROXY} GONOSUMDB=example.com/hello go get example.com/hello@v1.0.0"
    )
    assert dialog.command.text() == line
    copy = dialog.command.parent().findChild(QPushButton)
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == line
    source = publisher.sources[0]
    assert (source.module_path, source.version) == ("example.com/hello", "v1.0.0")
    assert source.directory == tmp_path / "hello"


def assert_shown_whole(label: QLabel) -> None:
    """``label`` wraps its text and is tall enough for all its lines."""
    assert label.wordWrap()
    assert label.isVisible()
    assert label.height() >= label.heightForWidth(label.width())


def test_a_conflict_offers_the_next_version_and_publishes_it(
    qtbot: QtBot,
    window: MainWindow,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    def conflict(source: ModuleSource):  # type: ignore[no-untyped-def]
        return result_for(
            source,
            PublishStatus.CONFLICT,
            "already published with other content",
            published_h1=OTHER_H1,
        )

    publisher.outcomes = [
        conflict,
        lambda source: result_for(source, PublishStatus.PUBLISHED),
    ]
    connection.client.published["example.com/hello"] = ["v1.0.0", "v1.2.0", "v1.2.1"]
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.2.0")

    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    dialog = window.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    assert window.outcome_dialog is None
    assert dialog.published_h1.text() == OTHER_H1
    assert dialog.local_h1.text() == LOCAL_H1
    assert dialog.next_button is not None
    assert dialog.next_button.text() == "Publish as v1.2.2"

    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)

    assert [s.version for s in publisher.sources] == ["v1.2.0", "v1.2.2"]
    assert window.version_edit.text() == "v1.2.2"
    assert window.outcome_dialog is not None
    assert window.outcome_dialog.status == PublishStatus.PUBLISHED


def test_choose_another_version_goes_back_to_the_version_field(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    publisher.outcomes = [
        lambda source: result_for(source, PublishStatus.CONFLICT, published_h1=OTHER_H1)
    ]
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")
    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    dialog = window.conflict_dialog
    assert dialog is not None

    qtbot.mouseClick(dialog.other_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert window.version_edit.selectedText() == "v1.0.0"
    assert len(publisher.sources) == 1


def test_not_owner_is_refused_with_the_owner_shown(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    publisher.outcomes = [
        lambda source: result_for(
            source,
            PublishStatus.REJECTED,
            f"{source.module_path} belongs to bob; ask them to publish it, or "
            "publish under a module path of your own",
            code="not-owner",
            owner="bob",
        )
    ]
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    dialog = window.outcome_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.status == PublishStatus.REJECTED
    assert dialog.findChild(type(window.totals), "owner").text() == "<b>bob</b>"
    message = dialog.findChild(type(window.totals), "outcomeMessage").text()
    assert message.startswith("example.com/hello belongs to bob;")


@pytest.mark.expect_log(r"publishing example.com/hello@v1.0.0 failed")
def test_a_failed_publication_is_shown_in_the_banner(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    def broken(source: ModuleSource):  # type: ignore[no-untyped-def]
        raise RegistryError("the registry failed; try again later", code="internal")

    publisher.outcomes = [broken]
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.publish.failed):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert window.banner.isVisible()
    assert window.banner_label.text() == (
        "publishing example.com/hello@v1.0.0 failed: the registry failed; try "
        "again later"
    )
    assert window.publish_button.isEnabled()
    assert window.registry_status.text() == "local registry ready"


def test_the_window_stays_responsive_during_a_slow_publication(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    publisher.gate = threading.Event()  # never opened: the upload hangs
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))

    with qtbot.waitSignal(window.models.publish.step_changed):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    timer.start()

    # The GUI thread keeps running timers and input while the upload hangs.
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=3000)
    window.tabs.setCurrentIndex(1)
    assert window.models.publish.running
    assert publisher.chunks_sent == 0

    with qtbot.waitSignal(window.models.publish.finished) as finished:
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    timer.stop()
    assert finished.args[0].result.status == PublishStatus.CANCELLED
    assert window.statusBar().currentMessage() == "the upload was cancelled"
    assert window.publish_button.isEnabled()


# -- the registry and versions ---------------------------------------------------------


def test_published_versions_are_listed_newest_first(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection, tmp_path: Path
) -> None:
    connection.client.published["example.com/hello"] = ["v1.0.0", "v1.10.0", "v1.2.0"]
    sign_in(qtbot, window)

    with qtbot.waitSignal(window.models.versions.loaded, timeout=3000):
        drop(qtbot, window, write_module(tmp_path / "hello"))

    assert window.models.versions.versions() == ["v1.10.0", "v1.2.0", "v1.0.0"]
    assert window.versions_status.text() == (
        "3 published versions of example.com/hello"
    )


@pytest.mark.expect_log(r"cannot connect to the local registry")
def test_a_registry_that_fails_to_start_can_be_retried(
    qtbot: QtBot, loop: object, connection: FakeConnection, publisher: FakePublisher
) -> None:
    attempts: list[int] = []

    def connector() -> FakeConnection:
        attempts.append(1)
        if len(attempts) == 1:
            raise LocalRegistryError("MiniStack did not answer within 60 s")
        return connection

    window = make_window(qtbot, connector, publisher)
    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "failed",
    ):
        window.start()

    assert window.registry_status.text() == "the local registry is not available"
    assert window.retry_button.isVisible()
    assert window.banner_label.text() == (
        "cannot connect to the local registry: MiniStack did not answer within 60 s"
    )
    assert not window.sign_in_action.isEnabled()

    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "ready",
    ):
        qtbot.mouseClick(window.retry_button, Qt.MouseButton.LeftButton)
    assert window.registry_status.text() == "local registry ready"
    assert not window.retry_button.isVisible()
    assert not window.banner.isVisible()


@pytest.mark.expect_log(r"cannot use /proc/nope")
def test_a_data_folder_that_cannot_be_made_is_explained(
    qtbot: QtBot,
    loop: object,
    publisher: FakePublisher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gomodpub.core.connection import connect
    from gomodpub.registry.local import LocalRegistry

    crashes: list[BaseException] = []
    monkeypatch.setattr("sys.excepthook", lambda t, error, tb: crashes.append(error))
    launcher = LocalRegistry(Path("/proc/nope/data/local-registry"))
    window = make_window(qtbot, lambda: connect(None, launcher), publisher)

    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "failed",
    ):
        window.start()

    assert crashes == []
    assert window.registry_status.text() == "the local registry is not available"
    assert window.banner.property("level") == "error"
    assert window.banner_label.text() == (
        "cannot use /proc/nope: No such file or directory. gomodpub keeps its "
        "settings and the local registry's data there: make that folder writable "
        "and press Retry, or start gomodpub with GOMODPUB_HOME set to a folder you "
        "can write to."
    )
    assert window.retry_button.isVisible()


@pytest.mark.expect_log(r"cannot use .*settings.tmp")
def test_signing_in_works_when_the_settings_cannot_be_saved(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    def read_only(username: str) -> None:
        raise PermissionError(13, "Permission denied", "/home/a/settings.tmp")

    connection.remember_user = read_only  # type: ignore[method-assign]

    sign_in(qtbot, window)

    assert window.user_label.text() == "signed in as alice"
    assert window.banner.property("level") == "warning"
    assert window.banner_label.text().startswith(
        "cannot use /home/a/settings.tmp: Permission denied. "
    )


def test_the_starting_registry_is_shown(
    qtbot: QtBot, loop: object, connection: FakeConnection, publisher: FakePublisher
) -> None:
    release = threading.Event()

    def slow_connector() -> FakeConnection:
        release.wait(10)
        return connection

    window = make_window(qtbot, slow_connector, publisher)
    with qtbot.waitSignal(window.models.connection.state_changed):
        window.start()
    assert window.registry_status.text() == "starting the local registry…"
    assert not window.account_button.isEnabled()

    with qtbot.waitSignal(window.models.connection.state_changed):
        release.set()
    assert window.registry_status.text() == "local registry ready"


def test_the_last_user_is_signed_in_again(
    qtbot: QtBot, loop: object, publisher: FakePublisher
) -> None:
    auth = FakeAuth({"alice": PASSWORD})
    auth.saved = "alice"
    connection = FakeConnection(auth=auth, last_username="alice")
    window = make_window(qtbot, lambda: connection, publisher)

    with qtbot.waitSignal(window.models.connection.user_changed):
        window.start()

    assert window.user_label.text() == "signed in as alice"


# -- a local registry that stops ----------------------------------------------------

UNREACHABLE = (
    "cannot reach the registry at http://127.0.0.1:1/modules: [Errno 111] "
    "Connection refused"
)


def unreachable(source: ModuleSource) -> PublishResult:
    raise RegistryError(UNREACHABLE, code="unreachable")


class Restarts:
    """A connector that counts its calls and can hold the ones after the first."""

    def __init__(self, *connections: FakeConnection) -> None:
        self.connections = list(connections)
        self.calls = 0
        self.gate = threading.Event()
        self.gate.set()
        self.error: Exception | None = None

    def __call__(self) -> FakeConnection:
        self.calls += 1
        if self.calls > 1:
            assert self.gate.wait(10)
            if self.error is not None:
                raise self.error
        return self.connections[min(self.calls, len(self.connections)) - 1]


def restart_window(
    qtbot: QtBot, restarts: Restarts, publisher: FakePublisher, *, local: bool = True
) -> MainWindow:
    window = make_window(qtbot, restarts, publisher, local=local)
    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "ready",
    ):
        window.start()
    sign_in(qtbot, window)
    return window


def is_ready(state: str, text: str) -> bool:
    return state == "ready"


@pytest.mark.expect_log(r"the local registry stopped answering")
def test_a_local_registry_that_died_is_restarted_and_the_publication_retried(
    qtbot: QtBot,
    loop: object,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    publisher.outcomes = [unreachable, lambda s: result_for(s, PublishStatus.PUBLISHED)]
    restarts = Restarts(connection)
    window = restart_window(qtbot, restarts, publisher)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")
    restarts.gate.clear()

    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "reconnecting",
    ):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    # While it restarts, the status bar says so and Publish waits.
    assert window.registry_status.text() == "the local registry stopped; restarting it…"
    assert window.registry_status.property("state") == "reconnecting"
    assert not window.retry_button.isVisible()
    assert not window.publish_button.isEnabled()
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert window.banner_label.text() == (
        "the local registry stopped answering; publishing example.com/hello@v1.0.0 "
        "again once it is restarted"
    )

    with qtbot.waitSignal(window.models.publish.finished) as finished:
        restarts.gate.set()

    assert finished.args[0].result.status == PublishStatus.PUBLISHED
    assert restarts.calls == 2
    assert [s.version for s in publisher.sources] == ["v1.0.0", "v1.0.0"]
    assert window.registry_status.text() == "local registry ready"
    assert window.user_label.text() == "signed in as alice"  # the session held
    assert not window.banner.isVisible()
    assert window.outcome_dialog is not None and window.outcome_dialog.isVisible()


@pytest.mark.expect_log(
    r"the local registry stopped answering",
    r"publishing example.com/hello@v1.0.0 failed",
)
def test_a_publication_is_retried_only_once(
    qtbot: QtBot,
    loop: object,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    publisher.outcomes = [unreachable]
    restarts = Restarts(connection)
    window = restart_window(qtbot, restarts, publisher)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.publish.failed, timeout=5000):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert restarts.calls == 2
    assert len(publisher.sources) == 2
    assert window.banner_label.text() == (
        f"publishing example.com/hello@v1.0.0 failed: {UNREACHABLE}"
    )


@pytest.mark.expect_log(
    r"the local registry stopped answering", r"cannot connect to the local registry"
)
def test_a_restart_that_fails_offers_retry(
    qtbot: QtBot,
    loop: object,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    publisher.outcomes = [unreachable, lambda s: result_for(s, PublishStatus.PUBLISHED)]
    # Each start builds a new connection (no keyring: it knows no session).
    restarts = Restarts(connection, FakeConnection(auth=FakeAuth({"alice": PASSWORD})))
    restarts.error = LocalRegistryError("MiniStack exited at start (code 1)")
    window = restart_window(qtbot, restarts, publisher)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "failed",
    ):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert window.registry_status.text() == "the local registry is not available"
    assert window.retry_button.isVisible()
    assert window.banner_label.text() == (
        "cannot connect to the local registry: MiniStack exited at start (code 1)"
    )
    assert len(publisher.sources) == 1

    # Retry starts it, at the same address: the session holds; publish again.
    restarts.error = None
    with qtbot.waitSignal(
        window.models.connection.state_changed, check_params_cb=is_ready
    ):
        qtbot.mouseClick(window.retry_button, Qt.MouseButton.LeftButton)
    assert window.user_label.text() == "signed in as alice"
    assert window.models.connection.connection is connection
    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    assert len(publisher.sources) == 2


@pytest.mark.expect_log(r"publishing example.com/hello@v1.0.0 failed")
def test_a_remote_registry_is_not_restarted(
    qtbot: QtBot,
    loop: object,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    publisher.outcomes = [unreachable]
    restarts = Restarts(connection)
    window = restart_window(qtbot, restarts, publisher, local=False)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.publish.failed):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert restarts.calls == 1
    assert window.registry_status.text() == "registry ready"
    assert window.banner_label.text() == (
        f"publishing example.com/hello@v1.0.0 failed: {UNREACHABLE}"
    )


def test_versions_are_read_again_after_a_restart(
    qtbot: QtBot,
    loop: object,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    connection.client.published["example.com/hello"] = ["v1.0.0"]
    connection.client.versions_error = RegistryError(UNREACHABLE, code="unreachable")
    restarts = Restarts(connection)
    window = restart_window(qtbot, restarts, publisher)
    restarts.gate.clear()

    with qtbot.waitSignal(
        window.models.connection.state_changed,
        check_params_cb=lambda state, text: state == "reconnecting",
        timeout=3000,
    ):
        drop(qtbot, window, write_module(tmp_path / "hello"))
    connection.client.versions_error = None
    with qtbot.waitSignal(window.models.versions.loaded, timeout=3000):
        restarts.gate.set()

    assert window.versions_status.text() == "1 published version of example.com/hello"
    assert window.registry_status.text() == "local registry ready"


@pytest.mark.expect_log(r"the local registry stopped answering", r"sign in again")
def test_a_restart_that_loses_the_session_asks_to_sign_in(
    qtbot: QtBot,
    loop: object,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    # The registry came back at another address, and no keyring kept the session.
    moved = FakeConnection(auth=FakeAuth({"alice": PASSWORD}))
    moved.client.config = FakeConfig("http://127.0.0.1:2/proxy")
    publisher.outcomes = [unreachable, lambda s: result_for(s, PublishStatus.PUBLISHED)]
    restarts = Restarts(connection, moved)
    window = restart_window(qtbot, restarts, publisher)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.connection.user_changed, timeout=3000):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert window.user_label.text() == "not signed in"
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert window.banner_label.text() == (
        "the local registry was started again, but your session was lost; sign in again"
    )
    assert window.models.connection.connection is moved
    assert len(publisher.sources) == 1  # not published behind the user's back


# -- suggested versions and warnings ---------------------------------------------------


def dropped_with_versions(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    """Drop ``folder`` and wait until its published versions are known."""
    with qtbot.waitSignal(window.models.module.suggestions_changed, timeout=3000):
        drop(qtbot, window, folder)


def test_suggestions_appear_and_picking_one_fills_the_version(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection, tmp_path: Path
) -> None:
    connection.client.published["example.com/hello"] = ["v1.3.0", "v1.3.1"]
    sign_in(qtbot, window)
    assert window.suggestions_hint.text() == ""

    dropped_with_versions(qtbot, window, write_module(tmp_path / "hello"))

    assert window.suggestions_hint.text() == "Suggested:"
    assert [b.text() for b in window.suggestion_buttons] == [
        "v1.4.0-rc.1 prerelease",
        "v1.3.2 patch",
        "v1.4.0 minor",
        "v2.0.0 major, new path",
    ]
    major = window.suggestion_buttons[-1]
    assert "new module path, example.com/hello/v2" in major.toolTip()

    qtbot.mouseClick(window.suggestion_buttons[1], Qt.MouseButton.LeftButton)

    assert window.version_edit.text() == "v1.3.2"
    assert window.validity.text() == "ready to publish example.com/hello@v1.3.2"
    assert window.publish_button.isEnabled()


def test_a_new_major_suggestion_explains_the_new_path_instead(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection, tmp_path: Path
) -> None:
    connection.client.published["example.com/hello"] = ["v1.3.0", "v1.3.1"]
    sign_in(qtbot, window)
    dropped_with_versions(qtbot, window, write_module(tmp_path / "hello"))
    qtbot.keyClicks(window.version_edit, "v1.3.2")

    major = window.suggestion_buttons[-1]
    assert major.text() == "v2.0.0 major, new path"
    qtbot.mouseClick(major, Qt.MouseButton.LeftButton)

    # Not v2.0.0, which this module path cannot take: what to change instead.
    assert window.version_edit.text() == "v1.3.2"
    assert window.validity.text() == "ready to publish example.com/hello@v1.3.2"
    assert window.path_note.isVisible()
    shown = QTextDocumentFragment.fromHtml(window.path_note.text()).toPlainText()
    assert shown == (
        "ℹ v2.0.0 goes with a new module path, example.com/hello/v2, so it was "  # noqa: RUF001
        "not put in the version field. A new major version is a new module path, "
        "example.com/hello/v2: change go.mod to `module example.com/hello/v2` and "
        "every import of example.com/hello and its packages to example.com/hello/v2."
    )

    qtbot.keyClicks(window.version_edit, "3")
    assert not window.path_note.isVisible()


def test_signed_out_there_are_no_suggestions(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    drop(qtbot, window, write_module(tmp_path / "hello"))

    assert window.suggestion_buttons == []
    assert window.suggestions_hint.text() == "Sign in to get suggested versions."


def test_an_error_disables_publish_and_a_warning_does_not(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection, tmp_path: Path
) -> None:
    connection.client.published["example.com/hello"] = ["v1.3.0", "v1.3.1"]
    sign_in(qtbot, window)
    dropped_with_versions(qtbot, window, write_module(tmp_path / "hello"))

    qtbot.keyClicks(window.version_edit, "v1.3.0")
    assert window.publish_button.isEnabled()
    assert window.validity.property("ok") == "true"
    # Not "ready to publish" under a note that it is published: the status says it.
    assert window.validity.text() == (
        "v1.3.0 is already published: the same content again changes nothing, "
        "other content is refused; the next free version is v1.3.2"
    )
    assert window.validity.property("note") == "true"
    assert window.version_notes.isVisible()
    notes = window.version_notes.text()
    assert "already published" not in notes
    assert "go get example.com/hello@latest` will keep choosing v1.3.1" in notes

    window.version_edit.clear()
    qtbot.keyClicks(window.version_edit, "v2.0.0")
    assert not window.publish_button.isEnabled()
    assert window.validity.property("ok") == "false"
    assert window.validity.text().startswith(
        "example.com/hello@v2.0.0: invalid version: should be v0 or v1, not v2"
    )
    assert not window.version_notes.isVisible()

    window.version_edit.clear()
    qtbot.keyClicks(window.version_edit, "v1.4.0-rc.1")
    assert window.publish_button.isEnabled()
    assert "v1.4.0-rc.1 is a prerelease" in window.version_notes.text()
    assert window.validity.text() == "ready to publish example.com/hello@v1.4.0-rc.1"
    assert window.validity.property("note") == "false"


def test_messages_of_any_length_leave_the_file_list_where_it_is(
    qtbot: QtBot,
    window: MainWindow,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    connection.client.published["example.com/hello"] = ["v1.3.0", "v1.3.1"]
    publisher.gate = threading.Event()
    sign_in(qtbot, window)
    dropped_with_versions(qtbot, window, write_module(tmp_path / "hello"))
    heights: dict[str, int] = {}

    def measure(state: str) -> None:
        qtbot.wait(20)  # let the layout settle
        heights[state] = window.tree.height()

    measure("no version")
    for version in ("v2.0.0", "v2.0.0+incompatible", "v1.3.0"):
        window.version_edit.setText(version)
        measure(version)
    qtbot.mouseClick(window.suggestion_buttons[-1], Qt.MouseButton.LeftButton)
    measure("new path explained")
    window.version_edit.setText("v1.3.2")
    with qtbot.waitSignal(window.models.publish.step_changed):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)
    measure("publishing")
    with qtbot.waitSignal(window.models.publish.finished):
        publisher.gate.set()
    window.outcome_dialog.close()  # type: ignore[union-attr]
    measure("published")

    assert len(set(heights.values())) == 1, heights


# -- the conflict dialog ---------------------------------------------------------------


DIFFERENCES = {
    "added": ["new.go"],
    "removed": ["old.go"],
    "changed": ["go.mod", "hello.go"],
    "go_mod_diff": [
        "--- published/go.mod",
        "+++ local/go.mod",
        "@@ -1,3 +1,3 @@",
        " module example.com/hello",
        " ",
        "-go 1.20",
        "+go 1.21",
    ],
}


def test_the_conflict_dialog_lists_the_differences(
    qtbot: QtBot,
    window: MainWindow,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    publisher.outcomes = [
        lambda source: result_for(
            source,
            PublishStatus.CONFLICT,
            published_h1=OTHER_H1,
            differences=DIFFERENCES,
        )
    ]
    connection.client.published["example.com/hello"] = ["v1.3.0", "v1.3.1"]
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.3.0")

    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    dialog = window.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.summary.text() == (
        "<b>What differs:</b> 2 files changed, 1 file added, 1 file removed"
    )
    files = dialog.files
    rows = [
        (files.topLevelItem(i).text(0), files.topLevelItem(i).text(1))
        for i in range(files.topLevelItemCount())
    ]
    assert rows == [
        ("changed", "go.mod"),
        ("changed", "hello.go"),
        ("added", "new.go"),
        ("removed", "old.go"),
    ]
    assert dialog.go_mod_diff.toPlainText().splitlines()[-2:] == [
        "-go 1.20",
        "+go 1.21",
    ]
    assert dialog.details.isVisible()
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert not dialog.details.isVisible()

    # v1.3.1 is taken as well, so core's next free patch is v1.3.2.
    assert dialog.next_button is not None
    assert dialog.next_button.text() == "Publish as v1.3.2"


def test_a_conflict_without_differences_says_so(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    publisher.outcomes = [
        lambda source: result_for(source, PublishStatus.CONFLICT, published_h1=OTHER_H1)
    ]
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")
    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    dialog = window.conflict_dialog
    assert dialog is not None
    assert dialog.summary.text() == (
        "<b>What differs:</b> the published copy could not be compared with this folder"
    )
    assert not dialog.details.isVisible()
    assert not dialog.details_button.isVisible()


# -- accounts and sessions ------------------------------------------------------------


def create_account(qtbot: QtBot, window: MainWindow, username: str) -> SignInDialog:
    dialog = window.open_sign_in()
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.new_username, username)
    qtbot.keyClicks(dialog.email, f"{username}@example.com")
    qtbot.keyClicks(dialog.new_password, PASSWORD)
    qtbot.keyClicks(dialog.repeat_password, PASSWORD)
    return dialog


@pytest.mark.expect_log(r"the code is wrong")
def test_a_mailed_code_confirms_the_account_then_signs_in(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    connection.auth.mailed_code = "246810"
    dialog = create_account(qtbot, window, "carol")
    assert not dialog.code.isVisible()

    with qtbot.waitSignal(window.models.connection.confirmation_needed):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.confirming
    assert dialog.tabs.currentIndex() == 1
    assert dialog.code.isVisible()
    assert dialog.submit.text() == "Confirm"
    assert dialog.error.text() == (
        "Account carol created. Enter the code mailed to carol@example.com to "
        "confirm it; you are signed in after that."
    )
    assert window.user_label.text() == "not signed in"

    qtbot.keyClicks(dialog.code, "111111")
    with qtbot.waitSignal(window.models.connection.sign_in_failed):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == (
        "confirming the account failed: the code is wrong; look at the latest mail"
    )
    assert dialog.error.property("level") == "error"
    assert "carol" in connection.auth.unconfirmed

    dialog.code.clear()
    qtbot.keyClicks(dialog.code, "246810")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    assert "carol" not in connection.auth.unconfirmed
    assert connection.last_username == "carol"
    assert window.user_label.text() == "signed in as carol"


def test_an_empty_code_is_caught_in_the_dialog(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    connection.auth.mailed_code = "246810"
    dialog = create_account(qtbot, window, "carol")
    with qtbot.waitSignal(window.models.connection.confirmation_needed):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)

    assert dialog.error.text() == "enter the code from the confirmation mail"


def test_the_signed_in_user_is_shown_once(qtbot: QtBot, window: MainWindow) -> None:
    sign_in(qtbot, window)

    shown = [
        label.text()
        for label in window.statusBar().findChildren(QLabel)
        if label.isVisible()
    ]
    texts = [*shown, window.statusBar().currentMessage()]
    assert sum("signed in as alice" in text for text in texts) == 1
    assert window.user_label.text() == "signed in as alice"


@pytest.mark.expect_log(r"your session has expired")
def test_an_expired_session_signs_out_and_offers_to_sign_in(
    qtbot: QtBot, window: MainWindow, publisher: FakePublisher, tmp_path: Path
) -> None:
    def expired(source: ModuleSource):  # type: ignore[no-untyped-def]
        raise AuthError("your session has expired; sign in again")

    publisher.outcomes = [
        expired,
        lambda source: result_for(source, PublishStatus.PUBLISHED),
    ]
    sign_in(qtbot, window)
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.connection.session_expired):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert window.user_label.text() == "not signed in"
    assert window.account_button.text() == "Sign in…"
    dialog = window.sign_in_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.error.text() == "your session has expired; sign in again"

    # Signing in again carries on with the publication.
    assert dialog.username.text() == "alice"
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(window.models.publish.finished):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert [s.version for s in publisher.sources] == ["v1.0.0", "v1.0.0"]
    assert window.user_label.text() == "signed in as alice"


# -- my modules ------------------------------------------------------------------------


def sign_in_and_list(qtbot: QtBot, window: MainWindow) -> None:
    """Sign in and wait until the user's modules are listed."""
    with qtbot.waitSignal(window.models.my_modules.loaded, timeout=3000):
        sign_in(qtbot, window)


def test_my_modules_are_listed_after_sign_in_newest_first(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    connection.client.published = {
        "example.com/hello": ["v1.0.0", "v1.10.0", "v1.2.0"],
        "example.com/other": ["v0.1.0"],
    }
    assert window.my_modules_status.text() == (
        "Sign in to see the modules you have published."
    )
    assert not window.my_modules_refresh.isEnabled()

    sign_in_and_list(qtbot, window)

    assert window.models.my_modules.modules() == {
        "example.com/hello": ["v1.10.0", "v1.2.0", "v1.0.0"],
        "example.com/other": ["v0.1.0"],
    }
    assert window.my_modules_status.text() == "2 modules published by you"
    assert window.my_modules_refresh.isEnabled()

    # Picking a version shows what to copy.
    model = window.models.my_modules
    newest = model.index(0, 0, model.index(0, 0))
    window.my_modules_tree.setCurrentIndex(newest)
    assert window.go_get_edit.text() == "go get example.com/hello@v1.10.0"
    assert window.goproxy_edit.text() == GOPROXY
    window.tabs.setCurrentIndex(2)
    assert_shown_whole(window.goproxy_edit)
    qtbot.mouseClick(window.copy_go_get_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == "go get example.com/hello@v1.10.0"
    menu = window.my_modules_context_menu(newest)
    assert [a.text() for a in menu.actions()] == [
        "Copy “go get example.com/hello@v1.10.0”",
        "Copy module path",
        "Copy GOPROXY URL",
    ]
    menu.actions()[2].trigger()
    assert QApplication.clipboard().text() == GOPROXY
    menu.deleteLater()


def test_my_modules_are_refreshed_after_a_publication(
    qtbot: QtBot,
    window: MainWindow,
    connection: FakeConnection,
    publisher: FakePublisher,
    tmp_path: Path,
) -> None:
    def published(source: ModuleSource):  # type: ignore[no-untyped-def]
        connection.client.published.setdefault(source.module_path, []).append(
            source.version
        )
        return result_for(source, PublishStatus.PUBLISHED)

    publisher.outcomes = [published]
    sign_in_and_list(qtbot, window)
    assert window.models.my_modules.modules() == {}
    assert window.my_modules_status.text() == ("You have not published any module yet.")
    ready_to_publish(qtbot, window, write_module(tmp_path / "hello"), "v1.0.0")

    with qtbot.waitSignal(window.models.my_modules.loaded, timeout=3000):
        qtbot.mouseClick(window.publish_button, Qt.MouseButton.LeftButton)

    assert window.models.my_modules.modules() == {"example.com/hello": ["v1.0.0"]}
    assert window.my_modules_status.text() == "1 module published by you"


def test_my_modules_say_when_the_registry_fails(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    connection.client.published = {"example.com/hello": ["v1.0.0"]}
    sign_in_and_list(qtbot, window)
    assert window.models.my_modules.modules() != {}

    connection.client.modules_error = RegistryError(
        "the registry cannot be reached", code="unreachable"
    )
    with qtbot.waitSignal(window.models.my_modules.failed, timeout=3000):
        qtbot.mouseClick(window.my_modules_refresh, Qt.MouseButton.LeftButton)

    assert window.models.my_modules.modules() == {}
    assert window.my_modules_status.text() == (
        "Cannot list your modules: the registry cannot be reached"
    )
    assert window.my_modules_refresh.isEnabled()  # so the user can retry

    connection.client.modules_error = None
    with qtbot.waitSignal(window.models.my_modules.loaded, timeout=3000):
        qtbot.mouseClick(window.my_modules_refresh, Qt.MouseButton.LeftButton)
    assert window.models.my_modules.modules() == {"example.com/hello": ["v1.0.0"]}


def test_my_modules_are_cleared_on_sign_out(
    qtbot: QtBot, window: MainWindow, connection: FakeConnection
) -> None:
    connection.client.published = {"example.com/hello": ["v1.0.0"]}
    sign_in_and_list(qtbot, window)
    model = window.models.my_modules
    window.my_modules_tree.setCurrentIndex(model.index(0, 0, model.index(0, 0)))
    assert window.go_get_edit.text() == "go get example.com/hello@v1.0.0"

    with qtbot.waitSignal(window.models.connection.user_changed):
        window.models.connection.sign_out()

    assert model.modules() == {}
    assert window.go_get_edit.text() == ""
    assert not window.copy_go_get_button.isEnabled()
    assert window.my_modules_status.text() == (
        "Sign in to see the modules you have published."
    )
    assert not window.my_modules_refresh.isEnabled()


class UnreachableAuth(FakeAuth):
    """Accounts whose sign-in service is down until told otherwise."""

    down = True

    def sign_in(self, username: str, password: str) -> FakeSession:
        if self.down:
            raise RegistryError(
                "signing in failed: the registry's sign-in service cannot be reached",
                code="unreachable",
            )
        return super().sign_in(username, password)


@pytest.mark.expect_log(
    r"the local registry stopped answering", r"signing in failed: the registry"
)
def test_a_sign_in_that_finds_the_local_registry_gone_restarts_it(
    qtbot: QtBot, loop: object, publisher: FakePublisher
) -> None:
    auth = UnreachableAuth({"alice": PASSWORD})
    connection = FakeConnection(auth=auth)
    restarts = Restarts(connection)
    window = make_window(qtbot, restarts, publisher, local=True)
    with qtbot.waitSignal(
        window.models.connection.state_changed, check_params_cb=is_ready
    ):
        window.start()

    with qtbot.waitSignal(window.models.connection.sign_in_failed) as failed:
        window.models.connection.sign_in("alice", PASSWORD)
    assert failed.args[0] == (
        "the local registry stopped answering; it is being started again: try "
        "once more in a moment"
    )
    qtbot.waitUntil(lambda: restarts.calls == 2)

    auth.down = False
    sign_in(qtbot, window)
    assert window.user_label.text() == "signed in as alice"
