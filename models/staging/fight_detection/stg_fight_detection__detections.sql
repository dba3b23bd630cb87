{#- Generated from loader/formats/tables.py by `python -m loader.formats.staging --write`:
    change the definition, not this file. One select, no CTE: PostgreSQL plans a view with a
    WITH clause on its own, so the joins of the models that read it could not reach the raw
    tables' indexes. -#}

select
    match_id,
    detector_version,
    fight_count,
    file_sha256,
    load_id,
    loaded_at
from {{ source('fight_detection', 'fight_detections') }}
