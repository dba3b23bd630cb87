{{
    config(
        materialized='table',
        indexes=pewstats.postgres_indexes('account_id'),
    )
}}

{#- The radar's percentile ranks. Each depends on every player of the match type, so this is
    a table rebuilt on every build, from the profiles of the players who qualify (at least
    `min_profile_matches` matches): a narrow table, its cost measured in the README. Per
    axis, among the qualified players of the match type with a value on that axis: those
    with a lower value (rank - 1) out of the others (count - 1). -#}
{%- set axes = ['fight_win_pct', 'finishing_pct', 'headshot_kill_pct', 'fight_survival_pct'] %}

with qualified_profiles as (

    select
        account_id,
        match_type,
        fight_win_pct,
        finishing_pct,
        headshot_kill_pct,
        fight_survival_pct
    from {{ ref('player_profiles') }}
    where matches >= {{ var('min_profile_matches') }}

),

ranked as (

    select
        {% for axis in axes -%}
            case when {{ axis }} is not null then rank() over (
                partition by match_type, {{ axis }} is null order by {{ axis }}
            ) - 1 end as {{ axis }}_below,
            count(*) over (partition by match_type, {{ axis }} is null) - 1 as {{ axis }}_others,
        {% endfor -%}
        account_id,
        match_type
    from qualified_profiles

),

final as (

    select
        {% for axis in axes -%}
            {{ pewstats.safe_percent(axis ~ '_below', axis ~ '_others') }} as {{ axis }}_percentile,
        {% endfor -%}
        account_id,
        match_type
    from ranked

)

select
    account_id,
    match_type,
    fight_win_pct_percentile,
    finishing_pct_percentile,
    headshot_kill_pct_percentile,
    fight_survival_pct_percentile
from final
