"""The player pages' marts (issue 15): the daily marts summed over all time are exactly the
lifetime marts, the profile and its ranks follow their definitions, the weapons seed is the
one copy of the radar's categories, and each page query of analyses/ compiles and runs on
both adapters and returns what the marts say."""

from __future__ import annotations

import csv
import datetime
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
import yaml
from test_mart_types import column_types

ROOT = Path(__file__).resolve().parents[2]
PAGE_MARTS = ["player_daily_stats", "player_weapon_daily_stats", "player_profiles", "player_profile_ranks"]
RADAR = {"assault_rifle": "AR", "dmr": "DMR", "sniper_rifle": "SR", "smg": "SMG", "shotgun": "Shotgun", "lmg": "LMG",
         "pistol": "Pistol", "melee": "Melee", "throwable": "Throwable"}
AXES = ["fight_win_pct", "finishing_pct", "headshot_kill_pct", "fight_survival_pct"]


class _Returned(Exception):
    def __init__(self, value: object) -> None:
        self.value = value


def measure_list(macro: str) -> list[dict]:
    """A measure list of macros/measures.sql (`weapon_measures`, `fight_measures`), rendered by
    plain Jinja with dbt's `return`: the one definition the marts are built from."""
    def dbt_return(value: object) -> None:
        raise _Returned(value)

    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    module = env.from_string((ROOT / "macros" / "measures.sql").read_text()).make_module({"return": dbt_return})
    try:
        getattr(module, macro)()
    except _Returned as returned:
        return list(returned.value)
    raise AssertionError(f"{macro} returned nothing")


