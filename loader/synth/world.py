"""A match's space: the map, the plane's line, the safe zone, where each character is, and the
Character objects that say so."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from typing import TYPE_CHECKING

from loader.synth.catalog import MAP_SIZE_CM, MAP_TOWNS
from loader.synth.roster import Character, Team

if TYPE_CHECKING:
    from loader.synth.state import Engagement
from loader.synth.values import float32

PLANE_CM_PER_MS = 8.2  # ~82 m/s
LOBBY_Z = 465.0
PLANE_Z = 50208.0


def ground_heights(rng: random.Random) -> list[float]:
    """Eight ground heights of a map (cm, float32 values)."""
    return [float32(rng.uniform(150, 2400)) for _ in range(8)]


class MatchWorld:
    """Positions in centimetres. A team moves along its waypoints; its members stand at their
    offsets from the team's point."""

    def __init__(self, rng: random.Random, map_name: str, ground: list[float], t_start: int) -> None:
        self.rng = rng
        self.map_name = map_name
        self.map_size = MAP_SIZE_CM.get(map_name, 816000)
        self.towns = MAP_TOWNS.get(map_name, ["town"])
        self.ground = ground  # ground heights (float32 values) that positions draw from
        self.t_start = t_start
        self.team_of: dict[int, Team] = {}
        self.plane = (0.0, 0.0, 1.0, 0.0)  # start x, y and direction of the plane's line
        self.final_zone = (self.map_size / 2, self.map_size / 2)

    # ----------------------------------------------------------------------------- where
    def location(self, p: Character, t: int) -> tuple[float, float, float]:
        """Where ``p`` is at ``t`` on its team's path (z 0: callers choose the height)."""
        team = self.team_of[p.team_id]
        times = team.path_t
        if not times:
            return (self.map_size / 2, self.map_size / 2, 500.0)
        i = bisect_right(times, t)
        if i == 0:
            x, y = team.path_x[0], team.path_y[0]
        elif i >= len(times):
            x, y = team.path_x[-1], team.path_y[-1]
        else:
            t0, t1 = times[i - 1], times[i]
            f = (t - t0) / (t1 - t0) if t1 > t0 else 1.0
            x = team.path_x[i - 1] + (team.path_x[i] - team.path_x[i - 1]) * f
            y = team.path_y[i - 1] + (team.path_y[i] - team.path_y[i - 1]) * f
        return (x + p.offset_x, y + p.offset_y, 0.0)

    def lobby_xy(self, p: Character) -> tuple[float, float]:
        base = self.map_size * 0.1
        return (base + (p.index % 12) * 850.0, base + (p.index // 12) * 900.0)

    def plane_xy(self, t: int) -> tuple[float, float]:
        x0, y0, ux, uy = self.plane
        d = (t - self.t_start) * PLANE_CM_PER_MS
        return (x0 + ux * d, y0 + uy * d)

    def zone_center(self, t: int) -> tuple[float, float, float]:
        """(x, y, radius) of the safe zone at t: from the map centre towards the final circle."""
        size = self.map_size
        f = min(1.0, max(0.0, (t - self.t_start - 300_000) / 1_400_000))
        x = size / 2 + (self.final_zone[0] - size / 2) * f
        y = size / 2 + (self.final_zone[1] - size / 2) * f
        return (x, y, size * (0.3 * (1 - f) + 0.01))

    def clamp_to_map(self, x: float, y: float) -> tuple[float, float]:
        """Keep a point 5 % inside the map's edges."""
        size = self.map_size
        return min(max(x, 0.05 * size), 0.95 * size), min(max(y, 0.05 * size), 0.95 * size)

    # ----------------------------------------------------------------------------- Character objects
    def character(self, p: Character, t: int, health: float = 100, *, xyz: tuple[float, float, float] | None = None,
                  blue: bool = False, in_vehicle: bool = False, ranking: int = 0, individual_ranking: int = 0,
                  zone: bool = True) -> dict:
        """A Character object of ``p`` at ``t`` (at its path position, a few metres off, unless ``xyz`` is given)."""
        if xyz is None:
            x, y, _ = self.location(p, t)
            r = self.rng.random
            x += (r() - 0.5) * 300.0
            y += (r() - 0.5) * 300.0
            z = self.ground[(p.index + (t >> 13)) & 7]
        else:
            x, y, z = xyz
        high = self.map_size - 100.0
        x = 100.0 if x < 100.0 else (high if x > high else round(x * 8.0) / 8.0)
        y = 100.0 if y < 100.0 else (high if y > high else round(y * 8.0) / 8.0)
        if zone and ((p.index + (t >> 16)) & 3) == 0:
            towns = self.towns
            zones = [towns[(p.index + (t >> 17)) % len(towns)]]
        else:
            zones = []
        return {"name": p.name, "teamId": p.team_id, "health": health, "location": {"x": x, "y": y, "z": z},
                "ranking": ranking, "individualRanking": individual_ranking, "accountId": p.account_id,
                "isInBlueZone": blue, "isInRedZone": False, "inSpecialZone": "None", "isInVehicle": in_vehicle,
                "zone": zones, "type": p.kind}

    def fight_character(self, p: Character, t: int, fight: Engagement, health: float = 100) -> dict:
        """A Character object inside a fight: at its team's place, member offsets shrunk to a few
        metres; a character moves a little every ~4 s."""
        key = (p.index, t >> 12)
        xyz = fight.spots.get(key)
        if xyz is None:
            rng = self.rng
            x, y = fight.anchors[p.team_id]
            xyz = (x + p.offset_x * 0.5 + (rng.random() - 0.5) * 600.0, y + p.offset_y * 0.5 + (rng.random() - 0.5) * 600.0,
                   self.ground[(p.index + (t >> 14)) & 7])
            fight.spots[key] = xyz
        return self.character(p, t, health, xyz=xyz)

    def shooter(self, p: Character, t: int, target: dict, toward: tuple[float, float], distance_cm: float,
                health: float = 100) -> dict:
        """A Character object of ``p`` ``distance_cm`` away from the Character ``target``, on the side
        of the point ``toward`` (where ``p``'s team stands), a little higher or lower."""
        rng = self.rng
        spot = target["location"]
        tx, ty, tz = spot["x"], spot["y"], spot["z"]
        angle = math.atan2(toward[1] - ty, toward[0] - tx) + (rng.random() - 0.5) * 0.7
        dz = (rng.random() - 0.5) * 2.0 * min(0.2 * distance_cm, 300.0)
        across = math.sqrt(max(distance_cm * distance_cm - dz * dz, 0.0))
        return self.character(p, t, health, xyz=(tx + math.cos(angle) * across, ty + math.sin(angle) * across,
                                                 float32(tz + dz)))


def distance(a: dict, b: dict) -> float:
    """The distance (cm, as a float32) between two Character objects."""
    la, lb = a["location"], b["location"]
    return float32(math.sqrt((la["x"] - lb["x"]) ** 2 + (la["y"] - lb["y"]) ** 2 + (la["z"] - lb["z"]) ** 2))
