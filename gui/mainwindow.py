"""The main window: drop a module folder, see what it publishes, publish it.

The window only displays. The models in :class:`~gomodpub.gui.models.Models`
do the work; the window forwards the user's input to them and follows their
signals.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gomodpub.core.preview import ModulePreview
from gomodpub.core.publish import PublishStatus
from gomodpub.core.versions import Suggestion, Suggestions, VersionWarning
from gomodpub.gui import humanize, look
from gomodpub.gui.connectionmodel import State
from gomodpub.gui.elided import ElidedLabel
from gomodpub.gui.filetree import totals_text
from gomodpub.gui.gomodview import GoModView
from gomodpub.gui.message import Level
from gomodpub.gui.models import Models
from gomodpub.gui.modulemodel import GoModState
from gomodpub.gui.mymodulesmodel import MODULE_ROLE, VERSION_ROLE, go_get_line
from gomodpub.gui.outcome import (
    ConflictChoice,
    ConflictDialog,
    OutcomeDialog,
    command_label,
)
from gomodpub.gui.publishmodel import PublishOutcome
from gomodpub.gui.signin import SignInDialog

logger = logging.getLogger(__name__)

# Trees larger than this start collapsed, so a big module opens quickly.
EXPAND_LIMIT = 300
# Wait for the typing to pause before asking the registry for versions.
VERSIONS_DELAY_MS = 600
# What the "My modules" tab says when nobody is signed in.
NOT_SIGNED_IN_MODULES = "Sign in to see the modules you have published."
# Where the module path comes from, beside its field.
_PATH_HINTS = {
    GoModState.OK: "from go.mod",
    GoModState.MISSING: "no go.mod: type the module path",
    GoModState.BROKEN: "go.mod must be fixed",
}
# How each severity of a version warning is marked, and in what colour.
_NOTE_MARKS = {"warning": ("⚠", "#b26a00"), "info": ("ℹ", "#1a56a8")}  # noqa: RUF001


def suggestion_text(suggestion: Suggestion) -> str:
    """The label of a suggested version's button, e.g. "v1.3.2 patch"."""
    text = f"{suggestion.version} {suggestion.kind}"
    return f"{text}, new path" if suggestion.path_changes else text


def notes_html(warnings: list[VersionWarning]) -> str:
    """The warnings and notices among ``warnings`` as rich text, one a line."""
    lines = []
    for warning in warnings:
        if warning.severity not in _NOTE_MARKS:
            continue
        mark, color = _NOTE_MARKS[warning.severity]
        lines.append(
            f'<span style="color:{color}">{mark}</span> {html.escape(warning.message)}'
        )
    return "<br>".join(lines)


