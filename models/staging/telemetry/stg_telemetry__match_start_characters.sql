{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    match_id,
    character_index,
    character__name as player_name,
    character__teamid as player_team_id,
    character__accountid as player_account_id,
    character__type as player_type,
    load_id,
    loaded_at
from {{ source('telemetry', 'log_match_start_characters') }}
