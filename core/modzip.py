"""Module zip files: deciding what goes in, writing them, checking and extracting.

The rules are those of golang.org/x/mod/zip, so a zip made here is one the go
command accepts and hashes to the same ``h1:``, and a zip refused by the go
command is refused here too. They keep a module extractable the same way on
every operating system and file system:

- Every entry name starts with ``<module>@<version>/``. The module path must
  pass :func:`~gomodpub.core.module.check_path`, the version must be canonical
  and its major version must match the path's suffix
  (:func:`~gomodpub.core.module.check`), and the rest of the name must pass
  :func:`~gomodpub.core.module.check_file_path`.
- No two names may be equal when upper and lower case are not told apart
  (Unicode simple case folding as Go's ``unicode.SimpleFold`` does it, by
  the Unicode of the Go toolchain: see :mod:`._unicode`), and no name may be
  both a file and a directory.
- go.mod may sit at the module root, spelled exactly ``go.mod``. A go.mod in
  any other case is refused; a go.mod in a subdirectory marks another module,
  whose files stay out of the zip when it is made and make a zip invalid.
- The zip file may hold at most 500 MiB (:data:`MAX_ZIP_FILE`), and so may its
  files uncompressed, all together.
- ``go.mod`` and ``LICENSE`` at the root may hold at most 16 MiB each
  (:data:`MAX_GO_MOD`, :data:`MAX_LICENSE`).
- The bytes of each file must match the size its header declares; sizes in
  headers are never trusted, the real bytes are counted.
- Empty directories, file permissions and timestamps are not kept.
- Symbolic links and other files that are not regular are left out.

When a zip is made from a folder or a list of files, some files are left out
(omitted) rather than refused:

- the directories ``.bzr``, ``.git``, ``.hg`` and ``.svn`` (folders only);
- subdirectories holding a go.mod, which are other modules;
- files of vendored packages, that is files in a subdirectory of a
  ``vendor`` folder (``vendor/example.com/x/x.go``); files right inside the
  top ``vendor/`` stay. The root go.mod's ``go`` line changes this: from go
  1.24 on, ``vendor/modules.txt`` is left out too, and a nested
  ``pkg/vendor/vendor.go`` stays; below 1.24 (or with no go line) Go's older
  reading of a nested ``vendor/`` is kept, which leaves that file out, so
  that hashes published before do not change;
- ``.hg_archival.txt`` at the root, which ``hg archive`` adds;
- symbolic links and irregular files.

Beyond the reference, for a server that must not trust its input:

- Zips are read the way Go's archive/zip reads them, not with Python's
  zipfile, which forgives damage Go refuses: the end records, then central
  directory headers one after another until one is cut short or is not a
  header (their number must match the end record's count, in its low 16
  bits as Go compares it), then each entry's local header, data and CRC. A
  zip Go cannot read is refused in Go's words: "zip: not a valid zip file",
  "unexpected EOF", "zip: checksum error", "zip: unsupported compression
  algorithm".
- :func:`check_zip` also decompresses every entry (writing nothing) to count
  its real bytes against its declared size and the limits and to check its
  CRC, and gives the zip's ``h1:`` when all is well; :func:`unzip` writes
  nothing before that has passed.
- Entries whose data overlap (a way to make small zips inflate to huge
  sizes) and encrypted entries make a zip "not a valid zip file", and
  compression methods other than store and deflate are refused even for a
  directory entry, whose data Go never reads.
- A zip may have at most 200,000 entries (:data:`MAX_ZIP_FILES`), and a
  module as many files: each entry costs memory while a zip is checked. A
  zip whose end record counts more is refused before a header is read, and
  a folder with more files before anything is written.
- The paths of a module's files and of the directories they imply may take
  at most 64 MiB (:data:`MAX_PATH_TOTAL`): the collision checks keep them
  all, and a few deep files imply billions of characters of directories.
- A module folder given as a symbolic link is followed; Go would see a link
  and pack nothing.

The checks return a :class:`CheckedFiles` report (valid, omitted and invalid
files, each with the reason); :meth:`CheckedFiles.raise_for_problems` turns a
report into one :class:`~gomodpub.core.errors.ZipError`. Files are always read
in chunks, so memory use does not grow with the size of a module.
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import io
import itertools
import logging
import os
import posixpath
import re
import stat
import struct
import tempfile
import threading
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from gomodpub.core import _unicode, modfile, module
from gomodpub.core.dirhash import summary_hash_packed
from gomodpub.core.errors import InvalidModuleError, ModFileError, ZipError
from gomodpub.core.goquote import quote
from gomodpub.core.module import ModuleVersion

logger = logging.getLogger(__name__)

MAX_ZIP_FILE = 500 << 20
"""Largest module zip, and largest total size of its files uncompressed."""

MAX_GO_MOD = 16 << 20
"""Largest go.mod in a module zip."""

MAX_LICENSE = 16 << 20
"""Largest LICENSE in a module zip."""

MAX_ZIP_FILES = 200_000
"""Most entries a module zip may have, and most files a module may pack."""

# Checking a zip keeps about 400 bytes per entry (its name and numbers, its
# place in the collision checks), and the server's worker has 1 GiB: a zip of
# a million tiny entries took 850 MB before this limit. The largest modules
# published have about 20,000 files; ten times that keeps the worker within
# about 100 MB for them.

MAX_PATH_TOTAL = 64 << 20
"""Most bytes the paths of a module's files and directories may take.

Each path counts :data:`PATH_OVERHEAD` plus its length, or four times its
length if it is not all ASCII: about what Python needs to keep it. The case
collision checks keep every file's path and every distinct directory's, and
a deep tree implies many long directory paths (a file 30,000 levels deep
implies 900 million characters of them). A module of 20,000 files needs
about 4 MiB.
"""

PATH_OVERHEAD = 128
"""What each path counts towards :data:`MAX_PATH_TOTAL` beyond its characters."""

COMPRESS_LEVEL = 3
"""zlib level for packing: about the size Go's level 5 gives, much faster."""

# Files up to _READ_SIZE are read and deflated in one go, bigger ones in
# pieces of _READ_SIZE. A file's deflated pieces are held in memory up to
# _SPOOL_MEMORY while they wait for their turn, then spill to a temporary
# file. Every buffer stays under glibc's 128 KiB mmap threshold: buffers of
# any size up to 1 MiB, taken and given back for each file, fragmented the
# heap so that memory grew with the number of files. Workers take files in
# batches of about _BATCH_BYTES or _BATCH_FILES, whichever comes first.
_READ_SIZE = 64 << 10
_SPOOL_MEMORY = 4 << 20
_BATCH_BYTES = 1 << 20
_BATCH_FILES = 256

# Data that does not deflate is stored in deflate's "stored" blocks instead:
# deflating random bytes costs as much CPU as text and gains nothing. A file
# is judged by its start: not ASCII in the first _PROBE_ASCII bytes, and
# _PROBE_DEFLATE bytes deflated at level 1 keep _INCOMPRESSIBLE of their size.
_PROBE_ASCII = 4 << 10
_PROBE_DEFLATE = 16 << 10
_INCOMPRESSIBLE = 0.97

_VCS_DIRS = frozenset({".bzr", ".git", ".hg", ".svn"})

_GO_LANG_RE = re.compile(r"([0-9]+)\.([0-9]+)")


# Reasons a file is left out or refused, in the reference's words.
NOT_CLEAN = "file path is not clean"
NOT_RELATIVE = "file path is not relative"
GO_MOD_CASE = "go.mod files must have lowercase names"
GO_MOD_NOT_ROOT = "go.mod file not in module root directory"
GO_MOD_TOO_LARGE = f"go.mod file too large (max size is {MAX_GO_MOD} bytes)"
LICENSE_TOO_LARGE = f"LICENSE file too large (max size is {MAX_LICENSE} bytes)"
VCS_DIR = "directory is a version control repository"
VENDORED = "file is in vendor directory"
SUBMODULE_FILE = "file is in another module"
SUBMODULE_DIR = "directory is in another module"
HG_ARCHIVAL = "file is inserted by 'hg archive' and is always omitted"
SYMLINK = "file is a symbolic link"
NOT_REGULAR = "not a regular file"
TREE_TOO_LARGE = f"module source tree too large (max size is {MAX_ZIP_FILE} bytes)"
LARGER_THAN_DECLARED = "uncompressed size of file is larger than declared size"
SIZE_MISMATCH = "uncompressed size of file does not match its declared size"
CONTENTS_TOO_LARGE = (
    "total uncompressed size of module contents too large "
    f"(max size is {MAX_ZIP_FILE} bytes)"
)


