"""The command line's answers to bad input: one clear line, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gomodpub.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def module(tmp_path: Path) -> Path:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "go.mod").write_text("module example.com/m\n")
    (folder / "m.go").write_text("package m\n")
    return folder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pack", "{missing}", "--version", "v1.0.0", "--out", "{tmp}/x.zip"],
            "gomodpub: {missing} is not a folder\n",
        ),
        (
            ["pack", "{module}", "--version", "latest", "--out", "{tmp}/x.zip"],
            "gomodpub: 'latest' is not a semantic version; versions look like v1.2.3\n",
        ),
        (
            ["pack", "{module}", "--version", "v1.0.0", "--out", "{tmp}/no/dir/x.zip"],
            "gomodpub: cannot write {tmp}/no/dir/x.zip: No such file or directory\n",
        ),
        (
            ["pack", "{module}", "--version", "1.0.0", "--out", "{tmp}/x.zip"],
            "gomodpub: '1.0.0' is not a semantic version; versions look like v1.2.3 "
            "(did you mean v1.0.0?)\n",
        ),
        (
            ["pack", "{module}", "--version", "v1.0.0", "--out", "{module}/m.zip"],
            "gomodpub: {module}/m.zip is inside the module folder, so the next zip "
            "of {module} would hold it: write the zip somewhere else\n",
        ),
        (
            ["pack", "{module}", "--version", "v1.0.0", "--out", "{tmp}/fifo"],
            "gomodpub: {tmp}/fifo exists and is not a regular file; name a file for "
            "the zip\n",
        ),
        (
            # A registry named by URL is not the local one: no advice to start it.
            ["--registry", "http://127.0.0.1:9/config", "login", "--username", "ana"],
            "gomodpub: cannot reach the registry at http://127.0.0.1:9/config: "
            "[Errno 111] Connection refused\n",
        ),
        (
            ["login", "--username", " "],
            "gomodpub: the username is empty; pass --username NAME\n",
        ),
    ],
)
def test_bad_input_gets_one_clear_line(
    tmp_path: Path, module: Path, args: list[str], message: str
) -> None:
    names = {"missing": tmp_path / "missing", "module": module, "tmp": tmp_path}
    # Not a device: a broken check must not replace one on the test machine.
    os.mkfifo(tmp_path / "fifo")
    args = [a.format(**names) for a in args]

    code, stdout, stderr = run(*args)

    assert (code, stdout, stderr) == (1, "", message.format(**names))


def test_errors_come_out_as_json_with_json(tmp_path: Path, module: Path) -> None:
    code, stdout, _ = run(
        "pack",
        str(module),
        "--version",
        "v1",
        "--out",
        str(tmp_path / "m.zip"),
        "--json",
    )

    assert code == 1
    assert json.loads(stdout) == {
        "status": "error",
        "message": "version 'v1' is not canonical; use 'v1.0.0'",
    }


def test_a_broken_go_mod_is_reported_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "go.mod").write_text("module example.com/b\n\nrequire (\n")

    code, _, stderr = run("pack", str(folder), "--version", "v1.0.0", "--out", "x.zip")

    assert code == 1
    assert stderr.startswith(f"gomodpub: {folder / 'go.mod'}:4:1: ")


def test_registry_status_when_stopped_says_how_to_start(tmp_path: Path) -> None:
    code, stdout, _ = run("registry", "status")
    json_code, json_out, _ = run("registry", "status", "--json")

    assert (code, json_code) == (3, 3)
    assert (
        stdout == "the local registry is not running; start it: gomodpub registry up\n"
    )
    assert json.loads(json_out) == {"running": False}


def test_the_first_ctrl_c_asks_to_cancel_and_the_second_aborts() -> None:
    import os
    import signal

    from gomodpub.cli import _CancelOnInterrupt

    with _CancelOnInterrupt() as stop:
        assert not stop.asked()
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.asked()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_app_without_a_display_points_to_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")

    code, _, stderr = run()

    assert code == 1
    assert stderr == (
        "gomodpub: there is no display to open the app on (DISPLAY and "
        "WAYLAND_DISPLAY are unset); use the command line instead (gomodpub --help)\n"
    )


def test_add_user_without_a_region_points_local_users_to_signup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))

    code, _, stderr = run(
        "registry", "add-user", "--username", "ana", "--email", "ana@example.com"
    )

    assert (code, stderr) == (
        1,
        "gomodpub: no AWS region: pass --region or set one in the profile (on the "
        "local registry, people make their own accounts: gomodpub signup)\n",
    )
