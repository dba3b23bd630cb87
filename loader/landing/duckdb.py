"""DuckDB sink: the embedded default. Bulk inserts through newline-delimited JSON and
``read_json`` (DuckDB's ``executemany`` is row by row: about 100 rows/s for wide rows).

DuckDB allows one writing process per database file, so the write lock of the PostgreSQL
sink is the file itself here; ``loaded_at`` is still kept strictly increasing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import orjson

from loader.errors import BadInputError, InfrastructureError, display_path
from loader.formats import columns, layout
from loader.formats import tables as schema
from loader.landing.base import LOADED, SUPERSEDED
from loader.landing.compact import CompactSink

# storage type (loader.formats.columns) -> DuckDB type
DUCK_TYPES = {
    columns.STORE_TEXT: "varchar",
    columns.STORE_INT4: "integer",
    columns.STORE_INT8: "bigint",
    columns.STORE_INT2: "smallint",
    columns.STORE_FLOAT4: "float",
    columns.STORE_FLOAT8: "double",
    columns.STORE_DECIMAL_18_6: "decimal(18, 6)",
    columns.STORE_BOOL: "boolean",
    columns.STORE_TIMESTAMPTZ: "timestamptz",
    columns.STORE_JSON_TEXT: "varchar",
}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def quote_ident(name: str) -> str:
    """DuckDB identifier quoting (the same rule as PostgreSQL's)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DuckDBSink(CompactSink):
    name = "duckdb"

    def __init__(self, path: str | Path, raw_schema: str = "raw") -> None:
        super().__init__(raw_schema)
        self.path = str(path)
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = duckdb.connect(self.path)
        except (duckdb.IOException, OSError) as exc:
            raise InfrastructureError(f"cannot open DuckDB database {self.path}: {exc}") from exc
        self.conn.execute("set timezone = 'UTC'")

    def _table(self, name: str) -> str:
        return f"{quote_ident(self.raw_schema)}.{quote_ident(name)}"

    def ensure_schema(self) -> None:
        try:
            self._ensure_schema()
        except (duckdb.IOException, duckdb.FatalException, duckdb.TransactionException, OSError) as exc:
            raise InfrastructureError(
                f"cannot prepare schema {self.raw_schema!r} in DuckDB {self.path}: {_first_line(exc)}"
            ) from exc

    def _ensure_schema(self) -> None:
        existing = dict(self.conn.execute(
            "select table_name, table_type from information_schema.tables where table_schema = ?", [self.raw_schema]
        ).fetchall())
        wanted = {t.name: "BASE TABLE" for t in layout.stored_tables()} | {name: "VIEW" for name in layout.COMPACT}
        if all(existing.get(name) == kind for name, kind in wanted.items()):
            return  # the usual case: no DDL, nothing written (as on PostgreSQL)
        self.conn.execute(f"create schema if not exists {quote_ident(self.raw_schema)}")
        old = sorted(
            r[0] for r in self.conn.execute(
                "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE'",
                [self.raw_schema],
            ).fetchall() if r[0] in layout.COMPACT
        )
        if old:
            raise InfrastructureError(
                f"DuckDB schema {self.raw_schema!r} in {self.path} has the raw tables of an older layout "
                f"({', '.join(old)} are tables, not views over the compact tables): use a new database file, "
                "or delete this one and load the files again"
            )
        for table in layout.stored_tables():
            cols = ", ".join(f"{quote_ident(c.name)} {DUCK_TYPES[c.storage]}" for c in table.columns)
            # No primary key constraint in DuckDB: its over-eager unique checks make a
            # delete followed by an insert of the same key in one transaction fail.
            # The loader replaces by match inside one transaction, which keeps keys unique.
            self.conn.execute(f"create table if not exists {self._table(table.name)} ({cols})")
        for compact in layout.COMPACT.values():
            body = layout.view_sql(compact).replace("{schema}", quote_ident(self.raw_schema))
            self.conn.execute(f"create or replace view {self._table(compact.name)} as\n{body}")

    # -- the primitives of Sink.write ------------------------------------------------

    @contextmanager
    def _transaction(self, path: str | None) -> Iterator[None]:
        con = self.conn
        try:
            con.execute("begin transaction")
            try:
                yield
            except (duckdb.DataError, duckdb.IntegrityError, duckdb.InvalidInputException) as exc:
                self._rollback()
                raise BadInputError(f"the database refused the file's rows: {_first_line(exc)}") from exc
            except BaseException:
                self._rollback()
                raise
            con.execute("commit")
        except (duckdb.IOException, duckdb.OutOfMemoryException, duckdb.FatalException, duckdb.TransactionException,
                OSError) as exc:
            # a full disk (or a write the system refuses) while writing the database or the
            # rows' temporary file: nothing of the file was committed (DuckDB rolls back, or
            # replays only committed transactions from its WAL when it is opened again)
            where = f" while loading {display_path(path)}" if path is not None else ""
            raise InfrastructureError(
                f"DuckDB could not write {self.path}{where}: {_first_line(exc)}; nothing of that file was"
                " committed: free disk space and run the load again"
            ) from exc

    def _rollback(self) -> None:
        """Roll back, if DuckDB has not already: after a failed write it may have ended the
        transaction itself ("cannot rollback - no transaction is active"), which must not hide
        the error that ended it."""
        try:
            self.conn.execute("rollback")
        except duckdb.Error:
            pass

    def _lock_writes(self) -> None:
        pass  # one writing process per DuckDB file: the file is the lock

    def _is_loaded(self, sha256: str, kind: str) -> bool:
        row = self.conn.execute(
            f"select 1 from {self._table('loaded_files')} where file_sha256 = ? and kind = ? and status = ? limit 1",
            [sha256, kind, LOADED],
        ).fetchone()
        return row is not None

    def _loaded_files(self, kind: str) -> list[tuple[int, str]]:
        return self.conn.execute(
            f"select file_bytes, file_sha256 from {self._table('loaded_files')} where kind = ? and status = ?",
            [kind, LOADED],
        ).fetchall()

    def _next_loaded_at(self) -> datetime:
        (last,) = self.conn.execute(f"select max(loaded_at) from {self._table('loaded_files')}").fetchone()
        loaded_at = datetime.now(timezone.utc)
        if last is not None and loaded_at <= last:
            loaded_at = last + timedelta(microseconds=1)
        return loaded_at

    def _stamp(self, moment: datetime) -> str:
        return moment.isoformat()  # rows reach DuckDB as JSON

    def _delete_in(self, table: str, column: str, values: list) -> None:
        placeholders = ", ".join("?" for _ in values)
        self.conn.execute(f"delete from {self._table(table)} where {quote_ident(column)} in ({placeholders})", values)

    def _select_all(self, table: layout.StoredTable) -> list[tuple]:
        return self.conn.execute(
            f"select {', '.join(map(quote_ident, table.column_names))} from {self._table(table.name)}"
        ).fetchall()

    def _insert(self, table: schema.Table | layout.StoredTable, rows: list[tuple], tail: tuple) -> None:
        names = table.column_names
        fd, tmp = tempfile.mkstemp(suffix=".ndjson", prefix="pewstats-")
        try:
            with os.fdopen(fd, "wb") as f:
                for row in rows:
                    f.write(orjson.dumps(dict(zip(names, row + tail))))
                    f.write(b"\n")
            spec = ", ".join(f"{quote_literal(c.name)}: {quote_literal(DUCK_TYPES[c.storage])}" for c in table.columns)
            self.conn.execute(
                f"insert into {self._table(table.name)} ({', '.join(map(quote_ident, names))}) "
                f"select {', '.join(map(quote_ident, names))} from read_json(?, format = 'newline_delimited', "
                f"columns = {{{spec}}})",
                [tmp],
            )
        finally:
            os.unlink(tmp)

    def _supersede(self, kind: str, match_ids: list[str]) -> None:
        ledger = self._table("loaded_files")
        placeholders = ", ".join("?" for _ in match_ids)
        self.conn.execute(
            f"update {ledger} set status = ? where kind = ? and status = ? and load_id in "
            f"(select load_id from {ledger} where kind = ? and status = ? and match_id in ({placeholders}))",
            [SUPERSEDED, kind, LOADED, kind, LOADED, *match_ids],
        )

    # -- reading ---------------------------------------------------------------------

    def query(self, sql_text: str, params: tuple = ()) -> list[tuple]:
        return self.conn.execute(sql_text, list(params)).fetchall()

    def close(self) -> None:
        try:
            self.conn.close()
        except duckdb.Error:  # a database invalidated by a failed write: its error was reported
            pass

