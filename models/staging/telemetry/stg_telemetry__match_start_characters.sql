with source as (

    select * from {{ source('telemetry', 'log_match_start_characters') }}

),

renamed as (

    select
        match_id,
        character_index,
        character__name as player_name,
        character__teamid as player_team_id,
        character__accountid as player_account_id,
        character__type as player_type,
        load_id,
        loaded_at
    from source

)

select * from renamed
