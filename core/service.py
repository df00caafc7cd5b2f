"""The registry's logic, run inside its Lambdas.

The handlers in ``gomodpub.registry`` only parse events and shape answers; what
the registry decides lives here, over an S3 client passed in:

- starting an upload: validate the module and version, refuse a module owned by
  someone else, answer "already published" or "conflict" for a version that
  exists, else record an upload session and hand out a presigned PUT URL;
- processing an uploaded zip (the worker): check the zip again, recompute its
  h1, claim the version with conditional writes so exactly one upload wins, and
  write the GOPROXY layout;
- answering GOPROXY reads.

Storage layout in the bucket (module paths and versions case-escaped with "!"):

- ``incoming/{upload}.zip``: zips as uploaded, deleted once processed;
- ``uploads/{upload}.json``: upload sessions and their outcome;
- ``proxy/{module}/@v/{version}.{info,mod,zip,ziphash}``: immutable once written;
  ``.ziphash`` is written first and is the claim on the version;
- ``owners/{module}.json``: who may publish the module, named by its path
  without a major suffix (so one record covers all its major versions);
- ``users/{sub}/modules/`` and ``users/{sub}/tokens/``: each user's modules
  and tokens, for listing them;
- ``pending/{sub}/...``: the upload to resume for a user, module and version;
- ``tokens/{sha256}.json``: personal access tokens, stored hashed.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gomodpub.core import module, semver
from gomodpub.core.dirhash import hash_zip
from gomodpub.core.errors import (
    GomodpubError,
    InvalidModuleError,
    ModFileError,
    ZipError,
)
from gomodpub.core.modfile import parse_lax
from gomodpub.core.modzip import MAX_ZIP_FILE, check_zip, read_zip_file
from gomodpub.core.versions import assess

logger = logging.getLogger(__name__)

H1_PATTERN = re.compile(r"^h1:[A-Za-z0-9+/]{43}=$")
UPLOAD_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
PRESIGN_SECONDS = 3600
# Zips above this go in parts, so a broken connection costs one part, not all.
MULTIPART_THRESHOLD = 64 << 20
PART_SIZE = 16 << 20
# Unfinished uploads expire with their incoming/ objects after a day.
RESUME_SECONDS = 20 * 3600
# Personal access tokens expire, so a forgotten one stops working by itself.
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365


class ServiceError(GomodpubError):
    """A request the registry refuses, with its HTTP status and stable code."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details

    def body(self) -> dict[str, Any]:
        """The JSON error body: code, message and any details."""
        return {"code": self.code, "message": str(self), **self.details}


@dataclass(frozen=True)
class Caller:
    """Who makes a request, from the Cognito claims."""

    sub: str
    username: str


