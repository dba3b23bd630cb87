{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    match_id,
    createdat as created_at,
    duration as duration_seconds,
    matchtype as match_type,
    gamemode as game_mode,
    mapname as map_name,
    iscustommatch as is_custom_match,
    seasonstate as season_state,
    shardid as shard_id,
    titleid as title_id,
    telemetry_url,
    file_sha256,
    load_id,
    loaded_at
from {{ source('pubg_api', 'matches') }}
