{#- Helpers of the player pages' marts (models/marts/player_*daily_stats, player_profiles). -#}

{#- The UTC calendar day of a timestamp with time zone: the same day on every adapter and
    whatever the session's time zone. -#}
{% macro utc_date(column) -%}
    cast({{ column }} at time zone 'UTC' as date)
{%- endmacro %}

{#- A percentage (0-100) that is null, not an error, where the denominator is zero. -#}
{% macro safe_percent(numerator, denominator) -%}
    cast(100 * cast({{ numerator }} as numeric(24, 8)) / nullif({{ denominator }}, 0) as numeric(18, 6))
{%- endmacro %}
