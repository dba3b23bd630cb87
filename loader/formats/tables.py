"""The raw landing tables: every raw column defined once (vocabulary: ``loader.formats.columns``).

From this module come the rows the file formats build (``loader.formats.rows``), the DDL of
both sinks (``loader.landing``), and the dbt sources, staging views and their YAML
(``loader.formats.staging``: ``python -m loader.formats.staging --write``; a test fails when
the committed files differ from what it generates).

Raw column names are the JSON path of the field, lower-cased, with ``__`` between levels
(``attacker.location.x`` -> ``attacker__location__x``); ``_D`` becomes ``_d``. The staging
views give them their real names and units. The order of a table's columns is the order of
the values in its rows (the physical order in PostgreSQL is the sink's business).

The tables below look alike line for line: each is a plain list of its columns, declarations
rather than logic; what they share is defined once (the Character and DamageInfo groups, the
event head, the load columns).
"""

from __future__ import annotations

from loader.formats.columns import (
    BIGINT,
    BOOL,
    CENTIMETRES_TO_METRES,
    DECIMAL,
    DISTANCE_CENTIMETRES_TO_METRES,
    FLOAT,
    INT,
    JSON,
    TEXT,
    TS,
    DAMAGE_BOUNDS,
    NAME_BOUNDS,
    Column,
    Group,
    Table,
)

# -- the nested objects of the telemetry format ------------------------------------------

CHARACTER = Group(
    "Character",
    (
        Column("name", TEXT, ("name",), doc="in-game name", bounds=NAME_BOUNDS),
        Column("teamid", INT, ("teamId",), staged="team_id", doc="team id (0 is a real team)"),
        Column("health", FLOAT, ("health",), doc="health after the event"),
        Column("location__x", FLOAT, ("location", "x"), staged="x_m", transform=CENTIMETRES_TO_METRES,
               doc="x position, metres", raw_doc="x position, centimetres"),
        Column("location__y", FLOAT, ("location", "y"), staged="y_m", transform=CENTIMETRES_TO_METRES,
               doc="y position, metres", raw_doc="y position, centimetres"),
        Column("location__z", FLOAT, ("location", "z"), staged="z_m", transform=CENTIMETRES_TO_METRES,
               doc="z position, metres", raw_doc="z position, centimetres"),
        Column("ranking", INT, ("ranking",), doc="ranking"),
        Column("accountid", TEXT, ("accountId",), staged="account_id",
               doc="account id (`account.…` players, `ai.…` bots, empty for NPCs)", bounds=NAME_BOUNDS),
        Column("isinbluezone", BOOL, ("isInBlueZone",), staged="is_in_blue_zone", doc="in the blue zone"),
        Column("isinredzone", BOOL, ("isInRedZone",), staged="is_in_red_zone", doc="in the red zone"),
        Column("isinvehicle", BOOL, ("isInVehicle",), staged="is_in_vehicle", doc="in a vehicle"),
    ),
)

DAMAGE_INFO = Group(
    "DamageInfo",
    (
        Column("damagereason", TEXT, ("damageReason",), staged="damage_reason",
               doc="body part or reason (`HeadShot`, `TorsoShot`, …)"),
        Column("damagetypecategory", TEXT, ("damageTypeCategory",), staged="damage_type_category",
               doc="damage type category (`Damage_Gun`, `Damage_BlueZone`, …)"),
        Column("damagecausername", TEXT, ("damageCauserName",), staged="damage_causer_name",
               doc="weapon or causer id (`WeapHK416_C`)"),
        Column("distance", DECIMAL, ("distance",), staged="distance_m", transform=DISTANCE_CENTIMETRES_TO_METRES,
               doc="distance in metres (null where the game writes -1)",
               raw_doc="distance, centimetres (-1 when not applicable)"),
        Column("isthroughpenetrablewall", BOOL, ("isThroughPenetrableWall",), staged="is_through_penetrable_wall",
               doc="through a penetrable wall"),
    ),
)

