{{ pewstats.rebuild_by(key='match_id', versions='stg_telemetry__matches', version_column='loaded_at') }}
{{ config(indexes=pewstats.postgres_indexes('match_id', 'account_id', 'loaded_at')) }}

-- Beside the other per-match models of int_combat_events the same shape (its events of one
-- kind, then one group by to the model's grain): each states the columns it reads and adds up.
with enemy_knocks as (

    select
        match_id,
        account_id,
        weapon_id,
        loaded_at
    from {{ ref('int_combat_events') }}
    where
        event_type = 'knock'
        and {{ pewstats.is_rebuilt('match_id') }}

),

final as (

    select
        match_id,
        account_id,
        weapon_id,
        count(*) as knock_downs,
        max(loaded_at) as loaded_at
    from enemy_knocks
    group by match_id, account_id, weapon_id

)

select
    match_id,
    account_id,
    weapon_id,
    knock_downs,
    loaded_at
from final
