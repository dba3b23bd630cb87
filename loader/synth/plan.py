"""The match's plan: the plane, the drops, and a schedule of fights and other episodes played in
time order until one team is left."""

from __future__ import annotations

import heapq
import math
from typing import NamedTuple

from loader.synth.episodes import Episodes
from loader.synth.fights import Fights
from loader.synth.roster import Team
from loader.synth.state import MatchState

FIGHT, SKIRMISH, POKE, ZONE_DEATH, SUICIDE, TEAM_KILL, NPC_FIGHT, NPCS_ONLY = (
    "fight", "skirmish", "poke", "zone_death", "suicide", "team_kill", "npc", "npcs_only")
# how many teams an episode needs free
_TEAMS_NEEDED = {FIGHT: 2, SKIRMISH: 2, POKE: 2, ZONE_DEATH: 1, SUICIDE: 1, TEAM_KILL: 1, NPC_FIGHT: 1, NPCS_ONLY: 0}
# teams per fight, by team size: fewer and bigger fights in squads
_TEAMS_PER_FIGHT = {4: 1.3, 2: 2.4, 1: 3.6}
LANDING_FIGHTS_UNTIL_MS = 290_000  # after LogMatchStart: fights before this are on the drop spot


class Episode(NamedTuple):
    start: int
    duration: int
    kind: str


def fly_and_drop(state: MatchState) -> None:
    """The plane's line, the final circle, and each team's jump and landing spot."""
    rng = state.rng
    world = state.world
    size = world.map_size
    angle = rng.random() * 2 * math.pi
    cx, cy = size / 2, size / 2
    world.plane = (cx - math.cos(angle) * size * 0.45, cy - math.sin(angle) * size * 0.45, math.cos(angle), math.sin(angle))
    world.final_zone = (rng.uniform(0.3, 0.7) * size, rng.uniform(0.3, 0.7) * size)
    start = state.clock.t_start
    for team in state.roster.teams:
        jump = start + rng.randint(15_000, 95_000)
        land = jump + rng.randint(55_000, 85_000)
        lx, ly = world.plane_xy(jump)
        lx += rng.uniform(-0.12, 0.12) * size
        ly += rng.uniform(-0.12, 0.12) * size
        for p in team.members:
            p.jumped_at = jump + rng.randint(0, 2500)
            p.landed_at = land + rng.randint(0, 6000)
        team.add_waypoint(land, *world.clamp_to_map(lx, ly))


def schedule(state: MatchState) -> list[Episode]:
    """The episodes of the match: landing fights, fights spread over the match, skirmishes without
    casualties, pokes, blue-zone deaths, maybe a suicide, a team kill and NPC encounters."""
    rng = state.rng
    s = state.clock.t_start
    n_teams = len(state.roster.teams)
    per_fight = 1.1 if state.settings.game_mode.startswith("esports") else _TEAMS_PER_FIGHT.get(state.team_size, 1.3)
    fights_wanted = max(min(n_teams - 1, 3), int(round((n_teams - 1) / per_fight)))
    end_wanted = s + rng.randint(1_500_000, 1_800_000)
    n_landing = max(1, int(round(fights_wanted * rng.uniform(0.12, 0.2)))) if n_teams >= 4 else 0
    episodes: list[Episode] = []
    for _ in range(n_landing):
        episodes.append(Episode(s + rng.randint(170_000, 240_000), rng.randint(15_000, 55_000), FIGHT))
    n_rest = max(1, fights_wanted - n_landing)
    low, high = s + 330_000, end_wanted - 60_000
    slot = (high - low) / n_rest
    for i in range(n_rest):
        t0 = int(low + slot * i + rng.uniform(0, slot * 0.8))
        episodes.append(Episode(t0, rng.randint(10_000, 110_000), FIGHT))
    n_skirmishes = max(1, int(round(fights_wanted * 0.2))) if n_teams >= 3 else 0
    for _ in range(n_skirmishes):
        episodes.append(Episode(rng.randint(low, high - 200_000 if high - 200_000 > low else high),
                                rng.randint(10_000, 40_000), SKIRMISH))
    for _ in range(max(1, int(round(8 * state.scale)))):
        episodes.append(Episode(rng.randint(low, high), rng.randint(3_000, 15_000), POKE))
    for _ in range(max(1, int(round(rng.randint(1, 4) * state.scale)))):
        episodes.append(Episode(rng.randint(s + 700_000, high), 20_000, ZONE_DEATH))
    if rng.random() < 0.6:
        episodes.append(Episode(rng.randint(s + 200_000, high), 3_000, SUICIDE))
    if state.team_size > 1 and rng.random() < 0.25:
        episodes.append(Episode(rng.randint(s + 200_000, high), 3_000, TEAM_KILL))
    if state.roster.npcs:
        for _ in range(max(1, int(round(rng.randint(1, 3) * state.scale)))):
            episodes.append(Episode(rng.randint(low, high), rng.randint(8_000, 30_000), NPC_FIGHT))
        if rng.random() < 0.5:
            episodes.append(Episode(rng.randint(low, high), rng.randint(5_000, 15_000), NPCS_ONLY))
    episodes.sort()
    return episodes


