"""Go's semantic versions, as golang.org/x/mod/semver reads them.

A version string always starts with a lower-case ``v``. Its general form is::

    vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]

- MAJOR, MINOR and PATCH are decimal numbers with no leading zero (``0`` itself
  is fine); they may be arbitrarily large.
- ``vMAJOR`` and ``vMAJOR.MINOR`` are shorthands for ``vMAJOR.0.0`` and
  ``vMAJOR.MINOR.0``, and then no prerelease or build suffix is allowed.
- PRERELEASE and BUILD are non-empty, dot-separated identifiers made of ASCII
  letters, digits and ``-``; an all-digit prerelease identifier has no leading
  zero.
- Build metadata never affects ordering. An invalid version sorts below every
  valid one, and all invalid versions compare equal.

Functions here never raise on a bad version: they answer ``""``, ``False`` or
"less than", as Go does, so callers decide what an invalid version means.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "build",
    "canonical",
    "compare",
    "is_valid",
    "major",
    "major_minor",
    "max_version",
    "prerelease",
    "sort_versions",
]


@dataclass(frozen=True, slots=True)
class _Parsed:
    major: str
    minor: str
    patch: str
    # What a shorthand version lacks to be complete (".0.0", ".0" or "").
    short: str
    prerelease: str
    build: str


def is_valid(v: str) -> bool:
    """Tell whether v is a valid semantic version."""
    return _parse(v) is not None


def canonical(v: str) -> str:
    """Return v in full vMAJOR.MINOR.PATCH[-PRE] form, or "" if v is invalid.

    Build metadata is dropped, so two versions compare equal exactly when their
    canonical forms are the same string.
    """
    p = _parse(v)
    if p is None:
        return ""
    if p.build:
        return v[: len(v) - len(p.build)]
    return v + p.short


def major(v: str) -> str:
    """Return the major prefix of v ("v2" for "v2.1.0"), or "" if v is invalid."""
    p = _parse(v)
    if p is None:
        return ""
    return v[: 1 + len(p.major)]


def major_minor(v: str) -> str:
    """Return the "vMAJOR.MINOR" prefix of v, or "" if v is invalid."""
    p = _parse(v)
    if p is None:
        return ""
    return f"v{p.major}.{p.minor}"


def prerelease(v: str) -> str:
    """Return the prerelease suffix of v with its "-", or "" if there is none."""
    p = _parse(v)
    return "" if p is None else p.prerelease


def build(v: str) -> str:
    """Return the build suffix of v with its "+", or "" if there is none."""
    p = _parse(v)
    return "" if p is None else p.build


def compare(v: str, w: str) -> int:
    """Compare two versions by semver precedence: -1, 0 or +1.

    Invalid versions are equal to each other and less than any valid version.
    """
    pv = _parse(v)
    pw = _parse(w)
    if pv is None or pw is None:
        return (pv is not None) - (pw is not None)
    return (
        _compare_int(pv.major, pw.major)
        or _compare_int(pv.minor, pw.minor)
        or _compare_int(pv.patch, pw.patch)
        or _compare_prerelease(pv.prerelease, pw.prerelease)
    )


def max_version(v: str, w: str) -> str:
    """Return the canonical form of whichever of v and w is greater."""
    v = canonical(v)
    w = canonical(w)
    return v if compare(v, w) > 0 else w


def sort_versions(versions: Iterable[str]) -> list[str]:
    """Return the versions sorted by precedence, ties broken by plain text order."""
    return sorted(versions, key=functools.cmp_to_key(_compare_then_text))


def _compare_then_text(v: str, w: str) -> int:
    # Equal precedence ("v1.0" and "v1.0.0", or two invalid strings) still needs
    # a fixed order, or the result would depend on the input order.
    return compare(v, w) or (v > w) - (v < w)


def _parse(v: str) -> _Parsed | None:
    if not v.startswith("v"):
        return None

    major_, rest = _split_int(v[1:])
    if major_ is None:
        return None
    if not rest:
        return _Parsed(major_, "0", "0", ".0.0", "", "")
    if rest[0] != ".":
        return None

    minor_, rest = _split_int(rest[1:])
    if minor_ is None:
        return None
    if not rest:
        return _Parsed(major_, minor_, "0", ".0", "", "")
    if rest[0] != ".":
        return None

    patch_, rest = _split_int(rest[1:])
    if patch_ is None:
        return None

    pre = ""
    if rest.startswith("-"):
        pre = "-" + rest[1:].partition("+")[0]
        if not _identifiers_ok(pre[1:], numeric_rule=True):
            return None
        rest = rest[len(pre) :]
    meta = ""
    if rest.startswith("+"):
        if not _identifiers_ok(rest[1:], numeric_rule=False):
            return None
        meta = rest
        rest = ""
    if rest:
        return None
    return _Parsed(major_, minor_, patch_, "", pre, meta)


def _split_int(s: str) -> tuple[str | None, str]:
    end = 0
    while end < len(s) and "0" <= s[end] <= "9":
        end += 1
    if end == 0 or (s[0] == "0" and end > 1):
        return None, s
    return s[:end], s[end:]


def _identifiers_ok(text: str, *, numeric_rule: bool) -> bool:
    for ident in text.split("."):
        if not ident or not all(_is_ident_char(c) for c in ident):
            return False
        # Only prerelease identifiers take part in ordering, so only they must
        # be free of leading zeros.
        if numeric_rule and _is_num(ident) and len(ident) > 1 and ident[0] == "0":
            return False
    return True


def _is_ident_char(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9" or c == "-"


def _is_num(s: str) -> bool:
    # str.isdigit would accept non-ASCII digits, which Go does not.
    return all("0" <= c <= "9" for c in s)


def _compare_int(x: str, y: str) -> int:
    # No leading zeros, so the longer number is the larger; this also keeps
    # numbers of any size exact.
    return _sign(len(x) - len(y)) or (x > y) - (x < y)


def _compare_prerelease(x: str, y: str) -> int:
    if x == y:
        return 0
    # A release outranks any of its prereleases.
    if not x:
        return 1
    if not y:
        return -1

    xs = x[1:].split(".")
    ys = y[1:].split(".")
    for dx, dy in zip(xs, ys, strict=False):
        if dx == dy:
            continue
        nx, ny = _is_num(dx), _is_num(dy)
        if nx != ny:
            return -1 if nx else 1
        if nx:
            return _compare_int(dx, dy)
        return -1 if dx < dy else 1
    return _sign(len(xs) - len(ys))


def _sign(n: int) -> int:
    return (n > 0) - (n < 0)
