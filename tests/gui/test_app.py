"""run_app itself: a real QApplication and qasync loop, in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gomodpub.core.errors import LocalRegistryError
    from gomodpub.gui.app import run_app
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
            if isinstance(widget, MainWindow) and widget.retry_button.isVisible():
                print("status:", widget.registry_status.text())
                print("banner:", widget.banner_label.text())
                widget.close()


    timer = QTimer()
    timer.timeout.connect(close_once_failed)
    timer.start(50)
    QTimer.singleShot(20_000, QApplication.quit)
    print("exit:", run_app(registry_url=None, launcher=BrokenLauncher()))
    """
)


def test_run_app_shows_a_failed_start_and_exits_when_closed(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "GOMODPUB_HOME": str(tmp_path),
    }
    env.pop("GOMODPUB_REGISTRY", None)
    # QTimer needs the QApplication that run_app creates: make it first.
    script = "from PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
    done = subprocess.run(
        [sys.executable, "-c", script + SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "status: the local registry is not available",
        "banner: cannot connect to the local registry: "
        "MiniStack exited at start (code 1)",
        # On exit the app hands the registry back to the launcher to stop.
        "released",
        "exit: 0",
    ]
