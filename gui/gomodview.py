"""A read-only view of go.mod with light syntax highlighting and its errors."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from gomodpub.gui.modulemodel import GoModError

ERROR_LINE_COLOR = QColor("#fdecea")
ERROR_MARK_COLOR = QColor("#c62828")

_DIRECTIVES = "module|go|toolchain|godebug|require|replace|exclude|retract|tool|ignore"


def _format(color: str, *, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class GoModHighlighter(QSyntaxHighlighter):
    """Colours go.mod directives, versions, strings and comments."""

    # (pattern, group to colour, colour, bold, italic); later rules win.
    RULES = (
        (rf"^\s*({_DIRECTIVES})\b", 1, "#1a56a8", True, False),
        (
            r"(?<![\w/.\-])v\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.]+)?",
            0,
            "#2e7d32",
            False,
            False,
        ),
        (r"=>", 0, "#8e24aa", True, False),
        (r'"(?:\\.|[^"\\])*"|`[^`]*`', 0, "#a0522d", False, False),
        (r"//.*$", 0, "#7a7f87", False, True),
    )

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._rules = [
            (re.compile(pattern), group, _format(color, bold=bold, italic=italic))
            for pattern, group, color, bold, italic in self.RULES
        ]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        """Colour one line."""
        for pattern, group, fmt in self._rules:
            for match in pattern.finditer(text):
                start, end = match.span(group)
                self.setFormat(start, end - start, fmt)


class _LineNumbers(QWidget):
    """The gutter of a :class:`GoModView`: line numbers, errors in red."""

    def __init__(self, view: GoModView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As wide as the largest line number."""
        return QSize(self._view.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        """Draw the numbers of the lines in view."""
        self._view.paint_gutter(self, event)


class GoModView(QPlainTextEdit):
    """Shows a go.mod file, with line numbers; never editable.

    Lines that problems point at get a red background, a red number, and the
    problem as their tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setPlaceholderText("go.mod of the module folder appears here")
        self._highlighter = GoModHighlighter(self.document())
        self._errors: dict[int, list[str]] = {}
        self._gutter = _LineNumbers(self)
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self._fit_gutter()

    @property
    def error_lines(self) -> list[int]:
        """The 1-based lines marked as wrong."""
        return sorted(self._errors)

    def show_go_mod(
        self,
        text: str,
        *,
        missing: bool = False,
        errors: Sequence[GoModError] = (),
        problem: str = "",
    ) -> None:
        """Show ``text`` with ``errors`` marked.

        Args:
            missing: the folder has no go.mod.
            problem: why go.mod cannot be shown (a link, say), when ``text``
                is empty.
        """
        self._errors = {}
        for error in errors:
            self._errors.setdefault(error.line, []).append(error.message)
        if missing:
            self.setPlainText("")
            self.setPlaceholderText(
                "This folder has no go.mod. It can still be published as a module "
                "without go.mod: enter its module path below (from v2 on, its "
                "versions end in +incompatible)."
            )
        else:
            self.setPlainText(text)
            self.setPlaceholderText(
                problem or "go.mod of the module folder appears here"
            )
        self._mark_errors()

    def tooltip_at(self, y: int) -> str:
        """The problems of the line at height ``y`` in the viewport, or ""."""
        block = self.cursorForPosition(self.viewport().rect().topLeft()).block()
        while block.isValid():
            top = self.blockBoundingGeometry(block).translated(self.contentOffset())
            if top.top() <= y < top.bottom():
                return "\n".join(self._errors.get(block.blockNumber() + 1, []))
            block = block.next()
        return ""

    def gutter_width(self) -> int:
        """The width of the line numbers."""
        digits = len(str(max(1, self.blockCount())))
        return 12 + self.fontMetrics().horizontalAdvance("9") * digits

    def paint_gutter(self, gutter: QWidget, event: QPaintEvent) -> None:
        """Draw the line numbers of the lines in view."""
        painter = QPainter(gutter)
        painter.fillRect(event.rect(), self.palette().window())
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.fontMetrics().height()
        while block.isValid():
            top = self.blockBoundingGeometry(block).translated(offset).top()
            if top > event.rect().bottom():
                break
            number = block.blockNumber() + 1
            wrong = number in self._errors
            painter.setPen(ERROR_MARK_COLOR if wrong else self.palette().mid().color())
            font = painter.font()
            font.setBold(wrong)
            painter.setFont(font)
            painter.drawText(
                QRect(0, int(top), gutter.width() - 6, height),
                Qt.AlignmentFlag.AlignRight,
                str(number),
            )
            block = block.next()
        painter.end()

    def event(self, event: QEvent) -> bool:
        """Show a marked line's problem as its tooltip."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(self.viewport().mapFrom(self, event.pos()).y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Keep the gutter beside the text."""
        super().resizeEvent(event)
        rect = self.contentsRect()
        self._gutter.setGeometry(
            QRect(rect.left(), rect.top(), self.gutter_width(), rect.height())
        )

    def _fit_gutter(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def _mark_errors(self) -> None:
        selections = []
        for line in self._errors:
            block = self.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(ERROR_LINE_COLOR)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.setExtraSelections(selections)
        self._gutter.update()
        if self._errors:
            # Bring the first wrong line into view.
            first = self.document().findBlockByNumber(min(self._errors) - 1)
            if first.isValid():
                self.setTextCursor(QTextCursor(first))
                self.ensureCursorVisible()
