{{ pewstats.rebuild_by(key='match_id', versions='stg_fight_detection__detections', version_column='loaded_at') }}
{{
    config(
        contract={'enforced': target.type == 'postgres'},
        indexes=pewstats.postgres_indexes('match_id', 'account_id', 'loaded_at'),
    )
}}

-- depends_on: {{ ref('fights') }}

-- Beside fights.sql and fight_teams.sql the same shape (a per-match rebuild of one staging
-- table, its columns listed): each fight mart states its own columns and contract.
with final as (

    select
        participants.fight_id,
        participants.match_id,
        participants.account_id,
        participants.player_name,
        participants.team_id,
        participants.knocks_dealt,
        participants.kills_dealt,
        participants.damage_dealt,
        participants.damage_taken,
        participants.position_center_x,
        participants.position_center_y,
        participants.was_knocked,
        participants.was_killed,
        participants.survived,
        participants.knocked_at,
        participants.killed_at,
        participants.loaded_at
    from {{ ref('stg_fight_detection__fight_participants') }} as participants
    where {{ pewstats.is_rebuilt('participants.match_id') }}

)

select
    fight_id,
    match_id,
    account_id,
    player_name,
    team_id,
    knocks_dealt,
    kills_dealt,
    damage_dealt,
    damage_taken,
    position_center_x,
    position_center_y,
    was_knocked,
    was_killed,
    survived,
    knocked_at,
    killed_at,
    loaded_at
from final
