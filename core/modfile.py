"""go.mod (and go.work) files, read and written as golang.org/x/mod/modfile does.

Reading happens in two layers, as in Go:

Syntax (:func:`parse_syntax`)
    The file is a list of statements. A statement is a line of tokens, or a
    factored block ``verb ( ... )`` whose lines share the verb. Tokens are
    identifiers (any run of printable characters except space and
    ``( ) [ ] { } ,``), double-quoted strings with Go escapes, backquoted raw
    strings, and the punctuation ``( ) [ ] { } ,``. Only ``//`` comments exist;
    ``/*`` is an error. Comments are kept on the tree: whole-line comments
    before a statement or a block line, end-of-line comments after it, blank
    lines inside blocks, comment paragraphs standing on their own, and
    comments at the end of the file. A lexical or syntax error stops the
    reading, so it is reported alone.

Directives (:func:`parse`, :func:`parse_lax`)
    ``module`` (its "Deprecated:" comment paragraph is read), ``go``,
    ``toolchain``, ``godebug key=value``, ``require`` (with ``// indirect``),
    ``exclude``, ``replace`` (module or directory targets), ``retract`` (a
    version or a closed ``[low, high]`` interval; its comments are the
    rationale), ``tool`` and ``ignore``; each as one line or as a block.
    Double-quoted strings are unquoted; a backquoted string or a stray quote
    inside a token is refused, as modfile refuses them. Versions must be
    valid semantic versions and are rewritten in canonical form
    (``v1.2`` becomes ``v1.2.0``, build metadata other than
    ``+incompatible`` is dropped); their major version must fit the module
    path's ``/vN`` or ``.vN`` suffix. The go version must look like
    ``1.23``, ``1.23.0`` or ``1.23rc1``; the toolchain like ``go1.23.0`` or
    ``default``. Every problem found here is reported, one per line.

    :func:`parse` also makes the checks the go command adds when the file is
    its main module's, which x/mod leaves to its caller: the module path
    must be a valid import path, and retracted versions must be canonical
    and fit the module path (a file with retractions needs a module line).

    :func:`parse_lax` reads a dependency's go.mod the way the go command
    does: only ``module``, ``go``, ``require``, ``retract`` and ``ignore``
    count; other directives (``toolchain`` included, as in x/mod), unknown
    directives and unknown blocks are ignored, a go version with a suffix
    such as ``1.21-custom`` is shortened to ``1.21``, malformed retractions
    are skipped and retracted versions are kept as written.

Formatting (:meth:`ModFile.format`, :meth:`FileSyntax.format`)
    The syntax tree is printed back, so comments and the grouping into
    blocks survive; tokens are separated by one space, block lines are
    indented with a tab, runs of blank lines shrink to one, a blank line
    separates top-level statements. Tokens that were quoted without need
    lose their quotes once the file has been parsed (``module "x"`` prints
    as ``module x``), and versions print in canonical form.

Editing (methods of :class:`ModFile`)
    :meth:`~ModFile.set_go_version`, :meth:`~ModFile.set_toolchain`,
    :meth:`~ModFile.drop_toolchain`, :meth:`~ModFile.add_require`,
    :meth:`~ModFile.drop_require`, :meth:`~ModFile.add_retract` and
    :meth:`~ModFile.drop_retract` change the tree the way modfile's
    ``Add*``/``Drop*`` methods do (a new line joins the last block of its
    kind, a lone line becomes a block when a second one joins it) and the
    typed data with it. A drop that removed something is followed by
    modfile's ``Cleanup``, which also folds any block left with one line
    back into a single line. Blocks are never sorted.

go.work (:func:`parse_work`)
    ``go``, ``toolchain``, ``godebug``, ``use`` and ``replace``, with the
    same syntax and formatting.

Errors
    Problems raise :class:`ParseError`, a
    :class:`~gomodpub.core.errors.ModFileError` whose message holds one
    ``file:line:col: what is wrong`` line per problem (Go's wording; unlike
    Go, the column is always given) and whose ``problems`` lists them.
    Invalid arguments to the editing methods raise
    :class:`~gomodpub.core.errors.InvalidModuleError` for module paths and
    versions, :class:`~gomodpub.core.errors.ModFileError` for go and
    toolchain versions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import module as modpath
from . import semver
from .errors import InvalidModuleError, ModFileError
from .goquote import quote, quote_rune

__all__ = [
    "MAX_GO_MOD_SIZE",
    "Comment",
    "CommentBlock",
    "Comments",
    "Exclude",
    "FileSyntax",
    "Go",
    "Godebug",
    "Ignore",
    "LParen",
    "Line",
    "LineBlock",
    "ModFile",
    "Module",
    "ParseError",
    "Position",
    "Problem",
    "RParen",
    "Replace",
    "Require",
    "Retract",
    "Tool",
    "Toolchain",
    "Use",
    "WorkFile",
    "auto_quote",
    "is_directory_path",
    "must_quote",
    "parse",
    "parse_lax",
    "parse_syntax",
    "parse_work",
    "read_module_info",
]

MAX_GO_MOD_SIZE = 16 << 20
"""The largest go.mod the go command accepts, in bytes."""

_GO_VERSION_RE = re.compile(
    r"([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?"
)
_LAX_GO_VERSION_RE = re.compile(r"v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)")
_TOOLCHAIN_RE = re.compile(r"default\Z|go1(\Z|\.)")
_DEPRECATED_RE = re.compile(r"(?:\A|\n\n)Deprecated: *(.*?)(?:\Z|\n\n)", re.S)

# The characters Go's unicode.IsSpace accepts; Python's str.strip() would
# also remove the ASCII separators 0x1c-0x1f, which Go keeps.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACE_RUN_RE = re.compile(f"[{_GO_SPACE}]+")


# ---------------------------------------------------------------------------
# The syntax tree


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the input: 1-based line and column, 0-based offset.

    Columns and offsets count characters (Go counts runes for columns), and
    an undecodable byte counts as one character, as it does in Go.
    """

    line: int = 0
    col: int = 0
    offset: int = 0

    def after(self, text: str) -> Position:
        """Return the position just past text, assuming text starts here."""
        newlines = text.count("\n")
        if newlines == 0:
            return Position(self.line, self.col + len(text), self.offset + len(text))
        tail = len(text) - text.rfind("\n") - 1
        return Position(self.line + newlines, 1 + tail, self.offset + len(text))


@dataclass(slots=True)
class Comment:
    """A // comment; an empty token marks a blank line kept inside a block."""

    token: str
    start: Position = Position()
    suffix: bool = False


@dataclass(slots=True)
class Comments:
    """The comments attached to a piece of syntax."""

    before: list[Comment] = field(default_factory=list)
    """Whole-line comments just above it."""
    suffix: list[Comment] = field(default_factory=list)
    """Comments at the end of its (last) line."""
    after: list[Comment] = field(default_factory=list)
    """Whole-line comments after it (the file's trailing comments)."""


