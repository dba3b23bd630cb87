"""A season: matches of a mix of types and modes, played by one pool of accounts, written as
``<out>/telemetry/<match_id>.json.gz`` and ``<out>/matches/<match_id>.json``."""

from __future__ import annotations

import gc
import random
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

from loader.synth.catalog import MAPS
from loader.synth.match import simulate_match
from loader.synth.match_object import generate_match_object
from loader.synth.names import SynthPlayer, make_player_pool
from loader.synth.telemetry_file import write_bytes_atomically, write_telemetry

POOL_SIZE = 360
SEASON_START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
MINUTES_BETWEEN_MATCHES = 40
# how often each match type is played, and each game mode within a type
MATCH_TYPE_WEIGHTS = [("official", 60), ("competitive", 25), ("custom", 5), ("arcade", 4), ("event", 3), ("training", 3)]
MODE_WEIGHTS_BY_TYPE = {
    "official": [("squad-fpp", 45), ("squad", 20), ("duo-fpp", 20), ("solo-fpp", 15)],
    "competitive": [("squad-fpp", 100)],
    "custom": [("esports-squad-fpp", 60), ("squad-fpp", 40)],
    "arcade": [("squad-fpp", 50), ("duo-fpp", 30), ("solo-fpp", 20)],
    "event": [("squad-fpp", 60), ("squad", 40)],
    "training": [("solo-fpp", 50), ("squad-fpp", 50)],
}


@dataclass(frozen=True)
class SynthMatch:
    match_id: str  # a UUID string (deterministic from seed), the PUBG API match id
    telemetry_path: Path  # <out>/telemetry/<match_id>.json.gz
    match_path: Path  # <out>/matches/<match_id>.json  (PUBG API match object)


def pick_weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    """One name of a (name, weight) table."""
    return rng.choices([name for name, _ in table], [weight for _, weight in table])[0]


_COLLECT_EVERY = 20  # matches generated between two collections of the cyclic GC


def generate_season(out_dir: Path, matches: int, seed: int, *, scale: float = 1.0, start_index: int = 0) -> list[SynthMatch]:
    """Write matches ``start_index .. start_index + matches - 1`` of the season ``seed``:
    ``<out>/telemetry/<match_id>.json.gz`` and ``<out>/matches/<match_id>.json``. The same
    arguments give byte-identical files; match i is the same file whichever range produced it.
    One pool of 360 accounts (``make_player_pool(Random(f"{seed}:pool"))``) plays the whole
    season; match i starts at 2024-05-01 12:00 UTC + i * 40 min (+ up to 25 min)."""
    out_dir = Path(out_dir)
    pool = make_player_pool(random.Random(f"{seed}:pool"), POOL_SIZE)
    made: list[SynthMatch] = []
    # serialising and gzip (which releases the GIL) of match i overlap the generation of match i+1;
    # the cyclic GC stays off meanwhile (it would rescan the previous match's events again and
    # again) and collects once every _COLLECT_EVERY matches: a match leaves cyclic garbage, which
    # without it held 19 GB after 1,060 matches of scale 0.3
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending: Future | None = None
            for index in range(start_index, start_index + matches):
                match, events, match_object = _season_match(out_dir, pool, seed, index, scale)
                if pending is not None:
                    pending.result()
                pending = writer.submit(_write_match, events, match_object, match)
                del events, match_object
                made.append(match)
                if (index - start_index) % _COLLECT_EVERY == _COLLECT_EVERY - 1:
                    gc.collect()
            if pending is not None:
                pending.result()
    finally:
        if gc_was_enabled:
            gc.enable()
    return made


def _write_match(events: list[dict], match_object: dict, match: SynthMatch) -> None:
    write_telemetry(events, match.telemetry_path)
    write_bytes_atomically(match.match_path, orjson.dumps(match_object))


def _season_match(out_dir: Path, pool: list[SynthPlayer], seed: int, index: int,
                  scale: float) -> tuple[SynthMatch, list[dict], dict]:
    """Match ``index`` of the season: everything derives from ``Random(f"{seed}:{index}")``."""
    rng = random.Random(f"{seed}:{index}")
    match_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    match_type = pick_weighted(rng, MATCH_TYPE_WEIGHTS)
    game_mode = pick_weighted(rng, MODE_WEIGHTS_BY_TYPE[match_type])
    map_name = rng.choice(MAPS)
    created_at = SEASON_START + timedelta(minutes=MINUTES_BETWEEN_MATCHES * index, seconds=rng.randint(0, 25 * 60))
    start = created_at - timedelta(seconds=rng.randint(60, 90))
    roster = [(account.account_id, account.name_at(index)) for account in pool]
    simulated = simulate_match(match_id, rng, scale=scale, start=start, player_pool=roster, match_type=match_type,
                               game_mode=game_mode, map_name=map_name)
    telemetry_path = out_dir / "telemetry" / f"{match_id}.json.gz"
    match_path = out_dir / "matches" / f"{match_id}.json"
    match_object = generate_match_object(simulated, created_at=created_at)
    return SynthMatch(match_id, telemetry_path, match_path), simulated.events, match_object
