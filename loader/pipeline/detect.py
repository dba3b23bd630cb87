"""``pewstats detect-fights``: detect the fights of telemetry files and write them as NDJSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from loader.detection.detector import detect_fights, fights_to_ndjson
from loader.errors import BadInputError
from loader.formats.telemetry import parse_telemetry


def detect_files(paths: list[Path], out: BinaryIO, log: Callable[[str], None]) -> int:
    """Write the fights of each file to ``out``; ``log`` gets one line per file. Returns the
    number of files that could not be read (each named with its reason)."""
    failed = 0
    for p in paths:
        try:
            batch = parse_telemetry(p, keep_combat_events=True)
        except BadInputError as exc:
            log(f"error: {p}: {exc}")
            failed += 1
            continue
        fights = detect_fights(batch.match_id, batch.combat_events)
        out.write(fights_to_ndjson(fights))
        log(f"detected {p} match={batch.match_id} fights={len(fights)}")
    return failed
