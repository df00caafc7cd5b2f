"""Module paths and versions against the results of golang.org/x/mod/module."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gomodpub.core import module
from gomodpub.core.errors import InvalidModuleError
from tests.helpers.conformance import MODULE_VECTORS

VECTORS: dict[str, Any] = json.loads(MODULE_VECTORS.read_text(encoding="utf-8"))


def _ids(key: str, field: str) -> list[str]:
    return [ascii(v[field]) for v in VECTORS[key]]


def _error_of(fn: Any, *args: Any) -> str:
    """Run fn and return its error text, or "" when it succeeds."""
    try:
        fn(*args)
    except InvalidModuleError as e:
        return str(e)
    return ""


# ---------------------------------------------------------------------------
# Conformance vectors


@pytest.mark.parametrize("vec", VECTORS["paths"], ids=_ids("paths", "path"))
def test_check_path(vec: dict[str, Any]) -> None:
    assert _error_of(module.check_path, vec["path"]) == vec["check_path_error"]


@pytest.mark.parametrize("vec", VECTORS["paths"], ids=_ids("paths", "path"))
def test_check_import_path(vec: dict[str, Any]) -> None:
    got = _error_of(module.check_import_path, vec["path"])
    assert got == vec["check_import_path_error"]


@pytest.mark.parametrize("vec", VECTORS["paths"], ids=_ids("paths", "path"))
def test_check_file_path(vec: dict[str, Any]) -> None:
    got = _error_of(module.check_file_path, vec["path"])
    assert got == vec["check_file_path_error"]


@pytest.mark.parametrize("vec", VECTORS["paths"], ids=_ids("paths", "path"))
def test_escape_path(vec: dict[str, Any]) -> None:
    if vec["escape_error"]:
        with pytest.raises(InvalidModuleError) as info:
            module.escape_path(vec["path"])
        assert str(info.value) == vec["escape_error"]
    else:
        assert module.escape_path(vec["path"]) == vec["escaped"]


@pytest.mark.parametrize("vec", VECTORS["paths"], ids=_ids("paths", "path"))
def test_split_path_version(vec: dict[str, Any]) -> None:
    got = module.split_path_version(vec["path"])
    assert got == (vec["split_prefix"], vec["split_major"], vec["split_ok"])


@pytest.mark.parametrize("vec", VECTORS["escapes"], ids=_ids("escapes", "path"))
def test_escapes(vec: dict[str, Any]) -> None:
    assert module.escape_path(vec["path"]) == vec["escaped"]
    if vec["unescape_error"]:
        with pytest.raises(InvalidModuleError) as info:
            module.unescape_path(vec["escaped"])
        assert str(info.value) == vec["unescape_error"]
    else:
        assert module.unescape_path(vec["escaped"]) == vec["unescaped"]


@pytest.mark.parametrize(
    "vec",
    VECTORS["path_version_checks"],
    ids=[f"{v['path']}@{v['version']}" for v in VECTORS["path_version_checks"]],
)
def test_check(vec: dict[str, Any]) -> None:
    got = _error_of(module.check, vec["path"], vec["version"])
    assert got == vec["check_error"]


@pytest.mark.parametrize(
    "vec", VECTORS["pseudo_versions"], ids=_ids("pseudo_versions", "version")
)
def test_pseudo_versions(vec: dict[str, Any]) -> None:
    v = vec["version"]
    assert module.is_pseudo_version(v) is vec["is_pseudo"]
    assert module.pseudo_version_rev(v) == vec["rev"]

    t = module.pseudo_version_time(v)
    assert t.tzinfo is UTC
    stamp = f"{t.year:04d}{t:%m%d%H%M%S}"
    assert stamp == vec["time"]

    if vec["base_error"]:
        with pytest.raises(InvalidModuleError) as info:
            module.pseudo_version_base(v)
        assert str(info.value) == vec["base_error"]
    else:
        assert module.pseudo_version_base(v) == vec["base"]


# ---------------------------------------------------------------------------
# Behaviour the vectors do not reach; texts as the Go toolchain prints them.


@pytest.mark.parametrize(
    ("version", "path_major", "error"),
    [
        ("v2.0.0", "", 'version "v2.0.0" invalid: should be v0 or v1, not v2'),
        ("v3.1.0", "/v2", 'version "v3.1.0" invalid: should be v2, not v3'),
        ("v1.0.0", ".v0", 'version "v1.0.0" invalid: should be v0, not v1'),
        ("v2.0.0+incompatible", "", ""),
        ("v2.0.0", "/v2", ""),
        ("v1.5.0", ".v1-unstable", ""),
        ("v0.0.0-20160102150405-abcdef123456", ".v1", ""),
    ],
)
def test_check_path_major(version: str, path_major: str, error: str) -> None:
    assert _error_of(module.check_path_major, version, path_major) == error
    assert module.match_path_major(version, path_major) is (error == "")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("gopkg.in/yaml.v2", ("gopkg.in/yaml", ".v2", True)),
        ("gopkg.in/yaml.v0", ("gopkg.in/yaml", ".v0", True)),
        ("gopkg.in/yaml.v1-unstable", ("gopkg.in/yaml", ".v1-unstable", True)),
        ("gopkg.in/yaml", ("gopkg.in/yaml", "", False)),
        ("gopkg.in/yaml.v02", ("gopkg.in/yaml.v02", "", False)),
        ("example.com/m/v10", ("example.com/m", "/v10", True)),
        ("example.com/m/v02", ("example.com/m/v02", "", False)),
        ("example.com/v2", ("example.com", "/v2", True)),
    ],
)
def test_split_path_version_majors(path: str, expected: tuple[str, str, bool]) -> None:
    assert module.split_path_version(path) == expected


def test_check_path_rejects_gopkg_in_without_major() -> None:
    with pytest.raises(InvalidModuleError) as info:
        module.check_path("gopkg.in/yaml")
    assert str(info.value) == 'malformed module path "gopkg.in/yaml": invalid version'


@pytest.mark.parametrize(
    ("path", "error"),
    [
        (
            "example",
            'malformed module path "example": missing dot in first path element',
        ),
        ("a.b/c\x00", "malformed module path \"a.b/c\\x00\": invalid char '\\x00'"),
        (
            "a.b/c\u00a0",
            "malformed module path \"a.b/c\\u00a0\": invalid char '\\u00a0'",
        ),
        ("a.b/c\t", "malformed module path \"a.b/c\\t\": invalid char '\\t'"),
        # Undecodable bytes, as os.fsdecode hands them over.
        ("a.b/\udcff", 'malformed module path "a.b/\\xff": invalid UTF-8'),
    ],
)
def test_check_path_quotes_like_go(path: str, error: str) -> None:
    assert _error_of(module.check_path, path) == error


def test_check_file_path_allows_unicode_letters_and_tilde_digits() -> None:
    module.check_file_path("docs/испытание/PROGRA~1.txt")
    module.check_file_path("-leading/dash is fine.go")


# Letters of Unicode 15 to 17, which Go 1.27 knows and Python 3.11 does not,
# and characters that are no letters in either; outcomes are Go's.
@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("a\ua7cb.go", ""),
        ("\ua7dc", ""),
        ("\u1c89x", ""),
        ("\U00010d50.go", ""),
        ("\u0897", "malformed file path \"\u0897\": invalid char '\u0897'"),
        ("\u00b7", "malformed file path \"\u00b7\": invalid char '\u00b7'"),
        ("\U0001f600", "malformed file path \"\U0001f600\": invalid char '\U0001f600'"),
    ],
    ids=ascii,
)
def test_check_file_path_knows_gos_letters(path: str, error: str) -> None:
    assert _error_of(module.check_file_path, path) == error


@pytest.mark.parametrize(
    ("path_major", "prefix"), [("", ""), ("/v2", "v2"), (".v1", "v1")]
)
def test_path_major_prefix(path_major: str, prefix: str) -> None:
    assert module.path_major_prefix(path_major) == prefix


@pytest.mark.parametrize("path_major", ["v2", "/v2.0"])
def test_path_major_prefix_refuses_bad_suffix(path_major: str) -> None:
    with pytest.raises(ValueError):
        module.path_major_prefix(path_major)


@pytest.mark.parametrize(
    ("v", "escaped"),
    [("v1.0.0", "v1.0.0"), ("v1.0.0-RC1", "v1.0.0-!r!c1"), ("master", "master")],
)
def test_escape_version_round_trip(v: str, escaped: str) -> None:
    assert module.escape_version(v) == escaped
    assert module.unescape_version(escaped) == v


@pytest.mark.parametrize(
    ("call", "arg", "error"),
    [
        (
            module.escape_version,
            "v1!",
            'version "v1!" invalid: disallowed version string',
        ),
        (
            module.escape_version,
            "v1/x",
            'version "v1/x" invalid: disallowed version string',
        ),
        (
            module.escape_version,
            "vé",
            "internal error: inconsistency in EscapePath",
        ),
        (module.unescape_version, "v1!", 'invalid escaped version "v1!"'),
        (module.unescape_version, "V1", 'invalid escaped version "V1"'),
        (
            module.unescape_version,
            "v1..",
            'invalid escaped version "v1..": trailing dot in path element',
        ),
        (
            module.unescape_path,
            "github.com/!",
            'invalid escaped module path "github.com/!"',
        ),
        (
            module.unescape_path,
            "github.com/!1",
            'invalid escaped module path "github.com/!1"',
        ),
        (
            module.unescape_path,
            "example.com/x//y",
            'invalid escaped module path "example.com/x//y": '
            'malformed module path "example.com/x//y": double slash',
        ),
    ],
)
def test_escaping_errors(call: Any, arg: str, error: str) -> None:
    assert _error_of(call, arg) == error


def test_check_reports_bad_path_before_bad_version() -> None:
    with pytest.raises(InvalidModuleError) as info:
        module.check("rsc io/quote", "bad")
    assert str(info.value) == "malformed module path \"rsc io/quote\": invalid char ' '"


@pytest.mark.parametrize(
    ("v", "error"),
    [
        ("v1.0.0", 'pseudo-version "v1.0.0" invalid: syntax error'),
        (
            "v1.0.0-20061302150405-hash",
            'pseudo-version "v1.0.0-20061302150405-hash" invalid: '
            'malformed time "20061302150405"',
        ),
        (
            "v1.0.0-20060230150405-hash",
            'pseudo-version "v1.0.0-20060230150405-hash" invalid: '
            'malformed time "20060230150405"',
        ),
    ],
)
def test_pseudo_version_time_errors(v: str, error: str) -> None:
    assert _error_of(module.pseudo_version_time, v) == error


@pytest.mark.parametrize(
    ("v", "error"),
    [
        (
            "v1.0.0-20060102150405-hash+incompatible",
            'pseudo-version "v1.0.0-20060102150405-hash+incompatible" invalid: '
            'lacks base version, but has build metadata "+incompatible"',
        ),
        (
            "v1.0.0-0.20060102150405-hash",
            'pseudo-version "v1.0.0-0.20060102150405-hash" invalid: '
            "version before v1.0.0 would have negative patch number",
        ),
        ("v1.2.3", 'pseudo-version "v1.2.3" invalid: syntax error'),
    ],
)
def test_pseudo_version_base_errors(v: str, error: str) -> None:
    assert _error_of(module.pseudo_version_base, v) == error


def test_pseudo_version_rev_error() -> None:
    assert (
        _error_of(module.pseudo_version_rev, "v1.2.3-pre")
        == 'pseudo-version "v1.2.3-pre" invalid: syntax error'
    )


@pytest.mark.parametrize(
    ("major", "older", "expected"),
    [
        ("", "", "v0.0.0-20060102150405-abcdef123456"),
        ("v2", "", "v2.0.0-20060102150405-abcdef123456"),
        ("v1", "v1.2.3", "v1.2.4-0.20060102150405-abcdef123456"),
        ("v1", "v1.2.9", "v1.2.10-0.20060102150405-abcdef123456"),
        ("v1", "v1.2.3-pre", "v1.2.3-pre.0.20060102150405-abcdef123456"),
        (
            "v2",
            "v2.0.0+incompatible",
            "v2.0.1-0.20060102150405-abcdef123456+incompatible",
        ),
    ],
)
def test_pseudo_version(major: str, older: str, expected: str) -> None:
    t = datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)
    got = module.pseudo_version(major, older, t, "abcdef123456")
    assert got == expected
    assert module.pseudo_version_base(got) == (older if older else "")


def test_zero_pseudo_version() -> None:
    assert module.zero_pseudo_version("v2") == "v2.0.0-00010101000000-000000000000"
    assert module.is_zero_pseudo_version("v0.0.0-00010101000000-000000000000")
    assert not module.is_zero_pseudo_version("v0.0.0-20060102150405-000000000000")
    t = module.pseudo_version_time(module.zero_pseudo_version(""))
    assert t == datetime(1, 1, 1, tzinfo=UTC)


def test_canonical_version_keeps_incompatible() -> None:
    assert module.canonical_version("v2.0.0+incompatible") == "v2.0.0+incompatible"
    assert module.canonical_version("v2.1.0-pre+incompatible") == (
        "v2.1.0-pre+incompatible"
    )
    assert module.canonical_version("v1.2.0+meta") == "v1.2.0"
    # A shorthand version cannot carry build metadata at all.
    assert module.canonical_version("v2.0+incompatible") == ""
    assert module.canonical_version("bad") == ""


def test_module_version_str() -> None:
    assert str(module.ModuleVersion("rsc.io/quote", "v1.5.2")) == "rsc.io/quote@v1.5.2"
    assert str(module.ModuleVersion("example.com/main", "")) == "example.com/main"


# ---------------------------------------------------------------------------
# Properties


_FIRST_ELEMENT = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}\.[a-z]{2,6}", fullmatch=True)
_ELEMENT = st.from_regex(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,11}", fullmatch=True)


@st.composite
def _module_paths(draw: st.DrawFn) -> str:
    first = draw(_FIRST_ELEMENT)
    rest = draw(st.lists(_ELEMENT, max_size=4))
    return "/".join([first, *rest])


def _is_valid_path(path: str) -> bool:
    try:
        module.check_path(path)
    except InvalidModuleError:
        return False
    return True


@given(_module_paths())
def test_escape_path_round_trip(path: str) -> None:
    assume(_is_valid_path(path))
    escaped = module.escape_path(path)
    assert escaped == escaped.lower()
    assert module.unescape_path(escaped) == path


@given(
    st.from_regex(
        r"v[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(-[A-Za-z0-9.]{1,8})?", fullmatch=True
    )
)
def test_escape_version_round_trip_property(v: str) -> None:
    assume(not v.endswith("."))
    escaped = module.escape_version(v)
    assert escaped == escaped.lower()
    assert module.unescape_version(escaped) == v
