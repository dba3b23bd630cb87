"""PostgreSQL sink: psycopg 3, COPY, one transaction per file (the template is ``Sink.write``).

Every identifier goes through ``psycopg.sql.Identifier`` and every value is a bound
parameter or COPY data: no SQL is built from data or user options by string formatting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from loader.errors import BadInputError, InfrastructureError, display_path
from loader.formats import columns, layout
from loader.formats import tables as schema
from loader.config import DEFAULT_LOCK_TIMEOUT
from loader.landing.base import LOADED, SUPERSEDED
from loader.landing.compact import CompactSink
from loader.landing.locks import LOCK_TABLES, WRITE_LOCK_TABLE, take_table_lock

# storage type (loader.formats.columns) -> PostgreSQL type
PG_TYPES = {
    columns.STORE_TEXT: "text",
    columns.STORE_INT4: "integer",
    columns.STORE_INT8: "bigint",
    columns.STORE_INT2: "smallint",
    columns.STORE_FLOAT4: "real",
    columns.STORE_FLOAT8: "double precision",
    columns.STORE_DECIMAL_18_6: "numeric(18, 6)",
    columns.STORE_BOOL: "boolean",
    columns.STORE_TIMESTAMPTZ: "timestamptz",
    columns.STORE_JSON_TEXT: "text",
}

# physical order of a table's columns: 8-byte, 4-byte, 1-byte, then variable-width
_ALIGNMENT_RANK = {
    columns.STORE_TIMESTAMPTZ: 0, columns.STORE_FLOAT8: 0, columns.STORE_INT8: 0, columns.STORE_INT4: 1,
    columns.STORE_FLOAT4: 1, columns.STORE_INT2: 2, columns.STORE_BOOL: 3, columns.STORE_DECIMAL_18_6: 4,
    columns.STORE_TEXT: 4, columns.STORE_JSON_TEXT: 4,
}


_REFUSE_CHANGE = "refuse_change_of_view"  # the raw views' trigger function


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


class PostgresSink(CompactSink):
    name = "postgres"
    copy_text = True

    def __init__(
        self,
        conninfo: str = "",
        raw_schema: str = "raw",
        *,
        owner_role: str | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        **connect_kwargs: Any,
    ) -> None:
        super().__init__(raw_schema)
        # UTF-8 whatever PGCLIENTENCODING says: the parse workers write COPY text in UTF-8
        # (loader/landing/copytext.py), and every text the loader lands is Unicode
        self.conn = connect(conninfo, **{"client_encoding": "UTF8", **connect_kwargs})
        self.owner_role = owner_role  # the raw tables' DDL runs as this role (`pewstats init --owner`)
        self.lock_timeout = lock_timeout

    def describe(self) -> str:
        info = self.conn.info
        return f"postgres://{info.user}@{info.host}:{info.port}/{info.dbname} (schema {self.raw_schema})"

    def _table(self, name: str) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.raw_schema), sql.Identifier(name))

    # -- schema ----------------------------------------------------------------------

    def _ddl(self, table: layout.StoredTable) -> list[sql.Composable]:
        # physical order: 8-byte, 4-byte, 2-byte, 1-byte, then variable-width columns, so that
        # no alignment padding is stored (COPY names its columns, so the order is free)
        physical = sorted(table.columns, key=lambda col: _ALIGNMENT_RANK[col.storage])
        parts = [sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(PG_TYPES[c.storage])) for c in physical]
        if table.primary_key:
            parts.append(sql.SQL("primary key ({})").format(sql.SQL(", ").join(map(sql.Identifier, table.primary_key))))
        stmts: list[sql.Composable] = [
            sql.SQL("create table if not exists {} ({})").format(self._table(table.name), sql.SQL(", ").join(parts))
        ]
        unique = layout.UNIQUE_INDEXES.get(table.name)
        for index_cols in table.indexes:
            index_name = f"{table.name}__{'_'.join(index_cols)}__idx"
            stmts.append(
                sql.SQL("create {}index if not exists {} on {} ({})").format(
                    sql.SQL("unique " if index_cols == unique else ""),
                    sql.Identifier(index_name),
                    self._table(table.name),
                    sql.SQL(", ").join(map(sql.Identifier, index_cols)),
                )
            )
        return stmts

    def _refuse_change_ddl(self) -> sql.Composable:
        return sql.SQL(
            "create or replace function {}.{}() returns trigger language plpgsql as $$ begin"
            " raise exception '%.% is a view over the compact table %__rows (loader/formats/layout.py):"
            " the loader replaces its rows by match', tg_table_schema, tg_table_name, tg_table_name;"
            " end $$"
        ).format(sql.Identifier(self.raw_schema), sql.Identifier(_REFUSE_CHANGE))

    def _view_ddl(self, compact: layout.CompactTable) -> sql.Composable:
        # the view's text comes from the static table definition; the schema is an Identifier
        return sql.SQL("create or replace view {} as\n" + layout.view_sql(compact)).format(
            self._table(compact.name), schema=sql.Identifier(self.raw_schema)
        )

    def ensure_schema(self) -> None:
        try:
            try:
                self._ensure_schema()
            except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject,
                    psycopg.errors.DuplicateSchema, psycopg.errors.DuplicateTable):
                # another loader made the same schema or table at the same moment (`if not
                # exists` does not serialise concurrent creators): it exists now, look again
                self._ensure_schema()
        except psycopg.errors.InsufficientPrivilege as exc:
            # the loader has row rights only (docs/operations/sql/roles.sql): the owner makes tables
            raise InfrastructureError(
                f"cannot create the raw tables in schema {self.raw_schema!r} ({_first_line(exc)}): they are made by "
                "their owner; run `pewstats init --owner ROLE` as a member of that role"
            ) from exc
        except psycopg.Error as exc:
            raise InfrastructureError(
                f"cannot prepare schema {self.raw_schema!r} in PostgreSQL: {_first_line(exc)}"
            ) from exc

    def _existing(self, cur: psycopg.Cursor) -> dict[str, str]:
        """The raw schema's tables and views: name -> relkind."""
        cur.execute(
            "select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind in ('r', 'p', 'v')",
            (self.raw_schema,),
        )
        return {r[0]: r[1] for r in cur.fetchall()}

    def _ensure_schema(self) -> None:
        stored = layout.stored_tables()
        wanted = {t.name: "r" for t in stored} | {name: "v" for name in layout.COMPACT}
        wanted |= {name: "r" for name in LOCK_TABLES}
        with self.conn.transaction(), self.conn.cursor() as cur:
            # nothing to do (the usual case): take no lock, run no DDL
            existing = self._existing(cur)
            if all(existing.get(name, "").replace("p", "r") == kind for name, kind in wanted.items()):
                return
        with self.conn.transaction(), self.conn.cursor() as cur:
            if self.owner_role:  # the DDL's objects belong to the owner (until the commit)
                cur.execute(sql.SQL("set local role {}").format(sql.Identifier(self.owner_role)))
            cur.execute("select 1 from pg_namespace where nspname = %s", (self.raw_schema,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("create schema {}").format(sql.Identifier(self.raw_schema)))
            old = sorted(name for name in layout.COMPACT if self._existing(cur).get(name) in ("r", "p"))
            if old:
                raise InfrastructureError(
                    f"schema {self.raw_schema!r} has the raw tables of an older layout ({', '.join(old)} are tables, "
                    "not views over the compact tables): load into a new schema (PEWSTATS_RAW_SCHEMA), "
                    "or drop this one and load the files again"
                )
            for name in LOCK_TABLES:  # empty tables: their table locks are the pipeline's locks
                cur.execute(sql.SQL("create table if not exists {} ()").format(self._table(name)))
            self._lock_writes()
            for table in stored:
                for stmt in self._ddl(table):
                    cur.execute(stmt)
            cur.execute(self._refuse_change_ddl())
            for compact in layout.COMPACT.values():
                cur.execute(self._view_ddl(compact))
                # a view of joins cannot be changed; with this trigger a role without the
                # privilege is told "permission denied" (checked first), any other role why
                cur.execute(
                    sql.SQL(
                        "create or replace trigger {} instead of insert or update or delete on {}"
                        " for each row execute function {}.{}()"
                    ).format(sql.Identifier(f"{compact.name}__read_only"), self._table(compact.name),
                             sql.Identifier(self.raw_schema), sql.Identifier(_REFUSE_CHANGE))
                )

    # -- the primitives of Sink.write ------------------------------------------------

    @contextmanager
    def _transaction(self, path: str | None) -> Iterator[None]:
        try:
            with self.conn.transaction():
                yield
        except (psycopg.errors.DataError, psycopg.errors.IntegrityError, psycopg.errors.ProgramLimitExceeded) as exc:
            # rows the loader's checks let through but the database refuses (a value, a key,
            # an index entry too large): the file's transaction is rolled back, the file is
            # bad input, the run goes on (ProgramLimitExceeded is an OperationalError, but the
            # connection is fine: it must not read as "connection lost")
            raise BadInputError(f"the database refused the file's rows: {_first_line(exc)}") from exc
        except psycopg.OperationalError as exc:
            # the server, not the file: a lost connection, or a live one that cannot go on
            # (a full disk, out of memory, an administrator's cancel)
            what = "database connection lost" if self.conn.closed else "PostgreSQL could not go on"
            if path is None:
                raise InfrastructureError(f"{what}: {_first_line(exc)}") from exc
            raise InfrastructureError(
                f"{what} while loading {display_path(path)}: {_first_line(exc)}; "
                "nothing of that file was committed, run the load again"
            ) from exc

    def _lock_writes(self) -> None:
        take_table_lock(self.conn, self.raw_schema, WRITE_LOCK_TABLE, self.lock_timeout, "load", self.describe())

    def _is_loaded(self, sha256: str, kind: str) -> bool:
        cur = self.conn.execute(
            sql.SQL("select 1 from {} where file_sha256 = %s and kind = %s and status = %s limit 1").format(
                self._table("loaded_files")
            ),
            (sha256, kind, LOADED),
        )
        return cur.fetchone() is not None

    def _loaded_files(self, kind: str) -> list[tuple[int, str]]:
        cur = self.conn.execute(
            sql.SQL("select file_bytes, file_sha256 from {} where kind = %s and status = %s").format(
                self._table("loaded_files")
            ),
            (kind, LOADED),
        )
        return cur.fetchall()

    def _next_loaded_at(self) -> datetime:
        cur = self.conn.execute(
            sql.SQL(
                "select greatest(clock_timestamp(), coalesce(max(loaded_at), '-infinity')"
                " + interval '1 microsecond') from {}"
            ).format(self._table("loaded_files"))
        )
        (loaded_at,) = cur.fetchone()  # type: ignore[misc]
        return loaded_at

    def _delete_in(self, table: str, column: str, values: list) -> None:
        self.conn.execute(
            sql.SQL("delete from {} where {} = any(%s)").format(self._table(table), sql.Identifier(column)), (values,)
        )

    def _select_all(self, table: layout.StoredTable) -> list[tuple]:
        return self.conn.execute(
            sql.SQL("select {} from {}").format(
                sql.SQL(", ").join(map(sql.Identifier, table.column_names)), self._table(table.name)
            )
        ).fetchall()

    def _insert(self, table: schema.Table | layout.StoredTable, rows: list[tuple], tail: tuple) -> None:
        copy_sql = sql.SQL("copy {} ({}) from stdin").format(
            self._table(table.name), sql.SQL(", ").join(map(sql.Identifier, table.column_names))
        )
        with self.conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row + tail)

    def _copy_text(self, table: str, columns: list[str], data: bytes) -> None:
        copy_sql = sql.SQL("copy {} ({}) from stdin").format(
            self._table(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.conn.cursor() as cur, cur.copy(copy_sql) as copy:
            copy.write(data)

    def _supersede(self, kind: str, match_ids: list[str]) -> None:
        self.conn.execute(
            sql.SQL(
                "update {l} set status = %s where kind = %s and status = %s and load_id in"
                " (select load_id from {l} where kind = %s and status = %s and match_id = any(%s))"
            ).format(l=self._table("loaded_files")),
            (SUPERSEDED, kind, LOADED, kind, LOADED, match_ids),
        )

    # -- reading ---------------------------------------------------------------------

    def query(self, sql_text: str, params: tuple = ()) -> list[tuple]:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(sql_text, params)
            return cur.fetchall() if cur.description else []

    def close(self) -> None:
        self.conn.close()
