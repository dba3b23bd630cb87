{#- Every child row's `column_name` equals the parent's `parent_column`, joined on `key`
    (for example a fight participant's match is its fight's match). Rows without a parent
    are left to the relationships test. -#}
{% test matches_parent_column(model, column_name, to, key, parent_column) %}

with mismatched as (

    select
        child.{{ key }} as parent_key,
        child.{{ column_name }} as child_value,
        parent.{{ parent_column }} as parent_value
    from {{ model }} as child
    inner join {{ to }} as parent on child.{{ key }} = parent.{{ key }}
    where
        child.{{ column_name }} <> parent.{{ parent_column }}
        or (child.{{ column_name }} is null) <> (parent.{{ parent_column }} is null)

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
