"""The PUBG telemetry format: from parsed events to typed landing rows.

Flattening is mechanical (see ``loader.formats.tables``): no filtering, no meaning. A missing or
null nested object (no attacker for blue-zone damage, no killer for a zone death) becomes
nulls and is counted; a value of the wrong type (a string where a number belongs, a list
where a location object belongs) is bad input and rejects the whole file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loader.errors import BadInputError
from loader.formats import tables as schema
from loader.formats.convert import FieldError, to_bigint, to_bool, to_decimal, to_float, to_int, to_json, to_text, to_timestamp
from loader.formats.reader import COMBAT_EVENT_TYPES, LOADER_EVENT_TYPES, ReadStats, TelemetryEvent, iter_events


def _obj(event: dict, key: str, where: str) -> dict | None:
    value = event.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise FieldError(f"{where}.{key} is {type(value).__name__}, expected an object or null")


def _character(obj: dict | None, where: str) -> tuple:
    if obj is None:
        return (None,) * len(schema.CHARACTER.fields)
    loc = _obj(obj, "location", where)
    if loc is None:
        loc = {}
    return (
        to_text(obj.get("name"), f"{where}.name"),
        to_int(obj.get("teamId"), f"{where}.teamId"),
        to_float(obj.get("health"), f"{where}.health"),
        to_float(loc.get("x"), f"{where}.location.x"),
        to_float(loc.get("y"), f"{where}.location.y"),
        to_float(loc.get("z"), f"{where}.location.z"),
        to_int(obj.get("ranking"), f"{where}.ranking"),
        to_text(obj.get("accountId"), f"{where}.accountId"),
        to_bool(obj.get("isInBlueZone"), f"{where}.isInBlueZone"),
        to_bool(obj.get("isInRedZone"), f"{where}.isInRedZone"),
        to_bool(obj.get("isInVehicle"), f"{where}.isInVehicle"),
    )


def _damage_info(obj: dict | None, where: str) -> tuple:
    if obj is None:
        return (None,) * len(schema.DAMAGE_INFO.fields)
    return (
        to_text(obj.get("damageReason"), f"{where}.damageReason"),
        to_text(obj.get("damageTypeCategory"), f"{where}.damageTypeCategory"),
        to_text(obj.get("damageCauserName"), f"{where}.damageCauserName"),
        to_decimal(obj.get("distance"), f"{where}.distance"),
        to_bool(obj.get("isThroughPenetrableWall"), f"{where}.isThroughPenetrableWall"),
    )


def _head(match_id: str, ev: TelemetryEvent, where: str) -> tuple:
    common = _obj(ev.data, "common", where) or {}
    d = ev.data.get("_D")
    if d is None:
        raise FieldError(f"{where} has no _D timestamp")
    return (
        match_id,
        ev.index,
        to_timestamp(d, f"{where}._D"),
        to_float(common.get("isGame"), f"{where}.common.isGame"),
    )


def match_id_from_definition(value: Any) -> str:
    """``match.bro.official....<uuid>`` -> ``<uuid>`` (the PUBG API match id)."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("LogMatchDefinition.MatchId is missing or not a string")
    return value.strip().rsplit(".", 1)[-1]


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
        match_id = self.match_id_override or match_id_from_definition(
            self.definition.get("MatchId") if self.definition else None
        )
        rows: dict[str, list[tuple]] = {t.name: [] for t in schema.TELEMETRY_TABLES}
        missing: Counter = Counter()
        combat: list[dict] = []
        first_d: str | None = None
        last_d: str | None = None
        take, groggy, kill = rows["log_player_take_damage"], rows["log_player_make_groggy"], rows["log_player_kill_v2"]
        for ev in self.events:
            data = ev.data
            where = f"event {ev.index} ({ev.type})"
            head = _head(match_id, ev, where)
            ts = head[2]
            if first_d is None or ts < first_d:
                first_d = ts
            if last_d is None or ts > last_d:
                last_d = ts
            if ev.type == "LogPlayerTakeDamage":
                attacker = _obj(data, "attacker", where)
                victim = _obj(data, "victim", where)
                if attacker is None:
                    missing["log_player_take_damage.attacker"] += 1
                if victim is None:
                    missing["log_player_take_damage.victim"] += 1
                take.append(
                    head
                    + (to_bigint(data.get("attackId"), f"{where}.attackId"),)
                    + _character(attacker, f"{where}.attacker")
                    + _character(victim, f"{where}.victim")
                    + (
                        to_text(data.get("damageTypeCategory"), f"{where}.damageTypeCategory"),
                        to_text(data.get("damageReason"), f"{where}.damageReason"),
                        to_decimal(data.get("damage"), f"{where}.damage"),
                        to_text(data.get("damageCauserName"), f"{where}.damageCauserName"),
                        to_bool(data.get("isThroughPenetrableWall"), f"{where}.isThroughPenetrableWall"),
                    )
                )
            elif ev.type == "LogPlayerMakeGroggy":
                attacker = _obj(data, "attacker", where)
                victim = _obj(data, "victim", where)
                if attacker is None:
                    missing["log_player_make_groggy.attacker"] += 1
                if victim is None:
                    missing["log_player_make_groggy.victim"] += 1
                groggy.append(
                    head
                    + (to_bigint(data.get("attackId"), f"{where}.attackId"),)
                    + _character(attacker, f"{where}.attacker")
                    + _character(victim, f"{where}.victim")
                    + (
                        to_text(data.get("damageReason"), f"{where}.damageReason"),
                        to_text(data.get("damageTypeCategory"), f"{where}.damageTypeCategory"),
                        to_text(data.get("damageCauserName"), f"{where}.damageCauserName"),
                        to_decimal(data.get("distance"), f"{where}.distance"),
                        to_bool(data.get("isAttackerInVehicle"), f"{where}.isAttackerInVehicle"),
                        to_bigint(data.get("dBNOId"), f"{where}.dBNOId"),
                    )
                )
            elif ev.type == "LogPlayerKillV2":
                parts = {}
                for key in ("victim", "dBNOMaker", "finisher", "killer"):
                    parts[key] = _obj(data, key, where)
                    if parts[key] is None:
                        missing[f"log_player_kill_v2.{key}"] += 1
                result = _obj(data, "victimGameResult", where) or {}
                result_stats = _obj(result, "stats", f"{where}.victimGameResult") or {}
                kill.append(
                    head
                    + (
                        to_bigint(data.get("attackId"), f"{where}.attackId"),
                        to_bigint(data.get("dBNOId"), f"{where}.dBNOId"),
                    )
                    + _character(parts["victim"], f"{where}.victim")
                    + _character(parts["dBNOMaker"], f"{where}.dBNOMaker")
                    + _damage_info(_obj(data, "dBNODamageInfo", where), f"{where}.dBNODamageInfo")
                    + _character(parts["finisher"], f"{where}.finisher")
                    + _damage_info(_obj(data, "finishDamageInfo", where), f"{where}.finishDamageInfo")
                    + _character(parts["killer"], f"{where}.killer")
                    + _damage_info(_obj(data, "killerDamageInfo", where), f"{where}.killerDamageInfo")
                    + (
                        to_json(data.get("assists_AccountId"), f"{where}.assists_AccountId"),
                        to_json(data.get("teamKillers_AccountId"), f"{where}.teamKillers_AccountId"),
                        to_bool(data.get("isSuicide"), f"{where}.isSuicide"),
                        to_int(result.get("rank"), f"{where}.victimGameResult.rank"),
                        to_int(result_stats.get("killCount"), f"{where}.victimGameResult.stats.killCount"),
                    )
                )
            else:  # pragma: no cover - the reader only yields what we asked for
                continue
            if self.keep_combat:
                combat.append(data)

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
                (
                    match_id,
                    i,
                    to_text(ch.get("name"), f"{where}.characters[{i}].name"),
                    to_int(ch.get("teamId"), f"{where}.characters[{i}].teamId"),
                    to_text(ch.get("accountId"), f"{where}.characters[{i}].accountId"),
                    to_text(ch.get("type"), f"{where}.characters[{i}].type"),
                )
            )
        definition = self.definition or {}
        rows["telemetry_matches"].append(
            (
                match_id,
                to_text(definition.get("MatchId"), "LogMatchDefinition.MatchId"),
                to_text(definition.get("SeasonState"), "LogMatchDefinition.SeasonState"),
                to_timestamp(definition.get("_D"), "LogMatchDefinition._D"),
                to_timestamp(start.get("_D"), "LogMatchStart._D"),
                to_text(start.get("mapName"), "LogMatchStart.mapName"),
                to_int(start.get("teamSize"), "LogMatchStart.teamSize"),
                to_bool(start.get("isCustomGame"), "LogMatchStart.isCustomGame"),
                to_bool(start.get("isEventMode"), "LogMatchStart.isEventMode"),
                to_text(start.get("cameraViewBehaviour"), "LogMatchStart.cameraViewBehaviour"),
                to_text(start.get("weatherId"), "LogMatchStart.weatherId"),
                first_d,
                last_d,
                stats.total_events,
                stats.sha256,
            )
        )
        return TelemetryBatch(match_id, rows, missing, combat, stats)


def parse_telemetry(
    path: Path | str,
    match_id: str | None = None,
    keep_combat_events: bool = False,
) -> TelemetryBatch:
    """Read one telemetry file and flatten the events the pipeline lands.

    Raises BadInputError with a one-line reason for anything that cannot be loaded.
    """
    stats = ReadStats()
    flattener = _Flattener(match_id, keep_combat_events)
    try:
        for ev in iter_events(path, LOADER_EVENT_TYPES, stats):
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
    "to_timestamp",
]
