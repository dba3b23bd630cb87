{#- Every parent row (`column_name` is its key) has children in `to` (joined on `field`)
    with at least `min_count` distinct values of `child_column`: e.g. every fight has
    participants from at least two teams. A parent with no children at all fails too. -#}
{% test min_distinct_children(model, column_name, to, field, child_column, min_count) %}

with children as (

    select
        {{ field }} as parent_key,
        count(distinct {{ child_column }}) as distinct_values
    from {{ to }}
    group by {{ field }}

),

final as (

    select
        parent.{{ column_name }} as parent_key,
        coalesce(children.distinct_values, 0) as distinct_values
    from {{ model }} as parent
    left join children on parent.{{ column_name }} = children.parent_key
    where coalesce(children.distinct_values, 0) < {{ min_count }}

)

select
    parent_key,
    distinct_values
from final

{% endtest %}
