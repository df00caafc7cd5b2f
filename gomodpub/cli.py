"""The ``gomodpub`` command: the app with no arguments, the command line otherwise.

Every error raised on purpose is a ``GomodpubError``; :class:`Cli` turns it
into one line on stderr (or a JSON object with ``--json``) and exit status 1,
so nobody sees a traceback for a problem they can fix.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click
import httpx

from gomodpub.core.errors import GomodpubError

logger = logging.getLogger(__name__)


def _emit_json(value: dict[str, Any]) -> None:
    click.echo(json.dumps(value, indent=2))


class Cli(click.Group):
    """A click group that turns gomodpub's errors into clear messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GomodpubError as error:
            message = str(error)
            if getattr(error, "code", "") == "unreachable" and (ctx.obj or {}).get(
                "local"
            ):
                message += "; the local registry stopped: run the command again"
            _fail(ctx, message)
        except BrokenPipeError:
            # The reader went away (`| head`): stop writing to it, quietly.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as error:
            # A file the user named could not be read or written.
            where = f" {error.filename}" if error.filename else ""
            _fail(ctx, f"cannot use{where}: {error.strerror or error}")
        except KeyboardInterrupt:
            click.echo("gomodpub: interrupted", err=True)
            sys.exit(130)


def _fail(ctx: click.Context, message: str) -> None:
    """Tell the user what went wrong, as JSON when asked, and exit 1."""
    if _wants_json(ctx):
        _emit_json({"status": "error", "message": message})
    else:
        click.echo(f"gomodpub: {message}", err=True)
    sys.exit(1)


def _wants_json(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("json"))


def _remember_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Note --json where errors are reported, so they come out as JSON too."""
    ctx.find_root().ensure_object(dict)["json"] = value
    return value


def _json_option(what: str) -> Any:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help=f"Print {what} as JSON.",
        callback=_remember_json,
    )


def _password(confirm: bool = False) -> str:
    """The password from GOMODPUB_PASSWORD, else asked for without echo."""
    from gomodpub.core.connection import PASSWORD_VARIABLE

    password = os.environ.get(PASSWORD_VARIABLE)
    if password:
        return password
    if not sys.stdin.isatty():
        raise GomodpubError(
            f"no password: set {PASSWORD_VARIABLE} or run this in a terminal"
        )
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Password again: ") != password:
        raise GomodpubError("the two passwords differ")
    return password


def _local_registry() -> Any:
    from gomodpub.core.settings import data_dir
    from gomodpub.registry.local import LocalRegistry

    return LocalRegistry(data_dir() / "local-registry")


class _StartingLauncher:
    """Starts the local registry on demand, saying so on stderr."""

    def __init__(self, quiet: bool) -> None:
        self.registry = _local_registry()
        self.quiet = quiet
        self.started = False

    def status(self) -> Any:
        return self.registry.status()

    def up(self) -> Any:
        running = self.registry.status()
        if running is not None:
            return running
        if not self.quiet:
            click.echo("starting the local registry…", err=True)
        endpoints = self.registry.up()
        self.started = True
        return endpoints

    def release(self) -> None:
        if self.started:
            self.registry.down()
            self.started = False


def _connect(ctx: click.Context, quiet: bool = False) -> Any:
    from gomodpub.core.connection import connect

    connection = connect(ctx.obj["registry"], _StartingLauncher(quiet))
    # Only the local registry's Cognito has an endpoint of its own.
    ctx.obj["local"] = bool(connection.config.cognito_endpoint)
    return connection


@click.group(cls=Cli, invoke_without_command=True)
@click.option(
    "--registry",
    metavar="URL",
    help="Config URL of the registry (default: GOMODPUB_REGISTRY, else local).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.version_option(package_name="gomodpub")
@click.pass_context
def main(ctx: click.Context, registry: str | None, verbose: bool) -> None:
    """Publish Go modules to a private Go module registry.

    With no command, opens the app.
    """
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    # -v is about gomodpub's own steps, not every request boto3 and httpx make.
    logging.getLogger("gomodpub").setLevel(
        logging.DEBUG if verbose else logging.WARNING
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    ctx.obj = {"registry": registry}
    if ctx.invoked_subcommand is None:
        _require_display()
        from gomodpub.gui.app import run_app

        sys.exit(run_app(registry_url=registry, launcher=_StartingLauncher(True)))


def _require_display() -> None:
    """Refuse to open the app where Qt would find no screen to open it on."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    raise GomodpubError(
        "there is no display to open the app on (DISPLAY and WAYLAND_DISPLAY are "
        "unset); use the command line instead (gomodpub --help)"
    )


