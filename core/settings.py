"""Where gomodpub keeps its files, and the few settings it remembers.

Nothing secret is stored here: refresh tokens go to the OS keyring and
passwords are never stored. ``GOMODPUB_HOME`` moves everything under one
folder (for tests, or a portable setup); otherwise the platform's usual
folders are used.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

logger = logging.getLogger(__name__)

APP_NAME = "gomodpub"


def config_dir() -> Path:
    """The folder holding settings.json."""
    home = os.environ.get("GOMODPUB_HOME")
    return (
        Path(home) / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))
    )


def data_dir() -> Path:
    """The folder holding the local registry's data."""
    home = os.environ.get("GOMODPUB_HOME")
    return Path(home) / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


@dataclass
class Settings:
    """What gomodpub remembers between runs.

    Attributes:
        registry_url: the config URL of the registry to publish to; empty means
            the local registry.
        last_username: per registry key, the user who last signed in.
    """

    registry_url: str = ""
    last_username: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the settings; a missing or damaged file gives the defaults."""
        path = path or config_dir() / "settings.json"
        try:
            raw: Any = json.loads(path.read_text())
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:
            logger.warning("ignoring unreadable settings %s: %s", path, error)
            return cls()
        if not isinstance(raw, dict):
            return cls()
        names = raw.get("last_username")
        return cls(
            registry_url=str(raw.get("registry_url", "")),
            last_username=dict(names) if isinstance(names, dict) else {},
        )

    def save(self, path: Path | None = None) -> None:
        """Write the settings atomically."""
        path = path or config_dir() / "settings.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps(
                {
                    "registry_url": self.registry_url,
                    "last_username": self.last_username,
                },
                indent=2,
            )
        )
        temporary.replace(path)
