{{ pewstats.rebuild_by_day(watermark_column='stats_updated_at') }}
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
    'spine': ['int_player_matches', 'is_present'],
    'finishes': 'int_player_match_finishes',
    'deaths': 'int_player_match_deaths',
    'fights': 'int_player_match_fights',
} -%}
{%- do per_match_models.update(pewstats.weapon_measure_models()) -%}
{#- The weapon and fight measures are those of player_weapon_stats and player_fight_stats
    (macros/measures.sql), picked by name and shown under the day's names. -#}
{%- set weapon = {} -%}
{%- for m in pewstats.weapon_measures() -%}
    {%- do weapon.update({m.name: m}) -%}
{%- endfor -%}
{%- set measures = [
    {'name': 'matches', 'source': 'spine', 'column': '1', 'agg': 'sum', 'type': 'integer'},
    pewstats.measure_as(weapon.total_kills, 'kills'),
    weapon.headshot_kills,
    weapon.kills_with_distance,
    weapon.total_kill_distance,
    weapon.longest_kill,
    pewstats.measure_as(weapon.knock_downs, 'knocks'),
    {'name': 'knocks_finished', 'source': 'finishes', 'agg': 'sum', 'type': 'integer'},
    {'name': 'deaths', 'source': 'deaths', 'agg': 'sum', 'type': 'integer'},
    weapon.damage_dealt,
    weapon.hits,
] -%}
{%- for name, reason in body_parts -%}
    {%- do measures.append({
        'name': name, 'source': 'damage', 'agg': 'sum', 'type': 'numeric(20, 6)',
        'column': "case when damage_reason = '" ~ reason ~ "' then total_damage else 0 end",
    }) -%}
{%- endfor -%}
{#- the fight measures named like the day's own (and damage_taken beside them) get a `fight_` prefix -#}
{%- for m in pewstats.stored_measures(pewstats.fight_measures()) -%}
    {%- set name = 'fight_' ~ m.name if m.name in ['knocks', 'kills', 'damage_dealt', 'damage_taken'] else m.name -%}
    {%- do measures.append(pewstats.measure_as(m, name, source='fights')) -%}
{%- endfor %}

-- The same shape as the other player marts (per-match rows joined to their match, rolled up
-- to the mart's grain, names and weapons joined, the columns listed): a mart states its own
-- grain and columns, as marts here do; what it computes comes from macros/measures.sql and
-- the per-match models, written once.
with per_match_rows as (

    -- one row per player and match and per-match model row; a model's row holds its own
    -- measures and the neutral value of the others (0 for a sum, null for a max)
    {%- set keys = ['match_id', 'account_id'] %}
    {{ pewstats.stacked_per_match_rows(per_match_models, measures, keys, pewstats.is_on_rebuilt_day('match_id')) }}

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