# -- the local registry --------------------------------------------------------


@main.group()
def registry() -> None:
    """Run the local registry, or deploy one to your AWS account."""


def _print_endpoints(endpoints: Any, as_json: bool) -> None:
    if as_json:
        _emit_json({"running": True, **endpoints.to_json()})
        return
    click.echo(f"local registry running (pid {endpoints.pid})")
    click.echo(f"  config URL: {endpoints.config_url}")
    click.echo(f"  API:        {endpoints.api_url}")
    click.echo(f"  GOPROXY:    {endpoints.goproxy}")
    click.echo(f"  AWS:        {endpoints.endpoint}")


@registry.command("up")
@_json_option("the endpoints")
def registry_up(as_json: bool) -> None:
    """Start the local registry and deploy it (nothing to do if it runs)."""
    local = _local_registry()
    if not as_json and local.status() is None:
        click.echo("starting the local registry…", err=True)
    _print_endpoints(local.up(), as_json)


@registry.command("status")
@_json_option("the endpoints")
def registry_status(as_json: bool) -> None:
    """Tell whether the local registry runs, and where."""
    endpoints = _local_registry().status()
    if endpoints is None:
        if as_json:
            _emit_json({"running": False})
        else:
            click.echo(
                "the local registry is not running; start it: gomodpub registry up"
            )
        sys.exit(3)
    _print_endpoints(endpoints, as_json)


@registry.command("down")
def registry_down() -> None:
    """Stop the local registry, saving its state."""
    if _local_registry().down():
        click.echo("the local registry stopped")
    else:
        click.echo("the local registry was not running")


def _aws_session(
    region: str | None, profile: str | None, endpoint_url: str | None
) -> tuple[Any, str, str]:
    """A boto3 session for the user's account, its id and its region."""
    from gomodpub.core.aws import EndpointSession

    if endpoint_url:
        session: Any = EndpointSession(endpoint_url, region or "us-east-1")
    else:
        import boto3

        session = boto3.Session(profile_name=profile, region_name=region)
        if not session.region_name:
            raise GomodpubError(
                "no AWS region: pass --region or set one in the profile (on the "
                "local registry, people make their own accounts: gomodpub signup)"
            )
    try:
        account = session.client("sts").get_caller_identity()["Account"]
    except Exception as error:
        raise GomodpubError(
            f"cannot use your AWS credentials: {error}; configure them with "
            "`aws configure` or pass --profile"
        ) from None
    return session, account, region or getattr(session, "region_name", "us-east-1")


@registry.command("add-user")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--stack-name", default="gomodpub", show_default=True)
@click.option("--region", help="AWS region (default: the AWS profile's).")
@click.option("--profile", help="AWS profile to use.")
@click.option("--endpoint-url", hidden=True, help="An AWS emulator's URL.")
def registry_add_user(
    username: str,
    email: str,
    stack_name: str,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
) -> None:
    """Create an account on your registry (password from GOMODPUB_PASSWORD)."""
    from gomodpub.registry.deploy import add_user

    session, _, _ = _aws_session(region, profile, endpoint_url)
    add_user(session, stack_name, username, email, _password(confirm=True))
    click.echo(f"account {username} created on {stack_name}; they can sign in now")


