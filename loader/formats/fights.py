"""Fight-detection output (newline-delimited JSON, one fight per line, participants embedded).

``FightRows`` is the one place that turns a fight into landing rows and computes its
deterministic ``fight_id``, so the fight, its teams and its participants carry the same key.
A fight file's lines are checked first (``check_fight``: they come from any detector); the
fights of our own detector have that shape by construction and are added directly.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from loader.errors import BadInputError
from loader.formats import tables
from loader.formats.convert import FieldError, to_account_id, to_int, to_match_id, to_text, to_timestamp
from loader.formats.jsonstream import Source, as_source, read_json_bytes
from loader.formats.rows import BUILDERS

_BUILD_DETECTION = BUILDERS[tables.FIGHT_DETECTIONS.name]
_BUILD_FIGHT = BUILDERS[tables.FIGHTS.name]
_BUILD_TEAM = BUILDERS[tables.FIGHT_TEAMS.name]
_BUILD_PARTICIPANT = BUILDERS[tables.FIGHT_PARTICIPANTS.name]


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

    matches: dict[str, str | None]  # match_id -> detector_version (None: no fight found)
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


OUTCOMES = ("DECISIVE_WIN", "MARGINAL_WIN", "THIRD_PARTY", "DRAW")
TEAM_OUTCOMES = ("WON", "LOST", "DRAW")


def _check_integrity(fight: dict, team_ids: list[int], third: list[int] | None, outcomes: dict | None) -> None:
    """The rules the fight marts' data tests hold every fight to, checked before the file lands
    (a fight file breaking them would fail every later ``dbt build``): the teams named anywhere
    in the fight are among its ``team_ids``, its participants come from at least two of them,
    and outcomes take their documented values."""
    teams = set(team_ids)
    for key in ("primary_team_1", "primary_team_2", "winning_team_id", "loser_team_id"):
        team = to_int(fight.get(key), key)
        if team is not None and team not in teams:
            raise FieldError(f"{key} {team} is not one of the fight's team_ids {sorted(teams)}")
    winner, loser = fight.get("winning_team_id"), fight.get("loser_team_id")
    if winner is not None and winner == loser:
        raise FieldError(f"loser_team_id {loser} is also the winning team")
    if third is not None and not set(third) <= teams:
        raise FieldError(f"third_party_teams {sorted(set(third) - teams)} are not among the fight's team_ids")
    outcome = fight.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise FieldError(f"outcome is {str(outcome)[:40]!r}, expected one of {', '.join(OUTCOMES)}")
    for key, value in (outcomes or {}).items():
        if key not in {str(t) for t in teams}:
            raise FieldError(f"team_outcomes names team {key[:20]!r}, not one of the fight's team_ids")
        if value is not None and value not in TEAM_OUTCOMES:
            raise FieldError(f"team_outcomes.{key} is {str(value)[:40]!r}, expected WON, LOST or DRAW")
    participants = fight.get("participants")
    if not isinstance(participants, list):
        raise FieldError("participants is missing or not a list")
    seen: set[int] = set()
    for j, p in enumerate(participants):
        if not isinstance(p, dict):
            raise FieldError(f"participants[{j}] is not an object")
        team = to_int(p.get("team_id"), f"participants[{j}].team_id")
        if team is None:
            raise FieldError(f"participants[{j}].team_id is missing")
        if team not in teams:
            raise FieldError(f"participants[{j}].team_id {team} is not one of the fight's team_ids {sorted(teams)}")
        seen.add(team)
    if len(seen) < 2:
        raise FieldError(f"the participants come from {len(seen)} team(s): a fight has players of at least two")


def check_fight(fight: Any) -> dict:
    """A fight object from a fight file with the keys its fight_id is made of checked and
    normalised, in the shape the detector writes: what ``FightRows.add`` takes. Raises
    FieldError naming the field (``add`` checks the rest as it converts it), also for a fight
    that breaks the integrity rules of the marts (``_check_integrity``)."""
    if not isinstance(fight, dict):
        raise FieldError(f"is {type(fight).__name__}, expected a JSON object")
    match_id = to_match_id(fight.get("match_id"), "match_id")
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
    version = to_text(fight.get("detector_version"), "detector_version")
    _check_integrity(fight, team_ids, third_list, outcomes)
    return {
        **fight,
        "match_id": match_id,
        "fight_start_time": start,
        "team_ids": team_ids,
        "third_party_teams": third_list,
        "detector_version": version,
    }


class FightRows:
    """The rows of a set of fights: of ``fight_detections`` (one per match covered, with or
    without fights), ``fights``, ``fight_teams`` and ``fight_participants``."""

    def __init__(self, match_ids: Iterable[str] = ()) -> None:
        self.versions: dict[str, str | None] = {m: None for m in match_ids}
        self.counts: dict[str, int] = defaultdict(int)
        self.fights: list[tuple] = []
        self.teams: list[tuple] = []
        self.participants: list[tuple] = []
        self._lines: dict[str, int] = {}  # fight_id -> line it came from

    def add(self, fight: Mapping[str, Any], line_number: int) -> str:
        """Add one fight (shaped as the detector writes it); returns its fight_id. Refuses what
        would break the keys: the same fight twice, a participant without an account or twice."""
        match_id = fight["match_id"]
        start = to_timestamp(fight["fight_start_time"], "fight_start_time")
        team_ids = fight["team_ids"]
        fight_id = fight_id_for(match_id, start, team_ids)
        if fight_id in self._lines:
            raise FieldError(f"duplicate fight: same match, start time and teams as line {self._lines[fight_id]}")
        self._lines[fight_id] = line_number
        version = fight.get("detector_version") or "unknown"
        outcomes = fight.get("team_outcomes")
        self.fights.append(
            _BUILD_FIGHT(
                fight,
                fight_id=fight_id,
                match_id=match_id,
                fight_start_time=start,
                team_ids=_json_text(sorted(team_ids)),
                third_party_teams=_json_text(fight.get("third_party_teams")),
                team_outcomes=_json_text(outcomes),
                detector_version=version,
                line_number=line_number,
            )
        )
        for team in sorted(set(team_ids)):
            outcome = None if outcomes is None else outcomes.get(str(team))
            self.teams.append(
                _BUILD_TEAM(
                    fight_id=fight_id, match_id=match_id, team_id=team,
                    team_outcome=to_text(outcome, f"team_outcomes.{team}"),
                )
            )
        participants = fight.get("participants")
        if not isinstance(participants, list):
            raise FieldError("participants is missing or not a list")
        accounts: set[str] = set()  # (fight_id, account_id) is the participants' key
        for j, p in enumerate(participants):
            where = f"participants[{j}]"
            if not isinstance(p, dict):
                raise FieldError(f"{where} is not an object")
            account = to_account_id(p.get("account_id"), f"{where}.account_id")
            if not account:
                raise FieldError(f"{where}.account_id is missing")
            if account in accounts:
                raise FieldError(f"{where}: account {account!r} appears twice in the fight")
            accounts.add(account)
            team = to_int(p.get("team_id"), f"{where}.team_id")
            self.participants.append(
                _BUILD_PARTICIPANT(p, where, fight_id=fight_id, match_id=match_id, account_id=account, team_id=team)
            )
        self.versions[match_id] = version
        self.counts[match_id] += 1
        return fight_id

    def batch(self, file_sha256: str, file_bytes: int) -> FightBatch:
        detections = [
            _BUILD_DETECTION(
                match_id=m, detector_version=self.versions[m], fight_count=self.counts.get(m, 0), file_sha256=file_sha256
            )
            for m in sorted(self.versions)
        ]
        rows = {
            "fight_detections": detections,
            "fights": self.fights,
            "fight_teams": self.teams,
            "fight_participants": self.participants,
        }
        return FightBatch(dict(self.versions), rows, file_sha256, file_bytes)


def parse_fight_file(path: Source) -> FightBatch:
    """Read an NDJSON fight file (plain or gzip), once. Blank lines are ignored; an error names
    its line."""
    source = as_source(path)
    text = read_json_bytes(source)
    fights = FightRows()
    for line_no, line in enumerate(text.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            fight = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise BadInputError(f"line {line_no}: invalid JSON: {exc}") from exc
        try:
            fights.add(check_fight(fight), line_no)
        except BadInputError as exc:
            raise BadInputError(f"line {line_no}: {exc}") from exc
    if not fights.versions:
        raise BadInputError("no fights in the file: nothing says which match it is about")
    return fights.batch(*source.finish())
