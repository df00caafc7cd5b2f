"""The module folder being prepared: its preview, module path and version."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from gomodpub.core import module, semver
from gomodpub.core.errors import GomodpubError
from gomodpub.core.preview import ModulePreview, preview_dir
from gomodpub.gui.message import MessageBridge
from gomodpub.gui.tasks import Tasks

logger = logging.getLogger(__name__)


def version_problem(version: str, module_path: str, has_go_mod: bool) -> str:
    """Why ``version`` cannot be published for ``module_path``, or "".

    Only the checks that need no disk: semver (as you type), then the module
    path and major version rules of ``core.module``. ``resolve_source`` checks
    everything again when publishing.
    """
    if not version:
        return "enter the version to publish, e.g. v1.0.0"
    if not semver.is_valid(version):
        return f"{version!r} is not a semantic version; versions look like v1.2.3"
    incompatible = semver.build(version) == "+incompatible"
    if module.canonical_version(version) != version:
        return f"write the version in full: {module.canonical_version(version)}"
    if incompatible and has_go_mod:
        return (
            f"{version} is for modules without go.mod; this folder has one, so "
            "add the major version suffix to the module path instead"
        )
    if not module_path:
        return ""
    try:
        module.check(module_path, version)
    except GomodpubError as error:
        return str(error)
    return ""


class ModuleModel(QObject):
    """Loads a module folder's preview and checks the module path and version.

    Args:
        messages: where loading errors are shown.
        previewer: reads a folder (blocking; run off the GUI thread).

    Signals:
        loading_started(directory): a folder is being read.
        preview_changed(preview): the :class:`ModulePreview` of the new folder.
        module_path_changed(path): the module path changed (from go.mod or typed).
        version_changed(version): the version changed (typed or suggested).
        validity_changed(ok, text): whether the folder, path and version can be
            published; ``text`` says what to fix, or what is ready.
    """

    loading_started = Signal(str)
    preview_changed = Signal(object)
    module_path_changed = Signal(str)
    version_changed = Signal(str)
    validity_changed = Signal(bool, str)

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
        self._valid = False
        self._problem = self._find_problem()

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
    def module_path(self) -> str:
        """The module path to publish."""
        return self._module_path

    @property
    def version(self) -> str:
        """The version to publish."""
        return self._version

    @property
    def valid(self) -> bool:
        """Whether folder, path and version can be published."""
        return self._valid

    @property
    def problem(self) -> str:
        """What to fix before publishing, or the "ready" line."""
        return self._problem

    def load(self, directory: Path) -> None:
        """Read ``directory`` in the background; ends with ``preview_changed``."""
        if not directory.is_dir():
            self._messages.error(f"{directory} is not a folder; choose a module folder")
            return
        self._generation += 1
        self.loading_started.emit(str(directory))
        self._tasks.spawn(self._load(directory, self._generation))

    def set_module_path(self, path: str) -> None:
        """Use ``path`` as the module path (for a folder without go.mod)."""
        path = path.strip()
        if path == self._module_path:
            return
        self._module_path = path
        self.module_path_changed.emit(path)
        self._validate()

    def set_version(self, version: str) -> None:
        """Use ``version``, checking it at once."""
        version = version.strip()
        if version == self._version:
            return
        self._version = version
        self.version_changed.emit(version)
        self._validate()

    async def _load(self, directory: Path, generation: int) -> None:
        try:
            preview = await asyncio.to_thread(self._previewer, directory)
        except (GomodpubError, OSError) as error:
            if generation == self._generation:
                self._messages.error(f"cannot read {directory}: {error}")
            return
        if generation != self._generation:
            return  # another folder was dropped meanwhile
        self._preview = preview
        self.preview_changed.emit(preview)
        # go.mod names the module; without one the user types it afresh.
        self._module_path = preview.module_path
        self.module_path_changed.emit(self._module_path)
        self._validate()

    def _validate(self) -> None:
        problem = self._find_problem()
        valid = not problem
        if valid:
            problem = f"ready to publish {self._module_path}@{self._version}"
        if (valid, problem) != (self._valid, self._problem):
            self._valid, self._problem = valid, problem
            self.validity_changed.emit(valid, problem)

    def _find_problem(self) -> str:
        preview = self._preview
        if preview is None:
            return "drop a module folder here, or choose one"
        if preview.problems:
            more = len(preview.problems) - 1
            extra = (
                f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
            )
            return f"{preview.problems[0]}{extra}"
        if not self._module_path:
            return "this folder has no go.mod: enter the module path"
        try:
            module.check_path(self._module_path)
        except GomodpubError as error:
            return str(error)
        return version_problem(self._version, self._module_path, self.has_go_mod)
