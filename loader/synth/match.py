"""One match, simulated: who plays, the plan, the fights and the rest of the combat, everything
else, and the file order. The steps share a ``MatchState``; the result is the events and the
ledger of what happened."""

from __future__ import annotations

import gc
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from loader.synth import calibration
from loader.synth.activity import Activity
from loader.synth.catalog import MAPS, TEAM_SIZE
from loader.synth.clock import MatchClock
from loader.synth.combat import CombatEvents
from loader.synth.episodes import Episodes
from loader.synth.exchanges import Exchanges
from loader.synth.fights import Fights
from loader.synth.ledger import MatchLedger
from loader.synth.plan import MatchPlayer, fly_and_drop, schedule
from loader.synth.results import file_order, rank_and_count, write_match_start_and_end
from loader.synth.roster import Team, build_roster
from loader.synth.state import MatchSettings, MatchState
from loader.synth.world import MatchWorld, ground_heights

DEFAULT_START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class SimulatedMatch:
    """A match's telemetry events (sorted, ``LogMatchDefinition`` first) and what happened in it."""

    settings: MatchSettings
    map_name: str
    events: list[dict]
    ledger: MatchLedger
    t_start: int  # LogMatchStart, Unix ms
    t_end: int  # LogMatchEnd, Unix ms
    character_order: list[str]  # account ids in LogMatchStart order
    team_of: dict[str, int]  # account id -> team id
    names: dict[str, str]  # account id -> name in this match
    died_at: dict[str, int]  # account id -> death time (Unix ms), for those who died


def simulate_match(match_id: str, rng: random.Random, *, players: int | None = None, scale: float = 1.0,
                   start: datetime | None = None, player_pool: Sequence[Any] | None = None,
                   match_type: str = "official", game_mode: str = "squad-fpp",
                   map_name: str | None = None) -> SimulatedMatch:
    """Simulate one match (see ``generate_match_events`` for the arguments)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small dicts: the cyclic GC would triple the run time
    try:
        state = _new_state(match_id, rng, players=players, scale=scale, start=start, player_pool=player_pool,
                           match_type=match_type, game_mode=game_mode, map_name=map_name)
        combat = CombatEvents(state)
        fly_and_drop(state)
        MatchPlayer(state, Fights(state, combat), Episodes(state, combat)).play(schedule(state))
        state.clock.t_end = state.t_last_death + rng.randint(3_000, 9_000)
        Exchanges(state, combat).fill(int(round(calibration.DAMAGE_EVENTS_PER_MATCH * state.scale)))
        Activity(state).write()
        write_match_start_and_end(state)
        events = file_order(state)
        rank_and_count(state)
        players_ = state.players
        return SimulatedMatch(
            settings=state.settings, map_name=state.world.map_name, events=events, ledger=state.ledger,
            t_start=state.clock.t_start, t_end=state.clock.t_end,
            character_order=[p.account_id for p in players_], team_of={p.account_id: p.team_id for p in players_},
            names={p.account_id: p.name for p in players_},
            died_at={p.account_id: p.died_at for p in players_ if p.died_at is not None})
    finally:
        if gc_was_enabled:
            gc.enable()


def _new_state(match_id: str, rng: random.Random, *, players: int | None, scale: float, start: datetime | None,
               player_pool: Sequence[Any] | None, match_type: str, game_mode: str, map_name: str | None) -> MatchState:
    settings = MatchSettings(match_id, match_type, game_mode, TEAM_SIZE.get(game_mode, 4), max(0.01, float(scale)))
    map_name = map_name or rng.choice(MAPS)
    ground = ground_heights(rng)
    if start is None:
        start = DEFAULT_START + timedelta(seconds=rng.randrange(0, 86400))
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    t_lobby = int(round(start.timestamp() * 1000))
    t_start = t_lobby + rng.randint(55_000, 95_000)  # LogMatchStart
    roster = build_roster(rng, players=players, pool=player_pool, team_size=settings.team_size,
                          match_type=match_type, game_mode=game_mode, scale=settings.scale, map_name=map_name)
    world = MatchWorld(rng, map_name, ground, t_start)
    world.team_of = {team.team_id: team for team in roster.teams}
    for npc in roster.npcs:
        world.team_of.setdefault(npc.team_id, Team(npc.team_id)).members.append(npc)
    return MatchState(rng, settings, MatchClock(t_lobby, t_start), world, roster, MatchLedger.for_characters(roster.players))


def generate_match_events(match_id: str, rng: random.Random, *, players: int | None = None, scale: float = 1.0,
                          start: datetime | None = None, player_pool: Sequence[Any] | None = None,
                          match_type: str = "official", game_mode: str = "squad-fpp",
                          map_name: str | None = None) -> list[dict]:
    """The telemetry of one match: a list of event dicts sorted by ``_D``, ``LogMatchDefinition``
    first, ``LogMatchEnd`` after the last death (a few logouts and positions may follow it).

    ``players`` is the number of characters in ``LogMatchStart`` (players and bots); by default
    64-100 times ``scale`` (at least 16). ``player_pool``: (account_id, name) tuples,
    ``SynthPlayer``s or dicts with accountId/name; accounts are drawn from it without
    replacement (fresh accounts are made when it is short). ``start``: time of the first event
    (the lobby), default a day in May 2024 chosen by ``rng``. ``map_name`` defaults to a choice
    by ``rng`` among Baltic, Desert, Savage, Tiger and Neon.

    To stay fast, events share some read-only sub-objects (the ``common`` object of a phase,
    the Character of an activity burst, Item objects): copy an event before changing it in
    place (``mutate_match`` does). Combat events (damage, knocks, kills, revives) share nothing.
    """
    return simulate_match(match_id, rng, players=players, scale=scale, start=start, player_pool=player_pool,
                          match_type=match_type, game_mode=game_mode, map_name=map_name).events