@dataclass(eq=False, slots=True)
class CommentBlock:
    """A paragraph of comments that belongs to no statement."""

    comments: Comments = field(default_factory=Comments)
    start: Position = Position()


@dataclass(eq=False, slots=True)
class Line:
    """One line of tokens, on its own or inside a block (without the verb)."""

    tokens: list[str]
    comments: Comments = field(default_factory=Comments)
    start: Position = Position()
    end: Position = Position()
    in_block: bool = False
    removed: bool = False


@dataclass(eq=False, slots=True)
class LParen:
    """The opening parenthesis of a block, which may carry an end-of-line comment."""

    comments: Comments = field(default_factory=Comments)
    pos: Position = Position()


@dataclass(eq=False, slots=True)
class RParen:
    """The closing parenthesis of a block; comments before it end the block."""

    comments: Comments = field(default_factory=Comments)
    pos: Position = Position()


@dataclass(eq=False, slots=True)
class LineBlock:
    """A factored block: ``verb ( lines )``."""

    tokens: list[str]
    lines: list[Line] = field(default_factory=list)
    comments: Comments = field(default_factory=Comments)
    start: Position = Position()
    lparen: LParen = field(default_factory=LParen)
    rparen: RParen = field(default_factory=RParen)


Stmt = CommentBlock | Line | LineBlock
_Node = CommentBlock | Line | LineBlock | LParen | RParen


@dataclass(eq=False, slots=True)
class FileSyntax:
    """A whole file as statements and comments, ready to be printed back."""

    name: str
    stmts: list[Stmt] = field(default_factory=list)
    comments: Comments = field(default_factory=Comments)

    def format(self) -> bytes:
        """Print the tree in the standard go.mod layout."""
        return _Printer().file(self)

    def cleanup(self) -> None:
        """Drop removed lines and empty blocks; fold one-line blocks into lines."""
        kept: list[Stmt] = []
        for stmt in self.stmts:
            if isinstance(stmt, Line):
                if not stmt.removed:
                    kept.append(stmt)
                continue
            if isinstance(stmt, CommentBlock):
                kept.append(stmt)
                continue

            stmt.lines = [line for line in stmt.lines if not line.removed]
            if not stmt.lines:
                continue
            if len(stmt.lines) == 1 and not stmt.rparen.comments.before:
                # Keep the Line object itself: typed records point at it.
                line = stmt.lines[0]
                line.comments = Comments(
                    before=stmt.comments.before + line.comments.before,
                    suffix=line.comments.suffix + stmt.comments.suffix,
                    after=line.comments.after + stmt.comments.after,
                )
                line.tokens = stmt.tokens + line.tokens
                line.in_block = False
                line.start = line.end = Position()
                kept.append(line)
                continue
            kept.append(stmt)
        self.stmts = kept

    def _add_line(self, hint: Line | LineBlock | None, tokens: list[str]) -> Line:
        """Add a line of tokens near hint, or to the last block of its verb.

        With a hint of the same verb the line joins the hint's block (turning
        a lone line into a block); with a hint of another verb it goes right
        after the hint's statement; with no hint it joins the last statement
        of its verb, or the end of the file.
        """
        verb = tokens[0]
        if hint is None:
            for stmt in reversed(self.stmts):
                if isinstance(stmt, CommentBlock):
                    continue
                if stmt.tokens and stmt.tokens[0] == verb:
                    if isinstance(stmt, Line) and stmt.removed:
                        continue
                    hint = stmt
                    break

        if hint is not None:
            for i, stmt in enumerate(self.stmts):
                if isinstance(stmt, Line) and stmt is hint:
                    if stmt.removed or stmt.tokens[0] != verb:
                        return self._insert_line(i + 1, tokens)
                    block = LineBlock(tokens=stmt.tokens[:1], lines=[stmt])
                    stmt.tokens = stmt.tokens[1:]
                    stmt.in_block = True
                    self.stmts[i] = block
                    return _append_block_line(block, len(block.lines), tokens)
                if isinstance(stmt, LineBlock):
                    if stmt is hint:
                        if stmt.tokens[0] != verb:
                            return self._insert_line(i + 1, tokens)
                        return _append_block_line(stmt, len(stmt.lines), tokens)
                    for j, line in enumerate(stmt.lines):
                        if line is hint:
                            if stmt.tokens[0] != verb:
                                return self._insert_line(i + 1, tokens)
                            return _append_block_line(stmt, j + 1, tokens)

        return self._insert_line(len(self.stmts), tokens)

    def _insert_line(self, index: int, tokens: list[str]) -> Line:
        line = Line(tokens=list(tokens))
        self.stmts.insert(index, line)
        return line


def _append_block_line(block: LineBlock, index: int, tokens: list[str]) -> Line:
    line = Line(tokens=tokens[1:], in_block=True)
    block.lines.insert(index, line)
    return line


def _update_line(line: Line, tokens: list[str]) -> None:
    line.tokens = tokens[1:] if line.in_block else list(tokens)


def _mark_removed(line: Line) -> None:
    line.removed = True
    line.comments.suffix = []


def _span(node: _Node) -> tuple[Position, Position]:
    if isinstance(node, Line):
        return node.start, node.end
    if isinstance(node, LineBlock):
        return node.start, node.rparen.pos.after(")")
    if isinstance(node, LParen | RParen):
        return node.pos, node.pos.after(")")
    return node.start, node.start


# ---------------------------------------------------------------------------
# Problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a go.mod file, with where it is."""

    filename: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        # Bytes that are not UTF-8 are carried as lone surrogates; shown, they
        # become U+FFFD, as a terminal shows the raw bytes Go would print.
        if self.line > 0:
            text = f"{self.filename}:{self.line}:{self.col}: {self.message}"
        else:
            text = f"{self.filename}: {self.message}"
        return _SURROGATE_RE.sub("\ufffd", text)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class ParseError(ModFileError):
    """A go.mod or go.work file does not parse; one message line per problem.

    Attributes:
        problems: every problem found, in file order.
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


class _StopError(Exception):
    """Raised inside the reader to abandon the file at the first syntax error."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


# ---------------------------------------------------------------------------
# Lexer

_EOF = "EOF"
_EOL_COMMENT = "EOLCOMMENT"
_COMMENT = "COMMENT"
_IDENT = "IDENT"
_STRING = "STRING"
_PUNCTUATION = frozenset("\n()[]{},")

# A run of characters that may be an identifier; non-ASCII ones are checked
# one by one afterwards, since a regex cannot say "printable".
_IDENT_RUN_RE = re.compile(r"[^\x00-\x20()\[\]{},\x7f]+")
_COMMENT_START_RE = re.compile(r"/[/*]")
_SPACE_RUN_RE = re.compile(r"[ \t\r]+")


@dataclass(slots=True)
class _Token:
    kind: str
    text: str
    pos: Position
    end: Position


