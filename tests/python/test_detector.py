"""Fight detection (``loader.detection.detector``): every rule of docs/fight-detection.md on small
hand-built event lists in the real PUBG shape, the fixed defects, determinism, the output
format, and the real complete telemetry file when PEWSTATS_SHARED_DATA is set. No database."""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hypothesis import given
from hypothesis import strategies as st

from loader import rules
from loader.detection.detector import (
    DETECTOR_VERSION,
    FIGHT_KEYS,
    PARTICIPANT_KEYS,
    _char,
    _cluster,
    _combat_events,
    detect_fights,
    fights_to_ndjson,
)

MATCH = "c0ffee00-0000-4000-8000-000000000001"
T0 = datetime(2025, 7, 12, 17, 0, 0, tzinfo=timezone.utc)
REAL_FILE = "JS1936-PubgAPI-Java/telemetry/telemetry_c2fb5093-866c-4d6d-96bf-7abf755094af.json"


# ---------------------------------------------------------------------------------------------
# builders: dicts in the real PUBG shape (see the real complete file)
# ---------------------------------------------------------------------------------------------


def ts(t: float) -> str:
    """Seconds after T0 -> ``_D`` (milliseconds, Z)."""
    d = T0 + timedelta(milliseconds=round(t * 1000))
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def character(name: str, team: int | None, x: float, y: float, account: str | None = None) -> dict:
    """A Character; ``x``/``y`` in **metres** (written as centimetres, as PUBG does).
    ``account`` defaults to ``account.<name>``; pass "" for an NPC, ``ai.N`` for a bot."""
    return {
        "name": name,
        "teamId": team,
        "health": 100,
        "location": {"x": x * 100.0, "y": y * 100.0, "z": 500.0},
        "ranking": 0,
        "individualRanking": 0,
        "accountId": f"account.{name}" if account is None else account,
        "isInBlueZone": False,
        "isInRedZone": False,
        "inSpecialZone": "None",
        "isInVehicle": False,
        "zone": [],
        "type": "user",
    }


def at(c: dict, x: float, y: float) -> dict:
    """The same character somewhere else (metres)."""
    return {**c, "location": {"x": x * 100.0, "y": y * 100.0, "z": 500.0}}


_MISSING = object()


def damage(t: float, attacker, victim: dict, dmg: float, category: str = "Damage_Gun") -> dict:
    """LogPlayerTakeDamage; ``attacker=_MISSING`` leaves the key out (blue zone), None sets null."""
    e = {"attackId": 1, "victim": victim, "damageTypeCategory": category, "damageReason": "TorsoShot",
         "damage": dmg, "damageCauserName": "WeapHK416_C", "isThroughPenetrableWall": False,
         "common": {"isGame": 1}, "_D": ts(t), "_T": "LogPlayerTakeDamage"}
    if attacker is not _MISSING:
        e = {"attackId": 1, "attacker": attacker, **e}
    return e


def knock(t: float, attacker, victim: dict) -> dict:
    """LogPlayerMakeGroggy; ``attacker=_MISSING`` leaves the key out."""
    e = {"attackId": 2, "victim": victim, "damageReason": "TorsoShot", "damageTypeCategory": "Damage_Gun",
         "damageCauserName": "WeapHK416_C", "damageCauserAdditionalInfo": [], "victimWeapon": "",
         "victimWeaponAdditionalInfo": [], "distance": 1000.0, "isAttackerInVehicle": False, "dBNOId": 5,
         "isThroughPenetrableWall": False, "common": {"isGame": 1}, "_D": ts(t), "_T": "LogPlayerMakeGroggy"}
    if attacker is not _MISSING:
        e = {"attackId": 2, "attacker": attacker, **e}
    return e


def kill(t: float, finisher, victim: dict, knocker: dict | None = None) -> dict:
    """LogPlayerKillV2; ``finisher=_MISSING`` leaves finisher and killer out (blue-zone death)."""
    info = {"damageReason": "TorsoShot", "damageTypeCategory": "Damage_Gun", "damageCauserName": "WeapHK416_C",
            "additionalInfo": [], "distance": 1000.0, "isThroughPenetrableWall": False}
    e: dict = {"attackId": 3, "dBNOId": -1 if knocker is None else 5, "victim": victim, "victimWeapon": ""}
    if knocker is not None:
        e["dBNOMaker"] = knocker
    e["dBNODamageInfo"] = info
    if finisher is not _MISSING:
        e["finisher"] = finisher
    e["finishDamageInfo"] = info
    if finisher is not _MISSING:
        e["killer"] = finisher
    e.update({"killerDamageInfo": info, "assists_AccountId": [], "teamKillers_AccountId": [], "isSuicide": False,
              "common": {"isGame": 1}, "_D": ts(t), "_T": "LogPlayerKillV2"})
    return e


