"""Invariant 5, the types: every mart has the same columns with the same types on PostgreSQL
and on DuckDB (a sum is not HUGEINT on one and integer on the other)."""

from __future__ import annotations

import pytest

MARTS = ["player_damage_stats", "player_weapon_stats", "player_fight_stats", "fights", "fight_teams", "fight_participants"]

# the two catalogs' names for the same types
SAME_TYPE = {
    "text": "string",
    "varchar": "string",
    "character varying": "string",
    "int4": "integer",
    "int": "integer",
    "int8": "bigint",
    "bool": "boolean",
    "timestamptz": "timestamp with time zone",
}


def column_types(target, mart: str) -> list[tuple[str, str]]:
    param = "%s" if target.kind == "postgres" else "?"
    rows = target.query(
        "select column_name, data_type, numeric_precision, numeric_scale from information_schema.columns"
        f" where table_schema = {param} and table_name = {param} order by ordinal_position",
        (target.schema, mart),
    )
    out = []
    for name, data_type, precision, scale in rows:
        kind = data_type.lower()
        if kind.startswith("decimal") or kind == "numeric":
            kind = f"numeric({precision}, {scale})"  # PostgreSQL's unconstrained numeric: (None, None)
        out.append((name, SAME_TYPE.get(kind, kind)))
    return out


@pytest.mark.slow
def test_marts_have_the_same_types_on_both_adapters(pg_target, duck_target, small_season) -> None:
    for target in (pg_target, duck_target):
        target.pewstats("load", "telemetry", "--detect-fights", *[str(m.telemetry_path) for m in small_season[:2]], check=True)
        target.pewstats("load", "matches", *[str(m.match_path) for m in small_season[:2]], check=True)
        target.dbt("build")
    for mart in MARTS:
        pg, duck = column_types(pg_target, mart), column_types(duck_target, mart)
        assert pg, mart
        assert pg == duck, (mart, [(a, b) for a, b in zip(pg, duck) if a != b])
        assert not [c for c, t in pg if t == "numeric(None, None)"], (mart, "declare a precision and scale")
