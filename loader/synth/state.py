"""The state of one match being simulated, shared by the steps that build it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from loader.synth.clock import MatchClock
from loader.synth.ledger import MatchLedger
from loader.synth.roster import Character, Roster, Team
from loader.synth.telemetry_objects import item
from loader.synth.world import MatchWorld


@dataclass(frozen=True)
class MatchSettings:
    match_id: str  # the PUBG API match id (a UUID string)
    match_type: str  # official, competitive, custom, arcade, event, training
    game_mode: str  # squad-fpp, duo-fpp, ...
    team_size: int
    scale: float  # events per match relative to a real squad match


@dataclass(eq=False)
class Engagement:
    """A fight between teams at one place: who takes part, who is wiped out, when each team arrives."""

    start: int
    end: int
    teams: list[Team]
    eliminated: list[Team]
    arrival: dict[int, int]  # team id -> when the team joins (third parties come late)
    center: tuple[float, float]
    anchors: dict[int, tuple[float, float]]  # team id -> where the team stands (cm)
    death_chance: float  # for a surviving team's member: to die ...
    knock_chance: float  # ... or to be knocked and revived
    skirmish: bool = False
    spots: dict[tuple[int, int], tuple[float, float, float]] = field(default_factory=dict)  # (character, t >> 12) -> xyz


@dataclass(eq=False)
class MatchState:
    """Events are collected as [t_ms, type, body] and sorted at the end, when ``common``, ``_D``
    and ``_T`` are appended (the real key order); the bulk of non-combat events is stamped when
    made (type None in the list)."""

    rng: random.Random
    settings: MatchSettings
    clock: MatchClock
    world: MatchWorld
    roster: Roster
    ledger: MatchLedger
    events: list[list] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    knocks_made: int = 0
    t_last_death: int = 0
    match_end: dict = field(default_factory=dict)  # the LogMatchEnd body, filled in last
    _items: dict[tuple[str, int], dict] = field(default_factory=dict)

    @property
    def players(self) -> list[Character]:
        return self.roster.players

    @property
    def team_size(self) -> int:
        return self.settings.team_size

    @property
    def scale(self) -> float:
        return self.settings.scale

    def team_of(self, p: Character) -> Team:
        return self.world.team_of[p.team_id]

    def emit(self, t: int, event_type: str, body: dict) -> dict:
        self.events.append([t, event_type, body])
        return body

    def shared_item(self, item_id: str, stack: int, category: str, sub_category: str) -> dict:
        """A shared (read-only) Item object."""
        key = (item_id, stack)
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = item(item_id, stack, category, sub_category)
        return found
