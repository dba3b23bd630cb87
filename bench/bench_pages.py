"""The player pages on PostgreSQL: the page queries of analyses/ (median and p95 over many
players) and what the pages' marts add to an incremental build of 20 new matches. Prints
figures; gates nothing.

    python bench/bench_pages.py [--history 1000] [--generated 200] [--new 20] [--scale 0.3]
                                [--players 200] [--population grows|fixed]

A history of ``--history`` matches: ``--generated`` synthetic matches loaded, the rest copies
of them (bench_pipeline.clone_history: ``grows`` gives each copy its own accounts, ``fixed``
keeps the 360 accounts of the season, each then with thousands of matches). Then a first
build, 20 new matches loaded and an incremental build, whose per-node times come from dbt's
run_results.json. In a fresh database, dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import PEWSTATS, ROOT, clone_history, env_for, fresh_database, season, timed  # noqa: E402

PAGE_NODES = ("int_player_match_deaths", "int_player_match_finishes", "player_daily_stats",
              "player_weapon_daily_stats", "player_profiles", "player_profile_ranks")
SENTINEL = "__account__"


def connect(db: str) -> psycopg.Connection:
    return psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), user=os.environ.get("PGUSER", "postgres"),
                           dbname=db, autocommit=True)


def node_seconds(target: Path) -> tuple[float, float, dict[str, float]]:
    """(all nodes' seconds, the pages' nodes' seconds, per page node) of the last dbt run."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    total = pages = 0.0
    per_node: dict[str, float] = {}
    for r in results:
        seconds = float(r["execution_time"])
        total += seconds
        uid = r["unique_id"]
        # a page model, or a data or unit test of one (their ids carry the model's name)
        hit = next((n for n in PAGE_NODES if n in uid), None)
        if hit:
            pages += seconds
            kind = uid.split(".")[0]
            per_node[f"{kind} {hit}"] = per_node.get(f"{kind} {hit}", 0.0) + seconds
    return total, pages, per_node


def compile_pages(env: dict[str, str], target: Path, page_vars: dict) -> dict[str, str]:
    timed(PEWSTATS + ["dbt", "compile", "--select", "resource_type:analysis", "--target-path", str(target),
                      "--vars", json.dumps({"page_account_id": SENTINEL, **page_vars})], env)
    folder = target / "compiled" / "pewstats" / "analyses"
    return {f.stem: f.read_text().replace(f"'{SENTINEL}'", "%(account)s") for f in sorted(folder.glob("*.sql"))}


def time_queries(db: str, queries: dict[str, str], accounts: list[str]) -> dict[str, tuple[float, float, float]]:
    """Per query: (median ms, p95 ms, mean rows) over the accounts, each run once after a warm-up."""
    out = {}
    with connect(db) as conn:
        for name, text in queries.items():
            for a in accounts[:5]:
                conn.execute(text, {"account": a}).fetchall()
            times, counts = [], []
            for a in accounts:
                t0 = time.perf_counter()
                counts.append(len(conn.execute(text, {"account": a}).fetchall()))
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))], statistics.mean(counts))
    return out


