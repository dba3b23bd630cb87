{{ pewstats.rebuild_by(key='match_id', versions='stg_telemetry__matches', version_column='loaded_at') }}
{{ config(indexes=pewstats.postgres_indexes('match_id', 'account_id', 'loaded_at')) }}

{%- set close_below = var('kill_range_m')['close_below'] -%}
{%- set long_from = var('kill_range_m')['long_from'] -%}

-- Beside the other per-match models of int_combat_events the same shape (its events of one
-- kind, then one group by to the model's grain): each states the columns it reads and adds up.
with credited_kills as (

    select
        match_id,
        account_id,
        weapon_id,
        is_headshot,
        distance_m,
        loaded_at
    from {{ ref('int_combat_events') }}
    where
        event_type = 'kill'
        and {{ pewstats.is_rebuilt('match_id') }}

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
        sum(case when distance_m < {{ close_below }} then 1 else 0 end) as close_range_kills,
        sum(
            case when distance_m >= {{ close_below }} and distance_m < {{ long_from }} then 1 else 0 end
        ) as mid_range_kills,
        sum(case when distance_m >= {{ long_from }} then 1 else 0 end) as long_range_kills,
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
