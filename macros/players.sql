{#- A real player: an `account.` id. Bots have `ai.` ids and NPCs none. We do not exclude by
    name (a real account may be called `Guard`): NPC names only ever come without an account. -#}
{% macro is_player(account_id) -%}
    coalesce({{ account_id }} like 'account.%', false)
{%- endmacro %}

{#- Attacker and victim are both players and their teams differ (self and team damage excluded). -#}
{% macro is_enemy(attacker_prefix, victim_prefix) -%}
    {{ pewstats.is_player(attacker_prefix ~ '_account_id') }}
    and {{ pewstats.is_player(victim_prefix ~ '_account_id') }}
    and {{ attacker_prefix }}_team_id is not null
    and {{ victim_prefix }}_team_id is not null
    and {{ attacker_prefix }}_team_id <> {{ victim_prefix }}_team_id
{%- endmacro %}

{#- Counted event: common.isGame at or after the `min_is_game` var. -#}
{% macro is_counted(is_game) -%}
    coalesce({{ is_game }} >= {{ var('min_is_game') }}, false)
{%- endmacro %}

{% macro weapon_or_unknown(column) -%}
    coalesce(nullif({{ column }}, ''), 'Unknown')
{%- endmacro %}

{#- A ratio that is null, not an error, where the denominator is zero: six decimals, the last
    rounded half away from zero (PostgreSQL's and Spark's decimal rounding). -#}
{% macro safe_ratio(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_ratio', 'pewstats')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_ratio(numerator, denominator) -%}
    cast(cast({{ numerator }} as numeric(24, 8)) / nullif({{ denominator }}, 0) as numeric(18, 6))
{%- endmacro %}

{#- DuckDB divides a decimal in double precision, so an exact quotient with a 5 in its seventh
    decimal (267.213695 / 2 = 133.6068475, a double a hair below it) was rounded down, where
    PostgreSQL and Spark round it up. Here both sides are made integers (hundred-millionths:
    exact for the counts and the six-decimal damage divided) and the quotient is computed in
    integer millionths, exactly, rounded half up (the measures divided are never negative). -#}
{% macro duckdb__safe_ratio(numerator, denominator) -%}
    {%- set n = 'cast(cast(' ~ numerator ~ ' as decimal(24, 8)) * 100000000 as hugeint)' -%}
    {%- set d = 'cast(cast(' ~ denominator ~ ' as decimal(24, 8)) * 100000000 as hugeint)' -%}
    cast(
        cast(divide(2000000 * {{ n }} + {{ d }}, nullif(2 * {{ d }}, 0)) as decimal(18, 0))
        * cast(0.000001 as decimal(7, 6)) as decimal(18, 6)
    )
{%- endmacro %}
