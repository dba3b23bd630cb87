with source as (

    select * from {{ source('fight_detection', 'fight_teams') }}

),

renamed as (

    select
        fight_id,
        match_id,
        team_id,
        team_outcome,
        load_id,
        loaded_at
    from source

)

select * from renamed
