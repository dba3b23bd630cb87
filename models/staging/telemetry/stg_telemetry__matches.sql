{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    match_id,
    matchid as match_definition_id,
    seasonstate as season_state,
    match_definition_d as match_defined_at,
    match_start_d as match_started_at,
    mapname as map_name,
    teamsize as team_size,
    iscustomgame as is_custom_game,
    iseventmode as is_event_mode,
    cameraviewbehaviour as camera_view,
    weatherid as weather_id,
    first_combat_d as first_combat_at,
    last_combat_d as last_combat_at,
    event_count,
    file_sha256,
    load_id,
    loaded_at
from {{ source('telemetry', 'telemetry_matches') }}
