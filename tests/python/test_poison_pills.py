"""No poison pill (issue 18): one bad file never stops the runs after it.

Each class of bad file found by the adversarial review is generated here from the synthetic
season (nothing stored) and put in a `pewstats run` inbox among good files. The bad file
gets one `error:` line, a `failed` ledger row and a quarantine with its reason; the good
files around it land; `dbt build` succeeds; a good file that arrives at the next run lands
and builds too; and nothing that landed before is lost.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import test_run

from loader import exitcodes
from loader.detection.detector import detect_fights, fights_to_ndjson
from loader.formats.reader import full_parse

ROOT = Path(__file__).resolve().parents[2]


def run_args(root: Path, *extra: str) -> list[str]:
    return test_run.run_args(root, *extra, metrics=False)  # these tests never asked for the metrics file


def events_of(match) -> list[dict]:
    return json.loads(gzip.decompress(match.telemetry_path.read_bytes()))


def match_object(match) -> dict:
    return json.loads(match.match_path.read_text())


def with_match_id(events: list[dict], match_id: str) -> list[dict]:
    """A copy of the events whose LogMatchDefinition names ``match_id`` (the full dotted id)."""
    out = copy.deepcopy(events)
    for e in out:
        if e["_T"] == "LogMatchDefinition":
            e["MatchId"] = match_id
    return out


def dotted(last: str) -> str:
    return f"match.bro.official.pc-2018-33.steam.squad.eu.2025.07.12.17.{last}"


def write_gz(path: Path, events: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(json.dumps(events).encode()))


def write_json(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))


def participants(target, match_id: str) -> int:
    p = "%s" if target.kind == "postgres" else "?"
    return target.query(f'select count(*) from "{target.raw_schema}".match_participants where match_id = {p}', (match_id,))[0][0]


def ledger_rows(target) -> list[tuple]:
    return target.query(f'select file_path, kind, status, error from "{target.raw_schema}".loaded_files')


def refuse_a_map_name_in_the_database(target, map_name: str) -> None:
    """Make the database itself refuse the rows of a match object whose map is ``map_name``,
    as a limit the loader's checks do not know would: on PostgreSQL an index entry over the
    b-tree limit (ProgramLimitExceeded, which psycopg classes as an OperationalError), on
    DuckDB a check constraint (ConstraintException)."""
    target.pewstats("init", check=True)
    raw = f'"{target.raw_schema}"'
    if target.kind == "postgres":
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname=target.database, autocommit=True) as conn:
            conn.execute(
                f"create function {raw}.poison_key(text) returns text immutable language sql as $$"
                f" select case when $1 = '{map_name}' then (select string_agg(md5($1 || i::text), '')"
                " from generate_series(1, 200) as i) else $1 end $$"
            )
            conn.execute(f"create index on {raw}.matches ({raw}.poison_key(mapname))")
        return
    import duckdb

    from loader.formats import layout
    from loader.landing.duckdb import DUCK_TYPES

    stored = next(t for t in layout.stored_tables() if t.name == "matches")  # as the sink stores it
    cols = ", ".join(f'"{c.name}" {DUCK_TYPES[c.storage]}' for c in stored.columns)
    with duckdb.connect(str(target.duckdb_path)) as conn:
        conn.execute(f"drop table {raw}.matches")
        conn.execute(f"create table {raw}.matches ({cols}, check (mapname is distinct from '{map_name}'))")


def poison_inbox(root: Path, season, target) -> dict[str, str]:
    """An inbox with good files of matches 0-4 and one bad file of each class; returns
    {bad file name: a word its reason must hold}."""
    inbox = root / "inbox"
    for m in season[:4]:
        write_gz(inbox / "telemetry" / m.telemetry_path.name, events_of(m))
    # a good file whose name is not UTF-8 (6)
    weird = os.fsdecode(b"good\xff-" + season[4].telemetry_path.name.encode())
    shutil.copyfile(season[4].telemetry_path, inbox / "telemetry" / weird)
    (inbox / "matches").mkdir(parents=True)
    for m in season[:5]:
        shutil.copyfile(m.match_path, inbox / "matches" / ("a_" + m.match_path.name))
    base = events_of(season[0])
    bad: dict[str, str] = {}

    # 1a: a MatchId of thousands of characters (PostgreSQL: b-tree entry limit)
    write_gz(inbox / "telemetry" / "long_match_id.json.gz", with_match_id(base, dotted("x" * 3000)))
    bad["long_match_id.json.gz"] = "3000 characters long, more than 128"
    # 9: a MatchId ending in a dot (an empty match id)
    write_gz(inbox / "telemetry" / "dot_match_id.json.gz", with_match_id(base, dotted("")))
    bad["dot_match_id.json.gz"] = "ends in a dot"
    # 9: two LogMatchDefinition naming different matches
    two = with_match_id(base, dotted(str(uuid.uuid4())))
    second = next(dict(e) for e in two if e["_T"] == "LogMatchDefinition")
    second["MatchId"] = dotted(str(uuid.uuid4()))
    write_gz(inbox / "telemetry" / "two_definitions.json.gz", two[:5] + [second] + two[5:])
    bad["two_definitions.json.gz"] = "two LogMatchDefinition events name different matches"
    # 1c: damage each under the old 1e12 limit whose per-player sum overflows numeric(20, 6)
    big = with_match_id(base, dotted(str(uuid.uuid4())))
    hit = next(e for e in big if e["_T"] == "LogPlayerTakeDamage" and e.get("attacker"))
    big += [dict(hit, damage=9.99e11) for _ in range(200)]
    write_gz(inbox / "telemetry" / "huge_damage.json.gz", big)
    bad["huge_damage.json.gz"] = "damage is 999000000000.000000, more than the largest allowed 10000.0"
    # 9: a newline in the file name (a bad file: its one line must stay one line)
    (inbox / "telemetry" / "new\nline.json").write_bytes(b'{"not": "telemetry"}')
    bad["new\nline.json"] = "top-level JSON value"

    # 1b: a player name of 100,000 characters (the player marts' player_name index)
    doc = match_object(season[0])
    next(i for i in doc["included"] if i["type"] == "participant")["attributes"]["stats"]["name"] = "n" * 100_000
    write_json(inbox / "matches" / "zz_long_name.json", doc)
    bad["zz_long_name.json"] = "name is 100000 characters long, more than 64"
    # 7: a match object without included would replace 89 participants by none
    doc = match_object(season[1])
    del doc["included"]
    write_json(inbox / "matches" / "zz_no_included.json", doc)
    bad["zz_no_included.json"] = "no included list"
    # 7: fewer participants than its rosters name
    doc = match_object(season[1])
    first = next(i for i in doc["included"] if i["type"] == "participant")
    doc["included"].remove(first)
    write_json(inbox / "matches" / "zz_missing_participant.json", doc)
    bad["zz_missing_participant.json"] = "incomplete match object"
    # the known crash: a roster whose relationships is not an object (AttributeError)
    doc = match_object(season[2])
    next(i for i in doc["included"] if i["type"] == "roster")["relationships"] = ["participants"]
    write_json(inbox / "matches" / "zz_relationships.json", doc)
    bad["zz_relationships.json"] = "relationships is list, expected an object"
    # 1a (the class): rows the database itself refuses
    refuse_a_map_name_in_the_database(target, "Poison_Main")
    doc = match_object(season[3])
    doc["data"]["attributes"]["mapName"] = "Poison_Main"
    write_json(inbox / "matches" / "zz_refused.json", doc)
    bad["zz_refused.json"] = "the database refused the file's rows"

    # 1d + 7: a fights file whose participant's team is not one of its fight's teams
    fights = detect_fights(season[0].match_id, full_parse(season[0].telemetry_path))
    broken = json.loads(fights_to_ndjson(fights).splitlines()[0])
    broken["participants"][0]["team_id"] = 999
    (inbox / "fights").mkdir(parents=True)
    (inbox / "fights" / "bad_team.ndjson").write_text(json.dumps(broken) + "\n")
    bad["bad_team.ndjson"] = "team_id 999 is not one of the fight's team_ids"
    return bad


@pytest.mark.slow
def test_poison_pills_are_quarantined_and_the_rest_lands_and_builds(any_target, small_season, tmp_path: Path) -> None:
    t = any_target
    bad = poison_inbox(tmp_path, small_season, t)
    kept = {m.match_id: sum(1 for i in match_object(m)["included"] if i["type"] == "participant") for m in small_season[:5]}

    proc = t.pewstats(*run_args(tmp_path))
    assert proc.returncode == exitcodes.LOAD_FAILED, proc.stderr[-4000:]
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(bad), errors
    lines = {name: next((e for e in errors if f"/{name}: ".replace("\n", "\\n") in e), "") for name in bad}
    assert {n: w for n, w in bad.items() if w not in lines[n]} == {}, lines
    for name, word in bad.items():
        # quarantined with its reason, not archived
        kind = next(k for k in ("matches", "telemetry", "fights") if (tmp_path / "inbox" / k / name).exists() is False
                    and (tmp_path / "quarantine" / k / name).exists())
        note = tmp_path / "quarantine" / kind / (name + ".reason")
        assert word.replace("\n", "\\n") in note.read_text(encoding="utf-8"), name
        assert not (tmp_path / "archive" / kind / name).exists()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["dbt_success"] is True and summary["files_failed"] == len(bad)
    assert summary["files_loaded"] == 10  # 5 telemetry (one named in non-UTF-8) + 5 match objects
    # the good files landed (the non-UTF-8 name too, its odd byte shown as \xff) and were built
    loaded = [r for r in ledger_rows(t) if r[2] == "loaded"]
    assert any("good\\xff-" in r[0] for r in loaded)
    built = t.query(f'select count(distinct match_id) from "{t.schema}".fights')[0][0]
    assert built == 5
    # nothing that landed before was lost: each match keeps its participants
    for match_id, n in kept.items():
        assert participants(t, match_id) == n
    failed = {r[0].rsplit("/", 1)[-1]: r[3] for r in ledger_rows(t) if r[2] == "failed"}
    assert set(failed) == {n.replace("\n", "\\n") for n in bad}
    assert all("\n" not in e for e in failed.values())

    # a good file that arrives after the bad ones lands and builds
    shutil.copyfile(small_season[5].telemetry_path, tmp_path / "inbox" / "telemetry" / small_season[5].telemetry_path.name)
    shutil.copyfile(small_season[5].match_path, tmp_path / "inbox" / "matches" / small_season[5].match_path.name)
    proc = t.pewstats(*run_args(tmp_path))
    assert proc.returncode == exitcodes.OK, proc.stderr[-4000:]
    assert t.query(f'select count(distinct match_id) from "{t.schema}".fights')[0][0] == 6


def test_a_killed_parse_worker_fails_its_file_only(duck_target, small_season, tmp_path: Path) -> None:
    """3: a parse worker killed (as the OOM killer would): one line, the file retried once
    alone and then quarantined, the other files landed, the summary written."""
    t = duck_target
    inbox = tmp_path / "inbox" / "telemetry"
    inbox.mkdir(parents=True)
    for m in small_season[:4]:
        shutil.copyfile(m.telemetry_path, inbox / m.telemetry_path.name)
    victim = small_season[1].telemetry_path.name
    env = t.env() | {"PEWSTATS_TEST_KILL_PARSER": victim}
    proc = subprocess.run([sys.executable, "-m", "loader", *run_args(tmp_path, "--jobs", "2")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == exitcodes.LOAD_FAILED, proc.stderr[-4000:]
    assert "BrokenProcessPool" not in proc.stderr and "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and victim in errors[0] and "died twice" in errors[0], errors
    assert (tmp_path / "quarantine" / "telemetry" / (victim + ".reason")).exists()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["files_loaded"], summary["files_failed"], summary["dbt_success"]) == (3, 1, True)
    landed = {r[0] for r in t.query('select match_id from raw.telemetry_matches')}
    assert landed == {m.match_id for m in small_season[:4]} - {small_season[1].match_id}


def _children(pid: int) -> list[int]:
    """The worker processes of a loader: its children with its own command line (forked),
    not multiprocessing's helpers (the resource tracker)."""
    def cmdline(p: int | str) -> bytes:
        try:
            return Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            return b""

    mine = cmdline(pid)
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and cmdline(d.name) == mine:
            out.append(int(d.name))
    return out


