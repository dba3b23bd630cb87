-- The player profile page: lifetime totals, the radar's four axes and their percentile ranks
-- (null when the player has fewer than `min_profile_matches` matches of the match type), for
-- one player and match type. Two index lookups by account_id.
-- vars: page_account_id, page_match_type (default `all`).
{%- set axes = ['fight_win_pct', 'finishing_pct', 'headshot_kill_pct', 'fight_survival_pct'] %}

select
    profiles.account_id,
    profiles.player_name,
    profiles.match_type,
    profiles.matches,
    profiles.kills,
    profiles.deaths,
    profiles.knocks,
    profiles.damage_dealt,
    profiles.avg_damage_per_match,
    {% for axis in axes -%}
        profiles.{{ axis }},
        ranks.{{ axis }}_percentile,
    {% endfor -%}
    profiles.last_match_day
from {{ ref('player_profiles') }} as profiles
left join {{ ref('player_profile_ranks') }} as ranks
    on
        profiles.account_id = ranks.account_id
        and profiles.match_type = ranks.match_type
where
    profiles.account_id = {{ pewstats.page_text('account_id') }}
    and profiles.match_type = {{ pewstats.page_text('match_type', 'all') }}
