"""Go's answers to Unicode questions, where Python's own would differ.

Python 3.11 knows Unicode 14 and has no simple case folding; the Go toolchain
that checks module zips knows a newer Unicode and folds with
``unicode.SimpleFold``. The facts come from :mod:`._unicode_tables`, which a
Go program writes (see there for the versions and how to regenerate).
"""

from __future__ import annotations

from bisect import bisect_right

from . import _unicode_tables

__all__ = [
    "FOLD",
    "GO_VERSION",
    "UNICODE_VERSION",
    "fold_orbits",
    "is_letter",
    "is_print",
]

GO_VERSION = _unicode_tables.GO_VERSION
UNICODE_VERSION = _unicode_tables.UNICODE_VERSION


def fold_orbits() -> list[list[int]]:
    """Return Go's case folding orbits of more than one rune, each sorted."""
    return [
        [int(r, 16) for r in orbit.split(":")]
        for orbit in _unicode_tables.FOLD_ORBITS.split()
    ]


def _fold_table() -> dict[int, int]:
    # What x/mod's strToFold maps each rune to: the smallest rune of its
    # orbit, except that A-Z become a-z (so that lower-case ASCII, the usual
    # case, maps to itself). Runes that map to themselves are left out.
    table: dict[int, int] = {}
    for orbit in fold_orbits():
        target = orbit[0]
        if ord("A") <= target <= ord("Z"):
            target += ord("a") - ord("A")
        table.update((r, target) for r in orbit if r != target)
    # A lone surrogate stands for a byte that is not UTF-8 (surrogateescape);
    # Go reads each such byte as U+FFFD.
    table.update((r, 0xFFFD) for r in range(0xD800, 0xE000))
    return table


FOLD = _fold_table()
"""``str.translate`` table folding a string as x/mod's strToFold does."""


def _ranges(text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for item in text.split():
        lo, _, hi = item.partition("-")
        starts.append(int(lo, 16))
        ends.append(int(hi or lo, 16))
    return starts, ends


_LETTER_STARTS, _LETTER_ENDS = _ranges(_unicode_tables.LETTERS)
_PRINT_STARTS, _PRINT_ENDS = _ranges(_unicode_tables.PRINTABLE)


def is_letter(c: str) -> bool:
    """Tell whether the character c is a letter to Go's unicode.IsLetter."""
    n = ord(c)
    i = bisect_right(_LETTER_STARTS, n) - 1
    return i >= 0 and n <= _LETTER_ENDS[i]


def is_print(c: str) -> bool:
    """Tell whether Go's strconv.IsPrint holds for the character c."""
    n = ord(c)
    i = bisect_right(_PRINT_STARTS, n) - 1
    return i >= 0 and n <= _PRINT_ENDS[i]
