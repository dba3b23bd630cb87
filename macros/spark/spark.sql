{#- What differs on Apache Spark besides the rebuild (macros/spark/rebuild.sql). -#}

{#- The watermark (macros/rebuild.sql), read once per model and invocation: a Spark query
    costs a second or more, and a model asks for it at each `is_rebuilt` and again in its
    rebuild. The model's table does not change between its compile and its rebuild. -#}
{% macro spark__watermark_value() -%}
    {%- set cache = graph.setdefault('pewstats_watermarks', {}) -%}
    {%- set key = invocation_id ~ ':' ~ this -%}
    {%- if key not in cache -%}
        {%- do cache.update({key: pewstats.default__watermark_value()}) -%}
    {%- endif -%}
    {{ return(cache[key]) }}
{%- endmacro %}

{#- Spark has one timestamp type (the session's time zone is UTC: profiles.example.yml). -#}
{% macro spark__timestamp_literal(value) -%}
    cast('{{ value | replace("'", "''") }}' as timestamp)
{%- endmacro %}

{#- The rebuild log (macros/scoped_tests.sql) on Spark: a Parquet table has no delete, and
    Spark runs one statement at a time, so the table is made anew for each invocation (one
    run at a time: the run lock). -#}
{% macro spark__prepare_rebuild_log() -%}
    {%- if execute -%}
        {%- set log = pewstats.rebuild_log() -%}
        {%- if not adapter.check_schema_exists(log.database, log.schema) -%}
            {%- do adapter.create_schema(log) -%}
        {%- endif -%}
        {%- do adapter.cache_added(log) -%}
        {%- do run_query('drop table if exists ' ~ log) -%}
        {%- do run_query('create table ' ~ log ~ ' (invocation_id string, node_id string, watermark string) using parquet') -%}
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: the raw tables of the lake (loader/landing/parquet.py) as Spark tables,
    one external Parquet table per dbt source table over its folder. Made anew by every
    invocation (metastore operations only: the files are not touched), so they follow the
    lake path and the schema files of the loader that wrote them. -#}
{% macro register_lake() -%}
    {{ return(adapter.dispatch('register_lake', 'pewstats')()) }}
{%- endmacro %}

{% macro default__register_lake() -%}
{%- endmacro %}

{% macro spark__register_lake() -%}
    {%- if execute -%}
        {%- set lake = env_var('PEWSTATS_LAKE_PATH', env_var('PEWSTATS_SPARK_DIR', 'spark') ~ '/lake') -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() if source.package_name == project_name -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- set folder = lake ~ '/' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ source.schema ~ '.' ~ source.identifier) -%}
            {%- do run_query(
                'create table ' ~ source.schema ~ '.' ~ source.identifier ~ ' using parquet'
                ~ " options (path '" ~ folder | replace("'", "\\'") ~ "', recursiveFileLookup 'true')") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- Seeds on Spark. dbt-spark's session connection writes each value into the SQL as
    '<value>' without escaping it, so a seed value with a quote breaks its insert (the
    match-type descriptions have them). The same insert as dbt-spark's, with each text value
    escaped for a Spark string literal first. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set bindings = [] -%}
        {%- for row in chunk -%}
            {%- for value in row -%}
                {%- do bindings.append(value.replace('\\', '\\\\').replace("'", "\\'") if value is string else value) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ get_binding_char() }} as {{ type }}){{ ',' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
