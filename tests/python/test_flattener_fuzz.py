"""Property-based fuzzing of the telemetry flattener (issue: reliability under bad input).

Hypothesis builds combat events whose fields are valid, null, missing, of the wrong type,
out of range or awkward Unicode, writes them into an otherwise valid telemetry file and
runs it through ``parse_telemetry`` and the fight detector. Every example must end in one
of two ways:

* a ``BadInputError`` whose message is one non-empty line naming the field, or
* rows in which every value landed is exactly the value of the event (names byte for byte,
  integers equal, decimals to 6 places, nested nulls as nulls), that the detector accepts.

A sample of the accepted files is then landed in PostgreSQL to show the database takes
every row the flattener lets through.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loader.formats import tables as schema
from loader.detection.detector import detect_fights
from loader.errors import BadInputError
from loader.formats.columns import MAX_DAMAGE, MAX_MEASURE, MAX_NAME_LENGTH
from loader.formats.fights import FightRows, check_fight
from loader.formats.telemetry import parse_telemetry

MATCH = "match.bro.official.pc-2018-30.steam.squad.eu.2025.07.12.17.0fd3b2c4-aaaa-4bbb-8ccc-123456789abc"
MATCH_ID = MATCH.rsplit(".", 1)[-1]
MISSING = object()  # a key left out of the object

awkward_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # any code point JSON can carry
    max_size=12,
) | st.sampled_from(['quo"te', "back\\slash", "tab\there", "new\nline", "emoji😀", "名前", "", "\x00nul", "n" * 64, "名" * 65])
wrong = st.one_of(
    st.booleans(), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=1)
)
int_like = st.one_of(
    st.integers(-5, 200), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=3)
)
num_like = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(2**40), 2**40),
    st.text(max_size=3),
)
timestamp = st.one_of(
    st.just("2025-07-12T17:12:00.123Z"),
    st.just("2025-07-12T17:13:01.1234567Z"),
    st.just("2025-02-30T00:00:00Z"),
    st.just("2025-07-12T25:00:00Z"),
    st.just("yesterday"),
    st.integers(),
)


def event_strategy(corrupt: bool) -> st.SearchStrategy:
    """Combat events; with corrupt=False every value is of its type (valid, null or missing),
    though some lie beyond the loader's limits (damage, distances, name lengths: the oracle,
    ``_must_refuse``, knows them); with corrupt=True any field may also be wrong or out of range."""
    ints = int_like if corrupt else st.integers(-(2**31), 2**31 - 1)
    nums = num_like if corrupt else st.floats(allow_nan=False, allow_infinity=False, max_value=1e11, min_value=-1e11)
    stamps = timestamp if corrupt else st.sampled_from(GOOD_STAMPS)
    names = awkward_text if corrupt else awkward_text.filter(lambda t: "\x00" not in t)

    def field(values: st.SearchStrategy) -> st.SearchStrategy:
        """A plausible value most of the time, else null, missing (or, corrupt, wrong)."""
        choices = [values, values, values, st.none(), st.just(MISSING)]
        return st.one_of(*choices, wrong) if corrupt else st.one_of(*choices)

    def obj(**fields: st.SearchStrategy) -> st.SearchStrategy:
        return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not MISSING})

    location = field(obj(x=field(nums), y=field(nums), z=field(nums)))
    character = field(
        obj(
            name=field(names),
            teamId=field(ints),
            health=field(nums),
            location=location,
            ranking=field(ints),
            accountId=field(names),
            isInBlueZone=field(st.booleans()),
            isInVehicle=field(st.booleans()),
        )
    )
    damage_info = field(
        obj(
            damageReason=field(st.sampled_from(["HeadShot", "TorsoShot", "None"])),
            damageCauserName=field(st.sampled_from(["WeapHK416_C", "WeapAWM_C", "PlayerMale_A_C"])),
            distance=field(nums),
        )
    )
    common = field(obj(isGame=field(nums)))
    take_damage = obj(
        _T=st.just("LogPlayerTakeDamage"),
        _D=st.one_of(stamps, st.just(MISSING)) if corrupt else stamps,
        common=common,
        attackId=field(ints),
        attacker=character,
        victim=character,
        damageTypeCategory=field(st.sampled_from(["Damage_Gun", "Damage_Groggy", "Damage_BlueZone"])),
        damageReason=field(st.sampled_from(["HeadShot", "ArmShot"])),
        damage=field(nums),
        damageCauserName=field(st.sampled_from(["WeapHK416_C", "WeapM24_C"])),
    )
    groggy = obj(
        _T=st.just("LogPlayerMakeGroggy"),
        _D=stamps,
        common=common,
        attackId=field(ints),
        attacker=character,
        victim=character,
        damageCauserName=field(st.sampled_from(["WeapHK416_C"])),
        distance=field(nums),
        dBNOId=field(ints),
    )
    kill = obj(
        _T=st.just("LogPlayerKillV2"),
        _D=stamps,
        common=common,
        attackId=field(ints),
        dBNOId=field(ints),
        victim=character,
        dBNOMaker=character,
        dBNODamageInfo=damage_info,
        finisher=character,
        finishDamageInfo=damage_info,
        killer=character,
        killerDamageInfo=damage_info,
        assists_AccountId=field(st.lists(names, max_size=2)),
        isSuicide=field(st.booleans()),
    )
    return st.one_of(take_damage, groggy, kill)


GOOD_STAMPS = ("2025-07-12T17:12:00.123Z", "2025-07-12T17:13:01.1234567Z")
good_event = event_strategy(corrupt=False)
any_event = event_strategy(corrupt=True)
# mostly well-formed files (so accepted files are common), some with corrupt fields
event_lists = st.lists(good_event, min_size=1, max_size=3) | st.lists(
    st.one_of(good_event, any_event), min_size=1, max_size=3
)


def base_events() -> list[dict]:
    def char(name: str, team: int) -> dict:
        return {"name": name, "teamId": team, "health": 100, "location": {"x": 1000.0, "y": 2000.0, "z": 0.0},
                "ranking": 0, "accountId": f"account.{name}"}

    return [
        {"_T": "LogMatchDefinition", "_D": "2025-07-12T17:10:00.0000000Z", "MatchId": MATCH, "SeasonState": "progress"},
        {"_T": "LogMatchStart", "_D": "2025-07-12T17:11:00.000Z", "mapName": "Baltic_Main", "teamSize": 4,
         "characters": [{"character": char("a", 1)}, {"character": char("b", 2)}]},
        {"_T": "LogPlayerPosition", "_D": "2025-07-12T17:11:01.000Z", "character": char("a", 1)},
    ]


def write_file(path: Path, events: list[dict]) -> Path:
    # the standard library writes integers of any size, as a game or a corrupt file may
    path.write_bytes(gzip.compress(json.dumps(events, ensure_ascii=False).encode(), mtime=0))
    return path


def character_expectation(value: object) -> tuple | None:
    """What the landed character columns must hold, or None if the event must be refused."""
    if value is None or value is MISSING:
        return (None,) * 8
    if not isinstance(value, dict):
        return None
    loc = value.get("location")
    if loc is not None and not isinstance(loc, dict):
        return None
    loc = loc or {}
    out = (
        text(value.get("name"), MAX_NAME_LENGTH), integer(value.get("teamId"), 32), number(value.get("health")),
        number(loc.get("x")), number(loc.get("y")), number(loc.get("z")), integer(value.get("ranking"), 32),
        text(value.get("accountId"), MAX_NAME_LENGTH),
    )
    if any(v is REFUSE for v in out):
        return None
    if any(v is REFUSE for v in (boolean(value.get("isInBlueZone")), boolean(value.get("isInVehicle")))):
        return None
    return out


REFUSE = object()


def text(v: object, max_length: int | None = None) -> object:
    if v is None:
        return None
    if isinstance(v, str) and "\x00" not in v and (max_length is None or len(v) <= max_length):
        return v
    return REFUSE


def beyond(v: object, bound: float) -> bool:
    """A finite number whose 6-decimal value is beyond the loader's bound for its column."""
    return isinstance(v, float) and abs(float("%.6f" % v)) > bound


