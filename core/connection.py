"""Finding the registry to talk to and getting a signed-in client for it.

The registry is the one named by a config URL (the ``--registry`` option, the
``GOMODPUB_REGISTRY`` variable, or the settings), or else the local registry,
which is started on demand through the launcher handed in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from gomodpub.core.auth import Authenticator, RegistryConfig, Session, TokenStore
from gomodpub.core.client import RegistryClient, fetch_config
from gomodpub.core.errors import AuthError, GomodpubError
from gomodpub.core.settings import Settings

logger = logging.getLogger(__name__)

PASSWORD_VARIABLE = "GOMODPUB_PASSWORD"
USERNAME_VARIABLE = "GOMODPUB_USERNAME"
REGISTRY_VARIABLE = "GOMODPUB_REGISTRY"


class LocalEndpointsLike(Protocol):
    """What a running local registry tells about itself."""

    @property
    def config_url(self) -> str: ...


class LocalLauncher(Protocol):
    """Starts the local registry (``gomodpub.registry.local.LocalRegistry``)."""

    def up(self) -> LocalEndpointsLike: ...

    def status(self) -> LocalEndpointsLike | None: ...

    def release(self) -> None:
        """Stop the local registry if this launcher started it."""


@dataclass
class Connection:
    """A registry's configuration, its sign-in and its API client."""

    config: RegistryConfig
    auth: Authenticator
    client: RegistryClient
    settings: Settings

    def remember_user(self, username: str) -> None:
        """Remember who signed in last (not a secret), for later commands."""
        self.settings.last_username[self.config.key] = username
        self.settings.save()

    @property
    def last_username(self) -> str:
        """Who signed in last on this registry, or ""."""
        return self.settings.last_username.get(self.config.key, "")

    def ensure_signed_in(
        self, ask_password: Callable[[str], str] | None = None
    ) -> Session:
        """Resume the saved session, or sign in again from the environment.

        Args:
            ask_password: asks the user for the password of a username, when
                GOMODPUB_PASSWORD is not set and there is someone to ask.

        Raises:
            AuthError: nobody is signed in and no password can be had.
        """
        if self.auth.session is not None:
            return self.auth.session
        username = os.environ.get(USERNAME_VARIABLE) or self.last_username
        if not username:
            raise AuthError("not signed in; run `gomodpub login --username NAME` first")
        session = self.auth.resume(username)
        if session is not None:
            return session
        password = os.environ.get(PASSWORD_VARIABLE)
        if not password and ask_password is not None:
            password = ask_password(username)
        if not password and self.auth.store.persistent:
            raise AuthError(
                f"not signed in as {username}: the saved session has expired; "
                f"run `gomodpub login` or set {PASSWORD_VARIABLE}"
            )
        if not password:
            # Without a keyring a login lasts one command, so it cannot help.
            raise AuthError(
                f"not signed in as {username}: this system has no keyring to keep "
                f"a session, so set {PASSWORD_VARIABLE} for each command"
            )
        return self.auth.sign_in(username, password)


def registry_url(explicit: str | None, settings: Settings) -> str:
    """The config URL chosen by option, environment or settings ("" = local)."""
    return explicit or os.environ.get(REGISTRY_VARIABLE, "") or settings.registry_url


def connect(
    explicit_url: str | None,
    launcher: LocalLauncher | None,
    *,
    http: httpx.Client | None = None,
    store: TokenStore | None = None,
    settings: Settings | None = None,
) -> Connection:
    """Resolve the registry, read its configuration and build the client.

    Raises:
        GomodpubError: the registry cannot be reached or started.
    """
    settings = settings or Settings.load()
    http = http or httpx.Client(timeout=httpx.Timeout(30.0, read=300.0))
    url = registry_url(explicit_url, settings)
    if not url:
        if launcher is None:
            raise GomodpubError("no registry is configured; pass --registry URL")
        url = launcher.up().config_url
    config = fetch_config(http, url)
    auth = Authenticator(config, store or TokenStore(), http=http)
    client = RegistryClient(config, http, auth.id_token)
    return Connection(config, auth, client, settings)
