"""The local registry: MiniStack on 127.0.0.1 with the registry's stack on it.

MiniStack runs as a background process of its own, so the registry outlives
the command that started it; ``down`` stops it with SIGTERM, and MiniStack
saves its user pools and stacks then (and, through our runner, every few
seconds). S3 objects are written through to disk at once, so published
versions survive even a crash. One lock per folder keeps two commands from
starting two registries over the same state.

Everything lives under one folder (by default the user's data directory):

- ``registry.json``: the port, the process id and the endpoints;
- ``ministack.log``: MiniStack's own output, for when something goes wrong;
- ``state/`` and ``s3/``: MiniStack's saved state and S3 objects.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from gomodpub.core.aws import EndpointSession
from gomodpub.core.errors import LocalRegistryError
from gomodpub.registry.deploy import (
    STACK_NAME,
    DeployError,
    StackOutputs,
    delete_stack,
    deploy,
    stack_exists,
)

try:
    import fcntl
except ImportError:  # Windows has no flock; the app runs one registry there.
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
REGION = "us-east-1"
ARTIFACTS_BUCKET = "gomodpub-artifacts"
# Where a crash's surviving objects wait while the stack is created again.
SET_ASIDE_BUCKET = "gomodpub-set-aside"
START_TIMEOUT = 60.0
# How many health checks (of up to 2 s each, a second apart) a running
# MiniStack gets before `up` takes it for hung and replaces it.
HEALTH_TRIES = 3
STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class LocalEndpoints:
    """Where the running local registry answers."""

    endpoint: str
    port: int
    pid: int
    api_url: str
    config_url: str
    goproxy: str
    user_pool_id: str
    client_id: str
    region: str

    def to_json(self) -> dict[str, Any]:
        """The endpoints as a JSON object."""
        return asdict(self)


def default_data_dir() -> Path:
    """The user's data folder for the local registry."""
    import platformdirs

    return Path(platformdirs.user_data_dir("gomodpub")) / "local-registry"


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server will: a port left in TIME_WAIT by our last run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalRegistry:
    """Start, deploy, inspect and stop the local registry.

    Args:
        data_dir: the folder holding the registry's state and its log.
        python: the interpreter that runs MiniStack (it needs MiniStack and
            boto3 installed, as gomodpub's own environment has).
    """

    def __init__(self, data_dir: Path | None = None, python: str = sys.executable):
        self.data_dir = data_dir or default_data_dir()
        self.python = python
        self.state_file = self.data_dir / "registry.json"
        self.log_file = self.data_dir / "ministack.log"

    # -- state -------------------------------------------------------------

    def _read_state(self) -> dict[str, Any]:
        """The saved state, with a pid and port only where they make sense."""
        try:
            value = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(value, dict):
            return {}
        # A damaged file must never make us signal pid -1 (every process).
        pid, port = value.get("pid"), value.get("port")
        if not (isinstance(pid, int) and pid > 1):
            value.pop("pid", None)
        if not (isinstance(port, int) and 0 < port < 65536):
            value.pop("port", None)
        return value

    def _running_pid(self, state: dict[str, Any]) -> int | None:
        """The pid of our running MiniStack from the state, or None."""
        pid = state.get("pid")
        if pid is None or not _process_alive(pid) or not _runs_ministack(pid):
            return None
        return int(pid)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the registry's lock: one up or down at a time per folder."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / "registry.lock", "w") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _write_state(self, state: dict[str, Any]) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2))
        temporary.replace(self.state_file)

    def _healthy(self, port: int) -> bool:
        try:
            response = httpx.get(f"http://{HOST}:{port}/_ministack/health", timeout=2)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def _answers_soon(self, port: int) -> bool:
        """Whether MiniStack answers within a few tries: busy is not dead."""
        for attempt in range(HEALTH_TRIES):
            if self._healthy(port):
                return True
            if attempt + 1 < HEALTH_TRIES:
                time.sleep(1.0)
        return False

    def status(self) -> LocalEndpoints | None:
        """The endpoints of the running registry, or None when it is not running."""
        state = self._read_state()
        port = state.get("port")
        if not (self._running_pid(state) and port and "endpoints" in state):
            return None
        if not self._healthy(port):
            return None
        return LocalEndpoints(**state["endpoints"])

    # -- start ---------------------------------------------------------------

    def boto_session(self, port: int) -> EndpointSession:
        """A boto3 session whose clients talk to the MiniStack on ``port``."""
        return EndpointSession(f"http://{HOST}:{port}", REGION)

    def up(self) -> LocalEndpoints:
        """Start MiniStack if needed and deploy the registry on it.

        Raises:
            LocalRegistryError: MiniStack did not start or the deploy failed;
                the message points at the log.
        """
        with self._exclusive():
            state = self._read_state()
            port, pid = state.get("port"), self._running_pid(state)
            if not (pid and port and self._answers_soon(port)):
                if pid:
                    # Alive but not answering: it must not save over the state
                    # that the new one loads.
                    logger.warning(
                        "MiniStack (pid %s) does not answer; stopping it", pid
                    )
                    self._terminate(pid)
                port = self._start(port)
            try:
                outputs = self._deploy(port)
            except DeployError as error:
                raise LocalRegistryError(
                    f"the local registry could not be deployed: {error}\n"
                    f"MiniStack's log: {self.log_file}"
                ) from None
            endpoints = self._endpoints(port, outputs)
            state = self._read_state()
            state["endpoints"] = endpoints.to_json()
            self._write_state(state)
            return endpoints

    def _deploy(self, port: int) -> StackOutputs:
        """Deploy the stack, recovering from what a crash can leave behind.

        Deploying is a no-op when the stack is current. After a crash the
        stack may be gone while its bucket is not, or be there with parts of
        it missing; either way the published modules are set aside, the stack
        is built again, and the modules are put back.
        """
        session = self.boto_session(port)
        # Only this machine reaches it: reads and sign-up are open.
        parameters = {
            "LocalEndpoint": f"http://{HOST}:{port}",
            "PublicReads": "true",
            "SelfSignUp": "true",
        }
        set_aside_orphaned_bucket(session)
        outputs = deploy(
            session, artifacts_bucket=ARTIFACTS_BUCKET, parameters=parameters
        )
        if not _answers(outputs.config_url):
            logger.warning("the registry's stack is damaged; building it again")
            set_aside_bucket(session, outputs.bucket)
            delete_stack(session.client("cloudformation"), STACK_NAME)
            outputs = deploy(
                session, artifacts_bucket=ARTIFACTS_BUCKET, parameters=parameters
            )
        restore_set_aside_objects(session, outputs.bucket)
        if not _answers(outputs.config_url):
            raise DeployError("the API does not answer after deploying it")
        return outputs

    def _endpoints(self, port: int, outputs: StackOutputs) -> LocalEndpoints:
        return LocalEndpoints(
            endpoint=f"http://{HOST}:{port}",
            port=port,
            pid=int(self._read_state()["pid"]),
            api_url=outputs.api_url,
            config_url=outputs.config_url,
            goproxy=outputs.goproxy,
            user_pool_id=outputs.user_pool_id,
            client_id=outputs.client_id,
            region=outputs.region,
        )

    def _start(self, preferred_port: int | None) -> int:
        # The same port as last time keeps GOPROXY settings valid across runs.
        port = (
            preferred_port
            if preferred_port and _port_is_free(preferred_port)
            else _free_port()
        )
        state_dir = self.data_dir / "state"
        s3_dir = self.data_dir / "s3"
        for folder in (state_dir, s3_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if preferred_port and port != preferred_port:
            logger.warning(
                "port %s is taken; the local registry moves to port %s",
                preferred_port,
                port,
            )
            move_saved_state(state_dir, preferred_port, port)
        env = {
            **os.environ,
            "BIND_HOST": HOST,
            "GATEWAY_PORT": str(port),
            "MINISTACK_HOST": HOST,
            "PERSIST_STATE": "1",
            "STATE_DIR": str(state_dir),
            "S3_PERSIST": "1",
            "S3_DATA_DIR": str(s3_dir),
            "MINISTACK_REGION": REGION,
            "LOG_LEVEL": "WARNING",
            # These listeners bind every interface; the registry needs neither.
            "IOT_MTLS_ENABLED": "0",
            "SFTP_ENABLED": "0",
        }
        logger.info("starting MiniStack on %s:%s", HOST, port)
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(
                [self.python, "-m", "gomodpub.registry.ministack_runner"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                # Its own session: it outlives this command and a Ctrl-C here.
                start_new_session=True,
            )
        self._write_state({"pid": process.pid, "port": port})

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LocalRegistryError(
                    f"MiniStack exited at start (code {process.returncode}); "
                    f"see {self.log_file}"
                )
            if self._healthy(port):
                return port
            time.sleep(0.2)
        self._terminate(process.pid)
        raise LocalRegistryError(
            f"MiniStack did not answer within {START_TIMEOUT:.0f} s; "
            f"see {self.log_file}"
        )

    # -- stop ----------------------------------------------------------------

    def down(self) -> bool:
        """Stop the registry so that it saves its state; False if not running."""
        with self._exclusive():
            state = self._read_state()
            pid = self._running_pid(state)
            if pid is not None:
                self._terminate(pid)
            state.pop("pid", None)
            state.pop("endpoints", None)
            self._write_state(state)
            return pid is not None

    # TODO(Windows): stopping relies on POSIX signals and waitpid(WNOHANG), and
    # _process_alive on kill(pid, 0), which on Windows ends the process; the
    # app is built for Windows but the local registry was never run there.
    def _terminate(self, pid: int) -> None:
        # SIGTERM lets MiniStack save user pools and stacks before it exits.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline:
            if not _reap(pid):
                return
            time.sleep(0.1)
        logger.warning("MiniStack (pid %s) ignored SIGTERM; killing it", pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _reap(pid)


def move_saved_state(state_dir: Path, old_port: int, new_port: int) -> int:
    """Point MiniStack's saved state at a new port; return the files changed.

    MiniStack keeps SQS queues by their URL, which holds the port, and finds
    the queue of an event source mapping by the URL made from the current
    port: started on another port, it would never run the worker again.
    """
    old_origin = re.compile(rf"(?<![\w.]){re.escape(HOST)}:{old_port}(?!\d)")
    changed = 0
    for saved in sorted(state_dir.glob("*.json")):
        text = saved.read_text(encoding="utf-8")
        moved = old_origin.sub(f"{HOST}:{new_port}", text)
        if moved != text:
            temporary = saved.with_suffix(".moving")
            temporary.write_text(moved, encoding="utf-8")
            temporary.replace(saved)
            changed += 1
    return changed


def _reap(pid: int) -> bool:
    """Whether ``pid`` still runs, collecting it if it is our exited child."""
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return _process_alive(pid)


def _modules_bucket_name(session: EndpointSession) -> str:
    account = session.client("sts").get_caller_identity()["Account"]
    return f"{STACK_NAME}-modules-{account}-{REGION}"


def _bucket_exists(s3: Any, bucket: str) -> bool:
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception:
        return False
    return True


def _keys(s3: Any, bucket: str) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return keys


def _move_objects(s3: Any, source: str, target: str, *, skip_prefix: str = "") -> int:
    """Copy every object from source to target, then empty source."""
    moved = 0
    for key in _keys(s3, source):
        if not (skip_prefix and key.startswith(skip_prefix)):
            s3.copy_object(
                Bucket=target, Key=key, CopySource={"Bucket": source, "Key": key}
            )
            moved += 1
    # Deleted only once all are copied: a crash here leaves two copies, not none.
    for key in _keys(s3, source):
        s3.delete_object(Bucket=source, Key=key)
    return moved


def set_aside_orphaned_bucket(session: EndpointSession) -> None:
    """Move a bucket whose stack was lost (MiniStack was killed) out of the way.

    MiniStack saves stacks only from time to time, but writes S3 objects
    through at once, so after a crash the modules bucket can outlive its stack
    and block creating the stack again under the same bucket name.
    """
    if stack_exists(session.client("cloudformation"), STACK_NAME):
        return
    bucket = _modules_bucket_name(session)
    if _bucket_exists(session.client("s3"), bucket):
        logger.warning("the registry's stack was lost; setting its bucket aside")
        set_aside_bucket(session, bucket)


def set_aside_bucket(session: EndpointSession, bucket: str) -> None:
    """Move a modules bucket's objects to the set-aside bucket, then delete it."""
    s3 = session.client("s3")
    if not _bucket_exists(s3, SET_ASIDE_BUCKET):
        s3.create_bucket(Bucket=SET_ASIDE_BUCKET)
    # Abandoned uploads are left behind: their sessions time out anyway.
    moved = _move_objects(s3, bucket, SET_ASIDE_BUCKET, skip_prefix="incoming/")
    with contextlib.suppress(Exception):
        s3.delete_bucket(Bucket=bucket)
    logger.warning("set aside %d objects", moved)


def _answers(config_url: str) -> bool:
    """Whether the registry's API answers its config request."""
    try:
        response = httpx.get(config_url, timeout=30)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and "goproxy" in response.text


def _runs_ministack(pid: int) -> bool:
    """Whether pid runs MiniStack, so a stale pid never gets our signals."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        # No /proc (macOS): trust the pid, which the lock keeps current.
        return True
    return b"ministack" in command


def restore_set_aside_objects(session: EndpointSession, bucket: str) -> None:
    """Put objects set aside after a crash back into the new modules bucket."""
    s3 = session.client("s3")
    if not _bucket_exists(s3, SET_ASIDE_BUCKET):
        return
    moved = _move_objects(s3, SET_ASIDE_BUCKET, bucket)
    s3.delete_bucket(Bucket=SET_ASIDE_BUCKET)
    logger.warning("restored %d objects of the registry after a crash", moved)
