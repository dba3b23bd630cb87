{#- The PostgreSQL indexes of a model, one argument an index (a column, or a list of columns
    for one index on several): `indexes=pewstats.postgres_indexes('match_id', ['account_id',
    'match_day'])`. Nothing on the other adapters (DuckDB and Spark read by scans). -#}
{% macro postgres_indexes() %}
    {%- set indexes = [] -%}
    {%- if target.type == 'postgres' -%}
        {%- for columns in varargs -%}
            {%- do indexes.append({'columns': [columns] if columns is string else columns}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(indexes) }}
{% endmacro %}
