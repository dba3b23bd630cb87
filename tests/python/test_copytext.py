"""The workers' COPY text (loader/landing/copytext.py) is exactly what the writer wrote when it
encoded the rows itself: the same bytes for every compact table, the same character
dictionary, and the shared damage info codes asked for in the same order."""

from __future__ import annotations

import random
from pathlib import Path

from psycopg._copy_base import format_row_text
from psycopg.adapt import Transformer

from loader.formats import layout
from loader.formats import tables as schema
from loader.landing.copytext import encode_telemetry
from loader.formats.telemetry import parse_telemetry
from loader.synth import generate_match_events, write_telemetry
from test_layout import MATCH_ID, _odd_values

AWKWARD = ["tab\there", "new\nline", "back\\slash", "cr\rx", "ünï\u00e7ode ✓", "\\N", ""]


def _events() -> list[dict]:
    events = _odd_values(generate_match_events(MATCH_ID, random.Random(11), scale=0.05))
    rng = random.Random(2)
    damage = [e for e in events if e["_T"] == "LogPlayerTakeDamage" and e.get("attacker")]
    for e, name in zip(rng.sample(damage, len(AWKWARD)), AWKWARD):
        e["attacker"]["name"] = name  # a new character of the match, with bytes COPY text escapes
        e["damageCauserName"] = name  # a new damage info
    kills = [e for e in events if e["_T"] == "LogPlayerKillV2"]
    kills[0]["assists_AccountId"] = AWKWARD  # a text column of the COPY text itself (JSON: backslashes)
    start = next(e for e in events if e["_T"] == "LogMatchStart")
    start["characters"][0]["character"]["type"] = "tab\tback\\slash\nline"
    return events


def _writer_text(rows: dict[str, list[tuple]], known: list[tuple]) -> tuple[dict[str, bytes], list[tuple], list[tuple]]:
    """What the writer wrote before: ``Encoder.encode`` in its process, ``Copy.write_row``."""
    header = schema.TELEMETRY_MATCHES
    bases = {r[header.position("match_id")]: r[header.position(layout.BASE_TIME)] for r in rows[header.name]}
    encoder = layout.Encoder(known, bases)
    tx = Transformer()
    out = {}
    for table in schema.TELEMETRY_TABLES:
        compact = layout.COMPACT.get(table.name)
        if compact is None or not rows[table.name]:
            continue
        names = compact.stored.column_names
        plain, codes = layout.copy_columns(compact)
        order = [names.index(c) for c in plain + codes]
        buf = bytearray()
        for stored in encoder.encode(compact, rows[table.name]):
            format_row_text(tuple(stored[i] for i in order), tx, buf)
        out[table.name] = bytes(buf)
    return out, encoder.new_characters, encoder.new_infos


def test_the_workers_copy_text_is_what_the_writer_wrote(tmp_path: Path) -> None:
    path = tmp_path / "awkward.json.gz"
    write_telemetry(_events(), path)
    rows = parse_telemetry(path).rows
    # a dictionary that knows some infos already (codes of earlier loads), not all
    _, _, infos = _writer_text(rows, [])
    known = [(code * 3, *values) for code, *values in infos[::2]]
    expected, characters, new_infos = _writer_text(rows, known)
    header = schema.TELEMETRY_MATCHES
    bases = {r[header.position("match_id")]: r[header.position(layout.BASE_TIME)] for r in rows[header.name]}
    encoded = encode_telemetry(rows, bases)
    assert set(encoded.tables) == set(expected) == {t.name for t in schema.EVENT_TABLES} | {"log_match_start_characters"}
    writer = layout.Encoder(known)  # the writer's own, as Sink.write makes it under the lock
    for table in schema.TELEMETRY_TABLES:  # in the order Sink.write copies them
        if table.name not in encoded.tables:
            continue
        copy = encoded.tables[table.name]
        assert copy.table == layout.COMPACT[table.name].stored.name
        assert copy.rows == len(rows[table.name])
        assert sorted(copy.columns) == sorted(layout.COMPACT[table.name].stored.column_names)
        assert copy.text(writer.damage_info) == expected[table.name], table.name
    assert encoded.characters == characters
    assert writer.new_infos == new_infos  # new codes in the same order, after the known ones
    # the awkward text went through COPY text's escapes (a tab, a backslash, a newline)
    assert b"\ttab\\tback\\\\slash\\nline\n" in expected["log_match_start_characters"]
    assert b'\\\\N' in expected["log_player_kill_v2"]  # the JSON text of the string \\N, escaped
    assert any(r[3] == "new\nline" for r in characters)


def test_a_match_the_compact_layout_cannot_hold_is_one_line_of_bad_input(tmp_path: Path, monkeypatch) -> None:
    """More characters in a match than a smallint code holds: the worker refuses the file
    with one line (a Failure, nothing written), it does not stop the load."""
    from loader.pipeline.load import parse_file

    path = tmp_path / "crowded.json.gz"
    write_telemetry(_events(), path)
    monkeypatch.setattr(layout, "MAX_CHARACTERS", 5)  # the match has more than 5 characters
    result = parse_file("telemetry", str(path), copy_text=True)
    assert result.error is not None and "more than 5 distinct characters" in result.error
    assert "\n" not in result.error and result.sha256 is not None


def test_non_ascii_text_lands_as_written_whatever_the_client_encoding(pg_target, tmp_path: Path, monkeypatch) -> None:
    """The workers' COPY text is UTF-8: the sink's connection says so, even when the
    environment asks libpq for another client encoding (PGCLIENTENCODING)."""
    events = _events()
    start = next(e for e in events if e["_T"] == "LogMatchStart")
    start["characters"][1]["character"]["type"] = "Zoë"  # a LATIN1 character: no error, only a wrong byte
    path = tmp_path / "latin.json.gz"
    write_telemetry(events, path)
    monkeypatch.setenv("PGCLIENTENCODING", "LATIN1")
    pg_target.pewstats("load", "telemetry", str(path), check=True)
    types = pg_target.query(f'select character__type from "{pg_target.raw_schema}".log_match_start_characters')
    assert ("Zoë",) in types
    assert ("tab\tback\\slash\nline",) in types
