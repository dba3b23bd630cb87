"""Team-fight detection from PUBG telemetry: pure Python, no database, no file reading.

``detect_fights(match_id, events)`` implements the rules of ``docs/fight-detection.md``
(algorithm "v2" of the existing site) with the defects listed there fixed;
``fights_to_ndjson(fights)`` writes the output format the loader lands.

Input
    Raw telemetry event dicts exactly as parsed from PUBG's JSON, any types, any order. Only
    three types are used; the rest are ignored:

    * knock  - ``LogPlayerMakeGroggy``: ``attacker`` and ``victim`` teams known and different;
    * kill   - ``LogPlayerKillV2``: ``finisher`` (the attacking side) and ``victim`` teams known
      and different;
    * damage - ``LogPlayerTakeDamage``: both teams known and different and ``damage > 0``.

    A team is *known* when the Character object is present and its ``teamId`` is not null: team
    id 0 is a real team (explicit ``is not None`` checks everywhere, never truthiness). Events
    without a real attacker (blue zone, falls: ``attacker`` / ``finisher`` key absent or null)
    are therefore never combat events: they neither start nor join an engagement. A ``teamId``
    must be an integer (an integral float is accepted); ``damage`` a finite number.

    Events are sorted by ``_D`` (stable on ties: events with the same timestamp keep their input
    order). Each ``_D`` is parsed once, to integer microseconds since the epoch, and every
    comparison of times uses those integers. A combat event whose ``_D`` is missing or not an
    ISO-8601 timestamp raises ``ValueError`` (the loader rejects such files before detection).

Units
    Telemetry locations are centimetres; everything here is **metres** (x / 100, y / 100).
    Distances are horizontal (x, y): heights are ignored. ``fight_center_x/y``,
    ``fight_spread_radius`` and ``position_center_x/y`` are metres, rounded to 2 decimals;
    damage is rounded to 4 decimals, ``duration_seconds`` to milliseconds.

Clustering (linear cost)
    45 s rolling window since the engagement's latest event, 240 s cap since its first event,
    300 m radius ("within" = at most 300 m) around the fixed centre (mean of the first event's
    attacker and victim locations, those present). "More than 45 s / 240 s" is strict: an event
    exactly 45 s after the latest one still joins. An event that brings a new team joins only
    when it carries at least one location and every location it carries is within the radius
    (an engagement whose first event carries no location has no centre and takes no new team).

    Only events that share a team with the engagement can join it, and events that share none
    cannot change when the look-ahead stops (the stop depends on time only, and only added
    events move it). So instead of rescanning the match, the look-ahead merges, in time order,
    the per-team lists of *unused* events of the engagement's teams (a team's list is entered
    when the team joins), with a union-find "next unused event" pointer per team list so used
    events are skipped in amortised constant time, and it stops at the first event beyond the
    window. Each engagement thus reads only the events of its own teams inside its own window:
    the cost is about linear in the match's combat events (sorting aside), whatever the number
    of engagements, and the result is exactly that of the plain in-order scan of the doc.

Statistics
    Computed from the events assigned to the engagement only, so each event counts in at most
    one fight (the existing code recounted every event of the time window: overlapping fights
    counted kills twice). NPCs and bots are removed (``loader.rules``, the rules the marts use
    too): a character is a *player* when its
    ``accountId`` starts with ``account.`` (bots have ``ai.…``, NPCs such as Commander, Guard,
    Pillar, SkySoldier, Soldier, PillarSoldier and ZombieSoldier an empty or missing id). Names
    are not looked at: a real account may be called ``Guard``, and the stats marts use the
    same rule, so a fight participant is always a player of the marts. An assigned event enters the statistics only when **both** sides are players
    (the stats contract's "enemy" rule, ``rules.is_enemy``): a player's kills, knocks and damage against bots or
    NPCs are not fight statistics. The players seen are those of these counted events, and the
    fight's teams are their teams. An engagement with no counted event, or fewer than two player
    teams, is simply not a fight (never an error).

    Per player (keyed by account id): ``knocks_dealt`` (knocks as attacker), ``kills_dealt``
    (kills as finisher: the per-player kills summed over a match's fights never exceed the
    ``LogPlayerKillV2`` events with that player as finisher), ``damage_dealt``,
    ``damage_taken``, ``was_knocked`` / ``knocked_at`` (the **first** knock of the player in the
    fight), ``was_killed`` / ``killed_at``, mean position of every location of the player in
    the counted events. ``survived`` means exactly "not killed in this fight" (a player killed
    right after the fight, or knocked and never killed in it, counts as survived).
    ``player_name`` is the first name seen in the fight.

    Per team: knocks, kills, damage dealt and taken (sums over its players), deaths (kill events
    with a victim of the team), size (distinct players seen); a team is *eliminated* when every
    one of its players seen was killed in the fight. Centre = mean of the locations where the
    counted events landed (the victim's location of each hit, knock and kill); spread radius =
    largest distance of such a location from the centre (both None when no victim location is
    known). The shooters' own locations are left out of both: a long shot from far away is
    part of the fight but does not move its centre or widen its radius (the existing site
    averaged every attacker and victim location, so one 2.9 km shot gave a 14-second fight a
    2,924 m radius). A participant's ``position_center_x/y`` is still the mean of every
    location of that player in the counted events, as attacker and as victim.
    Fight start / end = time of the first / latest counted (player-vs-player) event of the
    engagement: an NPC or bot skirmish just before or after the players' fight is not part of
    its time span (the clustering itself still uses every combat event).

    Primary teams are computed after the NPC removal: the two best by score
    kills*3 + knocks*2 + damage dealt/100 (exactly: kills*300 + knocks*200 + damage, to avoid
    rounding), ties to the lower team id; the rest are ``third_party_teams`` (ascending ids).

Which engagements are fights (first rule that applies), ``fight_reason``
    1. knocks + kills >= 2: ``MULTIPLE_CASUALTIES``;
    2. one kill, no knock: imbalance = largest team size / smallest; the victim's team must have
       dealt >= 75 damage if imbalance >= 3, >= 50 if >= 2, else >= 25. At or above the
       threshold it **is** a fight, ``SINGLE_KILL_WITH_RESISTANCE``. The existing code falls
       through to "not a fight" in that case too, contrary to its own documentation; we follow
       the documented intent. Below the threshold: not a fight (instant kill, no resistance);
    3. no knock, no kill: at least two teams dealt damage, every team dealt damage, total
       >= 150 and every team dealt >= 20 % of the total: ``SUSTAINED_RECIPROCAL_DAMAGE``;
    4. one knock, no kill: every team dealt >= 75 damage:
       ``SINGLE_KNOCK_WITH_RECIPROCAL_DAMAGE``;
    5. anything else: not a fight.

Outcome (``outcome``, ``winning_team_id``, ``loser_team_id``, ``team_outcomes``)
    * Some team eliminated: ``THIRD_PARTY`` when more than two teams took part, else
      ``DECISIVE_WIN``. Loser = the eliminated team with the most deaths (fix: the doc's "team
      with the most deaths" could be a surviving team that is also the only candidate winner,
      giving winner == loser); ties: fewer (kills, knocks, damage dealt), then lower id.
      Winner = among the teams not eliminated the best by (kills, knocks, damage dealt), ties to
      the lower id; None when every team was eliminated. Every eliminated team is ``LOST``
      (never ``DRAW``, never the winner), the winner ``WON``, other teams ``DRAW``.
    * Else, by deaths per team (most - fewest): >= 2 -> ``DECISIVE_WIN``, or 1 with at least 2
      deaths on the losing side -> ``MARGINAL_WIN`` (either one ``THIRD_PARTY`` when more than
      two teams took part); winner = fewest deaths (ties: best (kills, knocks, damage), then
      lower id), loser = most deaths (ties: worst (kills, knocks, damage), then lower id);
      winner ``WON``, loser ``LOST``, others ``DRAW``. Otherwise ``DRAW`` for every team, no
      winner and no loser.
    The winner and the loser always differ.

Output
    One dict per fight, keys in the order of ``FIGHT_KEYS`` (participants: ``PARTICIPANT_KEYS``),
    sorted by start time (then end time, then team ids); participants sorted by
    (team_id, account_id); ``team_outcomes`` keys are team ids as strings (JSON object keys),
    in ascending numeric order; times are ISO-8601 UTC with milliseconds and ``Z``.
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_right
from datetime import datetime, timezone
from heapq import heappop, heappush
from typing import Any, Iterable

import orjson

from loader import rules

__all__ = [
    "DETECTOR_VERSION",
    "FIGHT_KEYS",
    "PARTICIPANT_KEYS",
    "detect_fights",
    "fights_to_ndjson",
]

DETECTOR_VERSION = "pewstats-2.0.0"

ROLLING_WINDOW_US = 45_000_000  # 45 s since the engagement's latest event
MAX_DURATION_US = 240_000_000  # 240 s since its first event
RADIUS_M = 300.0
_RADIUS_SQ = RADIUS_M * RADIUS_M

FIGHT_KEYS = (
    "match_id",
    "fight_start_time",
    "fight_end_time",
    "duration_seconds",
    "team_ids",
    "primary_team_1",
    "primary_team_2",
    "third_party_teams",
    "total_knocks",
    "total_kills",
    "total_damage",
    "total_damage_events",
    "outcome",
    "winning_team_id",
    "loser_team_id",
    "team_outcomes",
    "fight_reason",
    "fight_center_x",
    "fight_center_y",
    "fight_spread_radius",
    "detector_version",
    "participants",
)
PARTICIPANT_KEYS = (
    "player_name",
    "account_id",
    "team_id",
    "knocks_dealt",
    "kills_dealt",
    "damage_dealt",
    "damage_taken",
    "position_center_x",
    "position_center_y",
    "was_knocked",
    "was_killed",
    "survived",
    "knocked_at",
    "killed_at",
)

_KNOCK, _KILL, _DAMAGE = 0, 1, 2
_TYPES = {"LogPlayerMakeGroggy": (_KNOCK, "attacker"), "LogPlayerKillV2": (_KILL, "finisher"), "LogPlayerTakeDamage": (_DAMAGE, "attacker")}

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


# ---------------------------------------------------------------------------------------------
# input
# ---------------------------------------------------------------------------------------------


def _parse_time_us(value: Any) -> int:
    """ISO-8601 ``_D`` -> integer microseconds since the epoch (UTC; naive means UTC)."""
    if not isinstance(value, str):
        raise ValueError(f"_D is {type(value).__name__}, expected an ISO-8601 timestamp")
    try:
        dt = datetime.fromisoformat(value)  # 3.11+: takes "Z" and 1-6 fraction digits
    except ValueError:
        dt = _parse_time_slow(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    delta = dt - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _parse_time_slow(value: str) -> datetime:
    """Fraction longer than 6 digits (the real LogMatchDefinition has 7), lower-case z, spaces."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dot = text.find(".")
    if dot != -1:
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        if end - dot - 1 > 6:
            text = text[: dot + 7] + text[end:]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"_D is not an ISO-8601 timestamp: {value[:40]!r}") from None


