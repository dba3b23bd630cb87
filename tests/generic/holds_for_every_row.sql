{#- Every row of the model (on an incremental build: every row it rebuilt) satisfies
    `condition`, a boolean SQL expression on its columns; the failing rows are returned. -#}
{% test holds_for_every_row(model, condition, column_name=none) %}

-- the failing rows as they are, whatever the model's columns
select *  -- noqa: AM04
from {{ model }}
where not coalesce({{ condition }}, false)

{% endtest %}
