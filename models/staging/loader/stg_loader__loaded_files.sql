{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

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
from {{ source('loader', 'loaded_files') }}
