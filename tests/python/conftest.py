"""Shared fixtures: a real PostgreSQL database per test session, isolated schemas per test,
a DuckDB file per test, dbt run as a subprocess (its own process, its own target path),
and synthetic matches.

PostgreSQL comes from PG* environment variables (default 127.0.0.1:5432, user postgres).
If the server cannot be reached the PostgreSQL tests are skipped, unless
PEWSTATS_REQUIRE_POSTGRES=1 (CI sets it), in which case they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import timezone
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def pg_params(dbname: str | None = None) -> dict[str, object]:
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": int(os.environ.get("PGPORT", "5432")),
        "user": os.environ.get("PGUSER", "postgres"),
        "dbname": dbname or os.environ.get("PEWSTATS_TEST_ADMIN_DB", "postgres"),
    }


@pytest.fixture(scope="session")
def shared_data() -> Path:
    value = os.environ.get("PEWSTATS_SHARED_DATA")
    if not value or not Path(value).is_dir():
        pytest.skip("PEWSTATS_SHARED_DATA not set or missing: real PUBG files unavailable")
    return Path(value)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh, uniquely named database for this test session, dropped at the end."""
    try:
        admin = psycopg.connect(**pg_params(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("PEWSTATS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    name = os.environ.get("PEWSTATS_TEST_DATABASE") or f"pewstats_test_{uuid.uuid4().hex[:10]}"
    existing = admin.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
    if not existing:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    yield name
    if not os.environ.get("PEWSTATS_TEST_DATABASE"):
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
    admin.close()


@dataclass
class Target:
    """One isolated place to load and build: a target plus its own schemas and paths."""

    kind: str  # duckdb | postgres
    raw_schema: str
    schema: str
    workdir: Path
    database: str | None = None

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "pewstats.duckdb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PEWSTATS_TARGET": self.kind,
                "PEWSTATS_RAW_SCHEMA": self.raw_schema,
                "PEWSTATS_SCHEMA": self.schema,
                "PEWSTATS_DUCKDB_PATH": str(self.duckdb_path),
                "DBT_PROFILES_DIR": str(ROOT / ".pewstats-test-profiles"),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "PEWSTATS_MIN_FILE_AGE": "0",  # tests write their inbox just before `pewstats run`
            }
        )
        if self.database:
            env["PGDATABASE"] = self.database
            for k, v in pg_params(self.database).items():
                if k != "dbname":
                    env[f"PG{k.upper()}"] = str(v)
        return env

    def _run(self, what: str, cmd: list[str], cwd: Path, check: bool, timeout: float, tail: int | None = None):
        proc = subprocess.run(cmd, cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            out, err = (proc.stdout, proc.stderr) if tail is None else (proc.stdout[-2 * tail:], proc.stderr[-tail:])
            raise AssertionError(f"{what} exited {proc.returncode}\n{out}\n{err}")
        return proc

    def pewstats(self, *args: str, check: bool = False, timeout: float = 600) -> subprocess.CompletedProcess:
        return self._run(f"pewstats {' '.join(args)}", [PYTHON, "-m", "loader", *args], self.workdir, check, timeout)

    def dbt(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
        cmd = [
            PYTHON, "-c", "from dbt.cli.main import cli; cli()", *args,
            "--project-dir", str(ROOT),
            "--target-path", str(self.workdir / "target"),
            "--log-path", str(self.workdir / "logs"),
            "--target", self.kind,
        ]
        return self._run(f"dbt {' '.join(args)}", cmd, ROOT, check, timeout, tail=3000)

    def sink(self):
        from loader.config import Settings
        from loader.landing import open_sink

        settings = Settings(
            target=self.kind,
            raw_schema=self.raw_schema,
            duckdb_path=self.duckdb_path,
            pg_database=self.database or "pewstats",
            pg_host=str(pg_params()["host"]),
            pg_port=int(pg_params()["port"]),
            pg_user=str(pg_params()["user"]),
        )
        return open_sink(settings)

    def query(self, text: str, params: tuple = ()) -> list[tuple]:
        if self.kind == "postgres":
            with psycopg.connect(**pg_params(self.database)) as conn:
                cur = conn.execute(text, params)
                return cur.fetchall() if cur.description else []
        import duckdb

        with duckdb.connect(str(self.duckdb_path)) as conn:
            return conn.execute(text, list(params)).fetchall()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The test files with the most ``slow`` tests first, each file's tests in their own order.
    The test command gives each pytest-xdist worker a whole file at a time, in this order:
    the longest first, so that no worker starts a long file when the others are nearly done."""
    slow: dict[Path, int] = {}
    first: dict[Path, int] = {}
    for i, item in enumerate(items):
        first.setdefault(item.path, i)
        slow[item.path] = slow.get(item.path, 0) + (item.get_closest_marker("slow") is not None)
    items.sort(key=lambda item: (-slow[item.path], first[item.path]))  # stable: a file's order kept


@pytest.fixture(scope="session", autouse=True)
def test_profiles() -> None:
    """dbt profiles for subprocess runs: profiles.example.yml exactly as shipped."""
    d = ROOT / ".pewstats-test-profiles"
    d.mkdir(exist_ok=True)
    # written aside and moved into place: a second pytest (the test command runs the Spark proof
    # beside the rest) may be reading it
    tmp = d / f"profiles.yml.{os.getpid()}"
    tmp.write_bytes((ROOT / "profiles.example.yml").read_bytes())
    os.replace(tmp, d / "profiles.yml")


def _unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def pg_target(pg_database: str, tmp_path: Path) -> Target:
    u = _unique()
    return Target("postgres", f"raw_{u}", f"analytics_{u}", tmp_path, database=pg_database)


@pytest.fixture
def duck_target(tmp_path: Path) -> Target:
    return Target("duckdb", "raw", "analytics", tmp_path)


@pytest.fixture(params=["postgres", "duckdb"])
def any_target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    if request.param == "postgres":
        db = request.getfixturevalue("pg_database")
        u = _unique()
        return Target("postgres", f"raw_{u}", f"analytics_{u}", tmp_path, database=db)
    return Target("duckdb", "raw", "analytics", tmp_path)


@pytest.fixture(scope="session")
def small_season(tmp_path_factory: pytest.TempPathFactory):
    """Six small synthetic matches (scale 0.1), shared read-only by tests."""
    from loader.synth import generate_season

    out = tmp_path_factory.mktemp("season")
    return generate_season(out, 6, seed=7, scale=0.1)


# The load times differ between two loads of the same files; every other column of a mart is
# the same on every engine.
MART_LOAD_TIMES = ("loaded_at", "stats_updated_at")


def comparable(value: object) -> object:
    """A mart value as engines agree on it: decimals exactly (whatever their scale), floats to 4
    decimals (engines sum floats in their own order), times as UTC ISO text."""
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return round(value, 4)
    if hasattr(value, "astimezone"):
        return value.astimezone(timezone.utc).isoformat()
    return value


def comparable_rows(rows: list[tuple]) -> list[tuple]:
    return sorted((tuple(comparable(v) for v in r) for r in rows), key=repr)


def mart_columns(target: Target, mart: str) -> list[str]:
    """The columns of a built mart but the load times, in table order."""
    mark = "%s" if target.kind == "postgres" else "?"
    cols = target.query(
        "select column_name from information_schema.columns"
        f" where table_schema = {mark} and table_name = {mark} order by ordinal_position",
        (target.schema, mart),
    )
    return [c for (c,) in cols if c not in MART_LOAD_TIMES]


def mart_rows(target: Target, mart: str) -> list[tuple]:
    """A mart's rows (every column but the load times), comparable across engines."""
    return comparable_rows(target.query(f'select {", ".join(mart_columns(target, mart))} from "{target.schema}".{mart}'))
