"""The sign-in dialog: sign in, or create an account."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from gomodpub.gui.connectionmodel import ConnectionModel

logger = logging.getLogger(__name__)

SIGN_IN_TAB, CREATE_TAB = 0, 1


class SignInDialog(QDialog):
    """Asks for credentials and hands them to the :class:`ConnectionModel`.

    The dialog stays open while the model works, shows its errors (a wrong
    password, a taken username) in place, and closes once someone is signed in.
    When the registry mails a code to confirm a new account, the Create account
    tab asks for it in place and signs in once it is confirmed.
    """

    def __init__(
        self,
        connection: ConnectionModel,
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._confirming = ""  # the new account waiting for its mailed code
        self.setWindowTitle("Sign in to the registry")

        # Sign in.
        self.username = QLineEdit(username)
        self.username.setObjectName("signInUsername")
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        sign_in_page = QWidget()
        form = QFormLayout(sign_in_page)
        form.addRow("&Username:", self.username)
        form.addRow("&Password:", self.password)
        # The local registry starts empty: "wrong username or password" would
        # be all a newcomer hears without this.
        self.first_time = QLabel(
            "First time here? This computer's registry has no accounts yet: "
            '<a href="#create">create one</a> first.'
        )
        self.first_time.setObjectName("hint")
        self.first_time.setWordWrap(True)
        form.addRow("", self.first_time)
        form.setRowVisible(self.first_time, connection.local and not username)

        # Create an account.
        self.new_username = QLineEdit()
        self.new_username.setObjectName("newUsername")
        self.email = QLineEdit()
        self.email.setObjectName("newEmail")
        self.email.setPlaceholderText("you@example.com")
        self.new_password = QLineEdit()
        self.new_password.setObjectName("newPassword")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_password = QLineEdit()
        self.repeat_password.setObjectName("repeatPassword")
        self.repeat_password.setEchoMode(QLineEdit.EchoMode.Password)
        create_page = QWidget()
        form = QFormLayout(create_page)
        form.addRow("&Username:", self.new_username)
        form.addRow("&Email:", self.email)
        form.addRow("&Password:", self.new_password)
        form.addRow("&Repeat password:", self.repeat_password)
        hint = QLabel("At least 8 characters.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.code = QLineEdit()
        self.code.setObjectName("confirmationCode")
        self.code.setPlaceholderText("123456")
        self.code.setMaxLength(16)
        form.addRow("C&ode:", self.code)
        form.setRowVisible(self.code, False)
        self._create_form = form

        # A tab bar over pages of which only the current one is shown, rather
        # than a QTabWidget or QStackedWidget, which are as tall as their
        # tallest page: Sign in would sit over empty room.
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.pages = [sign_in_page, create_page]
        for title in ("Sign in", "Create account"):
            self.tabs.addTab(title)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.first_time.linkActivated.connect(
            lambda _: self.tabs.setCurrentIndex(CREATE_TAB)
        )
        sign_in_page.setMinimumWidth(400)
        create_page.setMinimumWidth(400)

        self.no_keyring = QLabel(
            "This system has no keyring, so your session cannot be kept: you "
            "will sign in again each time gomodpub starts."
        )
        self.no_keyring.setObjectName("hint")
        self.no_keyring.setWordWrap(True)
        self.no_keyring.setVisible(not connection.keeps_sessions)

        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.submit = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        # As tall as what is shown, growing and shrinking with it.
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetFixedSize)
        layout.addWidget(self.tabs)
        for page in self.pages:
            layout.addWidget(page)
        layout.addWidget(self.no_keyring)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        connection.user_changed.connect(self._user_changed)
        connection.sign_in_failed.connect(self._failed)
        connection.confirmation_needed.connect(self._confirmation_needed)
        connection.busy_changed.connect(self._busy_changed)
        self._tab_changed(SIGN_IN_TAB)
        (self.password if username else self.username).setFocus()

    def show_error(self, text: str) -> None:
        """Show ``text`` in the dialog, in red."""
        self.error.setProperty("level", "error")
        self.error.setText(text)
        self.error.show()
        self._restyle()

    def show_notice(self, text: str) -> None:
        """Show ``text`` in the dialog, in the normal colour."""
        self.error.setProperty("level", "info")
        self.error.setText(text)
        self.error.show()
        self._restyle()

    def _restyle(self) -> None:
        style = self.error.style()
        style.unpolish(self.error)
        style.polish(self.error)

    @property
    def confirming(self) -> bool:
        """Whether the Create account tab waits for the mailed code."""
        return bool(self._confirming)

    def _tab_changed(self, index: int) -> None:
        for number, page in enumerate(self.pages):
            page.setVisible(number == index)
        if index == SIGN_IN_TAB:
            self.submit.setText("Sign in")
        else:
            self.submit.setText("Confirm" if self._confirming else "Create account")
        self.error.hide()

    def _submit(self) -> None:
        if self.tabs.currentIndex() == SIGN_IN_TAB:
            username, password = self.username.text().strip(), self.password.text()
            if not username or not password:
                self.show_error("enter your username and password")
                return
            self.error.hide()
            self._connection.sign_in(username, password)
            return

        username, email = self.new_username.text().strip(), self.email.text().strip()
        password = self.new_password.text()
        if self._confirming:
            code = self.code.text().strip()
            if not code:
                self.show_error("enter the code from the confirmation mail")
                return
            self.error.hide()
            self._connection.confirm(self._confirming, code, password)
            return
        if not username or not email or not password:
            self.show_error("enter a username, an email address and a password")
        elif password != self.repeat_password.text():
            self.show_error("the two passwords differ")
        else:
            self.error.hide()
            self._connection.sign_up(username, email, password)

    def _busy_changed(self, busy: bool) -> None:
        self.tabs.setEnabled(not busy)
        for page in self.pages:
            page.setEnabled(not busy)
        self.submit.setEnabled(not busy)
        if busy:
            self.show_notice(
                "confirming the account…" if self._confirming else "signing in…"
            )
        elif self.error.property("level") == "info":
            self.error.hide()

    def _user_changed(self, username: str) -> None:
        if username:
            self.accept()

    def _failed(self, text: str) -> None:
        self.show_error(text)
        if self.tabs.currentIndex() == SIGN_IN_TAB:
            field: QLineEdit | None = self.password
        else:
            field = self.code if self._confirming else None
        if field is not None:
            field.selectAll()
            field.setFocus()

    def _confirmation_needed(self, username: str, email: str) -> None:
        """Ask for the mailed code in place of a new account's details."""
        self._confirming = username
        for field in (
            self.new_username,
            self.email,
            self.new_password,
            self.repeat_password,
        ):
            field.setReadOnly(True)
        self._create_form.setRowVisible(self.code, True)
        self.username.setText(username)
        self.tabs.setCurrentIndex(CREATE_TAB)
        self.submit.setText("Confirm")
        self.show_notice(
            f"Account {username} created. Enter the code mailed to {email} "
            "to confirm it; you are signed in after that."
        )
        self.code.setFocus()
