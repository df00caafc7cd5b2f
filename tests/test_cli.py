"""The command line's answers to bad input: one clear line, never a traceback."""

from __future__ import annotations

import json
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
            "gomodpub: cannot use {tmp}/no/dir/x.zip: No such file or directory\n",
        ),
        (
            ["--registry", "http://127.0.0.1:9/config", "login", "--username", "ana"],
            "gomodpub: cannot reach the registry at http://127.0.0.1:9/config: "
            "[Errno 111] Connection refused. Start it with `gomodpub registry up`.\n",
        ),
    ],
)
def test_bad_input_gets_one_clear_line(
    tmp_path: Path, module: Path, args: list[str], message: str
) -> None:
    names = {"missing": tmp_path / "missing", "module": module, "tmp": tmp_path}
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
