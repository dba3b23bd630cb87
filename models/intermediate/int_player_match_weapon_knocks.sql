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

enemy_knocks as (

    select
        knocks.match_id,
        knocks.attacker_account_id as account_id,
        {{ pewstats.weapon_or_unknown('knocks.damage_causer_name') }} as weapon_id,
        changed_matches.loaded_at
    from {{ ref('stg_telemetry__player_make_groggy') }} as knocks
    inner join changed_matches on knocks.match_id = changed_matches.match_id
    where
        {{ pewstats.is_counted('knocks.is_game') }}
        and {{ pewstats.is_enemy('knocks.attacker', 'knocks.victim') }}

),

final as (

    select
        match_id,
        account_id,
        weapon_id,
        count(*) as knock_downs,
        max(loaded_at) as loaded_at
    from enemy_knocks
    group by match_id, account_id, weapon_id

)

select
    match_id,
    account_id,
    weapon_id,
    knock_downs,
    loaded_at
from final
