"""The files of a module folder as a tree: what is published and what is not."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QIcon,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QApplication, QStyle

from gomodpub.core.preview import ModulePreview, PreviewEntry
from gomodpub.gui import humanize

OMITTED_COLOR = QColor("#8a8f98")
INVALID_COLOR = QColor("#c62828")

# Extra data on each row's first item.
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The :class:`PreviewEntry` of a file row (None for a folder made up)."""


def totals_text(preview: ModulePreview) -> str:
    """One line: files and bytes included against the limit, and what is not."""
    included = preview.included
    left_out = sum(1 for e in preview.entries if not e.included and not e.invalid)
    invalid = sum(1 for e in preview.entries if e.invalid)
    parts = [
        f"{len(included)} file{'s' if len(included) != 1 else ''}, "
        f"{humanize.size(preview.included_size)} of "
        f"{humanize.size(preview.size_limit)} allowed"
    ]
    if left_out:
        parts.append(f"{left_out} left out")
    if invalid:
        parts.append(f"{invalid} invalid")
    return "; ".join(parts)


class FileTreeModel(QStandardItemModel):
    """The entries of a :class:`ModulePreview`, nested by folder.

    Columns: name, size, and why a file is left out. Left-out files are grey
    and italic, invalid ones red; the reason is also the tooltip.
    """

    COLUMNS = ("File", "Size", "Note")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(list(self.COLUMNS))

    def set_preview(self, preview: ModulePreview | None) -> None:
        """Show ``preview`` (None empties the tree)."""
        # Build the tree detached, so the view hears of each top row once.
        top: list[list[QStandardItem]] = []
        folders: dict[str, QStandardItem] = {}
        for entry in preview.entries if preview else []:
            assert preview is not None
            folder = entry.path.rpartition("/")[0]
            row = self._row(entry)
            self._add(row, self._folder(folder, folders, top), top)
        self.clear()
        self.setHorizontalHeaderLabels(list(self.COLUMNS))
        for row in top:
            self.appendRow(row)

    @staticmethod
    def _add(
        row: list[QStandardItem],
        parent: QStandardItem | None,
        top: list[list[QStandardItem]],
    ) -> None:
        if parent is None:
            top.append(row)
        else:
            parent.appendRow(row)

    def _folder(
        self,
        path: str,
        folders: dict[str, QStandardItem],
        top: list[list[QStandardItem]],
    ) -> QStandardItem | None:
        if not path:
            return None
        if path not in folders:
            parent = self._folder(path.rpartition("/")[0], folders, top)
            name = path.rsplit("/", 1)[-1]
            item = QStandardItem(_icon(QStyle.StandardPixmap.SP_DirIcon), name)
            item.setEditable(False)
            self._add([item, _cell(""), _cell("")], parent, top)
            folders[path] = item
        return folders[path]

    def _row(self, entry: PreviewEntry) -> list[QStandardItem]:
        name = entry.path.rsplit("/", 1)[-1]
        pixmap = (
            QStyle.StandardPixmap.SP_DirIcon
            if entry.kind == "folder"
            else QStyle.StandardPixmap.SP_FileIcon
        )
        note = entry.reason if not entry.included else ""
        row = [
            QStandardItem(_icon(pixmap), name),
            # A link's own size, or a folder's, means nothing here.
            _cell(humanize.size(entry.size) if entry.kind == "file" else ""),
            _cell(note),
        ]
        row[0].setData(entry, ENTRY_ROLE)
        row[1].setTextAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        for item in row:
            item.setEditable(False)
            if entry.reason:
                item.setToolTip(f"{entry.path}: {entry.reason}")
            if entry.invalid:
                item.setForeground(QBrush(INVALID_COLOR))
            elif not entry.included:
                item.setForeground(QBrush(OMITTED_COLOR))
                font = QFont()
                font.setItalic(True)
                item.setFont(font)
        return row


def _cell(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    return item


def _icon(pixmap: QStyle.StandardPixmap) -> QIcon:
    return QApplication.style().standardIcon(pixmap)
