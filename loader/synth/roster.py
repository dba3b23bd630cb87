"""Who plays a match: characters (players, bots, NPCs) in teams, with their loadouts."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from loader.synth import calibration
from loader.synth.catalog import BODIES, GUNS, NPC_FIRST_TEAM, NPC_MAPS, NPC_NAMES, PISTOLS, Weapon
from loader.synth.names import SynthPlayer, ascii_name, make_player_pool

PLAYER = "user"
BOT = "ai"
NPC = "npc"
_NPC_FIRST_INDEX = 10_000  # NPCs are not in LogMatchStart; their indices stay clear of the characters'


@dataclass(slots=True)
class Knock:
    """A character lying knocked (DBNO): by whom, PUBG's dBNOId, the knocking hit, since when."""

    knocker: Character
    dbno_id: int
    info: dict  # the DamageInfo of the knocking hit
    knocked_at: int
    bleeds_by_knocker: bool  # bleeding ticks name the knocker (real damage) or the victim (damage 0)


@dataclass(slots=True, eq=False)
class Character:
    """One character of the match: a player (``account.…``), a bot (``ai.…``) or an NPC (no account)."""

    index: int
    account_id: str
    name: str
    team_id: int
    kind: str  # PLAYER, BOT or NPC: the Character object's "type"
    primary: Weapon = GUNS[0]
    secondary: Weapon = GUNS[0]
    body: str = BODIES[0]
    offset_x: float = 0.0  # where the character stands relative to its team (cm)
    offset_y: float = 0.0
    jumped_at: int = 0
    landed_at: int = 0
    died_at: int | None = None
    knock: Knock | None = None
    knocked_spans: list[tuple[int, int]] = field(default_factory=list)  # (knocked at, got up or died at)
    shots: int = 0
    skill: float = 1.0  # how much more often than others this one lands the hits that count

    @property
    def is_account(self) -> bool:
        return self.kind == PLAYER

    def is_alive(self, t: int) -> bool:
        return self.died_at is None or self.died_at > t

    def is_able(self, t: int) -> bool:
        """Alive and not lying knocked at ``t``."""
        if self.died_at is not None and self.died_at <= t:
            return False
        for start, end in self.knocked_spans:
            if start <= t < end:
                return False
        return True

    def is_standing(self, t: int) -> bool:
        """Able at ``t`` and not knocked right now (the fight's event heap runs ahead of the spans)."""
        return self.knock is None and self.is_able(t)

    def up_since(self, t: int) -> int:
        """When the character last got up from a knock before ``t`` (0 if never)."""
        best = 0
        for _, end in self.knocked_spans:
            if best < end <= t:
                best = end
        return best

    def next_attack_id(self) -> int:
        """A new ``attackId``: unique per character and shot, as the game's are per match."""
        self.shots += 1
        return (self.index + 1) * 16777216 + self.shots


@dataclass(slots=True, eq=False)
class Team:
    """A team and the path it moves along (waypoints: times in ms, x, y in cm)."""

    team_id: int
    members: list[Character] = field(default_factory=list)
    path_t: list[int] = field(default_factory=list)
    path_x: list[float] = field(default_factory=list)
    path_y: list[float] = field(default_factory=list)
    busy_until: int = 0
    fights: int = 0

    def add_waypoint(self, t: int, x: float, y: float) -> None:
        if self.path_t and t < self.path_t[-1]:
            t = self.path_t[-1]
        self.path_t.append(t)
        self.path_x.append(x)
        self.path_y.append(y)

    def alive(self, t: int | None = None) -> list[Character]:
        """Members not dead (at ``t``, or at all when ``t`` is None)."""
        if t is None:
            return [p for p in self.members if p.died_at is None]
        return [p for p in self.members if p.is_alive(t)]


@dataclass(slots=True)
class Roster:
    players: list[Character]  # every character of LogMatchStart: players and bots
    teams: list[Team]
    npcs: list[Character]


def character_count(rng: random.Random, *, team_size: int, match_type: str, game_mode: str, scale: float) -> int:
    """How many characters ``LogMatchStart`` lists: 64-100 like real matches, times ``scale`` (floor 16)."""
    if match_type == "competitive" or game_mode.startswith("esports"):
        base = 64
    elif team_size == 4:
        base = rng.randint(88, 100)
    elif team_size == 2:
        base = rng.randint(90, 100)
    else:
        base = rng.randint(88, 100)
    if match_type == "custom":
        base = rng.randint(64, 100)
    return max(16, int(round(base * scale)))


