"""The synthetic season generator (loader/synth/): determinism, real-format shape, sizes,
internal consistency (PUBG's own numbers agree with the events), fights, mutate_match, and
play calibrated to the real files (kill and hit distances per weapon category, headshot share,
kills and damage per player). No database needed."""

from __future__ import annotations

import gzip
import math
import random
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from oracle import credited_kill, is_enemy, is_player, per_player

from loader.synth import (
    NPC_NAMES,
    generate_match_events,
    generate_match_object,
    generate_season,
    make_player_pool,
    mutate_match,
    simulate_match,
    write_telemetry,
)

MATCH_ID = "6f0e8f2c-2d7b-4a5e-9d77-0a1b2c3d4e5f"
D_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CHARACTER_KEYS = [
    "name", "teamId", "health", "location", "ranking", "individualRanking", "accountId",
    "isInBlueZone", "isInRedZone", "inSpecialZone", "isInVehicle", "zone", "type",
]  # fmt: skip
PHASES = {0, 0.10000000149011612, 0.5} | {k / 2 for k in range(2, 40)}


# ----------------------------------------------------------------------------- helpers


def ts(d: str) -> float:
    base, frac = d.rstrip("Z").split(".")
    t = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return t + int(frac[:6].ljust(6, "0")) / 1e6


def is_player_character(c: dict | None) -> bool:
    return isinstance(c, dict) and is_player(c.get("accountId"))


def of_type(events: list[dict], t: str) -> list[dict]:
    return [e for e in events if e["_T"] == t]


def characters(e: dict):
    for k in ("attacker", "victim", "killer", "finisher", "dBNOMaker", "character", "reviver"):
        if isinstance(e.get(k), dict):
            yield e[k]
    for w in e.get("characters") or []:
        yield w["character"]


def detect_fights(events: list[dict]) -> list[str]:
    """A compact restatement of docs/fight-detection.md (clustering and the "is it a fight"
    rules), enough to check that the synthetic combat is clustered into fights."""
    combat = []
    for e in events:
        t = e["_T"]
        if t == "LogPlayerMakeGroggy":
            a, kind = e.get("attacker"), "knock"
        elif t == "LogPlayerKillV2":
            a, kind = e.get("finisher"), "kill"
        elif t == "LogPlayerTakeDamage" and (e.get("damage") or 0) > 0:
            a, kind = e.get("attacker"), "damage"
        else:
            continue
        v = e.get("victim")
        if not a or not v or a.get("teamId") is None or v.get("teamId") is None or a["teamId"] == v["teamId"]:
            continue
        combat.append((ts(e["_D"]), kind, a, v, e.get("damage") or 0))
    used = [False] * len(combat)
    fights = []
    for i, (t0, _, a, v, _) in enumerate(combat):
        if used[i]:
            continue
        used[i] = True
        cx = (a["location"]["x"] + v["location"]["x"]) / 2
        cy = (a["location"]["y"] + v["location"]["y"]) / 2
        teams = {a["teamId"], v["teamId"]}
        members = [combat[i]]
        last = t0
        for j in range(i + 1, len(combat)):
            if used[j]:
                continue
            tj, _, aj, vj, _ = combat[j]
            if tj - t0 > 240 or tj - last > 45:
                break
            ina, inv = aj["teamId"] in teams, vj["teamId"] in teams
            near = all(math.hypot(c["location"]["x"] - cx, c["location"]["y"] - cy) <= 30_000 for c in (aj, vj))
            if (ina and inv) or ((ina or inv) and near):
                used[j] = True
                members.append(combat[j])
                teams |= {aj["teamId"], vj["teamId"]}
                last = tj
        knocks = sum(1 for m in members if m[1] == "knock" and is_enemy(m[2], m[3]))
        kills = sum(1 for m in members if m[1] == "kill" and is_enemy(m[2], m[3]))
        dealt: Counter = Counter()
        size: dict[int, set] = defaultdict(set)
        for m in members:
            for c in (m[2], m[3]):
                if is_player_character(c):
                    size[c["teamId"]].add(c["accountId"])
            if m[1] == "damage" and is_enemy(m[2], m[3]):
                dealt[m[2]["teamId"]] += m[4]
        if len(size) < 2:
            continue
        total = sum(dealt.values())
        if knocks + kills >= 2:
            fights.append("multiple casualties")
        elif kills == 1 and knocks == 0:
            victim_team = next(m[3]["teamId"] for m in members if m[1] == "kill" and is_enemy(m[2], m[3]))
            sizes = [len(s) for s in size.values()]
            imbalance = max(sizes) / min(sizes)
            if dealt[victim_team] >= (75 if imbalance >= 3 else 50 if imbalance >= 2 else 25):
                fights.append("single kill with resistance")
        elif kills == 0 and knocks == 0:
            if len(dealt) >= 2 and total >= 150 and all(dealt[t] >= 0.2 * total for t in size):
                fights.append("sustained reciprocal damage")
        elif knocks == 1 and kills == 0 and all(dealt[t] >= 75 for t in size):
            fights.append("single knock with reciprocal damage")
    return fights


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def big_match() -> list[dict]:
    """One official squad-fpp match at scale 1.0 (about 60k events)."""
    return generate_match_events(MATCH_ID, random.Random(1), scale=1.0, game_mode="squad-fpp", match_type="official")


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> list:
    return generate_season(tmp_path_factory.mktemp("synth-season"), 8, seed=42, scale=0.1)


