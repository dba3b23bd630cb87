{{ pewstats.rebuild_by_day(watermark_column='version_at') }}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'match_day', 'version_at')) }}

{#- player_weapon_stats per player, UTC day, match-type bucket and weapon: what the lifetime
    mart adds up for a player whose matches changed, a row per day played instead of a row
    per match. Rebuilt by day (the matches of the changed days, macros/rebuild.sql), so a
    build reads the new matches' days, and the mart reads a player's days, not every
    per-match row of the player's history. Only sums and maxima (the stored weapon measures
    of macros/measures.sql), so the mart's totals are exactly the per-match ones. -#}
{%- set per_match_models = pewstats.weapon_measure_models() -%}
{%- set measures = pewstats.stored_measures(pewstats.weapon_measures()) -%}

-- The same shape as the other per-player-day models and the daily marts (per-match rows of
-- the days to rebuild joined to their match, summed per player and day): each model states
-- its own grain and columns; the measures come from macros/measures.sql, the days from
-- pewstats.rebuild_by_day and is_on_rebuilt_day.
with per_match_weapon as (

    -- one row per player, match and weapon and per-match model; a model's row holds its own
    -- measures and the neutral value of the others (0 for a sum, null for a max)
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
        matches.match_started_at,
        matches.version_at
    from per_match_weapon
    inner join {{ ref('int_matches') }} as matches on per_match_weapon.match_id = matches.match_id

),

final as (

    select
        account_id,
        match_day,
        match_type_bucket,
        weapon_id,
        {% for m in measures -%}
            cast({{ m.agg }}({{ m.name }}) as {{ m.type }}) as {{ m.name }},
        {% endfor -%}
        max(match_started_at) as last_match_at,
        max(version_at) as version_at
    from per_match
    group by account_id, match_day, match_type_bucket, weapon_id

)

select
    account_id,
    match_day,
    match_type_bucket,
    weapon_id,
    {% for m in measures -%}
        {{ m.name }},
    {% endfor -%}
    last_match_at,
    version_at
from final
