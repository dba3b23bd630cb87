"""How load results are shown: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from typing import Any

import click

from loader.pipeline.load import FileResult

PROGRESS_BAR_MIN_FILES = 4


class ResultPrinter:
    """Callable per file result. Errors always get their own line on stderr."""

    def __init__(self, total: int, interactive: bool) -> None:
        self.total = total
        self.use_bar = interactive and total >= PROGRESS_BAR_MIN_FILES
        self._bar: Any = None

    def __enter__(self) -> "ResultPrinter":
        if self.use_bar:
            self._bar = click.progressbar(length=self.total, label="loading", file=click.get_text_stream("stderr"))
            self._bar.__enter__()
        return self

    def __call__(self, result: FileResult) -> None:
        if self._bar is not None:
            if result.status == "failed":
                click.echo("\n" + result.line(), err=True)
            self._bar.update(1)
        else:
            click.echo(result.line(), err=True)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def is_interactive() -> bool:
    return sys.stderr.isatty()