class MatchPlayer:
    """Plays the scheduled episodes in time order; fights are postponed while too few teams are
    free, and more are added until one team is left."""

    def __init__(self, state: MatchState, fights: Fights, episodes: Episodes) -> None:
        self.state = state
        self.rng = state.rng
        self.fights = fights
        self.episodes = episodes

    def play(self, planned: list[Episode]) -> None:
        rng = self.rng
        state = self.state
        s = state.clock.t_start
        heap = [(e.start, i, e.duration, e.kind) for i, e in enumerate(planned)]
        heapq.heapify(heap)
        seq = len(heap)
        fights_left = sum(1 for e in planned if e.kind == FIGHT)
        last_end = s
        landed_in_fight: list[int] = []
        while True:
            alive_teams = [team for team in state.roster.teams if team.alive()]
            if len(alive_teams) <= 1:
                break
            if not heap:  # more fights until one team is left, after everything so far
                heapq.heappush(heap, (last_end + rng.randint(15_000, 60_000), seq, rng.randint(20_000, 90_000), FIGHT))
                seq += 1
                fights_left += 1
            t0, _, duration, kind = heapq.heappop(heap)
            last_end = max(last_end, t0 + duration)
            free = [team for team in alive_teams if team.busy_until <= t0]
            landing = t0 < s + LANDING_FIGHTS_UNTIL_MS
            if landing:
                free = [team for team in free if team.team_id not in landed_in_fight]
            if len(free) < _TEAMS_NEEDED[kind]:
                if kind == FIGHT:
                    busy = [team.busy_until for team in alive_teams if team.busy_until > t0]
                    later = min(busy) + rng.randint(2_000, 20_000) if busy else t0 + 30_000
                    heapq.heappush(heap, (later, seq, duration, kind))
                    seq += 1
                continue
            if kind == FIGHT:
                fights_left -= 1
                teams, eliminated = self._fight_teams(alive_teams, free, fights_left)
                self.fights.fight(t0, duration, teams, eliminated, landing)
                if landing:
                    landed_in_fight.extend(team.team_id for team in teams)
                last_end = max(last_end, t0 + duration)
            else:
                self._other(kind, t0, duration, alive_teams, free)
        state.t_last_death = max((k.t for k in state.ledger.kills), default=s + 600_000)

    def _fight_teams(self, alive_teams: list[Team], free: list[Team], fights_left: int) -> tuple[list[Team], list[Team]]:
        """The teams of the next fight (those to wipe out, the winner, maybe a late third party) and
        those to wipe out: enough that the fights left end the match with one team."""
        rng = self.rng
        to_eliminate = len(alive_teams) - 1
        fights_to_come = max(1, fights_left + 1)
        if to_eliminate <= fights_to_come:
            wiped = 1
        else:
            wiped = max(1, int(round(rng.gauss(to_eliminate / fights_to_come, 0.45))))
        wiped = min(wiped, to_eliminate, len(free) - 1, 4 if self.state.team_size == 1 else 3)
        if fights_left <= 0:
            wiped = min(to_eliminate, len(free) - 1)
        picked = rng.sample(free, wiped + 1)
        # the side with more players standing wins more often (and no lone survivor wins fight after fight)
        winner = rng.choices(picked, [len(team.alive()) ** 2 for team in picked])[0]
        eliminated = [team for team in picked if team is not winner]
        teams = eliminated + [winner]
        if wiped == 1 and len(free) >= 3 and rng.random() < 0.3:
            teams.append(rng.choice([team for team in free if team not in teams]))
        return teams, eliminated

    def _other(self, kind: str, t0: int, duration: int, alive_teams: list[Team], free: list[Team]) -> None:
        rng = self.rng
        episodes = self.episodes
        if kind == SKIRMISH:
            teams = rng.sample(free, 2)
            self.fights.fight(t0, duration, teams, [], False, skirmish=True)
        elif kind == POKE:
            teams = rng.sample(free, 2)
            episodes.poke(t0, duration, teams[0], teams[1])
        elif kind in (ZONE_DEATH, SUICIDE):
            team = rng.choice(free)
            if len(team.alive()) == 1 and len(alive_teams) <= 2:
                return  # it would end the match
            victim = rng.choice(team.alive())
            if kind == ZONE_DEATH:
                episodes.blue_zone_death(t0, victim)
            else:
                episodes.suicide(t0, victim)
        elif kind == TEAM_KILL:
            candidates = [team for team in free if len(team.alive()) >= 2]
            if candidates:
                team = rng.choice(candidates)
                victim, killer = rng.sample(team.alive(), 2)
                episodes.team_kill(t0, killer, victim)
        elif kind == NPC_FIGHT:
            episodes.npc_encounter(t0, duration, rng.choice(free))
        elif kind == NPCS_ONLY:
            episodes.npc_vs_npc(t0, duration)