def integer(v: object, bits: int) -> object:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return REFUSE
    if isinstance(v, float):
        if not v.is_integer():
            return REFUSE
        v = int(v)
    return v if -(1 << (bits - 1)) <= v < (1 << (bits - 1)) else REFUSE


def number(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return REFUSE
    return float(v)


def boolean(v: object) -> object:
    return v if v is None or isinstance(v, bool) else REFUSE


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=event_lists)
def test_flattener_accepts_exactly_or_refuses_in_one_line(tmp_path: Path, events: list[dict]) -> None:
    path = write_file(tmp_path / "fuzz.json.gz", base_events() + events)
    try:
        batch = parse_telemetry(path, keep_combat_events=True)
    except BadInputError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        assert "Traceback" not in message
        # the refusal is justified: some event has a field the flattener must refuse
        assert any(_must_refuse(e) for e in events), f"refused a valid file: {message}"
        return
    assert not any(_must_refuse(e) for e in events), "accepted a file with a field it must refuse"
    assert batch.match_id == MATCH_ID
    tables = {"LogPlayerTakeDamage": "log_player_take_damage", "LogPlayerMakeGroggy": "log_player_make_groggy",
              "LogPlayerKillV2": "log_player_kill_v2"}
    landed = {name: list(rows) for name, rows in batch.rows.items()}
    for index, e in enumerate(events, start=len(base_events())):
        table = next(t for t in schema.TELEMETRY_TABLES if t.name == tables[e["_T"]])
        row = next(r for r in landed[table.name] if r[1] == index)
        assert len(row) == table.row_width == len(table.columns) - 2
        by_column = dict(zip(table.column_names, row))
        for who in ("attacker", "victim", "killer", "finisher", "dbnomaker"):
            key = {"dbnomaker": "dBNOMaker"}.get(who, who)
            if f"{who}__name" in by_column:
                expected = character_expectation(e.get(key, MISSING))
                got = tuple(by_column[f"{who}__{c.name}"] for c in schema.CHARACTER.fields[:8])
                assert got == expected, (who, got, expected)
        if e["_T"] == "LogPlayerTakeDamage" and e.get("damage") is not None:
            assert by_column["damage"] == "%.6f" % e["damage"]
    # the detector takes whatever the flattener accepts, and its output lands: handed over
    # directly (load telemetry --detect-fights) and as a fight file's lines (load fights)
    fights = detect_fights(batch.match_id, batch.combat_events)
    direct, from_file = FightRows([batch.match_id]), FightRows([batch.match_id])
    for number, fight in enumerate(fights, start=1):
        direct.add(fight, number)
        from_file.add(check_fight(json.loads(json.dumps(fight))), number)
    assert direct.batch("sha", 0) == from_file.batch("sha", 0)