@dataclass
class ProxyAnswer:
    """A GOPROXY response: status, body and headers."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _is_missing(error: Exception) -> bool:
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    return code in ("NoSuchKey", "404", "NotFound")


def _is_precondition_failed(error: Exception) -> bool:
    """Whether a conditional write found the object there already."""
    response = getattr(error, "response", {})
    code = response.get("Error", {}).get("Code", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return bool(code == "PreconditionFailed" or status == 412)


def _is_write_in_progress(error: Exception) -> bool:
    """Whether S3 refused a conditional write because another one was under way.

    S3 then asks for a retry: the other write may yet fail, so this one has not
    lost the race.
    """
    response = getattr(error, "response", {})
    code = response.get("Error", {}).get("Code", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return bool(code == "ConditionalRequestConflict" or status == 409)


# The tag of published zips, which the bucket's lifecycle rule archives.
ZIP_TAGGING = "gomodpub=module-zip"

# How often a conditional write is tried while another one to its key is under
# way, and how long to wait before the first retry (doubled after each).
WRITE_ATTEMPTS = 5
WRITE_RETRY_SECONDS = 0.2


class RegistryService:
    """The registry's decisions over one S3 bucket.

    Args:
        s3: a boto3 S3 client.
        bucket: the modules bucket.
        clock: returns the current time in seconds, for upload and .info times.
        sleep: waits before a conditional write is tried again.
        sns: a boto3 SNS client and topic_arn, to announce publications.
        multipart_threshold: zips larger than this are uploaded in parts of
            part_size bytes (S3 wants at least 5 MiB a part, but the last).
        public_reads: whether GOPROXY reads need no personal access token.
        names_are_identities: whether users are told apart by username rather
            than by Cognito's sub. The local registry's user pool may not
            survive a crash; an account made again under the same name must
            keep its modules and tokens there.
    """

    def __init__(
        self,
        s3: Any,
        bucket: str,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        sns: Any = None,
        topic_arn: str = "",
        multipart_threshold: int = MULTIPART_THRESHOLD,
        part_size: int = PART_SIZE,
        public_reads: bool = False,
        names_are_identities: bool = False,
    ) -> None:
        self.s3 = s3
        self.public_reads = public_reads
        self.names_are_identities = names_are_identities
        self.bucket = bucket
        self.multipart_threshold = multipart_threshold
        self.part_size = part_size
        self.clock = clock
        self.sleep = sleep
        self.sns = sns
        self.topic_arn = topic_arn

    def caller(self, claims: dict[str, Any]) -> Caller:
        """Who makes a request, from the claims of their Cognito ID token.

        Raises:
            ServiceError: the claims name nobody (401).
        """
        username = str(claims.get("cognito:username") or claims.get("username") or "")
        if self.names_are_identities and username:
            digest = hashlib.sha256(username.encode()).hexdigest()[:32]
            return Caller(sub=f"name-{digest}", username=username)
        if not claims.get("sub"):
            raise ServiceError(401, "unauthorized", "sign in first")
        return Caller(sub=str(claims["sub"]), username=username)

    # -- storage ----------------------------------------------------------

    def _get(self, key: str) -> bytes | None:
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            if _is_missing(error):
                return None
            raise
        data: bytes = response["Body"].read()
        return data

    def _get_json(self, key: str) -> dict[str, Any] | None:
        data = self._get(key)
        return None if data is None else dict(json.loads(data))

    def _put(self, key: str, data: bytes, *, create_only: bool = False) -> bool:
        """Write an object; with create_only, return False if it already exists."""
        if not create_only:
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
            return True
        return self._create(key, lambda: data)

    def _put_file(self, key: str, path: str, *, tagging: str = "") -> None:
        """Upload a file unless the key exists (its content is then the same)."""
        with open(path, "rb") as source:

            def body() -> Any:
                source.seek(0)
                return source

            self._create(key, body, tagging=tagging)

    def _create(self, key: str, body: Callable[[], Any], *, tagging: str = "") -> bool:
        """Write an object only if the key is free; return False if it is not."""
        extra = {"Tagging": tagging} if tagging else {}
        delay, attempt = WRITE_RETRY_SECONDS, 1
        while True:
            try:
                self.s3.put_object(
                    Bucket=self.bucket, Key=key, Body=body(), IfNoneMatch="*", **extra
                )
                return True
            except Exception as error:
                if _is_precondition_failed(error):
                    return False
                if not _is_write_in_progress(error) or attempt == WRITE_ATTEMPTS:
                    raise
            logger.debug("a write to %s is under way; trying again", key)
            self.sleep(delay)
            delay, attempt = delay * 2, attempt + 1

    def _put_json(
        self, key: str, value: dict[str, Any], *, create_only: bool = False
    ) -> bool:
        data = json.dumps(value, indent=1, sort_keys=True).encode()
        return self._put(key, data, create_only=create_only)

    @staticmethod
    def _version_key(module_path: str, version: str, ext: str) -> str:
        escaped_path = module.escape_path(module_path)
        escaped_version = module.escape_version(version)
        return f"proxy/{escaped_path}/@v/{escaped_version}.{ext}"

    def _foreign_owner(self, caller: Caller, module_path: str) -> dict[str, Any] | None:
        """The owner record that keeps caller from publishing module_path, if any.

        A module path belongs to whoever first published it, together with its
        other major versions (example.com/m and example.com/m/v2 are one). No
        one else may publish inside it or around it either: for an import, the
        go command prefers the longest module path that provides the package,
        so example.com/m/sub could take over packages of example.com/m.
        """
        root, above = _owner_names(module_path)
        for name in [root, *above]:
            record = self._get_json(f"owners/{name}.json")
            if record is not None and not self._is(caller, record):
                return record
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"owners/{root}/"):
            for item in page.get("Contents", []):
                record = self._get_json(item["Key"])
                if record is not None and not self._is(caller, record):
                    return record
        return None

    def _is(self, caller: Caller, owner: dict[str, Any]) -> bool:
        """Whether an owner record names the caller."""
        if self.names_are_identities and owner.get("username") == caller.username:
            return True
        return owner.get("sub") == caller.sub

    def _claim(self, caller: Caller, module_path: str) -> dict[str, Any] | None:
        """Make caller the owner of module_path unless someone else is.

        Returns:
            None when caller owns it now, else the other owner's record.
        """
        other = self._foreign_owner(caller, module_path)
        if other is not None:
            return other
        root, _ = _owner_names(module_path)
        record = {
            "sub": caller.sub,
            "username": caller.username,
            "module": module.split_path_version(module_path)[0],
        }
        # Created once: of two first uploads racing for it, one write wins.
        if not self._put_json(f"owners/{root}.json", record, create_only=True):
            current = self._get_json(f"owners/{root}.json") or {}
            if not self._is(caller, current):
                return current
        # TODO(claim race): a first upload of example.com/m and another user's
        # of example.com/m/sub, checked at the same moment, can both pass the
        # checks above; S3 cannot make writes to two keys conditional on each
        # other. The second user then owns a path inside the first's.
        return None

    @staticmethod
    def _user_module_key(sub: str, module_path: str) -> str:
        return f"users/{sub}/modules/{module.escape_path(module_path)}.json"

    def list_modules(self, caller: Caller) -> list[dict[str, Any]]:
        """The modules the caller owns, each with its published versions."""
        prefix = f"users/{caller.sub}/modules/"
        found = []
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                escaped = item["Key"][len(prefix) : -len(".json")]
                module_path = module.unescape_path(escaped)
                found.append(
                    {"module": module_path, "versions": self.versions(module_path)}
                )
        return sorted(found, key=lambda m: str(m["module"]))

    # -- uploads ----------------------------------------------------------

    def start_upload(
        self, caller: Caller, module_path: str, version: str, size: int, h1: str
    ) -> tuple[int, dict[str, Any]]:
        """Check a publication request and open an upload session for it.

        Returns:
            (HTTP status, answer): 200 with status "already-published" when the
            same content is published; 201 with the upload id and a presigned
            PUT URL otherwise.

        Raises:
            ServiceError: the module, version, size or hash is not acceptable,
                the module belongs to someone else (403 "not-owner"), or the
                version holds other content (409 "version-exists").
        """
        try:
            module.check(module_path, version)
        except InvalidModuleError as error:
            raise ServiceError(400, "invalid-module", str(error)) from None
        canonical = module.canonical_version(version)
        if canonical != version:
            raise ServiceError(
                400,
                "invalid-version",
                f"version {version!r} is not canonical; use {canonical!r}",
            )
        if not H1_PATTERN.match(h1):
            raise ServiceError(400, "invalid-hash", f"{h1!r} is not an h1: hash")
        if not 0 < size <= MAX_ZIP_FILE:
            raise ServiceError(
                413,
                "too-large",
                f"a module zip holds at most {MAX_ZIP_FILE} bytes; this one has {size}",
            )

        owner = self._foreign_owner(caller, module_path)
        if owner is not None:
            raise ServiceError(
                403,
                "not-owner",
                f"{_not_owner_message(module_path, owner)}; ask them to publish it, "
                "or publish under a module path of your own",
                owner=owner.get("username", ""),
            )

        published = self._get(self._version_key(module_path, version, "ziphash"))
        if published is not None:
            published_h1 = published.decode().strip()
            complete = self._get_head(module_path, version, "info") is not None
            if published_h1 == h1 and complete:
                return 200, {
                    "status": "already-published",
                    "module": module_path,
                    "version": version,
                    "h1": h1,
                }
            # Same content claimed but never finished (its worker died): a new
            # upload lets the worker write what is missing.
            if published_h1 != h1:
                raise ServiceError(
                    409,
                    "version-exists",
                    f"{module_path}@{version} is already published with other content "
                    f"({published_h1}); a published version never changes, so publish "
                    "this content as a new version",
                    published_h1=published_h1,
                )

        # The same content again, by the same user, carries on where the last
        # attempt stopped: the parts already sent are not sent twice.
        pending = self._pending_session(caller, module_path, version, h1, size)
        if pending is not None:
            logger.info("upload %s resumed by %s", pending["id"], caller.username)
            return 200, {
                **self._public_session(pending),
                "upload": self._ticket(pending),
            }

        upload_id = uuid.uuid4().hex
        session = {
            "id": upload_id,
            "module": module_path,
            "version": version,
            "size": size,
            "h1": h1,
            "owner_sub": caller.sub,
            "owner": caller.username,
            "status": "pending",
            "message": "waiting for the zip",
            "created": self.clock(),
        }
        if size > self.multipart_threshold:
            created = self.s3.create_multipart_upload(
                Bucket=self.bucket, Key=f"incoming/{upload_id}.zip"
            )
            session["multipart_id"] = created["UploadId"]
        self._put_json(f"uploads/{upload_id}.json", session)
        self._put_json(
            self._pending_key(caller, module_path, version), {"id": upload_id}
        )
        logger.info(
            "upload %s opened for %s@%s by %s",
            upload_id,
            module_path,
            version,
            caller.username,
        )
        return 201, {**self._public_session(session), "upload": self._ticket(session)}

    def _pending_key(self, caller: Caller, module_path: str, version: str) -> str:
        escaped = module.escape_path(module_path)
        return f"pending/{caller.sub}/{escaped}@{module.escape_version(version)}.json"

    def _pending_session(
        self, caller: Caller, module_path: str, version: str, h1: str, size: int
    ) -> dict[str, Any] | None:
        """The caller's unfinished multipart upload of this very content, if any."""
        pointer = self._get_json(self._pending_key(caller, module_path, version))
        if pointer is None or not UPLOAD_ID_PATTERN.match(str(pointer.get("id"))):
            return None
        session = self._get_json(f"uploads/{pointer['id']}.json")
        if (
            session is None
            or session.get("status") != "pending"
            or "multipart_id" not in session
            or (session.get("h1"), session.get("size")) != (h1, size)
            or self.clock() - float(session.get("created", 0)) > RESUME_SECONDS
        ):
            return None
        return session

    def _ticket(self, session: dict[str, Any]) -> dict[str, Any]:
        """How to send the zip: one presigned PUT, or presigned parts."""
        key = f"incoming/{session['id']}.zip"
        size = int(session["size"])
        if "multipart_id" not in session:
            # The length is signed too: the URL takes this many bytes, no more.
            url = self.s3.generate_presigned_url(
                "put_object",
                Params={"Bucket": self.bucket, "Key": key, "ContentLength": size},
                ExpiresIn=PRESIGN_SECONDS,
            )
            return {"method": "PUT", "url": url, "headers": {}}

        received = self._received_parts(session)
        parts = []
        for number, start in enumerate(range(0, size, self.part_size), start=1):
            length = min(self.part_size, size - start)
            part: dict[str, Any] = {"number": number, "size": length}
            if number in received:
                part["etag"] = received[number]
            else:
                part["url"] = self.s3.generate_presigned_url(
                    "upload_part",
                    Params={
                        "Bucket": self.bucket,
                        "Key": key,
                        "UploadId": session["multipart_id"],
                        "PartNumber": number,
                        "ContentLength": length,
                    },
                    ExpiresIn=PRESIGN_SECONDS,
                )
            parts.append(part)
        return {"method": "multipart", "part_size": self.part_size, "parts": parts}

    def _received_parts(self, session: dict[str, Any]) -> dict[int, str]:
        """The parts S3 holds already, by number, with their ETags."""
        listing = self.s3.list_parts(
            Bucket=self.bucket,
            Key=f"incoming/{session['id']}.zip",
            UploadId=session["multipart_id"],
        )
        return {int(p["PartNumber"]): str(p["ETag"]) for p in listing.get("Parts", [])}

    def complete_upload(
        self, caller: Caller, upload_id: str, parts: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Join the parts of a multipart upload into the zip the worker checks."""
        session = self._session_for(caller, upload_id)
        if session["status"] != "pending" or "multipart_id" not in session:
            raise ServiceError(
                409, "not-multipart", f"upload {upload_id} takes no parts now"
            )
        try:
            joined = sorted((int(p["number"]), str(p["etag"])) for p in parts)
        except (KeyError, TypeError, ValueError):
            raise ServiceError(
                400, "bad-request", "parts must be objects with number and etag"
            ) from None
        self.s3.complete_multipart_upload(
            Bucket=self.bucket,
            Key=f"incoming/{upload_id}.zip",
            UploadId=session["multipart_id"],
            MultipartUpload={
                "Parts": [{"PartNumber": n, "ETag": etag} for n, etag in joined]
            },
        )
        return self._public_session(session)

    @staticmethod
    def _public_session(session: dict[str, Any]) -> dict[str, Any]:
        keys = ("id", "module", "version", "size", "h1", "status", "message", "owner")
        return {k: session[k] for k in keys if k in session}

    def _session_for(self, caller: Caller, upload_id: str) -> dict[str, Any]:
        if not UPLOAD_ID_PATTERN.match(upload_id):
            raise ServiceError(404, "no-such-upload", f"no upload {upload_id!r}")
        session = self._get_json(f"uploads/{upload_id}.json")
        if session is None or session.get("owner_sub") != caller.sub:
            raise ServiceError(404, "no-such-upload", f"no upload {upload_id!r}")
        return session

    def get_upload(self, caller: Caller, upload_id: str) -> dict[str, Any]:
        """The state of one of the caller's uploads."""
        return self._public_session(self._session_for(caller, upload_id))

    def cancel_upload(self, caller: Caller, upload_id: str) -> dict[str, Any]:
        """Cancel a pending upload; a finished one is left as it is."""
        session = self._session_for(caller, upload_id)
        if session["status"] == "pending":
            session.update(status="cancelled", message="cancelled by the user")
            self._put_json(f"uploads/{upload_id}.json", session)
            if "multipart_id" in session:
                self.s3.abort_multipart_upload(
                    Bucket=self.bucket,
                    Key=f"incoming/{upload_id}.zip",
                    UploadId=session["multipart_id"],
                )
            self.s3.delete_object(Bucket=self.bucket, Key=f"incoming/{upload_id}.zip")
        return self._public_session(session)

    # -- the worker -------------------------------------------------------

    def process_incoming(self, key: str) -> dict[str, Any]:
        """Check an uploaded zip and publish it; returns the upload's outcome."""
        match = re.fullmatch(r"incoming/([0-9a-f]{32})\.zip", key)
        if match is None:
            logger.warning("ignoring unexpected object %s", key)
            return {"status": "ignored"}
        upload_id = match.group(1)
        session = self._get_json(f"uploads/{upload_id}.json")
        if session is None or session["status"] != "pending":
            # A queue may deliver twice; a decided upload stays decided.
            logger.info("upload %s already handled or unknown", upload_id)
            return {"status": "ignored"}

        with tempfile.TemporaryDirectory(prefix="gomodpub-") as scratch:
            zip_path = os.path.join(scratch, "module.zip")
            outcome = self._publish_zip(session, key, zip_path)

        session.update(outcome)
        session["finished"] = self.clock()
        self._put_json(f"uploads/{upload_id}.json", session)
        self.s3.delete_object(Bucket=self.bucket, Key=key)
        logger.info(
            "upload %s of %s@%s: %s",
            upload_id,
            session["module"],
            session["version"],
            session["status"],
        )
        if outcome["status"] == "published":
            self._announce(session)
        return outcome

    def fail_upload(self, key: str, message: str) -> None:
        """Mark the pending upload of ``key`` as failed, so its client stops waiting."""
        match = re.fullmatch(r"incoming/([0-9a-f]{32})\.zip", key)
        session = self._get_json(f"uploads/{match.group(1)}.json") if match else None
        if session is None or session["status"] != "pending":
            return
        session.update(
            status="rejected", code="internal", message=f"{message}; try again"
        )
        self._put_json(f"uploads/{session['id']}.json", session)

    def _publish_zip(
        self, session: dict[str, Any], key: str, zip_path: str
    ) -> dict[str, str]:
        module_path, version = session["module"], session["version"]

        # Never trust the client: the zip is checked and hashed again here.
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        if head["ContentLength"] != session["size"] or head["ContentLength"] > (
            MAX_ZIP_FILE
        ):
            return _rejected("the uploaded size differs from the announced size")
        self.s3.download_file(self.bucket, key, zip_path)
        try:
            report = check_zip(module.ModuleVersion(module_path, version), zip_path)
            report.raise_for_problems()
            # The check reads every entry already and hashes as it goes.
            h1 = report.h1 or hash_zip(zip_path)
            go_mod = _read_go_mod(zip_path, module_path, version)
        except (ZipError, InvalidModuleError) as error:
            return _rejected(f"the module zip is not valid: {error}")
        if h1 != session["h1"]:
            return _rejected(
                f"the uploaded zip hashes to {h1}, not to the announced {session['h1']}"
            )
        if go_mod is None:
            # Modules without go.mod get a minimal one, as the go command does.
            go_mod = f"module {module_path}\n".encode()
        elif problem := _go_mod_problem(go_mod, module_path, version):
            return _rejected(problem)

        # Someone may have claimed the path since the upload started. The
        # user's own index of modules lets GET /modules list them cheaply.
        caller = Caller(sub=session["owner_sub"], username=session["owner"])
        other = self._claim(caller, module_path)
        if other is not None:
            return {
                "status": "rejected",
                "code": "not-owner",
                "message": _not_owner_message(module_path, other),
            }
        self._put_json(
            self._user_module_key(caller.sub, module_path), {"module": module_path}
        )

        # The .ziphash claims the version: of two racing uploads one write wins.
        ziphash_key = self._version_key(module_path, version, "ziphash")
        if not self._put(ziphash_key, h1.encode() + b"\n", create_only=True):
            published = (self._get(ziphash_key) or b"").decode().strip()
            if published != h1:
                return {
                    "status": "conflict",
                    "code": "version-exists",
                    "message": f"{module_path}@{version} was published meanwhile "
                    f"with other content ({published})",
                    "published_h1": published,
                }

        # Same content as the claim: writing what is missing is safe to repeat.
        self._put(
            self._version_key(module_path, version, "mod"), go_mod, create_only=True
        )
        self._put_file(
            self._version_key(module_path, version, "zip"),
            zip_path,
            tagging=ZIP_TAGGING,
        )
        info = {"Version": version, "Time": _rfc3339(self.clock())}
        self._put_json(
            self._version_key(module_path, version, "info"), info, create_only=True
        )
        return {"status": "published", "message": f"published {module_path}@{version}"}

    def _get_head(self, module_path: str, version: str, ext: str) -> Any:
        try:
            return self.s3.head_object(
                Bucket=self.bucket, Key=self._version_key(module_path, version, ext)
            )
        except Exception as error:
            if _is_missing(error):
                return None
            raise

    def _announce(self, session: dict[str, Any]) -> None:
        if not (self.sns and self.topic_arn):
            return
        try:
            self.sns.publish(
                TopicArn=self.topic_arn,
                Subject=f"Published {session['module']}@{session['version']}",
                Message=json.dumps(self._public_session(session)),
            )
        except Exception:
            # The version is published; a lost notice must not undo that.
            logger.exception("could not announce upload %s", session["id"])

    # -- GOPROXY reads ----------------------------------------------------

    def versions(self, module_path: str) -> list[str]:
        """The published versions of a module, in semver order."""
        prefix = f"proxy/{module.escape_path(module_path)}/@v/"
        found: list[str] = []
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(prefix) :]
                # .info is written last, so its presence means "complete".
                if name.endswith(".info"):
                    found.append(module.unescape_version(name[: -len(".info")]))
        return semver.sort_versions(found)

    def proxy(self, path: str) -> ProxyAnswer:
        """Answer a GOPROXY request for ``path`` (the part after /proxy/)."""
        try:
            return self._proxy(path)
        except InvalidModuleError as error:
            return ProxyAnswer(404, f"not found: {error}\n".encode())

    def _proxy(self, path: str) -> ProxyAnswer:
        if path.endswith("/@latest"):
            module_path = module.unescape_path(path[: -len("/@latest")])
            module.check_path(module_path)
            published = self.versions(module_path)
            releases = [v for v in published if not semver.prerelease(v)]
            if not published:
                return _not_found(f"{module_path}: no published versions")
            latest = (releases or published)[-1]
            return self._object_answer(
                self._version_key(module_path, latest, "info"), "application/json"
            )

        escaped_path, sep, rest = path.partition("/@v/")
        if not sep or "/" in rest:
            return _not_found(f"unknown path {path!r}")
        module_path = module.unescape_path(escaped_path)
        module.check_path(module_path)
        if rest == "list":
            listing = "".join(f"{v}\n" for v in self.versions(module_path))
            return ProxyAnswer(200, listing.encode())

        stem, dot, ext = rest.rpartition(".")
        if not dot or ext not in ("info", "mod", "zip"):
            return _not_found(f"unknown path {path!r}")
        version = module.unescape_version(stem)
        key = self._version_key(module_path, version, ext)
        if ext == "zip":
            if self._get_head(module_path, version, "info") is None:
                return _not_found(f"{module_path}@{version}: not published")
            # A Lambda answer is capped at 6 MB, so the zip comes straight from S3.
            url = self.s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": key},
                ExpiresIn=PRESIGN_SECONDS,
            )
            return ProxyAnswer(302, b"", headers={"Location": url})
        content_type = "application/json" if ext == "info" else "text/plain"
        return self._object_answer(key, content_type)

    def _object_answer(self, key: str, content_type: str) -> ProxyAnswer:
        data = self._get(key)
        if data is None:
            return _not_found(f"{key.removeprefix('proxy/')}: not published")
        return ProxyAnswer(200, data, content_type)

    # -- tokens -----------------------------------------------------------

    def may_read(self, authorization: str | None) -> bool:
        """Whether a GOPROXY read with this Authorization header is allowed."""
        if self.public_reads:
            return True
        token = basic_auth_token(authorization)
        return token is not None and self.token_is_valid(token)

    def token_is_valid(self, token: str) -> bool:
        """Whether a personal access token is known and not expired."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        record = self._get_json(f"tokens/{digest}.json")
        if record is None:
            return False
        return float(record.get("expires_at", float("inf"))) > self.clock()

    def create_token(
        self, caller: Caller, name: str, days: int = TOKEN_DAYS
    ) -> dict[str, Any]:
        """Make a personal access token for the go command; shown only once.

        Only its SHA-256 is stored, under ``tokens/``, where the proxy looks it
        up; a per-user record under ``users/`` lets its owner list and revoke it.
        """
        name = name.strip()
        if not name or len(name) > 100:
            raise ServiceError(
                400, "bad-request", "name the token (1 to 100 characters)"
            )
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise ServiceError(
                400,
                "bad-request",
                f"a token lasts from 1 to {MAX_TOKEN_DAYS} days, not {days}",
            )
        token = f"gmp_{secrets.token_urlsafe(32)}"
        digest = hashlib.sha256(token.encode()).hexdigest()
        token_id = digest[:16]
        record = {
            "id": token_id,
            "name": name,
            "owner_sub": caller.sub,
            "owner": caller.username,
            "created": _rfc3339(self.clock()),
            "expires": _rfc3339(self.clock() + days * 86400),
            "expires_at": self.clock() + days * 86400,
        }
        self._put_json(f"tokens/{digest}.json", record)
        self._put_json(
            f"users/{caller.sub}/tokens/{token_id}.json", {**record, "sha256": digest}
        )
        logger.info("token %s created for %s", token_id, caller.username)
        return {**_public_token(record), "token": token}

    def list_tokens(self, caller: Caller) -> list[dict[str, Any]]:
        """The caller's tokens, without their secrets."""
        prefix = f"users/{caller.sub}/tokens/"
        found = []
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                record = self._get_json(item["Key"])
                if record is not None:
                    found.append(_public_token(record))
        return sorted(found, key=lambda t: (t["created"], t["id"]))

    def revoke_token(self, caller: Caller, token_id: str) -> None:
        """Revoke one of the caller's tokens at once."""
        key = f"users/{caller.sub}/tokens/{token_id}.json"
        record = (
            self._get_json(key) if re.fullmatch(r"[0-9a-f]{16}", token_id) else None
        )
        if record is None:
            raise ServiceError(404, "no-such-token", f"no token {token_id!r}")
        self.s3.delete_object(Bucket=self.bucket, Key=f"tokens/{record['sha256']}.json")
        self.s3.delete_object(Bucket=self.bucket, Key=key)
        logger.info("token %s revoked by %s", token_id, caller.username)


