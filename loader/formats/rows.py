"""Row builders compiled from the raw table definition: a parsed JSON object -> a landing row.

For each table of ``loader.formats.tables`` this module generates, once at import time, the
Python source of a function that reads every column's JSON path, converts the value to its
logical type and returns the row as a tuple in the table's column order. The generated code
checks the common case inline (a ``str`` without NUL, an ``int`` in range, a finite
``float``, ...) and calls the converter of ``loader.formats.convert`` only otherwise, so a
value the converter would refuse gets exactly the converter's one-line error, naming the
field by its JSON path; field names are only built on that slow path. This is faster than
calling one converter per field (the loader is CPU-bound on flattening telemetry).

A builder is called as ``build(obj, where, missing, **given)``:

- ``obj``: the object the table's paths start from (an event, a participant's stats, ...);
- ``where``: how errors name it (``event 12 (LogPlayerTakeDamage)``; ``""``: bare paths);
- ``missing``: a Counter of absent or null objects of groups that count them
  (``log_player_take_damage.attacker``), or None for tables without such groups;
- ``given``: keyword arguments, one per column the loader supplies (no JSON path), and one
  per group given whole (named after the group's kind, lower-case: ``roster=``).

Order in which a builder reads (it decides which field an error names when an object holds
several bad values): the table's head (an event's own columns), then the objects of groups
that count missing ones, then every nested object on the paths of the table's own columns,
then the columns in order; a group reads its object when it begins, then the nested objects
of its own columns, then its columns. An object that is absent or null reads as empty (a
group's as all nulls); anything else that is not an object is an error.

``python -m loader.formats.rows TABLE`` prints the generated source of a table's builder.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from loader.formats import convert
from loader.formats.columns import BIGINT, BOOL, DECIMAL, FLOAT, INT, JSON, TEXT, TS, Column, GroupUse, Member, Table
from loader.formats.tables import ALL_TABLES, ROSTER_OF_PARTICIPANT

RowBuilder = Callable[..., tuple]

_RESERVED = {"obj", "where", "missing"}
_INT32 = (-(1 << 31), (1 << 31) - 1)
_INT64 = (-(1 << 63), (1 << 63) - 1)
_MAX_FLOAT = sys.float_info.max
_DECIMAL_LIMIT = 1e12  # to_decimal's limit: |value| < 1e12
_EXACT_INT = 1 << 53  # integers a float holds exactly (to_float: float(value))


def _name(where: str, path: str) -> str:
    return f"{where}.{path}" if where else path


def _object(value: Any, name: str) -> dict:
    """A nested object that is present must be an object (None is handled by the caller)."""
    if isinstance(value, dict):
        return value
    raise convert.FieldError(f"{name} is {type(value).__name__}, expected an object or null")


def _missing_error(where: str, message: str) -> convert.FieldError:
    return convert.FieldError(f"{where} {message}" if where else message)


# -- code generation ------------------------------------------------------------------------


class _Source:
    """The lines of one generated function, and the constants it refers to."""

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.objects: dict[tuple[str, ...], str] = {(): "obj"}  # resolved path -> variable
        self.values: dict[str, str] = {}  # column name -> expression of its value
        self.targets: dict[str, str] = {}  # column name -> variable its value must go to
        self._n = 0

    def var(self, prefix: str) -> str:
        self._n += 1
        return f"_{prefix}{self._n}"

    def const(self, value: Any) -> str:
        name = f"_K{len(self.constants)}"
        self.constants[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


def _path_text(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _resolve(src: _Source, path: tuple[str, ...], indent: int, *, empty: bool, count: str | None = None) -> str:
    """Emit the lookup of the object at ``path`` (its parent already resolved)."""
    if path in src.objects:
        return src.objects[path]
    parent = _resolve(src, path[:-1], indent, empty=True)
    var = src.var("O")
    src.emit(indent, f"{var} = {parent}.get({path[-1]!r})")
    src.emit(indent, f"if {var} is None:")
    if empty:
        src.emit(indent + 1, f"{var} = _EMPTY")
    elif count is not None:
        src.emit(indent + 1, f"missing[{count!r}] += 1")
    else:
        src.emit(indent + 1, "pass")
    src.emit(indent, f"elif type({var}) is not dict:")
    src.emit(indent + 1, f"{var} = _object({var}, _name(where, {_path_text(path)!r}))")
    src.objects[path] = var
    return var


def _value(src: _Source, column: Column, indent: int) -> None:
    """Emit the read and conversion of one column's value."""
    assert column.path is not None
    parent = _resolve(src, column.path[:-1], indent, empty=True)
    v = src.targets.pop(column.name, None) or src.var("V")
    name = f"_name(where, {_path_text(column.path)!r})"
    src.emit(indent, f"{v} = {parent}.get({column.path[-1]!r})")
    if column.missing_error:
        src.emit(indent, f"if {v} is None:")
        src.emit(indent + 1, f"raise _missing_error(where, {column.missing_error!r})")
        present = ""  # the value is not None below
    else:
        present = f"{v} is not None and "

    def when(condition: str, *body: str) -> None:
        src.emit(indent, f"if {present}{condition}:")
        for line in body:
            src.emit(indent + 1, line)

    def always(*body: str) -> None:  # converted whenever present
        if present:
            src.emit(indent, f"if {v} is not None:")
        for line in body:
            src.emit(indent + bool(present), line)

    if column.converter:
        src.emit(indent, f"{v} = _convert.{column.converter}({v}, {name})")
    elif column.type == TEXT:
        when(f"(type({v}) is not str or '\\x00' in {v})", f"{v} = _convert.to_text({v}, {name})")
    elif column.type in (INT, BIGINT):
        lo, hi = _INT32 if column.type == INT else _INT64
        fn = "to_int" if column.type == INT else "to_bigint"
        when(f"(type({v}) is not int or not {lo} <= {v} <= {hi})", f"{v} = _convert.{fn}({v}, {name})")
    elif column.type == FLOAT:  # finite: the comparisons are false for nan and +-inf
        when(
            f"(type({v}) is not float or not {-_MAX_FLOAT!r} <= {v} <= {_MAX_FLOAT!r})",
            f"if type({v}) is int and {-_EXACT_INT} <= {v} <= {_EXACT_INT}:",
            f"    {v} = float({v})",
            "else:",
            f"    {v} = _convert.to_float({v}, {name})",
        )
    elif column.type == DECIMAL and _bounded(column):  # the bounds are the fast path's range
        bounds = column.bounds
        assert bounds is not None and bounds.min is not None and bounds.max is not None
        always(
            f"if type({v}) is float and {bounds.min!r} <= {v} <= {bounds.max!r}:",
            f"    {v} = '%.6f' % {v}",
            "else:",
            f"    {v} = _convert.to_decimal({v}, {name})",
            f"    _convert.check_bounds({v}, {name}, {src.const(bounds)})",
        )
        src.values[column.name] = v
        return
    elif column.type == DECIMAL:
        always(
            f"if type({v}) is float and {-_DECIMAL_LIMIT!r} < {v} < {_DECIMAL_LIMIT!r}:",
            f"    {v} = '%.6f' % {v}",
            "else:",
            f"    {v} = _convert.to_decimal({v}, {name})",
        )
    elif column.type == BOOL:
        when(f"{v} is not True and {v} is not False", f"{v} = _convert.to_bool({v}, {name})")
    elif column.type == TS:
        always(f"{v} = _convert.to_timestamp({v}, {name})")
    elif column.type == JSON:
        always(f"{v} = _convert.to_json({v}, {name})")
    else:  # pragma: no cover - Column checks its type
        raise ValueError(column.type)
    bounds = column.bounds
    if bounds is not None and column.type == TEXT and bounds.min is None and bounds.max is None:
        if bounds.max_length is not None:  # the length first: the field's name only on the slow path
            when(f"len({v}) > {bounds.max_length}", f"_convert.check_bounds({v}, {name}, {src.const(bounds)})")
    elif bounds is not None:
        always(f"_convert.check_bounds({v}, {name}, {src.const(bounds)})")
    src.values[column.name] = v


