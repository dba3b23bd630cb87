"""Landing: the sinks that write raw rows (PostgreSQL, DuckDB, a Parquet lake for Spark), the ledger, the locks."""

from __future__ import annotations

from loader.config import Settings
from loader.landing.base import Sink


def open_sink(settings: Settings) -> Sink:
    """The sink of the target in ``settings`` (a database connection: open it after forking)."""
    if settings.target == "postgres":
        from loader.landing.postgres import PostgresSink

        return PostgresSink(
            raw_schema=settings.raw_schema,
            owner_role=settings.owner_role,
            lock_timeout=settings.lock_timeout,
            **settings.pg_kwargs(),
        )
    if settings.target == "spark":
        from loader.landing.parquet import ParquetSink

        return ParquetSink(settings.lake_path, raw_schema=settings.raw_schema)
    from loader.landing.duckdb import DuckDBSink

    return DuckDBSink(settings.duckdb_path, raw_schema=settings.raw_schema)