# -- columns every table shares ----------------------------------------------------------

MATCH_ID = Column("match_id", TEXT, doc="PUBG API match id (the last component of LogMatchDefinition.MatchId)")
LOAD_COLUMNS = (
    Column("load_id", TEXT, doc="load that landed the row (raw.loaded_files.load_id)"),
    Column("loaded_at", TS, doc="when the row's load committed; strictly increasing in commit order"),
)

# an event's own columns, read before its fields
EVENT_HEAD = (
    MATCH_ID,
    Column("event_index", INT,
           doc="position of the event in the telemetry file's array (0-based, all event types counted)"),
    Column("_d", TS, ("_D",), staged="event_at", doc="event timestamp (`_D`, UTC)", missing_error="has no _D timestamp"),
    Column("common__isgame", FLOAT, ("common", "isGame"), staged="is_game",
           doc="game phase `common.isGame` (0 before lift-off, 0.1 plane, 1.0 first zone, …)"),
)
ATTACK_ID = Column("attackid", BIGINT, ("attackId",), staged="attack_id",
                   doc="attack id linking damage, knock and kill of one attack")
DBNO_ID = Column("dbnoid", BIGINT, ("dBNOId",), staged="dbno_id", doc="knock id (-1 when the victim was not knocked first)")


def _event(name: str, entity: str, event_type: str, doc: str, *members) -> Table:
    return Table(name, tuple(members), "telemetry", entity, doc, head=EVENT_HEAD, event_type=event_type,
                 load_columns=LOAD_COLUMNS)


# -- telemetry ---------------------------------------------------------------------------

TAKE_DAMAGE = _event(
    "log_player_take_damage", "player_take_damage", "LogPlayerTakeDamage",
    "One row per LogPlayerTakeDamage event.",
    ATTACK_ID,
    CHARACTER.use("attacker", "attacker", "attacker", "attacker", count_missing=True),
    CHARACTER.use("victim", "victim", "victim", "victim", count_missing=True),
    DAMAGE_INFO.field("damagetypecategory"),
    DAMAGE_INFO.field("damagereason"),
    Column("damage", DECIMAL, ("damage",), doc="health removed, after armour", bounds=DAMAGE_BOUNDS),
    DAMAGE_INFO.field("damagecausername"),
    DAMAGE_INFO.field("isthroughpenetrablewall"),
)

MAKE_GROGGY = _event(
    "log_player_make_groggy", "player_make_groggy", "LogPlayerMakeGroggy",
    "One row per LogPlayerMakeGroggy event (a knock).",
    ATTACK_ID,
    CHARACTER.use("attacker", "attacker", "attacker", "attacker", count_missing=True),
    CHARACTER.use("victim", "victim", "victim", "victim", count_missing=True),
    DAMAGE_INFO.field("damagereason"),
    DAMAGE_INFO.field("damagetypecategory"),
    DAMAGE_INFO.field("damagecausername"),
    Column("distance", DECIMAL, ("distance",), staged="distance_m", transform=DISTANCE_CENTIMETRES_TO_METRES,
           doc="attacker-victim distance in metres (null where the game writes -1)",
           raw_doc="attacker-victim distance, centimetres (-1 when not applicable)"),
    Column("isattackerinvehicle", BOOL, ("isAttackerInVehicle",), staged="is_attacker_in_vehicle",
           doc="attacker was in a vehicle"),
    DBNO_ID,
)