@registry.command("deploy")
@click.option("--stack-name", default="gomodpub", show_default=True)
@click.option("--region", help="AWS region (default: the AWS profile's).")
@click.option("--profile", help="AWS profile to deploy with.")
@click.option("--public-reads", is_flag=True, help="Serve GOPROXY without tokens.")
@click.option(
    "--archive-after-days",
    default=90,
    show_default=True,
    help="Days before module zips move to Glacier Instant Retrieval.",
)
@click.option("--notify", metavar="EMAIL", default="", help="Mail each publication.")
@click.option(
    "--self-signup",
    is_flag=True,
    help="Let anyone who reaches it sign up (default: registry add-user only).",
)
@click.option("--endpoint-url", hidden=True, help="Deploy to an AWS emulator.")
@click.option("--use", "use_it", is_flag=True, help="Publish to it from now on.")
@_json_option("the endpoints")
def registry_deploy(
    stack_name: str,
    region: str | None,
    profile: str | None,
    public_reads: bool,
    archive_after_days: int,
    notify: str,
    self_signup: bool,
    endpoint_url: str | None,
    use_it: bool,
    as_json: bool,
) -> None:
    """Deploy (or update) the registry on your AWS account."""
    from gomodpub.core.settings import Settings
    from gomodpub.registry.deploy import deploy

    session, account, region_name = _aws_session(region, profile, endpoint_url)
    if not as_json:
        click.echo(f"deploying stack {stack_name} to account {account}…", err=True)
    outputs = deploy(
        session,
        stack_name=stack_name,
        artifacts_bucket=f"{stack_name}-artifacts-{account}-{region_name}",
        parameters={
            "PublicReads": "true" if public_reads else "false",
            "ArchiveAfterDays": str(archive_after_days),
            "NotificationEmail": notify,
            "SelfSignUp": "true" if self_signup else "false",
        },
    )
    if use_it:
        settings = Settings.load()
        settings.registry_url = outputs.config_url
        settings.save()
    if as_json:
        _emit_json(
            {
                "config_url": outputs.config_url,
                "api_url": outputs.api_url,
                "goproxy": outputs.goproxy,
                "user_pool_id": outputs.user_pool_id,
                "client_id": outputs.client_id,
                "region": outputs.region,
            }
        )
        return
    click.echo(f"registry {stack_name} is deployed")
    click.echo(f"  config URL: {outputs.config_url}")
    click.echo(f"  GOPROXY:    {outputs.goproxy}")
    if not use_it:
        click.echo(f"publish to it with: gomodpub --registry {outputs.config_url} …")


# -- accounts -------------------------------------------------------------------


def _sign_in(connection: Any) -> Any:
    """The session: resumed, from GOMODPUB_PASSWORD, or asked for in a terminal."""
    ask = (
        (lambda username: getpass.getpass(f"Password for {username}: "))
        if (sys.stdin.isatty())
        else None
    )
    return connection.ensure_signed_in(ask_password=ask)


def _warn_without_keyring(connection: Any) -> None:
    if not connection.auth.store.persistent:
        click.echo(
            "note: this system has no keyring, so the session lasts for this "
            "command only; later commands sign in again with GOMODPUB_PASSWORD",
            err=True,
        )


@main.command()
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.pass_context
def signup(ctx: click.Context, username: str, email: str) -> None:
    """Create an account on the registry (password from GOMODPUB_PASSWORD)."""
    connection = _connect(ctx)
    password = _password(confirm=True)
    if connection.auth.sign_up(username, email, password):
        connection.auth.sign_in(username, password)
        connection.remember_user(username)
        click.echo(f"account {username} created; you are signed in")
        _warn_without_keyring(connection)
    else:
        click.echo(
            f"account {username} created; confirm it with the code mailed to "
            f"{email}: gomodpub confirm --username {username} --code CODE"
        )


@main.command()
@click.option("--username", required=True)
@click.option("--code", required=True, help="The code from the confirmation mail.")
@click.pass_context
def confirm(ctx: click.Context, username: str, code: str) -> None:
    """Confirm a new account with the code mailed to it."""
    connection = _connect(ctx)
    connection.auth.confirm(username, code)
    click.echo(f"account {username} confirmed; sign in with gomodpub login")


