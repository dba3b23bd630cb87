"""``pewstats demo``: the whole pipeline on a synthetic season, on the embedded DuckDB target."""

from __future__ import annotations

import os
from decimal import Decimal
import shutil
from pathlib import Path

import click

from loader import exitcodes
from loader.config import Settings
from loader.landing import open_sink
from loader.pipeline.run import run
from loader.landing.duckdb import quote_ident

TOP_DAMAGE = """
select player_name, sum(total_damage) as damage, sum(total_hits) as hits, max(matches) as matches
from {schema}.player_damage_stats
where match_type = 'all'
group by account_id, player_name
order by damage desc, player_name
limit 10
"""

FIGHT_SUMMARY = """
select outcome, count(*) as fights, round(avg(duration_seconds), 1) as avg_seconds,
       round(avg(total_damage), 1) as avg_damage, sum(total_kills) as kills
from {schema}.fights
group by outcome
order by fights desc, outcome
"""

TOP_FIGHTERS = """
select player_name, fights, fights_won, win_rate, survival_rate, avg_damage_per_fight
from {schema}.player_fight_stats
where match_type = 'all'
order by fights_won desc, fights desc, player_name
limit 5
"""


def table(rows: list[tuple], headers: list[str]) -> str:
    cells = [[str(h) for h in headers]] + [["" if v is None else (f"{v:.2f}" if isinstance(v, (float, Decimal)) else str(v)) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    path = path.absolute()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


MARKER = "database"  # in the demo's folder: the database file the demo made


def claim_database(workdir: Path, database: Path) -> str | None:
    """Make way for the demo's database; an error message if ``database`` is not the demo's.

    The demo replaces the file it made last time (its folder's ``database`` file names it) and
    refuses any other existing file, which may be someone's data.
    """
    marker = workdir / MARKER
    made_before = marker.is_file() and marker.read_text(encoding="utf-8").strip() == str(database)
    if database.exists() and not made_before:
        return (
            f"{shown(database)} exists and was not made by pewstats demo: move it away, or give the demo "
            "another file with --duckdb-path (env PEWSTATS_DUCKDB_PATH)"
        )
    for stale in (database, database.with_name(database.name + ".wal")):
        if stale.exists():
            stale.unlink()
    return None


def run_demo(workdir: Path, database: Path, *, matches: int, seed: int, scale: float) -> int:
    from loader.synth import generate_season

    database = database.absolute()
    refused = claim_database(workdir, database)
    if refused:
        click.echo(f"error: {refused}", err=True)
        return exitcodes.USAGE
    if workdir.exists():
        shutil.rmtree(workdir)
    inbox = workdir / "inbox"
    click.echo(f"synthesising {matches} matches into {shown(inbox)}", err=True)
    made = generate_season(inbox / "season", matches, seed, scale=scale)
    (inbox / "telemetry").mkdir(parents=True)
    (inbox / "matches").mkdir(parents=True)
    for m in made:
        m.telemetry_path.rename(inbox / "telemetry" / m.telemetry_path.name)
        m.match_path.rename(inbox / "matches" / m.match_path.name)
    shutil.rmtree(inbox / "season")
    (workdir / MARKER).write_text(f"{database}\n", encoding="utf-8")
    settings = Settings.from_env(target="duckdb", duckdb_path=str(database))
    summary = run(
        settings, inbox, workdir / "archive", workdir / "quarantine",
        jobs=0, summary_path=workdir / "run-summary.json", metrics_path=workdir / "pewstats.prom",
        log=lambda m: click.echo(m, err=True), quiet_dbt=True,
        full_tests=True,  # a first build reads whole tables anyway; the unit tests run too, to be seen
    )
    if summary.exit_code != exitcodes.OK:
        click.echo(f"demo run failed: {summary.outcome} {summary.error or ''}", err=True)
        return summary.exit_code
    click.echo(
        f"dbt build: {summary.dbt_nodes} nodes (models, seeds, data tests, unit tests), "
        f"{summary.dbt_tests_failed} tests failed, {summary.dbt_warnings} warnings",
        err=True,
    )
    schema = quote_ident(os.environ.get("PEWSTATS_SCHEMA", "analytics"))  # the schema dbt built into
    with open_sink(settings) as sink:
        click.echo("\nTop players by damage dealt (all match types)\n")
        click.echo(table(sink.query(TOP_DAMAGE.format(schema=schema)), ["player", "damage", "hits", "matches"]))
        click.echo("\nFights by outcome\n")
        click.echo(table(sink.query(FIGHT_SUMMARY.format(schema=schema)), ["outcome", "fights", "avg s", "avg damage", "kills"]))
        click.echo("\nMost fights won\n")
        click.echo(table(sink.query(TOP_FIGHTERS.format(schema=schema)), ["player", "fights", "won", "win rate", "survival", "dmg/fight"]))
    click.echo(
        f"\nDuckDB file: {shown(database)}  (summary: {shown(workdir / 'run-summary.json')})\n"
        "In this folder, `pewstats dbt ...` (e.g. docs generate, source freshness) works on it.",
        err=True,
    )
    return exitcodes.OK