def other(t: float) -> dict:
    return {"character": character("x", 1, 0, 0), "common": {"isGame": 1}, "_D": ts(t), "_T": "LogPlayerPosition"}


def squad(prefix: str, team: int, n: int, x: float = 0.0, y: float = 0.0) -> list[dict]:
    return [character(f"{prefix}{i + 1}", team, x + i, y) for i in range(n)]


def detect(events: list[dict]) -> list[dict]:
    return detect_fights(MATCH, events)


def one(events: list[dict]) -> dict:
    fights = detect(events)
    assert len(fights) == 1, fights
    return fights[0]


def players(fight: dict) -> dict[str, dict]:
    return {p["player_name"]: p for p in fight["participants"]}


A1, A2, A3, A4 = squad("a", 1, 4, 0, 0)
B1, B2, B3, B4 = squad("b", 2, 4, 20, 0)
C1, C2 = squad("c", 3, 2, 40, 0)


# ---------------------------------------------------------------------------------------------
# rule 1: multiple casualties
# ---------------------------------------------------------------------------------------------


def test_rule1_two_knocks_is_a_fight() -> None:
    f = one([knock(0, A1, B1), knock(5, A1, B2)])
    assert f["fight_reason"] == "MULTIPLE_CASUALTIES" and f["total_knocks"] == 2 and f["total_kills"] == 0


def test_rule1_knock_and_kill_is_a_fight_without_any_damage() -> None:
    f = one([knock(0, A1, B1), kill(3, A2, B1, knocker=A1)])
    assert f["fight_reason"] == "MULTIPLE_CASUALTIES"
    p = players(f)
    assert p["a1"]["knocks_dealt"] == 1 and p["a2"]["kills_dealt"] == 1  # the finisher is credited
    assert p["b1"]["was_knocked"] and p["b1"]["was_killed"] and not p["b1"]["survived"]
    assert p["b1"]["knocked_at"] == ts(0) and p["b1"]["killed_at"] == ts(3)


# ---------------------------------------------------------------------------------------------
# rule 2: one kill, no knock: resistance thresholds 25 / 50 / 75 by team-size imbalance
# ---------------------------------------------------------------------------------------------


def single_kill(attackers: list[dict], resistance: float) -> list[dict]:
    """Every attacker hits B1 (so each is seen), B1 fights back for ``resistance``, A1 kills B1."""
    evs = [damage(i * 0.5, a, B1, 10) for i, a in enumerate(attackers)]
    if resistance:
        evs.append(damage(3, B1, A1, resistance))
    evs.append(kill(4, A1, B1))
    return evs


@pytest.mark.parametrize(
    "attackers, threshold",
    [([A1], 25.0), ([A1, A2], 50.0), ([A1, A2, A3], 75.0), ([A1, A2, A3, A4], 75.0)],
    ids=["1v1-25", "2v1-50", "3v1-75", "4v1-75"],
)
def test_rule2_single_kill_with_resistance_thresholds(attackers: list[dict], threshold: float) -> None:
    f = one(single_kill(attackers, threshold))  # at the threshold: a fight (the documented intent)
    assert f["fight_reason"] == "SINGLE_KILL_WITH_RESISTANCE" and f["total_kills"] == 1
    assert detect(single_kill(attackers, threshold - 0.5)) == []  # below: instant kill, no fight
    assert detect(single_kill(attackers, 0)) == []


def test_rule2_imbalance_between_thresholds_uses_the_lower_one() -> None:
    # 5 against 2: imbalance 2.5 -> 50
    evs = [damage(i * 0.2, a, B1, 10) for i, a in enumerate([A1, A2, A3, A4, character("a5", 1, 4, 0)])]
    evs += [damage(1.5, B2, A1, 20), damage(2, B1, A1, 30), kill(4, A1, B1)]
    assert one(evs)["fight_reason"] == "SINGLE_KILL_WITH_RESISTANCE"
    evs[-2] = damage(2, B1, A1, 29.5)
    assert detect(evs) == []


# ---------------------------------------------------------------------------------------------
# rule 3: sustained reciprocal damage
# ---------------------------------------------------------------------------------------------


def trade(a_dealt: float, b_dealt: float) -> list[dict]:
    evs = []
    if a_dealt:
        evs.append(damage(0, A1, B1, a_dealt))
    if b_dealt:
        evs.append(damage(2, B1, A1, b_dealt))
    return evs


