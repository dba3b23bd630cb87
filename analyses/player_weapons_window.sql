-- The profile's top weapons in a window: "player P, weapon breakdown, last 30 days, ranked,
-- on Erangel". One range of player_weapon_daily_stats' (account_id, match_day) index; the
-- window's ratios from its sums, with the lifetime marts' formulas.
-- vars: page_account_id, page_days (none: all time), page_until (default today, UTC),
-- page_match_type (default `all`), page_map_name (none: every map).

with window_rows as (

    select
        weapon_days.weapon_id,
        weapon_days.weapon_name,
        weapon_days.radar_category,
        weapon_days.total_kills,
        weapon_days.headshot_kills,
        weapon_days.knock_downs,
        weapon_days.kills_with_distance,
        weapon_days.total_kill_distance,
        weapon_days.longest_kill,
        weapon_days.damage_dealt,
        weapon_days.hits
    from {{ ref('player_weapon_daily_stats') }} as weapon_days
    where {{ pewstats.page_daily_filter('weapon_days') }}

),

weapons as (

    select
        weapon_id,
        weapon_name,
        radar_category,
        sum(total_kills) as kills,
        sum(headshot_kills) as headshot_kills,
        sum(knock_downs) as knocks,
        sum(kills_with_distance) as kills_with_distance,
        sum(total_kill_distance) as total_kill_distance,
        max(longest_kill) as longest_kill,
        sum(damage_dealt) as damage_dealt,
        sum(hits) as hits
    from window_rows
    group by weapon_id, weapon_name, radar_category

),

final as (

    select
        weapon_id,
        weapon_name,
        radar_category,
        cast(kills as integer) as kills,
        cast(knocks as integer) as knocks,
        cast(damage_dealt as numeric(20, 6)) as damage_dealt,
        cast(hits as integer) as hits,
        {{ pewstats.safe_percent('headshot_kills', 'kills') }} as headshot_kill_pct,
        {{ pewstats.safe_ratio('total_kill_distance', 'kills_with_distance') }} as avg_kill_distance,
        cast(longest_kill as numeric(20, 8)) as longest_kill
    from weapons

)

select
    weapon_id,
    weapon_name,
    radar_category,
    kills,
    knocks,
    damage_dealt,
    hits,
    headshot_kill_pct,
    avg_kill_distance,
    longest_kill
from final
order by damage_dealt desc, kills desc, weapon_id
