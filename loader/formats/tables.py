"""The raw landing tables: one definition shared by every sink.

Column names are the JSON path of the field, lower-cased, with ``__`` between levels
(``attacker.location.x`` -> ``attacker__location__x``); ``_D`` becomes ``_d``. Staging
models in dbt give them their real names and units. Loader bookkeeping columns are
``match_id``, ``event_index``, ``load_id`` and ``loaded_at``.

Types are logical; each sink maps them to its own SQL types.
"""

from __future__ import annotations

from dataclasses import dataclass

# logical types
TEXT = "text"
INT = "int"
BIGINT = "bigint"
FLOAT = "float"
DECIMAL = "decimal"  # exact decimal(18, 6): summed measures (damage, distances)
BOOL = "bool"
TS = "timestamptz"
JSON = "json"  # JSON document kept as text

CHARACTER_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", TEXT),
    ("teamid", INT),
    ("health", FLOAT),
    ("location__x", FLOAT),
    ("location__y", FLOAT),
    ("location__z", FLOAT),
    ("ranking", INT),
    ("accountid", TEXT),
    ("isinbluezone", BOOL),
    ("isinredzone", BOOL),
    ("isinvehicle", BOOL),
)

DAMAGE_INFO_FIELDS: tuple[tuple[str, str], ...] = (
    ("damagereason", TEXT),
    ("damagetypecategory", TEXT),
    ("damagecausername", TEXT),
    ("distance", DECIMAL),
    ("isthroughpenetrablewall", BOOL),
)


def character(prefix: str) -> list[tuple[str, str]]:
    return [(f"{prefix}__{name}", typ) for name, typ in CHARACTER_FIELDS]


def damage_info(prefix: str) -> list[tuple[str, str]]:
    return [(f"{prefix}__{name}", typ) for name, typ in DAMAGE_INFO_FIELDS]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    # () for the three combat event tables: (match_id, event_index) is unique by construction
    # (a match is only ever written whole, delete + COPY in one transaction under the write
    # lock), and a unique index on it would cost about 69 bytes per damage event, 15% of the
    # table; the deduplicated b-tree on match_id serves deletes and dbt's reads for ~9 bytes
    primary_key: tuple[str, ...]
    # columns indexed for the replace-by-match delete and dbt's per-match reads
    indexes: tuple[tuple[str, ...], ...] = (("match_id",),)

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]


EVENT_HEAD = [("match_id", TEXT), ("event_index", INT), ("_d", TS), ("common__isgame", FLOAT)]
LOAD_TAIL = [("load_id", TEXT), ("loaded_at", TS)]

TAKE_DAMAGE = Table(
    "log_player_take_damage",
    tuple(
        EVENT_HEAD
        + [("attackid", BIGINT)]
        + character("attacker")
        + character("victim")
        + [
            ("damagetypecategory", TEXT),
            ("damagereason", TEXT),
            ("damage", DECIMAL),
            ("damagecausername", TEXT),
            ("isthroughpenetrablewall", BOOL),
        ]
        + LOAD_TAIL
    ),
    (),
)

MAKE_GROGGY = Table(
    "log_player_make_groggy",
    tuple(
        EVENT_HEAD
        + [("attackid", BIGINT)]
        + character("attacker")
        + character("victim")
        + [
            ("damagereason", TEXT),
            ("damagetypecategory", TEXT),
            ("damagecausername", TEXT),
            ("distance", DECIMAL),
            ("isattackerinvehicle", BOOL),
            ("dbnoid", BIGINT),
        ]
        + LOAD_TAIL
    ),
    (),
)

KILL_V2 = Table(
    "log_player_kill_v2",
    tuple(
        EVENT_HEAD
        + [("attackid", BIGINT), ("dbnoid", BIGINT)]
        + character("victim")
        + character("dbnomaker")
        + damage_info("dbnodamageinfo")
        + character("finisher")
        + damage_info("finishdamageinfo")
        + character("killer")
        + damage_info("killerdamageinfo")
        + [
            ("assists_accountid", JSON),
            ("teamkillers_accountid", JSON),
            ("issuicide", BOOL),
            ("victimgameresult__rank", INT),
            ("victimgameresult__stats__killcount", INT),
        ]
        + LOAD_TAIL
    ),
    (),
)

# One row per match: LogMatchDefinition + LogMatchStart + what the loader saw in the file.
TELEMETRY_MATCHES = Table(
    "telemetry_matches",
    (
        ("match_id", TEXT),
        ("matchid", TEXT),
        ("seasonstate", TEXT),
        ("match_definition_d", TS),
        ("match_start_d", TS),
        ("mapname", TEXT),
        ("teamsize", INT),
        ("iscustomgame", BOOL),
        ("iseventmode", BOOL),
        ("cameraviewbehaviour", TEXT),
        ("weatherid", TEXT),
        ("first_combat_d", TS),
        ("last_combat_d", TS),
        ("event_count", INT),
        ("file_sha256", TEXT),
        *LOAD_TAIL,
    ),
    ("match_id",),
    (),
)

# LogMatchStart.characters: who played, in which team.
MATCH_START_CHARACTERS = Table(
    "log_match_start_characters",
    (
        ("match_id", TEXT),
        ("character_index", INT),
        ("character__name", TEXT),
        ("character__teamid", INT),
        ("character__accountid", TEXT),
        ("character__type", TEXT),
        *LOAD_TAIL,
    ),
    ("match_id", "character_index"),
)

