"""The loader against real databases (PostgreSQL and DuckDB): counts, idempotence,
replacement by match, bad input, and exact round-trip of awkward player names."""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from loader.formats.reader import full_parse
from loader.synth import generate_match_events, mutate_match, write_telemetry

COMBAT = {
    "LogPlayerTakeDamage": "log_player_take_damage",
    "LogPlayerMakeGroggy": "log_player_make_groggy",
    "LogPlayerKillV2": "log_player_kill_v2",
}


def table_counts(target, match_id: str | None = None) -> dict[str, int]:
    out = {}
    for table in list(COMBAT.values()) + ["telemetry_matches", "log_match_start_characters"]:
        where = " where match_id = %s" if match_id else ""
        q = f'select count(*) from "{target.raw_schema}".{table}{where}'
        if target.kind == "duckdb":
            q = q.replace("%s", "?")
        out[table] = target.query(q, (match_id,) if match_id else ())[0][0]
    return out


def expected_counts(paths: list[Path]) -> dict[str, int]:
    c: Counter = Counter()
    for p in paths:
        for ev in full_parse(p):
            if ev["_T"] in COMBAT:
                c[COMBAT[ev["_T"]]] += 1
    return {t: c[t] for t in COMBAT.values()}


def ledger(target) -> list[tuple]:
    return target.query(
        f'select file_path, kind, match_id, status, error from "{target.raw_schema}".loaded_files order by loaded_at, file_path'
    )


def test_load_counts_reload_and_replace(any_target, small_season, tmp_path: Path) -> None:
    files = [m.telemetry_path for m in small_season[:4]]
    proc = any_target.pewstats("load", "telemetry", *map(str, files), "--jobs", "2", check=True)
    assert "4 loaded, 0 skipped, 0 failed" in proc.stderr
    counts = table_counts(any_target)
    for table, n in expected_counts(files).items():
        assert counts[table] == n, table
    assert counts["telemetry_matches"] == 4

    # the same files again: nothing changes, every file reported as skipped
    before = any_target.query(f'select match_id, load_id, loaded_at from "{any_target.raw_schema}".telemetry_matches order by 1')
    proc = any_target.pewstats("load", "telemetry", *map(str, files), check=True)
    assert "0 loaded, 4 skipped, 0 failed" in proc.stderr
    assert table_counts(any_target) == counts
    after = any_target.query(f'select match_id, load_id, loaded_at from "{any_target.raw_schema}".telemetry_matches order by 1')
    assert before == after

    # a new version of one match replaces every row of that match, and only that match
    target_match = small_season[1]
    events = full_parse(target_match.telemetry_path)
    import random

    new_events = mutate_match(events, random.Random(3))
    new_file = tmp_path / "v2" / target_match.telemetry_path.name
    new_file.parent.mkdir()
    write_telemetry(new_events, new_file)
    other = small_season[0].match_id
    other_before = table_counts(any_target, other)
    any_target.pewstats("load", "telemetry", str(new_file), check=True)
    now = table_counts(any_target, target_match.match_id)
    for table, n in expected_counts([new_file]).items():
        assert now[table] == n, table
    assert table_counts(any_target, other) == other_before
    statuses = [r[3] for r in ledger(any_target) if r[2] == target_match.match_id and r[1] == "telemetry"]
    assert statuses == ["superseded", "loaded"]


