{#
    Incremental replacement by version.

    The loader stamps every load with `loaded_at`, strictly increasing in commit order
    (loads commit one at a time under a lock, see loader/sinks/base.py). A model therefore
    knows exactly what is new: whatever carries a version newer than the newest version it
    already holds (its watermark). Rows of a key (a match, a player) are replaced as a
    whole: the pre-hook deletes every row of the changed keys, the model inserts their new
    rows, and dbt's delete+insert on the same single-column unique key makes the insert
    idempotent. Deleting in the pre-hook is what removes keys whose new version has no rows
    at all (a re-detected match with no fight left, a player dropped from a reloaded match).
#}

{#- The watermark is read when the model is compiled, right before it runs (after its parents
    were built, before its pre-hook), and written into its SQL as a literal. With a subquery
    there instead, PostgreSQL plans for a third of the history (its fixed guess for
    `> (select ...)`) and scans every raw row to rebuild a few matches. -#}
{% macro watermark(column) -%}
    {#- pre-hooks render their arguments on every run; only an incremental run reads `this` -#}
    {%- if execute and is_incremental() -%}
        {%- set query -%}
            select cast(max({{ column }}) as {{ dbt.type_string() }}) as watermark from {{ this }}
        {%- endset -%}
        {%- set value = run_query(query).columns[0].values()[0] -%}
        {%- if value is none -%}
            {{ pewstats.epoch() }}
        {%- else -%}
            cast('{{ value }}' as timestamp with time zone)
        {%- endif -%}
    {%- else -%}
        (select coalesce(max({{ column }}), {{ pewstats.epoch() }}) from {{ this }})
    {%- endif -%}
{%- endmacro %}

{% macro epoch() -%}
    cast('1970-01-01 00:00:00+00' as timestamp with time zone)
{%- endmacro %}

{#- Matches whose version in `versions_model` is newer than this model's watermark. -#}
{% macro changed_matches(versions_model, version_column='loaded_at', watermark_column='loaded_at') -%}
    select match_id from {{ ref(versions_model) }}
    where {{ version_column }} > {{ pewstats.watermark(watermark_column) }}
{%- endmacro %}

{#- Pre-hook: delete every row of the keys about to be rebuilt (incremental runs only). -#}
{% macro delete_changed(key_column, keys_sql) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ key_column }} in ({{ keys_sql }})
    {%- endif -%}
{%- endmacro %}

{#- Players whose per-match rows changed since this model's watermark (dropped players included). -#}
{% macro changed_players(watermark_column='stats_updated_at') -%}
    select account_id from {{ ref('int_player_matches') }}
    where changed_at > {{ pewstats.watermark(watermark_column) }}
{%- endmacro %}
