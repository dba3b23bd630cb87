{{ config(materialized='view') }}

{#- The name each account used in its most recent match (latest start, then match id). -#}

with present_players as (

    select
        account_id,
        player_name,
        match_started_at,
        match_id
    from {{ ref('int_player_matches') }}
    where is_present

),

ranked as (

    select
        account_id,
        player_name,
        row_number() over (
            partition by account_id
            order by match_started_at desc, match_id desc
        ) as row_num
    from present_players

),

final as (

    select
        account_id,
        player_name
    from ranked
    where row_num = 1

)

select
    account_id,
    player_name
from final
