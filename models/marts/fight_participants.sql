{{ pewstats.rebuild_by(key='match_id', versions='stg_fight_detection__detections', version_column='loaded_at') }}
{{
    config(
        contract={'enforced': target.type == 'postgres'},
        indexes=[
            {'columns': ['match_id']},
            {'columns': ['account_id']},
            {'columns': ['loaded_at']},
        ] if target.type == 'postgres' else [],
    )
}}

-- depends_on: {{ ref('fights') }}

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