@pytest.fixture(scope="module")
def season_events(season) -> list[list[dict]]:
    return [orjson.loads(gzip.decompress(m.telemetry_path.read_bytes())) for m in season]


# ----------------------------------------------------------------------------- determinism


def test_season_is_byte_identical_for_the_same_arguments(tmp_path: Path, season) -> None:
    again = generate_season(tmp_path / "again", 8, seed=42, scale=0.1)
    assert [m.match_id for m in again] == [m.match_id for m in season]
    for a, b in zip(season, again):
        assert a.telemetry_path.read_bytes() == b.telemetry_path.read_bytes()
        assert a.match_path.read_bytes() == b.match_path.read_bytes()
        assert a.telemetry_path.name == f"{a.match_id}.json.gz" and a.telemetry_path.parent.name == "telemetry"
        assert a.match_path.name == f"{a.match_id}.json" and a.match_path.parent.name == "matches"


def test_start_index_continues_the_same_season(tmp_path: Path, season) -> None:
    later = generate_season(tmp_path / "later", 2, seed=42, scale=0.1, start_index=6)
    assert [m.match_id for m in later] == [m.match_id for m in season[6:8]]
    for a, b in zip(season[6:8], later):
        assert a.telemetry_path.read_bytes() == b.telemetry_path.read_bytes()
        assert a.match_path.read_bytes() == b.match_path.read_bytes()


def test_other_seed_gives_other_matches(tmp_path: Path, season) -> None:
    other = generate_season(tmp_path / "other", 1, seed=43, scale=0.1)
    assert other[0].match_id != season[0].match_id
    assert other[0].telemetry_path.read_bytes() != season[0].telemetry_path.read_bytes()
    a = generate_match_events(MATCH_ID, random.Random(5), scale=0.05)
    b = generate_match_events(MATCH_ID, random.Random(5), scale=0.05)
    c = generate_match_events(MATCH_ID, random.Random(6), scale=0.05)
    assert orjson.dumps(a) == orjson.dumps(b) != orjson.dumps(c)


def test_gzip_header_has_no_time_or_name(season) -> None:
    raw = season[0].telemetry_path.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert raw[4:8] == b"\x00\x00\x00\x00"  # mtime 0
    assert raw[3] & 0x08 == 0  # no FNAME


# ----------------------------------------------------------------------------- shape


def test_every_event_has_the_real_envelope(big_match: list[dict]) -> None:
    first = big_match[0]
    assert first["_T"] == "LogMatchDefinition"
    assert first["MatchId"].split(".")[-1] == MATCH_ID
    assert first["MatchId"].startswith("match.bro.official.") and first["SeasonState"] == "progress"
    # as in the real file: LogMatchDefinition has no "common" and a 7-digit fraction
    assert "common" not in first and re.match(r"^.{19}\.\d{7}Z$", first["_D"])
    for e in big_match[1:]:
        assert D_RE.match(e["_D"]), e["_D"]
        assert isinstance(e["_T"], str) and e["_T"].startswith("Log")
        assert e["common"]["isGame"] in PHASES
        assert list(e)[-3:] == ["common", "_D", "_T"]
    ds = [e["_D"] for e in big_match]
    assert ds == sorted(ds)
    times = [ts(d) for d in ds]
    assert times == sorted(times)
    assert sum(1 for e in big_match if e["_T"] == "LogMatchStart") == 1
    assert sum(1 for e in big_match if e["_T"] == "LogMatchEnd") == 1
    end_i = next(i for i, e in enumerate(big_match) if e["_T"] == "LogMatchEnd")
    assert {e["_T"] for e in big_match[end_i + 1 :]} <= {"LogPlayerLogout"}  # as in the real file
    phases = {e["common"]["isGame"] for e in big_match[1:]}
    assert {0, 0.10000000149011612, 0.5, 1, 1.5, 2} <= phases