def test_a_parse_worker_killed_from_outside_does_not_end_the_load(duck_target, small_season, tmp_path: Path) -> None:
    """3: a parse worker killed by another process (the OOM killer) while files are being
    parsed: no BrokenProcessPool traceback; the files that were in the dead pool are parsed
    again, each alone, and every file lands."""
    t = duck_target
    proc = subprocess.Popen([sys.executable, "-m", "loader", "load", "telemetry", "--jobs", "2",
                             *(str(m.telemetry_path) for m in small_season)],
                            cwd=tmp_path, env=t.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    victims: list[int] = []
    while not victims and proc.poll() is None and time.monotonic() < deadline:
        victims = _children(proc.pid)[:1]
        time.sleep(0.005)
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=600)
    assert victims, "no parse worker was seen"
    assert proc.returncode == exitcodes.OK, err[-4000:]
    assert "BrokenProcessPool" not in err and "Traceback" not in err
    landed = {r[0] for r in t.query("select match_id from raw.telemetry_matches")}
    assert landed == {m.match_id for m in small_season}


def _file_size_limit(limit: int):
    def apply() -> None:  # in the child: writes past `limit` bytes fail with EFBIG, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_failed_write_on_duckdb_is_one_line_and_the_next_run_succeeds(duck_target, small_season, tmp_path: Path) -> None:
    """5: the embedded target cannot write (a full disk, simulated by a file size limit of the
    process, RLIMIT_FSIZE: the kernel refuses the same writes, with EFBIG for ENOSPC): one
    line, exit 3, nothing partial, whether DuckDB's WAL or the rows' temporary file is refused
    (it was a `TransactionException` traceback); the file stays in the inbox and the next run,
    with room, loads and builds everything."""
    t = duck_target
    inbox = tmp_path / "inbox" / "telemetry"
    inbox.mkdir(parents=True)
    for m in small_season:
        shutil.copyfile(m.telemetry_path, inbox / m.telemetry_path.name)
    t.pewstats("init", check=True)  # the schema's own DDL is not what the limits below are about
    for limit, args, refused in (
        (400_000, ["load", "telemetry", "--jobs", "1", str(inbox)], ".wal"),  # the WAL, at a commit
        (40_000, run_args(tmp_path), "[Errno 27]"),  # the rows' temporary file
    ):
        proc = subprocess.run([sys.executable, "-m", "loader", *args], cwd=tmp_path, env=t.env(), capture_output=True,
                              text=True, timeout=900, preexec_fn=_file_size_limit(limit))
        assert proc.returncode == exitcodes.INFRASTRUCTURE, proc.stderr[-4000:]
        assert "Traceback" not in proc.stderr and "cannot rollback" not in proc.stderr
        errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and "File too large" in errors[0] and refused in errors[0], proc.stderr
        assert "run the load again" in errors[0]
        assert len(list(inbox.iterdir())) == len(small_season)  # nothing judged, nothing moved
    proc = t.pewstats(*run_args(tmp_path))
    assert proc.returncode == exitcodes.OK, proc.stderr[-4000:]
    assert {r[0] for r in t.query("select match_id from raw.telemetry_matches")} == {m.match_id for m in small_season}
    assert json.loads((tmp_path / "summary.json").read_text())["dbt_success"] is True


