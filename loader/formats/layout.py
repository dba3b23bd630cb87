"""The compact storage of the combat event tables, and the views that give them back.

The raw tables of ``loader.formats.tables`` are what the loader lands and what dbt reads
(their columns, types and values). The three combat event tables hold almost every raw byte,
so they (and the characters of LogMatchStart) are stored compactly, each in ``<table>__rows``,
and the raw schema keeps a view under the table's own name that gives back exactly its
columns, types and values:

- ``match_id`` -> ``match_key``: a bigint derived from the match id (the first 8 bytes of its
  sha256, so the same match always gets the same key, with no sequence); the view takes the
  match id, ``load_id`` and ``loaded_at`` from the match's ``telemetry_matches`` row, which
  the same load writes (``telemetry_matches.match_key``, unique). The load columns are not
  stored per event;
- a character's name, team id and account id -> a small integer per event, the code of the
  combination in the match's dictionary ``telemetry_characters`` (numbered in order of first
  appearance in the file, replaced with the match's rows);
- a damage info's reason, type category and causer -> the code of the combination in
  ``damage_infos``, one dictionary shared by every match (a few hundred entries; codes are
  assigned under the loader's write lock and never change);
- a float -> ``float4`` when the value is a float32 (the game writes float32: every value in
  the real telemetry files is one), otherwise the exact double in a ``<col>__f8`` column
  left null in the usual case; the view widens back exactly;
- an exact decimal (damage, distances: ``numeric(18, 6)``) -> the integer count of
  millionths, so sums stay exact: an ``integer`` when it fits (a damage below 2,147.48),
  otherwise a ``bigint`` in ``<col>__i8``;
- an event's time ``_d`` -> the milliseconds after the match's first combat event
  (``telemetry_matches.first_combat_d``) in an ``integer``; a time with microseconds, or with
  no base, in ``_d__ts``;
- an integer -> half its width when the value fits (``ranking`` in a ``smallint``, an attack
  id in an ``integer``), otherwise the full width in ``<col>__i4`` / ``<col>__i8``.

Each value is in exactly one of its two columns; the other is null. The rows carry a null
bitmap anyway, so the wide columns cost nothing when null: the narrow ones save their bytes.

The codes live only in the raw layer: the views decode them, fight ids and every staged
value are what they were. ``python -m loader.formats.layout`` prints the views' SQL.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

from loader.formats import columns as col
from loader.formats import tables as schema

MATCH_KEY = "match_key"
CHARACTER_FIELDS = ("name", "teamid", "accountid")
DAMAGE_INFO_FIELDS = ("damagereason", "damagetypecategory", "damagecausername")
MAX_CHARACTERS = (1 << 15) - 1  # smallint codes
MICRO = 1_000_000

_F32 = struct.Struct("<f")


def match_key(match_id: str) -> int:
    """The stored key of a match: a signed bigint from the sha256 of its id (deterministic)."""
    return int.from_bytes(hashlib.sha256(match_id.encode("utf-8")).digest()[:8], "big", signed=True)


def is_float32(value: float) -> bool:
    """Whether a float4 holds this double exactly."""
    try:
        return _F32.unpack(_F32.pack(value))[0] == value
    except OverflowError:
        return False


@dataclass(frozen=True)
class Stored:
    """A stored column (``storage``: one of the storage types of ``loader.formats.columns``)."""

    name: str
    storage: str


@dataclass(frozen=True)
class StoredTable:
    """A table as it is stored: what the sinks create and COPY into."""

    name: str
    columns: tuple[Stored, ...]
    primary_key: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


CHARACTERS = StoredTable(
    "telemetry_characters",
    (
        Stored(MATCH_KEY, col.STORE_INT8),
        Stored("character_no", col.STORE_INT2),
        Stored("teamid", col.STORE_INT4),
        Stored("name", col.STORE_TEXT),
        Stored("accountid", col.STORE_TEXT),
    ),
    primary_key=(MATCH_KEY, "character_no"),
)
DAMAGE_INFOS = StoredTable(
    "damage_infos",
    (
        Stored("damage_info", col.STORE_INT4),
        Stored("damagereason", col.STORE_TEXT),
        Stored("damagetypecategory", col.STORE_TEXT),
        Stored("damagecausername", col.STORE_TEXT),
    ),
    primary_key=("damage_info",),
)

# -- the plan of one compact table ---------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """How logical columns become stored ones: ``kind`` is key, character, damage_info,
    float, decimal or plain; ``positions`` are the logical columns' positions in a row."""

    kind: str
    stored: tuple[Stored, ...]
    positions: tuple[int, ...]
    logical: tuple[col.Column, ...]
    prefix: str = ""


