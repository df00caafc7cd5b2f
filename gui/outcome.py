"""Dialogs that show how a publication ended, and settle a conflict."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gomodpub.core.publish import PublishStatus
from gomodpub.gui.publishmodel import PublishOutcome

_TITLES = {
    PublishStatus.PUBLISHED: "Published",
    PublishStatus.ALREADY_PUBLISHED: "Already published",
    PublishStatus.CONFLICT: "Version taken",
    PublishStatus.REJECTED: "Not published",
    PublishStatus.CANCELLED: "Cancelled",
}


def _copyable(text: str, name: str) -> QLineEdit:
    field = QLineEdit(text)
    field.setObjectName(name)
    field.setReadOnly(True)
    field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    field.setCursorPosition(0)
    field.setMinimumWidth(380)
    return field


def _with_copy(field: QLineEdit) -> QWidget:
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

        heading = QLabel(f"<h3>{_TITLES[self.status]}</h3>")
        heading.setObjectName("outcomeHeading")
        heading.setProperty("status", str(self.status))
        message = QLabel(result.message)
        message.setObjectName("outcomeMessage")
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Module:", QLabel(f"{result.module}@{result.version}"))
        owner = str(result.details.get("owner", ""))
        if owner and not result.ok:
            owner_label = QLabel(f"<b>{owner}</b>")
            owner_label.setObjectName("owner")
            form.addRow("Owner:", owner_label)
        if result.ok:
            self.h1 = _copyable(result.h1, "h1")
            form.addRow("Hash (h1):", _with_copy(self.h1))
            goproxy = _copyable(f"GOPROXY={result.goproxy}", "goproxy")
            form.addRow("Use with:", _with_copy(goproxy))
            get = _copyable(f"go get {result.module}@{result.version}", "goget")
            form.addRow("", _with_copy(get))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(message)
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
        # TODO(conflict diff): core reports only the two hashes, not which files
        # or go.mod lines differ, so the dialog cannot show what changed yet.
        layout.addWidget(buttons)

    def _choose(self, choice: ConflictChoice) -> None:
        self.choice = choice
        self.chosen.emit(str(choice))
        if choice == ConflictChoice.CANCEL:
            self.reject()
        else:
            self.accept()
