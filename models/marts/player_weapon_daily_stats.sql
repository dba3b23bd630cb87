{{ pewstats.rebuild_by_day(watermark_column='stats_updated_at') }}
{{ config(indexes=pewstats.postgres_indexes(['account_id', 'match_day'], 'match_day', 'stats_updated_at')) }}

{#- player_weapon_stats per UTC day, match-type bucket, map and game mode: the page's weapon
    breakdown of any window is one range of the (account_id, match_day) index. The same
    per-match models and measures as player_weapon_stats (macros/measures.sql: weapon_measures,
    defined once for both), the additive ones and maxima only: a window's average kill
    distance is its total_kill_distance over its kills_with_distance (analyses/). -#}
{%- set per_match_models = pewstats.weapon_measure_models() -%}
{%- set measures = pewstats.stored_measures(pewstats.weapon_measures()) %}

-- The same shape as the other player marts (per-match rows joined to their match, rolled up
-- to the mart's grain, names and weapons joined, the columns listed): a mart states its own
-- grain and columns, as marts here do; what it computes comes from macros/measures.sql and
-- the per-match models, written once.
with per_match_weapon as (

    -- one row per player, match and weapon and per-match model (as in int_player_day_weapons)
    {%- set keys = ['match_id', 'account_id', 'weapon_id'] %}
    {{ pewstats.stacked_per_match_rows(per_match_models, measures, keys, pewstats.is_on_rebuilt_day('match_id')) }}

),

per_match as (

    select
        per_match_weapon.account_id,
        per_match_weapon.weapon_id,
        {% for m in measures -%}
            per_match_weapon.{{ m.name }},
        {% endfor -%}
        {{ pewstats.utc_date('matches.match_started_at') }} as match_day,
        matches.match_type_bucket,
        matches.map_name,
        matches.game_mode,
        matches.version_at
    from per_match_weapon
    inner join {{ ref('int_matches') }} as matches on per_match_weapon.match_id = matches.match_id

),

aggregated as (

    select
        account_id,
        match_day,
        match_type_bucket,
        map_name,
        game_mode,
        weapon_id,
        {% for m in measures -%}
            {{ m.agg }}({{ m.name }}) as {{ m.name }},
        {% endfor -%}
        max(version_at) as stats_updated_at
    from per_match
    group by account_id, match_day, match_type_bucket, map_name, game_mode, weapon_id

),

final as (

    select
        aggregated.account_id,
        aggregated.match_day,
        aggregated.match_type_bucket as match_type,
        aggregated.map_name,
        aggregated.game_mode,
        aggregated.weapon_id,
        coalesce(weapons.weapon_name, aggregated.weapon_id) as weapon_name,
        coalesce(weapons.weapon_category, 'other') as weapon_category,
        coalesce(weapons.radar_category, 'Other') as radar_category,
        {% for m in measures -%}
            {{ pewstats.measure_value(m, 'aggregated') }} as {{ m.name }},
        {% endfor -%}
        aggregated.stats_updated_at
    from aggregated
    left join {{ ref('weapons') }} as weapons
        on aggregated.weapon_id = weapons.weapon_id

)

select
    account_id,
    match_day,
    match_type,
    map_name,
    game_mode,
    weapon_id,
    weapon_name,
    weapon_category,
    radar_category,
    {% for m in measures -%}
        {{ m.name }},
    {% endfor -%}
    stats_updated_at
from final
