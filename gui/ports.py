"""What the app needs from the core, as protocols.

The window and its models take these through their constructors, so tests
hand in small fakes and the app hands in the real core objects
(``core.connection.Connection``, ``core.publish.Publisher``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from gomodpub.core.publish import ModuleSource, PublishListener, PublishResult


class SessionLike(Protocol):
    """A signed-in user's session."""

    @property
    def username(self) -> str: ...


class TokenStoreLike(Protocol):
    """Where sessions are kept (``core.auth.TokenStore``)."""

    @property
    def persistent(self) -> bool:
        """False when the system has no keyring: sessions end with the app."""
        ...


class AuthLike(Protocol):
    """Sign-in for one registry (``core.auth.Authenticator``)."""

    @property
    def session(self) -> SessionLike | None: ...

    @property
    def store(self) -> TokenStoreLike: ...

    def sign_up(self, username: str, email: str, password: str) -> bool: ...

    def confirm(self, username: str, code: str) -> None: ...

    def sign_in(self, username: str, password: str) -> SessionLike: ...

    def resume(self, username: str) -> SessionLike | None: ...

    def sign_out(self) -> None: ...


class ClientLike(Protocol):
    """The registry's API client (``core.client.RegistryClient``)."""

    def versions(self, module: str) -> list[str]: ...

    def modules(self) -> list[dict[str, Any]]: ...


class ConnectionLike(Protocol):
    """A connected registry (``core.connection.Connection``)."""

    @property
    def auth(self) -> AuthLike: ...

    @property
    def client(self) -> Any: ...

    @property
    def last_username(self) -> str: ...

    def remember_user(self, username: str) -> None: ...


class PublisherLike(Protocol):
    """Publishes one module source (``core.publish.Publisher``)."""

    def publish(self, source: ModuleSource) -> PublishResult: ...


class PublisherFactory(Protocol):
    """Builds a publisher for a client, reporting to a listener."""

    def __call__(
        self, client: Any, listener: PublishListener, cancelled: Callable[[], bool]
    ) -> PublisherLike: ...


Connector = Callable[[], ConnectionLike]
"""Connects to the registry (blocking; run off the GUI thread)."""


Retry = Callable[[ConnectionLike], object]
"""Does again what failed, over the connection given (on the GUI thread)."""


class Recovery(Protocol):
    """Takes a failed operation's error; True when it will be retried."""

    def __call__(self, error: Any, retry: Retry | None = None) -> bool: ...