def test_rule3_total_150_and_20_percent_share() -> None:
    f = one(trade(100, 50))
    assert f["fight_reason"] == "SUSTAINED_RECIPROCAL_DAMAGE" and f["total_damage"] == 150.0
    assert f["total_damage_events"] == 2 and f["outcome"] == "DRAW"
    assert detect(trade(100, 49.9)) == []  # total below 150
    assert one(trade(120, 30))["fight_reason"] == "SUSTAINED_RECIPROCAL_DAMAGE"  # exactly 20 %
    assert detect(trade(120.5, 30)) == []  # 30 of 150.5 is below 20 %
    assert detect(trade(300, 0)) == []  # one-sided: not every team dealt damage


def test_rule3_every_team_must_deal_damage() -> None:
    evs = trade(100, 80) + [damage(4, A1, C1, 50)]  # C joins (within 300 m) but never shoots
    assert detect(evs) == []
    evs.append(damage(5, C1, A1, 60))
    assert one(evs)["team_ids"] == [1, 2, 3]


# ---------------------------------------------------------------------------------------------
# rule 4: one knock, reciprocal damage of at least 75 each
# ---------------------------------------------------------------------------------------------


def test_rule4_single_knock_needs_75_each() -> None:
    evs = [damage(0, A1, B1, 75), damage(1, B1, A1, 75), knock(2, A1, B1)]
    assert one(evs)["fight_reason"] == "SINGLE_KNOCK_WITH_RECIPROCAL_DAMAGE"
    evs[1] = damage(1, B1, A1, 74.9)
    assert detect(evs) == []
    assert detect([knock(2, A1, B1)]) == []


# ---------------------------------------------------------------------------------------------
# rule 5: anything else
# ---------------------------------------------------------------------------------------------


def test_rule5_anything_else_is_not_a_fight() -> None:
    assert detect([]) == []
    assert detect([other(0), other(1)]) == []
    assert detect([damage(0, A1, B1, 40), damage(1, B1, A1, 40)]) == []  # total 80
    assert detect([damage(0, A1, B1, 400), damage(1, A1, B1, 400)]) == []  # one-sided poke


# ---------------------------------------------------------------------------------------------
# clustering: 45 s window, 240 s cap, 300 m radius
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gap, joins", [(44.9, True), (45.0, True), (45.1, False)])
def test_rolling_window_45s_since_latest_event(gap: float, joins: bool) -> None:
    evs = [knock(0, A1, B1), knock(10, A2, B2), kill(10 + gap, A1, B1)]
    fights = detect(evs)
    assert len(fights) == 1  # a lone kill without resistance is no fight
    f = fights[0]
    assert f["total_kills"] == (1 if joins else 0)
    assert f["fight_end_time"] == ts(10 + gap if joins else 10)


def test_window_counts_from_the_latest_added_event_not_from_the_start() -> None:
    evs = [knock(0, A1, B1)] + [damage(40 * i, A1, B1, 10) for i in range(1, 6)] + [knock(201, A2, B2)]
    f = one(evs)
    assert f["total_knocks"] == 2 and f["duration_seconds"] == 201.0


def test_maximum_length_240s_since_first_event() -> None:
    evs = [knock(0, A1, B1), knock(1, A2, B2)]
    evs += [damage(40 * i, A3, B3, 10) for i in range(1, 8)]  # 40 ... 280
    evs += [knock(281, A1, B1), knock(282, A2, B2)]
    fights = detect(evs)
    assert [f["fight_start_time"] for f in fights] == [ts(0), ts(280)]
    assert fights[0]["fight_end_time"] == ts(240) and fights[0]["duration_seconds"] == 240.0
    assert fights[0]["total_damage_events"] == 6 and fights[1]["total_damage_events"] == 1


def test_joining_team_within_300m_joins() -> None:
    a, b = at(A1, 0, 0), at(B1, 10, 0)  # fixed centre (5, 0)
    c = at(C1, 305, 0)  # 300 m from the centre: inside
    f = one([knock(0, a, b), knock(1, A2, at(B2, 10, 0)), damage(5, c, b, 50), damage(6, b, c, 50)])
    assert f["team_ids"] == [1, 2, 3] and f["total_damage_events"] == 2


def test_joining_team_beyond_300m_starts_its_own_engagement() -> None:
    a, b = at(A1, 0, 0), at(B1, 10, 0)
    c = at(C1, 305.5, 0)  # 300.5 m from the centre
    evs = [knock(0, a, b), knock(1, A2, at(B2, 10, 0)), knock(5, c, b), knock(6, at(C2, 306, 0), at(B2, 10, 0))]
    fights = detect(evs)
    assert [f["team_ids"] for f in fights] == [[1, 2], [2, 3]]
    assert [f["total_knocks"] for f in fights] == [2, 2]


