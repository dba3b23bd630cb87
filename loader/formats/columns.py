"""The vocabulary of the raw column definition: types, columns, groups of columns, tables.

One ``Column`` says everything about one raw column:

- where its value comes from: a JSON ``path`` from the object a row is built from, or
  ``path=None`` for a value the loader supplies (the match id, a file's sha256, ...);
- its logical ``type``: what the converter checks and returns (``loader.formats.convert``);
- its ``storage`` type: how the sinks store it (today the default for the logical type;
  a compact layout may store a float as float4 or a text as a dictionary code while the
  staged column keeps its type);
- its staged ``staged`` name, ``transform`` (the unit: centimetres -> metres, ``-1`` ->
  null) and description, which the dbt sources and staging views are generated from;
- optional ``bounds`` the loader checks after conversion.

A ``Group`` is the columns of one kind of nested object (a ``Character``, a ``DamageInfo``),
defined once; a ``Table`` uses it under a JSON key and a column prefix (``GroupUse``).
``loader.formats.tables`` defines every raw table with this vocabulary,
``loader.formats.rows`` compiles the row builders from it, the sinks take their DDL from it
and ``loader.formats.staging`` writes the dbt files.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Union

# logical types: what a column means and what its converter returns
TEXT = "text"
INT = "int"  # 32-bit integer
BIGINT = "bigint"  # 64-bit integer
FLOAT = "float"
DECIMAL = "decimal"  # exact decimal(18, 6): summed measures (damage, distances)
BOOL = "bool"
TS = "timestamptz"
JSON = "json"  # a JSON list kept as text

LOGICAL_TYPES = (TEXT, INT, BIGINT, FLOAT, DECIMAL, BOOL, TS, JSON)

# storage types: how a sink stores a column (each sink maps them to its SQL types)
STORE_TEXT = "text"
STORE_INT4 = "int4"
STORE_INT8 = "int8"
STORE_INT2 = "int2"  # compact storage only (loader.formats.layout)
STORE_FLOAT4 = "float4"  # compact storage only
STORE_FLOAT8 = "float8"
STORE_DECIMAL_18_6 = "decimal(18,6)"
STORE_BOOL = "bool"
STORE_TIMESTAMPTZ = "timestamptz"
STORE_JSON_TEXT = "json text"

DEFAULT_STORAGE: dict[str, str] = {
    TEXT: STORE_TEXT,
    INT: STORE_INT4,
    BIGINT: STORE_INT8,
    FLOAT: STORE_FLOAT8,
    DECIMAL: STORE_DECIMAL_18_6,
    BOOL: STORE_BOOL,
    TS: STORE_TIMESTAMPTZ,
    JSON: STORE_JSON_TEXT,
}


@dataclass(frozen=True)
class Transform:
    """How a staging view turns the raw column into the staged one (its unit). A column with a
    unit transform describes its raw unit in ``raw_doc``."""

    sql: str = "{col}"  # SQL expression of the raw column ``{col}``

    def expression(self, column: str) -> str:
        return self.sql.format(col=column)


IDENTITY = Transform()
CENTIMETRES_TO_METRES = Transform("{col} / 100.0")
# distances: the game writes -1 where there is none (a zone death); exact, as the raw decimal
DISTANCE_CENTIMETRES_TO_METRES = Transform(
    "case\n        when {col} >= 0 then cast({col} * 0.01 as numeric(20, 8))\n    end"
)


@dataclass(frozen=True)
class Bounds:
    """Limits a converted value must respect (checked by the loader; None: no limit)."""

    min: float | None = None
    max: float | None = None
    max_length: int | None = None  # characters, for text


# -- the loader's limits (README "Reliability", "Limits"): what the marts can hold, chosen far
# above what the game writes, so that no real file is refused and no accepted file can make a
# later dbt build fail (a b-tree entry is at most 2,704 bytes; a sum is numeric(20, 6))

MAX_MATCH_ID_LENGTH = 128  # the last part of `match.bro.official.pc-2018-...<uuid>`: 36
MAX_NAME_LENGTH = 64  # PUBG names are at most 16-24 characters; account ids 40 (`account.<32 hex>`)
MAX_TEXT_LENGTH = 256  # any other text from a file (the longest id in PUBG's dictionaries: 59)
MAX_DAMAGE = 1e4  # per event or participant-match; a hit removes at most 100 health
MAX_MEASURE = 1e7  # any other measure: a distance in centimetres (maps are at most 8 km wide: 1.2e6)

NAME_BOUNDS = Bounds(max_length=MAX_NAME_LENGTH)
DAMAGE_BOUNDS = Bounds(min=-MAX_DAMAGE, max=MAX_DAMAGE)
TEXT_BOUNDS = Bounds(max_length=MAX_TEXT_LENGTH)
MEASURE_BOUNDS = Bounds(min=-MAX_MEASURE, max=MAX_MEASURE)

# bounds of a column that declares none: every text and every summed measure is bounded
DEFAULT_BOUNDS: dict[str, Bounds] = {TEXT: TEXT_BOUNDS, DECIMAL: MEASURE_BOUNDS}


@dataclass(frozen=True)
class Column:
    name: str  # raw column name
    type: str  # logical type
    path: tuple[str, ...] | None = None  # JSON path from the row's object; None: the loader supplies it
    staged: str | None = None  # staged name (default: the raw name)
    doc: str = ""  # description of the staged column (and of the raw one unless raw_doc)
    raw_doc: str | None = None  # description of the raw column where it differs
    transform: Transform = IDENTITY
    storage: str | None = None  # storage type (default: DEFAULT_STORAGE[type])
    bounds: Bounds | None = None
    converter: str | None = None  # a function of loader.formats.convert instead of the type's own
    missing_error: str | None = None  # null or absent is an error: "{where} <missing_error>"

    def __post_init__(self) -> None:
        if self.type not in LOGICAL_TYPES:
            raise ValueError(f"{self.name}: unknown logical type {self.type!r}")
        if not self.name.isidentifier() or keyword.iskeyword(self.name):
            raise ValueError(f"{self.name!r} is not a usable column name")
        if self.storage is None:
            object.__setattr__(self, "storage", DEFAULT_STORAGE[self.type])
        if self.bounds is None and self.path is not None:  # what the loader supplies it checks itself
            object.__setattr__(self, "bounds", DEFAULT_BOUNDS.get(self.type))

    @property
    def staged_name(self) -> str:
        return self.staged or self.name

    @property
    def raw_description(self) -> str:
        return self.doc if self.raw_doc is None else self.raw_doc

    @property
    def given(self) -> bool:
        """The loader supplies the value (no JSON path)."""
        return self.path is None


@dataclass(frozen=True)
class Group:
    """The columns of one kind of nested object, relative to that object."""

    kind: str  # "Character", "DamageInfo"
    fields: tuple[Column, ...]

    def field(self, name: str) -> Column:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.kind} has no field {name!r}")

    def use(
        self,
        key: str | None,
        prefix: str,
        staged_prefix: str,
        doc: str,
        *,
        count_missing: bool = False,
        given: bool = False,
        only: tuple[str, ...] | None = None,
    ) -> "GroupUse":
        fields = self.fields if only is None else tuple(self.field(n) for n in only)
        return GroupUse(self, key, prefix, staged_prefix, doc, count_missing, given, fields)


@dataclass(frozen=True)
class GroupUse:
    """A group placed in a table: the object under ``key`` (None: the row's object itself),
    its columns named ``<prefix>__<field>``, staged ``<staged_prefix>_<field>``, described
    ``<doc>: <field's description>`` (an empty prefix or doc leaves the field's own)."""

    group: Group
    key: str | None
    prefix: str
    staged_prefix: str
    doc: str  # who the object is: "attacker", "knock (dBNODamageInfo)"
    count_missing: bool = False  # count events where the object is absent or null
    given: bool = False  # the caller builds the group's values (with the group's own builder)
    fields: tuple[Column, ...] = ()

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        out = []
        for f in self.fields:
            out.append(
                replace(
                    f,
                    name=f"{self.prefix}__{f.name}" if self.prefix else f.name,
                    path=None if f.path is None else ((self.key,) if self.key else ()) + f.path,
                    staged=f"{self.staged_prefix}_{f.staged_name}" if self.staged_prefix else f.staged,
                    doc=f"{self.doc}: {f.doc}" if self.doc else f.doc,
                    raw_doc=f"{self.doc}: {f.raw_doc}" if self.doc and f.raw_doc is not None else f.raw_doc,
                )
            )
        return tuple(out)


Member = Union[Column, GroupUse]


@dataclass(frozen=True)
class Table:
    """A raw table: its columns in order (groups expanded), keys, indexes and dbt names."""

    name: str
    members: tuple[Member, ...]
    source: str  # dbt source it belongs to
    entity: str  # staged model: stg_<source>__<entity>
    doc: str
    # () for the three combat event tables: (match_id, event_index) is unique by construction
    # (a match is only ever written whole, delete + COPY in one transaction under the write
    # lock), and a unique index on it would cost about 69 bytes per damage event, 15% of the
    # table; the deduplicated b-tree on match_id serves deletes and dbt's reads for ~9 bytes
    primary_key: tuple[str, ...] = ()
    # columns indexed for the replace-by-match delete and dbt's per-match reads
    indexes: tuple[tuple[str, ...], ...] = (("match_id",),)
    head: tuple[Member, ...] = ()  # read before the members (an event's own columns)
    event_type: str | None = None  # telemetry event type ("_T") of the rows
    load_columns: tuple[Column, ...] = ()  # appended by the sink: the load's id and time

    @cached_property
    def row_columns(self) -> tuple[Column, ...]:
        """The columns a row builder fills, in order (all but the load columns)."""
        out: list[Column] = []
        for m in self.head + self.members:
            out.extend(m.columns if isinstance(m, GroupUse) else (m,))
        return tuple(out)

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        cols = self.row_columns + self.load_columns
        names = [c.name for c in cols]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"{self.name}: columns defined twice: {dupes}")
        return cols

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def row_width(self) -> int:
        return len(self.row_columns)

    def position(self, name: str) -> int:
        """Index of a column in the rows the builder makes."""
        for i, c in enumerate(self.row_columns):
            if c.name == name:
                return i
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def model(self) -> str:
        return f"stg_{self.source}__{self.entity}"


__all__ = [
    "BIGINT", "BOOL", "DECIMAL", "FLOAT", "INT", "JSON", "TEXT", "TS",
    "Bounds", "Column", "Group", "GroupUse", "Table", "Transform",
    "CENTIMETRES_TO_METRES", "DISTANCE_CENTIMETRES_TO_METRES", "IDENTITY",
    "DEFAULT_STORAGE", "DEFAULT_BOUNDS", "DAMAGE_BOUNDS", "MEASURE_BOUNDS", "NAME_BOUNDS", "TEXT_BOUNDS",
    "MAX_DAMAGE", "MAX_MATCH_ID_LENGTH", "MAX_MEASURE", "MAX_NAME_LENGTH", "MAX_TEXT_LENGTH",
]
