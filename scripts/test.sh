#!/usr/bin/env bash
# The test command (README): installs into .venv if needed, then
#   1. pytest (unit tests, loader and dbt tests on PostgreSQL and DuckDB, and on Spark when
#      Java is installed: tests/python/test_spark.py),
#   2. dbt build --warn-error on a synthetic fixture season, on PostgreSQL, with every data test,
#   3. sqlfluff lint of every model, macro and test.
# PostgreSQL comes from PG* variables (default 127.0.0.1:5432, user postgres, database pewstats_test).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/pewstats ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[dev,spark]'
fi
# with Java on the machine the Spark proof runs, and fails rather than skips without pyspark
if command -v java >/dev/null; then export PEWSTATS_REQUIRE_SPARK="${PEWSTATS_REQUIRE_SPARK:-1}"; fi
export PATH="$PWD/.venv/bin:$PATH"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export PEWSTATS_SHARED_DATA="${PEWSTATS_SHARED_DATA:-$(cd .. && pwd)/shared/data/pubg}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${PGDATABASE:-pewstats_test}"
if [ -z "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$PGDATABASE'" 2>/dev/null)" ]; then
  psql -d postgres -qc "create database \"$PGDATABASE\"" 2>/dev/null || true
fi

echo "== 1/3 pytest"
python -m pytest -q -p no:cacheprovider

echo "== 2/3 dbt build on a synthetic fixture season (PostgreSQL, --warn-error)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PEWSTATS_TARGET=postgres PEWSTATS_RAW_SCHEMA=raw_fixture PEWSTATS_SCHEMA=fixture
pewstats synth --matches 6 --seed 2026 --scale 0.2 --out "$work/season"
pewstats load telemetry --detect-fights "$work/season/telemetry"
pewstats load matches "$work/season/matches"
pewstats dbt seed --full-refresh
pewstats dbt build --warn-error --vars '{full_tests: true}'
pewstats dbt source freshness

echo "== 3/3 sqlfluff lint"
python -c "from loader.pipeline.dbt import profiles_dir; profiles_dir()"
sqlfluff lint models macros tests/generic tests/*.sql
echo "all checks passed"
