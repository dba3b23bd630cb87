{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    match_id,
    event_index,
    _d as event_at,
    common__isgame as is_game,
    attackid as attack_id,
    attacker__name as attacker_name,
    attacker__teamid as attacker_team_id,
    attacker__health as attacker_health,
    attacker__location__x / 100.0 as attacker_x_m,
    attacker__location__y / 100.0 as attacker_y_m,
    attacker__location__z / 100.0 as attacker_z_m,
    attacker__ranking as attacker_ranking,
    attacker__accountid as attacker_account_id,
    attacker__isinbluezone as attacker_is_in_blue_zone,
    attacker__isinredzone as attacker_is_in_red_zone,
    attacker__isinvehicle as attacker_is_in_vehicle,
    victim__name as victim_name,
    victim__teamid as victim_team_id,
    victim__health as victim_health,
    victim__location__x / 100.0 as victim_x_m,
    victim__location__y / 100.0 as victim_y_m,
    victim__location__z / 100.0 as victim_z_m,
    victim__ranking as victim_ranking,
    victim__accountid as victim_account_id,
    victim__isinbluezone as victim_is_in_blue_zone,
    victim__isinredzone as victim_is_in_red_zone,
    victim__isinvehicle as victim_is_in_vehicle,
    damagetypecategory as damage_type_category,
    damagereason as damage_reason,
    damage,
    damagecausername as damage_causer_name,
    isthroughpenetrablewall as is_through_penetrable_wall,
    load_id,
    loaded_at
from {{ source('telemetry', 'log_player_take_damage') }}
