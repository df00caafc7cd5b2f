"""The app's icon and style sheet, from the ``gomodpub.resources`` package."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon

logger = logging.getLogger(__name__)

RESOURCES = Path(str(resources.files("gomodpub.resources")))


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
