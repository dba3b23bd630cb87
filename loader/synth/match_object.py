"""The PUBG API match object of a simulated match (``data`` + ``included`` rosters, participants
and the telemetry asset, as ``shared/data/pubg``'s real objects), with PUBG's per-participant
stats taken from the simulation's ledger."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from loader.synth.ledger import PlayerRecord
from loader.synth.match import SimulatedMatch
from loader.synth.values import iso_seconds


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc) + timedelta(milliseconds=ms % 1000)


def _namespace(match_id: str) -> uuid.UUID:
    """The namespace of the object's participant, roster and asset ids (derived from the match id)."""
    try:
        return uuid.UUID(match_id)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, match_id)


def participant_stats(match: SimulatedMatch) -> dict[str, dict[str, Any]]:
    """PUBG's stats of each character of LogMatchStart, by account id, in LogMatchStart order."""
    stats: dict[str, dict[str, Any]] = {}
    for account_id in match.character_order:
        record: PlayerRecord = match.ledger.records[account_id]
        died = match.died_at.get(account_id, match.t_end)
        survived = (died - match.t_start) // 1000
        stats[account_id] = {
            "DBNOs": record.knocks, "assists": record.assists, "boosts": record.boosts,
            "damageDealt": round(record.damage_dealt, 4), "deathType": record.death_type,
            "headshotKills": record.headshot_kills, "heals": record.heals, "killPlace": 0, "killStreaks": 0,
            "kills": record.kills, "longestKill": round(record.longest_kill_m, 4), "name": match.names[account_id],
            "playerId": account_id, "revives": record.revives, "rideDistance": 0.0, "roadKills": 0, "swimDistance": 0.0,
            "teamKills": record.team_kills, "timeSurvived": survived, "vehicleDestroys": 0,
            "walkDistance": round(survived * 1.7, 3), "weaponsAcquired": record.weapons_acquired,
            "winPlace": record.rank}
    order = match.character_order
    position = {account_id: i for i, account_id in enumerate(order)}
    by_kills = sorted(order, key=lambda a: (-stats[a]["kills"], -stats[a]["damageDealt"], position[a]))
    for place, account_id in enumerate(by_kills, start=1):
        stats[account_id]["killPlace"] = place
        stats[account_id]["killStreaks"] = 1 if stats[account_id]["kills"] else 0
    return stats


def generate_match_object(match: SimulatedMatch, *, created_at: datetime) -> dict:
    """The match object: ``kills``, ``headshotKills``, ``DBNOs``, ``damageDealt`` (4 decimals),
    ``longestKill`` (metres), ``teamKills``, ``assists``, ``revives``, ``heals``, ``boosts``,
    ``weaponsAcquired``, ``deathType``, ``timeSurvived`` and ``winPlace`` are what the simulation
    recorded (``ledger.py`` says what PUBG's numbers count here)."""
    settings = match.settings
    match_id = settings.match_id
    namespace = _namespace(match_id)
    stats = participant_stats(match)
    order = match.character_order
    participant_id = {a: str(uuid.uuid5(namespace, "participant:" + a)) for a in order}
    teams: dict[int, list[str]] = {}
    for account_id in order:
        teams.setdefault(match.team_of[account_id], []).append(account_id)
    rosters = []
    for team_id, members in teams.items():
        rank = stats[members[0]]["winPlace"]
        rosters.append({"type": "roster", "id": str(uuid.uuid5(namespace, "roster:%d" % team_id)),
                        "attributes": {"stats": {"rank": rank, "teamId": team_id}, "won": "true" if rank == 1 else "false",
                                       "shardId": "steam"},
                        "relationships": {"team": {"data": None},
                                          "participants": {"data": [{"type": "participant", "id": participant_id[a]}
                                                                    for a in members]}}})
    asset_id = str(uuid.uuid5(namespace, "asset"))
    asset_at = _utc(match.t_end) + timedelta(seconds=40)
    included: list[dict] = [{"type": "participant", "id": participant_id[a],
                             "attributes": {"stats": stats[a], "actor": "", "shardId": "steam"}} for a in order]
    included.extend(rosters)
    included.append({"type": "asset", "id": asset_id, "attributes": {
        "name": "telemetry", "description": "", "createdAt": iso_seconds(asset_at),
        "URL": "https://telemetry-cdn.pubg.com/bluehole-pubg/steam/%s/%s-telemetry.json"
               % (asset_at.strftime("%Y/%m/%d/%H/%M"), asset_id)}})
    duration = int(round((match.t_end - match.t_start) / 1000))
    return {
        "data": {
            "type": "match",
            "id": match_id,
            "attributes": {"stats": None, "shardId": "steam", "tags": None, "mapName": match.map_name,
                           "isCustomMatch": settings.match_type == "custom", "matchType": settings.match_type,
                           "gameMode": settings.game_mode, "titleId": "bluehole-pubg", "seasonState": "progress",
                           "createdAt": iso_seconds(created_at), "duration": duration},
            "relationships": {"rosters": {"data": [{"type": "roster", "id": r["id"]} for r in rosters]},
                              "assets": {"data": [{"type": "asset", "id": asset_id}]}},
            "links": {"self": "https://api.pubg.com/shards/steam/matches/" + match_id, "schema": ""},
        },
        "included": included,
        "links": {"self": "https://api.pubg.com/shards/steam/matches/" + match_id},
        "meta": {},
    }
