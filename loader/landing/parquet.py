"""Parquet lake sink: the raw tables as Parquet files (pyarrow), for dbt on Apache Spark.

Layout under the lake folder (``Settings.lake_path``)::

    <table>/schema.parquet               no rows: the table's columns and types (Spark reads
                                         the schema from it while the table is still empty)
    <table>/<bb>/<match>.parquet         the rows of one match (bb: 2 hex digits of the
                                         sha256 of the match id, 256 folders)
    loaded_files/<bb>/<match>.parquet    the ledger rows of one match (every load, any status)
    loaded_files/failed/<load_id>.parquet  the ledger row of a file that failed
    _journal/<load_id>.json              a commit being applied (see below)
    _staging/<load_id>/                  new files before they are moved into place
    _lock, _ledger_version               the write lock; a counter bumped by every commit

Replacing a match rewrites only that match's files. The columns and types come from the
raw table definition (``loader.formats.tables``) through ``arrow_schema``: no second list.

Ledger semantics are those of the SQL sinks (``loader.landing.base.Sink.write`` is the same
template): a file loaded twice changes nothing, a new version of a match replaces it, a
bad file leaves nothing. A write's "transaction": every new file is written under
``_staging`` (a value pyarrow refuses fails the file there, before anything is visible);
then the list of moves and deletions is written to ``_journal/<load_id>.json`` (atomic
rename: the commit point), applied (``os.replace`` each file, data first, the ledger last)
and removed. A journal found later (a loader killed or failed mid-commit) is applied again by
the next transaction or sink on the lake, so a commit is all or nothing once its journal exists.
A reader (Spark) that lists the files while a commit is being applied may see part of it:
``pewstats run`` holds the run lock over its loads and its ``dbt build``, so its own build
never does.

The whole ledger is read into memory when the sink opens (and again after another process
commits, which ``_ledger_version`` tells): it is what ``is_loaded`` and ``loaded_versions``
answer from. That is one small file per match: fine to hundreds of thousands of matches;
past that the ledger wants compacting (docs/scaling.md).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from loader.errors import BadInputError, InfrastructureError
from loader.formats import columns
from loader.formats import tables as schema
from loader.landing.base import FAILED, LOADED, SUPERSEDED, LoadRequest, Sink

LEDGER = schema.LOADED_FILES
SCHEMA_FILE = "schema.parquet"
FAILED_FOLDER = "failed"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")


def arrow_type(storage: str) -> Any:
    """The Arrow type of a storage type (loader.formats.columns)."""
    import pyarrow as pa

    return {
        columns.STORE_TEXT: pa.string(),
        columns.STORE_INT4: pa.int32(),
        columns.STORE_INT8: pa.int64(),
        columns.STORE_FLOAT8: pa.float64(),
        columns.STORE_DECIMAL_18_6: pa.decimal128(18, 6),
        columns.STORE_BOOL: pa.bool_(),
        columns.STORE_TIMESTAMPTZ: pa.timestamp("us", tz="UTC"),
        columns.STORE_JSON_TEXT: pa.string(),
    }[storage]


def arrow_schema(table: schema.Table) -> Any:
    """The Parquet schema of a raw table, from its definition."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c.storage)) for c in table.columns])


def match_bucket(match_id: str) -> str:
    """The folder of a match's files: 256 buckets, by the sha256 of its id."""
    return hashlib.sha256(match_id.encode()).hexdigest()[:2]


def match_file_name(match_id: str) -> str:
    """The file name of a match: its id when that is a plain name, else the id's sha256."""
    if _SAFE_NAME.fullmatch(match_id) and not match_id.endswith("."):
        return f"{match_id}.parquet"
    return "sha256-" + hashlib.sha256(match_id.encode()).hexdigest() + ".parquet"


