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
        # Printable to Go 1.27 (Unicode 17), not to Python 3.11 (Unicode 14).
        ("\ua7cb\u0897\u1acf\U0001fae9", '"\ua7cb\u0897\u1acf\U0001fae9"'),
        ("\ufffd", '"\ufffd"'),
        ("\u2028\uffff", '"\\u2028\\uffff"'),
        ("\U000e0001\U0010ffff", '"\\U000e0001\\U0010ffff"'),
        # A byte that was not UTF-8, carried by surrogateescape, prints as Go's.
        (b"bad\xff".decode("utf-8", "surrogateescape"), '"bad\\xff"'),
    ],
)
def test_quote_matches_go(text: str, quoted: str) -> None:
    assert quote(text) == quoted


def test_quote_rune_escapes_the_single_quote() -> None:
    assert quote_rune("'") == "'\\''"
    assert quote_rune('"') == "'\"'"