MATCHES = Table(
    "matches",
    (
        ("match_id", TEXT),
        ("createdat", TS),
        ("duration", INT),
        ("matchtype", TEXT),
        ("gamemode", TEXT),
        ("mapname", TEXT),
        ("iscustommatch", BOOL),
        ("seasonstate", TEXT),
        ("shardid", TEXT),
        ("titleid", TEXT),
        ("telemetry_url", TEXT),
        ("file_sha256", TEXT),
        *LOAD_TAIL,
    ),
    ("match_id",),
    (),
)

MATCH_PARTICIPANTS = Table(
    "match_participants",
    (
        ("match_id", TEXT),
        ("participant_id", TEXT),
        ("playerid", TEXT),
        ("name", TEXT),
        ("roster_id", TEXT),
        ("teamid", INT),
        ("roster_rank", INT),
        ("roster_won", BOOL),
        ("kills", INT),
        ("headshotkills", INT),
        ("dbnos", INT),
        ("damagedealt", DECIMAL),
        ("longestkill", DECIMAL),
        ("winplace", INT),
        ("deathtype", TEXT),
        *LOAD_TAIL,
    ),
    ("match_id", "participant_id"),
)

# One row per match whose fights were landed: lets dbt see a re-detection that found no fight.
FIGHT_DETECTIONS = Table(
    "fight_detections",
    (
        ("match_id", TEXT),
        ("detector_version", TEXT),
        ("fight_count", INT),
        ("file_sha256", TEXT),
        *LOAD_TAIL,
    ),
    ("match_id",),
    (),
)

FIGHTS = Table(
    "fights",
    (
        ("fight_id", TEXT),
        ("match_id", TEXT),
        ("fight_start_time", TS),
        ("fight_end_time", TS),
        ("duration_seconds", DECIMAL),
        ("team_ids", JSON),
        ("primary_team_1", INT),
        ("primary_team_2", INT),
        ("third_party_teams", JSON),
        ("total_knocks", INT),
        ("total_kills", INT),
        ("total_damage", DECIMAL),
        ("total_damage_events", INT),
        ("outcome", TEXT),
        ("winning_team_id", INT),
        ("loser_team_id", INT),
        ("team_outcomes", JSON),
        ("fight_reason", TEXT),
        ("fight_center_x", DECIMAL),
        ("fight_center_y", DECIMAL),
        ("fight_spread_radius", DECIMAL),
        ("detector_version", TEXT),
        ("line_number", INT),
        *LOAD_TAIL,
    ),
    ("fight_id",),
)

FIGHT_PARTICIPANTS = Table(
    "fight_participants",
    (
        ("fight_id", TEXT),
        ("match_id", TEXT),
        ("player_name", TEXT),
        ("account_id", TEXT),
        ("team_id", INT),
        ("knocks_dealt", INT),
        ("kills_dealt", INT),
        ("damage_dealt", DECIMAL),
        ("damage_taken", DECIMAL),
        ("position_center_x", DECIMAL),
        ("position_center_y", DECIMAL),
        ("was_knocked", BOOL),
        ("was_killed", BOOL),
        ("survived", BOOL),
        ("knocked_at", TS),
        ("killed_at", TS),
        *LOAD_TAIL,
    ),
    ("fight_id", "account_id"),
)

# One row per team per fight: ``team_ids`` and ``team_outcomes`` flattened.
FIGHT_TEAMS = Table(
    "fight_teams",
    (
        ("fight_id", TEXT),
        ("match_id", TEXT),
        ("team_id", INT),
        ("team_outcome", TEXT),
        *LOAD_TAIL,
    ),
    ("fight_id", "team_id"),
)

LOADED_FILES = Table(
    "loaded_files",
    (
        ("load_id", TEXT),
        ("file_sha256", TEXT),
        ("file_path", TEXT),
        ("file_bytes", BIGINT),
        ("kind", TEXT),
        ("match_id", TEXT),
        ("status", TEXT),
        ("error", TEXT),
        ("row_counts", JSON),
        ("started_at", TS),
        ("loaded_at", TS),
    ),
    ("load_id", "kind", "match_id"),
    (("file_sha256",), ("match_id",)),
)

TELEMETRY_TABLES: tuple[Table, ...] = (
    TELEMETRY_MATCHES,
    MATCH_START_CHARACTERS,
    TAKE_DAMAGE,
    MAKE_GROGGY,
    KILL_V2,
)
MATCH_TABLES: tuple[Table, ...] = (MATCHES, MATCH_PARTICIPANTS)
FIGHT_TABLES: tuple[Table, ...] = (FIGHT_DETECTIONS, FIGHTS, FIGHT_TEAMS, FIGHT_PARTICIPANTS)
ALL_TABLES: tuple[Table, ...] = TELEMETRY_TABLES + MATCH_TABLES + FIGHT_TABLES + (LOADED_FILES,)

KIND_TABLES: dict[str, tuple[Table, ...]] = {
    "telemetry": TELEMETRY_TABLES,
    "matches": MATCH_TABLES,
    "fights": FIGHT_TABLES,
}
