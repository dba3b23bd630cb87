"""Combat events as the game writes them (damage, attacks, knocks, kills, revives), each also told
to the ledger; and the choice of what a hit is."""

from __future__ import annotations

import math
import random
from typing import Any, NamedTuple

from loader.synth import calibration
from loader.synth.catalog import (
    ATTACHMENTS,
    DAMAGE_REASONS,
    GRENADE,
    MOLOTOV_CAUSERS,
    PAN,
    PUNCH_DAMAGE,
    RAMMING_VEHICLES,
    Weapon,
)
from loader.synth.roster import Character, Knock
from loader.synth.state import MatchState
from loader.synth.telemetry_objects import NO_KNOCK_INFO, copy_character, copy_info, damage_info, no_vehicle

_HIT_REASONS = list(calibration.HIT_REASON_WEIGHTS)
_HIT_REASON_WEIGHTS = list(calibration.HIT_REASON_WEIGHTS.values())
_BODY_REASONS = [r for r in _HIT_REASONS if r != "HeadShot"]
_BODY_REASON_WEIGHTS = [calibration.HIT_REASON_WEIGHTS[r] for r in _BODY_REASONS]


class Hit(NamedTuple):
    category: str  # damageTypeCategory
    reason: str  # damageReason
    causer: str  # damageCauserName
    damage: float  # before the victim's health caps it
    weapon: Weapon | None  # the gun, for guns
    range_kind: str  # its key in calibration.HIT_RANGES: how far from its target it can be


def gun_hit(rng: random.Random, gun: Weapon, *, lethal: bool = False) -> Hit:
    """A hit with ``gun``; the one that knocks or kills is more often a headshot."""
    if lethal:
        head = rng.random() < calibration.LETHAL_HEADSHOT_SHARE
        reason = "HeadShot" if head else rng.choices(_BODY_REASONS, _BODY_REASON_WEIGHTS)[0]
    else:
        reason = rng.choices(_HIT_REASONS, _HIT_REASON_WEIGHTS)[0]
    damage = (gun.base_damage * calibration.REASON_DAMAGE_FACTOR[reason] * rng.choice(calibration.ARMOR_FACTORS)
              * rng.uniform(0.9, 1.08))
    return Hit("Damage_Gun", reason, gun.causer, damage, gun, gun.weapon_class)


def pick_hit(rng: random.Random, p: Character, *, melee_ok: bool = True, lethal: bool = False) -> Hit:
    """One hit by ``p``: mostly a gun, sometimes a grenade, fire, a pan, a punch or a car."""
    k = rng.random()
    if k < 0.86 or not melee_ok:
        return gun_hit(rng, p.primary if rng.random() < 0.8 else p.secondary, lethal=lethal)
    if k < 0.91:
        return Hit("Damage_Explosion_Grenade", "NonSpecific", GRENADE, rng.uniform(8, 70), None, "grenade")
    if k < 0.95:
        return Hit("Damage_Molotov", "NonSpecific", rng.choice(MOLOTOV_CAUSERS), rng.choice([4.0, 8.0, 10.0, 12.0]), None,
                   "molotov")
    if k < 0.975:
        return Hit("Damage_Melee", rng.choice(DAMAGE_REASONS), PAN, rng.uniform(40, 80), None, "melee")
    if k < 0.99:
        return Hit("Damage_Punch", rng.choice(DAMAGE_REASONS), p.body, rng.choice(PUNCH_DAMAGE), None, "melee")
    return Hit("Damage_VehicleHit", "NonSpecific", rng.choice(RAMMING_VEHICLES), rng.uniform(20, 90), None, "vehicle")


def hit_distance_cm(range_kind: str, z: float) -> float:
    """How far a hit of ``range_kind`` is from its target when the two stand ``z`` standard
    deviations apart in that kind's log-normal (one ``z`` for a whole exchange keeps its hits
    at a consistent range whatever the weapon)."""
    r = calibration.HIT_RANGES[range_kind]
    return min(max(r.median_m * math.exp(r.spread * z), r.least_m), r.most_m) * 100.0


