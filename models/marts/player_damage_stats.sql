{{
    pewstats.rebuild_by(
        key='account_id',
        versions='int_player_matches',
        version_column='changed_at',
        watermark_column='stats_updated_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'player_name', 'stats_updated_at')) }}

{#- The measures, in the mart's column order: macros/measures.sql (damage_measures, defined
    once for this mart and int_player_day_damage). -#}
{%- set measures = pewstats.damage_measures() -%}

-- The same shape as the other player marts (the players' per-day rows rolled up to the
-- mart's grain, names and weapons joined, the columns listed): a mart states its own grain
-- and columns, as marts here do; what it computes comes from macros/measures.sql and the
-- per-day models, written once.
with per_day as (

    -- the days of the players to rebuild: a row per day, bucket, weapon and damage reason
    select
        account_id,
        weapon_id,
        damage_reason,
        {% for m in measures -%}
            {{ m.name }},
        {% endfor -%}
        match_type_bucket,
        matches,
        last_match_at,
        version_at
    from {{ ref('int_player_day_damage') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

aggregated as (

    -- one pass, two groupings: per match-type bucket, and over all matches (`all`)
    select
        account_id,
        weapon_id,
        damage_reason,
        {{ pewstats.match_type_of_grouping() }} as match_type,
        {% for m in measures -%}
            {{ m.agg }}({{ m.name }}) as {{ m.name }},
        {% endfor -%}
        -- a match is on one day and in one bucket: the days' distinct matches add up
        cast(sum(matches) as {{ dbt.type_bigint() }}) as matches,
        max(last_match_at) as last_match_at,
        max(version_at) as stats_updated_at
    from per_day
    group by grouping sets (
        (account_id, weapon_id, damage_reason, match_type_bucket),
        (account_id, weapon_id, damage_reason)
    )

),

final as (

    select
        aggregated.account_id,
        latest_names.player_name,
        aggregated.weapon_id,
        coalesce(weapons.weapon_name, aggregated.weapon_id) as weapon_name,
        coalesce(weapons.weapon_category, 'other') as weapon_category,
        aggregated.damage_reason,
        aggregated.match_type,
        {% for m in measures -%}
            {{ pewstats.measure_value(m, 'aggregated') }} as {{ m.name }},
        {% endfor -%}
        aggregated.matches,
        aggregated.last_match_at,
        aggregated.stats_updated_at
    from aggregated
    left join {{ ref('int_player_latest_names') }} as latest_names
        on aggregated.account_id = latest_names.account_id
    left join {{ ref('weapons') }} as weapons
        on aggregated.weapon_id = weapons.weapon_id

)

select
    account_id,
    player_name,
    weapon_id,
    weapon_name,
    weapon_category,
    damage_reason,
    match_type,
    {% for m in measures -%}
        {{ m.name }},
    {% endfor -%}
    matches,
    last_match_at,
    stats_updated_at
from final