def _is_ident_char(c: str) -> bool:
    if c in " ()[]{},":
        return False
    # Go decodes a bad byte to U+FFFD, which is printable; surrogateescape
    # turns it into a lone surrogate, which Python calls unprintable.
    return c.isprintable() or "\udc80" <= c <= "\udcff"


class _Lexer:
    """Splits the text into tokens, one token ahead of the parser, as Go does."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.text = text
        self.offset = 0
        self.line = 1
        self.line_start = 0
        self.suffix_comments: list[Comment] = []
        self.token = _Token(_EOF, "", Position(), Position())
        self._read_token()

    def pos(self) -> Position:
        return Position(self.line, self.offset - self.line_start + 1, self.offset)

    def error(self, message: str, pos: Position | None = None) -> _StopError:
        where = pos if pos is not None else self.pos()
        return _StopError(Problem(self.filename, where.line, where.col, message))

    def peek(self) -> str:
        return self.token.kind

    def lex(self) -> _Token:
        token = self.token
        self._read_token()
        return token

    def _advance(self, to: int) -> None:
        newlines = self.text.count("\n", self.offset, to)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.offset, to) + 1
        self.offset = to

    def _finish(self, kind: str, start: Position, end_offset: int) -> None:
        text = self.text[start.offset : end_offset]
        self._advance(end_offset)
        # A comment token runs through its newline, which is not its text.
        if kind in (_COMMENT, _EOL_COMMENT):
            text = text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")
        self.token = _Token(kind, text, start, self.pos())

    def _read_token(self) -> None:
        text = self.text

        # Skip spaces; hand whole-line comments to the parser and keep
        # end-of-line comments for attaching to the tree later.
        while self.offset < len(text):
            space = _SPACE_RUN_RE.match(text, self.offset)
            if space:
                self._advance(space.end())
                continue
            if text.startswith("//", self.offset):
                self._read_comment()
                return
            if text.startswith("/*", self.offset):
                raise self.error("mod files must use // comments (not /* */ comments)")
            break

        start = self.pos()
        if self.offset >= len(text):
            self._finish(_EOF, start, self.offset)
            return

        c = text[self.offset]
        if c in _PUNCTUATION:
            self._finish(c, start, self.offset + 1)
            return
        if c in '"`':
            self._finish(_STRING, start, self._scan_string(c, start))
            return
        if not _is_ident_char(c):
            raise self.error(f"unexpected input character {quote_rune(c)}")
        self._finish(_IDENT, start, self._scan_ident())

    def _read_comment(self) -> None:
        text = self.text
        start = self.pos()
        line_begin = text.rfind("\n", 0, self.offset) + 1
        is_suffix = text[line_begin : self.offset].strip(_GO_SPACE) != ""

        newline = text.find("\n", self.offset)
        end = len(text) if newline < 0 else newline + 1
        self._finish(_EOL_COMMENT if is_suffix else _COMMENT, start, end)

        if is_suffix:
            self.suffix_comments.append(Comment(self.token.text, start, suffix=True))

    def _scan_string(self, quote: str, start: Position) -> int:
        text = self.text
        i = self.offset + 1
        while True:
            if i >= len(text):
                raise self.error("unexpected EOF in string", start)
            c = text[i]
            if c == "\n":
                self._advance(i)
                raise self.error("unexpected newline in string")
            i += 1
            if c == quote:
                return i
            if c == "\\" and quote != "`":
                if i >= len(text):
                    raise self.error("unexpected EOF in string", start)
                i += 1

    def _scan_ident(self) -> int:
        text = self.text
        run_match = _IDENT_RUN_RE.match(text, self.offset)
        run = run_match.group() if run_match else text[self.offset]
        if not run.isascii():
            for k, c in enumerate(run):
                if not _is_ident_char(c):
                    run = run[:k]
                    break

        marker = _COMMENT_START_RE.search(run)
        if marker is not None:
            if marker.group() == "/*":
                self._advance(self.offset + marker.start())
                raise self.error("mod files must use // comments (not /* */ comments)")
            run = run[: marker.start()]
        return self.offset + len(run)


# ---------------------------------------------------------------------------
# Parser


def _is_eol(kind: str) -> bool:
    return kind in (_EOF, _EOL_COMMENT, "\n")


class _Parser:
    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.lexer = _Lexer(filename, text)
        self.file = FileSyntax(name=filename)

    def parse_file(self) -> FileSyntax:
        lexer = self.lexer
        pending: CommentBlock | None = None
        while True:
            kind = lexer.peek()
            if kind == "\n":
                lexer.lex()
                if pending is not None:
                    self.file.stmts.append(pending)
                    pending = None
            elif kind == _COMMENT:
                token = lexer.lex()
                if pending is None:
                    pending = CommentBlock(start=token.pos)
                pending.comments.before.append(Comment(token.text, token.pos))
            elif kind == _EOF:
                if pending is not None:
                    self.file.stmts.append(pending)
                break
            else:
                self._parse_stmt()
                if pending is not None:
                    self.file.stmts[-1].comments.before = pending.comments.before
                    pending = None

        _assign_suffix_comments(self.file, lexer.suffix_comments)
        return self.file

    def _parse_stmt(self) -> None:
        lexer = self.lexer
        first = lexer.lex()
        start, end = first.pos, first.end
        tokens = [first.text]
        while True:
            token = lexer.lex()
            if _is_eol(token.kind):
                self.file.stmts.append(Line(tokens=tokens, start=start, end=end))
                return

            if token.kind != "(":
                tokens.append(token.text)
                end = token.end
                continue

            following = lexer.peek()
            if _is_eol(following):
                block = self._parse_line_block(start, tokens, token)
                self.file.stmts.append(block)
                return
            if following == ")":
                rparen = lexer.lex()
                if _is_eol(lexer.peek()):
                    lexer.lex()
                    self.file.stmts.append(
                        LineBlock(
                            tokens=tokens,
                            start=start,
                            lparen=LParen(pos=token.pos),
                            rparen=RParen(pos=rparen.pos),
                        )
                    )
                    return
                # "( )" inside a line is just two tokens.
                tokens.extend((token.text, rparen.text))
            else:
                tokens.append(token.text)

    def _parse_line_block(
        self, start: Position, tokens: list[str], lparen: _Token
    ) -> LineBlock:
        lexer = self.lexer
        block = LineBlock(tokens=tokens, start=start, lparen=LParen(pos=lparen.pos))
        comments: list[Comment] = []
        while True:
            kind = lexer.peek()
            if kind == _EOL_COMMENT:
                lexer.lex()
            elif kind == "\n":
                # One empty comment stands for a run of blank lines.
                lexer.lex()
                if (not comments and block.lines) or (
                    comments and comments[-1].token != ""
                ):
                    comments.append(Comment(""))
            elif kind == _COMMENT:
                token = lexer.lex()
                comments.append(Comment(token.text, token.pos))
            elif kind == _EOF:
                raise lexer.error(
                    "syntax error (unterminated block started at "
                    f"{self.filename}:{start.line}:{start.col})"
                )
            elif kind == ")":
                rparen = lexer.lex()
                # A blank line just before ")" is not worth keeping.
                if len(comments) == 1 and comments[0].token == "":
                    comments = []
                block.rparen = RParen(
                    comments=Comments(before=comments), pos=rparen.pos
                )
                if not _is_eol(lexer.peek()):
                    raise lexer.error(
                        "syntax error (expected newline after closing paren)"
                    )
                lexer.lex()
                return block
            else:
                line = self._parse_line()
                line.comments.before = comments
                comments = []
                block.lines.append(line)

    def _parse_line(self) -> Line:
        lexer = self.lexer
        first = lexer.lex()
        start, end = first.pos, first.end
        tokens = [first.text]
        while True:
            token = lexer.lex()
            if _is_eol(token.kind):
                return Line(tokens=tokens, start=start, end=end, in_block=True)
            tokens.append(token.text)
            end = token.end


def _assign_suffix_comments(file: FileSyntax, suffixes: list[Comment]) -> None:
    """Attach each end-of-line comment to the syntax that ends just before it.

    Whole-line comments never get here: the parser attaches them as it reads.
    """
    postorder: list[_Node] = []
    for stmt in file.stmts:
        if isinstance(stmt, LineBlock):
            postorder.append(stmt.lparen)
            postorder.extend(stmt.lines)
            postorder.append(stmt.rparen)
        postorder.append(stmt)

    pending = list(suffixes)
    for node in reversed(postorder):
        start, end = _span(node)
        # A comment after "z )" belongs to z, not to the block "x ( ... )".
        if start.line != end.line:
            continue
        while pending and end.offset <= pending[-1].start.offset:
            node.comments.suffix.append(pending.pop())

    # They were collected backwards.
    for node in postorder:
        node.comments.suffix.reverse()
    file.comments.before.extend(pending)


def _decode(data: bytes | str) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "surrogateescape")
    # Keep undecodable bytes that a str carries as surrogates; fall back for
    # surrogates that surrogateescape cannot map back to a byte.
    try:
        raw = data.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = data.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "surrogateescape")


def parse_syntax(data: bytes | str, filename: str = "go.mod") -> FileSyntax:
    """Read the syntax tree of a go.mod or go.work file, without its meaning.

    Raises:
        ParseError: a lexical or syntax error (only the first is reported).
    """
    try:
        return _Parser(filename, _decode(data)).parse_file()
    except _StopError as stop:
        raise ParseError([stop.problem]) from None


# ---------------------------------------------------------------------------
# Printer


class _Printer:
    """Prints a syntax tree as x/mod's printer does, byte for byte."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current = ""
        self.pending: list[Comment] = []
        self.margin = 0

    def file(self, f: FileSyntax) -> bytes:
        for comment in f.comments.before:
            self.write(_go_trim(comment.token))
            self.newline()

        for i, stmt in enumerate(f.stmts):
            self.expr(stmt)
            if not isinstance(stmt, CommentBlock):
                self.newline()
            for comment in stmt.comments.after:
                self.write(_go_trim(comment.token))
                self.newline()
            if i + 1 < len(f.stmts):
                self.newline()

        # Drop trailing blank lines, keeping the final newline.
        out = "\n".join([*self.lines, self.current])
        while out.endswith("\n") and (len(out) == 1 or out[-2] == "\n"):
            out = out[:-1]
        return out.encode("utf-8", "surrogateescape")

    def write(self, text: str) -> None:
        parts = text.split("\n")
        self.current += parts[0]
        for part in parts[1:]:
            self.lines.append(self.current)
            self.current = part

    def trim(self) -> None:
        self.current = self.current.rstrip(" \t")

    def newline(self) -> None:
        """End the line, flushing end-of-line comments, and indent the next."""
        if self.pending:
            self.write(" ")
            for i, comment in enumerate(self.pending):
                if i > 0:
                    self.trim()
                    self.write("\n" + "\t" * self.margin)
                self.write(_go_trim(comment.token))
            self.pending = []

        self.trim()
        empty = not self.lines and not self.current
        after_blank = not self.current and len(self.lines) >= 2 and not self.lines[-1]
        if not (empty or after_blank):
            self.write("\n")
        self.write("\t" * self.margin)

    def expr(self, node: _Node) -> None:
        before = node.comments.before
        if before:
            # Whole-line comments start at the margin on a line of their own.
            self.trim()
            if self.current:
                self.write("\n")
            self.write("\t" * self.margin)
            for comment in before:
                self.write(_go_trim(comment.token))
                self.newline()

        if isinstance(node, LParen):
            self.write("(")
        elif isinstance(node, RParen):
            self.write(")")
        elif isinstance(node, Line):
            self.tokens(node.tokens)
        elif isinstance(node, LineBlock):
            self.tokens(node.tokens)
            self.write(" ")
            self.expr(node.lparen)
            self.margin += 1
            for line in node.lines:
                self.newline()
                self.expr(line)
            self.margin -= 1
            self.newline()
            self.expr(node.rparen)

        self.pending.extend(node.comments.suffix)

    def tokens(self, tokens: list[str]) -> None:
        sep = ""
        for token in tokens:
            if token in (",", ")", "]", "}"):
                sep = ""
            self.write(sep + token)
            sep = "" if token in ("(", "[", "{") else " "


