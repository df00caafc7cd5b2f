"""Go's %q quoting, which every message quoting a path relies on."""

import pytest

from gomodpub.core.goquote import quote, quote_rune


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain/path.go", '"plain/path.go"'),
        ('say "hi"\\', '"say \\"hi\\"\\\\"'),
        ("tab\tnew\nbell\a", '"tab\\tnew\\nbell\\a"'),
        ("\x00\x7f", '"\\x00\\x7f"'),
        ("é😀", '"é😀"'),
        ("\u00a0\u200b", '"\\u00a0\\u200b"'),
        # A byte that was not UTF-8, carried by surrogateescape, prints as Go's.
        (b"bad\xff".decode("utf-8", "surrogateescape"), '"bad\\xff"'),
    ],
)
def test_quote_matches_go(text: str, quoted: str) -> None:
    assert quote(text) == quoted


def test_quote_rune_escapes_the_single_quote() -> None:
    assert quote_rune("'") == "'\\''"
    assert quote_rune('"') == "'\"'"
