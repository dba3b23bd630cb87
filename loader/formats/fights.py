"""Fight-detection output (newline-delimited JSON, one fight per line, participants embedded).

This module turns that output into landing rows and computes the deterministic ``fight_id``
once, here, so that the fight and each of its participants carry the same key.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import orjson

from loader.errors import BadInputError
from loader.formats.convert import FieldError, to_bool, to_decimal, to_int, to_text, to_timestamp
from loader.formats.reader import open_json_stream


def fight_id_for(match_id: str, start_time: str, team_ids: Iterable[int]) -> str:
    """The fight key: a hash of the match, the normalised start time and the sorted team ids.

    ``start_time`` is normalised first (``to_timestamp``), so ``...02.807Z`` and
    ``...02.807000+00:00`` give the same id.
    """
    normalised = to_timestamp(start_time, "fight_start_time")
    teams = ",".join(str(t) for t in sorted(set(team_ids)))
    digest = hashlib.sha256(f"{match_id}|{normalised}|{teams}".encode()).hexdigest()
    return digest[:32]


@dataclass
class FightBatch:
    """All fights of the matches named in one fight file (or one detection run)."""

    matches: dict[str, str]  # match_id -> detector_version
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    sha256: str = ""
    file_bytes: int = 0

    @property
    def match_ids(self) -> list[str]:
        return sorted(self.matches)

    def row_counts(self) -> dict[str, Any]:
        return {name: len(rows) for name, rows in self.rows.items()}


def _int_list(value: Any, name: str) -> list[int]:
    if not isinstance(value, list):
        raise FieldError(f"{name} is {type(value).__name__}, expected a list of team ids")
    out = []
    for v in value:
        iv = to_int(v, name)
        if iv is None:
            raise FieldError(f"{name} holds a null team id")
        out.append(iv)
    return out


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def fights_to_rows(fights: Iterable[tuple[int, Any]], expected_matches: Iterable[str] = ()) -> FightBatch:
    """``(line_number, fight_dict)`` pairs -> landing rows. Raises BadInputError naming the line."""
    batch = FightBatch(matches={m: "" for m in expected_matches})
    detection_counts: dict[str, int] = defaultdict(int)
    fight_rows: list[tuple] = []
    participant_rows: list[tuple] = []
    team_rows: list[tuple] = []
    seen: dict[str, int] = {}
    for line_no, fight in fights:
        try:
            if not isinstance(fight, dict):
                raise FieldError(f"is {type(fight).__name__}, expected a JSON object")
            match_id = to_text(fight.get("match_id"), "match_id")
            if not match_id:
                raise FieldError("match_id is missing")
            start = to_timestamp(fight.get("fight_start_time"), "fight_start_time")
            if start is None:
                raise FieldError("fight_start_time is missing")
            team_ids = _int_list(fight.get("team_ids"), "team_ids")
            if not team_ids:
                raise FieldError("team_ids is empty")
            third = fight.get("third_party_teams")
            third_list = None if third is None else _int_list(third, "third_party_teams")
            outcomes = fight.get("team_outcomes")
            if outcomes is not None and not isinstance(outcomes, dict):
                raise FieldError("team_outcomes is not an object")
            version = to_text(fight.get("detector_version"), "detector_version") or "unknown"
            fight_id = fight_id_for(match_id, start, team_ids)
            if fight_id in seen:
                raise FieldError(
                    f"duplicate fight: same match, start time and teams as line {seen[fight_id]}"
                )
            seen[fight_id] = line_no
            batch.matches[match_id] = version
            detection_counts[match_id] += 1
            fight_rows.append(
                (
                    fight_id,
                    match_id,
                    start,
                    to_timestamp(fight.get("fight_end_time"), "fight_end_time"),
                    to_decimal(fight.get("duration_seconds"), "duration_seconds"),
                    _json_text(sorted(team_ids)),
                    to_int(fight.get("primary_team_1"), "primary_team_1"),
                    to_int(fight.get("primary_team_2"), "primary_team_2"),
                    _json_text(third_list),
                    to_int(fight.get("total_knocks"), "total_knocks"),
                    to_int(fight.get("total_kills"), "total_kills"),
                    to_decimal(fight.get("total_damage"), "total_damage"),
                    to_int(fight.get("total_damage_events"), "total_damage_events"),
                    to_text(fight.get("outcome"), "outcome"),
                    to_int(fight.get("winning_team_id"), "winning_team_id"),
                    to_int(fight.get("loser_team_id"), "loser_team_id"),
                    _json_text(outcomes),
                    to_text(fight.get("fight_reason"), "fight_reason"),
                    to_decimal(fight.get("fight_center_x"), "fight_center_x"),
                    to_decimal(fight.get("fight_center_y"), "fight_center_y"),
                    to_decimal(fight.get("fight_spread_radius"), "fight_spread_radius"),
                    version,
                    line_no,
                )
            )
            for team in sorted(set(team_ids)):
                outcome = None if outcomes is None else outcomes.get(str(team))
                team_rows.append((fight_id, match_id, team, to_text(outcome, f"team_outcomes.{team}")))
            participants = fight.get("participants")
            if not isinstance(participants, list):
                raise FieldError("participants is missing or not a list")
            accounts: set[str] = set()
            for j, p in enumerate(participants):
                where = f"participants[{j}]"
                if not isinstance(p, dict):
                    raise FieldError(f"{where} is not an object")
                account = to_text(p.get("account_id"), f"{where}.account_id")
                if not account:
                    raise FieldError(f"{where}.account_id is missing")
                if account in accounts:
                    raise FieldError(f"{where}: account {account!r} appears twice in the fight")
                accounts.add(account)
                team = to_int(p.get("team_id"), f"{where}.team_id")
                participant_rows.append(
                    (
                        fight_id,
                        match_id,
                        to_text(p.get("player_name"), f"{where}.player_name"),
                        account,
                        team,
                        to_int(p.get("knocks_dealt"), f"{where}.knocks_dealt"),
                        to_int(p.get("kills_dealt"), f"{where}.kills_dealt"),
                        to_decimal(p.get("damage_dealt"), f"{where}.damage_dealt"),
                        to_decimal(p.get("damage_taken"), f"{where}.damage_taken"),
                        to_decimal(p.get("position_center_x"), f"{where}.position_center_x"),
                        to_decimal(p.get("position_center_y"), f"{where}.position_center_y"),
                        to_bool(p.get("was_knocked"), f"{where}.was_knocked"),
                        to_bool(p.get("was_killed"), f"{where}.was_killed"),
                        to_bool(p.get("survived"), f"{where}.survived"),
                        to_timestamp(p.get("knocked_at"), f"{where}.knocked_at"),
                        to_timestamp(p.get("killed_at"), f"{where}.killed_at"),
                    )
                )
        except BadInputError as exc:
            raise BadInputError(f"line {line_no}: {exc}") from exc

    batch.rows = {
        "fight_detections": [
            (m, batch.matches[m] or None, detection_counts.get(m, 0), None) for m in batch.match_ids
        ],
        "fights": fight_rows,
        "fight_teams": team_rows,
        "fight_participants": participant_rows,
    }
    return batch


def parse_fight_file(path: Path | str) -> FightBatch:
    """Read an NDJSON fight file (plain or gzip). Blank lines are ignored."""
    raw = Path(path).read_bytes()
    if not raw:
        raise BadInputError("empty file")
    try:
        text = open_json_stream(path).read()
    except BadInputError:
        raise
    except (OSError, EOFError) as exc:
        raise BadInputError(f"cannot decompress: {exc}") from exc

    def lines() -> Iterable[tuple[int, Any]]:
        for line_no, line in enumerate(text.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                yield line_no, orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise BadInputError(f"line {line_no}: invalid JSON: {exc}") from exc

    batch = fights_to_rows(lines())
    if not batch.matches:
        raise BadInputError("no fights in the file: nothing says which match it is about")
    digest = hashlib.sha256(raw).hexdigest()
    batch.sha256 = digest
    batch.file_bytes = len(raw)
    batch.rows["fight_detections"] = [r[:3] + (digest,) for r in batch.rows["fight_detections"]]
    return batch
