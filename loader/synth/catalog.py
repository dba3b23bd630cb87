"""What the game has: maps, modes, weapons, items and vehicles, by the names PUBG writes.

Every name is in PUBG's own dictionaries (``shared/data/pubg/api-assets``) or was seen in the real
2025 telemetry file, except where a comment says otherwise. Nothing here is random or tuned: the
numbers calibrated to real play are in ``calibration.py``.
"""

from __future__ import annotations

from typing import NamedTuple

IS_GAME_LOBBY = 0
IS_GAME_PLANE = 0.10000000149011612  # how the game writes 0.1 (a float32 widened to double)
IS_GAME_LANDING = 0.5

MAPS = ["Baltic_Main", "Desert_Main", "Savage_Main", "Tiger_Main", "Neon_Main"]
MAP_SIZE_CM = {"Baltic_Main": 816000, "Desert_Main": 816000, "Savage_Main": 408000, "Tiger_Main": 816000,
               "Neon_Main": 816000}
MAP_TOWNS = {
    "Baltic_Main": ["pochinki", "school", "georgopol", "rozhok", "mylta", "yasnayapolyana", "military"],
    "Desert_Main": ["pecado", "sanmartin", "hacienda", "losleones", "elpozo", "chumacera"],
    "Savage_Main": ["bootcamp", "paradiseresort", "ruins", "camp_alpha", "pai_nan"],
    "Tiger_Main": ["terminal", "goheung", "palace", "hosan", "songam"],
    "Neon_Main": ["jadu", "nanjing", "yuhai", "stadium", "tin_long"],
}
NPC_MAPS = ("Tiger_Main", "Neon_Main", "Desert_Main")
GAME_MODES = ["squad-fpp", "squad", "duo-fpp", "solo-fpp", "esports-squad-fpp"]
TEAM_SIZE = {"squad-fpp": 4, "squad": 4, "esports-squad-fpp": 4, "duo-fpp": 2, "duo": 2, "solo-fpp": 1, "solo": 1}
NPC_NAMES = ["Guard", "Commander", "Pillar", "SkySoldier", "Soldier", "PillarSoldier", "ZombieSoldier"]
NPC_FIRST_TEAM = 200
BLUE_ZONE_CAUSER = "TslGameMode_LandmarkBP_C"  # what the real 2025 file writes (not in PUBG's dictionary)
BODIES = ("PlayerMale_A_C", "PlayerFemale_A_C")  # the causer of punches, falls and bleeding
PAN = "WeapPan_C"
GRENADE = "ProjGrenade_C"
MOLOTOV_CAUSERS = ["BP_MolotovFireDebuff_C", "BP_FireEffectController_C"]
RAMMING_VEHICLES = ["Dacia_A_01_v2_C", "Uaz_B_01_C", "BP_Motorbike_04_C"]
PUNCH_DAMAGE = [10.800000190734863, 20.0, 13.5]


class Weapon(NamedTuple):
    """A gun: its ``damageCauserName``, its ``itemId``, its class and its damage per body hit."""

    causer: str
    item_id: str
    weapon_class: str  # AR, DMR, SR, SMG, SG, LMG, HG (seeds/weapons.csv has the project's categories)
    base_damage: float

    @property
    def sub_category(self) -> str:
        return "Handgun" if self.weapon_class == "HG" else "Main"