def test_every_location_of_a_joining_event_must_be_within_300m() -> None:
    a, b = at(A1, 0, 0), at(B1, 10, 0)
    far_b = at(B1, 400, 0)  # C shoots B from inside the circle, but B is now outside it
    evs = [knock(0, a, b), knock(1, A2, b), knock(5, at(C1, 100, 0), far_b), knock(6, at(C2, 100, 0), far_b)]
    assert [f["team_ids"] for f in detect(evs)] == [[1, 2], [2, 3]]


def test_event_of_teams_already_present_joins_whatever_the_distance() -> None:
    evs = [knock(0, at(A1, 0, 0), at(B1, 10, 0)), knock(5, at(A2, 5000, 5000), at(B2, 5010, 5000))]
    f = one(evs)
    assert f["total_knocks"] == 2 and f["fight_spread_radius"] > 3000


def test_a_long_shot_moves_neither_the_centre_nor_the_spread_radius() -> None:
    # a close fight, a and b 20 m apart; then a3, 2.9 km away, hits b1 (teams already in the
    # fight join whatever the distance): the shot counts, but the fight is where hits landed
    close = [damage(0, A1, B1, 40), damage(1, B1, A1, 40), knock(2, A1, B1), kill(3, A2, B1, knocker=A1),
             damage(4, B2, A2, 30)]
    base = one(close)
    assert (base["fight_center_x"], base["fight_spread_radius"]) == (round((20 + 0 + 20 + 20 + 1) / 5, 2), 12.2)
    f = one(close + [damage(5, at(A3, 2900, 0), B1, 25)])
    assert f["total_damage_events"] == base["total_damage_events"] + 1 and f["total_damage"] == 135
    # landed: b1 x 20 four times, a1 x 0, a2 x 1: centre 13.5, farthest landing 13.5 m away
    # (the old spread, from every attacker and victim location, was 2,648 m)
    assert (f["fight_center_x"], f["fight_center_y"], f["fight_spread_radius"]) == (13.5, 0.0, 13.5)
    assert players(f)["a3"]["position_center_x"] == 2900.0  # the shooter's own position is kept
    # a hit that lands 2.9 km away does widen it: someone of the fight was hit there
    wide = one(close + [damage(5, A1, at(B3, 2900, 0), 25)])
    assert wide["fight_spread_radius"] > 2000


def test_event_with_no_team_in_the_engagement_is_left_for_another() -> None:
    evs = [knock(0, A1, B1), knock(1, C1, character("d1", 4, 40, 0)), knock(2, A2, B2),
           knock(3, C2, character("d2", 4, 40, 0))]
    fights = detect(evs)
    assert [f["team_ids"] for f in fights] == [[1, 2], [3, 4]]


# ---------------------------------------------------------------------------------------------
# input filters: team 0, blue zone, teams unknown or equal
# ---------------------------------------------------------------------------------------------


def test_team_id_0_is_a_real_team() -> None:
    z1, z2 = character("z1", 0, 0, 0), character("z2", 0, 1, 0)
    f = one([knock(0, z1, B1), kill(2, z2, B1, knocker=z1), damage(1, B2, z1, 30)])
    assert f["team_ids"] == [0, 2] and f["primary_team_1"] == 0
    assert f["team_outcomes"]["0"] in ("WON", "DRAW") and {p["team_id"] for p in f["participants"]} == {0, 2}
    # team 0 as the joining team within the radius
    g = one([knock(0, A1, B1), knock(1, z1, B2), knock(2, z2, B1)])
    assert g["team_ids"] == [0, 1, 2]


def test_blue_zone_never_starts_or_joins_an_engagement() -> None:
    evs = [
        damage(0, _MISSING, B1, 20, category="Damage_BlueZone"),  # attacker key absent
        damage(1, None, B1, 20, category="Damage_BlueZone"),  # attacker null
        knock(2, _MISSING, B2),  # blue-zone knock: not a team-0 attacker
        knock(3, {**character("", None, 0, 0), "accountId": ""}, B2),  # attacker without a team
        knock(10, A1, B1), knock(11, A2, B2),
        damage(40, _MISSING, B3, 20), knock(50, _MISSING, B3), kill(54, _MISSING, B3),  # no bridge
        knock(90, A1, B1), knock(91, A2, B2),
    ]
    fights = detect(evs)
    assert [(f["fight_start_time"], f["fight_end_time"]) for f in fights] == [(ts(10), ts(11)), (ts(90), ts(91))]
    assert all(f["total_damage"] == 0 for f in fights)
    assert detect([knock(0, _MISSING, B1), knock(1, _MISSING, B2), kill(2, _MISSING, B1)]) == []


