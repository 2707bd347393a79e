"""The `omniact` console script: imports the CLI inside Ctrl-C handling, then runs it.

The script's own line, `from omniact.console import run`, imports only this module (the package's names load on
first use), so Ctrl-C while the command starts, most of its first 0.1 s spent importing click and the CLI, ends
in one line and exit 130, as it does once a verb runs, instead of an import traceback.
"""

from __future__ import annotations

import sys

__all__ = ["run"]


def run() -> None:
    try:
        from omniact.cli import run as run_cli

        run_cli()  # (its own handling says a stop once it runs; this covers the call's first bytecodes)
    except KeyboardInterrupt:
        sys.stderr.write("omniact: interrupted (Ctrl-C)\n")
        sys.exit(130)
