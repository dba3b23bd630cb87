"""The ``pewstats`` command line: each command parses its options and calls one function of
``loader.pipeline`` (the load commands also hand it the result printer)."""

from __future__ import annotations

import sys
import traceback
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import click

from loader import exitcodes
from loader.config import DEFAULT_LOCK_TIMEOUT, ReadLimits, Settings
from loader.errors import InfrastructureError, PewstatsError, one_line
from loader.landing.locks import RunLocked

PG_ENV = "PostgreSQL reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE."


def target_option(help_text: str):  # type: ignore[no-untyped-def]
    return click.option(
        "--target",
        type=click.Choice(["duckdb", "postgres", "spark"]),
        envvar="PEWSTATS_TARGET",
        default="duckdb",
        show_default=True,
        help=help_text,
    )


def raw_schema_option(help_text: str):  # type: ignore[no-untyped-def]
    return click.option("--raw-schema", envvar="PEWSTATS_RAW_SCHEMA", default="raw", show_default=True, help=help_text)


duckdb_option = click.option(
    "--duckdb-path",
    envvar="PEWSTATS_DUCKDB_PATH",
    default="pewstats.duckdb",
    show_default=True,
    help="DuckDB file of the embedded target (env PEWSTATS_DUCKDB_PATH; relative to the current folder).",
)


lock_timeout_option = click.option(
    "--lock-timeout",
    type=click.FloatRange(0, 86400),
    envvar="PEWSTATS_LOCK_TIMEOUT",
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    expose_value=False,  # read by settings_from: every command has it, no signature changes
    callback=lambda ctx, _param, value: ctx.meta.__setitem__("pewstats_lock_timeout", value),
    help="Seconds to wait for a lock another run or load holds, then give up (exit 5); 0: do not wait.",
)


def target_options(command):  # type: ignore[no-untyped-def]
    """--target, --raw-schema, --duckdb-path, --lock-timeout: where every loader command works."""
    target = target_option(
        f"Database to land in (env PEWSTATS_TARGET). {PG_ENV} spark: a Parquet lake "
        "(PEWSTATS_LAKE_PATH, default $PEWSTATS_SPARK_DIR/lake)."
    )
    raw = raw_schema_option("Schema of the landing tables (env PEWSTATS_RAW_SCHEMA).")
    return target(raw(duckdb_option(lock_timeout_option(command))))


def dbt_target_options(command):  # type: ignore[no-untyped-def]
    """The same options, as `pewstats dbt` reads them: where dbt builds and reads."""
    target = target_option(
        f"dbt target (profile output) to build on (env PEWSTATS_TARGET). {PG_ENV} spark: Spark in session mode."
    )
    raw = raw_schema_option("Schema of the raw tables dbt's sources read (env PEWSTATS_RAW_SCHEMA).")
    return target(raw(duckdb_option(lock_timeout_option(command))))


def version_text() -> str:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    return f"pewstats {version('pewstats-dbt')} (dbt-core {version('dbt-core')})"


def settings_from(target: str, raw_schema: str, duckdb_path: str, owner_role: str | None = None) -> Settings:
    ctx = click.get_current_context(silent=True)
    lock_timeout = ctx.meta.get("pewstats_lock_timeout") if ctx is not None else None
    return Settings.from_env(
        target=target, raw_schema=raw_schema, duckdb_path=duckdb_path, lock_timeout=lock_timeout, owner_role=owner_role
    )


def limits_options(command):  # type: ignore[no-untyped-def]
    """--max-inflate-mib and --max-event-mib: what one telemetry file may inflate to (gzip bombs)."""
    defaults = ReadLimits()
    inflate = click.option(
        "--max-inflate-mib", type=click.IntRange(1, 1 << 20), envvar="PEWSTATS_MAX_INFLATE_MIB",
        default=defaults.max_inflate_mib, show_default=True,
        help="A file that inflates to more MiB of JSON is refused (a real match: under 100).",
    )
    event = click.option(
        "--max-event-mib", type=click.IntRange(1, 1 << 20), envvar="PEWSTATS_MAX_EVENT_MIB",
        default=defaults.max_event_mib, show_default=True,
        help="A file with an event of more MiB of text is refused (a real event: under 1).",
    )
    return inflate(event(command))


