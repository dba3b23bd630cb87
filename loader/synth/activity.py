"""Everything that is not combat, which is most of a telemetry file: logins, the plane, positions,
the game state every 10 s, looting, firing, vaulting, swimming, vehicles and care packages."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from loader.synth.catalog import (
    ATTACHMENTS,
    CARE_PACKAGE_LOOT,
    GEAR,
    HEALS,
    LOOT,
    MEDICINE,
    OBJECT_TYPES,
    PARACHUTE,
    THROWABLES,
    VEHICLES,
)
from loader.synth.roster import Character
from loader.synth.state import MatchState
from loader.synth.telemetry_objects import aircraft, item, vehicle
from loader.synth.values import fast_choice, fast_randint, float32, map_coordinate
from loader.synth.world import LOBBY_Z, PLANE_CM_PER_MS, PLANE_Z

POSITIONS_PER_MATCH = 8_000  # LogPlayerPosition at scale 1, spread over every character's life
# non-combat events per match at scale 1, made in bursts (looting a building, firing a magazine):
# a burst is one character at one place, which is also what keeps the gzip small
BURSTS = [
    (7, {"LogItemPickup": 9_500, "LogItemEquip": 4_000, "LogItemUnequip": 1_500, "LogItemAttach": 2_640,
         "LogItemDetach": 360, "LogItemDrop": 1_500, "LogItemUse": 1_500, "LogHeal": 1_000,
         "LogItemPickupFromLootBox": 700, "LogItemPickupFromCarepackage": 60, "LogObjectInteraction": 4_000}),
    (6, {"LogPlayerAttack": 5_000, "LogWeaponFireCount": 2_500, "LogPlayerUseThrowable": 400, "LogObjectDestroy": 500,
         "LogVehicleDamage": 150}),
    (2, {"LogVaultStart": 2_500}),
]  # (largest burst, events per type)
SWIMS = 150
VEHICLE_RIDES = 600
CARE_PACKAGES = 3


class Activity:
    """Writes the non-combat events of a match; run after the combat, when every death is known."""

    def __init__(self, state: MatchState) -> None:
        self.state = state
        self.rng = state.rng
        self.world = state.world
        self.clock = state.clock
        self.records = state.ledger.records
        self._builders: dict[str, Callable[[Character, int, dict, dict, tuple[dict, str]], dict]] = {
            "LogItemPickup": self._pickup, "LogItemEquip": self._equip, "LogItemUnequip": self._unequip,
            "LogItemDrop": self._drop, "LogItemAttach": self._attach, "LogItemDetach": self._attach,
            "LogItemUse": self._use, "LogHeal": self._heal, "LogItemPickupFromLootBox": self._loot_box,
            "LogItemPickupFromCarepackage": self._care_package_pickup, "LogObjectInteraction": self._interaction,
            "LogPlayerAttack": self._attack, "LogWeaponFireCount": self._fire_count,
            "LogPlayerUseThrowable": self._throwable, "LogObjectDestroy": self._destroy,
            "LogVehicleDamage": self._vehicle_damage, "LogVaultStart": self._vault}

    def write(self) -> None:
        self.lives()
        self.positions()
        self.game_states()
        self.phase_changes()
        if self._lifetimes():
            self.bursts()
            self.swims()
            self.vehicle_rides()
            self.care_packages()

    def _count(self, base: float) -> int:
        return int(round(base * self.state.scale))

    # ----------------------------------------------------------------------------- each character's life
    def lives(self) -> None:
        """Login, creation in the lobby, the plane ride, the jump, the landing and the logout."""
        rng = self.rng
        world = self.world
        state = self.state
        s = self.clock.t_start
        end = self.clock.t_end
        for i, p in enumerate(state.players):
            t_login = self.clock.t_lobby + rng.randint(0, 40_000)
            lx, ly = world.lobby_xy(p)
            state.emit(t_login, "LogPlayerLogin", {"accountId": p.account_id})
            state.emit(t_login + rng.randint(50, 400), "LogPlayerCreate",
                       {"character": world.character(p, t_login, xyz=(lx, ly, 600.0), zone=False)})
            px, py = world.plane_xy(s)
            on_board = world.character(p, s + 10 + i, xyz=(px, py, PLANE_Z), in_vehicle=True, zone=False)
            state.emit(s + 10 + i, "LogVehicleRide", {"character": on_board, "vehicle": aircraft(px, py, 0.0),
                                                      "seatIndex": 0, "fellowPassengers": []})
            state.emit(s + 10 + i, "LogItemEquip", {"character": on_board,
                                                    "item": item(PARACHUTE, 1, "Equipment", "Backpack")})
            jx, jy = world.plane_xy(p.jumped_at)
            state.emit(p.jumped_at, "LogVehicleLeave", {
                "character": world.character(p, p.jumped_at, xyz=(jx, jy, PLANE_Z), in_vehicle=True, zone=False),
                "vehicle": aircraft(jx, jy, float32(rng.uniform(1790, 1810))),
                "rideDistance": float32((p.jumped_at - s) * PLANE_CM_PER_MS),
                "seatIndex": 0, "maxSpeed": float32(rng.uniform(60, 70)), "fellowPassengers": []})
            if p.died_at is None or p.died_at > p.landed_at:
                state.emit(p.landed_at, "LogParachuteLanding", {"character": world.character(p, p.landed_at),
                                                                "distance": float32(rng.uniform(150, 900))})
                state.emit(p.landed_at + 200, "LogItemUnequip", {"character": world.character(p, p.landed_at + 200),
                                                                 "item": item(PARACHUTE, 1, "Equipment", "Backpack")})
            state.emit(min(end + rng.randint(2_000, 40_000), (p.died_at or end) + rng.randint(5_000, 60_000)),
                       "LogPlayerLogout", {"accountId": p.account_id})

    def _death_times(self) -> list[int]:
        return sorted(p.died_at for p in self.state.players if p.died_at is not None)

    def positions(self) -> None:
        """LogPlayerPosition every few seconds per living character: in the lobby, the plane, the
        air, then on the ground."""
        rng = self.rng
        world = self.world
        clock = self.clock
        state = self.state
        players = state.players
        s, end = clock.t_start, clock.t_end
        total_life = sum(((p.died_at or end) - clock.t_lobby) for p in players) or 1
        step = max(2_000, int(total_life / max(1.0, POSITIONS_PER_MATCH * state.scale)))
        death_times = self._death_times()
        n_characters = len(players)
        append = state.events.append
        for p in players:
            t = clock.t_lobby + fast_randint(rng, 1_000, step)
            stop = p.died_at or end
            lx, ly = world.lobby_xy(p)
            while t < stop:
                alive = n_characters - bisect_right(death_times, t)
                elapsed = max(0, (t - s) // 1000)
                if t < s:
                    body = {"character": world.character(p, t, xyz=(lx + rng.uniform(-900, 900),
                                                                    ly + rng.uniform(-900, 900), LOBBY_Z), zone=False),
                            "elapsedTime": 0, "numAlivePlayers": alive}
                elif t < p.jumped_at:
                    px, py = world.plane_xy(t)
                    body = {"character": world.character(p, t, xyz=(px, py, PLANE_Z), in_vehicle=True, zone=False),
                            "vehicle": aircraft(px, py, 1800.0), "elapsedTime": elapsed, "numAlivePlayers": alive}
                elif t < p.landed_at:
                    jx, jy = world.plane_xy(p.jumped_at)
                    gx, gy, _ = world.location(p, p.landed_at)
                    f = (t - p.jumped_at) / max(1, p.landed_at - p.jumped_at)
                    body = {"character": world.character(p, t, xyz=(jx + (gx - jx) * f, gy * f + jy * (1 - f),
                                                                    float32(50000 * (1 - f) + 400)), zone=False),
                            "elapsedTime": elapsed, "numAlivePlayers": alive}
                else:
                    common, d = clock.stamp(t)
                    body = {"character": world.character(p, t, _health(t)), "elapsedTime": elapsed,
                            "numAlivePlayers": alive, "common": common, "_D": d, "_T": "LogPlayerPosition"}
                    append([t, None, body])
                    t += step + fast_randint(rng, -300, 300)
                    continue
                state.emit(t, "LogPlayerPosition", body)
                t += step + fast_randint(rng, -300, 300)

    def game_states(self) -> None:
        """LogGameStatePeriodic every 10 s: teams and players alive, the zones."""
        state = self.state
        clock = self.clock
        world = self.world
        teams = state.roster.teams
        n_teams = len(teams)
        n_characters = len(state.players)
        death_times = self._death_times()
        team_deaths = sorted(max(p.died_at or 0 for p in team.members) for team in teams
                             if all(p.died_at is not None for p in team.members))
        t = clock.t_start + 10_000
        while t < clock.t_end:
            zx, zy, zr = world.zone_center(t)
            state.emit(t, "LogGameStatePeriodic", {"gameState": {
                "elapsedTime": (t - clock.t_start) // 1000, "numStartTeams": n_teams,
                "numAliveTeams": n_teams - bisect_right(team_deaths, t), "numParticipatedTeams": n_teams,
                "numJoinPlayers": n_characters, "numStartPlayers": n_characters,
                "numAlivePlayers": n_characters - bisect_right(death_times, t), "numParticipatedPlayers": n_characters,
                "safetyZonePosition": {"x": map_coordinate(zx), "y": map_coordinate(zy), "z": 0},
                "safetyZoneRadius": float32(zr),
                "poisonGasWarningPosition": {"x": map_coordinate(zx), "y": map_coordinate(zy), "z": 0},
                "poisonGasWarningRadius": float32(zr * 1.4),
                "redZonePosition": {"x": 0, "y": 0, "z": 0}, "redZoneRadius": 0,
                "blackZonePosition": {"x": 0, "y": 0, "z": 0}, "blackZoneRadius": 0}})
            t += 10_000

    def phase_changes(self) -> None:
        clock = self.clock
        for k, (t, phase) in enumerate(zip(clock.phase_starts, clock.phase_values)):
            if phase >= 1 and phase == int(phase) and t < clock.t_end:
                inside = [p.account_id for p in self.state.players if p.is_alive(t) and ((p.index * 7 + k) % 10) < 7]
                self.state.emit(t, "LogPhaseChange", {"phase": int(phase), "playersInWhiteCircle": inside})

    # ----------------------------------------------------------------------------- a moment of somebody's life
    def _lifetimes(self) -> bool:
        """Index the landed characters by how long they live (a longer life has more activity)."""
        end = self.clock.t_end
        self._landed = [p for p in self.state.players if (p.died_at or end) > p.landed_at + 5_000]
        self._cumulative: list[int] = []
        total = 0
        for p in self._landed:
            total += (p.died_at or end) - p.landed_at
            self._cumulative.append(total)
        self._total_life = total
        return bool(self._landed)

    def _somebody(self) -> tuple[Character, int]:
        """A character and a moment of its life, not while knocked (nor 3 s before)."""
        rng = self.rng
        end = self.clock.t_end
        landed, cumulative, total = self._landed, self._cumulative, self._total_life
        while True:
            k = bisect_right(cumulative, rng.random() * total)
            p = landed[min(k, len(landed) - 1)]
            high = (p.died_at or end) - 10_000
            t = fast_randint(rng, p.landed_at + 1_000, high if high > p.landed_at + 1_000 else p.landed_at + 1_001)
            for start, stop in p.knocked_spans:
                if start - 3_000 <= t < stop:
                    break
            else:
                return p, t

    # ----------------------------------------------------------------------------- bursts
    def bursts(self) -> None:
        rng = self.rng
        world = self.world
        state = self.state
        clock = self.clock
        ground = world.ground
        builders = self._builders
        append = state.events.append
        n_characters = len(state.players)
        death_times = self._death_times()
        self._dead = [p for p in state.players if p.died_at is not None]
        for largest, budget in BURSTS:
            kinds = [event_type for event_type in budget for _ in range(self._count(budget[event_type]))]
            rng.shuffle(kinds)
            i = 0
            n_kinds = len(kinds)
            while i < n_kinds:
                p, t = self._somebody()
                x, y, _ = world.location(p, t)
                character = world.character(p, t, xyz=(x, y, ground[(p.index + (t >> 15)) & 7]))
                location = character["location"]
                if rng.random() < 0.35:  # the periodic position of this player happens to be here
                    own = dict(character)
                    own["location"] = dict(location)
                    own["zone"] = list(character["zone"])
                    state.emit(t - fast_randint(rng, 5, 400), "LogPlayerPosition", {
                        "character": own, "elapsedTime": (t - clock.t_start) // 1000,
                        "numAlivePlayers": n_characters - bisect_right(death_times, t)})
                n = 1 + int(rng.random() * largest)
                for event_type in kinds[i:i + n]:
                    t += 15 + int(rng.random() * 246)
                    body = builders[event_type](p, t, character, location, clock.stamp(t))
                    body["_T"] = event_type
                    append([t, None, body])
                i += n

    # Each builder returns one event of a burst, already stamped (``common``, ``_D``; ``_T`` is
    # added by the caller): the burst's Character is shared by its events (read-only).
    def _pickup(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        loot = LOOT[(p.index * 7 + (t >> 12)) % len(LOOT)] if rng.random() < 0.5 else fast_choice(rng, LOOT)
        if loot.category == "Weapon":
            self.records[p.account_id].weapons_acquired += 1
        return {"character": character, "item": self.state.shared_item(loot.item_id, fast_randint(rng, 1, loot.max_stack),
                                                                       loot.category, loot.sub_category),
                "common": stamp[0], "_D": stamp[1]}

    def _equip(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        if rng.random() < 0.6:
            gear = fast_choice(rng, GEAR)
            equipped = self.state.shared_item(gear.item_id, 1, gear.category, gear.sub_category)
        else:
            equipped = self.state.shared_item(p.primary.item_id, 1, "Weapon", "Main")
        return {"character": character, "item": equipped, "common": stamp[0], "_D": stamp[1]}

    def _unequip(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        gear = fast_choice(self.rng, GEAR)
        return {"character": character, "item": self.state.shared_item(gear.item_id, 1, gear.category, gear.sub_category),
                "common": stamp[0], "_D": stamp[1]}

    def _drop(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        loot = fast_choice(self.rng, LOOT)
        return {"character": character, "item": self.state.shared_item(loot.item_id, 1, loot.category, loot.sub_category),
                "common": stamp[0], "_D": stamp[1]}

    def _attach(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        gun = p.primary if rng.random() < 0.7 else p.secondary
        return {"character": character, "parentItem": self.state.shared_item(gun.item_id, 1, "Weapon", "Main"),
                "childItem": self.state.shared_item(fast_choice(rng, ATTACHMENTS), 1, "Attachment", "None"),
                "common": stamp[0], "_D": stamp[1]}

    def _use(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        medicine = fast_choice(self.rng, MEDICINE)
        if medicine.sub_category == "Boost":
            self.records[p.account_id].boosts += 1
        return {"character": character,
                "item": self.state.shared_item(medicine.item_id, 1, medicine.category, medicine.sub_category),
                "common": stamp[0], "_D": stamp[1]}

    def _heal(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        heal, amount = fast_choice(rng, HEALS)
        health = float(fast_randint(rng, 10, 90))
        healed = dict(character)
        healed["health"] = health
        self.records[p.account_id].heals += 1
        return {"character": healed, "item": self.state.shared_item(heal, 1, "Use", "Heal"),
                "healAmount": min(amount, 100 - health), "common": stamp[0], "_D": stamp[1]}

    def _loot_box(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        owner = fast_choice(rng, self._dead) if self._dead else p
        loot = fast_choice(rng, LOOT)
        return {"character": character, "item": self.state.shared_item(loot.item_id, fast_randint(rng, 1, loot.max_stack),
                                                                       loot.category, loot.sub_category),
                "ownerTeamId": owner.team_id, "creatorAccountId": owner.account_id, "common": stamp[0], "_D": stamp[1]}

    def _care_package_pickup(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        loot = fast_choice(self.rng, CARE_PACKAGE_LOOT)
        return {"character": character, "item": self.state.shared_item(loot.item_id, 1, loot.category, loot.sub_category),
                "carePackageUniqueId": 1000 + (p.index & 7), "common": stamp[0], "_D": stamp[1]}

    def _interaction(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        object_type, status = OBJECT_TYPES[self.rng.randrange(len(OBJECT_TYPES))]
        return {"character": character, "objectType": object_type, "objectTypeStatus": status,
                "objectTypeAdditionalInfo": [], "common": stamp[0], "_D": stamp[1]}

    def _attack(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        gun = p.primary if rng.random() < 0.75 else p.secondary
        return {"attackId": p.next_attack_id(), "fireWeaponStackCount": fast_randint(rng, 1, 40), "attacker": character,
                "attackType": "Weapon", "weapon": {"itemId": gun.item_id, "stackCount": 1, "category": "Weapon",
                                                   "subCategory": gun.sub_category, "attachedItems": []},
                "common": stamp[0], "_D": stamp[1]}

    def _fire_count(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        gun = p.primary if rng.random() < 0.75 else p.secondary
        return {"character": character, "weaponId": gun.item_id, "fireCount": 10 * fast_randint(rng, 1, 12),
                "common": stamp[0], "_D": stamp[1]}

    def _throwable(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        throwable = fast_choice(self.rng, THROWABLES)
        return {"attackId": p.next_attack_id(), "fireWeaponStackCount": 1, "attacker": character, "attackType": "Weapon",
                "weapon": self.state.shared_item(throwable, 1, "Equipment", "Throwable"), "common": stamp[0],
                "_D": stamp[1]}

    def _destroy(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        return {"character": character, "objectType": "Window",
                "objectLocation": {"x": map_coordinate(location["x"] + 300), "y": map_coordinate(location["y"] - 200),
                                   "z": location["z"]},
                "damageCauserName": "", "common": stamp[0], "_D": stamp[1]}

    def _vehicle_damage(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        rng = self.rng
        vehicle_type, vehicle_id = VEHICLES[(p.index + (t >> 14)) % 5]
        return {"attackId": p.next_attack_id(), "attacker": character,
                "vehicle": vehicle(vehicle_type, vehicle_id, -1, location["x"] + 1500, location["y"], 0.0),
                "damageTypeCategory": "Damage_Gun", "damageCauserName": p.primary.causer,
                "damage": float(fast_randint(rng, 5, 60)), "distance": float(fast_randint(rng, 5, 200) * 100),
                "common": stamp[0], "_D": stamp[1]}

    def _vault(self, p: Character, t: int, character: dict, location: dict, stamp: tuple[dict, str]) -> dict:
        return {"character": character, "isLedgeGrab": self.rng.random() < 0.2, "isVaultOnVehicle": False,
                "common": stamp[0], "_D": stamp[1]}

    # ----------------------------------------------------------------------------- swims, vehicles, care packages
    def swims(self) -> None:
        rng = self.rng
        world = self.world
        end = self.clock.t_end
        for _ in range(self._count(SWIMS)):
            p, t = self._somebody()
            self.state.emit(t, "LogSwimStart", {"character": world.character(p, t)})
            t2 = min(t + fast_randint(rng, 5_000, 40_000), (p.died_at or end) - 1)
            self.state.emit(t2, "LogSwimEnd", {"character": world.character(p, t2),
                                               "swimDistance": float32(rng.uniform(300, 5000)),
                                               "maxSwimDepthOfWater": float32(rng.uniform(0, 300))})

    def vehicle_rides(self) -> None:
        rng = self.rng
        world = self.world
        ground = world.ground
        end = self.clock.t_end
        for _ in range(self._count(VEHICLE_RIDES)):
            p, t = self._somebody()
            vehicle_type, vehicle_id = rng.choice(VEHICLES)
            x, y, _ = world.location(p, t)
            character = world.character(p, t, xyz=(x, y, ground[p.index & 7]), in_vehicle=True)
            seat = fast_randint(rng, 0, 3)
            self.state.emit(t, "LogVehicleRide", {"character": character,
                                                  "vehicle": vehicle(vehicle_type, vehicle_id, seat, x, y, 0.0),
                                                  "seatIndex": seat, "fellowPassengers": []})
            t2 = min(t + fast_randint(rng, 8_000, 120_000), (p.died_at or end) - 1)
            x2, y2, _ = world.location(p, t2)
            self.state.emit(t2, "LogVehicleLeave", {
                "character": world.character(p, t2, xyz=(x2, y2, ground[(p.index + 1) & 7]), in_vehicle=True),
                "vehicle": vehicle(vehicle_type, vehicle_id, seat, x2, y2, float32(rng.uniform(0, 3000))),
                "rideDistance": float32(rng.uniform(500, 150_000)), "seatIndex": seat,
                "maxSpeed": float32(rng.uniform(40, 150)), "fellowPassengers": []})

    def care_packages(self) -> None:
        rng = self.rng
        world = self.world
        state = self.state
        s, end = self.clock.t_start, self.clock.t_end
        for k in range(max(1, self._count(CARE_PACKAGES))):
            t = s + fast_randint(rng, 400_000, max(400_001, state.t_last_death - s - 100_000))
            if t + 60_000 >= end:
                continue
            zx, zy, zr = world.zone_center(t)
            location = {"x": map_coordinate(zx + rng.uniform(-zr, zr) * 0.5),
                        "y": map_coordinate(zy + rng.uniform(-zr, zr) * 0.5), "z": 20000.0}
            contents = CARE_PACKAGE_LOOT[:2]
            state.emit(t, "LogCarePackageSpawn", {"itemPackage": {
                "itemPackageId": "Carepackage_Container_C", "location": location,
                "items": [item(c.item_id, 1, c.category, c.sub_category) for c in contents]}})
            state.emit(t + 60_000, "LogCarePackageLand", {"itemPackage": {
                "itemPackageId": "Carepackage_Container_C",
                "location": {"x": location["x"], "y": location["y"], "z": world.ground[k & 7]},
                "items": [item(c.item_id, 1, c.category, c.sub_category) for c in contents]}})


def _health(t: int) -> float:
    """A health value for a position event: mostly full, sometimes hurt."""
    return 100 if (t >> 10) % 5 else float32(round(20 + (t % 7919) / 99.0, 2))
