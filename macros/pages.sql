{#- Helpers of the player pages' marts (models/marts/player_*daily_stats, player_profiles). -#}

{#- The UTC calendar day of a timestamp with time zone: the same day on every adapter and
    whatever the session's time zone. -#}
{% macro utc_date(column) -%}
    {{ return(adapter.dispatch('utc_date', 'pewstats')(column)) }}
{%- endmacro %}

{% macro default__utc_date(column) -%}
    cast({{ column }} at time zone 'UTC' as date)
{%- endmacro %}

{#- Spark has one timestamp type, read in the session's time zone, which is UTC here
    (profiles.example.yml: spark.sql.session.timeZone). -#}
{% macro spark__utc_date(column) -%}
    cast({{ column }} as date)
{%- endmacro %}

{#- A percentage (0-100) that is null, not an error, where the denominator is zero: a
    `safe_ratio` of 100 times the numerator. -#}
{% macro safe_percent(numerator, denominator) -%}
    {{ pewstats.safe_ratio('100 * (' ~ numerator ~ ')', denominator) }}
{%- endmacro %}

{#- The page queries' parameters (analyses/), as SQL literals from `--vars`: `page_account_id`,
    `page_match_type` (`all` by default), `page_map_name` (none: every map), `page_days`
    (none: all time), `page_until` (the window's last day; none: today, UTC). -#}
{% macro page_text(name, default=none) -%}
    {%- set value = var('page_' ~ name, default) -%}
    {{- 'null' if value is none else "'" ~ (value | string | replace("'", "''")) ~ "'" -}}
{%- endmacro %}

{#- The daily marts' rows of a page: the player, and the window, match type and map asked. -#}
{% macro page_daily_filter(relation) -%}
    {%- set days = var('page_days', none) -%}
    {%- set until = var('page_until', none) -%}
    {%- set last_day = 'current_date' if until is none else 'cast(' ~ pewstats.page_text('until') ~ ' as date)' -%}
    {{ relation }}.account_id = {{ pewstats.page_text('account_id') }}
    {%- if days is not none %}
        and {{ relation }}.match_day > cast({{ dbt.dateadd("day", -(days | int), last_day) }} as date)
        and {{ relation }}.match_day <= {{ last_day }}
    {%- endif %}
    {%- if var('page_match_type', 'all') != 'all' %}
        and {{ relation }}.match_type = {{ pewstats.page_text('match_type') }}
    {%- endif %}
    {%- if var('page_map_name', none) is not none %}
        and {{ relation }}.map_name = {{ pewstats.page_text('map_name') }}
    {%- endif %}
{%- endmacro %}
