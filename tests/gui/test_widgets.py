"""Small widgets of the app on their own."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gomodpub.gui.elided import ElidedLabel

LONG = (
    "example.com/m@v2.0.0+incompatible: invalid version: +incompatible suffix not "
    "allowed: module contains a go.mod file, so semantic import versioning is "
    "required; add /v2 to the module path and change the imports to match"
)


def test_an_elided_label_keeps_its_height_and_cuts_long_text(qtbot: QtBot) -> None:
    label = ElidedLabel("short", lines=2)
    qtbot.addWidget(label)
    label.resize(240, label.height())
    label.show()
    height = label.height()
    assert label.text() == "short"
    assert label.toolTip() == ""
    assert not label.elided

    label.setText(LONG)

    assert label.height() == height
    assert label.elided
    assert label.text().endswith("…")
    assert LONG.startswith(label.text().removesuffix("…"))
    assert label.full_text == LONG
    assert label.toolTip() == LONG

    # Given room, it shows the whole text again.
    label.resize(2000, height)
    assert label.text() == LONG
    assert label.toolTip() == ""
