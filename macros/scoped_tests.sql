{#
    Data tests scoped to what the build wrote.

    A cron build rebuilds a few matches and the players in them; testing whole tables every
    time would make its cost grow with the history. So, on an incremental build, each data
    test of a model reads only the rows of the keys that model rebuilt in this invocation:

      1. on-run-start (`prepare_rebuild_log`) makes sure the small table `rebuild_log` exists
         in the intermediate schema and forgets earlier invocations;
      2. each incremental model's pre-hook (`record_watermark`) records the watermark it
         started from, in the model's own transaction (a model that fails records nothing);
      3. dbt compiles a test right before running it, after its model: `get_where_subquery`
         (dbt's documented hook for the `where` config, overridden here) turns the
         placeholder `__rows_built__` (dbt_project.yml sets it for every data test) into
         `key in (keys whose version is newer than that watermark)`: the model's own
         `rebuild` definition (macros/rebuild.sql), so the test reads exactly the rebuilt rows.

    A test reads its whole table when nothing of this invocation scopes it: a first build,
    `--full-refresh`, `dbt test` on its own, a model without `rebuild` (int_matches, seeds),
    or `--vars '{full_tests: true}'`. On PostgreSQL a test that a validated constraint of the
    table already guarantees (not null, primary key, foreign key: the fight marts' contracts)
    reads nothing on an incremental build: the database refused any violating row at write
    time. The catalog is asked on every build, so a constraint that is gone (a parent rebuilt
    on its own drops its children's foreign keys) puts its test back.
#}

{% macro rebuild_log() -%}
    {{ return(api.Relation.create(
        database=target.database if target.database is defined else none,
        schema=generate_schema_name('intermediate', none),
        identifier='rebuild_log',
        type='table')) }}
{%- endmacro %}

{% macro full_tests() -%}
    {{ return((var('full_tests', false) | string | lower) in ('true', '1', 'yes')) }}
{%- endmacro %}

{#- on-run-start -#}
{% macro prepare_rebuild_log() -%}
    {{ return(adapter.dispatch('prepare_rebuild_log', 'pewstats')()) }}
{%- endmacro %}

{% macro default__prepare_rebuild_log() -%}
    {%- if execute -%}
        {%- set log = pewstats.rebuild_log() -%}
        {%- if not adapter.check_schema_exists(log.database, log.schema) -%}
            {%- do adapter.create_schema(log) -%}
        {%- endif -%}
        {#- the relation cache was filled before this hook: tell it the table exists -#}
        {%- do adapter.cache_added(log) -%}
        create table if not exists {{ log }} (
            invocation_id {{ dbt.type_string() }} not null,
            node_id {{ dbt.type_string() }} not null,
            watermark {{ dbt.type_string() }} not null
        );
        delete from {{ log }} where invocation_id <> '{{ invocation_id }}'
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of every incremental model (dbt_project.yml) -#}
{% macro record_watermark() -%}
    {%- if execute and is_incremental() and pewstats.rebuild_config() is not none -%}
        insert into {{ pewstats.rebuild_log() }} (invocation_id, node_id, watermark)
        values ('{{ invocation_id }}', '{{ model.unique_id }}', '{{ pewstats.watermark_value() }}')
    {%- endif -%}
{%- endmacro %}

{#- The rows of `node_id` (a model's unique id) rebuilt in this invocation, as a condition on
    that model's columns; none when the whole table is to be tested. Only `dbt build` can
    have rebuilt anything, and never with --full-refresh: other commands ask no question. -#}
{% macro rows_built(node_id) -%}
    {%- if not execute or pewstats.full_tests() or flags.WHICH != 'build' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get(node_id) -%}
    {%- set rebuild = pewstats.rebuild_config(node) if node is not none else none -%}
    {%- if rebuild is none -%}
        {{ return(none) }}
    {%- endif -%}
    {#- A model's answer, once read, serves its other tests: dbt runs a model's tests after the
        model, and a model runs once per invocation, so the answer cannot change. (A cache in
        dbt's graph dict, which every node of the invocation shares; where it is not shared,
        each test asks again: one query a test, the same answer.) -#}
    {%- set cache = graph.setdefault('pewstats_rows_built', {}) -%}
    {%- if node_id not in cache -%}
        {%- do cache.update({node_id: pewstats.read_rows_built(node, rebuild)}) -%}
    {%- endif -%}
    {{ return(cache[node_id]) }}
{%- endmacro %}

{% macro read_rows_built(node, rebuild) -%}
    {%- set log = pewstats.rebuild_log() -%}
    {%- if load_relation(log) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select watermark from {{ log }}
        where invocation_id = '{{ invocation_id }}' and node_id = '{{ node.unique_id }}'
    {%- endset -%}
    {%- set found = run_query(query).columns[0].values() -%}
    {%- if found | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set versions = graph.nodes.get('model.' ~ node.package_name ~ '.' ~ rebuild.versions) -%}
    {{ return(pewstats.key_in(rebuild.key, pewstats.rebuild_keys(rebuild, found[0], versions.relation_name))) }}
{%- endmacro %}

{#- For singular tests: `where {{ pewstats.rows_built_by('int_player_match_weapon_kills') }}`. -#}
{% macro rows_built_by(model_name) -%}
    {%- set condition = pewstats.rows_built('model.' ~ project_name ~ '.' ~ model_name) -%}
    {{ return('true' if condition is none else condition) }}
{%- endmacro %}

{#- dbt's hook for the `where` config of generic tests (its docs: "custom logic"). Replaces
    the placeholder, then does what dbt's own default does. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') or '' -%}
    {%- if '__rows_built__' in where -%}
        {%- set condition = pewstats.rows_built(model.attached_node) if model.attached_node else none -%}
        {%- if condition is not none and pewstats.has_enforced_contract(model.attached_node)
            and pewstats.enforced_by_database(model) -%}
            {%- set condition = 'false /* enforced by a constraint of the table */' -%}
        {%- endif -%}
        {%- set where = where | replace('__rows_built__', 'true' if condition is none else condition) -%}
    {%- endif -%}
    {%- if where and where | trim != 'true' -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}

{#- Only a model with an enforced contract has constraints (the fight marts, on PostgreSQL):
    the catalog is asked about those models' tests only. -#}
{% macro has_enforced_contract(node_id) -%}
    {%- set contract = graph.nodes.get(node_id, {}).get('config', {}).get('contract', {}) -%}
    {{ return(contract.get('enforced', false) if contract is mapping else false) }}
{%- endmacro %}

{#- Whether the database itself guarantees what the test `test_node` checks. -#}
{% macro enforced_by_database(test_node) -%}
    {{ return(adapter.dispatch('enforced_by_database', 'pewstats')(test_node)) }}
{%- endmacro %}

{% macro default__enforced_by_database(test_node) -%}
    {{ return(false) }}
{%- endmacro %}

{% macro postgres__enforced_by_database(test_node) -%}
    {%- set name = test_node.test_metadata.name -%}
    {%- set kwargs = test_node.test_metadata.kwargs -%}
    {%- set child = graph.nodes.get(test_node.attached_node) -%}
    {%- if name in ('not_null', 'unique', 'relationships') -%}
        {%- set columns = [kwargs.column_name] -%}
    {%- elif name == 'unique_combination_of_columns' -%}
        {%- set columns = kwargs.combination_of_columns -%}
    {%- else -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set table -%}
        to_regclass('{{ pewstats.quoted_name(child) }}')
    {%- endset -%}
    {%- set names -%}
        array[{%- for c in columns | map('lower') | sort -%}
            '{{ c | replace("'", "''") }}'{{ ', ' if not loop.last }}
        {%- endfor -%}]::text []
    {%- endset -%}
    {%- if name == 'not_null' -%}
        {%- set query -%}
            select count(*) from pg_attribute
            where attrelid = {{ table }} and attname = '{{ columns[0] | lower | replace("'", "''") }}' and attnotnull
        {%- endset -%}
    {%- elif name == 'relationships' -%}
        {%- set parents = test_node.depends_on.nodes | reject('equalto', test_node.attached_node) | list -%}
        {%- if parents | length != 1 -%}
            {{ return(false) }}
        {%- endif -%}
        {%- set query -%}
            select count(*) from pg_constraint as c
            where
                c.conrelid = {{ table }}
                and c.contype = 'f'
                and c.convalidated
                and c.confrelid = to_regclass('{{ pewstats.quoted_name(graph.nodes.get(parents[0])) }}')
                and {{ pewstats.constraint_columns('c.conrelid', 'c.conkey') }} = {{ names }}
                and {{ pewstats.constraint_columns('c.confrelid', 'c.confkey') }}
                = array['{{ kwargs.field | lower | replace("'", "''") }}']::text []
        {%- endset -%}
    {%- else -%}
        {#- a unique constraint lets nulls repeat; unique_combination_of_columns does not -#}
        {%- set query -%}
            select count(*) from pg_constraint as c
            where
                c.conrelid = {{ table }}
                and c.contype in ({{ "'p', 'u'" if name == 'unique' else "'p'" }})
                and c.convalidated
                and {{ pewstats.constraint_columns('c.conrelid', 'c.conkey') }} = {{ names }}
        {%- endset -%}
    {%- endif -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}

{% macro constraint_columns(relation_id, attnums) -%}
    (
        select array_agg(cast(a.attname as text) order by a.attname)
        from pg_attribute as a
        where a.attrelid = {{ relation_id }} and a.attnum = any({{ attnums }})
    )
{%- endmacro %}

{% macro quoted_name(node) -%}
    {{- (adapter.quote(node.schema) ~ '.' ~ adapter.quote(node.alias)) | replace("'", "''") -}}
{%- endmacro %}