def test_character_and_combat_objects_have_the_real_keys(big_match: list[dict]) -> None:
    for e in big_match:
        for c in characters(e):
            assert list(c) == CHARACTER_KEYS
            assert set(c["location"]) == {"x", "y", "z"}
            assert c["type"] in ("user", "ai", "npc")
    start = of_type(big_match, "LogMatchStart")[0]
    assert start["mapName"] in ("Baltic_Main", "Desert_Main", "Savage_Main", "Tiger_Main", "Neon_Main")
    assert start["teamSize"] == 4 and start["isCustomGame"] is False and start["isEventMode"] is False
    assert start["cameraViewBehaviour"] == "FpsOnly" and start["weatherId"]
    assert set(start["characters"][0]) == {"character", "primaryWeaponFirst", "primaryWeaponSecond", "secondaryWeapon", "spawnKitIndex"}
    info_keys = ["damageReason", "damageTypeCategory", "damageCauserName", "additionalInfo", "distance", "isThroughPenetrableWall"]
    for k in of_type(big_match, "LogPlayerKillV2"):
        for key in ("dBNODamageInfo", "finishDamageInfo", "killerDamageInfo"):
            assert list(k[key]) == info_keys
        assert set(k["victimGameResult"]) == {"rank", "gameResult", "teamId", "stats", "accountId", "isRewardAbuse"}
        assert isinstance(k["assists_AccountId"], list) and isinstance(k["teamKillers_AccountId"], list)
    for d in of_type(big_match, "LogPlayerTakeDamage"):
        assert d["damageReason"] in ("HeadShot", "TorsoShot", "ArmShot", "LegShot", "PelvisShot", "NonSpecific", "None")
        assert isinstance(d["damage"], (int, float)) and d["damage"] >= 0
        assert "attacker" not in d or isinstance(d["attacker"], dict)  # left out, never null
    groggy = of_type(big_match, "LogPlayerMakeGroggy")[0]
    assert "victimWeapon" in groggy and "dBNOId" in groggy and "isAttackerInVehicle" in groggy


def test_scale_one_counts_and_size(big_match: list[dict]) -> None:
    n = Counter(e["_T"] for e in big_match)
    start = of_type(big_match, "LogMatchStart")[0]
    assert 64 <= len(start["characters"]) <= 100
    assert 55_000 <= len(big_match) <= 66_000
    assert 2_400 <= n["LogPlayerTakeDamage"] <= 3_000
    assert 55 <= n["LogPlayerMakeGroggy"] <= 95
    assert 60 <= n["LogPlayerKillV2"] <= 99
    assert n["LogPlayerPosition"] > n["LogPlayerTakeDamage"] * 3  # positions are the bulk
    for t in ("LogPlayerAttack", "LogItemPickup", "LogItemEquip", "LogHeal", "LogVehicleRide", "LogVehicleLeave",
              "LogGameStatePeriodic", "LogPhaseChange", "LogPlayerRevive", "LogParachuteLanding"):
        assert n[t] > 0, t
    raw = orjson.dumps(big_match)
    assert 30_000_000 <= len(raw) <= 35_000_000
    assert 1_000_000 <= len(gzip.compress(raw, 6, mtime=0)) <= 2_500_000


def test_scale_multiplies_combat(season_events) -> None:
    small = generate_match_events(MATCH_ID, random.Random(9), scale=0.2)
    double = generate_match_events(MATCH_ID, random.Random(9), scale=0.4)
    d_small = len(of_type(small, "LogPlayerTakeDamage"))
    d_double = len(of_type(double, "LogPlayerTakeDamage"))
    assert 1.7 <= d_double / d_small <= 2.3
    assert 1.6 <= len(double) / len(small) <= 2.4
    for events in season_events:  # scale 0.1: small files
        assert 200 <= len(of_type(events, "LogPlayerTakeDamage")) <= 400


# ----------------------------------------------------------------------------- consistency


def check_consistency(events: list[dict]) -> None:
    kills = of_type(events, "LogPlayerKillV2")
    knocks = of_type(events, "LogPlayerMakeGroggy")
    revives = of_type(events, "LogPlayerRevive")
    victims = Counter(k["victim"]["accountId"] for k in kills)
    assert victims and max(victims.values()) == 1, "a player died twice"
    # PUBG's killCount at each death = credited enemy kills of the victim before it
    credited: Counter = Counter()
    for k in kills:
        assert k["victimGameResult"]["stats"]["killCount"] == credited[k["victim"]["accountId"]]
        assert k["victimGameResult"]["accountId"] == k["victim"]["accountId"]
        if credited_kill(k):
            credited[k["killer"]["accountId"]] += 1
    end = of_type(events, "LogMatchEnd")[0]
    for r in end["gameResultOnFinished"]["results"]:
        assert r["stats"]["killCount"] == credited[r["accountId"]]
        assert r["accountId"] not in victims
    # knocks: each ends exactly once, in a kill carrying its dBNOId and maker, or a revive
    by_id = {g["dBNOId"]: g for g in knocks}
    assert len(by_id) == len(knocks)
    ends: Counter = Counter()
    for k in kills:
        if "dBNOMaker" in k:
            knock = by_id[k["dBNOId"]]
            assert knock["victim"]["accountId"] == k["victim"]["accountId"]
            assert knock["attacker"]["accountId"] == k["dBNOMaker"]["accountId"]
            assert ts(knock["_D"]) <= ts(k["_D"])
            ends[k["dBNOId"]] += 1
        else:
            assert k["dBNOId"] == -1
        if "killer" not in k:  # blue zone: neither killer nor finisher, empty killer info
            assert "finisher" not in k
            assert k["finishDamageInfo"]["damageTypeCategory"] == "Damage_BlueZone"
            assert k["killerDamageInfo"]["distance"] == -1
    for r in revives:
        ends[r["dBNOId"]] += 1
        assert r["reviver"]["teamId"] == r["victim"]["teamId"]
    assert all(ends[i] == 1 for i in by_id), "a knock was neither finished nor revived (or twice)"
    # nobody acts after death
    death = {k["victim"]["accountId"]: ts(k["_D"]) for k in kills}
    for e in events:
        if e["_T"] in ("LogPlayerTakeDamage", "LogPlayerMakeGroggy", "LogPlayerAttack"):
            a = e.get("attacker")
            if a and a["accountId"] in death:
                assert ts(e["_D"]) <= death[a["accountId"]] + 0.001, (e["_T"], a["name"], e["_D"])


