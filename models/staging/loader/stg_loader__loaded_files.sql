with source as (

    select * from {{ source('loader', 'loaded_files') }}

),

renamed as (

    select
        load_id,
        file_sha256,
        file_path,
        file_bytes,
        kind,
        match_id,
        status,
        error,
        row_counts,
        started_at,
        loaded_at
    from source

)

select * from renamed