def _public_token(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in ("id", "name", "created", "expires") if k in record}


def basic_auth_token(header: str | None) -> str | None:
    """The password part of an HTTP Basic Authorization header, if any."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2] or None


def _owner_names(module_path: str) -> tuple[str, list[str]]:
    """Escaped names of owner records: module_path's own, and the paths above it.

    A record is named by the module path without its major suffix, so that
    all major versions of a module share one. The paths above stop short of
    the host.
    """
    _, path_major, _ = module.split_path_version(module_path)
    escaped = module.escape_path(module_path)
    # A major suffix ("/v2", ".v3") has no upper-case letter to escape.
    root = escaped[: len(escaped) - len(path_major)]
    elements = root.split("/")
    # A host alone (example.com) owns itself only: whoever published a module
    # at a bare host first must not own every path of that host.
    return root, ["/".join(elements[:i]) for i in range(len(elements) - 1, 1, -1)]


def _not_owner_message(module_path: str, owner: dict[str, Any]) -> str:
    username = owner.get("username") or "another user"
    owned = str(owner.get("module") or "")
    root = module.split_path_version(module_path)[0]
    if not owned or owned == root:
        return f"{module_path} belongs to {username}"
    if module_path.startswith(owned + "/"):
        return f"{module_path} is inside {owned}, which belongs to {username}"
    return f"{owned}, inside {root}, belongs to {username}"


def _not_found(message: str) -> ProxyAnswer:
    return ProxyAnswer(404, f"not found: {message}\n".encode())


def _rejected(message: str) -> dict[str, str]:
    return {"status": "rejected", "code": "invalid-zip", "message": message}


def _rfc3339(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(int(seconds), tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _read_go_mod(zip_path: str, module_path: str, version: str) -> bytes | None:
    """The go.mod inside a checked module zip, or None if it has none."""
    return read_zip_file(module.ModuleVersion(module_path, version), zip_path, "go.mod")


def _go_mod_problem(data: bytes, module_path: str, version: str) -> str:
    """Why the go command could not use this go.mod for this version, or ""."""
    name = f"{module_path}@{version}/go.mod"
    try:
        # Served as text by the API, and the go command reads it as UTF-8.
        data.decode("utf-8")
        parsed = parse_lax(data, name)
    except UnicodeDecodeError:
        return "go.mod is not UTF-8 text"
    except ModFileError as error:
        return f"go.mod does not parse: {error}"
    declared = parsed.module.path if parsed.module else ""
    if declared != module_path:
        return (
            f"go.mod declares module {declared or 'nothing'}, not {module_path}; "
            "the go command would refuse it"
        )
    return "; ".join(
        w.message
        for w in assess(module_path, version, [], parsed)
        if w.severity == "error"
    )
