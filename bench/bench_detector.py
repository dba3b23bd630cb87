"""Benchmark of ``loader.detection.detector.detect_fights``: is its cost about linear in the events?

Not a test. For a few sizes N it times the detector on N and on 2N combat events and prints
the time per run and the ratio time(2N) / time(N) (about 2 when the cost is linear; a detector
that rescans the match for every engagement gives about 4).

Inputs (only the detector is timed, never the generation):

* ``spread``  - our own generator: clustered team fights (2-3 teams of 4, 100-300 m apart
  groups, damage, knocks, kills, blue-zone damage) one after another over time; 2N events
  are twice as many fights over twice the time (a longer match, the same density);
* ``dense``   - the same fights packed into a fixed 30-minute match: 2N events means twice as
  many fights *at the same time* all over the map (more concurrent engagements);
* ``synth``   - ``loader.synth.generate_match_events`` at ``scale`` s and 2s (real-format
  matches: more characters, fights and noise events; only combat events are passed on).

Usage: python bench/bench_detector.py [--repeat 5] [--sizes 2500,10000,40000] [--no-synth]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loader.detection.detector import detect_fights  # noqa: E402

T0 = datetime(2024, 5, 1, 18, 0, 0, tzinfo=timezone.utc)
COMBAT = frozenset(["LogPlayerTakeDamage", "LogPlayerMakeGroggy", "LogPlayerKillV2"])


def _ts(seconds: float) -> str:
    d = T0 + timedelta(milliseconds=int(seconds * 1000))
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def _char(name: str, team: int, x: float, y: float) -> dict:
    return {"name": name, "teamId": team, "health": 100, "location": {"x": x * 100, "y": y * 100, "z": 100.0},
            "ranking": 0, "individualRanking": 0, "accountId": f"account.{name}", "isInBlueZone": False,
            "isInRedZone": False, "inSpecialZone": "None", "isInVehicle": False, "zone": [], "type": "user"}


def generate(n_events: int, rng: random.Random, *, duration: float | None = None) -> list[dict]:
    """About ``n_events`` combat events in clustered fights of ~60 events each.

    ``duration`` None: fights follow each other (one starts every ~25 s, so 2-3 overlap);
    else every fight starts at a random time within ``duration`` seconds.
    """
    events: list[dict] = []
    team_no = 0
    start = 0.0
    while len(events) < n_events:
        if duration is None:
            start += rng.uniform(10, 40)
            t = start
        else:
            t = rng.uniform(0, duration)
        cx, cy = rng.uniform(0, 8000), rng.uniform(0, 8000)
        teams = []
        for _ in range(rng.choice((2, 2, 3))):
            team_no += 1
            tx, ty = cx + rng.uniform(-100, 100), cy + rng.uniform(-100, 100)
            teams.append([(f"p{team_no}_{i}", team_no, tx + rng.uniform(-10, 10), ty + rng.uniform(-10, 10))
                          for i in range(4)])
        alive = {p[0] for team in teams for p in team}
        for _ in range(rng.randint(30, 90)):
            t += rng.expovariate(1 / 1.5)
            ta, tv = rng.sample(teams, 2)
            a, v = rng.choice(ta), rng.choice(tv)
            if a[0] not in alive or v[0] not in alive:
                continue
            ca, cv = _char(*a), _char(*v)
            r = rng.random()
            if r < 0.85:
                events.append({"attackId": 1, "attacker": ca, "victim": cv, "damageTypeCategory": "Damage_Gun",
                               "damageReason": "TorsoShot", "damage": rng.uniform(5, 45),
                               "damageCauserName": "WeapHK416_C", "isThroughPenetrableWall": False,
                               "common": {"isGame": 1}, "_D": _ts(t), "_T": "LogPlayerTakeDamage"})
            elif r < 0.93:
                events.append({"attackId": 2, "attacker": ca, "victim": cv, "damageCauserName": "WeapHK416_C",
                               "dBNOId": 1, "common": {"isGame": 1}, "_D": _ts(t), "_T": "LogPlayerMakeGroggy"})
            elif r < 0.98:
                alive.discard(v[0])
                events.append({"attackId": 3, "dBNOId": -1, "victim": cv, "finisher": ca, "killer": ca,
                               "isSuicide": False, "common": {"isGame": 1}, "_D": _ts(t), "_T": "LogPlayerKillV2"})
            else:  # blue zone: no attacker key
                events.append({"attackId": -1, "victim": cv, "damageTypeCategory": "Damage_BlueZone",
                               "damage": 1.0, "common": {"isGame": 1}, "_D": _ts(t), "_T": "LogPlayerTakeDamage"})
    events = events[:n_events]
    events.sort(key=lambda e: e["_D"])  # file order, as in real telemetry (the detector sorts anyway)
    return events


def synth_events(scale: float, seed: int) -> list[dict]:
    from loader.synth import generate_match_events

    events = generate_match_events(f"bench-{seed}", random.Random(seed), scale=scale)
    return [e for e in events if e.get("_T") in COMBAT]


def timed(events: list[dict]) -> tuple[float, int]:
    gc.collect()
    t = time.perf_counter()
    fights = len(detect_fights("bench", events))
    return time.perf_counter() - t, fights


def report(label: str, small: list[dict], large: list[dict], repeat: int) -> float:
    """Best of ``repeat`` runs each, N and 2N interleaved (a busy machine hits both alike)."""
    t1 = t2 = float("inf")
    f1 = f2 = 0
    for _ in range(repeat):
        t, f1 = timed(small)
        t1 = min(t1, t)
        t, f2 = timed(large)
        t2 = min(t2, t)
    ratio = t2 / t1
    print(f"{label:<22} N={len(small):>7} {t1 * 1000:9.1f} ms ({f1:5d} fights)   "
          f"2N={len(large):>7} {t2 * 1000:9.1f} ms ({f2:5d} fights)   ratio {ratio:4.2f}", flush=True)
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per input; the best time is kept")
    ap.add_argument("--sizes", default="2500,10000,40000", help="comma-separated N (combat events)")
    ap.add_argument("--synth-scales", default="1,2,4", help="comma-separated synth scales s (vs 2s)")
    ap.add_argument("--no-synth", action="store_true", help="skip the loader.synth matches")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"detect_fights, best of {args.repeat} runs; ratio = time(2N) / time(N), about 2 when linear")
    for n in sizes:
        report("spread (longer match)", generate(n, random.Random(n)), generate(2 * n, random.Random(n)), args.repeat)
    for n in sizes:
        report("dense (30 min match)", generate(n, random.Random(n), duration=1800.0),
               generate(2 * n, random.Random(n), duration=1800.0), args.repeat)
    if not args.no_synth:
        try:
            import loader.synth  # noqa: F401
        except ImportError:
            print("loader.synth not available: synth inputs skipped")
            return
        for s in (float(x) for x in args.synth_scales.split(",") if x):
            report(f"synth scale {s:g} vs {2 * s:g}", synth_events(s, 1), synth_events(2 * s, 1), args.repeat)


if __name__ == "__main__":
    main()
