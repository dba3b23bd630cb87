{#
    Incremental replacement by key: one definition per model.

    The loader stamps every load with `loaded_at`, strictly increasing in commit order (loads
    commit one at a time under a lock, see loader/landing/base.py). A model therefore knows
    exactly what is new: the keys (matches, players) whose version is newer than the newest
    version the model already holds (its watermark). Each incremental model declares, once,
    at its top:

        {{ pewstats.rebuild_by(
            key='match_id',                     the column whose rows are replaced as a whole
            versions='stg_telemetry__matches',  a model with one row per key and its version...
            version_column='loaded_at',         ...in this column
            watermark_column='loaded_at',       this model's column holding the version a row
        ) }}                                    was built from (default: version_column)

    and from that definition
      - the body reads only the keys to rebuild: `where {{ pewstats.is_rebuilt('x.match_id') }}`
        (`true` on a full build, so full builds read everything with no filter to plan around);
      - the `rebuild` incremental strategy (dbt_project.yml) deletes every row of those keys and
        inserts the new rows, in the model's transaction. Deleting by the keys, not by the new
        rows, is what removes keys whose new version has no rows at all (a re-detected match
        with no fight left, a player dropped from a reloaded match);
      - the pre-hook `record_watermark` writes down the watermark the build started from, so
        that this invocation's data tests read only the rows it rebuilt (macros/scoped_tests.sql).

    The replacement itself is dispatched (`rebuild_sql`): an adapter without delete (Spark:
    insert_overwrite of partitions or append only) gets its own implementation there, and
    the model's strategy is set per target in dbt_project.yml.
#}

{#- The declaration. It stores the definition in the model's config (`meta.rebuild`: the
    data tests and the docs read it there) and takes the ref of `versions`, so that dbt knows
    the dependency when it parses (configs cannot be read back while it parses). -#}
{% macro rebuild_by(key, versions, version_column='loaded_at', watermark_column=none) -%}
    {%- set rebuild = {
        'key': key,
        'versions': versions,
        'version_column': version_column,
        'watermark_column': watermark_column or version_column,
    } -%}
    {%- do config(meta={'rebuild': rebuild}) -%}
    {%- do ref(versions) -%}
{%- endmacro %}

{#- The declaration of the models rebuilt by UTC day (the per-player-day models, the daily
    marts): the days whose matches changed, with the spine as versions (its rows carry their
    match's day, and a tombstone on the old day when a reloaded match moved). One definition for
    all of them; `watermark_column` is the model's version column. -#}
{% macro rebuild_by_day(watermark_column) -%}
    {%- do pewstats.rebuild_by(
        key='match_day', versions='int_player_matches', version_column='changed_at', watermark_column=watermark_column
    ) -%}
{%- endmacro %}

{#- The declaration of the model being built, or of `node` (a graph node): none without one,
    and while dbt parses. -#}
{% macro rebuild_config(node=none) -%}
    {%- set meta = config.get('meta') if node is none else node.config.get('meta') -%}
    {{ return(meta.get('rebuild') if meta is mapping else none) }}
{%- endmacro %}

{#- The watermark is read when the model is compiled, right before it runs (after its parents
    were built), and written into its SQL as a literal. With a subquery there instead,
    PostgreSQL plans for a third of the history (its fixed guess for `> (select ...)`) and
    scans every raw row to rebuild a few matches. Returns the literal's text. -#}
{% macro watermark_value() -%}
    {{ return(adapter.dispatch('watermark_value', 'pewstats')()) }}
{%- endmacro %}

{% macro default__watermark_value() -%}
    {%- set query -%}
        select cast(max({{ pewstats.rebuild_config().watermark_column }}) as {{ dbt.type_string() }})
        from {{ this }}
    {%- endset -%}
    {%- set value = run_query(query).columns[0].values()[0] -%}
    {{ return('1970-01-01 00:00:00+00' if value is none else value) }}
{%- endmacro %}

{% macro timestamp_literal(value) -%}
    {{ return(adapter.dispatch('timestamp_literal', 'pewstats')(value)) }}
{%- endmacro %}

{% macro default__timestamp_literal(value) -%}
    cast('{{ value | replace("'", "''") }}' as timestamp with time zone)
{%- endmacro %}

{% macro epoch() -%}
    {{ pewstats.timestamp_literal('1970-01-01 00:00:00+00') }}
{%- endmacro %}

{#- The keys whose version is newer than `watermark` (text). `versions` is a relation: the
    declared model by default (a test, which cannot ref it, passes its relation name). -#}
{% macro rebuild_keys(rebuild, watermark, versions=none) -%}
    select distinct {{ rebuild.key }}
    from {{ ref(rebuild.versions) if versions is none else versions }}
    where {{ rebuild.version_column }} > {{ pewstats.timestamp_literal(watermark) }}
{%- endmacro %}

{#- The body's filter: `key_expression` is one of the keys to rebuild. Always true on a full
    build (first build, --full-refresh), where every key is built. -#}
{% macro is_rebuilt(key_expression) -%}
    {%- if not execute or not is_incremental() -%}
        true
    {%- elif pewstats.rebuild_config() is none -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": is_rebuilt() needs the model's pewstats.rebuild_by(...) (macros/rebuild.sql)") }}
    {%- else -%}
        {{ pewstats.key_in(key_expression, pewstats.rebuild_keys(pewstats.rebuild_config(), pewstats.watermark_value())) }}
    {%- endif -%}
{%- endmacro %}

{#- `key_expression` is one of the keys `keys_query` returns: the one form of the condition for
    the models' bodies, the rebuild's delete and the scoped data tests. -#}
{% macro key_in(key_expression, keys_query) -%}
    {{ return(adapter.dispatch('key_in', 'pewstats')(key_expression, keys_query)) }}
{%- endmacro %}

{% macro default__key_in(key_expression, keys_query) -%}
    {{ key_expression }} in ({{ keys_query }})
{%- endmacro %}

{#- PostgreSQL: the keys, read when the node is compiled (right before it runs, after its
    parents), written into its SQL as a constant array, `key = any('{...}')` (PostgreSQL types
    the literal as an array of the key's type). That is a
    condition on the rows, which PostgreSQL pushes into every branch of a UNION ALL and through
    the joins of the raw combat event views (compact tables decoded by joins to their
    dictionaries: loader/formats/layout.py) down to the index on the key, and plans from the
    keys themselves (their number, and the statistics of each) whatever the size of the table;
    on a scan it searches a hash of them. An `in (select ...)` is a semi-join instead, planned
    from estimates: it cannot reach into a branch that is a join (3,000 matches: the damage of
    one new match read by `int_combat_events` took 5 s, every row scanned; 19 ms by index with
    an array), and at 40,000 matches of a growing population the player-keyed models and their
    tests were merge joins over whole tables (`player_damage_stats` read all 4.0 M rows of
    `int_player_day_damage` for 279 players: 1.8 s; by index 0.24 s). An array computed by a
    subquery (`= any(array(select ...))`) reaches the indexes too, but is planned as ten keys of
    average frequency: a new day, one of the bench's 30, looked like a third of the table. More
    than `max_inline_keys` keys (a reload of a whole season) are left to that subquery form. -#}
{% macro postgres__key_in(key_expression, keys_query) -%}
    {%- set keys = none -%}
    {%- if execute -%}
        {#- PostgreSQL writes the array's text (quoting and escaping each key), so no value is
            parsed on the way: `{2024-05-30}`, `{account.a,"a b"}` -#}
        {%- set keys = run_query(
            'select count(*), cast(array_agg(k) as text) from (' ~ keys_query ~ ') as rebuilt_keys (k)').rows[0] -%}
    {%- endif -%}
    {%- if keys is none or keys[0] > var('max_inline_keys') -%}
        {{ key_expression }} = any(array({{ keys_query }}))
    {%- elif keys[0] == 0 -%}
        false
    {%- else -%}
        {{ key_expression }} = any('{{ keys[1] | replace("'", "''") }}')
    {%- endif -%}
{%- endmacro %}

{#- Models rebuilt by `match_day` (the daily marts: key `match_day`, versions the spine, whose
    rows carry the day, tombstones the old one): the per-match row whose match id is
    `match_id_expression` belongs to a match on a day to rebuild, i.e. every match currently
    on that day, whatever player it has. So a build reads the matches of the changed days,
    not the whole history of the players in them. Always true on a full build. -#}
{% macro is_on_rebuilt_day(match_id_expression) -%}
    {%- do ref('int_matches') -%}
    {%- if not execute or not is_incremental() -%}
        true
    {%- else -%}
        {%- set rebuild = pewstats.rebuild_config() -%}
        {%- if rebuild is none or rebuild.key != 'match_day' -%}
            {{ exceptions.raise_compiler_error(
                model.name ~ ": is_on_rebuilt_day() needs pewstats.rebuild_by(key='match_day', ...) (macros/rebuild.sql)") }}
        {%- endif -%}
        {%- set matches_on_days -%}
            select match_id from {{ ref('int_matches') }}
            where {{ pewstats.utc_date('match_started_at') }} in ({{ pewstats.rebuild_keys(rebuild, pewstats.watermark_value()) }})
        {%- endset -%}
        {{ pewstats.key_in(match_id_expression, matches_on_days) }}
    {%- endif -%}
{%- endmacro %}

{#- The `rebuild` incremental strategy (dbt finds it by its name: get_incremental_<name>_sql). -#}
{% macro get_incremental_rebuild_sql(arg_dict) -%}
    {{ return(adapter.dispatch('rebuild_sql', 'pewstats')(arg_dict)) }}
{%- endmacro %}

{#- Delete every row of the keys to rebuild, then insert the new rows. dbt has built them into
    `temp_relation` already, so a model may read its own old rows (the spine does, for its
    tombstones) before they go. -#}
{% macro default__rebuild_sql(arg_dict) -%}
    {%- set rebuild = pewstats.rebuild_config() -%}
    {%- if rebuild is none -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": the rebuild strategy needs the model's pewstats.rebuild_by(...) (macros/rebuild.sql)") }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ pewstats.key_in(rebuild.key, pewstats.rebuild_keys(rebuild, pewstats.watermark_value())) }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
