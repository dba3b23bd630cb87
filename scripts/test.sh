#!/usr/bin/env bash
# The test command (README): installs into .venv if needed, then
#   1. pytest (unit tests, loader and dbt tests on PostgreSQL and DuckDB, the Parquet lake sink,
#      and the dbt project on Spark, tests/python/test_spark.py, in a second pytest beside the rest),
#   2. dbt build --warn-error on a synthetic fixture season, on PostgreSQL, with every data test,
#   3. sqlfluff lint of the models and singular tests (dbt templater) and of the generic tests'
#      bodies (scripts/lint_generic_tests.py; sqlfluff skips macro and test blocks on its own).
# PostgreSQL comes from PG* variables (default 127.0.0.1:5432, user postgres). The tests work in
# a new, uniquely named database, dropped at exit (PEWSTATS_TEST_DATABASE names one to use
# instead: created if missing, kept). No psql needed: scripts/pg_database.py uses psycopg.
set -euo pipefail
cd "$(dirname "$0")/.."

# a venv made by the README's first command has the dev extra only: the spark extra is added
# (the Spark proof needs it); a checkout older than the reader's compiled scanner, or a venv without
# pytest-xdist (the test command runs pytest on every core), is reinstalled
# (the install compiles loader/formats/_scan.c)
if [ ! -x .venv/bin/pewstats ] \
  || ! .venv/bin/python -c "import pyspark, pyhive, dbt.adapters.spark, loader.formats._scan, xdist" 2>/dev/null; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[dev,spark]'
fi
# The Spark proof (tests/python/test_spark.py: the dbt project on Spark equals itself on a full
# refresh and the PostgreSQL marts) needs Java; with Java it fails rather than skips without
# pyspark. PEWSTATS_SPARK_PROOF=0 leaves it out (a quick local loop).
proof=tests/python/test_spark.py::test_spark_incremental_builds_equal_a_full_refresh_and_the_postgres_marts
if [ "${PEWSTATS_SPARK_PROOF:-1}" != 0 ] && command -v java >/dev/null; then
  export PEWSTATS_REQUIRE_SPARK="${PEWSTATS_REQUIRE_SPARK:-1}"
fi
export PATH="$PWD/.venv/bin:$PATH"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export PEWSTATS_SHARED_DATA="${PEWSTATS_SHARED_DATA:-$(cd .. && pwd)/shared/data/pubg}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"

work="$(mktemp -d)"
cleanup() {
  status=$?
  if [ -n "${proof_pid:-}" ] && kill -0 "$proof_pid" 2>/dev/null; then
    kill -- "-$proof_pid" 2>/dev/null || true  # its process group: pytest, dbt and the JVM
    wait "$proof_pid" 2>/dev/null || true
  fi
  if [ -n "${own_database:-}" ]; then
    python scripts/pg_database.py drop "$own_database" || status=3
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
if [ -n "${PEWSTATS_TEST_DATABASE:-}" ]; then
  database="$PEWSTATS_TEST_DATABASE"
  python scripts/pg_database.py create "$database"
  echo "== test database $database (kept)"
else
  database="pewstats_test_$(date +%s)_$$"
  python scripts/pg_database.py create "$database"
  own_database="$database"
  echo "== test database $database (dropped at exit)"
fi
export PGDATABASE="$database" PEWSTATS_TEST_DATABASE="$database"

echo "== 1/3 pytest (the Spark proof in a pytest of its own beside the rest: it waits on one JVM)"
setsid python -m pytest -q -p no:cacheprovider --durations=1 "$proof" > "$work/spark-proof.log" 2>&1 &
proof_pid=$!
# the rest on every core (pytest-xdist), a test file to a worker: a file's module fixtures are
# built once, and every test already has its own schemas, DuckDB file and dbt target path
# (PEWSTATS_TEST_WORKERS=1: one process); --durations: the slowest tests, to keep the loop fast
python -m pytest -q -p no:cacheprovider --durations=15 --deselect "$proof" \
  -n "${PEWSTATS_TEST_WORKERS:-$(nproc)}" --dist loadfile
echo "== 1/3 pytest: the Spark proof"
proof_status=0
wait "$proof_pid" || proof_status=$?
proof_pid=
cat "$work/spark-proof.log"
[ "$proof_status" = 0 ] || exit "$proof_status"

echo "== 2/3 dbt build on a synthetic fixture season (PostgreSQL, --warn-error)"
export PEWSTATS_TARGET=postgres PEWSTATS_RAW_SCHEMA=raw_fixture PEWSTATS_SCHEMA=fixture
pewstats synth --matches 6 --seed 2026 --scale 0.2 --out "$work/season"
pewstats load telemetry --detect-fights "$work/season/telemetry"
pewstats load matches "$work/season/matches"
pewstats dbt seed --full-refresh
pewstats dbt build --warn-error --vars '{full_tests: true}'
pewstats dbt source freshness

echo "== 3/3 sqlfluff lint"
sqlfluff lint models tests/*.sql
python scripts/lint_generic_tests.py
echo "all checks passed"