@main.command()
@click.option("--username", help="Defaults to the last user who signed in.")
@click.pass_context
def login(ctx: click.Context, username: str | None) -> None:
    """Sign in (password from GOMODPUB_PASSWORD, else asked for)."""
    if username is not None and not username.strip():
        raise GomodpubError("the username is empty; pass --username NAME")
    connection = _connect(ctx)
    username = username or connection.last_username
    if not username:
        raise GomodpubError("which user? pass --username NAME")
    connection.auth.sign_in(username, _password())
    connection.remember_user(username)
    click.echo(f"signed in as {username}")
    _warn_without_keyring(connection)


@main.command()
@click.pass_context
def logout(ctx: click.Context) -> None:
    """Forget the saved session."""
    connection = _connect(ctx, quiet=True)
    connection.auth.sign_out(connection.last_username)
    click.echo("signed out")


@main.command()
@_json_option("the modules")
@click.pass_context
def modules(ctx: click.Context, as_json: bool) -> None:
    """List the modules you have published, with their versions."""
    connection = _connect(ctx, quiet=as_json)
    _sign_in(connection)
    found = connection.client.modules()
    if as_json:
        _emit_json({"modules": found, "goproxy": connection.config.goproxy})
        return
    for item in found:
        click.echo(f"{item['module']}  {' '.join(item['versions'])}")
    if not found:
        click.echo("no modules yet; publish one with: gomodpub publish DIR --version V")


@main.group()
def token() -> None:
    """Personal access tokens, for the go command to read modules."""


@token.command("create")
@click.argument("name")
@click.option("--days", default=90, show_default=True, help="How long it lasts.")
@_json_option("the token")
@click.pass_context
def token_create(ctx: click.Context, name: str, days: int, as_json: bool) -> None:
    """Make a token called NAME; its secret is shown only now."""
    connection = _connect(ctx, quiet=as_json)
    session = _sign_in(connection)
    made = connection.client.create_token(name, days)
    host = httpx.URL(connection.config.goproxy).host
    if as_json:
        _emit_json({**made, "goproxy": connection.config.goproxy})
        return
    click.echo(
        f"token {made['id']} ({made['name']}, until {made['expires']}): {made['token']}"
    )
    click.echo("It is shown only once. For the go command, add to ~/.netrc:")
    click.echo(f"  machine {host} login {session.username} password {made['token']}")
    click.echo(f"and use GOPROXY={connection.config.goproxy}")


@token.command("list")
@_json_option("the tokens")
@click.pass_context
def token_list(ctx: click.Context, as_json: bool) -> None:
    """List your tokens (never their secrets)."""
    connection = _connect(ctx, quiet=as_json)
    _sign_in(connection)
    tokens = connection.client.list_tokens()
    if as_json:
        _emit_json({"tokens": tokens})
        return
    for item in tokens:
        click.echo(f"{item['id']}  until {item.get('expires', '-')}  {item['name']}")
    if not tokens:
        click.echo("no tokens; make one with: gomodpub token create NAME")


@token.command("revoke")
@click.argument("token_id")
@click.pass_context
def token_revoke(ctx: click.Context, token_id: str) -> None:
    """Revoke the token TOKEN_ID at once."""
    connection = _connect(ctx)
    _sign_in(connection)
    connection.client.revoke_token(token_id)
    click.echo(f"token {token_id} revoked")


# -- packing and publishing -------------------------------------------------------


def _source(directory: Path, version: str, module_path: str | None) -> Any:
    from gomodpub.core.publish import resolve_source

    return resolve_source(directory, version, module_path)


_DIR = click.Path(file_okay=False, path_type=Path)


