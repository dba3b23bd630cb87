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
        account_id,
        match_type,
        case when fight_win_pct is not null then rank() over (
            partition by match_type, fight_win_pct is null order by fight_win_pct
        ) - 1 end as fight_win_pct_below,
        count(*) over (partition by match_type, fight_win_pct is null) - 1 as fight_win_pct_others,
        case when finishing_pct is not null then rank() over (
            partition by match_type, finishing_pct is null order by finishing_pct
        ) - 1 end as finishing_pct_below,
        count(*) over (partition by match_type, finishing_pct is null) - 1 as finishing_pct_others,
        case when headshot_kill_pct is not null then rank() over (
            partition by match_type, headshot_kill_pct is null order by headshot_kill_pct
        ) - 1 end as headshot_kill_pct_below,
        count(*) over (partition by match_type, headshot_kill_pct is null) - 1 as headshot_kill_pct_others,
        case when fight_survival_pct is not null then rank() over (
            partition by match_type, fight_survival_pct is null order by fight_survival_pct
        ) - 1 end as fight_survival_pct_below,
        count(*) over (partition by match_type, fight_survival_pct is null) - 1 as fight_survival_pct_others
    from qualified_profiles

),

final as (

    select
        account_id,
        match_type,
        {{ pewstats.safe_percent('fight_win_pct_below', 'fight_win_pct_others') }} as fight_win_pct_percentile,
        {{ pewstats.safe_percent('finishing_pct_below', 'finishing_pct_others') }} as finishing_pct_percentile,
        {{ pewstats.safe_percent('headshot_kill_pct_below', 'headshot_kill_pct_others') }}
            as headshot_kill_pct_percentile,
        {{ pewstats.safe_percent('fight_survival_pct_below', 'fight_survival_pct_others') }}
            as fight_survival_pct_percentile
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
