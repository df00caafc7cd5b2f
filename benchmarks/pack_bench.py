"""Pack modules with gomodpub and with Go's x/mod/zip, and print both side by side.

    uv run python benchmarks/pack_bench.py [--files N] [--size-mb M] [--reps R]
                                           [--keep] [--profile]

The modules are a real one (github.com/google/uuid v1.3.0, from Debian's
golang-github-google-uuid-dev) and a synthetic one generated from a fixed seed:
Go-like source that compresses about as real Go does, incompressible binary
test data, nested folders and a go.mod at the root. The synthetic module is
packed at full size, at a quarter of its files and bytes, and at a quarter of
its files with all its bytes, so that the memory figures tell growth with the
bytes packed from growth with the number of files.

Every pack runs in a fresh child process: ours is ``pack_dir`` (through
pack_child.py), the reference is ``gozipref`` built from the x/mod in a Go
toolchain by ../shared/tools/gozipref/build.sh. The two alternate for a few
repetitions; wall time is the median, peak memory the largest resident set
seen. Both must give the same h1 in every run, or the benchmark fails.

The reference binary is cached in benchmarks/out/, and the generated modules
and zips go to benchmarks/out/scratch/, removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
SCRATCH = OUT / "scratch"
SHARED = ROOT.parent / "shared"
BUILD_SCRIPT = SHARED / "tools" / "gozipref" / "build.sh"
PROJECT_GO = ROOT / ".venv" / "bin" / "go"
CHILD = BENCH / "pack_child.py"
MODZIP = ROOT / "core" / "modzip.py"
TIME = Path("/usr/bin/time")

UUID_DIR = Path("/usr/share/gocode/src/github.com/google/uuid")
UUID_MODULE = ("github.com/google/uuid", "v1.3.0")
SYNTHETIC_MODULE = ("example.com/packbench", "v1.0.0")

MIB = 1 << 20
MAX_MODULE_MIB = 500  # x/mod/zip refuses modules larger than 500 MiB
SEED = 20240229
GENERATOR_VERSION = 1  # bump when the generated content changes

# Goals from benchmarks/README.md.
PEAK_RSS_GOAL = 100_000_000  # 100 MB, about 95.4 MiB
GROWTH_TOLERANCE = 5 * MIB

BUSY_PRESSURE = 20.0  # % of time tasks waited for a CPU, beyond which we warn


class BenchError(Exception):
    """The benchmark cannot go on; the message says what went wrong."""


@dataclass(frozen=True)
class Module:
    """A module folder to pack, under a short name for the table."""

    name: str
    folder: Path
    path: str
    version: str


# ---------------------------------------------------------------------------
# Generating the synthetic module

# Names that identifiers, folders and files are made of.
_WORD_TEXT = (
    "user request config buffer token cache client server handler node value index "
    "count state result item key path name size offset reader writer entry module "
    "version record field stream event queue batch limit retry timeout session header "
    "payload digest schema table column row filter policy route target source peer "
    "store lease lock worker job task plan report metric span trace frame chunk block "
    "page window"
)
_WORDS = _WORD_TEXT.split()
_TOP_DIRS = ("cmd", "internal", "pkg", "api", "tools")
_TYPES = (
    "int",
    "string",
    "[]byte",
    "error",
    "bool",
    "int64",
    "uint32",
    "time.Duration",
    "map[string]string",
    "[]string",
    "io.Reader",
)
_BINARY_EXTS = ("bin", "png", "gz", "pb")
_LICENSE_HEADER = (
    "// Copyright 2024 The Packbench Authors. All rights reserved.\n"
    "// Use of this source code is governed by a BSD-style\n"
    "// license that can be found in the LICENSE file.\n\n"
)
_IMPORTS = (
    'import (\n\t"context"\n\t"fmt"\n\t"io"\n\t"log"\n\t"testing"\n\t"time"\n)\n\n'
)

TEXT_SHARE_OF_FILES = 0.9
TEXT_SHARE_OF_BYTES = 0.6
SNIPPET_POOL = 4096


class GoSource:
    """Makes Go-like declarations: functions, structs, constants and tests.

    Each declaration reuses a handful of local names, as real code does, so
    that a file deflates about as much as real Go source (about 3.5 to 1).
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._locals: list[str] = []

    def ident(self, exported: bool = False) -> str:
        """Return a camelCase name of one to three words."""
        words = [self._rng.choice(_WORDS) for _ in range(self._rng.choice((1, 2, 3)))]
        name = words[0] + "".join(w.title() for w in words[1:])
        return name[0].upper() + name[1:] if exported else name

    def declaration(self) -> str:
        """Return one top-level declaration, ending with a blank line."""
        self._locals = [self.ident() for _ in range(6)]
        kind = self._rng.random()
        if kind < 0.6:
            return self._func()
        if kind < 0.8:
            return self._struct()
        if kind < 0.9:
            return self._consts()
        return self._test()

    def _local(self) -> str:
        return self._rng.choice(self._locals)

    def _type(self) -> str:
        if self._rng.random() < 0.7:
            return self._rng.choice(_TYPES)
        return "*" + self.ident(exported=True)

    def _comment(self, name: str) -> str:
        words = " ".join(
            self._rng.choice(_WORDS) for _ in range(self._rng.randint(5, 14))
        )
        return f"// {name} returns the {words}.\n"

    def _func(self) -> str:
        r = self._rng
        name = self.ident(exported=r.random() < 0.6)
        params = ", ".join(
            f"{self._local()} {self._type()}" for _ in range(r.randint(1, 3))
        )
        body = "".join(self._statement(1) for _ in range(r.randint(3, 12)))
        receiver = self.ident(exported=True)
        return (
            f"{self._comment(name)}func ({receiver[0].lower()} *{receiver}) {name}"
            f"(ctx context.Context, {params}) ({self._type()}, error) {{\n"
            f"{body}\treturn {self._local()}, nil\n}}\n\n"
        )

    def _statement(self, depth: int) -> str:
        r = self._rng
        tab = "\t" * depth
        a, b, method = self._local(), self._local(), self.ident(exported=True)
        kind = r.random()
        if kind < 0.25:
            return (
                f"{tab}{a}, err := {b}.{method}(ctx, {self._local()})\n"
                f"{tab}if err != nil {{\n"
                f'{tab}\treturn nil, fmt.Errorf("{a}: %w", err)\n{tab}}}\n'
            )
        if kind < 0.45:
            return f"{tab}{a} := {b}.{method}({self._local()}, {r.randint(0, 4096)})\n"
        if kind < 0.65 and depth < 3:
            body = "".join(self._statement(depth + 1) for _ in range(r.randint(1, 3)))
            if kind < 0.55:
                return f"{tab}for i, {a} := range {b} {{\n{body}{tab}}}\n"
            limit = r.randint(1, 512)
            return f"{tab}if {a} == nil || len({b}) > {limit} {{\n{body}{tab}}}\n"
        if kind < 0.75:
            field = self.ident(exported=True)
            return f"{tab}{a}.{field} = append({a}.{field}, {b})\n"
        if kind < 0.85:
            words = " ".join(r.choice(_WORDS) for _ in range(r.randint(4, 12)))
            return f"{tab}// {words}\n"
        if kind < 0.92:
            return f'{tab}log.Printf("{a} %s: %d", {b}, len({self._local()}))\n'
        return f"{tab}{a} += {r.randint(1, 99)}\n"

    def _struct(self) -> str:
        name = self.ident(exported=True)
        fields = "".join(
            f'\t{self.ident(exported=True)} {self._type()} `json:"{self._local()}"`\n'
            for _ in range(self._rng.randint(2, 9))
        )
        return f"{self._comment(name)}type {name} struct {{\n{fields}}}\n\n"

    def _consts(self) -> str:
        values = "".join(
            f"\t{self.ident(exported=True)} = {self._rng.randint(0, 1 << 20)}\n"
            for _ in range(self._rng.randint(2, 8))
        )
        return f"const (\n{values})\n\n"

    def _test(self) -> str:
        name = self.ident(exported=True)
        cases = "".join(
            f'\t\t{{name: "{self.ident()}", in: {self._rng.randint(0, 999)}, '
            f'want: "{self._local()}"}},\n'
            for _ in range(self._rng.randint(2, 8))
        )
        return (
            f"func Test{name}(t *testing.T) {{\n"
            "\ttests := []struct {\n\t\tname string\n\t\tin   int\n"
            f"\t\twant string\n\t}}{{\n{cases}\t}}\n"
            "\tfor _, tt := range tests {\n"
            "\t\tt.Run(tt.name, func(t *testing.T) {\n"
            f"\t\t\tif got := {name}(tt.in); got != tt.want {{\n"
            f'\t\t\t\tt.Errorf("{name}(%d) = %q, want %q", tt.in, got, tt.want)\n'
            "\t\t\t}\n\t\t})\n\t}\n}\n\n"
        )


