"""Tests of gomodpub.core.modfile against golang.org/x/mod's modfile test data."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodpub.core import modfile
from gomodpub.core.errors import InvalidModuleError, ModFileError
from tests.helpers.conformance import MODFILE_TESTDATA
from tests.helpers.fuzzing import examples

# x/mod's own tests expect these to fail Parse (unknown verbs, repeated module
# lines); they are formatted from their syntax tree alone.
SYNTAX_ONLY = {
    "block.in",
    "block.golden",
    "comment.in",
    "comment.golden",
    "rule1.golden",
}


def _testdata(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.glob(f"*{suffix}"))


def _format_mod(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name in SYNTAX_ONLY:
        with pytest.raises(ModFileError):
            modfile.parse(data, path.name)
        return modfile.parse_syntax(data, path.name).format()
    return modfile.parse(data, path.name).format()


# ---------------------------------------------------------------------------
# Golden files


@pytest.mark.parametrize(
    "path", _testdata(MODFILE_TESTDATA, ".in"), ids=lambda p: p.name
)
def test_in_formats_to_golden(path: Path) -> None:
    golden = path.with_suffix(".golden").read_bytes()

    assert _format_mod(path) == golden


@pytest.mark.parametrize(
    "path", _testdata(MODFILE_TESTDATA, ".golden"), ids=lambda p: p.name
)
def test_golden_formats_to_itself(path: Path) -> None:
    golden = path.read_bytes()

    assert modfile.parse_syntax(golden, path.name).format() == golden
    assert _format_mod(path) == golden


@pytest.mark.parametrize(
    "path",
    _testdata(MODFILE_TESTDATA, ".in") + _testdata(MODFILE_TESTDATA, ".golden"),
    ids=lambda p: p.name,
)
def test_format_is_stable(path: Path) -> None:
    once = _format_mod(path)

    assert modfile.parse_syntax(once, path.name).format() == once


WORK_TESTDATA = MODFILE_TESTDATA / "work"


@pytest.mark.parametrize("path", _testdata(WORK_TESTDATA, ".in"), ids=lambda p: p.name)
def test_work_in_formats_to_golden(path: Path) -> None:
    golden = path.with_suffix(".golden").read_bytes()

    assert modfile.parse_work(path.read_bytes(), path.name).format() == golden


@pytest.mark.parametrize(
    "path", _testdata(WORK_TESTDATA, ".golden"), ids=lambda p: p.name
)
def test_work_golden_formats_to_itself(path: Path) -> None:
    golden = path.read_bytes()

    assert modfile.parse_work(golden, path.name).format() == golden


def test_testdata_is_there() -> None:
    # An empty glob would make the tests above pass vacuously.
    assert len(_testdata(MODFILE_TESTDATA, ".in")) >= 8
    assert len(_testdata(WORK_TESTDATA, ".in")) >= 6


# ---------------------------------------------------------------------------
# Typed data


def test_parse_reads_every_directive() -> None:
    data = b"""// Deprecated: use example.com/new instead.
module example.com/old

go 1.22.1

toolchain go1.23.4

godebug (
	default=go1.21
	panicnil=1
)

require (
	example.com/a v1.2.3
	example.com/b/v2 v2.0.0 // indirect
	"example.com/c" v1.4 // indirect; keep for now
)

exclude example.com/a v1.2.2

replace (
	example.com/a v1.2.3 => ../a
	example.com/b/v2 => example.com/fork/v2 v2.1.0
)

// Published with a broken go.sum.
retract v1.0.0

retract (
	[v1.1.0, v1.1.9] // too slow
	v1.0.1
)

tool example.com/a/cmd/gen

