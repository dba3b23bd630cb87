{#- Every combination of `columns` in the model exists in `to` (a relationships test on
    several columns, e.g. a participant's (fight_id, team_id) is one of its fight's teams). -#}
{% test composite_relationships(model, columns, to) %}

{%- set joined_on -%}
    {%- for c in columns %}child.{{ c }} = parent.{{ c }}{{ " and " if not loop.last }}{% endfor -%}
{%- endset %}

with child as (

    select distinct {{ columns | join(', ') }}
    from {{ model }}

),

orphans as (

    select child.{{ columns | join(', child.') }}
    from child
    left join {{ to }} as parent on {{ joined_on }}
    where parent.{{ columns[0] }} is null

),

final as (

    select {{ columns | join(', ') }}
    from orphans

)

select {{ columns | join(', ') }}
from final

{% endtest %}
