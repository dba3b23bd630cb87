{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    fight_id,
    match_id,
    team_id,
    team_outcome,
    load_id,
    loaded_at
from {{ source('fight_detection', 'fight_teams') }}
