"""The PUBG telemetry format: from parsed events to typed landing rows.

Flattening is mechanical: each event becomes one row of its table, built from the table's
definition (``loader.formats.tables``, compiled by ``loader.formats.rows``); no filtering,
no meaning. A missing or null nested object (no attacker for blue-zone damage, no killer for
a zone death) becomes nulls and is counted; a value of the wrong type (a string where a
number belongs, a list where a location object belongs) is bad input and rejects the whole
file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loader.config import ReadLimits
from loader.errors import BadInputError
from loader.formats import tables as schema
from loader.formats.convert import FieldError, shown, to_match_id
from loader.formats.rows import BUILDERS
from loader.formats.reader import COMBAT_EVENT_TYPES, LOADER_EVENT_TYPES, ReadStats, TelemetryEvent, iter_events


# event type -> (table, its row builder, position of the event time in its rows)
_EVENT_ROWS = {t.event_type: (t.name, BUILDERS[t.name], t.position("_d")) for t in schema.EVENT_TABLES}
_BUILD_CHARACTER = BUILDERS[schema.MATCH_START_CHARACTERS.name]
_BUILD_MATCH = BUILDERS[schema.TELEMETRY_MATCHES.name]


def match_id_from_definition(value: Any) -> str:
    """``match.bro.official....<uuid>`` -> ``<uuid>`` (the PUBG API match id)."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("LogMatchDefinition.MatchId is missing or not a string")
    last = value.strip().rsplit(".", 1)[-1]
    if not last:
        raise FieldError(f"LogMatchDefinition.MatchId {shown(value)} ends in a dot: its match id is empty")
    return to_match_id(last, "LogMatchDefinition.MatchId")


@dataclass
class TelemetryBatch:
    """Everything one telemetry file lands, ready for a sink."""

    match_id: str
    rows: dict[str, list[tuple]]
    missing: Counter = field(default_factory=Counter)
    combat_events: list[dict] = field(default_factory=list)
    stats: ReadStats | None = None

    def row_counts(self) -> dict[str, Any]:
        counts: dict[str, Any] = {name: len(rows) for name, rows in self.rows.items()}
        if self.missing:
            counts["missing"] = dict(sorted(self.missing.items()))
        return counts


class _Flattener:
    def __init__(self, match_id_override: str | None, keep_combat: bool) -> None:
        self.match_id_override = match_id_override
        self.keep_combat = keep_combat
        self.definition: dict | None = None
        self.start: dict | None = None
        self.events: list[TelemetryEvent] = []

    def add(self, ev: TelemetryEvent) -> None:
        t = ev.type
        if t == "LogPlayerKill":
            raise BadInputError(
                "pre-2021 telemetry (LogPlayerKill, no LogPlayerKillV2) is not supported: "
                "only matches played after PUBG v21.0 (June 2021) can be loaded"
            )
        if t == "LogMatchDefinition":
            if self.definition is None:
                self.definition = ev.data
            elif ev.data.get("MatchId") != self.definition.get("MatchId"):
                first, other = (str(d.get("MatchId")) for d in (self.definition, ev.data))
                raise BadInputError(
                    f"two LogMatchDefinition events name different matches ({shown(first)} and {shown(other)}):"
                    " which match the file is about is unknown"
                )
            return
        if t == "LogMatchStart":
            if self.start is None:
                self.start = ev.data
            return
        self.events.append(ev)

    def finish(self, stats: ReadStats) -> TelemetryBatch:
        if self.definition is None and self.match_id_override is None:
            raise BadInputError(
                "no LogMatchDefinition event, so the match id is unknown "
                "(pass --match-id if you know which match this is)"
            )
        if self.match_id_override is not None:
            match_id = to_match_id(self.match_id_override, "--match-id")
        else:
            match_id = match_id_from_definition(self.definition.get("MatchId") if self.definition else None)
        rows: dict[str, list[tuple]] = {t.name: [] for t in schema.TELEMETRY_TABLES}
        missing: Counter = Counter()
        combat: list[dict] = []
        first_d: str | None = None
        last_d: str | None = None
        for ev in self.events:
            table = _EVENT_ROWS.get(ev.type)
            if table is None:  # pragma: no cover - the reader only yields what we asked for
                continue
            name, build, ts_at = table
            row = build(ev.data, f"event {ev.index} ({ev.type})", missing, match_id=match_id, event_index=ev.index)
            ts = row[ts_at]
            if first_d is None or ts < first_d:
                first_d = ts
            if last_d is None or ts > last_d:
                last_d = ts
            rows[name].append(row)
            if self.keep_combat:
                combat.append(ev.data)

        start = self.start or {}
        where = "LogMatchStart"
        characters = start.get("characters") or []
        if not isinstance(characters, list):
            raise FieldError("LogMatchStart.characters is not a list")
        for i, wrapper in enumerate(characters):
            if not isinstance(wrapper, dict):
                raise FieldError(f"LogMatchStart.characters[{i}] is not an object")
            ch = wrapper.get("character", wrapper) if "character" in wrapper else wrapper
            if not isinstance(ch, dict):
                raise FieldError(f"LogMatchStart.characters[{i}].character is not an object")
            rows["log_match_start_characters"].append(
                _BUILD_CHARACTER(ch, f"{where}.characters[{i}]", match_id=match_id, character_index=i)
            )
        definition = self.definition or {}
        rows["telemetry_matches"].append(
            _BUILD_MATCH(
                {"LogMatchDefinition": definition, "LogMatchStart": start},
                match_id=match_id,
                first_combat_d=first_d,
                last_combat_d=last_d,
                event_count=stats.total_events,
                file_sha256=stats.sha256,
            )
        )
        return TelemetryBatch(match_id, rows, missing, combat, stats)


def parse_telemetry(
    path: Path | str,
    match_id: str | None = None,
    keep_combat_events: bool = False,
    limits: ReadLimits | None = None,
) -> TelemetryBatch:
    """Read one telemetry file and flatten the events the pipeline lands.

    Raises BadInputError with a one-line reason for anything that cannot be loaded
    (a file or an event larger than ``limits`` allow included).
    """
    stats = ReadStats()
    flattener = _Flattener(match_id, keep_combat_events)
    try:
        for ev in iter_events(path, LOADER_EVENT_TYPES, stats, limits):
            flattener.add(ev)
        if stats.total_events == 0:
            raise BadInputError("the file holds an empty array: no events")
        return flattener.finish(stats)
    except FieldError:
        raise
    except BadInputError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:  # defensive: never a traceback
        raise BadInputError(f"unexpected event shape: {exc}") from exc


__all__ = [
    "COMBAT_EVENT_TYPES",
    "TelemetryBatch",
    "parse_telemetry",
    "match_id_from_definition",
]
