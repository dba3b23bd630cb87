"""Where things are: the target database, the raw schema, the dbt project.

Everything comes from options or environment variables (the same ones
``profiles.example.yml`` reads), never from files with secrets in them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from loader.errors import PewstatsError

TARGETS = ("duckdb", "postgres", "spark")


def project_dir() -> Path:
    """The dbt project this package belongs to (the repository checkout)."""
    here = Path(__file__).resolve().parent.parent
    if (here / "dbt_project.yml").exists():
        return here
    cwd = Path.cwd()
    if (cwd / "dbt_project.yml").exists():
        return cwd
    raise PewstatsError("cannot find dbt_project.yml: run pewstats from the pewstats-dbt checkout")


@dataclass(frozen=True)
class Settings:
    target: str = "duckdb"
    raw_schema: str = "raw"
    duckdb_path: Path = field(default_factory=lambda: Path("pewstats.duckdb"))
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "postgres"
    pg_database: str = "pewstats"
    # spark: the folder of the warehouse and the metastore (profiles.example.yml), and the
    # Parquet lake the loader lands the raw tables in (loader/landing/parquet.py)
    spark_dir: Path = field(default_factory=lambda: Path("spark"))
    lake_path: Path = field(default_factory=lambda: Path("spark") / "lake")

    @classmethod
    def from_env(cls, target: str | None = None, raw_schema: str | None = None, duckdb_path: str | None = None) -> "Settings":
        env = os.environ
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

