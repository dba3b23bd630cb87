{{ config(materialized='view') }}

{#- Every combat event a statistic counts, one row each, with the rules applied here once:
    counted (isGame >= min_is_game), between enemies (both players, teams known and
    different), and per kind: damage > 0; kills credited to `killer`, not suicides.

    Shaped for PostgreSQL's planner (measured: see the YAML). A UNION ALL whose branches are
    plain selects with no WHERE becomes an "append relation": a condition on the view, such
    as a per-match model's `match_id in (changed matches)` or `event_type = 'damage'`,
    reaches each branch, so the changed matches are read through the raw tables' `match_id`
    indexes and the other kinds of event are not read at all. A branch with a WHERE of its
    own cannot be such a member (PostgreSQL keeps it a subquery and scans it whole), which
    is why each branch says whether its event counts (`counts`) and one WHERE outside
    keeps the counted ones. The three branches have the same shape on purpose: one per kind
    of event, each with its own columns and its own rule; a generated loop would hide both. -#}

select
    match_id,
    event_type,
    account_id,
    victim_account_id,
    dbno_id,
    weapon_id,
    damage_reason,
    is_headshot,
    damage,
    distance_m,
    loaded_at
from (

    select
        match_id,
        'damage' as event_type,
        attacker_account_id as account_id,
        victim_account_id,
        null as dbno_id,
        {{ pewstats.weapon_or_unknown('damage_causer_name') }} as weapon_id,
        {{ pewstats.weapon_or_unknown('damage_reason') }} as damage_reason,
        damage_reason = 'HeadShot' as is_headshot,
        damage,
        null as distance_m,
        loaded_at,
        (
            {{ pewstats.is_counted('is_game') }}
            and {{ pewstats.is_enemy('attacker', 'victim') }}
            and damage > 0
        ) as counts
    from {{ ref('stg_telemetry__player_take_damage') }}

    union all

    select
        match_id,
        'knock' as event_type,
        attacker_account_id as account_id,
        victim_account_id,
        dbno_id,
        {{ pewstats.weapon_or_unknown('damage_causer_name') }} as weapon_id,
        {{ pewstats.weapon_or_unknown('damage_reason') }} as damage_reason,
        damage_reason = 'HeadShot' as is_headshot,
        null as damage,
        distance_m,
        loaded_at,
        (
            {{ pewstats.is_counted('is_game') }}
            and {{ pewstats.is_enemy('attacker', 'victim') }}
        ) as counts
    from {{ ref('stg_telemetry__player_make_groggy') }}

    union all

    select
        match_id,
        'kill' as event_type,
        killer_account_id as account_id,
        victim_account_id,
        dbno_id,
        {{ pewstats.weapon_or_unknown('killer_damage_causer_name') }} as weapon_id,
        {{ pewstats.weapon_or_unknown('killer_damage_reason') }} as damage_reason,
        killer_damage_reason = 'HeadShot' as is_headshot,
        null as damage,
        killer_distance_m as distance_m,
        loaded_at,
        (
            {{ pewstats.is_counted('is_game') }}
            and {{ pewstats.is_enemy('killer', 'victim') }}
            and not coalesce(is_suicide, false)
        ) as counts
    from {{ ref('stg_telemetry__player_kill_v2') }}

) as combat_events
where counts
