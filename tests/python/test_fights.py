"""Landing fights: deterministic ids, one copy however often loaded, replacement by match,
clear errors for malformed lines, and dbt tests that catch broken fight_id integrity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loader.detection.detector import detect_fights, fights_to_ndjson
from loader.formats.fights import fight_id_for
from loader.formats.reader import full_parse


def raw_count(target, table: str, match_id: str | None = None) -> int:
    q = f'select count(*) from "{target.raw_schema}".{table}'
    if match_id:
        q += " where match_id = " + ("%s" if target.kind == "postgres" else "?")
        return target.query(q, (match_id,))[0][0]
    return target.query(q)[0][0]


def test_fight_id_is_deterministic_and_normalised() -> None:
    a = fight_id_for("m1", "2025-07-12T17:12:02.807Z", [3, 1, 2])
    b = fight_id_for("m1", "2025-07-12 17:12:02.807000+00:00", [1, 2, 3])
    assert a == b and len(a) == 32
    assert fight_id_for("m2", "2025-07-12T17:12:02.807Z", [1, 2, 3]) != a
    assert fight_id_for("m1", "2025-07-12T17:12:02.808Z", [1, 2, 3]) != a
    assert fight_id_for("m1", "2025-07-12T17:12:02.807Z", [1, 2]) != a


@pytest.fixture(scope="module")
def fights_files(small_season, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("fights")
    files = {}
    for m in small_season[:2]:
        fights = detect_fights(m.match_id, full_parse(m.telemetry_path))
        assert len(fights) >= 2
        p = out / f"{m.match_id}.ndjson"
        p.write_bytes(fights_to_ndjson(fights))
        files[m.match_id] = p
    return files


def test_fights_load_once_and_replace_by_match(any_target, small_season, fights_files, tmp_path: Path) -> None:
    m0, m1 = small_season[0].match_id, small_season[1].match_id
    any_target.pewstats("load", "fights", *map(str, fights_files.values()), check=True)
    n0 = raw_count(any_target, "fights", m0)
    p0 = raw_count(any_target, "fight_participants", m0)
    n1 = raw_count(any_target, "fights", m1)
    lines0 = fights_files[m0].read_text().splitlines()
    assert n0 == len(lines0) and p0 == sum(len(json.loads(l)["participants"]) for l in lines0)

    proc = any_target.pewstats("load", "fights", *map(str, fights_files.values()), check=True)
    assert "0 loaded, 2 skipped" in proc.stderr
    assert raw_count(any_target, "fights", m0) == n0

    # the same match re-detected (a new file: one fight fewer, another version): exactly one copy
    redetected = tmp_path / "m0-v2.ndjson"
    kept = [json.loads(l) for l in lines0[1:]]
    for f in kept:
        f["detector_version"] = "v-next"
    redetected.write_bytes(fights_to_ndjson(kept))
    any_target.pewstats("load", "fights", str(redetected), check=True)
    assert raw_count(any_target, "fights", m0) == n0 - 1
    assert raw_count(any_target, "fight_participants", m0) == sum(len(f["participants"]) for f in kept)
    assert raw_count(any_target, "fights", m1) == n1  # other matches untouched
    versions = any_target.query(
        f'select distinct detector_version from "{any_target.raw_schema}".fights where match_id = '
        + ("%s" if any_target.kind == "postgres" else "?"),
        (m0,),
    )
    assert versions == [("v-next",)]
    # every participant row carries its fight's id
    orphans = any_target.query(
        f'select count(*) from "{any_target.raw_schema}".fight_participants p '
        f'left join "{any_target.raw_schema}".fights f on p.fight_id = f.fight_id where f.fight_id is null'
    )[0][0]
    assert orphans == 0


def test_malformed_fight_line_names_file_and_line(pg_target, fights_files, tmp_path: Path) -> None:
    src = next(iter(fights_files.values())).read_text().splitlines()
    bad = tmp_path / "bad.ndjson"
    broken = json.loads(src[1])
    broken["team_ids"] = "one,two"
    bad.write_text("\n".join([src[0], json.dumps(broken), *src[2:]]) + "\n")
    proc = pg_target.pewstats("load", "fights", str(bad))
    assert proc.returncode == 1
    line = next(l for l in proc.stderr.splitlines() if l.startswith("error: "))
    assert str(bad) in line and "line 2" in line and "team_ids" in line
    pg_target.sink().close()
    assert raw_count(pg_target, "fights") == 0 and raw_count(pg_target, "fight_participants") == 0


def test_detect_fights_command_writes_loadable_ndjson(pg_target, small_season, tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    pg_target.pewstats("detect-fights", str(small_season[2].telemetry_path), "--out", str(out), check=True)
    lines = out.read_text().splitlines()
    assert lines and all(json.loads(l)["match_id"] == small_season[2].match_id for l in lines)
    pg_target.pewstats("load", "fights", str(out), check=True)
    assert raw_count(pg_target, "fights") == len(lines)


@pytest.mark.slow
def test_corrupt_participants_fail_the_named_dbt_tests(duck_target, small_season) -> None:
    """Deliberately broken rows: an unknown fight id, a participant filed under the wrong match,
    a participant of a team that is not in the fight. (DuckDB: on PostgreSQL the marts' foreign
    key would refuse the first one before any test ran.)"""
    t = duck_target
    t.pewstats("load", "telemetry", "--detect-fights", *[str(m.telemetry_path) for m in small_season[:2]], check=True)
    t.dbt("build")
    m0, m1 = small_season[0].match_id, small_season[1].match_id
    raw = f'"{t.raw_schema}".fight_participants'
    cols = [r[0] for r in t.query(f"select column_name from information_schema.columns where table_schema = '{t.raw_schema}' and table_name = 'fight_participants' order by ordinal_position")]
    select_cols = ", ".join(
        {"fight_id": "'00000000000000000000000000000000'", "account_id": "'account.ghost'"}.get(c, c) for c in cols
    )
    t.query(f"insert into {raw} select {select_cols} from {raw} where match_id = '{m0}' limit 1")
    wrong_match = ", ".join({"match_id": f"'{m1}'", "account_id": "'account.wrongmatch'"}.get(c, c) for c in cols)
    t.query(f"insert into {raw} select {wrong_match} from {raw} where match_id = '{m0}' limit 1")
    wrong_team = ", ".join({"team_id": "999", "account_id": "'account.wrongteam'"}.get(c, c) for c in cols)
    t.query(f"insert into {raw} select {wrong_team} from {raw} where match_id = '{m0}' limit 1")
    proc = t.dbt("build", "--full-refresh", check=False)
    assert proc.returncode != 0
    out = proc.stdout
    failed = [l for l in out.splitlines() if "FAIL" in l and " of " in l]
    assert any("relationships_fight_participants_fight_id" in l for l in failed), out[-4000:]
    assert any("matches_parent_column_fight_participants" in l for l in failed), out[-4000:]
    assert any("composite_relationships_fight_participants_fight_id__team_id" in l for l in failed), out[-4000:]