def _must_refuse(e: dict) -> bool:
    if not isinstance(e.get("_D"), str):
        return True
    d = e["_D"]
    if d.startswith("2025-02-30") or "T25:" in d or d == "yesterday":
        return True
    common = e.get("common")
    if common is not None and (not isinstance(common, dict) or number(common.get("isGame")) is REFUSE):
        return True
    for key in ("attacker", "victim", "killer", "finisher", "dBNOMaker"):
        if key in e and character_expectation(e[key]) is None:
            return True
    for key in ("attackId", "dBNOId"):
        if integer(e.get(key), 64) is REFUSE:
            return True
    for key, bound in (("damage", MAX_DAMAGE), ("distance", MAX_MEASURE)):
        v = number(e.get(key))
        if v is REFUSE or beyond(v, bound):
            return True
    for key in ("damageTypeCategory", "damageReason", "damageCauserName"):
        if text(e.get(key)) is REFUSE:
            return True
    if boolean(e.get("isSuicide")) is REFUSE:
        return True
    if "assists_AccountId" in e and e["assists_AccountId"] is not None and not isinstance(e["assists_AccountId"], list):
        return True
    for key in ("dBNODamageInfo", "finishDamageInfo", "killerDamageInfo"):
        info = e.get(key)
        if info is None:
            continue
        if not isinstance(info, dict):
            return True
        if text(info.get("damageReason")) is REFUSE or text(info.get("damageCauserName")) is REFUSE:
            return True
        v = number(info.get("distance"))
        if v is REFUSE or beyond(v, MAX_MEASURE):
            return True
    return False


@pytest.mark.postgres
def test_fuzzed_files_the_flattener_accepts_land_in_postgres(pg_target, tmp_path: Path) -> None:
    """Every row the flattener lets through is one PostgreSQL's column types take."""
    made = []

    @settings(max_examples=40, deadline=None, database=None)
    @given(events=event_lists)
    def collect(events: list[dict]) -> None:
        path = write_file(tmp_path / f"f{len(made):03d}.json.gz", base_events() + events)
        try:
            parse_telemetry(path)
        except BadInputError:
            path.unlink()
            return
        if any(path.read_bytes() == p.read_bytes() for p in made):  # the same file twice is skipped
            path.unlink()
            return
        made.append(path)

    collect()
    assert made, "hypothesis produced no acceptable file"
    # each accepted file is a new version of the same match: every one must land, in order
    proc = pg_target.pewstats("load", "telemetry", "--jobs", "1", *map(str, made))
    assert proc.returncode == 0, proc.stderr
    assert f"{len(made)} loaded, 0 skipped, 0 failed" in proc.stderr, proc.stderr
    versions = pg_target.query(
        f'select count(*) from "{pg_target.raw_schema}".loaded_files where kind = %s', ("telemetry",)
    )[0][0]
    assert versions == len(made)
    # the last version is the one in the tables, whole
    last = parse_telemetry(made[-1]).rows
    for table in ("log_player_take_damage", "log_player_make_groggy", "log_player_kill_v2"):
        got = pg_target.query(f'select count(*) from "{pg_target.raw_schema}".{table}')[0][0]
        assert got == len(last[table]), table
