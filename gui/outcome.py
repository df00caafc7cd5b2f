"""Dialogs that show how a publication ended, and settle a conflict."""

from __future__ import annotations

import dataclasses
import enum
import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gomodpub.core.publish import PublishStatus, go_get_command
from gomodpub.core.zipdiff import ZipDiff
from gomodpub.gui.publishmodel import PublishOutcome

_TITLES = {
    PublishStatus.PUBLISHED: "Published",
    PublishStatus.ALREADY_PUBLISHED: "Already published",
    PublishStatus.CONFLICT: "Version taken",
    PublishStatus.REJECTED: "Not published",
    PublishStatus.CANCELLED: "Cancelled",
}
# What the dialog says under its heading when the core's message would only
# repeat it ("published example.com/m@v1.0.0"); otherwise the message says why.
_SUMMARIES = {
    PublishStatus.PUBLISHED: "The registry checked the module and serves it now.",
    PublishStatus.ALREADY_PUBLISHED: (
        "The registry has this version with exactly this content; nothing was uploaded."
    ),
}


# How each kind of difference is named and coloured in the file list.
_CHANGE_COLORS = {"changed": "#b26a00", "added": "#2e7d32", "removed": "#c62828"}


def differences_of(details: dict[str, Any]) -> ZipDiff | None:
    """The ``differences`` a conflict's details carry, or None without them."""
    raw = details.get("differences")
    if not isinstance(raw, dict):
        return None
    names = [f.name for f in dataclasses.fields(ZipDiff)]
    return ZipDiff(**{name: [str(v) for v in raw.get(name, [])] for name in names})


class DiffHighlighter(QSyntaxHighlighter):
    """Colours a unified diff: added lines green, removed red, hunks blue."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._formats = {
            "header": self._format("#7a7f87", bold=True),
            "hunk": self._format("#1a56a8"),
            "+": self._format("#2e7d32"),
            "-": self._format("#c62828"),
        }

    @staticmethod
    def _format(color: str, *, bold: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(color))
        if bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        """Colour one line of the diff."""
        if text.startswith(("+++", "---")):
            kind = "header"
        elif text.startswith("@@"):
            kind = "hunk"
        else:
            kind = text[:1]
        if kind in self._formats:
            self.setFormat(0, len(text), self._formats[kind])


def _copyable(text: str, name: str) -> QLineEdit:
    field = QLineEdit(text)
    field.setObjectName(name)
    field.setReadOnly(True)
    field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    field.setCursorPosition(0)
    field.setMinimumWidth(380)
    return field


def command_label(text: str, name: str) -> QLabel:
    """A command or URL shown whole, wrapped, to copy as one line."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return label


def _with_copy(field: QLineEdit | QLabel) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 1)
    copy = QPushButton("Copy")
    copy.setToolTip("Copy to the clipboard")
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(field.text()))
    layout.addWidget(copy)
    return row