def _go_trim(s: str) -> str:
    return s.strip(_GO_SPACE)


# ---------------------------------------------------------------------------
# Go string literals


class _QuoteError(Exception):
    """A token's quotes or escapes are not acceptable."""


_SIMPLE_UNESCAPES = {
    "a": 0x07,
    "b": 0x08,
    "f": 0x0C,
    "n": 0x0A,
    "r": 0x0D,
    "t": 0x09,
    "v": 0x0B,
    "\\": 0x5C,
    '"': 0x22,
}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _unquote(token: str) -> str:
    """Decode a double-quoted Go string literal as strconv.Unquote does."""
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise _QuoteError("invalid syntax")

    out = bytearray()
    body = token[1:-1]
    i = 0
    while i < len(body):
        c = body[i]
        if c == '"' or c == "\n":
            raise _QuoteError("invalid syntax")
        if c != "\\":
            # Go replaces an undecodable byte in the literal with U+FFFD.
            if "\udc80" <= c <= "\udcff":
                c = "\ufffd"
            out += c.encode("utf-8", "surrogatepass")
            i += 1
            continue

        if i + 1 >= len(body):
            raise _QuoteError("invalid syntax")
        kind = body[i + 1]
        i += 2
        if kind in _SIMPLE_UNESCAPES:
            out.append(_SIMPLE_UNESCAPES[kind])
        elif kind in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[kind]
            digits = body[i : i + width]
            if len(digits) < width or not set(digits) <= _HEX_DIGITS:
                raise _QuoteError("invalid syntax")
            value = int(digits, 16)
            i += width
            if kind == "x":
                out.append(value)
            elif value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise _QuoteError("invalid syntax")
            else:
                out += chr(value).encode("utf-8")
        elif kind in "01234567":
            digits = kind + body[i : i + 2]
            if len(digits) < 3 or not set(digits) <= set("01234567"):
                raise _QuoteError("invalid syntax")
            value = int(digits, 8)
            if value > 255:
                raise _QuoteError("invalid syntax")
            out.append(value)
            i += 2
        else:
            raise _QuoteError("invalid syntax")
    return out.decode("utf-8", "surrogateescape")


