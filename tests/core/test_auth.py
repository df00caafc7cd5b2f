"""Sign-up, sign-in and sessions against the local registry's real Cognito."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from gomodpub.core.auth import Authenticator, RegistryConfig, TokenStore
from gomodpub.core.client import fetch_config
from gomodpub.core.errors import AuthError, RegistryError

PASSWORD = "a good long password"


class DictKeyring:
    """A keyring backend that keeps passwords in a dict."""

    priority = 1

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, key: str) -> str | None:
        return self.saved.get((service, key))

    def set_password(self, service: str, key: str, value: str) -> None:
        self.saved[(service, key)] = value

    def delete_password(self, service: str, key: str) -> None:
        del self.saved[(service, key)]


# A local registry's configuration at a closed port: nothing listens there.
NOBODY_LISTENS = RegistryConfig(
    api_url="http://127.0.0.1:9/api",
    goproxy="http://127.0.0.1:9/api/proxy",
    region="us-east-1",
    user_pool_id="us-east-1_pool",
    client_id="client",
    cognito_endpoint="http://127.0.0.1:9",
)


class FailKeyring:
    """What keyring offers on a machine with no keyring at all."""

    priority = 0


def test_a_machine_without_keyring_keeps_tokens_for_the_process_only() -> None:
    store = TokenStore(FailKeyring())

    store.set("pool/client/ana", "refresh")

    assert store.persistent is False
    assert store.get("pool/client/ana") == "refresh"
    assert TokenStore(FailKeyring()).get("pool/client/ana") is None


def test_a_keyring_keeps_tokens_across_processes() -> None:
    backend = DictKeyring()

    TokenStore(backend).set("pool/client/ana", "refresh")

    assert TokenStore(backend).persistent is True
    assert TokenStore(backend).get("pool/client/ana") == "refresh"
    TokenStore(backend).delete("pool/client/ana")
    assert backend.saved == {}


@pytest.mark.parametrize(
    ("username", "email", "message"),
    [
        (
            "",
            "ana@example.com",
            "signing up failed: a username has 1 to 128 characters and no spaces",
        ),
        (
            "ana lee",
            "ana@example.com",
            "signing up failed: a username has 1 to 128 characters and no spaces",
        ),
        (
            "ana",
            "notanemail",
            "signing up failed: 'notanemail' is not an email address "
            "(like ana@example.com)",
        ),
        (
            "ana",
            "ana@localhost",
            "signing up failed: 'ana@localhost' is not an email address "
            "(like ana@example.com)",
        ),
    ],
)
def test_sign_up_refuses_what_cognito_refuses_before_asking_it(
    username: str, email: str, message: str
) -> None:
    config = NOBODY_LISTENS

    with pytest.raises(AuthError) as raised:
        Authenticator(config, TokenStore(FailKeyring())).sign_up(
            username, email, PASSWORD
        )

    assert str(raised.value) == message


def test_a_config_without_the_pool_is_explained() -> None:
    with pytest.raises(AuthError, match="is this the config URL of a gomodpub"):
        RegistryConfig.from_json({"api_url": "https://x"})


@pytest.fixture(scope="module")
def config(registry_home: Path) -> RegistryConfig:
    from gomodpub.registry.local import LocalRegistry

    endpoints = LocalRegistry(registry_home / "data" / "local-registry").status()
    assert endpoints is not None
    return fetch_config(httpx.Client(timeout=30), endpoints.config_url)


@pytest.mark.slow
def test_sign_up_sign_in_and_resume_with_the_saved_token(
    config: RegistryConfig,
) -> None:
    backend = DictKeyring()
    username = f"ana{uuid.uuid4().hex[:8]}"
    auth = Authenticator(config, TokenStore(backend))

    assert auth.sign_up(username, "ana@example.com", PASSWORD) is True
    session = auth.sign_in(username, PASSWORD)

    assert session.username == username
    assert auth.id_token() == session.id_token
    # A new process finds the refresh token in the keyring; no password needed.
    later = Authenticator(config, TokenStore(backend))
    resumed = later.resume(username)
    assert resumed is not None
    assert resumed.username == username
    later.sign_out()
    assert Authenticator(config, TokenStore(backend)).resume(username) is None


@pytest.mark.slow
def test_an_expired_token_is_renewed_from_the_refresh_token(
    config: RegistryConfig,
) -> None:
    username = f"ben{uuid.uuid4().hex[:8]}"
    now = [0.0]
    auth = Authenticator(config, TokenStore(DictKeyring()), clock=lambda: now[0])
    auth.sign_up(username, "ben@example.com", PASSWORD)
    first = auth.sign_in(username, PASSWORD)

    now[0] = first.expires_at + 1
    token = auth.id_token()

    # A new session came from the refresh token: the expired one is gone.
    assert auth.session is not None and auth.session is not first
    assert token == auth.session.id_token
    assert auth.session.username == username


@pytest.mark.slow
def test_signing_out_revokes_the_refresh_token(config: RegistryConfig) -> None:
    username = f"dee{uuid.uuid4().hex[:8]}"
    backend = DictKeyring()
    auth = Authenticator(config, TokenStore(backend))
    auth.sign_up(username, "dee@example.com", PASSWORD)
    copied = auth.sign_in(username, PASSWORD).refresh_token

    auth.sign_out()

    assert backend.saved == {}
    # A copy of the token taken before signing out no longer renews anything.
    elsewhere = TokenStore(DictKeyring())
    elsewhere.set(f"{config.key}/{username}", copied)
    assert Authenticator(config, elsewhere).resume(username) is None


def test_an_unreachable_cognito_keeps_the_saved_session() -> None:
    config = NOBODY_LISTENS
    backend = DictKeyring()
    TokenStore(backend).set(f"{config.key}/ana", "refresh")
    auth = Authenticator(config, TokenStore(backend))
    auth._jwks = {"keys": []}  # skip fetching the pool's keys from that port

    with pytest.raises(RegistryError) as raised:
        auth.resume("ana")

    assert str(raised.value) == (
        "renewing the session failed: the registry's sign-in service cannot be "
        "reached; try again later"
    )
    assert TokenStore(backend).get(f"{config.key}/ana") == "refresh"


def test_signing_in_to_a_sign_in_service_that_is_down_is_no_wrong_password() -> None:
    config = NOBODY_LISTENS
    auth = Authenticator(config, TokenStore(FailKeyring()))
    auth._jwks = {"keys": []}  # skip fetching the pool's keys from that port

    with pytest.raises(RegistryError) as raised:
        auth.sign_in("ana", PASSWORD)

    assert raised.value.code == "unreachable"
    assert str(raised.value) == (
        "signing in failed: the registry's sign-in service cannot be reached"
    )


@pytest.mark.slow
def test_a_wrong_password_is_refused(config: RegistryConfig) -> None:
    username = f"cy{uuid.uuid4().hex[:8]}"
    auth = Authenticator(config, TokenStore(DictKeyring()))
    auth.sign_up(username, "cy@example.com", PASSWORD)

    with pytest.raises(AuthError) as raised:
        auth.sign_in(username, "wrong password!")

    assert str(raised.value) == "signing in failed: wrong username or password"
    with pytest.raises(AuthError, match="not signed in"):
        auth.id_token()


@pytest.mark.slow
def test_a_taken_username_and_a_wrong_code_are_explained(
    config: RegistryConfig,
) -> None:
    username = f"di{uuid.uuid4().hex[:8]}"
    auth = Authenticator(config, TokenStore(DictKeyring()))
    auth.sign_up(username, "di@example.com", PASSWORD)

    with pytest.raises(AuthError) as taken:
        auth.sign_up(username, "di@example.com", PASSWORD)
    with pytest.raises(AuthError) as wrong_code:
        auth.confirm(f"nobody{uuid.uuid4().hex[:8]}", "000000")

    assert str(taken.value) == (
        "signing up failed: that username is taken; choose another or sign in"
    )
    assert str(wrong_code.value) == (
        "confirming the account failed: the code is wrong; look at the latest mail"
    )
