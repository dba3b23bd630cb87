{{ pewstats.rebuild_by(key='match_id', versions='stg_telemetry__matches', version_column='loaded_at') }}
{{ config(indexes=pewstats.postgres_indexes('match_id', 'account_id', 'loaded_at')) }}

{#- Deaths per player and match: counted LogPlayerKillV2 rows whose victim is the player,
    whatever killed them (an enemy, the blue zone, a fall, a team-mate, their own grenade). -#}

with player_deaths as (

    select
        match_id,
        victim_account_id as account_id,
        loaded_at
    from {{ ref('stg_telemetry__player_kill_v2') }}
    where
        {{ pewstats.is_rebuilt('match_id') }}
        and {{ pewstats.is_counted('is_game') }}
        and {{ pewstats.is_player('victim_account_id') }}

),

final as (

    select
        match_id,
        account_id,
        count(*) as deaths,
        max(loaded_at) as loaded_at
    from player_deaths
    group by match_id, account_id

)

select
    match_id,
    account_id,
    deaths,
    loaded_at
from final
