"""Errors the loader reports to users: one line each, naming what is wrong and what to do."""

from __future__ import annotations

import os


class PewstatsError(Exception):
    """Base class of every error that the CLI turns into a one-line message."""


class BadInputError(PewstatsError):
    """A file that cannot be loaded as it is: truncated, not JSON, wrong shape, wrong types.

    The message is the reason only; the caller adds the file name.
    """


class InfrastructureError(PewstatsError):
    """The database or the file system is not usable (connection refused, permission denied...)."""


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks and other control characters escaped
    (a file name or a match id may hold a newline), bytes that are not UTF-8 (a file name
    read with surrogateescape) shown as ``\\xff``. What every message and ledger row shows."""
    safe = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if safe.isprintable():
        return safe
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in safe)


def display_path(path: "str | os.PathLike[str]") -> str:
    """A file name as messages and the ledger show it (``one_line`` of its text)."""
    return one_line(os.fspath(path))
