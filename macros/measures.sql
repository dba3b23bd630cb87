{#
    Measures of the player marts, declared once per mart as a list of dicts:
      name     the column
      source   which per-match model holds it (marts that stack several)
      column   its name there, when it differs from `name`
      agg      how it rolls up over matches: sum or max
      type     its type in the mart (both adapters give the same types); without one, the
               measure only feeds a ratio and is not a column of the mart
      ratio    [numerator, denominator]: a column computed from two rolled-up measures
#}

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

{#- The measure as a column of the mart, from the rolled-up row `relation`. -#}
{% macro measure_value(measure, relation) -%}
    {%- if measure.ratio is defined -%}
        {{ pewstats.safe_ratio(relation ~ '.' ~ measure.ratio[0], relation ~ '.' ~ measure.ratio[1]) }}
    {%- else -%}
        cast({{ relation }}.{{ measure.name }} as {{ measure.type }})
    {%- endif -%}
{%- endmacro %}

{#- The mart's columns among the measures (those with a type, and the ratios). -#}
{% macro mart_measures(measures) -%}
    {%- set columns = [] -%}
    {%- for m in measures if m.type is defined or m.ratio is defined -%}
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