_MUST_QUOTE_ASCII_RE = re.compile(r"[ \"'`]")
_PUNCT_RE = re.compile(r"[()\[\]{},]")


def must_quote(s: str) -> bool:
    """Tell whether s needs quotes to be read back as one go.mod token."""
    if s.isascii() and s.isprintable():
        # The common case, checked without a loop in Python.
        if _MUST_QUOTE_ASCII_RE.search(s) or (len(s) > 1 and _PUNCT_RE.search(s)):
            return True
        return s == "" or "//" in s or "/*" in s

    for c in s:
        if c in " \"'`":
            return True
        if c in "()[]{},":
            if len(s) > 1:
                return True
        elif not _is_ident_char(c):
            return True
    return s == "" or "//" in s or "/*" in s


def auto_quote(s: str) -> str:
    """Return s, quoted when a go.mod token needs quotes."""
    return quote(s) if must_quote(s) else s


def is_directory_path(path: str) -> bool:
    """Tell whether a replacement target is a directory rather than a module.

    Relative paths starting with ``.`` or ``..`` and rooted paths (Unix or
    Windows) are directories, whatever system the file is read on.
    """
    return (
        path in (".", "..")
        or path.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
        or (
            len(path) >= 2
            and path[0].isascii()
            and path[0].isalpha()
            and path[1] == ":"
        )
    )


# ---------------------------------------------------------------------------
# Typed data


@dataclass
class Module:
    """The module directive."""

    path: str
    deprecated: str
    """The "Deprecated:" paragraph of its comments, or ""."""
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Go:
    """The go directive: the language version the module is written for."""

    version: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Toolchain:
    """The toolchain directive: "go1.21.0", "default" and the like."""

    name: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Godebug:
    """One godebug key=value setting."""

    key: str
    value: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Require:
    """One requirement; indirect when marked with a "// indirect" comment."""

    path: str
    version: str
    indirect: bool
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Exclude:
    """One excluded module version."""

    path: str
    version: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Replace:
    """One replacement; an empty old_version replaces every version.

    new_version is empty when new_path is a directory.
    """

    old_path: str
    old_version: str
    new_path: str
    new_version: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Retract:
    """A retracted version (low == high) or closed interval, with its rationale."""

    low: str
    high: str
    rationale: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Tool:
    """One tool directive: a package path run with "go tool"."""

    path: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Ignore:
    """One ignore directive: a directory the go command skips."""

    path: str
    syntax: Line = field(compare=False, repr=False)


@dataclass
class Use:
    """One use directive of a go.work file: a module directory."""

    path: str
    syntax: Line = field(compare=False, repr=False)


# ---------------------------------------------------------------------------
# Reading directives


class _DirectiveError(Exception):
    """One directive is wrong; the reader records it and moves on."""


def _parse_string(tokens: list[str], i: int) -> str:
    """Unquote tokens[i] and put its plain or minimally quoted form back."""
    token = tokens[i]
    if token.startswith('"'):
        try:
            value = _unquote(token)
        except _QuoteError as exc:
            raise _DirectiveError(f"invalid quoted string: {exc}") from None
    elif any(q in token for q in "\"'`"):
        # Other quotes are kept for later use, and 'x' should not mean x.
        raise _DirectiveError(
            "invalid quoted string: unquoted string cannot contain quote"
        )
    else:
        value = token
    tokens[i] = auto_quote(value)
    return value


def _directive_prefix(verb: str, path: str) -> str:
    return f"{verb} {path}: " if path else f"{verb}: "


def _parse_version(verb: str, path: str, tokens: list[str], i: int) -> str:
    """Read the version in tokens[i] and put its canonical form back."""
    raw = tokens[i]
    prefix = _directive_prefix(verb, path)
    try:
        text = _parse_string(tokens, i)
    except _DirectiveError as exc:
        reason = str(exc).removeprefix("invalid quoted string: ")
        raise _DirectiveError(
            f"{prefix}version {quote(raw)} invalid: {reason}"
        ) from None

    canonical = modpath.canonical_version(text)
    if not canonical:
        raise _DirectiveError(
            f"{prefix}version {quote(text)} invalid: must be of the form v1.2.3"
        )
    tokens[i] = canonical
    return canonical


def _path_major(path: str) -> str:
    _, major, ok = modpath.split_path_version(path)
    if not ok:
        raise _DirectiveError("invalid module path")
    return major


def _check_major(verb: str, path: str, version: str, path_major: str) -> None:
    try:
        modpath.check_path_major(version, path_major)
    except InvalidModuleError as exc:
        raise _DirectiveError(f"{verb} {path}: {exc}") from None


def _parse_interval(args: list[str]) -> tuple[str, str, int]:
    """Read "v" or "[low, high]" at the start of args; return how many tokens.

    Like x/mod, this only checks the shape; the versions are checked once the
    module path is known (see _check_retracts).
    """
    if not args or args[0] == "(":
        raise _DirectiveError("expected '[' or version")
    if args[0] != "[":
        version = _parse_retract_version(args, 0)
        return version, version, 1

    if len(args) < 2:
        raise _DirectiveError("expected version after '['")
    low = _parse_retract_version(args, 1)
    if len(args) < 3 or args[2] != ",":
        raise _DirectiveError("expected ',' after version")
    if len(args) < 4:
        raise _DirectiveError("expected version after ','")
    high = _parse_retract_version(args, 3)
    if len(args) < 5 or args[4] != "]":
        raise _DirectiveError("expected ']' after version")
    return low, high, 5


def _parse_retract_version(args: list[str], i: int) -> str:
    raw = args[i]
    try:
        return _parse_string(args, i)
    except _DirectiveError as exc:
        reason = str(exc).removeprefix("invalid quoted string: ")
        raise _DirectiveError(
            f"retract: version {quote(raw)} invalid: {reason}"
        ) from None


def _directive_comment(block: LineBlock | None, line: Line) -> str:
    """Join the comment lines of a directive, or of its block when it has none."""
    comments = line.comments
    if block is not None and not comments.before and not comments.suffix:
        comments = block.comments
    texts = [
        _go_trim(c.token.removeprefix("//"))
        for c in [*comments.before, *comments.suffix]
        if c.token.startswith("//")
    ]
    return "\n".join(texts)


