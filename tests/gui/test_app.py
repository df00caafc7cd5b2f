"""run_app itself: a real QApplication and qasync loop, in a child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gomodpub.cli import _StartingLauncher
    from gomodpub.core.errors import LocalRegistryError
    from gomodpub.gui.app import run_app
    from gomodpub.gui.crash import CrashDialog
    from gomodpub.gui.mainwindow import MainWindow


    class BrokenLauncher:
        def status(self):
            return None

        def up(self):
            raise LocalRegistryError("MiniStack exited at start (code 1)")

        def release(self):
            print("released")


    def close_once_failed():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, CrashDialog) and widget.isVisible():
                print("crash dialog")
            if isinstance(widget, MainWindow) and widget.retry_button.isVisible():
                print("status:", widget.registry_status.text())
                print("banner:", widget.banner_label.text())
                widget.close()


    timer = QTimer()
    timer.timeout.connect(close_once_failed)
    timer.start(50)
    QTimer.singleShot(20_000, QApplication.quit)
    print("exit:", run_app(registry_url=None, launcher=LAUNCHER))
    """
)


def run_script(launcher: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the app in a child process with ``launcher``, a Python expression."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GOMODPUB_HOME": str(home)}
    env.pop("GOMODPUB_REGISTRY", None)
    # QTimer needs the QApplication that run_app creates: make it first.
    script = "from PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
    return subprocess.run(
        [sys.executable, "-c", script + SCRIPT.replace("LAUNCHER", launcher)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_app_shows_a_failed_start_and_exits_when_closed(tmp_path: Path) -> None:
    done = run_script("BrokenLauncher()", tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "status: the local registry is not available",
        "banner: cannot connect to the local registry: "
        "MiniStack exited at start (code 1)",
        # On exit the app hands the registry back to the launcher to stop.
        "released",
        "exit: 0",
    ]


def test_a_data_folder_that_cannot_be_made_is_a_message_not_a_crash() -> None:
    # The launcher the app is started with, on a home it cannot create.
    done = run_script("_StartingLauncher(quiet=True)", Path("/proc/nope"))

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        "status: the local registry is not available",
        "banner: cannot use /proc/nope: No such file or directory. gomodpub keeps "
        "its settings and the local registry's data there: make that folder "
        "writable and press Retry, or start gomodpub with GOMODPUB_HOME set to a "
        "folder you can write to.",
        "exit: 0",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_app_and_stops_the_registry_it_started(
    tmp_path: Path, signum: int
) -> None:
    from gomodpub.registry.local import LocalRegistry

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GOMODPUB_HOME": str(tmp_path)}
    env.pop("GOMODPUB_REGISTRY", None)
    app = subprocess.Popen(
        [sys.executable, "-m", "gomodpub"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    registry = LocalRegistry(tmp_path / "data" / "local-registry")
    try:
        deadline = time.monotonic() + 120
        while registry.status() is None:
            assert app.poll() is None, app.stderr.read() if app.stderr else ""
            assert time.monotonic() < deadline, "the registry did not start"
            time.sleep(0.5)
        started = registry.status()
        assert started is not None

        app.send_signal(signum)
        _, stderr = app.communicate(timeout=60)

        assert app.returncode == 0, stderr
        assert "Traceback" not in stderr
        assert registry.status() is None
        assert not Path(f"/proc/{started.pid}").exists()
    finally:
        if app.poll() is None:
            app.kill()
        registry.down()
