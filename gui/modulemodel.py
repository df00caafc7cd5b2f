"""The module folder being prepared: its preview, module path and version."""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from gomodpub.core import module, versions
from gomodpub.core.errors import GomodpubError
from gomodpub.core.modfile import ModFile
from gomodpub.core.preview import ModulePreview, preview_dir
from gomodpub.core.versions import Suggestion, Suggestions, VersionWarning
from gomodpub.gui.message import MessageBridge
from gomodpub.gui.tasks import Tasks

logger = logging.getLogger(__name__)

# Changes on disk are read again once they pause for this long.
RESCAN_DELAY_MS = 300
# More folders than this are not watched; activation and Publish still re-read.
WATCH_LIMIT = 500


class GoModState(enum.StrEnum):
    """What the folder's go.mod gives."""

    MISSING = "missing"
    """No go.mod: the user types the module path."""
    OK = "ok"
    """go.mod parsed and names the module."""
    BROKEN = "broken"
    """There is a go.mod, but it cannot be used: it must be fixed."""


@dataclass(frozen=True)
class GoModError:
    """A place in go.mod that a problem points at (1-based line and column)."""

    line: int
    column: int
    message: str


def go_mod_errors(preview: ModulePreview) -> list[GoModError]:
    """The places in the folder's own go.mod that its problems point at.

    A problem naming two places ("unterminated block started at …:5:1") marks
    both lines, each with the whole problem as its message.
    """
    # As core writes a place: "<folder>/go.mod:7:1"; the folder may hold spaces.
    own = re.escape(os.fspath(preview.directory / "go.mod"))
    position = re.compile(own + r":(?P<line>\d+):(?P<column>\d+)")
    found: list[GoModError] = []
    for problem in preview.problems:
        for text in problem.splitlines():
            for match in position.finditer(text):
                message = relative_to(preview.directory, text)
                place = GoModError(int(match["line"]), int(match["column"]), message)
                if place not in found:
                    found.append(place)
    return found


def folder_changes(shown: ModulePreview, current: ModulePreview) -> str:
    """What differs between two previews of one folder, or "" if nothing.

    For example "added: new.go; changed: hello.go, go.mod".
    """

    def listing(preview: ModulePreview) -> dict[str, tuple[object, ...]]:
        return {
            e.path: (e.size, e.included, e.reason, e.invalid) for e in preview.entries
        }

    before, after = listing(shown), listing(current)
    changed = [p for p in after if p in before and after[p] != before[p]]
    if shown.go_mod_text != current.go_mod_text and "go.mod" not in changed:
        changed.append("go.mod")
    parts = [
        (what, names)
        for what, names in (
            ("added", [p for p in after if p not in before]),
            ("removed", [p for p in before if p not in after]),
            ("changed", changed),
        )
        if names
    ]
    return "; ".join(f"{what}: {_some(names)}" for what, names in parts)


def _some(names: list[str], shown: int = 3) -> str:
    listed = ", ".join(names[:shown])
    return f"{listed} and {len(names) - shown} more" if len(names) > shown else listed


def relative_to(directory: Path, text: str) -> str:
    """``text`` with paths inside ``directory`` made relative to it."""
    return text.replace(os.fspath(directory) + os.sep, "")


