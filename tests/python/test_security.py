"""Security: identifiers are quoted, never spliced (and names from settings refused outside a
safe pattern: test_roles.py); the operations roles (docs/operations/sql/roles.sql, applied
under unique names and dropped afterwards) give each component only what it needs."""

from __future__ import annotations

import psycopg
import pytest

from conftest import pg_params
from loader.landing.postgres import PostgresSink
from pgroles import Deployment, deployment  # noqa: F401  (deployment: a fixture)


def test_hostile_schema_name_is_a_quoted_identifier(pg_database: str) -> None:
    # the settings refuse such a name (loader.config.check_name); the sink quotes every
    # identifier anyway, so a name that got past them would still be a name
    schema = 'raw"; drop table if exists canary; --'
    with psycopg.connect(**pg_params(pg_database), autocommit=True) as conn:
        conn.execute("create table if not exists canary (x int)")
    p = pg_params(pg_database)
    sink = PostgresSink(raw_schema=schema, host=p["host"], port=p["port"], user=p["user"], dbname=pg_database)
    try:
        sink.ensure_schema()
    finally:
        sink.close()
    with psycopg.connect(**pg_params(pg_database), autocommit=True) as conn:
        tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = %s", (schema,)
        ).fetchone()[0]
        canary = conn.execute("select to_regclass('public.canary')").fetchone()[0]
        conn.execute(psycopg.sql.SQL("drop schema {} cascade").format(psycopg.sql.Identifier(schema)))
    assert tables >= 10
    assert canary is not None


@pytest.mark.slow
def test_roles_reader_cannot_write_and_loader_cannot_touch_marts(deployment: Deployment, tmp_path) -> None:
    r = deployment.roles
    raw, marts = r.raw, r.marts
    # the documented manual build, as the transformer
    r.target("transformer", tmp_path).pewstats("dbt", "build", check=True)

    def denied(job: str, statement: str) -> bool:
        err = r.error_as(job, statement)
        return err is not None and ("permission denied" in err or "must be owner" in err)

    # the web API's role reads the marts, and nothing else
    assert r.error_as("reader", f"select count(*) from {marts}.player_damage_stats") is None
    assert denied("reader", f"delete from {marts}.player_damage_stats")
    assert denied("reader", f"select count(*) from {raw}.log_player_take_damage")
    assert denied("reader", f"select count(*) from {marts}_intermediate.int_player_matches")
    assert denied("reader", f"create table {marts}.mine (x int)")
    # the loader writes raw, and cannot touch the marts
    assert denied("loader", f"select count(*) from {marts}.fights")
    assert denied("loader", f"drop table {marts}.fights")
    # the cron role (member of loader and transformer) reads and writes both, nothing else
    assert r.error_as("runner", f"select count(*) from {raw}.log_player_take_damage") is None
    assert r.error_as("runner", f"select count(*) from {marts}.fights") is None
    # the transformer reads raw but cannot change it
    assert denied("transformer", f"delete from {raw}.log_player_take_damage")
    # (log_player_take_damage is a view over the compact table log_player_take_damage__rows)
    assert denied("transformer", f"drop view {raw}.log_player_take_damage")
    assert denied("transformer", f"drop table {raw}.log_player_take_damage__rows")
    assert denied("transformer", f"delete from {raw}.log_player_take_damage__rows")
