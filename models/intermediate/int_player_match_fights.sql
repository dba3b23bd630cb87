{{ pewstats.rebuild_by(key='match_id', versions='stg_fight_detection__detections', version_column='loaded_at') }}
{{ config(indexes=pewstats.postgres_indexes('match_id', 'account_id', 'loaded_at')) }}

with participants as (

    select
        p.fight_id,
        p.match_id,
        p.account_id,
        p.team_id,
        p.knocks_dealt,
        p.kills_dealt,
        p.damage_dealt,
        p.damage_taken,
        p.was_knocked,
        p.was_killed,
        p.survived,
        p.loaded_at
    from {{ ref('stg_fight_detection__fight_participants') }} as p
    where
        {{ pewstats.is_rebuilt('p.match_id') }}
        and {{ pewstats.is_player('p.account_id') }}

),

fights as (

    select
        fight_id,
        primary_team_1,
        primary_team_2
    from {{ ref('stg_fight_detection__fights') }}
    where {{ pewstats.is_rebuilt('match_id') }}

),

fight_teams as (

    select
        fight_id,
        team_id,
        team_outcome
    from {{ ref('stg_fight_detection__fight_teams') }}
    where {{ pewstats.is_rebuilt('match_id') }}

),

participant_fights as (

    select
        participants.match_id,
        participants.account_id,
        participants.knocks_dealt,
        participants.kills_dealt,
        participants.damage_dealt,
        participants.damage_taken,
        participants.loaded_at,
        fight_teams.team_outcome,
        -- a third party: the player's team was neither of the fight's two primary teams
        coalesce(
            participants.team_id <> fights.primary_team_1
            and participants.team_id <> fights.primary_team_2,
            false
        ) as is_third_party,
        case when participants.was_knocked then 1 else 0 end as knocked,
        case when participants.was_killed then 1 else 0 end as killed,
        case when participants.survived then 1 else 0 end as survived
    from participants
    inner join fights on participants.fight_id = fights.fight_id
    left join fight_teams
        on
            participants.fight_id = fight_teams.fight_id
            and participants.team_id = fight_teams.team_id

),

final as (

    select
        match_id,
        account_id,
        count(*) as fights,
        sum(case when team_outcome = 'WON' then 1 else 0 end) as fights_won,
        sum(case when team_outcome = 'LOST' then 1 else 0 end) as fights_lost,
        sum(case when team_outcome = 'DRAW' then 1 else 0 end) as fights_drawn,
        sum(case when is_third_party then 1 else 0 end) as third_party_fights,
        coalesce(sum(knocks_dealt), 0) as knocks,
        coalesce(sum(kills_dealt), 0) as kills,
        coalesce(sum(damage_dealt), 0) as damage_dealt,
        coalesce(sum(damage_taken), 0) as damage_taken,
        sum(knocked) as times_knocked,
        sum(killed) as times_killed,
        sum(survived) as fights_survived,
        max(loaded_at) as loaded_at
    from participant_fights
    group by match_id, account_id

)

select
    match_id,
    account_id,
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
    loaded_at
from final
