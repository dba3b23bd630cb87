"""Errors the loader reports to users: one line each, naming what is wrong and what to do."""

from __future__ import annotations


class PewstatsError(Exception):
    """Base class of every error that the CLI turns into a one-line message."""


class BadInputError(PewstatsError):
    """A file that cannot be loaded as it is: truncated, not JSON, wrong shape, wrong types.

    The message is the reason only; the caller adds the file name.
    """


class InfrastructureError(PewstatsError):
    """The database or the file system is not usable (connection refused, permission denied...)."""