def test_same_team_and_unknown_teams_and_non_positive_damage_are_ignored() -> None:
    evs = [knock(0, A1, B1), knock(1, A2, B2), damage(2, A1, A2, 50), damage(3, A1, B1, 0),
           damage(4, A1, B1, -5), kill(5, A1, A2), knock(6, A1, character("n", None, 0, 0)),
           damage(7, A1, {**B1, "teamId": None}, 40)]
    f = one(evs)
    assert (f["total_knocks"], f["total_kills"], f["total_damage_events"]) == (2, 0, 0)


# ---------------------------------------------------------------------------------------------
# NPCs and bots
# ---------------------------------------------------------------------------------------------

GUARD = character("Guard", 200, 10, 0, account="")
SOLDIER = character("Soldier", 201, 12, 0, account="")  # an NPC: no account id
BOT = character("bot7", 7, 15, 0, account="ai.7")


def test_npcs_and_bots_are_removed_and_primary_teams_computed_after() -> None:
    evs = [damage(0, GUARD, A1, 90), damage(0.5, BOT, A2, 95), kill(1, GUARD, A3), knock(2, SOLDIER, A4),
           kill(3, A1, BOT), knock(4, A1, B1), knock(5, B2, A2), damage(6, A1, B1, 30)]
    f = one(evs)
    assert f["team_ids"] == [1, 2] and f["third_party_teams"] == []
    assert {f["primary_team_1"], f["primary_team_2"]} == {1, 2}
    assert {p["account_id"] for p in f["participants"]} == {"account.a1", "account.a2", "account.b1", "account.b2"}
    assert players(f)["a1"]["kills_dealt"] == 0  # a bot kill is no fight kill
    assert (f["total_kills"], f["total_knocks"], f["total_damage"]) == (0, 2, 30.0)
    assert set(f["team_outcomes"]) == {"1", "2"}


def test_a_real_account_with_an_npc_name_is_a_player() -> None:
    guard = character("Guard", 3, 10, 0, account="account.guard")  # a person who chose that name
    f = one([knock(0, guard, A1), kill(1, guard, A1), damage(2, A2, guard, 40)])
    assert f["team_ids"] == [1, 3]
    assert players(f)["Guard"]["kills_dealt"] == 1


def test_all_npc_engagement_is_no_fight_and_no_error() -> None:
    guard2 = character("Guard", 202, 11, 0, account="")
    evs = [kill(0, GUARD, guard2), knock(1, guard2, GUARD), damage(2, GUARD, guard2, 300)]
    assert detect(evs) == []
    # one player team against NPCs and bots only: fewer than two player teams
    evs2 = [kill(0, A1, GUARD), kill(1, A2, BOT), knock(2, GUARD, A1), damage(3, SOLDIER, A2, 90)]
    assert detect(evs2) == []


# ---------------------------------------------------------------------------------------------
# outcomes
# ---------------------------------------------------------------------------------------------


def test_decisive_win_by_elimination() -> None:
    evs = [damage(0, B1, A1, 40), knock(1, A1, B1), knock(2, A2, B2), kill(3, A1, B1), kill(4, A2, B2)]
    f = one(evs)
    assert (f["outcome"], f["winning_team_id"], f["loser_team_id"]) == ("DECISIVE_WIN", 1, 2)
    assert f["team_outcomes"] == {"1": "WON", "2": "LOST"}
    assert all(p["survived"] for p in f["participants"] if p["team_id"] == 1)


def test_third_party_when_more_than_two_teams_and_one_eliminated() -> None:
    evs = [knock(0, A1, B1), kill(1, A1, B1), damage(2, C1, A1, 30), knock(3, C1, A2), damage(4, A1, C1, 20)]
    f = one(evs)
    assert f["team_ids"] == [1, 2, 3] and f["outcome"] == "THIRD_PARTY"
    assert f["loser_team_id"] == 2 and f["winning_team_id"] == 1  # best survivor by kills
    assert f["team_outcomes"] == {"1": "WON", "2": "LOST", "3": "DRAW"}
    assert f["primary_team_1"] == 1 and f["third_party_teams"] in ([2], [3])


def test_decisive_win_by_death_difference_of_two() -> None:
    evs = [damage(0, B3, A1, 10), damage(0.5, B4, A1, 10), kill(1, A1, B1), kill(2, A2, B2)]
    f = one(evs)  # B3 and B4 were seen and are alive: B is not eliminated
    assert (f["outcome"], f["winning_team_id"], f["loser_team_id"]) == ("DECISIVE_WIN", 1, 2)
    assert f["team_outcomes"] == {"1": "WON", "2": "LOST"}