KILL_V2 = _event(
    "log_player_kill_v2", "player_kill_v2", "LogPlayerKillV2",
    "One row per LogPlayerKillV2 event.",
    ATTACK_ID,
    DBNO_ID,
    CHARACTER.use("victim", "victim", "victim", "victim", count_missing=True),
    CHARACTER.use("dBNOMaker", "dbnomaker", "dbno_maker", "player who knocked the victim (dBNOMaker)",
                  count_missing=True),
    DAMAGE_INFO.use("dBNODamageInfo", "dbnodamageinfo", "dbno", "knock (dBNODamageInfo)"),
    CHARACTER.use("finisher", "finisher", "finisher", "player who dealt the last blow (finisher)", count_missing=True),
    DAMAGE_INFO.use("finishDamageInfo", "finishdamageinfo", "finish", "last blow (finishDamageInfo)"),
    CHARACTER.use("killer", "killer", "killer", "player credited with the kill (killer)", count_missing=True),
    DAMAGE_INFO.use("killerDamageInfo", "killerdamageinfo", "killer", "credited kill (killerDamageInfo)"),
    Column("assists_accountid", JSON, ("assists_AccountId",), staged="assist_account_ids_json",
           doc="JSON list of assisting account ids"),
    Column("teamkillers_accountid", JSON, ("teamKillers_AccountId",), staged="team_killer_account_ids_json",
           doc="JSON list of team killers' account ids"),
    Column("issuicide", BOOL, ("isSuicide",), staged="is_suicide", doc="the kill was a suicide"),
    Column("victimgameresult__rank", INT, ("victimGameResult", "rank"), staged="victim_rank",
           doc="victim's final rank (victimGameResult.rank)"),
    Column("victimgameresult__stats__killcount", INT, ("victimGameResult", "stats", "killCount"),
           staged="victim_kill_count", doc="victim's kills at death, PUBG's own count"),
)

# One row per match: LogMatchDefinition + LogMatchStart + what the loader saw in the file.
# Built from {"LogMatchDefinition": <event>, "LogMatchStart": <event>}.
TELEMETRY_MATCHES = Table(
    "telemetry_matches",
    (
        MATCH_ID,
        Column("matchid", TEXT, ("LogMatchDefinition", "MatchId"), staged="match_definition_id",
               doc="the full dotted LogMatchDefinition.MatchId"),
        Column("seasonstate", TEXT, ("LogMatchDefinition", "SeasonState"), staged="season_state",
               doc="LogMatchDefinition.SeasonState"),
        Column("match_definition_d", TS, ("LogMatchDefinition", "_D"), staged="match_defined_at",
               doc="LogMatchDefinition timestamp"),
        Column("match_start_d", TS, ("LogMatchStart", "_D"), staged="match_started_at", doc="LogMatchStart timestamp"),
        Column("mapname", TEXT, ("LogMatchStart", "mapName"), staged="map_name", doc="map (`Baltic_Main`, …)"),
        Column("teamsize", INT, ("LogMatchStart", "teamSize"), staged="team_size", doc="team size of the mode"),
        Column("iscustomgame", BOOL, ("LogMatchStart", "isCustomGame"), staged="is_custom_game", doc="custom game"),
        Column("iseventmode", BOOL, ("LogMatchStart", "isEventMode"), staged="is_event_mode", doc="event mode"),
        Column("cameraviewbehaviour", TEXT, ("LogMatchStart", "cameraViewBehaviour"), staged="camera_view",
               doc="camera view (`FpsOnly`, …)"),
        Column("weatherid", TEXT, ("LogMatchStart", "weatherId"), staged="weather_id", doc="weather"),
        Column("first_combat_d", TS, staged="first_combat_at", doc="first landed combat event"),
        Column("last_combat_d", TS, staged="last_combat_at", doc="last landed combat event"),
        Column("event_count", INT, doc="events in the file, all types"),
        Column("file_sha256", TEXT, doc="sha256 of the telemetry file"),
    ),
    "telemetry", "matches",
    "One row per loaded telemetry file's match: LogMatchDefinition and LogMatchStart.",
    primary_key=("match_id",),
    indexes=(),
    load_columns=LOAD_COLUMNS,
)