def test_files_still_being_written_wait_and_a_changed_quarantined_file_is_judged_again(
    duck_target, small_season, tmp_path: Path
) -> None:
    """7: a file modified less than --min-age seconds ago, or named .partial, is left in the
    inbox (not quarantined as truncated); a file quarantined as truncated whose writer then
    completes it goes back to the inbox and loads."""
    from loader.pipeline.run import load_inbox

    settings = _settings(duck_target)
    inbox, archive, quarantine = tmp_path / "inbox", tmp_path / "archive", tmp_path / "quarantine"
    (inbox / "telemetry").mkdir(parents=True)
    data = small_season[0].telemetry_path.read_bytes()
    fresh = inbox / "telemetry" / small_season[0].telemetry_path.name
    fresh.write_bytes(data[: len(data) // 2])  # being written: half of it so far
    partial = inbox / "telemetry" / (small_season[1].telemetry_path.name + ".partial")
    partial.write_bytes(small_season[1].telemetry_path.read_bytes())
    lines: list[str] = []
    results = load_inbox(settings, inbox, archive, quarantine, detect_fights=False, jobs=1, min_age=60, log=lines.append)
    assert results == [] and fresh.exists() and partial.exists() and not quarantine.exists()
    assert any(line.startswith("waiting: 2 telemetry files") for line in lines), lines

    # with no minimum age the half-written file is judged truncated and quarantined ...
    results = load_inbox(settings, inbox, archive, quarantine, detect_fights=False, jobs=1, min_age=0, log=lines.append)
    assert [r.status for r in results] == ["failed"]
    quarantined = quarantine / "telemetry" / fresh.name
    assert quarantined.exists()
    # ... its writer, which still had it open, finishes it: the next run takes it back and loads it
    with open(quarantined, "ab") as f:
        f.write(data[len(data) // 2:])
    partial.rename(partial.with_name(partial.name[: -len(".partial")]))  # the rename convention
    lines.clear()
    results = load_inbox(settings, inbox, archive, quarantine, detect_fights=False, jobs=1, min_age=0, log=lines.append)
    assert sorted(r.status for r in results) == ["loaded", "loaded"], [r.line() for r in results]
    assert any(line.startswith("requeued ") for line in lines), lines
    assert not quarantined.exists() and not (quarantine / "telemetry" / (fresh.name + ".reason")).exists()
    # a quarantined file that stays as it was stays in quarantine
    (inbox / "telemetry" / "broken.json.gz").write_bytes(b"\x1f\x8b\x08\x00 nope")
    load_inbox(settings, inbox, archive, quarantine, detect_fights=False, jobs=1, min_age=0, log=lines.append)
    results = load_inbox(settings, inbox, archive, quarantine, detect_fights=False, jobs=1, min_age=0, log=lines.append)
    assert results == [] and (quarantine / "telemetry" / "broken.json.gz").exists()


def _settings(target):
    from loader.config import Settings

    return Settings(target=target.kind, raw_schema=target.raw_schema, duckdb_path=target.duckdb_path)


def test_an_unreadable_inbox_folder_is_a_warning(tmp_path: Path) -> None:
    """9: a subfolder of the inbox that cannot be read is named in a warning line, and the
    other files are found. The folder is one whose path is longer than PATH_MAX: the system
    refuses to list it to every user (a folder without read permission is read by root)."""
    from loader.pipeline.load import discover

    telemetry = tmp_path / "inbox" / "telemetry"
    telemetry.mkdir(parents=True)
    (telemetry / "b.json").write_text("[]")
    fd = os.open(telemetry, os.O_RDONLY)
    depth = 0
    while len(str(telemetry)) + depth * 201 < 4300:  # each level: 200 characters and a slash
        os.mkdir("d" * 200, dir_fd=fd)
        inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd, depth = inner, depth + 1
    os.close(os.open("a.json", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    os.close(fd)
    warnings: list[str] = []
    found = discover([telemetry], warn=warnings.append)
    assert [p.name for p in found] == ["b.json"]
    assert len(warnings) == 1 and warnings[0].startswith("warning: ") and "cannot read this folder" in warnings[0]
    assert "\n" not in warnings[0]


def test_dbt_messages_of_a_failed_database_are_infrastructure() -> None:
    """8: what dbt reports when the database failed (restart, crash, full disk) reads as
    infrastructure, the full disk named before the rollback errors that follow it; a model's
    own error does not."""
    from loader.pipeline.run import infrastructure_error

    full = [
        "Database Error in model player_damage_stats (models/marts/player_damage_stats.sql)\n"
        "  could not extend file \"base/16384/2619\": No space left on device\n"
        "  HINT:  Check free disk space.",
    ]
    rollback = ["Database Error\n  current transaction is aborted, commands ignored until end of transaction block"]
    assert infrastructure_error(rollback + full) == 'could not extend file "base/16384/2619": No space left on device'
    restarted = ["Database Error in model fights (models/marts/fights.sql)\n  terminating connection due to administrator command"]
    assert "terminating connection" in (infrastructure_error(restarted) or "")
    assert infrastructure_error(["Database Error in model x\n  column \"foo\" does not exist"]) is None
    assert infrastructure_error([]) is None


@pytest.mark.slow
def test_the_database_going_away_during_dbt_build_is_exit_3(pg_target, small_season, tmp_path: Path) -> None:
    """8: a database restart during `dbt build` (its backends terminated, as a restart or a
    crash does) is an infrastructure error (exit 3), not "dbt failed" (4); the next run succeeds."""
    t = pg_target
    inbox = tmp_path / "inbox" / "telemetry"
    inbox.mkdir(parents=True)
    for m in small_season[:2]:
        shutil.copyfile(m.telemetry_path, inbox / m.telemetry_path.name)
    stop = threading.Event()
    killed: list[int] = []

    def terminate_dbt() -> None:
        """Once dbt is building the models (a query on an intermediate model runs), terminate its
        backends: what a restart or a crash of the server does to them."""
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname=t.database, autocommit=True) as conn:
            while not stop.is_set():  # every dbt backend, so that no reconnect succeeds either
                rows = conn.execute(
                    "select pid from pg_stat_activity where datname = %s and application_name like 'dbt%%'"
                    " and pid <> pg_backend_pid() and query like %s", (t.database, f"%{t.schema}%int_%"),
                ).fetchall()
                for (pid,) in rows:
                    conn.execute("select pg_terminate_backend(%s)", (pid,))
                    killed.append(pid)
                time.sleep(0.02)

    killer = threading.Thread(target=terminate_dbt, daemon=True)
    killer.start()
    try:
        proc = t.pewstats(*run_args(tmp_path))
    finally:
        stop.set()
        killer.join(10)
    assert killed, "no dbt connection was seen"
    assert proc.returncode == exitcodes.INFRASTRUCTURE, proc.stderr[-4000:]
    # dbt either reports the failed nodes (the database error named) or stops at once
    assert "dbt build failed on the database" in proc.stderr or "dbt could not run" in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["outcome"] == "infrastructure_error"
    proc = t.pewstats(*run_args(tmp_path))
    assert proc.returncode == exitcodes.OK, proc.stderr[-4000:]


def test_an_unwritable_summary_is_not_exit_1(duck_target, tmp_path: Path) -> None:
    """6: exit 1 means only "some files quarantined"; a run that cannot write its summary is
    an infrastructure error in one line (it was an uncaught traceback with Python's exit 1)."""
    (tmp_path / "inbox" / "telemetry").mkdir(parents=True)
    proc = duck_target.pewstats("run", "--inbox", str(tmp_path / "inbox"), "--summary", "/dev/null/summary.json",
                                "--archive", str(tmp_path / "archive"), "--quarantine", str(tmp_path / "quarantine"))
    assert proc.returncode == exitcodes.INFRASTRUCTURE, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "error: " in proc.stderr


@pytest.fixture(scope="module")
def one_fight(small_season) -> dict:
    fights = detect_fights(small_season[0].match_id, full_parse(small_season[0].telemetry_path))
    return json.loads(fights_to_ndjson(fights).splitlines()[0])


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda f: f["participants"][0].update(team_id=999), "participants[0].team_id 999 is not one of the fight's team_ids"),
        (lambda f: f["participants"][0].update(team_id=None), "participants[0].team_id is missing"),
        (lambda f: f.update(primary_team_1=999), "primary_team_1 999 is not one of the fight's team_ids"),
        (lambda f: f.update(winning_team_id=999), "winning_team_id 999 is not one of the fight's team_ids"),
        (lambda f: f.update(loser_team_id=f["team_ids"][0], winning_team_id=f["team_ids"][0]), "also the winning team"),
        (lambda f: f.update(third_party_teams=[999]), "third_party_teams [999] are not among"),
        (lambda f: f.update(outcome="WHO_KNOWS"), "outcome is 'WHO_KNOWS'"),
        (lambda f: f.update(team_outcomes={"999": "WON"}), "team_outcomes names team '999'"),
        (lambda f: f.update(team_outcomes={str(f["team_ids"][0]): "MAYBE"}), "expected WON, LOST or DRAW"),
        (lambda f: f.update(participants=[p for p in f["participants"] if p["team_id"] == f["participants"][0]["team_id"]]),
         "from 1 team(s)"),
        (lambda f: f.update(match_id="m" * 129), "match_id (the match id) is 129 characters long"),
        (lambda f: f["participants"][0].update(account_id="a" * 65), "account_id is 65 characters long, more than 64"),
    ],
)
def test_a_fight_breaking_the_marts_rules_is_refused(one_fight: dict, change, reason: str) -> None:
    """1d, 7: what the fight marts' data tests would fail on is refused before landing."""
    from loader.formats.convert import FieldError
    from loader.formats.fights import FightRows, check_fight

    FightRows().add(check_fight(copy.deepcopy(one_fight)), 1)  # the fight as detected is accepted
    fight = copy.deepcopy(one_fight)
    change(fight)
    with pytest.raises(FieldError) as err:
        FightRows().add(check_fight(fight), 1)
    assert reason in str(err.value)


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda d: d.pop("included"), "no included list"),
        (lambda d: d.update(included=[i for i in d["included"] if i["type"] != "participant"]), "0 participants"),
        (lambda d: d.update(included=[i for i in d["included"] if i["type"] != "roster"]), "0 rosters"),
        (lambda d: next(i for i in d["included"] if i["type"] == "roster").update(relationships="x"),
         "relationships is str, expected an object"),
        (lambda d: next(i for i in d["included"] if i["type"] == "roster").update(relationships={"participants": []}),
         "relationships.participants is list, expected an object"),
        (lambda d: next(i for i in d["included"] if i["type"] == "participant").update(id="p" * 200),
         "is 200 characters long, more than 128"),
        (lambda d: d["data"].update(id="a\nb"), "holds a control character: 'a\\nb'"),
        (lambda d: d["data"].update(id=""), "data.id (the match id) is missing or empty"),
    ],
)
def test_a_match_object_that_would_lose_rows_is_refused(small_season, change, reason: str) -> None:
    """7 and the known AttributeError: refused in one line naming what is wrong."""
    from loader.errors import BadInputError
    from loader.formats.matches import parse_match_document

    doc = match_object(small_season[0])
    parse_match_document(copy.deepcopy(doc))  # the document as written is accepted
    change(doc)
    with pytest.raises(BadInputError) as err:
        parse_match_document(doc)
    assert reason in str(err.value) and "\n" not in str(err.value)
