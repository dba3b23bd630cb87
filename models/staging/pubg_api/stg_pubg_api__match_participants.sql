{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    match_id,
    participant_id,
    playerid as account_id,
    name as player_name,
    roster_id,
    teamid as team_id,
    roster_rank,
    roster_won,
    kills as pubg_kills,
    headshotkills as pubg_headshot_kills,
    dbnos as pubg_knocks,
    damagedealt as pubg_damage_dealt,
    longestkill as pubg_longest_kill_m,
    winplace as win_place,
    deathtype as death_type,
    load_id,
    loaded_at
from {{ source('pubg_api', 'match_participants') }}