def _parse_deprecation(block: LineBlock | None, line: Line) -> str:
    match = _DEPRECATED_RE.search(_directive_comment(block, line))
    return match.group(1) if match else ""


def _is_indirect(line: Line) -> bool:
    if not line.comments.suffix:
        return False
    text = line.comments.suffix[0].token.removeprefix("//")
    words = [w for w in _GO_SPACE_RUN_RE.split(text) if w]
    return words == ["indirect"] or (len(words) > 1 and words[0] == "indirect;")


def _parse_replace(verb: str, args: list[str]) -> tuple[str, str, str, str]:
    arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
    if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
        raise _DirectiveError(
            f"usage: {verb} module/path [v1.2.3] => other/module v1.4\n"
            f"\t or {verb} module/path [v1.2.3] => ../local/directory"
        )

    old_path = _parse_string(args, 0)
    try:
        path_major = _path_major(old_path)
    except _DirectiveError as exc:
        raise _DirectiveError(f"{verb} {old_path}: {exc}") from None
    old_version = ""
    if arrow == 2:
        old_version = _parse_version(verb, old_path, args, 1)
        _check_major(verb, old_path, old_version, path_major)

    new_path = _parse_string(args, arrow + 1)
    new_version = ""
    if len(args) == arrow + 2:
        if not is_directory_path(new_path):
            if "@" in new_path:
                raise _DirectiveError(
                    "replacement module must match format 'path version', "
                    "not 'path@version'"
                )
            raise _DirectiveError(
                "replacement module without version must be directory path "
                "(rooted or starting with . or ..)"
            )
        if os.sep == "/" and "\\" in new_path:
            raise _DirectiveError(
                "replacement directory appears to be Windows path "
                "(on a non-windows system)"
            )
    else:
        new_version = _parse_version(verb, new_path, args, arrow + 2)
        if is_directory_path(new_path):
            raise _DirectiveError(
                f"replacement module directory path {quote(new_path)} "
                "cannot have version"
            )
    return old_path, old_version, new_path, new_version


def _parse_godebug(args: list[str]) -> tuple[str, str]:
    if len(args) != 1 or any(c in args[0] for c in "\"`',"):
        raise _DirectiveError("usage: godebug key=value")
    key, eq, value = args[0].partition("=")
    if not eq:
        raise _DirectiveError("usage: godebug key=value")
    return key, value


def _check_go_version(version: str) -> None:
    if not _GO_VERSION_RE.fullmatch(version):
        raise _DirectiveError(
            f"invalid go version '{version}': must match format 1.23.0"
        )


def _check_toolchain(name: str) -> None:
    if not _TOOLCHAIN_RE.match(name):
        raise _DirectiveError(
            f"invalid toolchain version '{name}': must match format go1.23.0 or default"
        )


def _single_arg(args: list[str], message: str) -> str:
    if len(args) != 1:
        raise _DirectiveError(message)
    return _parse_string(args, 0)


_MODFILE_BLOCKS = frozenset(
    {"module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"}
)
_WORK_BLOCKS = frozenset({"godebug", "use", "replace"})
_LAX_VERBS = frozenset({"go", "module", "retract", "require", "ignore"})

# Reads one directive line: (block or None, line, verb, args). args may be
# rewritten in place with normalized tokens, which go back into the tree.
_DirectiveReader = Callable[[LineBlock | None, Line, str, list[str]], None]


def _read_directives(
    syntax: FileSyntax,
    block_verbs: frozenset[str],
    strict: bool,
    read: _DirectiveReader,
) -> list[Problem]:
    """Feed every directive line to read; return the problems found."""
    problems: list[Problem] = []

    def report(at: Position, message: str) -> None:
        problems.append(Problem(syntax.name, at.line, at.col, message))

    def read_line(block: LineBlock | None, line: Line, verb: str) -> None:
        args = line.tokens if block is not None else line.tokens[1:]
        try:
            read(block, line, verb, args)
        except _DirectiveError as exc:
            report(line.start, str(exc))
        if block is None:
            line.tokens[1:] = args

    for stmt in syntax.stmts:
        if isinstance(stmt, Line):
            read_line(None, stmt, stmt.tokens[0])
        elif isinstance(stmt, LineBlock):
            if len(stmt.tokens) == 1 and stmt.tokens[0] in block_verbs:
                for line in stmt.lines:
                    read_line(stmt, line, stmt.tokens[0])
            elif strict:
                report(stmt.start, f"unknown block type: {' '.join(stmt.tokens)}")
    return problems


