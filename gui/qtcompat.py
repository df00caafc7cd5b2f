"""Work-arounds for bugs in the Qt bindings, each to be dropped when fixed.

PySide6 6.12 on Python 3.11 drops a reference to ``True`` on every
``Signal.emit()`` and to ``None`` on calls of void methods such as
``setEnabled``. After some thousands of calls the count reaches zero and
Python aborts ("bool_dealloc: deallocating True or False"). Python 3.12 made
these objects immortal, which hides the bug there; PySide6 6.11 does not have it.
"""

from __future__ import annotations

import ctypes
import logging
import sys

import PySide6

logger = logging.getLogger(__name__)

# Large enough that no session ever drops this many references.
_EXTRA_REFERENCES = 1 << 40


def needs_refcount_guard(version: str = PySide6.__version__) -> bool:
    """Whether this PySide6 and Python have the dropped-reference bug."""
    return sys.version_info < (3, 12) and version.startswith("6.12.")


def guard_refcounts() -> None:
    """Make True, False and None immortal, as Python 3.12 does, if needed.

    TODO(pyside 6.12 refcounts): remove once the project pins PySide6 < 6.12
    or a fixed release, or moves to Python 3.12.
    """
    if not needs_refcount_guard():
        return
    logger.debug("guarding True/False/None against PySide6 %s", PySide6.__version__)
    for singleton in (True, False, None):
        # CPython 3.11 keeps ob_refcnt first in every object, at id(obj).
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < _EXTRA_REFERENCES:
            count.value += _EXTRA_REFERENCES
