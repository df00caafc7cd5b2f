"""The publish workflow: pack a folder, upload it, wait, and confirm.

Each step reports through a :class:`PublishListener`; the command line prints
those reports and the app turns them into signals. Outcomes the user must
decide on (a conflict, a refusal) come back as a :class:`PublishResult`, not
as exceptions; exceptions are for failures (the registry is down, the folder
cannot be read, the session expired).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gomodpub.core import module, semver
from gomodpub.core.client import RegistryClient, UploadCancelledError
from gomodpub.core.dirhash import hash_zip
from gomodpub.core.errors import ConflictError, GomodpubError, InvalidModuleError
from gomodpub.core.modfile import ModFile, parse_lax, read_go_mod
from gomodpub.core.modzip import PackResult, pack_dir
from gomodpub.core.preview import irregular_go_mod
from gomodpub.core.versions import (
    VersionWarning,
    assess,
    invalid_version_message,
    retractions_source,
)
from gomodpub.core.zipdiff import diff_zips

logger = logging.getLogger(__name__)

POLL_INTERVAL = 0.5
# The worker gets a minute, plus time for large zips at a modest 5 MB/s.
WAIT_BASE_SECONDS = 60.0
WAIT_BYTES_PER_SECOND = 5_000_000


class PublishStatus(enum.StrEnum):
    """How a publication ended."""

    PUBLISHED = "published"
    ALREADY_PUBLISHED = "already-published"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


@dataclass
class PublishResult:
    """The outcome of publishing one module version."""

    module: str
    version: str
    h1: str
    status: PublishStatus
    goproxy: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the version is now published with this content."""
        return self.status in (PublishStatus.PUBLISHED, PublishStatus.ALREADY_PUBLISHED)

    def to_json(self) -> dict[str, Any]:
        """The result as the JSON object ``publish --json`` prints."""
        return {
            "module": self.module,
            "version": self.version,
            "h1": self.h1,
            "status": str(self.status),
            "goproxy": self.goproxy,
            "message": self.message,
            **self.details,
        }


class PublishListener(Protocol):
    """Receives the steps and the upload's progress."""

    def on_step(self, step: str, message: str) -> None:
        """A step starts: "pack", "start", "upload", "process" or "confirm"."""

    def on_progress(self, bytes_transferred: int, **kwargs: Any) -> None:
        """More bytes of the zip went out (``total`` is in kwargs)."""


class QuietListener:
    """A listener that ignores everything."""

    def on_step(self, step: str, message: str) -> None:
        """Ignore a step."""

    def on_progress(self, bytes_transferred: int, **kwargs: Any) -> None:
        """Ignore progress."""


@dataclass(frozen=True)
class ModuleSource:
    """A module folder ready to pack: where it is and what it is called."""

    directory: Path
    module_path: str
    version: str
    go_version: str
    go_mod: ModFile | None = None


def resolve_source(
    directory: Path, version: str, module_path: str | None = None
) -> ModuleSource:
    """Read a folder's go.mod and check the module path and version together.

    Args:
        module_path: for a folder without go.mod (a legacy module, published
            as ``+incompatible`` from v2 on); must match go.mod when there is one.

    Raises:
        GomodpubError: the folder, its go.mod, the path or the version is not
            usable, with a message that says how to fix it.
    """
    if not directory.is_dir():
        raise GomodpubError(f"{directory} is not a folder")
    go_mod = directory / "go.mod"
    parsed: ModFile | None = None
    if problem := irregular_go_mod(go_mod):
        raise GomodpubError(problem)
    if go_mod.is_file():
        parsed = read_go_mod(go_mod)
        assert parsed.module is not None
        declared = parsed.module.path
        if module_path and module_path != declared:
            raise GomodpubError(
                f"go.mod declares module {declared}, not {module_path}; "
                "drop --module or fix go.mod"
            )
        module_path = declared
    elif not module_path:
        raise GomodpubError(
            f"{directory} has no go.mod; pass --module PATH to publish it as a "
            "module without go.mod"
        )
    if not semver.is_valid(version):
        raise InvalidModuleError(invalid_version_message(version))
    canonical = module.canonical_version(version)
    if canonical != version:
        raise InvalidModuleError(
            f"version {version!r} is not canonical; use {canonical!r}"
        )
    # A major version that disagrees with the path is the usual mistake: say
    # what to change. The go command's own check then catches anything else.
    mismatch = [
        w
        for w in assess(module_path, version, [], parsed)
        if w.code == "major-mismatch"
    ]
    if mismatch:
        raise InvalidModuleError(mismatch[0].message)
    module.check(module_path, version)
    go_version = parsed.go.version if parsed and parsed.go else ""
    return ModuleSource(directory, module_path, version, go_version, parsed)


