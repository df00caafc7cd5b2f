"""Writing module folders for tests."""

from __future__ import annotations

from pathlib import Path


def write_folder(root: Path, files: dict[str, str]) -> Path:
    """Write files (slash paths to text) under root, making folders; return root."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root