# LogMatchStart.characters: who played, in which team. Built from each character object.
MATCH_START_CHARACTERS = Table(
    "log_match_start_characters",
    (
        MATCH_ID,
        Column("character_index", INT, doc="position in LogMatchStart.characters"),
        CHARACTER.use(None, "character", "player", "character", only=("name", "teamid", "accountid")),
        Column("character__type", TEXT, ("type",), staged="player_type", doc="character type (`user`, `ai`)"),
    ),
    "telemetry", "match_start_characters",
    "One row per character listed in LogMatchStart.",
    primary_key=("match_id", "character_index"),
    load_columns=LOAD_COLUMNS,
)

# -- PUBG API match objects --------------------------------------------------------------

# Built from data.attributes.
MATCHES = Table(
    "matches",
    (
        MATCH_ID,
        Column("createdat", TS, ("createdAt",), staged="created_at", doc="match creation time"),
        Column("duration", INT, ("duration",), staged="duration_seconds", doc="match duration, seconds"),
        Column("matchtype", TEXT, ("matchType",), staged="match_type",
               doc="PUBG matchType (`official`, `competitive`, …)"),
        Column("gamemode", TEXT, ("gameMode",), staged="game_mode", doc="PUBG gameMode (`squad-fpp`, …)"),
        Column("mapname", TEXT, ("mapName",), staged="map_name", doc="map"),
        Column("iscustommatch", BOOL, ("isCustomMatch",), staged="is_custom_match", doc="custom match"),
        Column("seasonstate", TEXT, ("seasonState",), staged="season_state", doc="season state"),
        Column("shardid", TEXT, ("shardId",), staged="shard_id", doc="platform shard"),
        Column("titleid", TEXT, ("titleId",), staged="title_id", doc="title"),
        Column("telemetry_url", TEXT, doc="telemetry asset URL"),
        Column("file_sha256", TEXT, doc="sha256 of the match object file"),
    ),
    "pubg_api", "matches",
    "One row per PUBG API match object.",
    primary_key=("match_id",),
    indexes=(),
    load_columns=LOAD_COLUMNS,
)

# A roster (team) of a match object, built once from the roster's attributes; each of its
# participants' rows carries these columns.
ROSTER = Group(
    "Roster",
    (
        Column("roster_id", TEXT, doc="roster (team) id"),
        Column("teamid", INT, ("stats", "teamId"), staged="team_id", doc="roster team id"),
        Column("roster_rank", INT, ("stats", "rank"), doc="roster's final rank"),
        # PUBG writes "won" as the strings "true" / "false"
        Column("roster_won", BOOL, ("won",), doc="roster won the match", converter="to_bool_or_text"),
    ),
)
ROSTER_OF_PARTICIPANT = ROSTER.use(None, "", "", "", given=True)

# Built from a participant's attributes.stats; the roster's columns are its roster's.
MATCH_PARTICIPANTS = Table(
    "match_participants",
    (
        MATCH_ID,
        Column("participant_id", TEXT, doc="PUBG participant id"),
        Column("playerid", TEXT, ("playerId",), staged="account_id", doc="account id", bounds=NAME_BOUNDS),
        Column("name", TEXT, ("name",), staged="player_name", doc="in-game name", bounds=NAME_BOUNDS),
        ROSTER_OF_PARTICIPANT,
        Column("kills", INT, ("kills",), staged="pubg_kills", doc="PUBG's kills"),
        Column("headshotkills", INT, ("headshotKills",), staged="pubg_headshot_kills", doc="PUBG's headshot kills"),
        Column("dbnos", INT, ("DBNOs",), staged="pubg_knocks", doc="PUBG's DBNOs (knocks)"),
        Column("damagedealt", DECIMAL, ("damageDealt",), staged="pubg_damage_dealt", doc="PUBG's damage dealt"),
        Column("longestkill", DECIMAL, ("longestKill",), staged="pubg_longest_kill_m", doc="PUBG's longest kill, metres"),
        Column("winplace", INT, ("winPlace",), staged="win_place", doc="final placement"),
        Column("deathtype", TEXT, ("deathType",), staged="death_type", doc="death type (`byplayer`, `alive`, …)"),
    ),
    "pubg_api", "match_participants",
    "One row per participant of a PUBG API match object: PUBG's own stats.",
    primary_key=("match_id", "participant_id"),
    load_columns=LOAD_COLUMNS,
)

