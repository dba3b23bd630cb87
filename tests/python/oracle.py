"""The tests' oracle: each player's kills, headshot kills, knocks and enemy damage, computed in
Python straight from telemetry files with the rules of ``loader/rules.py`` (the same rules the
marts apply in SQL, ``macros/players.sql``). Tests that need expected numbers import them from
here; no test restates a rule.

Files are read here with ``gzip`` and ``orjson`` (a gzip layer at a time, as long as the bytes
start with the gzip magic), not with the loader's reader, so that the oracle does not share the
code it checks.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from loader.rules import DEFAULT_MIN_IS_GAME, is_counted, is_enemy, is_player

__all__ = ["credited_kill", "is_enemy", "is_player", "per_player", "per_player_in_files", "read_events"]


def read_events(path: Path) -> list[dict]:
    """The events of a telemetry file (JSON, gzip or gzip of gzip)."""
    data = Path(path).read_bytes()
    while data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return orjson.loads(data)


def credited_kill(kill: Mapping[str, Any]) -> bool:
    """Whether a LogPlayerKillV2 counts as a kill of its ``killer``: an enemy player, not a suicide."""
    return not kill.get("isSuicide") and is_enemy(kill.get("killer"), kill.get("victim"))


def per_player(events: Iterable[Mapping[str, Any]], min_is_game: float = DEFAULT_MIN_IS_GAME) -> dict[str, dict]:
    """``{"kills", "headshots", "knocks", "damage"}``, each a dict by account id of the counted
    events' credited kills, headshot kills (``killerDamageInfo.damageReason`` HeadShot), knocks
    of enemies and damage (> 0) to enemies, damage as exact 6-decimal sums like the raw tables'."""
    kills: Counter = Counter()
    headshots: Counter = Counter()
    knocks: Counter = Counter()
    damage: dict[str, Decimal] = {}
    for e in events:
        if not is_counted((e.get("common") or {}).get("isGame"), min_is_game):
            continue
        event_type = e.get("_T")
        if event_type == "LogPlayerKillV2" and credited_kill(e):
            who = e["killer"]["accountId"]
            kills[who] += 1
            if (e.get("killerDamageInfo") or {}).get("damageReason") == "HeadShot":
                headshots[who] += 1
        elif event_type == "LogPlayerMakeGroggy" and is_enemy(e.get("attacker"), e.get("victim")):
            knocks[e["attacker"]["accountId"]] += 1
        elif (event_type == "LogPlayerTakeDamage" and is_enemy(e.get("attacker"), e.get("victim"))
              and (e.get("damage") or 0) > 0):
            who = e["attacker"]["accountId"]
            damage[who] = damage.get(who, Decimal(0)) + Decimal("%.6f" % e["damage"])
    return {"kills": dict(kills), "headshots": dict(headshots), "knocks": dict(knocks), "damage": damage}


def per_player_in_files(paths: Iterable[Path], min_is_game: float = DEFAULT_MIN_IS_GAME) -> dict[str, dict]:
    """``per_player`` over every event of the telemetry files."""
    return per_player((e for path in paths for e in read_events(path)), min_is_game)
