"""The ``pewstats`` command line: each command parses its options and calls one function of
``loader.pipeline`` (the load commands also hand it the result printer)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from loader import exitcodes
from loader.config import Settings
from loader.errors import InfrastructureError, PewstatsError

target_option = click.option(
    "--target",
    type=click.Choice(["duckdb", "postgres", "spark"]),
    envvar="PEWSTATS_TARGET",
    default="duckdb",
    show_default=True,
    help="Database to land in (env PEWSTATS_TARGET). PostgreSQL reads PGHOST, PGPORT, PGUSER, PGDATABASE; "
         "spark lands a Parquet lake (PEWSTATS_LAKE_PATH, default $PEWSTATS_SPARK_DIR/lake).",
)
raw_schema_option = click.option(
    "--raw-schema", envvar="PEWSTATS_RAW_SCHEMA", default="raw", show_default=True, help="Schema of the landing tables."
)
duckdb_option = click.option(
    "--duckdb-path",
    envvar="PEWSTATS_DUCKDB_PATH",
    default="pewstats.duckdb",
    show_default=True,
    help="DuckDB file of the embedded target.",
)


def target_options(command):  # type: ignore[no-untyped-def]
    """--target, --raw-schema and --duckdb-path: where every loader command works."""
    return target_option(raw_schema_option(duckdb_option(command)))


def settings_from(target: str, raw_schema: str, duckdb_path: str) -> Settings:
    return Settings.from_env(target=target, raw_schema=raw_schema, duckdb_path=duckdb_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """pewstats: land PUBG telemetry, detect fights, and build the stats marts with dbt."""


@main.group()
def load() -> None:
    """Land files in the raw tables (idempotent: a file already loaded is skipped)."""


def _load_command(kind: str, paths: tuple[str, ...], settings: Settings, jobs: int, match_id: str | None = None, detect: bool = False) -> None:
    from loader.cli.report import ResultPrinter, is_interactive
    from loader.pipeline.load import discover, load_files

    files = discover(paths)
    if not files:
        raise click.UsageError("no files found under the paths given")
    with ResultPrinter(len(files), interactive=is_interactive()) as printer:
        results = load_files(settings, kind, files, match_id=match_id, detect_fights=detect, jobs=jobs, on_result=printer)
    failed = sum(r.status == "failed" for r in results)
    loaded = sum(r.status == "loaded" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    click.echo(f"{loaded} loaded, {skipped} skipped, {failed} failed ({settings.describe()})", err=True)
    if failed:
        sys.exit(exitcodes.LOAD_FAILED)


jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(0, 64), default=0, help="Files parsed in parallel (default: number of cores)."
)


@load.command("telemetry")
@click.argument("paths", nargs=-1, required=True)
@click.option("--match-id", help="Match id to use instead of LogMatchDefinition's (one file only).")
@click.option("--detect-fights", is_flag=True, help="Also detect fights and land them in the same transaction.")
@jobs_option
@target_options
def load_telemetry(paths: tuple[str, ...], match_id: str | None, detect_fights: bool, jobs: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """Telemetry files (.json, .json.gz, double gzip; directories recursively)."""
    _load_command("telemetry", paths, settings_from(target, raw_schema, duckdb_path), jobs, match_id, detect_fights)


# `load matches` and `load fights` are alike but for their kind: one function each, so that
# each has its own help text and signature in click
@load.command("matches")
@click.argument("paths", nargs=-1, required=True)
@jobs_option
@target_options
def load_matches(paths: tuple[str, ...], jobs: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """PUBG API match objects (data + included)."""
    _load_command("matches", paths, settings_from(target, raw_schema, duckdb_path), jobs)


@load.command("fights")
@click.argument("paths", nargs=-1, required=True)
@jobs_option
@target_options
def load_fights(paths: tuple[str, ...], jobs: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """Fight-detection output (NDJSON, one fight per line, participants embedded)."""
    _load_command("fights", paths, settings_from(target, raw_schema, duckdb_path), jobs)


@main.command("init")
@target_options
def init_cmd(target: str, raw_schema: str, duckdb_path: str) -> None:
    """Create the raw schema and its tables if they are missing (every load does this too;
    run it once as the loader role so that role owns them)."""
    from loader.pipeline.load import prepare_raw_schema

    settings = settings_from(target, raw_schema, duckdb_path)
    prepare_raw_schema(settings)
    click.echo(f"raw tables ready in schema {raw_schema!r} ({settings.describe()})", err=True)


@main.command("detect-fights")
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="Output file (default stdout).")
def detect_fights_cmd(paths: tuple[str, ...], out: str) -> None:
    """Detect team fights in telemetry files and write NDJSON fights."""
    from loader.pipeline.detect import detect_files
    from loader.pipeline.load import discover

    stream = sys.stdout.buffer if out == "-" else open(out, "wb")
    try:
        failed = detect_files(discover(paths), stream, log=lambda line: click.echo(line, err=True))
    finally:
        if stream is not sys.stdout.buffer:
            stream.close()
    if failed:
        sys.exit(exitcodes.LOAD_FAILED)


@main.command()
@click.option("--matches", type=click.IntRange(1, 100000), default=10, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", "out", type=click.Path(file_okay=False), required=True)
@click.option("--scale", type=float, default=1.0, show_default=True, help="Events per match relative to a real squad match.")
@click.option("--start-index", type=int, default=0, help="Generate matches N.. of the same season.")
def synth(matches: int, seed: int, out: str, scale: float, start_index: int) -> None:
    """Write a deterministic synthetic season: telemetry/*.json.gz and matches/*.json."""
    from loader.synth import generate_season

    made = generate_season(Path(out), matches, seed, scale=scale, start_index=start_index)
    click.echo(f"wrote {len(made)} matches to {out}/telemetry and {out}/matches", err=True)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
@target_options
def dbt(dbt_args: tuple[str, ...], target: str, raw_schema: str, duckdb_path: str) -> None:
    """Run dbt on this project with the pewstats profile (e.g. `pewstats dbt build`)."""
    from loader.pipeline.dbt import invoke

    result = invoke(list(dbt_args), settings_from(target, raw_schema, duckdb_path))
    sys.exit(exitcodes.OK if result.success else exitcodes.DBT_FAILED)


def entry() -> None:
    """Console entry point: known errors become one line and an exit code, not a traceback."""
    try:
        main(standalone_mode=True)
    except InfrastructureError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exitcodes.INFRASTRUCTURE)
    except PewstatsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exitcodes.USAGE)


@main.command("run")
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path), default="inbox", show_default=True,
              help="Folder with telemetry/, matches/ and fights/ subfolders of new files.")
@click.option("--archive", type=click.Path(file_okay=False, path_type=Path), default="archive", show_default=True)
@click.option("--quarantine", type=click.Path(file_okay=False, path_type=Path), default="quarantine", show_default=True)
@click.option("--full-refresh", is_flag=True, help="Rebuild every model from the raw tables (the backfill).")
@click.option("--no-detect-fights", is_flag=True, help="Do not detect fights while loading telemetry.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path), default="run-summary.json", show_default=True)
@click.option("--metrics", "metrics_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Prometheus textfile to write (e.g. /var/lib/node_exporter/textfile/pewstats.prom).")
@jobs_option
@target_options
def run_cmd(inbox: Path, archive: Path, quarantine: Path, full_refresh: bool, no_detect_fights: bool, summary_path: Path,
            metrics_path: Path | None, jobs: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """Load every new file from the inbox, then dbt build. What cron calls.

    Exit codes: 0 success, 1 some files failed (quarantined; the rest loaded and built),
    3 infrastructure error, 4 dbt failed (a model error or a failing data test),
    5 another run holds the lock.
    """
    from loader.cli.report import ResultPrinter, is_interactive
    from loader.pipeline.run import pending_files, run

    settings = settings_from(target, raw_schema, duckdb_path)
    with ResultPrinter(pending_files(inbox), interactive=is_interactive()) as printer:
        summary = run(
            settings, inbox, archive, quarantine, full_refresh=full_refresh, detect_fights=not no_detect_fights,
            jobs=jobs, summary_path=summary_path, metrics_path=metrics_path, on_result=printer,
            log=lambda m: click.echo(m, err=True),
        )
    if summary.error:
        click.echo(f"error: {summary.error}", err=True)
    click.echo(
        f"run {summary.outcome}: {summary.files_loaded} loaded, {summary.files_skipped} skipped, "
        f"{summary.files_failed} failed; dbt tests failed: {summary.dbt_tests_failed}; {summary.duration_seconds:.1f}s",
        err=True,
    )
    sys.exit(summary.exit_code)


@main.command()
@click.option("--matches", type=click.IntRange(1, 1000), default=12, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--scale", type=float, default=0.3, show_default=True)
@click.option("--dir", "workdir", type=click.Path(file_okay=False, path_type=Path), default=".pewstats/demo", show_default=True)
def demo(matches: int, seed: int, scale: float, workdir: Path) -> None:
    """Synthesise a small season, load it, detect fights, dbt build on DuckDB, show the results."""
    from loader.pipeline.demo import run_demo

    sys.exit(run_demo(workdir, matches=matches, seed=seed, scale=scale))
