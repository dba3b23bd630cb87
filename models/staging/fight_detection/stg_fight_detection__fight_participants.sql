{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    fight_id,
    match_id,
    player_name,
    account_id,
    team_id,
    knocks_dealt,
    kills_dealt,
    damage_dealt,
    damage_taken,
    position_center_x,
    position_center_y,
    was_knocked,
    was_killed,
    survived,
    knocked_at,
    killed_at,
    load_id,
    loaded_at
from {{ source('fight_detection', 'fight_participants') }}
