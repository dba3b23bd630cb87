{{
    pewstats.rebuild_by(
        key='match_day',
        versions='int_player_matches',
        version_column='changed_at',
        watermark_column='stats_updated_at',
    )
}}
{{ config(indexes=pewstats.postgres_indexes(['account_id', 'match_day'], 'match_day', 'stats_updated_at')) }}

{#- One row per player, UTC day, match-type bucket, map and game mode: the player page's
    totals per day, so that any window (7, 30, 90 days, all) is one range of the
    (account_id, match_day) index. Additive measures and maxima only: a window's ratios are
    computed from its sums (analyses/). The measures come from the per-match models, as in
    the lifetime marts (macros/measures.sql); `matches` from the spine. -#}
{%- set body_parts = [
    ('damage_head', 'HeadShot'),
    ('damage_torso', 'TorsoShot'),
    ('damage_arm', 'ArmShot'),
    ('damage_pelvis', 'PelvisShot'),
    ('damage_leg', 'LegShot'),
    ('damage_non_specific', 'NonSpecific'),
] -%}
{%- set per_match_models = {
    'spine': ('int_player_matches', 'is_present'),
    'kills': ('int_player_match_weapon_kills', 'true'),
    'knocks': ('int_player_match_weapon_knocks', 'true'),
    'finishes': ('int_player_match_finishes', 'true'),
    'deaths': ('int_player_match_deaths', 'true'),
    'damage': ('int_player_match_weapon_damage', 'true'),
    'fights': ('int_player_match_fights', 'true'),
} -%}
{%- set measures = [
    {'name': 'matches', 'source': 'spine', 'column': '1', 'agg': 'sum', 'type': 'integer'},
    {'name': 'kills', 'source': 'kills', 'column': 'total_kills', 'agg': 'sum', 'type': 'integer'},
    {'name': 'headshot_kills', 'source': 'kills', 'agg': 'sum', 'type': 'integer'},
    {'name': 'kills_with_distance', 'source': 'kills', 'agg': 'sum', 'type': 'integer'},
    {'name': 'total_kill_distance', 'source': 'kills', 'agg': 'sum', 'type': 'numeric(20, 8)'},
    {'name': 'longest_kill', 'source': 'kills', 'agg': 'max', 'type': 'numeric(20, 8)'},
    {'name': 'knocks', 'source': 'knocks', 'column': 'knock_downs', 'agg': 'sum', 'type': 'integer'},
    {'name': 'knocks_finished', 'source': 'finishes', 'agg': 'sum', 'type': 'integer'},
    {'name': 'deaths', 'source': 'deaths', 'agg': 'sum', 'type': 'integer'},
    {'name': 'damage_dealt', 'source': 'damage', 'column': 'total_damage', 'agg': 'sum', 'type': 'numeric(20, 6)'},
    {'name': 'hits', 'source': 'damage', 'column': 'total_hits', 'agg': 'sum', 'type': 'integer'},
] -%}
{%- for name, reason in body_parts -%}
    {%- do measures.append({
        'name': name, 'source': 'damage', 'agg': 'sum', 'type': 'numeric(20, 6)',
        'column': "case when damage_reason = '" ~ reason ~ "' then total_damage else 0 end",
    }) -%}
{%- endfor -%}
{%- for name in [
    'fights', 'fights_won', 'fights_lost', 'fights_drawn', 'third_party_fights',
    'fight_knocks', 'fight_kills', 'fight_damage_dealt', 'fight_damage_taken',
    'times_knocked', 'times_killed', 'fights_survived',
] -%}
    {%- do measures.append({
        'name': name, 'source': 'fights', 'agg': 'sum',
        'column': name | replace('fight_', '') if name.startswith('fight_') else name,
        'type': 'numeric(20, 6)' if 'damage' in name else 'integer',
    }) -%}
{%- endfor %}

with per_match_rows as (

    -- one row per player and match and per-match model row; a model's row holds its own
    -- measures and the neutral value of the others (0 for a sum, null for a max)
    {% for source, model in per_match_models.items() -%}
        select
            match_id,
            {% for m in measures -%}
                {{ pewstats.measure_from(m, source) }} as {{ m.name }},
            {% endfor -%}
            account_id
        from {{ ref(model[0]) }}
        where {{ pewstats.is_on_rebuilt_day('match_id') }} and {{ model[1] }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

per_match as (

    select
        per_match_rows.account_id,
        {% for m in measures -%}
            per_match_rows.{{ m.name }},
        {% endfor -%}
        {{ pewstats.utc_date('matches.match_started_at') }} as match_day,
        matches.match_type_bucket,
        matches.map_name,
        matches.game_mode,
        matches.version_at
    from per_match_rows
    inner join {{ ref('int_matches') }} as matches on per_match_rows.match_id = matches.match_id

),

-- The same shape as the other player marts' final CTE (names and weapons joined, the columns
-- listed): a mart states its own grain and columns, as marts here do; what it computes comes
-- from macros/measures.sql and the per-match models, written once.
final as (

    select
        account_id,
        match_day,
        match_type_bucket as match_type,
        map_name,
        game_mode,
        {% for m in measures -%}
            cast({{ m.agg }}({{ m.name }}) as {{ m.type }}) as {{ m.name }},
        {% endfor -%}
        max(version_at) as stats_updated_at
    from per_match
    group by account_id, match_day, match_type_bucket, map_name, game_mode

)

select
    account_id,
    match_day,
    match_type,
    map_name,
    game_mode,
    {% for m in measures -%}
        {{ m.name }},
    {% endfor -%}
    stats_updated_at
from final
