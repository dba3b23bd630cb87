"""The ``pewstats`` command line: options in, one pipeline function per command, results out."""

from __future__ import annotations

import sys
import traceback
from typing import Any

from loader import exitcodes


def entry() -> None:
    """The console entry point (``loader.cli.commands.entry``). Even a failure to import the
    commands (a broken install) exits CRASHED, not Python's 1, which means "files quarantined"."""
    try:
        from loader.cli.commands import entry as run
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        print("error: pewstats cannot start (a broken install?): see the traceback above", file=sys.stderr)
        sys.exit(exitcodes.CRASHED)
    run()


def __getattr__(name: str) -> Any:
    if name == "main":
        from loader.cli.commands import main

        return main
    raise AttributeError(name)


__all__ = ["entry", "main"]
