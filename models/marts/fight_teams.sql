{{ pewstats.rebuild_by(key='match_id', versions='stg_fight_detection__detections', version_column='loaded_at') }}
{{
    config(
        contract={'enforced': target.type == 'postgres'},
        indexes=pewstats.postgres_indexes('match_id', 'loaded_at'),
    )
}}

-- depends_on: {{ ref('fights') }}

-- Beside fights.sql and fight_participants.sql the same shape (a per-match
-- rebuild of one staging table, its columns listed): each fight mart states its own columns
-- and contract.
with final as (

    select
        teams.fight_id,
        teams.match_id,
        teams.team_id,
        teams.team_outcome,
        teams.loaded_at
    from {{ ref('stg_fight_detection__fight_teams') }} as teams
    where {{ pewstats.is_rebuilt('teams.match_id') }}

)

select
    fight_id,
    match_id,
    team_id,
    team_outcome,
    loaded_at
from final
