"""The roles hold (issue 17), tried as an adversary would, on a real PostgreSQL server with
docs/operations/sql/roles.sql applied under unique role names (dropped afterwards):

1. the loader cannot run code as the role that builds the marts;
2. only the pipeline's roles can take the pipeline's locks, and a wait for one is bounded;
3. schema and role names from settings are refused outside a safe pattern, by the loader and
   by dbt itself;
4. whichever documented role runs dbt, one role owns what it builds;
5. a manual `pewstats dbt build` beside a `pewstats run` refuses (or waits, bounded).
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import psycopg
import pytest

from conftest import Target, pg_params
from loader import exitcodes
from loader.config import Settings
from loader.formats import layout, tables
from loader.landing.locks import RUN_LOCK_TABLE, WRITE_LOCK_TABLE, run_lock
from pgroles import (  # noqa: F401  (deployment, fresh_roles: fixtures)
    Deployment, Roles, RoleTarget, deployment, fresh_roles, make_inbox, run_args, run_roles_sql,
)

pytestmark = pytest.mark.slow


def denied(err: str | None) -> bool:
    return err is not None and ("permission denied" in err or "must be owner" in err)


# -- 1. the loader cannot run code as the builder ----------------------------------------------


def test_loader_cannot_run_code_as_the_builder(deployment: Deployment) -> None:
    r = deployment.roles
    damage = f"{r.raw}.{tables.ALL_TABLES[0].name}"
    # the attack of issue 17: a function of the loader's, behind a view in a raw table's place,
    # which the next build (as the runner) would have run with the runner's rights
    attack = (
        f"create function {r.raw}.grab() returns int language sql security invoker as $$ select 1 $$",
        f"alter table {damage} rename to hidden",
        f"create view {r.raw}.hijack as select * from {damage}",
    )
    for statement in attack:
        assert denied(r.error_as("loader", statement)), statement
    # and every other way found to place code or objects where the builder looks
    other_routes = {
        "drop the raw table": f"drop table {damage}",
        "a table of its own in raw": f"create table {r.raw}.mine (x int)",
        "a trigger on a raw table": (
            "create function pg_temp.t() returns trigger language plpgsql as $$ begin return new; end $$",
            f"create trigger mine before insert on {damage} for each row execute function pg_temp.t()",
        ),
        "a rule on a raw table": f"create rule mine as on insert to {damage} do also notify x",
        "row security on a raw table": f"alter table {damage} enable row level security",
        "a schema of its own": "create schema mine",
        "a function in public (on the builder's search_path)": "create function public.grab() returns int language sql as $$ select 1 $$",
        "truncate (not a row right)": f"truncate {damage}",
        "a dbt schema": f"create table {r.marts}_staging.mine (x int)",
        "the marts' rows": f"delete from {r.marts}.fights",
        "become the owner": f"set role {r.name('raw_owner')}",
        "become the builder": f"set role {r.name('owner')}",
    }
    for route, statements in other_routes.items():
        statements = (statements,) if isinstance(statements, str) else statements
        assert denied(r.error_as("loader", *statements)), route
    # what it is for still works: row rights on the raw tables
    assert r.error_as("loader", f"select count(*) from {damage}", f"delete from {damage} where false") is None
    # the loader owns nothing; raw belongs to the raw owner, dbt's schemas to the builder
    assert r.owned_by("loader") == 0 and r.owned_by("runner") == 0 and r.owned_by("transformer") == 0
    assert r.owners([r.raw]) == {r.name("raw_owner")}
    assert r.owners(r.dbt_schemas) == {r.name("owner")}
    # and the next cron run, reading raw, still builds the marts, with the loader still shut out
    make_inbox(deployment.root, deployment.matches[1:2])
    proc = r.target("runner", deployment.root).pewstats(*run_args(deployment.root))
    assert proc.returncode == exitcodes.OK, proc.stderr[-3000:]
    assert denied(r.error_as("loader", f"delete from {r.marts}.player_damage_stats"))
    assert denied(r.error_as("loader", f"select count(*) from {r.marts}.fights"))


def test_a_new_raw_table_is_made_by_its_owner_not_by_the_loader(deployment: Deployment, tmp_path: Path) -> None:
    # a loader finding a raw table missing (a new version's table) says who makes it
    r = deployment.roles
    table = tables.ALL_TABLES[-1].name
    with psycopg.connect(**pg_params(r.database), autocommit=True) as conn:
        conn.execute(f"alter table {r.raw}.{table} rename to hidden_for_the_test")
    try:
        proc = r.target("loader", tmp_path).pewstats("load", "matches", str(deployment.matches[2].match_path))
    finally:
        with psycopg.connect(**pg_params(r.database), autocommit=True) as conn:
            conn.execute(f"alter table {r.raw}.hidden_for_the_test rename to {table}")
    assert proc.returncode == exitcodes.INFRASTRUCTURE, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "pewstats init --owner" in lines[0], proc.stderr


def test_roles_sql_takes_back_what_an_earlier_version_let_others_own(fresh_roles: Roles, tmp_path: Path) -> None:
    # the layout of the earlier roles.sql: raw and its tables owned by the loader, dbt's
    # objects by whichever role built first
    r = fresh_roles
    admin = Target("postgres", r.raw, r.marts, tmp_path, database=r.database)
    admin.pewstats("init", "--owner", r.name("raw_owner"), check=True)
    with psycopg.connect(**pg_params(r.database), autocommit=True) as conn:
        conn.execute(f"alter schema {r.raw} owner to {r.name('loader')}")
        for t in layout.stored_tables():  # its tables (the views over the compact ones came later)
            conn.execute(f"alter table {r.raw}.{t.name} owner to {r.name('loader')}")
        conn.execute(f"create view {r.marts}_staging.stg_old as select 1 as x")
        conn.execute(f"alter view {r.marts}_staging.stg_old owner to {r.name('runner')}")
    proc = run_roles_sql(r)
    assert proc.returncode == 0, proc.stderr
    assert r.owned_by("loader") == 0 and r.owned_by("runner") == 0
    assert r.owners([r.raw]) == {r.name("raw_owner")}
    assert r.owners(r.dbt_schemas) == {r.name("owner")}
    # what such a loader may have left in raw stops the script, named
    with psycopg.connect(**pg_params(r.database), autocommit=True) as conn:
        conn.execute(f"create function {r.raw}.planted() returns int language sql as $$ select 1 $$")
    proc = run_roles_sql(r)
    assert proc.returncode != 0
    assert f"schema {r.raw} holds objects that are not tables: planted" in proc.stderr


# -- 2. locks only the pipeline's roles can take; bounded waits ---------------------------------


def test_the_reader_cannot_take_the_pipelines_locks(deployment: Deployment) -> None:
    r = deployment.roles
    for table in (RUN_LOCK_TABLE, WRITE_LOCK_TABLE):
        assert denied(r.error_as("reader", f"lock table {r.raw}.{table} in exclusive mode nowait")), table
        assert denied(r.error_as("reader", f"lock table {r.raw}.{table} in access share mode")), table
        assert denied(r.error_as("reader", f"select * from {r.raw}.{table} for update")), table
    # the builder reads raw but takes only the run lock; the loader takes both
    assert r.error_as("transformer", f"lock table {r.raw}.{RUN_LOCK_TABLE} in exclusive mode nowait") is None
    assert denied(r.error_as("transformer", f"lock table {r.raw}.{WRITE_LOCK_TABLE} in exclusive mode nowait"))
    for table in (RUN_LOCK_TABLE, WRITE_LOCK_TABLE):
        assert r.error_as("loader", f"lock table {r.raw}.{table} in exclusive mode nowait") is None
    # nor can the reader stop the pipeline as issue 17 did: holding the advisory locks that were
    # the run and load locks makes no difference now
    keys = [advisory_key(f"pewstats:{lock}:{r.raw}") for lock in ("run", "load")]
    make_inbox(deployment.root, deployment.matches[4:5])
    with r.connect("reader", autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(k) from unnest(%s::bigint[]) as k", (keys,))
        proc = r.target("runner", deployment.root).pewstats(*run_args(deployment.root, "--lock-timeout", "1"))
    assert proc.returncode == exitcodes.OK, proc.stderr[-3000:]


def advisory_key(name: str) -> int:
    """The key of the advisory locks the loader took before (loader/landing/locks.py's history)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def test_a_held_run_lock_makes_a_second_run_exit_5_after_the_timeout(deployment: Deployment, tmp_path: Path) -> None:
    r = deployment.roles
    make_inbox(tmp_path, deployment.matches[3:4])
    with r.connect("transformer") as holder:  # a manual build's lock
        holder.execute(f"lock table {r.raw}.{RUN_LOCK_TABLE} in exclusive mode")
        t0 = time.monotonic()
        proc = r.target("runner", tmp_path).pewstats(*run_args(tmp_path, "--lock-timeout", "2"))
        waited = time.monotonic() - t0
    assert proc.returncode == exitcodes.LOCKED, proc.stderr
    assert "another pewstats run holds the lock" in proc.stderr and "gave up after 2s" in proc.stderr
    assert waited >= 2
    assert len(list((tmp_path / "inbox").rglob("*.json*"))) == 2  # nothing was touched


def test_a_held_write_lock_makes_load_give_up_after_the_timeout(deployment: Deployment, tmp_path: Path) -> None:
    r = deployment.roles
    # a new version of a loaded match (same telemetry, gzipped again: other bytes)
    telemetry = tmp_path / deployment.matches[0].telemetry_path.name
    telemetry.write_bytes(gzip.compress(gzip.decompress(deployment.matches[0].telemetry_path.read_bytes()), mtime=1))
    ledger = f"select count(*) from {r.raw}.loaded_files"
    with psycopg.connect(**pg_params(r.database)) as conn:
        before = conn.execute(ledger).fetchone()[0]
    with r.connect("loader") as holder:  # another loader's transaction
        holder.execute(f"lock table {r.raw}.{WRITE_LOCK_TABLE} in exclusive mode")
        t0 = time.monotonic()
        proc = r.target("loader", tmp_path).pewstats("load", "telemetry", "--lock-timeout", "2", str(telemetry))
        waited = time.monotonic() - t0
    assert proc.returncode == exitcodes.LOCKED, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "another pewstats load holds the lock" in errors[0] and "gave up after 2s" in errors[0]
    assert 2 <= waited < 60
    with psycopg.connect(**pg_params(r.database)) as conn:
        assert conn.execute(ledger).fetchone()[0] == before  # nothing landed, nothing recorded
    # and once the lock is free the same load goes through
    proc = r.target("loader", tmp_path).pewstats("load", "telemetry", str(telemetry))
    assert proc.returncode == exitcodes.OK and "1 loaded" in proc.stderr, proc.stderr


def test_the_run_lock_holds_back_no_vacuum(deployment: Deployment) -> None:
    # the run lock's transaction, open for the whole run, took only the table lock: no
    # snapshot, no transaction id (so vacuum is not held back)
    r = deployment.roles
    p = pg_params(r.database)
    settings = Settings(target="postgres", raw_schema=r.raw, pg_host=str(p["host"]), pg_port=int(p["port"]),
                        pg_user=r.name("runner"), pg_database=r.database)
    with run_lock(settings):
        assert lock_holders(r, RUN_LOCK_TABLE) == [r.name("runner")]
        with psycopg.connect(**pg_params(r.database)) as conn:
            rows = conn.execute(
                "select state, backend_xid, backend_xmin from pg_stat_activity where usename = %s", (r.name("runner"),)
            ).fetchall()
    assert rows == [("idle in transaction", None, None)]
    assert lock_holders(r, RUN_LOCK_TABLE) == []


# -- 3. names from settings -------------------------------------------------------------------


UNSAFE = ['analytics"; drop table if exists public.canary; --', "Analytics", "my analytics"]


@pytest.fixture
def canary(pg_database: str):
    with psycopg.connect(**pg_params(pg_database), autocommit=True) as conn:
        conn.execute("create table if not exists public.canary (x int)")
    yield
    with psycopg.connect(**pg_params(pg_database)) as conn:
        assert conn.execute("select to_regclass('public.canary')").fetchone()[0] is not None


def schema_names(database: str) -> set[str]:
    with psycopg.connect(**pg_params(database)) as conn:
        return {r[0] for r in conn.execute("select nspname from pg_namespace")}


@pytest.mark.parametrize("name", UNSAFE)
def test_unsafe_schema_names_are_refused_by_the_loader(pg_target: Target, canary, name: str, small_season) -> None:
    before = schema_names(pg_target.database)
    for variable, command in (
        ("PEWSTATS_SCHEMA", ("dbt", "build")),
        ("PEWSTATS_SCHEMA", ("run", "--inbox", "inbox")),
        ("PEWSTATS_RAW_SCHEMA", ("load", "matches", str(small_season[0].match_path))),
        ("PEWSTATS_RAW_SCHEMA", ("init",)),
        ("PEWSTATS_DBT_ROLE", ("dbt", "build")),
    ):
        target = RoleTarget(pg_target.kind, pg_target.raw_schema, pg_target.schema, pg_target.workdir,
                            pg_target.database, role_env={variable: name})
        proc = target.pewstats(*command)
        assert proc.returncode == exitcodes.USAGE, (command, proc.stderr)
        assert proc.stderr.strip().splitlines() == [
            f"error: {variable}={name!r} is not a safe name: use 1-63 lowercase letters, digits and _, not starting with a digit"
        ], proc.stderr
    assert schema_names(pg_target.database) == before


@pytest.mark.parametrize("name", UNSAFE[:2])
def test_unsafe_schema_names_are_refused_by_dbt_itself(pg_target: Target, canary, name: str) -> None:
    # dbt run directly (not through pewstats): the project refuses while it parses, before it
    # connects, makes a schema or runs a hook
    before = schema_names(pg_target.database)
    target = Target(pg_target.kind, pg_target.raw_schema, name, pg_target.workdir, pg_target.database)
    proc = target.dbt("build", check=False)
    assert proc.returncode != 0
    assert "PEWSTATS_SCHEMA=" in proc.stdout and "is not a safe name" in proc.stdout, proc.stdout[-3000:]
    assert schema_names(pg_target.database) == before


def test_a_hostile_raw_schema_name_cannot_reach_dbt(pg_target: Target, canary) -> None:
    target = Target(pg_target.kind, 'raw"; drop table if exists public.canary; --', pg_target.schema, pg_target.workdir,
                    pg_target.database)
    proc = target.dbt("build", check=False)
    assert proc.returncode != 0
    assert "PEWSTATS_RAW_SCHEMA=" in proc.stdout and "is not a safe name" in proc.stdout, proc.stdout[-3000:]


# -- 4. one owner for what dbt builds -----------------------------------------------------------


def test_transformer_builds_after_the_runner_and_the_runner_after_the_transformer(
    deployment: Deployment, tmp_path: Path
) -> None:
    r = deployment.roles
    # the README's manual build, after cron built the marts
    proc = r.target("transformer", tmp_path / "manual").pewstats("dbt", "build")
    assert proc.returncode == exitcodes.OK, proc.stdout[-3000:]
    # and cron's next run after the manual build, with a new match to build
    make_inbox(tmp_path, deployment.matches[5:6])
    proc = r.target("runner", tmp_path).pewstats(*run_args(tmp_path))
    assert proc.returncode == exitcodes.OK, proc.stderr[-3000:]
    assert r.owners(r.dbt_schemas) == {r.name("owner")}
    assert r.owned_by("transformer") == 0 and r.owned_by("runner") == 0
    # the reader sees the marts the two built
    with r.connect("reader") as conn:
        assert conn.execute(f"select count(*) from {r.marts}.player_damage_stats").fetchone()[0] > 0


# -- 5. a manual build beside a run -------------------------------------------------------------


def lock_holders(r, table: str) -> list[str]:
    with psycopg.connect(**pg_params(r.database)) as conn:
        rows = conn.execute(
            "select a.usename from pg_locks l join pg_stat_activity a on a.pid = l.pid"
            " where l.relation = to_regclass(%s) and l.mode = 'ExclusiveLock' and l.granted",
            (f"{r.raw}.{table}",),
        ).fetchall()
    return [row[0] for row in rows]


def waiting_for(r, table: str) -> int:
    with psycopg.connect(**pg_params(r.database)) as conn:
        return conn.execute(
            "select count(*) from pg_locks where relation = to_regclass(%s) and not granted", (f"{r.raw}.{table}",)
        ).fetchone()[0]


def test_a_manual_build_during_a_run_refuses_and_one_with_time_waits(deployment: Deployment, tmp_path: Path) -> None:
    import subprocess
    import sys

    r = deployment.roles
    root = tmp_path / "cron"
    make_inbox(root, deployment.matches[2:4])
    runner = r.target("runner", root)
    run = subprocess.Popen([sys.executable, "-m", "loader", *run_args(root)], cwd=root, env=runner.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while r.name("runner") not in lock_holders(r, RUN_LOCK_TABLE):
            assert run.poll() is None and time.monotonic() < deadline, "the run never held the run lock"
            time.sleep(0.05)
        manual = r.target("transformer", tmp_path / "manual").pewstats("dbt", "build", "--lock-timeout", "1")
        assert run.poll() is None  # the run was still going: the refusal was beside it
    finally:
        out, err = run.communicate(timeout=900)
    assert manual.returncode == exitcodes.LOCKED, manual.stdout[-2000:] + manual.stderr
    lines = manual.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: another pewstats run holds the lock"), manual.stderr
    assert run.returncode == exitcodes.OK, err[-3000:]

    # with a longer --lock-timeout the manual build waits for the run, then builds
    with r.connect("runner") as holder:  # a run in progress
        holder.execute(f"lock table {r.raw}.{RUN_LOCK_TABLE} in exclusive mode")
        transformer = r.target("transformer", tmp_path / "manual")
        build = subprocess.Popen([sys.executable, "-m", "loader", "dbt", "build", "--lock-timeout", "300"],
                                 cwd=transformer.workdir, env=transformer.env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while waiting_for(r, RUN_LOCK_TABLE) == 0:
            assert build.poll() is None and time.monotonic() < deadline, build.communicate()
            time.sleep(0.05)
    out, err = build.communicate(timeout=900)
    assert build.returncode == exitcodes.OK, out[-3000:] + err


def test_duckdb_manual_build_waits_for_the_run_lock_then_gives_up(duck_target: Target, tmp_path: Path) -> None:
    import fcntl

    with open(str(duck_target.duckdb_path) + ".run.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        t0 = time.monotonic()
        proc = duck_target.pewstats("dbt", "build", "--lock-timeout", "1")
        waited = time.monotonic() - t0
    assert proc.returncode == exitcodes.LOCKED, proc.stderr
    assert proc.stderr.startswith("error: another pewstats run holds") and "gave up after 1s" in proc.stderr
    assert waited >= 1
