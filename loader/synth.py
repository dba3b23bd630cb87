"""Deterministic synthetic PUBG seasons: telemetry files and PUBG API match objects.

The output copies the real formats (``shared/data/pubg``): the complete 2025 telemetry file of
``JS1936-PubgAPI-Java`` (key spelling, nesting, key order, keys that are *left out* rather than
set to null) and the API match objects (``data`` + ``included`` rosters, participants, asset).
As in the real file, ``LogMatchDefinition`` comes first, has no ``common`` and a 7-digit
fraction in ``_D``; ``isGame`` is written as the game does (0, 0.10000000149011612, 0.5, 1, 1.5,
2, ...); only ``LogPlayerLogout`` events follow ``LogMatchEnd``. Events are sorted by ``_D``.

What a match looks like (``scale=1.0``): 64-100 characters in teams of the game mode's size,
about 58,000 events, 30-35 MB of single-line JSON (about 2.1 MB gzip; the real file's ratio
would give 2.4 MB), of which 2,700 ``LogPlayerTakeDamage``, 60-90 ``LogPlayerMakeGroggy`` in
squads (fewer in duos, none in solo) and 60-98 ``LogPlayerKillV2``. Combat comes in team fights:
two or three teams within a few hundred metres, 10-120 s of damage, then knocks, finishes,
bleed-outs, revives and team wipes; landing fights in phase 0.5, third parties, skirmishes
without casualties, one-sided long-range pokes (about 15-30 fights by the v2 rules). Around the
fights: blue-zone damage and deaths (no ``attacker`` / ``killer`` / ``finisher`` key), falls and
own grenades (self damage, suicides), rare team damage and team kills, AI bots (``ai.<n>``) in
some matches, NPCs (``accountId`` "", team 200+) in some matches, lobby punches at isGame 0.
``scale`` multiplies the characters (floor 16), fights and every kind of event.

PUBG's own numbers written here (``victimGameResult.stats.killCount``, the winners' killCount in
``LogMatchEnd``, the participants' stats in the match object) follow the project's contract so that
they are an exact oracle: a kill / knock / damage counts when killer and victim are both players
(``account.*``) of different teams, it is not a suicide, damage > 0 and ``isGame >= 0.1``. Kills of
bots are therefore *not* in ``kills`` here (real PUBG would count them).

Determinism: everything derives from the ``random.Random`` passed in (``generate_season`` uses
``Random(f"{seed}:{index}")`` per match and ``Random(f"{seed}:pool")`` for the player pool); no set
or hash order is ever used; gzip is written with mtime 0 and no file name.
"""

from __future__ import annotations

import gc
import gzip
import heapq
import math
import random
import struct
import uuid
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson

__all__ = [
    "SynthMatch",
    "SynthPlayer",
    "MutatedEvents",
    "make_player_pool",
    "generate_match_events",
    "generate_match_object",
    "generate_season",
    "write_telemetry",
    "mutate_match",
    "NPC_NAMES",
]

# ---------------------------------------------------------------------------------------------
# constants taken from the real files / PUBG's api-assets
# ---------------------------------------------------------------------------------------------

ISGAME_PLANE = 0.10000000149011612  # how the game writes 0.1 (a float32 widened to double)
MIN_COUNTED_IS_GAME = 0.1 - 1e-9  # the contract's default min_is_game, used for the oracle numbers

MAPS = ["Baltic_Main", "Desert_Main", "Savage_Main", "Tiger_Main", "Neon_Main"]
MAP_SIZE_CM = {"Baltic_Main": 816000, "Desert_Main": 816000, "Savage_Main": 408000, "Tiger_Main": 816000, "Neon_Main": 816000}
MAP_TOWNS = {
    "Baltic_Main": ["pochinki", "school", "georgopol", "rozhok", "mylta", "yasnayapolyana", "military"],
    "Desert_Main": ["pecado", "sanmartin", "hacienda", "losleones", "elpozo", "chumacera"],
    "Savage_Main": ["bootcamp", "paradiseresort", "ruins", "camp_alpha", "pai_nan"],
    "Tiger_Main": ["terminal", "goheung", "palace", "hosan", "songam"],
    "Neon_Main": ["jadu", "nanjing", "yuhai", "stadium", "tin_long"],
}
GAME_MODES = ["squad-fpp", "squad", "duo-fpp", "solo-fpp", "esports-squad-fpp"]
TEAM_SIZE = {"squad-fpp": 4, "squad": 4, "esports-squad-fpp": 4, "duo-fpp": 2, "duo": 2, "solo-fpp": 1, "solo": 1}
NPC_NAMES = ["Guard", "Commander", "Pillar", "SkySoldier", "Soldier", "PillarSoldier", "ZombieSoldier"]
BLUE_ZONE_CAUSER = "TslGameMode_LandmarkBP_C"  # what the real 2025 file writes (not in PUBG's dictionary)

# (damageCauserName, itemId, class, base damage) -- all names are in api-assets' dictionaries
GUNS = [
    ("WeapHK416_C", "Item_Weapon_HK416_C", "AR", 40.0),
    ("WeapAK47_C", "Item_Weapon_AK47_C", "AR", 47.0),
    ("WeapBerylM762_C", "Item_Weapon_BerylM762_C", "AR", 44.0),
    ("WeapSCAR-L_C", "Item_Weapon_SCAR-L_C", "AR", 40.0),
    ("WeapAUG_C", "Item_Weapon_AUG_C", "AR", 41.0),
    ("WeapM16A4_C", "Item_Weapon_M16A4_C", "AR", 41.0),
    ("WeapACE32_C", "Item_Weapon_ACE32_C", "AR", 43.0),
    ("WeapG36C_C", "Item_Weapon_G36C_C", "AR", 40.0),
    ("WeapQBZ95_C", "Item_Weapon_QBZ95_C", "AR", 41.0),
    ("WeapK2_C", "Item_Weapon_K2_C", "AR", 41.0),
    ("WeapMini14_C", "Item_Weapon_Mini14_C", "DMR", 46.0),
    ("WeapSKS_C", "Item_Weapon_SKS_C", "DMR", 53.0),
    ("WeapMk12_C", "Item_Weapon_Mk12_C", "DMR", 50.0),
    ("WeapFNFal_C", "Item_Weapon_FNFal_C", "DMR", 58.0),
    ("WeapDragunov_C", "Item_Weapon_Dragunov_C", "DMR", 58.0),
    ("WeapKar98k_C", "Item_Weapon_Kar98k_C", "SR", 79.0),
    ("WeapM24_C", "Item_Weapon_M24_C", "SR", 75.0),
    ("WeapAWM_C", "Item_Weapon_AWM_C", "SR", 105.0),
    ("WeapMosinNagant_C", "Item_Weapon_Mosin_C", "SR", 79.0),
    ("WeapUMP_C", "Item_Weapon_UMP_C", "SMG", 35.0),
    ("WeapVector_C", "Item_Weapon_Vector_C", "SMG", 31.0),
    ("WeapUZI_C", "Item_Weapon_UZI_C", "SMG", 26.0),
    ("WeapMP5K_C", "Item_Weapon_MP5K_C", "SMG", 33.0),
    ("WeapBizonPP19_C", "Item_Weapon_BizonPP19_C", "SMG", 35.0),
    ("WeapP90_C", "Item_Weapon_P90_C", "SMG", 35.0),
    ("WeapThompson_C", "Item_Weapon_Thompson_C", "SMG", 40.0),
    ("WeapSaiga12_C", "Item_Weapon_Saiga12_C", "SG", 22.0),
    ("WeapBerreta686_C", "Item_Weapon_Berreta686_C", "SG", 24.0),
    ("WeapDP28_C", "Item_Weapon_DP28_C", "LMG", 51.0),
    ("WeapM249_C", "Item_Weapon_M249_C", "LMG", 40.0),
]
PISTOLS = [
    ("WeapM1911_C", "Item_Weapon_M1911_C", "HG", 35.0),
    ("WeapG18_C", "Item_Weapon_G18_C", "HG", 22.0),
    ("WeapM9_C", "Item_Weapon_M9_C", "HG", 23.0),
    ("WeapDesertEagle_C", "Item_Weapon_DesertEagle_C", "HG", 62.0),
]
GUN_WEIGHTS = {"AR": 9.0, "DMR": 2.5, "SR": 1.2, "SMG": 2.8, "SG": 0.8, "LMG": 0.6}
ATTACHMENTS = [
    "Item_Attach_Weapon_Upper_ACOG_01_C",
    "Item_Attach_Weapon_Upper_Aimpoint_C",
    "Item_Attach_Weapon_Lower_Foregrip_C",
    "Item_Attach_Weapon_Lower_AngledForeGrip_C",
    "Item_Attach_Weapon_Magazine_ExtendedQuickDraw_Large_C",
    "Item_Attach_Weapon_Muzzle_Compensator_Large_C",
    "Item_Attach_Weapon_Muzzle_Suppressor_Large_C",
    "Item_Attach_Weapon_Stock_AR_Composite_C",
]
LOOT = [  # itemId, category, subCategory, stackCount range
    ("Item_Ammo_556mm_C", "Ammunition", "None", 30),
    ("Item_Ammo_762mm_C", "Ammunition", "None", 30),
    ("Item_Ammo_9mm_C", "Ammunition", "None", 30),
    ("Item_Ammo_45ACP_C", "Ammunition", "None", 25),
    ("Item_Ammo_12Guage_C", "Ammunition", "None", 5),
    ("Item_Heal_Bandage_C", "Use", "Heal", 5),
    ("Item_Heal_FirstAid_C", "Use", "Heal", 1),
    ("Item_Heal_MedKit_C", "Use", "Heal", 1),
    ("Item_Boost_EnergyDrink_C", "Use", "Boost", 1),
    ("Item_Boost_PainKiller_C", "Use", "Boost", 1),
    ("Item_Boost_AdrenalineSyringe_C", "Use", "Boost", 1),
    ("Item_Armor_E_01_Lv1_C", "Equipment", "Vest", 1),
    ("Item_Armor_D_01_Lv2_C", "Equipment", "Vest", 1),
    ("Item_Armor_C_01_Lv3_C", "Equipment", "Vest", 1),
    ("Item_Head_E_01_Lv1_C", "Equipment", "Headgear", 1),
    ("Item_Head_F_01_Lv2_C", "Equipment", "Headgear", 1),
    ("Item_Head_G_01_Lv3_C", "Equipment", "Headgear", 1),
    ("Item_Back_E_01_Lv1_C", "Equipment", "Backpack", 1),
    ("Item_Back_F_01_Lv2_C", "Equipment", "Backpack", 1),
    ("Item_Back_C_01_Lv3_C", "Equipment", "Backpack", 1),
    ("Item_Weapon_Grenade_C", "Weapon", "Throwable", 1),
    ("Item_Weapon_Molotov_C", "Weapon", "Throwable", 1),
    ("Item_Weapon_SmokeBomb_C", "Weapon", "Throwable", 1),
    ("Item_Weapon_Pan_C", "Weapon", "Melee", 1),
] + [(a, "Attachment", "None", 1) for a in ATTACHMENTS] + [(g[1], "Weapon", "Main", 1) for g in GUNS[:20]]
HEALS = [("Item_Heal_Bandage_C", 10.0), ("Item_Heal_FirstAid_C", 75.0), ("Item_Heal_MedKit_C", 100.0)]
VEHICLES = [
    ("WheeledVehicle", "Dacia_A_01_v2_C"),
    ("WheeledVehicle", "Uaz_B_01_C"),
    ("WheeledVehicle", "BP_Motorbike_04_C"),
    ("WheeledVehicle", "BP_PickupTruck_A_01_C"),
    ("WheeledVehicle", "Buggy_A_01_C"),
    ("WheeledVehicle", "BP_Mirado_A_02_C"),
    ("FloatingVehicle", "Boat_PG117_C"),
]
OBJECT_TYPES = [("Door", "Opening"), ("Door", "Closing"), ("Window", "Opening"), ("DoubleSlidingDoor", "Opening")]
WEATHER = ["Clear", "Clouds", "Overcast", "Sunset", "Sunrise", "Weather_Clear"]
DAMAGE_REASONS = ["TorsoShot", "ArmShot", "LegShot", "PelvisShot", "HeadShot"]
REASON_WEIGHTS = [46.0, 16.0, 12.0, 11.0, 13.0]
REASON_MULT = {"HeadShot": 2.35, "TorsoShot": 1.0, "PelvisShot": 0.95, "ArmShot": 0.6, "LegShot": 0.55}
ARMOR_FACTORS = [1.0, 0.7, 0.6, 0.45]

_F32 = struct.Struct("<f")
_EMPTY_INFO = ("NonSpecific", "Damage_None", "None")  # dBNODamageInfo of a kill without a knock


def _f32(v: float) -> float:
    """The double a float32 value widens to, as the game writes them (41.6 -> 41.60000228881836)."""
    return _F32.unpack(_F32.pack(v))[0]


def _ri(rng: random.Random, a: int, b: int) -> int:
    """randint(a, b) for the hot loops (random.randint is several times slower)."""
    return a + int(rng.random() * (b - a + 1))


def _ch1(rng: random.Random, seq: list | tuple) -> Any:
    """choice() for the hot loops."""
    return seq[int(rng.random() * len(seq))]


def _xy(v: float) -> float:
    """A map coordinate: float32 steps are 1/16 cm below 2^20 cm; we use 1/8 (fewer digits)."""
    return round(v * 8.0) / 8.0


# ---------------------------------------------------------------------------------------------
# public types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthMatch:
    match_id: str  # a UUID string (deterministic from seed), the PUBG API match id
    telemetry_path: Path  # <out>/telemetry/<match_id>.json.gz
    match_path: Path  # <out>/matches/<match_id>.json  (PUBG API match object)


@dataclass(frozen=True)
class SynthPlayer:
    account_id: str  # "account.<32 hex>"
    name: str  # display name
    new_name: str | None = None  # the account renames itself ...
    rename_at: int | None = None  # ... from this season match index on

    def name_at(self, index: int) -> str:
        if self.new_name is not None and self.rename_at is not None and index >= self.rename_at:
            return self.new_name
        return self.name


class MutatedEvents(list):
    """The list ``mutate_match`` returns; ``.mutation`` says what was changed."""

    mutation: dict[str, Any]


# ---------------------------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------------------------

_SYL = ["ka", "ro", "zen", "mi", "lo", "xx", "tak", "vi", "nor", "sha", "dow", "ki", "ra", "bo", "jin", "te", "qu", "ar",
        "ex", "ul", "on", "dra", "gon", "fox", "wolf", "pew", "snip", "er", "bot", "ace", "neo", "max", "zed", "lux"]
_WORDS = ["Sniper", "Ghost", "Panda", "Chicken", "Dinner", "Pan", "Rush", "Camper", "Medic", "Viper", "Storm", "Blaze",
          "Frag", "Loot", "Zone", "Hunter", "Raven", "Tiger", "Falcon", "Shadow", "Nomad", "Ninja", "Bandit", "Pixel"]
