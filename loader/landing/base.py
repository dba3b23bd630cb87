"""What every sink does: land one file's rows for its matches atomically, and keep the ledger.

A write is one transaction:
1. take the loader's write lock (so commits happen in ``loaded_at`` order: dbt may then use
   ``loaded_at`` as an exact watermark, with no load committing "in the past");
2. check the ledger again (another loader may have landed the same file meanwhile);
3. pick ``loaded_at``: the clock, but always after every earlier load;
4. delete every row of the file's matches from the tables of each kind it replaces;
5. bulk-insert the new rows, each carrying ``load_id`` and ``loaded_at``;
6. mark the ledger rows of the replaced versions ``superseded`` and add this load's rows.
Nothing is visible to a reader until the commit.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import orjson

from loader.formats import tables as schema

LOADED = "loaded"
SKIPPED = "skipped"
FAILED = "failed"
SUPERSEDED = "superseded"


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

    def tables(self) -> list[schema.Table]:
        out: list[schema.Table] = []
        for kind in self.replace_kinds:
            out.extend(schema.KIND_TABLES[kind])
        return out

    def ledger_rows(self, started_at: Any, loaded_at: Any) -> list[tuple]:
        counts = orjson.dumps(self.row_counts, option=orjson.OPT_SORT_KEYS).decode()
        return [
            (self.load_id, self.sha256, self.path, self.file_bytes, kind, match_id, LOADED, None, counts, started_at, loaded_at)
            for kind in self.replace_kinds
            for match_id in self.match_ids
        ]


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

    def __init__(self, raw_schema: str) -> None:
        self.raw_schema = raw_schema

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the raw schema and its tables if they do not exist."""

    @abstractmethod
    def is_loaded(self, sha256: str, kind: str) -> bool:
        """Whether this exact file is the current version of what it loaded."""

    @abstractmethod
    def write(self, request: LoadRequest) -> str:
        """Land the request atomically. Returns LOADED, or SKIPPED when already loaded."""

    @abstractmethod
    def record_failure(self, failure: Failure) -> None:
        """Record a file that could not be loaded (in its own transaction)."""

    @abstractmethod
    def query(self, sql_text: str, params: tuple = ()) -> list[tuple]:
        """Run a read-only query (tests and reports)."""

    def close(self) -> None:  # pragma: no cover - trivial
        pass

    def __enter__(self) -> "Sink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
