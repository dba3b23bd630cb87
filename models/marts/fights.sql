{{ pewstats.rebuild_by(key='match_id', versions='stg_fight_detection__detections', version_column='loaded_at') }}
{{
    config(
        contract={'enforced': target.type == 'postgres'},
        indexes=pewstats.postgres_indexes('match_id', 'loaded_at'),
    )
}}

-- Beside fight_teams.sql and fight_participants.sql the same shape (a per-match
-- rebuild of one staging table, its columns listed): each fight mart states its own columns
-- and contract.
with final as (

    select
        fights.fight_id,
        fights.match_id,
        fights.fight_start_time,
        fights.fight_end_time,
        fights.duration_seconds,
        fights.team_ids,
        fights.primary_team_1,
        fights.primary_team_2,
        fights.third_party_teams,
        fights.total_knocks,
        fights.total_kills,
        fights.total_damage,
        fights.total_damage_events,
        fights.outcome,
        fights.winning_team_id,
        fights.loser_team_id,
        fights.fight_reason,
        fights.fight_center_x,
        fights.fight_center_y,
        fights.fight_spread_radius,
        fights.detector_version,
        fights.loaded_at
    from {{ ref('stg_fight_detection__fights') }} as fights
    where {{ pewstats.is_rebuilt('fights.match_id') }}

)

select
    fight_id,
    match_id,
    fight_start_time,
    fight_end_time,
    duration_seconds,
    team_ids,
    primary_team_1,
    primary_team_2,
    third_party_teams,
    total_knocks,
    total_kills,
    total_damage,
    total_damage_events,
    outcome,
    winning_team_id,
    loser_team_id,
    fight_reason,
    fight_center_x,
    fight_center_y,
    fight_spread_radius,
    detector_version,
    loaded_at
from final
