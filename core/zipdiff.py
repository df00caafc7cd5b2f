"""What differs between two module zips: files added, removed or changed.

The conflict dialog and ``publish --json`` use it to show why a version that
is already published cannot take this folder's content.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import zipfile
from dataclasses import dataclass, field

from .dirhash import zip_entry_name
from .errors import ZipError

# A go.mod is at most 16 MiB, but a diff of more lines than this helps nobody.
MAX_DIFF_LINES = 200


@dataclass
class ZipDiff:
    """The differences between a published zip and a new one.

    Attributes:
        added: files only in the new zip.
        removed: files only in the published zip.
        changed: files in both whose bytes differ.
        go_mod_diff: a unified diff of go.mod, when it changed.
    """

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    go_mod_diff: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """Whether both zips hold the same files with the same bytes."""
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, list[str]]:
        """The differences as a JSON object."""
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "go_mod_diff": self.go_mod_diff,
        }

    def summary(self) -> str:
        """One line for people, e.g. "2 files changed, 1 added"."""
        parts = [
            f"{len(names)} {'file' if len(names) == 1 else 'files'} {what}"
            for names, what in (
                (self.changed, "changed"),
                (self.added, "added"),
                (self.removed, "removed"),
            )
            if names
        ]
        return ", ".join(parts) or "no file differs"


def _inside_module(name: str) -> str:
    """The path of a zip entry inside its module.

    Entries are "<module>@<version>/<path>"; the prefix differs by version,
    so files are compared by the path after it.
    """
    at = name.find("@")
    slash = name.find("/", at) if at >= 0 else -1
    return name[slash + 1 :] if slash >= 0 else name


def _digests(zip_path: str | os.PathLike[str]) -> tuple[dict[str, str], bytes]:
    """Each file's SHA-256 by its path inside the module, and go.mod's bytes."""
    digests: dict[str, str] = {}
    go_mod = b""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            for info in archive.infolist():
                name = zip_entry_name(info)
                if name.endswith("/"):
                    continue
                relative = _inside_module(name)
                digest = hashlib.sha256()
                with archive.open(info) as entry:
                    while chunk := entry.read(1 << 20):
                        digest.update(chunk)
                        if relative == "go.mod":
                            go_mod += chunk
                digests[relative] = digest.hexdigest()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ZipError(f"cannot read module zip {zip_path}: {error}") from None
    return digests, go_mod


def diff_zips(
    published: str | os.PathLike[str], new: str | os.PathLike[str]
) -> ZipDiff:
    """Compare a published module zip with a new one, file by file.

    Raises:
        ZipError: either file is not a readable zip.
    """
    old_files, old_go_mod = _digests(published)
    new_files, new_go_mod = _digests(new)
    diff = ZipDiff(
        added=sorted(new_files.keys() - old_files.keys()),
        removed=sorted(old_files.keys() - new_files.keys()),
        changed=sorted(
            name
            for name in old_files.keys() & new_files.keys()
            if old_files[name] != new_files[name]
        ),
    )
    if "go.mod" in diff.changed:
        lines = difflib.unified_diff(
            old_go_mod.decode("utf-8", "replace").splitlines(),
            new_go_mod.decode("utf-8", "replace").splitlines(),
            "published/go.mod",
            "local/go.mod",
            lineterm="",
        )
        diff.go_mod_diff = list(lines)[:MAX_DIFF_LINES]
    return diff
