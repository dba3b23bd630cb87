"""The loader's locks: one ``pewstats run`` at a time, and one writing transaction at a time.

- **run lock**: ``pewstats run`` holds it for the whole run (loads and ``dbt build``): a
  PostgreSQL session advisory lock on a connection of its own (autocommit, so it holds no
  transaction open), or an ``flock`` on a file beside the DuckDB file (the Parquet lake);
- **write lock**: every load transaction takes it first (a PostgreSQL transaction advisory
  lock), so loads commit in ``loaded_at`` order; on DuckDB, which allows one writing process
  per database file, the file is that lock.

Both are keyed by the raw schema, so loaders of different raw schemas do not wait for each other.
"""

from __future__ import annotations

import fcntl
import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from loader.config import Settings
from loader.errors import PewstatsError


class RunLocked(PewstatsError):
    """Another run holds the lock."""


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def write_lock_key(raw_schema: str) -> int:
    return advisory_key(f"pewstats:load:{raw_schema}")


def run_lock_key(raw_schema: str) -> int:
    return advisory_key(f"pewstats:run:{raw_schema}")


def run_lock_path(duckdb_path: Path) -> Path:
    return Path(str(duckdb_path) + ".run.lock")


@contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """Hold the one-run-at-a-time lock for the duration of the block, or raise RunLocked."""
    if settings.target == "postgres":
        from loader.landing.postgres import connect

        conn = connect(**settings.pg_kwargs(), autocommit=True)
        try:
            (got,) = conn.execute("select pg_try_advisory_lock(%s)", (run_lock_key(settings.raw_schema),)).fetchone()
            if not got:
                raise RunLocked(f"another pewstats run holds the lock on {settings.describe()}; this run did nothing")
            yield
        finally:
            conn.close()  # the session lock ends with the session
        return
    lock_path = run_lock_path(settings.lake_path if settings.target == "spark" else settings.duckdb_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(f"another pewstats run holds {lock_path}; this run did nothing") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