def test_marginal_win() -> None:
    evs = [damage(0, B3, A3, 10), kill(1, A1, B1), kill(2, A2, B2), kill(3, B3, A1)]
    f = one(evs)  # deaths A 1, B 2, nobody eliminated
    assert (f["outcome"], f["winning_team_id"], f["loser_team_id"]) == ("MARGINAL_WIN", 1, 2)
    assert f["team_outcomes"] == {"1": "WON", "2": "LOST"}


def test_draw() -> None:
    for evs in (
        [damage(0, B3, A3, 10), damage(0.5, A3, B3, 10), kill(1, A1, B1), kill(2, B2, A2)],  # 1 - 1
        [knock(0, A1, B1), knock(1, B1, A1)],  # no deaths
        [damage(0, A2, B2, 5), damage(0.5, B2, A2, 5), kill(1, A1, B1)] + [damage(2, B1, A1, 30)],  # 1 - 0
    ):
        f = one(evs)
        assert f["outcome"] == "DRAW" and f["winning_team_id"] is None and f["loser_team_id"] is None
        assert set(f["team_outcomes"].values()) == {"DRAW"}


def test_winner_differs_from_loser_when_the_team_with_most_deaths_survives() -> None:
    # A loses 3 of 4 (A4 still up), B (a solo seen once) is eliminated with 1 death
    evs = [damage(0, A4, B1, 5), kill(1, B1, A1), kill(2, B1, A2), kill(3, B1, A3), kill(4, A4, B1)]
    f = one(evs)
    assert f["winning_team_id"] == 1 and f["loser_team_id"] == 2
    assert f["team_outcomes"] == {"1": "WON", "2": "LOST"}


def test_eliminated_team_is_never_won_or_draw() -> None:
    # both solos die (a posthumous molotov kill): both eliminated, no winner
    s1, s2 = character("s1", 5, 0, 0), character("s2", 6, 5, 0)
    f = one([knock(0, s1, s2), kill(1, s1, s2), kill(2, s2, s1)])
    assert f["team_outcomes"] == {"5": "LOST", "6": "LOST"}
    assert f["winning_team_id"] is None and f["loser_team_id"] in (5, 6)
    # three teams, two eliminated
    evs = [kill(0, A1, B1), kill(1, C1, A1), kill(2, C2, A2), damage(3, A3, C1, 10), kill(4, C1, A3)]
    g = one(evs)
    assert g["team_outcomes"] == {"1": "LOST", "2": "LOST", "3": "WON"}
    assert g["winning_team_id"] == 3 and g["loser_team_id"] == 1 and g["outcome"] == "THIRD_PARTY"


# ---------------------------------------------------------------------------------------------
# each event in at most one fight; randomised invariants; equivalence with the plain scan
# ---------------------------------------------------------------------------------------------


def test_overlapping_engagements_count_each_event_once() -> None:
    d1, d2 = character("d1", 4, 2000, 0), character("d2", 4, 2001, 0)
    far_c1, far_c2 = at(C1, 2010, 0), at(C2, 2011, 0)
    evs = [knock(0, A1, B1), kill(2, A1, B1), knock(3, far_c1, d1), kill(5, far_c2, d1),
           knock(6, A2, B2), kill(8, A2, B2), knock(9, far_c1, d2), kill(10, far_c1, d2)]
    fights = detect(evs)
    assert [f["team_ids"] for f in fights] == [[1, 2], [3, 4]]
    assert [f["total_kills"] for f in fights] == [2, 2] and [f["total_knocks"] for f in fights] == [2, 2]
    # the fights overlap in time, yet their kills add up to the match's kills
    assert fights[1]["fight_start_time"] < fights[0]["fight_end_time"]


def random_match(rng: random.Random, n_events: int = 120) -> list[dict]:
    teams = {t: [character(f"p{t}_{i}", t, 0, 0) for i in range(rng.randint(1, 4))] for t in range(rng.randint(2, 6))}
    teams[90] = [character("Guard", 90, 0, 0, account=""), character("bot", 90, 0, 0, account="ai.1")]
    evs, t = [], 0.0
    for _ in range(n_events):
        t += rng.choice([0.0, 0.001, 0.5, 3, 10, 30, 46, 60])
        ta, tv = rng.sample(sorted(teams), 2)
        a = at(rng.choice(teams[ta]), rng.uniform(0, 700), rng.uniform(0, 700))
        v = at(rng.choice(teams[tv]), rng.uniform(0, 700), rng.uniform(0, 700))
        r = rng.random()
        if r < 0.6:
            evs.append(damage(t, a, v, round(rng.uniform(-5, 100), 2)))
        elif r < 0.8:
            evs.append(knock(t, a, v))
        elif r < 0.95:
            evs.append(kill(t, a, v))
        else:
            evs.append(damage(t, _MISSING, v, 10))
    return evs


