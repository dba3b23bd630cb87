{{
    config(
        unique_key='match_id',
        indexes=[
            {'columns': ['match_id']},
            {'columns': ['account_id']},
            {'columns': ['changed_at']},
        ] if target.type == 'postgres' else [],
    )
}}

{#- The player x match spine. Every player seen in a match (telemetry or fights), rebuilt
    whenever any source of the match changes. When a new version of a match no longer has
    a player, that player's row stays as a tombstone (is_present = false) stamped with the
    new version, so the marts learn that this player must be recomputed. A full build reads
    every match without the `in (changed matches)` filters, which there only make the
    planner guess at a CTE's distinct values. -#}

with changed_matches as (

    select
        match_id,
        match_started_at,
        version_at
    from {{ ref('int_matches') }}
    {% if is_incremental() -%}
        where version_at > {{ pewstats.watermark('changed_at') }}
    {%- endif %}

),

characters as (

    select
        match_id,
        player_account_id as account_id,
        player_name,
        player_team_id as team_id,
        1 as source_rank
    from {{ ref('stg_telemetry__match_start_characters') }}
    {% if is_incremental() -%}
        where match_id in (select changed_matches.match_id from changed_matches)
    {%- endif %}

),

damage_actors as (

    select
        match_id,
        attacker_account_id as account_id,
        attacker_name as player_name,
        attacker_team_id as team_id,
        2 as source_rank
    from {{ ref('stg_telemetry__player_take_damage') }}
    {% if is_incremental() -%}
        where match_id in (select changed_matches.match_id from changed_matches)
    {%- endif %}
    union all
    select
        match_id,
        victim_account_id as account_id,
        victim_name as player_name,
        victim_team_id as team_id,
        2 as source_rank
    from {{ ref('stg_telemetry__player_take_damage') }}
    {% if is_incremental() -%}
        where match_id in (select changed_matches.match_id from changed_matches)
    {%- endif %}

),

knock_actors as (

    select
        match_id,
        attacker_account_id as account_id,
        attacker_name as player_name,
        attacker_team_id as team_id,
        2 as source_rank
    from {{ ref('stg_telemetry__player_make_groggy') }}
    {% if is_incremental() -%}
        where match_id in (select changed_matches.match_id from changed_matches)
    {%- endif %}

),

kill_actors as (

    select
        match_id,
        killer_account_id as account_id,
        killer_name as player_name,
        killer_team_id as team_id,
        2 as source_rank
    from {{ ref('stg_telemetry__player_kill_v2') }}
    {% if is_incremental() -%}
        where match_id in (select changed_matches.match_id from changed_matches)
    {%- endif %}
    union all
    select
        match_id,
        victim_account_id as account_id,
        victim_name as player_name,
        victim_team_id as team_id,
        2 as source_rank
    from {{ ref('stg_telemetry__player_kill_v2') }}
    {% if is_incremental() -%}
        where match_id in (select changed_matches.match_id from changed_matches)
    {%- endif %}

),

fight_actors as (

    select
        match_id,
        account_id,
        player_name,
        team_id,
        3 as source_rank
    from {{ ref('stg_fight_detection__fight_participants') }}
    {% if is_incremental() -%}
        where match_id in (select changed_matches.match_id from changed_matches)
    {%- endif %}

),

all_actors as (

    select * from characters
    union all
    select * from damage_actors
    union all
    select * from knock_actors
    union all
    select * from kill_actors
    union all
    select * from fight_actors

),

ranked_actors as (

    -- one name and team per player and match: LogMatchStart first, then events, then fights;
    -- ties broken by the smallest name so that the choice never depends on row order
    select
        match_id,
        account_id,
        player_name,
        team_id,
        row_number() over (
            partition by match_id, account_id
            order by source_rank, player_name, team_id
        ) as row_num
    from all_actors
    where {{ pewstats.is_player('account_id') }}

),

present_players as (

    select
        ranked_actors.match_id,
        ranked_actors.account_id,
        ranked_actors.player_name,
        ranked_actors.team_id,
        true as is_present
    from ranked_actors
    where ranked_actors.row_num = 1

),

{% if is_incremental() %}
    dropped_players as (

        select
            previous.match_id,
            previous.account_id,
            previous.player_name,
            previous.team_id,
            false as is_present
        from {{ this }} as previous
        left join present_players
            on
                previous.match_id = present_players.match_id
                and previous.account_id = present_players.account_id
        where
            previous.match_id in (select changed_matches.match_id from changed_matches)
            and present_players.account_id is null

    ),
{% endif %}

players as (

    select * from present_players
    {% if is_incremental() -%}
        union all
        select * from dropped_players
    {%- endif %}

),

final as (

    select
        players.match_id,
        players.account_id,
        players.player_name,
        players.team_id,
        changed_matches.match_started_at,
        players.is_present,
        changed_matches.version_at as changed_at
    from players
    inner join changed_matches on players.match_id = changed_matches.match_id

)

select
    match_id,
    account_id,
    player_name,
    team_id,
    match_started_at,
    is_present,
    changed_at
from final