# -- fight-detection output --------------------------------------------------------------

FIGHT_MATCH_ID = Column("match_id", TEXT, doc="match id")
FIGHT_ID = Column("fight_id", TEXT,
                  doc="deterministic fight key: hash of match id, start time and sorted team ids, computed at landing")
DETECTOR_VERSION = Column("detector_version", TEXT, doc="detector that produced the fight")

# One row per match whose fights were landed: lets dbt see a re-detection that found no fight.
FIGHT_DETECTIONS = Table(
    "fight_detections",
    (
        FIGHT_MATCH_ID,
        DETECTOR_VERSION,
        Column("fight_count", INT, doc="fights landed for the match by this run"),
        Column("file_sha256", TEXT, doc="sha256 of the file the fights came from"),
    ),
    "fight_detection", "detections",
    "One row per match whose fights were landed: the detector run now in force.",
    primary_key=("match_id",),
    indexes=(),
    load_columns=LOAD_COLUMNS,
)

# Built from a fight object; the values the loader checks and normalises first are given.
FIGHTS = Table(
    "fights",
    (
        FIGHT_ID,
        FIGHT_MATCH_ID,
        Column("fight_start_time", TS, doc="first event of the fight"),
        Column("fight_end_time", TS, ("fight_end_time",), doc="last event of the fight"),
        Column("duration_seconds", DECIMAL, ("duration_seconds",), doc="end minus start, seconds"),
        Column("team_ids", JSON, doc="JSON list of the fight's team ids"),
        Column("primary_team_1", INT, ("primary_team_1",), doc="primary team with the highest score"),
        Column("primary_team_2", INT, ("primary_team_2",), doc="second primary team"),
        Column("third_party_teams", JSON, doc="JSON list of third-party team ids"),
        Column("total_knocks", INT, ("total_knocks",), doc="knocks in the fight"),
        Column("total_kills", INT, ("total_kills",), doc="kills in the fight"),
        Column("total_damage", DECIMAL, ("total_damage",), doc="damage in the fight"),
        Column("total_damage_events", INT, ("total_damage_events",), doc="damage events in the fight"),
        Column("outcome", TEXT, ("outcome",), doc="DECISIVE_WIN, MARGINAL_WIN, THIRD_PARTY or DRAW"),
        Column("winning_team_id", INT, ("winning_team_id",), doc="winning team, if any"),
        Column("loser_team_id", INT, ("loser_team_id",), doc="losing team, if any"),
        Column("team_outcomes", JSON, doc="JSON object team id -> WON/LOST/DRAW"),
        Column("fight_reason", TEXT, ("fight_reason",), doc="rule that made the engagement a fight"),
        Column("fight_center_x", DECIMAL, ("fight_center_x",), doc="fight centre x, metres"),
        Column("fight_center_y", DECIMAL, ("fight_center_y",), doc="fight centre y, metres"),
        Column("fight_spread_radius", DECIMAL, ("fight_spread_radius",),
               doc="largest distance of a player from the centre, metres"),
        DETECTOR_VERSION,
        Column("line_number", INT, doc="line of the fight in its file"),
    ),
    "fight_detection", "fights",
    "One row per detected fight.",
    primary_key=("fight_id",),
    load_columns=LOAD_COLUMNS,
)

