"""``pewstats detect-fights``: detect the fights of telemetry files and write them as NDJSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from loader.detection.detector import detect_fights, fights_to_ndjson
from loader.errors import BadInputError, display_path, one_line
from loader.formats.telemetry import parse_telemetry


def detect_files(paths: list[Path], out: BinaryIO, log: Callable[[str], None]) -> int:
    """Write the fights of each file to ``out``; ``log`` gets one line per file. Returns the
    number of files that could not be read (each named with its reason)."""
    failed = 0
    for p in paths:
        try:
            batch = parse_telemetry(p, keep_combat_events=True)
        except (BadInputError, OSError) as exc:
            reason = (exc.strerror or str(exc)).lower() if isinstance(exc, OSError) else str(exc)
            log(f"error: {display_path(p)}: {one_line(reason)}")
            failed += 1
            continue
        fights = detect_fights(batch.match_id, batch.combat_events)
        out.write(fights_to_ndjson(fights))
        log(f"detected {display_path(p)} match={batch.match_id} fights={len(fights)}")
    return failed