@dataclass(eq=False)
class ModFile:
    """A parsed go.mod: typed directives plus the syntax tree they came from.

    The typed lists follow the file's order. Each record's ``syntax`` is its
    line in the tree, which the editing methods change in place.
    """

    syntax: FileSyntax
    module: Module | None = None
    go: Go | None = None
    toolchain: Toolchain | None = None
    godebugs: list[Godebug] = field(default_factory=list)
    requires: list[Require] = field(default_factory=list)
    excludes: list[Exclude] = field(default_factory=list)
    replaces: list[Replace] = field(default_factory=list)
    retracts: list[Retract] = field(default_factory=list)
    tools: list[Tool] = field(default_factory=list)
    ignores: list[Ignore] = field(default_factory=list)

    def format(self) -> bytes:
        """Print the file in the standard layout, comments included."""
        return self.syntax.format()

    # -- reading ---------------------------------------------------------

    def _add(
        self,
        block: LineBlock | None,
        line: Line,
        verb: str,
        args: list[str],
        strict: bool,
    ) -> None:
        """Read one directive line into the typed data, or raise _DirectiveError."""
        if not strict and verb not in _LAX_VERBS:
            return

        if verb == "go":
            self._read_go(line, args, strict)
        elif verb == "toolchain":
            if self.toolchain is not None:
                raise _DirectiveError("repeated toolchain statement")
            if len(args) != 1:
                raise _DirectiveError(
                    "toolchain directive expects exactly one argument"
                )
            _check_toolchain(args[0])
            self.toolchain = Toolchain(args[0], line)
        elif verb == "module":
            self._read_module(block, line, args, strict)
        elif verb == "godebug":
            key, value = _parse_godebug(args)
            self.godebugs.append(Godebug(key, value, line))
        elif verb in ("require", "exclude"):
            self._read_require_or_exclude(line, verb, args)
        elif verb == "replace":
            self.replaces.append(Replace(*_parse_replace(verb, args), syntax=line))
        elif verb == "retract":
            self._read_retract(block, line, args, strict)
        elif verb == "tool":
            path = _single_arg(args, "tool directive expects exactly one argument")
            self.tools.append(Tool(path, line))
        elif verb == "ignore":
            path = _single_arg(args, "ignore directive expects exactly one argument")
            self.ignores.append(Ignore(path, line))
        else:
            raise _DirectiveError(f"unknown directive: {verb}")

    def _read_go(self, line: Line, args: list[str], strict: bool) -> None:
        if self.go is not None:
            raise _DirectiveError("repeated go statement")
        if len(args) != 1:
            raise _DirectiveError("go directive expects exactly one argument")

        # Dependencies may be written for toolchains with other version
        # spellings; the go command keeps their major.minor.
        if not strict and not _GO_VERSION_RE.fullmatch(args[0]):
            lax = _LAX_GO_VERSION_RE.fullmatch(args[0])
            if lax:
                args[0] = lax.group(1)
        _check_go_version(args[0])
        self.go = Go(args[0], line)

    def _read_module(
        self, block: LineBlock | None, line: Line, args: list[str], strict: bool
    ) -> None:
        if self.module is not None:
            raise _DirectiveError("repeated module statement")
        self.module = Module("", _parse_deprecation(block, line), line)
        if len(args) != 1:
            raise _DirectiveError("usage: module module/path")
        path = _parse_string(args, 0)
        if strict:
            try:
                modpath.check_import_path(path)
            except InvalidModuleError as exc:
                # The go command reports the main module's path this way.
                message = str(exc).replace(
                    "malformed import path", "malformed module path", 1
                )
                raise _DirectiveError(message) from None
        self.module.path = path

    def _read_require_or_exclude(self, line: Line, verb: str, args: list[str]) -> None:
        if len(args) != 2:
            raise _DirectiveError(f"usage: {verb} module/path v1.2.3")
        path = _parse_string(args, 0)
        version = _parse_version(verb, path, args, 1)
        _check_major(verb, path, version, _path_major(path))
        if verb == "require":
            self.requires.append(Require(path, version, _is_indirect(line), line))
        else:
            self.excludes.append(Exclude(path, version, line))

    def _read_retract(
        self, block: LineBlock | None, line: Line, args: list[str], strict: bool
    ) -> None:
        rationale = _directive_comment(block, line)
        try:
            low, high, used = _parse_interval(args)
        except _DirectiveError:
            # Dependencies may use interval syntax newer than this reader.
            if strict:
                raise
            return
        if strict and len(args) > used:
            raise _DirectiveError(
                f"unexpected token after version: {quote(args[used])}"
            )
        self.retracts.append(Retract(low, high, rationale, line))

    # -- editing ---------------------------------------------------------

    def set_go_version(self, version: str) -> None:
        """Set the go line, adding it after the module line if there is none.

        Raises:
            ModFileError: version is not a go version such as 1.23.0.
        """
        if not _GO_VERSION_RE.fullmatch(version):
            raise ModFileError(f"invalid language version {quote(version)}")

        if self.go is not None:
            self.go.version = version
            _update_line(self.go.syntax, ["go", version])
            return
        hint = self.module.syntax if self.module is not None else None
        self.go = Go(version, self.syntax._add_line(hint, ["go", version]))

    def set_toolchain(self, name: str) -> None:
        """Set the toolchain line, adding it after the go (or module) line.

        Raises:
            ModFileError: name is neither "default" nor a go1... toolchain name.
        """
        if not _TOOLCHAIN_RE.match(name):
            raise ModFileError(f"invalid toolchain name {quote(name)}")

        if self.toolchain is not None:
            self.toolchain.name = name
            _update_line(self.toolchain.syntax, ["toolchain", name])
            return
        hint: Line | None = None
        if self.go is not None:
            hint = self.go.syntax
        elif self.module is not None:
            hint = self.module.syntax
        line = self.syntax._add_line(hint, ["toolchain", name])
        self.toolchain = Toolchain(name, line)

    def drop_toolchain(self) -> None:
        """Remove the toolchain line, if any."""
        if self.toolchain is not None:
            _mark_removed(self.toolchain.syntax)
            self.toolchain = None
            self.syntax.cleanup()

    def add_require(self, path: str, version: str, indirect: bool = False) -> None:
        """Require path at version, updating the first existing line for path.

        Other lines for the same path are dropped. A new line joins the last
        require block (or line) of the file. Afterwards the line carries an
        "// indirect" mark exactly when indirect is true; the rest of its
        comment is kept.

        Raises:
            InvalidModuleError: the path or version is not acceptable.
        """
        modpath.check_import_path(path)
        _check_canonical_version(path, version)

        tokens = ["require", auto_quote(path), version]
        found: Require | None = None
        dropped = False
        for req in self.requires:
            if req.path != path:
                continue
            if found is None:
                found = req
                req.version = version
                _update_line(req.syntax, tokens)
            else:
                _mark_removed(req.syntax)
                dropped = True

        if found is None:
            found = Require(path, version, False, self.syntax._add_line(None, tokens))
            self.requires.append(found)
        _set_indirect(found, indirect)

        if dropped:
            self.requires = [r for r in self.requires if not r.syntax.removed]
            self.syntax.cleanup()

    def drop_require(self, path: str) -> None:
        """Remove every requirement on path."""
        dropped = [r for r in self.requires if r.path == path]
        for req in dropped:
            _mark_removed(req.syntax)
        if dropped:
            self.requires = [r for r in self.requires if r.path != path]
            self.syntax.cleanup()

    def add_retract(
        self, low: str, high: str | None = None, rationale: str = ""
    ) -> None:
        """Retract one version, or [low, high], with rationale as comments above.

        The line joins the last retract block (or line) of the file.

        Raises:
            ModFileError: the file has no module line.
            InvalidModuleError: a bound is not a canonical version that fits
                the module path.
        """
        high = low if high is None else high
        if self.module is None:
            raise ModFileError("no module directive found, so retract cannot be used")
        path = self.module.path
        _check_canonical_version(path, high)
        _check_canonical_version(path, low)

        if low == high:
            tokens = ["retract", auto_quote(low)]
        else:
            tokens = ["retract", "[", auto_quote(low), ",", auto_quote(high), "]"]
        line = self.syntax._add_line(None, tokens)
        if rationale:
            line.comments.before.extend(
                Comment("// " + text) for text in rationale.split("\n")
            )
        self.retracts.append(Retract(low, high, rationale, line))

    def drop_retract(self, low: str, high: str | None = None) -> None:
        """Remove the retractions of exactly this version or interval."""
        high = low if high is None else high
        dropped = [r for r in self.retracts if (r.low, r.high) == (low, high)]
        for retract in dropped:
            _mark_removed(retract.syntax)
        if dropped:
            self.retracts = [r for r in self.retracts if (r.low, r.high) != (low, high)]
            self.syntax.cleanup()