def _groups(table: schema.Table, fields: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """Column-name prefixes under which all of ``fields`` are columns of the table
    (``attacker__`` -> the positions of attacker__name, attacker__teamid, ...)."""
    names = [c.name for c in table.row_columns]
    out: dict[str, tuple[int, ...]] = {}
    for i, name in enumerate(names):
        if name.endswith(fields[0]):
            prefix = name[: -len(fields[0])]
            if prefix and not prefix.endswith("__"):
                continue
            wanted = [prefix + f for f in fields]
            if all(w in names for w in wanted):
                out[prefix] = tuple(names.index(w) for w in wanted)
    return out


@dataclass(frozen=True)
class CompactTable:
    """A combat event table stored compactly, and the view that gives back ``table``."""

    table: schema.Table
    slots: tuple[_Slot, ...]
    header: schema.Table  # the match's row of the same load: match id, load id and time

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def stored(self) -> StoredTable:
        cols = tuple(s for slot in self.slots for s in slot.stored)
        return StoredTable(f"{self.table.name}__rows", cols, indexes=((MATCH_KEY,),))


# integers stored in half their width when they fit (the wide column keeps the others)
NARROW = {
    col.INT: (col.STORE_INT2, col.STORE_INT4, "__i4"),
    col.BIGINT: (col.STORE_INT4, col.STORE_INT8, "__i8"),
}
EVENT_TIME = "_d"  # milliseconds after the match's first combat event (telemetry_matches.first_combat_d)
BASE_TIME = "first_combat_d"
KEEP_WIDE = {"event_index"}  # counts past 32,767 in every match
_RANGES = {col.STORE_INT2: (-(1 << 15), (1 << 15) - 1), col.STORE_INT4: (-(1 << 31), (1 << 31) - 1)}


def _plan(table: schema.Table) -> CompactTable:
    row = table.row_columns
    characters = _groups(table, CHARACTER_FIELDS)
    infos = _groups(table, DAMAGE_INFO_FIELDS)
    grouped = {p: ("character", pre) for pre, ps in characters.items() for p in ps}
    grouped.update({p: ("damage_info", pre) for pre, ps in infos.items() for p in ps})
    slots: list[_Slot] = []
    for i, c in enumerate(row):
        if i in grouped:
            kind, prefix = grouped[i]
            positions = (characters if kind == "character" else infos)[prefix]
            if i != positions[0]:
                continue  # the group's slot sits at its first field
            code = Stored(f"{prefix}{'character' if kind == 'character' else 'damage_info'}",
                          col.STORE_INT2 if kind == "character" else col.STORE_INT4)
            slots.append(_Slot(kind, (code,), positions, tuple(row[p] for p in positions), prefix))
        elif c.type == col.TS and c.name == EVENT_TIME:
            slots.append(_Slot("time", (Stored(c.name, col.STORE_INT4), Stored(f"{c.name}__ts", col.STORE_TIMESTAMPTZ)),
                               (i,), (c,)))
        elif c.name == "match_id":
            slots.append(_Slot("key", (Stored(MATCH_KEY, col.STORE_INT8),), (i,), (c,)))
        elif c.type == col.FLOAT:
            slots.append(_Slot("float", (Stored(c.name, col.STORE_FLOAT4), Stored(f"{c.name}__f8", col.STORE_FLOAT8)),
                               (i,), (c,)))
        elif c.type == col.DECIMAL:
            slots.append(_Slot("decimal", (Stored(c.name, col.STORE_INT4), Stored(f"{c.name}__i8", col.STORE_INT8)),
                               (i,), (c,)))
        elif c.type in NARROW and c.name not in KEEP_WIDE:
            narrow, wide, suffix = NARROW[c.type]
            slots.append(_Slot("narrow", (Stored(c.name, narrow), Stored(f"{c.name}{suffix}", wide)), (i,), (c,)))
        else:
            slots.append(_Slot("plain", (Stored(c.name, c.storage),), (i,), (c,)))  # type: ignore[arg-type]
    return CompactTable(table, tuple(slots), HEADERS[table.name])


# the combat events, the characters of LogMatchStart (their codes come first: the match's
# dictionary is numbered in LogMatchStart's order, then each new combination) and the
# participants of a match object; each with the match's row its load writes with it
HEADERS: dict[str, schema.Table] = {
    **{t.name: schema.TELEMETRY_MATCHES for t in (schema.MATCH_START_CHARACTERS, *schema.EVENT_TABLES)},
    schema.MATCH_PARTICIPANTS.name: schema.MATCHES,
}
COMPACT: dict[str, CompactTable] = {
    t.name: _plan(t)
    for t in (schema.MATCH_START_CHARACTERS, *schema.EVENT_TABLES, schema.MATCH_PARTICIPANTS)
}
# the match's rows carry its key: the views join on it
KEYED: dict[str, StoredTable] = {
    t.name: StoredTable(
        t.name,
        tuple(Stored(c.name, c.storage) for c in t.columns) + (Stored(MATCH_KEY, col.STORE_INT8),),  # type: ignore[arg-type]
        primary_key=t.primary_key,
        indexes=((MATCH_KEY,),),
    )
    for t in (schema.TELEMETRY_MATCHES, schema.MATCHES)
}
# the dictionaries: per match (replaced with the match's telemetry) and shared
PER_MATCH: dict[str, tuple[StoredTable, ...]] = {"telemetry": (CHARACTERS,)}
SHARED: tuple[StoredTable, ...] = (DAMAGE_INFOS,)
UNIQUE_INDEXES: dict[str, tuple[str, ...]] = {name: (MATCH_KEY,) for name in KEYED}

# -- encoding ------------------------------------------------------------------------------


def _ms_of_day(literal: str) -> int:
    """``'YYYY-MM-DD HH:MM:SS.ffffff+00'`` (the converter's literal) -> milliseconds since midnight."""
    return ((int(literal[11:13]) * 60 + int(literal[14:16])) * 60 + int(literal[17:19])) * 1000 + int(literal[20:23])


def _micro(text: str | None) -> int | None:
    """``'12.345600'`` (the converter's decimal literal, 6 places) -> 12345600."""
    if text is None:
        return None
    whole, _, frac = text.partition(".")
    if len(frac) != 6:
        raise ValueError(f"not a decimal literal with 6 places: {text!r}")
    return int(whole + frac)


class Encoder:
    """Encodes the rows of one load: the per-match character codes, and the shared damage
    info codes (``known``: the dictionary as stored; new entries get the next codes)."""

    def __init__(self, known: Iterable[tuple], bases: dict[str, str | None] | None = None) -> None:
        # match -> (its base time, the base's day as written, the base's milliseconds in that day)
        self.bases: dict[str, tuple[datetime, str, int]] = {
            m: (datetime.fromisoformat(b[:26]), b[:10], _ms_of_day(b)) for m, b in (bases or {}).items() if b
        }
        self.infos: dict[tuple, int] = {tuple(r[1:]): int(r[0]) for r in known}
        self.next_info = max(self.infos.values(), default=0) + 1
        self.new_infos: list[tuple] = []
        self.characters: dict[str, dict[tuple, int]] = {}
        self.new_characters: list[tuple] = []
        self._keys: dict[str, int] = {}

    def key(self, match_id: str) -> int:
        k = self._keys.get(match_id)
        if k is None:
            k = self._keys[match_id] = match_key(match_id)
        return k

    def character(self, match_id: str, values: tuple) -> int | None:
        if values == (None, None, None):
            return None
        codes = self.characters.setdefault(match_id, {})
        code = codes.get(values)
        if code is None:
            code = len(codes) + 1
            if code > MAX_CHARACTERS:
                raise ValueError(f"more than {MAX_CHARACTERS} distinct characters in match {match_id}")
            codes[values] = code
            name, teamid, accountid = values
            self.new_characters.append((self.key(match_id), code, teamid, name, accountid))
        return code

    def time(self, match_id: str, literal: str | None) -> tuple[int | None, str | None]:
        """An event time as (milliseconds after the match's base time, None), or (None, the
        literal) when it is not a whole millisecond within an integer's range of the base."""
        if literal is None:
            return None, None
        base = self.bases.get(match_id)
        if base is not None and literal.endswith("000+00") and len(literal) == 29:
            if literal[:10] == base[1]:  # the same day (the usual case): no date arithmetic
                ms = _ms_of_day(literal) - base[2]
            else:
                delta = datetime.fromisoformat(literal[:26]) - base[0]
                ms = (delta.days * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds) // 1000
            if -(1 << 31) <= ms < (1 << 31):
                return ms, None
        return None, literal

    def damage_info(self, values: tuple) -> int | None:
        if values == (None, None, None):
            return None
        code = self.infos.get(values)
        if code is None:
            code = self.infos[values] = self.next_info
            self.next_info += 1
            self.new_infos.append((code, *values))
        return code

    def encode(self, compact: CompactTable, rows: list[tuple]) -> list[tuple]:
        fn = _ENCODERS[compact.name]
        return [fn(r, self) for r in rows]


def _encoder_source(compact: CompactTable, split: bool = False) -> str:
    """The source of ``encode_<table>(row, encoder)`` -> the stored row (generated once);
    ``split``: -> (the stored row without its damage info codes, those codes), the
    columns in ``copy_columns`` order."""
    lines = [f"def encode_{compact.name}(r, enc):"]
    codes: list[str] = []
    key_pos = next(s.positions[0] for s in compact.slots if s.kind == "key")
    lines.append(f"    m = r[{key_pos}]")
    floats = [slot.positions[0] for slot in compact.slots if slot.kind == "float"]
    exact = "False"
    if floats:
        # every float of the row a float32 (the usual case), told by one pack of them all; a
        # null or a value past float32's range makes the pack fail: then each one is checked
        lines.append(f"    fl = ({''.join(f'r[{p}], ' for p in floats)})")
        lines.append("    try:")
        lines.append("        exact = _floats.unpack(_floats.pack(*fl)) == fl")
        lines.append("    except (_StructError, OverflowError):")
        lines.append("        exact = False")
        exact = "exact"
    out: list[str] = []
    for n, slot in enumerate(compact.slots):
        p = slot.positions
        if slot.kind == "key":
            out.append("enc.key(m)")
        elif slot.kind == "character":
            lines.append(f"    c{n} = enc.character(m, (r[{p[0]}], r[{p[1]}], r[{p[2]}]))")
            out.append(f"c{n}")
        elif slot.kind == "damage_info":
            lines.append(f"    c{n} = enc.damage_info((r[{p[0]}], r[{p[1]}], r[{p[2]}]))")
            (codes if split else out).append(f"c{n}")
        elif slot.kind == "float":
            lines.append(f"    v{n} = r[{p[0]}]")
            lines.append(f"    if {exact} or v{n} is None or _is_float32(v{n}):")
            lines.append(f"        f{n} = None")
            lines.append("    else:")
            lines.append(f"        f{n} = v{n}")
            lines.append(f"        v{n} = None")
            out += [f"v{n}", f"f{n}"]
        elif slot.kind == "time":
            lines.append(f"    v{n}, w{n} = enc.time(m, r[{p[0]}])")
            out += [f"v{n}", f"w{n}"]
        elif slot.kind in ("decimal", "narrow"):
            lo, hi = _RANGES[slot.stored[0].storage]
            lines.append(f"    v{n} = {'_micro(r[%d])' % p[0] if slot.kind == 'decimal' else 'r[%d]' % p[0]}")
            lines.append(f"    if v{n} is None or {lo} <= v{n} <= {hi}:")
            lines.append(f"        w{n} = None")
            lines.append("    else:")
            lines.append(f"        w{n} = v{n}")
            lines.append(f"        v{n} = None")
            out += [f"v{n}", f"w{n}"]
        else:
            out.append(f"r[{p[0]}]")
    if split:
        lines.append(f"    return ({', '.join(out)},), ({''.join(c + ', ' for c in codes)})")
    else:
        lines.append(f"    return ({', '.join(out)},)")
    return "\n".join(lines) + "\n"


def copy_columns(compact: CompactTable) -> tuple[list[str], list[str]]:
    """The stored columns of a compact table in the order of a split encoder's output: the
    columns without the damage info codes, and the codes' columns."""
    plain = [c.name for slot in compact.slots if slot.kind != "damage_info" for c in slot.stored]
    codes = [slot.stored[0].name for slot in compact.slots if slot.kind == "damage_info"]
    return plain, codes


def _compile(compact: CompactTable, split: bool = False) -> Callable[[tuple, Encoder], Any]:
    floats = sum(slot.kind == "float" for slot in compact.slots)
    namespace: dict[str, Any] = {"_is_float32": is_float32, "_micro": _micro, "_StructError": struct.error,
                                 "_floats": struct.Struct(f"<{floats}f")}
    source = _encoder_source(compact, split)
    exec(compile(source, f"<encoder {compact.name}>", "exec"), namespace)  # static source
    return namespace[f"encode_{compact.name}"]


_ENCODERS = {name: _compile(c) for name, c in COMPACT.items()}
# (stored row without its damage info codes, the codes): what the workers encode (loader.landing.copytext)
SPLIT_ENCODERS = {name: _compile(c, split=True) for name, c in COMPACT.items()}

# -- the views -----------------------------------------------------------------------------

_SQL_TYPES = {  # the logical column's SQL type where the view must cast (both dialects)
    col.FLOAT: "float8",
    col.DECIMAL: "numeric(18, 6)",
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def view_sql(compact: CompactTable) -> str:
    """The view giving back the table; ``{schema}`` stands for the quoted raw schema."""
    expr: dict[str, str] = {}  # logical column -> its expression
    joins: list[str] = []
    for slot in compact.slots:
        if slot.kind == "key":
            expr["match_id"] = f"m.{_q('match_id')}"
        elif slot.kind in ("character", "damage_info"):
            alias = f"{slot.prefix.rstrip('_') or 'info'}_{'c' if slot.kind == 'character' else 'd'}"
            code = slot.stored[0].name
            if slot.kind == "character":
                joins.append(
                    f"left join {{schema}}.{_q(CHARACTERS.name)} as {alias}"
                    f" on {alias}.{_q(MATCH_KEY)} = e.{_q(MATCH_KEY)} and {alias}.{_q('character_no')} = e.{_q(code)}"
                )
                fields = CHARACTER_FIELDS
            else:
                joins.append(
                    f"left join {{schema}}.{_q(DAMAGE_INFOS.name)} as {alias}"
                    f" on {alias}.{_q('damage_info')} = e.{_q(code)}"
                )
                fields = DAMAGE_INFO_FIELDS
            for field, logical in zip(fields, slot.logical):
                expr[logical.name] = f"{alias}.{_q(field)}"
        elif slot.kind == "float":
            c = slot.logical[0].name
            expr[c] = f"coalesce(e.{_q(c + '__f8')}, cast(e.{_q(c)} as float8))"
        elif slot.kind == "decimal":
            c = slot.logical[0].name
            expr[c] = f"cast(coalesce(e.{_q(slot.stored[1].name)}, e.{_q(c)}) * 0.000001 as numeric(18, 6))"
        elif slot.kind == "time":
            c = slot.logical[0].name
            expr[c] = (f"coalesce(e.{_q(slot.stored[1].name)},"
                       f" m.{_q(BASE_TIME)} + e.{_q(c)} * interval '1 millisecond')")
        elif slot.kind == "narrow":
            c = slot.logical[0].name
            expr[c] = f"coalesce(e.{_q(slot.stored[1].name)}, e.{_q(c)})"
        else:
            expr[slot.logical[0].name] = f"e.{_q(slot.logical[0].name)}"
    for c in compact.table.load_columns:
        expr[c.name] = f"m.{_q(c.name)}"
    items = [expr[name] if expr[name].endswith("." + _q(name)) else f"{expr[name]} as {_q(name)}"
             for name in compact.table.column_names]
    select = ",\n    ".join(items)
    return (
        f"select\n    {select}\nfrom {{schema}}.{_q(compact.stored.name)} as e\n"
        f"inner join {{schema}}.{_q(compact.header.name)} as m on m.{_q(MATCH_KEY)} = e.{_q(MATCH_KEY)}\n"
        + "\n".join(joins)
        + "\n"
    )


def stored_tables() -> list[StoredTable]:
    """Every table a sink creates, in creation order (views come after)."""
    out: list[StoredTable] = []
    for t in schema.ALL_TABLES:
        if t.name in COMPACT:
            out.append(COMPACT[t.name].stored)
        elif t.name in KEYED:
            out.append(KEYED[t.name])
        else:
            out.append(StoredTable(t.name, tuple(Stored(c.name, c.storage) for c in t.columns),  # type: ignore[arg-type]
                                   t.primary_key, t.indexes))
    out += [d for ds in PER_MATCH.values() for d in ds]
    out += list(SHARED)
    return out


def main() -> int:
    for compact in COMPACT.values():
        print(f"-- {compact.name}\n" + view_sql(compact).replace("{schema}", _q("raw")))
        print(_encoder_source(compact))
    return 0


if __name__ == "__main__":
    sys.exit(main())
