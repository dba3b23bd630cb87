{#
    Planner statistics for the tables dbt builds (PostgreSQL).

    A table dbt has just created (a first build, a --full-refresh, a table model) has no
    statistics until autovacuum gets to it; builds run back to back (a backfill, then the
    first cron run) would then be planned on guesses and scan whole tables. So a table that has
    never been analyzed is ANALYZEd right after it is built, in the model's transaction.

    An incremental run's table is left to autovacuum, which analyzes a table once a tenth of it
    changed: ANALYZE samples up to 30,000 pages, so at 40,000 matches of history it took
    0.2-1 s a table, 10.5 of the 41 s of node time of a cron build (23 tables), and its cost
    grew with the history until the tables passed 30,000 pages. What an incremental build reads
    does not need fresh statistics: the keys to rebuild come from a watermark on an indexed
    column (PostgreSQL reads the newest value from the index when the statistics end before
    it), and the tables are read by `key = any('{...}')`, the rebuilt keys as constants the
    planner plans from, whatever the table's statistics say (macros/rebuild.sql, `key_in`).
#}

{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'pewstats')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}
{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    {%- if execute and model.config.materialized in ('table', 'incremental') -%}
        {%- set never_analyzed -%}
            select count(*) from pg_stat_user_tables
            where relid = '{{ this.include(database=false) }}'::regclass
                and last_analyze is null and last_autoanalyze is null
        {%- endset -%}
        {%- if run_query(never_analyzed).columns[0].values()[0] > 0 -%}
            analyze {{ this }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
