"""The numbers that make a synthetic match look like real play, each with where it comes from.

"The real file" is the complete 2025 telemetry of ``shared/data/pubg/JS1936-PubgAPI-Java`` (a
3.5-minute custom match, close fights); "the real match objects" are the eight battle-royale
match objects of ``shared/data/pubg`` (2018-2026, squads, duos and solo; SOURCES.md).
``tests/python/test_synth.py`` derives its ranges from those files and checks the synthetic
seasons against them: when a number here changes, that test says whether play stays real.
"""

from __future__ import annotations

from typing import NamedTuple

# --- who plays
SHORT_TEAM_SHARE = 0.1  # squads and duos one player short
TEAM_ID_GAP_SHARE = 0.08  # real team ids have gaps
BOT_MATCH_SHARE = 0.4  # official-like matches with some AI bots
NPC_MATCH_SHARE = 0.45  # matches on NPC maps with guards
TWO_GUNS_SHARE = 0.85  # a second main gun rather than a pistol
# Players differ: each has a log-normal "skill" weight (sigma below) that makes it likelier to be
# the one who lands a hit or takes a kill. Real kills are concentrated (the real match objects: a
# kill for 29-45 % of the participants, the best player 6-15 kills, the 90th percentile of damage
# 3-8 times the median).
SKILL_SPREAD = 1.0

# how often each class is somebody's gun
GUN_CLASS_WEIGHTS = {"AR": 9.0, "DMR": 3.0, "SR": 2.0, "SMG": 2.8, "SG": 0.8, "LMG": 0.6}


# --- how far a hit is from its target
class HitRange(NamedTuple):
    """Log-normal distances of the hits of one kind: the median, the spread (sigma of the
    logarithm) and the bounds, in metres."""

    median_m: float
    spread: float
    least_m: float
    most_m: float


# Close-range kinds follow the real file (kills and hits per category, medians: shotgun 4.6 m,
# SMG 9.9 m, assault rifle 14-18 m, throwables 11.7 m with a longest throw of 33.7 m, melee at
# most 1.7 m). Its fights are all close, so the long guns' medians and tails follow the real
# match objects' longestKill per player instead (median 36 m, 90th percentile 195 m, longest
# 670 m over 290 players with a kill): marksman and sniper rifles kill further than assault
# rifles, and nothing hits beyond the longest real kill.
HIT_RANGES = {
    "AR": HitRange(24.0, 0.85, 2.0, 380.0),
    "LMG": HitRange(26.0, 0.85, 2.0, 380.0),
    "DMR": HitRange(60.0, 0.75, 3.0, 550.0),
    "SR": HitRange(80.0, 0.65, 3.0, 640.0),
    "SMG": HitRange(11.0, 0.7, 1.0, 90.0),
    "SG": HitRange(5.5, 0.55, 1.0, 28.0),
    "HG": HitRange(9.0, 0.6, 1.0, 55.0),
    "melee": HitRange(1.0, 0.25, 0.5, 1.8),  # pans and fists
    "grenade": HitRange(11.0, 0.45, 2.0, 32.0),
    "molotov": HitRange(6.0, 0.5, 1.0, 20.0),
    "vehicle": HitRange(2.0, 0.4, 0.5, 6.0),  # a car hits whom it touches
}
# a one-sided poke is a long shot: how far out in its gun's distribution (standard normal quantiles)
POKE_QUANTILES = (1.0, 2.3)

# --- what a hit is
# damageReason of a hit, from both real telemetry files' gun hits (TorsoShot 171, ArmShot 75,
# HeadShot 49, LegShot 36, PelvisShot 35)
HIT_REASON_WEIGHTS = {"TorsoShot": 171.0, "ArmShot": 75.0, "LegShot": 36.0, "PelvisShot": 35.0, "HeadShot": 49.0}
# the hit that knocks or kills is a headshot more often: the real match objects' headshotKills are
# 24.6 % of their kills (165 of 671; 20-36 % per match), and about 6 lethal hits in 7 are gun hits
LETHAL_HEADSHOT_SHARE = 0.28
REASON_DAMAGE_FACTOR = {"HeadShot": 2.35, "TorsoShot": 1.0, "PelvisShot": 0.95, "ArmShot": 0.6, "LegShot": 0.55}
ARMOR_FACTORS = [1.0, 0.7, 0.6, 0.45]  # none, level 1, 2, 3

# --- how fights end
# What happens to a member of a team that survives a fight (the losers all go down), who knocks
# and finishes. Tuned, with the knocked times below, so that a match keeps the numbers of knocks,
# kills and revives it had before calibration (the benchmarks compare volumes across versions):
# that leaves knocks rarer than in real play (DBNOs per participant about 0.68 in team modes,
# real 0.70-1.20).
DEATH_CHANCE = 0.12
KNOCK_CHANCE = 0.19  # knocked, then revived
SKIRMISH_KNOCK_CHANCE = 0.25
KNOCK_INSTEAD_OF_KILL = 0.95  # a downed player with a mate standing is knocked, not killed outright
FINISH_RATHER_THAN_BLEED = 0.85
KNOCKER_FINISHES = 0.65
THIRD_TEAM_STEALS = 0.25
SURVIVOR_SHOOTS = 0.75  # a casualty is usually made by a member of a team that survives the fight

# --- knocked players
# In the real file a knocked player lies 1.5-85 s (median 9 s, mean 16 s) before being finished,
# bleeding out or being revived, with a bleeding tick a second; shots at a knocked player write
# damage 0 (83 of its 181 gun hits).
FINISH_AFTER_MS = (1_500, 18_000)
BLEED_OUT_AFTER_MS = (20_000, 60_000)
REVIVE_AFTER_MS = (6_000, 20_000)

# --- how much combat
# LogPlayerTakeDamage per match at scale 1; the real file's mix is 58 % bleeding ticks, 28 % gun
# hits, 7 % blue zone, the rest punches, fire and falls
DAMAGE_EVENTS_PER_MATCH = 2_700
ZONE_TICKS_PER_MATCH = 1100  # blue-zone damage that does not kill
# of the fights' exchanges, the share that are shots at knocked players (damage 0)
SHOTS_AT_KNOCKED_SHARE = 0.85
# LogPlayerAttack per hit in the fights' exchanges: the real file has 552 attacks to 181 gun hits
MISSES_PER_HIT = (1, 2)
