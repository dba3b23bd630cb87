{{ pewstats.rebuild_by(key='account_id', versions='int_player_matches', version_column='changed_at') }}
{{ config(indexes=pewstats.postgres_indexes('account_id', 'changed_at')) }}

{#- The name each account used in its most recent match (latest start, then match id).
    Rebuilt per player, like the player marts, from the player's days (int_player_day_names:
    each day's last match and name), so its cost grows with the days a player played, not
    with every match of the history. -#}

with player_days as (

    select
        account_id,
        player_name,
        last_match_at,
        last_match_id,
        version_at
    from {{ ref('int_player_day_names') }}
    where {{ pewstats.is_rebuilt('account_id') }}

),

player_versions as (

    select
        account_id,
        max(version_at) as changed_at
    from player_days
    group by account_id

),

ranked_names as (

    select
        account_id,
        player_name,
        row_number() over (
            partition by account_id
            order by last_match_at desc, last_match_id desc
        ) as row_num
    from player_days

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