FIGHT_PARTICIPANTS = Table(
    "fight_participants",
    (
        FIGHT_ID,
        FIGHT_MATCH_ID,
        Column("player_name", TEXT, ("player_name",), doc="in-game name", bounds=NAME_BOUNDS),
        Column("account_id", TEXT, doc="account id"),
        Column("team_id", INT, doc="team id"),
        Column("knocks_dealt", INT, ("knocks_dealt",), doc="knocks dealt in the fight"),
        Column("kills_dealt", INT, ("kills_dealt",), doc="kills dealt in the fight"),
        Column("damage_dealt", DECIMAL, ("damage_dealt",), doc="damage dealt in the fight", bounds=DAMAGE_BOUNDS),
        Column("damage_taken", DECIMAL, ("damage_taken",), doc="damage taken in the fight", bounds=DAMAGE_BOUNDS),
        Column("position_center_x", DECIMAL, ("position_center_x",), doc="player's mean position x, metres"),
        Column("position_center_y", DECIMAL, ("position_center_y",), doc="player's mean position y, metres"),
        Column("was_knocked", BOOL, ("was_knocked",), doc="knocked in the fight"),
        Column("was_killed", BOOL, ("was_killed",), doc="killed in the fight"),
        Column("survived", BOOL, ("survived",), doc="not killed in the fight"),
        Column("knocked_at", TS, ("knocked_at",), doc="when knocked"),
        Column("killed_at", TS, ("killed_at",), doc="when killed"),
    ),
    "fight_detection", "fight_participants",
    "One row per player per fight.",
    primary_key=("fight_id", "account_id"),
    load_columns=LOAD_COLUMNS,
)

# One row per team per fight: ``team_ids`` and ``team_outcomes`` flattened.
FIGHT_TEAMS = Table(
    "fight_teams",
    (
        FIGHT_ID,
        FIGHT_MATCH_ID,
        Column("team_id", INT, doc="team id"),
        Column("team_outcome", TEXT, doc="WON, LOST or DRAW"),
    ),
    "fight_detection", "fight_teams",
    "One row per team per fight, with the team's outcome.",
    primary_key=("fight_id", "team_id"),
    load_columns=LOAD_COLUMNS,
)

# -- the loader's ledger -----------------------------------------------------------------

LOADED_FILES = Table(
    "loaded_files",
    (
        LOAD_COLUMNS[0],
        Column("file_sha256", TEXT, doc="sha256 of the file"),
        Column("file_path", TEXT, doc="file as named to the loader"),
        Column("file_bytes", BIGINT, doc="file size on disk"),
        Column("kind", TEXT, doc="telemetry, matches or fights"),
        FIGHT_MATCH_ID,
        Column("status", TEXT, doc="loaded (current), superseded (a later file replaced the match) or failed"),
        Column("error", TEXT, doc="why the file failed"),
        Column("row_counts", JSON, doc="JSON: rows landed per table and objects found missing"),
        Column("started_at", TS, doc="when the load started"),
        LOAD_COLUMNS[1],
    ),
    "loader", "loaded_files",
    "The loader's ledger: one row per file (and match) loaded, skipped as superseded, or failed.",
    primary_key=("load_id", "kind", "match_id"),
    indexes=(("file_sha256",), ("match_id",), ("loaded_at",)),
)

TELEMETRY_TABLES: tuple[Table, ...] = (
    TELEMETRY_MATCHES,
    MATCH_START_CHARACTERS,
    TAKE_DAMAGE,
    MAKE_GROGGY,
    KILL_V2,
)
EVENT_TABLES: tuple[Table, ...] = tuple(t for t in TELEMETRY_TABLES if t.event_type)
MATCH_TABLES: tuple[Table, ...] = (MATCHES, MATCH_PARTICIPANTS)
FIGHT_TABLES: tuple[Table, ...] = (FIGHT_DETECTIONS, FIGHTS, FIGHT_TEAMS, FIGHT_PARTICIPANTS)
ALL_TABLES: tuple[Table, ...] = TELEMETRY_TABLES + MATCH_TABLES + FIGHT_TABLES + (LOADED_FILES,)

KIND_TABLES: dict[str, tuple[Table, ...]] = {
    "telemetry": TELEMETRY_TABLES,
    "matches": MATCH_TABLES,
    "fights": FIGHT_TABLES,
}