class ModuleModel(QObject):
    """Loads a module folder's preview and checks the module path and version.

    The version is judged by ``core.versions`` as it is typed, against the
    versions the registry has published once :meth:`set_published` gave them.

    The loaded folder is watched, and read again when it changes (or when
    :meth:`rescan` is called), so that what is shown is what is on disk.

    Args:
        messages: where loading errors are shown.
        previewer: reads a folder (blocking; run off the GUI thread).

    Signals:
        loading_started(directory): a folder is being read.
        preview_changed(preview): the :class:`ModulePreview` of the folder, just
            loaded or read again because it changed.
        module_path_changed(path): the module path changed (from go.mod or typed).
        version_changed(version): the version changed (typed or suggested).
        validity_changed(ok, text): whether the folder, path and version can be
            published; ``text`` says what to fix, or what is ready, or that the
            version is published already.
        warnings_changed(warnings): the version's list of
            :class:`~gomodpub.core.versions.VersionWarning` (errors included).
        suggestions_changed(suggestions): the
            :class:`~gomodpub.core.versions.Suggestions` for the module, or None
            while its published versions are not known.
        path_change_needed(suggestion): a suggestion was picked whose version
            needs another module path (a new major); the version is left as
            it was, and the :class:`~gomodpub.core.versions.Suggestion` says
            what to change.
    """

    loading_started = Signal(str)
    preview_changed = Signal(object)
    module_path_changed = Signal(str)
    version_changed = Signal(str)
    validity_changed = Signal(bool, str)
    warnings_changed = Signal(list)
    suggestions_changed = Signal(object)
    path_change_needed = Signal(object)

    def __init__(
        self,
        messages: MessageBridge,
        previewer: Callable[[Path], ModulePreview] = preview_dir,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._messages = messages
        self._previewer = previewer
        self._tasks = Tasks()
        self._generation = 0
        self._preview: ModulePreview | None = None
        self._module_path = ""
        self._version = ""
        self._published: list[str] | None = None
        self._valid = False
        self._warnings: list[VersionWarning] = []
        self._suggestions: Suggestions | None = None
        self._problem = self._find_problem()
        self._frozen = False
        self._missed = False
        self._loading = False
        self._named = ""  # the module the version was picked for
        self._rescan_timer = QTimer(self)
        self._rescan_timer.setSingleShot(True)
        self._rescan_timer.setInterval(RESCAN_DELAY_MS)
        self._rescan_timer.timeout.connect(self.rescan)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(lambda _: self._rescan_timer.start())

    @property
    def preview(self) -> ModulePreview | None:
        """The preview of the loaded folder, if any."""
        return self._preview

    @property
    def directory(self) -> Path | None:
        """The loaded folder, if any."""
        return self._preview.directory if self._preview else None

    @property
    def has_go_mod(self) -> bool:
        """Whether the folder declares its module path in a go.mod."""
        return bool(self._preview and self._preview.module_path)

    @property
    def go_mod_state(self) -> GoModState:
        """Whether go.mod is missing, usable, or there but to be fixed."""
        preview = self._preview
        if preview is None or not any(e.path == "go.mod" for e in preview.entries):
            return GoModState.MISSING
        return GoModState.OK if preview.module_path else GoModState.BROKEN

    @property
    def go_mod_problem(self) -> str:
        """Why go.mod cannot be used (its first problem), or "" if it can."""
        preview = self._preview
        if preview is None or self.go_mod_state != GoModState.BROKEN:
            return ""
        own = os.fspath(preview.directory / "go.mod")
        for problem in preview.problems:
            if problem.startswith(own):
                return relative_to(preview.directory, problem.splitlines()[0])
        return ""

    @property
    def go_mod_errors(self) -> list[GoModError]:
        """Where go.mod's problems are, for marking its lines."""
        return go_mod_errors(self._preview) if self._preview else []

    @property
    def go_mod(self) -> ModFile | None:
        """The folder's parsed go.mod, if it has one."""
        return self._preview.go_mod if self._preview else None

    @property
    def module_path(self) -> str:
        """The module path to publish."""
        return self._module_path

    @property
    def version(self) -> str:
        """The version to publish."""
        return self._version

    @property
    def published(self) -> list[str] | None:
        """The module's published versions, or None while not known."""
        return self._published

    @property
    def valid(self) -> bool:
        """Whether folder, path and version can be published."""
        return self._valid

    @property
    def problem(self) -> str:
        """What to fix before publishing, or the "ready" line."""
        return self._problem

    @property
    def already_published(self) -> bool:
        """Whether the version is published already (then :attr:`problem` says so)."""
        return any(w.code == "already-published" for w in self._warnings)

    @property
    def warnings(self) -> list[VersionWarning]:
        """What ``core.versions.assess`` says about the version."""
        return list(self._warnings)

    @property
    def suggestions(self) -> Suggestions | None:
        """The versions to publish next, or None while not known."""
        return self._suggestions

    def load(self, directory: Path) -> None:
        """Read ``directory`` in the background; ends with ``preview_changed``."""
        if not directory.is_dir():
            self._messages.error(f"{directory} is not a folder; choose a module folder")
            return
        self._generation += 1
        self._loading = True
        self.loading_started.emit(str(directory))
        self._tasks.spawn(self._load(directory, self._generation))

    def rescan(self) -> None:
        """Read the loaded folder again; shows it only if it changed."""
        if self._frozen:
            self._missed = True  # read it once the publication is over
            return
        if self._preview is None or self._loading:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # the watcher fired after the loop stopped: nobody looks
        self._tasks.spawn(self._rescan(self._preview, self._generation))

    def set_frozen(self, frozen: bool) -> None:
        """Stop following the folder (while it is published), or start again."""
        self._frozen = frozen
        if not frozen and self._missed:
            self._missed = False
            self._rescan_timer.start()

    def update_preview(self, preview: ModulePreview) -> None:
        """Show ``preview``, a newer reading of the loaded folder."""
        shown = self._preview
        if shown and preview.directory == shown.directory and not self._loading:
            self._show(preview, rescanned=True)

    def set_module_path(self, path: str) -> None:
        """Use ``path`` as the module path (for a folder without go.mod)."""
        path = path.strip()
        if path == self._module_path:
            return
        self._module_path = self._named = path
        self._published = None  # they were another module's
        self.module_path_changed.emit(path)
        self._update()

    def set_version(self, version: str) -> None:
        """Use ``version``, checking it at once."""
        version = version.strip()
        if version == self._version:
            return
        self._version = version
        self.version_changed.emit(version)
        self._update()

    def pick(self, suggestion: Suggestion) -> None:
        """Use a suggested version, unless it needs another module path.

        Such a version would at once be invalid here: ``path_change_needed``
        explains instead what to change.
        """
        if suggestion.path_changes:
            self.path_change_needed.emit(suggestion)
        else:
            self.set_version(suggestion.version)

    def set_published(self, module_path: str, published: list[str] | None) -> None:
        """Judge versions against ``published``, the versions of ``module_path``.

        A list for another module path than the current one is stale and
        ignored; None means they are not known (nobody is signed in, say).
        """
        if module_path != self._module_path:
            return
        self._published = None if published is None else list(published)
        self._update()

    async def _load(self, directory: Path, generation: int) -> None:
        try:
            preview = await asyncio.to_thread(self._previewer, directory)
        except (GomodpubError, OSError) as error:
            if generation == self._generation:
                self._loading = False
                self._messages.error(f"cannot read {directory}: {error}")
            return
        if generation != self._generation:
            return  # another folder was dropped meanwhile
        self._loading = False
        self._show(preview, rescanned=False)

    async def _rescan(self, shown: ModulePreview, generation: int) -> None:
        try:
            preview = await asyncio.to_thread(self._previewer, shown.directory)
        except (GomodpubError, OSError) as error:
            # Gone or unreadable for now: Publish reads it again anyway.
            logger.info("cannot read %s again: %s", shown.directory, error)
            return
        if self._frozen:
            self._missed = True
            return
        if generation != self._generation or self._loading:
            return
        if self._preview is not None and (
            changes := folder_changes(self._preview, preview)
        ):
            self._show(preview, rescanned=True)
            self._messages.info(
                f"the folder changed ({changes}); the list shows it now"
            )

    def _show(self, preview: ModulePreview, *, rescanned: bool) -> None:
        """Make ``preview`` the one shown, and judge the module against it."""
        typed = self._module_path
        keep_typed = rescanned and not preview.module_path and not self.has_go_mod
        self._preview = preview
        self._watch(preview)
        self.preview_changed.emit(preview)
        # go.mod names the module; without one the user types it afresh.
        path = typed if keep_typed else preview.module_path
        if path != typed:
            self._published = None
        # A version picked for one module means nothing for another; a go.mod
        # saved half-edited names no module for a moment, and is no other one.
        if self._version and (
            path != typed if not rescanned else path and path != self._named
        ):
            self._version = ""
            self.version_changed.emit("")
        if path or not rescanned:
            self._named = path
        self._module_path = path
        if path != typed or not rescanned:
            self.module_path_changed.emit(path)
        self._update()

    def _watch(self, preview: ModulePreview) -> None:
        """Watch the folders whose listing is shown."""
        folders = {preview.directory}
        for entry in preview.entries:
            parent = entry.path.rpartition("/")[0]
            while parent:
                folders.add(preview.directory / parent)
                parent = parent.rpartition("/")[0]
        wanted = {os.fspath(f) for f in sorted(folders)[:WATCH_LIMIT]}
        watched = set(self._watcher.directories())
        if stale := watched - wanted:
            self._watcher.removePaths(sorted(stale))
        if new := wanted - watched:
            self._watcher.addPaths(sorted(new))

    def _update(self) -> None:
        """Judge the version and offer suggestions for the current state."""
        suggestions = self._suggest()
        if suggestions != self._suggestions:
            self._suggestions = suggestions
            self.suggestions_changed.emit(suggestions)

        problem, warnings = self._find_problem(), []
        if not problem:
            warnings = self._assess()
            problem = "\n".join(w.message for w in warnings if w.severity == "error")
        if warnings != self._warnings:
            self._warnings = warnings
            self.warnings_changed.emit(list(warnings))

        valid = not problem
        if valid:
            # "Ready to publish" would contradict the note that it is published.
            taken = [w for w in warnings if w.code == "already-published"]
            problem = (
                taken[0].message
                if taken
                else f"ready to publish {self._module_path}@{self._version}"
            )
        if (valid, problem) != (self._valid, self._problem):
            self._valid, self._problem = valid, problem
            self.validity_changed.emit(valid, problem)

    def _find_problem(self) -> str:
        """What the folder or module path lacks, or "" (the version aside)."""
        preview = self._preview
        if preview is None:
            return "drop a module folder here, or choose one"
        lines = [
            relative_to(preview.directory, line)
            for problem in preview.problems
            for line in problem.splitlines()
        ]
        if self.go_mod_state == GoModState.BROKEN:
            # go.mod's problem first: nothing else can be judged without it.
            own = self.go_mod_problem
            lines = [f"go.mod must be fixed: {own}", *(x for x in lines if x != own)]
        if lines:
            more = len(lines) - 1
            extra = (
                f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
            )
            return lines[0] + extra
        if not self._module_path:
            return "this folder has no go.mod: enter the module path"
        try:
            module.check_path(self._module_path)
        except GomodpubError as error:
            return str(error)
        if not self._version:
            return "enter the version to publish, e.g. v1.0.0"
        return ""

    def _assess(self) -> list[VersionWarning]:
        published = self._published or []
        try:
            found: list[VersionWarning] = versions.assess(
                self._module_path, self._version, published, self.go_mod
            )
        except GomodpubError as error:
            return [VersionWarning("invalid-version", "error", str(error))]
        return found

    def _suggest(self) -> Suggestions | None:
        if self._published is None or self._preview is None or not self._module_path:
            return None
        try:
            return versions.suggest(self._module_path, self._published, self.go_mod)
        except GomodpubError as error:
            logger.debug("no suggestions for %s: %s", self._module_path, error)
            return None
