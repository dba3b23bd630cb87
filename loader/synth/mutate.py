"""A new version of a match, for the reload tests: a player dropped, one renamed, one re-armed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from loader.rules import is_enemy, is_player
from loader.synth.catalog import FIREARM_CAUSERS, GUNS

_CHARACTER_KEYS = ("attacker", "victim", "killer", "finisher", "dBNOMaker", "character", "reviver")
_INFO_OF = {"killer": "killerDamageInfo", "finisher": "finishDamageInfo", "dBNOMaker": "dBNODamageInfo"}


class MutatedEvents(list):
    """The list ``mutate_match`` returns; ``.mutation`` says what was changed."""

    mutation: dict[str, Any]


def _characters(e: dict) -> Iterator[dict]:
    """The top-level Character objects of an event."""
    for key in _CHARACTER_KEYS:
        c = e.get(key)
        if isinstance(c, dict):
            yield c


def _touches(e: dict, account_id: str) -> bool:
    return any(c.get("accountId") == account_id for c in _characters(e)) or e.get("accountId") == account_id


def _gun_shooters(events: list[dict]) -> dict[str, int]:
    """Gun hits on somebody else, per attacker."""
    hits: dict[str, int] = {}
    for e in events:
        if e.get("_T") == "LogPlayerTakeDamage":
            a = e.get("attacker")
            if a and a.get("accountId") != (e.get("victim") or {}).get("accountId") \
                    and e.get("damageCauserName") in FIREARM_CAUSERS:
                hits[a["accountId"]] = hits.get(a["accountId"], 0) + 1
    return hits


def _renamed(obj: Any, account_id: str, new_name: str) -> Any:
    """A deep copy of ``obj`` with every Character of ``account_id`` named ``new_name``."""
    if isinstance(obj, dict):
        out = {k: _renamed(v, account_id, new_name) for k, v in obj.items()}
        if out.get("accountId") == account_id and "name" in out:
            out["name"] = new_name
        return out
    if isinstance(obj, list):
        return [_renamed(x, account_id, new_name) for x in obj]
    return obj


def mutate_match(events: list[dict], rng: random.Random) -> MutatedEvents:
    """A "new version" of a match: one player dropped entirely (every event where they are
    attacker, victim, killer, finisher, dBNOMaker, reviver or character, their login/logout,
    their LogMatchStart/LogMatchEnd entries and assists), one other player renamed everywhere,
    and a third player's guns changed (damageCauserName of their damage and knock events and of
    their DamageInfo as killer, finisher or knocker). Kill counts in victimGameResult and
    LogMatchEnd are recomputed so PUBG's numbers stay consistent. The input is not modified;
    changed events are copies. ``result.mutation`` names who and what changed."""
    start = next(e for e in events if e.get("_T") == "LogMatchStart")
    accounts = [w["character"] for w in start["characters"] if is_player(w["character"].get("accountId"))]
    hits = _gun_shooters(events)
    shooters = [c for c in accounts if hits.get(c["accountId"], 0) >= 2]
    if len(shooters) < 3:
        raise ValueError("mutate_match needs at least three players who dealt gun damage")
    dropped, renamed, rearmed = rng.sample(shooters, 3)
    drop_id, rename_id, rearm_id = dropped["accountId"], renamed["accountId"], rearmed["accountId"]
    old_name = renamed["name"]
    new_name = old_name + "_" + rng.choice(["renamed", "v2", "TTV", "new"])
    weapon_map = _new_weapons(events, rearm_id, rng)

    # a knock whose end (kill or revive) goes away goes away too: every knock stays resolved
    orphan_knocks = {e.get("dBNOId") for e in events if e.get("_T") in ("LogPlayerKillV2", "LogPlayerRevive")
                     and isinstance(e.get("dBNOId"), int) and e["dBNOId"] != -1 and _touches(e, drop_id)}
    result = MutatedEvents()
    for e in events:
        event_type = e.get("_T")
        if event_type == "LogPlayerMakeGroggy" and e.get("dBNOId") in orphan_knocks:
            continue
        if event_type in ("LogMatchStart", "LogMatchEnd"):
            result.append(_without_in_bookend(_renamed(e, rename_id, new_name), drop_id))
            continue
        if _touches(e, drop_id) or e.get("creatorAccountId") == drop_id:
            continue
        if event_type == "LogPhaseChange" and drop_id in (e.get("playersInWhiteCircle") or []):
            e = dict(e, playersInWhiteCircle=[a for a in e["playersInWhiteCircle"] if a != drop_id])
        if drop_id in (e.get("assists_AccountId") or []):
            e = dict(e, assists_AccountId=[a for a in e["assists_AccountId"] if a != drop_id])
        if _touches(e, rename_id):
            e = _renamed(e, rename_id, new_name)
        if _touches(e, rearm_id) and weapon_map:
            e = _rearmed(e, rearm_id, weapon_map)
        result.append(e)
    _recount_kills(result)
    result.mutation = {"dropped_account": drop_id, "dropped_name": dropped["name"], "renamed_account": rename_id,
                       "old_name": old_name, "new_name": new_name, "rearmed_account": rearm_id, "weapon_map": weapon_map}
    return result


def _new_weapons(events: list[dict], account_id: str, rng: random.Random) -> dict[str, str]:
    """For each gun ``account_id`` hit somebody with, another gun it did not use."""
    guns = [g.causer for g in GUNS]
    used = sorted({e["damageCauserName"] for e in events if e.get("_T") == "LogPlayerTakeDamage"
                   and (e.get("attacker") or {}).get("accountId") == account_id
                   and e["damageCauserName"] in FIREARM_CAUSERS})
    return {w: rng.choice([g for g in guns if g not in used and g != w]) for w in used}


def _without_in_bookend(e: dict, account_id: str) -> dict:
    """LogMatchStart / LogMatchEnd (a copy) without ``account_id``'s entries."""
    e["characters"] = [w for w in e["characters"] if w["character"].get("accountId") != account_id]
    if e.get("_T") == "LogMatchEnd":
        results = e.get("gameResultOnFinished") or {}
        results["results"] = [r for r in results.get("results", []) if r.get("accountId") != account_id]
        e["allWeaponStats"] = [w for w in e.get("allWeaponStats", []) if w.get("accountId") != account_id]
    return e