def _accounts(rng: random.Random, pool: Sequence[Any] | None, n_players: int) -> list[tuple[str, str]]:
    """``n_players`` (account id, name) drawn from the pool without replacement, topped up with fresh accounts."""
    chosen: list[tuple[str, str]] = []
    if pool:
        normalised = []
        for entry in pool:
            if isinstance(entry, SynthPlayer):
                normalised.append((entry.account_id, entry.name))
            elif isinstance(entry, dict):
                normalised.append((entry.get("accountId") or entry.get("account_id"), entry["name"]))
            else:
                normalised.append((entry[0], entry[1]))
        chosen = rng.sample(normalised, min(n_players, len(normalised)))
    if len(chosen) < n_players:
        extra = make_player_pool(rng, n_players - len(chosen) + 8, renames=False)
        used = {name for _, name in chosen}
        for account in extra:
            if len(chosen) >= n_players:
                break
            if account.name not in used:
                chosen.append((account.account_id, account.name))
    rng.shuffle(chosen)
    return chosen


def _teams(rng: random.Random, characters: list[tuple[str, str, str]], team_size: int) -> tuple[list[Character], list[Team]]:
    """Mostly full teams, some one short (squads and duos); team ids have gaps like real ones."""
    players: list[Character] = []
    teams: list[Team] = []
    i = 0
    team_id = 1
    while i < len(characters):
        size = team_size
        if team_size > 1 and rng.random() < calibration.SHORT_TEAM_SHARE:
            size = team_size - 1
        team = Team(team_id)
        for account_id, name, kind in characters[i:i + size]:
            character = Character(len(players), account_id, name, team_id, kind)
            team.members.append(character)
            players.append(character)
        teams.append(team)
        i += size
        team_id += 1 + (1 if rng.random() < calibration.TEAM_ID_GAP_SHARE else 0)
    return players, teams


def _arm(rng: random.Random, players: list[Character]) -> None:
    """Loadouts (a main gun, a second gun or a pistol), bodies, and places within the team."""
    weights = [calibration.GUN_CLASS_WEIGHTS[g.weapon_class] for g in GUNS]
    for p in players:
        p.primary = rng.choices(GUNS, weights)[0]
        p.secondary = rng.choices(GUNS, weights)[0] if rng.random() < calibration.TWO_GUNS_SHARE else rng.choice(PISTOLS)
        p.body = BODIES[1] if rng.random() < 0.3 else BODIES[0]
        p.skill = rng.lognormvariate(0.0, calibration.SKILL_SPREAD)
        angle = rng.random() * 2 * math.pi
        radius = rng.uniform(300, 2500)
        p.offset_x = radius * math.cos(angle)
        p.offset_y = radius * math.sin(angle)


def _npcs(rng: random.Random, map_name: str) -> list[Character]:
    """Guards and soldiers on the maps that have them: no account id, teams 200 and 201."""
    npcs: list[Character] = []
    if map_name in NPC_MAPS and rng.random() < calibration.NPC_MATCH_SHARE:
        for k in range(rng.randint(2, 5)):
            npcs.append(Character(_NPC_FIRST_INDEX + k, "", rng.choice(NPC_NAMES), NPC_FIRST_TEAM + (k % 2), NPC,
                                  primary=GUNS[1], secondary=GUNS[0]))
    return npcs


def by_skill(rng: random.Random, candidates: Sequence[Character]) -> Character:
    """One of ``candidates``, the more skilled the likelier."""
    return rng.choices(candidates, [p.skill for p in candidates])[0]


def build_roster(rng: random.Random, *, players: int | None, pool: Sequence[Any] | None, team_size: int,
                 match_type: str, game_mode: str, scale: float, map_name: str) -> Roster:
    """The characters of a match: accounts from ``pool``, some bots in official-like matches, NPCs on some maps."""
    if players is None:
        players = character_count(rng, team_size=team_size, match_type=match_type, game_mode=game_mode, scale=scale)
    players = max(2, int(players))
    n_bots = 0
    if match_type in ("official", "arcade", "event", "training") and rng.random() < calibration.BOT_MATCH_SHARE:
        n_bots = min(players // 4, max(1, int(round(rng.randint(1, 8) * min(1.0, scale * 2)))))
    accounts = _accounts(rng, pool, players - n_bots)
    bots = [("ai.%d" % (100 + i * 7 + rng.randint(0, 6)), ascii_name(rng).replace("_", "")) for i in range(n_bots)]
    characters = [(a, n, PLAYER) for a, n in accounts] + [(a, n, BOT) for a, n in bots]
    members, teams = _teams(rng, characters, team_size)
    _arm(rng, members)
    return Roster(members, teams, _npcs(rng, map_name))