def with_limits(settings: Settings, max_inflate_mib: int, max_event_mib: int) -> Settings:
    return replace(settings, read_limits=ReadLimits(max_inflate_mib=max_inflate_mib, max_event_mib=max_event_mib))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(message=version_text(), help="Show the pewstats and dbt-core versions and exit.")
def main() -> None:
    """pewstats: land PUBG telemetry, detect fights, and build the stats marts with dbt."""


@main.group(short_help="Land files in the raw tables.")
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
    "--jobs", "-j", type=click.IntRange(0, 64), default=0, show_default=True,
    help="Files parsed in parallel; 0 = one per core.",
)


@load.command("telemetry", short_help="Land telemetry files.")
@click.argument("paths", nargs=-1, required=True)
@click.option("--match-id", help="Match id to use instead of LogMatchDefinition's (one file only).")
@click.option("--detect-fights", is_flag=True, help="Also detect fights and land them in the same transaction.")
@jobs_option
@limits_options
@target_options
def load_telemetry(paths: tuple[str, ...], match_id: str | None, detect_fights: bool, jobs: int, max_inflate_mib: int,
                   max_event_mib: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """Telemetry files (.json, .json.gz, double gzip; directories recursively)."""
    settings = with_limits(settings_from(target, raw_schema, duckdb_path), max_inflate_mib, max_event_mib)
    _load_command("telemetry", paths, settings, jobs, match_id, detect_fights)


# `load matches` and `load fights` are alike but for their kind: one function each, so that
# each has its own help text and signature in click
@load.command("matches", short_help="Land PUBG API match objects.")
@click.argument("paths", nargs=-1, required=True)
@jobs_option
@target_options
def load_matches(paths: tuple[str, ...], jobs: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """PUBG API match objects (data + included)."""
    _load_command("matches", paths, settings_from(target, raw_schema, duckdb_path), jobs)


@load.command("fights", short_help="Land fight-detection output (NDJSON).")
@click.argument("paths", nargs=-1, required=True)
@jobs_option
@target_options
def load_fights(paths: tuple[str, ...], jobs: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """Fight-detection output (NDJSON, one fight per line, participants embedded)."""
    _load_command("fights", paths, settings_from(target, raw_schema, duckdb_path), jobs)


@main.command("init", short_help="Create the raw schema and tables if missing.")
@click.option("--owner", envvar="PEWSTATS_RAW_OWNER", default=None,
              help="Role to own the raw tables (SET ROLE for the DDL; env PEWSTATS_RAW_OWNER), e.g. pewstats_raw_owner.")
@target_options
def init_cmd(owner: str | None, target: str, raw_schema: str, duckdb_path: str) -> None:
    """Create the raw schema and its tables if they are missing (every load does this too;
    in production run it once as a member of the owner role, with --owner)."""
    from loader.pipeline.load import prepare_raw_schema

    settings = settings_from(target, raw_schema, duckdb_path, owner_role=owner)
    prepare_raw_schema(settings)
    click.echo(f"raw tables ready in schema {raw_schema!r} ({settings.describe()})", err=True)


@main.command("detect-fights", short_help="Detect fights in telemetry, write NDJSON.")
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


@main.command(short_help="Write a deterministic synthetic season.")
@click.option("--matches", type=click.IntRange(1, 100000), default=10, show_default=True, help="Matches to write.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same arguments give the same bytes.")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True, help="Folder to write into.")
@click.option("--scale", type=float, default=1.0, show_default=True, help="Events per match relative to a real squad match.")
@click.option("--start-index", type=int, default=0, show_default=True, help="Generate matches N.. of the same season.")
def synth(matches: int, seed: int, out: str, scale: float, start_index: int) -> None:
    """Write a deterministic synthetic season: telemetry/*.json.gz and matches/*.json."""
    from loader.synth import generate_season

    made = generate_season(Path(out), matches, seed, scale=scale, start_index=start_index)
    click.echo(f"wrote {len(made)} matches to {out}/telemetry and {out}/matches", err=True)


DBT_HELP = """Run dbt on this project with the pewstats profile (e.g. `pewstats dbt build`).

\b
Everything after `dbt` goes to dbt, except --target, --raw-schema and
--duckdb-path, which say where dbt builds (as for the loader commands).
`pewstats dbt` alone, `pewstats dbt --help` and `pewstats dbt build --help`
show dbt's own help; `pewstats dbt --version` shows dbt's version.
"""


@main.command(
    help=DBT_HELP,
    short_help="Run dbt on this project (e.g. pewstats dbt build).",
    # every option but ours goes to dbt, --help included (dbt's own help is the useful one)
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
)
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
@dbt_target_options
@click.pass_context
def dbt(ctx: click.Context, dbt_args: tuple[str, ...], target: str, raw_schema: str, duckdb_path: str) -> None:
    from loader.pipeline.dbt import TOP_LEVEL_ONLY, invoke, invoke_plain

    if not dbt_args:  # dbt's usage, as `dbt` alone prints it
        result = invoke_plain([])
        click.echo(str(result.exception).rstrip().replace("Usage: cli ", "Usage: dbt ", 1))
        sys.exit(exitcodes.USAGE)
    if all(a in TOP_LEVEL_ONLY for a in dbt_args):
        if any(a in ("--help", "-h") for a in dbt_args):
            click.echo(ctx.get_help() + "\n\ndbt's own help follows.\n")
        result = invoke_plain(list(dbt_args))
    else:
        from loader.landing.locks import run_lock

        settings = settings_from(target, raw_schema, duckdb_path)
        command = next((a for a in dbt_args if not a.startswith("-")), None)
        wants_help = any(a in ("--help", "-h") for a in dbt_args)
        if command in BUILDING_DBT_COMMANDS and not wants_help:  # never beside a `pewstats run` or another build
            with run_lock(settings):
                result = invoke(list(dbt_args), settings)
        else:
            result = invoke(list(dbt_args), settings)
    sys.exit(exitcodes.OK if result.success else exitcodes.DBT_FAILED)


# dbt commands that write to the database (models, seeds, the on-run-start hook's rebuild log)
BUILDING_DBT_COMMANDS = frozenset({"build", "run", "test", "seed", "snapshot", "run-operation", "retry"})


def entry() -> None:
    """Console entry point: known errors become one line and an exit code, not a traceback;
    anything else is a bug: its traceback, one line, and CRASHED (never 1, which means only
    "some files were quarantined")."""
    try:
        main(standalone_mode=True)
    except RunLocked as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(exitcodes.LOCKED)
    except InfrastructureError as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(exitcodes.INFRASTRUCTURE)
    except PewstatsError as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(exitcodes.USAGE)
    except OSError as exc:  # a file the command must write or read: disk, permissions
        where = f"{one_line(str(exc.filename))}: " if exc.filename else ""
        click.echo(f"error: {where}{(exc.strerror or str(exc)).lower()}", err=True)
        sys.exit(exitcodes.INFRASTRUCTURE)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        traceback.print_exc()
        click.echo(f"error: unexpected {type(exc).__name__}: {one_line(str(exc))[:500]} (a bug: please report it"
                   " with the traceback above)", err=True)
        sys.exit(exitcodes.CRASHED)


@main.command("run", short_help="Load the inbox, then dbt build (what cron calls).")
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path), default="inbox", show_default=True,
              help="Folder with telemetry/, matches/ and fights/ subfolders of new files.")
