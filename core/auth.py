"""Signing in to a registry with its Cognito user pool.

Passwords are used once, for SRP, and never stored. The refresh token is kept
in the OS keyring; where the system has no keyring the session lasts as long
as the process, and :attr:`TokenStore.persistent` says so, so the caller can
tell the user.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from gomodpub.core.aws import EndpointSession
from gomodpub.core.errors import AuthError, GomodpubError, RegistryError

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "gomodpub"
# Renew a little before expiry, so a token does not lapse mid-request.
EXPIRY_MARGIN = 60.0


@dataclass(frozen=True)
class RegistryConfig:
    """What a client needs to talk to a registry (its ``GET /config``)."""

    api_url: str
    goproxy: str
    region: str
    user_pool_id: str
    client_id: str
    cognito_endpoint: str = ""
    public_reads: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegistryConfig:
        """Build from the JSON of ``GET /config``."""
        try:
            return cls(
                api_url=str(data["api_url"]),
                goproxy=str(data["goproxy"]),
                region=str(data["region"]),
                user_pool_id=str(data["user_pool_id"]),
                client_id=str(data["client_id"]),
                cognito_endpoint=str(data.get("cognito_endpoint") or ""),
                public_reads=bool(data.get("public_reads", False)),
            )
        except KeyError as missing:
            raise AuthError(
                f"the registry's configuration lacks {missing}; "
                "is this the config URL of a gomodpub registry?"
            ) from None

    @property
    def key(self) -> str:
        """A stable name for this registry, for the keyring and settings."""
        return f"{self.user_pool_id}/{self.client_id}"


class TokenStore:
    """Keeps refresh tokens in the OS keyring, or in memory without one."""

    def __init__(self, backend: Any = None) -> None:
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        self._backend = backend
        self._memory: dict[str, str] = {}
        self.persistent = _keyring_usable(backend)

    def get(self, key: str) -> str | None:
        """The refresh token saved for ``key``, if any."""
        if key in self._memory:
            return self._memory[key]
        if not self.persistent:
            return None
        try:
            value: str | None = self._backend.get_password(KEYRING_SERVICE, key)
        except Exception as error:
            logger.warning("the keyring could not be read: %s", error)
            return None
        return value

    def set(self, key: str, token: str) -> None:
        """Remember a refresh token (in the keyring when there is one)."""
        self._memory[key] = token
        if self.persistent:
            try:
                self._backend.set_password(KEYRING_SERVICE, key, token)
            except Exception as error:
                logger.warning("the keyring could not be written: %s", error)

    def delete(self, key: str) -> None:
        """Forget the refresh token for ``key``."""
        self._memory.pop(key, None)
        if self.persistent:
            try:
                self._backend.delete_password(KEYRING_SERVICE, key)
            except Exception as error:
                logger.debug("nothing to delete from the keyring: %s", error)


def _keyring_usable(backend: Any) -> bool:
    priority = getattr(backend, "priority", 0)
    name = type(backend).__module__ + "." + type(backend).__name__
    return bool(priority and priority > 0) and "fail" not in name.lower()


@dataclass
class Session:
    """A signed-in user's tokens."""

    username: str
    id_token: str
    access_token: str
    refresh_token: str
    expires_at: float


def _token_expiry(token: str) -> float:
    import jwt

    claims = jwt.decode(token, options={"verify_signature": False})
    return float(claims.get("exp", 0))