ignore ./node_modules
"""

    mod = modfile.parse(data)

    assert mod.module is not None
    assert mod.module.path == "example.com/old"
    assert mod.module.deprecated == "use example.com/new instead."
    assert mod.go is not None and mod.go.version == "1.22.1"
    assert mod.toolchain is not None and mod.toolchain.name == "go1.23.4"
    assert [(g.key, g.value) for g in mod.godebugs] == [
        ("default", "go1.21"),
        ("panicnil", "1"),
    ]
    assert [(r.path, r.version, r.indirect) for r in mod.requires] == [
        ("example.com/a", "v1.2.3", False),
        ("example.com/b/v2", "v2.0.0", True),
        ("example.com/c", "v1.4.0", True),
    ]
    assert [(e.path, e.version) for e in mod.excludes] == [("example.com/a", "v1.2.2")]
    assert [
        (r.old_path, r.old_version, r.new_path, r.new_version) for r in mod.replaces
    ] == [
        ("example.com/a", "v1.2.3", "../a", ""),
        ("example.com/b/v2", "", "example.com/fork/v2", "v2.1.0"),
    ]
    assert [(r.low, r.high, r.rationale) for r in mod.retracts] == [
        ("v1.0.0", "v1.0.0", "Published with a broken go.sum."),
        ("v1.1.0", "v1.1.9", "too slow"),
        ("v1.0.1", "v1.0.1", ""),
    ]
    assert [t.path for t in mod.tools] == ["example.com/a/cmd/gen"]
    assert [i.path for i in mod.ignores] == ["./node_modules"]


def test_parse_normalizes_tokens_in_the_tree() -> None:
    mod = modfile.parse(b'module "example.com/m"\nrequire "example.com/a" "v1.2"\n')

    assert mod.format() == b"module example.com/m\n\nrequire example.com/a v1.2.0\n"


@pytest.mark.parametrize(
    ("comments", "deprecated"),
    [
        ("", ""),
        ("// Deprecated: blah\n", "blah"),
        ("//Deprecated:blah\n", "blah"),
        ("// deprecated: blah\n", ""),
        ("// other\n// Deprecated: blah\n", ""),
        ("// other\n//\n// Deprecated: a\n// b\n//\n// c\n", "a\nb"),
    ],
)
def test_module_deprecation_paragraph(comments: str, deprecated: str) -> None:
    mod = modfile.parse(comments + "module example.com/m\n")

    assert mod.module is not None
    assert mod.module.deprecated == deprecated


def test_retract_rationale_falls_back_to_block_comment() -> None:
    mod = modfile.parse(
        "module m\n// block\nretract (\n\tv1.0.0\n\t// line\n\tv1.1.0\n)\n"
    )

    assert [r.rationale for r in mod.retracts] == ["block", "line"]


def test_parse_lax_ignores_what_dependencies_may_add() -> None:
    data = b"""module m