class OutcomeDialog(QDialog):
    """Shows the result of a publication: what was published and where.

    For a refusal because the module belongs to someone else, the owner is
    shown too.
    """

    def __init__(self, outcome: PublishOutcome, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        result = outcome.result
        self.status = PublishStatus(result.status)
        self.setWindowTitle(f"{_TITLES[self.status]}: {result.module}@{result.version}")
        self.setMinimumWidth(640)

        self.heading = QLabel(
            f"<h3>{_TITLES[self.status]} "
            f"{html.escape(result.module)}@{html.escape(result.version)}</h3>"
        )
        self.heading.setObjectName("outcomeHeading")
        self.heading.setProperty("status", str(self.status))
        self.message = QLabel(_SUMMARIES.get(self.status, result.message))
        self.message.setObjectName("outcomeMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

        form = QFormLayout()
        owner = str(result.details.get("owner", ""))
        if owner and not result.ok:
            owner_label = QLabel(f"<b>{owner}</b>")
            owner_label.setObjectName("owner")
            form.addRow("Owner:", owner_label)
        if result.ok:
            self.h1 = _copyable(result.h1, "h1")
            form.addRow("Hash (h1):", _with_copy(self.h1))
            self.command = command_label(
                go_get_command(result.goproxy, result.module, result.version),
                "goGetCommand",
            )
            form.addRow("Use with:", _with_copy(self.command))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)


class ConflictChoice(enum.StrEnum):
    """What the user chose in the conflict dialog."""

    NEXT_VERSION = "next-version"
    OTHER_VERSION = "other-version"
    CANCEL = "cancel"


class ConflictDialog(QDialog):
    """The version exists with other content: offer the next free version.

    Signals:
        chosen(choice): the :class:`ConflictChoice` value picked.
    """

    chosen = Signal(str)

    def __init__(self, outcome: PublishOutcome, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        result = outcome.result
        self.suggestion = outcome.suggestion
        self.choice = ConflictChoice.CANCEL
        self.setWindowTitle(f"{result.module}@{result.version} is already published")
        self.setMinimumWidth(600)

        heading = QLabel(
            f"<h3>{result.version} is already published with other content</h3>"
        )
        explanation = QLabel(
            "A published version never changes, so that the go command finds the "
            "same code for it everywhere. Publish this folder as a new version."
        )
        explanation.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Module:", QLabel(result.module))
        published_h1 = str(result.details.get("published_h1", "")) or "(unknown)"
        self.published_h1 = _copyable(published_h1, "publishedH1")
        self.local_h1 = _copyable(result.h1, "localH1")
        form.addRow(f"Published {result.version}:", self.published_h1)
        form.addRow("This folder:", self.local_h1)
        self.differences = differences_of(result.details)
        details = self._build_differences(self.differences)

        buttons = QDialogButtonBox()
        self.next_button: QPushButton | None = None
        if self.suggestion:
            self.next_button = buttons.addButton(
                f"Publish as {self.suggestion}", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.next_button.setObjectName("publishNext")
            self.next_button.setDefault(True)
            self.next_button.clicked.connect(
                lambda: self._choose(ConflictChoice.NEXT_VERSION)
            )
        self.other_button = buttons.addButton(
            "Choose another version…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.other_button.setObjectName("chooseOther")
        self.other_button.clicked.connect(
            lambda: self._choose(ConflictChoice.OTHER_VERSION)
        )
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(lambda: self._choose(ConflictChoice.CANCEL))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(details)
        layout.addWidget(buttons)

    def _build_differences(self, diff: ZipDiff | None) -> QWidget:
        """What differs: a summary line, then the files and go.mod's diff."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        summary = (
            diff.summary()
            if diff is not None
            else "the published copy could not be compared with this folder"
        )
        self.summary = QLabel(f"<b>What differs:</b> {summary}")
        self.summary.setObjectName("differencesSummary")
        self.details_button = QToolButton()
        self.details_button.setObjectName("toggleDetails")
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details_button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.details_button)
        layout.addLayout(row)

        self.details = QWidget()
        self.details.setObjectName("differences")
        inner = QVBoxLayout(self.details)
        inner.setContentsMargins(0, 0, 0, 0)
        self.files = QTreeWidget()
        self.files.setObjectName("differingFiles")
        self.files.setHeaderLabels(["Change", "File"])
        self.files.setRootIsDecorated(False)
        self.files.setAlternatingRowColors(True)
        self.files.header().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.go_mod_diff = QPlainTextEdit()
        self.go_mod_diff.setObjectName("goModDiff")
        self.go_mod_diff.setReadOnly(True)
        self.go_mod_diff.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.go_mod_diff.setFont(
            QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        )
        self._highlighter = DiffHighlighter(self.go_mod_diff.document())
        go_mod_label = QLabel("go.mod, published (-) and this folder (+):")
        go_mod_label.setObjectName("hint")
        inner.addWidget(self.files)
        inner.addWidget(go_mod_label)
        inner.addWidget(self.go_mod_diff)
        layout.addWidget(self.details)

        if diff is None or diff.same:
            self.details_button.hide()
            self.details.hide()
            return box
        for kind, names in (
            ("changed", diff.changed),
            ("added", diff.added),
            ("removed", diff.removed),
        ):
            for name in names:
                item = QTreeWidgetItem([kind, name])
                item.setForeground(0, QBrush(QColor(_CHANGE_COLORS[kind])))
                self.files.addTopLevelItem(item)
        rows = self.files.topLevelItemCount()
        row_height = self.files.sizeHintForRow(0)
        header = self.files.header().sizeHint().height()
        self.files.setFixedHeight(header + row_height * min(rows, 8) + 6)
        self.go_mod_diff.setPlainText("\n".join(diff.go_mod_diff))
        lines = len(diff.go_mod_diff)
        line_height = self.go_mod_diff.fontMetrics().lineSpacing()
        self.go_mod_diff.setFixedHeight(line_height * min(lines, 10) + 12)
        go_mod_label.setVisible(bool(lines))
        self.go_mod_diff.setVisible(bool(lines))
        self.details_button.toggled.connect(self._show_details)
        self.details_button.setChecked(True)
        return box

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide files" if shown else "Show files")
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.adjustSize()

    def _choose(self, choice: ConflictChoice) -> None:
        self.choice = choice
        self.chosen.emit(str(choice))
        if choice == ConflictChoice.CANCEL:
            self.reject()
        else:
            self.accept()
