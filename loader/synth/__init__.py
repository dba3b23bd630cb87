"""Deterministic synthetic PUBG seasons: telemetry files and PUBG API match objects.

Used by ``pewstats synth``, ``pewstats demo``, the tests and the benchmarks; nothing on the
loading path imports it. The output copies the real formats (``shared/data/pubg``): the complete
2025 telemetry file of ``JS1936-PubgAPI-Java`` (key spelling, nesting, key order, keys that are
*left out* rather than set to null) and the API match objects (``data`` + ``included`` rosters,
participants, asset). As in the real file, ``LogMatchDefinition`` comes first, has no ``common``
and a 7-digit fraction in ``_D``; ``isGame`` is written as the game does (0, 0.10000000149011612,
0.5, 1, 1.5, 2, ...); only ``LogPlayerLogout`` events follow ``LogMatchEnd``. Events are sorted by ``_D``.

What a match looks like (``scale=1.0``): 64-100 characters in teams of the game mode's size,
about 58,000 events, 30-35 MB of single-line JSON, of which 2,700 ``LogPlayerTakeDamage``,
60-90 ``LogPlayerMakeGroggy`` in squads (fewer in duos, none in solo) and 60-98
``LogPlayerKillV2``. Combat comes in team fights: two or three teams within a few hundred
metres, 10-120 s of damage, then knocks, finishes, bleed-outs, revives and team wipes; landing
fights in phase 0.5, third parties, skirmishes without casualties, one-sided long-range pokes.
Around the fights: blue-zone damage and deaths (no ``attacker`` / ``killer`` / ``finisher``
key), falls and own grenades (self damage, suicides), rare team damage and team kills, AI bots
(``ai.<n>``) in some matches, NPCs (``accountId`` "", team 200+) in some matches, lobby punches
at isGame 0. ``scale`` multiplies the characters (floor 16), fights and every kind of event.
Each hit is fired from the distance its weapon is used at (``calibration.HIT_RANGES``: pans and
fists within 2 m, shotguns around 5 m, SMGs 11 m, assault rifles 24 m, sniper rifles 80 m, nothing
beyond 640 m); headshot share, damage per player and who gets the kills follow the real files too
(``calibration.py`` says where each number comes from, ``tests/python/test_synth.py`` checks them).

PUBG's own numbers in the files (``victimGameResult.stats.killCount``, the winners' results in
``LogMatchEnd``, the participants' stats of the match object) are what the simulation recorded
while it played the match (``ledger.py``), not a re-reading of the events.

Determinism: everything derives from the ``random.Random`` passed in (``generate_season`` uses
``Random(f"{seed}:{index}")`` per match and ``Random(f"{seed}:pool")`` for the player pool); no set
or hash order is ever used; gzip is written with mtime 0 and no file name.

The modules, by job:

- the simulation: ``names`` and ``roster`` (who plays), ``clock`` and ``world`` (when and where),
  ``plan`` (the schedule), ``fights``, ``episodes`` and ``exchanges`` (the combat, written through
  ``combat``), ``activity`` (everything else), ``results`` (rankings, file order), ``ledger``
  (what happened), ``match`` (one match from start to end), ``season`` (many);
- the writers: ``telemetry_objects`` and ``telemetry_file`` (telemetry JSON, gzip variants),
  ``match_object`` (the PUBG API match object);
- mutations for tests: ``mutate``;
- the tables: ``catalog`` (what the game has) and ``calibration`` (how it is played).
"""

from __future__ import annotations

from loader.synth.catalog import NPC_NAMES
from loader.synth.match import SimulatedMatch, generate_match_events, simulate_match
from loader.synth.match_object import generate_match_object
from loader.synth.mutate import MutatedEvents, mutate_match
from loader.synth.names import SynthPlayer, make_player_pool
from loader.synth.season import SynthMatch, generate_season
from loader.synth.telemetry_file import write_telemetry

__all__ = [
    "NPC_NAMES",
    "MutatedEvents",
    "SimulatedMatch",
    "SynthMatch",
    "SynthPlayer",
    "generate_match_events",
    "generate_match_object",
    "generate_season",
    "make_player_pool",
    "mutate_match",
    "simulate_match",
    "write_telemetry",
]
