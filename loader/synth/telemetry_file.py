"""Telemetry files as PUBG's CDN serves them (one-line JSON, gzip) and as they are met in the wild
(pretty-printed, gzip of gzip)."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write through a ``.tmp`` sibling and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_telemetry(events: list[dict], path: Path, *, double_gzip: bool = False, pretty: bool = False) -> None:
    """Write a telemetry file: one-line JSON (the CDN's form) or 2-space indented (``pretty``);
    gzip when the name ends in ``.gz`` or ``double_gzip`` (gzip of gzip, as seen in production).
    Gzip headers carry mtime 0 and no file name, so equal events give equal bytes."""
    path = Path(path)
    data = orjson.dumps(events, option=orjson.OPT_INDENT_2 if pretty else 0)
    if double_gzip:
        data = gzip.compress(gzip.compress(data, compresslevel=6, mtime=0), compresslevel=6, mtime=0)
    elif path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=6, mtime=0)
    write_bytes_atomically(path, data)
