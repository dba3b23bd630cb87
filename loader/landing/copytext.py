"""COPY-ready rows, built by the parsing worker so that PostgreSQL's writer only streams bytes.

A telemetry file's compact tables (``loader.formats.layout``) are encoded in the worker that
parsed it: match key, the match's character codes (its own dictionary, numbered exactly as
``layout.Encoder`` numbers them in the writer: the same tables in the same order), narrow
numbers, event times, and formatted as PostgreSQL ``COPY ... from stdin`` text by psycopg's
own row formatter (the one ``Copy.write_row`` uses, so every value is written as the writer
wrote it). What a worker cannot know is the shared damage info codes: they are assigned
under the write lock, in commit order. So each row's text leaves them out (they are the last
columns of the COPY), and the file carries its own small dictionary of the damage infos it
saw, in order of first appearance, and per row the index of its codes' combination; the
writer turns each entry into its code (``layout.Encoder.damage_info``: the same calls in the
same order as when it encoded the rows itself) and appends the codes to each line.

A raw newline is only ever a row's end in COPY text (a newline in a value is written
``\\n``), which is what lets the writer split the body into lines.
"""

from __future__ import annotations

import operator
from array import array
from dataclasses import dataclass, field
from typing import Callable

from psycopg._copy_base import format_row_text  # psycopg's C row formatter (psycopg[binary]); pinned < 4
from psycopg.adapt import Transformer

from loader.formats import layout

NULL = b"\\N"


@dataclass
class CopyText:
    """One compact table's rows as COPY text, but for their damage info codes."""

    table: str  # the stored table (``layout.CompactTable.stored.name``)
    columns: list[str]  # COPY column order: the columns of ``body``, then ``code_columns``
    code_columns: list[str]
    rows: int
    body: bytes  # every row's text without its damage info codes, each line ending in "\n"
    infos: list[tuple] = field(default_factory=list)  # the file's damage infos up to this table, first seen first
    combos: list[tuple[int, ...]] = field(default_factory=list)  # a row's codes, as 1 + index in infos (0: null)
    combo_of_row: array = field(default_factory=lambda: array("I"))  # per row: its index in combos

    def text(self, code_of: Callable[[tuple], int]) -> bytes:
        """The COPY text of every row, with ``code_of(info)`` as each damage info's code
        (called once per info, in ``infos`` order)."""
        if not self.code_columns:
            return self.body
        codes = [NULL] + [str(code_of(info)).encode() for info in self.infos]
        tails = [b"".join(b"\t" + codes[c] for c in combo) + b"\n" for combo in self.combos]
        lines = self.body.split(b"\n")
        lines.pop()  # after the last newline: nothing
        return b"".join(map(operator.add, lines, map(tails.__getitem__, self.combo_of_row)))


@dataclass
class EncodedTelemetry:
    """A telemetry file's compact tables as COPY text, and its new dictionary rows."""

    tables: dict[str, CopyText]  # logical table name -> its rows
    characters: list[tuple]  # rows of ``layout.CHARACTERS`` for the file's matches


class _Infos:
    """The damage info dictionary of one file: local codes 1, 2, ... in order of first
    appearance (``layout.Encoder.damage_info``'s interface)."""

    def __init__(self) -> None:
        self.codes: dict[tuple, int] = {}

    def __call__(self, values: tuple) -> int:
        if values == (None, None, None):
            return 0
        code = self.codes.get(values)
        if code is None:
            code = self.codes[values] = len(self.codes) + 1
        return code


def encode_telemetry(rows: dict[str, list[tuple]], bases: dict[str, str | None]) -> EncodedTelemetry:
    """Encode the compact tables among ``rows`` (logical table name -> rows, in the tables'
    order of ``loader.formats.tables``) as COPY text; ``bases``: each match's base time."""
    encoder = layout.Encoder((), bases)
    infos = _Infos()
    encoder.damage_info = infos  # type: ignore[method-assign]  # local codes; the writer maps them
    tx = Transformer()
    out: dict[str, CopyText] = {}
    for name, table_rows in rows.items():
        compact = layout.COMPACT.get(name)
        if compact is None or not table_rows:
            continue
        encode = layout.SPLIT_ENCODERS[name]
        plain_columns, code_columns = layout.copy_columns(compact)
        body = bytearray()
        combos: dict[tuple, int] = {}
        combo_of_row = array("I")
        for row in table_rows:
            plain, codes = encode(row, encoder)
            format_row_text(plain, tx, body)
            if code_columns:
                combo = combos.get(codes)
                if combo is None:
                    combo = combos[codes] = len(combos)
                combo_of_row.append(combo)
        # the infos of the file so far (the codes index them): the writer asks for their codes
        # table by table, so new infos get their codes in order of first appearance, as before
        out[name] = CopyText(
            compact.stored.name, plain_columns + code_columns, code_columns, len(table_rows), bytes(body),
            list(infos.codes), list(combos), combo_of_row,
        )
    return EncodedTelemetry(out, list(encoder.new_characters))
