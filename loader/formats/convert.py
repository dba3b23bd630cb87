"""Type converters: a JSON value -> the value a landing column holds, or a FieldError.

Pure functions of ``(value, name)``: ``name`` is the field's path as the error message
shows it (``event 12 (LogPlayerTakeDamage).attacker.teamId``). Every file format uses them;
none of them knows about files or databases.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

import orjson

from loader.errors import BadInputError, one_line
from loader.formats.columns import MAX_MATCH_ID_LENGTH, MAX_NAME_LENGTH


class FieldError(BadInputError):
    """A field of an event has the wrong type; the message names the field."""


_TS_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)


@lru_cache(maxsize=4096)
def _is_real_date(day: str) -> bool:
    """Whether YYYY-MM-DD names a day that exists (a file holds one or two distinct days)."""
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def to_timestamp(value: Any, name: str) -> str | None:
    """ISO-8601 from the game -> a timestamp literal both databases parse (microseconds, UTC)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"{name} is {type(value).__name__}, expected an ISO-8601 timestamp string")
    m = _TS_RE.match(value)
    if m is None:
        raise FieldError(f"{name} is not an ISO-8601 timestamp: {value[:40]!r}")
    day, clock, frac, zone = m.groups()
    if not _is_real_date(day):
        raise FieldError(f"{name} is not a valid date: {value[:40]!r}")
    if clock[0:2] > "23" or clock[3:5] > "59" or clock[6:8] > "59":
        raise FieldError(f"{name} is not a valid time of day: {value[:40]!r}")
    if zone not in (None, "Z", "+00:00", "+0000", "+00", "-00:00"):
        raise FieldError(f"{name} is not in UTC: {value[:40]!r}")
    frac = (frac or "").ljust(6, "0")[:6]
    return f"{day} {clock}.{frac}+00"


def to_text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        if "\x00" in value:
            raise FieldError(f"{name} contains a NUL character (\\u0000), which PostgreSQL text cannot store")
        return value
    raise FieldError(f"{name} is {type(value).__name__}, expected a string")


def shown(value: str, limit: int = 40) -> str:
    """A value quoted for a message: its start only, on one line."""
    return one_line(repr(value[:limit]) + ("..." if len(value) > limit else ""))


def to_match_id(value: Any, name: str) -> str:
    """A match id: a non-empty string of at most MAX_MATCH_ID_LENGTH printable characters
    (every table is keyed and indexed on it; PUBG's are 36-character uuids)."""
    text = to_text(value, name)
    if not text:
        raise FieldError(f"{name} (the match id) is missing or empty")
    if len(text) > MAX_MATCH_ID_LENGTH:
        raise FieldError(f"{name} (the match id) is {len(text)} characters long, more than {MAX_MATCH_ID_LENGTH}")
    if not text.isprintable():
        raise FieldError(f"{name} (the match id) holds a control character: {shown(text)}")
    return text


def to_account_id(value: Any, name: str) -> str | None:
    """An account id (or a name) the loader supplies to a column: at most MAX_NAME_LENGTH characters."""
    text = to_text(value, name)
    if text is not None and len(text) > MAX_NAME_LENGTH:
        raise FieldError(f"{name} is {len(text)} characters long, more than {MAX_NAME_LENGTH}")
    return text


def to_int(value: Any, name: str, bits: int = 32) -> int | None:
    """An integer that fits the landing column (``integer`` unless bits=64)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(f"{name} is {type(value).__name__}, expected an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"{name} is {value!r}, expected an integer")
        value = int(value)
    limit = 1 << (bits - 1)
    if not -limit <= value < limit:
        raise FieldError(f"{name} is out of range for a {bits}-bit integer: {value}")
    return value


def to_bigint(value: Any, name: str) -> int | None:
    return to_int(value, name, 64)


def to_float(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(f"{name} is {type(value).__name__}, expected a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError(f"{name} is not a finite number")
    return float(value)


def to_decimal(value: Any, name: str) -> str | None:
    """A summed measure as an exact decimal literal with 6 places.

    The game writes float32 values (about 7 significant digits), so 6 decimal places
    lose nothing; landing them as exact decimals makes every later sum independent of
    the order the database adds rows in, which is what lets an incremental build equal
    a full refresh to the last digit on both adapters.
    """
    f = to_float(value, name)
    if f is None:
        return None
    if abs(f) >= 1e12:
        raise FieldError(f"{name} is out of range: {f!r}")
    return "%.6f" % f


def to_bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise FieldError(f"{name} is {type(value).__name__}, expected true or false")


def to_json(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise FieldError(f"{name} is {type(value).__name__}, expected a list")
    return orjson.dumps(value).decode()


def to_bool_or_text(value: Any, name: str) -> bool | None:
    """A boolean, also written as the strings "true" / "false" (PUBG's roster ``won``)."""
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return to_bool(value, name)


def check_bounds(value: Any, name: str, bounds: Any) -> None:
    """A converted value within a column's ``Bounds`` (``loader.formats.columns``), or a FieldError."""
    if isinstance(value, str):
        if bounds.max_length is not None and len(value) > bounds.max_length:
            raise FieldError(f"{name} is {len(value)} characters long, more than {bounds.max_length}")
        if bounds.min is None and bounds.max is None:
            return
        number = float(value)  # a decimal, landed as text
    else:
        number = value
    if bounds.min is not None and number < bounds.min:
        raise FieldError(f"{name} is {value}, less than the smallest allowed {bounds.min}")
    if bounds.max is not None and number > bounds.max:
        raise FieldError(f"{name} is {value}, more than the largest allowed {bounds.max}")
