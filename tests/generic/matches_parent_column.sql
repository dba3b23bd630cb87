{#- Every child row's `column_name` equals the parent's `parent_column`, joined on `key`
    (for example a fight participant's match is its fight's match). Rows without a parent
    are left to the relationships test. -#}
{% test matches_parent_column(model, column_name, to, key, parent_column) %}

with child as (

    select
        {{ key }} as parent_key,
        {{ column_name }} as child_value
    from {{ model }}

),

mismatched as (

    select
        child.parent_key,
        child.child_value,
        parent.{{ parent_column }} as parent_value
    from child
    inner join {{ to }} as parent on child.parent_key = parent.{{ key }}
    where
        child.child_value <> parent.{{ parent_column }}
        or (child.child_value is null) <> (parent.{{ parent_column }} is null)

),

final as (

    select
        parent_key,
        child_value,
        parent_value
    from mismatched

)

select
    parent_key,
    child_value,
    parent_value
from final

{% endtest %}
