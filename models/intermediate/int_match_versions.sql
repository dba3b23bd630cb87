{{ config(materialized='view') }}

{#- Every loaded version of every match, one row per source that has it: the versions that
    int_matches rebuilds by (a match is rebuilt when any of its sources was loaded after
    int_matches' newest version). A view: a UNION ALL of plain selects, so a filter on
    `loaded_at` reaches each source. -#}

with versions as (

    select
        match_id,
        loaded_at
    from {{ ref('stg_telemetry__matches') }}
    union all
    select
        match_id,
        loaded_at
    from {{ ref('stg_pubg_api__matches') }}
    union all
    select
        match_id,
        loaded_at
    from {{ ref('stg_fight_detection__detections') }}

)

select
    match_id,
    loaded_at
from versions
