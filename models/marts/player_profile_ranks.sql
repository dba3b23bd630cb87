{{
    config(
        materialized='table',
        indexes=[
            {'columns': ['account_id']},
        ] if target.type == 'postgres' else [],
    )
}}

{#- The radar's percentile ranks. Each depends on every player of the match type, so this is
    a table rebuilt on every build, from the profiles of the players who qualify (at least
    `min_profile_matches` matches): a narrow table, its cost measured in the README. -#}
{%- set axes = ['fight_win_pct', 'finishing_pct', 'headshot_kill_pct', 'fight_survival_pct'] %}

with qualified_profiles as (

    select
        account_id,
        match_type,
        {% for axis in axes -%}
            {{ axis }}{{ ',' if not loop.last }}
        {% endfor -%}
    from {{ ref('player_profiles') }}
    where matches >= {{ var('min_profile_matches') }}

),

ranked as (

    -- per axis: among the qualified players of the match type with a value on that axis,
    -- those with a lower value (rank - 1) out of the others (count - 1)
    select
        account_id,
        match_type,
        {% for axis in axes -%}
            case when {{ axis }} is not null then rank() over (
                partition by match_type, {{ axis }} is null order by {{ axis }}
            ) - 1 end as {{ axis }}_below,
            count(*) over (partition by match_type, {{ axis }} is null) - 1 as {{ axis }}_others{{ ',' if not loop.last }}
        {% endfor -%}
    from qualified_profiles

),

final as (

    select
        account_id,
        match_type,
        {% for axis in axes -%}
            {{ pewstats.safe_percent(axis ~ '_below', axis ~ '_others') }} as {{ axis }}_percentile{{ ',' if not loop.last }}
        {% endfor -%}
    from ranked

)

select
    account_id,
    match_type,
    {% for axis in axes -%}
        {{ axis }}_percentile{{ ',' if not loop.last }}
    {% endfor -%}
from final
