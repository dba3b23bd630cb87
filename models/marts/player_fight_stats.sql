{{
    pewstats.rebuild_by(
        key='account_id',
        versions='int_player_matches',
        version_column='changed_at',
        watermark_column='stats_updated_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'player_name', 'stats_updated_at')) }}

{#- The measures, in the mart's column order: macros/measures.sql (fight_measures, defined
    once for this mart and player_daily_stats). -#}
{%- set measures = pewstats.fight_measures() -%}
{%- set stored = pewstats.stored_measures(measures) -%}

-- The same shape as the other player marts (per-match rows joined to their match, rolled up
-- to the mart's grain, names and weapons joined, the columns listed): a mart states its own
-- grain and columns, as marts here do; what it computes comes from macros/measures.sql and
-- the per-match models, written once.
with per_match as (

    select
        player_fights.account_id,
        {% for m in stored -%}
            player_fights.{{ m.name }},
        {% endfor -%}
        matches.match_type_bucket,
        matches.match_started_at,
        matches.version_at
    from {{ ref('int_player_match_fights') }} as player_fights
    inner join {{ ref('int_matches') }} as matches on player_fights.match_id = matches.match_id
    where {{ pewstats.is_rebuilt('player_fights.account_id') }}

),

aggregated as (

    -- one pass, two groupings: per match-type bucket, and over all matches (`all`)
    select
        account_id,
        {{ pewstats.match_type_of_grouping() }} as match_type,
        {% for m in stored -%}
            {{ m.agg }}({{ m.name }}) as {{ m.name }},
        {% endfor -%}
        max(match_started_at) as last_match_at,
        max(version_at) as stats_updated_at
    from per_match
    group by grouping sets ((account_id, match_type_bucket), (account_id))

),

final as (

    select
        aggregated.account_id,
        latest_names.player_name,
        aggregated.match_type,
        {% for m in measures -%}
            {{ pewstats.measure_value(m, 'aggregated') }} as {{ m.name }},
        {% endfor -%}
        aggregated.last_match_at,
        aggregated.stats_updated_at
    from aggregated
    left join {{ ref('int_player_latest_names') }} as latest_names
        on aggregated.account_id = latest_names.account_id

)

select
    account_id,
    player_name,
    match_type,
    {% for m in measures -%}
        {{ m.name }},
    {% endfor -%}
    last_match_at,
    stats_updated_at
from final
