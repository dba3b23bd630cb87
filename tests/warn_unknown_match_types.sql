{{ config(severity='warn') }}

-- Game types seen in the data but unknown to the match_type_buckets seed: they land in
-- the `other` bucket until the seed names them.

with final as (

    select distinct
        match_type,
        game_mode
    from {{ ref('int_matches') }}
    where is_unknown_match_type

)

select
    match_type,
    game_mode
from final
