"""The compact raw layer (loader/formats/layout.py) against real databases: the views give
back exactly what the loader built, whatever the values (not only float32 ones), a reloaded
match replaces its dictionary rows, and PostgreSQL reads a changed match through the index."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from loader.formats import layout
from loader.formats import tables as schema
from loader.formats.telemetry import parse_telemetry
from loader.synth import generate_match_events, mutate_match, write_telemetry

MATCH_ID = "5e7d1c2a-0000-4000-8000-00000000c013"


def _odd_values(events: list[dict]) -> list[dict]:
    """Values a narrow column or a dictionary would lose if the layout were not exact: doubles
    that are no float32, a huge damage, times that are no whole millisecond or far from the
    match's base, a damage info with only a causer, an unseen weapon."""
    rng = random.Random(5)
    out = json.loads(json.dumps(events))
    damage = [e for e in out if e["_T"] == "LogPlayerTakeDamage" and e.get("attacker")]
    for e in rng.sample(damage, 20):
        e["attacker"]["health"] = rng.uniform(0, 100)  # a double, not a float32
        e["victim"]["location"]["x"] = rng.uniform(0, 800000)
        e["damage"] = rng.choice([0.1, 9999.123456, -1.5, 1e-7])  # 9999.12: past an integer's millionths, under the limit
        e["common"]["isGame"] = 0.1
    damage[2]["_D"] = damage[2]["_D"][:19] + ".123456Z"  # not a whole millisecond
    damage[3]["_D"] = "2031-01-01T00:00:00.000Z"  # beyond an integer's milliseconds of the base
    damage[4]["victim"]["location"]["y"] = 1e39  # past float32's range: the row's floats cannot be packed at once
    damage[0]["damageTypeCategory"] = None
    damage[0]["damageReason"] = None
    damage[1]["damageCauserName"] = "WeapNeverSeenBefore_C"
    return out


COMPACT = [c.table for c in layout.COMPACT.values()]
TELEMETRY = [t for t in COMPACT if t in schema.TELEMETRY_TABLES]


def _order(table: schema.Table) -> str:
    return table.row_columns[1].name  # event_index, character_index


def _landed(target, table: schema.Table) -> list[tuple]:
    names = ", ".join(f'"{c.name}"' for c in table.row_columns)
    return target.query(f'select {names} from "{target.raw_schema}".{table.name} order by {_order(table)}')


def _expected(rows: list[tuple], table: schema.Table) -> list[tuple]:
    out = []
    for row in sorted(rows, key=lambda r: r[table.position(_order(table))]):
        values = []
        for c, v in zip(table.row_columns, row):
            if v is not None and c.type == "timestamptz":  # the converter's literal, UTC
                v = datetime.fromisoformat(v[:26]).replace(tzinfo=timezone.utc)
            values.append(Decimal(v) if c.type == "decimal" and v is not None else v)
        out.append(tuple(values))
    return out


def test_the_views_give_back_every_value_exactly(any_target, tmp_path: Path) -> None:
    events = _odd_values(generate_match_events(MATCH_ID, random.Random(3), scale=0.05))
    path = tmp_path / "odd.json.gz"
    write_telemetry(events, path)
    any_target.pewstats("load", "telemetry", str(path), check=True)
    built = parse_telemetry(path).rows
    assert {t.name for t in TELEMETRY} == {t.name for t in schema.EVENT_TABLES} | {"log_match_start_characters"}
    for table in TELEMETRY:
        got = _landed(any_target, table)
        assert got == _expected(built[table.name], table), table.name
    # the same load's id and time on every event of the match
    (load,) = any_target.query(f'select load_id, loaded_at from "{any_target.raw_schema}".telemetry_matches')
    for table in TELEMETRY:
        assert any_target.query(f'select distinct load_id, loaded_at from "{any_target.raw_schema}".{table.name}') == [load]


