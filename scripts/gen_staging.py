"""Generate the dbt sources, staging models and their YAML from loader/formats/tables.py.

Run once when the raw tables change: `python scripts/gen_staging.py`. The output is
committed and reviewed like hand-written code; the generator only saves typing.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from loader.formats import tables as schema  # noqa: E402

CHAR_DOC = {
    "name": "in-game name",
    "teamid": "team id (0 is a real team)",
    "health": "health after the event",
    "location__x": "x position, centimetres",
    "location__y": "y position, centimetres",
    "location__z": "z position, centimetres",
    "ranking": "ranking",
    "accountid": "account id (`account.…` players, `ai.…` bots, empty for NPCs)",
    "isinbluezone": "in the blue zone",
    "isinredzone": "in the red zone",
    "isinvehicle": "in a vehicle",
}
INFO_DOC = {
    "damagereason": "body part or reason (`HeadShot`, `TorsoShot`, …)",
    "damagetypecategory": "damage type category (`Damage_Gun`, `Damage_BlueZone`, …)",
    "damagecausername": "weapon or causer id (`WeapHK416_C`)",
    "distance": "distance, centimetres (-1 when not applicable)",
    "isthroughpenetrablewall": "through a penetrable wall",
}
PREFIX_DOC = {
    "attacker": "attacker", "victim": "victim", "dbnomaker": "player who knocked the victim (dBNOMaker)",
    "finisher": "player who dealt the last blow (finisher)", "killer": "player credited with the kill (killer)",
    "dbnodamageinfo": "knock (dBNODamageInfo)", "finishdamageinfo": "last blow (finishDamageInfo)",
    "killerdamageinfo": "credited kill (killerDamageInfo)", "character": "character",
}
STAGE_PREFIX = {
    "attacker": "attacker", "victim": "victim", "dbnomaker": "dbno_maker", "finisher": "finisher",
    "killer": "killer", "dbnodamageinfo": "dbno", "finishdamageinfo": "finish", "killerdamageinfo": "killer",
    "character": "player",
}
PLAIN = {
    "match_id": ("match_id", "PUBG API match id (the last component of LogMatchDefinition.MatchId)"),
    "event_index": ("event_index", "position of the event in the telemetry file's array (0-based, all event types counted)"),
    "_d": ("event_at", "event timestamp (`_D`, UTC)"),
    "common__isgame": ("is_game", "game phase `common.isGame` (0 before lift-off, 0.1 plane, 1.0 first zone, …)"),
    "attackid": ("attack_id", "attack id linking damage, knock and kill of one attack"),
    "dbnoid": ("dbno_id", "knock id (-1 when the victim was not knocked first)"),
    "damagetypecategory": ("damage_type_category", "damage type category (`Damage_Gun`, `Damage_BlueZone`, …)"),
    "damagereason": ("damage_reason", "body part or reason (`HeadShot`, `TorsoShot`, …)"),
    "damage": ("damage", "health removed, after armour"),
    "damagecausername": ("damage_causer_name", "weapon or causer id (`WeapHK416_C`)"),
    "isthroughpenetrablewall": ("is_through_penetrable_wall", "through a penetrable wall"),
    "distance": ("distance_m", "attacker-victim distance in metres (null where the game writes -1)"),
    "isattackerinvehicle": ("is_attacker_in_vehicle", "attacker was in a vehicle"),
    "assists_accountid": ("assist_account_ids_json", "JSON list of assisting account ids"),
    "teamkillers_accountid": ("team_killer_account_ids_json", "JSON list of team killers' account ids"),
    "issuicide": ("is_suicide", "the kill was a suicide"),
    "victimgameresult__rank": ("victim_rank", "victim's final rank (victimGameResult.rank)"),
    "victimgameresult__stats__killcount": ("victim_kill_count", "victim's kills at death, PUBG's own count"),
    "load_id": ("load_id", "load that landed the row (raw.loaded_files.load_id)"),
    "loaded_at": ("loaded_at", "when the row's load committed; strictly increasing in commit order"),
}


def stage_column(col: str, typ: str) -> tuple[str, str, str]:
    """raw column -> (sql expression, staged name, description)."""
    if col in PLAIN:
        name, doc = PLAIN[col]
        if col == "distance":
            return ("case\n            when distance >= 0 then cast(distance * 0.01 as numeric(20, 8))\n        end", name, doc)
        return (col, name, doc)
    head, _, rest = col.partition("__")
    if head in ("attacker", "victim", "dbnomaker", "finisher", "killer", "character"):
        p = STAGE_PREFIX[head]
        who = PREFIX_DOC[head]
        if rest.startswith("location__"):
            axis = rest[-1]
            return (f"{col} / 100.0", f"{p}_{axis}_m", f"{who}: {axis} position, metres")
        rename = {"teamid": "team_id", "accountid": "account_id", "isinbluezone": "is_in_blue_zone",
                  "isinredzone": "is_in_red_zone", "isinvehicle": "is_in_vehicle"}.get(rest, rest)
        return (col, f"{p}_{rename}", f"{who}: {CHAR_DOC.get(rest, rest)}")
    if head in ("dbnodamageinfo", "finishdamageinfo", "killerdamageinfo"):
        p = STAGE_PREFIX[head]
        who = PREFIX_DOC[head]
        if rest == "distance":
            return (f"case\n            when {col} >= 0 then cast({col} * 0.01 as numeric(20, 8))\n        end", f"{p}_distance_m",
                    f"{who}: distance in metres (null where the game writes -1)")
        rename = {"damagereason": "damage_reason", "damagetypecategory": "damage_type_category",
                  "damagecausername": "damage_causer_name",
                  "isthroughpenetrablewall": "is_through_penetrable_wall"}[rest]
        return (col, f"{p}_{rename}", f"{who}: {INFO_DOC[rest]}")
    raise KeyError(col)


MODELS = {
    # raw table: (source, staged entity, description, overrides)
    "log_player_take_damage": ("telemetry", "player_take_damage", "One row per LogPlayerTakeDamage event."),
    "log_player_make_groggy": ("telemetry", "player_make_groggy", "One row per LogPlayerMakeGroggy event (a knock)."),
    "log_player_kill_v2": ("telemetry", "player_kill_v2", "One row per LogPlayerKillV2 event."),
    "telemetry_matches": ("telemetry", "matches", "One row per loaded telemetry file's match: LogMatchDefinition and LogMatchStart."),
    "log_match_start_characters": ("telemetry", "match_start_characters", "One row per character listed in LogMatchStart."),
    "matches": ("pubg_api", "matches", "One row per PUBG API match object."),
    "match_participants": ("pubg_api", "match_participants", "One row per participant of a PUBG API match object: PUBG's own stats."),
    "fight_detections": ("fight_detection", "detections", "One row per match whose fights were landed: the detector run now in force."),
    "fights": ("fight_detection", "fights", "One row per detected fight."),
    "fight_teams": ("fight_detection", "fight_teams", "One row per team per fight, with the team's outcome."),
    "fight_participants": ("fight_detection", "fight_participants", "One row per player per fight."),
    "loaded_files": ("loader", "loaded_files", "The loader's ledger: one row per file (and match) loaded, skipped as superseded, or failed."),
}

OVERRIDES = {
    ("telemetry_matches", "matchid"): ("match_definition_id", "the full dotted LogMatchDefinition.MatchId"),
    ("telemetry_matches", "seasonstate"): ("season_state", "LogMatchDefinition.SeasonState"),
    ("telemetry_matches", "match_definition_d"): ("match_defined_at", "LogMatchDefinition timestamp"),
    ("telemetry_matches", "match_start_d"): ("match_started_at", "LogMatchStart timestamp"),
    ("telemetry_matches", "mapname"): ("map_name", "map (`Baltic_Main`, …)"),
    ("telemetry_matches", "teamsize"): ("team_size", "team size of the mode"),
    ("telemetry_matches", "iscustomgame"): ("is_custom_game", "custom game"),
    ("telemetry_matches", "iseventmode"): ("is_event_mode", "event mode"),
    ("telemetry_matches", "cameraviewbehaviour"): ("camera_view", "camera view (`FpsOnly`, …)"),
    ("telemetry_matches", "weatherid"): ("weather_id", "weather"),
    ("telemetry_matches", "first_combat_d"): ("first_combat_at", "first landed combat event"),
    ("telemetry_matches", "last_combat_d"): ("last_combat_at", "last landed combat event"),
    ("telemetry_matches", "event_count"): ("event_count", "events in the file, all types"),
    ("telemetry_matches", "file_sha256"): ("file_sha256", "sha256 of the telemetry file"),
    ("log_match_start_characters", "character_index"): ("character_index", "position in LogMatchStart.characters"),
    ("log_match_start_characters", "character__type"): ("player_type", "character type (`user`, `ai`)"),
    ("matches", "createdat"): ("created_at", "match creation time"),
    ("matches", "duration"): ("duration_seconds", "match duration, seconds"),
    ("matches", "matchtype"): ("match_type", "PUBG matchType (`official`, `competitive`, …)"),
    ("matches", "gamemode"): ("game_mode", "PUBG gameMode (`squad-fpp`, …)"),
    ("matches", "mapname"): ("map_name", "map"),
    ("matches", "iscustommatch"): ("is_custom_match", "custom match"),
    ("matches", "seasonstate"): ("season_state", "season state"),
    ("matches", "shardid"): ("shard_id", "platform shard"),
    ("matches", "titleid"): ("title_id", "title"),
    ("matches", "telemetry_url"): ("telemetry_url", "telemetry asset URL"),
    ("matches", "file_sha256"): ("file_sha256", "sha256 of the match object file"),
    ("match_participants", "participant_id"): ("participant_id", "PUBG participant id"),
    ("match_participants", "playerid"): ("account_id", "account id"),
    ("match_participants", "name"): ("player_name", "in-game name"),
    ("match_participants", "roster_id"): ("roster_id", "roster (team) id"),
    ("match_participants", "teamid"): ("team_id", "roster team id"),
    ("match_participants", "roster_rank"): ("roster_rank", "roster's final rank"),
    ("match_participants", "roster_won"): ("roster_won", "roster won the match"),
    ("match_participants", "kills"): ("pubg_kills", "PUBG's kills"),
    ("match_participants", "headshotkills"): ("pubg_headshot_kills", "PUBG's headshot kills"),
    ("match_participants", "dbnos"): ("pubg_knocks", "PUBG's DBNOs (knocks)"),
    ("match_participants", "damagedealt"): ("pubg_damage_dealt", "PUBG's damage dealt"),
    ("match_participants", "longestkill"): ("pubg_longest_kill_m", "PUBG's longest kill, metres"),
    ("match_participants", "winplace"): ("win_place", "final placement"),
    ("match_participants", "deathtype"): ("death_type", "death type (`byplayer`, `alive`, …)"),
}
FIGHT_DOC = {
    "fight_id": "deterministic fight key: hash of match id, start time and sorted team ids, computed at landing",
    "match_id": "match id", "fight_start_time": "first event of the fight", "fight_end_time": "last event of the fight",
    "duration_seconds": "end minus start, seconds", "team_ids": "JSON list of the fight's team ids",
    "primary_team_1": "primary team with the highest score", "primary_team_2": "second primary team",
    "third_party_teams": "JSON list of third-party team ids", "total_knocks": "knocks in the fight",
    "total_kills": "kills in the fight", "total_damage": "damage in the fight", "total_damage_events": "damage events in the fight",
    "outcome": "DECISIVE_WIN, MARGINAL_WIN, THIRD_PARTY or DRAW", "winning_team_id": "winning team, if any",
    "loser_team_id": "losing team, if any", "team_outcomes": "JSON object team id -> WON/LOST/DRAW",
    "fight_reason": "rule that made the engagement a fight", "fight_center_x": "fight centre x, metres",
    "fight_center_y": "fight centre y, metres", "fight_spread_radius": "largest distance of a player from the centre, metres",
    "detector_version": "detector that produced the fight", "line_number": "line of the fight in its file",
    "team_id": "team id", "team_outcome": "WON, LOST or DRAW", "player_name": "in-game name", "account_id": "account id",
    "knocks_dealt": "knocks dealt in the fight", "kills_dealt": "kills dealt in the fight", "damage_dealt": "damage dealt in the fight",
    "damage_taken": "damage taken in the fight", "position_center_x": "player's mean position x, metres",
    "position_center_y": "player's mean position y, metres", "was_knocked": "knocked in the fight", "was_killed": "killed in the fight",
    "survived": "not killed in the fight", "knocked_at": "when knocked", "killed_at": "when killed",
    "fight_count": "fights landed for the match by this run", "file_sha256": "sha256 of the file the fights came from",
    "load_id": PLAIN["load_id"][1], "loaded_at": PLAIN["loaded_at"][1],
    "file_path": "file as named to the loader", "file_bytes": "file size on disk", "kind": "telemetry, matches or fights",
    "status": "loaded (current), superseded (a later file replaced the match) or failed", "error": "why the file failed",
    "row_counts": "JSON: rows landed per table and objects found missing", "started_at": "when the load started",
}


def main() -> None:
    sources: dict[str, list[str]] = {}
    for table in schema.ALL_TABLES:
        source, entity, desc = MODELS[table.name]
        staged = []
        for col, typ in table.columns:
            if (table.name, col) in OVERRIDES:
                name, doc = OVERRIDES[(table.name, col)]
                expr = col
            elif source in ("fight_detection", "loader"):
                name, doc, expr = col, FIGHT_DOC[col], col
            elif table.name in ("matches", "match_participants", "telemetry_matches", "log_match_start_characters") and col in ("match_id", "load_id", "loaded_at"):
                expr, name, doc = stage_column(col, typ)
            else:
                expr, name, doc = stage_column(col, typ)
            staged.append((col, typ, expr, name, doc))
        model = f"stg_{source}__{entity}"
        folder = ROOT / "models" / "staging" / source
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        for i, (col, typ, expr, name, _doc) in enumerate(staged):
            sep = "," if i < len(staged) - 1 else ""
            lines.append(f"        {expr} as {name}{sep}" if expr != name else f"        {name}{sep}")
        sql = (
            f"with source as (\n\n    select * from {{{{ source('{source}', '{table.name}') }}}}\n\n),\n\n"
            f"renamed as (\n\n    select\n" + "\n".join(lines) + "\n    from source\n\n)\n\nselect * from renamed\n"
        )
        (folder / f"{model}.sql").write_text(sql)
        sources.setdefault(source, []).append((table, desc, staged, model))

    for source, items in sources.items():
        folder = ROOT / "models" / "staging" / source
        src = [
            "version: 2", "", "sources:", f"  - name: {source}",
            f"    description: Raw tables landed by `pewstats load` ({source}).",
            "    schema: \"{{ env_var('PEWSTATS_RAW_SCHEMA', 'raw') }}\"",
            "    config:",
            "      loaded_at_field: loaded_at",
            "      freshness:",
            "        warn_after: {count: 24, period: hour}",
            "        error_after: {count: 72, period: hour}",
            "    tables:",
        ]
        mdl = ["version: 2", "", "models:"]
        for table, desc, staged, model in items:
            src += [f"      - name: {table.name}", f"        description: \"{desc}\"", "        columns:"]
            for col, typ, expr, name, doc in staged:
                src += [f"          - name: {col}", f"            description: \"{doc}\""]
            mdl += [f"  - name: {model}", f"    description: \"{desc} Renamed, cast and converted to metres; nothing filtered.\"", "    columns:"]
            for col, typ, expr, name, doc in staged:
                mdl += [f"      - name: {name}", f"        description: \"{doc}\""]
        (folder / f"_{source}__sources.yml").write_text("\n".join(src) + "\n")
        (folder / f"_{source}__models.yml").write_text("\n".join(mdl) + "\n")


if __name__ == "__main__":
    main()
