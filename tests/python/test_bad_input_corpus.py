"""A generated corpus of broken and awkward files through every command that reads files:
``load telemetry``, ``detect-fights`` and ``load fights``, on PostgreSQL.

Every case must end in a clear one-line error naming the file (recorded in the ledger, no
rows of that file) or in a correct load (row counts equal to the events in the file); never
a traceback, never partial rows. Each case carries its own match id, so "no rows of that
file" is a query.
"""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

COMBAT = {
    "LogPlayerTakeDamage": "log_player_take_damage",
    "LogPlayerMakeGroggy": "log_player_make_groggy",
    "LogPlayerKillV2": "log_player_kill_v2",
}
ERROR, LOADS = "error", "loads"


def with_match_id(events: list[dict], n: int) -> tuple[list[dict], str]:
    match_id = f"0c0c0c0c-0000-4000-8000-{n:012d}"
    out = [dict(e) for e in events]
    for e in out:
        if e["_T"] == "LogMatchDefinition":
            e["MatchId"] = f"match.bro.official.pc-2018-30.steam.squad.eu.2025.07.12.17.{match_id}"
    return out, match_id


def dumps(events: list[dict]) -> bytes:
    return json.dumps(events, ensure_ascii=False, separators=(",", ":")).encode()


def first(events: list[dict], t: str) -> int:
    return next(i for i, e in enumerate(events) if e["_T"] == t)


def build_corpus(events: list[dict]) -> dict[str, tuple[bytes, str, str | None, str | None]]:
    """name -> (file bytes, expected outcome, match id, a word the error must contain)."""
    corpus: dict[str, tuple[bytes, str, str | None, str | None]] = {}
    n = 0

    def case(name: str, evs: list[dict] | None, expect: str, word: str | None = None, mutate=None) -> None:
        nonlocal n
        n += 1
        if evs is None:
            evs = events
        evs, match_id = with_match_id(evs, n)
        data = dumps(evs)
        if mutate is not None:
            data = mutate(data)
        corpus[name] = (data, expect, match_id, word)

    gz = lambda d: gzip.compress(d, mtime=0)  # noqa: E731
    for frac in (0.001, 0.5, 0.999):
        case(f"truncated_gzip_{frac}.json.gz", None, ERROR, "gzip", lambda d, f=frac: gz(d)[: int(len(gz(d)) * f)])
    for frac in (0.3, 0.9):
        case(f"truncated_json_{frac}.json", None, ERROR, "truncated", lambda d, f=frac: d[: int(len(d) * f)])
    case("truncated_json_last_byte.json", None, ERROR, "truncated", lambda d: d[:-1])
    for k, frac in enumerate((0.2, 0.5, 0.8)):
        def flip(d: bytes, f: float = frac, bit: int = k) -> bytes:
            b = bytearray(gz(d))
            b[int(len(b) * f)] ^= 1 << bit
            return bytes(b)

        case(f"bitflip_{frac}.json.gz", None, ERROR, None, flip)
    # invalid UTF-8 inside a wanted event and inside a skipped one
    i = first(events, "LogPlayerTakeDamage")
    evs = [dict(e) for e in events]
    evs[i] = {**evs[i], "damageCauserName": "INVALID_UTF8_HERE"}
    case("invalid_utf8_wanted.json", evs, ERROR, "UTF-8", lambda d: d.replace(b"INVALID_UTF8_HERE", b"\xff\xfe"))
    j = first(events, "LogPlayerPosition")
    evs = [dict(e) for e in events]
    evs[j] = {**evs[j], "note": "INVALID_UTF8_HERE"}
    case("invalid_utf8_skipped.json", evs, ERROR, "UTF-8", lambda d: d.replace(b"INVALID_UTF8_HERE", b"ok\xc3("))
    case("object_not_array.json", None, ERROR, "array", lambda d: b'{"events":' + d + b"}")
    for field, value, word in (("damage", "12.5", "damage"), ("teamId", "3", "teamId"), ("location", [1, 2, 3], "location")):
        evs = [dict(e) for e in events]
        ev = dict(evs[i])
        if field == "damage":
            ev["damage"] = value
        else:
            victim = dict(ev["victim"])
            victim[field] = value
            ev["victim"] = victim
        evs[i] = ev
        case(f"wrong_type_{field}.json", evs, ERROR, word)
    case("no_match_definition.json", [e for e in events if e["_T"] != "LogMatchDefinition"], ERROR, "LogMatchDefinition")
    corpus["empty.json"] = (b"", ERROR, None, "empty")
    corpus["zero_byte_gzip.json.gz"] = (gzip.compress(b"", mtime=0), ERROR, None, "0 bytes")
    corpus["empty_array.json"] = (b"[]", ERROR, None, "no events")
    # awkward but valid: must load, exactly
    evs = [dict(e) for e in events]
    evs.insert(j, {"_T": "LogPlayerPosition", "_D": events[j]["_D"], "blob": "x" * (8 << 20)})
    case("huge_single_line.json", evs, LOADS)
    evs = []
    for e in events:
        evs.append(e)
        if e["_T"] in COMBAT:
            evs.append(dict(e))  # every combat event twice: no business filtering at landing
    case("duplicate_events.json.gz", evs, LOADS, mutate=gz)
    head, rest = events[:2], events[2:]
    shuffled = list(rest)
    random.Random(3).shuffle(shuffled)
    case("out_of_time_order.json", head + shuffled, LOADS)
    names = ["quo'te\"s", "back\\slash", "tab\tname", "new\nline", "emoji😀名前"]
    mapping: dict[str, str] = {}

    def rename(obj):
        if isinstance(obj, dict):
            out = {}
            for key, v in obj.items():
                if key == "name" and isinstance(v, str):
                    if v not in mapping and len(mapping) < len(names):
                        mapping[v] = names[len(mapping)]
                    out[key] = mapping.get(v, v)
                else:
                    out[key] = rename(v)
            return out
        if isinstance(obj, list):
            return [rename(x) for x in obj]
        return obj

    case("awkward_names.json", [rename(e) for e in events], LOADS)
    case("pretty_printed.json", None, LOADS, mutate=lambda d: json.dumps(json.loads(d), indent=2).encode())
    case("double_gzip.json", None, LOADS, mutate=lambda d: gz(gz(d)))
    return corpus