GUNS = [
    Weapon("WeapHK416_C", "Item_Weapon_HK416_C", "AR", 40.0),
    Weapon("WeapAK47_C", "Item_Weapon_AK47_C", "AR", 47.0),
    Weapon("WeapBerylM762_C", "Item_Weapon_BerylM762_C", "AR", 44.0),
    Weapon("WeapSCAR-L_C", "Item_Weapon_SCAR-L_C", "AR", 40.0),
    Weapon("WeapAUG_C", "Item_Weapon_AUG_C", "AR", 41.0),
    Weapon("WeapM16A4_C", "Item_Weapon_M16A4_C", "AR", 41.0),
    Weapon("WeapACE32_C", "Item_Weapon_ACE32_C", "AR", 43.0),
    Weapon("WeapG36C_C", "Item_Weapon_G36C_C", "AR", 40.0),
    Weapon("WeapQBZ95_C", "Item_Weapon_QBZ95_C", "AR", 41.0),
    Weapon("WeapK2_C", "Item_Weapon_K2_C", "AR", 41.0),
    Weapon("WeapMini14_C", "Item_Weapon_Mini14_C", "DMR", 46.0),
    Weapon("WeapSKS_C", "Item_Weapon_SKS_C", "DMR", 53.0),
    Weapon("WeapMk12_C", "Item_Weapon_Mk12_C", "DMR", 50.0),
    Weapon("WeapFNFal_C", "Item_Weapon_FNFal_C", "DMR", 58.0),
    Weapon("WeapDragunov_C", "Item_Weapon_Dragunov_C", "DMR", 58.0),
    Weapon("WeapKar98k_C", "Item_Weapon_Kar98k_C", "SR", 79.0),
    Weapon("WeapM24_C", "Item_Weapon_M24_C", "SR", 75.0),
    Weapon("WeapAWM_C", "Item_Weapon_AWM_C", "SR", 105.0),
    Weapon("WeapMosinNagant_C", "Item_Weapon_Mosin_C", "SR", 79.0),
    Weapon("WeapUMP_C", "Item_Weapon_UMP_C", "SMG", 35.0),
    Weapon("WeapVector_C", "Item_Weapon_Vector_C", "SMG", 31.0),
    Weapon("WeapUZI_C", "Item_Weapon_UZI_C", "SMG", 26.0),
    Weapon("WeapMP5K_C", "Item_Weapon_MP5K_C", "SMG", 33.0),
    Weapon("WeapBizonPP19_C", "Item_Weapon_BizonPP19_C", "SMG", 35.0),
    Weapon("WeapP90_C", "Item_Weapon_P90_C", "SMG", 35.0),
    Weapon("WeapThompson_C", "Item_Weapon_Thompson_C", "SMG", 40.0),
    Weapon("WeapSaiga12_C", "Item_Weapon_Saiga12_C", "SG", 22.0),
    Weapon("WeapBerreta686_C", "Item_Weapon_Berreta686_C", "SG", 24.0),
    Weapon("WeapDP28_C", "Item_Weapon_DP28_C", "LMG", 51.0),
    Weapon("WeapM249_C", "Item_Weapon_M249_C", "LMG", 40.0),
]
PISTOLS = [
    Weapon("WeapM1911_C", "Item_Weapon_M1911_C", "HG", 35.0),
    Weapon("WeapG18_C", "Item_Weapon_G18_C", "HG", 22.0),
    Weapon("WeapM9_C", "Item_Weapon_M9_C", "HG", 23.0),
    Weapon("WeapDesertEagle_C", "Item_Weapon_DesertEagle_C", "HG", 62.0),
]
FIREARM_CAUSERS = frozenset(w.causer for w in GUNS + PISTOLS)

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


class Loot(NamedTuple):
    item_id: str
    category: str
    sub_category: str
    max_stack: int


LOOT = [
    Loot("Item_Ammo_556mm_C", "Ammunition", "None", 30),
    Loot("Item_Ammo_762mm_C", "Ammunition", "None", 30),
    Loot("Item_Ammo_9mm_C", "Ammunition", "None", 30),
    Loot("Item_Ammo_45ACP_C", "Ammunition", "None", 25),
    Loot("Item_Ammo_12Guage_C", "Ammunition", "None", 5),
    Loot("Item_Heal_Bandage_C", "Use", "Heal", 5),
    Loot("Item_Heal_FirstAid_C", "Use", "Heal", 1),
    Loot("Item_Heal_MedKit_C", "Use", "Heal", 1),
    Loot("Item_Boost_EnergyDrink_C", "Use", "Boost", 1),
    Loot("Item_Boost_PainKiller_C", "Use", "Boost", 1),
    Loot("Item_Boost_AdrenalineSyringe_C", "Use", "Boost", 1),
    Loot("Item_Armor_E_01_Lv1_C", "Equipment", "Vest", 1),
    Loot("Item_Armor_D_01_Lv2_C", "Equipment", "Vest", 1),
    Loot("Item_Armor_C_01_Lv3_C", "Equipment", "Vest", 1),
    Loot("Item_Head_E_01_Lv1_C", "Equipment", "Headgear", 1),
    Loot("Item_Head_F_01_Lv2_C", "Equipment", "Headgear", 1),
    Loot("Item_Head_G_01_Lv3_C", "Equipment", "Headgear", 1),
    Loot("Item_Back_E_01_Lv1_C", "Equipment", "Backpack", 1),
    Loot("Item_Back_F_01_Lv2_C", "Equipment", "Backpack", 1),
    Loot("Item_Back_C_01_Lv3_C", "Equipment", "Backpack", 1),
    Loot("Item_Weapon_Grenade_C", "Weapon", "Throwable", 1),
    Loot("Item_Weapon_Molotov_C", "Weapon", "Throwable", 1),
    Loot("Item_Weapon_SmokeBomb_C", "Weapon", "Throwable", 1),
    Loot("Item_Weapon_Pan_C", "Weapon", "Melee", 1),
] + [Loot(a, "Attachment", "None", 1) for a in ATTACHMENTS] + [Loot(g.item_id, "Weapon", "Main", 1) for g in GUNS[:20]]
MEDICINE = LOOT[5:11]  # bandage .. adrenaline: what LogItemUse uses
GEAR = LOOT[11:24]  # vests, helmets, backpacks, throwables, pan: what is equipped and unequipped
CARE_PACKAGE_LOOT = [
    Loot("Item_Weapon_AWM_C", "Weapon", "Main", 1),
    Loot("Item_Armor_C_01_Lv3_C", "Equipment", "Vest", 1),
    Loot("Item_Ghillie_01_C", "Equipment", "None", 1),
    Loot("Item_Head_G_01_Lv3_C", "Equipment", "Headgear", 1),
]
THROWABLES = ["Item_Weapon_Grenade_C", "Item_Weapon_SmokeBomb_C", "Item_Weapon_Molotov_C"]
PARACHUTE = "Item_Back_B_01_StartParachutePack_C"
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