def test_big_match_is_consistent(big_match: list[dict]) -> None:
    check_consistency(big_match)


def test_season_matches_are_consistent(season_events) -> None:
    for events in season_events:
        check_consistency(events)


def test_kill_shapes(big_match: list[dict]) -> None:
    kills = of_type(big_match, "LogPlayerKillV2")
    with_knock = [k for k in kills if "dBNOMaker" in k]
    without = [k for k in kills if "dBNOMaker" not in k and "killer" in k]
    zone = [k for k in kills if "killer" not in k]
    assert with_knock and without and zone
    for k in without:
        assert k["dBNODamageInfo"]["damageTypeCategory"] == "Damage_None" and k["dBNODamageInfo"]["distance"] == -1
    # the knocker is credited when the victim bleeds out or a teammate finishes
    bleed = [k for k in with_knock if k["finishDamageInfo"]["damageTypeCategory"] == "Damage_Groggy"]
    assert bleed
    for k in bleed:
        assert k["killer"]["accountId"] == k["dBNOMaker"]["accountId"] == k["finisher"]["accountId"]
        assert k["killerDamageInfo"] == k["dBNODamageInfo"]
    assert any(k["killer"]["accountId"] != k["finisher"]["accountId"] for k in with_knock)
    for k in kills:
        if "killer" in k and k["killer"]["accountId"] != k.get("finisher", {}).get("accountId"):
            assert k["killer"]["teamId"] == k["finisher"]["teamId"] or k["killer"]["accountId"] == k["finisher"]["accountId"]
    distances = [k["killerDamageInfo"]["distance"] for k in kills if "killer" in k and not k["isSuicide"]]
    assert all(d > 0 for d in distances) and max(distances) > 1_000  # centimetres


def test_damage_variety(big_match: list[dict], season_events) -> None:
    damage = of_type(big_match, "LogPlayerTakeDamage")
    assert any("attacker" not in d and d["damageTypeCategory"] == "Damage_BlueZone" for d in damage)
    assert any(d.get("attacker") and d["attacker"]["accountId"] == d["victim"]["accountId"] and d["damage"] > 0 for d in damage)
    assert any(d.get("attacker") and d["attacker"]["accountId"] != d["victim"]["accountId"]
               and d["attacker"]["teamId"] == d["victim"]["teamId"] for d in damage)  # team damage
    assert any(d["damageTypeCategory"] == "Damage_Groggy" and d["damage"] > 0 and is_enemy(d.get("attacker"), d["victim"])
               for d in damage)  # bleeding, the knocker as attacker
    assert {d["damageReason"] for d in damage} >= {"HeadShot", "TorsoShot", "ArmShot", "LegShot", "PelvisShot", "NonSpecific", "None"}
    assert any(d["common"]["isGame"] == 0 for d in damage)  # lobby punches
    assert any(k["common"]["isGame"] == 0.5 for k in of_type(big_match, "LogPlayerKillV2"))  # landing fights
    assert any(d["damage"] != round(d["damage"], 2) for d in damage)  # float32-like values
    everything = [e for events in season_events for e in events] + big_match
    starts = [w["character"] for e in everything if e["_T"] == "LogMatchStart" for w in e["characters"]]
    assert any(c["accountId"].startswith("ai.") and c["type"] == "ai" for c in starts)  # bots
    npc = [c for e in everything if e["_T"] == "LogPlayerTakeDamage" for c in (e.get("attacker"), e["victim"])
           if c and c["accountId"] == ""]
    assert npc and all(c["name"] in NPC_NAMES and c["teamId"] >= 200 for c in npc)
    assert any(c["name"] in NPC_NAMES for c in npc if c is not None)


def test_fights_are_clustered(big_match: list[dict], season_events) -> None:
    fights = detect_fights(big_match)
    assert 10 <= len(fights) <= 30, Counter(fights)
    for events in season_events:
        assert len(detect_fights(events)) >= 2


# ----------------------------------------------------------------------------- match objects


