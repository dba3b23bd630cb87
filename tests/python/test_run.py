"""`pewstats run` end to end: inbox -> archive/quarantine -> dbt build -> summary and metrics;
one run at a time; exit codes."""

from __future__ import annotations

import fcntl
import json
import re
import shutil
from pathlib import Path

import psycopg
import pytest

from loader import exitcodes

PROM_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9.eE+-]+)$')


def parse_prom(text: str) -> dict[str, float]:
    """Parse the node-exporter textfile format strictly enough to catch a malformed file."""
    values: dict[str, float] = {}
    typed: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if line.startswith("#") or not line:
            continue
        m = PROM_LINE.match(line)
        assert m, f"malformed metrics line: {line!r}"
        assert m.group(1) in typed, f"metric without TYPE: {m.group(1)}"
        values[m.group(1) + (m.group(2) or "")] = float(m.group(4))
    return values


def make_inbox(root: Path, season) -> Path:
    inbox = root / "inbox"
    (inbox / "telemetry").mkdir(parents=True)
    (inbox / "matches").mkdir(parents=True)
    for m in season:
        shutil.copy(m.telemetry_path, inbox / "telemetry")
        shutil.copy(m.match_path, inbox / "matches")
    return inbox


def run_args(root: Path, *extra: str, metrics: bool = True) -> list[str]:
    """`pewstats run` on the inbox, archive, quarantine and summary under ``root`` (and, with
    ``metrics``, its Prometheus file): the arguments of every test of `run` (test_poison_pills too)."""
    return [
        "run",
        "--inbox", str(root / "inbox"),
        "--archive", str(root / "archive"),
        "--quarantine", str(root / "quarantine"),
        "--summary", str(root / "summary.json"),
        *(["--metrics", str(root / "pewstats.prom")] if metrics else []),
        *extra,
    ]


