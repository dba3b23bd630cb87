"""The statistics' rules for Python: who is a player, which events count, who is an enemy.

The SQL half of the same rules is ``macros/players.sql`` (``is_player``, ``is_counted``,
``is_enemy``); the two are kept equal by ``tests/python/test_rules.py``. The fight detector
and the tests' oracle import this module: nothing else in Python may restate a rule.

- **Player**: a character whose ``accountId`` starts with ``account.``. Bots have ``ai.…``
  ids and NPCs none; names are never looked at (a real account may be called ``Guard``).
- **Counted event**: ``common.isGame`` at or after ``min_is_game`` (the dbt var, default
  0.1: everything after lift-off, landing fights included).
- **Enemy**: attacker and victim are both players and their team ids are known and differ
  (team 0 is a real team).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PLAYER_ACCOUNT_PREFIX = "account."
DEFAULT_MIN_IS_GAME = 0.1  # dbt_project.yml `vars.min_is_game`; test_rules.py checks they agree


def is_player(account_id: Any) -> bool:
    """Whether an account id is a real player's (``account.…``)."""
    return isinstance(account_id, str) and account_id.startswith(PLAYER_ACCOUNT_PREFIX)


def is_counted(is_game: Any, min_is_game: float = DEFAULT_MIN_IS_GAME) -> bool:
    """Whether an event of game phase ``is_game`` counts (null or non-numeric: no)."""
    if isinstance(is_game, bool) or not isinstance(is_game, (int, float)):
        return False
    return is_game >= min_is_game


def _team(character: Mapping[str, Any]) -> int | None:
    team = character.get("teamId")
    if isinstance(team, bool) or not isinstance(team, (int, float)):
        return None
    return int(team)


def is_enemy(attacker: Mapping[str, Any] | None, victim: Mapping[str, Any] | None) -> bool:
    """Whether two telemetry Character objects are players of different, known teams."""
    if not isinstance(attacker, Mapping) or not isinstance(victim, Mapping):
        return False
    if not (is_player(attacker.get("accountId")) and is_player(victim.get("accountId"))):
        return False
    a, v = _team(attacker), _team(victim)
    return a is not None and v is not None and a != v
