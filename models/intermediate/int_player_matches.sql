{{
    pewstats.rebuild_by(
        key='match_id',
        versions='int_matches',
        version_column='version_at',
        watermark_column='changed_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes('match_id', ['account_id', 'changed_at'], 'changed_at')) }}
{#- (account_id, changed_at): the player models' filter `account_id in (select account_id from
    this where changed_at > <watermark>)` is planned, for a small table (player_fight_stats,
    player_profiles, their tests), as a probe of this index per row; with an index on
    account_id alone each probe read every spine row of the player (360 accounts with 11,000
    matches each at 40,000 matches: 7 s for player_fight_stats, 6.9 s for its unique test). -#}

{#- The player x match spine. Every player seen in a match (telemetry or fights), rebuilt
    whenever any source of the match changes. When a new version of a match no longer has
    a player, that player's row stays as a tombstone (is_present = false) stamped with the
    new version, so the marts learn that this player must be recomputed: the `rebuild`
    strategy deletes the match's old rows only after this model has read them. A tombstone
    keeps the day its row had (`match_day`), and a match whose new version starts on another
    UTC day leaves one on the old day for each of its old rows: the daily marts rebuild by
    day, and the old day must lose the match's old numbers. -#}

{#- Where players appear: (model, the prefix of its character columns, rank of its names) -#}
{%- set actor_sources = [
    ('stg_telemetry__match_start_characters', 'player_', 1),
    ('stg_telemetry__player_take_damage', 'attacker_', 2),
    ('stg_telemetry__player_take_damage', 'victim_', 2),
    ('stg_telemetry__player_make_groggy', 'attacker_', 2),
    ('stg_telemetry__player_kill_v2', 'killer_', 2),
    ('stg_telemetry__player_kill_v2', 'victim_', 2),
    ('stg_fight_detection__fight_participants', '', 3),
] -%}

with all_actors as (

    {% for model_name, prefix, rank in actor_sources -%}
        select
            match_id,
            {{ prefix }}account_id{{ ' as account_id' if prefix }},
            {{ prefix ~ 'name as player_name' if prefix else 'player_name' }},
            {{ prefix }}team_id{{ ' as team_id' if prefix }},
            {{ rank }} as source_rank
        from {{ ref(model_name) }}
        where {{ pewstats.is_rebuilt('match_id') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

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
    tombstones as (

        -- the old rows of the rebuilt matches that no present row of the same day replaces:
        -- players the new version dropped, and every old row of a match that moved to another day
        select
            previous.match_id,
            previous.account_id,
            previous.player_name,
            previous.team_id,
            previous.match_started_at,
            previous.match_day,
            false as is_present,
            matches.version_at as changed_at
        from {{ this }} as previous
        inner join {{ ref('int_matches') }} as matches on previous.match_id = matches.match_id
        left join present_players
            on
                previous.match_id = present_players.match_id
                and previous.account_id = present_players.account_id
                and previous.match_day = {{ pewstats.utc_date('matches.match_started_at') }}
        where
            {{ pewstats.is_rebuilt('previous.match_id') }}
            and present_players.account_id is null

    ),
{% endif %}

present_rows as (

    select
        present_players.match_id,
        present_players.account_id,
        present_players.player_name,
        present_players.team_id,
        matches.match_started_at,
        {{ pewstats.utc_date('matches.match_started_at') }} as match_day,
        present_players.is_present,
        matches.version_at as changed_at
    from present_players
    inner join {{ ref('int_matches') }} as matches on present_players.match_id = matches.match_id

),

final as (

    select * from present_rows
    {% if is_incremental() -%}
        union all
        select * from tombstones
    {%- endif %}

)

select
    match_id,
    account_id,
    player_name,
    team_id,
    match_started_at,
    match_day,
    is_present,
    changed_at
from final