surprise attack
x y (
	z
)
exclude v1.2.3
replace <-!!!
toolchain banana
go 1.21-custom
retract v1.2.3 v1.2.4
retract (v1.2.3, v1.2.4]
require good v1.0.0
"""

    mod = modfile.parse_lax(data)

    assert mod.module is not None and mod.module.path == "m"
    assert mod.go is not None and mod.go.version == "1.21"
    assert mod.toolchain is None
    assert [(r.path, r.version) for r in mod.requires] == [("good", "v1.0.0")]
    assert [(r.low, r.high) for r in mod.retracts] == [("v1.2.3", "v1.2.3")]


def test_parse_lax_still_refuses_syntax_errors() -> None:
    with pytest.raises(ModFileError, match=r"^go\.mod:2:11: unexpected newline"):
        modfile.parse_lax(b'module m\nrequire "x\n')


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("example.com/a", "example.com/a"),
        ("/tmp/my dir", '"/tmp/my dir"'),
        ("", '""'),
        ("(", "("),
        ("a,b", '"a,b"'),
        ("x//y", '"x//y"'),
        ("caf\u00e9", "caf\u00e9"),
        ("a\u00a0b", '"a\\u00a0b"'),
        ("tab\there", '"tab\\there"'),
    ],
)
def test_auto_quote(text: str, token: str) -> None:
    assert modfile.auto_quote(text) == token


# ---------------------------------------------------------------------------
# Errors

ERRORS = [
    ("module a\nfoo bar\n", "go.mod:2:1: unknown directive: foo"),
    (
        "module a\ngo 1.x\n",
        "go.mod:2:1: invalid go version '1.x': must match format 1.23.0",
    ),
    (
        "module a\nrequire x.y/z 1.2.3\n",
        'go.mod:2:1: require x.y/z: version "1.2.3" invalid: must be of the form '
        "v1.2.3",
    ),
    (
        "module a\nrequire (\n\tx.y/z v1\n\tx.y/w 1.0\n)\nexclude x.y/v2 v1.0.0\n",
        'go.mod:4:2: require x.y/w: version "1.0" invalid: must be of the form v1.2.3\n'
        'go.mod:6:1: exclude x.y/v2: version "v1.0.0" invalid: should be v2, not v1',
    ),
    ("module a\nrequire x.y/z/v1 v1.0.0\n", "go.mod:2:1: invalid module path"),
    (
        "module a /* x */\n",
        "go.mod:1:10: mod files must use // comments (not /* */ comments)",
    ),
    (
        "module a\nrequire (\n\tx.y/z v1.0.0\n",
        "go.mod:4:1: syntax error (unterminated block started at go.mod:2:1)",
    ),
    ('module "a\n', "go.mod:1:10: unexpected newline in string"),
    ('module "a', "go.mod:1:8: unexpected EOF in string"),
    (
        "module a\nrequire (\n) x\n",
        "go.mod:3:4: syntax error (expected newline after closing paren)",
    ),
    (
        "module a\nretract v1.0.0 v1.0.1\n",
        'go.mod:2:1: unexpected token after version: "v1.0.1"',
    ),
    ("module a\nretract [v1.0.0 v1.0.1]\n", "go.mod:2:1: expected ',' after version"),
    ("module a\nretract (v1.0.0, v1.0.1]\n", "go.mod:2:1: expected '[' or version"),
    ("module a\nretract [v1.0.0,\n", "go.mod:2:1: expected version after ','"),
    ("module a\nretract [v1.0.0, v1.0.1\n", "go.mod:2:1: expected ']' after version"),
    (
        "module a\nretract v1.2\n",
        'go.mod:2:1: retract a: version "v1.2" invalid: must be of the form v1.2.3',
    ),
    (
        "module a/v2\nretract v1.0.0\n",
        'go.mod:2:1: retract a/v2: version "v1.0.0" invalid: should be v2, not v1',
    ),
    (
        "retract v1.0.0\n",
        "go.mod:1:1: no module directive found, so retract cannot be used",
    ),
    (
        "module a\nreplace x.y/z => x.y/w\n",
        "go.mod:2:1: replacement module without version must be directory path "
        "(rooted or starting with . or ..)",
    ),
    (
        "module a\nreplace x.y/z => x.y/w@v1.0.0\n",
        "go.mod:2:1: replacement module must match format 'path version', "
        "not 'path@version'",
    ),
    (
        "module a\nreplace x.y/z v1.0.0\n",
        "go.mod:2:1: usage: replace module/path [v1.2.3] => other/module v1.4\n"
        "\t or replace module/path [v1.2.3] => ../local/directory",
    ),
    (
        "module a\nreplace x.y/z => ./w v1.0.0\n",
        'go.mod:2:1: replacement module directory path "./w" cannot have version',
    ),
    ("module a\nmodule b\n", "go.mod:2:1: repeated module statement"),
    ("module a b\n", "go.mod:1:1: usage: module module/path"),
    (
        'module "a b"\n',
        "go.mod:1:1: malformed module path \"a b\": invalid char ' '",
    ),
    (
        "module `x`\n",
        "go.mod:1:1: invalid quoted string: unquoted string cannot contain quote",
    ),
    ('module "\\q"\n', "go.mod:1:1: invalid quoted string: invalid syntax"),
    ("module a\ngo 1.21\ngo 1.22\n", "go.mod:3:1: repeated go statement"),
    (
        "module a\ntoolchain 1.21\n",
        "go.mod:2:1: invalid toolchain version '1.21': must match format go1.23.0 "
        "or default",
    ),
    ('module a\ngodebug x="y"\n', "go.mod:2:1: usage: godebug key=value"),
    ("module a\ngo (\n\t1.21\n)\n", "go.mod:2:1: unknown block type: go"),
    ("module a\ntool\n", "go.mod:2:1: tool directive expects exactly one argument"),
    ("module a\n\x01\n", "go.mod:2:1: unexpected input character '\\x01'"),
    (
        "module a\nrequire x.y/z v1.0.0\xa0\n",
        "go.mod:2:21: unexpected input character '\\u00a0'",
    ),
    (
        'module a\nexclude x.y/z "v1\\x"\n',
        'go.mod:2:1: exclude x.y/z: version "\\"v1\\\\x\\"" invalid: invalid syntax',
    ),
]


@pytest.mark.parametrize(("data", "message"), ERRORS)
def test_parse_error_messages(data: str, message: str) -> None:
    with pytest.raises(modfile.ParseError) as info:
        modfile.parse(data)

    assert str(info.value) == message
    assert [str(p) for p in info.value.problems] == message.split("\ngo.mod")[:1] + [
        "go.mod" + rest for rest in message.split("\ngo.mod")[1:]
    ]


def test_parse_error_uses_the_file_name() -> None:
    with pytest.raises(ModFileError, match=r"^mod/go\.mod:1:1: unknown directive: x$"):
        modfile.parse(b"x\n", "mod/go.mod")


# ---------------------------------------------------------------------------
# read_module_info


def test_read_module_info(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_text("module example.com/m\n\ngo 1.21\n")

    assert modfile.read_module_info(gomod) == ("example.com/m", "1.21")


def test_read_module_info_without_go_line(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_text("module example.com/m\n")

    assert modfile.read_module_info(gomod) == ("example.com/m", None)


def test_read_module_info_reports_line_numbers(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_text("module example.com/m\n\ngo 1.x\n")

    with pytest.raises(ModFileError) as info:
        modfile.read_module_info(gomod)

    assert str(info.value) == (
        f"{gomod}:3:1: invalid go version '1.x': must match format 1.23.0"
    )


def test_read_module_info_needs_a_module_line(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_text("go 1.21\n")

    with pytest.raises(ModFileError) as info:
        modfile.read_module_info(gomod)

    assert str(info.value) == (
        f"{gomod}: missing module declaration; add a line such as "
        "'module example.com/mymodule'"
    )


def test_read_module_info_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModFileError, match=r"cannot read .*go\.mod: No such file"):
        modfile.read_module_info(tmp_path / "go.mod")


# ---------------------------------------------------------------------------
# Editing (expected bytes checked against x/mod's Add*/Drop* plus Cleanup)


def _edited(data: str, edit: Callable[[modfile.ModFile], None]) -> bytes:
    mod = modfile.parse(data)
    edit(mod)
    out = mod.format()

    # The result must read back to the same file and the same data.
    again = modfile.parse(out)
    assert again.format() == out
    assert again.requires == mod.requires
    assert again.retracts == mod.retracts
    assert again.go == mod.go
    assert again.toolchain == mod.toolchain
    return out


def test_set_go_version_updates_the_line_in_place() -> None:
    data = "module example.com/m\n\ngo 1.20 // old\n"

    out = _edited(data, lambda m: m.set_go_version("1.22.0"))

    assert out == b"module example.com/m\n\ngo 1.22.0 // old\n"


def test_set_go_version_adds_the_line_after_module() -> None:
    data = "module example.com/m\n\nrequire example.com/a v1.0.0\n"

    out = _edited(data, lambda m: m.set_go_version("1.22.0"))

    assert out == (
        b"module example.com/m\n\ngo 1.22.0\n\nrequire example.com/a v1.0.0\n"
    )


def test_set_go_version_refuses_bad_versions() -> None:
    mod = modfile.parse("module m\n")

    with pytest.raises(ModFileError, match=r'^invalid language version "1\.x"$'):
        mod.set_go_version("1.x")


def test_set_toolchain_adds_after_go_line_keeping_comments() -> None:
    data = (
        "// Deprecated: no\nmodule example.com/m\n\n"
        "// the go line\ngo 1.20 // old\n\n// final\n"
    )

    out = _edited(data, lambda m: m.set_toolchain("go1.23.1"))

    assert out == (
        b"// Deprecated: no\nmodule example.com/m\n\n// the go line\ngo 1.20 // old\n"
        b"\ntoolchain go1.23.1\n\n// final\n"
    )


def test_set_and_drop_toolchain() -> None:
    data = "module m\n\ngo 1.22\n\ntoolchain go1.22.3\n"

    assert _edited(data, lambda m: m.set_toolchain("default")) == (
        b"module m\n\ngo 1.22\n\ntoolchain default\n"
    )
    assert _edited(data, lambda m: m.drop_toolchain()) == b"module m\n\ngo 1.22\n"
    with pytest.raises(ModFileError, match=r'^invalid toolchain name "1\.2"$'):
        modfile.parse(data).set_toolchain("1.2")


def test_add_require_turns_a_line_into_a_block() -> None:
    data = "module m\n\nrequire example.com/a v1.0.0\n"

    out = _edited(data, lambda m: m.add_require("example.com/new", "v1.2.3", True))

    assert out == (
        b"module m\n\nrequire (\n\texample.com/a v1.0.0\n"
        b"\texample.com/new v1.2.3 // indirect\n)\n"
    )


def test_add_require_joins_the_last_block() -> None:
    data = (
        "module m\n\nrequire (\n\texample.com/a v1.0.0\n)\n\n"
        "require (\n\texample.com/c v1.0.0 // indirect\n)\n"
    )

    out = _edited(data, lambda m: m.add_require("example.com/d", "v0.1.0"))

    assert out == (
        b"module m\n\nrequire (\n\texample.com/a v1.0.0\n)\n\n"
        b"require (\n\texample.com/c v1.0.0 // indirect\n\texample.com/d v0.1.0\n)\n"
    )


def test_add_require_updates_the_first_line_and_drops_duplicates() -> None:
    data = (
        "module m\nrequire example.com/a v1.0.0 // first\nrequire (\n"
        "\texample.com/a v1.1.0 // second\n\texample.com/z v1.1.0\n)\n"
    )

    out = _edited(data, lambda m: m.add_require("example.com/a", "v1.5.0"))

    assert out == (
        b"module m\n\nrequire example.com/a v1.5.0 // first\n\n"
        b"require example.com/z v1.1.0\n"
    )


def test_add_require_sets_or_clears_the_indirect_mark() -> None:
    data = (
        "module m\n\nrequire (\n\texample.com/c v1.0.0 // indirect\n"
        "\texample.com/d v1.1.0 // indirect; why\n\texample.com/e v1.1.0 // note\n)\n"
    )

    def edit(mod: modfile.ModFile) -> None:
        mod.add_require("example.com/c", "v1.5.0")
        mod.add_require("example.com/d", "v1.5.0")
        mod.add_require("example.com/e", "v1.5.0", indirect=True)

    assert _edited(data, edit) == (
        b"module m\n\nrequire (\n\texample.com/c v1.5.0\n"
        b"\texample.com/d v1.5.0 // why\n\texample.com/e v1.5.0 // indirect; note\n)\n"
    )


@pytest.mark.parametrize(
    ("path", "version", "message"),
    [
        ("example.com/a", "v1.2", 'version "v1.2" invalid: must be of the form v1.2.3'),
        (
            "example.com/a/v2",
            "v2",
            'version "v2" invalid: must be of the form v2.2.3',
        ),
        (
            "example.com/a/v2",
            "v1.0.0",
            'version "v1.0.0" invalid: should be v2, not v1',
        ),
        (
            "example.com/a",
            "v2.0.0",
            'version "v2.0.0" invalid: should be v2.0.0+incompatible '
            "(or module example.com/a/v2)",
        ),
        ("a b", "v1.0.0", "malformed import path \"a b\": invalid char ' '"),
    ],
)
def test_add_require_refuses_bad_arguments(
    path: str, version: str, message: str
) -> None:
    mod = modfile.parse("module m\n")

    with pytest.raises(InvalidModuleError) as info:
        mod.add_require(path, version)

    assert str(info.value) == message


def test_drop_require_folds_a_one_line_block() -> None:
    data = (
        "// head\nmodule example.com/m // eol\n\ngo 1.21\n\nrequire (\n"
        "\texample.com/a v1.0.0 // keep\n\texample.com/b v1.1.0 // indirect\n)\n\n"
        "// trailing\n"
    )

    out = _edited(data, lambda m: m.drop_require("example.com/a"))

    assert out == (
        b"// head\nmodule example.com/m // eol\n\ngo 1.21\n\n"
        b"require example.com/b v1.1.0 // indirect\n\n// trailing\n"
    )


def test_drop_require_of_the_last_line_removes_the_block() -> None:
    data = "module m\n\nrequire (\n\texample.com/a v1.0.0\n)\n\ngo 1.21\n"

    out = _edited(data, lambda m: m.drop_require("example.com/a"))

    assert out == b"module m\n\ngo 1.21\n"


def test_add_retract_with_rationale_joins_the_last_retract() -> None:
    data = "module example.com/m\n\ngo 1.21\n\n// Bad build.\nretract v1.0.0\n"

    out = _edited(data, lambda m: m.add_retract("v1.3.0", "v1.4.0", "two\nlines"))

    assert out == (
        b"module example.com/m\n\ngo 1.21\n\nretract (\n\t// Bad build.\n\tv1.0.0\n"
        b"\t// two\n\t// lines\n\t[v1.3.0, v1.4.0]\n)\n"
    )
    mod = modfile.parse(out)
    assert [(r.low, r.high, r.rationale) for r in mod.retracts] == [
        ("v1.0.0", "v1.0.0", "Bad build."),
        ("v1.3.0", "v1.4.0", "two\nlines"),
    ]


def test_add_retract_to_a_file_without_retractions() -> None:
    data = "module example.com/m\n\ngo 1.21\n"

    out = _edited(data, lambda m: m.add_retract("v1.0.1", rationale="Broken."))

    assert out == b"module example.com/m\n\ngo 1.21\n\n// Broken.\nretract v1.0.1\n"


@pytest.mark.parametrize(
    ("data", "low", "error", "message"),
    [
        (
            "module example.com/m/v2\n",
            "v1.0.0",
            InvalidModuleError,
            'version "v1.0.0" invalid: should be v2, not v1',
        ),
        (
            "module example.com/m\n",
            "v1.0",
            InvalidModuleError,
            'version "v1.0" invalid: must be of the form v1.2.3',
        ),
        (
            "go 1.21\n",
            "v1.0.0",
            ModFileError,
            "no module directive found, so retract cannot be used",
        ),
    ],
)
def test_add_retract_refuses_bad_arguments(
    data: str, low: str, error: type[Exception], message: str
) -> None:
    mod = modfile.parse(data)

    with pytest.raises(error) as info:
        mod.add_retract(low)

    assert str(info.value) == message


def test_drop_retract_matches_the_exact_interval() -> None:
    data = (
        "module example.com/m\n\ngo 1.21\n\n// Bad build.\nretract v1.0.0\n\n"
        "retract (\n\t[v1.1.0, v1.1.5] // broken API\n\tv1.2.0\n)\n"
    )

    assert _edited(data, lambda m: m.drop_retract("v1.1.0", "v1.1.5")) == (
        b"module example.com/m\n\ngo 1.21\n\n// Bad build.\nretract v1.0.0\n\n"
        b"retract v1.2.0\n"
    )
    assert _edited(data, lambda m: m.drop_retract("v1.1.0")) == data.encode()
    assert _edited(data, lambda m: m.drop_retract("v1.0.0")) == (
        b"module example.com/m\n\ngo 1.21\n\n"
        b"retract (\n\t[v1.1.0, v1.1.5] // broken API\n\tv1.2.0\n)\n"
    )


def test_drops_that_match_nothing_keep_the_layout() -> None:
    data = (
        "module m\n\nrequire (\n\texample.com/a v1.0.0\n)\n\nretract (\n\tv1.0.0\n)\n"
    )

    def edit(mod: modfile.ModFile) -> None:
        mod.drop_require("example.com/zzz")
        mod.drop_retract("v9.0.0")
        mod.drop_toolchain()

    assert _edited(data, edit) == data.encode()


def test_edits_keep_the_typed_data_in_step() -> None:
    mod = modfile.parse("module example.com/m\n")

    mod.set_go_version("1.22")
    mod.add_require("example.com/a", "v1.0.0")
    mod.add_require("example.com/b", "v1.0.0", indirect=True)
    mod.add_retract("v1.0.0", rationale="oops")
    mod.drop_require("example.com/a")

    assert mod.go is not None and mod.go.version == "1.22"
    assert [(r.path, r.indirect) for r in mod.requires] == [("example.com/b", True)]
    assert [(r.low, r.rationale) for r in mod.retracts] == [("v1.0.0", "oops")]
    assert mod.format() == (
        b"module example.com/m\n\ngo 1.22\n\n"
        b"require example.com/b v1.0.0 // indirect\n\n// oops\nretract v1.0.0\n"
    )


# ---------------------------------------------------------------------------
# go.work


def test_parse_work_reads_its_directives() -> None:
    work = modfile.parse_work(
        b'go 1.22\n\nuse (\n\t./a\n\t"./b c"\n)\n\nreplace x.y/z => ./z\n'
    )

    assert work.go is not None and work.go.version == "1.22"
    assert [u.path for u in work.uses] == ["./a", "./b c"]
    assert [(r.old_path, r.new_path) for r in work.replaces] == [("x.y/z", "./z")]


def test_parse_work_refuses_go_mod_directives() -> None:
    with pytest.raises(ModFileError) as info:
        modfile.parse_work(b"module m\nuse\nrequire (\n\tx v1.0.0\n)\n")

    assert str(info.value) == (
        "go.work:1:1: unknown directive: module\n"
        "go.work:2:1: usage: use local/dir\n"
        "go.work:3:1: unknown block type: require"
    )


# ---------------------------------------------------------------------------
# Robustness: parse either returns a ModFile or raises ModFileError

_REAL_FILES = [
    p.read_bytes()
    for p in sorted(MODFILE_TESTDATA.rglob("*"))
    if p.is_file() and p.suffix in (".in", ".golden")
]
_PIECES = [
    b"(",
    b")",
    b"[",
    b"]",
    b",",
    b'"',
    b"`",
    b"/",
    b"*",
    b"//",
    b"\\",
    b"\n",
    b"\t",
    b"\r\n",
    b" ",
    b"=>",
    b"v1.2.3",
    b"v2.0.0+incompatible",
    b"// indirect",
    b"require",
    b"retract",
    b"module",
    b"go 1.21",
    b"toolchain",
    b"godebug a=b",
    b"replace",
    b"exclude",
    b"tool",
    b"ignore",
    b"\xc3\xa9",
    b"\xff",
    b"\x00",
    b"\xc2\xa0",
    b"example.com/a/v2",
    b"// Deprecated: x",
    b"\\x41",
    b"@",
    b"'",
]


@st.composite
def _mutated_go_mod(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_REAL_FILES)))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data[pos:pos] = draw(st.sampled_from(_PIECES))
        else:
            del data[pos : pos + draw(st.integers(1, 8))]
    return bytes(data)


_WHERE_RE = re.compile(r"go\.(mod|work):[1-9]\d*:[1-9]\d*: \S")


def _parse_all_ways(data: bytes | str) -> None:
    for parser in (modfile.parse, modfile.parse_lax, modfile.parse_work):
        try:
            result = parser(data)
        except modfile.ParseError as exc:
            # Every problem says where it is: file, line and column.
            assert exc.problems
            for problem in exc.problems:
                assert _WHERE_RE.match(str(problem)), str(problem)
            continue
        except ModFileError as exc:
            assert _WHERE_RE.match(str(exc)), str(exc)
            continue
        # Whatever parses must print, and the print must read back the same.
        out = result.format()
        assert modfile.parse_syntax(out).format() == out


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data: bytes) -> None:
    _parse_all_ways(data)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=200))
def test_fuzz_random_text(data: str) -> None:
    _parse_all_ways(data)


@settings(max_examples=examples(500), deadline=None)
@given(_mutated_go_mod())
def test_fuzz_mutated_go_mod_files(data: bytes) -> None:
    _parse_all_ways(data)


def test_bytes_that_are_not_utf8_show_as_replacement_characters() -> None:
    with pytest.raises(modfile.ParseError) as raised:
        modfile.parse(b"module example.com/m\n\xc3bad x\n", "go.mod")

    assert str(raised.value) == "go.mod:2:1: unknown directive: \ufffdbad"
    # The message can be written anywhere, JSON included.
    str(raised.value).encode("utf-8")
