"""What a module folder would publish: every file, included or not and why.

One call, :func:`preview_dir`, gives the app's file tree and go.mod view and
the ``pack --json`` listing the same facts, so they never disagree.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gomodpub.core import module
from gomodpub.core.errors import GomodpubError, InvalidModuleError, ModFileError
from gomodpub.core.modfile import ModFile, missing_module_message, parse
from gomodpub.core.modzip import MAX_GO_MOD, MAX_ZIP_FILE, check_dir


@dataclass(frozen=True)
class PreviewEntry:
    """One file or folder of the module folder.

    Attributes:
        path: slash-separated, relative to the module folder.
        size: in bytes; 0 for anything but a regular file.
        included: whether it goes into the module zip.
        reason: why it is left out or refused ("" when included).
        invalid: whether it prevents publishing (as opposed to being left out).
        kind: "file", "folder", "link" or "other" (a device, a socket…), as
            found on disk without following links.
    """

    path: str
    size: int
    included: bool
    reason: str = ""
    invalid: bool = False
    kind: str = "file"


@dataclass
class ModulePreview:
    """The preview of a module folder."""

    directory: Path
    entries: list[PreviewEntry] = field(default_factory=list)
    go_mod_text: str = ""
    go_mod: ModFile | None = None
    problems: list[str] = field(default_factory=list)
    size_limit: int = MAX_ZIP_FILE

    @property
    def included(self) -> list[PreviewEntry]:
        """The files that go into the zip."""
        return [e for e in self.entries if e.included]

    @property
    def included_size(self) -> int:
        """The uncompressed size of the files that go into the zip."""
        return sum(e.size for e in self.included)

    @property
    def module_path(self) -> str:
        """The module path from go.mod, or ""."""
        return self.go_mod.module.path if self.go_mod and self.go_mod.module else ""

    @property
    def go_version(self) -> str:
        """The go line of go.mod, or ""."""
        return self.go_mod.go.version if self.go_mod and self.go_mod.go else ""

    @property
    def publishable(self) -> bool:
        """Whether nothing found so far prevents publishing."""
        return not self.problems


def _kind_and_size(path: str) -> tuple[str, int]:
    try:
        mode = os.lstat(path)
    except OSError:
        return "other", 0
    if stat.S_ISREG(mode.st_mode):
        return "file", mode.st_size
    if stat.S_ISDIR(mode.st_mode):
        return "folder", 0
    return ("link" if stat.S_ISLNK(mode.st_mode) else "other"), 0


def _left_out(path: str, reason: str, *, invalid: bool, relative: str) -> PreviewEntry:
    kind, size = _kind_and_size(path)
    return PreviewEntry(relative, size, False, reason, invalid, kind)


def preview_dir(directory: Path) -> ModulePreview:
    """Preview a module folder: its files, its go.mod and the problems found.

    Raises:
        GomodpubError: the folder cannot be read at all.
    """
    preview = ModulePreview(directory)
    root = os.fspath(directory)
    report = check_dir(root)

    def relative(disk_path: str) -> str:
        return Path(os.path.relpath(disk_path, root)).as_posix()

    entries = [PreviewEntry(f.name, f.size, True) for f in report.valid]
    entries += [
        _left_out(p.path, p.reason, invalid=False, relative=relative(p.path))
        for p in report.omitted
    ]
    entries += [
        _left_out(p.path, p.reason, invalid=True, relative=relative(p.path))
        for p in report.invalid
    ]
    preview.entries = sorted(entries, key=lambda e: e.path)
    preview.problems += [f"{e.path}: {e.reason}" for e in entries if e.invalid]
    if report.size_error:
        preview.problems.append(report.size_error)

    go_mod = directory / "go.mod"
    if problem := irregular_go_mod(go_mod):
        preview.problems.append(problem)
    elif go_mod.is_file():
        try:
            with open(go_mod, "rb") as source:
                # A bigger one is refused above; this is enough to show it.
                data = source.read(MAX_GO_MOD + 1)
            preview.go_mod_text = data.decode("utf-8", errors="replace")
            preview.go_mod = parse(data, str(go_mod))
        except ModFileError as error:
            preview.problems.append(str(error))
        except OSError as error:
            raise GomodpubError(f"cannot read {go_mod}: {error}") from None
    if preview.go_mod is not None and preview.go_mod.module is None:
        preview.problems.append(missing_module_message(str(go_mod)))
    if preview.module_path:
        try:
            module.check_path(preview.module_path)
        except InvalidModuleError as error:
            preview.problems.append(f"{go_mod}: {error}")
    # A folder without go.mod is still publishable, given a module path.
    return preview


def irregular_go_mod(go_mod: Path) -> str:
    """Why go.mod cannot be published as it is (a link, a folder), or ""."""
    if go_mod.is_symlink() or (go_mod.exists() and not go_mod.is_file()):
        # The zip leaves out what is not a regular file, so the module would be
        # published without its requirements.
        return (
            f"{go_mod} is not a regular file (a link or a folder); the module zip "
            "can only hold a real go.mod: replace it with the file itself"
        )
    return ""
