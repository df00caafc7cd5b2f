"""The registry connection and who is signed in to it."""

from __future__ import annotations

import asyncio
import enum
import logging

from PySide6.QtCore import QObject, Signal

from gomodpub.core import settings
from gomodpub.core.errors import GomodpubError, RegistryError
from gomodpub.gui.message import MessageBridge
from gomodpub.gui.ports import ConnectionLike, Connector, Retry
from gomodpub.gui.tasks import Tasks

logger = logging.getLogger(__name__)


class State(enum.StrEnum):
    """Where the connection to the registry stands."""

    IDLE = "idle"
    CONNECTING = "connecting"
    READY = "ready"
    RECONNECTING = "reconnecting"
    """The local registry stopped answering and is being started again."""
    FAILED = "failed"


def unreachable(error: BaseException) -> bool:
    """Whether ``error`` says the registry did not answer at all."""
    return isinstance(error, RegistryError) and error.code == "unreachable"


def _same_registry(old: ConnectionLike, new: ConnectionLike) -> bool:
    """Whether ``new`` talks to the registry ``old`` did, at the same address."""
    config = getattr(old.client, "config", None)
    return config is not None and config == getattr(new.client, "config", None)


def folder_problem(error: OSError) -> str:
    """What to tell the user when gomodpub's own folders cannot be used."""
    where = error.filename or str(settings.data_dir())
    why = error.strerror or str(error)
    return (
        f"cannot use {where}: {why}. gomodpub keeps its settings and the local "
        "registry's data there: make that folder writable and press Retry, or "
        "start gomodpub with GOMODPUB_HOME set to a folder you can write to."
    )


