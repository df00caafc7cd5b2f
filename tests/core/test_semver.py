"""Go semantic versions against the results of golang.org/x/mod/semver."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodpub.core import semver
from tests.helpers.conformance import MODULE_VECTORS

VECTORS: dict[str, Any] = json.loads(MODULE_VECTORS.read_text(encoding="utf-8"))
INPUTS: list[str] = [v["in"] for v in VECTORS["semver"]]


@pytest.mark.parametrize("vec", VECTORS["semver"], ids=INPUTS)
def test_parts(vec: dict[str, Any]) -> None:
    v = vec["in"]
    got = {
        "valid": semver.is_valid(v),
        "canonical": semver.canonical(v),
        "major": semver.major(v),
        "major_minor": semver.major_minor(v),
        "prerelease": semver.prerelease(v),
        "build": semver.build(v),
    }
    assert got == {k: vec[k] for k in got}


@pytest.mark.parametrize(
    ("v", "w", "expected"),
    [tuple(c) for c in VECTORS["semver_compare"]],
    ids=[f"{v}<=>{w}" for v, w, _ in VECTORS["semver_compare"]],
)
def test_compare(v: str, w: str, expected: int) -> None:
    assert semver.compare(v, w) == expected


@pytest.mark.parametrize(
    ("v", "w", "expected"),
    [tuple(c) for c in VECTORS["semver_compare"]],
    ids=[f"max({v},{w})" for v, w, _ in VECTORS["semver_compare"]],
)
def test_max_version(v: str, w: str, expected: int) -> None:
    # Go's Max: the canonical form of the greater, the second one on a tie.
    want = semver.canonical(v) if expected > 0 else semver.canonical(w)
    assert semver.max_version(v, w) == want


def test_sort_versions_orders_by_precedence_then_text() -> None:
    got = semver.sort_versions(
        ["v1.0.0", "bad", "v1.0", "v1.0.0-rc.1", "v0.9.9", "", "v1.0.0+meta"]
    )
    assert got == ["", "bad", "v0.9.9", "v1.0.0-rc.1", "v1.0", "v1.0.0", "v1.0.0+meta"]


def test_huge_numbers_compare_exactly() -> None:
    big = "v1.2.99999999999999999999"
    assert semver.compare(big, "v1.2.100000000000000000000") == -1
    assert semver.compare(big, "v1.3.0") == -1


# ---------------------------------------------------------------------------
# Properties

_NUM = st.one_of(st.just("0"), st.from_regex(r"[1-9][0-9]{0,3}", fullmatch=True))
_IDENT = st.one_of(_NUM, st.from_regex(r"[0-9A-Za-z-]{1,5}", fullmatch=True))


@st.composite
def _versions(draw: st.DrawFn) -> str:
    """Draw valid, shorthand and invalid versions, often sharing a prefix."""
    kind = draw(st.sampled_from(["full", "short", "invalid"]))
    if kind == "invalid":
        return draw(st.sampled_from([*INPUTS, "", "v", "1.0.0", "v1.0.0-", "v01"]))
    major = draw(st.sampled_from(["0", "1", "2"]))
    if kind == "short":
        return draw(st.sampled_from([f"v{major}", f"v{major}.{draw(_NUM)}"]))
    v = f"v{major}.{draw(st.sampled_from(['0', '1']))}.{draw(_NUM)}"
    pre = draw(st.lists(_IDENT, max_size=3))
    if pre:
        v += "-" + ".".join(pre)
    if draw(st.booleans()):
        v += "+" + draw(st.from_regex(r"[0-9A-Za-z-]{1,4}", fullmatch=True))
    return v


@given(_versions(), _versions(), _versions())
def test_compare_is_a_total_order(a: str, b: str, c: str) -> None:
    assert semver.compare(a, a) == 0
    assert semver.compare(a, b) == -semver.compare(b, a)
    if semver.compare(a, b) <= 0 and semver.compare(b, c) <= 0:
        assert semver.compare(a, c) <= 0
    if semver.compare(a, b) == 0:
        assert semver.compare(a, c) == semver.compare(b, c)
        assert semver.canonical(a) == semver.canonical(b)


@given(st.lists(_versions(), max_size=12))
def test_sort_agrees_with_compare(versions: list[str]) -> None:
    got = semver.sort_versions(versions)
    assert sorted(got) == sorted(versions)
    for a, b in itertools.pairwise(got):
        assert semver.compare(a, b) <= 0
    assert semver.sort_versions(reversed(versions)) == got
