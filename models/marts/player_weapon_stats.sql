{{
    pewstats.rebuild_by(
        key='account_id',
        versions='int_player_matches',
        version_column='changed_at',
        watermark_column='stats_updated_at',
    )
}}
{{
    config(
        indexes=[
            {'columns': ['account_id']},
            {'columns': ['player_name']},
            {'columns': ['stats_updated_at']},
        ] if target.type == 'postgres' else [],
    )
}}

with kills as (

    select
        match_id,
        account_id,
        weapon_id,
        total_kills,
        headshot_kills,
        kills_with_distance,
        total_kill_distance,
        longest_kill,
        close_range_kills,
        mid_range_kills,
        long_range_kills,
        0 as knock_downs,
        0 as damage_dealt,
        0 as hits
    from {{ ref('int_player_match_weapon_kills') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

knocks as (

    select
        match_id,
        account_id,
        weapon_id,
        0 as total_kills,
        0 as headshot_kills,
        0 as kills_with_distance,
        0 as total_kill_distance,
        cast(null as numeric(20, 8)) as longest_kill,
        0 as close_range_kills,
        0 as mid_range_kills,
        0 as long_range_kills,
        knock_downs,
        0 as damage_dealt,
        0 as hits
    from {{ ref('int_player_match_weapon_knocks') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

damage as (

    select
        match_id,
        account_id,
        weapon_id,
        0 as total_kills,
        0 as headshot_kills,
        0 as kills_with_distance,
        0 as total_kill_distance,
        cast(null as numeric(20, 8)) as longest_kill,
        0 as close_range_kills,
        0 as mid_range_kills,
        0 as long_range_kills,
        0 as knock_downs,
        total_damage as damage_dealt,
        total_hits as hits
    from {{ ref('int_player_match_weapon_damage') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

per_match as (

    select
        events.match_id,
        events.account_id,
        events.weapon_id,
        events.total_kills,
        events.headshot_kills,
        events.kills_with_distance,
        events.total_kill_distance,
        events.longest_kill,
        events.close_range_kills,
        events.mid_range_kills,
        events.long_range_kills,
        events.knock_downs,
        events.damage_dealt,
        events.hits,
        matches.match_type_bucket,
        matches.match_started_at,
        matches.version_at
    from (
        select
            match_id,
            account_id,
            weapon_id,
            total_kills,
            headshot_kills,
            kills_with_distance,
            total_kill_distance,
            longest_kill,
            close_range_kills,
            mid_range_kills,
            long_range_kills,
            knock_downs,
            damage_dealt,
            hits
        from kills
        union all
        select
            match_id,
            account_id,
            weapon_id,
            total_kills,
            headshot_kills,
            kills_with_distance,
            total_kill_distance,
            longest_kill,
            close_range_kills,
            mid_range_kills,
            long_range_kills,
            knock_downs,
            damage_dealt,
            hits
        from knocks
        union all
        select
            match_id,
            account_id,
            weapon_id,
            total_kills,
            headshot_kills,
            kills_with_distance,
            total_kill_distance,
            longest_kill,
            close_range_kills,
            mid_range_kills,
            long_range_kills,
            knock_downs,
            damage_dealt,
            hits
        from damage
    ) as events
    inner join {{ ref('int_matches') }} as matches on events.match_id = matches.match_id

),

aggregated as (

    -- one pass, two groupings: per match-type bucket, and over all matches (`all`)
    select
        account_id,
        weapon_id,
        case
            when grouping(match_type_bucket) = 1 then 'all' else match_type_bucket
        end as match_type,
        sum(total_kills) as total_kills,
        sum(headshot_kills) as headshot_kills,
        sum(knock_downs) as knock_downs,
        sum(kills_with_distance) as kills_with_distance,
        sum(total_kill_distance) as total_kill_distance,
        max(longest_kill) as longest_kill,
        sum(close_range_kills) as close_range_kills,
        sum(mid_range_kills) as mid_range_kills,
        sum(long_range_kills) as long_range_kills,
        sum(damage_dealt) as damage_dealt,
        sum(hits) as hits,
        max(match_started_at) as last_match_at,
        max(version_at) as stats_updated_at
    from per_match
    group by grouping sets ((account_id, weapon_id, match_type_bucket), (account_id, weapon_id))

),

final as (

    select
        aggregated.account_id,
        latest_names.player_name,
        aggregated.weapon_id,
        coalesce(weapons.weapon_name, aggregated.weapon_id) as weapon_name,
        coalesce(weapons.weapon_category, 'other') as weapon_category,
        aggregated.match_type,
        cast(aggregated.total_kills as integer) as total_kills,
        cast(aggregated.headshot_kills as integer) as headshot_kills,
        cast(aggregated.knock_downs as integer) as knock_downs,
        cast(aggregated.total_kill_distance as numeric(20, 8)) as total_kill_distance,
        cast(aggregated.longest_kill as numeric(20, 8)) as longest_kill,
        {{ pewstats.safe_ratio('aggregated.total_kill_distance', 'aggregated.kills_with_distance') }}
            as avg_kill_distance,
        cast(aggregated.close_range_kills as integer) as close_range_kills,
        cast(aggregated.mid_range_kills as integer) as mid_range_kills,
        cast(aggregated.long_range_kills as integer) as long_range_kills,
        cast(aggregated.damage_dealt as numeric(20, 6)) as damage_dealt,
        cast(aggregated.hits as integer) as hits,
        aggregated.last_match_at,
        aggregated.stats_updated_at
    from aggregated
    left join {{ ref('int_player_latest_names') }} as latest_names
        on aggregated.account_id = latest_names.account_id
    left join {{ ref('weapons') }} as weapons
        on aggregated.weapon_id = weapons.weapon_id

)

select
    account_id,
    player_name,
    weapon_id,
    weapon_name,
    weapon_category,
    match_type,
    total_kills,
    headshot_kills,
    knock_downs,
    total_kill_distance,
    longest_kill,
    avg_kill_distance,
    close_range_kills,
    mid_range_kills,
    long_range_kills,
    damage_dealt,
    hits,
    last_match_at,
    stats_updated_at
from final