@pytest.mark.parametrize("seed", range(40))
def test_random_matches_keep_the_invariants(seed: int) -> None:
    rng = random.Random(seed)
    evs = random_match(rng)
    fights = detect(evs)
    credits = Counter(e["finisher"]["accountId"] for e in evs if e["_T"] == "LogPlayerKillV2" and e.get("finisher"))
    kills, knocks = Counter(), 0
    for f in fights:
        assert len(f["team_ids"]) >= 2 and {p["team_id"] for p in f["participants"]} == set(f["team_ids"])
        assert f["winning_team_id"] is None or f["winning_team_id"] != f["loser_team_id"]
        for p in f["participants"]:
            kills[p["account_id"]] += p["kills_dealt"]
            assert p["account_id"].startswith("account.") and p["player_name"] != "Guard"
            assert p["survived"] == (not p["was_killed"])
        knocks += f["total_knocks"]
        assert f["total_kills"] == sum(p["kills_dealt"] for p in f["participants"])
        for team in f["team_ids"]:
            members = [p for p in f["participants"] if p["team_id"] == team]
            if all(p["was_killed"] for p in members):
                assert f["team_outcomes"][str(team)] == "LOST"
        assert f["fight_start_time"] <= f["fight_end_time"]
    assert all(kills[a] <= credits[a] for a in kills)
    assert knocks <= sum(1 for e in evs if e["_T"] == "LogPlayerMakeGroggy")
    assert [f["fight_start_time"] for f in fights] == sorted(f["fight_start_time"] for f in fights)


def plain_scan(evs) -> list[list[int]]:
    """The doc's clustering, literally: rescan every later event for each engagement."""
    used = [False] * len(evs)
    out = []
    for i, first in enumerate(evs):
        if used[i]:
            continue
        used[i] = True
        members, teams, start, last = [i], {first.att.team, first.vic.team}, first.t, first.t
        locs = first.locations()
        centre = (sum(x for x, _ in locs) / len(locs), sum(y for _, y in locs) / len(locs)) if locs else None
        for j in range(i + 1, len(evs)):
            e = evs[j]
            if e.t - start > 240_000_000 or e.t - last > 45_000_000:
                break
            if used[j]:
                continue
            a_in, v_in = e.att.team in teams, e.vic.team in teams
            if not (a_in or v_in):
                continue
            if not (a_in and v_in):
                ls = e.locations()
                if centre is None or not ls or any((x - centre[0]) ** 2 + (y - centre[1]) ** 2 > 90_000 for x, y in ls):
                    continue
                teams.add(e.vic.team if a_in else e.att.team)
            used[j] = True
            members.append(j)
            last = e.t
        out.append(members)
    return out


game_character = st.fixed_dictionaries(
    {},
    optional={
        "accountId": st.sampled_from(["account.0a1b", "account.", "ai.12", "", "Account.x", "accountx", None, 7]),
        "teamId": st.sampled_from([0, 1, 2, 1.0, 2.5, True, False, None, "1", -3]),
        "name": st.sampled_from(["Guard", "p1", ""]),
    },
)


@given(attacker=game_character, victim=game_character)
def test_the_detector_counts_exactly_the_enemy_rule(attacker: dict, victim: dict) -> None:
    """A combat event's teams are known and different (the detector's own precondition); on
    those, counting it when both sides are players is exactly loader.rules.is_enemy."""
    a, v = _char(attacker), _char(victim)
    if a is None or v is None or a.team == v.team:
        return  # not a combat event
    assert (a.player and v.player) == rules.is_enemy(attacker, victim)
    assert a.player == rules.is_player(attacker.get("accountId"))


@pytest.mark.parametrize("seed", range(60))
def test_fast_clustering_equals_the_plain_scan(seed: int) -> None:
    evs = _combat_events(random_match(random.Random(1000 + seed), 250))
    assert _cluster(evs) == plain_scan(evs)


# ---------------------------------------------------------------------------------------------
# determinism and output format
# ---------------------------------------------------------------------------------------------


