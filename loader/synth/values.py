"""Small helpers for values as the game writes them, and fast random draws for the hot loops."""

from __future__ import annotations

import random
import struct
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TypeVar

T = TypeVar("T")

_FLOAT32 = struct.Struct("<f")


def float32(value: float) -> float:
    """The double a float32 value widens to, as the game writes them (41.6 -> 41.60000228881836)."""
    return _FLOAT32.unpack(_FLOAT32.pack(value))[0]


def map_coordinate(value: float) -> float:
    """A map coordinate: float32 steps are 1/16 cm below 2^20 cm; we use 1/8 (fewer digits)."""
    return round(value * 8.0) / 8.0


def fast_randint(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)`` for the hot loops (``randint`` is several times slower)."""
    return low + int(rng.random() * (high - low + 1))


def fast_choice(rng: random.Random, seq: Sequence[T]) -> T:
    """``rng.choice(seq)`` for the hot loops."""
    return seq[int(rng.random() * len(seq))]


def second_prefix(second: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS.`` of a Unix second (UTC): the part of ``_D`` before the milliseconds."""
    return datetime.fromtimestamp(second, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")


def iso_seconds(t: datetime) -> str:
    """An API timestamp: ``YYYY-MM-DDTHH:MM:SSZ``."""
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
