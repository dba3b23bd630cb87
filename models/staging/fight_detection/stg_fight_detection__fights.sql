{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    fight_id,
    match_id,
    fight_start_time,
    fight_end_time,
    duration_seconds,
    team_ids,
    primary_team_1,
    primary_team_2,
    third_party_teams,
    total_knocks,
    total_kills,
    total_damage,
    total_damage_events,
    outcome,
    winning_team_id,
    loser_team_id,
    team_outcomes,
    fight_reason,
    fight_center_x,
    fight_center_y,
    fight_spread_radius,
    detector_version,
    line_number,
    load_id,
    loaded_at
from {{ source('fight_detection', 'fights') }}
