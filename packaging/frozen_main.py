"""The entry point of the frozen (PyInstaller) gomodpub app.

Normally it does what ``gomodpub/__main__.py`` does: no arguments open the
app, anything else is the command line.

It exists because in a frozen app ``sys.executable`` is this binary, not a
Python interpreter, and two pieces of code run ``sys.executable`` as one:

1. ``registry/local.py`` starts MiniStack as
   ``[sys.executable, "-m", "gomodpub.registry.ministack_runner"]``;
2. MiniStack's Lambda executor runs each Python function's warm worker as
   ``[sys.executable, "/tmp/.../worker.py"]`` (and init hooks the same way).

So the binary also understands exactly these two interpreter-style calls.
Keeping the dispatch here, in packaging, leaves the core code unaware that it
can be frozen. Nothing else is taken over: ``gomodpub -m anything-else`` is
still a (failing) command line, as it is for the installed command.
"""

from __future__ import annotations

import os
import sys

# The only modules this binary runs for ``-m``.
RUNNABLE_MODULES = ("gomodpub.registry.ministack_runner",)

# Set in MiniStack's process and so inherited by everything it starts. Running
# a ``.py`` file is allowed only there, so a user's ``gomodpub x.py`` still
# means what it means to the installed command.
INTERPRETER_VARIABLE = "GOMODPUB_FROZEN_INTERPRETER"


def _run_module(name: str, arguments: list[str]) -> None:
    """Behave as ``python -m name arguments``."""
    import runpy

    os.environ[INTERPRETER_VARIABLE] = "1"
    # MiniStack parses sys.argv itself; it must not see "-m <module>".
    sys.argv = [sys.argv[0], *arguments]
    runpy.run_module(name, run_name="__main__", alter_sys=True)


def _run_script(path: str, arguments: list[str]) -> None:
    """Behave as ``python path arguments``, with the bundled packages."""
    import runpy

    sys.argv = [path, *arguments]
    # As the interpreter does: the script's folder comes first on the path.
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")


def main() -> None:
    """Dispatch an interpreter-style call, or run the gomodpub command."""
    arguments = sys.argv[1:]
    if len(arguments) >= 2 and arguments[0] == "-m":
        if arguments[1] in RUNNABLE_MODULES:
            _run_module(arguments[1], arguments[2:])
            return
    elif (
        arguments
        and os.environ.get(INTERPRETER_VARIABLE)
        and arguments[0].endswith(".py")
        and os.path.isfile(arguments[0])
    ):
        _run_script(arguments[0], arguments[1:])
        return

    from gomodpub.entry import main as gomodpub_main

    gomodpub_main()


if __name__ == "__main__":
    main()
