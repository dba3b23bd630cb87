{{ pewstats.rebuild_by_day(watermark_column='version_at') }}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'match_day', 'version_at')) }}

{#- player_fight_stats per player, UTC day and match-type bucket, rebuilt by day like
    int_player_day_weapons: a row for each day with a fight row of the player. -#}
{%- set measures = pewstats.stored_measures(pewstats.fight_measures()) -%}

-- The same shape as the other per-player-day models and the daily marts (per-match rows of
-- the days to rebuild joined to their match, summed per player and day): each model states
-- its own grain and columns; the measures come from macros/measures.sql, the days from
-- pewstats.rebuild_by_day and is_on_rebuilt_day.
with per_match as (

    select
        player_fights.account_id,
        {% for m in measures -%}
            player_fights.{{ m.name }},
        {% endfor -%}
        {{ pewstats.utc_date('matches.match_started_at') }} as match_day,
        matches.match_type_bucket,
        matches.match_started_at,
        matches.version_at
    from {{ ref('int_player_match_fights') }} as player_fights
    inner join {{ ref('int_matches') }} as matches on player_fights.match_id = matches.match_id
    where {{ pewstats.is_on_rebuilt_day('player_fights.match_id') }}

),

final as (

    select
        account_id,
        match_day,
        match_type_bucket,
        {% for m in measures -%}
            cast({{ m.agg }}({{ m.name }}) as {{ m.type }}) as {{ m.name }},
        {% endfor -%}
        max(match_started_at) as last_match_at,
        max(version_at) as version_at
    from per_match
    group by account_id, match_day, match_type_bucket

)

select
    account_id,
    match_day,
    match_type_bucket,
    {% for m in measures -%}
        {{ m.name }},
    {% endfor -%}
    last_match_at,
    version_at
from final
