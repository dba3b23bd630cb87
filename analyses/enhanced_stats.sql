-- The `enhanced-stats` page: the radar's weapon-category shares of kills and damage and the
-- body-part split of damage, for one player and match type. One row of player_profiles,
-- read through its account_id index.
-- vars: page_account_id, page_match_type (default `all`).
{%- set categories = ['ar', 'dmr', 'sr', 'smg', 'shotgun', 'lmg', 'pistol', 'melee', 'throwable', 'other'] %}
{%- set body_parts = ['head', 'torso', 'arm', 'pelvis', 'leg', 'non_specific'] %}

select
    profiles.account_id,
    profiles.player_name,
    profiles.match_type,
    profiles.kills,
    profiles.damage_dealt,
    {% for c in categories -%}
        profiles.kills_share_{{ c }},
    {% endfor -%}
    {% for c in categories -%}
        profiles.damage_share_{{ c }},
    {% endfor -%}
    {% for part in body_parts -%}
        profiles.damage_share_{{ part }}{{ ',' if not loop.last }}
    {% endfor -%}
from {{ ref('player_profiles') }} as profiles
where
    profiles.account_id = {{ pewstats.page_text('account_id') }}
    and profiles.match_type = {{ pewstats.page_text('match_type', 'all') }}
