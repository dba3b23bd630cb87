-- Each (match_type, game_mode) pair of the match_type_buckets seed is listed once, so that
-- the lookup (exact game mode first, then '*') finds at most one row at each step.

with buckets as (

    select
        match_type,
        game_mode
    from {{ ref('match_type_buckets') }}

),

final as (

    select
        match_type,
        game_mode,
        count(*) as row_count
    from buckets
    group by match_type, game_mode
    having count(*) > 1

)

select
    match_type,
    game_mode,
    row_count
from final