class ProgressCallback(Protocol):
    """Told how many more source bytes were packed (the protocol uploads use)."""

    def __call__(self, bytes_transferred: int, **kwargs: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What :meth:`ModuleFile.lstat` tells: the file's type bits and size."""

    mode: int
    size: int

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileInfo:
        """Build from the result of os.lstat."""
        return cls(mode=st.st_mode, size=st.st_size)

    @property
    def is_dir(self) -> bool:
        """Whether the file is a directory."""
        return stat.S_ISDIR(self.mode)

    @property
    def is_symlink(self) -> bool:
        """Whether the file is a symbolic link."""
        return stat.S_ISLNK(self.mode)

    @property
    def is_regular(self) -> bool:
        """Whether the file is a regular file."""
        return stat.S_ISREG(self.mode)


class ModuleFile(Protocol):
    """A file that may go into a module zip, wherever it comes from."""

    @property
    def path(self) -> str:
        """The clean slash-separated path from the module root."""
        ...

    def lstat(self) -> FileInfo:
        """Tell the file's type and size, not following a symbolic link."""
        ...

    def open(self) -> IO[bytes]:
        """Open a regular file's content for reading."""
        ...


@dataclass(frozen=True, slots=True)
class DirFile:
    """A file found in a folder on disk, with what lstat told when it was listed.

    The path on disk is built again when it is needed rather than kept: a
    module may have tens of thousands of files, and each byte kept per file
    adds up.
    """

    root: str
    path: str
    mode: int
    size: int

    @property
    def source(self) -> str:
        """The file's path on disk."""
        return os.path.join(self.root, *self.path.split("/"))

    def lstat(self) -> FileInfo:
        """Return the information read when the folder was listed."""
        return FileInfo(self.mode, self.size)

    def open(self) -> IO[bytes]:
        """Open the file on disk."""
        return open(self.source, "rb")


@dataclass(frozen=True)
class DataFile:
    """A regular file whose content is held in memory."""

    path: str
    data: bytes

    def lstat(self) -> FileInfo:
        """Return a regular file's information of the data's size."""
        return FileInfo(mode=stat.S_IFREG | 0o644, size=len(self.data))

    def open(self) -> IO[bytes]:
        """Open the data for reading."""
        return io.BytesIO(self.data)


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A file left out of the zip or refused, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ValidFile:
    """A file that goes into the zip.

    Attributes:
        name: its slash-separated path inside the module (after the
            ``<module>@<version>/`` prefix).
        source: where it was found: the path on disk for a folder, the entry
            name for a zip, the same as ``name`` for a list of files.
        size: its size in bytes.
    """

    name: str
    source: str
    size: int


@dataclass
class CheckedFiles:
    """The report of a check: which files are valid, omitted or invalid, and why.

    Attributes:
        valid: the files that belong in the zip, in zip order.
        omitted: files left out on purpose, with the reason.
        invalid: files that make the module unpublishable, with the reason.
        size_error: set when the files, or the zip, are larger than allowed.
        h1: the zip's ``h1:`` hash, when a check read every entry of a zip
            and found no problem.
    """

    valid: list[ValidFile] = field(default_factory=list)
    omitted: list[FileProblem] = field(default_factory=list)
    invalid: list[FileProblem] = field(default_factory=list)
    size_error: str | None = None
    h1: str | None = None

    @property
    def size_total(self) -> int:
        """Return the total size of the valid files, in bytes."""
        return sum(f.size for f in self.valid)

    def error(self) -> ZipError | None:
        """Return the one error that sums up the problems, or None if there are none."""
        if self.size_error is not None:
            return ZipError(self.size_error)
        if self.invalid:
            return ZipError("\n".join(str(p) for p in self.invalid))
        return None

    def raise_for_problems(self) -> None:
        """Raise :meth:`error` if the report describes an invalid module zip."""
        err = self.error()
        if err is not None:
            raise err

    def format(self) -> str:
        """Return the report as text: the valid, omitted and invalid lists."""
        lines = ["valid:", *(f.source for f in self.valid), "", "omitted:"]
        lines += [str(p) for p in self.omitted]
        lines += ["", "invalid:", *(str(p) for p in self.invalid)]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class PackResult:
    """What :func:`pack_dir` wrote.

    Attributes:
        h1: the ``h1:`` hash of the zip, as go.sum records it.
        files: the files packed, in zip order.
        omitted: files and folders left out, with the reason.
        size: the size of the zip file in bytes.
    """

    h1: str
    files: list[ValidFile]
    omitted: list[FileProblem]
    size: int


# ---------------------------------------------------------------------------
# Checking lists of files


def check_files(files: Iterable[ModuleFile]) -> CheckedFiles:
    """Sort files into valid, omitted and invalid by the module zip rules.

    Files are not opened, except a go.mod at the root for its ``go`` line, so
    making the zip may still fail on a read error or a file that grew.
    """
    report, _ = _check_files(list(files))
    return report


def _check_files(
    files: Sequence[ModuleFile],
) -> tuple[CheckedFiles, list[ModuleFile]]:
    report = CheckedFiles()
    valid_files: list[ModuleFile] = []
    seen_problems: set[str] = set()

    def add_problem(path: str, reason: str, *, omitted: bool) -> None:
        # One reason per path: a file listed twice is reported once.
        if path in seen_problems:
            return
        seen_problems.add(path)
        (report.omitted if omitted else report.invalid).append(
            FileProblem(path, reason)
        )

    # Folders holding a go.mod (in any case) are other modules; the root
    # go.mod's go line decides the vendoring rules.
    module_dirs: set[str] = set()
    go_version: tuple[int, int] | None = None
    for f in files:
        head, base = _split(f.path)
        if not _equal_fold(base, "go.mod"):
            continue
        try:
            info = f.lstat()
        except OSError as exc:
            add_problem(f.path, str(exc), omitted=False)
            continue
        if not info.is_regular:
            continue
        module_dirs.add(head)
        if f.path == "go.mod":
            go_version = _go_version_of(f)

    def in_submodule(p: str) -> bool:
        head, _ = _split(p)
        while head:
            if head in module_dirs:
                return True
            head, _ = _split(head[:-1])
        return False

    collisions = _CollisionChecker()
    room = MAX_ZIP_FILE
    for f in files:
        p = f.path
        if p != _clean(p):
            add_problem(p, NOT_CLEAN, omitted=False)
            continue
        if p.startswith("/"):
            add_problem(p, NOT_RELATIVE, omitted=False)
            continue
        if is_vendored_package(p, go_version):
            add_problem(p, VENDORED, omitted=True)
            continue
        if in_submodule(p):
            add_problem(p, SUBMODULE_FILE, omitted=True)
            continue
        if p == ".hg_archival.txt":
            add_problem(p, HG_ARCHIVAL, omitted=True)
            continue
        try:
            module.check_file_path(p)
        except InvalidModuleError as exc:
            add_problem(p, str(exc), omitted=False)
            continue
        if p.lower() == "go.mod" and p != "go.mod":
            add_problem(p, GO_MOD_CASE, omitted=False)
            continue
        try:
            info = f.lstat()
        except OSError as exc:
            add_problem(p, str(exc), omitted=False)
            continue
        try:
            collision = collisions.check(p, is_dir=info.is_dir)
        except _LimitError as exc:
            # Past the budget the checks would cost more than they may.
            report.size_error = str(exc)
            break
        if collision is not None:
            add_problem(p, collision, omitted=False)
            continue
        if info.is_symlink:
            add_problem(p, SYMLINK, omitted=True)
            continue
        if not info.is_regular:
            add_problem(p, NOT_REGULAR, omitted=True)
            continue

        if 0 <= info.size <= room:
            room -= info.size
        elif report.size_error is None:
            report.size_error = TREE_TOO_LARGE
        if p == "go.mod" and info.size > MAX_GO_MOD:
            add_problem(p, GO_MOD_TOO_LARGE, omitted=False)
            continue
        if p == "LICENSE" and info.size > MAX_LICENSE:
            add_problem(p, LICENSE_TOO_LARGE, omitted=False)
            continue
        report.valid.append(ValidFile(name=p, source=p, size=info.size))
        valid_files.append(f)
        if len(valid_files) > MAX_ZIP_FILES and report.size_error is None:
            report.size_error = _too_many_files()

    return report, valid_files


def is_vendored_package(name: str, go_version: tuple[int, int] | None) -> bool:
    """Tell whether a file belongs to a vendored package and so stays out.

    Args:
        name: the file's slash-separated path in the module.
        go_version: (major, minor) of the root go.mod's ``go`` line, if any.
    """
    go124 = go_version is not None and go_version >= (1, 24)
    if go124 and name == "vendor/modules.txt":
        return True
    if name.startswith("vendor/"):
        start = len("vendor/")
    elif (j := name.find("/vendor/")) >= 0:
        # Before go 1.24 Go skipped only len("/vendor/") characters from the
        # start of the path, not from where "/vendor/" is; that reading is
        # kept for older modules so their hashes do not change.
        start = j + len("/vendor/") if go124 else len("/vendor/")
    else:
        return False
    return "/" in name[start:]


def _go_version_of(f: ModuleFile) -> tuple[int, int] | None:
    # A go.mod that cannot be read counts as having no go line, as in Go.
    try:
        with f.open() as stream:
            data = stream.read(MAX_GO_MOD + 1)
    except OSError:
        return None
    return go_line_version(data)


def go_line_version(data: bytes) -> tuple[int, int] | None:
    """Return (major, minor) of a go.mod's ``go`` line, or None.

    None also when Go's lax parse of the go.mod fails (a repeated or
    malformed go line, say): the reference then applies the oldest rules.
    """
    try:
        go = modfile.parse_lax(data).go
    except (ModFileError, InvalidModuleError):
        return None
    # Only the language version counts: 1.24rc1 and 1.24.3 are both 1.24.
    match = None if go is None else _GO_LANG_RE.match(go.version)
    if match is None:
        return None
    return int(match[1]), int(match[2])


# ---------------------------------------------------------------------------
# Checking folders


def check_dir(dir: str | os.PathLike[str]) -> CheckedFiles:
    """Check a module folder: which files would go into its zip, and why not.

    Paths in the report are paths on disk. An omitted folder (another module,
    a version control folder) is listed, not the files in it.

    Raises:
        ZipError: the folder could not be read.
    """
    root = os.fspath(dir)
    files, listing_omitted = _list_dir(root)
    report, _ = _check_files(files)
    return _with_disk_paths(report, listing_omitted, root)


def _with_disk_paths(
    report: CheckedFiles, listing_omitted: list[FileProblem], root: str
) -> CheckedFiles:
    def on_disk(p: str) -> str:
        return os.path.normpath(os.path.join(root, *p.split("/")))

    return CheckedFiles(
        valid=[ValidFile(f.name, on_disk(f.name), f.size) for f in report.valid],
        omitted=[
            FileProblem(on_disk(p.path), p.reason)
            for p in [*report.omitted, *listing_omitted]
        ],
        invalid=[FileProblem(on_disk(p.path), p.reason) for p in report.invalid],
        size_error=report.size_error,
    )


def _list_dir(root: str) -> tuple[list[ModuleFile], list[FileProblem]]:
    """List the files under root as Go's filepath.Walk would, with what it skips."""
    go_version: tuple[int, int] | None = None
    try:
        with open(os.path.join(root, "go.mod"), "rb") as stream:
            go_version = go_line_version(stream.read(MAX_GO_MOD + 1))
    except OSError:
        pass

    files: list[ModuleFile] = []
    omitted: list[FileProblem] = []
    # Files share one int object per distinct mode rather than one each.
    modes: dict[int, int] = {}
    try:
        root_info = os.stat(root)
    except OSError as exc:
        raise ZipError(f"cannot read module folder: {exc}") from exc
    if not stat.S_ISDIR(root_info.st_mode):
        raise ZipError(f"{root} is not a folder")

    # Depth first, each folder's names in byte order, as filepath.Walk goes;
    # a stack rather than recursion, since folders may nest very deep.
    stack = [(root, "", iter(_sorted_names(root)))]
    while stack:
        disk_dir, rel_dir, names = stack[-1]
        name = next(names, None)
        if name is None:
            stack.pop()
            continue
        disk_path = os.path.join(disk_dir, name)
        rel = f"{rel_dir}/{name}" if rel_dir else name
        try:
            st = os.lstat(disk_path)
        except OSError as exc:
            raise ZipError(f"cannot read {disk_path}: {exc}") from exc
        info = FileInfo.from_stat(st)

        # A vendored folder is noted and still walked: Go lists each file too.
        if is_vendored_package(rel, go_version):
            omitted.append(FileProblem(rel, VENDORED))
        elif info.is_dir and name in _VCS_DIRS:
            omitted.append(FileProblem(rel, VCS_DIR))
            continue
        elif info.is_dir and _holds_go_mod(disk_path):
            omitted.append(FileProblem(rel, SUBMODULE_DIR))
            continue
        elif not info.is_dir and not info.is_regular:
            omitted.append(FileProblem(rel, NOT_REGULAR))
        elif not info.is_dir:
            mode = modes.setdefault(st.st_mode, st.st_mode)
            files.append(DirFile(root, rel, mode, st.st_size))
        if info.is_dir:
            stack.append((disk_path, rel, iter(_sorted_names(disk_path))))
    return files, omitted


def _sorted_names(disk_dir: str) -> list[str]:
    try:
        return sorted(os.listdir(disk_dir), key=os.fsencode)
    except OSError as exc:
        raise ZipError(f"cannot read folder {disk_dir}: {exc}") from exc


def _holds_go_mod(disk_dir: str) -> bool:
    try:
        return not stat.S_ISDIR(os.lstat(os.path.join(disk_dir, "go.mod")).st_mode)
    except OSError:
        return False


# ---------------------------------------------------------------------------
# Making zips


def create(
    out: IO[bytes], module_version: ModuleVersion, files: Iterable[ModuleFile]
) -> str:
    """Write the module zip of files to out and return its ``h1:`` hash.

    Files that do not belong in a module zip (other modules, vendored
    packages, symbolic links) are left out.

    Raises:
        ZipError: the module path or version is not valid, a file breaks the
            rules, or a file could not be read or grew while it was read.
    """
    try:
        _check_module_version(module_version)
        report, valid_files = _check_files(list(files))
        report.raise_for_problems()
        return _write_zip(out, _prefix(module_version), valid_files, None)
    except ZipError as exc:
        raise ZipError(f"create zip: {exc}") from exc


def create_from_dir(
    out: IO[bytes], module_version: ModuleVersion, dir: str | os.PathLike[str]
) -> str:
    """Write the module zip of a folder to out and return its ``h1:`` hash.

    Like :func:`create`, and version control folders are left out too.

    Raises:
        ZipError: as for :func:`create`, or the folder could not be read.
    """
    root = os.fspath(dir)
    try:
        _check_module_version(module_version)
        files, _ = _list_dir(root)
        report, valid_files = _check_files(files)
        report.raise_for_problems()
        return _write_zip(out, _prefix(module_version), valid_files, None)
    except ZipError as exc:
        raise ZipError(f"create zip from directory {root}: {exc}") from exc


def pack_dir(
    dir: str | os.PathLike[str],
    module_version: ModuleVersion,
    out_path: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
) -> PackResult:
    """Plan, write and hash the module zip of a folder in one pass over its files.

    Args:
        dir: the module's root folder.
        module_version: the module path and version the zip is for.
        out_path: the zip file to write; it is replaced if it exists, and
            removed again if packing fails.
        on_progress: told, on the calling thread, how many more source bytes
            were packed since it was last called.

    Raises:
        ZipError: the module path or version is not valid, a file breaks the
            rules, or a file could not be read or grew while it was read.
        OSError: out_path could not be written.
    """
    root = os.fspath(dir)
    try:
        _check_module_version(module_version)
        files, listing_omitted = _list_dir(root)
        report, _ = _check_files(files)
        # report.valid tells all that packing needs; the listing's DirFiles
        # would be one more object kept per file to the end.
        del files
        report.raise_for_problems()
    except ZipError as exc:
        raise ZipError(f"create zip from directory {root}: {exc}") from exc

    # A half-written zip must not be mistaken for a finished one later.
    try:
        with open(out_path, "wb") as out:
            to_pack = _listed_files(root, report.valid)
            h1 = _write_zip(out, _prefix(module_version), to_pack, on_progress)
            size = out.tell()
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(out_path)
        if isinstance(exc, ZipError):
            raise ZipError(f"create zip from directory {root}: {exc}") from exc
        raise
    logger.debug("packed %s: %d files, %d bytes, %s", root, len(report.valid), size, h1)
    return PackResult(
        h1=h1,
        files=report.valid,
        omitted=[*report.omitted, *listing_omitted],
        size=size,
    )


def _listed_files(root: str, valid: Iterable[ValidFile]) -> Iterator[ModuleFile]:
    """Make again, one at a time, the DirFiles of files _list_dir listed."""
    # The listing holds regular files only.
    for f in valid:
        yield DirFile(root, f.name, stat.S_IFREG, f.size)


def _write_zip(
    out: IO[bytes],
    prefix: str,
    files: Iterable[ModuleFile],
    on_progress: ProgressCallback | None,
    *,
    level: int = COMPRESS_LEVEL,
    workers: int | None = None,
) -> str:
    """Write files under prefix as a zip to out; return the zip's h1.

    Files are hashed and compressed in batches on worker threads (zlib and
    hashlib let go of the GIL), and written out in order. Only a few batches
    are in flight at once and a big file spills to a temporary file, so
    memory stays bounded whatever the size of the module.
    """
    workers = workers or min(4, os.cpu_count() or 1)
    writer = _ZipWriter(out, prefix)
    # The files' SHA-256 digests, 32 bytes each in zip order: a module may
    # have many files, so nothing bigger is kept per file.
    digests = bytearray()
    progress = _ProgressCounter()
    batches = _batches(files)
    with ThreadPoolExecutor(workers, thread_name_prefix="modzip") as pool:
        pending: deque[Future[list[_PackedFile]]] = deque()
        try:
            while True:
                while (
                    len(pending) < 2 * workers
                    and (batch := next(batches, None)) is not None
                ):
                    pending.append(pool.submit(_pack_batch, batch, level, progress))
                if not pending:
                    break
                for packed in _wait(pending.popleft(), progress, on_progress):
                    writer.add(packed)
                    digests += packed.sha256
        finally:
            for job in pending:
                job.cancel()
            for job in pending:
                if not job.cancelled() and job.exception() is None:
                    for packed in job.result():
                        packed.close()
    writer.close()
    if on_progress is not None and (rest := progress.take()):
        on_progress(bytes_transferred=rest)
    return summary_hash_packed(prefix, writer.paths, digests)


def _batches(files: Iterable[ModuleFile]) -> Iterator[list[ModuleFile]]:
    """Group files in zip order, so that small files share one worker hop."""
    batch: list[ModuleFile] = []
    size = 0
    for f in files:
        batch.append(f)
        size += max(f.lstat().size, 0)
        if size >= _BATCH_BYTES or len(batch) >= _BATCH_FILES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _wait(
    job: Future[list[_PackedFile]],
    progress: _ProgressCounter,
    on_progress: ProgressCallback | None,
) -> list[_PackedFile]:
    """Wait for a batch to be packed, passing on progress from this thread."""
    if on_progress is None:
        return job.result()
    while True:
        try:
            packed = job.result(timeout=0.1)
        except FuturesTimeout:
            if delta := progress.take():
                on_progress(bytes_transferred=delta)
            continue
        if delta := progress.take():
            on_progress(bytes_transferred=delta)
        return packed


class _ProgressCounter:
    """Bytes read by the workers and not yet reported."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def add(self, n: int) -> None:
        """Count n more bytes read."""
        with self._lock:
            self._count += n

    def take(self) -> int:
        """Return the bytes counted since the last call."""
        with self._lock:
            n, self._count = self._count, 0
        return n


@dataclass(frozen=True, slots=True)
class _PackedFile:
    """A file's deflated data (in memory, or spilled), with what headers need."""

    path: str
    data: list[bytes] | IO[bytes]
    crc: int
    size: int
    compressed_size: int
    sha256: bytes

    def chunks(self) -> Iterator[bytes]:
        """Yield the deflated data."""
        if isinstance(self.data, list):
            yield from self.data
            return
        with self.data:
            while chunk := self.data.read(_READ_SIZE):
                yield chunk

    def close(self) -> None:
        """Let go of a spilled file's temporary storage."""
        if not isinstance(self.data, list):
            self.data.close()


class _Spool:
    """Deflated pieces, kept as they are up to _SPOOL_MEMORY, then in a temporary file.

    Unlike SpooledTemporaryFile, which copies into one buffer that grows, this
    takes no buffer bigger than the pieces themselves.
    """

    def __init__(self) -> None:
        self.size = 0
        self._pieces: list[bytes] = []
        self._file: IO[bytes] | None = None

    def write(self, piece: bytes) -> None:
        """Add a piece of deflated data."""
        if not piece:
            return
        self.size += len(piece)
        if self._file is None and self.size > _SPOOL_MEMORY:
            # Closed by whoever takes data() from us, or by close().
            self._file = tempfile.TemporaryFile()  # noqa: SIM115
            self._file.writelines(self._pieces)
            self._pieces = []
        if self._file is None:
            self._pieces.append(piece)
        else:
            self._file.write(piece)

    def data(self) -> list[bytes] | IO[bytes]:
        """Return the pieces, or the temporary file rewound to its start."""
        if self._file is None:
            return self._pieces
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        """Remove the temporary file, if there is one."""
        if self._file is not None:
            self._file.close()


def _pack_batch(
    files: list[ModuleFile], level: int, progress: _ProgressCounter
) -> list[_PackedFile]:
    """Pack a batch of files; on failure, release what was packed so far."""
    packed: list[_PackedFile] = []
    try:
        for f in files:
            packed.append(_pack_file(f, level, progress))
    except BaseException:
        for p in packed:
            p.close()
        raise
    return packed


def _pack_file(f: ModuleFile, level: int, progress: _ProgressCounter) -> _PackedFile:
    """Read a file once: hash it, take its CRC and deflate it."""
    declared = f.lstat().size
    try:
        with f.open() as source:
            if declared <= _READ_SIZE:
                return _pack_small(f.path, source, declared, level, progress)
            return _pack_large(f.path, source, declared, level, progress)
    except OSError as exc:
        raise ZipError(f"cannot read {f.path}: {exc}") from exc


def _pack_small(
    path: str, source: IO[bytes], declared: int, level: int, progress: _ProgressCounter
) -> _PackedFile:
    data = source.read(max(declared, 0) + 1)
    if len(data) > declared:
        raise ZipError(f"file {quote(path)} is larger than declared size")
    deflated = zlib.compress(data, _deflate_level(data, level), -zlib.MAX_WBITS)
    progress.add(len(data))
    return _PackedFile(
        path,
        [deflated],
        zlib.crc32(data),
        len(data),
        len(deflated),
        hashlib.sha256(data).digest(),
    )


def _pack_large(
    path: str, source: IO[bytes], declared: int, level: int, progress: _ProgressCounter
) -> _PackedFile:
    digest = hashlib.sha256()
    crc = 0
    size = 0
    compressor = None
    # The spool's data goes to the caller, who writes it out and closes it.
    spool = _Spool()
    try:
        while chunk := source.read(_READ_SIZE):
            if compressor is None:
                compressor = zlib.compressobj(
                    _deflate_level(chunk, level), zlib.DEFLATED, -zlib.MAX_WBITS
                )
            size += len(chunk)
            if size > declared:
                raise ZipError(f"file {quote(path)} is larger than declared size")
            digest.update(chunk)
            crc = zlib.crc32(chunk, crc)
            spool.write(compressor.compress(chunk))
            progress.add(len(chunk))
        if compressor is None:
            # An empty file still needs its final (empty) deflate block.
            compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        spool.write(compressor.flush())
    except BaseException:
        spool.close()
        raise
    return _PackedFile(path, spool.data(), crc, size, spool.size, digest.digest())


def _deflate_level(head: bytes, level: int) -> int:
    """Return level for data that starts with head, or 0 if it looks random.

    Level 0 still writes a deflate stream (in stored blocks), so the entry
    keeps the Deflate method and Go's layout; only the zip's bytes change,
    never the h1, which hashes the files' contents.
    """
    if head[:_PROBE_ASCII].isascii():
        return level
    probe = head[:_PROBE_DEFLATE]
    deflated = len(zlib.compress(probe, 1, -zlib.MAX_WBITS))
    return 0 if deflated >= _INCOMPRESSIBLE * len(probe) else level


_LOCAL_SIG = 0x04034B50
_CENTRAL_SIG = 0x02014B50
_DESCRIPTOR_SIG = 0x08074B50
_END_SIG = 0x06054B50
_END64_SIG = 0x06064B50
_END64_LOCATOR_SIG = 0x07064B50
_FLAG_DESCRIPTOR = 0x8
_FLAG_UTF8 = 0x800
_VERSION_20 = 20
_VERSION_45 = 45
_UINT16_MAX = 0xFFFF
_UINT32_MAX = 0xFFFFFFFF
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_DESCRIPTOR = struct.Struct("<IIII")
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")


class _ZipWriter:
    """Writes zip entries the way Go's archive/zip lays them out.

    Each entry is a local header without sizes, the deflated data, then a
    data descriptor with CRC and sizes; DOS time and date are zero and no
    attributes are set, as for Go's zip.Writer.Create.
    """

    def __init__(self, out: IO[bytes], prefix: str) -> None:
        self._out = out
        self._prefix = prefix
        self._offset = 0
        # What the central directory needs, per entry: its path after the
        # prefix, and its CRC, sizes and offset, four to an entry in a flat
        # array of 32-bit numbers rather than a record object each.
        self.paths: list[str] = []
        self._numbers = array.array("I")

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._offset += len(data)

    def add(self, packed: _PackedFile) -> None:
        """Write one entry, its deflated data taken from packed."""
        raw, flags = self._name(packed.path)
        if max(packed.size, packed.compressed_size, self._offset) >= _UINT32_MAX:
            # Cannot happen within the 500 MiB limit; refuse rather than
            # write a zip64 entry nobody tested.
            raise ZipError(f"zip entry {self._prefix}{packed.path} is too large")
        offset = self._offset
        self._write(
            _LOCAL_HEADER.pack(
                _LOCAL_SIG,
                _VERSION_20,
                flags,
                _DEFLATE,
                0,
                0,
                0,
                0,
                0,
                len(raw),
                0,
            )
            + raw
        )
        for chunk in packed.chunks():
            self._write(chunk)
        self._write(
            _DESCRIPTOR.pack(
                _DESCRIPTOR_SIG, packed.crc, packed.compressed_size, packed.size
            )
        )
        self.paths.append(packed.path)
        self._numbers.extend((packed.crc, packed.compressed_size, packed.size, offset))

    def _name(self, path: str) -> tuple[bytes, int]:
        """Return an entry's name as bytes, and its general purpose flags."""
        name = self._prefix + path
        flags = _FLAG_DESCRIPTOR | (_FLAG_UTF8 if _needs_utf8_flag(name) else 0)
        return name.encode("utf-8", "surrogateescape"), flags

    def _write_central_directory(self) -> None:
        for i, path in enumerate(self.paths):
            raw, flags = self._name(path)
            crc, compressed_size, size, offset = self._numbers[4 * i : 4 * i + 4]
            self._write(
                _CENTRAL_HEADER.pack(
                    _CENTRAL_SIG,
                    _VERSION_20,
                    _VERSION_20,
                    flags,
                    _DEFLATE,
                    0,
                    0,
                    crc,
                    compressed_size,
                    size,
                    len(raw),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + raw
            )

    def close(self) -> None:
        """Write the central directory and the end records."""
        start = self._offset
        self._write_central_directory()
        size = self._offset - start
        count = len(self.paths)
        if count >= _UINT16_MAX or start >= _UINT32_MAX or size >= _UINT32_MAX:
            # Like Go, switch to zip64 end records only when the numbers do
            # not fit the classic ones (a module of 65535 files or more).
            end64 = self._offset
            self._write(
                struct.pack(
                    "<IQHHIIQQQQ",
                    _END64_SIG,
                    44,
                    _VERSION_45,
                    _VERSION_45,
                    0,
                    0,
                    count,
                    count,
                    size,
                    start,
                )
            )
            self._write(struct.pack("<IIQI", _END64_LOCATOR_SIG, 0, end64, 1))
            count = min(count, _UINT16_MAX)
            size = min(size, _UINT32_MAX)
            start = min(start, _UINT32_MAX)
        self._write(
            struct.pack("<IHHHHIIH", _END_SIG, 0, 0, count, count, size, start, 0)
        )


# The ASCII subset that most code pages share: no controls, '\\', '~' or DEL.
_CODE_PAGE_SAFE = re.compile(r"[\x20-\x5b\x5d-\x7d]*")


def _needs_utf8_flag(name: str) -> bool:
    """Tell whether Go would mark a name as UTF-8 in a zip header."""
    # archive/zip's detectUTF8: the flag is set when a name is valid UTF-8
    # and has a character outside the code-page-safe subset.
    if _CODE_PAGE_SAFE.fullmatch(name):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------------------
# Checking and extracting zips


def check_zip(
    module_version: ModuleVersion,
    zip_path: str | os.PathLike[str],
    *,
    read_contents: bool = True,
) -> CheckedFiles:
    """Check a module zip: its size, its entry names and, by default, its bytes.

    With read_contents, every entry is decompressed (nothing is written) to
    count its real bytes against the declared size and the limits and to
    check its CRC; the report then carries the zip's ``h1:`` when all is well.

    Raises:
        ZipError: the module path or version is not valid, or the file is not
            a zip that can be read.
    """
    _check_module_version(module_version)
    where = os.fspath(zip_path)
    try:
        with open(where, "rb") as fp:
            report, _ = _check_open_zip(module_version, fp, read_contents)
    except _NotAZipError as exc:
        raise ZipError(f"{where}: {exc}") from exc
    except OSError as exc:
        raise ZipError(f"cannot read {where}: {exc}") from exc
    return report


def unzip(
    dir: str | os.PathLike[str],
    module_version: ModuleVersion,
    zip_path: str | os.PathLike[str],
) -> CheckedFiles:
    """Extract a module zip into dir, after checking all of it.

    Every rule, and every entry's real bytes, are checked before anything is
    written. dir is created if needed and must be empty.

    Raises:
        ZipError: the zip breaks a rule or cannot be read, or dir is not empty
            or cannot be written.
    """
    target = os.fspath(dir)
    where = os.fspath(zip_path)
    try:
        if os.path.isdir(target) and os.listdir(target):
            raise ZipError(f"target directory {target} exists and is not empty")
        _check_module_version(module_version)
        # Checked and extracted through one open file, as in Go, so that a
        # zip replaced on disk meanwhile is not extracted unchecked.
        with open(where, "rb") as fp:
            report, entries = _check_open_zip(module_version, fp, True)
            report.raise_for_problems()
            _extract(target, _prefix(module_version), fp, entries)
    except (ZipError, _NotAZipError, OSError) as exc:
        raise ZipError(f"unzip {where}: {exc}") from exc
    return report


def read_zip_file(
    module_version: ModuleVersion,
    zip_path: str | os.PathLike[str],
    name: str,
    *,
    limit: int = MAX_GO_MOD,
) -> bytes | None:
    """Return one file of a module zip that check_zip passed, or None if absent.

    Args:
        name: the file's path inside the module, e.g. "go.mod".
        limit: the most bytes to return; a bigger file is an error.

    Raises:
        ZipError: the zip or the file cannot be read, or the file is too large.
    """
    _check_module_version(module_version)
    where = os.fspath(zip_path)
    wanted = _prefix(module_version) + name
    try:
        with open(where, "rb") as fp:
            size = os.fstat(fp.fileno()).st_size
            directory = _read_directory(fp, size, _prefix(module_version))
            entry = next((e for e in directory.entries if e.name == wanted), None)
            if entry is None:
                return None
            data = bytearray()
            for chunk in _entry_chunks(fp, entry):
                data += chunk
                if len(data) > entry.size:
                    raise ZipError(f"{where}: {quote(wanted)}: {LARGER_THAN_DECLARED}")
                if len(data) > limit:
                    raise ZipError(f"{where}: {quote(wanted)}: more than {limit} bytes")
            return bytes(data)
    except (_NotAZipError, _LimitError, _ShortEntryError) as exc:
        raise ZipError(f"{where}: {quote(wanted)}: {exc}") from exc
    except OSError as exc:
        raise ZipError(f"cannot read {where}: {exc}") from exc


def _check_open_zip(
    module_version: ModuleVersion, fp: IO[bytes], read_contents: bool
) -> tuple[CheckedFiles, list[_Entry]]:
    """Check an open zip; return the report and the zip's entries.

    Raises:
        _NotAZipError: Go's archive/zip would not read the zip.
        OSError: the file could not be read.
    """
    size = os.fstat(fp.fileno()).st_size
    if size > MAX_ZIP_FILE:
        return CheckedFiles(size_error=_zip_too_large(size)), []
    prefix = _prefix(module_version)
    try:
        directory = _read_directory(fp, size, prefix)
    except _LimitError as exc:
        return CheckedFiles(size_error=str(exc)), []
    report = _check_zip_entries(prefix, directory.entries)
    if read_contents and report.error() is None:
        _read_contents(fp, directory, report)
    return report, directory.entries


def _zip_too_large(size: int) -> str:
    return f"module zip file is too large ({size} bytes; limit is {MAX_ZIP_FILE} bytes)"


def _check_zip_entries(prefix: str, entries: list[_Entry]) -> CheckedFiles:
    """Check entry names and declared sizes, without reading any content."""
    report = CheckedFiles()
    collisions = _CollisionChecker()
    total = 0
    for entry in entries:
        full = entry.name

        def refuse(reason: str, full: str = full) -> None:
            report.invalid.append(FileProblem(full, reason))

        if not full.startswith(prefix):
            refuse(f"path does not have prefix {quote(prefix)}")
            continue
        name = full[len(prefix) :]
        if not name:
            continue
        is_dir = name.endswith("/")
        if is_dir:
            name = name[:-1]
        if _clean(name) != name:
            refuse(NOT_CLEAN)
            continue
        try:
            module.check_file_path(name)
        except InvalidModuleError as exc:
            refuse(str(exc))
            continue
        try:
            collision = collisions.check(name, is_dir=is_dir)
        except _LimitError as exc:
            # Past the budget the checks would cost more than they may.
            report.size_error = str(exc)
            return report
        if collision is not None:
            refuse(collision)
            continue
        if is_dir:
            continue
        _, base = _split(name)
        if _equal_fold(base, "go.mod"):
            if base != name:
                refuse(GO_MOD_NOT_ROOT)
                continue
            if name != "go.mod":
                refuse(GO_MOD_CASE)
                continue
        size = entry.size
        if 0 <= size <= MAX_ZIP_FILE - total:
            total += size
        elif report.size_error is None:
            report.size_error = CONTENTS_TOO_LARGE
        if name == "go.mod" and size > MAX_GO_MOD:
            refuse(GO_MOD_TOO_LARGE)
            continue
        if name == "LICENSE" and size > MAX_LICENSE:
            refuse(LICENSE_TOO_LARGE)
            continue
        report.valid.append(ValidFile(name=name, source=full, size=size))
    return report


def _read_contents(fp: IO[bytes], directory: _Directory, report: CheckedFiles) -> None:
    """Decompress every entry, counting real bytes; record problems and the h1.

    Raises:
        _NotAZipError: an entry cannot be read, or not as Go would read it.
        OSError: the file could not be read.
    """
    _check_layout(fp, directory)

    # Per entry, only its name and its 32-byte digest are kept for the h1.
    names: list[str] = []
    digests = bytearray()
    total = 0
    for entry in directory.entries:
        # Directory entries are not counted by the name checks, so the limit
        # on the whole also bounds the work spent on them here.
        limit = min(entry.size, MAX_ZIP_FILE - total)
        digest = hashlib.sha256()
        real = 0
        try:
            for chunk in _entry_chunks(fp, entry):
                real += len(chunk)
                if real > limit:
                    if limit < entry.size:
                        report.size_error = CONTENTS_TOO_LARGE
                    else:
                        report.invalid.append(
                            FileProblem(entry.name, LARGER_THAN_DECLARED)
                        )
                    return
                digest.update(chunk)
        except _ShortEntryError as exc:
            report.invalid.append(
                FileProblem(entry.name, f"{SIZE_MISMATCH} ({exc.real} bytes read)")
            )
            return
        total += real
        names.append(entry.name)
        digests += digest.digest()
    report.h1 = summary_hash_packed("", names, digests)


def _extract(target: str, prefix: str, fp: IO[bytes], entries: list[_Entry]) -> None:
    """Write the files of a checked zip under target, still counting bytes."""
    os.makedirs(target, exist_ok=True)
    for entry in entries:
        name = entry.name[len(prefix) :]
        if not name or name.endswith("/"):
            continue
        dst = os.path.join(target, *name.split("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        written = 0
        with os.fdopen(fd, "wb") as sink:
            # The entries were read and found sound already; counting again
            # guards against the file changing under us since then.
            try:
                for chunk in _entry_chunks(fp, entry):
                    written += len(chunk)
                    if written > entry.size:
                        raise ZipError(
                            f"uncompressed size of file {entry.name} is larger "
                            f"than declared size ({entry.size} bytes)"
                        )
                    sink.write(chunk)
            except _ShortEntryError as exc:
                raise ZipError(
                    f"{entry.name}: {SIZE_MISMATCH} ({exc.real} bytes read)"
                ) from exc


# ---------------------------------------------------------------------------
# Reading zips as Go's archive/zip reads them
#
# Python's zipfile forgives what Go's reader refuses (an end record counting
# more entries than the central directory holds, a header cut short), and a
# zip the go command cannot read must not be published. So the zip is read
# here step by step as archive/zip reads it, in Go's order and with Go's
# tolerances, and refused where Go would fail.

_STORE = 0
_DEFLATE = 8
_FLAG_ENCRYPTED = 0x1
_ZIP64_EXTRA = 0x0001
_END = struct.Struct("<IHHHHIIH")
_END64_LOCATOR = struct.Struct("<IIQI")
_END64 = struct.Struct("<IQHHIIQQQQ")
_END_SIGNATURE = struct.pack("<I", _END_SIG)
_DESCRIPTOR_SIGNATURE = struct.pack("<I", _DESCRIPTOR_SIG)
# Go looks for the end record in the last 1 KiB, then in the last 65 KiB.
_END_SEARCH = (1 << 10, 65 << 10)
_INT64_LIMIT = 1 << 63

NOT_A_ZIP = "zip: not a valid zip file"
"""Go's archive/zip's words for a file it cannot read as a zip."""
_UNEXPECTED_EOF = "unexpected EOF"
_CHECKSUM = "zip: checksum error"
_ALGORITHM = "zip: unsupported compression algorithm"


class _NotAZipError(Exception):
    """The file is not a zip as Go's archive/zip reads it; the message says why."""

    def __init__(self, reason: str, go_error: str = NOT_A_ZIP) -> None:
        super().__init__(f"{go_error} ({reason})")


class _LimitError(Exception):
    """A zip, or a module, is larger than a limit allows; the message says which."""


class _ShortEntryError(Exception):
    """An entry's data ended before its declared size."""

    def __init__(self, real: int) -> None:
        super().__init__(real)
        self.real = real


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the central directory tells of one entry.

    Attributes:
        name: the raw name, decoded as UTF-8 with surrogateescape (Go takes
            the bytes as they are, whatever the UTF-8 flag says).
        offset: where its local header is in the file.
    """

    name: str
    flags: int
    method: int
    crc: int
    compressed_size: int
    size: int
    offset: int


@dataclass(frozen=True, slots=True)
class _Directory:
    """A zip's entries, and where its central directory starts."""

    entries: list[_Entry]
    start: int


@dataclass(frozen=True, slots=True)
class _Stop:
    """Why the walk over central directory headers stopped.

    Attributes:
        fatal: Go fails whatever the count: a read ended right at a
            boundary, which Go's io.ReadFull reports as a plain EOF.
    """

    reason: str
    go_error: str = NOT_A_ZIP
    fatal: bool = False


def _read_directory(fp: IO[bytes], size: int, prefix: str) -> _Directory:
    """List a zip's entries as Go's zip.NewReader does.

    Raises:
        _NotAZipError: NewReader would fail.
        _LimitError: the zip has more than MAX_ZIP_FILES entries, or entry
            names over MAX_PATH_TOTAL all together.
    """
    count, base, start = _read_end(fp, size)
    # Refused before a header is read: memory grows with the entries kept.
    if count > MAX_ZIP_FILES:
        raise _LimitError(_too_many_entries(count))

    # Like Go, read headers one after another until one is cut short or is
    # not a header, then compare how many were read with the end record's
    # count. Go compares only the low 16 bits: the classic end record holds
    # no more, and Go does not insist on a zip64 one.
    fp.seek(start)
    entries: list[_Entry] = []
    names = 0
    while not isinstance(read := _read_central_header(fp, base), _Stop):
        entries.append(read)
        if len(entries) > MAX_ZIP_FILES:
            raise _LimitError(_too_many_entries(len(entries)))
        name = read.name
        names += _path_cost(name.removeprefix(prefix))
        if names > MAX_PATH_TOTAL:
            raise _LimitError(_paths_too_long())
    if read.fatal:
        raise _NotAZipError(read.reason, read.go_error)
    if len(entries) % (1 << 16) != count % (1 << 16):
        raise _NotAZipError(
            f"the end record counts {count} entries but the central directory "
            f"has {len(entries)}, then {read.reason}",
            read.go_error,
        )
    return _Directory(entries, start)


def _too_many_entries(count: int) -> str:
    return f"module zip has too many entries ({count}; limit is {MAX_ZIP_FILES})"


def _too_many_files() -> str:
    return f"module has too many files (limit is {MAX_ZIP_FILES})"


def _paths_too_long() -> str:
    return (
        "file paths too long or too many, or directories too many or too deep: "
        f"the paths of a module's files and directories may take {MAX_PATH_TOTAL} "
        f"bytes, each path counting {PATH_OVERHEAD} plus its length (4 times its "
        "length if not all ASCII)"
    )


def _read_end(fp: IO[bytes], size: int) -> tuple[int, int, int]:
    """Read the end records as Go's readDirectoryEnd does.

    Returns:
        (count, base, start): the entries the end record counts; what to add
        to the offsets the zip records (non-zero when something was put in
        front of the zip); where the central directory starts in the file.
    """
    for limit in _END_SEARCH:
        block = min(limit, size)
        fp.seek(size - block)
        buf = fp.read(block)
        at = _find_end_record(buf)
        if at >= 0:
            break
        if block == size or limit == _END_SEARCH[-1]:
            raise _NotAZipError("no end of central directory record")
    end = size - block + at
    _, _, _, _, count, dir_size, dir_offset, _ = _END.unpack_from(buf, at)

    # These values say the numbers are in a zip64 end record, if there is one.
    if count == _UINT16_MAX or _UINT32_MAX in (dir_size, dir_offset):
        end64 = _find_end64(fp, end)
        if end64 >= 0:
            end = end64
            count, dir_size, dir_offset = _read_end64(fp, end64)
    if dir_size >= _INT64_LIMIT or dir_offset >= _INT64_LIMIT:
        raise _NotAZipError("central directory size or offset out of range")

    base = end - dir_size - dir_offset
    if not 0 <= base + dir_offset < size:
        raise _NotAZipError("central directory outside the file")
    # Go trusts the recorded offset over the computed base when a header is
    # found there: some writers record the wrong sizes.
    if base > 0:
        fp.seek(dir_offset)
        if not isinstance(_read_central_header(fp, 0), _Stop):
            base = 0
    return count, base, base + dir_offset


def _find_end_record(buf: bytes) -> int:
    """Return where the last end record in buf starts, or -1 (Go's rules)."""
    if len(buf) < _END.size:
        return -1
    at = buf.rfind(_END_SIGNATURE, 0, len(buf) - _END.size + len(_END_SIGNATURE))
    if at < 0:
        return -1
    (comment_len,) = struct.unpack_from("<H", buf, at + _END.size - 2)
    # A comment running past the end of the file: Go gives up on the zip.
    if at + _END.size + comment_len > len(buf):
        return -1
    return at


def _find_end64(fp: IO[bytes], end: int) -> int:
    """Return where the zip64 end record is, from its locator before end, or -1."""
    at = end - _END64_LOCATOR.size
    if at < 0:
        return -1
    fp.seek(at)
    signature, disk, offset, disks = _END64_LOCATOR.unpack(fp.read(_END64_LOCATOR.size))
    if signature != _END64_LOCATOR_SIG or disk != 0 or disks != 1:
        return -1
    # An offset past int64 turns negative in Go, which then ignores it too.
    return offset if offset < _INT64_LIMIT else -1


def _read_end64(fp: IO[bytes], at: int) -> tuple[int, int, int]:
    """Return (count, directory size, directory offset) of the zip64 end record."""
    fp.seek(at)
    raw = fp.read(_END64.size)
    if len(raw) < _END64.size:
        raise _NotAZipError("zip64 end record cut short", "EOF")
    signature, *_, count, dir_size, dir_offset = _END64.unpack(raw)
    if signature != _END64_SIG:
        raise _NotAZipError("no zip64 end record where its locator points")
    return count, dir_size, dir_offset


def _read_central_header(fp: IO[bytes], base: int) -> _Entry | _Stop:
    """Read the next central directory header as Go's readDirectoryHeader does."""
    raw = fp.read(_CENTRAL_HEADER.size)
    if not raw:
        return _Stop("the file ends where a header should start", "EOF", True)
    if len(raw) < _CENTRAL_HEADER.size:
        return _Stop("a header cut short", _UNEXPECTED_EOF)
    fields = _CENTRAL_HEADER.unpack(raw)
    if fields[0] != _CENTRAL_SIG:
        return _Stop("no header signature")
    flags, method, crc, compressed_size, size = fields[3], fields[4], *fields[7:10]
    name_len, extra_len, comment_len, offset = *fields[10:13], fields[16]
    rest_len = name_len + extra_len + comment_len
    rest = fp.read(rest_len)
    if len(rest) < rest_len:
        if not rest:
            return _Stop("the file ends before a header's name", "EOF", True)
        return _Stop("a header's name, extra or comment cut short", _UNEXPECTED_EOF)

    numbers = [size, compressed_size, offset]
    if not _read_zip64_extra(rest[name_len : name_len + extra_len], numbers):
        return _Stop("a zip64 extra field too short")
    size, compressed_size, offset = numbers
    # Go keeps offsets in an int64, where one past its range turns negative.
    if offset >= _INT64_LIMIT:
        offset -= 1 << 64
    name = rest[:name_len].decode("utf-8", "surrogateescape")
    return _Entry(name, flags, method, crc, compressed_size, size, offset + base)


def _read_zip64_extra(extra: bytes, numbers: list[int]) -> bool:
    """Take from zip64 extra fields the numbers too big for their 32 bits.

    Args:
        extra: a central header's extra fields.
        numbers: the header's size, compressed size and offset, replaced in
            place where they are 0xFFFFFFFF.

    Returns:
        False if a zip64 field is too short for them, which Go refuses.
    """
    # The numbers come in that order, only those too big; like Go, every
    # field with the zip64 tag is read, and a field cut short ends the list.
    too_big = [i for i, n in enumerate(numbers) if n == _UINT32_MAX]
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, at)
        field = extra[at + 4 : at + 4 + length]
        if len(field) < length:
            break
        at += 4 + length
        if tag != _ZIP64_EXTRA:
            continue
        values = struct.unpack_from(f"<{length // 8}Q", field)
        if len(values) < len(too_big):
            return False
        for i, value in zip(too_big, values, strict=False):
            numbers[i] = value
    return True


def _check_layout(fp: IO[bytes], directory: _Directory) -> None:
    """Refuse entries whose data overlap, or a local header that is missing.

    Raises:
        _NotAZipError: what Go's File.Open would say of a missing header, or
            that entries overlap (beyond the reference).
    """
    # Entries sharing bytes are how small zips expand to huge sizes; a real
    # module zip never needs them.
    spans: list[tuple[int, int, str]] = []
    for entry in directory.entries:
        body = _body_offset(fp, entry)
        spans.append((entry.offset, body + entry.compressed_size, entry.name))
    spans.sort()
    for (_, end, name), (next_start, _, _) in itertools.pairwise(spans):
        if end > next_start:
            raise _NotAZipError(f"{quote(name)}: entry overlaps the next one")
    if spans and spans[-1][1] > directory.start:
        raise _NotAZipError(
            f"{quote(spans[-1][2])}: entry overlaps the central directory"
        )


def _body_offset(fp: IO[bytes], entry: _Entry) -> int:
    """Return where an entry's data starts, reading its local header as Go does."""
    if entry.offset < 0:
        raise _NotAZipError(f"{quote(entry.name)}: local header at a negative offset")
    fp.seek(entry.offset)
    raw = fp.read(_LOCAL_HEADER.size)
    if len(raw) < _LOCAL_HEADER.size:
        raise _NotAZipError(f"{quote(entry.name)}: local header cut short", "EOF")
    fields = _LOCAL_HEADER.unpack(raw)
    if fields[0] != _LOCAL_SIG:
        raise _NotAZipError(f"{quote(entry.name)}: no local header signature")
    name_len, extra_len = int(fields[9]), int(fields[10])
    return entry.offset + _LOCAL_HEADER.size + name_len + extra_len


def _entry_chunks(fp: IO[bytes], entry: _Entry) -> Iterator[bytes]:
    """Yield an entry's uncompressed bytes, checked as Go's File.Open checks them.

    The caller must stop reading once it has more than the declared size:
    only then does a zip bomb cost no more than its declared sizes.

    Raises:
        _ShortEntryError: the data ended before the declared size.
        _NotAZipError: the entry cannot be read, or its CRC is wrong.
    """
    label = quote(entry.name)
    if entry.flags & _FLAG_ENCRYPTED:
        raise _NotAZipError(f"{label}: entry is encrypted")
    if entry.method not in (_STORE, _DEFLATE):
        raise _NotAZipError(f"{label}: method {entry.method}", _ALGORITHM)
    body = _body_offset(fp, entry)
    if entry.name.endswith("/"):
        # Go reads a directory entry as empty, and refuses one that says
        # it has data.
        if entry.size != 0:
            raise _NotAZipError(f"{label}: directory entry with data")
        return

    compressed = _section(fp, body, entry.compressed_size)
    data = compressed if entry.method == _STORE else _inflate(compressed, label)
    crc = 0
    real = 0
    for chunk in data:
        real += len(chunk)
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if real != entry.size:
        raise _ShortEntryError(real)

    if entry.flags & _FLAG_DESCRIPTOR:
        _check_descriptor(fp, body + entry.compressed_size, entry, label)
    elif entry.crc == 0:
        # Go skips the comparison when no CRC seems to have been set.
        return
    if crc != entry.crc:
        raise _NotAZipError(label, _CHECKSUM)


def _section(fp: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    """Yield the bytes from start, up to length or the end of the file."""
    fp.seek(start)
    while length > 0 and (chunk := fp.read(min(length, _READ_SIZE))):
        length -= len(chunk)
        yield chunk


def _inflate(compressed: Iterator[bytes], label: str) -> Iterator[bytes]:
    """Inflate raw deflate data, at most _READ_SIZE bytes at a time."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for chunk in compressed:
            pending = chunk
            while True:
                out = inflater.decompress(pending, _READ_SIZE)
                if out:
                    yield out
                pending = inflater.unconsumed_tail
                # A full buffer may leave output inside zlib, input or not.
                if inflater.eof or (not pending and len(out) < _READ_SIZE):
                    break
            if inflater.eof:
                # Go's inflater stops at the final block; bytes after it
                # within the compressed size are never read.
                return
    except zlib.error as exc:
        raise _NotAZipError(f"{label}: {exc}") from exc
    raise _NotAZipError(f"{label}: compressed data cut short", _UNEXPECTED_EOF)


def _check_descriptor(fp: IO[bytes], at: int, entry: _Entry, label: str) -> None:
    """Check the CRC of the data descriptor after an entry's data, as Go does."""
    fp.seek(at)
    raw = fp.read(_DESCRIPTOR.size)
    # The descriptor's signature is optional; its CRC follows either way.
    if raw[:4] == _DESCRIPTOR_SIGNATURE:
        raw = raw[4:]
    if len(raw) < 8 + 4:
        # Go reads the CRC and two 32-bit sizes, then ignores the sizes.
        raise _NotAZipError(f"{label}: data descriptor cut short", _UNEXPECTED_EOF)
    (crc,) = struct.unpack_from("<I", raw)
    if crc != entry.crc:
        raise _NotAZipError(f"{label}: data descriptor", _CHECKSUM)


# ---------------------------------------------------------------------------
# Helpers


def _check_module_version(mv: ModuleVersion) -> None:
    """Check the version is canonical and belongs with the path; raise ZipError."""
    canonical = module.canonical_version(mv.version)
    if canonical != mv.version:
        raise ZipError(
            f"version {quote(mv.version)} is not canonical "
            f"(should be {quote(canonical)})"
        )
    try:
        module.check(mv.path, mv.version)
    except InvalidModuleError as exc:
        raise ZipError(str(exc)) from exc


def _prefix(mv: ModuleVersion) -> str:
    return f"{mv.path}@{mv.version}/"


def _split(p: str) -> tuple[str, str]:
    """Split a slash path after its last slash, as Go's path.Split does."""
    i = p.rfind("/")
    return p[: i + 1], p[i + 1 :]


def _clean(p: str) -> str:
    """Clean a slash path as Go's path.Clean does."""
    if not p:
        return "."
    cleaned = posixpath.normpath(p)
    # normpath keeps a leading "//", Go's Clean does not.
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def _str_to_fold(s: str) -> str:
    """Map s so that two strings are equal under Go's EqualFold iff they map equal.

    Each character maps to one character, so folding a path and cutting it
    gives what cutting it first and folding would.
    """
    if s.isascii():
        # s itself when already folded, so that callers keeping both keep one.
        lower = s.lower()
        return s if lower == s else lower
    return s.translate(_unicode.FOLD)


def _path_cost(p: str) -> int:
    """Return what keeping p counts towards MAX_PATH_TOTAL."""
    # Python keeps a str at 1, 2 or 4 bytes a character; isascii is free.
    return PATH_OVERHEAD + (len(p) if p.isascii() else 4 * len(p))


def _equal_fold(a: str, b: str) -> bool:
    return _str_to_fold(a) == _str_to_fold(b)


class _CollisionChecker:
    """Finds paths equal under case folding, and paths both file and directory.

    Checks as x/mod's collisionChecker does, with the same outcomes, in time
    and memory bounded by the paths it records: each new file and directory
    costs _path_cost of it, at most MAX_PATH_TOTAL in all.
    """

    def __init__(self) -> None:
        # Each path seen, by its folded form; the folded forms of directories.
        self._seen: dict[str, str] = {}
        self._dirs: set[str] = set()
        # What checking a directory and its parents gave: None, or the
        # reason it failed. A record never changes once made, so checking the
        # same directory again always gives the same. Keeping the failures
        # too means the files below a collision each report it, as in Go,
        # without walking their parents again.
        self._outcomes: dict[str, str | None] = {}
        self._cost = 0

    def check(self, p: str, *, is_dir: bool) -> str | None:
        """Record p; return the reason it collides with an earlier path, if any.

        Raises:
            _LimitError: the paths recorded are over MAX_PATH_TOTAL.
        """
        fold = _str_to_fold(p)
        walked: list[str] = []
        outcome: str | None = None
        path, path_fold = p, fold
        while True:
            if is_dir and path in self._outcomes:
                outcome = self._outcomes[path]
                break
            if is_dir:
                walked.append(path)
            outcome = self._record(path, path_fold, is_dir)
            if outcome is not None:
                break
            # A parent is a prefix, p being clean (Go's path.Dir).
            cut = path.rfind("/")
            if cut < 0:
                break
            path = p[:cut]
            path_fold = path if fold is p else fold[:cut]
            is_dir = True
        for d in walked:
            self._outcomes[d] = outcome
        return outcome

    def _record(self, p: str, fold: str, is_dir: bool) -> str | None:
        other = self._seen.get(fold)
        if other is None:
            self._cost += _path_cost(p)
            if self._cost > MAX_PATH_TOTAL:
                raise _LimitError(_paths_too_long())
            self._seen[fold] = p
            if is_dir:
                self._dirs.add(fold)
            return None
        if p != other:
            return (
                f"case-insensitive file name collision: {quote(other)} and {quote(p)}"
            )
        if is_dir != (fold in self._dirs):
            return f"entry {quote(p)} is both a file and a directory"
        if not is_dir:
            return f"multiple entries for file {quote(p)}"
        # A directory seen again is fine: every file records its parents.
        return None
