"""What every sink does: land one file's rows for its matches atomically, and keep the ledger.

``Sink.write`` is the one transaction template; each sink supplies its primitives (open a
transaction, take the write lock, delete, bulk insert, ...). A write is one transaction:

1. take the loader's write lock (so commits happen in ``loaded_at`` order: dbt may then use
   ``loaded_at`` as an exact watermark, with no load committing "in the past");
2. check the ledger (a file already loaded is skipped, even if another loader landed it a
   moment ago);
3. pick ``loaded_at``: the clock, but always after every earlier load;
4. delete every row of the file's matches from the tables of each kind it replaces (and
   from their per-match dictionaries);
5. bulk-insert the new rows, each carrying ``load_id`` and ``loaded_at``;
   steps 4 and 5 are the sink's own ``_store``: the SQL sinks store the combat event tables
   compactly (``loader.landing.compact``: rows encoded, new dictionary entries inserted with
   them), the Parquet lake the defined tables as they are;
6. mark the ledger rows of the replaced versions ``superseded`` and add this load's rows.
Nothing is visible to a reader until the commit.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from loader.formats import layout, tables
from loader.landing import ledger
from loader.landing.ledger import FAILED, LOADED, SKIPPED, SUPERSEDED

if TYPE_CHECKING:
    from loader.landing.copytext import EncodedTelemetry

__all__ = ["FAILED", "LOADED", "SKIPPED", "SUPERSEDED", "Failure", "LoadRequest", "Sink"]


@dataclass
class LoadRequest:
    """The rows of one file, to land for ``match_ids`` in one transaction."""

    kind: str  # ledger kind of the file: telemetry | matches | fights
    path: str
    sha256: str
    file_bytes: int
    match_ids: list[str]
    rows: dict[str, list[tuple]]  # table name -> rows without the load columns
    replace_kinds: tuple[str, ...] = ()  # kinds whose tables are replaced for match_ids
    row_counts: dict[str, Any] = field(default_factory=dict)
    load_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # the compact tables' rows as COPY text, encoded by the parsing worker for a sink that
    # takes it (``Sink.copy_text``); those tables are then absent from ``rows``
    encoded: EncodedTelemetry | None = None
    # CPU seconds of each stage of the worker that parsed the file (read, flatten, detect,
    # encode): what `bench_pipeline.py loader --profile` adds up; never stored
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.replace_kinds:
            self.replace_kinds = (self.kind,)

    def check_widths(self) -> None:
        """Every row must fill its table exactly (all but load_id and loaded_at)."""
        for table in self.tables():
            width = table.row_width
            for row in self.rows.get(table.name, []):
                if len(row) != width:
                    raise ValueError(f"{table.name}: row of {len(row)} values, expected {width}")

    def row_total(self) -> int:
        """Rows of every table, the pre-encoded ones included."""
        encoded = sum(t.rows for t in self.encoded.tables.values()) if self.encoded else 0
        return encoded + sum(len(r) for r in self.rows.values())

    def tables(self) -> list[tables.Table]:
        out: list[tables.Table] = []
        for kind in self.replace_kinds:
            out.extend(tables.KIND_TABLES[kind])
        return out


@dataclass
class Failure:
    kind: str
    path: str
    error: str
    sha256: str | None = None
    file_bytes: int | None = None
    match_id: str | None = None


class Sink(ABC):
    """A database the loader lands raw rows in."""

    name: str = "sink"
    # whether the sink takes the compact tables as COPY text encoded by the parsing workers
    # (``loader.landing.copytext``; ``_copy_text``)
    copy_text: bool = False

    def __init__(self, raw_schema: str) -> None:
        self.raw_schema = raw_schema

    # -- what the pipeline calls -------------------------------------------------------

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the raw schema and its tables if they do not exist."""

    def write(self, request: LoadRequest) -> str:
        """Land the request atomically. Returns LOADED, or SKIPPED when already loaded."""
        started_at = datetime.now(timezone.utc)
        with self._transaction(request.path):
            self._lock_writes()
            if self._is_loaded(request.sha256, request.kind):
                return SKIPPED
            loaded_at = self._next_loaded_at()
            tail = (request.load_id, self._stamp(loaded_at))
            self._store(request, tail)
            for kind in request.replace_kinds:
                self._supersede(kind, request.match_ids)
            self._insert(tables.LOADED_FILES, ledger.load_rows(request, self._stamp(started_at), tail[1]), ())
        return LOADED

    def is_loaded(self, sha256: str, kind: str) -> bool:
        """Whether this exact file is the current version of what it loaded."""
        with self._transaction(None):
            return self._is_loaded(sha256, kind)

    def loaded_versions(self, kind: str) -> dict[int, set[str]]:
        """The sha256 of every file of this kind whose load is current, by file size: lets the
        loader tell a file it has already loaded without parsing it (``Sink.write`` checks again)."""
        with self._transaction(None):
            rows = self._loaded_files(kind)
        out: dict[int, set[str]] = {}
        for size, sha256 in rows:
            out.setdefault(size, set()).add(sha256)
        return out

    def record_failure(self, failure: Failure) -> None:
        """Record a file that could not be loaded (in its own transaction)."""
        with self._transaction(None):
            self._insert(tables.LOADED_FILES, [ledger.failure_row(failure, self._stamp(datetime.now(timezone.utc)))], ())

    @abstractmethod
    def query(self, sql_text: str, params: tuple = ()) -> list[tuple]:
        """Run a read-only query (tests and reports)."""

    def close(self) -> None:  # pragma: no cover - trivial
        pass

    def __enter__(self) -> "Sink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the primitives a sink supplies ------------------------------------------------

    @abstractmethod
    def _transaction(self, path: str | None) -> AbstractContextManager[None]:
        """A transaction: committed at the end of the block, rolled back on an exception.
        A value the database refuses is BadInputError (the file fails, the run goes on);
        a lost connection is InfrastructureError (naming ``path`` if a file was being loaded)."""

    @abstractmethod
    def _lock_writes(self) -> None:
        """Take the write lock until the end of the transaction."""

    @abstractmethod
    def _is_loaded(self, sha256: str, kind: str) -> bool:
        """Whether the ledger has a ``loaded`` row of this file and kind."""

    @abstractmethod
    def _loaded_files(self, kind: str) -> list[tuple[int, str]]:
        """(file_bytes, file_sha256) of the ledger's ``loaded`` rows of this kind."""

    @abstractmethod
    def _next_loaded_at(self) -> datetime:
        """The clock, but strictly after every ``loaded_at`` in the ledger."""

    def _stamp(self, moment: datetime) -> Any:
        """A timestamp as ``_insert`` takes it."""
        return moment

    @abstractmethod
    def _store(self, request: LoadRequest, tail: tuple) -> None:
        """Steps 4 and 5, as this sink stores rows: delete every row of the request's matches
        from the tables of the kinds it replaces, and insert its rows, each followed by
        ``tail`` (the load columns). The SQL sinks store the combat tables compactly
        (``loader.landing.compact``); the Parquet lake stores the defined tables as they are."""

    @abstractmethod
    def _insert(self, table: tables.Table | layout.StoredTable, rows: list[tuple], tail: tuple) -> None:
        """Bulk-insert rows (each followed by ``tail``: the load columns) in column order."""

    def _copy_text(self, table: str, columns: list[str], data: bytes) -> None:
        """COPY text rows (``loader.landing.copytext``) into a stored table (``copy_text`` sinks)."""
        raise NotImplementedError(f"{self.name} does not take COPY text")

    @abstractmethod
    def _supersede(self, kind: str, match_ids: list[str]) -> None:
        """Mark ``superseded`` the ledger rows of every load of this kind that held one of these matches."""