@click.option("--archive", type=click.Path(file_okay=False, path_type=Path), default="archive", show_default=True,
              help="Where files that loaded (or were already loaded) move, under the same subfolders.")
@click.option("--quarantine", type=click.Path(file_okay=False, path_type=Path), default="quarantine", show_default=True,
              help="Where files that failed move, each with a <file>.reason note beside it.")
@click.option("--full-refresh", is_flag=True, help="Rebuild every model from the raw tables (the backfill).")
@click.option("--full-tests", is_flag=True,
              help="Every data test reads its whole table, and the unit tests run (the nightly check). Without it"
                   " an incremental run tests the rows it rebuilt and leaves the unit tests to CI.")
@click.option("--no-detect-fights", is_flag=True, help="Do not detect fights while loading telemetry.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path), default="run-summary.json", show_default=True,
              help="JSON report of the run (counts, dbt results, last success), written atomically.")
@click.option("--metrics", "metrics_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Prometheus textfile to write (e.g. /var/lib/node_exporter/textfile/pewstats.prom).")
@click.option("--min-age", type=click.FloatRange(0), envvar="PEWSTATS_MIN_FILE_AGE", default=60.0, show_default=True,
              help="Seconds a file must be unmodified before it is taken (younger ones, and names ending in"
                   " .partial or .tmp, wait for the next run). Env PEWSTATS_MIN_FILE_AGE.")