def test_the_participants_view_gives_back_every_value(any_target, small_season, tmp_path: Path) -> None:
    from loader.formats.matches import parse_match_file

    doc = json.loads(small_season[0].match_path.read_text())
    stats = [i["attributes"]["stats"] for i in doc["included"] if i.get("type") == "participant"]
    stats[0]["damageDealt"], stats[1]["damageDealt"] = 123456.25, 0.1  # past an integer's millionths; a double
    stats[2]["kills"] = 40000  # past a smallint
    path = tmp_path / "match.json"
    path.write_text(json.dumps(doc))
    any_target.pewstats("load", "matches", str(path), check=True)
    table = schema.MATCH_PARTICIPANTS
    built = _expected(parse_match_file(path).rows[table.name], table)
    assert sorted(_landed(any_target, table), key=repr) == sorted(built, key=repr)
    (load,) = any_target.query(f'select load_id, loaded_at from "{any_target.raw_schema}".matches')
    assert any_target.query(f'select distinct load_id, loaded_at from "{any_target.raw_schema}".{table.name}') == [load]


def test_a_reloaded_match_replaces_its_characters_and_keeps_the_shared_codes(any_target, small_season, tmp_path: Path) -> None:
    raw = any_target.raw_schema
    first, other = small_season[0], small_season[1]
    any_target.pewstats("load", "telemetry", str(first.telemetry_path), str(other.telemetry_path), check=True)
    infos = set(any_target.query(f'select * from "{raw}".damage_infos'))
    others = any_target.query(f'select * from "{raw}".telemetry_characters where match_key = {layout.match_key(other.match_id)} order by 2')

    from loader.formats.reader import full_parse

    v2 = mutate_match(list(full_parse(first.telemetry_path)), random.Random(2))
    path = tmp_path / "v2.json.gz"
    write_telemetry(v2, path)
    any_target.pewstats("load", "telemetry", str(path), check=True)

    key = layout.match_key(first.match_id)
    characters = any_target.query(f'select name, teamid, accountid from "{raw}".telemetry_characters where match_key = {key}')
    wanted = set()
    for table in TELEMETRY:
        for prefix, positions in layout._groups(table, layout.CHARACTER_FIELDS).items():
            for row in parse_telemetry(path).rows[table.name]:
                values = tuple(row[p] for p in positions)
                if values != (None, None, None):
                    wanted.add(values)
    assert sorted(characters, key=repr) == sorted(wanted, key=repr)  # v1's dropped player is gone
    assert len(characters) == len(set(characters))
    assert infos <= set(any_target.query(f'select * from "{raw}".damage_infos'))  # codes never change
    # the other match is untouched
    assert any_target.query(f'select * from "{raw}".telemetry_characters where match_key = {layout.match_key(other.match_id)} order by 2') == others


def test_postgres_reads_a_changed_match_through_the_index(pg_target, small_season) -> None:
    """An incremental per-match model reads the changed match's damage events by the
    match_key index, through int_combat_events' UNION ALL and the raw view's joins."""
    t = pg_target
    t.pewstats("load", "telemetry", *[str(m.telemetry_path) for m in small_season[:2]], check=True)
    t.dbt("run", "-s", "+int_player_match_weapon_damage")
    t.pewstats("load", "telemetry", str(small_season[2].telemetry_path), check=True)
    t.dbt("compile", "-s", "int_player_match_weapon_damage")
    compiled = next((t.workdir / "target" / "compiled").rglob("intermediate/int_player_match_weapon_damage.sql")).read_text()
    assert "cast('1970-01-01" not in compiled  # compiled as an incremental build
    from conftest import pg_params
    import psycopg

    with psycopg.connect(**pg_params(t.database)) as conn:
        conn.execute("set enable_seqscan = off")  # small tables: make the planner show its index paths
        plan = "\n".join(r[0] for r in conn.execute("explain " + compiled).fetchall())
    lines = plan.splitlines()
    scans = [i for i, line in enumerate(lines) if " on log_player_take_damage__rows" in line]
    assert scans, plan
    for i in scans:  # each scan of the damage events has a match_key condition (not a whole-table scan)
        conditions = " ".join(lines[i + 1 : i + 4])
        assert "Cond: (match_key = " in conditions, plan