def to_arrow(table: schema.Table, rows: list[tuple]) -> Any:
    """Rows (in the table's column order, load columns included) -> an Arrow table.
    Timestamps and decimals arrive as text (loader.formats.convert) or as Python values."""
    import pyarrow as pa

    out = []
    for i, column in enumerate(table.columns):
        values = [row[i] for row in rows]
        kind = arrow_type(column.storage)
        sample = next((v for v in values if v is not None), None)
        if isinstance(sample, str) and not pa.types.is_string(kind):
            array = pa.array(values, pa.string())
            if pa.types.is_timestamp(kind):
                # "2024-01-01 10:00:00.123456+00": Arrow's parser wants "+00:00"
                array = pa.array([None if v is None else _iso_offset(v) for v in values], pa.string())
            out.append(array.cast(kind))
        else:
            out.append(pa.array(values, kind))
    return pa.Table.from_arrays(out, schema=arrow_schema(table))


def _iso_offset(value: str) -> str:
    if len(value) > 3 and value[-3] in "+-" and value[-3:-2] != ":" and value[-2:].isdigit():
        return value + ":00"
    return value


def _write_parquet(arrow_table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(arrow_table, path, compression="zstd")


def _read_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(path)


@dataclass
class _Pending:
    """What one write transaction will commit."""

    load_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    deletes: set[tuple[str, str]] = field(default_factory=set)  # (table, match id)
    rows: dict[tuple[str, str], list[tuple]] = field(default_factory=dict)  # (table, match id) -> rows
    ledger_rows: list[tuple] = field(default_factory=list)
    supersede: list[tuple[str, list[str]]] = field(default_factory=list)


class ParquetSink(Sink):
    name = "parquet"

    def __init__(self, lake: str | Path, raw_schema: str = "raw") -> None:
        super().__init__(raw_schema)
        self.lake = Path(lake)
        try:
            self.lake.mkdir(parents=True, exist_ok=True)
            self._lock_handle = open(self.lake / "_lock", "a+")
        except OSError as exc:
            raise InfrastructureError(f"cannot open the Parquet lake {self.lake}: {exc}") from exc
        self._pending: _Pending | None = None
        self._ledger: list[tuple] = []
        self._loaded: set[tuple[str, str]] = set()
        self._last_loaded_at: datetime | None = None
        self._ledger_version: str | None = None
        with self._locked():
            self._recover()
            self._refresh_ledger()

    # -- layout ----------------------------------------------------------------------

    def table_dir(self, name: str) -> Path:
        return self.lake / name

    def match_path(self, table_name: str, match_id: str) -> Path:
        return self.table_dir(table_name) / match_bucket(match_id) / match_file_name(match_id)

    def ensure_schema(self) -> None:
        """Write each table's schema file if it is missing (an empty table Spark can read)."""
        for table in schema.ALL_TABLES:
            target = self.table_dir(table.name) / SCHEMA_FILE
            if target.exists():
                continue
            staged = self.lake / "_staging" / f"schema-{uuid.uuid4().hex}" / SCHEMA_FILE
            _write_parquet(arrow_schema(table).empty_table(), staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            shutil.rmtree(staged.parent, ignore_errors=True)

    # -- the write lock and the ledger in memory ---------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        fcntl.flock(self._lock_handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)

    def _read_version(self) -> str:
        try:
            return (self.lake / "_ledger_version").read_text()
        except FileNotFoundError:
            return ""

    def _refresh_ledger(self) -> None:
        """Read the ledger again if another sink committed since it was read."""
        version = self._read_version()
        if version == self._ledger_version:
            return
        rows: list[tuple] = []
        folder = self.table_dir(LEDGER.name)
        if folder.is_dir():
            for path in sorted(folder.glob("*/*.parquet")):
                rows.extend(_rows_of(_read_parquet(path), LEDGER))
        self._set_ledger(rows)
        self._ledger_version = version

    def _set_ledger(self, rows: list[tuple]) -> None:
        """The ledger in memory, with what each write asks of it: the current loads' (sha256,
        kind) and the last ``loaded_at``."""
        sha, kind, status, at = (self._ledger_index(n) for n in ("file_sha256", "kind", "status", "loaded_at"))
        self._ledger = rows
        self._loaded = {(r[sha], r[kind]) for r in rows if r[status] == LOADED}
        self._last_loaded_at = max((r[at] for r in rows if r[at] is not None), default=None)

    def _ledger_index(self, name: str) -> int:
        return LEDGER.column_names.index(name)

    # -- the primitives of Sink.write ------------------------------------------------

    @contextmanager
    def _transaction(self, path: str | None) -> Iterator[None]:
        self._pending = _Pending()
        load_id = self._pending.load_id
        staging = self.lake / "_staging" / load_id
        try:
            with self._locked():
                self._recover()
                self._refresh_ledger()
                yield
                self._commit(self._pending, staging)
        except BadInputError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:  # pyarrow.ArrowInvalid is a ValueError
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BadInputError(f"the lake refused a value: {first}") from exc
        except OSError as exc:
            where = f" while loading {path}; nothing of that file was committed, run the load again" if path else ""
            raise InfrastructureError(f"cannot write the Parquet lake {self.lake}{where}: {exc}") from exc
        finally:
            self._pending = None
            if not (self.lake / "_journal" / f"{load_id}.json").exists():
                shutil.rmtree(staging, ignore_errors=True)  # else the next transaction finishes the commit

    def _lock_writes(self) -> None:
        pass  # _transaction holds the lake's lock file for the whole transaction

    def _is_loaded(self, sha256: str, kind: str) -> bool:
        return (sha256, kind) in self._loaded

    def _loaded_files(self, kind: str) -> list[tuple[int, str]]:
        size, sha, k, status = (self._ledger_index(n) for n in ("file_bytes", "file_sha256", "kind", "status"))
        return [(r[size], r[sha]) for r in self._ledger if r[k] == kind and r[status] == LOADED]

    def _next_loaded_at(self) -> datetime:
        last = self._last_loaded_at
        loaded_at = datetime.now(timezone.utc)
        if last is not None and loaded_at <= last:
            loaded_at = last + timedelta(microseconds=1)
        return loaded_at

    def _store(self, request: LoadRequest, tail: tuple) -> None:
        """The defined tables as they are (Spark reads them from their folders: no views, no
        dictionaries): each match's files of these tables are replaced at the commit."""
        assert self._pending is not None
        for table in request.tables():
            self._pending.deletes.update((table.name, m) for m in request.match_ids)
        for table in request.tables():
            rows = request.rows.get(table.name, [])
            if rows:
                self._insert(table, rows, tail)

    def _insert(self, table: schema.Table, rows: list[tuple], tail: tuple) -> None:
        assert self._pending is not None
        if table.name == LEDGER.name:
            self._pending.ledger_rows.extend(rows)
            return
        position = table.position("match_id")
        for row in rows:
            self._pending.rows.setdefault((table.name, row[position]), []).append(row + tail)

    def _supersede(self, kind: str, match_ids: list[str]) -> None:
        assert self._pending is not None
        self._pending.supersede.append((kind, list(match_ids)))

    # -- the commit ------------------------------------------------------------------

    def _commit(self, pending: _Pending, staging: Path) -> None:
        moves: list[tuple[str, str]] = []  # staged file -> its place
        deletes: list[str] = []
        by_name = {t.name: t for t in schema.ALL_TABLES}
        # 1. the data files: every file written before anything moves
        for table_name, match_id in sorted(pending.deletes | set(pending.rows)):
            target = self.match_path(table_name, match_id)
            rows = pending.rows.get((table_name, match_id))
            if rows:
                staged = staging / table_name / target.name
                _write_parquet(to_arrow(by_name[table_name], rows), staged)
                moves.append((str(staged), str(target)))
            else:
                deletes.append(str(target))
        # 2. the ledger: superseded loads, the new rows, one file per match touched
        ledger, touched = self._next_ledger(pending)
        status, match, load = (self._ledger_index(n) for n in ("status", "match_id", "load_id"))
        for row in (r for r in pending.ledger_rows if r[status] == FAILED):
            staged = staging / LEDGER.name / f"failed-{row[load]}.parquet"
            _write_parquet(to_arrow(LEDGER, [row]), staged)
            moves.append((str(staged), str(self.table_dir(LEDGER.name) / FAILED_FOLDER / f"{row[load]}.parquet")))
        for match_id in sorted(touched):
            rows = [r for r in ledger if r[match] == match_id and r[status] != FAILED]
            staged = staging / LEDGER.name / f"{match_bucket(match_id)}-{match_file_name(match_id)}"
            _write_parquet(to_arrow(LEDGER, rows), staged)
            moves.append((str(staged), str(self.match_path(LEDGER.name, match_id))))
        if not moves and not deletes:
            return
        # 3. the commit point: the journal, then apply it
        journal = {"load_id": pending.load_id, "moves": moves, "deletes": deletes}
        journal_path = self._write_journal(journal, staging)
        _apply(journal)
        (self.lake / "_ledger_version").write_text(uuid.uuid4().hex)
        journal_path.unlink()
        self._set_ledger(ledger)
        self._ledger_version = self._read_version()

    def _next_ledger(self, pending: _Pending) -> tuple[list[tuple], set[str]]:
        """The ledger after this transaction, and the matches whose ledger file changes."""
        kind, status, match, load = (self._ledger_index(n) for n in ("kind", "status", "match_id", "load_id"))
        rows = list(self._ledger)
        touched: set[str] = set()
        for k, match_ids in pending.supersede:
            wanted = set(match_ids)
            loads = {r[load] for r in rows if r[kind] == k and r[status] == LOADED and r[match] in wanted}
            for i, r in enumerate(rows):
                if r[kind] == k and r[status] == LOADED and r[load] in loads:
                    rows[i] = r[:status] + (SUPERSEDED,) + r[status + 1:]
                    touched.add(r[match])
        for r in pending.ledger_rows:
            if r[status] != FAILED:
                touched.add(r[match])
        rows.extend(pending.ledger_rows)
        return rows, touched

    def _write_journal(self, journal: dict[str, Any], staging: Path) -> Path:
        folder = self.lake / "_journal"
        folder.mkdir(parents=True, exist_ok=True)
        staged = staging / "journal.json"
        staged.parent.mkdir(parents=True, exist_ok=True)
        with open(staged, "w") as f:
            json.dump(journal, f)
            f.flush()
            os.fsync(f.fileno())
        target = folder / f"{journal['load_id']}.json"
        os.replace(staged, target)
        return target

    def _recover(self) -> None:
        """Finish the commits a killed (or failed) loader left half applied; drop what it left
        staged without a journal. Under the lock: no other transaction is in progress."""
        folder = self.lake / "_journal"
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                _apply(json.loads(path.read_text()))
                (self.lake / "_ledger_version").write_text(uuid.uuid4().hex)
                path.unlink()
        shutil.rmtree(self.lake / "_staging", ignore_errors=True)

    # -- reading ---------------------------------------------------------------------

    def query(self, sql_text: str, params: tuple = ()) -> list[tuple]:
        """A read-only query, through DuckDB: each raw table is a view ``<raw_schema>.<table>``
        over its Parquet files."""
        import duckdb

        with duckdb.connect() as con:
            con.execute("set timezone = 'UTC'")
            con.execute(f'create schema "{self.raw_schema}"')
            for table in schema.ALL_TABLES:
                files = str(self.table_dir(table.name) / "**" / "*.parquet").replace("'", "''")
                con.execute(f"create view \"{self.raw_schema}\".\"{table.name}\" as "
                            f"select * from read_parquet('{files}')")
            return con.execute(sql_text, list(params)).fetchall()

    def close(self) -> None:
        self._lock_handle.close()


def _rows_of(arrow_table: Any, table: schema.Table) -> list[tuple]:
    data = arrow_table.select(table.column_names).to_pydict()
    return list(zip(*(data[name] for name in table.column_names)))


def _apply(journal: dict[str, Any]) -> None:
    """Move each staged file into place and delete the files of matches that have no rows any
    more. Idempotent: a move already made (its staged file gone) or a file already deleted is
    skipped, so a journal may be applied again after a crash."""
    for staged, target in journal["moves"]:
        if os.path.exists(staged):
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
    for target in journal["deletes"]:
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
