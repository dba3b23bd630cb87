"""The row builders compiled from the raw table definition (loader/formats/rows.py): their
inline checks accept and convert exactly what the converters do, with the converters' errors;
nested objects, groups, missing counts and bounds behave as documented."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loader.formats import convert, tables
from loader.formats.columns import (
    BIGINT, BOOL, DECIMAL, DEFAULT_BOUNDS, FLOAT, INT, JSON, LOGICAL_TYPES, TEXT, TS, Bounds, Column, Group, Table,
)
from loader.formats.rows import BUILDERS, compile_table

CONVERTERS = {
    TEXT: convert.to_text, INT: convert.to_int, BIGINT: convert.to_bigint, FLOAT: convert.to_float,
    DECIMAL: convert.to_decimal, BOOL: convert.to_bool, TS: convert.to_timestamp, JSON: convert.to_json,
}

edges = st.sampled_from(
    [0, -1, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), 2**70,
     0.0, -0.0, 1.5, 1e12, -1e12, 999999999999.9999, math.inf, -math.inf, math.nan, 1.7976931348623157e308,
     True, False, "", "a", "nul\x00", "2025-07-12T17:12:00.123Z", "2025-02-30T00:00:00Z", "true", [], [1, "a"], {}]
)
values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2**64), 2**64), st.floats(), st.text(max_size=8),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1), edges,
)


def one_column(typ: str, **options) -> Table:
    return Table("t", (Column("c", typ, ("o", "c"), **options),), "s", "t", "a test table")


def outcome(fn, *args):
    try:
        return "ok", fn(*args)
    except Exception as exc:  # FieldError, and orjson's TypeError for an integer past 64 bits
        return type(exc).__name__, str(exc)


def same(a, b) -> bool:
    if a[0] == b[0] == "ok" and isinstance(a[1], float) and math.isnan(a[1]):
        return isinstance(b[1], float) and math.isnan(b[1])
    return a == b and type(a[1]) is type(b[1])


BUILT = {typ: compile_table(one_column(typ, bounds=Bounds())) for typ in LOGICAL_TYPES}  # Bounds(): none
BOUNDED = (TEXT, DECIMAL)  # the types with default bounds (DEFAULT_BOUNDS)
BUILT_DEFAULT = {typ: compile_table(one_column(typ)) for typ in BOUNDED}


@pytest.mark.parametrize("typ", LOGICAL_TYPES)
@settings(max_examples=400, deadline=None)
@given(value=values)
def test_inline_checks_equal_the_converter(typ: str, value) -> None:
    expected = outcome(CONVERTERS[typ], value, "event 3 (X).o.c")
    got = outcome(lambda: BUILT[typ]({"o": {"c": value}}, "event 3 (X)")[0])
    assert same(got, expected), (value, got, expected)


def convert_then_bound(typ: str, value, name: str):
    converted = CONVERTERS[typ](value, name)
    if converted is not None:
        convert.check_bounds(converted, name, DEFAULT_BOUNDS[typ])
    return converted


@pytest.mark.parametrize("typ", BOUNDED)
@settings(max_examples=400, deadline=None)
@given(value=st.one_of(values, st.floats(-2e7, 2e7), st.sampled_from([1e7, -1e7, 1e7 + 1, "x" * 256, "x" * 257])))
def test_default_bounds_inline_equal_converter_then_bounds(typ: str, value) -> None:
    """Text and decimal columns are bounded unless they say otherwise; the inline fast path
    refuses exactly what the converter followed by check_bounds refuses, with its message."""
    expected = outcome(convert_then_bound, typ, value, "event 3 (X).o.c")
    got = outcome(lambda: BUILT_DEFAULT[typ]({"o": {"c": value}}, "event 3 (X)")[0])
    assert same(got, expected), (value, got, expected)


def test_nested_objects_groups_and_missing_counts() -> None:
    point = Group("Point", (Column("x", FLOAT, ("at", "x"), doc="x"), Column("label", TEXT, ("label",), doc="l")))
    table = Table(
        "p", (
            Column("n", INT, doc="given"),
            point.use("a", "a", "a", "first", count_missing=True),
            point.use("b", "b", "b", "second"),
            Column("deep", INT, ("r", "s", "k"), doc="deep"),
        ), "s", "p", "points",
    )
    build = compile_table(table)
    missing: Counter = Counter()
    assert build({"b": {"at": {"x": 2}}, "r": {"s": {"k": 7}}}, "w", missing, n=1) == (1, None, None, 2.0, None, 7)
    assert missing == {"p.a": 1}
    assert build({"a": None, "b": None, "r": None}, "w", missing, n=1) == (1, None, None, None, None, None)
    assert missing == {"p.a": 2}
    for obj, message in (
        ({"a": [1]}, "w.a is list, expected an object or null"),
        ({"a": {"at": 3}}, "w.a.at is int, expected an object or null"),
        ({"a": {"label": 3}}, "w.a.label is int, expected a string"),
        ({"r": {"s": "x"}}, "w.r.s is str, expected an object or null"),
        ({"b": {"at": {"x": "far"}}}, "w.b.at.x is str, expected a number"),
    ):
        with pytest.raises(convert.FieldError) as err:
            build(obj, "w", Counter(), n=1)
        assert str(err.value) == message
    with pytest.raises(TypeError):
        build({}, "w", Counter())  # a given value must be named


def test_bounds_are_checked_after_conversion() -> None:
    build = compile_table(one_column(DECIMAL, bounds=Bounds(min=0, max=100)))
    assert build({"o": {"c": 99.5}}, "e") == ("99.500000",)
    assert build({"o": {"c": None}}, "e") == (None,)
    with pytest.raises(convert.FieldError, match=r"^e\.o\.c is 100\.500000, more than the largest allowed 100$"):
        build({"o": {"c": 100.5}}, "e")
    with pytest.raises(convert.FieldError, match="less than the smallest allowed 0"):
        build({"o": {"c": -1}}, "e")
    names = compile_table(one_column(TEXT, bounds=Bounds(max_length=3)))
    assert names({"o": {"c": "abc"}}, "e") == ("abc",)
    with pytest.raises(convert.FieldError, match=r"^e\.o\.c is 4 characters long, more than 3$"):
        names({"o": {"c": "abcd"}}, "e")


def test_every_table_has_a_builder_of_its_width() -> None:
    roster = tuple(c.name for c in tables.ROSTER_OF_PARTICIPANT.columns)  # a group given whole
    for table in tables.ALL_TABLES:
        build = BUILDERS[table.name]
        given = {c.name: c.name for c in table.row_columns if c.given and c.name not in roster}
        if table is tables.MATCH_PARTICIPANTS:
            given["roster"] = roster
        obj = {"_D": "2025-07-12T17:12:00Z"} if table.event_type else {}
        row = build(obj, "", Counter(), **given)
        assert len(row) == table.row_width, table.name
        for column, value in zip(table.row_columns, row):
            if column.name == "_d":
                assert value == "2025-07-12 17:12:00.000000+00"
            else:
                passed = column.given or (table is tables.MATCH_PARTICIPANTS and column.name in roster)
                assert value == (column.name if passed else None), (table.name, column.name)


def test_the_missing_timestamp_is_named() -> None:
    with pytest.raises(convert.FieldError, match=r"^event 4 \(LogPlayerTakeDamage\) has no _D timestamp$"):
        BUILDERS["log_player_take_damage"]({}, "event 4 (LogPlayerTakeDamage)", Counter(), match_id="m", event_index=4)
