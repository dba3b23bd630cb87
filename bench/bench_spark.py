"""The dbt project on Apache Spark against PostgreSQL on the same data (issue 14): a full
refresh and an incremental build (new matches) on both, and what a cron run pays to start
Spark in session mode and through a long-running Thrift server. Prints figures and
ratios; gates nothing. Needs Java, `pip install -e '.[spark]'` and PostgreSQL (PG*).

    python bench/bench_spark.py [--matches 1000] [--new 20] [--scale 0.3] [--cluster] [--thrift]
    python bench/bench_spark.py --startup-only --cluster --thrift --matches 5 --rounds 3

--cluster builds on the local standalone cluster of scripts/spark-cluster.sh (master and
two workers, started and stopped here) instead of Spark in dbt's own process (local[1]);
--thrift also times a start-up through the cluster's Thrift server. Seasons go to bench/out/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from statistics import median

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from loader.synth import generate_season  # noqa: E402

MASTER = "spark://127.0.0.1:7077"


def season(matches: int, scale: float, seed: int) -> list:
    folder = OUT / f"spark-season-{matches}-{scale}-{seed}"
    done = folder / ".done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate_season(folder, matches, seed=seed, scale=scale)
        done.write_text("")
    telemetry = sorted((folder / "telemetry").glob("*"))
    objects = sorted((folder / "matches").glob("*"))
    return list(zip(telemetry, objects))


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:6])} ... exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def pewstats(*args: str) -> list[str]:
    return [sys.executable, "-m", "loader", *args]


def load(files: list[tuple[Path, Path]], env: dict[str, str], cwd: Path) -> float:
    return run(pewstats("load", "telemetry", "--detect-fights", *(str(t) for t, _ in files)), env, cwd) + run(
        pewstats("load", "matches", *(str(m) for _, m in files)), env, cwd
    )


def build(env: dict[str, str], cwd: Path, *args: str) -> float:
    return run(pewstats("dbt", "build", "--exclude", "resource_type:unit_test", *args), env, cwd)


def lake_size(lake: Path) -> dict[str, int]:
    """Bytes of the lake and of its damage table, and the damage events in it."""
    import duckdb

    damage = lake / "log_player_take_damage"
    with duckdb.connect() as con:
        (events,) = con.execute(f"select count(*) from read_parquet('{damage}/**/*.parquet')").fetchone()
    return {
        "bytes": sum(p.stat().st_size for p in lake.rglob("*") if p.is_file()),
        "damage bytes": sum(p.stat().st_size for p in damage.rglob("*.parquet")),
        "damage events": events,
    }


class Figures(dict):
    """Seconds by step, each also printed as it is measured (a run cut short keeps its figures)."""

    def __setitem__(self, name: str, seconds: float) -> None:
        print(f"  {name}: {seconds:.1f} s", file=sys.stderr, flush=True)
        super().__setitem__(name, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=1000, help="matches of history")
    parser.add_argument("--new", type=int, default=20, help="new matches of the incremental build")
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--cluster", action="store_true", help="build on scripts/spark-cluster.sh's cluster")
    parser.add_argument("--thrift", action="store_true", help="also time a start-up through a Thrift server")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the start-ups a cron run pays (session mode, and with --thrift a Thrift server), no builds")
    parser.add_argument("--rounds", type=int, default=1, help="start-ups of each kind (the median is printed)")
    args = parser.parse_args()
    if shutil.which("java") is None:
        raise SystemExit("error: Spark needs Java (a JRE 17 or later) on PATH")
    files = season(args.matches + args.new, args.scale, args.seed)
    history, new = files[: args.matches], files[args.matches:]
    work = Path(tempfile.mkdtemp(prefix="pewstats-bench-spark-"))
    base = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", PEWSTATS_SCHEMA="analytics",
                PEWSTATS_RAW_SCHEMA="raw", DBT_PROFILES_DIR=str(ROOT / "profiles"))  # profiles.example.yml
    spark = dict(base, PEWSTATS_TARGET="spark", PEWSTATS_SPARK_DIR=str(work / "spark"))
    if args.cluster:
        spark["PEWSTATS_SPARK_MASTER"] = MASTER
    figures = Figures()
    cluster = [str(ROOT / "scripts" / "spark-cluster.sh")]
    database = f"pewstats_bench_spark_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), user=os.environ.get("PGUSER", "postgres"),
                            dbname="postgres", autocommit=True)
    admin.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    pg = dict(base, PEWSTATS_TARGET="postgres", PGDATABASE=database)
    try:
        if args.cluster:
            subprocess.run(cluster + ["start"], env=spark, check=True)
        # Spark: land the lake, a full build, then new matches and an incremental build
        figures["spark load"] = load(history, spark, work)
        lake = lake_size(work / "spark" / "lake")
        if not args.startup_only:
            figures["spark full refresh"] = build(spark, work, "--full-refresh")
            figures["spark load new"] = load(new, spark, work)
            figures["spark incremental"] = build(spark, work)
        # the start-up a cron run pays: a dbt invocation that runs one query, in session mode
        # (dbt's process starts a JVM and opens the metastore) and through a Thrift server
        figures["spark session start-up"] = median(
            run(pewstats("dbt", "show", "--inline", "select 1"), spark, work) for _ in range(args.rounds))
        if args.thrift:
            subprocess.run(cluster + ["start", "--thrift"], env=spark, check=True)
            thrift = dict(spark, PEWSTATS_TARGET="spark")
            figures["spark thrift start-up"] = median(run(
                [sys.executable, "-c", "from dbt.cli.main import cli; cli()", "show", "--inline", "select 1",
                 "--project-dir", str(ROOT), "--target", "spark_thrift"], thrift, work) for _ in range(args.rounds))
        if not args.startup_only:
            # PostgreSQL: the same data, the same builds
            figures["postgres load"] = load(history, pg, work)
            figures["postgres full refresh"] = build(pg, work, "--full-refresh")
            figures["postgres load new"] = load(new, pg, work)
            figures["postgres incremental"] = build(pg, work)
    finally:
        if args.cluster or args.thrift:
            subprocess.run(cluster + ["stop"], env=spark)
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        shutil.rmtree(work, ignore_errors=True)
    where = f"cluster {MASTER} (2 workers)" if args.cluster else "local[1] in dbt's process"
    print(f"{args.matches} matches of history + {args.new} new, scale {args.scale}; Spark {where}")
    for name, seconds in figures.items():
        print(f"  {name:28s} {seconds:8.1f} s")
    print(f"  lake: {lake['bytes'] / 1e6:.1f} MB; log_player_take_damage {lake['damage bytes'] / 1e6:.1f} MB for "
          f"{lake['damage events']} events: {lake['damage bytes'] / max(lake['damage events'], 1):.0f} bytes per damage event")
    for step in () if args.startup_only else ("full refresh", "incremental"):
        print(f"  ratio Spark/PostgreSQL, {step:14s} {figures[f'spark {step}'] / figures[f'postgres {step}']:6.1f}")


if __name__ == "__main__":
    main()
