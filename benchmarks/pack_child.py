"""One measured child of pack_bench.py: pack a module with gomodpub, or only import.

    python pack_child.py import
    python pack_child.py pack DIR MODULE_PATH VERSION OUT.zip [PROFILE.prof]

``import`` loads what ``pack`` loads and exits, so its peak memory is the
interpreter's baseline. ``pack`` prints one JSON object: the h1, the number and
total size of the files packed, the zip's size, the seconds spent in pack_dir
and the SHA-256 of the modzip.py it imported. With a profile path, pack_dir
runs under cProfile, in every thread it starts too, and the summed statistics
are written there.
"""

import hashlib
import json
import sys
import time
from pathlib import Path

from gomodpub.core import modzip
from gomodpub.core.module import ModuleVersion
from gomodpub.core.modzip import PackResult, pack_dir


def main(argv: list[str]) -> int:
    """Run the command in argv; return the exit status."""
    if argv == ["import"]:
        return 0
    if len(argv) not in (5, 6) or argv[0] != "pack":
        print(__doc__, file=sys.stderr)
        return 2
    folder, path, version, out = argv[1:5]
    module_version = ModuleVersion(path, version)
    # The checkout is shared: tell which modzip.py this child packed with.
    modzip_sha256 = hashlib.sha256(Path(modzip.__file__).read_bytes()).hexdigest()

    start = time.perf_counter()
    if len(argv) == 6:
        result = _profiled_pack(folder, module_version, out, argv[5])
    else:
        result = pack_dir(folder, module_version, out)
    seconds = time.perf_counter() - start

    report = {
        "h1": result.h1,
        "files": len(result.files),
        "bytes": sum(f.size for f in result.files),
        "zip_size": result.size,
        "seconds": seconds,
        "modzip_sha256": modzip_sha256,
    }
    print(json.dumps(report))
    return 0


def _profiled_pack(
    folder: str, module_version: ModuleVersion, out: str, profile_path: str
) -> PackResult:
    """Run pack_dir under cProfile, its worker threads included; save the stats."""
    # Imported here so that the baseline does not pay for them.
    import cProfile
    import pstats
    import threading

    # cProfile follows one thread only. Every thread started while packing
    # gets its own profiler from its first event on; their stats are summed.
    thread_profilers: list[cProfile.Profile] = []

    def profile_new_thread(frame: object, event: str, arg: object) -> None:
        sys.setprofile(None)
        profiler = cProfile.Profile()
        thread_profilers.append(profiler)
        profiler.enable()

    main_profiler = cProfile.Profile()
    threading.setprofile(profile_new_thread)
    try:
        result: PackResult = main_profiler.runcall(
            pack_dir, folder, module_version, out
        )
    finally:
        threading.setprofile(None)
    stats = pstats.Stats(main_profiler)
    for profiler in thread_profilers:
        stats.add(profiler)
    stats.dump_stats(profile_path)
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
