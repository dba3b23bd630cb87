"""The pipeline's locks: one ``pewstats run`` (or build) at a time, one writing transaction at a time.

- **run lock**: ``pewstats run`` holds it for the whole run (loads and ``dbt build``), and
  ``pewstats dbt build`` (run, test, seed, ...) holds it for its build, so that a manual build
  and a cron run never build beside each other;
- **write lock**: every load transaction takes it first, so loads commit in ``loaded_at``
  order.

On PostgreSQL each is a table lock (``lock table ... in exclusive mode``) on an empty table of
its own in the raw schema: ``pewstats_run_lock`` and ``pewstats_write_lock``. PostgreSQL lets a
role take that lock only with ``update`` (or ``delete``/``truncate``) on the table, and only the
pipeline's roles have it (docs/operations/sql/roles.sql): the reader cannot take it, nor hold
it to stop the pipeline (an advisory lock, which any role that connects may take, could).
The run lock's connection holds a transaction that has taken only that lock: no snapshot, no
transaction id, so it holds back no vacuum. A wait is bounded by ``Settings.lock_timeout``
(``--lock-timeout``, ``PEWSTATS_LOCK_TIMEOUT``); after it the command gives up with one line
(exit code 5). Both locks are per raw schema: pipelines of different raw schemas do not wait
for each other.

On DuckDB, which allows one writing process per database file, the file is the write lock;
the run lock is an ``flock`` on a file beside it (on the Spark target, beside the Parquet lake).
"""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from loader.config import Settings
from loader.errors import InfrastructureError, PewstatsError

RUN_LOCK_TABLE = "pewstats_run_lock"
WRITE_LOCK_TABLE = "pewstats_write_lock"
LOCK_TABLES = (RUN_LOCK_TABLE, WRITE_LOCK_TABLE)


class RunLocked(PewstatsError):
    """Another pipeline role holds a lock this command needs (exit code 5)."""


def run_lock_path(duckdb_path: Path) -> Path:
    return Path(str(duckdb_path) + ".run.lock")


def _timeout_ms(seconds: float) -> int:
    return max(0, int(round(seconds * 1000)))


def take_table_lock(conn: Any, raw_schema: str, table: str, timeout: float, what: str, where: str) -> None:
    """Take ``table``'s EXCLUSIVE lock in ``conn``'s open transaction, waiting at most ``timeout``
    seconds (0: not at all); raise RunLocked (held by another) or InfrastructureError (missing,
    or this role may not take it)."""
    import psycopg
    from psycopg import sql

    relation = sql.SQL("{}.{}").format(sql.Identifier(raw_schema), sql.Identifier(table))
    ms = _timeout_ms(timeout)
    try:
        if ms == 0:
            conn.execute(sql.SQL("lock table {} in exclusive mode nowait").format(relation))
        else:
            # set_config(..., true): for this transaction only (a bound value, no SQL built)
            conn.execute("select set_config('lock_timeout', %s, true)", (f"{ms}ms",))
            conn.execute(sql.SQL("lock table {} in exclusive mode").format(relation))
            conn.execute("select set_config('lock_timeout', '0', true)")
    except psycopg.errors.LockNotAvailable:
        waited = "did not wait" if ms == 0 else f"gave up after {timeout:g}s (--lock-timeout)"
        raise RunLocked(f"another pewstats {what} holds the lock on {where}; {waited}, this one did nothing") from None
    except psycopg.errors.UndefinedTable:
        raise InfrastructureError(
            f"the lock table {raw_schema}.{table} is missing on {where}: run `pewstats init` as the raw schema's owner"
        ) from None
    except psycopg.errors.InsufficientPrivilege:
        raise InfrastructureError(
            f"this role may not take the {what} lock ({raw_schema}.{table}) on {where}: only the pipeline's roles can "
            "(docs/operations/sql/roles.sql)"
        ) from None
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InfrastructureError(f"cannot take the {what} lock on {where}: {first}") from exc


@contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """Hold the one-run-at-a-time lock for the duration of the block, or raise RunLocked
    after waiting at most ``settings.lock_timeout`` seconds."""
    if settings.target == "postgres":
        yield from _postgres_run_lock(settings)
        return
    lock_path = run_lock_path(settings.lake_path if settings.target == "spark" else settings.duckdb_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + settings.lock_timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = "did not wait" if settings.lock_timeout <= 0 else f"gave up after {settings.lock_timeout:g}s (--lock-timeout)"
                    raise RunLocked(f"another pewstats run holds {lock_path}; {waited}, this one did nothing") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _postgres_run_lock(settings: Settings) -> Iterator[None]:
    from loader.landing.postgres import PostgresSink

    # the lock table is created with the raw tables (a first run on a new database makes them)
    sink = PostgresSink(
        raw_schema=settings.raw_schema, owner_role=settings.owner_role, lock_timeout=settings.lock_timeout,
        **settings.pg_kwargs(),
    )
    try:
        sink.ensure_schema()
        with sink.conn.transaction():
            take_table_lock(sink.conn, settings.raw_schema, RUN_LOCK_TABLE, settings.lock_timeout, "run", settings.describe())
            yield
    finally:
        sink.close()  # the lock ends with the transaction (or the session, if the process dies)