def yaml_columns(mart: str) -> list[str]:
    """The columns the YAML beside the marts documents for `mart`, in their order."""
    for path in sorted((ROOT / "models" / "marts").glob("_*__models.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            if model["name"] == mart:
                return [c["name"] for c in model["columns"]]
    raise AssertionError(f"{mart} is not documented")


def lifetime_columns(measures: list[dict]) -> list[str]:
    """A lifetime mart's measure columns (macros/measures.sql mart_measures): all but `behind_ratio`."""
    return [m["name"] for m in measures if not m.get("behind_ratio")]


def additive(measures: list[dict]) -> list[dict]:
    """The measures rolled up over matches (macros/measures.sql stored_measures): all but the ratios."""
    return [m for m in measures if "ratio" not in m]


def in_order(wanted: list[str], columns: list[str]) -> bool:
    return [c for c in columns if c in wanted] == wanted


def test_both_weapon_marts_document_the_one_list_of_weapon_measures() -> None:
    weapon = measure_list("weapon_measures")
    names = {m["name"] for m in weapon}
    lifetime, daily = yaml_columns("player_weapon_stats"), yaml_columns("player_weapon_daily_stats")
    # each YAML documents its mart's measures from the list, in the list's order, and no other
    assert in_order(lifetime_columns(weapon), lifetime) and names & set(lifetime) == set(lifetime_columns(weapon))
    daily_measures = [m["name"] for m in additive(weapon)]
    assert in_order(daily_measures, daily) and names & set(daily) == set(daily_measures)
    # the lifetime mart hides only measures behind a ratio it shows
    hidden = names - set(lifetime_columns(weapon))
    assert hidden and all(any(h in m.get("ratio", []) for m in weapon) for h in hidden)
    fights = measure_list("fight_measures")
    assert in_order([m["name"] for m in fights], yaml_columns("player_fight_stats"))


def build(target, season) -> None:
    target.pewstats("load", "telemetry", "--detect-fights", *[str(m.telemetry_path) for m in season], check=True)
    target.pewstats("load", "matches", *[str(m.match_path) for m in season], check=True)
    target.dbt("build")


def rows(target, sql: str) -> set[tuple]:
    return set(target.query(sql.format(s=f'"{target.schema}"')))


# every match type bucket and `all`, from rows per bucket: the lifetime marts' grouping
def by_bucket_and_all(select: str, keys: str, source: str) -> str:
    return f"""
        select {keys}, case when grouping(match_type) = 1 then 'all' else match_type end as match_type, {select}
        from {source}
        group by grouping sets (({keys}, match_type), ({keys}))
    """


def test_weapons_seed_is_the_one_copy_of_the_radar_categories() -> None:
    with (ROOT / "seeds" / "weapons.csv").open(newline="", encoding="utf-8") as handle:
        weapons = list(csv.DictReader(handle))
    wrong = {w["weapon_id"]: (w["weapon_category"], w["radar_category"]) for w in weapons
             if w["radar_category"] != RADAR.get(w["weapon_category"], "Other")}
    assert not wrong, wrong
    assert {w["radar_category"] for w in weapons} == set(RADAR.values()) | {"Other"}


@pytest.mark.slow
def test_daily_marts_sum_to_the_lifetime_marts(any_target, small_season) -> None:
    build(any_target, small_season)
    t = any_target
    # the YAML beside each player mart documents exactly its columns, in order
    for mart in ["player_weapon_stats", "player_fight_stats", "player_damage_stats", *PAGE_MARTS]:
        assert [name for name, _ in column_types(t, mart)] == yaml_columns(mart), mart

    # every weapon measure of the lifetime mart (macros/measures.sql: the one list), from the daily one
    weapon = [m for m in additive(measure_list("weapon_measures")) if not m.get("behind_ratio")]
    assert len(weapon) == 10
    weapon_measures = ", ".join(m["name"] for m in weapon)
    sums = ", ".join(f"{m['agg']}({m['name']})" for m in weapon)
    daily = rows(t, by_bucket_and_all(sums, "account_id, weapon_id", "{s}.player_weapon_daily_stats"))
    lifetime = rows(t, f"select account_id, weapon_id, match_type, {weapon_measures} from {{s}}.player_weapon_stats")
    assert len(lifetime) > 50
    assert daily == lifetime

    # the window's average kill distance, from the sums, is the lifetime one
    avg = rows(t, """
        select account_id, weapon_id,
            cast(cast(sum(total_kill_distance) as numeric(24, 8)) / nullif(sum(kills_with_distance), 0) as numeric(18, 6))
        from {s}.player_weapon_daily_stats group by account_id, weapon_id""")
    assert avg == rows(t, "select account_id, weapon_id, avg_kill_distance from {s}.player_weapon_stats where match_type = 'all'")

    fight_measures = [m["name"] for m in additive(measure_list("fight_measures"))]
    assert len(fight_measures) == 12
    daily_columns = [f"fight_{m}" if m in ("knocks", "kills", "damage_dealt", "damage_taken") else m for m in fight_measures]
    daily_fights = rows(t, by_bucket_and_all(", ".join(f"sum({c})" for c in daily_columns), "account_id",
                                             "{s}.player_daily_stats"))
    lifetime_fights = rows(t, f"select account_id, match_type, {', '.join(fight_measures)} from {{s}}.player_fight_stats")
    assert len(lifetime_fights) > 20
    # every player of player_fight_stats, with the same numbers; the others had no fight
    assert lifetime_fights <= daily_fights
    assert all(not any(r[2:]) for r in daily_fights - lifetime_fights)

    # the day's kills, knocks and damage are the weapon marts' over every weapon
    daily_totals = rows(t, by_bucket_and_all("sum(kills), sum(headshot_kills), sum(knocks), sum(damage_dealt), sum(hits)",
                                             "account_id", "{s}.player_daily_stats"))
    weapon_totals = rows(t, """
        select account_id, match_type, sum(total_kills), sum(headshot_kills), sum(knock_downs), sum(damage_dealt), sum(hits)
        from {s}.player_weapon_stats group by account_id, match_type""")
    assert weapon_totals <= daily_totals
    assert all(not any(r[2:]) for r in daily_totals - weapon_totals)

    # the body-part columns are player_damage_stats' damage by reason
    parts = {"HeadShot": "head", "TorsoShot": "torso", "ArmShot": "arm", "PelvisShot": "pelvis", "LegShot": "leg",
             "NonSpecific": "non_specific"}
    by_reason = defaultdict(Decimal)
    for account, reason, damage in t.query(
            f'select account_id, damage_reason, sum(total_damage) from "{t.schema}".player_damage_stats'
            " where match_type = 'all' group by account_id, damage_reason"):
        if reason in parts:
            by_reason[(account, parts[reason])] += damage
    columns = list(parts.values())
    got = defaultdict(Decimal)
    for account, *values in t.query(
            f'select account_id, {", ".join(f"sum(damage_{c})" for c in columns)} from "{t.schema}".player_daily_stats'
            " group by account_id"):
        for c, v in zip(columns, values):
            if v:
                got[(account, c)] = v
    assert by_reason and dict(got) == {k: v for k, v in by_reason.items() if v}

    # the finishes model's knocks (int_combat_events' knocks, as the weapon marts' are) equal the weapon marts'
    finishes = set(t.query(f'select account_id, sum(knocks) from "{t.schema}_intermediate".int_player_match_finishes'
                           " group by account_id"))
    knocks = rows(t, "select account_id, sum(knock_downs) from {s}.player_weapon_stats where match_type = 'all'"
                     " group by account_id having sum(knock_downs) > 0")
    assert finishes == knocks and len(knocks) > 10

    # the profile is the daily marts summed, and its shares are of those sums
    profile = rows(t, "select account_id, match_type, matches, kills, deaths, knocks, knocks_finished, headshot_kills,"
                      " damage_dealt, fights, fights_won, fights_survived from {s}.player_profiles")
    daily_profile = rows(t, by_bucket_and_all(
        "sum(matches), sum(kills), sum(deaths), sum(knocks), sum(knocks_finished), sum(headshot_kills), sum(damage_dealt),"
        " sum(fights), sum(fights_won), sum(fights_survived)", "account_id", "{s}.player_daily_stats"))
    assert profile == daily_profile
    finished, all_knocks, deaths = t.query(
        f"""select sum(knocks_finished), sum(knocks), sum(deaths) from "{t.schema}".player_profiles where match_type = 'all'""")[0]
    assert 0 < finished < all_knocks and deaths > 0


def expected_percentiles(profiles: list[tuple], min_matches: int) -> dict[tuple, tuple]:
    """100 x (qualified players with a lower value) / (qualified players with a value - 1), per match type."""
    out: dict[tuple, list] = {}
    qualified = [p for p in profiles if p[2] >= min_matches]
    for i, axis in enumerate(AXES):
        for account, match_type, _m, *values in qualified:
            value = values[i]
            others = [v[3 + i] for v in qualified if v[1] == match_type and v[3 + i] is not None]
            if value is None or len(others) < 2:
                rank = None
            else:
                rank = (Decimal(100) * sum(1 for o in others if o < value) / (len(others) - 1)).quantize(Decimal("0.000001"))
            out.setdefault((account, match_type), [None] * len(AXES))[i] = rank
    return {k: tuple(v) for k, v in out.items()}


@pytest.mark.slow
def test_page_queries_and_ranks_on_both_adapters(any_target, small_season) -> None:
    build(any_target, small_season)
    t = any_target
    s = f'"{t.schema}"'
    # the ranks: nobody has 10 matches in six, so nobody is ranked; with 1 match enough, the ranks are percentiles
    assert t.query(f"select count(*) from {s}.player_profile_ranks")[0][0] == 0
    t.dbt("build", "--select", "player_profile_ranks", "--vars", json.dumps({"min_profile_matches": 2}))
    profiles = t.query(f"select account_id, match_type, matches, {', '.join(AXES)} from {s}.player_profiles")
    expected = expected_percentiles(profiles, 2)
    got = {(r[0], r[1]): tuple(r[2:]) for r in t.query(
        f"select account_id, match_type, {', '.join(a + '_percentile' for a in AXES)} from {s}.player_profile_ranks")}
    assert got == expected
    assert any(v is not None and 0 < v < 100 for r in got.values() for v in r), "some rank strictly between 0 and 100"

    # the player with the most kills, and their day, match type and map with the most; the season is one day
    account = t.query(f"select account_id from {s}.player_profiles where match_type = 'all'"
                      " order by kills desc, account_id limit 1")[0][0]
    day, match_type, map_name = t.query(
        f"select match_day, match_type, map_name from {s}.player_daily_stats where account_id = '{account}'"
        " order by kills desc, match_type, map_name limit 1")[0]

    def pages(**params) -> dict[str, list[tuple]]:
        """Every page query of analyses/, compiled with these parameters and run."""
        page_vars = {"page_account_id": account, **{f"page_{k}": v for k, v in params.items()}}
        t.dbt("compile", "--select", "resource_type:analysis", "--vars", json.dumps(page_vars))
        compiled = t.workdir / "target" / "compiled" / "pewstats" / "analyses"
        return {f.stem: t.query(f.read_text()) for f in sorted(compiled.glob("*.sql"))}

    kills = t.query(f"select sum(total_kills) from {s}.player_weapon_stats where account_id = '{account}'"
                    " and match_type = 'all'")[0][0]
    lifetime = {r[0]: (r[1], r[2]) for r in t.query(
        f"select weapon_id, total_kills, damage_dealt from {s}.player_weapon_stats where match_type = 'all'"
        f" and account_id = '{account}'")}

    # all time
    all_time = pages()
    assert set(all_time) == {"enhanced_stats", "player_profile", "player_weapons_window", "player_days_window"}
    enhanced = all_time["enhanced_stats"]
    assert len(enhanced) == 1 and enhanced[0][0] == account
    shares = enhanced[0][5:]
    assert sum(shares[:10]) == pytest.approx(100, abs=1e-4) and sum(shares[10:20]) == pytest.approx(100, abs=1e-4)
    profile = all_time["player_profile"]
    assert len(profile) == 1 and profile[0][4] == kills > 0
    # the weapons of player_weapon_stats, by damage
    weapons = all_time["player_weapons_window"]
    assert {r[0]: (r[3], r[5]) for r in weapons} == lifetime
    assert [r[5] for r in weapons] == sorted((r[5] for r in weapons), reverse=True)
    assert all_time["player_days_window"] and all_time["player_days_window"][0][2] == kills

    # a 30-day window ending on the season's day holds it all; one ending the day before, nothing
    last_30_days = pages(days=30, until=str(day))
    assert last_30_days["player_weapons_window"] == weapons
    assert last_30_days["player_days_window"] == all_time["player_days_window"]
    assert [r[0] for r in last_30_days["player_days_window"]] == [day]
    before = pages(days=30, until=str(day - datetime.timedelta(days=1)))
    assert before["player_weapons_window"] == [] and before["player_days_window"] == []
    # one map, one match type: part of it
    on_map = pages(days=90, until=str(day), map_name=map_name, match_type=match_type)
    map_kills = sum(r[3] for r in on_map["player_weapons_window"])
    assert 0 < map_kills == sum(r[2] for r in on_map["player_days_window"]) <= kills
    assert on_map["player_profile"][0][2] == match_type


@pytest.mark.slow
def test_page_marts_have_the_same_types_on_both_adapters(pg_target, duck_target, small_season) -> None:
    for target in (pg_target, duck_target):
        build(target, small_season[:2])
    for mart in PAGE_MARTS:
        pg, duck = column_types(pg_target, mart), column_types(duck_target, mart)
        assert pg, mart
        assert pg == duck, (mart, [(a, b) for a, b in zip(pg, duck) if a != b])
        assert not [c for c, t in pg if t == "numeric(None, None)"], (mart, "declare a precision and scale")


def _moved_by_days(events: list[dict], days: int) -> list[dict]:
    """The events with every `_D` timestamp `days` days later (the time of day unchanged)."""
    out = []
    for e in events:
        e = dict(e)
        d = e.get("_D")
        if isinstance(d, str) and len(d) > 10:
            e["_D"] = (datetime.date.fromisoformat(d[:10]) + datetime.timedelta(days=days)).isoformat() + d[10:]
        out.append(e)
    return out


@pytest.mark.slow
def test_a_reloaded_match_on_another_day_leaves_its_old_day(pg_target, small_season, tmp_path: Path) -> None:
    """The daily marts and the per-player-day models rebuild by UTC day: a new version of a
    match that starts a day later must take the match's numbers off its old day (the spine's
    tombstones keep that day) and put them on the new one, on an incremental build exactly
    as on a full refresh."""
    from loader.formats.reader import full_parse
    from loader.synth import write_telemetry
    from test_incremental_equivalence import MARTS, differences, snapshot

    t = pg_target
    build(t, small_season)
    match = small_season[0]
    spine = f'"{t.schema}_intermediate".int_player_matches'
    (old_day,), = t.query(f"select distinct match_day from {spine} where match_id = %s", (match.match_id,))
    moved = tmp_path / "moved" / match.telemetry_path.name
    moved.parent.mkdir()
    write_telemetry(_moved_by_days(full_parse(match.telemetry_path), 1), moved)
    t.pewstats("load", "telemetry", "--detect-fights", str(moved), check=True)
    t.dbt("build")
    days = dict(t.query(f"select is_present, min(match_day) from {spine} where match_id = %s group by is_present",
                        (match.match_id,)))
    assert days == {True: old_day + datetime.timedelta(days=1), False: old_day}
    snapshot(t, "incremental")
    t.dbt("build", "--full-refresh")
    assert differences(t, "incremental") == {m: (0, 0) for m in MARTS}
