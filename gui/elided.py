"""A label that never grows past a few lines, so the layout around it stays put."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


class ElidedLabel(QLabel):
    """Plain text wrapped over at most ``lines`` lines.

    Text that needs more lines is cut at a word and ends in "…"; the whole
    text is then the tooltip. With ``reserve``, the label is always as tall
    as ``lines`` lines, so a longer or shorter message moves nothing.
    """

    def __init__(
        self,
        text: str = "",
        *,
        lines: int,
        reserve: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._lines = lines
        self._reserve = reserve
        self._full = ""
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        if reserve:
            self.setFixedHeight(self._height_of(lines))
        self.setText(text)

    @property
    def full_text(self) -> str:
        """The text as set, before any cut."""
        return self._full

    @property
    def elided(self) -> bool:
        """Whether the text shown is cut short."""
        return super().text() != self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        """Show ``text``, cut to fit the lines allowed."""
        self._full = text
        self._fit()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Narrow: the text wraps or is cut instead of widening the window."""
        return QSize(40, super().minimumSizeHint().height())

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        """Never more than the lines allowed."""
        if self._reserve:
            return self.height()
        return min(super().heightForWidth(width), self._height_of(self._lines))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Cut the text again for the new width."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def _height_of(self, lines: int) -> int:
        margins = self.contentsMargins()
        spacing = self.fontMetrics().lineSpacing()
        return lines * spacing + margins.top() + margins.bottom() + 2 * self.margin()

    def _fits(self, text: str, width: int) -> bool:
        box = self.fontMetrics().boundingRect(
            QRect(0, 0, width, 1 << 20), Qt.TextFlag.TextWordWrap, text
        )
        return box.height() <= self._lines * self.fontMetrics().lineSpacing()

    def _fit(self) -> None:
        text = self._full
        width = self.contentsRect().width() - 2 * self.margin()
        if text and width > 0 and not self._fits(text, width):
            # The longest start, cut at a space, that fits with the ellipsis.
            low, high = 0, len(text)
            while low < high:
                middle = (low + high + 1) // 2
                if self._fits(text[:middle].rstrip() + ELLIPSIS, width):
                    low = middle
                else:
                    high = middle - 1
            cut = text.rfind(" ", 0, low + 1)
            text = text[: cut if cut > 0 else low].rstrip() + ELLIPSIS
        super().setText(text)
        self.setToolTip(self._full if text != self._full else "")
        if not self._reserve:
            self.updateGeometry()