class CombatEvents:
    """Writes the combat events of a match into its state and tells the ledger what happened."""

    def __init__(self, state: MatchState) -> None:
        self.state = state
        self.rng = state.rng
        self.world = state.world
        self.ledger = state.ledger

    def damage(self, t: int, attacker: Character | None, victim: Character, category: str, reason: str, amount: float,
               causer: str, *, attacker_object: dict | None = None, victim_object: dict | None = None,
               attack_id: int = -1, victim_health: float = 100, in_lobby: bool = False) -> dict:
        """LogPlayerTakeDamage. Without an attacker (the blue zone) the key is left out, as the game does."""
        body: dict[str, Any] = {"attackId": attack_id}
        if attacker is not None:
            body["attacker"] = (copy_character(attacker_object) if attacker_object is not None
                                else self.world.character(attacker, t))
        body["victim"] = (copy_character(victim_object) if victim_object is not None
                          else self.world.character(victim, t, victim_health))
        body["damageTypeCategory"] = category
        body["damageReason"] = reason
        body["damage"] = amount
        body["damageCauserName"] = causer
        body["isThroughPenetrableWall"] = False
        if attacker is not None and not in_lobby:
            self.ledger.damage(attacker, victim, amount)
        return self.state.emit(t, "LogPlayerTakeDamage", body)

    def attack(self, t: int, p: Character, gun: Weapon, attack_id: int, attacker_object: dict | None = None) -> None:
        """LogPlayerAttack: a shot (hit or miss) with ``gun``."""
        self.state.emit(t, "LogPlayerAttack", {
            "attackId": attack_id, "fireWeaponStackCount": self.rng.randint(1, 40),
            "attacker": copy_character(attacker_object) if attacker_object is not None else self.world.character(p, t),
            "attackType": "Weapon",
            "weapon": {"itemId": gun.item_id, "stackCount": 1, "category": "Weapon", "subCategory": gun.sub_category,
                       "attachedItems": [ATTACHMENTS[(p.index + k) % len(ATTACHMENTS)] for k in range(p.index % 3)]}})

    def knock(self, t: int, attacker: Character, victim: Character, info: dict, attack_id: int,
              attacker_object: dict, victim_object: dict) -> None:
        """LogPlayerMakeGroggy: ``victim`` goes down; it lies knocked until finished, bled out or revived."""
        self.state.knocks_made += 1
        dbno_id = self.state.knocks_made * 16777216
        self.state.emit(t, "LogPlayerMakeGroggy", {
            "attackId": attack_id, "attacker": copy_character(attacker_object), "victim": copy_character(victim_object),
            "damageReason": info["damageReason"], "damageTypeCategory": info["damageTypeCategory"],
            "damageCauserName": info["damageCauserName"], "damageCauserAdditionalInfo": list(info["additionalInfo"]),
            "victimWeapon": "", "victimWeaponAdditionalInfo": [], "distance": info["distance"],
            "isAttackerInVehicle": False, "dBNOId": dbno_id, "isThroughPenetrableWall": False})
        victim.knock = Knock(attacker, dbno_id, info, t, self.rng.random() < 0.6)
        self.ledger.knock(attacker, victim)

    def kill(self, t: int, victim: Character, *, killer: Character | None, finisher: Character | None,
             knock: Knock | None, finish_info: dict, killer_info: dict, victim_object: dict,
             finisher_object: dict | None = None, killer_object: dict | None = None, knocker_object: dict | None = None,
             suicide: bool = False, team_kill: bool = False, assists: list[Character] | None = None,
             attack_id: int = -1) -> None:
        """LogPlayerKillV2. ``knock`` is the victim's knock when it was knocked first (its knocker at
        ``knocker_object``); without a killer (the blue zone) the ``killer`` and ``finisher`` keys are
        left out. The killer stands at ``finisher_object`` when it is the finisher."""
        body: dict[str, Any] = {"attackId": attack_id, "dBNOId": knock.dbno_id if knock else -1}
        body["victimGameResult"] = {"rank": 0, "gameResult": "", "teamId": victim.team_id, "stats": None,
                                    "accountId": victim.account_id, "isRewardAbuse": False}
        body["victim"] = copy_character(victim_object)
        body["victimVehicle"] = no_vehicle()
        body["victimWeapon"] = "" if self.rng.random() < 0.5 else victim.primary.causer + "_%d" % (victim.index % 2)
        body["victimWeaponAdditionalInfo"] = []
        if knock:
            assert knocker_object is not None
            body["dBNOMaker"] = copy_character(knocker_object)
            body["dBNODamageInfo"] = copy_info(knock.info)
        else:
            body["dBNODamageInfo"] = damage_info(*NO_KNOCK_INFO, -1)
        if finisher is not None:
            assert finisher_object is not None
            body["finisher"] = copy_character(finisher_object)
        body["finishDamageInfo"] = copy_info(finish_info)
        if killer is not None:
            standing_at = finisher_object if killer is finisher else killer_object
            assert standing_at is not None
            body["killer"] = copy_character(standing_at)
        body["killerDamageInfo"] = copy_info(killer_info)
        body["killerVehicle"] = no_vehicle()
        body["assists_AccountId"] = [p.account_id for p in assists or []]
        body["teamKillers_AccountId"] = [killer.account_id] if team_kill and killer is not None else []
        body["isSuicide"] = suicide
        self.state.emit(t, "LogPlayerKillV2", body)
        victim.died_at = t
        self.ledger.kill(t, body, victim, killer, by_zone=killer is None, suicide=suicide,
                         headshot=killer_info["damageReason"] == "HeadShot", distance_cm=killer_info["distance"],
                         assists=assists)

    def revive(self, t: int, reviver: Character, dbno_id: int, reviver_object: dict, victim_object: dict) -> None:
        """LogPlayerRevive: a mate gets the knocked player up."""
        self.state.emit(t, "LogPlayerRevive", {"reviver": reviver_object, "victim": victim_object, "dBNOId": dbno_id,
                                               "useTraumaBag": False})
        self.ledger.revive(reviver)


class CombatStep:
    """A step of the simulation that makes combat: it reads and writes the match's state and
    writes its events through ``combat``."""

    def __init__(self, state: MatchState, combat: CombatEvents) -> None:
        self.state = state
        self.rng = state.rng
        self.world = state.world
        self.combat = combat
