"""The numbers that make a synthetic match look like real play, each with where it comes from."""

from __future__ import annotations

# --- who plays
SHORT_TEAM_SHARE = 0.1  # squads and duos one player short
TEAM_ID_GAP_SHARE = 0.08  # real team ids have gaps
BOT_MATCH_SHARE = 0.4  # official-like matches with some AI bots
NPC_MATCH_SHARE = 0.45  # matches on NPC maps with guards
TWO_GUNS_SHARE = 0.85  # a second main gun rather than a pistol

# how often each class is somebody's gun
GUN_CLASS_WEIGHTS = {"AR": 9.0, "DMR": 2.5, "SR": 1.2, "SMG": 2.8, "SG": 0.8, "LMG": 0.6}

# --- hits
HIT_REASON_WEIGHTS = {"TorsoShot": 46.0, "ArmShot": 16.0, "LegShot": 12.0, "PelvisShot": 11.0, "HeadShot": 13.0}
REASON_DAMAGE_FACTOR = {"HeadShot": 2.35, "TorsoShot": 1.0, "PelvisShot": 0.95, "ArmShot": 0.6, "LegShot": 0.55}
ARMOR_FACTORS = [1.0, 0.7, 0.6, 0.45]  # none, level 1, 2, 3
