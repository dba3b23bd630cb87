"""The PUBG API match object (``data`` + ``included``): one match row and its participants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from loader.errors import BadInputError
from loader.formats import tables
from loader.formats.columns import MAX_MATCH_ID_LENGTH
from loader.formats.convert import to_match_id, to_text
from loader.formats.jsonstream import Source, as_source, read_json_bytes
from loader.formats.rows import BUILDERS, build_roster

_BUILD_MATCH = BUILDERS[tables.MATCHES.name]
_BUILD_PARTICIPANT = BUILDERS[tables.MATCH_PARTICIPANTS.name]
_NO_ROSTER = (None,) * len(tables.ROSTER_OF_PARTICIPANT.columns)


@dataclass
class MatchBatch:
    match_id: str
    rows: dict[str, list[tuple]]
    sha256: str = ""
    file_bytes: int = 0

    def row_counts(self) -> dict[str, Any]:
        return {name: len(rows) for name, rows in self.rows.items()}


def _member_ids(item: dict, i: int) -> list[str]:
    """The participant ids of roster ``included[i]`` (``relationships.participants.data``)."""
    where = f"included[{i}].relationships"
    node: Any = item.get("relationships")
    for key in ("participants", "data"):
        if node is None:
            return []
        if not isinstance(node, dict):
            raise BadInputError(f"{where} is {type(node).__name__}, expected an object")
        node = node.get(key)
        where += f".{key}"
    if node is None:
        return []
    if not isinstance(node, list):
        raise BadInputError(f"{where} is {type(node).__name__}, expected a list")
    return [m["id"] for m in node if isinstance(m, dict) and isinstance(m.get("id"), str)]


def parse_match_document(doc: Any, file_sha256: str | None = None) -> MatchBatch:
    """The rows of a parsed match object. Raises BadInputError naming what is wrong.

    A document is refused unless it is whole: it replaces every row of its match, so one
    without ``included``, without rosters or participants, or whose rosters name
    participants it does not hold (a truncated or partial copy) would lose data."""
    if not isinstance(doc, dict):
        raise BadInputError(f"top-level JSON value is {type(doc).__name__}, expected a PUBG match object")
    data = doc.get("data")
    if not isinstance(data, dict) or data.get("type") != "match":
        raise BadInputError("no data object of type 'match': not a PUBG API match document")
    match_id = to_match_id(data.get("id"), "data.id")
    attrs = data.get("attributes")
    if not isinstance(attrs, dict):
        raise BadInputError("data.attributes is missing or not an object")
    included = doc.get("included")
    if included is None:
        raise BadInputError("no included list (rosters and participants): not a whole match object")
    if not isinstance(included, list):
        raise BadInputError("included is not a list")

    rosters: dict[str, tuple] = {}  # participant id -> its roster's columns
    participants: dict[str, dict] = {}
    telemetry_url = None
    roster_count = 0
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
            # the roster as its columns read it: the stats checked above (PUBG may leave them out)
            roster_tuple = build_roster(
                {"stats": stats, "won": item_attrs.get("won")}, f"included[{i}]", roster_id=roster_id
            )
            for member in _member_ids(item, i):
                rosters[member] = roster_tuple
            roster_count += 1
        elif kind == "participant":
            pid = to_text(item.get("id"), f"included[{i}].id")
            if pid is not None and len(pid) > MAX_MATCH_ID_LENGTH:  # a key, as the match id (a uuid)
                raise BadInputError(f"included[{i}].id is {len(pid)} characters long, more than {MAX_MATCH_ID_LENGTH}")
            stats = item_attrs.get("stats")
            if not isinstance(stats, dict):
                raise BadInputError(f"included[{i}] participant has no stats object")
            participants[pid or f"#{i}"] = stats
        elif kind == "asset" and item_attrs.get("name") == "telemetry":
            telemetry_url = to_text(item_attrs.get("URL"), f"included[{i}].URL")

    if not participants or not roster_count:
        raise BadInputError(
            f"included holds {roster_count} rosters and {len(participants)} participants:"
            " not a whole match object (it would replace the match's participants)"
        )
    absent = sorted(set(rosters) - set(participants))
    if absent:
        raise BadInputError(
            f"rosters name {len(absent)} participants that included does not hold"
            f" (first {absent[0][:40]!r}): an incomplete match object"
        )
    match_row = _BUILD_MATCH(attrs, match_id=match_id, telemetry_url=telemetry_url, file_sha256=file_sha256)
    participant_rows = [
        _BUILD_PARTICIPANT(
            participants[pid], f"participant {pid}", match_id=match_id, participant_id=pid,
            roster=rosters.get(pid, _NO_ROSTER),
        )
        for pid in sorted(participants)
    ]
    return MatchBatch(match_id, {"matches": [match_row], "match_participants": participant_rows}, file_sha256 or "")


def parse_match_file(path: Source) -> MatchBatch:
    """Read a match object file (plain or gzip), once: its rows carry the file's sha256."""
    source = as_source(path)
    text = read_json_bytes(source)
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BadInputError(f"invalid JSON: {exc}") from exc
    sha256, size = source.finish()
    batch = parse_match_document(doc, sha256)
    batch.file_bytes = size
    return batch
