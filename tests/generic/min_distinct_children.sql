{#- Every parent row (`column_name` is its key) has children in `to` (joined on `field`)
    with at least `min_count` distinct values of `child_column`: e.g. every fight has
    participants from at least two teams. A parent with no children at all fails too.
    The children are read through the join, so a test scoped to a few parents reads only
    their children. -#}
{% test min_distinct_children(model, column_name, to, field, child_column, min_count) %}

with parents as (

    select {{ column_name }} as parent_key
    from {{ model }}

),

children as (

    select
        parents.parent_key,
        count(distinct child.{{ child_column }}) as distinct_values
    from parents
    left join {{ to }} as child on parents.parent_key = child.{{ field }}
    group by parents.parent_key

),

final as (

    select
        parent_key,
        distinct_values
    from children
    where distinct_values < {{ min_count }}

)

select
    parent_key,
    distinct_values
from final

{% endtest %}
