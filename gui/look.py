"""The app's icon and style sheet, read from ``resources/``.

TODO(packaging): ``resources/`` sits beside the package in the checkout and is
not yet shipped inside the wheel, so an installed app falls back to Qt's
default look and icon; the PyInstaller spec must collect the folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QIcon

logger = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def app_icon() -> QIcon:
    """The app's icon (empty when the resources are not there)."""
    path = RESOURCES / "gomodpub.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def style_sheet() -> str:
    """The app's style sheet ("" when the resources are not there)."""
    try:
        return (RESOURCES / "style.qss").read_text(encoding="utf-8")
    except OSError as error:
        logger.debug("no style sheet: %s", error)
        return ""
