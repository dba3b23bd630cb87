{#
    Measures of the player marts, declared once per mart as a list of dicts:
      name     the column
      source   which per-match model holds it (marts that stack several)
      column   its name there, when it differs from `name`
      agg      how it rolls up over matches: sum or max
      type     its type in the mart (both adapters give the same types)
      ratio    [numerator, denominator]: a column computed from two rolled-up measures
      behind_ratio  true: a mart that has the ratios shows this measure only through them
               (not as a column of its own); a mart of additive measures only shows it
    A list used by several marts is a macro here (weapon_measures, fight_measures): adding a
    metric to it is one line, and every mart built from it gets the column.
#}

{#- The weapon measures, in the marts' column order: player_weapon_stats rolls them up over
    all matches (with the ratio), player_weapon_daily_stats per day (the additive ones, so
    that any window's ratio comes from its sums). `source` is a key of weapon_measure_models. -#}
{% macro weapon_measures() -%}
    {{ return([
        {'name': 'total_kills', 'source': 'kills', 'agg': 'sum', 'type': 'integer'},
        {'name': 'headshot_kills', 'source': 'kills', 'agg': 'sum', 'type': 'integer'},
        {'name': 'knock_downs', 'source': 'knocks', 'agg': 'sum', 'type': 'integer'},
        {'name': 'kills_with_distance', 'source': 'kills', 'agg': 'sum', 'type': 'integer', 'behind_ratio': true},
        {'name': 'total_kill_distance', 'source': 'kills', 'agg': 'sum', 'type': 'numeric(20, 8)'},
        {'name': 'longest_kill', 'source': 'kills', 'agg': 'max', 'type': 'numeric(20, 8)'},
        {'name': 'avg_kill_distance', 'ratio': ['total_kill_distance', 'kills_with_distance']},
        {'name': 'close_range_kills', 'source': 'kills', 'agg': 'sum', 'type': 'integer'},
        {'name': 'mid_range_kills', 'source': 'kills', 'agg': 'sum', 'type': 'integer'},
        {'name': 'long_range_kills', 'source': 'kills', 'agg': 'sum', 'type': 'integer'},
        {'name': 'damage_dealt', 'source': 'damage', 'column': 'total_damage', 'agg': 'sum', 'type': 'numeric(20, 6)'},
        {'name': 'hits', 'source': 'damage', 'column': 'total_hits', 'agg': 'sum', 'type': 'integer'},
    ]) }}
{%- endmacro %}

{#- The per-match models the weapon measures come from (one row per player, match and weapon). -#}
{% macro weapon_measure_models() -%}
    {{ return({
        'kills': 'int_player_match_weapon_kills',
        'knocks': 'int_player_match_weapon_knocks',
        'damage': 'int_player_match_weapon_damage',
    }) }}
{%- endmacro %}

{#- The fight measures of int_player_match_fights, in player_fight_stats' column order (with
    its ratios); player_daily_stats shows the additive ones per day. -#}
{% macro fight_measures() -%}
    {{ return([
        {'name': 'fights', 'agg': 'sum', 'type': 'integer'},
        {'name': 'fights_won', 'agg': 'sum', 'type': 'integer'},
        {'name': 'fights_lost', 'agg': 'sum', 'type': 'integer'},
        {'name': 'fights_drawn', 'agg': 'sum', 'type': 'integer'},
        {'name': 'third_party_fights', 'agg': 'sum', 'type': 'integer'},
        {'name': 'knocks', 'agg': 'sum', 'type': 'integer'},
        {'name': 'kills', 'agg': 'sum', 'type': 'integer'},
        {'name': 'damage_dealt', 'agg': 'sum', 'type': 'numeric(20, 6)'},
        {'name': 'damage_taken', 'agg': 'sum', 'type': 'numeric(20, 6)'},
        {'name': 'times_knocked', 'agg': 'sum', 'type': 'integer'},
        {'name': 'times_killed', 'agg': 'sum', 'type': 'integer'},
        {'name': 'fights_survived', 'agg': 'sum', 'type': 'integer'},
        {'name': 'survival_rate', 'ratio': ['fights_survived', 'fights']},
        {'name': 'avg_damage_per_fight', 'ratio': ['damage_dealt', 'fights']},
        {'name': 'win_rate', 'ratio': ['fights_won', 'fights']},
    ]) }}
{%- endmacro %}

{#- The damage measures of int_player_match_weapon_damage, per weapon and damage reason: what
    int_player_day_damage sums per player and day and player_damage_stats over all days. -#}
{% macro damage_measures() -%}
    {{ return([
        {'name': 'total_damage', 'agg': 'sum', 'type': 'numeric(20, 6)'},
        {'name': 'total_hits', 'agg': 'sum', 'type': 'integer'},
    ]) }}
{%- endmacro %}

{#- A measure of another list under another name (and `source`, for a list read from one
    model): its rule and type stay those of its definition, its value the same column. -#}
{% macro measure_as(measure, name, source=none) -%}
    {%- set renamed = {} -%}
    {%- do renamed.update(measure) -%}
    {%- do renamed.update({'name': name, 'column': measure.get('column', measure.name)}) -%}
    {%- if source is not none -%}
        {%- do renamed.update({'source': source}) -%}
    {%- endif -%}
    {{ return(renamed) }}
{%- endmacro %}

{#- The measure's value in a row of per-match model `source`: its own column there, else the
    neutral value of its roll-up (0 for a sum, null for a max). -#}
{% macro measure_from(measure, source) -%}
    {%- if measure.source == source -%}
        {{ measure.get('column', measure.name) }}
    {%- elif measure.agg == 'sum' -%}
        0
    {%- else -%}
        cast(null as {{ measure.type }})
    {%- endif -%}
{%- endmacro %}

{#- The rows of several per-match models stacked (union all), one select each: `keys` as
    they are, then every measure (the model's own value or the neutral one: measure_from),
    from the rows this build rebuilds: `rebuilt` is a condition on a per-match model's row,
    by default the players to rebuild (`is_rebuilt('account_id')`); models rebuilt by day pass
    `is_on_rebuilt_day('match_id')`. `models` maps each measure `source` to its model, or to
    [model, condition] when only the rows meeting the condition count. -#}
{% macro stacked_per_match_rows(models, measures, keys, rebuilt=none) -%}
    {%- set rebuilt = pewstats.is_rebuilt('account_id') if rebuilt is none else rebuilt -%}
    {%- for source, model in models.items() %}
    select
        {% for key in keys -%}
            {{ key }},
        {% endfor -%}
        {% for m in measures -%}
            {{ pewstats.measure_from(m, source) }} as {{ m.name }}{{ ',' if not loop.last }}
        {% endfor -%}
    {%- if model is string %}
    from {{ ref(model) }}
    where {{ rebuilt }}
    {%- else %}
    from {{ ref(model[0]) }}
    where {{ rebuilt }} and {{ model[1] }}
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The measure as a column of the mart, from the rolled-up row `relation`. -#}
{% macro measure_value(measure, relation) -%}
    {%- if measure.ratio is defined -%}
        {{ pewstats.safe_ratio(relation ~ '.' ~ measure.ratio[0], relation ~ '.' ~ measure.ratio[1]) }}
    {%- else -%}
        cast({{ relation }}.{{ measure.name }} as {{ measure.type }})
    {%- endif -%}
{%- endmacro %}

{#- The columns of a mart that has the ratios: every measure but those `behind_ratio`. -#}
{% macro mart_measures(measures) -%}
    {%- set columns = [] -%}
    {%- for m in measures if not m.get('behind_ratio', false) -%}
        {%- do columns.append(m) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The measures rolled up over matches (all but the ratios). -#}
{% macro stored_measures(measures) -%}
    {{ return(measures | rejectattr('ratio', 'defined') | list) }}
{%- endmacro %}

{#- In `group by grouping sets ((…, match_type_bucket), (…))`: the row's match type, `all`
    for the grouping over every match. -#}
{% macro match_type_of_grouping() -%}
    case when grouping(match_type_bucket) = 1 then 'all' else match_type_bucket end
{%- endmacro %}
