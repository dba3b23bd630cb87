{{ pewstats.rebuild_by(key='account_id', versions='int_player_matches', version_column='changed_at') }}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'changed_at')) }}

{#- The name each account used in its most recent match (latest start, then match id).
    Rebuilt per player, like the player marts: a build reads only the spine rows of the
    players whose matches changed, so its cost does not grow with the whole history. -#}

with player_matches as (

    select
        account_id,
        player_name,
        match_started_at,
        match_id,
        is_present,
        changed_at
    from {{ ref('int_player_matches') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

player_versions as (

    select
        account_id,
        max(changed_at) as changed_at
    from player_matches
    group by account_id

),

ranked_names as (

    select
        account_id,
        player_name,
        row_number() over (
            partition by account_id
            order by match_started_at desc, match_id desc
        ) as row_num
    from player_matches
    where is_present

),

final as (

    select
        ranked_names.account_id,
        ranked_names.player_name,
        player_versions.changed_at
    from ranked_names
    inner join player_versions on ranked_names.account_id = player_versions.account_id
    where ranked_names.row_num = 1

)

select
    account_id,
    player_name,
    changed_at
from final
