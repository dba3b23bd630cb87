"""Where things are: the target database, the raw schema, the dbt project.

Everything comes from options or environment variables (the same ones
``profiles.example.yml`` reads), never from files with secrets in them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from loader.errors import PewstatsError

TARGETS = ("duckdb", "postgres", "spark")
MIB = 1 << 20


@dataclass(frozen=True)
class ReadLimits:
    """What one input file may hold once inflated: the bound that stops a gzip bomb.

    A real PUBG telemetry file inflates to about 30-40 MB single-line (60 MB pretty-printed)
    and its largest event (``LogMatchEnd`` or ``LogMatchStart`` of 100 players) is about
    100 KB; the defaults leave an order of magnitude above both and keep a reader's memory
    under about 3 x ``max_event_mib`` however the bytes are laid out.
    """

    max_inflate_mib: int = 512  # JSON bytes one file (and each of its gzip layers) may inflate to
    max_event_mib: int = 16  # bytes of one event's text, whitespace inside it included

    def __post_init__(self) -> None:
        if self.max_inflate_mib < 1 or self.max_event_mib < 1:
            raise PewstatsError("--max-inflate-mib and --max-event-mib must be at least 1")

    @property
    def max_inflate_bytes(self) -> int:
        return self.max_inflate_mib * MIB

    @property
    def max_event_bytes(self) -> int:
        return self.max_event_mib * MIB

    @classmethod
    def from_env(cls, max_inflate_mib: int | None = None, max_event_mib: int | None = None) -> "ReadLimits":
        """Options first, then PEWSTATS_MAX_INFLATE_MIB / PEWSTATS_MAX_EVENT_MIB, then the defaults."""
        defaults = cls()
        return cls(
            max_inflate_mib=max_inflate_mib or _env_int("PEWSTATS_MAX_INFLATE_MIB") or defaults.max_inflate_mib,
            max_event_mib=max_event_mib or _env_int("PEWSTATS_MAX_EVENT_MIB") or defaults.max_event_mib,
        )


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise PewstatsError(f"{name}={value!r} is not a whole number of MiB") from None

# schema and role names from settings: what PostgreSQL and DuckDB take unquoted, the same way
# (dbt's adapters splice some of them into SQL as they are: refuse the rest)
SAFE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
DEFAULT_LOCK_TIMEOUT = 60.0  # seconds a command waits for a lock another pipeline role holds


def check_name(value: str, setting: str) -> str:
    """``value`` if it is a safe schema or role name; else one line saying what to use."""
    if not SAFE_NAME.fullmatch(value):
        raise PewstatsError(
            f"{setting}={value!r} is not a safe name: use 1-63 lowercase letters, digits and _, "
            "not starting with a digit"
        )
    return value


def project_dir() -> Path:
    """The dbt project this package belongs to (the repository checkout)."""
    here = Path(__file__).resolve().parent.parent
    if (here / "dbt_project.yml").exists():
        return here
    cwd = Path.cwd()
    if (cwd / "dbt_project.yml").exists():
        return cwd
    raise PewstatsError("cannot find dbt_project.yml: run pewstats from the pewstats-dbt checkout")


def _seconds(text: str | None) -> float:
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise PewstatsError(f"PEWSTATS_LOCK_TIMEOUT={text!r} is not a number of seconds from 0 to 86400")
    return value


@dataclass(frozen=True)
class Settings:
    target: str = "duckdb"
    raw_schema: str = "raw"
    duckdb_path: Path = field(default_factory=lambda: Path("pewstats.duckdb"))
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "postgres"
    pg_database: str = "pewstats"
    read_limits: ReadLimits = field(default_factory=ReadLimits)
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    owner_role: str | None = None  # role the raw tables' DDL runs as (`pewstats init --owner`)
    # spark: the folder of the warehouse and the metastore (profiles.example.yml), and the
    # Parquet lake the loader lands the raw tables in (loader/landing/parquet.py)
    spark_dir: Path = field(default_factory=lambda: Path("spark"))
    lake_path: Path = field(default_factory=lambda: Path("spark") / "lake")

    def __post_init__(self) -> None:
        check_name(self.raw_schema, "PEWSTATS_RAW_SCHEMA")
        if self.owner_role is not None:
            check_name(self.owner_role, "PEWSTATS_RAW_OWNER")

    @classmethod
    def from_env(
        cls,
        target: str | None = None,
        raw_schema: str | None = None,
        duckdb_path: str | None = None,
        lock_timeout: float | None = None,
        owner_role: str | None = None,
    ) -> "Settings":
        env = os.environ
        # dbt reads these itself (profiles.example.yml, macros/generate_schema_name.sql refuses
        # them too): refused here first, in one line, before anything runs
        check_name(env.get("PEWSTATS_SCHEMA") or "analytics", "PEWSTATS_SCHEMA")
        if env.get("PEWSTATS_DBT_ROLE"):
            check_name(env["PEWSTATS_DBT_ROLE"], "PEWSTATS_DBT_ROLE")
        timeout = lock_timeout if lock_timeout is not None else _seconds(env.get("PEWSTATS_LOCK_TIMEOUT"))
        chosen = (target or env.get("PEWSTATS_TARGET") or "duckdb").lower()
        if chosen not in TARGETS:
            raise PewstatsError(f"unknown target {chosen!r}: use one of {', '.join(TARGETS)}")
        path = Path(duckdb_path or env.get("PEWSTATS_DUCKDB_PATH") or "pewstats.duckdb")
        if not path.is_absolute():
            path = Path.cwd() / path
        spark_dir = Path(env.get("PEWSTATS_SPARK_DIR") or "spark")
        if not spark_dir.is_absolute():
            spark_dir = Path.cwd() / spark_dir
        lake = Path(env.get("PEWSTATS_LAKE_PATH") or spark_dir / "lake")
        if not lake.is_absolute():
            lake = Path.cwd() / lake
        return cls(
            target=chosen,
            raw_schema=raw_schema or env.get("PEWSTATS_RAW_SCHEMA") or "raw",
            duckdb_path=path,
            pg_host=env.get("PGHOST") or "127.0.0.1",
            pg_port=int(env.get("PGPORT") or 5432),
            pg_user=env.get("PGUSER") or "postgres",
            pg_database=env.get("PGDATABASE") or "pewstats",
            read_limits=ReadLimits.from_env(),
            lock_timeout=timeout,
            owner_role=owner_role or env.get("PEWSTATS_RAW_OWNER") or None,
            spark_dir=spark_dir,
            lake_path=lake,
        )

    def pg_kwargs(self) -> dict[str, object]:
        # the password, if any, comes from PGPASSWORD or ~/.pgpass through libpq itself
        return {
            "host": self.pg_host,
            "port": self.pg_port,
            "user": self.pg_user,
            "dbname": self.pg_database,
            "application_name": "pewstats-loader",
        }

    def dbt_env(self) -> dict[str, str]:
        """Environment for dbt so that profiles.example.yml points where the loader wrote."""
        return {
            "PEWSTATS_TARGET": self.target,
            "PEWSTATS_RAW_SCHEMA": self.raw_schema,
            "PEWSTATS_DUCKDB_PATH": str(self.duckdb_path),
            "PGHOST": self.pg_host,
            "PGPORT": str(self.pg_port),
            "PGUSER": self.pg_user,
            "PGDATABASE": self.pg_database,
            "PEWSTATS_SPARK_DIR": str(self.spark_dir),
            "PEWSTATS_LAKE_PATH": str(self.lake_path),
        }

    def describe(self) -> str:
        if self.target == "duckdb":
            return f"duckdb:{self.duckdb_path}"
        if self.target == "spark":
            return f"spark:{self.lake_path}"
        return f"postgres://{self.pg_user}@{self.pg_host}:{self.pg_port}/{self.pg_database}"