def test_match_object_numbers_come_from_the_telemetry(season, season_events) -> None:
    for m, events in zip(season, season_events):
        obj = orjson.loads(m.match_path.read_bytes())
        data = obj["data"]
        assert data["id"] == m.match_id and data["type"] == "match"
        attrs = data["attributes"]
        assert attrs["shardId"] == "steam" and attrs["titleId"] == "bluehole-pubg"
        assert attrs["stats"] is None and attrs["tags"] is None and attrs["seasonState"] == "progress"
        assert attrs["isCustomMatch"] == (attrs["matchType"] == "custom")
        start = of_type(events, "LogMatchStart")[0]
        assert attrs["mapName"] == start["mapName"]
        assert attrs["duration"] > 0
        included = obj["included"]
        parts = {i["id"]: i for i in included if i["type"] == "participant"}
        rosters = [i for i in included if i["type"] == "roster"]
        assets = [i for i in included if i["type"] == "asset"]
        assert len(parts) == len(start["characters"])
        assert sorted(r["id"] for r in rosters) == sorted(r["id"] for r in data["relationships"]["rosters"]["data"])
        assert assets and assets[0]["attributes"]["URL"].startswith("https://telemetry-cdn.pubg.com/")
        assert sum(1 for r in rosters if r["attributes"]["won"] == "true") == 1
        # the simulation's own record (the match object) against the oracle's reading of the telemetry
        expected = per_player(events)
        kills, hs, dbnos, dealt = (expected[k] for k in ("kills", "headshots", "knocks", "damage"))
        members = set()
        for r in rosters:
            for ref in r["relationships"]["participants"]["data"]:
                st = parts[ref["id"]]["attributes"]["stats"]
                members.add(ref["id"])
                assert r["attributes"]["stats"]["rank"] == st["winPlace"]
                pid = st["playerId"]
                assert st["kills"] == kills.get(pid, 0)
                assert st["headshotKills"] == hs.get(pid, 0)
                assert st["DBNOs"] == dbnos.get(pid, 0)
                assert st["damageDealt"] == pytest.approx(float(dealt.get(pid, 0)), abs=1e-3)
        assert members == set(parts)
        assert sum(kills.values()) > 0


def test_generate_match_object_directly() -> None:
    match = simulate_match(MATCH_ID, random.Random(3), scale=0.1, game_mode="duo-fpp", match_type="custom",
                           map_name="Desert_Main")
    events = match.events
    created = datetime(2024, 6, 1, 10, tzinfo=timezone.utc)
    obj = generate_match_object(match, created_at=created)
    assert obj["data"]["attributes"]["mapName"] == "Desert_Main" == of_type(events, "LogMatchStart")[0]["mapName"]
    assert obj["data"]["attributes"]["createdAt"] == "2024-06-01T10:00:00Z"
    assert obj["data"]["attributes"]["isCustomMatch"] is True
    start = of_type(events, "LogMatchStart")[0]
    assert start["isCustomGame"] is True and start["teamSize"] == 2
    assert events[0]["MatchId"].startswith("match.bro.custom.")
    stats = [i["attributes"]["stats"] for i in obj["included"] if i["type"] == "participant"]
    assert {s["deathType"] for s in stats} <= {"alive", "byplayer", "byzone", "suicide"}
    assert all(s["longestKill"] < 1_000 for s in stats)  # metres, not centimetres


# ----------------------------------------------------------------------------- season composition


def test_season_reuses_a_player_pool(season_events) -> None:
    seen: Counter = Counter()
    for events in season_events:
        start = of_type(events, "LogMatchStart")[0]
        ids = [w["character"]["accountId"] for w in start["characters"]]
        assert len(ids) == len(set(ids))
        seen.update(ids)
    assert any(n >= 2 for a, n in seen.items() if a.startswith("account."))
    # created times increase with the index
    # (checked on the match objects in test_match_object...; here on LogMatchStart)
    starts = [ts(of_type(events, "LogMatchStart")[0]["_D"]) for events in season_events]
    assert starts == sorted(starts)


def test_player_pool_has_awkward_names() -> None:
    pool = make_player_pool(random.Random("42:pool"), 360)
    names = [p.name for p in pool]
    assert len(set(names)) == len(names) == 360
    assert len({p.account_id for p in pool}) == 360
    assert all(re.match(r"^account\.[0-9a-f]{32}$", p.account_id) for p in pool)
    assert any(not n.isascii() for n in names)
    for ch in ("'", '"', "\\", "\t"):
        assert any(ch in n for n in names), repr(ch)
    assert sum(n.isascii() for n in names) > 300
    assert any(p.new_name for p in pool)  # a few accounts rename during the season


def test_match_type_and_mode_mix(tmp_path: Path) -> None:
    from loader.synth.season import MATCH_TYPE_WEIGHTS, MODE_WEIGHTS_BY_TYPE, pick_weighted

    types: Counter = Counter()
    modes: Counter = Counter()
    for i in range(400):
        rng = random.Random(f"7:{i}")
        rng.getrandbits(128)
        t = pick_weighted(rng, MATCH_TYPE_WEIGHTS)
        types[t] += 1
        modes[pick_weighted(rng, MODE_WEIGHTS_BY_TYPE[t])] += 1
    assert 0.5 < types["official"] / 400 < 0.7 and 0.17 < types["competitive"] / 400 < 0.33
    assert types["custom"] and types["arcade"] + types["event"] + types["training"] > 20
    assert set(modes) == {"squad-fpp", "squad", "duo-fpp", "solo-fpp", "esports-squad-fpp"}


