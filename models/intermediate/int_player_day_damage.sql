{{ pewstats.rebuild_by_day(watermark_column='version_at') }}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'match_day', 'version_at')) }}

{#- player_damage_stats per player, UTC day, match-type bucket, weapon and damage reason,
    rebuilt by day like int_player_day_weapons. `matches` counts the day's distinct
    matches: a match is on one day and in one bucket, so the mart's sum of them is its
    count of distinct matches. -#}
{%- set measures = pewstats.damage_measures() -%}

-- The same shape as the other per-player-day models and the daily marts (per-match rows of
-- the days to rebuild joined to their match, summed per player and day): each model states
-- its own grain and columns; the measures come from macros/measures.sql, the days from
-- pewstats.rebuild_by_day and is_on_rebuilt_day.
with per_match as (

    select
        damage.account_id,
        damage.weapon_id,
        damage.damage_reason,
        damage.match_id,
        {% for m in measures -%}
            damage.{{ m.name }},
        {% endfor -%}
        {{ pewstats.utc_date('matches.match_started_at') }} as match_day,
        matches.match_type_bucket,
        matches.match_started_at,
        matches.version_at
    from {{ ref('int_player_match_weapon_damage') }} as damage
    inner join {{ ref('int_matches') }} as matches on damage.match_id = matches.match_id
    where {{ pewstats.is_on_rebuilt_day('damage.match_id') }}

),

final as (

    select
        account_id,
        match_day,
        match_type_bucket,
        weapon_id,
        damage_reason,
        {% for m in measures -%}
            cast({{ m.agg }}({{ m.name }}) as {{ m.type }}) as {{ m.name }},
        {% endfor -%}
        cast(count(distinct match_id) as integer) as matches,
        max(match_started_at) as last_match_at,
        max(version_at) as version_at
    from per_match
    group by account_id, match_day, match_type_bucket, weapon_id, damage_reason

)

select
    account_id,
    match_day,
    match_type_bucket,
    weapon_id,
    damage_reason,
    {% for m in measures -%}
        {{ m.name }},
    {% endfor -%}
    matches,
    last_match_at,
    version_at
from final