_UNICODE_NAMES = ["Renée_fps", "Ölçü", "玩家小明", "プレイヤー", "🐔Dinner", "Ñandú", "Łukasz_PL", "игрок", "😀smile",
                  "Müller", "피카츄", "Zoë★", "Çağrı", "冠军", "🔥Blaze🔥", "Ångström", "ŠKODA_fan", "Δelta"]
_HARD_NAMES = ["O'Brien", 'say"hi"', "back\\slash", "tab\tname", "it's_me", 'q"uote', "C:\\pubg"]


def _ascii_name(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.35:
        s = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize() + str(rng.randint(1, 999))
    elif k < 0.6:
        s = rng.choice(_WORDS) + rng.choice(["_", "-", "", "x"]) + rng.choice(_WORDS)
    elif k < 0.8:
        s = rng.choice(["xX", "TTV_", "iM", "Mr", "The", ""]) + rng.choice(_WORDS) + rng.choice(["Xx", "_YT", "99", "-", "fps"])
    else:
        s = "".join(rng.choice(_SYL) for _ in range(rng.randint(3, 5)))
    return s[:24]


def make_player_pool(rng: random.Random, n: int = 360, *, renames: bool = True) -> list[SynthPlayer]:
    """``n`` accounts with distinct names: mostly ASCII, some Unicode, a few database-awkward
    (quote, double quote, backslash, tab). About 3 % rename themselves during the season."""
    names: list[str] = []
    seen: dict[str, None] = {}
    hard = list(_HARD_NAMES)
    uni = list(_UNICODE_NAMES)
    while len(names) < n:
        k = rng.random()
        if hard and k < 0.02:
            s = hard.pop(0)
        elif uni and k < 0.08:
            s = uni.pop(rng.randrange(len(uni)))
        else:
            s = _ascii_name(rng)
        while s in seen:
            s = s[:20] + str(rng.randint(0, 99))
        seen[s] = None
        names.append(s)
    pool = []
    for name in names:
        aid = "account." + "%032x" % rng.getrandbits(128)
        new_name = rename_at = None
        if renames and rng.random() < 0.03:
            new_name = name + "_" + rng.choice(["TTV", "YT", "2", "new", "x"])
            while new_name in seen:
                new_name += str(rng.randint(0, 9))
            seen[new_name] = None
            rename_at = rng.randint(1, 40)
        pool.append(SynthPlayer(aid, name, new_name, rename_at))
    return pool


# ---------------------------------------------------------------------------------------------
# the match simulation
# ---------------------------------------------------------------------------------------------


class _P:
    """One character of the match (player, bot, or NPC)."""

    __slots__ = ("idx", "aid", "name", "team", "typ", "human", "dx", "dy", "gun1", "gun2", "body", "dead_at",
                 "knocked", "knock_iv", "jump_t", "land_t", "shots", "kills")

    def __init__(self, idx: int, aid: str, name: str, team: int, typ: str) -> None:
        self.idx = idx
        self.aid = aid
        self.name = name
        self.team = team
        self.typ = typ
        self.human = aid.startswith("account.")
        self.dead_at: int | None = None
        self.knocked: tuple | None = None  # (knocker, dbno_id, info, t_knock, bleed_style)
        self.knock_iv: list[tuple[int, int]] = []
        self.shots = 0
        self.kills = 0


class _Team:
    __slots__ = ("tid", "members", "pt", "px", "py", "busy_until", "fights")

    def __init__(self, tid: int) -> None:
        self.tid = tid
        self.members: list[_P] = []
        self.pt: list[int] = []  # path waypoints: times (ms), x, y (cm)
        self.px: list[float] = []
        self.py: list[float] = []
        self.busy_until = 0
        self.fights = 0

    def way(self, t: int, x: float, y: float) -> None:
        if self.pt and t < self.pt[-1]:
            t = self.pt[-1]
        self.pt.append(t)
        self.px.append(x)
        self.py.append(y)

    def alive(self, t: int | None = None) -> list[_P]:
        if t is None:
            return [p for p in self.members if p.dead_at is None]
        return [p for p in self.members if p.dead_at is None or p.dead_at > t]


class _Sim:
    """Builds the events of one match. Events are collected as [t_ms, type, body] and sorted at
    the end, when ``common``, ``_D`` and ``_T`` are appended (the real key order); the bulk of
    non-combat events is stamped when made (type None in the list)."""

    def __init__(self, match_id: str, rng: random.Random, *, players: int | None, scale: float,
                 start: datetime | None, player_pool: list | None, match_type: str, game_mode: str,
                 map_name: str | None) -> None:
        self.rng = rng
        self.match_id = match_id
        self.scale = max(0.01, float(scale))
        self.match_type = match_type
        self.game_mode = game_mode
        self.team_size = TEAM_SIZE.get(game_mode, 4)
        self.map_name = map_name or rng.choice(MAPS)
        self.map_size = MAP_SIZE_CM.get(self.map_name, 816000)
        self.towns = MAP_TOWNS.get(self.map_name, ["town"])
        # ground heights of this map (float32 values); non-combat events draw from these
        self.z_table = [_f32(rng.uniform(150, 2400)) for _ in range(8)]
        self.fight_pos: dict[tuple[int, int], tuple[float, float, float]] = {}
        self.sec_cache: dict[int, str] = {}
        self.items: dict[tuple[str, int], dict] = {}
        if start is None:
            start = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(0, 86400))
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        self.start = start
        self.t_lobby = int(round(start.timestamp() * 1000))
        self.t_start = self.t_lobby + rng.randint(55_000, 95_000)  # LogMatchStart
        self.out: list[list] = []
        self.kills: list[tuple[int, dict, _P, _P | None, _P | None]] = []  # (t, event, victim, killer, finisher)
        self.dbno_seq = 0
        self.fights: list[dict] = []
        self._build_roster(players, player_pool)

    # ----------------------------------------------------------------------------- roster
    def _build_roster(self, players: int | None, pool: list | None) -> None:
        rng = self.rng
        ts = self.team_size
        if players is None:
            if self.match_type == "competitive" or self.game_mode.startswith("esports"):
                base = 64
            elif ts == 4:
                base = rng.randint(88, 100)
            elif ts == 2:
                base = rng.randint(90, 100)
            else:
                base = rng.randint(88, 100)
            if self.match_type == "custom":
                base = rng.randint(64, 100)
            players = max(16, int(round(base * self.scale)))
        players = max(2, int(players))
        n_bots = 0
        if self.match_type in ("official", "arcade", "event", "training") and rng.random() < 0.4:
            n_bots = min(players // 4, max(1, int(round(rng.randint(1, 8) * min(1.0, self.scale * 2)))))
        n_humans = players - n_bots
        # accounts
        chosen: list[tuple[str, str]] = []
        if pool:
            norm = []
            for item in pool:
                if isinstance(item, SynthPlayer):
                    norm.append((item.account_id, item.name))
                elif isinstance(item, dict):
                    norm.append((item.get("accountId") or item.get("account_id"), item["name"]))
                else:
                    norm.append((item[0], item[1]))
            k = min(n_humans, len(norm))
            chosen = rng.sample(norm, k)
        if len(chosen) < n_humans:
            extra = make_player_pool(rng, n_humans - len(chosen) + 8, renames=False)
            used = {c[1] for c in chosen}
            for sp in extra:
                if len(chosen) >= n_humans:
                    break
                if sp.name not in used:
                    chosen.append((sp.account_id, sp.name))
        rng.shuffle(chosen)
        bots = [("ai.%d" % (100 + i * 7 + rng.randint(0, 6)), _ascii_name(rng).replace("_", "")) for i in range(n_bots)]
        chars = [(a, n, "user") for a, n in chosen] + [(a, n, "ai") for a, n in bots]
        # teams: mostly full, some one short (squads/duos), bots at the end
        self.players: list[_P] = []
        self.teams: list[_Team] = []
        i = 0
        tid = 1
        while i < len(chars):
            size = ts
            if ts > 1 and rng.random() < 0.1:
                size = ts - 1
            team = _Team(tid)
            for a, n, typ in chars[i:i + size]:
                p = _P(len(self.players), a, n, tid, typ)
                team.members.append(p)
                self.players.append(p)
            self.teams.append(team)
            i += size
            tid += 1 + (1 if rng.random() < 0.08 else 0)  # real team ids have gaps
        # loadouts, member offsets
        gw = [GUN_WEIGHTS[g[2]] for g in GUNS]
        for p in self.players:
            p.gun1 = rng.choices(GUNS, gw)[0]
            p.gun2 = rng.choices(GUNS, gw)[0] if rng.random() < 0.85 else rng.choice(PISTOLS)
            p.body = "PlayerFemale_A_C" if rng.random() < 0.3 else "PlayerMale_A_C"
            a = rng.random() * 2 * math.pi
            r = rng.uniform(300, 2500)
            p.dx = r * math.cos(a)
            p.dy = r * math.sin(a)
        # NPCs (not in LogMatchStart)
        self.npcs: list[_P] = []
        if self.map_name in ("Tiger_Main", "Neon_Main", "Desert_Main") and rng.random() < 0.45:
            for k in range(rng.randint(2, 5)):
                p = _P(10_000 + k, "", rng.choice(NPC_NAMES), 200 + (k % 2), "npc")
                p.gun1 = GUNS[1]
                p.gun2 = GUNS[0]
                p.body = "PlayerMale_A_C"
                p.dx = p.dy = 0.0
                self.npcs.append(p)

    # ----------------------------------------------------------------------------- helpers
    def emit(self, t: int, typ: str, body: dict) -> dict:
        self.out.append([t, typ, body])
        return body

    def loc(self, p: _P, t: int) -> tuple[float, float, float]:
        team = self.team_of[p.team]
        pt = team.pt
        if not pt:
            return (self.map_size / 2, self.map_size / 2, 500.0)
        i = bisect_right(pt, t)
        if i == 0:
            x, y = team.px[0], team.py[0]
        elif i >= len(pt):
            x, y = team.px[-1], team.py[-1]
        else:
            t0, t1 = pt[i - 1], pt[i]
            f = (t - t0) / (t1 - t0) if t1 > t0 else 1.0
            x = team.px[i - 1] + (team.px[i] - team.px[i - 1]) * f
            y = team.py[i - 1] + (team.py[i] - team.py[i - 1]) * f
        return (x + p.dx, y + p.dy, 0.0)

    def ch(self, p: _P, t: int, health: float = 100, *, xyz: tuple | None = None, blue: bool = False,
           veh: bool = False, ranking: int = 0, indiv: int = 0, zone: bool = True) -> dict:
        """A Character object of p at t (at its path position unless xyz is given)."""
        if xyz is None:
            x, y, _ = self.loc(p, t)
            r = self.rng.random
            x += (r() - 0.5) * 300.0
            y += (r() - 0.5) * 300.0
            z = self.z_table[(p.idx + (t >> 13)) & 7]
        else:
            x, y, z = xyz
        hi = self.map_size - 100.0
        x = 100.0 if x < 100.0 else (hi if x > hi else round(x * 8.0) / 8.0)
        y = 100.0 if y < 100.0 else (hi if y > hi else round(y * 8.0) / 8.0)
        if zone and ((p.idx + (t >> 16)) & 3) == 0:
            towns = self.towns
            zl = [towns[(p.idx + (t >> 17)) % len(towns)]]
        else:
            zl = []
        return {"name": p.name, "teamId": p.team, "health": health, "location": {"x": x, "y": y, "z": z},
                "ranking": ranking, "individualRanking": indiv, "accountId": p.aid, "isInBlueZone": blue,
                "isInRedZone": False, "inSpecialZone": "None", "isInVehicle": veh, "zone": zl, "type": p.typ}

    def able(self, p: _P, t: int) -> bool:
        if p.dead_at is not None and p.dead_at <= t:
            return False
        for a, b in p.knock_iv:
            if a <= t < b:
                return False
        return True

    def alive_at(self, p: _P, t: int) -> bool:
        return p.dead_at is None or p.dead_at > t

    @staticmethod
    def info(reason: str, cat: str, causer: str, distance: float, extra: list | None = None) -> dict:
        return {"damageReason": reason, "damageTypeCategory": cat, "damageCauserName": causer,
                "additionalInfo": extra if extra is not None else [], "distance": distance,
                "isThroughPenetrableWall": False}

    def dist(self, a: dict, b: dict) -> float:
        la, lb = a["location"], b["location"]
        return _f32(math.sqrt((la["x"] - lb["x"]) ** 2 + (la["y"] - lb["y"]) ** 2 + (la["z"] - lb["z"]) ** 2))

    def attack_id(self, p: _P) -> int:
        p.shots += 1
        return (p.idx + 1) * 16777216 + p.shots

    def pick_hit(self, p: _P, *, melee_ok: bool = True) -> tuple[str, str, str, float, tuple]:
        """(damageTypeCategory, damageReason, damageCauserName, raw damage, gun) for one hit by p."""
        rng = self.rng
        k = rng.random()
        if k < 0.86 or not melee_ok:
            gun = p.gun1 if rng.random() < 0.8 else p.gun2
            reason = rng.choices(DAMAGE_REASONS, REASON_WEIGHTS)[0]
            dmg = gun[3] * REASON_MULT[reason] * rng.choice(ARMOR_FACTORS) * rng.uniform(0.9, 1.08)
            return ("Damage_Gun", reason, gun[0], dmg, gun)
        if k < 0.91:
            return ("Damage_Explosion_Grenade", "NonSpecific", "ProjGrenade_C", rng.uniform(8, 70), None)
        if k < 0.95:
            return ("Damage_Molotov", "NonSpecific", rng.choice(["BP_MolotovFireDebuff_C", "BP_FireEffectController_C"]),
                    rng.choice([4.0, 8.0, 10.0, 12.0]), None)
        if k < 0.975:
            return ("Damage_Melee", rng.choice(DAMAGE_REASONS), "WeapPan_C", rng.uniform(40, 80), None)
        if k < 0.99:
            return ("Damage_Punch", rng.choice(DAMAGE_REASONS), p.body, rng.choice([10.800000190734863, 20.0, 13.5]), None)
        return ("Damage_VehicleHit", "NonSpecific", rng.choice(["Dacia_A_01_v2_C", "Uaz_B_01_C", "BP_Motorbike_04_C"]),
                rng.uniform(20, 90), None)

    def damage_event(self, t: int, a: _P | None, v: _P, cat: str, reason: str, dmg: float, causer: str,
                     *, a_ch: dict | None = None, v_ch: dict | None = None, attack_id: int = -1,
                     v_health: float = 100) -> dict:
        body: dict[str, Any] = {"attackId": attack_id}
        if a is not None:
            body["attacker"] = _cc(a_ch) if a_ch is not None else self.ch(a, t)
        body["victim"] = _cc(v_ch) if v_ch is not None else self.ch(v, t, v_health)
        body["damageTypeCategory"] = cat
        body["damageReason"] = reason
        body["damage"] = dmg
        body["damageCauserName"] = causer
        body["isThroughPenetrableWall"] = False
        return self.emit(t, "LogPlayerTakeDamage", body)

    def attack_event(self, t: int, p: _P, gun: tuple, attack_id: int, p_ch: dict | None = None) -> None:
        self.emit(t, "LogPlayerAttack", {
            "attackId": attack_id, "fireWeaponStackCount": self.rng.randint(1, 40),
            "attacker": _cc(p_ch) if p_ch is not None else self.ch(p, t), "attackType": "Weapon",
            "weapon": {"itemId": gun[1], "stackCount": 1, "category": "Weapon", "subCategory": "Main" if gun[2] != "HG" else "Handgun",
                       "attachedItems": [ATTACHMENTS[(p.idx + k) % len(ATTACHMENTS)] for k in range(p.idx % 3)]}})

    # ----------------------------------------------------------------------------- fight positions
    def fight_ch(self, p: _P, t: int, health: float = 100, blue: bool = False) -> dict:
        """Character inside a fight: at the team's anchor (member offsets shrunk to a few metres)."""
        key = (p.idx, t >> 12)  # a player moves a little every ~4 s
        xyz = self.fight_pos.get(key)
        if xyz is None:
            rng = self.rng
            team = self.team_of[p.team]
            i = bisect_right(team.pt, t)
            j = max(0, min(i - 1, len(team.pt) - 1))
            xyz = (team.px[j] + p.dx * 0.5 + (rng.random() - 0.5) * 600.0,
                   team.py[j] + p.dy * 0.5 + (rng.random() - 0.5) * 600.0,
                   self.z_table[(p.idx + (t >> 14)) & 7])
            self.fight_pos[key] = xyz
        return self.ch(p, t, health, xyz=xyz, blue=blue)

    # ----------------------------------------------------------------------------- kills
    def kill_event(self, t: int, v: _P, *, killer: _P | None, finisher: _P | None, dbno: tuple | None,
                   finish_info: dict, killer_info: dict, suicide: bool = False, teamkill: bool = False,
                   assists: list[str] | None = None, v_ch: dict | None = None, k_ch: dict | None = None,
                   f_ch: dict | None = None, attack_id: int = -1) -> None:
        """LogPlayerKillV2. dbno = (maker, dbno_id, info) when the victim was knocked first."""
        body: dict[str, Any] = {"attackId": attack_id, "dBNOId": dbno[1] if dbno else -1}
        body["victimGameResult"] = {"rank": 0, "gameResult": "", "teamId": v.team, "stats": None,
                                    "accountId": v.aid, "isRewardAbuse": False}
        body["victim"] = _cc(v_ch) if v_ch is not None else self.fight_ch(v, t, 0)
        body["victimVehicle"] = _no_vehicle()
        body["victimWeapon"] = "" if self.rng.random() < 0.5 else v.gun1[0] + "_%d" % (v.idx % 2)
        body["victimWeaponAdditionalInfo"] = []
        if dbno:
            body["dBNOMaker"] = self.fight_ch(dbno[0], t)
            body["dBNODamageInfo"] = _ci(dbno[2])
        else:
            body["dBNODamageInfo"] = self.info(*_EMPTY_INFO, -1)
        if finisher is not None:
            body["finisher"] = _cc(f_ch) if f_ch is not None else self.fight_ch(finisher, t)
        body["finishDamageInfo"] = _ci(finish_info)
        if killer is not None:
            if killer is finisher and f_ch is not None:
                body["killer"] = _cc(f_ch)
            else:
                body["killer"] = _cc(k_ch) if k_ch is not None else self.fight_ch(killer, t)
        body["killerDamageInfo"] = _ci(killer_info)
        body["killerVehicle"] = _no_vehicle()
        body["assists_AccountId"] = assists or []
        body["teamKillers_AccountId"] = [killer.aid] if teamkill and killer is not None else []
        body["isSuicide"] = suicide
        self.emit(t, "LogPlayerKillV2", body)
        v.dead_at = t
        self.kills.append((t, body, v, killer, finisher))

    # ----------------------------------------------------------------------------- one fight
    def run_fight(self, fight: dict) -> None:
        """Casualties of one engagement, processed in time order through a small event heap."""
        rng = self.rng
        t0, t1 = fight["t0"], fight["t1"]
        teams: list[_Team] = fight["teams"]
        elim: list[_Team] = fight["elim"]
        arrive: dict[int, int] = fight["arrive"]
        in_fight = {tm.tid: tm for tm in teams}
        heap: list = []
        seq = 0
        dur = t1 - t0
        for tm in teams:
            members = tm.alive()
            if not members:
                continue
            ta = arrive[tm.tid]
            lo = max(t0 + int(0.15 * dur), ta + 3000)
            hi = t1 - 1500
            if hi <= lo:
                hi = lo + 2000
            if tm in elim:
                for p in members:
                    heapq.heappush(heap, (rng.randint(lo, hi), seq, "cas", p, "die"))
                    seq += 1
            else:
                anchor = rng.choice(members)
                for p in members:
                    if p is anchor:
                        continue
                    k = rng.random()
                    intent = "die" if k < fight["p_die"] else ("revive" if k < fight["p_die"] + fight["p_knock"] else None)
                    if intent:
                        heapq.heappush(heap, (rng.randint(lo, hi), seq, "cas", p, intent))
                        seq += 1
        while heap:
            t, _, kind, v, intent = heapq.heappop(heap)
            if kind == "cas":
                if not self.able(v, t) or v.knocked is not None:
                    continue
                cands = [p for tm in teams if tm.tid != v.team and arrive[tm.tid] <= t for p in tm.members
                         if self.able(p, t) and p.knocked is None]
                if not cands:
                    continue
                surv = [p for p in cands if in_fight[p.team] not in elim]
                a = rng.choice(surv if surv and rng.random() < 0.75 else cands)
                info, a_ch, v_ch = self.lethal_hits(t, a, v)
                mates = [p for p in self.team_of[v.team].members if p is not v and self.able(p, t) and p.knocked is None]
                if self.team_size > 1 and mates and rng.random() < 0.93:
                    self.dbno_seq += 1
                    dbno_id = self.dbno_seq * 16777216
                    self.emit(t, "LogPlayerMakeGroggy", {
                        "attackId": info.pop("_attack_id"), "attacker": _cc(a_ch), "victim": _cc(v_ch),
                        "damageReason": info["damageReason"], "damageTypeCategory": info["damageTypeCategory"],
                        "damageCauserName": info["damageCauserName"], "damageCauserAdditionalInfo": list(info["additionalInfo"]),
                        "victimWeapon": "", "victimWeaponAdditionalInfo": [], "distance": info["distance"],
                        "isAttackerInVehicle": False, "dBNOId": dbno_id, "isThroughPenetrableWall": False})
                    v.knocked = (a, dbno_id, info, t, rng.random() < 0.6)
                    if intent == "revive":
                        heapq.heappush(heap, (t + rng.randint(6000, 20000), seq, "revive", v, None))
                    elif rng.random() < 0.85:
                        heapq.heappush(heap, (t + rng.randint(1500, 14000), seq, "finish", v, None))
                    else:
                        heapq.heappush(heap, (t + rng.randint(15000, 40000), seq, "bleed", v, None))
                    seq += 1
                else:
                    aid = info.pop("_attack_id", -1)
                    self.kill_event(t, v, killer=a, finisher=a, dbno=None, finish_info=info, killer_info=info,
                                    v_ch=v_ch, f_ch=a_ch, attack_id=aid)
                    self.team_wipe_check(v.team, t + 1)
            elif kind == "finish":
                if v.knocked is None or not self.alive_at(v, t):
                    continue
                knocker, dbno_id, kinfo, tk, style = v.knocked
                opp = [p for tm in teams if tm.tid != v.team and arrive[tm.tid] <= t for p in tm.members
                       if self.able(p, t) and p.knocked is None]
                f = None
                if opp:
                    if knocker in opp and rng.random() < 0.65:
                        f = knocker
                    else:
                        same = [p for p in opp if p.team == knocker.team]
                        other = [p for p in opp if p.team != knocker.team]
                        if other and rng.random() < 0.25:
                            f = rng.choice(other)
                        elif same:
                            f = rng.choice(same)
                        else:
                            f = rng.choice(opp)
                if f is None:
                    self.bleed_out(v, t)
                    continue
                self.end_knock(v, t)
                f_ch = self.fight_ch(f, t)
                v_ch = self.fight_ch(v, t, 0)
                n = rng.randint(1, 3)
                last_info = None
                aid = -1
                lo = max(_free_since(f, t), t - 3000) + 1  # the finisher may have just been revived
                for k in range(n):
                    cat, reason, causer, dmg, gun = self.pick_hit(f, melee_ok=False)
                    tt = min(t - (n - k), max(lo, t - (n - k) * rng.randint(120, 500)))
                    aid = self.attack_id(f)
                    if gun is not None and rng.random() < 0.7:
                        self.attack_event(min(tt, max(lo, tt - rng.randint(20, 200))), f, gun, aid, f_ch)
                    self.damage_event(tt, f, v, cat, reason, _f32(round(dmg * 0.5, 2)), causer, a_ch=f_ch,
                                      v_ch=v_ch, attack_id=aid)
                    last_info = self.info(reason, cat, causer, self.dist(f_ch, v_ch))
                if f.team == knocker.team:
                    killer, k_info, assists = knocker, kinfo, []
                else:  # a third team steals the kill; the knocker gets an assist
                    killer, k_info, assists = f, last_info, [knocker.aid] if knocker.human else []
                self.kill_event(t, v, killer=killer, finisher=f, dbno=(knocker, dbno_id, kinfo), finish_info=last_info,
                                killer_info=k_info, assists=assists, v_ch=v_ch, f_ch=f_ch,
                                k_ch=f_ch if killer is f else None, attack_id=aid)
            elif kind == "bleed":
                if v.knocked is None or not self.alive_at(v, t):
                    continue
                self.bleed_out(v, t)
            elif kind == "revive":
                if v.knocked is None or not self.alive_at(v, t):
                    continue
                mates = [p for p in self.team_of[v.team].members if p is not v and self.able(p, t) and p.knocked is None]
                if not mates:
                    self.bleed_out(v, t)
                    continue
                r = rng.choice(mates)
                dbno_id = v.knocked[1]
                self.end_knock(v, t)
                self.emit(t, "LogPlayerRevive", {"reviver": self.fight_ch(r, t, _f32(rng.uniform(30, 100))),
                                                 "victim": self.fight_ch(v, t, 10), "dBNOId": dbno_id,
                                                 "useTraumaBag": False})
        # anybody still knocked at the end of the engagement bleeds out
        for tm in teams:
            for p in tm.members:
                if p.knocked is not None and self.alive_at(p, t1):
                    self.bleed_out(p, max(t1, p.knocked[3] + 3000))

    def lethal_hits(self, t: int, a: _P, v: _P) -> tuple[dict, dict, dict]:
        """2-5 hits by a that take v from full health to 0, the last one at t - a few ms."""
        rng = self.rng
        health = 100.0
        n = rng.randint(2, 5)
        a_ch = self.fight_ch(a, t)
        v_ch0 = self.fight_ch(v, t)
        dist = self.dist(a_ch, v_ch0)
        # no shot before the shooter (or the victim) got up from an earlier knock
        lo = max(_free_since(a, t), _free_since(v, t)) + 350
        span = max(10, min(6000, t - lo))
        times = sorted(t - rng.randint(5, span) for _ in range(n - 1)) + [t - rng.randint(2, 6)]
        info = None
        for k, tt in enumerate(times):
            last = k == n - 1
            cat, reason, causer, dmg, gun = self.pick_hit(a)
            if last:
                dmg = health
            else:
                dmg = min(dmg, health - rng.uniform(1, 20))
                if dmg <= 0.5:
                    dmg = 0.5
            dmg = _f32(round(dmg, 2))
            health = max(0.0, health - dmg)
            aid = self.attack_id(a) if cat != "Damage_Molotov" else -1
            if gun is not None and rng.random() < 0.8:
                self.attack_event(max(lo, tt - rng.randint(20, 300)), a, gun, aid, a_ch)
            v_ch = v_ch0 if last else self.fight_ch(v, tt, _f32(round(health + dmg, 2)))
            if last:
                v_ch["health"] = 0
            self.damage_event(tt, a, v, cat, reason, dmg, causer, a_ch=a_ch, v_ch=v_ch, attack_id=aid)
            if last:
                extra = [ATTACHMENTS[a.idx % len(ATTACHMENTS)]] if gun is not None and a.idx % 3 == 0 else []
                info = self.info(reason, cat, causer, dist, extra)
                info["_attack_id"] = aid
        return info, a_ch, v_ch0

    def end_knock(self, v: _P, t: int) -> None:
        knocker, dbno_id, info, tk, style = v.knocked
        v.knock_iv.append((tk, t))
        v.knocked = None
        # bleeding ticks while knocked: either the knocker as attacker with real damage, or the
        # victim itself with damage 0 (both shapes exist in real files)
        rng = self.rng
        tt = tk + rng.randint(700, 1100)
        xyz_v = self.fight_ch(v, tk, 0)["location"]
        vxyz = (xyz_v["x"], xyz_v["y"], xyz_v["z"])
        k_ch = self.fight_ch(knocker, tk) if style else None
        k_dead = knocker.dead_at if knocker.dead_at is not None else 1 << 62
        while tt < t - 200:
            if style and tt < k_dead:
                self.damage_event(tt, knocker, v, "Damage_Groggy", "None", _f32(rng.choice([1.0, 1.5, 2.0, 2.5, 3.0])
                                                                                  * rng.uniform(0.9, 1.1)),
                                  knocker.body, a_ch=k_ch, v_ch=self.ch(v, tt, 0, xyz=vxyz))
            else:
                vc = self.ch(v, tt, 0, xyz=vxyz)
                self.damage_event(tt, v, v, "Damage_Groggy", "None", 0, v.body, a_ch=vc, v_ch=vc)
            tt += rng.randint(900, 1100)

    def bleed_out(self, v: _P, t: int) -> None:
        knocker, dbno_id, kinfo, tk, style = v.knocked
        self.end_knock(v, t)
        v_ch = self.fight_ch(v, t, 0)
        k_ch = self.fight_ch(knocker, t)
        finfo = self.info("None", "Damage_Groggy", knocker.body, self.dist(k_ch, v_ch))
        self.kill_event(t, v, killer=knocker, finisher=knocker, dbno=(knocker, dbno_id, kinfo), finish_info=finfo,
                        killer_info=kinfo, v_ch=v_ch, f_ch=k_ch)

    def team_wipe_check(self, tid: int, t: int) -> None:
        """When the last standing member dies, the knocked ones die with them (credited to their knockers)."""
        team = self.team_of[tid]
        standing = [p for p in team.members if self.able(p, t) and p.knocked is None]
        if standing:
            return
        for p in team.members:
            if p.knocked is not None and self.alive_at(p, t):
                self.bleed_out(p, t)
                t += 1

    # ----------------------------------------------------------------------------- the match plan
    def plan_and_fight(self) -> None:
        rng = self.rng
        s = self.t_start
        self.team_of = {tm.tid: tm for tm in self.teams}
        for p in self.npcs:
            if p.team not in self.team_of:
                self.team_of[p.team] = _Team(p.team)
            self.team_of[p.team].members.append(p)
        ms = self.map_size
        # plane line, jumps and landings
        ang = rng.random() * 2 * math.pi
        cx, cy = ms / 2, ms / 2
        self.plane = (cx - math.cos(ang) * ms * 0.45, cy - math.sin(ang) * ms * 0.45, math.cos(ang), math.sin(ang))
        self.final_zone = (rng.uniform(0.3, 0.7) * ms, rng.uniform(0.3, 0.7) * ms)
        for tm in self.teams:
            jump = s + rng.randint(15_000, 95_000)
            land = jump + rng.randint(55_000, 85_000)
            lx, ly = self.plane_xy(jump)
            lx += rng.uniform(-0.12, 0.12) * ms
            ly += rng.uniform(-0.12, 0.12) * ms
            for p in tm.members:
                p.jump_t = jump + rng.randint(0, 2500)
                p.land_t = land + rng.randint(0, 6000)
            tm.way(land, min(max(lx, 0.05 * ms), 0.95 * ms), min(max(ly, 0.05 * ms), 0.95 * ms))
        # phases (absolute ms): isGame values of the game
        bounds = [(self.t_lobby - 10**9, 0), (s, ISGAME_PLANE), (s + 120_000, 0.5)]
        t = s + 300_000
        g = 1.0
        step = [180, 180, 150, 140, 125, 115, 100, 95, 85, 80, 70, 70, 60, 60, 55, 55, 50, 50, 45, 45, 40, 40]
        k = 0
        while t < s + 3_600_000:
            bounds.append((t, int(g) if g == int(g) else g))  # the game writes 1, 1.5, 2 (ints when whole)
            t += step[min(k, len(step) - 1)] * 1000
            k += 1
            g += 0.5
        self.phase_t = [b[0] for b in bounds]
        self.phase_v = [b[1] for b in bounds]
        self.commons = [{"isGame": v} for v in self.phase_v]
        # episodes
        n_teams = len(self.teams)
        r = {4: 1.3, 2: 2.4, 1: 3.6}.get(self.team_size, 1.3)
        if self.game_mode.startswith("esports"):
            r = 1.1
        f_target = max(min(n_teams - 1, 3), int(round((n_teams - 1) / r)))
        end_target = s + rng.randint(1_500_000, 1_800_000)
        n_land = max(1, int(round(f_target * rng.uniform(0.12, 0.2)))) if n_teams >= 4 else 0
        episodes: list[tuple[int, int, str]] = []  # (t0, dur, kind)
        for _ in range(n_land):
            episodes.append((s + rng.randint(170_000, 240_000), rng.randint(15_000, 55_000), "fight"))
        n_rest = max(1, f_target - n_land)
        lo, hi = s + 330_000, end_target - 60_000
        slot = (hi - lo) / n_rest
        for i in range(n_rest):
            t0 = int(lo + slot * i + rng.uniform(0, slot * 0.8))
            episodes.append((t0, rng.randint(10_000, 110_000), "fight"))
        n_skirm = max(1, int(round(f_target * 0.2))) if n_teams >= 3 else 0
        for _ in range(n_skirm):
            episodes.append((rng.randint(lo, hi - 200_000 if hi - 200_000 > lo else hi), rng.randint(10_000, 40_000), "skirm"))
        n_poke = max(1, int(round(8 * self.scale)))
        for _ in range(n_poke):
            episodes.append((rng.randint(lo, hi), rng.randint(3_000, 15_000), "poke"))
        n_bz = max(1, int(round(rng.randint(1, 4) * self.scale)))
        for _ in range(n_bz):
            episodes.append((rng.randint(s + 700_000, hi), 20_000, "bzdeath"))
        if rng.random() < 0.6:
            episodes.append((rng.randint(s + 200_000, hi), 3_000, "suicide"))
        if self.team_size > 1 and rng.random() < 0.25:
            episodes.append((rng.randint(s + 200_000, hi), 3_000, "teamkill"))
        if self.npcs:
            for _ in range(max(1, int(round(rng.randint(1, 3) * self.scale)))):
                episodes.append((rng.randint(lo, hi), rng.randint(8_000, 30_000), "npc"))
            if rng.random() < 0.5:
                episodes.append((rng.randint(lo, hi), rng.randint(5_000, 15_000), "npcnpc"))
        episodes.sort()
        heap = [(t0, i, dur, kind) for i, (t0, dur, kind) in enumerate(episodes)]
        heapq.heapify(heap)
        seq = len(heap)
        n_fights_left = sum(1 for e in episodes if e[2] == "fight")
        last_end = s
        land_fight_teams: list[int] = []
        while True:
            alive_teams = [tm for tm in self.teams if tm.alive()]
            if len(alive_teams) <= 1:
                break
            if not heap:  # more fights until one team is left, after everything so far
                heapq.heappush(heap, (last_end + rng.randint(15_000, 60_000), seq, rng.randint(20_000, 90_000), "fight"))
                seq += 1
                n_fights_left += 1
            t0, _, dur, kind = heapq.heappop(heap)
            last_end = max(last_end, t0 + dur)
            avail = [tm for tm in alive_teams if tm.busy_until <= t0]
            landing = t0 < s + 290_000
            if landing:
                avail = [tm for tm in avail if tm.tid not in land_fight_teams]
            need = {"fight": 2, "skirm": 2, "poke": 2, "bzdeath": 1, "suicide": 1, "teamkill": 1, "npc": 1, "npcnpc": 0}[kind]
            if len(avail) < need:
                busy = [tm.busy_until for tm in alive_teams if tm.busy_until > t0]
                if kind in ("fight",) and busy:
                    heapq.heappush(heap, (min(busy) + rng.randint(2_000, 20_000), seq, dur, kind))
                    seq += 1
                elif kind == "fight":
                    heapq.heappush(heap, (t0 + 30_000, seq, dur, kind))
                    seq += 1
                continue
            if kind == "fight":
                n_fights_left -= 1
                need_elim = len(alive_teams) - 1
                rem = max(1, n_fights_left + 1)
                want = need_elim / rem
                s_k = 1 if need_elim <= rem else max(1, int(round(rng.gauss(want, 0.45))))
                s_k = min(s_k, need_elim, len(avail) - 1, 4 if self.team_size == 1 else 3)
                if n_fights_left <= 0:
                    s_k = min(need_elim, len(avail) - 1)
                picked = rng.sample(avail, s_k + 1)  # a landing fight moves their drop spots together
                elim = picked[:s_k]
                winner = picked[s_k]
                teams = elim + [winner]
                if s_k == 1 and len(avail) >= 3 and rng.random() < 0.3:
                    third = rng.choice([tm for tm in avail if tm not in teams])
                    teams.append(third)
                self.fight(t0, dur, teams, elim, landing)
                if landing:
                    land_fight_teams.extend(tm.tid for tm in teams)
                last_end = max(last_end, t0 + dur)
            elif kind == "skirm":
                teams = rng.sample(avail, 2)
                self.fight(t0, dur, teams, [], False, skirmish=True)
            elif kind == "poke":
                teams = rng.sample(avail, 2)
                self.poke(t0, dur, teams[0], teams[1])
            elif kind == "bzdeath":
                tm = rng.choice(avail)
                if len(tm.alive()) == 1 and len(alive_teams) <= 2:
                    continue
                self.blue_zone_death(t0, rng.choice(tm.alive()))
            elif kind == "suicide":
                tm = rng.choice(avail)
                if len(tm.alive()) == 1 and len(alive_teams) <= 2:
                    continue
                self.suicide(t0, rng.choice(tm.alive()))
            elif kind == "teamkill":
                cands = [tm for tm in avail if len(tm.alive()) >= 2]
                if cands:
                    tm = rng.choice(cands)
                    v, k = rng.sample(tm.alive(), 2)
                    self.team_kill(t0, k, v)
            elif kind == "npc":
                self.npc_encounter(t0, dur, rng.choice(avail))
            elif kind == "npcnpc":
                self.npc_vs_npc(t0, dur)
        self.t_last_death = max((k[0] for k in self.kills), default=s + 600_000)

    def plane_xy(self, t: int) -> tuple[float, float]:
        x0, y0, ux, uy = self.plane
        d = (t - self.t_start) * 8.2  # ~82 m/s
        return (x0 + ux * d, y0 + uy * d)

    def zone_center(self, t: int) -> tuple[float, float, float]:
        """(x, y, radius) of the safe zone at t: from the map centre towards the final circle."""
        ms = self.map_size
        f = min(1.0, max(0.0, (t - self.t_start - 300_000) / 1_400_000))
        x = ms / 2 + (self.final_zone[0] - ms / 2) * f
        y = ms / 2 + (self.final_zone[1] - ms / 2) * f
        return (x, y, ms * (0.3 * (1 - f) + 0.01))

    def fight(self, t0: int, dur: int, teams: list[_Team], elim: list[_Team], landing: bool, *, skirmish: bool = False) -> None:
        rng = self.rng
        if landing:
            tm0 = teams[0]
            cx, cy = tm0.px[0], tm0.py[0]
        else:
            zx, zy, zr = self.zone_center(t0)
            a = rng.random() * 2 * math.pi
            d = rng.uniform(0, zr * 0.7)
            cx, cy = zx + math.cos(a) * d, zy + math.sin(a) * d
        ms = self.map_size
        cx = min(max(cx, 0.05 * ms), 0.95 * ms)
        cy = min(max(cy, 0.05 * ms), 0.95 * ms)
        t1 = t0 + dur
        arrive = {}
        for i, tm in enumerate(teams):
            a = rng.random() * 2 * math.pi
            rad = rng.uniform(1_500, 11_000) if i < 2 or elim and tm in elim else rng.uniform(6_000, 13_000)
            ax, ay = cx + math.cos(a) * rad, cy + math.sin(a) * rad
            third = i >= 2 and tm not in elim
            ta = t0 + int(dur * rng.uniform(0.3, 0.6)) if third else t0
            arrive[tm.tid] = ta
            if landing:
                # the whole team drops here, before the fight
                tm.pt[0] = min(tm.pt[0], t0 - 8_000)
                tm.px[0], tm.py[0] = ax, ay
                for p in tm.members:
                    p.land_t = min(p.land_t, t0 - rng.randint(3_000, 8_000))
                    p.jump_t = min(p.jump_t, p.land_t - 55_000)
            tm.way(ta - 1, ax, ay)
            tm.way(t1 + 1, ax, ay)
            tm.busy_until = t1 + 5_000
            tm.fights += 1
        fight = {"t0": t0, "t1": t1, "teams": teams, "elim": elim, "arrive": arrive, "cx": cx, "cy": cy,
                 # surviving teams' members: chance to die / to be knocked and revived
                 "p_die": 0.0 if skirmish else 0.12,
                 "p_knock": (0.25 if skirmish else 0.2) if self.team_size > 1 else 0.0, "skirmish": skirmish}
        self.run_fight(fight)
        self.fights.append(fight)

    def poke(self, t0: int, dur: int, a_team: _Team, v_team: _Team) -> None:
        """One-sided long-range damage, no response: an engagement that is not a fight."""
        rng = self.rng
        shooters = [p for p in a_team.alive() if p.knocked is None]
        victims = v_team.alive()
        if not shooters or not victims:
            return
        a = rng.choice(shooters)
        v = rng.choice(victims)
        ax, ay, _ = self.loc(a, t0)
        dx, dy = rng.uniform(-1, 1), rng.uniform(-1, 1)
        n = math.hypot(dx, dy) or 1.0
        d = rng.uniform(15_000, 35_000)
        vx, vy = ax + dx / n * d, ay + dy / n * d
        health = 100.0
        for _ in range(rng.randint(2, 5)):
            t = t0 + rng.randint(0, dur)
            cat, reason, causer, dmg, gun = self.pick_hit(a, melee_ok=False)
            dmg = _f32(round(min(dmg, health - 5), 2))
            if dmg <= 0:
                break
            health -= dmg
            aid = self.attack_id(a)
            a_ch = self.ch(a, t, xyz=(ax, ay, _f32(rng.uniform(300, 900))))
            v_ch = self.ch(v, t, _f32(round(health, 2)), xyz=(vx, vy, _f32(rng.uniform(300, 900))))
            self.attack_event(t - rng.randint(100, 400), a, gun, aid, a_ch)
            self.damage_event(t, a, v, cat, reason, dmg, causer, a_ch=a_ch, v_ch=v_ch, attack_id=aid)

    def blue_zone_death(self, t0: int, v: _P) -> None:
        rng = self.rng
        rate = 0.4 + 0.9 * self.phase_index(t0)
        n = max(2, int(100 / rate) + 1)
        n = min(n, 60)
        per = 100.0 / (n - 1)
        health = 100.0
        x, y, _ = self.loc(v, t0)
        t = t0
        for k in range(n):
            dmg = _f32(round(min(per, health), 2))
            if dmg <= 0:
                break
            health = max(0.0, health - dmg)
            self.damage_event(t, None, v, "Damage_BlueZone", "NonSpecific", dmg, BLUE_ZONE_CAUSER,
                              v_ch=self.ch(v, t, _f32(round(health, 2)), xyz=(x, y, _f32(rng.uniform(300, 600))), blue=True))
            t += 1000
        bz = self.info("NonSpecific", "Damage_BlueZone", BLUE_ZONE_CAUSER, -1)
        self.kill_event(t, v, killer=None, finisher=None, dbno=None, finish_info=bz,
                        killer_info=self.info("", "", "", -1),
                        v_ch=self.ch(v, t, 0, xyz=(x, y, _f32(rng.uniform(300, 600))), blue=True))
        team = self.team_of[v.team]
        team.busy_until = max(team.busy_until, t + 2000)

    def phase_index(self, t: int) -> float:
        return self.phase_v[bisect_right(self.phase_t, t) - 1]

    def suicide(self, t0: int, v: _P) -> None:
        rng = self.rng
        v_ch = self.ch(v, t0, 0)
        if rng.random() < 0.5:
            cat, causer = "Damage_Instant_Fall", v.body
        else:
            cat, causer = "Damage_Explosion_Grenade", "ProjGrenade_C"
        self.damage_event(t0 - 3, v, v, cat, "NonSpecific", 100, causer, a_ch=v_ch, v_ch=v_ch)
        info = self.info("NonSpecific", cat, causer, -1)
        self.kill_event(t0, v, killer=v, finisher=v, dbno=None, finish_info=info, killer_info=info,
                        suicide=True, v_ch=v_ch, f_ch=v_ch, k_ch=v_ch)

    def team_kill(self, t0: int, k: _P, v: _P) -> None:
        rng = self.rng
        k_ch = self.ch(k, t0)
        x, y, _ = self.loc(k, t0)
        v_ch = self.ch(v, t0, 0, xyz=(x + rng.uniform(-900, 900), y + rng.uniform(-900, 900), _f32(rng.uniform(300, 600))))
        health = 100.0
        info = None
        for j in range(3):
            cat, reason, causer, dmg, gun = self.pick_hit(k, melee_ok=False)
            dmg = _f32(round(health if j == 2 else min(dmg, health - 10), 2))
            health -= dmg
            aid = self.attack_id(k)
            self.damage_event(t0 - (3 - j) * 300, k, v, cat, reason, dmg, causer, a_ch=k_ch, v_ch=v_ch, attack_id=aid)
            info = self.info(reason, cat, causer, self.dist(k_ch, v_ch))
        self.kill_event(t0, v, killer=k, finisher=k, dbno=None, finish_info=info, killer_info=info,
                        teamkill=True, v_ch=v_ch, f_ch=k_ch, attack_id=aid)

    def npc_encounter(self, t0: int, dur: int, team: _Team) -> None:
        rng = self.rng
        members = [p for p in team.alive() if p.knocked is None]
        if not members or not self.npcs:
            return
        x, y, _ = self.loc(members[0], t0)
        for _ in range(rng.randint(5, 20)):
            t = t0 + rng.randint(0, dur)
            p = rng.choice(members)
            npc = rng.choice(self.npcs)
            p_ch = self.ch(p, t, xyz=(x + rng.uniform(-1500, 1500), y + rng.uniform(-1500, 1500), _f32(rng.uniform(300, 700))))
            n_ch = self.ch(npc, t, xyz=(x + rng.uniform(-4000, 4000), y + rng.uniform(-4000, 4000), _f32(rng.uniform(300, 700))))
            if rng.random() < 0.5:
                cat, reason, causer, dmg, gun = self.pick_hit(p, melee_ok=False)
                self.damage_event(t, p, npc, cat, reason, _f32(round(dmg, 2)), causer, a_ch=p_ch, v_ch=n_ch,
                                  attack_id=self.attack_id(p))
            else:
                self.damage_event(t, npc, p, "Damage_Gun", rng.choice(DAMAGE_REASONS[:4]),
                                  _f32(round(rng.uniform(5, 25), 2)), npc.gun1[0], a_ch=n_ch, v_ch=p_ch,
                                  attack_id=self.attack_id(npc))

    def npc_vs_npc(self, t0: int, dur: int) -> None:
        """Only NPCs: an engagement the fight detector must drop without failing."""
        rng = self.rng
        a_side = [p for p in self.npcs if p.team == 200]
        b_side = [p for p in self.npcs if p.team == 201]
        if not a_side or not b_side:
            return
        x, y = rng.uniform(0.2, 0.8) * self.map_size, rng.uniform(0.2, 0.8) * self.map_size
        for _ in range(rng.randint(6, 12)):
            t = t0 + rng.randint(0, dur)
            a, v = (rng.choice(a_side), rng.choice(b_side)) if rng.random() < 0.5 else (rng.choice(b_side), rng.choice(a_side))
            self.damage_event(t, a, v, "Damage_Gun", "TorsoShot", _f32(round(rng.uniform(20, 40), 2)), a.gun1[0],
                              a_ch=self.ch(a, t, xyz=(x + rng.uniform(-2000, 2000), y + rng.uniform(-2000, 2000), 500.0)),
                              v_ch=self.ch(v, t, xyz=(x + rng.uniform(-2000, 2000), y + rng.uniform(-2000, 2000), 500.0)),
                              attack_id=self.attack_id(a))

    # ----------------------------------------------------------------------------- filler combat
    def filler(self, target_damage: int) -> None:
        """Non-lethal exchanges inside the fights (and misses), up to about target_damage damage events."""
        rng = self.rng
        have = sum(1 for e in self.out if e[1] == "LogPlayerTakeDamage")
        # blue-zone damage that does not kill (players running from the zone late)
        n_bz = int(260 * self.scale)
        series = max(1, n_bz // 10)
        humans = self.players
        for _ in range(series):
            t = rng.randint(self.t_start + 420_000, max(self.t_start + 430_000, self.t_last_death - 10_000))
            p = rng.choice(humans)
            if not self.able(p, t):
                continue
            x, y, _ = self.loc(p, t)
            rate = _f32(0.4 + 0.6 * (self.phase_index(t) - 1))
            h = 100.0
            for _ in range(rng.randint(4, 16)):
                if not self.able(p, t) or h - rate < 5 or t >= self.t_end - 1_000:
                    break
                h -= rate
                self.damage_event(t, None, p, "Damage_BlueZone", "NonSpecific", rate, BLUE_ZONE_CAUSER,
                                  v_ch=self.ch(p, t, _f32(round(h, 2)), xyz=(x, y, 400.0), blue=True))
                t += 1000
                have += 1
        # falls (self damage)
        for _ in range(max(1, int(30 * self.scale))):
            p = rng.choice(humans)
            t = rng.randint(p.land_t, self.t_last_death)
            if not self.able(p, t):
                continue
            c = self.ch(p, t, _f32(rng.uniform(40, 100)))
            self.damage_event(t, p, p, "Damage_Instant_Fall", "NonSpecific", _f32(rng.uniform(2, 25)), p.body, a_ch=c, v_ch=c)
            have += 1
        # lobby punches at isGame 0 (not counted by default)
        for _ in range(rng.randint(2, 6)):
            a, v = rng.sample(self.players, 2)
            if a.team == v.team:
                continue
            t = rng.randint(self.t_lobby + 5_000, self.t_start - 2_000)
            lx, ly = self.lobby_xy(a)
            self.damage_event(t, a, v, "Damage_Punch", rng.choice(DAMAGE_REASONS), rng.choice([10.800000190734863, 13.5, 20.0]),
                              a.body, a_ch=self.ch(a, t, xyz=(lx, ly, 465.0), zone=False),
                              v_ch=self.ch(v, t, xyz=(lx + 80, ly + 60, 465.0), zone=False), attack_id=self.attack_id(a))
            have += 1
        # in-fight exchanges, spread over the fights by length x teams, until the target is met
        remaining = max(int(target_damage * 0.25), target_damage - have)
        fights = self.fights
        if not fights:
            return
        cum: list[float] = []
        acc = 0.0
        for f in fights:
            acc += max(1.0, (f["t1"] - f["t0"]) / 1000.0) * len(f["teams"])
            cum.append(acc)
        rosters = [[p for tm in f["teams"] for p in tm.members] for f in fights]
        made = attempts = 0
        while made < remaining and attempts < remaining * 6:
            attempts += 1
            i = min(bisect_right(cum, rng.random() * acc), len(fights) - 1)
            f, members = fights[i], rosters[i]
            arrive = f["arrive"]
            f_end = min(f["t1"], self.t_end - 1_000)  # nothing after the match ends
            if f_end <= f["t0"]:
                continue
            t = rng.randint(f["t0"], f_end)
            shooters = [p for p in members if arrive[p.team] <= t and self.able(p, t)]
            if not shooters:
                continue
            a = rng.choice(shooters)
            k = rng.random()
            if k < 0.012:
                mates = [p for p in shooters if p.team == a.team and p is not a]
                if not mates:
                    continue
                v = rng.choice(mates)  # team damage
            elif k < 0.018:
                v = a  # own grenade
            else:
                opp = [p for p in members if p.team != a.team and arrive[p.team] <= t and self.alive_at(p, t)]
                if not opp:
                    continue
                v = rng.choice(opp)
            made += 1
            if v is a:
                c = self.fight_ch(a, t, _f32(rng.uniform(30, 100)))
                self.damage_event(t, a, a, "Damage_Explosion_Grenade", "NonSpecific", _f32(round(rng.uniform(5, 40), 2)),
                                  "ProjGrenade_C", a_ch=c, v_ch=c, attack_id=self.attack_id(a))
                continue
            cat, reason, causer, dmg, gun = self.pick_hit(a)
            knocked = not self.able(v, t)
            vh = 0 if knocked else _f32(round(rng.uniform(20, 100), 2))
            dmg = 0 if (not knocked and rng.random() < 0.04) else _f32(round(dmg * (0.5 if knocked else 1.0), 2))
            aid = self.attack_id(a) if gun is not None or cat == "Damage_Explosion_Grenade" else -1
            a_ch = self.fight_ch(a, t)
            if gun is not None and rng.random() < 0.85:
                self.attack_event(max(_free_since(a, t) + 1, t - rng.randint(20, 400)), a, gun, aid, a_ch)
            self.damage_event(t, a, v, cat, reason, dmg, causer, a_ch=a_ch, v_ch=self.fight_ch(v, t, vh), attack_id=aid)
            # and about one miss per hit
            for _ in range(1 + (rng.random() < 0.1)):
                tm = rng.randint(f["t0"], f_end)
                shooters = [p for p in members if arrive[p.team] <= tm and self.able(p, tm)]
                if shooters:
                    s_ = rng.choice(shooters)
                    gun = s_.gun1 if rng.random() < 0.8 else s_.gun2
                    self.attack_event(tm, s_, gun, self.attack_id(s_), self.fight_ch(s_, tm))

    def lobby_xy(self, p: _P) -> tuple[float, float]:
        base = self.map_size * 0.1
        return (base + (p.idx % 12) * 850.0, base + (p.idx // 12) * 900.0)

    # ----------------------------------------------------------------------------- non-combat events
    def noise(self) -> None:
        rng = self.rng
        sc = self.scale
        s = self.t_start
        end = self.t_end
        players = self.players
        # per character: login, create (lobby), airplane ride, jump, landing, logout
        for i, p in enumerate(players):
            tl = self.t_lobby + rng.randint(0, 40_000)
            lx, ly = self.lobby_xy(p)
            self.emit(tl, "LogPlayerLogin", {"accountId": p.aid})
            self.emit(tl + rng.randint(50, 400), "LogPlayerCreate",
                      {"character": self.ch(p, tl, xyz=(lx, ly, 600.0), zone=False)})
            px, py = self.plane_xy(s)
            ride_ch = self.ch(p, s + 10 + i, xyz=(px, py, 50208.0), veh=True, zone=False)
            self.emit(s + 10 + i, "LogVehicleRide", {"character": ride_ch, "vehicle": _aircraft(px, py, 0.0),
                                                     "seatIndex": 0, "fellowPassengers": []})
            self.emit(s + 10 + i, "LogItemEquip", {"character": ride_ch, "item": _item("Item_Back_B_01_StartParachutePack_C", 1, "Equipment", "Backpack")})
            jx, jy = self.plane_xy(p.jump_t)
            self.emit(p.jump_t, "LogVehicleLeave", {
                "character": self.ch(p, p.jump_t, xyz=(jx, jy, 50208.0), veh=True, zone=False),
                "vehicle": _aircraft(jx, jy, _f32(rng.uniform(1790, 1810))), "rideDistance": _f32((p.jump_t - s) * 8.2),
                "seatIndex": 0, "maxSpeed": _f32(rng.uniform(60, 70)), "fellowPassengers": []})
            if p.dead_at is None or p.dead_at > p.land_t:
                self.emit(p.land_t, "LogParachuteLanding", {"character": self.ch(p, p.land_t), "distance": _f32(rng.uniform(150, 900))})
                self.emit(p.land_t + 200, "LogItemUnequip", {"character": self.ch(p, p.land_t + 200),
                                                            "item": _item("Item_Back_B_01_StartParachutePack_C", 1, "Equipment", "Backpack")})
            self.emit(min(end + rng.randint(2_000, 40_000), (p.dead_at or end) + rng.randint(5_000, 60_000)),
                      "LogPlayerLogout", {"accountId": p.aid})
        # positions every `step` ms per living character
        life = [((p.dead_at or end) - self.t_lobby) for p in players]
        total = sum(life) or 1
        target_pos = 8_000 * sc
        step = max(2_000, int(total / max(1.0, target_pos)))
        death_times = sorted(p.dead_at for p in players if p.dead_at is not None)
        n_chars = len(players)
        out_append = self.out.append
        for p in players:
            t = self.t_lobby + _ri(rng, 1_000, step)
            stop = p.dead_at or end
            lx, ly = self.lobby_xy(p)
            while t < stop:
                alive = n_chars - bisect_right(death_times, t)
                el = max(0, (t - s) // 1000)
                if t < s:
                    body = {"character": self.ch(p, t, xyz=(lx + rng.uniform(-900, 900), ly + rng.uniform(-900, 900), 465.0), zone=False),
                            "elapsedTime": 0, "numAlivePlayers": alive}
                elif t < p.jump_t:
                    px, py = self.plane_xy(t)
                    body = {"character": self.ch(p, t, xyz=(px, py, 50208.0), veh=True, zone=False),
                            "vehicle": _aircraft(px, py, 1800.0), "elapsedTime": el, "numAlivePlayers": alive}
                elif t < p.land_t:
                    jx, jy = self.plane_xy(p.jump_t)
                    lx2, ly2, _ = self.loc(p, p.land_t)
                    f = (t - p.jump_t) / max(1, p.land_t - p.jump_t)
                    body = {"character": self.ch(p, t, xyz=(jx + (lx2 - jx) * f, ly2 * f + jy * (1 - f), _f32(50000 * (1 - f) + 400)), zone=False),
                            "elapsedTime": el, "numAlivePlayers": alive}
                else:
                    g, d = self.stamp(t)
                    body = {"character": self.ch(p, t, self.noise_health(t)), "elapsedTime": el, "numAlivePlayers": alive,
                            "common": g, "_D": d, "_T": "LogPlayerPosition"}
                    out_append([t, None, body])
                    t += step + _ri(rng, -300, 300)
                    continue
                self.emit(t, "LogPlayerPosition", body)
                t += step + _ri(rng, -300, 300)
        # game state every 10 s, phase changes
        t = s + 10_000
        n_teams = len(self.teams)
        team_death = sorted(max(p.dead_at for p in tm.members) for tm in self.teams if all(p.dead_at is not None for p in tm.members))
        while t < end:
            zx, zy, zr = self.zone_center(t)
            self.emit(t, "LogGameStatePeriodic", {"gameState": {
                "elapsedTime": (t - s) // 1000, "numStartTeams": n_teams, "numAliveTeams": n_teams - bisect_right(team_death, t),
                "numParticipatedTeams": n_teams, "numJoinPlayers": n_chars, "numStartPlayers": n_chars,
                "numAlivePlayers": n_chars - bisect_right(death_times, t), "numParticipatedPlayers": n_chars,
                "safetyZonePosition": {"x": _xy(zx), "y": _xy(zy), "z": 0}, "safetyZoneRadius": _f32(zr),
                "poisonGasWarningPosition": {"x": _xy(zx), "y": _xy(zy), "z": 0}, "poisonGasWarningRadius": _f32(zr * 1.4),
                "redZonePosition": {"x": 0, "y": 0, "z": 0}, "redZoneRadius": 0,
                "blackZonePosition": {"x": 0, "y": 0, "z": 0}, "blackZoneRadius": 0}})
            t += 10_000
        for k, (pt, pv) in enumerate(zip(self.phase_t, self.phase_v)):
            if pv >= 1 and pv == int(pv) and pt < end:
                inside = [p.aid for p in players if self.alive_at(p, pt) and ((p.idx * 7 + k) % 10) < 7]
                self.emit(pt, "LogPhaseChange", {"phase": int(pv), "playersInWhiteCircle": inside})
        # loot, equipment, firing, movement: bursts of activity by one player at one place
        # (looting a building, firing a magazine), which is also what keeps the gzip small
        landed = [p for p in players if (p.dead_at or end) > p.land_t + 5_000]
        if not landed:
            return
        cum = []
        acc = 0
        for p in landed:
            acc += (p.dead_at or end) - p.land_t
            cum.append(acc)

        def who() -> tuple[_P, int]:
            """A character and a moment of its life, not while knocked (nor 3 s before)."""
            while True:
                k = bisect_right(cum, rng.random() * acc)
                p = landed[min(k, len(landed) - 1)]
                hi = (p.dead_at or end) - 10_000
                t = _ri(rng, p.land_t + 1_000, hi if hi > p.land_t + 1_000 else p.land_t + 1_001)
                for a, b in p.knock_iv:
                    if a - 3_000 <= t < b:
                        break
                else:
                    return p, t

        def n_of(base: float) -> int:
            return int(round(base * sc))

        dead = [p for p in players if p.dead_at is not None]
        groups = [
            ["LogItemPickup", "LogItemEquip", "LogItemUnequip", "LogItemAttach", "LogItemDetach", "LogItemDrop", "LogItemUse",
             "LogHeal", "LogItemPickupFromLootBox", "LogItemPickupFromCarepackage", "LogObjectInteraction"],
            ["LogPlayerAttack", "LogWeaponFireCount", "LogPlayerUseThrowable", "LogObjectDestroy", "LogVehicleDamage"],
            ["LogVaultStart"],
        ]
        budget = {"LogItemPickup": n_of(9_500), "LogItemEquip": n_of(4_000), "LogItemUnequip": n_of(1_500),
                  "LogItemAttach": n_of(2_640), "LogItemDetach": n_of(360), "LogItemDrop": n_of(1_500),
                  "LogItemUse": n_of(1_500), "LogHeal": n_of(1_000), "LogItemPickupFromLootBox": n_of(700),
                  "LogItemPickupFromCarepackage": n_of(60), "LogObjectInteraction": n_of(4_000),
                  "LogPlayerAttack": n_of(5_000), "LogWeaponFireCount": n_of(2_500), "LogPlayerUseThrowable": n_of(400),
                  "LogObjectDestroy": n_of(500), "LogVehicleDamage": n_of(150), "LogVaultStart": n_of(2_500)}
        zt = self.z_table
        noise_event = self.noise_event
        for group, size in zip(groups, (7, 6, 2)):
            kinds = [typ for typ in group for _ in range(budget[typ])]
            rng.shuffle(kinds)
            i = 0
            n_kinds = len(kinds)
            while i < n_kinds:
                p, t = who()
                x, y, _ = self.loc(p, t)
                c = self.ch(p, t, xyz=(x, y, zt[(p.idx + (t >> 15)) & 7]))
                loc = c["location"]
                if rng.random() < 0.35:  # the periodic position of this player happens to be here
                    ch = dict(c)
                    ch["location"] = dict(loc)
                    ch["zone"] = list(c["zone"])
                    self.emit(t - _ri(rng, 5, 400), "LogPlayerPosition", {
                        "character": ch, "elapsedTime": (t - s) // 1000,
                        "numAlivePlayers": n_chars - bisect_right(death_times, t)})
                n = 1 + int(rng.random() * size)
                for typ in kinds[i:i + n]:
                    t += 15 + int(rng.random() * 246)
                    out_append([t, None, noise_event(typ, p, t, c, loc, dead)])
                i += n
        for _ in range(n_of(150)):
            p, t = who()
            self.emit(t, "LogSwimStart", {"character": self.ch(p, t)})
            t2 = min(t + _ri(rng, 5_000, 40_000), (p.dead_at or end) - 1)
            self.emit(t2, "LogSwimEnd", {"character": self.ch(p, t2), "swimDistance": _f32(rng.uniform(300, 5000)),
                                         "maxSwimDepthOfWater": _f32(rng.uniform(0, 300))})
        for _ in range(n_of(600)):
            p, t = who()
            vt, vid = rng.choice(VEHICLES)
            uid = 3_000 + _ri(rng, 0, 400)
            x, y, _ = self.loc(p, t)
            c = self.ch(p, t, xyz=(x, y, zt[p.idx & 7]), veh=True)
            seat = _ri(rng, 0, 3)
            self.emit(t, "LogVehicleRide", {"character": c, "vehicle": _vehicle(vt, vid, uid, seat, x, y, 0.0),
                                            "seatIndex": seat, "fellowPassengers": []})
            t2 = min(t + _ri(rng, 8_000, 120_000), (p.dead_at or end) - 1)
            x2, y2, _ = self.loc(p, t2)
            self.emit(t2, "LogVehicleLeave", {"character": self.ch(p, t2, xyz=(x2, y2, zt[(p.idx + 1) & 7]), veh=True),
                                              "vehicle": _vehicle(vt, vid, uid, seat, x2, y2, _f32(rng.uniform(0, 3000))),
                                              "rideDistance": _f32(rng.uniform(500, 150_000)), "seatIndex": seat,
                                              "maxSpeed": _f32(rng.uniform(40, 150)), "fellowPassengers": []})
        for k in range(max(1, n_of(3))):
            t = s + _ri(rng, 400_000, max(400_001, self.t_last_death - s - 100_000))
            if t + 60_000 >= end:
                continue
            zx, zy, zr = self.zone_center(t)
            loc = {"x": _xy(zx + rng.uniform(-zr, zr) * 0.5), "y": _xy(zy + rng.uniform(-zr, zr) * 0.5), "z": 20000.0}
            pkg = {"itemPackageId": "Carepackage_Container_C", "location": loc,
                   "items": [_item("Item_Weapon_AWM_C", 1, "Weapon", "Main"), _item("Item_Armor_C_01_Lv3_C", 1, "Equipment", "Vest")]}
            self.emit(t, "LogCarePackageSpawn", {"itemPackage": pkg})
            land = {"itemPackageId": "Carepackage_Container_C", "location": {"x": loc["x"], "y": loc["y"], "z": zt[k & 7]},
                    "items": [_item("Item_Weapon_AWM_C", 1, "Weapon", "Main"), _item("Item_Armor_C_01_Lv3_C", 1, "Equipment", "Vest")]}
            self.emit(t + 60_000, "LogCarePackageLand", {"itemPackage": land})

    def noise_event(self, typ: str, p: _P, t: int, c: dict, loc: dict, dead: list) -> dict:
        """One non-combat event of a burst: the burst's character (copied) and a few random fields,
        already stamped with common/_D/_T (built in one literal: cheaper than adding keys later)."""
        rng = self.rng
        g, d = self.stamp(t)
        ch = c  # shared by the events of the burst (same place, same moment): read-only
        _item = self.item
        if typ == "LogItemPickup":
            it = LOOT[(p.idx * 7 + (t >> 12)) % len(LOOT)] if rng.random() < 0.5 else _ch1(rng, LOOT)
            return {"character": ch, "item": _item(it[0], _ri(rng, 1, it[3]), it[1], it[2]), "common": g, "_D": d, "_T": typ}
        if typ == "LogItemEquip":
            it = _ch1(rng, LOOT[11:24]) if rng.random() < 0.6 else (p.gun1[1], "Weapon", "Main", 1)
            return {"character": ch, "item": _item(it[0], 1, it[1], it[2]), "common": g, "_D": d, "_T": typ}
        if typ == "LogItemUnequip" or typ == "LogItemDrop":
            it = _ch1(rng, LOOT[11:24]) if typ == "LogItemUnequip" else _ch1(rng, LOOT)
            return {"character": ch, "item": _item(it[0], 1, it[1], it[2]), "common": g, "_D": d, "_T": typ}
        if typ == "LogItemAttach" or typ == "LogItemDetach":
            gun = p.gun1 if rng.random() < 0.7 else p.gun2
            return {"character": ch, "parentItem": _item(gun[1], 1, "Weapon", "Main"),
                    "childItem": _item(_ch1(rng, ATTACHMENTS), 1, "Attachment", "None"), "common": g, "_D": d, "_T": typ}
        if typ == "LogItemUse":
            it = _ch1(rng, LOOT[5:11])
            return {"character": ch, "item": _item(it[0], 1, it[1], it[2]), "common": g, "_D": d, "_T": typ}
        if typ == "LogHeal":
            h, amount = _ch1(rng, HEALS)
            hp = float(_ri(rng, 10, 90))
            ch = dict(c)
            ch["health"] = hp
            return {"character": ch, "item": _item(h, 1, "Use", "Heal"), "healAmount": min(amount, 100 - hp), "common": g, "_D": d, "_T": typ}
        if typ == "LogItemPickupFromLootBox":
            owner = _ch1(rng, dead) if dead else p
            it = _ch1(rng, LOOT)
            return {"character": ch, "item": _item(it[0], _ri(rng, 1, it[3]), it[1], it[2]), "ownerTeamId": owner.team,
                    "creatorAccountId": owner.aid, "common": g, "_D": d, "_T": typ}
        if typ == "LogItemPickupFromCarepackage":
            it = _ch1(rng, [("Item_Weapon_AWM_C", "Weapon", "Main"), ("Item_Armor_C_01_Lv3_C", "Equipment", "Vest"),
                             ("Item_Ghillie_01_C", "Equipment", "None"), ("Item_Head_G_01_Lv3_C", "Equipment", "Headgear")])
            return {"character": ch, "item": _item(it[0], 1, it[1], it[2]), "carePackageUniqueId": 1000 + (p.idx & 7), "common": g, "_D": d, "_T": typ}
        if typ == "LogObjectInteraction":
            ot, st = OBJECT_TYPES[rng.randrange(len(OBJECT_TYPES))]
            return {"character": ch, "objectType": ot, "objectTypeStatus": st, "objectTypeAdditionalInfo": [], "common": g, "_D": d, "_T": typ}
        if typ == "LogPlayerAttack":
            gun = p.gun1 if rng.random() < 0.75 else p.gun2
            return {"attackId": self.attack_id(p), "fireWeaponStackCount": _ri(rng, 1, 40), "attacker": ch,
                    "attackType": "Weapon", "weapon": {"itemId": gun[1], "stackCount": 1, "category": "Weapon",
                                                       "subCategory": "Main" if gun[2] != "HG" else "Handgun",
                                                       "attachedItems": []}, "common": g, "_D": d, "_T": typ}
        if typ == "LogWeaponFireCount":
            gun = p.gun1 if rng.random() < 0.75 else p.gun2
            return {"character": ch, "weaponId": gun[1], "fireCount": 10 * _ri(rng, 1, 12), "common": g, "_D": d, "_T": typ}
        if typ == "LogPlayerUseThrowable":
            th = _ch1(rng, ["Item_Weapon_Grenade_C", "Item_Weapon_SmokeBomb_C", "Item_Weapon_Molotov_C"])
            return {"attackId": self.attack_id(p), "fireWeaponStackCount": 1, "attacker": ch, "attackType": "Weapon",
                    "weapon": _item(th, 1, "Equipment", "Throwable"), "common": g, "_D": d, "_T": typ}
        if typ == "LogObjectDestroy":
            return {"character": ch, "objectType": "Window",
                    "objectLocation": {"x": _xy(loc["x"] + 300), "y": _xy(loc["y"] - 200), "z": loc["z"]},
                    "damageCauserName": "", "common": g, "_D": d, "_T": typ}
        if typ == "LogVehicleDamage":
            vt, vid = VEHICLES[(p.idx + (t >> 14)) % 5]
            return {"attackId": self.attack_id(p), "attacker": ch,
                    "vehicle": _vehicle(vt, vid, 3_000 + (p.idx * 13) % 400, -1, loc["x"] + 1500, loc["y"], 0.0),
                    "damageTypeCategory": "Damage_Gun", "damageCauserName": p.gun1[0],
                    "damage": float(_ri(rng, 5, 60)), "distance": float(_ri(rng, 5, 200) * 100), "common": g, "_D": d, "_T": typ}
        # LogVaultStart
        return {"character": ch, "isLedgeGrab": rng.random() < 0.2, "isVaultOnVehicle": False, "common": g, "_D": d, "_T": typ}

    def stamp(self, t: int) -> tuple[dict, str]:
        """(common, _D) of a moment; the common objects are shared per phase (read-only)."""
        sec = t // 1000
        pre = self.sec_cache.get(sec)
        if pre is None:
            pre = datetime.fromtimestamp(sec, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")
            self.sec_cache[sec] = pre
        return self.commons[bisect_right(self.phase_t, t) - 1], "%s%03dZ" % (pre, t - sec * 1000)

    def item(self, item_id: str, stack: int, cat: str, sub: str) -> dict:
        """A shared (read-only) Item object."""
        key = (item_id, stack)
        it = self.items.get(key)
        if it is None:
            it = self.items[key] = _item(item_id, stack, cat, sub)
        return it

    def noise_health(self, t: int) -> float:
        return 100 if (t >> 10) % 5 else _f32(round(20 + (t % 7919) / 99.0, 2))

    # ----------------------------------------------------------------------------- bookends
    def bookends(self) -> None:
        rng = self.rng
        s = self.t_start
        chars = self.players
        # LogMatchStart at s, with each character in the lobby
        wrappers = []
        for p in chars:
            lx, ly = self.lobby_xy(p)
            wrappers.append({"character": self.ch(p, s, xyz=(lx, ly, 465.0), zone=False), "primaryWeaponFirst": "",
                             "primaryWeaponSecond": "", "secondaryWeapon": "", "spawnKitIndex": 0})
        custom = self.match_type == "custom"
        self.emit(s, "LogMatchStart", {
            "mapName": self.map_name, "weatherId": rng.choice(WEATHER), "characters": wrappers,
            "cameraViewBehaviour": "FpsOnly" if "fpp" in self.game_mode else "FpsAndTps",
            "teamSize": self.team_size, "isCustomGame": custom, "isEventMode": self.match_type in ("event", "arcade"),
            "blueZoneCustomOptions": "[]"})
        self.match_end_body = {"characters": [], "gameResultOnFinished": {"results": []}, "allWeaponStats": []}
        self.emit(self.t_end, "LogMatchEnd", self.match_end_body)

    def match_id_string(self) -> str:
        d = datetime.fromtimestamp(self.t_start / 1000, tz=timezone.utc)
        mode = self.game_mode
        if self.match_type == "custom":
            head = "match.bro.custom.%032x" % self.rng.getrandbits(128)
            mode = "esports" if mode.startswith("esports") else "normal"
        else:
            head = "match.bro.%s.pc-2018-29" % self.match_type
        return f"{head}.steam.{mode}.eu.{d:%Y.%m.%d.%H}.{self.match_id}"

    # ----------------------------------------------------------------------------- finish: sort, stamp, results
    def finish(self) -> list[dict]:
        out = self.out
        out.sort(key=_first)
        phase_t, phase_v = self.phase_t, self.commons
        n_ph = len(phase_t)
        events: list[dict] = []
        append = events.append
        pi = 0
        cur = phase_v[0]
        nxt = phase_t[1] if n_ph > 1 else 1 << 62
        last_sec = -1
        pre = ""
        for t, typ, body in out:
            if typ is None:  # stamped when made
                append(body)
                continue
            while t >= nxt:
                pi += 1
                cur = phase_v[pi]
                nxt = phase_t[pi + 1] if pi + 1 < n_ph else 1 << 62
            sec = t // 1000
            if sec != last_sec:
                pre = datetime.fromtimestamp(sec, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")
                last_sec = sec
            body["common"] = cur
            body["_D"] = "%s%03dZ" % (pre, t - sec * 1000)
            body["_T"] = typ
            append(body)
        # LogMatchDefinition first: no "common" (as in the real file), a 7-digit fraction, and a
        # time just before the first event so the file stays sorted by _D
        t0 = out[0][0] - 1 if out else self.t_lobby
        sec = t0 // 1000
        d = datetime.fromtimestamp(sec, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        definition = {"MatchId": self.match_id_string(), "PingQuality": "", "SeasonState": "progress",
                      "_D": "%s.%03d%04dZ" % (d, t0 - sec * 1000, self.rng.randint(0, 9999)), "_T": "LogMatchDefinition"}
        events.insert(0, definition)
        self.results()
        return events

    def results(self) -> None:
        """Rankings, PUBG kill counts at each death, LogMatchEnd: computed in file order."""
        chars = self.players
        n_alive = len(chars)
        team_alive = {tm.tid: len(tm.members) for tm in self.teams}
        teams_alive = len(self.teams)
        credited: dict[str, int] = {}
        rank_of: dict[int, int] = {}
        indiv: dict[int, int] = {}
        kills = sorted(self.kills, key=_first)
        stats_rng = self.rng
        for t, body, v, killer, finisher in kills:
            vc = body["victim"]
            indiv[v.idx] = n_alive
            n_alive -= 1
            team_alive[v.team] -= 1
            rank = 0
            if team_alive[v.team] == 0:
                rank = teams_alive
                rank_of[v.team] = rank
                teams_alive -= 1
            vc["ranking"] = rank
            vc["individualRanking"] = indiv[v.idx]
            body["victimGameResult"]["rank"] = rank
            body["victimGameResult"]["stats"] = _gr_stats(credited.get(v.aid, 0), stats_rng)
            if killer is not None and _is_enemy_kill(body):
                credited[killer.aid] = credited.get(killer.aid, 0) + 1
        winners = [p for p in chars if p.dead_at is None]
        for k, p in enumerate(winners):
            indiv[p.idx] = k + 1
            rank_of[p.team] = 1
        me = self.match_end_body
        for p in chars:
            me["characters"].append({"character": self.ch(p, self.t_end, 0, xyz=(0, 0, 0), ranking=rank_of.get(p.team, 0),
                                                          indiv=indiv.get(p.idx, 0), zone=False),
                                     "primaryWeaponFirst": "", "primaryWeaponSecond": "", "secondaryWeapon": "", "spawnKitIndex": 0})
        for p in winners:
            me["gameResultOnFinished"]["results"].append({"rank": 1, "gameResult": "", "teamId": p.team,
                                                          "stats": _gr_stats(credited.get(p.aid, 0), stats_rng),
                                                          "accountId": p.aid, "isRewardAbuse": False})


def _cc(c: dict) -> dict:
    """A copy of a Character with its own location and zone (events never share objects)."""
    d = dict(c)
    d["location"] = dict(c["location"])
    d["zone"] = list(c["zone"])
    return d


def _ci(info: dict) -> dict:
    d = dict(info)
    d["additionalInfo"] = list(info["additionalInfo"])
    return d


def _free_since(p: _P, t: int) -> int:
    """When p last got up from a knock before t (0 if never)."""
    best = 0
    for a, b in p.knock_iv:
        if best < b <= t:
            best = b
    return best


def _first(x: list | tuple) -> int:
    return x[0]


def _is_enemy_kill(body: dict) -> bool:
    k = body.get("killer")
    v = body.get("victim")
    if not k or not v or body.get("isSuicide"):
        return False
    ka, va = k.get("accountId") or "", v.get("accountId") or ""
    return ka.startswith("account.") and va.startswith("account.") and k.get("teamId") != v.get("teamId")


def _gr_stats(kill_count: int, rng: random.Random) -> dict:
    return {"killCount": kill_count, "distanceOnFoot": _f32(rng.uniform(50, 3000)), "distanceOnSwim": 0,
            "distanceOnVehicle": 0, "distanceOnParachute": _f32(rng.uniform(200, 500)),
            "distanceOnFreefall": _f32(rng.uniform(200, 300)),
            "bpRewardDetail": {"byPlayTime": 0, "byRanking": 0, "byKills": 0, "byDamageDealt": 0, "boostAmount": 0, "byModeScore": 0},
            "arcadeRewardDetail": {"byPlayTime": 0}, "statTrakDataPairs": [], "headshotStatTrakDataPairs": []}


def _item(item_id: str, stack: int, cat: str, sub: str) -> dict:
    return {"itemId": item_id, "stackCount": stack, "category": cat, "subCategory": sub, "attachedItems": []}


def _no_vehicle() -> dict:
    return {"vehicleType": "", "vehicleId": "", "seatIndex": -1, "healthPercent": 0, "feulPercent": 0, "altitudeAbs": 0,
            "altitudeRel": 0, "velocity": 0, "isWheelsInAir": False, "isInWaterVolume": False, "isEngineOn": True,
            "location": {"x": 0, "y": 0, "z": 0}}


def _aircraft(x: float, y: float, velocity: float) -> dict:
    return {"vehicleType": "TransportAircraft", "vehicleId": "IBRTransportAircraft_C", "seatIndex": 0, "healthPercent": 0,
            "feulPercent": 0, "altitudeAbs": 0, "altitudeRel": 0, "velocity": velocity, "isWheelsInAir": False,
            "isInWaterVolume": False, "isEngineOn": False, "location": {"x": _xy(x), "y": _xy(y), "z": 50000}}


def _vehicle(vt: str, vid: str, uid: int, seat: int, x: float, y: float, velocity: float) -> dict:
    return {"vehicleType": vt, "vehicleId": vid, "seatIndex": seat, "healthPercent": 100,
            "feulPercent": _f32(50.5), "altitudeAbs": 0, "altitudeRel": 0, "velocity": velocity, "isWheelsInAir": False,
            "isInWaterVolume": vt == "FloatingVehicle", "isEngineOn": True, "location": {"x": _xy(x), "y": _xy(y), "z": 350.0}}


# ---------------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------------


def generate_match_events(match_id: str, rng: random.Random, *, players: int | None = None, scale: float = 1.0,
                          start: datetime | None = None, player_pool: list | None = None,
                          match_type: str = "official", game_mode: str = "squad-fpp",
                          map_name: str | None = None) -> list[dict]:
    """The telemetry of one match: a list of event dicts sorted by ``_D``, ``LogMatchDefinition``
    first, ``LogMatchEnd`` after the last death (a few logouts and positions may follow it).

    ``players`` is the number of characters in ``LogMatchStart`` (players and bots); by default
    64-100 times ``scale`` (at least 16). ``player_pool``: (account_id, name) tuples,
    ``SynthPlayer``s or dicts with accountId/name; accounts are drawn from it without
    replacement (fresh accounts are made when it is short). ``start``: time of the first event
    (the lobby), default a day in May 2024 chosen by ``rng``. ``map_name`` defaults to a choice
    by ``rng`` among Baltic, Desert, Savage, Tiger and Neon.

    To stay fast, events share some read-only sub-objects (the ``common`` object of a phase,
    the Character of an activity burst, Item objects): copy an event before changing it in
    place (``mutate_match`` does). Combat events (damage, knocks, kills, revives) share nothing.
    """
    gc_was = gc.isenabled()
    gc.disable()  # hundreds of thousands of small dicts: the cyclic GC would triple the run time
    try:
        sim = _Sim(match_id, rng, players=players, scale=scale, start=start, player_pool=player_pool,
                   match_type=match_type, game_mode=game_mode, map_name=map_name)
        sim.plan_and_fight()
        sim.t_end = sim.t_last_death + rng.randint(3_000, 9_000)
        sim.filler(int(round(2_700 * sim.scale)))
        sim.noise()
        sim.bookends()
        return sim.finish()
    finally:
        if gc_was:
            gc.enable()


def _event_chars(e: dict):
    """Character objects of an event (top-level and in LogMatchStart/End wrappers)."""
    for k in ("attacker", "victim", "killer", "finisher", "dBNOMaker", "character", "reviver"):
        c = e.get(k)
        if isinstance(c, dict):
            yield k, c


def _iso_z(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_d(s: str) -> datetime:
    base, frac = s.rstrip("Z").split(".") if "." in s else (s.rstrip("Z"), "0")
    return datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc) + timedelta(microseconds=int(frac[:6].ljust(6, "0")))


_OBJECT_EVENTS = frozenset(["LogPlayerTakeDamage", "LogPlayerMakeGroggy", "LogPlayerKillV2", "LogPlayerRevive", "LogHeal",
                            "LogItemUse", "LogItemPickup"])


def generate_match_object(match_id: str, events: list[dict], *, match_type: str, game_mode: str, map_name: str,
                          created_at: datetime) -> dict:
    """The PUBG API match object of a telemetry event list. Participant numbers are computed from
    the events with the project's rules (see the module docstring): ``kills`` (credited killer,
    enemy player victim, not a suicide), ``headshotKills`` (those with killerDamageInfo HeadShot),
    ``DBNOs`` (LogPlayerMakeGroggy against enemy players), ``damageDealt`` (LogPlayerTakeDamage to
    enemy players, damage > 0, rounded to 4 decimals), ``longestKill`` (metres), ``teamKills``,
    ``assists``, ``revives``, ``heals``, ``winPlace``/``rank`` and ``deathType``; all counted only
    at isGame >= 0.1."""
    ns = uuid.UUID(match_id) if _is_uuid(match_id) else uuid.uuid5(uuid.NAMESPACE_URL, match_id)
    start = next((e for e in events if e.get("_T") == "LogMatchStart"), None)
    end = next((e for e in events if e.get("_T") == "LogMatchEnd"), None)
    chars = [w["character"] for w in (start or {}).get("characters", [])]
    stats: dict[str, dict] = {}
    order: list[str] = []
    team_of: dict[str, int] = {}
    for c in chars:
        aid = c["accountId"]
        team_of[aid] = c["teamId"]
        order.append(aid)
        stats[aid] = {"DBNOs": 0, "assists": 0, "boosts": 0, "damageDealt": 0.0, "deathType": "alive", "headshotKills": 0,
                      "heals": 0, "killPlace": 0, "killStreaks": 0, "kills": 0, "longestKill": 0.0, "name": c["name"],
                      "playerId": aid, "revives": 0, "rideDistance": 0.0, "roadKills": 0, "swimDistance": 0.0,
                      "teamKills": 0, "timeSurvived": 0, "vehicleDestroys": 0, "walkDistance": 0.0,
                      "weaponsAcquired": 0, "winPlace": 0}

    def enemy(a: dict | None, v: dict | None) -> bool:
        if not a or not v:
            return False
        aa, va = a.get("accountId") or "", v.get("accountId") or ""
        return aa.startswith("account.") and va.startswith("account.") and a.get("teamId") != v.get("teamId")

    t_start = _parse_d(start["_D"]) if start else None
    death_t: dict[str, datetime] = {}
    for e in events:
        t = e.get("_T")
        if t not in _OBJECT_EVENTS:
            continue
        ig = (e.get("common") or {}).get("isGame")
        if ig is None or ig < MIN_COUNTED_IS_GAME:
            continue
        if t == "LogPlayerTakeDamage":
            a, v = e.get("attacker"), e.get("victim")
            if enemy(a, v) and (e.get("damage") or 0) > 0 and a["accountId"] in stats:
                stats[a["accountId"]]["damageDealt"] += e["damage"]
        elif t == "LogPlayerMakeGroggy":
            a, v = e.get("attacker"), e.get("victim")
            if enemy(a, v) and a["accountId"] in stats:
                stats[a["accountId"]]["DBNOs"] += 1
        elif t == "LogPlayerKillV2":
            v = e.get("victim") or {}
            k = e.get("killer")
            va = v.get("accountId")
            if va in stats:
                death_t[va] = _parse_d(e["_D"])
                if k is None:
                    stats[va]["deathType"] = "byzone"
                elif e.get("isSuicide") or k.get("accountId") == va:
                    stats[va]["deathType"] = "suicide"
                else:
                    stats[va]["deathType"] = "byplayer"
            if k and not e.get("isSuicide") and k.get("accountId") in stats:
                ks = stats[k["accountId"]]
                if enemy(k, v):
                    ks["kills"] += 1
                    info = e.get("killerDamageInfo") or {}
                    if info.get("damageReason") == "HeadShot":
                        ks["headshotKills"] += 1
                    d = info.get("distance")
                    if isinstance(d, (int, float)) and d > 0:
                        ks["longestKill"] = max(ks["longestKill"], d / 100.0)
                elif k.get("accountId") != va and k.get("teamId") == v.get("teamId"):
                    ks["teamKills"] += 1
            for aid in e.get("assists_AccountId") or []:
                if aid in stats:
                    stats[aid]["assists"] += 1
        elif t == "LogPlayerRevive":
            r = e.get("reviver") or {}
            if r.get("accountId") in stats:
                stats[r["accountId"]]["revives"] += 1
        elif t == "LogHeal":
            c = e.get("character") or {}
            if c.get("accountId") in stats:
                stats[c["accountId"]]["heals"] += 1
        elif t == "LogItemUse":
            c = e.get("character") or {}
            if c.get("accountId") in stats and (e.get("item") or {}).get("subCategory") == "Boost":
                stats[c["accountId"]]["boosts"] += 1
        elif t == "LogItemPickup":
            c = e.get("character") or {}
            if c.get("accountId") in stats and (e.get("item") or {}).get("category") == "Weapon":
                stats[c["accountId"]]["weaponsAcquired"] += 1
    # placements from LogMatchEnd (team rank)
    ranks: dict[str, int] = {}
    if end:
        for w in end.get("characters", []):
            c = w["character"]
            ranks[c["accountId"]] = c.get("ranking") or 0
    t_end = _parse_d(end["_D"]) if end else None
    duration = int(round((t_end - t_start).total_seconds())) if t_start and t_end else 0
    for aid, st in stats.items():
        st["winPlace"] = ranks.get(aid, 0)
        st["damageDealt"] = round(st["damageDealt"], 4)
        st["longestKill"] = round(st["longestKill"], 4)
        dt = death_t.get(aid, t_end)
        st["timeSurvived"] = int((dt - t_start).total_seconds()) if dt and t_start else 0
        st["walkDistance"] = round(st["timeSurvived"] * 1.7, 3)
    by_kills = sorted(order, key=lambda a: (-stats[a]["kills"], -stats[a]["damageDealt"], order.index(a)))
    for i, aid in enumerate(by_kills):
        stats[aid]["killPlace"] = i + 1
        stats[aid]["killStreaks"] = 1 if stats[aid]["kills"] else 0
    # ids
    pid = {aid: str(uuid.uuid5(ns, "participant:" + aid)) for aid in order}
    teams: dict[int, list[str]] = {}
    for aid in order:
        teams.setdefault(team_of[aid], []).append(aid)
    rosters = []
    for tid, members in teams.items():
        rank = stats[members[0]]["winPlace"]
        rosters.append({"type": "roster", "id": str(uuid.uuid5(ns, "roster:%d" % tid)),
                        "attributes": {"stats": {"rank": rank, "teamId": tid}, "won": "true" if rank == 1 else "false",
                                       "shardId": "steam"},
                        "relationships": {"team": {"data": None},
                                          "participants": {"data": [{"type": "participant", "id": pid[a]} for a in members]}}})
    asset_id = str(uuid.uuid5(ns, "asset"))
    asset_t = (t_end or created_at) + timedelta(seconds=40)
    included: list[dict] = []
    for aid in order:
        included.append({"type": "participant", "id": pid[aid], "attributes": {"stats": stats[aid], "actor": "", "shardId": "steam"}})
    included.extend(rosters)
    included.append({"type": "asset", "id": asset_id, "attributes": {
        "name": "telemetry", "description": "", "createdAt": _iso_z(asset_t),
        "URL": "https://telemetry-cdn.pubg.com/bluehole-pubg/steam/%s/%s-telemetry.json" % (asset_t.strftime("%Y/%m/%d/%H/%M"), asset_id)}})
    return {
        "data": {
            "type": "match",
            "id": match_id,
            "attributes": {"stats": None, "shardId": "steam", "tags": None, "mapName": map_name,
                           "isCustomMatch": match_type == "custom", "matchType": match_type, "gameMode": game_mode,
                           "titleId": "bluehole-pubg", "seasonState": "progress", "createdAt": _iso_z(created_at),
                           "duration": duration},
            "relationships": {"rosters": {"data": [{"type": "roster", "id": r["id"]} for r in rosters]},
                              "assets": {"data": [{"type": "asset", "id": asset_id}]}},
            "links": {"self": "https://api.pubg.com/shards/steam/matches/" + match_id,
                      "schema": ""},
        },
        "included": included,
        "links": {"self": "https://api.pubg.com/shards/steam/matches/" + match_id},
        "meta": {},
    }


def _is_uuid(s: str) -> bool:
    try:
        uuid.UUID(s)
        return True
    except ValueError:
        return False


def write_telemetry(events: list[dict], path: Path, *, double_gzip: bool = False, pretty: bool = False) -> None:
    """Write a telemetry file: one-line JSON (the CDN's form) or 2-space indented (``pretty``);
    gzip when the name ends in ``.gz`` or ``double_gzip`` (gzip of gzip, as seen in production).
    Gzip headers carry mtime 0 and no file name, so equal events give equal bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = orjson.dumps(events, option=orjson.OPT_INDENT_2 if pretty else 0)
    if double_gzip:
        data = gzip.compress(gzip.compress(data, compresslevel=6, mtime=0), compresslevel=6, mtime=0)
    elif path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=6, mtime=0)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# season composition
_MATCH_TYPES = [("official", 60), ("competitive", 25), ("custom", 5), ("arcade", 4), ("event", 3), ("training", 3)]
_MODES_BY_TYPE = {
    "official": [("squad-fpp", 45), ("squad", 20), ("duo-fpp", 20), ("solo-fpp", 15)],
    "competitive": [("squad-fpp", 100)],
    "custom": [("esports-squad-fpp", 60), ("squad-fpp", 40)],
    "arcade": [("squad-fpp", 50), ("duo-fpp", 30), ("solo-fpp", 20)],
    "event": [("squad-fpp", 60), ("squad", 40)],
    "training": [("solo-fpp", 50), ("squad-fpp", 50)],
}
SEASON_START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([a for a, _ in table], [w for _, w in table])[0]


def generate_season(out_dir: Path, matches: int, seed: int, *, scale: float = 1.0, start_index: int = 0) -> list[SynthMatch]:
    """Write matches ``start_index .. start_index + matches - 1`` of the season ``seed``:
    ``<out>/telemetry/<match_id>.json.gz`` and ``<out>/matches/<match_id>.json``. The same
    arguments give byte-identical files; match i is the same file whichever range produced it.
    One pool of 360 accounts (``make_player_pool(Random(f"{seed}:pool"))``) plays the whole
    season; match i starts at 2024-05-01 12:00 UTC + i * 40 min (+ up to 25 min)."""
    out_dir = Path(out_dir)
    pool = make_player_pool(random.Random(f"{seed}:pool"), 360)
    made: list[SynthMatch] = []
    # serialising and gzip (which releases the GIL) of match i overlap the generation of match i+1;
    # the cyclic GC stays off meanwhile (it would rescan the previous match's events again and again)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending = None
            for index in range(start_index, start_index + matches):
                match, events, obj = _season_match(out_dir, pool, seed, index, scale)
                if pending is not None:
                    pending.result()
                pending = writer.submit(_write_match, events, obj, match)
                del events, obj
                made.append(match)
            if pending is not None:
                pending.result()
    finally:
        if gc_was:
            gc.enable()
    return made


def _write_match(events: list[dict], obj: dict, match: SynthMatch) -> None:
    write_telemetry(events, match.telemetry_path)
    match.match_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = match.match_path.with_name(match.match_path.name + ".tmp")
    tmp.write_bytes(orjson.dumps(obj))
    tmp.replace(match.match_path)


def _season_match(out_dir: Path, pool: list[SynthPlayer], seed: int, index: int,
                  scale: float) -> tuple[SynthMatch, list[dict], dict]:
    rng = random.Random(f"{seed}:{index}")
    match_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    match_type = _pick(rng, _MATCH_TYPES)
    game_mode = _pick(rng, _MODES_BY_TYPE[match_type])
    map_name = rng.choice(MAPS)
    created_at = SEASON_START + timedelta(minutes=40 * index, seconds=rng.randint(0, 25 * 60))
    start = created_at - timedelta(seconds=rng.randint(60, 90))
    roster = [(sp.account_id, sp.name_at(index)) for sp in pool]
    events = generate_match_events(match_id, rng, scale=scale, start=start, player_pool=roster,
                                   match_type=match_type, game_mode=game_mode, map_name=map_name)
    tpath = out_dir / "telemetry" / f"{match_id}.json.gz"
    mpath = out_dir / "matches" / f"{match_id}.json"
    obj = generate_match_object(match_id, events, match_type=match_type, game_mode=game_mode, map_name=map_name,
                                created_at=created_at)
    return SynthMatch(match_id, tpath, mpath), events, obj


# ---------------------------------------------------------------------------------------------
# a new version of a match (reload tests)
# ---------------------------------------------------------------------------------------------

_FIREARMS = frozenset(g[0] for g in GUNS + PISTOLS)
_INFO_OF = {"killer": "killerDamageInfo", "finisher": "finishDamageInfo", "dBNOMaker": "dBNODamageInfo"}


def mutate_match(events: list[dict], rng: random.Random) -> MutatedEvents:
    """A "new version" of a match: one player dropped entirely (every event where they are
    attacker, victim, killer, finisher, dBNOMaker, reviver or character, their login/logout,
    their LogMatchStart/LogMatchEnd entries and assists), one other player renamed everywhere,
    and a third player's guns changed (damageCauserName of their damage and knock events and of
    their DamageInfo as killer, finisher or knocker). Kill counts in victimGameResult and
    LogMatchEnd are recomputed so PUBG's numbers stay consistent. The input is not modified;
    changed events are copies. ``result.mutation`` names who and what changed."""
    start = next(e for e in events if e.get("_T") == "LogMatchStart")
    humans = [w["character"] for w in start["characters"] if (w["character"].get("accountId") or "").startswith("account.")]
    dealt: dict[str, int] = {}
    for e in events:
        if e.get("_T") == "LogPlayerTakeDamage":
            a = e.get("attacker")
            if a and a.get("accountId") != (e.get("victim") or {}).get("accountId") \
                    and e.get("damageCauserName") in _FIREARMS:
                dealt[a["accountId"]] = dealt.get(a["accountId"], 0) + 1
    shooters = [c for c in humans if dealt.get(c["accountId"], 0) >= 2]
    if len(shooters) < 3:
        raise ValueError("mutate_match needs at least three players who dealt gun damage")
    drop, rename, rearm = rng.sample(shooters, 3)
    drop_id, ren_id, arm_id = drop["accountId"], rename["accountId"], rearm["accountId"]
    old_name = rename["name"]
    new_name = old_name + "_" + rng.choice(["renamed", "v2", "TTV", "new"])
    guns = [g[0] for g in GUNS]
    firearms = _FIREARMS
    used_weapons = sorted({e["damageCauserName"] for e in events if e.get("_T") == "LogPlayerTakeDamage"
                           and (e.get("attacker") or {}).get("accountId") == arm_id and e["damageCauserName"] in firearms})
    weapon_map = {}
    for w in used_weapons:
        choices = [g for g in guns if g not in used_weapons and g != w]
        weapon_map[w] = rng.choice(choices)

    def touches(e: dict, aid: str) -> bool:
        for _, c in _event_chars(e):
            if c.get("accountId") == aid:
                return True
        return e.get("accountId") == aid

    def fix_chars(obj: Any) -> Any:
        if isinstance(obj, dict):
            out = {k: fix_chars(v) for k, v in obj.items()}
            if out.get("accountId") == ren_id and "name" in out:
                out["name"] = new_name
            return out
        if isinstance(obj, list):
            return [fix_chars(x) for x in obj]
        return obj

    # a knock whose end (kill or revive) goes away goes away too: every knock stays resolved
    orphan_knocks = {e.get("dBNOId") for e in events if e.get("_T") in ("LogPlayerKillV2", "LogPlayerRevive")
                     and isinstance(e.get("dBNOId"), int) and e["dBNOId"] != -1 and touches(e, drop_id)}
    result = MutatedEvents()
    for e in events:
        t = e.get("_T")
        if t == "LogPlayerMakeGroggy" and e.get("dBNOId") in orphan_knocks:
            continue
        if t in ("LogMatchStart", "LogMatchEnd"):
            e2 = fix_chars(e)
            e2["characters"] = [w for w in e2["characters"] if w["character"].get("accountId") != drop_id]
            if t == "LogMatchEnd":
                res = e2.get("gameResultOnFinished") or {}
                res["results"] = [r for r in res.get("results", []) if r.get("accountId") != drop_id]
                e2["allWeaponStats"] = [w for w in e2.get("allWeaponStats", []) if w.get("accountId") != drop_id]
            result.append(e2)
            continue
        if touches(e, drop_id) or e.get("creatorAccountId") == drop_id:
            continue
        if e.get("_T") == "LogPhaseChange" and drop_id in (e.get("playersInWhiteCircle") or []):
            e = dict(e, playersInWhiteCircle=[a for a in e["playersInWhiteCircle"] if a != drop_id])
        if drop_id in (e.get("assists_AccountId") or []):
            e = dict(e, assists_AccountId=[a for a in e["assists_AccountId"] if a != drop_id])
        if touches(e, ren_id):
            e = fix_chars(e)
        if touches(e, arm_id) and weapon_map:
            e = _rearm(e, arm_id, weapon_map)
        result.append(e)
    _recount_kills(result)
    result.mutation = {"dropped_account": drop_id, "dropped_name": drop["name"], "renamed_account": ren_id,
                       "old_name": old_name, "new_name": new_name, "rearmed_account": arm_id, "weapon_map": weapon_map}
    return result


def _rearm(e: dict, aid: str, weapon_map: dict[str, str]) -> dict:
    t = e.get("_T")
    changed = None
    if t in ("LogPlayerTakeDamage", "LogPlayerMakeGroggy") and (e.get("attacker") or {}).get("accountId") == aid:
        w = e.get("damageCauserName")
        if w in weapon_map:
            changed = dict(e, damageCauserName=weapon_map[w])
    if t == "LogPlayerKillV2":
        for who, key in _INFO_OF.items():
            if (e.get(who) or {}).get("accountId") == aid:
                info = e.get(key) or {}
                if info.get("damageCauserName") in weapon_map:
                    changed = dict(changed or e)
                    changed[key] = dict(info, damageCauserName=weapon_map[info["damageCauserName"]])
    return changed or e


def _recount_kills(events: list[dict]) -> None:
    credited: dict[str, int] = {}
    for i, e in enumerate(events):
        if e.get("_T") == "LogPlayerKillV2":
            vgr = e.get("victimGameResult") or {}
            st = vgr.get("stats") or {}
            va = (e.get("victim") or {}).get("accountId")
            want = credited.get(va, 0)
            if st.get("killCount") != want:
                e = dict(e, victimGameResult=dict(vgr, stats=dict(st, killCount=want)))
                events[i] = e
            if _is_enemy_kill(e):
                ka = e["killer"]["accountId"]
                credited[ka] = credited.get(ka, 0) + 1
        elif e.get("_T") == "LogMatchEnd":
            res = (e.get("gameResultOnFinished") or {}).get("results") or []
            new = [dict(r, stats=dict(r.get("stats") or {}, killCount=credited.get(r.get("accountId"), 0))) for r in res]
            e = dict(e, gameResultOnFinished=dict(e.get("gameResultOnFinished") or {}, results=new))
            events[i] = e
