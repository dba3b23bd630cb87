{{
    pewstats.rebuild_by(
        key='account_id',
        versions='int_player_matches',
        version_column='changed_at',
        watermark_column='stats_updated_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'player_name', 'stats_updated_at')) }}

{#- The measures, in the mart's column order (macros/measures.sql). -#}
{%- set measures = [
    {'name': 'fights', 'agg': 'sum', 'type': 'integer'},
    {'name': 'fights_won', 'agg': 'sum', 'type': 'integer'},
    {'name': 'fights_lost', 'agg': 'sum', 'type': 'integer'},
    {'name': 'fights_drawn', 'agg': 'sum', 'type': 'integer'},
    {'name': 'third_party_fights', 'agg': 'sum', 'type': 'integer'},
    {'name': 'knocks', 'agg': 'sum', 'type': 'integer'},
    {'name': 'kills', 'agg': 'sum', 'type': 'integer'},
    {'name': 'damage_dealt', 'agg': 'sum', 'type': 'numeric(20, 6)'},
    {'name': 'damage_taken', 'agg': 'sum', 'type': 'numeric(20, 6)'},
    {'name': 'times_knocked', 'agg': 'sum', 'type': 'integer'},
    {'name': 'times_killed', 'agg': 'sum', 'type': 'integer'},
    {'name': 'fights_survived', 'agg': 'sum', 'type': 'integer'},
    {'name': 'survival_rate', 'ratio': ['fights_survived', 'fights']},
    {'name': 'avg_damage_per_fight', 'ratio': ['damage_dealt', 'fights']},
    {'name': 'win_rate', 'ratio': ['fights_won', 'fights']},
] -%}
{%- set stored = pewstats.stored_measures(measures) -%}

with per_day as (

    -- the days of the players to rebuild: a row per day and bucket with a fight row
    select
        account_id,
        {% for m in stored -%}
            {{ m.name }},
        {% endfor -%}
        match_type_bucket,
        last_match_at,
        version_at
    from {{ ref('int_player_day_fights') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

aggregated as (

    -- one pass, two groupings: per match-type bucket, and over all matches (`all`)
    select
        account_id,
        {{ pewstats.match_type_of_grouping() }} as match_type,
        {% for m in stored -%}
            {{ m.agg }}({{ m.name }}) as {{ m.name }},
        {% endfor -%}
        max(last_match_at) as last_match_at,
        max(version_at) as stats_updated_at
    from per_day
    group by grouping sets ((account_id, match_type_bucket), (account_id))

),

-- The same shape as the other player marts' final CTE (names and weapons joined, the columns
-- listed): a mart states its own grain and columns, as marts here do; what it computes comes
-- from macros/measures.sql and the per-match models, written once.
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
