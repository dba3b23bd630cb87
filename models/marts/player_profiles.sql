{{
    pewstats.rebuild_by(
        key='account_id',
        versions='int_player_matches',
        version_column='changed_at',
        watermark_column='stats_updated_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'stats_updated_at')) }}

{#- The player profile: one row per player and match type (each bucket and `all`), summed
    from the daily marts of the players to rebuild. The radar's percentile ranks depend on
    every player and live in player_profile_ranks. -#}
{%- set categories = ['AR', 'DMR', 'SR', 'SMG', 'Shotgun', 'LMG', 'Pistol', 'Melee', 'Throwable', 'Other'] -%}
{%- set body_parts = ['head', 'torso', 'arm', 'pelvis', 'leg', 'non_specific'] -%}
{%- set totals = [
    'matches', 'kills', 'deaths', 'knocks', 'knocks_finished', 'headshot_kills',
    'fights', 'fights_won', 'fights_survived',
] %}

with daily as (

    select
        account_id,
        match_type as match_type_bucket,
        match_day,
        {% for name in totals -%}
            {{ name }},
        {% endfor -%}
        {% for part in body_parts -%}
            damage_{{ part }},
        {% endfor -%}
        damage_dealt,
        stats_updated_at
    from {{ ref('player_daily_stats') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

weapon_daily as (

    select
        account_id,
        match_type as match_type_bucket,
        radar_category,
        total_kills,
        damage_dealt
    from {{ ref('player_weapon_daily_stats') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

player_totals as (

    -- one pass, two groupings: per match-type bucket, and over all matches (`all`)
    select
        account_id,
        {{ pewstats.match_type_of_grouping() }} as match_type,
        {% for name in totals -%}
            sum({{ name }}) as {{ name }},
        {% endfor -%}
        {% for part in body_parts -%}
            sum(damage_{{ part }}) as damage_{{ part }},
        {% endfor -%}
        sum(
            {% for part in body_parts -%}
                damage_{{ part }}{{ ' + ' if not loop.last }}
            {%- endfor %}
        ) as body_part_damage,
        sum(damage_dealt) as damage_dealt,
        max(match_day) as last_match_day,
        max(stats_updated_at) as stats_updated_at
    from daily
    group by grouping sets ((account_id, match_type_bucket), (account_id))

),

category_totals as (

    select
        account_id,
        {{ pewstats.match_type_of_grouping() }} as match_type,
        {% for c in categories -%}
            sum(case when radar_category = '{{ c }}' then total_kills else 0 end) as kills_{{ c | lower }},
            sum(case when radar_category = '{{ c }}' then damage_dealt else 0 end) as damage_{{ c | lower }},
        {% endfor -%}
        sum(total_kills) as weapon_kills,
        sum(damage_dealt) as weapon_damage
    from weapon_daily
    group by grouping sets ((account_id, match_type_bucket), (account_id))

),

-- The same shape as the other player marts' final CTE (names and weapons joined, the columns
-- listed): a mart states its own grain and columns, as marts here do; what it computes comes
-- from macros/measures.sql and the per-match models, written once.
final as (

    select
        player_totals.account_id,
        latest_names.player_name,
        player_totals.match_type,
        cast(player_totals.matches as integer) as matches,
        cast(player_totals.kills as integer) as kills,
        cast(player_totals.deaths as integer) as deaths,
        cast(player_totals.knocks as integer) as knocks,
        cast(player_totals.knocks_finished as integer) as knocks_finished,
        cast(player_totals.headshot_kills as integer) as headshot_kills,
        cast(player_totals.damage_dealt as numeric(20, 6)) as damage_dealt,
        cast(player_totals.fights as integer) as fights,
        cast(player_totals.fights_won as integer) as fights_won,
        cast(player_totals.fights_survived as integer) as fights_survived,
        {{ pewstats.safe_percent('player_totals.headshot_kills', 'player_totals.kills') }} as headshot_kill_pct,
        {{ pewstats.safe_percent('player_totals.knocks_finished', 'player_totals.knocks') }} as finishing_pct,
        {{ pewstats.safe_percent('player_totals.fights_won', 'player_totals.fights') }} as fight_win_pct,
        {{ pewstats.safe_percent('player_totals.fights_survived', 'player_totals.fights') }} as fight_survival_pct,
        {{ pewstats.safe_ratio('player_totals.damage_dealt', 'player_totals.matches') }} as avg_damage_per_match,
        {% for c in categories -%}
            {%- set share = pewstats.safe_percent(
                'category_totals.kills_' ~ c | lower,
                'category_totals.weapon_kills') %}
            {{ share }} as kills_share_{{ c | lower }},
        {% endfor -%}
        {% for c in categories -%}
            {%- set share = pewstats.safe_percent(
                'category_totals.damage_' ~ c | lower,
                'category_totals.weapon_damage') %}
            {{ share }} as damage_share_{{ c | lower }},
        {% endfor -%}
        {% for part in body_parts -%}
            {%- set share = pewstats.safe_percent('player_totals.damage_' ~ part, 'player_totals.body_part_damage') %}
            {{ share }} as damage_share_{{ part }},
        {% endfor -%}
        player_totals.last_match_day,
        player_totals.stats_updated_at
    from player_totals
    left join category_totals
        on
            player_totals.account_id = category_totals.account_id
            and player_totals.match_type = category_totals.match_type
    left join {{ ref('int_player_latest_names') }} as latest_names
        on player_totals.account_id = latest_names.account_id

)

select
    account_id,
    player_name,
    match_type,
    matches,
    kills,
    deaths,
    knocks,
    knocks_finished,
    headshot_kills,
    damage_dealt,
    fights,
    fights_won,
    fights_survived,
    headshot_kill_pct,
    finishing_pct,
    fight_win_pct,
    fight_survival_pct,
    avg_damage_per_match,
    {% for c in categories -%}
        kills_share_{{ c | lower }},
    {% endfor -%}
    {% for c in categories -%}
        damage_share_{{ c | lower }},
    {% endfor -%}
    {% for part in body_parts -%}
        damage_share_{{ part }},
    {% endfor -%}
    last_match_day,
    stats_updated_at
from final
