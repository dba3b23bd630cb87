with source as (

    select * from {{ source('fight_detection', 'fight_detections') }}

),

renamed as (

    select
        match_id,
        detector_version,
        fight_count,
        file_sha256,
        load_id,
        loaded_at
    from source

)

select * from renamed
