"""Telemetry objects in the real key order (PUBG's ``telemetry-objects.rst`` and the real 2025 file):
damage infos, items, vehicles, game results. Pure functions of their arguments."""

from __future__ import annotations

import random
from typing import Any

from loader.synth.values import float32, map_coordinate

# the dBNODamageInfo of a kill whose victim was not knocked first
NO_KNOCK_INFO = ("NonSpecific", "Damage_None", "None")


def damage_info(reason: str, category: str, causer: str, distance: float, extra: list | None = None) -> dict:
    """A DamageInfo object (``killerDamageInfo``, ``finishDamageInfo``, ``dBNODamageInfo``)."""
    return {"damageReason": reason, "damageTypeCategory": category, "damageCauserName": causer,
            "additionalInfo": extra if extra is not None else [], "distance": distance,
            "isThroughPenetrableWall": False}


def copy_character(character: dict) -> dict:
    """A copy of a Character with its own location and zone (combat events never share objects)."""
    copy = dict(character)
    copy["location"] = dict(character["location"])
    copy["zone"] = list(character["zone"])
    return copy


def copy_info(info: dict) -> dict:
    copy = dict(info)
    copy["additionalInfo"] = list(info["additionalInfo"])
    return copy


def item(item_id: str, stack: int, category: str, sub_category: str) -> dict:
    return {"itemId": item_id, "stackCount": stack, "category": category, "subCategory": sub_category, "attachedItems": []}


def no_vehicle() -> dict:
    """The Vehicle object of somebody not in a vehicle (the real file spells ``feulPercent``)."""
    return {"vehicleType": "", "vehicleId": "", "seatIndex": -1, "healthPercent": 0, "feulPercent": 0, "altitudeAbs": 0,
            "altitudeRel": 0, "velocity": 0, "isWheelsInAir": False, "isInWaterVolume": False, "isEngineOn": True,
            "location": {"x": 0, "y": 0, "z": 0}}


def aircraft(x: float, y: float, velocity: float) -> dict:
    return {"vehicleType": "TransportAircraft", "vehicleId": "IBRTransportAircraft_C", "seatIndex": 0, "healthPercent": 0,
            "feulPercent": 0, "altitudeAbs": 0, "altitudeRel": 0, "velocity": velocity, "isWheelsInAir": False,
            "isInWaterVolume": False, "isEngineOn": False,
            "location": {"x": map_coordinate(x), "y": map_coordinate(y), "z": 50000}}


def vehicle(vehicle_type: str, vehicle_id: str, seat: int, x: float, y: float, velocity: float) -> dict:
    return {"vehicleType": vehicle_type, "vehicleId": vehicle_id, "seatIndex": seat, "healthPercent": 100,
            "feulPercent": float32(50.5), "altitudeAbs": 0, "altitudeRel": 0, "velocity": velocity, "isWheelsInAir": False,
            "isInWaterVolume": vehicle_type == "FloatingVehicle", "isEngineOn": True,
            "location": {"x": map_coordinate(x), "y": map_coordinate(y), "z": 350.0}}


def game_result_stats(kill_count: int, rng: random.Random) -> dict[str, Any]:
    """``GameResult.stats``: PUBG's kill count of the player and a few travelled distances."""
    return {"killCount": kill_count, "distanceOnFoot": float32(rng.uniform(50, 3000)), "distanceOnSwim": 0,
            "distanceOnVehicle": 0, "distanceOnParachute": float32(rng.uniform(200, 500)),
            "distanceOnFreefall": float32(rng.uniform(200, 300)),
            "bpRewardDetail": {"byPlayTime": 0, "byRanking": 0, "byKills": 0, "byDamageDealt": 0, "boostAmount": 0,
                               "byModeScore": 0},
            "arcadeRewardDetail": {"byPlayTime": 0}, "statTrakDataPairs": [], "headshotStatTrakDataPairs": []}
