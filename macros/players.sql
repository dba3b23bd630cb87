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

{#- A ratio that is null, not an error, where the denominator is zero. -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast(cast({{ numerator }} as numeric(24, 8)) / nullif({{ denominator }}, 0) as numeric(18, 6))
{%- endmacro %}
