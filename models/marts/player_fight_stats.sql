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

{%- set measures = [
    'fights', 'fights_won', 'fights_lost', 'fights_drawn', 'third_party_fights', 'knocks',
    'kills', 'damage_dealt', 'damage_taken', 'times_knocked', 'times_killed', 'fights_survived',
] -%}

with per_match as (

    select
        player_fights.account_id,
        {% for m in measures -%}
            player_fights.{{ m }},
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
        case
            when grouping(match_type_bucket) = 1 then 'all' else match_type_bucket
        end as match_type,
        {% for m in measures -%}
            sum({{ m }}) as {{ m }},
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
        cast(aggregated.fights as integer) as fights,
        cast(aggregated.fights_won as integer) as fights_won,
        cast(aggregated.fights_lost as integer) as fights_lost,
        cast(aggregated.fights_drawn as integer) as fights_drawn,
        cast(aggregated.third_party_fights as integer) as third_party_fights,
        cast(aggregated.knocks as integer) as knocks,
        cast(aggregated.kills as integer) as kills,
        cast(aggregated.damage_dealt as numeric(20, 6)) as damage_dealt,
        cast(aggregated.damage_taken as numeric(20, 6)) as damage_taken,
        cast(aggregated.times_knocked as integer) as times_knocked,
        cast(aggregated.times_killed as integer) as times_killed,
        cast(aggregated.fights_survived as integer) as fights_survived,
        {{ pewstats.safe_ratio('aggregated.fights_survived', 'aggregated.fights') }} as survival_rate,
        {{ pewstats.safe_ratio('aggregated.damage_dealt', 'aggregated.fights') }} as avg_damage_per_fight,
        {{ pewstats.safe_ratio('aggregated.fights_won', 'aggregated.fights') }} as win_rate,
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
    fights,
    fights_won,
    fights_lost,
    fights_drawn,
    third_party_fights,
    knocks,
    kills,
    damage_dealt,
    damage_taken,
    times_knocked,
    times_killed,
    fights_survived,
    survival_rate,
    avg_damage_per_fight,
    win_rate,
    last_match_at,
    stats_updated_at
from final
