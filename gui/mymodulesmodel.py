"""The signed-in user's own modules and their published versions."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from gomodpub.core import semver
from gomodpub.core.errors import GomodpubError
from gomodpub.gui.ports import ConnectionLike, Recovery
from gomodpub.gui.tasks import Tasks

logger = logging.getLogger(__name__)

# Item data: the module path, and on version rows the version.
MODULE_ROLE = Qt.ItemDataRole.UserRole + 1
VERSION_ROLE = Qt.ItemDataRole.UserRole + 2


def go_get_line(module: str, version: str) -> str:
    """The command that fetches ``module@version``."""
    return f"go get {module}@{version}"


class MyModulesModel(QStandardItemModel):
    """A tree: each of the user's modules, its versions below, newest first.

    Args:
        recover: told of failures; when it restarts the registry, the list
            is read again afterwards instead of failing.

    Signals:
        loading_changed(loading): a refresh started (True) or ended.
        loaded(count): the modules were read; ``count`` modules are listed.
        failed(text): the modules could not be read; the tree is emptied.
        cleared(): nothing is listed any more (nobody is signed in).
    """

    loading_changed = Signal(bool)
    loaded = Signal(int)
    failed = Signal(str)
    cleared = Signal()

    def __init__(
        self, recover: Recovery | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._recover = recover
        self._tasks = Tasks()
        self._generation = 0
        self._goproxy = ""
        self.setHorizontalHeaderLabels(["Module / version"])

    @property
    def goproxy(self) -> str:
        """The GOPROXY URL of the registry listed ("" before a load)."""
        return self._goproxy

    def modules(self) -> dict[str, list[str]]:
        """The modules listed, each with its versions, newest first."""
        listed: dict[str, list[str]] = {}
        for row in range(self.rowCount()):
            item = self.item(row)
            listed[item.text()] = [item.child(i).text() for i in range(item.rowCount())]
        return listed

    def refresh(self, client: Any) -> None:
        """Read the user's modules through ``client`` in the background."""
        self._generation += 1
        self._goproxy = str(getattr(client.config, "goproxy", ""))
        self._tasks.spawn(self._refresh(client, self._generation))

    def _retry(self, connection: ConnectionLike, generation: int) -> None:
        if generation == self._generation:
            client = connection.client
            self._goproxy = str(getattr(client.config, "goproxy", ""))
            self._tasks.spawn(self._refresh(client, generation, retried=True))

    def clear_modules(self) -> None:
        """List nothing, and forget any refresh under way."""
        self._generation += 1
        self._goproxy = ""
        self.removeRows(0, self.rowCount())
        self.cleared.emit()

    async def _refresh(
        self, client: Any, generation: int, *, retried: bool = False
    ) -> None:
        self.loading_changed.emit(True)
        try:
            found = await asyncio.to_thread(client.modules)
        except GomodpubError as error:
            if generation != self._generation:
                return
            if (
                not retried
                and self._recover is not None
                and self._recover(error, lambda c: self._retry(c, generation))
            ):
                return  # read again once the registry is back
            logger.info("cannot list your modules: %s", error)
            self.removeRows(0, self.rowCount())
            self.failed.emit(str(error))
            return
        finally:
            self.loading_changed.emit(False)
        if generation == self._generation:
            self._fill(found)
            self.loaded.emit(self.rowCount())

    def _fill(self, found: list[dict[str, Any]]) -> None:
        self.removeRows(0, self.rowCount())
        for entry in sorted(found, key=lambda e: str(e.get("module", ""))):
            module = str(entry.get("module", ""))
            if not module:
                continue
            versions = [str(v) for v in entry.get("versions", [])]
            newest_first = list(reversed(semver.sort_versions(versions)))
            parent = QStandardItem(module)
            parent.setEditable(False)
            parent.setData(module, MODULE_ROLE)
            parent.setToolTip(
                f"{len(newest_first)} version{'s' if len(newest_first) != 1 else ''}"
            )
            for version in newest_first:
                child = QStandardItem(version)
                child.setEditable(False)
                child.setData(module, MODULE_ROLE)
                child.setData(version, VERSION_ROLE)
                child.setToolTip(go_get_line(module, version))
                parent.appendRow(child)
            self.appendRow(parent)
