"""The test command's PostgreSQL database: create it, or drop it (psycopg; no psql needed).

    python scripts/pg_database.py create NAME   # creates NAME unless it exists
    python scripts/pg_database.py drop NAME     # drops NAME if it exists (with force)

The server comes from the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD; libpq also reads
~/.pgpass); the statements run in the `postgres` database. A failure is one line on stderr
that says what to do, and exit code 3 (infrastructure).
"""

from __future__ import annotations

import os
import sys

import psycopg
from psycopg import sql

INFRASTRUCTURE = 3


def server() -> str:
    env = os.environ
    return f"{env.get('PGUSER', 'postgres')}@{env.get('PGHOST', '127.0.0.1')}:{env.get('PGPORT', '5432')}"


def admin_connection() -> psycopg.Connection:
    env = os.environ
    return psycopg.connect(
        host=env.get("PGHOST", "127.0.0.1"),
        port=int(env.get("PGPORT", "5432")),
        user=env.get("PGUSER", "postgres"),
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
        application_name="pewstats-test-script",
    )


def create(name: str) -> None:
    with admin_connection() as conn:
        if conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def drop(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("create", "drop"):
        print("usage: python scripts/pg_database.py create|drop NAME", file=sys.stderr)
        return 2
    action, name = argv
    try:
        (create if action == "create" else drop)(name)
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if not reason.endswith((".", "?", "!")):
            reason += "."
        print(
            f"error: cannot {action} database {name!r} on PostgreSQL {server()}: {reason} The tests need a "
            "PostgreSQL server where this user may create databases: start one, or point PGHOST, PGPORT, "
            "PGUSER (and PGPASSWORD) at one.",
            file=sys.stderr,
        )
        return INFRASTRUCTURE
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