class Authenticator:
    """Sign up, sign in and keep a session fresh for one registry.

    Args:
        config: the registry's configuration.
        store: where refresh tokens are kept.
        http: the HTTP client used to fetch the pool's signing keys.
        clock: returns the current time in seconds.
    """

    def __init__(
        self,
        config: RegistryConfig,
        store: TokenStore,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.store = store
        self.http = http or httpx.Client(timeout=30)
        self.clock = clock
        self._session: Session | None = None
        self._jwks: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def is_local(self) -> bool:
        """Whether the registry's Cognito is a local emulator."""
        return bool(self.config.cognito_endpoint)

    def _cognito(self, username: str | None = None, **tokens: str) -> Any:
        from pycognito import Cognito

        kwargs: dict[str, Any] = {"user_pool_region": self.config.region}
        if self.is_local:
            # pycognito checks the tokens' issuer against the real AWS URL,
            # which local tokens carry too: only the client gets the endpoint.
            kwargs["session"] = EndpointSession(
                self.config.cognito_endpoint, self.config.region
            )
        cognito = Cognito(
            self.config.user_pool_id,
            self.config.client_id,
            username=username,
            **kwargs,
            **tokens,
        )
        if self.is_local:
            cognito.pool_jwk = self._local_keys()
        return cognito

    def _local_keys(self) -> dict[str, Any]:
        if self._jwks is None:
            url = (
                f"{self.config.cognito_endpoint}/{self.config.user_pool_id}"
                "/.well-known/jwks.json"
            )
            try:
                response = self.http.get(url)
                response.raise_for_status()
            except httpx.HTTPError as error:
                raise AuthError(
                    f"cannot read the registry's signing keys: {error}"
                ) from None
            self._jwks = dict(response.json())
        return self._jwks

    def sign_up(self, username: str, email: str, password: str) -> bool:
        """Create an account; returns True when it is confirmed already.

        On the local registry the account is confirmed at once; on AWS Cognito
        mails a code that the user must confirm.
        """
        _check_account(username, email)
        cognito = self._cognito()
        cognito.set_base_attributes(email=email)
        try:
            cognito.register(username, password)
        except Exception as error:
            raise _cognito_failure(error, "signing up") from None
        if not self.is_local:
            return False
        try:
            cognito.client.admin_confirm_sign_up(
                UserPoolId=self.config.user_pool_id, Username=username
            )
        except Exception as error:
            raise _cognito_failure(error, "confirming the account") from None
        return True

    def confirm(self, username: str, code: str) -> None:
        """Confirm a new account with the code Cognito mailed."""
        try:
            self._cognito().confirm_sign_up(code.strip(), username=username)
        except Exception as error:
            raise _cognito_failure(error, "confirming the account") from None

    def sign_in(self, username: str, password: str) -> Session:
        """Sign in with SRP and remember the refresh token."""
        cognito = self._cognito(username)
        try:
            cognito.authenticate(password=password)
        except Exception as error:
            raise _cognito_failure(error, "signing in") from None
        session = Session(
            username=username,
            id_token=cognito.id_token,
            access_token=cognito.access_token,
            refresh_token=cognito.refresh_token,
            expires_at=_token_expiry(cognito.id_token),
        )
        self.store.set(self._store_key(username), session.refresh_token)
        self._session = session
        logger.debug("signed in as %s", username)
        return session

    def _store_key(self, username: str) -> str:
        return f"{self.config.key}/{username}"

    def resume(self, username: str) -> Session | None:
        """A session from the saved refresh token, or None if there is none."""
        refresh_token = self.store.get(self._store_key(username))
        if not refresh_token:
            return None
        cognito = self._cognito(username, refresh_token=refresh_token)
        try:
            cognito.renew_access_token()
        except Exception as error:
            if _unreachable(error):
                # Cognito could not be asked: the saved session may be fine.
                raise RegistryError(
                    _cognito_message(error, "renewing the session")
                    + "; try again later",
                    code="unreachable",
                ) from None
            # Refused (expired, revoked, the user deleted): it is of no more use.
            logger.debug("the saved session of %s is refused: %s", username, error)
            self.store.delete(self._store_key(username))
            return None
        self._session = Session(
            username=username,
            id_token=cognito.id_token,
            access_token=cognito.access_token,
            refresh_token=refresh_token,
            expires_at=_token_expiry(cognito.id_token),
        )
        return self._session

    @property
    def session(self) -> Session | None:
        """The current session, if signed in."""
        return self._session

    def id_token(self) -> str:
        """A valid ID token, renewed when close to expiry.

        Raises:
            AuthError: not signed in, or the session can no longer be renewed.
        """
        with self._lock:
            session = self._session
            if session is None:
                raise AuthError("not signed in; run `gomodpub login` first")
            if self.clock() < session.expires_at - EXPIRY_MARGIN:
                return session.id_token
            renewed = self.resume(session.username)
            if renewed is None:
                self._session = None
                raise AuthError("your session has expired; sign in again")
            return renewed.id_token

    def sign_out(self, username: str = "") -> None:
        """Forget the session and its saved refresh token, and revoke that token.

        Args:
            username: whose saved session to forget when none is active.
        """
        if self._session is not None:
            username = self._session.username
        self._session = None
        if not username:
            return
        key = self._store_key(username)
        refresh_token = self.store.get(key)
        self.store.delete(key)
        if refresh_token:
            self._revoke(refresh_token)

    def _revoke(self, refresh_token: str) -> None:
        """Make a refresh token useless for whoever holds a copy of it."""
        try:
            self._cognito().client.revoke_token(
                Token=refresh_token, ClientId=self.config.client_id
            )
        except Exception as error:
            # Forgotten here, it still expires by itself at Cognito.
            logger.warning("the session could not be revoked at Cognito: %s", error)


# Cognito's rules for usernames, and the shape of an email address it takes.
_USERNAME = re.compile(r"[^\s]{1,128}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _check_account(username: str, email: str) -> None:
    """Refuse what Cognito would, with a message that says what to change.

    The local registry's Cognito checks less than AWS does; refusing here keeps
    both alike.
    """
    if not _USERNAME.fullmatch(username):
        raise AuthError(
            "signing up failed: a username has 1 to 128 characters and no spaces"
        )
    if not _EMAIL.fullmatch(email):
        raise AuthError(
            f"signing up failed: {email!r} is not an email address "
            "(like ana@example.com)"
        )


def _unreachable(error: Exception) -> bool:
    return "Could not connect" in str(error) or "Connect" in type(error).__name__


def _cognito_failure(error: Exception, doing: str) -> GomodpubError:
    """The error to raise for a failed Cognito call: refused, or not made at all."""
    if _unreachable(error):
        # Not an answer: a registry that is down is not a wrong password.
        return RegistryError(_cognito_message(error, doing), code="unreachable")
    return AuthError(_cognito_message(error, doing))


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _cognito_message(error: Exception, doing: str) -> str:
    response = getattr(error, "response", None) or {}
    code = _error_code(error)
    text = response.get("Error", {}).get("Message", "") or str(error)
    hints = {
        "NotAuthorizedException": "wrong username or password",
        "UserNotFoundException": "wrong username or password",
        "UsernameExistsException": "that username is taken; choose another or sign in",
        "InvalidPasswordException": f"the password is not accepted: {text}",
        "UserNotConfirmedException": "the account is not confirmed yet; "
        "enter the code from the confirmation mail",
        "InvalidParameterException": text,
        "CodeMismatchException": "the code is wrong; look at the latest mail",
        "ExpiredCodeException": "the code has expired; sign up again for a new one",
    }
    if code == "NotAuthorizedException" and "SignUp is not permitted" in text:
        return (
            f"{doing} failed: this registry does not let people sign up; ask its "
            "administrator for an account"
        )
    if code in hints:
        return f"{doing} failed: {hints[code]}"
    if _unreachable(error):
        return f"{doing} failed: the registry's sign-in service cannot be reached"
    return f"{doing} failed: {text}"
