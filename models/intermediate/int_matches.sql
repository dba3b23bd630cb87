{{
    pewstats.rebuild_by(
        key='match_id',
        versions='int_match_versions',
        version_column='loaded_at',
        watermark_column='version_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes('match_id', 'version_at')) }}

{#- One row per match known from any source, and the place where each match's current
    version is decided. Rebuilt by match: the matches one of whose sources was loaded since
    the last build (int_match_versions), so a build does not re-read every match of the
    history. A changed seed (buckets) needs `--full-refresh`, as for every model. -#}

with telemetry_matches as (

    select
        match_id,
        match_definition_id,
        match_started_at,
        map_name,
        is_custom_game,
        loaded_at
    from {{ ref('stg_telemetry__matches') }}
    where {{ pewstats.is_rebuilt('match_id') }}

),

api_matches as (

    select
        match_id,
        created_at,
        match_type,
        game_mode,
        map_name,
        is_custom_match,
        loaded_at
    from {{ ref('stg_pubg_api__matches') }}
    where {{ pewstats.is_rebuilt('match_id') }}

),

fight_detections as (

    select
        match_id,
        loaded_at
    from {{ ref('stg_fight_detection__detections') }}
    where {{ pewstats.is_rebuilt('match_id') }}

),

all_match_ids as (

    select match_id from telemetry_matches
    union
    select match_id from api_matches
    union
    select match_id from fight_detections

),

joined as (

    select
        ids.match_id,
        coalesce(t.match_started_at, a.created_at) as match_started_at,
        coalesce(nullif(a.map_name, ''), t.map_name) as map_name,
        -- the API's matchType; without a match object, the type written in the telemetry's
        -- MatchId (match.bro.<type>.…)
        coalesce(
            nullif(a.match_type, ''),
            nullif({{ dbt.split_part('t.match_definition_id', "'.'", 3) }}, '')
        ) as match_type,
        a.game_mode,
        coalesce(a.is_custom_match, t.is_custom_game) as is_custom_match,
        t.loaded_at as telemetry_loaded_at,
        a.loaded_at as metadata_loaded_at,
        f.loaded_at as fights_loaded_at
    from all_match_ids as ids
    left join telemetry_matches as t on ids.match_id = t.match_id
    left join api_matches as a on ids.match_id = a.match_id
    left join fight_detections as f on ids.match_id = f.match_id

),

buckets as (

    select
        match_type,
        game_mode,
        bucket
    from {{ ref('match_type_buckets') }}

),

final as (

    select
        joined.match_id,
        joined.match_started_at,
        joined.map_name,
        joined.match_type,
        joined.game_mode,
        joined.is_custom_match,
        coalesce(exact.bucket, any_mode.bucket, 'other') as match_type_bucket,
        (exact.bucket is null and any_mode.bucket is null) as is_unknown_match_type,
        joined.telemetry_loaded_at,
        joined.metadata_loaded_at,
        joined.fights_loaded_at,
        greatest(
            coalesce(joined.telemetry_loaded_at, {{ pewstats.epoch() }}),
            coalesce(joined.metadata_loaded_at, {{ pewstats.epoch() }}),
            coalesce(joined.fights_loaded_at, {{ pewstats.epoch() }})
        ) as version_at
    from joined
    left join buckets as exact
        on
            joined.match_type = exact.match_type
            and joined.game_mode = exact.game_mode
    left join buckets as any_mode
        on
            joined.match_type = any_mode.match_type
            and any_mode.game_mode = '*'

)

select
    match_id,
    match_started_at,
    map_name,
    match_type,
    game_mode,
    is_custom_match,
    match_type_bucket,
    is_unknown_match_type,
    telemetry_loaded_at,
    metadata_loaded_at,
    fights_loaded_at,
    version_at
from final
