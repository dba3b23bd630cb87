"""docs/operations/sql/roles.sql applied with roles of unique names, dropped afterwards with
everything they own (the tests leave no role behind on the server), and targets that run
pewstats and dbt as one of those roles."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from conftest import ROOT, Target, pg_params

ROLES_SQL = ROOT / "docs" / "operations" / "sql" / "roles.sql"
JOBS = ("raw_owner", "owner", "loader", "transformer", "reader", "runner")


def psql(database: str, *args: str) -> subprocess.CompletedProcess:
    if shutil.which("psql") is None:
        raise AssertionError("these tests apply roles.sql with psql: install the PostgreSQL client (apt install postgresql-client)")
    p = pg_params(database)
    return subprocess.run(
        ["psql", "-X", "-q", "-h", str(p["host"]), "-p", str(p["port"]), "-U", str(p["user"]), "-d", database,
         "-v", "ON_ERROR_STOP=1", *args],
        capture_output=True, text=True,
    )


@dataclass
class Roles:
    """One deployment's roles (``<prefix>_loader``, ...) and schemas in a test database."""

    database: str
    prefix: str
    raw: str
    marts: str
    extra_env: dict[str, str] = field(default_factory=dict)

    def name(self, job: str) -> str:
        return f"{self.prefix}_{job}"

    @property
    def dbt_schemas(self) -> list[str]:
        return [self.marts, f"{self.marts}_staging", f"{self.marts}_intermediate", f"{self.marts}_seeds"]

    def target(self, job: str, workdir: Path) -> "RoleTarget":
        """pewstats and dbt as the role of ``job``, dbt building as the owner (PEWSTATS_DBT_ROLE)."""
        workdir.mkdir(parents=True, exist_ok=True)
        env = {"PGUSER": self.name(job), "PEWSTATS_DBT_ROLE": self.name("owner"), **self.extra_env}
        return RoleTarget("postgres", self.raw, self.marts, workdir, database=self.database, role_env=env)

    def connect(self, job: str, **kwargs) -> psycopg.Connection:
        params = pg_params(self.database)
        params["user"] = self.name(job)
        return psycopg.connect(**params, **kwargs)

    def error_as(self, job: str, *statements: str) -> str | None:
        """Run statements as a role in one transaction; the error's text, or None if they worked."""
        try:
            with self.connect(job) as conn:
                for statement in statements:
                    conn.execute(statement)
            return None
        except psycopg.Error as exc:
            return str(exc)

    def owners(self, schemas: list[str]) -> set[str]:
        """Owners of the schemas and of every relation in them."""
        with psycopg.connect(**pg_params(self.database)) as conn:
            rows = conn.execute(
                "select pg_get_userbyid(nspowner) from pg_namespace where nspname = any(%s)"
                " union select pg_get_userbyid(c.relowner) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = any(%s)",
                (schemas, schemas),
            ).fetchall()
        return {r[0] for r in rows}

    def owned_by(self, job: str) -> int:
        """Schemas, relations and functions of this database the role owns."""
        with psycopg.connect(**pg_params(self.database)) as conn:
            (n,) = conn.execute(
                "select (select count(*) from pg_class where relowner = r.oid)"
                " + (select count(*) from pg_namespace where nspowner = r.oid)"
                " + (select count(*) from pg_proc where proowner = r.oid)"
                " from pg_roles r where rolname = %s",
                (self.name(job),),
            ).fetchone()
        return n


@dataclass
class RoleTarget(Target):
    role_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(self.role_env)
        return env


def run_roles_sql(roles: Roles) -> subprocess.CompletedProcess:
    return psql(roles.database, "-v", f"prefix={roles.prefix}", "-v", f"raw={roles.raw}", "-v", f"marts={roles.marts}",
                "-f", str(ROLES_SQL))


def apply_roles(database: str) -> Roles:
    u = uuid.uuid4().hex[:8]
    roles = Roles(database, prefix=f"pwt{u}", raw=f"raw_{u}", marts=f"an_{u}")
    proc = run_roles_sql(roles)
    if proc.returncode != 0:
        drop_roles(roles)
        raise AssertionError(f"roles.sql failed: {proc.stderr}")
    return roles


@pytest.fixture
def fresh_roles(pg_database: str):
    """roles.sql applied, nothing else; dropped afterwards."""
    roles = apply_roles(pg_database)
    try:
        yield roles
    finally:
        drop_roles(roles)


def drop_roles(roles: Roles) -> None:
    """Drop the roles and everything they own or were granted in the test database."""
    names = [roles.name(job) for job in JOBS]
    with psycopg.connect(**pg_params(roles.database), autocommit=True) as conn:
        # sessions of these roles (a failed test may leave one) would keep their objects busy
        conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where usename = any(%s)", (names,))
        existing = [r[0] for r in conn.execute("select rolname from pg_roles where rolname = any(%s)", (names,))]
        for name in existing:  # one at a time (all at once trips over the default privileges)
            conn.execute(sql.SQL("drop owned by {} cascade").format(sql.Identifier(name)))
        for name in existing:
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))
        left = conn.execute("select count(*) from pg_roles where rolname = any(%s)", (names,)).fetchone()[0]
    assert left == 0, f"roles left behind: {names}"


def make_inbox(root: Path, matches) -> Path:
    """An inbox with the telemetry and match object of each match."""
    inbox = root / "inbox"
    for m in matches:
        for kind, path in (("telemetry", m.telemetry_path), ("matches", m.match_path)):
            (inbox / kind).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, inbox / kind / path.name)
    return inbox


def run_args(root: Path, *extra: str) -> list[str]:
    return ["run", "--inbox", str(root / "inbox"), "--archive", str(root / "archive"),
            "--quarantine", str(root / "quarantine"), "--summary", str(root / "run-summary.json"), *extra]


@dataclass
class Deployment:
    roles: Roles
    root: Path
    matches: list


@pytest.fixture(scope="session")
def deployment(pg_database: str, small_season, tmp_path_factory: pytest.TempPathFactory):
    """roles.sql applied; the raw tables made by the admin as the raw owner (`pewstats init
    --owner`); cron's first `pewstats run` (as the runner) loaded a match and built."""
    roles = apply_roles(pg_database)
    try:
        root = tmp_path_factory.mktemp("deployment")
        admin = Target("postgres", roles.raw, roles.marts, root, database=pg_database)
        admin.pewstats("init", "--owner", roles.name("raw_owner"), check=True)
        make_inbox(root, small_season[:1])
        roles.target("runner", root).pewstats(*run_args(root), check=True)
        yield Deployment(roles, root, list(small_season))
    finally:
        drop_roles(roles)
