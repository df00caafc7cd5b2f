"""The ``gomodpub`` command's entry point.

Importing the command line takes a moment (click, httpx, boto3); a Ctrl-C
in that moment ends the command as quietly as one later on.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line, or the app when there are no arguments."""
    try:
        from gomodpub.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("gomodpub: interrupted\n")
        raise SystemExit(130) from None
    cli_main()