def _set_indirect(req: Require, indirect: bool) -> None:
    """Add or remove the "// indirect" mark, keeping the rest of the comment."""
    req.indirect = indirect
    line = req.syntax
    if _is_indirect(line) == indirect:
        return

    suffix = line.comments.suffix
    if indirect:
        if not suffix:
            suffix.append(Comment("// indirect", suffix=True))
            return
        text = _go_trim(suffix[0].token.removeprefix("//"))
        suffix[0].token = f"// indirect; {text}" if text else "// indirect"
        return

    if _go_trim(suffix[0].token.removeprefix("//")) == "indirect":
        line.comments.suffix = []
        return
    token = suffix[0].token
    cut = token.index("indirect;") + len("indirect;")
    suffix[0].token = "//" + token[cut:]


def _check_canonical_version(path: str, version: str) -> None:
    """Check a version given to an editing method as x/mod does."""
    _, path_major, path_major_ok = modpath.split_path_version(path)

    if not version or version != modpath.canonical_version(version):
        form = "v1.2.3"
        if path_major:
            form = modpath.path_major_prefix(path_major) + ".2.3"
        raise InvalidModuleError(
            f"version {quote(version)} invalid: must be of the form {form}"
        )

    if path_major_ok and not modpath.match_path_major(version, path_major):
        if path_major:
            modpath.check_path_major(version, path_major)
        raise InvalidModuleError(
            f"version {quote(version)} invalid: should be {version}+incompatible "
            f"(or module {path}/{semver.major(version)})"
        )


def parse(data: bytes | str, filename: str = "go.mod") -> ModFile:
    """Parse a main module's go.mod strictly.

    Raises:
        ParseError: the file has syntax errors (the first one) or invalid
            directives (all of them), one ``file:line:col: ...`` per line.
    """
    return _parse_modfile(data, filename, strict=True)


def parse_lax(data: bytes | str, filename: str = "go.mod") -> ModFile:
    """Parse a dependency's go.mod, ignoring what only a main module needs.

    Raises:
        ParseError: a syntax error, or a malformed module, go or require line.
    """
    return _parse_modfile(data, filename, strict=False)


def _parse_modfile(data: bytes | str, filename: str, strict: bool) -> ModFile:
    mod = ModFile(syntax=parse_syntax(data, filename))

    def read(block: LineBlock | None, line: Line, verb: str, args: list[str]) -> None:
        mod._add(block, line, verb, args, strict)

    problems = _read_directives(mod.syntax, _MODFILE_BLOCKS, strict, read)
    if strict:
        problems.extend(_check_retracts(mod))
    if problems:
        raise ParseError(sorted(problems, key=lambda p: (p.line, p.col)))
    return mod


def _check_retracts(mod: ModFile) -> list[Problem]:
    """Check retracted versions as the go command does once it knows the path.

    x/mod leaves this to a caller-supplied fixer; the go command's refuses
    versions that are not canonical or do not fit the module path. The module
    line may come after the retractions, so this runs last.
    """
    problems: list[Problem] = []
    for retract in mod.retracts:
        start = retract.syntax.start
        if mod.module is None:
            message = "no module directive found, so retract cannot be used"
            return [Problem(mod.syntax.name, start.line, start.col, message)]

        path = mod.module.path
        if not path:
            # The module line itself is wrong, and already reported.
            break
        _, path_major, _ = modpath.split_path_version(path)
        for version in dict.fromkeys((retract.low, retract.high)):
            message = ""
            if modpath.canonical_version(version) != version:
                message = (
                    f"retract {path}: version {quote(version)} invalid: "
                    "must be of the form v1.2.3"
                )
            elif not modpath.match_path_major(version, path_major):
                try:
                    modpath.check_path_major(version, path_major)
                except InvalidModuleError as exc:
                    message = f"retract {path}: {exc}"
            if message:
                problems.append(
                    Problem(mod.syntax.name, start.line, start.col, message)
                )
                break
    return problems


@dataclass(eq=False)
class WorkFile:
    """A parsed go.work file: typed directives plus its syntax tree."""

    syntax: FileSyntax
    go: Go | None = None
    toolchain: Toolchain | None = None
    godebugs: list[Godebug] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    replaces: list[Replace] = field(default_factory=list)

    def format(self) -> bytes:
        """Print the file in the standard layout, comments included."""
        return self.syntax.format()

    def _add(self, line: Line, verb: str, args: list[str]) -> None:
        if verb == "go":
            if self.go is not None:
                raise _DirectiveError("repeated go statement")
            if len(args) != 1:
                raise _DirectiveError("go directive expects exactly one argument")
            _check_go_version(args[0])
            self.go = Go(args[0], line)
        elif verb == "toolchain":
            if self.toolchain is not None:
                raise _DirectiveError("repeated toolchain statement")
            if len(args) != 1:
                raise _DirectiveError(
                    "toolchain directive expects exactly one argument"
                )
            _check_toolchain(args[0])
            self.toolchain = Toolchain(args[0], line)
        elif verb == "godebug":
            key, value = _parse_godebug(args)
            self.godebugs.append(Godebug(key, value, line))
        elif verb == "use":
            self.uses.append(Use(_single_arg(args, "usage: use local/dir"), line))
        elif verb == "replace":
            self.replaces.append(Replace(*_parse_replace(verb, args), syntax=line))
        else:
            raise _DirectiveError(f"unknown directive: {verb}")


def parse_work(data: bytes | str, filename: str = "go.work") -> WorkFile:
    """Parse a go.work file.

    Raises:
        ParseError: a syntax error, or every invalid directive.
    """
    work = WorkFile(syntax=parse_syntax(data, filename))

    def read(block: LineBlock | None, line: Line, verb: str, args: list[str]) -> None:
        work._add(line, verb, args)

    problems = _read_directives(work.syntax, _WORK_BLOCKS, True, read)
    if problems:
        raise ParseError(problems)
    return work


def read_module_info(path: str | os.PathLike[str]) -> tuple[str, str | None]:
    """Return the module path and go version (None if absent) of a go.mod file.

    Without a go line the go command assumes go 1.16 for a main module; the
    caller decides what None means.

    Raises:
        ModFileError: as :func:`read_go_mod`.
    """
    mod = read_go_mod(path)
    assert mod.module is not None
    return mod.module.path, mod.go.version if mod.go is not None else None


def read_go_mod(path: str | os.PathLike[str]) -> ModFile:
    """Read and parse a module's go.mod, which must declare the module.

    Raises:
        ModFileError: the file cannot be read, is too large, does not parse
            (``file:line:col: ...`` per problem) or has no module line.
    """
    name = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_GO_MOD_SIZE + 1)
    except OSError as exc:
        raise ModFileError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if len(data) > MAX_GO_MOD_SIZE:
        raise ModFileError(
            f"{name}: file is larger than the 16 MiB the go command reads"
        )

    mod = parse(data, name)
    if mod.module is None:
        raise ModFileError(missing_module_message(name))
    return mod


def missing_module_message(name: str) -> str:
    """Say that the go.mod called name has no module line, and what to add."""
    return (
        f"{name}: missing module declaration; add a line such as "
        "'module example.com/mymodule'"
    )
