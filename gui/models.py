"""The app's models, built together from what the core provides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from gomodpub.core.preview import ModulePreview, preview_dir
from gomodpub.gui.connectionmodel import ConnectionModel
from gomodpub.gui.filetree import FileTreeModel
from gomodpub.gui.message import MessageBridge
from gomodpub.gui.modulemodel import ModuleModel
from gomodpub.gui.mymodulesmodel import MyModulesModel
from gomodpub.gui.ports import Connector, PublisherFactory
from gomodpub.gui.publishmodel import PublishModel, default_publisher
from gomodpub.gui.versionsmodel import VersionsModel


@dataclass
class Models:
    """Everything the main window displays."""

    messages: MessageBridge
    connection: ConnectionModel
    module: ModuleModel
    files: FileTreeModel
    publish: PublishModel
    versions: VersionsModel
    my_modules: MyModulesModel


def create_models(
    connector: Connector,
    *,
    local: bool,
    publisher_factory: PublisherFactory = default_publisher,
    previewer: Callable[[Path], ModulePreview] = preview_dir,
    parent: QObject | None = None,
) -> Models:
    """Build the models over the core (or over fakes, in tests).

    Args:
        connector: connects to the registry (blocking), e.g.
            ``lambda: connect(url, launcher)``.
        local: whether that registry is the local one.
        publisher_factory: builds the publisher for a publication.
        previewer: reads a module folder (blocking).
    """
    messages = MessageBridge(parent)
    connection = ConnectionModel(
        connector, local=local, messages=messages, parent=parent
    )
    # What fails because the local registry died is retried once it is back.
    recover = connection.recover
    models = Models(
        messages=messages,
        connection=connection,
        module=ModuleModel(messages, previewer, parent),
        files=FileTreeModel(parent),
        publish=PublishModel(
            messages,
            publisher_factory,
            recover=recover,
            previewer=previewer,
            parent=parent,
        ),
        versions=VersionsModel(recover, parent),
        my_modules=MyModulesModel(recover, parent),
    )
    _connect(models)
    return models


def _connect(models: Models) -> None:
    """Let the models follow each other where one's result is another's input."""
    module, versions = models.module, models.versions

    # The version is judged against what the registry has published.
    versions.loaded.connect(lambda found: module.set_published(versions.module, found))
    versions.failed.connect(lambda _: module.set_published(versions.module, None))
    versions.module_changed.connect(
        lambda listed: listed or module.set_published(module.module_path, None)
    )

    # A session that ran out during a publication means nobody is signed in.
    models.publish.session_expired.connect(models.connection.end_session)

    # The folder is not followed while it is published; a change found just
    # before packing is shown instead of published.
    models.publish.running_changed.connect(module.set_frozen)
    models.publish.folder_changed.connect(module.update_preview)

    # A publication waiting for the registry to restart is for what was shown.
    for changed in (
        module.loading_started,
        module.version_changed,
        module.module_path_changed,
    ):
        changed.connect(lambda _: models.publish.drop_retry())