@pytest.mark.slow
def test_run_end_to_end_with_a_bad_file(any_target, small_season, tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path, small_season[:3])
    (inbox / "telemetry" / "broken.json.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    proc = any_target.pewstats(*run_args(tmp_path))
    assert proc.returncode == exitcodes.LOAD_FAILED, proc.stderr[-3000:]
    # the bad file is in quarantine with its reason; the good ones are archived; inbox empty
    reason = tmp_path / "quarantine" / "telemetry" / "broken.json.gz.reason"
    assert reason.exists() and "gzip" in reason.read_text().lower()
    assert sorted(p.name for p in (tmp_path / "archive" / "telemetry").iterdir()) == sorted(
        m.telemetry_path.name for m in small_season[:3]
    )
    assert not any(p.is_file() for p in inbox.rglob("*"))
    # the marts were built from the good files
    fights = any_target.query(f'select count(distinct match_id) from "{any_target.schema}".fights')[0][0]
    damage = any_target.query(f'select count(*) from "{any_target.schema}".player_damage_stats')[0][0]
    assert fights == 3 and damage > 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["files_loaded"] == 6 and summary["files_failed"] == 1
    assert summary["dbt_success"] is True and summary["exit_code"] == exitcodes.LOAD_FAILED
    metrics = parse_prom((tmp_path / "pewstats.prom").read_text())
    assert metrics['pewstats_run_files{status="failed"}'] == 1
    assert metrics['pewstats_run_files{status="loaded"}'] == 6
    assert metrics["pewstats_run_dbt_tests_failed"] == 0
    assert metrics["pewstats_run_rows_landed"] > 0

    # a second run with nothing new: success, last-success time set
    proc = any_target.pewstats(*run_args(tmp_path))
    assert proc.returncode == exitcodes.OK, proc.stderr[-3000:]
    metrics = parse_prom((tmp_path / "pewstats.prom").read_text())
    assert metrics["pewstats_run_last_success_timestamp_seconds"] > 0
    assert metrics["pewstats_run_exit_code"] == 0


def test_concurrent_run_is_refused(any_target, small_season, tmp_path: Path) -> None:
    make_inbox(tmp_path, small_season[:1])
    if any_target.kind == "postgres":
        from loader.landing.locks import RUN_LOCK_TABLE

        any_target.pewstats("init", check=True)
        holder = psycopg.connect(host="127.0.0.1", user="postgres", dbname=any_target.database)
        holder.execute(f'lock table "{any_target.raw_schema}".{RUN_LOCK_TABLE} in exclusive mode')
        release = holder.close
    else:
        handle = open(str(any_target.duckdb_path) + ".run.lock", "a+")
        fcntl.flock(handle, fcntl.LOCK_EX)
        release = handle.close
    try:
        proc = any_target.pewstats(*run_args(tmp_path), "--lock-timeout", "0")
    finally:
        release()
    assert proc.returncode == exitcodes.LOCKED
    assert "another pewstats run" in proc.stderr
    # nothing was touched: the inbox still holds its files
    assert len(list((tmp_path / "inbox").rglob("*.json*"))) == 2


def test_unreachable_database_is_an_infrastructure_error(pg_target, small_season, tmp_path: Path) -> None:
    make_inbox(tmp_path, small_season[:1])
    env_port = {"PGPORT": "1"}
    import subprocess
    import sys

    env = pg_target.env()
    env.update(env_port)
    proc = subprocess.run([sys.executable, "-m", "loader", *run_args(tmp_path)], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == exitcodes.INFRASTRUCTURE, proc.stderr
    assert "cannot connect to PostgreSQL" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_failing_data_test_gives_the_dbt_exit_code(duck_target, small_season, tmp_path: Path) -> None:
    t = duck_target
    make_inbox(tmp_path, small_season[:1])
    assert t.pewstats(*run_args(tmp_path)).returncode == exitcodes.OK
    # break fight_id integrity in the raw layer, then run again
    raw = f'"{t.raw_schema}".fight_participants'
    cols = [r[0] for r in t.query(f"select column_name from information_schema.columns where table_schema = '{t.raw_schema}' and table_name = 'fight_participants' order by ordinal_position")]
    sel = ", ".join({"fight_id": "'ffffffffffffffffffffffffffffffff'", "account_id": "'account.ghost'"}.get(c, c) for c in cols)
    t.query(f"insert into {raw} select {sel} from {raw} limit 1")
    proc = t.pewstats(*run_args(tmp_path, "--full-refresh"))
    assert proc.returncode == exitcodes.DBT_FAILED, proc.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["dbt_tests_failed"] >= 1 and summary["outcome"] == "dbt_failed"


@pytest.mark.slow
def test_cron_run_tests_what_it_rebuilt_and_full_tests_every_row(duck_target, small_season, tmp_path: Path) -> None:
    """A plain `pewstats run` (the cron job) tests the rows it rebuilt and runs no unit test;
    `--full-tests` (the nightly check) reads whole tables and runs the unit tests."""
    t = duck_target
    make_inbox(tmp_path, small_season[:1])
    assert t.pewstats(*run_args(tmp_path)).returncode == exitcodes.OK
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["dbt_nodes"] > 0 and summary["dbt_unit_tests"] == 0 and summary["full_tests"] is False

    # an old row goes bad behind the builds' back; the next cron run rebuilds another match only
    old = small_season[0].match_id
    t.query(f"update \"{t.schema}\".fights set outcome = 'BOGUS_OLD' where match_id = ?", (old,))
    make_inbox(tmp_path / "next", small_season[1:2])
    proc = t.pewstats(*run_args(tmp_path, "--inbox", str(tmp_path / "next" / "inbox")))
    assert proc.returncode == exitcodes.OK, proc.stderr[-3000:]
    assert json.loads((tmp_path / "summary.json").read_text())["dbt_unit_tests"] == 0

    proc = t.pewstats(*run_args(tmp_path, "--full-tests"))  # nothing new: the nightly check
    assert proc.returncode == exitcodes.DBT_FAILED, proc.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["full_tests"] is True and summary["dbt_unit_tests"] > 0
    assert summary["dbt_tests_failed"] == 1 and summary["outcome"] == "dbt_failed"
