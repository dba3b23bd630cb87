{{ pewstats.rebuild_by_day(watermark_column='version_at') }}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'match_day', 'version_at')) }}

{#- Each account's last match of each UTC day it played (latest start, then highest match
    id) and its name there, rebuilt by day like int_player_day_weapons:
    int_player_latest_names ranks a player's days, not every spine row of the history. -#}

with day_matches as (

    select
        account_id,
        player_name,
        match_id,
        match_started_at,
        match_day,
        changed_at,
        row_number() over (
            partition by account_id, match_day
            order by match_started_at desc, match_id desc
        ) as row_num
    from {{ ref('int_player_matches') }}
    where {{ pewstats.is_on_rebuilt_day('match_id') }} and is_present

),

day_versions as (

    select
        account_id,
        match_day,
        max(changed_at) as version_at
    from day_matches
    group by account_id, match_day

),

final as (

    select
        day_matches.account_id,
        day_matches.match_day,
        day_matches.player_name,
        day_matches.match_id as last_match_id,
        day_matches.match_started_at as last_match_at,
        day_versions.version_at
    from day_matches
    inner join day_versions
        on
            day_matches.account_id = day_versions.account_id
            and day_matches.match_day = day_versions.match_day
    where day_matches.row_num = 1

)

select
    account_id,
    match_day,
    player_name,
    last_match_id,
    last_match_at,
    version_at
from final