class ConnectionModel(QObject):
    """Connects to the registry in the background and signs users in and out.

    When the local registry stops answering (its process was killed, say), the
    other models hand the failure to :meth:`recover`, which starts it again
    and then retries what failed, once.

    Args:
        connector: connects to the registry (blocking; may start the local
            registry first), e.g. ``lambda: connect(url, launcher)``.
        local: whether the registry is the local one, for the status text.
        messages: where errors that belong to no dialog are shown.

    Signals:
        state_changed(state, text): the connection's :class:`State` value and a
            line for the status bar.
        user_changed(username): who is signed in now ("" when nobody is).
        busy_changed(busy): a sign-in or sign-up started (True) or ended.
        sign_in_failed(message): signing in, up or confirming failed; the text
            says why.
        confirmation_needed(username, email): the account was created but the
            registry mailed a code to ``email``; finish with :meth:`confirm`.
        session_expired(message): the session stopped working (signed out now).
    """

    state_changed = Signal(str, str)
    user_changed = Signal(str)
    busy_changed = Signal(bool)
    sign_in_failed = Signal(str)
    confirmation_needed = Signal(str, str)
    session_expired = Signal(str)

    def __init__(
        self,
        connector: Connector,
        *,
        local: bool,
        messages: MessageBridge,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._connector = connector
        self._local = local
        self._messages = messages
        self._tasks = Tasks()
        self._connection: ConnectionLike | None = None
        self._state = State.IDLE
        self._status = ""
        self._username = ""
        self._busy = False
        self._retries: list[Retry] = []

    @property
    def state(self) -> State:
        """Where the connection stands."""
        return self._state

    @property
    def status_text(self) -> str:
        """The line shown in the status bar."""
        return self._status

    @property
    def connection(self) -> ConnectionLike | None:
        """The connection, once ready."""
        return self._connection

    @property
    def username(self) -> str:
        """Who is signed in, or ""."""
        return self._username

    @property
    def busy(self) -> bool:
        """Whether a sign-in or sign-up is under way."""
        return self._busy

    @property
    def local(self) -> bool:
        """Whether the registry is the local one the app starts."""
        return self._local

    @property
    def keeps_sessions(self) -> bool:
        """Whether a session outlives the app (False without a keyring)."""
        connection = self._connection
        return connection is None or bool(connection.auth.store.persistent)

    def start(self) -> None:
        """Connect (starting the local registry if needed); also used to retry."""
        if self._state in (State.CONNECTING, State.READY, State.RECONNECTING):
            return
        self._tasks.spawn(self._connect())

    def recover(self, error: GomodpubError, retry: Retry | None = None) -> bool:
        """Start the local registry again if ``error`` says it is gone.

        Only an unreachable local registry is restarted: a remote one is not
        ours to start, and other errors are answers, not silence.

        Args:
            error: what an operation on the registry raised.
            retry: run once with the connection when the registry is back,
                if the same user is still signed in.

        Returns:
            Whether the registry is being started again (then ``retry`` is
            kept); False leaves the error to the caller to show.
        """
        if not (self._local and unreachable(error)):
            return False
        if self._state == State.READY:
            logger.info("the local registry stopped answering: %s", error)
            # Set at once, so a second failure joins this restart.
            self._set_state(
                State.RECONNECTING, "the local registry stopped; restarting it…"
            )
            self._tasks.spawn(self._restart())
        elif self._state != State.RECONNECTING:
            return False
        if retry is not None:
            self._retries.append(retry)
        return True

    def sign_in(self, username: str, password: str) -> None:
        """Sign in; ends with ``user_changed`` or ``sign_in_failed``."""
        self._tasks.spawn(self._account(username, password, email=None))

    def sign_up(self, username: str, email: str, password: str) -> None:
        """Create an account and sign in to it.

        Ends like :meth:`sign_in`, or with ``confirmation_needed`` when the
        registry mails a code first.
        """
        self._tasks.spawn(self._account(username, password, email=email))

    def confirm(self, username: str, code: str, password: str) -> None:
        """Confirm a new account with the mailed code, then sign in to it.

        Ends with ``user_changed``, or ``sign_in_failed`` (a wrong code, say).
        """
        self._tasks.spawn(self._account(username, password, code=code))

    def sign_out(self) -> None:
        """Forget the session."""
        self._tasks.spawn(self._sign_out())

    def end_session(self, reason: str) -> None:
        """Treat the user as signed out: the registry refused the session."""
        if not self._username:
            return
        logger.info("session of %s ended: %s", self._username, reason)
        self._set_user("")
        self.session_expired.emit(reason)

    async def _connect(self) -> None:
        self._set_state(
            State.CONNECTING,
            "starting the local registry…"
            if self._local
            else "connecting to the registry…",
        )
        connection = await self._open()
        if connection is not None:
            await self._settle(connection)

    async def _restart(self) -> None:
        """Start the local registry again, keeping the session where it can."""
        username = self._username
        connection = await self._open()
        retries, self._retries = self._retries, []
        if connection is None:
            return  # _open said why; Retry is offered
        connection = await self._settle(connection)
        if username and self._username != username:
            self._messages.warning(
                "the local registry was started again, but your session was lost; "
                "sign in again"
            )
            return
        self._messages.info("the local registry was started again")
        for retry in retries:
            retry(connection)

    async def _settle(self, connection: ConnectionLike) -> ConnectionLike:
        """Use ``connection``, or the one it replaces if that is as good."""
        old = self._connection
        if old is not None and _same_registry(old, connection):
            # The registry came back at the same address (a restart, a Retry
            # after a failed one): the session it knows still holds.
            self._set_state(State.READY, self._ready_text())
            return old
        self._connection = connection
        self._set_state(State.READY, self._ready_text())
        await self._resume(connection)
        return connection

    async def _open(self) -> ConnectionLike | None:
        """Run the connector; on failure say why and return None."""
        what = "the local registry" if self._local else "the registry"
        try:
            return await asyncio.to_thread(self._connector)
        except GomodpubError as error:
            self._set_state(State.FAILED, f"{what} is not available")
            self._messages.error(f"cannot connect to {what}: {error}")
        except OSError as error:
            # The data folder cannot be made or written: the user can fix that.
            self._set_state(State.FAILED, f"{what} is not available")
            self._messages.error(folder_problem(error))
        except Exception:
            # A bug, not a user problem: the crash hook shows it; Retry stays.
            self._set_state(State.FAILED, f"{what} is not available")
            raise
        return None

    async def _resume(self, connection: ConnectionLike) -> None:
        """Pick up the last session, if the keyring still holds it."""
        last = connection.last_username
        session = None
        if last:
            try:
                session = await asyncio.to_thread(connection.auth.resume, last)
            except GomodpubError as error:
                logger.info("could not resume the session of %s: %s", last, error)
        username = session.username if session is not None else ""
        if username != self._username:
            self._set_user(username)

    def _ready_text(self) -> str:
        return "local registry ready" if self._local else "registry ready"

    async def _account(
        self,
        username: str,
        password: str,
        *,
        email: str | None = None,
        code: str | None = None,
    ) -> None:
        connection = self._connection
        if connection is None:
            self.sign_in_failed.emit("the registry is not ready yet; wait or retry")
            return
        self._set_busy(True)
        try:
            auth = connection.auth
            if code is not None:
                await asyncio.to_thread(auth.confirm, username, code)
            elif email is not None:
                confirmed = await asyncio.to_thread(
                    auth.sign_up, username, email, password
                )
                if not confirmed:
                    self._set_busy(False)
                    self.confirmation_needed.emit(username, email)
                    return
            await asyncio.to_thread(auth.sign_in, username, password)
        except GomodpubError as error:
            logger.info("%s", error)
            self._set_busy(False)
            if self.recover(error):
                self.sign_in_failed.emit(
                    "the local registry stopped answering; it is being started "
                    "again: try once more in a moment"
                )
            else:
                self.sign_in_failed.emit(str(error))
            return
        except BaseException:
            self._set_busy(False)
            raise
        try:
            await asyncio.to_thread(connection.remember_user, username)
        except OSError as error:
            # Signed in all the same; only the name is not kept for next time.
            self._messages.warning(folder_problem(error))
        except BaseException:
            self._set_busy(False)
            raise
        self._set_busy(False)
        # The status bar shows who is signed in; the log says when.
        logger.info("signed in as %s", username)
        self._set_user(username)

    async def _sign_out(self) -> None:
        if self._connection is not None:
            await asyncio.to_thread(self._connection.auth.sign_out)
        logger.info("signed out")
        self._set_user("")

    def _set_state(self, state: State, text: str) -> None:
        self._state, self._status = state, text
        logger.debug("connection: %s (%s)", state, text)
        self.state_changed.emit(str(state), text)

    def _set_user(self, username: str) -> None:
        self._username = username
        self.user_changed.emit(username)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit(busy)