def go_get_command(goproxy: str, module_path: str, version: str) -> str:
    """A shell line that fetches module_path@version from the registry at goproxy.

    Without GONOSUMDB the go command asks the public checksum database about
    the module, which cannot know a private one (and learns its name); unlike
    GOSUMDB=off, checksums of every other module are still checked.
    """
    return f"GOPROXY={goproxy} GONOSUMDB={module_path} go get {module_path}@{version}"


def _warnings_json(warnings: list[VersionWarning]) -> list[dict[str, str]]:
    return [
        {"code": w.code, "severity": w.severity, "message": w.message} for w in warnings
    ]


def pack(source: ModuleSource, out: Path) -> PackResult:
    """Write the module zip of ``source`` to ``out`` and hash it.

    The zip is written beside ``out`` and moved there once complete, so a
    failure leaves whatever ``out`` held before as it was.

    Raises:
        GomodpubError: ``out`` exists and is not a regular file.
        ZipError: as :func:`~gomodpub.core.modzip.pack_dir`.
        OSError: ``out`` cannot be written.
    """
    if out.exists() and not out.is_file():
        raise GomodpubError(
            f"{out} exists and is not a regular file; name a file for the zip"
        )
    # Through a link, the file it points to gets the zip, not the link.
    out = Path(os.path.realpath(out))
    mv = module.ModuleVersion(source.module_path, source.version)
    # Made by pack_dir, so that it gets the permissions of any new file.
    partial = out.parent / f".{out.name}.{secrets.token_hex(4)}.partial"
    try:
        packed = pack_dir(source.directory, mv, partial)
        os.replace(partial, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return packed


class Publisher:
    """Publishes module folders to one registry.

    Args:
        client: the registry client, already able to sign requests.
        listener: told about steps and progress.
        sleep: waits between polls (tests pass a fake).
        cancelled: returns True once the user asked to stop.
    """

    def __init__(
        self,
        client: RegistryClient,
        listener: PublishListener | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.client = client
        self.listener = listener or QuietListener()
        self.sleep = sleep
        self.clock = clock
        self.cancelled = cancelled

    def publish(self, source: ModuleSource) -> PublishResult:
        """Pack, upload, wait for the registry and confirm through GOPROXY."""
        # Refusals the go command would make are found before any work.
        self.listener.on_step(
            "check", f"checking {source.version} against the registry"
        )
        published = self.client.versions(source.module_path)
        warnings = assess(
            source.module_path,
            source.version,
            published,
            source.go_mod,
            latest_go_mod=self._retracting_go_mod(source, published),
        )
        refusals = [w for w in warnings if w.severity == "error"]
        if refusals:
            return PublishResult(
                source.module_path,
                source.version,
                "",
                PublishStatus.REJECTED,
                self.client.config.goproxy,
                "\n".join(str(w) for w in refusals),
                {"warnings": _warnings_json(warnings)},
            )

        with tempfile.TemporaryDirectory(prefix="gomodpub-") as scratch:
            zip_path = Path(scratch) / "module.zip"
            self.listener.on_step("pack", f"packing {source.directory}")
            packed = pack(source, zip_path)
            result = self.publish_zip(
                source.module_path, source.version, zip_path, packed
            )
        # Already published is the result itself; other notes go along with it.
        notes = [w for w in warnings if w.code != "already-published"]
        if notes:
            result.details["warnings"] = _warnings_json(notes)
        return result

    def publish_zip(
        self, module_path: str, version: str, zip_path: Path, packed: PackResult
    ) -> PublishResult:
        """Publish an already packed zip."""

        def result(
            status: PublishStatus, message: str, **details: Any
        ) -> PublishResult:
            return PublishResult(
                module_path,
                version,
                packed.h1,
                status,
                self.client.config.goproxy,
                message,
                details,
            )

        # The registry refuses conflicts before anything is sent.
        self.listener.on_step("start", f"asking to publish {module_path}@{version}")
        try:
            ticket = self.client.start_upload(
                module_path, version, packed.size, packed.h1
            )
        except ConflictError as error:
            details = dict(getattr(error, "details", {}) or {})
            details.pop("message", None)
            details.pop("code", None)
            if error.code != "version-exists":
                return result(PublishStatus.REJECTED, str(error), **details)
            details.update(self._differences(module_path, version, zip_path))
            return result(PublishStatus.CONFLICT, str(error), **details)
        if ticket.status == "already-published":
            return result(
                PublishStatus.ALREADY_PUBLISHED,
                f"{module_path}@{version} is already published with this content",
            )

        self.listener.on_step("upload", f"uploading {packed.size} bytes")
        try:
            self.client.upload(
                ticket, zip_path, self.listener.on_progress, self.cancelled
            )
        except UploadCancelledError:
            self._cancel(ticket.upload_id)
            return result(PublishStatus.CANCELLED, "the upload was cancelled")

        self.listener.on_step("process", "waiting for the registry to check the zip")
        outcome = self._wait(ticket.upload_id, packed.size)
        status = outcome.get("status", "")
        if status == "conflict":
            details = {
                "published_h1": outcome.get("published_h1", ""),
                **self._differences(module_path, version, zip_path),
            }
            return result(PublishStatus.CONFLICT, outcome.get("message", ""), **details)
        if status == "cancelled":
            return result(PublishStatus.CANCELLED, outcome.get("message", status))
        if status != "published":
            return result(PublishStatus.REJECTED, outcome.get("message", status))

        self.listener.on_step("confirm", "fetching the version back through GOPROXY")
        self._confirm(module_path, version, packed.h1, zip_path.parent)
        return result(PublishStatus.PUBLISHED, f"published {module_path}@{version}")

    def _retracting_go_mod(
        self, source: ModuleSource, published: list[str]
    ) -> ModFile | None:
        """The published go.mod whose retractions count, or None.

        None too when this version will be the highest (its own go.mod counts)
        or when that go.mod cannot be had: the warnings then count no
        retractions of the published versions.
        """
        highest = retractions_source(source.module_path, source.version, published)
        if highest == source.version:
            return None
        path = module.escape_path(source.module_path)
        name = f"{path}/@v/{module.escape_version(highest)}.mod"
        try:
            return parse_lax(self.client.proxy_get(name).content, name)
        except GomodpubError as error:
            logger.debug("no go.mod of %s@%s: %s", source.module_path, highest, error)
            return None

    def _differences(
        self, module_path: str, version: str, zip_path: Path
    ) -> dict[str, Any]:
        """What the published version holds that this zip does not, and back."""
        published = zip_path.parent / "published.zip"
        try:
            self.client.download_zip(
                module.escape_path(module_path),
                module.escape_version(version),
                published,
            )
            return {"differences": diff_zips(published, zip_path).to_json()}
        except GomodpubError as error:
            # The conflict stands without the details; say why they are missing.
            logger.warning("could not compare with the published zip: %s", error)
            return {}

    def _cancel(self, upload_id: str) -> None:
        try:
            self.client.cancel_upload(upload_id)
        except GomodpubError as error:
            logger.warning("could not cancel upload %s: %s", upload_id, error)

    def _wait(self, upload_id: str, size: int) -> dict[str, Any]:
        deadline = self.clock() + WAIT_BASE_SECONDS + size / WAIT_BYTES_PER_SECOND
        while True:
            state = self.client.get_upload(upload_id)
            if state.get("status") != "pending":
                return state
            if self.clock() > deadline:
                raise GomodpubError(
                    f"the registry has not processed upload {upload_id} in time; "
                    "it may still finish: look again with the same command later"
                )
            if self.cancelled():
                self._cancel(upload_id)
                return {"status": "cancelled", "message": "cancelled while waiting"}
            self.sleep(POLL_INTERVAL)

    def _confirm(self, module_path: str, version: str, h1: str, scratch: Path) -> None:
        escaped_path = module.escape_path(module_path)
        escaped_version = module.escape_version(version)
        self.client.proxy_get(f"{escaped_path}/@v/{escaped_version}.info")
        fetched = scratch / "fetched.zip"
        self.client.download_zip(escaped_path, escaped_version, fetched)
        served = hash_zip(fetched)
        if served != h1:
            raise GomodpubError(
                f"the registry serves {module_path}@{version} with hash {served}, "
                f"not {h1}; report this to the registry's operator"
            )