def test_bad_inputs_are_recorded_and_do_not_stop_good_files(any_target, small_season, tmp_path: Path) -> None:
    good = small_season[0].telemetry_path
    raw = gzip.decompress(good.read_bytes())
    events = json.loads(raw)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    cases: dict[str, bytes] = {
        "truncated.json.gz": gzip.compress(raw)[: len(gzip.compress(raw)) // 2],
        "invalid.json": raw[:-200] + b"}}}]",
        "object.json": b'{"_T": "LogMatchDefinition"}',
        "empty.json": b"",
        "no_definition.json": json.dumps([e for e in events if e["_T"] != "LogMatchDefinition"]).encode(),
    }
    wrong = [dict(e) for e in events]
    for e in wrong:
        if e["_T"] == "LogPlayerTakeDamage":
            e["damage"] = "lots"
            break
    cases["wrong_type.json"] = json.dumps(wrong).encode()
    for name, data in cases.items():
        (bad_dir / name).write_bytes(data)
    good_copy = bad_dir / "zz_good.json.gz"
    shutil.copyfile(good, good_copy)

    proc = any_target.pewstats("load", "telemetry", str(bad_dir))
    assert proc.returncode == 1, proc.stderr
    error_lines = [l for l in proc.stderr.splitlines() if l.startswith("error: ")]
    assert len(error_lines) == len(cases), proc.stderr
    for name in cases:
        line = next(l for l in error_lines if name in l)
        assert "Traceback" not in line and len(line.split(": ", 2)[2]) > 5
    assert "wrong_type.json" in proc.stderr and "damage" in next(l for l in error_lines if "wrong_type" in l)
    assert "Traceback" not in proc.stderr
    # nothing partial: only the good file's match is there
    assert table_counts(any_target)["telemetry_matches"] == 1
    assert table_counts(any_target) == table_counts(any_target, small_season[0].match_id)
    failed = [r for r in ledger(any_target) if r[3] == "failed"]
    assert sorted(Path(r[0]).name for r in failed) == sorted(cases)
    assert all(r[4] for r in failed)


def test_awkward_names_round_trip(any_target, tmp_path: Path) -> None:
    import random

    names = ["quote'd", 'dq"name', "back\\slash", "tab\tname", "new\nline", "emoji😀名前", "ünïcödé", "semi;colon,comma"]
    rng = random.Random(11)
    events = generate_match_events("0b1c2d3e-0000-4000-8000-000000000001", rng, scale=0.05)
    # rename the first players of LogMatchStart everywhere they appear
    start = next(e for e in events if e["_T"] == "LogMatchStart")
    old = [c["character"]["name"] for c in start["characters"][: len(names)]]
    mapping = dict(zip(old, names))

    def rename(obj):
        if isinstance(obj, dict):
            return {k: (mapping.get(v, v) if k == "name" and isinstance(v, str) else rename(v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [rename(x) for x in obj]
        return obj

    path = tmp_path / "names.json.gz"
    write_telemetry([rename(e) for e in events], path)
    any_target.pewstats("load", "telemetry", str(path), check=True)
    got = {
        r[0]
        for r in any_target.query(f'select character__name from "{any_target.raw_schema}".log_match_start_characters')
    }
    assert set(names) <= got


def test_a_loaded_file_is_not_parsed_again_and_each_file_is_read_once(duck_target, small_season, tmp_path: Path, monkeypatch) -> None:
    """A file already loaded is told by its hash, without parsing it; a new version of the same
    size is read (and hashed) once, before parsing, and the parser gets those bytes."""
    import hashlib

    from loader.config import Settings
    from loader.pipeline import load as pipeline_load

    raw = gzip.decompress(small_season[0].telemetry_path.read_bytes())
    start = next(e for e in json.loads(raw) if e["_T"] == "LogMatchStart")
    name = next(c["character"]["name"] for c in start["characters"] if c["character"]["name"].isascii())
    end = raw.index(b'"_T":"LogMatchStart"')  # change the name in LogMatchStart (every event's _T is last)
    at = raw.index(b'"name":' + json.dumps(name).encode(), raw.rindex(b'"_T":', 0, end), end) + len('"name":"')
    same_size = raw[:at] + (b"Q" if raw[at:at + 1] != b"Q" else b"R") + raw[at + 1:]
    v1, v2 = tmp_path / "v1" / "match.json", tmp_path / "v2" / "match.json"
    for path, data in ((v1, raw), (v2, same_size)):
        path.parent.mkdir()
        path.write_bytes(data)
    assert len(same_size) == len(raw) and same_size != raw

    calls: list[tuple] = []
    real_parse = pipeline_load.parse_file
    monkeypatch.setattr(pipeline_load, "parse_file", lambda *args, **kw: calls.append(args) or real_parse(*args, **kw))
    settings = Settings(target="duckdb", raw_schema="raw", duckdb_path=duck_target.duckdb_path)

    def load(path: Path) -> list[str]:
        calls.clear()
        return [r.status for r in pipeline_load.load_files(settings, "telemetry", [path], jobs=1)]

    assert load(v1) == ["loaded"] and len(calls) == 1 and calls[0][4:6] == (None, None)  # the parser read the file
    assert load(v1) == ["skipped"] and calls == []  # told by its hash: not parsed
    assert load(v2) == ["loaded"] and len(calls) == 1
    assert calls[0][4:6] == (same_size, hashlib.sha256(same_size).hexdigest())  # read here once, parsed from memory
    rows = duck_target.query('select file_path, status, file_sha256, file_bytes from "raw".loaded_files order by loaded_at')
    assert rows == [
        (str(v1), "superseded", hashlib.sha256(raw).hexdigest(), len(raw)),
        (str(v2), "loaded", hashlib.sha256(same_size).hexdigest(), len(raw)),
    ]
    renamed = same_size[at:at + len(name)].decode()
    landed = {
        row[0]
        for table, column in (("log_player_take_damage", "attacker__name"), ("log_player_take_damage", "victim__name"),
                              ("log_player_make_groggy", "victim__name"), ("log_player_kill_v2", "victim__name"),
                              ("log_match_start_characters", "character__name"))
        for row in duck_target.query(f'select {column} from "raw".{table}')
    }
    assert renamed != name and renamed in landed  # the rows are the new version's
