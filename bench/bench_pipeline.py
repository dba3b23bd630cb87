"""Pipeline benchmarks on PostgreSQL: loader throughput, end to end, incremental cost,
full refresh, disk bytes per damage event, peak memory. Prints figures and ratios; gates
nothing. Generated seasons go to bench/out/ (git-ignored) and are reused between runs.

    python bench/bench_pipeline.py loader   [--matches 20] [--scale 1.0]
    python bench/bench_pipeline.py e2e      [--matches 1000] [--scale 1.0]
    python bench/bench_pipeline.py incremental [--history 200,2000,10000] [--new 20] [--scale 0.3]

PostgreSQL from PG* variables (default 127.0.0.1:5432, user postgres); each benchmark
works in its own fresh database, dropped at the end.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from loader.synth import generate_season  # noqa: E402


def season(name: str, matches: int, scale: float, seed: int = 1) -> list:
    """Generate (once) and return a season under bench/out/<name>."""
    folder = OUT / f"{name}-{matches}-{scale}-{seed}"
    marker = folder / ".complete"
    if marker.exists():
        tele = sorted((folder / "telemetry").glob("*.json.gz"))
        mats = sorted((folder / "matches").glob("*.json"))
        return list(zip(tele, mats))
    t0 = time.perf_counter()
    made = generate_season(folder, matches, seed, scale=scale)
    marker.write_text("ok")
    print(f"  generated {matches} matches (scale {scale}) in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return [(m.telemetry_path, m.match_path) for m in made]


@contextmanager
def fresh_database() -> Iterator[str]:
    name = f"pewstats_bench_{uuid.uuid4().hex[:8]}"
    admin = dict(host=os.environ.get("PGHOST", "127.0.0.1"), port=int(os.environ.get("PGPORT", "5432")),
                 user=os.environ.get("PGUSER", "postgres"), dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def env_for(db: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PEWSTATS_TARGET": "postgres", "PGDATABASE": db, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "PEWSTATS_RAW_SCHEMA": "raw", "PEWSTATS_SCHEMA": "analytics"})
    return env


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command; return (seconds, peak RSS in MiB of that command and the workers it waited for)."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            print(out.read().decode(errors="replace")[-5000:], file=sys.stderr)
            raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd[:6])}")
    return seconds, usage.ru_maxrss // 1024


PEWSTATS = [sys.executable, "-m", "loader"]


def json_mb(files: list[Path]) -> float:
    return sum(len(gzip.decompress(p.read_bytes())) for p in files) / 1e6


def bench_loader(args: argparse.Namespace) -> None:
    pairs = season("loader", args.matches, args.scale)
    tele = [t for t, _ in pairs]
    mb = json_mb(tele)
    n = len(tele)
    rows = []
    t0 = time.perf_counter()
    for p in tele:
        data = p.read_bytes()
        while data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    f1 = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in tele:
        data = p.read_bytes()
        while data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        orjson.loads(data)
    f2 = time.perf_counter() - t0
    rows.append(("F1 inflate only", f1, None))
    rows.append(("F2 inflate + orjson full parse", f2, None))
    from loader.telemetry import parse_telemetry

    t0 = time.perf_counter()
    for p in tele:
        parse_telemetry(p)
    rows.append(("reader + flatten (1 core)", time.perf_counter() - t0, None))
    for jobs in (1, 2):
        for detect in (False, True):
            with fresh_database() as db:
                cmd = PEWSTATS + ["load", "telemetry", "--jobs", str(jobs), *(["--detect-fights"] if detect else []), *map(str, tele)]
                secs, peak = timed(cmd, env_for(db))
                rows.append((f"loader to PostgreSQL, {jobs} job(s){' + detect' if detect else ''}", secs, peak))
    print(f"\nloader: {n} matches, {mb:.0f} MB of JSON ({mb / n:.1f} MB/match), {os.cpu_count()} cores")
    print(f"{'what':44} {'s':>7} {'matches/s':>10} {'MB/s':>8} {'x F1':>6} {'x F2':>6} {'peak MiB':>9}")
    for what, secs, peak in rows:
        print(f"{what:44} {secs:7.2f} {n / secs:10.2f} {mb / secs:8.1f} {f1 / secs:6.2f} {f2 / secs:6.2f} {peak if peak is not None else '':>9}")


def db_query(db: str, q: str) -> list[tuple]:
    with psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), user=os.environ.get("PGUSER", "postgres"), dbname=db) as conn:
        return conn.execute(q).fetchall()


def bench_e2e(args: argparse.Namespace) -> None:
    pairs = season("e2e", args.matches, args.scale)
    tele = [str(t) for t, _ in pairs]
    mats = [str(m) for _, m in pairs]
    with fresh_database() as db:
        env = env_for(db)
        t_load, m_load = timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *tele], env)
        t_meta, m_meta = timed(PEWSTATS + ["load", "matches", *mats], env)
        t_build, m_build = timed(PEWSTATS + ["dbt", "build"], env)
        t_full, m_full = timed(PEWSTATS + ["dbt", "build", "--full-refresh"], env)
        (events, dmg_bytes, all_raw), = db_query(
            db,
            "select (select count(*) from raw.log_player_take_damage), pg_total_relation_size('raw.log_player_take_damage'),"
            " (select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            "  where n.nspname = 'raw' and c.relkind = 'r')",
        )
    n = len(tele)
    total = t_load + t_meta + t_build
    print(f"\nend to end: {n} matches (scale {args.scale}), PostgreSQL, {os.cpu_count()} cores")
    print(f"  load + detect   {t_load:8.1f} s  {n / t_load:7.2f} matches/s  peak {m_load} MiB")
    print(f"  load matches    {t_meta:8.1f} s  peak {m_meta} MiB")
    print(f"  dbt build       {t_build:8.1f} s  peak {m_build} MiB")
    print(f"  end to end      {total:8.1f} s  {n / total:7.2f} matches/s  "
          f"(existing system: aggregation 0.08-0.17 matches/s, fight backfill 0.8 matches/s on 4 workers)")
    print(f"  full refresh    {t_full:8.1f} s  peak {m_full} MiB")
    print(f"  damage events   {events}, {float(dmg_bytes) / max(int(events), 1):.0f} bytes each with indexes (existing: ~280)")
    print(f"  raw schema      {float(all_raw) / 1e6:.1f} MB")


def bench_incremental(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.history.split(",")]
    biggest = max(sizes) + args.new
    pairs = season("incremental", biggest, args.scale)
    results = []
    for h in sizes:
        with fresh_database() as db:
            env = env_for(db)
            hist = pairs[:h]
            new = pairs[h : h + args.new]
            timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *[str(t) for t, _ in hist]], env)
            timed(PEWSTATS + ["load", "matches", *[str(m) for _, m in hist]], env)
            t_full, _ = timed(PEWSTATS + ["dbt", "build"], env)
            timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *[str(t) for t, _ in new]], env)
            timed(PEWSTATS + ["load", "matches", *[str(m) for _, m in new]], env)
            t_inc, _ = timed(PEWSTATS + ["dbt", "build"], env)
            results.append((h, t_full, t_inc))
    base = results[0][2]
    print(f"\nincremental: {args.new} new matches on top of history (scale {args.scale}), PostgreSQL")
    print(f"{'history':>8} {'first build s':>14} {'incremental s':>14} {'ratio':>6}")
    for h, t_full, t_inc in results:
        print(f"{h:8d} {t_full:14.1f} {t_inc:14.1f} {t_inc / base:6.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("loader")
    p.add_argument("--matches", type=int, default=20)
    p.add_argument("--scale", type=float, default=1.0)
    p = sub.add_parser("e2e")
    p.add_argument("--matches", type=int, default=100)
    p.add_argument("--scale", type=float, default=1.0)
    p = sub.add_parser("incremental")
    p.add_argument("--history", default="200,2000")
    p.add_argument("--new", type=int, default=20)
    p.add_argument("--scale", type=float, default=0.3)
    args = ap.parse_args()
    {"loader": bench_loader, "e2e": bench_e2e, "incremental": bench_incremental}[args.what](args)


if __name__ == "__main__":
    main()
