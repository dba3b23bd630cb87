{#
    Planner statistics for the tables dbt builds (PostgreSQL).

    The next model reads these tables by a watermark and by key. A table dbt has just
    created or grown has no statistics, or statistics that end before the new rows, until
    autovacuum gets to it; builds run back to back (a backfill, then the first cron run)
    would then be planned on guesses and scan whole tables. ANALYZE samples a fixed number
    of rows (tenths of a second at 10,000 matches of history), so doing it after every
    build keeps plans right at a cost that does not grow with the history.
#}

{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'pewstats')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}
{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
