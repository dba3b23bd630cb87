{{
    config(
        unique_key='match_id',
        contract={'enforced': target.type == 'postgres'},
        pre_hook="{{ pewstats.delete_changed('match_id', pewstats.changed_matches('stg_fight_detection__detections')) }}",
        indexes=[
            {'columns': ['match_id']},
            {'columns': ['loaded_at']},
        ] if target.type == 'postgres' else [],
    )
}}

-- depends_on: {{ ref('fights') }}

with changed_matches as (

    select
        match_id,
        loaded_at
    from {{ ref('stg_fight_detection__detections') }}
    {% if is_incremental() -%}
        where loaded_at > {{ pewstats.watermark('loaded_at') }}
    {%- endif %}

),

final as (

    select
        teams.fight_id,
        teams.match_id,
        teams.team_id,
        teams.team_outcome,
        changed_matches.loaded_at
    from {{ ref('stg_fight_detection__fight_teams') }} as teams
    inner join changed_matches on teams.match_id = changed_matches.match_id

)

select
    fight_id,
    match_id,
    team_id,
    team_outcome,
    loaded_at
from final
