"""The PUBG API match object (``data`` + ``included``): one match row and its participants."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from loader.errors import BadInputError
from loader.formats.convert import to_bool, to_decimal, to_int, to_text, to_timestamp
from loader.formats.reader import open_json_stream


@dataclass
class MatchBatch:
    match_id: str
    rows: dict[str, list[tuple]]
    sha256: str = ""
    file_bytes: int = 0
    missing: dict[str, int] = field(default_factory=dict)

    def row_counts(self) -> dict[str, Any]:
        return {name: len(rows) for name, rows in self.rows.items()}


def _won(value: Any, name: str) -> bool | None:
    # PUBG writes roster "won" as the strings "true" / "false"
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return to_bool(value, name)


def parse_match_document(doc: Any) -> MatchBatch:
    if not isinstance(doc, dict):
        raise BadInputError(f"top-level JSON value is {type(doc).__name__}, expected a PUBG match object")
    data = doc.get("data")
    if not isinstance(data, dict) or data.get("type") != "match":
        raise BadInputError("no data object of type 'match': not a PUBG API match document")
    match_id = to_text(data.get("id"), "data.id")
    if not match_id:
        raise BadInputError("data.id (the match id) is missing")
    attrs = data.get("attributes")
    if not isinstance(attrs, dict):
        raise BadInputError("data.attributes is missing or not an object")
    included = doc.get("included") or []
    if not isinstance(included, list):
        raise BadInputError("included is not a list")

    rosters: dict[str, tuple[str, int | None, int | None, bool | None]] = {}
    participants: dict[str, dict] = {}
    telemetry_url = None
    for i, item in enumerate(included):
        if not isinstance(item, dict):
            raise BadInputError(f"included[{i}] is not an object")
        kind = item.get("type")
        item_attrs = item.get("attributes") or {}
        if not isinstance(item_attrs, dict):
            raise BadInputError(f"included[{i}].attributes is not an object")
        if kind == "roster":
            roster_id = to_text(item.get("id"), f"included[{i}].id")
            stats = item_attrs.get("stats") or {}
            if not isinstance(stats, dict):
                raise BadInputError(f"included[{i}].attributes.stats is not an object")
            roster_tuple = (
                roster_id,
                to_int(stats.get("teamId"), f"included[{i}].stats.teamId"),
                to_int(stats.get("rank"), f"included[{i}].stats.rank"),
                _won(item_attrs.get("won"), f"included[{i}].won"),
            )
            members = ((item.get("relationships") or {}).get("participants") or {}).get("data") or []
            if not isinstance(members, list):
                raise BadInputError(f"included[{i}].relationships.participants.data is not a list")
            for member in members:
                if isinstance(member, dict) and isinstance(member.get("id"), str):
                    rosters[member["id"]] = roster_tuple
        elif kind == "participant":
            pid = to_text(item.get("id"), f"included[{i}].id")
            stats = item_attrs.get("stats")
            if not isinstance(stats, dict):
                raise BadInputError(f"included[{i}] participant has no stats object")
            participants[pid or f"#{i}"] = stats
        elif kind == "asset" and item_attrs.get("name") == "telemetry":
            telemetry_url = to_text(item_attrs.get("URL"), f"included[{i}].URL")

    match_row = (
        match_id,
        to_timestamp(attrs.get("createdAt"), "createdAt"),
        to_int(attrs.get("duration"), "duration"),
        to_text(attrs.get("matchType"), "matchType"),
        to_text(attrs.get("gameMode"), "gameMode"),
        to_text(attrs.get("mapName"), "mapName"),
        to_bool(attrs.get("isCustomMatch"), "isCustomMatch"),
        to_text(attrs.get("seasonState"), "seasonState"),
        to_text(attrs.get("shardId"), "shardId"),
        to_text(attrs.get("titleId"), "titleId"),
        telemetry_url,
        None,  # file_sha256, filled in by parse_match_file
    )
    participant_rows = []
    for pid in sorted(participants):
        s = participants[pid]
        roster = rosters.get(pid, (None, None, None, None))
        where = f"participant {pid}"
        participant_rows.append(
            (
                match_id,
                pid,
                to_text(s.get("playerId"), f"{where}.playerId"),
                to_text(s.get("name"), f"{where}.name"),
                roster[0],
                roster[1],
                roster[2],
                roster[3],
                to_int(s.get("kills"), f"{where}.kills"),
                to_int(s.get("headshotKills"), f"{where}.headshotKills"),
                to_int(s.get("DBNOs"), f"{where}.DBNOs"),
                to_decimal(s.get("damageDealt"), f"{where}.damageDealt"),
                to_decimal(s.get("longestKill"), f"{where}.longestKill"),
                to_int(s.get("winPlace"), f"{where}.winPlace"),
                to_text(s.get("deathType"), f"{where}.deathType"),
            )
        )
    return MatchBatch(match_id, {"matches": [match_row], "match_participants": participant_rows})


def parse_match_file(path: Path | str) -> MatchBatch:
    import hashlib

    raw = Path(path).read_bytes()
    if not raw:
        raise BadInputError("empty file")
    try:
        stream = open_json_stream(path)
        text = stream.read()
    except BadInputError:
        raise
    except (OSError, EOFError) as exc:
        raise BadInputError(f"cannot decompress: {exc}") from exc
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BadInputError(f"invalid JSON: {exc}") from exc
    batch = parse_match_document(doc)
    batch.sha256 = hashlib.sha256(raw).hexdigest()
    batch.file_bytes = len(raw)
    batch.rows["matches"] = [row[:-1] + (batch.sha256,) for row in batch.rows["matches"]]
    return batch
