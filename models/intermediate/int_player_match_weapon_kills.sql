{{
    config(
        unique_key='match_id',
        pre_hook="{{ pewstats.delete_changed('match_id', pewstats.changed_matches('stg_telemetry__matches')) }}",
        indexes=[
            {'columns': ['match_id']},
            {'columns': ['account_id']},
            {'columns': ['loaded_at']},
        ] if target.type == 'postgres' else [],
    )
}}

with changed_matches as (

    select
        match_id,
        loaded_at
    from {{ ref('stg_telemetry__matches') }}
    {% if is_incremental() -%}
        where loaded_at > {{ pewstats.watermark('loaded_at') }}
    {%- endif %}

),

credited_kills as (

    select
        kills.match_id,
        kills.killer_account_id as account_id,
        {{ pewstats.weapon_or_unknown('kills.killer_damage_causer_name') }} as weapon_id,
        kills.killer_damage_reason = 'HeadShot' as is_headshot,
        kills.killer_distance_m as distance_m,
        changed_matches.loaded_at
    from {{ ref('stg_telemetry__player_kill_v2') }} as kills
    inner join changed_matches on kills.match_id = changed_matches.match_id
    where
        {{ pewstats.is_counted('kills.is_game') }}
        and {{ pewstats.is_enemy('kills.killer', 'kills.victim') }}
        and not coalesce(kills.is_suicide, false)

),

final as (

    select
        match_id,
        account_id,
        weapon_id,
        count(*) as total_kills,
        sum(case when is_headshot then 1 else 0 end) as headshot_kills,
        count(distance_m) as kills_with_distance,
        coalesce(sum(distance_m), 0) as total_kill_distance,
        max(distance_m) as longest_kill,
        sum(case when distance_m < 50 then 1 else 0 end) as close_range_kills,
        sum(case when distance_m >= 50 and distance_m < 200 then 1 else 0 end) as mid_range_kills,
        sum(case when distance_m >= 200 then 1 else 0 end) as long_range_kills,
        max(loaded_at) as loaded_at
    from credited_kills
    group by match_id, account_id, weapon_id

)

select
    match_id,
    account_id,
    weapon_id,
    total_kills,
    headshot_kills,
    kills_with_distance,
    total_kill_distance,
    longest_kill,
    close_range_kills,
    mid_range_kills,
    long_range_kills,
    loaded_at
from final
