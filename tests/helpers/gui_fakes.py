"""Small fakes of the core for the app's tests: a connection and a publisher.

They do what the real objects do at their edges (raise ``GomodpubError``
subclasses with the real messages, call the listener as the real publisher
does) and record what they were asked, so tests can assert on it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gomodpub.core.errors import AuthError
from gomodpub.core.publish import ModuleSource, PublishResult, PublishStatus
from gomodpub.core.semver import sort_versions

GOPROXY = "http://127.0.0.1:1/proxy"
LOCAL_H1 = "h1:LOCALLOCALLOCALLOCALLOCALLOCALLOCALLOCAL0000="
OTHER_H1 = "h1:OTHEROTHEROTHEROTHEROTHEROTHEROTHEROTHER0000="


@dataclass
class FakeSession:
    username: str


@dataclass
class FakeStore:
    """Where sessions would be kept; not persistent without a keyring."""

    persistent: bool = True


class FakeAuth:
    """Accounts in a dict; wrong passwords refused as Cognito would.

    Args:
        users: username to password of the confirmed accounts.
        mailed_code: when given, new accounts wait for this code, as on AWS.
        keyring: whether sessions outlive the app (``store.persistent``).
    """

    def __init__(
        self,
        users: dict[str, str] | None = None,
        *,
        mailed_code: str = "",
        keyring: bool = True,
    ) -> None:
        self.users = dict(users or {})
        self.mailed_code = mailed_code
        self.store = FakeStore(keyring)
        self.unconfirmed: set[str] = set()
        self.session: FakeSession | None = None
        self.saved: str = ""

    def sign_up(self, username: str, email: str, password: str) -> bool:
        if username in self.users:
            raise AuthError(
                "signing up failed: that username is taken; choose another or sign in"
            )
        self.users[username] = password
        if self.mailed_code:
            self.unconfirmed.add(username)
            return False
        return True

    def confirm(self, username: str, code: str) -> None:
        if code.strip() != self.mailed_code:
            raise AuthError(
                "confirming the account failed: the code is wrong; look at the "
                "latest mail"
            )
        self.unconfirmed.discard(username)

    def sign_in(self, username: str, password: str) -> FakeSession:
        if self.users.get(username) != password:
            raise AuthError("signing in failed: wrong username or password")
        if username in self.unconfirmed:
            raise AuthError(
                "signing in failed: the account is not confirmed yet; enter the "
                "code from the confirmation mail"
            )
        self.session = FakeSession(username)
        self.saved = username
        return self.session

    def resume(self, username: str) -> FakeSession | None:
        if self.saved == username:
            self.session = FakeSession(username)
        return self.session

    def sign_out(self) -> None:
        self.session = None
        self.saved = ""


@dataclass
class FakeConfig:
    goproxy: str = GOPROXY


class FakeClient:
    """Knows which versions each module has.

    Every module in ``published`` belongs to the signed-in user. Set
    ``modules_error`` or ``versions_error`` to make ``modules()`` or
    ``versions()`` raise it (a registry that is down).
    """

    def __init__(self, versions: dict[str, list[str]] | None = None) -> None:
        self.published = {k: list(v) for k, v in (versions or {}).items()}
        self.config = FakeConfig()
        self.modules_error: Exception | None = None
        self.versions_error: Exception | None = None
        self.modules_calls = 0

    def versions(self, module: str) -> list[str]:
        if self.versions_error is not None:
            raise self.versions_error
        return list(self.published.get(module, []))

    def modules(self) -> list[dict[str, Any]]:
        self.modules_calls += 1
        if self.modules_error is not None:
            raise self.modules_error
        return [
            {"module": module, "versions": sort_versions(versions)}
            for module, versions in sorted(self.published.items())
        ]


@dataclass
class FakeConnection:
    auth: FakeAuth = field(default_factory=FakeAuth)
    client: FakeClient = field(default_factory=FakeClient)
    last_username: str = ""

    def remember_user(self, username: str) -> None:
        self.last_username = username


def result_for(
    source: ModuleSource, status: PublishStatus, message: str = "", **details: Any
) -> PublishResult:
    """A PublishResult for ``source`` as the real publisher builds it."""
    return PublishResult(
        source.module_path,
        source.version,
        LOCAL_H1,
        status,
        GOPROXY,
        message or f"{status} {source.module_path}@{source.version}",
        details,
    )


Outcome = Callable[[ModuleSource], PublishResult]


class FakePublisher:
    """Reports steps and progress like the core publisher, then answers.

    Args:
        outcomes: per call, builds the result from the source; the last one
            repeats. By default every version is published.
        size: bytes "uploaded", in ``chunks`` pieces.
        gate: when given, the upload waits for it between chunks (a slow
            publication the test controls); after ``max_wait`` seconds it
            gives up, so a test that blocks the GUI thread fails, not hangs.
    """

    def __init__(
        self,
        outcomes: list[Outcome] | None = None,
        *,
        size: int = 4 * 1024 * 1024,
        chunks: int = 8,
        gate: threading.Event | None = None,
        max_wait: float = 20.0,
    ) -> None:
        self.outcomes = outcomes or [lambda s: result_for(s, PublishStatus.PUBLISHED)]
        self.size = size
        self.chunks = chunks
        self.gate = gate
        self.max_wait = max_wait
        self.sources: list[ModuleSource] = []
        self.chunks_sent = 0

    def factory(
        self, client: Any, listener: Any, cancelled: Callable[[], bool]
    ) -> _Run:
        """A PublisherFactory: the model calls this for each publication."""
        return _Run(self, listener, cancelled)


class _Run:
    def __init__(
        self, fake: FakePublisher, listener: Any, cancelled: Callable[[], bool]
    ) -> None:
        self.fake, self.listener, self.cancelled = fake, listener, cancelled

    def publish(self, source: ModuleSource) -> PublishResult:
        fake = self.fake
        fake.sources.append(source)
        self.listener.on_step("pack", f"packing {source.directory}")
        self.listener.on_step("upload", f"uploading {fake.size} bytes")
        chunk = fake.size // fake.chunks
        for _ in range(fake.chunks):
            if fake.gate is not None:
                deadline = time.monotonic() + fake.max_wait
                while not fake.gate.wait(0.01) and not self.cancelled():
                    if time.monotonic() > deadline:
                        raise RuntimeError("the test never opened the gate")
            if self.cancelled():
                return result_for(
                    source, PublishStatus.CANCELLED, "the upload was cancelled"
                )
            self.listener.on_progress(bytes_transferred=chunk, total=fake.size)
            fake.chunks_sent += 1
        index = min(len(fake.sources), len(fake.outcomes)) - 1
        return fake.outcomes[index](source)


def write_module(directory: Path, module_path: str = "example.com/hello") -> Path:
    """A small module folder: go.mod, a Go file, a vendor dir and a .git dir."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "go.mod").write_text(f"module {module_path}\n\ngo 1.21\n")
    (directory / "hello.go").write_text("package hello\n\nconst Hello = 1\n")
    (directory / "sub").mkdir(exist_ok=True)
    (directory / "sub" / "sub.go").write_text("package sub\n")
    (directory / "vendor").mkdir(exist_ok=True)
    (directory / "vendor" / "modules.txt").write_text("# nothing\n")
    (directory / ".git").mkdir(exist_ok=True)
    (directory / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return directory
