"""Benchmark of the telemetry reader against plain decompression and full JSON parsing.

    python bench/bench_reader.py [--matches N] [--size-mb 30] [--repeat 3] [--seed 1] [--synth]

Builds realistic-size telemetry files in a temporary directory (deleted afterwards, never
committed) and times, on the same files in one run:

    F1          inflate only (ISA-L, the reader's inflater, 1 MiB chunks, bytes discarded): the floor
    F1z         inflate only with zlib (what the reader used before python-isal)
    F2          inflate + orjson.loads of the whole array
    F2b         inflate + stdlib json.loads of the whole array
    chunks      loader.formats.jsonstream.json_chunks: read, sha256, inflate, limits
    skip-all    iter_events(path, frozenset()): framing and checks only, no event wanted
    reader      loader.formats.reader.iter_events(path, LOADER_EVENT_TYPES), every event consumed

each in matches/s and MB/s of decompressed JSON (best of --repeat runs per file, summed
over the files), with the speed relative to F1 and F2 (a ratio > 1 means faster), and the
reader's time over the inflate floor (F1) on its own line.

With --synth, the files are the loader's synthetic matches (``pewstats synth --scale 1.0``:
31.7 MB of single-line JSON each), --matches of them.

With PEWSTATS_SHARED_DATA set, the files replicate the events of the real complete PUBG
telemetry file (nothing else changed) until they reach --size-mb, written both single-line
(PUBG's CDN format) and pretty-printed (indent 2), gzip-compressed. Without it, or with
--synthetic, they hold synthesized position-heavy events (about 5% wanted).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Callable

import orjson

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from isal import isal_zlib  # noqa: E402

from loader.formats.jsonstream import json_chunks  # noqa: E402
from loader.formats.reader import LOADER_EVENT_TYPES, SCANNER, iter_events  # noqa: E402

REAL_FILE = Path("JS1936-PubgAPI-Java/telemetry/telemetry_c2fb5093-866c-4d6d-96bf-7abf755094af.json")
MB = 1_000_000


def _real_events() -> list[dict] | None:
    value = os.environ.get("PEWSTATS_SHARED_DATA")
    if not value:
        return None
    path = Path(value) / REAL_FILE
    if not path.is_file():
        return None
    return orjson.loads(path.read_bytes())


def _synthetic_events(rng: random.Random, n: int) -> list[dict]:
    """Position-heavy events: ~95% LogPlayerPosition/LogPlayerAttack/LogItemPickup, ~5% combat."""
    names = [f"Player_{i:03d}" for i in range(100)]
    events: list[dict] = [
        {"MatchId": "match.bro.official.pc-2018-30.steam.squad-fpp.eu.2024.06.01.12.synthetic", "PingQuality": "",
         "_D": "2024-06-01T12:00:00.0000000Z", "_T": "LogMatchDefinition"},
    ]

    def character(i: int) -> dict:
        return {"name": names[i], "teamId": i // 4 + 1, "health": round(rng.uniform(1, 100), 3),
                "location": {"x": round(rng.uniform(0, 816000), 3), "y": round(rng.uniform(0, 816000), 3),
                             "z": round(rng.uniform(0, 5000), 3)},
                "ranking": 0, "individualRanking": 0, "accountId": f"account.{i:032x}",
                "isInBlueZone": False, "isInRedZone": False, "zone": ["pochinki"]}

    for k in range(n):
        ts = f"2024-06-01T12:{(k // 1000) % 60:02d}:{(k // 20) % 60:02d}.{k % 1000:03d}Z"
        roll = rng.random()
        a, v = rng.randrange(100), rng.randrange(100)
        common = {"isGame": rng.choice([0.5, 1, 1.5, 2, 2.5])}
        if roll < 0.04:
            ev = {"attackId": rng.randrange(1 << 30), "attacker": character(a), "victim": character(v),
                  "damageTypeCategory": "Damage_Gun", "damageReason": "TorsoShot", "damage": round(rng.uniform(5, 60), 2),
                  "damageCauserName": "WeapHK416_C", "isThroughPenetrableWall": False, "common": common,
                  "_D": ts, "_T": "LogPlayerTakeDamage"}
        elif roll < 0.045:
            ev = {"attackId": rng.randrange(1 << 30), "attacker": character(a), "victim": character(v),
                  "damageReason": "HeadShot", "damageTypeCategory": "Damage_Gun", "damageCauserName": "WeapAK47_C",
                  "distance": round(rng.uniform(100, 30000), 2), "isAttackerInVehicle": False, "dBNOId": k,
                  "common": common, "_D": ts, "_T": "LogPlayerMakeGroggy"}
        elif roll < 0.05:
            ev = {"attackId": rng.randrange(1 << 30), "dBNOId": -1, "victim": character(v), "killer": character(a),
                  "killerDamageInfo": {"damageReason": "HeadShot", "damageTypeCategory": "Damage_Gun",
                                       "damageCauserName": "WeapAK47_C", "additionalInfo": [],
                                       "distance": round(rng.uniform(100, 30000), 2), "isThroughPenetrableWall": False},
                  "assists_AccountId": [], "teamKillers_AccountId": [], "isSuicide": False,
                  "common": common, "_D": ts, "_T": "LogPlayerKillV2"}
        elif roll < 0.80:
            ev = {"character": character(a), "vehicle": None, "elapsedTime": k // 10, "numAlivePlayers": 100 - k * 99 // n,
                  "common": common, "_D": ts, "_T": "LogPlayerPosition"}
        elif roll < 0.92:
            ev = {"attackId": rng.randrange(1 << 30), "fireWeaponStackCount": rng.randrange(30),
                  "attacker": character(a), "attackType": "Weapon",
                  "weapon": {"itemId": "Item_Weapon_HK416_C", "stackCount": 1, "category": "Weapon",
                             "subCategory": "Main", "attachedItems": ["Item_Attach_Weapon_Muzzle_Compensator_Large_C"]},
                  "vehicle": None, "common": common, "_D": ts, "_T": "LogPlayerAttack"}
        else:
            ev = {"character": character(a),
                  "item": {"itemId": "Item_Heal_Bandage_C", "stackCount": 5, "category": "Use", "subCategory": "Heal",
                           "attachedItems": []},
                  "common": common, "_D": ts, "_T": "LogItemPickup"}
        events.append(ev)
    return events


def build_realistic_files(out_dir: Path | str, n: int = 1, size_mb: float = 30, seed: int = 1,
                          synthetic: bool = False) -> list[Path]:
    """Write realistic telemetry files of about size_mb MB of JSON each into out_dir.

    From the real complete file (PEWSTATS_SHARED_DATA set and synthetic False): n single-line
    and n pretty-printed (indent 2) files whose events are the real file's events repeated
    until the size is reached (the i-th file is rotated by i events so that files differ).
    Otherwise n single-line and n pretty-printed synthetic files. All gzip-compressed.
    Returns the paths of the .json.gz files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    real = None if synthetic else _real_events()
    target = int(size_mb * MB)
    paths: list[Path] = []
    for i in range(n):
        if real is not None:
            one = len(orjson.dumps(real))
            reps = max(1, round(target / one))
            base = real[i % len(real):] + real[: i % len(real)]
            events = base * reps
            kind = "real"
        else:
            per_event = 560
            events = _synthetic_events(rng, max(1, target // per_event))
            kind = "synth"
        for style, dump in (
            ("compact", lambda evs: json.dumps(evs, separators=(",", ":"), ensure_ascii=False).encode()),
            ("pretty", lambda evs: json.dumps(evs, indent=2, ensure_ascii=False).encode()),
        ):
            data = dump(events)
            path = out / f"{kind}_{style}_{i:02d}.json.gz"
            path.write_bytes(gzip.compress(data, 6, mtime=0))
            paths.append(path)
    return paths


# ----------------------------------------------------------------------------------------


def build_synth_files(out_dir: Path | str, n: int, seed: int) -> list[Path]:
    """The first n matches of the loader's synthetic season at scale 1.0 (one group: synth)."""
    from loader.synth import generate_season

    out = Path(out_dir)
    generate_season(out / "season", n, seed, scale=1.0)
    paths = []
    for i, p in enumerate(sorted((out / "season" / "telemetry").glob("*.json.gz"))):
        q = out / f"synth_{i:02d}.json.gz"
        p.rename(q)
        paths.append(q)
    return paths


def _inflate_chunks(path: Path, zlib_module=isal_zlib):
    inflater = zlib_module.decompressobj(31)
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            out = inflater.decompress(block, 1 << 20)
            yield out
            while inflater.unconsumed_tail:
                yield inflater.decompress(inflater.unconsumed_tail, 1 << 20)


def f1_inflate(path: Path) -> int:
    n = 0
    for chunk in _inflate_chunks(path):
        n += len(chunk)
    return n


def f1_zlib(path: Path) -> int:
    n = 0
    for chunk in _inflate_chunks(path, zlib):
        n += len(chunk)
    return n


def chunks(path: Path) -> int:
    return sum(map(len, json_chunks(path)))


def skip_all(path: Path) -> int:
    return sum(1 for _ in iter_events(path, frozenset()))


def f2_orjson(path: Path) -> int:
    return len(orjson.loads(b"".join(_inflate_chunks(path))))


def f2b_json(path: Path) -> int:
    return len(json.loads(b"".join(_inflate_chunks(path))))


def reader(path: Path) -> int:
    n = 0
    for _ in iter_events(path, LOADER_EVENT_TYPES):
        n += 1
    return n


def reader_python(path: Path) -> int:
    """The reader on its Python fast path (where no C compiler was found at install)."""
    n = 0
    for _ in iter_events(path, LOADER_EVENT_TYPES, compiled=False):
        n += 1
    return n


def _best(fn: Callable[[Path], int], path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(path)
        best = min(best, time.perf_counter() - t0)
    return best


def run(paths: list[Path], repeat: int) -> list[tuple[str, str, float, float, float]]:
    """Rows (file group, method, seconds, matches/s, MB/s) for each group of files."""
    groups: dict[str, list[Path]] = {}
    for p in paths:
        groups.setdefault(p.name.rsplit("_", 1)[0], []).append(p)
    methods = [("F1 inflate", f1_inflate), ("F1z inflate zlib", f1_zlib), ("F2 inflate+orjson", f2_orjson),
               ("F2b inflate+json", f2b_json), ("chunks", chunks), ("skip-all", skip_all), ("reader", reader),
               ("reader Python path", reader_python)]
    rows = []
    for group, files in groups.items():
        json_bytes = sum(f1_inflate(p) for p in files)
        for name, fn in methods:
            secs = sum(_best(fn, p, repeat) for p in files)
            rows.append((group, name, secs, len(files) / secs, json_bytes / MB / secs))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--matches", type=int, default=1, help="files per style (default 1)")
    ap.add_argument("--size-mb", type=float, default=30, help="MB of JSON per file (default 30)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per file and method; the best counts")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--synthetic", action="store_true", help="synthesized events even if the real file is available")
    ap.add_argument("--synth", action="store_true", help="the loader's synthetic matches (pewstats synth, scale 1.0)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_reader_") as tmp:
        if args.synth:
            paths = build_synth_files(tmp, args.matches, args.seed)
        else:
            paths = build_realistic_files(tmp, args.matches, args.size_mb, args.seed, synthetic=args.synthetic)
        # describe the files
        for group in sorted({p.name.rsplit("_", 1)[0] for p in paths}):
            p = next(q for q in paths if q.name.startswith(group))
            events = orjson.loads(b"".join(_inflate_chunks(p)))
            wanted = sum(1 for e in events if e["_T"] in LOADER_EVENT_TYPES)
            print(f"{group}: {len(events):,} events, {wanted / len(events):.1%} wanted, "
                  f"{f1_inflate(p) / MB:.1f} MB JSON, {p.stat().st_size / MB:.1f} MB gzip, x{args.matches} file(s)")
        rows = run(paths, args.repeat)
    print()
    print(f"reader fast path: {SCANNER} (skip-all and reader use it; 'reader Python path' does not)")
    print(f"{'files':<14} {'method':<18} {'seconds':>8} {'matches/s':>10} {'MB/s':>8} {'vs F1':>7} {'vs F2':>7}")
    by_group: dict[str, dict[str, float]] = {}
    for group, name, secs, _, _ in rows:
        by_group.setdefault(group, {})[name] = secs
    for group, name, secs, mps, mbps in rows:
        ref = by_group[group]
        vs_f1 = ref["F1 inflate"] / secs
        vs_f2 = ref["F2 inflate+orjson"] / secs
        print(f"{group:<14} {name:<18} {secs:>8.3f} {mps:>10.2f} {mbps:>8.1f} {vs_f1:>7.2f} {vs_f2:>7.2f}")
    print()
    for group, ref in by_group.items():
        print(f"{group}: reader / inflate floor = {ref['reader'] / ref['F1 inflate']:.2f} "
              f"(skip-all {ref['skip-all'] / ref['F1 inflate']:.2f}, chunks {ref['chunks'] / ref['F1 inflate']:.2f}; "
              f"zlib inflate / ISA-L inflate = {ref['F1z inflate zlib'] / ref['F1 inflate']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
