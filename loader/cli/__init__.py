"""The ``pewstats`` command line: options in, one pipeline function per command, results out."""

from loader.cli.commands import entry, main

__all__ = ["entry", "main"]
