{#
    Schema names come from settings (PEWSTATS_SCHEMA through the profile, PEWSTATS_RAW_SCHEMA
    through the sources) and dbt's adapters put some of them into SQL unquoted (dbt-postgres
    lists a schema's relations with `where schemaname ilike '<schema>'`, and sets its `role:`
    with `set role <role>`). So names outside a safe pattern are refused, while dbt parses:
    before it connects, before any schema is made or any hook runs.
#}

{#- dbt's default (`<target schema>_<custom schema>`), with every name it makes checked -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- do pewstats.check_settings() -%}
    {%- set name = target.schema if custom_schema_name is none
        else target.schema ~ '_' ~ (custom_schema_name | trim) -%}
    {{- pewstats.safe_name(name, 'PEWSTATS_SCHEMA') -}}
{%- endmacro %}

{#- the settings dbt reads that name schemas and roles -#}
{% macro check_settings() -%}
    {%- do pewstats.safe_name(target.schema, 'PEWSTATS_SCHEMA') -%}
    {%- do pewstats.safe_name(env_var('PEWSTATS_RAW_SCHEMA', 'raw'), 'PEWSTATS_RAW_SCHEMA') -%}
    {%- if target.get('role') -%}
        {%- do pewstats.safe_name(target.role, 'PEWSTATS_DBT_ROLE') -%}
    {%- endif -%}
{%- endmacro %}

{#- `name` if it is 1-63 lowercase letters, digits and _, not starting with a digit (what
    PostgreSQL and DuckDB take unquoted, alike); else a compilation error naming the setting -#}
{% macro safe_name(name, setting) -%}
    {%- if modules.re.fullmatch('[a-z_][a-z0-9_]{0,62}', name | string) is none -%}
        {%- do exceptions.raise_compiler_error(
            setting ~ '=' ~ (name | string | tojson) ~ ' is not a safe name: use 1-63 lowercase letters,'
            ~ ' digits and _, not starting with a digit'
        ) -%}
    {%- endif -%}
    {{- return(name) -}}
{%- endmacro %}