@main.command()
@click.argument("directory", type=_DIR)
@click.option("--version", "version", required=True, help="The version, e.g. v1.2.3.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--module", "module_path", help="Module path for a folder without go.mod."
)
@_json_option("the result")
def pack(
    directory: Path, version: str, out: Path, module_path: str | None, as_json: bool
) -> None:
    """Pack DIRECTORY into a module zip, as the go command would."""
    from gomodpub.core.publish import pack as pack_source

    source = _source(directory, version, module_path)
    if out.resolve().is_relative_to(directory.resolve()):
        raise GomodpubError(
            f"{out} is inside the module folder, so the next zip of {directory} "
            "would hold it: write the zip somewhere else"
        )
    try:
        packed = pack_source(source, out)
    except OSError as error:
        raise GomodpubError(f"cannot write {out}: {error.strerror or error}") from None
    if as_json:
        _emit_json(
            {
                "module": source.module_path,
                "version": source.version,
                "h1": packed.h1,
                "files": [f.name for f in packed.files],
                "omitted": [
                    {"path": o.path, "reason": o.reason} for o in packed.omitted
                ],
                "size": packed.size,
            }
        )
        return
    click.echo(f"{out}: {len(packed.files)} files, {packed.size} bytes")
    click.echo(f"{source.module_path} {source.version} {packed.h1}")
    for omitted in packed.omitted:
        click.echo(f"  left out {omitted.path}: {omitted.reason}")


def _print_differences(differences: dict[str, list[str]] | None) -> None:
    if not differences:
        return
    for what in ("changed", "added", "removed"):
        for name in differences.get(what, []):
            click.echo(f"  {what:8} {name}", err=True)
    for line in differences.get("go_mod_diff", []):
        click.echo(f"    {line}", err=True)


class _CancelOnInterrupt:
    """The first Ctrl-C asks the publication to stop; a second one aborts."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def asked(self) -> bool:
        return self.requested

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        click.echo("\ncancelling… (Ctrl-C again to abort at once)", err=True)

    def __enter__(self) -> _CancelOnInterrupt:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)


class _ProgressPrinter:
    """Prints steps on stderr, and the upload's bytes, rate and time left."""

    def __init__(self) -> None:
        self.progress: Any = None
        self.task: Any = None
        self.upload_label = "uploading"

    def on_step(self, step: str, message: str) -> None:
        self._close_bar()
        if step == "upload":
            # The bar says it, with the figures.
            self.upload_label = message
            return
        click.echo(f"{message}…", err=True)

    def on_progress(self, bytes_transferred: int, **kwargs: Any) -> None:
        if self.progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self.progress.start()
            total = int(kwargs.get("total", 0)) or None
            self.task = self.progress.add_task(self.upload_label, total=total)
        # A retried part rewinds: the count goes back by what it had sent.
        self.progress.advance(self.task, bytes_transferred)

    def _close_bar(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


@main.command()
@click.argument("directory", type=_DIR)
@click.option("--version", "version", required=True, help="The version, e.g. v1.2.3.")
@click.option(
    "--module", "module_path", help="Module path for a folder without go.mod."
)
@_json_option("the result")
@click.pass_context
def publish(
    ctx: click.Context,
    directory: Path,
    version: str,
    module_path: str | None,
    as_json: bool,
) -> None:
    """Publish DIRECTORY as VERSION to the registry."""
    from gomodpub.core.publish import (
        Publisher,
        PublishStatus,
        QuietListener,
        go_get_command,
    )

    source = _source(directory, version, module_path)
    connection = _connect(ctx, quiet=as_json)
    _sign_in(connection)
    listener: Any = QuietListener() if as_json else _ProgressPrinter()
    stop = _CancelOnInterrupt()
    try:
        with stop:
            publisher = Publisher(connection.client, listener, cancelled=stop.asked)
            result = publisher.publish(source)
    finally:
        if isinstance(listener, _ProgressPrinter):
            listener._close_bar()

    if as_json:
        _emit_json(result.to_json())
        sys.exit(0 if result.ok else 1)
    if result.status is PublishStatus.CANCELLED:
        click.echo(
            f"gomodpub: {result.message}; if the registry had already begun "
            f"checking the zip, {source.module_path}@{source.version} may still "
            "be published: publish again to find out",
            err=True,
        )
        sys.exit(130)
    if not result.ok:
        click.echo(f"gomodpub: {result.message}", err=True)
        _print_differences(result.details.get("differences"))
        sys.exit(1)
    click.echo(result.message)
    for warning in result.details.get("warnings", []):
        click.echo(f"  {warning['severity']}: {warning['message']}", err=True)
    click.echo(f"  {result.h1}")
    click.echo(
        f"  use it: {go_get_command(result.goproxy, result.module, result.version)}"
    )
