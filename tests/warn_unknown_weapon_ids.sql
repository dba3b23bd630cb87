{{ config(severity='warn') }}

-- Weapon ids seen in the data but missing from the weapons seed: add them to seeds/weapons.csv.
-- On an incremental build, among the rows it rebuilt (macros/scoped_tests.sql).

with seen as (

    select weapon_id from {{ ref('int_player_match_weapon_damage') }}
    where {{ pewstats.rows_built_by('int_player_match_weapon_damage') }}
    union
    select weapon_id from {{ ref('int_player_match_weapon_kills') }}
    where {{ pewstats.rows_built_by('int_player_match_weapon_kills') }}
    union
    select weapon_id from {{ ref('int_player_match_weapon_knocks') }}
    where {{ pewstats.rows_built_by('int_player_match_weapon_knocks') }}

),

final as (

    select seen.weapon_id
    from seen
    left join {{ ref('weapons') }} as weapons on seen.weapon_id = weapons.weapon_id
    where weapons.weapon_id is null

)

select weapon_id
from final