def plan_of(db: str, text: str, account: str) -> str:
    with connect(db) as conn:
        rows = conn.execute("explain " + text, {"account": account}).fetchall()
    return " / ".join(r[0].strip() for r in rows if "Scan" in r[0])[:300]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--history", type=int, default=1000)
    ap.add_argument("--generated", type=int, default=200)
    ap.add_argument("--new", type=int, default=20)
    ap.add_argument("--scale", type=float, default=0.3)
    ap.add_argument("--players", type=int, default=200)
    ap.add_argument("--population", default="grows", choices=["grows", "fixed"])
    args = ap.parse_args()

    generated = min(args.generated, args.history)
    pairs = season(generated + args.new, args.scale)
    history, new = pairs[:generated], pairs[generated:generated + args.new]
    target = ROOT / "bench" / "out" / "pages-target"
    with fresh_database() as db:
        env = env_for(db)
        env["DBT_TARGET_PATH"] = str(target)
        timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *[str(t) for t, _ in history]], env)
        timed(PEWSTATS + ["load", "matches", *[str(m) for _, m in history]], env)
        cloned = clone_history(db, args.history, args.population)
        t_first, _ = timed(PEWSTATS + ["dbt", "build"], env)
        first_total, first_pages, _ = node_seconds(target)
        timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *[str(t) for t, _ in new]], env)
        timed(PEWSTATS + ["load", "matches", *[str(m) for _, m in new]], env)
        t_inc, _ = timed(PEWSTATS + ["dbt", "build"], env)
        inc_total, inc_pages, per_node = node_seconds(target)

        with connect(db) as conn:
            (players,), = conn.execute("select count(distinct account_id) from analytics.player_profiles").fetchall()
            (ranked,), = conn.execute("select count(*) from analytics.player_profile_ranks").fetchall()
            sizes = conn.execute(
                "select c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) from pg_class c"
                " join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'analytics' and c.relkind = 'r'"
                " and c.relname in ('player_daily_stats', 'player_weapon_daily_stats', 'player_profiles',"
                " 'player_profile_ranks', 'player_weapon_stats') order by 1").fetchall()
            last_day, = conn.execute("select max(match_day) from analytics.player_daily_stats").fetchone()
            accounts = [a for (a,) in conn.execute(
                "select account_id from analytics.player_profiles where match_type = 'all' order by md5(account_id)"
                " limit %s", (args.players,)).fetchall()]
            ranked_map = conn.execute(
                "select map_name from analytics.player_daily_stats where match_type = 'normal'"
                " group by map_name order by count(*) desc limit 1").fetchone()[0]
        random.Random(1).shuffle(accounts)

        queries = {f"{k} (all time)": v for k, v in compile_pages(env, target, {}).items()}
        windowed = compile_pages(env, target, {"page_days": 30, "page_until": str(last_day)})
        queries |= {f"{k} (30 days)": v for k, v in windowed.items() if "window" in k}
        on_map = compile_pages(env, target, {"page_days": 90, "page_until": str(last_day), "page_match_type": "normal",
                                             "page_map_name": ranked_map})
        queries |= {f"{k} (90 days, normal, {ranked_map})": v for k, v in on_map.items() if "window" in k}
        timings = time_queries(db, queries, accounts)
        plans = {name: plan_of(db, text, accounts[0]) for name, text in queries.items()}

    print(f"\nplayer pages: history {args.history} matches ({generated} generated, {cloned} cloned, population"
          f" {args.population}, scale {args.scale}), PostgreSQL, {os.cpu_count()} cores; {players} players, {ranked}"
          f" ranked (player, match type) rows")
    print(f"{'table':28} {'rows':>10} {'MB':>8}")
    for name, tuples, size in sizes:
        print(f"{name:28} {tuples:10d} {size / 1e6:8.1f}")
    print(f"\npage queries over {len(accounts)} players (client-side ms, one connection):")
    print(f"{'query':60} {'median':>7} {'p95':>7} {'rows':>6}")
    for name, (median, p95, rows) in timings.items():
        print(f"{name:60} {median:7.2f} {p95:7.2f} {rows:6.1f}")
    print("\nplans (scans):")
    for name, plan in plans.items():
        print(f"  {name}: {plan}")
    print(f"\nfirst build {t_first:.1f} s (dbt nodes {first_total:.1f} s, of which the pages' {first_pages:.1f} s)")
    print(f"incremental build of {args.new} matches {t_inc:.1f} s (dbt nodes {inc_total:.1f} s, of which the pages'"
          f" models and tests {inc_pages:.1f} s = {100 * inc_pages / inc_total:.0f} %)")
    for name, seconds in sorted(per_node.items()):
        print(f"  {name:50} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
