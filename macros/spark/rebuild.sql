{#
    The `rebuild` strategy on Apache Spark (macros/rebuild.sql says what it does elsewhere).

    Spark's Parquet tables have no delete: a table is rewritten a partition at a time
    (`insert overwrite` with dynamic partition overwrite, set by the spark target). So on
    Spark every model that declares `pewstats.rebuild_by(...)` gets one more column,
    `rebuild_bucket` = a hash of its key modulo `var('spark_rebuild_buckets')`, and is
    partitioned by it: per-match models by a bucket of the match id, the per-player marts
    and names by a bucket of the account id. The model files do not change: the column is
    added around the model's SQL where dbt-spark creates the table and its temporary view
    (`spark__create_table_as` below), and dbt_project.yml gives these models dbt-spark's
    `insert_overwrite` strategy on Spark (dbt-spark knows no other name), whose SQL is
    `get_insert_overwrite_sql` below: the key replacement of `spark__rebuild_sql`.

    A rebuild then rewrites only the buckets its keys live in:
      1. the new rows of the keys to rebuild (dbt's temporary view) are written to a stage
         table (Parquet), then the rows of the other keys of the buckets touched (those of
         the keys to rebuild and of the new rows): so no statement reads the table it
         overwrites (the spine's tombstones read the model's own old rows), and the
         model's SQL runs once;
      2. a bucket that would be left with no row at all (its keys' new versions have no
         rows) is dropped: dynamic overwrite only replaces the buckets that receive rows;
      3. `insert overwrite table ... partition (rebuild_bucket)` from the stage.
#}

{#- The bucket of a row of the model being built. -#}
{% macro rebuild_bucket(key_expression) -%}
    pmod(xxhash64({{ key_expression }}), {{ var('spark_rebuild_buckets') }})
{%- endmacro %}

{#- dbt-spark's create_table_as (the target table, and the temporary view of an incremental
    run), with the bucket column and the partitioning for the models that declare rebuild_by. -#}
{% macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {%- set rebuild = pewstats.rebuild_config() if model is defined and model.resource_type == 'model' else none -%}
    {%- if rebuild is none or language != 'sql' -%}
        {#- dbt-spark's own (the `dbt` namespace holds the adapter's macros, not this project's) -#}
        {{ return(dbt.spark__create_table_as(temporary, relation, compiled_code, language)) }}
    {%- endif -%}
    {%- set with_bucket -%}
        select
            model_rows.*,
            {{ pewstats.rebuild_bucket('model_rows.' ~ rebuild.key) }} as rebuild_bucket
        from (
            {{ compiled_code }}
        ) as model_rows
    {%- endset -%}
    {%- if temporary -%}
        {{ return(create_temporary_view(relation, with_bucket)) }}
    {%- endif -%}
    create table {{ relation }}
    using parquet
    partitioned by (rebuild_bucket)
    {{ comment_clause() }}
    as
    {{ with_bucket }}
{%- endmacro %}

{#- dbt-spark's SQL of the insert_overwrite strategy: on this project, the rebuild. -#}
{% macro get_insert_overwrite_sql(source_relation, target_relation, existing_relation) -%}
    {{ return(pewstats.get_incremental_rebuild_sql({
        'temp_relation': source_relation,
        'target_relation': target_relation,
        'dest_columns': adapter.get_columns_in_relation(target_relation),
    })) }}
{%- endmacro %}

{% macro spark__rebuild_sql(arg_dict) -%}
    {%- set rebuild = pewstats.rebuild_config() -%}
    {%- if rebuild is none -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": the rebuild strategy needs the model's pewstats.rebuild_by(...) (macros/rebuild.sql)") }}
    {%- endif -%}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set stage = target_relation.incorporate(path={'identifier': target_relation.identifier ~ '__rebuild_stage'}) -%}
    {%- set rebuilt_keys = pewstats.rebuild_keys(rebuild, pewstats.watermark_value()) -%}
    {%- do run_query('drop table if exists ' ~ stage) -%}
    {%- do run_query('create table ' ~ stage ~ ' using parquet as select ' ~ columns ~ ' from ' ~ arg_dict['temp_relation']) -%}
    {#- the buckets touched, each with whether it keeps a row (a new one, or one of a key not rebuilt) -#}
    {%- set touched_sql -%}
        with touched as (
            select {{ pewstats.rebuild_bucket(rebuild.key) }} as rebuild_bucket from ({{ rebuilt_keys }}) as rebuilt
            union
            select rebuild_bucket from {{ stage }}
        ),

        kept as (
            select distinct rebuild_bucket from {{ stage }}
            union
            select distinct other.rebuild_bucket
            from {{ target_relation }} as other
            where
                other.rebuild_bucket in (select touched.rebuild_bucket from touched)
                and other.{{ rebuild.key }} not in ({{ rebuilt_keys }})
        )

        select
            touched.rebuild_bucket,
            kept.rebuild_bucket is not null as keeps_rows
        from touched
        left join kept on touched.rebuild_bucket = kept.rebuild_bucket
    {%- endset -%}
    {%- set touched = run_query(touched_sql) -%}
    {%- set buckets = touched.columns[0].values() | map('int') | list -%}
    {%- if buckets -%}
        {%- set keep_sql -%}
            insert into {{ stage }}
            select {{ columns }}
            from {{ target_relation }} as kept
            where
                kept.rebuild_bucket in ({{ buckets | join(', ') }})
                and kept.{{ rebuild.key }} not in ({{ rebuilt_keys }})
        {%- endset -%}
        {%- do run_query(keep_sql) -%}
        {%- for row in touched.rows if not row[1] -%}
            {%- do run_query('alter table ' ~ target_relation ~ ' drop if exists partition (rebuild_bucket = ' ~ (row[0] | int) ~ ')') -%}
        {%- endfor -%}
    {%- endif -%}
    insert overwrite table {{ target_relation }} partition (rebuild_bucket)
    select {{ columns }} from {{ stage }}
{%- endmacro %}
