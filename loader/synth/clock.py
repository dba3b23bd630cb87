"""A match's time: the lobby, the plane, the phases (``common.isGame``) and the ``_D`` stamps."""

from __future__ import annotations

from bisect import bisect_right

from loader.synth.catalog import IS_GAME_LANDING, IS_GAME_LOBBY, IS_GAME_PLANE
from loader.synth.values import second_prefix

LANDING_PHASE_MS = 120_000  # isGame 0.5 from two minutes after LogMatchStart
FIRST_CIRCLE_MS = 300_000  # isGame 1 five minutes after LogMatchStart, then 1.5, 2, ...
# seconds between the phases from isGame 1 on (the circles come faster and faster)
PHASE_SECONDS = [180, 180, 150, 140, 125, 115, 100, 95, 85, 80, 70, 70, 60, 60, 55, 55, 50, 50, 45, 45, 40, 40]
LAST_PHASE_MS = 3_600_000


class MatchClock:
    """Times are Unix milliseconds. ``t_lobby`` is the first event, ``t_start`` LogMatchStart,
    ``t_end`` LogMatchEnd (set once the last death is known)."""

    __slots__ = ("t_lobby", "t_start", "t_end", "phase_starts", "phase_values", "commons", "_prefixes")

    def __init__(self, t_lobby: int, t_start: int) -> None:
        self.t_lobby = t_lobby
        self.t_start = t_start
        self.t_end = t_start
        bounds: list[tuple[int, float]] = [(t_lobby - 10**9, IS_GAME_LOBBY), (t_start, IS_GAME_PLANE),
                                           (t_start + LANDING_PHASE_MS, IS_GAME_LANDING)]
        t = t_start + FIRST_CIRCLE_MS
        phase = 1.0
        k = 0
        while t < t_start + LAST_PHASE_MS:
            bounds.append((t, int(phase) if phase == int(phase) else phase))  # the game writes 1, 1.5, 2 (ints when whole)
            t += PHASE_SECONDS[min(k, len(PHASE_SECONDS) - 1)] * 1000
            k += 1
            phase += 0.5
        self.phase_starts = [b[0] for b in bounds]
        self.phase_values = [b[1] for b in bounds]
        # one shared (read-only) ``common`` object per phase
        self.commons = [{"isGame": v} for v in self.phase_values]
        self._prefixes: dict[int, str] = {}

    def is_game(self, t: int) -> float:
        """``common.isGame`` at ``t``."""
        return self.phase_values[bisect_right(self.phase_starts, t) - 1]

    def stamp(self, t: int) -> tuple[dict, str]:
        """(common, _D) of a moment; the common objects are shared per phase (read-only)."""
        second = t // 1000
        prefix = self._prefixes.get(second)
        if prefix is None:
            prefix = self._prefixes[second] = second_prefix(second)
        return self.commons[bisect_right(self.phase_starts, t) - 1], "%s%03dZ" % (prefix, t - second * 1000)
