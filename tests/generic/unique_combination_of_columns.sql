{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns_csv = combination_of_columns | join(', ') -%}

with grouped as (

    select
        {{ columns_csv }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns_csv }}

),

final as (

    select
        {{ columns_csv }},
        row_count
    from grouped
    where row_count > 1

)

select
    {{ columns_csv }},
    row_count
from final

{% endtest %}