def test_solo_has_no_knocks() -> None:
    events = generate_match_events(MATCH_ID, random.Random(4), scale=0.2, game_mode="solo-fpp")
    assert not of_type(events, "LogPlayerMakeGroggy")
    assert all("dBNOMaker" not in k for k in of_type(events, "LogPlayerKillV2"))
    assert of_type(events, "LogMatchStart")[0]["teamSize"] == 1
    check_consistency(events)


# ----------------------------------------------------------------------------- writing


def test_write_telemetry_variants(tmp_path: Path) -> None:
    events = generate_match_events(MATCH_ID, random.Random(2), scale=0.05)
    plain = tmp_path / "a.json"
    gz = tmp_path / "a.json.gz"
    double = tmp_path / "b.json.gz"
    pretty = tmp_path / "c.json"
    write_telemetry(events, plain)
    write_telemetry(events, gz)
    write_telemetry(events, double, double_gzip=True)
    write_telemetry(events, pretty, pretty=True)
    assert b"\n" not in plain.read_bytes()
    assert gzip.decompress(gz.read_bytes()) == plain.read_bytes()
    inner = gzip.decompress(double.read_bytes())
    assert inner[:2] == b"\x1f\x8b" and gzip.decompress(inner) == plain.read_bytes()
    assert pretty.read_bytes().count(b"\n") > len(events)
    assert orjson.loads(pretty.read_bytes()) == orjson.loads(plain.read_bytes())


# ----------------------------------------------------------------------------- mutate_match


def test_mutate_match(season_events) -> None:
    events = season_events[1]
    before = orjson.dumps(events)
    new = mutate_match(events, random.Random(5))
    assert orjson.dumps(events) == before, "the input must not change"
    mut = new.mutation
    dropped, renamed, rearmed = mut["dropped_account"], mut["renamed_account"], mut["rearmed_account"]
    assert len({dropped, renamed, rearmed}) == 3
    # dropped: gone everywhere
    assert dropped.encode() not in orjson.dumps(new)
    assert dropped.encode() in before
    start = of_type(new, "LogMatchStart")[0]
    assert all(w["character"]["accountId"] != dropped for w in start["characters"])
    # renamed: every occurrence of the account carries the new name
    names = {c["name"] for e in new for c in characters(e) if c["accountId"] == renamed}
    assert names == {mut["new_name"]}
    old_names = {c["name"] for e in events for c in characters(e) if c["accountId"] == renamed}
    assert old_names == {mut["old_name"]}
    # rearmed: their gun damage now names the new weapons, nobody else's changed
    weapon_map = mut["weapon_map"]
    assert weapon_map
    new_guns = Counter(e["damageCauserName"] for e in new if e["_T"] == "LogPlayerTakeDamage"
                       and (e.get("attacker") or {}).get("accountId") == rearmed)
    assert not set(weapon_map) & set(new_guns)
    assert set(weapon_map.values()) & set(new_guns)
    for e in of_type(new, "LogPlayerKillV2"):
        if (e.get("killer") or {}).get("accountId") == rearmed:
            assert e["killerDamageInfo"]["damageCauserName"] not in weapon_map
    untouched_before = [e for e in events if not any(c["accountId"] in (dropped, renamed, rearmed) for c in characters(e))
                        and e["_T"] == "LogPlayerTakeDamage"]
    untouched_after = [e for e in new if not any(c["accountId"] in (dropped, renamed, rearmed) for c in characters(e))
                       and e["_T"] == "LogPlayerTakeDamage"]
    assert orjson.dumps(untouched_before) == orjson.dumps(untouched_after)
    # still a consistent match, with PUBG's kill counts recomputed
    check_consistency(new)
    # deterministic
    assert orjson.dumps(mutate_match(events, random.Random(5))) == orjson.dumps(new)


# ----------------------------------------------------------------------------- calibrated to real play
#
# The synthetic play against ranges derived here from the real files under PEWSTATS_SHARED_DATA
# (its SOURCES.md): the two real telemetry files give kill and hit distances per weapon category
# (categories from seeds/weapons.csv), the real battle-royale match objects PUBG's own kills,
# headshotKills, DBNOs, damageDealt and longestKill per participant. The synthetic side is the
# demo's season (`pewstats demo`: 12 matches, seed 2026, scale 0.3) and three full-size matches.

WEAPON_SEED = Path(__file__).resolve().parents[2] / "seeds" / "weapons.csv"
REAL_TELEMETRY = [
    "JS1936-PubgAPI-Java/telemetry/telemetry_c2fb5093-866c-4d6d-96bf-7abf755094af.json",  # 2025, complete, V2
    "kevcodez-pubg-api-kotlin/telemetry_fc6db7bd-f16b-43e5-aa2d-1d6e2a66c57c.truncated.json",  # 2018, cut off
]
CLOSE_RANGE = ("shotgun", "smg", "pistol")
LONG_RANGE = ("dmr", "sniper_rifle")
# A car hurts whom it touches: no vehicle hit further than a car's length and a bit (no real
# vehicle hit in the files to derive it from).
VEHICLE_REACH_M = 10.0


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def weapon_categories() -> dict[str, str]:
    import csv

    with WEAPON_SEED.open(newline="") as f:
        return {row["weapon_id"]: row["weapon_category"] for row in csv.DictReader(f)}