def _format_time(us: int) -> str:
    """Microseconds since the epoch -> ``2025-07-12T17:12:02.807Z`` (milliseconds, truncated)."""
    seconds, micro = divmod(us, 1_000_000)
    dt = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{micro // 1000:03d}Z"


def _team(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


class _Char:
    """A Character of one event: team, identity, location in metres (or None)."""

    __slots__ = ("team", "account", "name", "x", "y", "player")

    def __init__(self, obj: dict, team: int) -> None:
        self.team = team
        account = obj.get("accountId")
        name = obj.get("name")
        self.account = account if isinstance(account, str) else None
        self.name = name if isinstance(name, str) else None
        self.player = rules.is_player(account)
        self.x = self.y = None
        loc = obj.get("location")
        if isinstance(loc, dict):
            x, y = _number(loc.get("x")), _number(loc.get("y"))
            if x is not None and y is not None:
                self.x, self.y = x / 100.0, y / 100.0


def _char(obj: Any) -> _Char | None:
    """The Character if its team is known (object present, ``teamId`` not null), else None."""
    if not isinstance(obj, dict):
        return None
    team = _team(obj.get("teamId"))
    if team is None:
        return None
    return _Char(obj, team)


class _Event:
    __slots__ = ("kind", "t", "att", "vic", "damage", "pos_a", "pos_v")

    def __init__(self, kind: int, t: int, att: _Char, vic: _Char, damage: float) -> None:
        self.kind = kind
        self.t = t
        self.att = att
        self.vic = vic
        self.damage = damage
        self.pos_a = 0  # position in the attacker team's event list
        self.pos_v = 0  # position in the victim team's event list

    def locations(self) -> list[tuple[float, float]]:
        return [(c.x, c.y) for c in (self.att, self.vic) if c.x is not None]


def _combat_events(events: Iterable[dict]) -> list[_Event]:
    out: list[_Event] = []
    for ev in events:
        if not isinstance(ev, dict):
            continue
        spec = _TYPES.get(ev.get("_T"))
        if spec is None:
            continue
        kind, attacker_key = spec
        att = _char(ev.get(attacker_key))
        if att is None:
            continue
        vic = _char(ev.get("victim"))
        if vic is None or vic.team == att.team:
            continue
        damage = 0.0
        if kind == _DAMAGE:
            d = _number(ev.get("damage"))
            if d is None or d <= 0:
                continue
            damage = d
        out.append(_Event(kind, _parse_time_us(ev.get("_D")), att, vic, damage))
    out.sort(key=lambda e: e.t)  # stable: equal timestamps keep their input order
    return out


# ---------------------------------------------------------------------------------------------
# clustering
# ---------------------------------------------------------------------------------------------


def _find(parent: list[int], p: int) -> int:
    """First unused position >= p in a team list (union-find with path compression)."""
    root = p
    while parent[root] != root:
        root = parent[root]
    while parent[p] != root:
        parent[p], p = root, parent[p]
    return root


def _cluster(evs: list[_Event]) -> list[list[int]]:
    """Engagements as lists of indices into ``evs`` (in time order)."""
    n = len(evs)
    team_lists: dict[int, list[int]] = {}
    for g, e in enumerate(evs):
        la = team_lists.setdefault(e.att.team, [])
        e.pos_a = len(la)
        la.append(g)
        lv = team_lists.setdefault(e.vic.team, [])
        e.pos_v = len(lv)
        lv.append(g)
    parents = {team: list(range(len(lst) + 1)) for team, lst in team_lists.items()}
    used = bytearray(n)

    def mark_used(g: int) -> None:
        used[g] = 1
        e = evs[g]
        parents[e.att.team][e.pos_a] = e.pos_a + 1
        parents[e.vic.team][e.pos_v] = e.pos_v + 1

    def push_stream(heap: list, team: int, pos: int) -> None:
        pos = _find(parents[team], pos)
        lst = team_lists[team]
        if pos < len(lst):
            heappush(heap, (lst[pos], team, pos))

    engagements: list[list[int]] = []
    for i in range(n):
        if used[i]:
            continue
        first = evs[i]
        mark_used(i)
        members = [i]
        teams = {first.att.team, first.vic.team}
        start = last = first.t
        locs = first.locations()
        centre = (sum(x for x, _ in locs) / len(locs), sum(y for _, y in locs) / len(locs)) if locs else None
        heap: list[tuple[int, int, int]] = []
        for team in sorted(teams):
            push_stream(heap, team, bisect_right(team_lists[team], i))
        previous = -1
        while heap:
            g = heap[0][0]
            e = evs[g]
            if e.t - start > MAX_DURATION_US or e.t - last > ROLLING_WINDOW_US:
                break
            _, team, pos = heappop(heap)
            push_stream(heap, team, pos + 1)
            if g == previous or used[g]:
                continue  # the same event reached through its other team's list
            previous = g
            a_in = e.att.team in teams
            v_in = e.vic.team in teams
            if a_in and v_in:
                pass
            else:  # exactly one team in the engagement (the event came from its list)
                if centre is None:
                    continue
                cx, cy = centre
                ev_locs = e.locations()
                if not ev_locs or any((x - cx) ** 2 + (y - cy) ** 2 > _RADIUS_SQ for x, y in ev_locs):
                    continue
                new_team = e.vic.team if a_in else e.att.team
                teams.add(new_team)
                push_stream(heap, new_team, bisect_right(team_lists[new_team], g))
            mark_used(g)
            members.append(g)
            last = e.t
        engagements.append(members)
    return engagements


# ---------------------------------------------------------------------------------------------
# statistics, rules, outcome
# ---------------------------------------------------------------------------------------------


class _Player:
    __slots__ = ("account", "name", "team", "knocks", "kills", "dealt", "taken", "sx", "sy", "ns", "knocked_at", "killed_at")

    def __init__(self, c: _Char) -> None:
        self.account = c.account
        self.name = c.name
        self.team = c.team
        self.knocks = self.kills = 0
        self.dealt = self.taken = 0.0
        self.sx = self.sy = 0.0
        self.ns = 0
        self.knocked_at: int | None = None
        self.killed_at: int | None = None


class _Team:
    __slots__ = ("id", "knocks", "kills", "dealt", "taken", "deaths", "players", "killed")

    def __init__(self, tid: int) -> None:
        self.id = tid
        self.knocks = self.kills = self.deaths = 0
        self.dealt = self.taken = 0.0
        self.players: set[str] = set()
        self.killed: set[str] = set()

    @property
    def eliminated(self) -> bool:
        return bool(self.players) and self.killed >= self.players

    def perf(self) -> tuple[int, int, float]:
        return (self.kills, self.knocks, self.dealt)


def _fight_reason(teams: dict[int, _Team], knocks: int, kills: int, kill_victim_team: int | None) -> str | None:
    if knocks + kills >= 2:
        return "MULTIPLE_CASUALTIES"
    if kills == 1 and knocks == 0:
        sizes = [len(t.players) for t in teams.values()]
        imbalance = max(sizes) / min(sizes)
        need = 75.0 if imbalance >= 3 else 50.0 if imbalance >= 2 else 25.0
        victim = teams.get(kill_victim_team) if kill_victim_team is not None else None
        if victim is not None and victim.dealt >= need:
            return "SINGLE_KILL_WITH_RESISTANCE"
        return None  # instant kill without resistance
    dealt = [t.dealt for t in teams.values()]
    if knocks == 0 and kills == 0:
        total = sum(dealt)
        if (
            sum(1 for d in dealt if d > 0) >= 2
            and all(d > 0 for d in dealt)
            and total >= 150
            and all(d * 5 >= total for d in dealt)  # 20 % share, exact for decimal inputs
        ):
            return "SUSTAINED_RECIPROCAL_DAMAGE"
        return None
    if knocks == 1 and kills == 0:
        if all(d > 0 for d in dealt) and all(d >= 75 for d in dealt):
            return "SINGLE_KNOCK_WITH_RECIPROCAL_DAMAGE"
        return None
    return None  # pragma: no cover - every (knocks, kills) combination is handled above


def _outcome(teams: dict[int, _Team]) -> tuple[str, int | None, int | None, dict[int, str]]:
    ids = sorted(teams)
    many = len(ids) > 2
    eliminated = [t for t in ids if teams[t].eliminated]
    result = {t: "DRAW" for t in ids}
    if eliminated:
        outcome = "THIRD_PARTY" if many else "DECISIVE_WIN"
        loser = min(eliminated, key=lambda t: (-teams[t].deaths, teams[t].perf(), t))
        survivors = [t for t in ids if t not in eliminated]
        winner = min(survivors, key=lambda t: (tuple(-v for v in teams[t].perf()), t)) if survivors else None
        for t in eliminated:
            result[t] = "LOST"
        if winner is not None:
            result[winner] = "WON"
        return outcome, winner, loser, result
    deaths = [teams[t].deaths for t in ids]
    most, fewest = max(deaths), min(deaths)
    diff = most - fewest
    if diff >= 2:
        outcome = "THIRD_PARTY" if many else "DECISIVE_WIN"
    elif diff == 1 and most >= 2:
        outcome = "THIRD_PARTY" if many else "MARGINAL_WIN"
    else:
        return "DRAW", None, None, result
    winner = min(
        (t for t in ids if teams[t].deaths == fewest), key=lambda t: (tuple(-v for v in teams[t].perf()), t)
    )
    loser = min((t for t in ids if teams[t].deaths == most), key=lambda t: (teams[t].perf(), t))
    result[winner] = "WON"
    result[loser] = "LOST"
    return outcome, winner, loser, result


def _r2(v: float | None) -> float | None:
    return None if v is None else round(v, 2) + 0.0  # + 0.0: never write -0.0


def _r4(v: float) -> float:
    return round(v, 4) + 0.0


def _fight(match_id: str, evs: list[_Event], members: list[int]) -> dict | None:
    players: dict[str, _Player] = {}
    teams: dict[int, _Team] = {}
    knocks = kills = damage_events = 0
    total_damage = 0.0
    kill_victim_team: int | None = None
    landed: list[tuple[float, float]] = []  # the victims' locations of the counted events
    start = end = 0

    def player(c: _Char) -> _Player:
        p = players.get(c.account)  # type: ignore[arg-type]
        if p is None:
            p = players[c.account] = _Player(c)  # type: ignore[index]
            team = teams.get(p.team)
            if team is None:
                team = teams[p.team] = _Team(p.team)
            team.players.add(p.account)  # type: ignore[arg-type]
        if c.x is not None:
            p.sx += c.x
            p.sy += c.y  # type: ignore[operator]
            p.ns += 1
        return p

    for g in members:
        e = evs[g]
        # rules.is_enemy: both players, teams known and different; a combat event's teams are
        # known and different already (test_detector.py checks the two agree)
        if not (e.att.player and e.vic.player):
            continue  # bots and NPCs are no part of the fight statistics
        if not players:
            start = e.t
        end = e.t
        a, v = player(e.att), player(e.vic)
        if e.vic.x is not None:  # where the hit, knock or kill landed
            landed.append((e.vic.x, e.vic.y))  # type: ignore[arg-type]
        ta, tv = teams[a.team], teams[v.team]
        if e.kind == _DAMAGE:
            a.dealt += e.damage
            v.taken += e.damage
            ta.dealt += e.damage
            tv.taken += e.damage
            total_damage += e.damage
            damage_events += 1
        elif e.kind == _KNOCK:
            a.knocks += 1
            ta.knocks += 1
            knocks += 1
            if v.knocked_at is None:
                v.knocked_at = e.t
        else:
            a.kills += 1
            ta.kills += 1
            tv.deaths += 1
            kills += 1
            kill_victim_team = v.team
            if v.killed_at is None:
                v.killed_at = e.t
            tv.killed.add(v.account)  # type: ignore[arg-type]

    if len(teams) < 2:
        return None  # no player-vs-player event, or all NPCs / bots: not a fight
    reason = _fight_reason(teams, knocks, kills, kill_victim_team)
    if reason is None:
        return None

    ranked = sorted(teams, key=lambda t: (-(teams[t].kills * 300 + teams[t].knocks * 200 + teams[t].dealt), t))
    outcome, winner, loser, per_team = _outcome(teams)
    if landed:
        cx = sum(x for x, _ in landed) / len(landed)
        cy = sum(y for _, y in landed) / len(landed)
        spread = max(math.hypot(x - cx, y - cy) for x, y in landed)
    else:
        cx = cy = spread = None
    participants = []
    for p in sorted(players.values(), key=lambda p: (p.team, p.account)):
        participants.append(
            {
                "player_name": p.name,
                "account_id": p.account,
                "team_id": p.team,
                "knocks_dealt": p.knocks,
                "kills_dealt": p.kills,
                "damage_dealt": _r4(p.dealt),
                "damage_taken": _r4(p.taken),
                "position_center_x": _r2(p.sx / p.ns) if p.ns else None,
                "position_center_y": _r2(p.sy / p.ns) if p.ns else None,
                "was_knocked": p.knocked_at is not None,
                "was_killed": p.killed_at is not None,
                "survived": p.killed_at is None,
                "knocked_at": None if p.knocked_at is None else _format_time(p.knocked_at),
                "killed_at": None if p.killed_at is None else _format_time(p.killed_at),
            }
        )
    return {
        "match_id": match_id,
        "fight_start_time": _format_time(start),
        "fight_end_time": _format_time(end),
        "duration_seconds": round((end - start) / 1_000_000, 3),
        "team_ids": sorted(teams),
        "primary_team_1": ranked[0],
        "primary_team_2": ranked[1],
        "third_party_teams": sorted(ranked[2:]),
        "total_knocks": knocks,
        "total_kills": kills,
        "total_damage": _r4(total_damage),
        "total_damage_events": damage_events,
        "outcome": outcome,
        "winning_team_id": winner,
        "loser_team_id": loser,
        "team_outcomes": {str(t): per_team[t] for t in sorted(teams)},
        "fight_reason": reason,
        "fight_center_x": _r2(cx),
        "fight_center_y": _r2(cy),
        "fight_spread_radius": _r2(spread),
        "detector_version": DETECTOR_VERSION,
        "participants": participants,
        "_order": (start, end),
    }


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------


def detect_fights(match_id: str, events: Iterable[dict]) -> list[dict]:
    """The team fights of one match's telemetry events (see the module docstring).

    The cyclic garbage collector is paused while detecting (and restored as it was): the
    detector makes a few small objects per event, and every full collection would walk the
    whole parsed telemetry too, a large constant factor on big matches. Nothing here makes
    reference cycles.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        evs = _combat_events(events)
        fights = []
        for members in _cluster(evs):
            fight = _fight(match_id, evs, members)
            if fight is not None:
                fights.append(fight)
    finally:
        if gc_was_enabled:
            gc.enable()
    fights.sort(key=lambda f: (f["_order"], f["team_ids"]))
    for f in fights:
        del f["_order"]
    return fights


def _ordered(d: dict, keys: tuple[str, ...]) -> dict:
    """Known keys in their documented order, then any others sorted by name."""
    out = {k: d[k] for k in keys if k in d}
    for k in sorted(k for k in d if k not in out):
        out[k] = d[k]
    return out


def fights_to_ndjson(fights: list[dict]) -> bytes:
    """One JSON object per line (UTF-8, ``\\n`` after each), keys in a stable order:
    ``FIGHT_KEYS`` / ``PARTICIPANT_KEYS`` first, unknown keys after them sorted by name,
    ``team_outcomes`` by ascending numeric team id."""
    lines = []
    for f in fights:
        f = _ordered(f, FIGHT_KEYS)
        parts = f.get("participants")
        if isinstance(parts, list):
            f["participants"] = [_ordered(p, PARTICIPANT_KEYS) if isinstance(p, dict) else p for p in parts]
        outcomes = f.get("team_outcomes")
        if isinstance(outcomes, dict):
            f["team_outcomes"] = {
                str(k): outcomes[k]
                for k in sorted(outcomes, key=lambda k: (0, int(k), "") if _is_int_text(k) else (1, 0, str(k)))
            }
        lines.append(orjson.dumps(f, option=orjson.OPT_NON_STR_KEYS))
    return b"".join(line + b"\n" for line in lines)


def _is_int_text(k: Any) -> bool:
    if isinstance(k, int) and not isinstance(k, bool):
        return True
    try:
        int(str(k))
    except ValueError:
        return False
    return True
