"""A read-only view of go.mod with light syntax highlighting."""

from __future__ import annotations

import re

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

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


class GoModView(QPlainTextEdit):
    """Shows a go.mod file; never editable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setPlaceholderText("go.mod of the module folder appears here")
        self._highlighter = GoModHighlighter(self.document())

    def show_go_mod(self, text: str, *, missing: bool = False) -> None:
        """Show ``text``; ``missing`` says the folder has no go.mod."""
        if missing:
            self.setPlainText("")
            self.setPlaceholderText(
                "This folder has no go.mod. It can still be published as a module "
                "without go.mod: enter its module path below (from v2 on, its "
                "versions end in +incompatible)."
            )
        else:
            self.setPlainText(text)
