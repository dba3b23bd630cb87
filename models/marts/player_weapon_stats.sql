{{
    pewstats.rebuild_by(
        key='account_id',
        versions='int_player_matches',
        version_column='changed_at',
        watermark_column='stats_updated_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'player_name', 'stats_updated_at')) }}

{#- The weapon measures and their per-match models are defined once, in macros/measures.sql
    (weapon_measures), for this mart and player_weapon_daily_stats. -#}
{%- set per_match_models = pewstats.weapon_measure_models() -%}
{%- set measures = pewstats.weapon_measures() -%}
{%- set stored = pewstats.stored_measures(measures) -%}
{%- set columns = pewstats.mart_measures(measures) %}

-- The same shape as the other player marts (per-match rows joined to their match, rolled up
-- to the mart's grain, names and weapons joined, the columns listed): a mart states its own
-- grain and columns, as marts here do; what it computes comes from macros/measures.sql and
-- the per-match models, written once.
with per_match_weapon as (

    -- one row per player, match and weapon and per-match model; a model's row holds its own
    -- measures and the neutral value of the others (0 for a sum, null for a max)
    {{ pewstats.stacked_per_match_rows(per_match_models, stored, ['match_id', 'account_id', 'weapon_id']) }}

),

per_match as (

    select
        per_match_weapon.account_id,
        per_match_weapon.weapon_id,
        {% for m in stored -%}
            per_match_weapon.{{ m.name }},
        {% endfor -%}
        matches.match_type_bucket,
        matches.match_started_at,
        matches.version_at
    from per_match_weapon
    inner join {{ ref('int_matches') }} as matches on per_match_weapon.match_id = matches.match_id

),

aggregated as (

    -- one pass, two groupings: per match-type bucket, and over all matches (`all`)
    select
        account_id,
        weapon_id,
        {{ pewstats.match_type_of_grouping() }} as match_type,
        {% for m in stored -%}
            {{ m.agg }}({{ m.name }}) as {{ m.name }},
        {% endfor -%}
        max(match_started_at) as last_match_at,
        max(version_at) as stats_updated_at
    from per_match
    group by grouping sets ((account_id, weapon_id, match_type_bucket), (account_id, weapon_id))

),

final as (

    select
        aggregated.account_id,
        latest_names.player_name,
        aggregated.weapon_id,
        coalesce(weapons.weapon_name, aggregated.weapon_id) as weapon_name,
        coalesce(weapons.weapon_category, 'other') as weapon_category,
        aggregated.match_type,
        {% for m in columns -%}
            {{ pewstats.measure_value(m, 'aggregated') }} as {{ m.name }},
        {% endfor -%}
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
    match_type,
    {% for m in columns -%}
        {{ m.name }},
    {% endfor -%}
    last_match_at,
    stats_updated_at
from final