def complete_events(path: Path) -> list[dict]:
    """Every complete event of a telemetry file, also of one cut off mid-event (the 2018 file)."""
    import json

    text = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    events, i = [], text.index("[") + 1
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        try:
            event, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            return events
        events.append(event)


def metres_apart(a: dict, b: dict) -> float:
    la, lb = a["location"], b["location"]
    return math.dist((la["x"], la["y"], la["z"]), (lb["x"], lb["y"], lb["z"])) / 100


def kill_distances(events: list[dict], categories: dict[str, str]) -> dict[str, list[float]]:
    """Metres of each kill by a player, per category of the credited weapon (V2: killerDamageInfo;
    before 2021: the LogPlayerKill itself). Bleed-outs of the old format name the knocker's body,
    not the weapon that knocked: left out."""
    out: dict[str, list[float]] = defaultdict(list)
    for e in events:
        if e["_T"] == "LogPlayerKillV2" and credited_kill(e):
            info = e["killerDamageInfo"]
        elif e["_T"] == "LogPlayerKill" and e.get("damageTypeCategory") != "Damage_Groggy":
            info = e
        else:
            continue
        if info["distance"] > 0 and info["damageCauserName"] in categories:
            out[categories[info["damageCauserName"]]].append(info["distance"] / 100)
    return out


def hit_distances(events: list[dict], categories: dict[str, str]) -> dict[str, list[float]]:
    """Attacker-to-victim metres of each hit on somebody else, per weapon category (bleeding, whose
    causer is a body, is not a hit)."""
    out: dict[str, list[float]] = defaultdict(list)
    for e in events:
        a = e.get("attacker")
        if (e["_T"] == "LogPlayerTakeDamage" and a and a.get("accountId") != e["victim"].get("accountId")
                and e["damageTypeCategory"] != "Damage_Groggy" and e["damageCauserName"] in categories):
            out[categories[e["damageCauserName"]]].append(metres_apart(a, e["victim"]))
    return out


def participants(match_object: dict) -> list[dict]:
    return [i["attributes"]["stats"] for i in match_object["included"] if i["type"] == "participant"]


@dataclass
class Play:
    kill_distances: dict[str, list[float]]
    hit_distances: dict[str, list[float]]
    matches: list[tuple[str, list[dict]]]  # (game mode, participants' stats) per match


@pytest.fixture(scope="module")
def real_play(shared_data: Path) -> Play:
    categories = weapon_categories()
    kills: dict[str, list[float]] = defaultdict(list)
    for name in REAL_TELEMETRY:
        for category, d in kill_distances(complete_events(shared_data / name), categories).items():
            kills[category] += d
    hits = hit_distances(complete_events(shared_data / REAL_TELEMETRY[0]), categories)  # 2018 locations are stale
    matches = []
    for path in sorted(shared_data.rglob("match*.json")):
        obj = orjson.loads(path.read_bytes())
        attributes = obj["data"]["attributes"]
        # battle royale only: not the arcade team deathmatch, not the training range
        if attributes.get("gameMode") != "tdm" and attributes.get("matchType") != "training":
            matches.append((attributes.get("gameMode") or "squad-fpp", participants(obj)))
    assert len(matches) >= 6, "the real match objects of SOURCES.md"
    return Play(dict(kills), hits, matches)


@pytest.fixture(scope="module")
def synthetic_play(tmp_path_factory) -> Play:
    out = tmp_path_factory.mktemp("calibration")
    made = generate_season(out / "demo", 12, seed=2026, scale=0.3) + generate_season(out / "full", 3, seed=2026, scale=1.0)
    categories = weapon_categories()
    kills: dict[str, list[float]] = defaultdict(list)
    hits: dict[str, list[float]] = defaultdict(list)
    matches = []
    for m in made:
        events = orjson.loads(gzip.decompress(m.telemetry_path.read_bytes()))
        for category, d in kill_distances(events, categories).items():
            kills[category] += d
        for category, d in hit_distances(events, categories).items():
            hits[category] += d
        obj = orjson.loads(m.match_path.read_bytes())
        matches.append((obj["data"]["attributes"]["gameMode"], participants(obj)))
    return Play(dict(kills), dict(hits), matches)


def real_longest_kills(play: Play) -> list[float]:
    return [p["longestKill"] for _, stats in play.matches for p in stats if p["kills"] > 0]


def melee_reach(real: Play) -> float:
    """Twice the longest real melee hit or kill (fists and pans reach about a metre)."""
    return 2 * max(real.hit_distances["melee"] + real.kill_distances.get("melee", []))


def test_melee_kills_and_hits_are_within_reach(real_play: Play, synthetic_play: Play) -> None:
    reach = melee_reach(real_play)
    assert reach < 5, reach
    melee = synthetic_play.kill_distances.get("melee", []) + synthetic_play.hit_distances["melee"]
    assert melee and max(melee) <= reach, (reach, sorted(melee)[-5:])


