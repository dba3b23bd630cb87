"""Faults on a real PostgreSQL: a loader killed mid-transaction, a connection terminated
mid-load, dbt interrupted mid-build, two loaders racing on the same files."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from loader import exitcodes
from loader.formats.reader import full_parse
from loader.synth import mutate_match, write_telemetry

from conftest import pg_params


def counts(target, match_id: str) -> dict[str, int]:
    out = {}
    for table in ("log_player_take_damage", "log_player_make_groggy", "log_player_kill_v2", "telemetry_matches", "fights"):
        out[table] = target.query(f'select count(*) from "{target.raw_schema}".{table} where match_id = %s', (match_id,))[0][0]
    return out


def start_loader(target, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "loader", "load", "telemetry", *args],
        env=target.env(), cwd=target.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_blocked_loader(target, timeout: float = 60) -> int:
    """Wait until a loader backend is waiting on a lock inside its transaction; return its pid."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        rows = target.query(
            "select pid from pg_stat_activity where application_name = 'pewstats-loader' and datname = %s"
            " and wait_event_type = 'Lock'",
            (target.database,),
        )
        if rows:
            return rows[0][0]
        time.sleep(0.1)
    raise AssertionError("the loader never reached the blocked write")


class LedgerBlocker:
    """Holds an EXCLUSIVE lock on the ledger: readers pass, the loader's ledger write waits.

    So a loader gets through its deletes and COPYs of every data table and stops just
    before committing: the worst moment to die.
    """

    def __init__(self, target) -> None:
        self.conn = psycopg.connect(**pg_params(target.database))
        self.conn.execute(f'lock table "{target.raw_schema}".loaded_files in exclusive mode')

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def prepare(target, small_season, tmp_path: Path):
    """Version 1 of a match loaded; version 2 written to disk."""
    m = small_season[3]
    target.pewstats("load", "telemetry", "--detect-fights", str(m.telemetry_path), check=True)
    v2 = tmp_path / "v2" / m.telemetry_path.name
    v2.parent.mkdir()
    write_telemetry(mutate_match(full_parse(m.telemetry_path), random.Random(9)), v2)
    return m, v2


@contextlib.contextmanager
def loader_stopped_before_commit(target, v2: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    """A loader of v2 that got through every data table and waits for the ledger; yields it
    and its backend's pid, then lets the ledger go."""
    blocker = LedgerBlocker(target)
    proc = start_loader(target, "--detect-fights", str(v2))
    try:
        yield proc, wait_for_blocked_loader(target)
    finally:
        blocker.release()


def test_sigkill_mid_load_leaves_nothing_partial(pg_target, small_season, tmp_path: Path) -> None:
    m, v2 = prepare(pg_target, small_season, tmp_path)
    v1_counts = counts(pg_target, m.match_id)
    with loader_stopped_before_commit(pg_target, v2) as (proc, _pid):
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    # the server rolls the dead client's transaction back once it notices the socket closed
    for _ in range(100):
        if not pg_target.query("select 1 from pg_stat_activity where application_name = 'pewstats-loader'"):
            break
        time.sleep(0.1)
    assert counts(pg_target, m.match_id) == v1_counts  # version 1 whole, nothing of version 2
    pg_target.pewstats("load", "telemetry", "--detect-fights", str(v2), check=True)
    after = counts(pg_target, m.match_id)
    assert after != v1_counts and after["telemetry_matches"] == 1


def test_terminated_connection_gives_a_clear_error_and_retry_works(pg_target, small_season, tmp_path: Path) -> None:
    m, v2 = prepare(pg_target, small_season, tmp_path)
    v1_counts = counts(pg_target, m.match_id)
    with loader_stopped_before_commit(pg_target, v2) as (proc, pid):
        pg_target.query("select pg_terminate_backend(%s)", (pid,))
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == exitcodes.INFRASTRUCTURE, err
    assert "Traceback" not in err
    line = [l for l in err.splitlines() if l.startswith("error: ")]
    assert line and "connection lost" in line[0] and str(v2) in line[0]
    assert counts(pg_target, m.match_id) == v1_counts
    pg_target.pewstats("load", "telemetry", "--detect-fights", str(v2), check=True)
    assert counts(pg_target, m.match_id) != v1_counts


def test_two_loaders_on_overlapping_files_keep_one_copy(pg_target, small_season) -> None:
    files = [str(m.telemetry_path) for m in small_season]
    a = start_loader(pg_target, "--jobs", "1", *files[:5])
    b = start_loader(pg_target, "--jobs", "1", *reversed(files[1:]))
    for p in (a, b):
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    for m in small_season:
        c = counts(pg_target, m.match_id)
        assert c["telemetry_matches"] == 1
        expected = sum(1 for e in full_parse(m.telemetry_path) if e["_T"] == "LogPlayerTakeDamage")
        assert c["log_player_take_damage"] == expected
    loaded = pg_target.query(
        f"select match_id, count(*) from \"{pg_target.raw_schema}\".loaded_files where kind = 'telemetry' and status = 'loaded' group by 1"
    )
    assert len(loaded) == len(small_season) and all(n == 1 for _, n in loaded)


@pytest.mark.slow
def test_interrupted_dbt_build_then_rerun_equals_full_refresh(pg_target, small_season) -> None:
    from test_incremental_equivalence import MARTS, differences, snapshot

    t = pg_target
    t.pewstats("load", "telemetry", "--detect-fights", *[str(m.telemetry_path) for m in small_season[:3]], check=True)
    t.dbt("build")
    t.pewstats("load", "telemetry", "--detect-fights", *[str(m.telemetry_path) for m in small_season[3:]], check=True)
    cmd = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", "build", "--project-dir", str(Path(__file__).resolve().parents[2]),
           "--target-path", str(t.workdir / "target-int"), "--log-path", str(t.workdir / "logs"), "--target", "postgres"]
    proc = subprocess.Popen(cmd, env=t.env(), cwd=t.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # stop it once it is building the intermediate models
    deadline = time.time() + 120
    assert proc.stdout is not None
    for line in proc.stdout:
        if "START sql incremental model" in line and "int_" in line:
            time.sleep(0.3)
            proc.send_signal(signal.SIGKILL)
            break
        if time.time() > deadline:
            break
    proc.wait(timeout=60)
    t.dbt("build")
    snapshot(t, "resumed")
    t.dbt("build", "--full-refresh")
    diffs = differences(t, "resumed")
    assert diffs == {m: (0, 0) for m in MARTS}, diffs
