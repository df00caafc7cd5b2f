"""Version suggestions and warnings: exact outcomes, then properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodpub.core import modfile, module, semver, versions
from gomodpub.core.errors import InvalidModuleError
from tests.helpers.fuzzing import examples


def _go_mod(path: str, *retracts: str) -> modfile.ModFile:
    """A go.mod for path with retract lines such as "[v1.0.0, v1.0.5] // why"."""
    lines = [f"module {path}"]
    for retract in retracts:
        interval, _, rationale = retract.partition(" // ")
        if rationale:
            lines.append(f"// {rationale}")
        lines.append(f"retract {interval}")
    return modfile.parse("\n".join(lines) + "\n")


def _listed(s: versions.Suggestions) -> list[str]:
    return [f"{x.kind} {x.module_path}@{x.version}" for x in s]


# ---------------------------------------------------------------------------
# suggest


SUGGEST_CASES = [
    pytest.param(
        "example.com/m",
        [],
        (),
        ["minor example.com/m@v0.1.0", "major example.com/m@v1.0.0"],
        id="empty",
    ),
    pytest.param(
        "example.com/m/v2", [], (), ["major example.com/m/v2@v2.0.0"], id="empty-v2"
    ),
    pytest.param(
        "gopkg.in/yaml.v3", [], (), ["major gopkg.in/yaml.v3@v3.0.0"], id="empty-gopkg"
    ),
    pytest.param(
        "gopkg.in/yaml.v0",
        [],
        (),
        ["minor gopkg.in/yaml.v0@v0.1.0", "major gopkg.in/yaml.v1@v1.0.0"],
        id="empty-gopkg-v0",
    ),
    pytest.param(
        "example.com/m",
        ["v0.0.0-20240101000000-abcdefabcdef"],
        (),
        ["minor example.com/m@v0.1.0", "major example.com/m@v1.0.0"],
        id="only-a-commit",
    ),
    pytest.param(
        "example.com/m",
        ["v0.1.0", "v0.2.0", "v0.2.1"],
        (),
        [
            "prerelease example.com/m@v0.3.0-rc.1",
            "patch example.com/m@v0.2.2",
            "minor example.com/m@v0.3.0",
            "major example.com/m@v1.0.0",
        ],
        id="v0",
    ),
    pytest.param(
        "example.com/m",
        ["v1.0.0", "v1.10.0", "junk", "v1.9.3", "v1.2.0+meta", "v0.9.0"],
        (),
        [
            "prerelease example.com/m@v1.11.0-rc.1",
            "patch example.com/m@v1.10.1",
            "minor example.com/m@v1.11.0",
            "major example.com/m/v2@v2.0.0",
        ],
        id="v1-unordered",
    ),
    pytest.param(
        "example.com/m/v2",
        ["v2.0.0", "v2.3.1", "v1.5.0"],
        (),
        [
            "prerelease example.com/m/v2@v2.4.0-rc.1",
            "patch example.com/m/v2@v2.3.2",
            "minor example.com/m/v2@v2.4.0",
            "major example.com/m/v3@v3.0.0",
        ],
        id="v2-path",
    ),
    pytest.param(
        "gopkg.in/yaml.v2",
        ["v2.4.0"],
        (),
        [
            "prerelease gopkg.in/yaml.v2@v2.5.0-rc.1",
            "patch gopkg.in/yaml.v2@v2.4.1",
            "minor gopkg.in/yaml.v2@v2.5.0",
            "major gopkg.in/yaml.v3@v3.0.0",
        ],
        id="gopkg",
    ),
    pytest.param(
        "gopkg.in/yaml.v2-unstable",
        ["v2.4.0"],
        (),
        [
            "prerelease gopkg.in/yaml.v2-unstable@v2.5.0-rc.1",
            "patch gopkg.in/yaml.v2-unstable@v2.4.1",
            "minor gopkg.in/yaml.v2-unstable@v2.5.0",
            "major gopkg.in/yaml.v3-unstable@v3.0.0",
        ],
        id="gopkg-unstable",
    ),
    pytest.param(
        "example.com/m",
        ["v1.2.0", "v1.3.0-rc.1"],
        (),
        [
            "release example.com/m@v1.3.0",
            "prerelease example.com/m@v1.3.0-rc.2",
            "patch example.com/m@v1.3.1",
            "minor example.com/m@v1.4.0",
            "major example.com/m/v2@v2.0.0",
        ],
        id="after-rc",
    ),
    pytest.param(
        "example.com/m",
        ["v1.3.0-beta"],
        (),
        [
            "release example.com/m@v1.3.0",
            "prerelease example.com/m@v1.3.0-beta.1",
            "patch example.com/m@v1.3.1",
            "minor example.com/m@v1.4.0",
            "major example.com/m/v2@v2.0.0",
        ],
        id="after-unnumbered-prerelease",
    ),
    pytest.param(
        "example.com/m/v2",
        ["v2.0.0-rc.1"],
        (),
        [
            "release example.com/m/v2@v2.0.0",
            "prerelease example.com/m/v2@v2.0.0-rc.2",
            "patch example.com/m/v2@v2.0.1",
            "minor example.com/m/v2@v2.1.0",
            "major example.com/m/v3@v3.0.0",
        ],
        id="v2-rc-before-any-release",
    ),
    pytest.param(
        "example.com/m",
        ["v1.3.0-rc.1"],
        ("v1.3.0-rc.2",),
        [
            "release example.com/m@v1.3.0",
            "prerelease example.com/m@v1.3.0-rc.3",
            "patch example.com/m@v1.3.1",
            "minor example.com/m@v1.4.0",
            "major example.com/m/v2@v2.0.0",
        ],
        id="retracted-prerelease",
    ),
    pytest.param(
        "example.com/m",
        ["v1.3.0-rc.1"],
        ("[v1.3.0-rc.2, v1.3.0]",),
        [
            "prerelease example.com/m@v1.4.0-rc.1",
            "patch example.com/m@v1.3.1",
            "minor example.com/m@v1.4.0",
            "major example.com/m/v2@v2.0.0",
        ],
        id="retracted-release",
    ),
    pytest.param(
        "example.com/m",
        ["v1.2.0"],
        ("[v1.2.1, v1.2.4]", "v1.3.0"),
        [
            "prerelease example.com/m@v1.3.1-rc.1",
            "patch example.com/m@v1.2.5",
            "minor example.com/m@v1.3.1",
            "major example.com/m/v2@v2.0.0",
        ],
        id="retract-range",
    ),
    pytest.param(
        "example.com/m",
        ["v0.4.0"],
        ("v1.0.0",),
        [
            "prerelease example.com/m@v0.5.0-rc.1",
            "patch example.com/m@v0.4.1",
            "minor example.com/m@v0.5.0",
            "major example.com/m@v1.0.1",
        ],
        id="retracted-v1",
    ),
    pytest.param(
        "gopkg.in/yaml.v0",
        ["v0.0.0"],
        ("[v0.0.0, v0.1.0]",),
        [
            "prerelease gopkg.in/yaml.v0@v0.1.1-rc.1",
            "minor gopkg.in/yaml.v0@v0.1.1",
            "major gopkg.in/yaml.v1@v1.0.0",
        ],
        id="retraction-pushes-patch-out-of-its-minor",
    ),
    pytest.param(
        "example.com/m",
        ["v0.4.0"],
        ("[v0.4.1, v1.0.0]",),
        ["major example.com/m@v1.0.1"],
        id="retraction-pushes-minor-out-of-its-major",
    ),
    pytest.param(
        "example.com/m",
        ["v1.2.0", "v2.0.0+incompatible", "v2.4.0+incompatible"],
        (),
        [
            "prerelease example.com/m@v1.3.0-rc.1",
            "patch example.com/m@v1.2.1",
            "minor example.com/m@v1.3.0",
            "major example.com/m/v2@v2.5.0",
        ],
        id="incompatible-history",
    ),
    pytest.param(
        "example.com/m",
        ["v1.2.3", "v1.2.4-0.20240101000000-abcdefabcdef"],
        (),
        [
            "prerelease example.com/m@v1.3.0-rc.1",
            "patch example.com/m@v1.2.4",
            "minor example.com/m@v1.3.0",
            "major example.com/m/v2@v2.0.0",
        ],
        id="pseudo-version-above",
    ),
]


@pytest.mark.parametrize(("path", "published", "retracts", "expected"), SUGGEST_CASES)
def test_suggest(
    path: str, published: list[str], retracts: tuple[str, ...], expected: list[str]
) -> None:
    got = versions.suggest(path, published, _go_mod(path, *retracts))
    assert _listed(got) == expected


def test_suggest_messages_after_a_release() -> None:
    got = versions.suggest("example.com/m", ["v1.2.0"], _go_mod("example.com/m"))

    assert got.module_path == "example.com/m"
    assert got.latest == "v1.2.0"
    assert got.release is None
    assert got.patch == versions.Suggestion(
        "patch", "v1.2.1", "example.com/m", "Bug fixes only, with no change to the API."
    )
    assert got.minor == versions.Suggestion(
        "minor", "v1.3.0", "example.com/m", "New features that keep the API compatible."
    )
    assert got.prerelease == versions.Suggestion(
        "prerelease", "v1.3.0-rc.1", "example.com/m", "A release candidate for v1.3.0."
    )
    assert got.major == versions.Suggestion(
        "major",
        "v2.0.0",
        "example.com/m/v2",
        "A new major version is a new module path, example.com/m/v2: change go.mod "
        "to `module example.com/m/v2` and every import of example.com/m and its "
        "packages to example.com/m/v2.",
        path_changes=True,
    )


def test_suggest_messages_after_a_prerelease() -> None:
    got = versions.suggest("example.com/m", ["v1.2.0", "v1.3.0-rc.1"])

    assert got.latest == "v1.3.0-rc.1"
    assert got.release is not None
    assert got.release.message == "Turns the prerelease v1.3.0-rc.1 into a release."
    assert got.prerelease is not None
    assert got.prerelease.message == "The prerelease after v1.3.0-rc.1."


def test_suggest_messages_with_nothing_published() -> None:
    got = versions.suggest("example.com/m", [])

    assert got.latest == ""
    assert (got.release, got.prerelease, got.patch) == (None, None, None)
    assert got.minor is not None
    assert got.minor.message == (
        "A first development version: v0 makes no compatibility promise."
    )
    assert got.major == versions.Suggestion(
        "major",
        "v1.0.0",
        "example.com/m",
        "The first v1 promises a stable API; the module path stays example.com/m.",
    )
    v2 = versions.suggest("example.com/m/v2", []).major
    assert v2 is not None
    assert v2.message == "The first version of example.com/m/v2."


def test_suggest_says_what_a_retraction_skipped() -> None:
    go_mod = _go_mod("example.com/m", "v1.2.1 // broken build")

    got = versions.suggest("example.com/m", ["v1.2.0"], go_mod)

    assert got.patch is not None
    assert got.patch.message == (
        "Bug fixes only, with no change to the API. "
        "v1.2.1 is retracted, so this is the next free version."
    )


def test_suggest_new_major_above_incompatible_versions() -> None:
    got = versions.suggest("example.com/m", ["v1.2.0", "v2.4.0+incompatible"])

    assert got.major is not None
    assert got.major.message.endswith(
        " v2.4.0+incompatible was published under example.com/m, so this goes above it."
    )


def test_suggest_refuses_an_invalid_path() -> None:
    with pytest.raises(InvalidModuleError) as info:
        versions.suggest("example.com/m/v1", [])
    assert (
        str(info.value) == 'malformed module path "example.com/m/v1": invalid version'
    )


# ---------------------------------------------------------------------------
# next_free_patch


@pytest.mark.parametrize(
    ("published", "version", "retracts", "expected"),
    [
        ([], "v1.2.3", (), "v1.2.4"),
        (["v1.2.3", "v1.2.4", "v1.2.6"], "v1.2.3", (), "v1.2.5"),
        (["v1.2.0"], "v1.2", (), "v1.2.1"),
        (["v1.2.3", "v1.2.4"], "v1.2.3", ("[v1.2.5, v1.2.9]",), "v1.2.10"),
        (["v1.2.3"], "v1.2.3", ("[v1.2.4, v1.3.0]",), None),
        (["v1.3.0-rc.1", "v1.3.0-rc.2"], "v1.3.0-rc.1", (), "v1.3.0-rc.3"),
        (["v1.3.0-beta"], "v1.3.0-beta", (), "v1.3.0-beta.1"),
        (["v1.3.0-rc.1"], "v1.3.0-rc.1", ("[v1.3.0-rc.2, v1.3.0]",), None),
        (
            ["v2.0.0+incompatible", "v2.0.1+incompatible"],
            "v2.0.0+incompatible",
            (),
            "v2.0.2+incompatible",
        ),
    ],
)
def test_next_free_patch(
    published: list[str], version: str, retracts: tuple[str, ...], expected: str | None
) -> None:
    go_mod = _go_mod("example.com/m", *retracts) if retracts else None
    assert versions.next_free_patch(published, version, go_mod) == expected


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.2.3", "'1.2.3' is not a semantic version"),
        (
            "v1.2.4-0.20240101000000-abcdefabcdef",
            "v1.2.4-0.20240101000000-abcdefabcdef is a pseudo-version, not a release",
        ),
    ],
)
def test_next_free_patch_refuses(version: str, message: str) -> None:
    with pytest.raises(InvalidModuleError) as info:
        versions.next_free_patch([], version)
    assert str(info.value) == message


# ---------------------------------------------------------------------------
# assess

M = "example.com/m"
WITH_GO_MOD = _go_mod(M)

ASSESS_CASES = [
    pytest.param(M, "v1.2.0", [], None, [], id="fine"),
    pytest.param(M, "v2.1.0+incompatible", ["v1.0.0"], None, [], id="incompatible-ok"),
    pytest.param(
        M,
        "1.2.0",
        [],
        None,
        [
            (
                "invalid-version",
                "'1.2.0' is not a semantic version; versions look like v1.2.3 "
                "(did you mean v1.2.0?)",
            )
        ],
        id="no-v",
    ),
    pytest.param(
        M,
        "latest",
        [],
        None,
        [
            (
                "invalid-version",
                "'latest' is not a semantic version; versions look like v1.2.3",
            )
        ],
        id="not-semver",
    ),
    pytest.param(
        M,
        "v1.2",
        ["v1.2.0", "v1.3.0"],
        None,
        [
            ("not-canonical", "v1.2 is not in canonical form; publish it as v1.2.0"),
            (
                "already-published",
                "v1.2.0 is already published: the same content again changes "
                "nothing, other content is refused; the next free version is v1.2.1",
            ),
            (
                "older-than-latest",
                "v1.2.0 is lower than v1.3.0, the latest version of example.com/m: "
                "`go get example.com/m@latest` will keep choosing v1.3.0",
            ),
        ],
        id="shorthand",
    ),
    pytest.param(
        M,
        "v1.2.0+build.5",
        [],
        None,
        [
            (
                "not-canonical",
                "v1.2.0+build.5 is not in canonical form; publish it as v1.2.0",
            )
        ],
        id="build-metadata",
    ),
    pytest.param(
        M,
        "v1.2.4-0.20240101000000-abcdefabcdef",
        [],
        None,
        [
            (
                "pseudo-version",
                "v1.2.4-0.20240101000000-abcdefabcdef is a pseudo-version: those "
                "name commits, not releases; publish a release version such as "
                "v1.2.4 instead",
            )
        ],
        id="pseudo-version",
    ),
    pytest.param(
        M,
        "v0.0.0-20240101000000-abcdefabcdef",
        [],
        None,
        [
            (
                "pseudo-version",
                "v0.0.0-20240101000000-abcdefabcdef is a pseudo-version: those "
                "name commits, not releases; publish a release version such as "
                "v0.1.0 instead",
            )
        ],
        id="pseudo-version-untagged",
    ),
    pytest.param(
        M,
        "v2.0.0",
        [],
        WITH_GO_MOD,
        [
            (
                "major-mismatch",
                "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2; "
                "add /v2 to the module path (go.mod: `module example.com/m/v2`) "
                "and change the imports inside the module to match",
            )
        ],
        id="v2-needs-suffix",
    ),
    pytest.param(
        M,
        "v2.0.0",
        [],
        None,
        [
            (
                "major-mismatch",
                "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2; "
                "add /v2 to the module path (go.mod: `module example.com/m/v2`) "
                "and change the imports inside the module to match, or publish "
                "v2.0.0+incompatible if the module has no go.mod",
            )
        ],
        id="v2-needs-suffix-or-incompatible",
    ),
    pytest.param(
        "example.com/m/v2",
        "v3.1.0",
        [],
        None,
        [
            (
                "major-mismatch",
                "example.com/m/v2@v3.1.0: invalid version: should be v2, not v3; "
                "change /v2 to /v3 in the module path "
                "(go.mod: `module example.com/m/v3`) and change the imports inside "
                "the module to match",
            )
        ],
        id="v3-on-v2",
    ),
    pytest.param(
        "example.com/m/v2",
        "v1.1.0",
        [],
        None,
        [
            (
                "major-mismatch",
                "example.com/m/v2@v1.1.0: invalid version: should be v2, not v1; "
                "drop /v2 from the module path (go.mod: `module example.com/m`) "
                "and change the imports inside the module to match",
            )
        ],
        id="v1-on-v2",
    ),
    pytest.param(
        "gopkg.in/yaml.v2",
        "v3.0.0",
        [],
        None,
        [
            (
                "major-mismatch",
                "gopkg.in/yaml.v2@v3.0.0: invalid version: should be v2, not v3; "
                "change .v2 to .v3 in the module path "
                "(go.mod: `module gopkg.in/yaml.v3`) and change the imports inside "
                "the module to match",
            )
        ],
        id="gopkg-v3-on-v2",
    ),
    pytest.param(
        M,
        "v2.0.0+incompatible",
        [],
        WITH_GO_MOD,
        [
            (
                "major-mismatch",
                "example.com/m@v2.0.0+incompatible: invalid version: +incompatible "
                "suffix not allowed: module contains a go.mod file, so semantic "
                "import versioning is required; add /v2 to the module path "
                "(go.mod: `module example.com/m/v2`) and change the imports inside "
                "the module to match, then publish v2.0.0",
            )
        ],
        id="incompatible-with-go-mod",
    ),
    pytest.param(
        M,
        "v1.4.0+incompatible",
        [],
        None,
        [
            (
                "major-mismatch",
                "example.com/m@v1.4.0+incompatible: invalid version: +incompatible "
                "suffix not allowed: major version v1 is compatible; publish v1.4.0",
            )
        ],
        id="incompatible-v1",
    ),
    pytest.param(
        "example.com/m/v2",
        "v2.0.0+incompatible",
        [],
        None,
        [
            (
                "major-mismatch",
                "example.com/m/v2@v2.0.0+incompatible: invalid version: "
                "+incompatible suffix not allowed: module path includes a major "
                "version suffix, so major version must match; publish v2.0.0",
            )
        ],
        id="incompatible-on-suffix",
    ),
    pytest.param(
        "gopkg.in/yaml.v2",
        "v3.0.0+incompatible",
        [],
        None,
        [
            (
                "major-mismatch",
                "gopkg.in/yaml.v2@v3.0.0+incompatible: invalid version: "
                "+incompatible suffix not allowed: module path includes a major "
                "version suffix, so major version must match; change .v2 to .v3 in "
                "the module path (go.mod: `module gopkg.in/yaml.v3`) and change the "
                "imports inside the module to match, then publish v3.0.0",
            )
        ],
        id="incompatible-on-gopkg-other-major",
    ),
    pytest.param(
        M,
        "v1.2.3",
        ["v1.2.3", "v1.2.4"],
        None,
        [
            (
                "already-published",
                "v1.2.3 is already published: the same content again changes "
                "nothing, other content is refused; the next free version is v1.2.5",
            ),
            (
                "older-than-latest",
                "v1.2.3 is lower than v1.2.4, the latest version of example.com/m: "
                "`go get example.com/m@latest` will keep choosing v1.2.4",
            ),
        ],
        id="already-published",
    ),
    pytest.param(
        M,
        "v1.2.3",
        [],
        _go_mod(M, "v1.2.3 // leaks credentials"),
        [
            (
                "retracted",
                'v1.2.3 is retracted by go.mod (retract v1.2.3): "leaks credentials"; '
                "the go command will not choose it and warns whoever uses it: publish "
                "it only to carry the retraction, or choose another version",
            )
        ],
        id="retracted",
    ),
    pytest.param(
        M,
        "v1.2.3",
        [],
        _go_mod(M, "[v1.2.0, v1.2.5]"),
        [
            (
                "retracted",
                "v1.2.3 is retracted by go.mod (retract [v1.2.0, v1.2.5]); the go "
                "command will not choose it and warns whoever uses it: publish it "
                "only to carry the retraction, or choose another version",
            )
        ],
        id="retracted-range",
    ),
    pytest.param(
        M,
        "v1.1.0",
        ["v1.0.0", "v1.2.0", "v1.3.0"],
        # Only the highest version's go.mod retracts, and this is not it.
        _go_mod(M, "v1.3.0 // broken"),
        [
            (
                "older-than-latest",
                "v1.1.0 is lower than v1.3.0, the latest version of example.com/m: "
                "`go get example.com/m@latest` will keep choosing v1.3.0",
            )
        ],
        id="older-than-latest-local-retraction-does-not-count",
    ),
    pytest.param(
        M,
        "v1.4.0",
        ["v1.0.0", "v1.2.0", "v1.3.0"],
        _go_mod(M, "v1.3.0 // broken"),
        [],
        id="highest-carries-the-retraction",
    ),
    pytest.param(
        M,
        "v0.9.0",
        ["v1.0.0", "v1.1.0-rc.1", "v2.0.0+incompatible"],
        None,
        [
            (
                "older-than-latest",
                "v0.9.0 is lower than v1.0.0, the latest version of example.com/m: "
                "`go get example.com/m@latest` will keep choosing v1.0.0",
            )
        ],
        id="v0-below-v1",
    ),
    pytest.param(M, "v1.0.0", ["v1.1.0-rc.1"], None, [], id="release-below-prerelease"),
    pytest.param(
        M,
        "v2.1.0+incompatible",
        ["v2.3.0+incompatible", "v1.5.0"],
        None,
        [
            (
                "older-than-latest",
                "v2.1.0+incompatible is lower than v2.3.0+incompatible, the latest "
                "version of example.com/m: `go get example.com/m@latest` will keep "
                "choosing v2.3.0+incompatible",
            )
        ],
        id="incompatible-older",
    ),
    pytest.param(
        M,
        "v1.3.0-rc.1",
        ["v1.2.0"],
        None,
        [
            (
                "prerelease",
                "v1.3.0-rc.1 is a prerelease: `go get example.com/m@latest` keeps "
                "choosing the release v1.2.0; users get v1.3.0-rc.1 only by asking "
                "for it",
            )
        ],
        id="prerelease",
    ),
    pytest.param(
        "example.com/m/v2",
        "v2.0.0-rc.1",
        ["v2.0.0-rc.2"],
        None,
        [
            (
                "older-than-latest",
                "v2.0.0-rc.1 is lower than v2.0.0-rc.2, the latest version of "
                "example.com/m/v2: `go get example.com/m/v2@latest` will keep "
                "choosing v2.0.0-rc.2",
            ),
            (
                "prerelease",
                "v2.0.0-rc.1 is a prerelease: `go get example.com/m/v2@latest` stops "
                "choosing prereleases once a release is published",
            ),
        ],
        id="prerelease-without-release",
    ),
]


@pytest.mark.parametrize(
    ("path", "version", "published", "go_mod", "expected"), ASSESS_CASES
)
def test_assess(
    path: str,
    version: str,
    published: list[str],
    go_mod: modfile.ModFile | None,
    expected: list[tuple[str, str]],
) -> None:
    got = versions.assess(path, version, published, go_mod)
    assert [(w.code, w.message) for w in got] == expected


@pytest.mark.parametrize(
    ("version", "latest_go_mod", "expected"),
    [
        pytest.param(
            "v1.1.0",
            _go_mod(M, "v1.3.0 // broken"),
            [
                (
                    "older-than-latest",
                    "v1.1.0 is lower than v1.2.0, the latest version of "
                    "example.com/m: `go get example.com/m@latest` will keep "
                    "choosing v1.2.0",
                )
            ],
            id="highest-retracts-itself",
        ),
        pytest.param(
            "v1.1.0",
            _go_mod(M, "[v1.1.0, v1.3.0] // all bad"),
            [
                (
                    "retracted",
                    "v1.1.0 is retracted by the go.mod of v1.3.0 (retract "
                    '[v1.1.0, v1.3.0]): "all bad"; the go command will not choose '
                    "it and warns whoever uses it: publish it only to carry the "
                    "retraction, or choose another version",
                ),
            ],
            id="highest-retracts-this-one",
        ),
        pytest.param("v1.4.0", _go_mod(M, "v1.3.0"), [], id="this-one-is-highest"),
    ],
)
def test_assess_reads_retractions_of_the_highest_version(
    version: str,
    latest_go_mod: modfile.ModFile,
    expected: list[tuple[str, str]],
) -> None:
    published = ["v1.0.0", "v1.2.0", "v1.3.0"]

    got = versions.assess(M, version, published, latest_go_mod=latest_go_mod)

    assert [(w.code, w.message) for w in got] == expected


@pytest.mark.parametrize(
    ("path", "version", "published", "expected"),
    [
        (M, "v1.1.0", ["v1.0.0", "v1.3.0"], "v1.3.0"),
        (M, "v1.4.0", ["v1.0.0", "v1.3.0"], "v1.4.0"),
        (M, "v1.3.0", ["v1.0.0", "v1.3.0"], "v1.3.0"),
        # A release outranks any prerelease; prereleases count only alone.
        (M, "v1.5.0-rc.1", ["v1.3.0"], "v1.3.0"),
        (M, "v1.5.0-rc.2", ["v1.5.0-rc.1"], "v1.5.0-rc.2"),
        (M, "v1.0.0", ["v1.1.0-rc.1"], "v1.0.0"),
        # Pseudo-versions and other major lines do not count.
        (M, "v1.0.0", ["v1.0.1-0.20240101000000-abcdefabcdef", "v2.0.0"], "v1.0.0"),
        ("example.com/m/v2", "v2.1.0", ["v1.9.0", "v2.2.0"], "v2.2.0"),
        (M, "v2.1.0+incompatible", ["v2.3.0+incompatible"], "v2.3.0+incompatible"),
        (
            M,
            "v0.0.0-20240101000000-abcdefabcdef",
            [],
            "v0.0.0-20240101000000-abcdefabcdef",
        ),
        (M, "v0.0.0-20240101000000-abcdefabcdef", ["v0.1.0"], "v0.1.0"),
    ],
)
def test_retractions_source(
    path: str, version: str, published: list[str], expected: str
) -> None:
    assert versions.retractions_source(path, version, published) == expected


def test_assess_severities() -> None:
    go_mod = _go_mod(M, "v1.0.5")
    published = ["v1.0.5", "v1.1.0"]

    def severities(version: str) -> list[tuple[str, str]]:
        return [
            (w.code, w.severity) for w in versions.assess(M, version, published, go_mod)
        ]

    assert severities("v1.0.5") == [
        ("already-published", "warning"),
        ("retracted", "warning"),
        ("older-than-latest", "warning"),
    ]
    assert severities("v1.2.0-rc.1") == [("prerelease", "info")]
    assert severities("v1.2") == [("not-canonical", "error")]
    assert severities("v3.0.0") == [("major-mismatch", "error")]


def test_raise_for_errors() -> None:
    versions.raise_for_errors(versions.assess(M, "v1.2.0-rc.1", ["v1.1.0"]))

    with pytest.raises(InvalidModuleError) as info:
        versions.raise_for_errors(versions.assess(M, "v2.0", [], WITH_GO_MOD))
    assert str(info.value) == (
        "v2.0 is not in canonical form; publish it as v2.0.0\n"
        "example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2; "
        "add /v2 to the module path (go.mod: `module example.com/m/v2`) and change "
        "the imports inside the module to match"
    )


# ---------------------------------------------------------------------------
# Properties

PATHS = [
    "example.com/m",
    "example.com/m/v2",
    "example.com/m/v3",
    "gopkg.in/yaml.v0",
    "gopkg.in/yaml.v1",
    "gopkg.in/yaml.v2",
]
PRERELEASES = ["", "", "", "-rc.1", "-rc.2", "-beta", "-alpha.1"]


@st.composite
def _versions(draw: st.DrawFn) -> str:
    x = draw(st.integers(0, 4))
    y = draw(st.integers(0, 3))
    z = draw(st.integers(0, 3))
    kind = draw(st.sampled_from(["release", "release", "pseudo", "incompatible"]))
    if kind == "pseudo":
        return f"v{x}.{y}.{z + 1}-0.20240101000000-abcdefabcdef"
    pre = draw(st.sampled_from(PRERELEASES))
    build = "+incompatible" if kind == "incompatible" and x >= 2 else ""
    return f"v{x}.{y}.{z}{pre}{build}"


def _majors(path: str) -> set[str]:
    _, path_major, _ = module.split_path_version(path)
    return {module.path_major_prefix(path_major)} if path_major else {"v0", "v1"}


@st.composite
def _histories(draw: st.DrawFn) -> tuple[str, list[str], modfile.ModFile]:
    path = draw(st.sampled_from(PATHS))
    published = draw(st.lists(_versions(), max_size=8))

    # Retract intervals of the path's own major line, as go.mod allows.
    own = st.sampled_from(sorted(_majors(path))).flatmap(
        lambda m: st.builds(
            lambda y, z, pre: f"{m}.{y}.{z}{pre}",
            st.integers(0, 4),
            st.integers(0, 4),
            st.sampled_from(PRERELEASES),
        )
    )
    bounds = draw(st.lists(st.tuples(own, own), max_size=3))
    retracts = [
        f"[{a}, {b}]" if semver.compare(a, b) <= 0 else f"[{b}, {a}]" for a, b in bounds
    ]
    return path, published, _go_mod(path, *retracts)


@settings(max_examples=examples(400), deadline=None)
@given(history=_histories())
def test_suggestions_are_free_valid_and_above_their_line(
    history: tuple[str, list[str], modfile.ModFile],
) -> None:
    path, published, go_mod = history

    got = list(versions.suggest(path, published, go_mod))

    assert got
    assert len({(s.module_path, s.version) for s in got}) == len(got)
    for s in got:
        assert semver.is_valid(s.version)
        assert semver.canonical(s.version) == s.version
        assert s.version not in published
        assert s.path_changes == (s.module_path != path)
        module.check(s.module_path, s.version)
        line = [p for p in published if semver.major(p) in _majors(s.module_path)]
        for p in line:
            assert semver.compare(s.version, p) > 0, (s, p)
        if s.module_path == path:
            assert not any(
                semver.compare(r.low, s.version)
                <= 0
                <= semver.compare(r.high, s.version)
                for r in go_mod.retracts
            )
            # Nothing to warn about but, at most, being a prerelease.
            codes = {
                w.code for w in versions.assess(path, s.version, published, go_mod)
            }
            assert codes <= {"prerelease"}, s


@settings(max_examples=examples(300), deadline=None)
@given(history=_histories(), start=_versions())
def test_next_free_patch_is_the_lowest_free_one(
    history: tuple[str, list[str], modfile.ModFile], start: str
) -> None:
    _, published, go_mod = history
    if module.is_pseudo_version(start) or semver.prerelease(start):
        return

    free = versions.next_free_patch(published, start, go_mod)

    build = semver.build(start)
    taken = {module.canonical_version(p) for p in published}

    def blocked(v: str) -> bool:
        return v + build in taken or any(
            semver.compare(r.low, v) <= 0 <= semver.compare(r.high, v)
            for r in go_mod.retracts
        )

    x, y, z = (int(n) for n in semver.canonical(start)[1:].split("."))
    if free is None:
        # Only a retraction reaching past the patch line leaves nothing free.
        assert any(semver.major_minor(r.high) != f"v{x}.{y}" for r in go_mod.retracts)
        return
    assert free.endswith(build)
    plain = free.removesuffix(build)
    assert semver.major_minor(plain) == f"v{x}.{y}"
    assert not blocked(plain)
    last = int(plain.rsplit(".", 1)[1])
    assert last > z
    for n in range(z + 1, last):
        assert blocked(f"v{x}.{y}.{n}")
