-- The profile's chart: "player P, totals per day for 90 days" (or any window, match type
-- and map). One range of player_daily_stats' (account_id, match_day) index.
-- vars: page_account_id, page_days (none: all time), page_until (default today, UTC),
-- page_match_type (default `all`), page_map_name (none: every map).

with window_rows as (

    select
        days.match_day,
        days.matches,
        days.kills,
        days.deaths,
        days.knocks,
        days.damage_dealt,
        days.fights,
        days.fights_won
    from {{ ref('player_daily_stats') }} as days
    where {{ pewstats.page_daily_filter('days') }}

),

final as (

    select
        match_day,
        cast(sum(matches) as integer) as matches,
        cast(sum(kills) as integer) as kills,
        cast(sum(deaths) as integer) as deaths,
        cast(sum(knocks) as integer) as knocks,
        cast(sum(damage_dealt) as numeric(20, 6)) as damage_dealt,
        cast(sum(fights) as integer) as fights,
        {{ pewstats.safe_percent('sum(fights_won)', 'sum(fights)') }} as fight_win_pct
    from window_rows
    group by match_day

)

select
    match_day,
    matches,
    kills,
    deaths,
    knocks,
    damage_dealt,
    fights,
    fight_win_pct
from final
order by match_day
