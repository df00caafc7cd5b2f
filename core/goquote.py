"""Go's string quoting (strconv.Quote, fmt's %q), for messages worded as the
go command words them."""

from __future__ import annotations

from ._unicode import is_print

_SIMPLE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def quote(s: str) -> str:
    """Quote s as Go's strconv.Quote (and so fmt's %q) does."""
    return '"' + "".join(_escape_char(c, '"') for c in s) + '"'


def quote_rune(c: str) -> str:
    """Quote one character as Go's strconv.QuoteRune does."""
    return "'" + _escape_char(c, "'") + "'"


def _escape_char(c: str, quote: str) -> str:
    if c == quote or c == "\\":
        return "\\" + c
    # Python's str.isprintable means the same as Go's IsPrint, but by an older
    # Unicode, so newer characters would be escaped where Go prints them.
    if is_print(c):
        return c
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c]
    n = ord(c)
    if n < 0x20 or n == 0x7F:
        return f"\\x{n:02x}"
    if 0xD800 <= n <= 0xDFFF:
        # Go sees the bytes behind a lone surrogate as invalid UTF-8 and
        # prints each one as \xNN.
        raw = (
            bytes([n - 0xDC00])
            if 0xDC80 <= n <= 0xDCFF
            else c.encode("utf-8", "surrogatepass")
        )
        return "".join(f"\\x{b:02x}" for b in raw)
    if n < 0x10000:
        return f"\\u{n:04x}"
    return f"\\U{n:08x}"
