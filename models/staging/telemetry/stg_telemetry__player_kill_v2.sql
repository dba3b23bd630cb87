with source as (

    select * from {{ source('telemetry', 'log_player_kill_v2') }}

),

renamed as (

    select
        match_id,
        event_index,
        _d as event_at,
        common__isgame as is_game,
        attackid as attack_id,
        dbnoid as dbno_id,
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
        dbnomaker__name as dbno_maker_name,
        dbnomaker__teamid as dbno_maker_team_id,
        dbnomaker__health as dbno_maker_health,
        dbnomaker__location__x / 100.0 as dbno_maker_x_m,
        dbnomaker__location__y / 100.0 as dbno_maker_y_m,
        dbnomaker__location__z / 100.0 as dbno_maker_z_m,
        dbnomaker__ranking as dbno_maker_ranking,
        dbnomaker__accountid as dbno_maker_account_id,
        dbnomaker__isinbluezone as dbno_maker_is_in_blue_zone,
        dbnomaker__isinredzone as dbno_maker_is_in_red_zone,
        dbnomaker__isinvehicle as dbno_maker_is_in_vehicle,
        dbnodamageinfo__damagereason as dbno_damage_reason,
        dbnodamageinfo__damagetypecategory as dbno_damage_type_category,
        dbnodamageinfo__damagecausername as dbno_damage_causer_name,
        case
            when dbnodamageinfo__distance >= 0 then cast(dbnodamageinfo__distance * 0.01 as numeric(20, 8))
        end as dbno_distance_m,
        dbnodamageinfo__isthroughpenetrablewall as dbno_is_through_penetrable_wall,
        finisher__name as finisher_name,
        finisher__teamid as finisher_team_id,
        finisher__health as finisher_health,
        finisher__location__x / 100.0 as finisher_x_m,
        finisher__location__y / 100.0 as finisher_y_m,
        finisher__location__z / 100.0 as finisher_z_m,
        finisher__ranking as finisher_ranking,
        finisher__accountid as finisher_account_id,
        finisher__isinbluezone as finisher_is_in_blue_zone,
        finisher__isinredzone as finisher_is_in_red_zone,
        finisher__isinvehicle as finisher_is_in_vehicle,
        finishdamageinfo__damagereason as finish_damage_reason,
        finishdamageinfo__damagetypecategory as finish_damage_type_category,
        finishdamageinfo__damagecausername as finish_damage_causer_name,
        case
            when finishdamageinfo__distance >= 0 then cast(finishdamageinfo__distance * 0.01 as numeric(20, 8))
        end as finish_distance_m,
        finishdamageinfo__isthroughpenetrablewall as finish_is_through_penetrable_wall,
        killer__name as killer_name,
        killer__teamid as killer_team_id,
        killer__health as killer_health,
        killer__location__x / 100.0 as killer_x_m,
        killer__location__y / 100.0 as killer_y_m,
        killer__location__z / 100.0 as killer_z_m,
        killer__ranking as killer_ranking,
        killer__accountid as killer_account_id,
        killer__isinbluezone as killer_is_in_blue_zone,
        killer__isinredzone as killer_is_in_red_zone,
        killer__isinvehicle as killer_is_in_vehicle,
        killerdamageinfo__damagereason as killer_damage_reason,
        killerdamageinfo__damagetypecategory as killer_damage_type_category,
        killerdamageinfo__damagecausername as killer_damage_causer_name,
        case
            when killerdamageinfo__distance >= 0 then cast(killerdamageinfo__distance * 0.01 as numeric(20, 8))
        end as killer_distance_m,
        killerdamageinfo__isthroughpenetrablewall as killer_is_through_penetrable_wall,
        assists_accountid as assist_account_ids_json,
        teamkillers_accountid as team_killer_account_ids_json,
        issuicide as is_suicide,
        victimgameresult__rank as victim_rank,
        victimgameresult__stats__killcount as victim_kill_count,
        load_id,
        loaded_at
    from source

)

select * from renamed