def test_deterministic_and_independent_of_input_order() -> None:
    rng = random.Random(7)
    evs = [e for e in random_match(rng, 300)]
    # distinct timestamps: equal ones are kept in input order (stable sort), by design
    seen, unique = set(), []
    for e in evs:
        if e["_D"] not in seen:
            seen.add(e["_D"])
            unique.append(e)
    expected = fights_to_ndjson(detect(unique))
    assert expected and fights_to_ndjson(detect(unique)) == expected
    for k in range(5):
        shuffled = unique + [other(k)]
        random.Random(k).shuffle(shuffled)
        assert fights_to_ndjson(detect(shuffled)) == expected
    assert fights_to_ndjson(detect(iter(unique))) == expected  # any iterable


def test_output_format() -> None:
    evs = [damage(0, B1, A1, 33.333333), knock(1, A1, B1), kill(2.5, A2, B1, knocker=A1)]
    f = one(evs)
    assert list(f) == list(FIGHT_KEYS)
    assert list(f["participants"][0]) == list(PARTICIPANT_KEYS)
    assert f["match_id"] == MATCH and f["detector_version"] == DETECTOR_VERSION == "pewstats-2.0.0"
    assert f["fight_start_time"] == "2025-07-12T17:00:00.000Z" and f["fight_end_time"] == "2025-07-12T17:00:02.500Z"
    assert f["duration_seconds"] == 2.5 and isinstance(f["duration_seconds"], float)
    assert f["team_ids"] == [1, 2] and f["third_party_teams"] == []
    assert f["team_outcomes"] == {"1": "WON", "2": "LOST"}
    assert f["total_damage"] == 33.3333
    assert [(p["team_id"], p["account_id"]) for p in f["participants"]] == [
        (1, "account.a1"), (1, "account.a2"), (2, "account.b1")]
    b1 = players(f)["b1"]
    assert b1["damage_dealt"] == 33.3333 and b1["position_center_x"] == 20.0 and b1["position_center_y"] == 0.0
    # the centre is where the three events landed: on a1 (x 0), then twice on b1 (x 20)
    assert (f["fight_center_x"], f["fight_center_y"]) == (round((0 + 20 + 20) / 3, 2), 0.0)
    line = fights_to_ndjson([f])
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == f and list(json.loads(line)) == list(FIGHT_KEYS)
    assert fights_to_ndjson([]) == b""


def test_ndjson_is_utf8_and_orders_keys_stably() -> None:
    f = one([knock(0, character("Zoë✓", 1, 0, 0), B1), knock(1, A2, B2)])
    shuffled = dict(reversed(list(f.items())))
    shuffled["team_outcomes"] = dict(reversed(list(f["team_outcomes"].items())))
    assert fights_to_ndjson([shuffled]) == fights_to_ndjson([f])
    assert "Zoë✓".encode() in fights_to_ndjson([f])


def test_bad_timestamp_is_a_clear_error() -> None:
    evs = [knock(0, A1, B1)]
    evs[0]["_D"] = "yesterday"
    with pytest.raises(ValueError, match="ISO-8601"):
        detect(evs)
    assert detect([{**other(0), "_D": "yesterday"}]) == []  # ignored types are not parsed


# ---------------------------------------------------------------------------------------------
# the real complete telemetry file
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_events() -> list[dict]:
    value = os.environ.get("PEWSTATS_SHARED_DATA")
    if not value:
        pytest.skip("PEWSTATS_SHARED_DATA is not set: the real PUBG telemetry file is unavailable")
    path = Path(value) / REAL_FILE
    if not path.is_file():
        pytest.skip(f"real telemetry file not found under PEWSTATS_SHARED_DATA={value}")
    return json.loads(path.read_text())


def test_real_file(real_events: list[dict]) -> None:
    fights = detect_fights("c2fb5093-866c-4d6d-96bf-7abf755094af", real_events)
    assert len(fights) > 0
    credits = Counter(
        e["finisher"]["accountId"] for e in real_events if e["_T"] == "LogPlayerKillV2" and e.get("finisher")
    )
    kills = Counter()
    for f in fights:
        assert len(f["team_ids"]) >= 2
        assert len({p["team_id"] for p in f["participants"]}) >= 2
        for p in f["participants"]:
            kills[p["account_id"]] += p["kills_dealt"]
    assert all(kills[a] <= credits[a] for a in kills), {a: (kills[a], credits[a]) for a in kills}
    assert sum(kills.values()) <= sum(credits.values())
    assert detect_fights("x", list(reversed(real_events)))[0]["participants"]  # no error on reversed input


def test_fight_time_span_is_that_of_the_player_events() -> None:
    evs = [damage(0, GUARD, A1, 20), knock(10, A1, B1), knock(12, A2, B2), kill(20, A1, BOT)]
    f = one(evs)
    assert (f["fight_start_time"], f["fight_end_time"], f["duration_seconds"]) == (ts(10), ts(12), 2.0)