def _restyle(widget: QWidget) -> None:
    """Apply the style sheet again after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def dropped_folder(event: QDragEnterEvent | QDropEvent) -> Path | None:
    """The one local folder being dragged, or None."""
    urls = event.mimeData().urls()
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    return path if path.is_dir() else None


class MainWindow(QMainWindow):
    """The app's window.

    Args:
        models: the models to display and drive.
    """

    def __init__(self, models: Models, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.models = models
        self.sign_in_dialog: SignInDialog | None = None
        self.outcome_dialog: OutcomeDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self._publish_after_sign_in = False
        self._shown_directory: Path | None = None

        self.setWindowTitle("gomodpub")
        self.setWindowIcon(look.app_icon())
        self.setAcceptDrops(True)
        self.resize(1000, 720)

        self._build_actions()
        self._build_menus()
        self.setCentralWidget(self._build_central())
        self._build_status_bar()
        self._versions_timer = QTimer(self)
        self._versions_timer.setSingleShot(True)
        self._versions_timer.setInterval(VERSIONS_DELAY_MS)
        self._versions_timer.timeout.connect(self.refresh_versions)
        self._connect_models()
        self._update_actions()

    # -- building ------------------------------------------------------------

    def _build_actions(self) -> None:
        self.open_action = QAction("&Open module folder…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_folder)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.sign_in_action = QAction("&Sign in…", self)
        self.sign_in_action.triggered.connect(self.open_sign_in)
        self.sign_out_action = QAction("Sign &out", self)
        self.sign_out_action.triggered.connect(self.models.connection.sign_out)
        self.publish_action = QAction("&Publish", self)
        self.publish_action.setShortcut("Ctrl+Return")
        self.publish_action.triggered.connect(self.publish)
        self.about_action = QAction("&About gomodpub", self)
        self.about_action.triggered.connect(self._about)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.publish_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        account = self.menuBar().addMenu("&Account")
        account.addAction(self.sign_in_action)
        account.addAction(self.sign_out_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_central(self) -> QWidget:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(10)
        layout.addWidget(self._build_banner())
        layout.addWidget(self._build_drop_zone())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_files())
        splitter.addWidget(self._build_tabs())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        layout.addWidget(self._build_publish_box())
        return central

    def _build_banner(self) -> QFrame:
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        # At most three lines, however long the error: the rest as tooltip.
        self.banner_label = ElidedLabel(lines=3, reserve=False)
        self.banner_label.setObjectName("bannerText")
        self.banner_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.banner.hide)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.banner_label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()
        return self.banner

    def _build_drop_zone(self) -> QFrame:
        self.drop_zone = QFrame()
        self.drop_zone.setObjectName("dropZone")
        icon = QLabel()
        icon.setPixmap(look.app_icon().pixmap(QSize(44, 44)))
        self.folder_label = QLabel("No module folder yet")
        self.folder_label.setObjectName("folderLabel")
        self.drop_hint = QLabel("Drop a Go module folder here, or choose one.")
        self.drop_hint.setObjectName("dropHint")
        self.drop_hint.setWordWrap(True)
        self.choose_button = QPushButton("Choose folder…")
        self.choose_button.clicked.connect(self.choose_folder)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.folder_label)
        text.addWidget(self.drop_hint)
        row = QHBoxLayout(self.drop_zone)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(12)
        row.addWidget(icon)
        row.addLayout(text, 1)
        row.addWidget(self.choose_button)
        return self.drop_zone

    def _build_files(self) -> QWidget:
        box = QGroupBox("Files")
        self.tree = QTreeView()
        self.tree.setObjectName("fileTree")
        self.tree.setModel(self.models.files)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.totals = QLabel("")
        self.totals.setObjectName("totals")
        layout = QVBoxLayout(box)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.totals)
        return box

    def _build_tabs(self) -> QWidget:
        self.tabs = QTabWidget()
        self.go_mod_view = GoModView()
        self.go_mod_view.setObjectName("goModView")
        self.tabs.addTab(self.go_mod_view, "go.mod")

        versions = QWidget()
        self.versions_list = QListView()
        self.versions_list.setObjectName("versionsList")
        self.versions_list.setModel(self.models.versions)
        self.versions_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.versions_status = QLabel("Sign in to see the versions already published.")
        self.versions_status.setObjectName("hint")
        self.versions_status.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_versions)
        bottom = QHBoxLayout()
        bottom.addWidget(self.versions_status, 1)
        bottom.addWidget(self.refresh_button)
        layout = QVBoxLayout(versions)
        layout.addWidget(self.versions_list, 1)
        layout.addLayout(bottom)
        self.tabs.addTab(versions, "Published versions")
        self.tabs.addTab(self._build_my_modules(), "My modules")
        return self.tabs

    def _build_my_modules(self) -> QWidget:
        page = QWidget()
        self.my_modules_tree = QTreeView()
        self.my_modules_tree.setObjectName("myModulesTree")
        self.my_modules_tree.setModel(self.models.my_modules)
        self.my_modules_tree.setHeaderHidden(True)
        self.my_modules_tree.setUniformRowHeights(True)
        self.my_modules_tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.my_modules_tree.setContextMenuPolicy(
            Qt.ContextMenuPolicy.CustomContextMenu
        )
        self.my_modules_tree.customContextMenuRequested.connect(self._my_modules_menu)
        self.my_modules_tree.selectionModel().currentChanged.connect(
            self._my_module_selected
        )
        self.go_get_edit = QLineEdit()
        self.go_get_edit.setObjectName("goGetLine")
        self.go_get_edit.setReadOnly(True)
        self.go_get_edit.setPlaceholderText("pick a version")
        self.copy_go_get_button = QPushButton("Copy")
        self.copy_go_get_button.setObjectName("copyGoGet")
        self.copy_go_get_button.setToolTip("Copy the go get line")
        self.copy_go_get_button.clicked.connect(
            lambda: self.copy_text(self.go_get_edit.text())
        )
        # Shown whole: its host and path matter, not just its end.
        self.goproxy_edit = command_label("", "goproxyUrl")
        self.copy_goproxy_button = QPushButton("Copy")
        self.copy_goproxy_button.setObjectName("copyGoproxy")
        self.copy_goproxy_button.setToolTip("Copy the GOPROXY URL")
        self.copy_goproxy_button.clicked.connect(
            lambda: self.copy_text(self.goproxy_edit.text())
        )
        self.my_modules_status = QLabel(NOT_SIGNED_IN_MODULES)
        self.my_modules_status.setObjectName("hint")
        self.my_modules_status.setWordWrap(True)
        self.my_modules_refresh = QPushButton("Refresh")
        self.my_modules_refresh.setObjectName("myModulesRefresh")
        self.my_modules_refresh.clicked.connect(self.refresh_my_modules)

        details = QGridLayout()
        details.setColumnStretch(1, 1)
        details.addWidget(QLabel("go get:"), 0, 0)
        details.addWidget(self.go_get_edit, 0, 1)
        details.addWidget(self.copy_go_get_button, 0, 2)
        details.addWidget(QLabel("GOPROXY:"), 1, 0)
        details.addWidget(self.goproxy_edit, 1, 1)
        details.addWidget(self.copy_goproxy_button, 1, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.my_modules_status, 1)
        bottom.addWidget(self.my_modules_refresh)
        layout = QVBoxLayout(page)
        layout.addWidget(self.my_modules_tree, 1)
        layout.addLayout(details)
        layout.addLayout(bottom)
        self._my_module_selected(QModelIndex())
        return page

    def _build_publish_box(self) -> QWidget:
        box = QGroupBox("Publish")
        self.module_path_edit = QLineEdit()
        self.module_path_edit.setObjectName("modulePath")
        self.module_path_edit.setPlaceholderText("example.com/you/module")
        self.module_path_edit.setReadOnly(True)
        self.module_path_hint = QLabel("")
        self.module_path_hint.setObjectName("modulePathHint")
        self.version_edit = QLineEdit()
        self.version_edit.setObjectName("version")
        self.version_edit.setPlaceholderText("v1.0.0")
        self.version_edit.setMaximumWidth(220)
        # Messages of any length take the same room, so the files above
        # never move as one types (longer ones end in "…", whole as tooltip).
        self.validity = ElidedLabel(self.models.module.problem, lines=2)
        self.validity.setObjectName("validity")
        self.validity.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.suggestions_box = QWidget()
        self.suggestions_box.setObjectName("suggestions")
        self._suggestion_row = QHBoxLayout(self.suggestions_box)
        self._suggestion_row.setContentsMargins(0, 0, 0, 0)
        self._suggestion_row.setSpacing(4)
        self.suggestions_hint = QLabel("")
        self.suggestions_hint.setObjectName("hint")
        self.suggestion_buttons: list[QToolButton] = []

        self.version_notes = _note_label("versionNotes")
        self.path_note = _note_label("pathNote")
        self.notes_area = self._build_notes_area(
            self.version_notes, self.path_note, lines=3
        )

        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setTextVisible(True)
        self.progress_detail = ElidedLabel("", lines=1)
        self.progress_detail.setObjectName("progressDetail")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.models.publish.cancel)
        for hidden_at_rest in (self.progress, self.cancel_button):
            policy = hidden_at_rest.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            hidden_at_rest.setSizePolicy(policy)
        self.publish_button = QPushButton("Publish")
        self.publish_button.setObjectName("publishButton")
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self.publish)

        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.addWidget(QLabel("Module path:"), 0, 0)
        grid.addWidget(self.module_path_edit, 0, 1)
        grid.addWidget(self.module_path_hint, 0, 2, 1, 2)
        grid.addWidget(QLabel("Version:"), 1, 0)
        version_row = QHBoxLayout()
        version_row.addWidget(self.version_edit)
        version_row.addSpacing(8)
        version_row.addWidget(self.suggestions_box, 1)
        grid.addLayout(version_row, 1, 1, 1, 3)
        grid.addWidget(self.validity, 2, 1, 1, 3)
        grid.addWidget(self.notes_area, 3, 1, 1, 3)
        grid.addWidget(self.progress, 4, 0, 1, 2)
        grid.addWidget(self.cancel_button, 4, 2)
        grid.addWidget(self.publish_button, 4, 3)
        grid.addWidget(self.progress_detail, 5, 0, 1, 4)
        self._show_idle_progress()
        self._suggestions_changed(None)
        return box

    def _build_notes_area(self, *notes: QLabel, lines: int) -> QScrollArea:
        """A fixed-height place for notes; more than fits scrolls."""
        inner = QWidget()
        inner.setObjectName("notes")
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for note in notes:
            column.addWidget(note)
        column.addStretch(1)
        area = QScrollArea()
        area.setObjectName("notesArea")
        area.setWidget(inner)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFixedHeight(lines * self.fontMetrics().lineSpacing() + 4)
        return area

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.registry_status = QLabel("")
        self.registry_status.setObjectName("registryStatus")
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(self.models.connection.start)
        self.retry_button.hide()
        self.user_label = QLabel("not signed in")
        self.user_label.setObjectName("userLabel")
        self.account_button = QPushButton("Sign in…")
        self.account_button.setObjectName("accountButton")
        self.account_button.setFlat(True)
        self.account_button.clicked.connect(self._account_clicked)
        bar.addPermanentWidget(self.registry_status)
        bar.addPermanentWidget(self.retry_button)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        bar.addPermanentWidget(separator)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.account_button)

    def _connect_models(self) -> None:
        m = self.models
        m.messages.shown.connect(self.show_message)

        m.connection.state_changed.connect(self._connection_state)
        m.connection.user_changed.connect(self._user_changed)
        m.connection.session_expired.connect(self._session_expired)

        m.module.loading_started.connect(self._loading)
        m.module.preview_changed.connect(self._preview_changed)
        m.module.module_path_changed.connect(self._module_path_changed)
        m.module.version_changed.connect(self._version_changed)
        m.module.validity_changed.connect(self._validity_changed)
        m.module.warnings_changed.connect(self._warnings_changed)
        m.module.suggestions_changed.connect(self._suggestions_changed)
        m.module.path_change_needed.connect(self._path_change_needed)
        self.module_path_edit.textEdited.connect(m.module.set_module_path)
        self.version_edit.textChanged.connect(m.module.set_version)

        m.publish.running_changed.connect(self._running_changed)
        m.publish.step_changed.connect(self._step_changed)
        m.publish.progress_changed.connect(self._progress_changed)
        m.publish.finished.connect(self._publish_finished)

        m.versions.loading_changed.connect(self._versions_loading)
        m.versions.loaded.connect(self._versions_loaded)
        m.versions.failed.connect(self.versions_status.setText)

        m.my_modules.loading_changed.connect(self._my_modules_loading)
        m.my_modules.loaded.connect(self._my_modules_loaded)
        m.my_modules.failed.connect(self._my_modules_failed)
        m.my_modules.cleared.connect(lambda: self._my_module_selected(QModelIndex()))
        self._validity_changed(m.module.valid, m.module.problem)

    # -- actions ---------------------------------------------------------------

    def start(self) -> None:
        """Connect to the registry (starting the local one) in the background."""
        self.models.connection.start()

    def open_folder(self, path: Path) -> None:
        """Load ``path`` as the module folder."""
        if self.models.publish.running:
            self.models.messages.warning("wait for the publication to end first")
            return
        self.models.module.load(path)

    def choose_folder(self) -> None:
        """Ask for a module folder."""
        directory = QFileDialog.getExistingDirectory(self, "Choose a Go module folder")
        if directory:
            self.open_folder(Path(directory))

    def open_sign_in(self) -> SignInDialog:
        """Show the sign-in dialog (not modal: the window keeps working)."""
        if self.sign_in_dialog is not None:
            self.sign_in_dialog.deleteLater()
        connection = self.models.connection.connection
        last = connection.last_username if connection is not None else ""
        dialog = SignInDialog(self.models.connection, last, self)
        dialog.rejected.connect(self._sign_in_cancelled)
        self.sign_in_dialog = dialog
        dialog.open()
        return dialog

    def publish(self) -> None:
        """Publish the folder; asks to sign in first if nobody is."""
        if not self.publish_button.isEnabled():
            return
        if not self.models.connection.username:
            self._publish_after_sign_in = True
            self.open_sign_in()
            return
        connection = self.models.connection.connection
        module = self.models.module
        if connection is None or module.directory is None:
            return
        self.models.publish.publish(
            connection.client,
            module.directory,
            module.module_path,
            module.version,
            module.go_mod,
            shown=module.preview,
        )

    def pick_suggestion(self, suggestion: Suggestion) -> None:
        """Put a suggested version in the version field, or say what it needs."""
        self.models.module.pick(suggestion)
        self.version_edit.setFocus()

    def refresh_versions(self) -> None:
        """List the published versions of the module path shown."""
        connection = self.models.connection.connection
        module_path = self.models.module.module_path
        if connection is None or not self.models.connection.username:
            self.models.versions.clear()
            self.versions_status.setText(
                "Sign in to see the versions already published."
            )
            return
        if not module_path:
            self.models.versions.clear()
            self.versions_status.setText("No module yet.")
            return
        self.models.versions.refresh(connection.client, module_path)

    def refresh_my_modules(self) -> None:
        """List the signed-in user's modules and versions, or nothing."""
        connection = self.models.connection.connection
        if connection is None or not self.models.connection.username:
            self.models.my_modules.clear_modules()
            self.my_modules_status.setText(NOT_SIGNED_IN_MODULES)
            return
        self.models.my_modules.refresh(connection.client)

    def copy_text(self, text: str) -> None:
        """Put ``text`` on the clipboard and say so."""
        if not text:
            return
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage(f"copied: {text}", 4000)

    def show_message(self, level: str, text: str) -> None:
        """Show a message from the one message path."""
        if level == Level.INFO:
            self.statusBar().showMessage(text, 8000)
            return
        self.banner.setProperty("level", level)
        _restyle(self.banner)
        self.banner_label.setText(text)
        self.banner.show()

    # -- following the models ---------------------------------------------------

    def _connection_state(self, state: str, text: str) -> None:
        self.registry_status.setText(text)
        self.registry_status.setProperty("state", state)
        _restyle(self.registry_status)
        self.retry_button.setVisible(state == State.FAILED)
        if state == State.READY and self.banner.property("level") in (
            Level.ERROR,
            Level.WARNING,
        ):
            self.banner.hide()  # it was about connecting, which is over
        self._update_actions()

    def _user_changed(self, username: str) -> None:
        self.user_label.setText(
            f"signed in as {username}" if username else "not signed in"
        )
        self.account_button.setText("Sign out" if username else "Sign in…")
        self._suggestions_changed(self.models.module.suggestions)
        self._update_actions()
        self.refresh_versions()
        self.refresh_my_modules()
        if username and self._publish_after_sign_in:
            self._publish_after_sign_in = False
            self.publish()

    def _session_expired(self, reason: str) -> None:
        # Offer to sign in again; the publication goes on after that.
        self._publish_after_sign_in = True
        dialog = self.open_sign_in()
        dialog.show_notice(reason)

    def _sign_in_cancelled(self) -> None:
        self._publish_after_sign_in = False

    def _account_clicked(self) -> None:
        if self.models.connection.username:
            self.models.connection.sign_out()
        else:
            self.open_sign_in()

    def _loading(self, directory: str) -> None:
        self.folder_label.setText(Path(directory).name or directory)
        self.drop_hint.setText(f"reading {directory}…")

    def _preview_changed(self, preview: ModulePreview) -> None:
        # The same folder read again after a change: refresh it in place.
        again = preview.directory == self._shown_directory
        self._shown_directory = preview.directory
        self.folder_label.setText(preview.directory.name or str(preview.directory))
        self.folder_label.setToolTip(str(preview.directory))
        self.drop_hint.setText(str(preview.directory))
        self.models.files.set_preview(preview)
        if len(preview.entries) <= EXPAND_LIMIT:
            self.tree.expandAll()
        # Names get what they need within reason; the Note column gets the
        # rest, and its full width (scrolling sideways) when reasons are long.
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(max(self.tree.columnWidth(0), 140), 300))
        self.tree.resizeColumnToContents(2)
        self.totals.setText(totals_text(preview))
        state = self.models.module.go_mod_state
        self.go_mod_view.show_go_mod(
            preview.go_mod_text,
            missing=state == GoModState.MISSING,
            errors=self.models.module.go_mod_errors,
            problem=self.models.module.go_mod_problem,
        )
        self.module_path_edit.setReadOnly(state != GoModState.MISSING)
        self.module_path_edit.setPlaceholderText(
            "from go.mod, once it is fixed"
            if state == GoModState.BROKEN
            else "example.com/you/module"
        )
        self.module_path_hint.setText(_PATH_HINTS[state])
        if again:
            return
        self.banner.hide()
        if state == GoModState.BROKEN:
            self.tabs.setCurrentWidget(self.go_mod_view)
        self.version_edit.setFocus()

    def _module_path_changed(self, path: str) -> None:
        self.path_note.hide()
        if self.module_path_edit.text().strip() != path:
            self.module_path_edit.setText(path)
        self._versions_timer.start()

    def _version_changed(self, version: str) -> None:
        self.path_note.hide()
        if self.version_edit.text().strip() != version:
            self.version_edit.setText(version)

    def _validity_changed(self, ok: bool, text: str) -> None:
        self.validity.setText(text)
        self.validity.setProperty("ok", "true" if ok else "false")
        self.validity.setProperty(
            "note", "true" if self.models.module.already_published else "false"
        )
        _restyle(self.validity)
        self._update_actions()

    def _warnings_changed(self, warnings: list[VersionWarning]) -> None:
        if self.models.module.already_published:
            # The status line says so already.
            warnings = [w for w in warnings if w.code != "already-published"]
        notes = notes_html(warnings)
        self.version_notes.setText(notes)
        self.version_notes.setVisible(bool(notes))

    def _path_change_needed(self, suggestion: Suggestion) -> None:
        mark, color = _NOTE_MARKS["info"]
        text = (
            f"{suggestion.version} goes with a new module path, "
            f"{suggestion.module_path}, so it was not put in the version field. "
            f"{suggestion.message}"
        )
        self.path_note.setText(
            f'<span style="color:{color}">{mark}</span> {html.escape(text)}'
        )
        self.path_note.show()

    def _suggestions_changed(self, suggestions: Suggestions | None) -> None:
        self.path_note.hide()  # it was about the suggestions shown until now
        for button in self.suggestion_buttons:
            button.deleteLater()
        self.suggestion_buttons = []
        while self._suggestion_row.count():
            self._suggestion_row.takeAt(0)

        if suggestions is None:
            self.suggestions_hint.setText(
                ""
                if self.models.connection.username
                else "Sign in to get suggested versions."
            )
        else:
            self.suggestions_hint.setText("Suggested:")
        self._suggestion_row.addWidget(self.suggestions_hint)
        for suggestion in suggestions or ():
            button = QToolButton()
            button.setObjectName(f"suggest-{suggestion.kind}")
            button.setText(suggestion_text(suggestion))
            button.setToolTip(suggestion.message)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setEnabled(not self.models.publish.running)
            button.clicked.connect(
                lambda _=False, s=suggestion: self.pick_suggestion(s)
            )
            self._suggestion_row.addWidget(button)
            self.suggestion_buttons.append(button)
        self._suggestion_row.addStretch(1)

    def _running_changed(self, running: bool) -> None:
        for widget in (
            self.module_path_edit,
            self.version_edit,
            self.choose_button,
            *self.suggestion_buttons,
        ):
            widget.setEnabled(not running)
        self.open_action.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.show()
            self.progress.setRange(0, 0)
            self.progress_detail.setText("starting…")
        else:
            self._show_idle_progress()
        self._update_actions()

    def _show_idle_progress(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.hide()
        self.cancel_button.hide()
        self.progress_detail.setText("")

    def _step_changed(self, step: str, text: str) -> None:
        self.progress_detail.setText(text)
        if step == "cancel":
            self.cancel_button.setEnabled(False)
        elif step != "upload":
            self.progress.setRange(0, 0)  # no byte count: a busy bar

    def _progress_changed(
        self, done: int, total: int, rate: float, left: float
    ) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        parts = [f"uploading {humanize.size(done)} of {humanize.size(total)}"]
        if rate > 0:
            parts.append(humanize.rate(rate))
        if left >= 0 and done < total:
            parts.append(f"{humanize.duration(left)} left")
        self.progress_detail.setText(" · ".join(parts))

    def _publish_finished(self, outcome: PublishOutcome) -> None:
        status = outcome.result.status
        if status == PublishStatus.CANCELLED:
            self.models.messages.info(outcome.result.message)
            return
        if status == PublishStatus.CONFLICT:
            dialog = ConflictDialog(outcome, self)
            dialog.chosen.connect(self._conflict_chosen)
            self.conflict_dialog = dialog
            dialog.open()
            self.refresh_versions()  # the list may predate the version taken
            return
        self.outcome_dialog = OutcomeDialog(outcome, self)
        self.outcome_dialog.open()
        if outcome.result.ok:
            self.refresh_versions()
            self.refresh_my_modules()

    def _conflict_chosen(self, choice: str) -> None:
        dialog = self.conflict_dialog
        if choice == ConflictChoice.NEXT_VERSION and dialog is not None:
            self.models.module.set_version(dialog.suggestion)
            self.publish()
        elif choice == ConflictChoice.OTHER_VERSION:
            self.version_edit.setFocus()
            self.version_edit.selectAll()

    def _versions_loading(self, loading: bool) -> None:
        self.refresh_button.setEnabled(not loading)
        if loading:
            self.versions_status.setText(
                f"reading the versions of {self.models.versions.module}…"
            )

    def _versions_loaded(self, versions: list[str]) -> None:
        module = self.models.versions.module
        self.versions_status.setText(
            f"{len(versions)} published version{'s' if len(versions) != 1 else ''} "
            f"of {module}"
            if versions
            else f"Nothing published yet for {module}."
        )

    def _my_modules_loading(self, loading: bool) -> None:
        self.my_modules_refresh.setEnabled(
            not loading and bool(self.models.connection.username)
        )
        if loading:
            self.my_modules_status.setText("reading your modules…")

    def _my_modules_loaded(self, count: int) -> None:
        self.my_modules_status.setText(
            f"{count} module{'s' if count != 1 else ''} published by you"
            if count
            else "You have not published any module yet."
        )
        self.my_modules_tree.expandAll()
        self._my_module_selected(self.my_modules_tree.currentIndex())

    def _my_modules_failed(self, text: str) -> None:
        self.my_modules_status.setText(f"Cannot list your modules: {text}")
        self._my_module_selected(QModelIndex())

    def _my_module_selected(self, index: QModelIndex) -> None:
        module = index.data(MODULE_ROLE) if index.isValid() else None
        version = index.data(VERSION_ROLE) if index.isValid() else None
        line = go_get_line(module, version) if version else ""
        self.go_get_edit.setText(line)
        self.go_get_edit.setCursorPosition(0)  # its start says what it is
        self.go_get_edit.setToolTip(line)
        self.goproxy_edit.setText(self.models.my_modules.goproxy)
        self.copy_go_get_button.setEnabled(bool(version))
        self.copy_goproxy_button.setEnabled(bool(self.models.my_modules.goproxy))

    def _my_modules_menu(self, pos: QPoint) -> None:
        index = self.my_modules_tree.indexAt(pos)
        if not index.isValid():
            return
        menu = self.my_modules_context_menu(index)
        menu.popup(self.my_modules_tree.viewport().mapToGlobal(pos))

    def my_modules_context_menu(self, index: QModelIndex) -> QMenu:
        """The copy actions for a row of the "My modules" tree."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        module = index.data(MODULE_ROLE)
        version = index.data(VERSION_ROLE)
        if version:
            line = go_get_line(module, version)
            menu.addAction(f"Copy “{line}”", lambda: self.copy_text(line))
        menu.addAction("Copy module path", lambda: self.copy_text(module))
        goproxy = self.models.my_modules.goproxy
        if goproxy:
            menu.addAction("Copy GOPROXY URL", lambda: self.copy_text(goproxy))
        return menu

    def _update_actions(self) -> None:
        connection = self.models.connection
        ready = connection.state == State.READY
        running = self.models.publish.running
        can_publish = ready and self.models.module.valid and not running
        self.publish_button.setEnabled(can_publish)
        self.publish_action.setEnabled(can_publish)
        if not ready:
            why = "the registry is not ready yet"
        elif running:
            why = "publishing…"
        elif not self.models.module.valid:
            why = self.models.module.problem
        elif not connection.username:
            why = "you will be asked to sign in first"
        else:
            why = (
                f"publish {self.models.module.module_path}@{self.models.module.version}"
            )
        self.publish_button.setToolTip(why)
        self.sign_in_action.setEnabled(ready and not connection.username)
        self.sign_out_action.setEnabled(bool(connection.username))
        self.account_button.setEnabled(ready)
        self.refresh_button.setEnabled(ready and bool(connection.username))
        self.my_modules_refresh.setEnabled(ready and bool(connection.username))

    # -- Qt events ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept one folder being dragged in, and show where it lands."""
        if dropped_folder(event) is not None and not self.models.publish.running:
            event.acceptProposedAction()
            self._set_drop_active(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        """Stop showing the drop target."""
        self._set_drop_active(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Load the folder dropped."""
        self._set_drop_active(False)
        folder = dropped_folder(event)
        if folder is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_folder(folder)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Read the folder again when the user comes back to the window."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.models.module.rescan()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Ask before closing in the middle of a publication."""
        if self.models.publish.running:
            answer = QMessageBox.question(
                self,
                "Stop publishing?",
                "A publication is running. Cancel it and quit?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.models.publish.cancel()
        event.accept()

    def _set_drop_active(self, active: bool) -> None:
        self.drop_zone.setProperty("active", "true" if active else "false")
        _restyle(self.drop_zone)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About gomodpub",
            "<b>gomodpub</b><p>Publish Go modules to your own private Go module "
            "registry, or to the local one this app runs for you.</p>",
        )


def _note_label(name: str) -> QLabel:
    """A hidden, wrapping, selectable rich-text label for notes under the version."""
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label