def test_kill_distances_per_weapon_category(real_play: Play, synthetic_play: Play) -> None:
    longest = real_longest_kills(real_play)  # a player's longest kill is at least as far as its typical kill
    median = {c: quantile(d, 0.5) for c, d in synthetic_play.kill_distances.items() if len(d) >= 5}
    p90 = {c: quantile(d, 0.9) for c, d in synthetic_play.kill_distances.items() if len(d) >= 5}
    assert set(median) >= {"assault_rifle", "smg", "dmr", "sniper_rifle"}, median
    # close-range weapons kill closer than the typical player's longest kill, and at least half as
    # close as their real kills in the telemetry files (fights at close range: a lower bound)
    for c in CLOSE_RANGE:
        if c in median:
            real = real_play.kill_distances.get(c, [])
            low = quantile(real, 0.5) / 2 if len(real) >= 5 else 1.0
            assert low <= median[c] <= quantile(longest, 0.5), (c, low, median[c])
            assert p90[c] <= quantile(longest, 0.75), (c, p90[c])
    # assault rifles: from their real telemetry median (close fights) to the real longest kills' 3rd quartile
    ar_low = quantile(real_play.kill_distances["assault_rifle"], 0.5)
    assert ar_low <= median["assault_rifle"] <= quantile(longest, 0.75), (ar_low, median["assault_rifle"])
    # marksman and sniper rifles kill further than assault rifles, within the real longest kills
    for c in LONG_RANGE:
        assert median[c] > median["assault_rifle"], (c, median)
        assert p90[c] <= quantile(longest, 0.95), (c, p90[c])
    assert max(median[c] for c in CLOSE_RANGE if c in median) < median["assault_rifle"]
    every_kill = [d for ds in synthetic_play.kill_distances.values() for d in ds]
    assert max(every_kill) <= max(longest), max(every_kill)


def test_no_hit_beyond_the_reach_of_its_weapon(real_play: Play, synthetic_play: Play) -> None:
    longest = max(real_longest_kills(real_play))
    reach = {"melee": melee_reach(real_play), "vehicle": VEHICLE_REACH_M,
             "throwable": 2 * max(real_play.hit_distances["throwable"])}  # twice the longest real throw
    for category, distances in synthetic_play.hit_distances.items():
        limit = reach.get(category, longest)
        assert max(distances) <= limit, (category, max(distances), limit)


def test_longest_kills_per_player_match_real_players(real_play: Play, synthetic_play: Play) -> None:
    real = real_longest_kills(real_play)
    synthetic = real_longest_kills(synthetic_play)
    assert quantile(real, 0.25) <= quantile(synthetic, 0.5) <= quantile(real, 0.75)
    assert quantile(real, 0.75) <= quantile(synthetic, 0.9) <= max(real)
    assert max(synthetic) <= max(real)


def per_match(play: Play, measure, modes: tuple[str, ...] | None = None) -> list[float]:
    return [measure(stats) for mode, stats in play.matches if modes is None or mode in modes]


def within_real_range(real: list[float], synthetic: list[float]) -> tuple[float, float, float]:
    """The synthetic matches' median of a per-match figure, and the real matches' range of it."""
    return min(real), statistics.median(synthetic), max(real)


def test_headshot_share_of_kills(real_play: Play, synthetic_play: Play) -> None:
    def share(stats: list[dict]) -> float:
        return sum(p["headshotKills"] for p in stats) / max(1, sum(p["kills"] for p in stats))

    low, synthetic, high = within_real_range(per_match(real_play, share), per_match(synthetic_play, share))
    assert low <= synthetic <= high, (low, synthetic, high)
    kills = sum(p["kills"] for _, stats in synthetic_play.matches for p in stats)
    headshots = sum(p["headshotKills"] for _, stats in synthetic_play.matches for p in stats)
    assert low <= headshots / kills <= high, (low, headshots / kills, high)


def test_kills_per_player(real_play: Play, synthetic_play: Play) -> None:
    for measure in (lambda stats: sum(p["kills"] for p in stats) / len(stats),  # kills per participant
                    lambda stats: sum(1 for p in stats if p["kills"]) / len(stats)):  # share with a kill
        low, synthetic, high = within_real_range(per_match(real_play, measure), per_match(synthetic_play, measure))
        assert low <= synthetic <= high, (low, synthetic, high)
    most = max(p["kills"] for _, stats in synthetic_play.matches for p in stats)
    assert most <= max(p["kills"] for _, stats in real_play.matches for p in stats)


def test_damage_per_player(real_play: Play, synthetic_play: Play) -> None:
    for measure in (lambda stats: quantile([p["damageDealt"] for p in stats], 0.5),
                    lambda stats: quantile([p["damageDealt"] for p in stats], 0.9),
                    lambda stats: sum(1 for p in stats if p["damageDealt"] == 0) / len(stats)):
        low, synthetic, high = within_real_range(per_match(real_play, measure), per_match(synthetic_play, measure))
        assert low <= synthetic <= high, (low, synthetic, high)
    most = max(p["damageDealt"] for _, stats in synthetic_play.matches for p in stats)
    assert most <= max(p["damageDealt"] for _, stats in real_play.matches for p in stats)

