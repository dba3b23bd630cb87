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

counted_enemy_damage as (

    select
        damage.match_id,
        damage.attacker_account_id as account_id,
        {{ pewstats.weapon_or_unknown('damage.damage_causer_name') }} as weapon_id,
        {{ pewstats.weapon_or_unknown('damage.damage_reason') }} as damage_reason,
        damage.damage,
        changed_matches.loaded_at
    from {{ ref('stg_telemetry__player_take_damage') }} as damage
    inner join changed_matches on damage.match_id = changed_matches.match_id
    where
        {{ pewstats.is_counted('damage.is_game') }}
        and {{ pewstats.is_enemy('damage.attacker', 'damage.victim') }}
        and damage.damage > 0

),

final as (

    select
        match_id,
        account_id,
        weapon_id,
        damage_reason,
        sum(damage) as total_damage,
        count(*) as total_hits,
        max(loaded_at) as loaded_at
    from counted_enemy_damage
    group by match_id, account_id, weapon_id, damage_reason

)

select
    match_id,
    account_id,
    weapon_id,
    damage_reason,
    total_damage,
    total_hits,
    loaded_at
from final