def _bounded(column: Column) -> bool:
    """A decimal whose bounds lie inside to_decimal's range: checked on the fast path."""
    b = column.bounds
    return (
        b is not None and b.min is not None and b.max is not None and b.max_length is None
        and -_DECIMAL_LIMIT < b.min <= b.max < _DECIMAL_LIMIT
    )


def _nested_objects(columns: tuple[Column, ...], base: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Paths of the nested objects the columns read, below ``base``, in definition order."""
    out: list[tuple[str, ...]] = []
    for c in columns:
        if c.path is None:
            continue
        for end in range(len(base) + 1, len(c.path)):
            p = c.path[:end]
            if p not in out:
                out.append(p)
    return out


def _scope(src: _Source, members: tuple[Member, ...], base: tuple[str, ...], indent: int) -> None:
    """Emit a scope: the nested objects of its own columns, then its members in order."""
    own = tuple(m for m in members if isinstance(m, Column))
    for path in _nested_objects(own, base):
        _resolve(src, path, indent, empty=True)
    for m in members:
        if isinstance(m, Column):
            if m.given:
                src.values[m.name] = m.name
            else:
                _value(src, m, indent)
        elif m.given:
            param = m.group.kind.lower()
            for i, c in enumerate(m.columns):
                src.values[c.name] = f"{param}[{i}]"
        else:
            _group(src, m, base, indent)


def _group(src: _Source, use: GroupUse, base: tuple[str, ...], indent: int) -> None:
    if use.key is None:
        _scope(src, use.columns, base, indent)
        return
    path = base + (use.key,)
    var = _resolve(src, path, indent, empty=False)
    targets = [src.var("V") for _ in use.columns]
    src.emit(indent, f"if {var} is None:")
    src.emit(indent + 1, " = ".join(targets) + " = None")
    src.emit(indent, "else:")
    before = dict(src.objects)
    src.targets.update((c.name, t) for c, t in zip(use.columns, targets))
    _scope(src, use.columns, path, indent + 1)
    for c, t in zip(use.columns, targets):
        if src.values[c.name] != t:  # a given value inside the group
            src.emit(indent + 1, f"{t} = {src.values[c.name]}")
            src.values[c.name] = t
    src.objects = before  # objects read inside the group are not visible after it


def _params(members: tuple[Member, ...]) -> list[str]:
    """The keyword arguments of a builder: its given columns and groups, in column order."""
    params: list[str] = []
    for m in members:
        if isinstance(m, GroupUse):
            if m.given:
                params.append(m.group.kind.lower())
            else:
                params.extend(_params(m.columns))
        elif m.given:
            params.append(m.name)
    return params


def generate(name: str, head: tuple[Member, ...], members: tuple[Member, ...], row: tuple[Column, ...]) -> _Source:
    """The source of the builder of ``row`` from ``head`` and ``members``."""
    src = _Source(name)
    params = _params(head + members)
    if _RESERVED.intersection(params) or len(set(params)) != len(params) or any(p.startswith("_") for p in params):
        raise ValueError(f"{name}: given values named like a builder argument, with a leading _, or twice: {params}")
    signature = "obj=None, where='', missing=None" + "".join(f", {p}" if i else f", *, {p}" for i, p in enumerate(params))
    src.emit(0, f"def build_{name}({signature}):")
    _scope(src, head, (), 1)
    for m in members:  # objects of groups that count missing ones, before anything else
        if isinstance(m, GroupUse) and m.count_missing and not m.given:
            _resolve(src, (m.key,), 1, empty=False, count=f"{name}.{m.key}")
    _scope(src, members, (), 1)
    values = ", ".join(src.values[c.name] for c in row)
    src.emit(1, f"return ({values}{',' if len(row) == 1 else ''})")
    return src


def _compile(src: _Source) -> RowBuilder:
    namespace: dict[str, Any] = {
        "_EMPTY": {},
        "_convert": convert,
        "_name": _name,
        "_object": _object,
        "_missing_error": _missing_error,
        **src.constants,
    }
    code = compile("\n".join(src.lines) + "\n", f"<row builder {src.table_name}>", "exec")
    exec(code, namespace)  # the source is made from the static table definition, never from data
    fn = namespace[f"build_{src.table_name}"]
    fn.source = "\n".join(src.lines) + "\n"
    return fn


def table_source(table: Table) -> _Source:
    return generate(table.name, table.head, table.members, table.row_columns)


def compile_table(table: Table) -> RowBuilder:
    return _compile(table_source(table))


def compile_group(use: GroupUse, name: str) -> RowBuilder:
    """The builder of a group given whole to a table (its values as a tuple)."""
    inline = GroupUse(use.group, None, use.prefix, use.staged_prefix, use.doc, fields=use.fields)
    return _compile(generate(name, (), (inline,), inline.columns))


BUILDERS: dict[str, RowBuilder] = {t.name: compile_table(t) for t in ALL_TABLES}
build_roster: RowBuilder = compile_group(ROSTER_OF_PARTICIPANT, "roster")


def main(argv: list[str]) -> int:
    names = {t.name: t for t in ALL_TABLES}
    if len(argv) != 1 or argv[0] not in names:
        print(f"usage: python -m loader.formats.rows TABLE   (one of: {', '.join(names)})", file=sys.stderr)
        return 2
    print(BUILDERS[argv[0]].source, end="")  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
