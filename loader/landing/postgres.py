"""PostgreSQL sink: psycopg 3, COPY, one transaction per file.

Every identifier goes through ``psycopg.sql.Identifier`` and every value is a bound
parameter or COPY data: no SQL is built from data or user options by string formatting.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

import psycopg
from psycopg import sql

from loader.formats import columns
from loader.formats import tables as schema
from loader.errors import BadInputError, InfrastructureError
from loader.landing.base import FAILED, LOADED, SKIPPED, SUPERSEDED, Failure, LoadRequest, Sink

# storage type (loader.formats.columns) -> PostgreSQL type
PG_TYPES = {
    columns.STORE_TEXT: "text",
    columns.STORE_INT4: "integer",
    columns.STORE_INT8: "bigint",
    columns.STORE_FLOAT8: "double precision",
    columns.STORE_DECIMAL_18_6: "numeric(18, 6)",
    columns.STORE_BOOL: "boolean",
    columns.STORE_TIMESTAMPTZ: "timestamptz",
    columns.STORE_JSON_TEXT: "text",
}


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


# physical order of a table's columns: 8-byte, 4-byte, 1-byte, then variable-width
_ALIGNMENT_RANK = {
    columns.STORE_TIMESTAMPTZ: 0, columns.STORE_FLOAT8: 0, columns.STORE_INT8: 0, columns.STORE_INT4: 1,
    columns.STORE_BOOL: 2, columns.STORE_DECIMAL_18_6: 3, columns.STORE_TEXT: 3, columns.STORE_JSON_TEXT: 3,
}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def connect(conninfo: str = "", **kwargs: Any) -> psycopg.Connection:
    try:
        return psycopg.connect(conninfo, **kwargs)
    except psycopg.OperationalError as exc:
        raise InfrastructureError(
            f"cannot connect to PostgreSQL ({_first_line(exc)}); check PGHOST/PGPORT/PGUSER/PGDATABASE"
        ) from exc


class PostgresSink(Sink):
    name = "postgres"

    def __init__(self, conninfo: str = "", raw_schema: str = "raw", **connect_kwargs: Any) -> None:
        super().__init__(raw_schema)
        self.conn = connect(conninfo, **connect_kwargs)
        self.write_lock = advisory_key(f"pewstats:load:{raw_schema}")

    # -- helpers ---------------------------------------------------------------
    def _table(self, name: str) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.raw_schema), sql.Identifier(name))

    def _ddl(self, table: schema.Table) -> list[sql.Composable]:
        # physical order: 8-byte, 4-byte, 1-byte, then variable-width columns, so that no
        # alignment padding is stored (COPY names its columns, so the order is free)
        physical = sorted(table.columns, key=lambda col: _ALIGNMENT_RANK[col.storage])
        parts = [sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(PG_TYPES[c.storage])) for c in physical]
        if table.primary_key:
            parts.append(sql.SQL("primary key ({})").format(sql.SQL(", ").join(map(sql.Identifier, table.primary_key))))
        stmts: list[sql.Composable] = [
            sql.SQL("create table if not exists {} ({})").format(self._table(table.name), sql.SQL(", ").join(parts))
        ]
        for index_cols in table.indexes:
            index_name = f"{table.name}__{'_'.join(index_cols)}__idx"
            stmts.append(
                sql.SQL("create index if not exists {} on {} ({})").format(
                    sql.Identifier(index_name),
                    self._table(table.name),
                    sql.SQL(", ").join(map(sql.Identifier, index_cols)),
                )
            )
        return stmts

    # -- Sink ------------------------------------------------------------------
    def ensure_schema(self) -> None:
        try:
            self._ensure_schema()
        except psycopg.Error as exc:
            raise InfrastructureError(
                f"cannot prepare schema {self.raw_schema!r} in PostgreSQL: {_first_line(exc)}"
            ) from exc

    def _existing_tables(self, cur: psycopg.Cursor) -> set[str]:
        cur.execute("select tablename from pg_tables where schemaname = %s", (self.raw_schema,))
        return {r[0] for r in cur.fetchall()}

    def _ensure_schema(self) -> None:
        wanted = {t.name for t in schema.ALL_TABLES}
        with self.conn.transaction(), self.conn.cursor() as cur:
            # nothing to do (the usual case): take no lock, run no DDL
            if wanted <= self._existing_tables(cur):
                return
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute("select pg_advisory_xact_lock(%s)", (self.write_lock,))
            cur.execute("select 1 from pg_namespace where nspname = %s", (self.raw_schema,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("create schema {}").format(sql.Identifier(self.raw_schema)))
            for table in schema.ALL_TABLES:
                for stmt in self._ddl(table):
                    cur.execute(stmt)

    def is_loaded(self, sha256: str, kind: str) -> bool:
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                return self._is_loaded(cur, sha256, kind)
        except psycopg.OperationalError as exc:
            raise InfrastructureError(f"database connection lost: {_first_line(exc)}") from exc

    def _is_loaded(self, cur: psycopg.Cursor, sha256: str, kind: str) -> bool:
        cur.execute(
            sql.SQL("select 1 from {} where file_sha256 = %s and kind = %s and status = %s limit 1").format(
                self._table("loaded_files")
            ),
            (sha256, kind, LOADED),
        )
        return cur.fetchone() is not None

    def write(self, request: LoadRequest) -> str:
        try:
            return self._write(request)
        except (psycopg.errors.DataError, psycopg.errors.IntegrityError) as exc:
            # a value the loader's checks let through but the column refuses: the file's
            # transaction is rolled back, the file is bad input, the run goes on
            raise BadInputError(f"the database refused a value: {_first_line(exc)}") from exc
        except psycopg.OperationalError as exc:
            raise InfrastructureError(
                f"database connection lost while loading {request.path}: {_first_line(exc)}; "
                "nothing of that file was committed, run the load again"
            ) from exc

    def _write(self, request: LoadRequest) -> str:
        started_at = datetime.now(timezone.utc)
        ledger = self._table("loaded_files")
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute("select pg_advisory_xact_lock(%s)", (self.write_lock,))
            if self._is_loaded(cur, request.sha256, request.kind):
                return SKIPPED
            cur.execute(
                sql.SQL(
                    "select greatest(clock_timestamp(), coalesce(max(loaded_at), '-infinity')"
                    " + interval '1 microsecond') from {}"
                ).format(ledger)
            )
            (loaded_at,) = cur.fetchone()
            tail = (request.load_id, loaded_at)
            for table in request.tables():
                cur.execute(
                    sql.SQL("delete from {} where match_id = any(%s)").format(self._table(table.name)),
                    (request.match_ids,),
                )
            for table in request.tables():
                rows = request.rows.get(table.name, [])
                if not rows:
                    continue
                copy_sql = sql.SQL("copy {} ({}) from stdin").format(
                    self._table(table.name), sql.SQL(", ").join(map(sql.Identifier, table.column_names))
                )
                with cur.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row + tail)
            for kind in request.replace_kinds:
                cur.execute(
                    sql.SQL(
                        "update {l} set status = %s where kind = %s and status = %s and load_id in"
                        " (select load_id from {l} where kind = %s and status = %s and match_id = any(%s))"
                    ).format(l=ledger),
                    (SUPERSEDED, kind, LOADED, kind, LOADED, request.match_ids),
                )
            cols = sql.SQL(", ").join(map(sql.Identifier, schema.LOADED_FILES.column_names))
            with cur.copy(sql.SQL("copy {} ({}) from stdin").format(ledger, cols)) as copy:
                for row in request.ledger_rows(started_at, loaded_at):
                    copy.write_row(row)
        return LOADED

    def record_failure(self, failure: Failure) -> None:
        import uuid

        now = datetime.now(timezone.utc)
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                sql.SQL("insert into {} ({}) values ({})").format(
                    self._table("loaded_files"),
                    sql.SQL(", ").join(map(sql.Identifier, schema.LOADED_FILES.column_names)),
                    sql.SQL(", ").join(sql.Placeholder() * len(schema.LOADED_FILES.columns)),
                ),
                (
                    uuid.uuid4().hex,
                    failure.sha256,
                    failure.path,
                    failure.file_bytes,
                    failure.kind,
                    failure.match_id or "",
                    FAILED,
                    failure.error,
                    None,
                    now,
                    now,
                ),
            )

    def query(self, sql_text: str, params: tuple = ()) -> list[tuple]:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(sql_text, params)
            return cur.fetchall() if cur.description else []

    def close(self) -> None:
        self.conn.close()