def _split_sizes(rng: random.Random, count: int, total: int, sigma: float) -> list[int]:
    """Return count log-normally spread sizes of at least 1 that add up to total."""
    if count == 0:
        return []
    weights = [rng.lognormvariate(0.0, sigma) for _ in range(count)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    largest = max(range(count), key=sizes.__getitem__)
    sizes[largest] = max(1, sizes[largest] + total - sum(sizes))
    return sizes


def _make_dirs(rng: random.Random, count: int) -> list[str]:
    """Return count distinct nested folder paths, up to six levels deep."""
    dirs: list[str] = []
    seen: set[str] = set()
    while len(dirs) < count:
        parent = rng.choice(dirs) if dirs and rng.random() < 0.8 else ""
        if parent.count("/") >= 5:
            continue
        child = f"{parent}/{rng.choice(_WORDS)}" if parent else rng.choice(_TOP_DIRS)
        if child not in seen:
            seen.add(child)
            dirs.append(child)
    return dirs


def generate_module(root: Path, module_path: str, files: int, size: int) -> None:
    """Write a module of about files files and size bytes under root, from SEED."""
    rng = random.Random(SEED)
    go_mod = f"module {module_path}\n\ngo 1.22\n".encode()
    binary_count = max(1, round((files - 1) * (1 - TEXT_SHARE_OF_FILES)))
    text_count = files - 1 - binary_count
    text_bytes = int((size - len(go_mod)) * TEXT_SHARE_OF_BYTES)
    text_sizes = _split_sizes(rng, text_count, text_bytes, sigma=0.9)
    binary_sizes = _split_sizes(
        rng, binary_count, size - len(go_mod) - text_bytes, sigma=1.3
    )
    dirs = _make_dirs(rng, max(1, files // 16))
    source = GoSource(rng)
    pool = [source.declaration() for _ in range(SNIPPET_POOL)]

    root.mkdir(parents=True)
    (root / "go.mod").write_bytes(go_mod)
    for i, file_size in enumerate(text_sizes):
        folder = rng.choice(dirs)
        suffix = "_test.go" if rng.random() < 0.3 else ".go"
        name = f"{folder}/{rng.choice(_WORDS)}_{i:06d}{suffix}"
        head = f"{_LICENSE_HEADER}package {folder.rsplit('/', 1)[-1]}\n\n{_IMPORTS}"
        parts, length = [head], len(head)
        while length < file_size:
            parts.append(rng.choice(pool))
            length += len(parts[-1])
        _write(root / name, "".join(parts)[:file_size].encode())
    for i, file_size in enumerate(binary_sizes):
        ext = rng.choice(_BINARY_EXTS)
        name = f"{rng.choice(dirs)}/testdata/{rng.choice(_WORDS)}_{i:06d}.{ext}"
        _write(root / name, rng.randbytes(file_size))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def ensure_module(files: int, size: int) -> Module:
    """Return a synthetic module, generating it unless an earlier run kept it."""
    name = f"synthetic-{files}-{size // MIB}M"
    root = SCRATCH / "modules" / name
    stamp = SCRATCH / "modules" / f"{name}.json"
    params = {
        "generator": GENERATOR_VERSION,
        "seed": SEED,
        "files": files,
        "size": size,
    }
    module = Module(name, root, *SYNTHETIC_MODULE)
    if root.is_dir() and stamp.is_file() and json.loads(stamp.read_text()) == params:
        _progress(f"reusing {root}")
        return module

    _progress(f"generating {name}: {files} files, {size / MIB:.0f} MiB ...")
    start = time.perf_counter()
    shutil.rmtree(root, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    generate_module(root, SYNTHETIC_MODULE[0], files, size)
    stamp.write_text(json.dumps(params))
    _progress(f"  done in {time.perf_counter() - start:.1f} s")
    return module


# ---------------------------------------------------------------------------
# Building the reference


def build_reference() -> Path:
    """Return the gozipref binary, built with build.sh unless already cached."""
    binary = OUT / "gozipref"
    stamp = OUT / "gozipref.json"
    env = dict(os.environ)
    if PROJECT_GO.exists():
        env["GO"] = str(PROJECT_GO)
    go = env.get("GO")
    go_stat = os.stat(go) if go else None
    inputs = {
        "sources": _sha256_files(BUILD_SCRIPT, BUILD_SCRIPT.parent / "main.go"),
        "go": go or "(build.sh default)",
        "go_stat": [go_stat.st_size, go_stat.st_mtime_ns] if go_stat else None,
    }
    if binary.is_file() and stamp.is_file() and json.loads(stamp.read_text()) == inputs:
        return binary

    _progress(f"building the reference with {BUILD_SCRIPT} (GO={inputs['go']}) ...")
    OUT.mkdir(parents=True, exist_ok=True)
    partial = OUT / "gozipref.partial"
    done = subprocess.run(["bash", str(BUILD_SCRIPT), str(partial)], env=env)
    if done.returncode != 0:
        raise BenchError(
            f"{BUILD_SCRIPT} failed (exit status {done.returncode}); set GO to a "
            "Go 1.24 or newer toolchain, or run `uv sync` to get the project's"
        )
    partial.replace(binary)
    stamp.write_text(json.dumps(inputs))
    return binary


def _sha256_files(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _code_state(modzip_sha256: str) -> str:
    """Describe the checkout: commit, and whether the packer differs from it."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--", "core/modzip.py", "core/dirhash.py"],
        capture_output=True,
        text=True,
    ).stdout.split()[1::2]
    edits = f", uncommitted changes to {' '.join(changed)}" if changed else ""
    return f"commit {head or '?'}{edits}; modzip.py SHA-256 {modzip_sha256[:12]}"


def go_version_of(binary: Path) -> str:
    """Return the Go version a binary was built with, from its build info."""
    # The build info starts with this magic, two bytes (pointer size, flags),
    # and from Go 1.18 on, at offset 32, the version as a varint-prefixed string.
    data = binary.read_bytes()
    start = data.find(b"\xff Go buildinf:")
    if start < 0 or len(data) < start + 33 or not data[start + 15] & 0x2:
        return "unknown"
    length, shift, i = 0, 0, start + 32
    while True:
        byte = data[i]
        i += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    return data[i : i + length].decode(errors="replace")


# ---------------------------------------------------------------------------
# Running and measuring children


@dataclass(frozen=True)
class ChildRun:
    """What one child process did: its output, wall and CPU time, peak memory."""

    stdout: str
    wall: float
    cpu: float
    peak_rss: int


class Launcher:
    """Runs children one at a time and measures wall time and peak resident memory.

    Peak memory comes from /usr/bin/time. The rusage that wait4 returns is not
    used when /usr/bin/time is there: Linux carries the parent's own high-water
    mark into a child across (v)fork and exec, so a child of this script
    would never read lower than this script's own peak.
    """

    def __init__(self, scratch: Path) -> None:
        self.uses_time = TIME.is_file() and os.access(TIME, os.X_OK)
        self._rss_file = scratch / "maxrss.txt"

    def run(self, argv: list[str]) -> ChildRun:
        """Run argv, returning its output and measures; raise if it fails."""
        command = argv
        if self.uses_time:
            command = [str(TIME), "-f", "%U %S %M", "-o", str(self._rss_file), *argv]

        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.PIPE)
        assert child.stdout is not None
        stdout = child.stdout.read().decode()
        child.stdout.close()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)

        if child.returncode != 0:
            raise BenchError(
                f"{' '.join(argv)} failed with exit status {child.returncode}"
            )
        cpu = usage.ru_utime + usage.ru_stime
        peak_kib = usage.ru_maxrss
        if self.uses_time:
            # The last line; a line before it tells of a non-zero exit status.
            user, system, peak = self._rss_file.read_text().splitlines()[-1].split()
            cpu, peak_kib = float(user) + float(system), int(peak)
        return ChildRun(stdout=stdout, wall=wall, cpu=cpu, peak_rss=peak_kib * 1024)


# ---------------------------------------------------------------------------
# Benchmarking


@dataclass(frozen=True)
class PackRun:
    """One pack: its h1, zip size, wall and CPU time and peak memory.

    For ours, code is the SHA-256 of the modzip.py that the child imported.
    """

    h1: str
    zip_size: int
    wall: float
    cpu: float
    peak_rss: int
    code: str = ""


@dataclass
class ModuleResult:
    """All runs of ours and of the reference on one module."""

    module: Module
    files: int = 0
    size: int = 0
    ours: list[PackRun] = field(default_factory=list)
    reference: list[PackRun] = field(default_factory=list)


def run_ours(
    launcher: Launcher, module: Module, zip_path: Path, profile: Path | None = None
) -> tuple[PackRun, int, int]:
    """Pack with pack_dir in a child; return the run, the files and bytes packed."""
    argv = [sys.executable, str(CHILD), "pack", str(module.folder), module.path]
    argv += [module.version, str(zip_path)]
    if profile is not None:
        argv.append(str(profile))
    child = launcher.run(argv)
    report = json.loads(child.stdout)
    run = PackRun(
        report["h1"],
        report["zip_size"],
        child.wall,
        child.cpu,
        child.peak_rss,
        code=report["modzip_sha256"],
    )
    return run, report["files"], report["bytes"]


def run_reference(
    launcher: Launcher, binary: Path, module: Module, zip_path: Path
) -> PackRun:
    """Pack with gozipref in a child."""
    argv = [str(binary), str(module.folder), module.path, module.version]
    child = launcher.run([*argv, str(zip_path)])
    h1 = child.stdout.strip()
    size = zip_path.stat().st_size
    return PackRun(h1, size, child.wall, child.cpu, child.peak_rss)


def bench_module(
    launcher: Launcher, binary: Path, module: Module, reps: int
) -> ModuleResult:
    """Pack module with ours and the reference, alternating, and check the h1s."""
    zips = SCRATCH / "zips"
    zips.mkdir(parents=True, exist_ok=True)
    stem = module.name.replace("/", "-")
    ours_zip, ref_zip = zips / f"{stem}-ours.zip", zips / f"{stem}-ref.zip"
    result = ModuleResult(module)

    def ours() -> None:
        run, result.files, result.size = run_ours(launcher, module, ours_zip)
        result.ours.append(run)
        _progress(f"  ours       {_describe(run)}")

    def reference() -> None:
        run = run_reference(launcher, binary, module, ref_zip)
        result.reference.append(run)
        _progress(f"  reference  {_describe(run)}")

    # Alternate which goes first, so neither always meets a warmer cache.
    _progress(f"packing {module.name} ({reps} repetitions)")
    for rep in range(reps):
        order: list[Callable[[], None]] = [ours, reference]
        for step in order if rep % 2 == 0 else reversed(order):
            step()

    hashes = {run.h1 for run in result.ours} | {run.h1 for run in result.reference}
    if len(hashes) != 1:
        raise BenchError(
            f"h1 differs on {module.name}: ours {[r.h1 for r in result.ours]}, "
            f"reference {[r.h1 for r in result.reference]}; zips kept in {zips}"
        )
    return result


def _describe(run: PackRun) -> str:
    return f"{run.wall:7.2f} s wall {run.cpu:7.2f} s cpu {run.peak_rss / MIB:6.1f} MiB"


def measure_baseline(launcher: Launcher, reps: int) -> ChildRun:
    """Return the median child that only starts Python and imports what ours uses."""
    runs = [launcher.run([sys.executable, str(CHILD), "import"]) for _ in range(reps)]
    return ChildRun(
        stdout="",
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        peak_rss=int(statistics.median(r.peak_rss for r in runs)),
    )


# ---------------------------------------------------------------------------
# Reporting


def print_machine(reference: Path) -> None:
    """Print the CPU, the Python and the Go that the figures come from."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    print(
        f"machine:   {model}, {os.cpu_count()} cores ({usable} usable), "
        f"{memory:.0f} GiB RAM"
    )
    print(f"system:    {platform.platform()}")
    print(f"python:    {platform.python_implementation()} {sys.version.split()[0]}")
    print(f"go:        {go_version_of(reference)} (reference built by {BUILD_SCRIPT})")


def _mib(size: float) -> str:
    return f"{size / MIB:.1f}"


def print_table(results: list[ModuleResult], baseline: ChildRun) -> None:
    """Print one row per module: medians of wall time, peaks of memory, zip sizes."""
    header = [
        "module",
        "files",
        "MiB",
        "ours s",
        "ref s",
        "ours/ref",
        "ours cpu",
        "ref cpu",
        "ours RSS",
        "ours-base",
        "ref RSS",
        "ours zip",
        "ref zip",
    ]
    rows = [header]
    for result in results:
        ours_wall = statistics.median(r.wall for r in result.ours)
        ref_wall = statistics.median(r.wall for r in result.reference)
        ours_peak = max(r.peak_rss for r in result.ours)
        rows.append(
            [
                result.module.name,
                str(result.files),
                _mib(result.size),
                f"{ours_wall:.2f}",
                f"{ref_wall:.2f}",
                f"{ours_wall / ref_wall:.2f}",
                f"{statistics.median(r.cpu for r in result.ours):.2f}",
                f"{statistics.median(r.cpu for r in result.reference):.2f}",
                _mib(ours_peak),
                _mib(ours_peak - baseline.peak_rss),
                _mib(max(r.peak_rss for r in result.reference)),
                _mib(result.ours[0].zip_size),
                _mib(result.reference[0].zip_size),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * width for width in widths))
    print(
        "MiB: the files packed; s: median wall time of the child, start to exit;\n"
        "cpu: median user + system s; RSS: largest peak resident set, MiB;\n"
        "ours-base: ours RSS minus a child that only starts Python and imports "
        f"gomodpub ({_mib(baseline.peak_rss)} MiB, {baseline.wall:.2f} s);\n"
        "zip: the zip's size, MiB."
    )
    for result in results:
        print(
            f"h1 {result.module.name}: {result.ours[0].h1} "
            "(ours = reference, every run)"
        )


def print_goals(
    full: ModuleResult, quarter: ModuleResult, few_big: ModuleResult
) -> None:
    """Print whether the synthetic module meets the goals of benchmarks/README.md.

    few_big has quarter's files and full's bytes: from quarter to few_big only
    the bytes grow, from few_big to full only the number of files.
    """

    def median_ratio(attr: str) -> float:
        ours = statistics.median(getattr(r, attr) for r in full.ours)
        return float(ours / statistics.median(getattr(r, attr) for r in full.reference))

    def verdict(met: bool) -> str:
        return "met" if met else "NOT MET"

    def peak(runs: list[PackRun]) -> int:
        return max(r.peak_rss for r in runs)

    ratio = median_ratio("wall")
    by_bytes = peak(few_big.ours) - peak(quarter.ours)
    extra_files = max(1, full.files - few_big.files)
    per_file = (peak(full.ours) - peak(few_big.ours)) / extra_files
    ref_per_file = (peak(full.reference) - peak(few_big.reference)) / extra_files

    print(f"goals on {full.module.name}:")
    print(
        f"  no slower than the reference: ours/ref {ratio:.2f} wall "
        f"({median_ratio('cpu'):.2f} in cpu time) -> {verdict(ratio <= 1)}"
    )
    print(
        f"  peak memory under 100 MB ({_mib(PEAK_RSS_GOAL)} MiB): "
        f"{_mib(peak(full.ours))} MiB -> {verdict(peak(full.ours) < PEAK_RSS_GOAL)}"
    )
    print(
        f"  memory not growing with the bytes packed: {_mib(by_bytes)} MiB more for "
        f"{few_big.size / quarter.size:.0f}x the bytes in as many files "
        f"({few_big.module.name} against {quarter.module.name}; tolerance "
        f"{_mib(GROWTH_TOLERANCE)} MiB) -> {verdict(by_bytes <= GROWTH_TOLERANCE)}"
    )
    print(
        f"  memory per file no more than the reference's: {per_file:.0f} bytes per "
        f"extra file, reference {ref_per_file:.0f} ({full.module.name} against "
        f"{few_big.module.name}) -> {verdict(per_file <= max(ref_per_file, 0))}"
    )


def print_load(when: str) -> None:
    """Print how busy the machine is, since other processes skew wall times."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    busy = load > cores / 2
    pressure = ""
    try:
        # Linux PSI: the share of time some task waited for a CPU, which tells
        # contention better than the load average does.
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        fields = dict(f.split("=") for f in line.split()[1:])
        waiting = float(fields["avg60"])
        pressure = f", CPU pressure {waiting:.0f}% over 60 s"
        busy = waiting > BUSY_PRESSURE
    except (OSError, KeyError, ValueError, IndexError):
        pass
    print(f"load {when}: {load:.2f} (1-min average) on {cores} cores{pressure}")
    if busy:
        print(
            "  other processes are using the CPUs: wall times are noisy, the cpu "
            "columns less so"
        )


def print_profile(profile: Path, limit: int = 20) -> None:
    """Print the functions that took the most time in a profiled pack."""
    stats = pstats.Stats(str(profile), stream=sys.stdout)
    stats.strip_dirs().sort_stats(pstats.SortKey.TIME).print_stats(limit)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        description="Pack modules with gomodpub and with Go's x/mod/zip; "
        "print wall time, peak memory and zip sizes side by side."
    )
    parser.add_argument(
        "--files", type=int, default=20_000, help="files in the synthetic module"
    )
    parser.add_argument(
        "--size-mb", type=int, default=300, help="its total size in MiB (at most 500)"
    )
    parser.add_argument(
        "--reps", type=int, default=3, help="repetitions of each packer per module"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated modules and zips in benchmarks/out/scratch "
        "(and reuse them next time)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also pack the full synthetic module once under cProfile and print "
        "where the time goes",
    )
    args = parser.parse_args(argv)
    if args.files < 8:
        parser.error("--files must be at least 8")
    if not 1 <= args.size_mb <= MAX_MODULE_MIB:
        parser.error(f"--size-mb must be between 1 and {MAX_MODULE_MIB}")
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    failed = False
    try:
        reference = build_reference()
        print_machine(reference)
        code = _sha256_files(MODZIP)
        print(f"gomodpub:  {_code_state(code)}")
        print_load("before")
        launcher = Launcher(SCRATCH)
        if not launcher.uses_time:
            print(
                f"warning: {TIME} not found; peak memory comes from wait4 and reads "
                "no lower than this script's own peak"
            )
        print()

        size = args.size_mb * MIB
        quarter = ensure_module(max(8, args.files // 4), size // 4)
        few_big = ensure_module(max(8, args.files // 4), size)
        full = ensure_module(args.files, size)
        modules = [quarter, few_big, full]
        if UUID_DIR.is_dir():
            modules.insert(0, Module("google/uuid", UUID_DIR, *UUID_MODULE))
        else:
            print(
                f"note: {UUID_DIR} is missing; "
                "apt install golang-github-google-uuid-dev to bench it"
            )

        baseline = measure_baseline(launcher, args.reps)
        results = [bench_module(launcher, reference, m, args.reps) for m in modules]
        print_table(results, baseline)
        print_load("after")
        print()
        print_goals(results[-1], results[-3], results[-2])
        codes = {run.code for result in results for run in result.ours}

        if args.profile:
            profile = OUT / "pack_dir.prof"
            _progress(f"profiling ours on {full.name} ...")
            run, _, _ = run_ours(launcher, full, SCRATCH / "zips" / "prof.zip", profile)
            codes.add(run.code)
            print()
            print(f"profile of pack_dir on {full.name} (cProfile, saved as {profile}):")
            print_profile(profile)

        # Others edit the same checkout: figures from two versions mean nothing.
        if codes != {code}:
            raise BenchError(
                f"{MODZIP} changed while the benchmark ran (SHA-256 "
                f"{', '.join(sorted(c[:12] for c in codes | {code}))}); "
                "the figures above mix versions, run it again"
            )
        return 0
    except BenchError as exc:
        failed = True
        print(f"pack_bench: error: {exc}", file=sys.stderr)
        return 1
    finally:
        # A failed run keeps its files to look at, as the message says.
        if not args.keep and not failed:
            shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
