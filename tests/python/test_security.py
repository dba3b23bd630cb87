"""Security: identifiers from user options are quoted, never spliced; the operations roles
(docs/operations/sql/roles.sql) give each component only what it needs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from conftest import ROOT, Target, pg_params

ROLES_SQL = ROOT / "docs" / "operations" / "sql" / "roles.sql"


def test_hostile_schema_name_is_a_quoted_identifier(pg_database: str, small_season, tmp_path: Path) -> None:
    schema = 'raw"; drop table if exists canary; --'
    with psycopg.connect(**pg_params(pg_database), autocommit=True) as conn:
        conn.execute("create table if not exists canary (x int)")
    t = Target("postgres", schema, "analytics_hostile", tmp_path, database=pg_database)
    t.pewstats("load", "telemetry", str(small_season[0].telemetry_path), check=True)
    with psycopg.connect(**pg_params(pg_database)) as conn:
        tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = %s", (schema,)
        ).fetchone()[0]
        canary = conn.execute("select to_regclass('public.canary')").fetchone()[0]
    assert tables >= 10
    assert canary is not None


def psql(database: str, *args: str) -> subprocess.CompletedProcess:
    p = pg_params(database)
    return subprocess.run(
        ["psql", "-h", str(p["host"]), "-p", str(p["port"]), "-U", str(p["user"]), "-d", database, "-v", "ON_ERROR_STOP=1", *args],
        capture_output=True, text=True,
    )


def as_role(database: str, role: str, query: str) -> str | None:
    """Run a statement as a role; return the error message, or None if it worked."""
    params = pg_params(database)
    params["user"] = role
    try:
        with psycopg.connect(**params) as conn:
            conn.execute(query)
        return None
    except psycopg.Error as exc:
        return str(exc)


@pytest.mark.slow
def test_roles_reader_cannot_write_and_loader_cannot_touch_marts(pg_database: str, small_season, tmp_path: Path) -> None:
    raw, marts = "raw_roles", "analytics_roles"
    proc = psql(pg_database, "-v", f"raw={raw}", "-v", f"marts={marts}", "-f", str(ROLES_SQL))
    assert proc.returncode == 0, proc.stderr
    loader = Target("postgres", raw, marts, tmp_path, database=pg_database)
    env_loader = {"PGUSER": "pewstats_loader"}
    env_transformer = {"PGUSER": "pewstats_transformer"}

    def run(target: Target, extra: dict[str, str], *args: str, dbt: bool = False) -> None:
        import os

        saved = {k: os.environ.get(k) for k in extra}
        os.environ.update(extra)
        try:
            (target.dbt(*args) if dbt else target.pewstats(*args, check=True))
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    run(loader, env_loader, "load", "telemetry", "--detect-fights", str(small_season[0].telemetry_path))
    run(loader, env_loader, "load", "matches", str(small_season[0].match_path))
    run(loader, env_transformer, "build", dbt=True)

    # the web API's role reads the marts, and nothing else
    assert as_role(pg_database, "pewstats_reader", f"select count(*) from {marts}.player_damage_stats") is None
    err = as_role(pg_database, "pewstats_reader", f"delete from {marts}.player_damage_stats")
    assert err and "permission denied" in err
    err = as_role(pg_database, "pewstats_reader", f"select count(*) from {raw}.log_player_take_damage")
    assert err and "permission denied" in err
    # the loader writes raw, and cannot touch the marts
    err = as_role(pg_database, "pewstats_loader", f"select count(*) from {marts}.fights")
    assert err and "permission denied" in err
    err = as_role(pg_database, "pewstats_loader", f"drop table {marts}.fights")
    assert err and ("permission denied" in err or "must be owner" in err)
    # the cron role (member of loader and transformer) reads and writes both, nothing else
    assert as_role(pg_database, "pewstats_runner", f"select count(*) from {raw}.log_player_take_damage") is None
    assert as_role(pg_database, "pewstats_runner", f"select count(*) from {marts}.fights") is None
    # the transformer reads raw but cannot change it
    err = as_role(pg_database, "pewstats_transformer", f"delete from {raw}.log_player_take_damage")
    assert err and "permission denied" in err