def expected_counts(data: bytes) -> dict[str, int]:
    while data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    c = Counter(e["_T"] for e in json.loads(data))
    return {table: c[t] for t, table in COMBAT.items()}


def error_lines(stderr: str) -> dict[str, str]:
    out = {}
    for line in stderr.splitlines():
        if line.startswith("error: "):
            path = line[len("error: ") :].split(": ", 1)[0]
            out[Path(path).name] = line
    return out


def test_bad_input_corpus_through_loader_detector_and_fight_loader(pg_target, small_season, tmp_path: Path) -> None:
    events = json.loads(gzip.decompress(small_season[0].telemetry_path.read_bytes()))
    corpus = build_corpus(events)
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, (data, *_rest) in corpus.items():
        (folder / name).write_bytes(data)
    bad = {name for name, (_d, expect, *_r) in corpus.items() if expect == ERROR}
    good = set(corpus) - bad

    # 1. the loader, two jobs, fights detected while loading
    proc = pg_target.pewstats("load", "telemetry", "--detect-fights", "--jobs", "2", str(folder), timeout=900)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    errors = error_lines(proc.stderr)
    assert set(errors) == bad, (sorted(set(errors) ^ bad), proc.stderr[-3000:])
    for name in bad:
        word = corpus[name][3]
        line = errors[name]
        assert len(line) < 400 and (word is None or word in line), line
    schema = pg_target.raw_schema
    for name, (data, expect, match_id, _word) in corpus.items():
        if match_id is None:
            continue
        got = {
            table: pg_target.query(f'select count(*) from "{schema}".{table} where match_id = %s', (match_id,))[0][0]
            for table in COMBAT.values()
        }
        if expect == ERROR:
            assert got == dict.fromkeys(COMBAT.values(), 0), (name, got)
        else:
            assert got == expected_counts(data), (name, got)
    ledger = dict(
        pg_target.query(f'select file_path, status from "{schema}".loaded_files where kind = %s', ("telemetry",))
    )
    assert {Path(p).name for p, s in ledger.items() if s == "failed"} == bad
    assert {Path(p).name for p, s in ledger.items() if s == "loaded"} == good
    names = {r[0] for r in pg_target.query(f'select character__name from "{schema}".log_match_start_characters')}
    assert {"quo'te\"s", "back\\slash", "tab\tname", "new\nline", "emoji😀名前"} <= names

    # 2. the detector on the same corpus: the same files fail, the same one-line errors
    out = tmp_path / "fights.ndjson"
    proc = pg_target.pewstats("detect-fights", str(folder), "--out", str(out), timeout=900)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert set(error_lines(proc.stderr)) == bad
    lines = out.read_bytes().splitlines()
    assert lines and all(json.loads(line)["match_id"] for line in lines)

    # 3. load fights: the detector's output loads; broken fight files fail whole
    fights_dir = tmp_path / "fights"
    fights_dir.mkdir()
    (fights_dir / "good.ndjson").write_bytes(b"\n".join(lines) + b"\n")
    one = json.loads(lines[0])
    broken = {
        "truncated_line.ndjson": lines[0] + b"\n" + lines[1][: len(lines[1]) // 2],
        "invalid_json.ndjson": lines[0] + b"\n{not json}\n",
        "wrong_team_ids.ndjson": json.dumps({**one, "team_ids": "1,2"}).encode(),
        "missing_start.ndjson": json.dumps({k: v for k, v in one.items() if k != "fight_start_time"}).encode(),
        "duplicate_fight.ndjson": lines[0] + b"\n" + lines[0] + b"\n",
        "participant_not_object.ndjson": json.dumps({**one, "participants": [1]}).encode(),
        "empty.ndjson": b"",
        "blank_lines_only.ndjson": b"\n\n",
        "array_not_lines.ndjson": json.dumps([one]).encode(),
    }
    for name, data in broken.items():
        (fights_dir / name).write_bytes(data)
    before = pg_target.query(f'select count(*) from "{schema}".fights')[0][0]
    proc = pg_target.pewstats("load", "fights", str(fights_dir))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    errors = error_lines(proc.stderr)
    assert set(errors) == set(broken), proc.stderr[-3000:]
    assert "line 2" in errors["truncated_line.ndjson"] and "line 2" in errors["duplicate_fight.ndjson"]
    assert "line 2" in errors["invalid_json.ndjson"]
    # the good file replaced the fights of its matches with the same fights: same count
    after = pg_target.query(f'select count(*) from "{schema}".fights')[0][0]
    assert after == before == len(lines)
    orphans = pg_target.query(
        f'select count(*) from "{schema}".fight_participants p'
        f' where not exists (select 1 from "{schema}".fights f where f.fight_id = p.fight_id)'
    )[0][0]
    assert orphans == 0
