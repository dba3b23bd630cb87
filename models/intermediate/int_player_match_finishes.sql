{{ pewstats.rebuild_by(key='match_id', versions='stg_telemetry__matches', version_column='loaded_at') }}
{{ config(indexes=pewstats.postgres_indexes('match_id', 'account_id', 'loaded_at')) }}

{#- Knocks the player also killed, per player and match, from the events of int_combat_events
    (its rules, applied there once: a knock is a counted LogPlayerMakeGroggy by the player on
    an enemy player; a kill is credited to `killer`, the contract's kill credit). A knock is
    finished when the kill of the same match, victim and dBNOId (the knock's id, which the
    game writes on the kill that ends it) is credited to the player. A knock that was
    revived, or whose kill went to a third team, is not finished. -#}

with knocks as (

    select
        match_id,
        account_id,
        victim_account_id,
        dbno_id,
        loaded_at
    from {{ ref('int_combat_events') }}
    where
        event_type = 'knock'
        and {{ pewstats.is_rebuilt('match_id') }}

),

kills as (

    select
        match_id,
        account_id,
        victim_account_id,
        dbno_id
    from {{ ref('int_combat_events') }}
    where
        event_type = 'kill'
        and {{ pewstats.is_rebuilt('match_id') }}

),

final as (

    select
        knocks.match_id,
        knocks.account_id,
        count(*) as knocks,
        count(kills.match_id) as knocks_finished,
        max(knocks.loaded_at) as loaded_at
    from knocks
    left join kills
        on
            knocks.match_id = kills.match_id
            and knocks.victim_account_id = kills.victim_account_id
            and knocks.dbno_id = kills.dbno_id
            and knocks.account_id = kills.account_id
    group by knocks.match_id, knocks.account_id

)

select
    match_id,
    account_id,
    knocks,
    knocks_finished,
    loaded_at
from final
