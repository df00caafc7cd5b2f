"""Module paths, file paths and versions, checked as golang.org/x/mod/module does.

Every function here agrees with the Go toolchain, down to the text of its errors:
a path the go command refuses is refused here with the very same message, so a
user can search for it. Errors are :class:`~gomodpub.core.errors.InvalidModuleError`.

Path elements
    A path is one or more elements joined by single slashes: it is not empty,
    does not start or end with a slash and holds no ``//``. No element is
    empty, made only of dots (``.``, ``..``) or ends with a dot. The part of an
    element before its first dot must not be a name Windows reserves, in any
    case: CON, PRN, AUX, NUL, COM1 to COM9, LPT1 to LPT9. The path must be
    valid UTF-8.

Import paths (:func:`check_import_path`)
    Elements use only ASCII letters and digits and ``- . _ ~ +``. The path does
    not start with a dash. No element ends with ``~`` followed by digits only,
    because Windows short names (``PROGRA~1``) look like that.

Module paths (:func:`check_path`)
    Everything an import path must meet, without ``+``, and also:

    - the first element is a domain-like name of lower-case ASCII letters,
      digits, dots and dashes, with at least one dot;
    - no element starts with a dot;
    - a last element ``vN`` (N made of digits and dots) must be a major version
      of at least 2 with no leading zero and no dot: ``/v0``, ``/v1``,
      ``/v02`` and ``/v2.0`` are refused;
    - a ``gopkg.in/`` path must end in ``.vN`` (optionally ``-unstable``),
      where N is 0 or has no leading zero.

File paths (:func:`check_file_path`)
    The element rules above (without the tilde rule and the leading-dash rule)
    over a larger alphabet: any letter (of Go's Unicode, which may be newer than
    Python's: see :mod:`._unicode`), ASCII digits, the space and
    ``! # $ % & ( ) + , - . = @ [ ] ^ _ { } ~``. Shell and file-system specials
    (``" ' * < > ? ` | : \\``) are refused.

Versions (:func:`check`)
    A module version is a valid semantic version (see
    :mod:`gomodpub.core.semver`) whose major version matches the path: v0 or v1
    for a path without a major suffix (or any major with ``+incompatible``),
    exactly vN for ``/vN`` and ``.vN``. As in Go, ``gopkg.in/NAME.v1`` also
    accepts ``v0.0.0-`` pseudo-versions that old go commands produced.

Escaping (:func:`escape_path`, :func:`escape_version`)
    File systems and web servers may ignore case, so every upper-case letter is
    written as ``!`` and its lower-case letter: ``github.com/Azure/sdk`` becomes
    ``github.com/!azure/sdk``.
    Valid paths never contain ``!``, so nothing else needs escaping.

Pseudo-versions (:func:`is_pseudo_version`)
    Versions that name an untagged commit, in one of the forms
    ``vX.0.0-yyyymmddhhmmss-rev``, ``vX.Y.(Z+1)-0.yyyymmddhhmmss-rev`` or
    ``vX.Y.Z-pre.0.yyyymmddhhmmss-rev``, each optionally ``+incompatible``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

# Relative imports: mypy cannot follow the editable install's gomodpub.core
# mapping and would type these names as Any.
from . import semver
from ._unicode import is_letter
from .errors import InvalidModuleError
from .goquote import quote, quote_rune

__all__ = [
    "ModuleVersion",
    "canonical_version",
    "check",
    "check_file_path",
    "check_import_path",
    "check_path",
    "check_path_major",
    "escape_path",
    "escape_version",
    "is_pseudo_version",
    "is_zero_pseudo_version",
    "match_path_major",
    "path_major_prefix",
    "pseudo_version",
    "pseudo_version_base",
    "pseudo_version_rev",
    "pseudo_version_time",
    "split_path_version",
    "unescape_path",
    "unescape_version",
    "zero_pseudo_version",
]

_Kind = Literal["module", "import", "file"]

# Reserved device names on Windows, compared without regard to case.
_BAD_WINDOWS_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{n}" for n in range(1, 10)]
    + [f"LPT{n}" for n in range(1, 10)]
)

_ASCII_DIGITS = frozenset("0123456789")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_FIRST_ELEMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_MODULE_CHARS = _ASCII_LETTERS | _ASCII_DIGITS | frozenset("-._~")
_IMPORT_CHARS = _MODULE_CHARS | {"+"}
_FILE_ASCII_CHARS = _ASCII_LETTERS | _ASCII_DIGITS | frozenset("!#$%&()+,-.=@[]^_{}~ ")
# Characters _char_ok accepts without a closer look, for each kind of path.
_ASCII_CHARS_OK: dict[_Kind, frozenset[str]] = {
    "module": _MODULE_CHARS,
    "import": _IMPORT_CHARS,
    "file": _FILE_ASCII_CHARS,
}

# Go's regexp classes are ASCII-only, hence [0-9] rather than \d.
_PSEUDO_VERSION_RE = re.compile(
    r"v[0-9]+\.(0\.0-|[0-9]+\.[0-9]+-([^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+"
    r"(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)


@dataclass(frozen=True, slots=True)
class ModuleVersion:
    """A module path and version, both in plain (unescaped) form."""

    path: str
    version: str

    def __str__(self) -> str:
        # Go prints a bare path when there is no version (the main module).
        return f"{self.path}@{self.version}" if self.version else self.path


# ---------------------------------------------------------------------------
# Paths


def check_path(path: str) -> None:
    """Check that path is a valid module path; raise InvalidModuleError if not."""
    problem = _module_path_problem(path)
    if problem is not None:
        raise InvalidModuleError(_path_error("module", path, problem))


def check_import_path(path: str) -> None:
    """Check that path is a valid package import path; raise if not."""
    problem = _path_problem(path, "import")
    if problem is not None:
        raise InvalidModuleError(_path_error("import", path, problem))


def check_file_path(path: str) -> None:
    """Check that a slash-separated file path may appear in a module; raise if not."""
    problem = _path_problem(path, "file")
    if problem is not None:
        raise InvalidModuleError(_path_error("file", path, problem))


def split_path_version(path: str) -> tuple[str, str, bool]:
    """Split path into prefix and major suffix ("/v2", ".v1" or "").

    Returns:
        (prefix, path_major, ok): prefix + path_major == path. ok is False, with
        the whole path as prefix, when the last element looks like a major
        suffix that a module path may not have ("/v1", "/v2.0", "gopkg.in/x").
    """
    if path.startswith("gopkg.in/"):
        return _split_gopkg_in(path)

    i = len(path)
    dot = False
    while i > 0 and (path[i - 1] in _ASCII_DIGITS or path[i - 1] == "."):
        dot = dot or path[i - 1] == "."
        i -= 1
    if i <= 1 or i == len(path) or path[i - 1] != "v" or path[i - 2] != "/":
        return path, "", True

    prefix, path_major = path[: i - 2], path[i - 2 :]
    if dot or len(path_major) <= 2 or path_major[2] == "0" or path_major == "/v1":
        return path, "", False
    return prefix, path_major, True


def match_path_major(version: str, path_major: str) -> bool:
    """Tell whether version may be used with the major suffix path_major."""
    return _path_major_problem(version, path_major) is None


def check_path_major(version: str, path_major: str) -> None:
    """Check that version may be used with the major suffix path_major; raise if not."""
    problem = _path_major_problem(version, path_major)
    if problem is not None:
        raise InvalidModuleError(_version_error(version, problem))


def path_major_prefix(path_major: str) -> str:
    """Return the tag prefix ("v2") a major suffix implies; "" allows v0 and v1.

    Raises:
        ValueError: path_major is not "", "/vN" or ".vN" (a bug in the caller,
            as in Go, where this panics).
    """
    if not path_major:
        return ""
    if path_major[0] not in "/.":
        raise ValueError(
            f"path major suffix {path_major!r} lacks its '/' or '.' separator"
        )
    major = _trim_unstable(path_major)[1:]
    if major != semver.major(major):
        raise ValueError(f"path major suffix {path_major!r} is not a major version")
    return major


def check(path: str, version: str) -> None:
    """Check that path and version are valid and belong together; raise if not."""
    check_path(path)

    if not semver.is_valid(version):
        raise InvalidModuleError(
            f"{path}@{version}: invalid version: not a semantic version"
        )

    _, path_major, _ = split_path_version(path)
    problem = _path_major_problem(version, path_major)
    if problem is not None:
        raise InvalidModuleError(f"{path}@{version}: invalid version: {problem}")


def canonical_version(v: str) -> str:
    """Return semver.canonical(v), keeping a "+incompatible" suffix."""
    cv = semver.canonical(v)
    if semver.build(v) == "+incompatible":
        cv += "+incompatible"
    return cv


# ---------------------------------------------------------------------------
# Escaping


def escape_path(path: str) -> str:
    """Return the case-escaped form of a module path ("!" before lower-case).

    Raises:
        InvalidModuleError: path is not a valid module path.
    """
    check_path(path)
    return _escape(path)


def escape_version(v: str) -> str:
    """Return the case-escaped form of a version; it need not be semver.

    Raises:
        InvalidModuleError: v is not a valid file name or contains "!".
    """
    if _elem_problem(v, "file") is not None or "!" in v:
        raise InvalidModuleError(_version_error(v, "disallowed version string"))
    return _escape(v)


def unescape_path(escaped: str) -> str:
    """Return the module path that escaped stands for.

    Raises:
        InvalidModuleError: escaped is not a valid escaping of a valid path.
    """
    path = _unescape(escaped)
    if path is None:
        raise InvalidModuleError(f"invalid escaped module path {quote(escaped)}")
    problem = _module_path_problem(path)
    if problem is not None:
        raise InvalidModuleError(
            f"invalid escaped module path {quote(escaped)}: "
            + _path_error("module", path, problem)
        )
    return path


def unescape_version(escaped: str) -> str:
    """Return the version that escaped stands for.

    Raises:
        InvalidModuleError: escaped is not a valid escaping of a valid version.
    """
    v = _unescape(escaped)
    if v is None:
        raise InvalidModuleError(f"invalid escaped version {quote(escaped)}")
    problem = _elem_problem(v, "file")
    if problem is not None:
        # Go quotes the unescaped version here, unlike unescape_path.
        raise InvalidModuleError(f"invalid escaped version {quote(v)}: {problem}")
    return v


def _escape(s: str) -> str:
    # Module paths are ASCII by now, but a version may hold non-ASCII letters,
    # which have no escaped form; Go reports this with the same odd text.
    if "!" in s or not s.isascii():
        raise InvalidModuleError("internal error: inconsistency in EscapePath")
    return "".join(f"!{c.lower()}" if "A" <= c <= "Z" else c for c in s)


def _unescape(escaped: str) -> str | None:
    out: list[str] = []
    bang = False
    for c in escaped:
        if not c.isascii():
            return None
        if bang:
            bang = False
            if not "a" <= c <= "z":
                return None
            out.append(c.upper())
        elif c == "!":
            bang = True
        elif "A" <= c <= "Z":
            return None
        else:
            out.append(c)
    if bang:
        return None
    return "".join(out)


# ---------------------------------------------------------------------------
# Pseudo-versions


def is_pseudo_version(v: str) -> bool:
    """Tell whether v is a pseudo-version."""
    return (
        v.count("-") >= 2
        and semver.is_valid(v)
        and _PSEUDO_VERSION_RE.fullmatch(v) is not None
    )


def pseudo_version(major: str, older: str, t: datetime, rev: str) -> str:
    """Return the pseudo-version for commit rev made at t.

    Args:
        major: the major version ("v2"); "" means "v0".
        older: the latest tag before the commit ("", "v1.2.3" or "v1.2.3-pre").
        t: the commit time; a naive datetime is taken as UTC.
        rev: the revision, usually a 12-character commit hash prefix.
    """
    if t.tzinfo is not None:
        t = t.astimezone(UTC)
    stamp = (
        f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}"
    )
    segment = f"{stamp}-{rev}"
    build = semver.build(older)
    older = semver.canonical(older)

    if not older:
        return f"{major or 'v0'}.0.0-{segment}"
    if semver.prerelease(older):
        return f"{older}.0.{segment}{build}"
    head, _, patch = older.rpartition(".")
    return f"{head}.{_inc_decimal(patch)}-0.{segment}{build}"


def zero_pseudo_version(major: str) -> str:
    """Return the placeholder pseudo-version with zero time and revision."""
    return pseudo_version(major, "", datetime(1, 1, 1), "000000000000")


def is_zero_pseudo_version(v: str) -> bool:
    """Tell whether v is the placeholder pseudo-version of its major version."""
    return v == zero_pseudo_version(semver.major(v))


def pseudo_version_time(v: str) -> datetime:
    """Return the commit time (UTC) recorded in pseudo-version v.

    Raises:
        InvalidModuleError: v is not a pseudo-version, or its time stamp is not
            a real date and time. A year 0000 stamp, which Go accepts, is
            refused too: Python's datetime starts at year 1.
    """
    # TODO(year 0000 pseudo-versions): Go parses "v0.0.0-00000101000000-rev" as
    # a time in year 0, which datetime cannot hold, so we refuse it; returning
    # the fields without datetime would close the gap if anyone ever needs it.
    _, stamp, _, _ = _parse_pseudo_version(v)
    year, month, day, hour, minute, second = (
        int(stamp[i : i + n])
        for i, n in ((0, 4), (4, 2), (6, 2), (8, 2), (10, 2), (12, 2))
    )
    try:
        # datetime refuses the same out-of-range fields as Go's time.Parse.
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise InvalidModuleError(
            _version_error(v, f"malformed time {quote(stamp)}", pseudo=True)
        ) from None


def pseudo_version_rev(v: str) -> str:
    """Return the revision identifier recorded in pseudo-version v.

    Raises:
        InvalidModuleError: v is not a pseudo-version.
    """
    _, _, rev, _ = _parse_pseudo_version(v)
    return rev


def pseudo_version_base(v: str) -> str:
    """Return the tagged version pseudo-version v builds on, or "" if none.

    Raises:
        InvalidModuleError: v is not a pseudo-version, or names an impossible
            base (vX.0.0-0.yyyymmddhhmmss-rev, or no base but "+build" metadata).
    """
    base, _, _, build = _parse_pseudo_version(v)
    pre = semver.prerelease(base)

    # vX.0.0-yyyymmddhhmmss-rev: no tag came before the commit.
    if not pre:
        if build:
            # "+incompatible" says the base tag's major disagrees with the
            # path, yet there is no base tag: the version contradicts itself.
            raise InvalidModuleError(
                _version_error(
                    v,
                    f"lacks base version, but has build metadata {quote(build)}",
                    pseudo=True,
                )
            )
        return ""

    # vX.Y.(Z+1)-0.yyyymmddhhmmss-rev: the base is vX.Y.Z.
    if pre == "-0":
        base = base.removesuffix(pre)
        head, _, patch = base.rpartition(".")
        previous = _dec_decimal(patch)
        if not previous:
            raise InvalidModuleError(
                _version_error(
                    v,
                    f"version before {base} would have negative patch number",
                    pseudo=True,
                )
            )
        return f"{head}.{previous}{build}"

    # vX.Y.Z-pre.0.yyyymmddhhmmss-rev: the base is vX.Y.Z-pre.
    return base.removesuffix(".0") + build


def _parse_pseudo_version(v: str) -> tuple[str, str, str, str]:
    """Split a pseudo-version into base, time stamp, revision and build."""
    if not is_pseudo_version(v):
        raise InvalidModuleError(_version_error(v, "syntax error", pseudo=True))

    build = semver.build(v)
    rest = v[: len(v) - len(build)]
    rest, _, rev = rest.rpartition("-")
    dash = rest.rfind("-")
    dot = rest.rfind(".")
    if dot > dash:
        return rest[:dot], rest[dot + 1 :], rev, build
    return rest[:dash], rest[dash + 1 :], rev, build


def _inc_decimal(decimal: str) -> str:
    return str(int(decimal) + 1)


def _dec_decimal(decimal: str) -> str:
    n = int(decimal)
    return str(n - 1) if n > 0 else ""


# ---------------------------------------------------------------------------
# The checks behind the public functions. Each returns Go's reason text, or None.


def _module_path_problem(path: str) -> str | None:
    problem = _path_problem(path, "module")
    if problem is not None:
        return problem

    first = path.split("/", 1)[0]
    if not first:
        return "leading slash"
    if "." not in first:
        return "missing dot in first path element"
    if path[0] == "-":
        return "leading dash in first path element"
    for c in first:
        if c not in _FIRST_ELEMENT_CHARS:
            return f"invalid char {quote_rune(c)} in first path element"
    if not split_path_version(path)[2]:
        return "invalid version"
    return None


def _path_problem(path: str, kind: _Kind) -> str | None:
    if not _is_valid_utf8(path):
        return "invalid UTF-8"
    if not path:
        return "empty string"
    if path[0] == "-" and kind != "file":
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for elem in path.split("/"):
        problem = _elem_problem(elem, kind)
        if problem is not None:
            return problem
    return None


def _elem_problem(elem: str, kind: _Kind) -> str | None:
    if not elem:
        return "empty path element"
    if elem.count(".") == len(elem):
        return f"invalid path element {quote(elem)}"
    if elem[0] == "." and kind == "module":
        return "leading dot in path element"
    if elem[-1] == ".":
        return "trailing dot in path element"
    # Most elements are plain ASCII: one set test, in C, instead of a call per
    # character; only an element with another character is looked at closely.
    if not _ASCII_CHARS_OK[kind].issuperset(elem):
        for c in elem:
            if not _char_ok(c, kind):
                return f"invalid char {quote_rune(c)}"

    short = elem.split(".", 1)[0]
    # Only ASCII can fold onto these names, and str.upper would also map some
    # non-ASCII letters onto ASCII ones where Go's case folding does not.
    if short.isascii() and short.upper() in _BAD_WINDOWS_NAMES:
        return f"{quote(short)} disallowed as path element component on Windows"

    # Windows short names (PROGRA~1) only matter where Go maps import paths
    # to directories, so file names may end in "~1".
    if kind == "file":
        return None
    _, tilde, suffix = short.rpartition("~")
    if tilde and suffix and all(c in _ASCII_DIGITS for c in suffix):
        return "trailing tilde and digits in path element"
    return None


def _char_ok(c: str, kind: _Kind) -> bool:
    if kind == "module":
        return c in _MODULE_CHARS
    if kind == "import":
        return c in _IMPORT_CHARS
    if c.isascii():
        return c in _FILE_ASCII_CHARS
    # Go's IsLetter, not str.isalpha: Python's Unicode is older than Go's.
    return is_letter(c)


def _split_gopkg_in(path: str) -> tuple[str, str, bool]:
    i = len(path)
    if path.endswith("-unstable"):
        i -= len("-unstable")
    while i > 0 and path[i - 1] in _ASCII_DIGITS:
        i -= 1
    # Every gopkg.in path ends in ".vN".
    if i <= 1 or path[i - 1] != "v" or path[i - 2] != ".":
        return path, "", False

    prefix, path_major = path[: i - 2], path[i - 2 :]
    if len(path_major) <= 2 or (path_major[2] == "0" and path_major != ".v0"):
        return path, "", False
    return prefix, path_major, True


def _path_major_problem(v: str, path_major: str) -> str | None:
    path_major = _trim_unstable(path_major)
    # Old go commands wrote v0.0.0- pseudo-versions for gopkg.in .v1 paths, and
    # published go.mod files still require them.
    if v.startswith("v0.0.0-") and path_major == ".v1":
        return None

    m = semver.major(v)
    if not path_major:
        if m in ("v0", "v1") or semver.build(v) == "+incompatible":
            return None
        wanted = "v0 or v1"
    elif path_major[0] in "/.":
        if m == path_major[1:]:
            return None
        wanted = path_major[1:]
    else:
        wanted = path_major
    return f"should be {wanted}, not {m}"


def _trim_unstable(path_major: str) -> str:
    if path_major.startswith(".v"):
        return path_major.removesuffix("-unstable")
    return path_major


# ---------------------------------------------------------------------------
# Error texts, quoted the way Go's %q quotes.


def _path_error(kind: _Kind, path: str, problem: str) -> str:
    return f"malformed {kind} path {quote(path)}: {problem}"


def _version_error(v: str, problem: str, *, pseudo: bool = False) -> str:
    noun = "pseudo-version" if pseudo else "version"
    return f"{noun} {quote(v)} invalid: {problem}"


def _is_valid_utf8(s: str) -> bool:
    # A Python str is invalid UTF-8 only through lone surrogates, which is how
    # surrogateescape carries undecodable bytes (from os.fsdecode, say).
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