def _rearmed(e: dict, account_id: str, weapon_map: dict[str, str]) -> dict:
    event_type = e.get("_T")
    changed = None
    by_them = (e.get("attacker") or {}).get("accountId") == account_id
    if event_type in ("LogPlayerTakeDamage", "LogPlayerMakeGroggy") and by_them:
        weapon = e.get("damageCauserName")
        if weapon in weapon_map:
            changed = dict(e, damageCauserName=weapon_map[weapon])
    if event_type == "LogPlayerKillV2":
        for who, key in _INFO_OF.items():
            if (e.get(who) or {}).get("accountId") == account_id:
                info = e.get(key) or {}
                if info.get("damageCauserName") in weapon_map:
                    changed = dict(changed or e)
                    changed[key] = dict(info, damageCauserName=weapon_map[info["damageCauserName"]])
    return changed or e


def _recount_kills(events: list[dict]) -> None:
    """PUBG's killCount of each victim at its death and of the survivors, after the changes: a kill
    counts for its killer when it is of an enemy (``loader.rules``) and not a suicide."""
    credited: dict[str, int] = {}
    for i, e in enumerate(events):
        if e.get("_T") == "LogPlayerKillV2":
            result = e.get("victimGameResult") or {}
            stats = result.get("stats") or {}
            victim = (e.get("victim") or {}).get("accountId")
            want = credited.get(victim, 0)
            if stats.get("killCount") != want:
                e = dict(e, victimGameResult=dict(result, stats=dict(stats, killCount=want)))
                events[i] = e
            if not e.get("isSuicide") and is_enemy(e.get("killer"), e.get("victim")):
                killer = e["killer"]["accountId"]
                credited[killer] = credited.get(killer, 0) + 1
        elif e.get("_T") == "LogMatchEnd":
            results = (e.get("gameResultOnFinished") or {}).get("results") or []
            recounted = [dict(r, stats=dict(r.get("stats") or {}, killCount=credited.get(r.get("accountId"), 0)))
                         for r in results]
            events[i] = dict(e, gameResultOnFinished=dict(e.get("gameResultOnFinished") or {}, results=recounted))
