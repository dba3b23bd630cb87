"""The ends of a match: LogMatchStart, LogMatchEnd, the rankings and PUBG's kill counts, and the
file order (events sorted by time and stamped, LogMatchDefinition first)."""

from __future__ import annotations

from datetime import datetime, timezone

from loader.synth.catalog import WEATHER
from loader.synth.state import MatchState
from loader.synth.telemetry_objects import game_result_stats
from loader.synth.values import second_prefix
from loader.synth.world import LOBBY_Z


def _wrapper(character: dict) -> dict:
    """A character's entry in LogMatchStart / LogMatchEnd."""
    return {"character": character, "primaryWeaponFirst": "", "primaryWeaponSecond": "", "secondaryWeapon": "",
            "spawnKitIndex": 0}


def write_match_start_and_end(state: MatchState) -> None:
    """LogMatchStart with each character in the lobby; LogMatchEnd, filled in by ``rank_and_count``."""
    world = state.world
    settings = state.settings
    s = state.clock.t_start
    wrappers = []
    for p in state.players:
        lx, ly = world.lobby_xy(p)
        wrappers.append(_wrapper(world.character(p, s, xyz=(lx, ly, LOBBY_Z), zone=False)))
    state.emit(s, "LogMatchStart", {
        "mapName": world.map_name, "weatherId": state.rng.choice(WEATHER), "characters": wrappers,
        "cameraViewBehaviour": "FpsOnly" if "fpp" in settings.game_mode else "FpsAndTps",
        "teamSize": state.team_size, "isCustomGame": settings.match_type == "custom",
        "isEventMode": settings.match_type in ("event", "arcade"), "blueZoneCustomOptions": "[]"})
    state.match_end = {"characters": [], "gameResultOnFinished": {"results": []}, "allWeaponStats": []}
    state.emit(state.clock.t_end, "LogMatchEnd", state.match_end)


def telemetry_match_id(state: MatchState) -> str:
    """``LogMatchDefinition.MatchId``: ``match.bro.<type>.…`` ending in the API match id."""
    settings = state.settings
    d = datetime.fromtimestamp(state.clock.t_start / 1000, tz=timezone.utc)
    mode = settings.game_mode
    if settings.match_type == "custom":
        head = "match.bro.custom.%032x" % state.rng.getrandbits(128)
        mode = "esports" if mode.startswith("esports") else "normal"
    else:
        head = "match.bro.%s.pc-2018-29" % settings.match_type
    return f"{head}.steam.{mode}.eu.{d:%Y.%m.%d.%H}.{settings.match_id}"


def file_order(state: MatchState) -> list[dict]:
    """The events sorted by time, each stamped with ``common``, ``_D`` and ``_T`` (the real key order),
    LogMatchDefinition first: no ``common``, a 7-digit fraction and a time just before the first event."""
    collected = state.events
    collected.sort(key=_time)
    clock = state.clock
    starts, commons = clock.phase_starts, clock.commons
    n_phases = len(starts)
    events: list[dict] = []
    append = events.append
    phase = 0
    common = commons[0]
    next_phase = starts[1] if n_phases > 1 else 1 << 62
    last_second = -1
    prefix = ""
    for t, event_type, body in collected:
        if event_type is None:  # stamped when made
            append(body)
            continue
        while t >= next_phase:
            phase += 1
            common = commons[phase]
            next_phase = starts[phase + 1] if phase + 1 < n_phases else 1 << 62
        second = t // 1000
        if second != last_second:
            prefix = second_prefix(second)
            last_second = second
        body["common"] = common
        body["_D"] = "%s%03dZ" % (prefix, t - second * 1000)
        body["_T"] = event_type
        append(body)
    t0 = collected[0][0] - 1 if collected else clock.t_lobby
    second = t0 // 1000
    match_id = telemetry_match_id(state)
    d = "%s%03d%04dZ" % (second_prefix(second), t0 - second * 1000, state.rng.randint(0, 9999))
    events.insert(0, {"MatchId": match_id, "PingQuality": "", "SeasonState": "progress", "_D": d,
                      "_T": "LogMatchDefinition"})
    return events


def rank_and_count(state: MatchState) -> None:
    """Rankings and PUBG's kill counts, in time order: each victim's rank and ``killCount`` at its
    death (the kills credited to it so far), the survivors' in LogMatchEnd."""
    rng = state.rng
    players = state.players
    records = state.ledger.records
    n_alive = len(players)
    team_alive = {team.team_id: len(team.members) for team in state.roster.teams}
    teams_alive = len(state.roster.teams)
    credited: dict[str, int] = {}
    rank_of: dict[int, int] = {}
    individual: dict[int, int] = {}
    for kill in sorted(state.ledger.kills, key=lambda k: k.t):
        victim = kill.victim
        individual[victim.index] = n_alive
        n_alive -= 1
        team_alive[victim.team_id] -= 1
        rank = 0
        if team_alive[victim.team_id] == 0:
            rank = teams_alive
            rank_of[victim.team_id] = rank
            teams_alive -= 1
        victim_object = kill.event["victim"]
        victim_object["ranking"] = rank
        victim_object["individualRanking"] = individual[victim.index]
        kill.event["victimGameResult"]["rank"] = rank
        kill.event["victimGameResult"]["stats"] = game_result_stats(credited.get(victim.account_id, 0), rng)
        if kill.credited_to is not None:
            credited[kill.credited_to.account_id] = credited.get(kill.credited_to.account_id, 0) + 1
    winners = [p for p in players if p.died_at is None]
    for k, p in enumerate(winners):
        individual[p.index] = k + 1
        rank_of[p.team_id] = 1
    end = state.match_end
    for p in players:
        records[p.account_id].rank = rank_of.get(p.team_id, 0)
        end["characters"].append(_wrapper(state.world.character(
            p, state.clock.t_end, 0, xyz=(0, 0, 0), ranking=rank_of.get(p.team_id, 0),
            individual_ranking=individual.get(p.index, 0), zone=False)))
    for p in winners:
        end["gameResultOnFinished"]["results"].append({
            "rank": 1, "gameResult": "", "teamId": p.team_id, "stats": game_result_stats(credited.get(p.account_id, 0), rng),
            "accountId": p.account_id, "isRewardAbuse": False})


def _time(entry: list) -> int:
    return entry[0]
