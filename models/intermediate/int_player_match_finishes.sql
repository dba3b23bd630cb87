{{ pewstats.rebuild_by(key='match_id', versions='stg_telemetry__matches', version_column='loaded_at') }}
{{ config(indexes=pewstats.postgres_indexes('match_id', 'account_id', 'loaded_at')) }}

{#- Knocks the player also killed, per player and match, from the events of int_combat_events
    (its rules, applied there once: a knock is a counted LogPlayerMakeGroggy by the player on
    an enemy player; a kill is credited to `killer`, the contract's kill credit). A knock is
    finished when the kill of the same match, victim and dBNOId (the knock's id, which the
    game writes on the kill that ends it) is credited to the player. A knock that was
    revived, or whose kill went to a third team, is not finished. -#}

-- The knocks and kills are read from int_combat_events once, into one CTE that the two below
-- share: PostgreSQL computes a CTE referenced twice once. Measured (EXPLAIN ANALYZE, 25 changed
-- matches of 30, scale 0.3, the machine shared): 32-81 ms, as when this model read the staging
-- views (38-67 ms); with a read of the view per CTE, PostgreSQL recomputed the kills for every
-- knock: 0.9-2.5 s.
with knocks_and_kills as (

    select
        match_id,
        event_type,
        account_id,
        victim_account_id,
        dbno_id,
        loaded_at
    from {{ ref('int_combat_events') }}
    where
        event_type in ('knock', 'kill')
        and {{ pewstats.is_rebuilt('match_id') }}

),

knocks as (

    select
        match_id,
        account_id,
        victim_account_id,
        dbno_id,
        loaded_at
    from knocks_and_kills
    where event_type = 'knock'

),

kills as (

    select
        match_id,
        account_id,
        victim_account_id,
        dbno_id
    from knocks_and_kills
    where event_type = 'kill'

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
