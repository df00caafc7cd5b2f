"""The versions of a module that the registry has published."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, QStringListModel, Signal

from gomodpub.core import semver
from gomodpub.core.errors import GomodpubError
from gomodpub.gui.ports import ConnectionLike, Recovery
from gomodpub.gui.tasks import Tasks

logger = logging.getLogger(__name__)


class VersionsModel(QStringListModel):
    """A module's published versions, newest first.

    Args:
        recover: told of failures; when it restarts the registry, the list
            is read again afterwards instead of failing.

    Signals:
        loading_changed(loading): a refresh started (True) or ended.
        module_changed(module): the module whose versions are listed.
        loaded(versions): the versions were read, newest first.
        failed(text): the versions could not be read; the list is emptied.
    """

    loading_changed = Signal(bool)
    module_changed = Signal(str)
    loaded = Signal(list)
    failed = Signal(str)

    def __init__(
        self, recover: Recovery | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._recover = recover
        self._tasks = Tasks()
        self._module = ""
        self._generation = 0

    @property
    def module(self) -> str:
        """The module listed."""
        return self._module

    def versions(self) -> list[str]:
        """The versions listed, newest first."""
        return self.stringList()

    def refresh(self, client: Any, module: str) -> None:
        """List ``module``'s versions through ``client`` in the background."""
        self._generation += 1
        if module != self._module:
            self._module = module
            self.setStringList([])
            self.module_changed.emit(module)
        if not module:
            return
        self._tasks.spawn(self._refresh(client, module, self._generation))

    def _retry(self, connection: ConnectionLike, module: str, generation: int) -> None:
        if generation == self._generation:
            self._tasks.spawn(
                self._refresh(connection.client, module, generation, retried=True)
            )

    def clear(self) -> None:
        """List nothing."""
        self._generation += 1
        self._module = ""
        self.setStringList([])
        self.module_changed.emit("")

    async def _refresh(
        self, client: Any, module: str, generation: int, *, retried: bool = False
    ) -> None:
        self.loading_changed.emit(True)
        try:
            found = await asyncio.to_thread(client.versions, module)
        except GomodpubError as error:
            if generation != self._generation:
                return
            if (
                not retried
                and self._recover is not None
                and self._recover(error, lambda c: self._retry(c, module, generation))
            ):
                return  # read again once the registry is back
            logger.info("cannot list the versions of %s: %s", module, error)
            self.setStringList([])
            self.failed.emit(str(error))
            return
        finally:
            self.loading_changed.emit(False)
        if generation == self._generation:
            newest_first = list(reversed(semver.sort_versions(found)))
            self.setStringList(newest_first)
            self.loaded.emit(newest_first)