@jobs_option
@limits_options
@target_options
def run_cmd(inbox: Path, archive: Path, quarantine: Path, full_refresh: bool, full_tests: bool, no_detect_fights: bool,
            summary_path: Path, metrics_path: Path | None, min_age: float, jobs: int, max_inflate_mib: int,
            max_event_mib: int, target: str, raw_schema: str, duckdb_path: str) -> None:
    """Load every new file from the inbox, then dbt build. What cron calls.

    Exit codes: 0 success, 1 some files failed (quarantined; the rest loaded and built),
    3 infrastructure error, 4 dbt failed (a model error or a failing data test),
    5 another run holds the lock, 6 an unexpected error (a bug).
    """
    from loader.cli.report import ResultPrinter, is_interactive
    from loader.pipeline.run import pending_files, run

    settings = with_limits(settings_from(target, raw_schema, duckdb_path), max_inflate_mib, max_event_mib)
    with ResultPrinter(pending_files(inbox), interactive=is_interactive()) as printer:
        summary = run(
            settings, inbox, archive, quarantine, full_refresh=full_refresh, full_tests=full_tests,
            detect_fights=not no_detect_fights, jobs=jobs, summary_path=summary_path, metrics_path=metrics_path,
            on_result=printer, log=lambda m: click.echo(m, err=True), min_age=min_age,
        )
    if summary.error:
        click.echo(f"error: {summary.error}", err=True)
    click.echo(
        f"run {summary.outcome}: {summary.files_loaded} loaded, {summary.files_skipped} skipped, "
        f"{summary.files_failed} failed; dbt tests failed: {summary.dbt_tests_failed}; {summary.duration_seconds:.1f}s",
        err=True,
    )
    sys.exit(summary.exit_code)


@main.command(short_help="Synthesise, load and build a season on DuckDB; show it.")
@click.option("--matches", type=click.IntRange(1, 1000), default=12, show_default=True, help="Matches to synthesise.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed of the season.")
@click.option("--scale", type=float, default=0.3, show_default=True, help="Events per match relative to a real squad match.")
@click.option("--dir", "workdir", type=click.Path(file_okay=False, path_type=Path), default=".pewstats/demo", show_default=True,
              help="Working folder: inbox, archive, run summary (replaced on every demo).")
@duckdb_option
def demo(matches: int, seed: int, scale: float, workdir: Path, duckdb_path: str) -> None:
    """Synthesise a small season, load it, detect fights, dbt build on DuckDB, show the results.

    The database is the embedded target's file (--duckdb-path, default ./pewstats.duckdb), so
    `pewstats dbt docs generate` or `pewstats dbt source freshness` in the same folder work on
    it. The demo replaces a file it made before and refuses any other.
    """
    from loader.pipeline.demo import run_demo

    sys.exit(run_demo(workdir, Path(duckdb_path), matches=matches, seed=seed, scale=scale))
