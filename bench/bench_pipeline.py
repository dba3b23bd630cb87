"""Pipeline benchmarks on PostgreSQL: loader throughput, end to end, incremental cost,
full refresh, disk bytes per damage event, peak memory. Prints figures and ratios; gates
nothing. Generated seasons go to bench/out/ (git-ignored) and are reused between runs.

    python bench/bench_pipeline.py loader   [--matches 20] [--scale 1.0] [--profile]
    python bench/bench_pipeline.py memory   [--big-scale 6.5] [--files 20]
    python bench/bench_pipeline.py e2e      [--matches 1000] [--scale 1.0]
    python bench/bench_pipeline.py bytes    [--matches 40] [--scale 0.3]
    python bench/bench_pipeline.py incremental [--history 200,40000,10000] [--new 20] [--scale 0.3]
                                               [--generated 1000] [--full-refresh]
                                               [--full-refresh-populations fixed]
                                               [--population grows,fixed] [--keep]

PostgreSQL from PG* variables (default 127.0.0.1:5432, user postgres); each benchmark
works in its own fresh database, dropped at the end (``incremental --keep`` keeps them).
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from datetime import time as dt_time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import orjson
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from loader.synth import generate_season  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from loader_stages import BackendCpu, print_profile, profile_load  # noqa: E402


def season(matches: int, scale: float, seed: int = 1) -> list[tuple[Path, Path]]:
    """The first ``matches`` matches of the synthetic season (seed, scale), as (telemetry,
    match object) pairs in season order. Kept under bench/out/ and grown when a benchmark
    needs more matches (match i is the same file whichever run generated it)."""
    folder = OUT / f"season-{scale}-{seed}"
    index = folder / "index.txt"  # match ids in season order, complete matches only
    ids = index.read_text().split() if index.exists() else []
    if len(ids) < matches:
        t0 = time.perf_counter()
        made = generate_season(folder, matches - len(ids), seed, scale=scale, start_index=len(ids))
        ids += [m.match_id for m in made]
        index.write_text("\n".join(ids) + "\n")
        print(f"  generated {len(made)} matches (scale {scale}) in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return [(folder / "telemetry" / f"{i}.json.gz", folder / "matches" / f"{i}.json") for i in ids[:matches]]


@contextmanager
def fresh_database(keep: bool = False, template: str | None = None) -> Iterator[str]:
    """A new database (a copy of ``template`` if given), dropped at the end unless ``keep``
    (then its name is printed, for looking at plans and node times afterwards; drop it with
    scripts/pg_database.py). Named ``$PEWSTATS_BENCH_DB_PREFIX_<random>`` (default prefix
    ``pewstats_bench``)."""
    name = f"{os.environ.get('PEWSTATS_BENCH_DB_PREFIX', 'pewstats_bench')}_{uuid.uuid4().hex[:8]}"
    admin = dict(host=os.environ.get("PGHOST", "127.0.0.1"), port=int(os.environ.get("PGPORT", "5432")),
                 user=os.environ.get("PGUSER", "postgres"), dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        if template is None:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        else:
            for attempt in range(20):  # an autovacuum worker may still be connected to the template
                try:
                    conn.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template)))
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 19:
                        raise
                    time.sleep(3)
    try:
        yield name
    finally:
        if keep:
            print(f"  kept database {name}", file=sys.stderr, flush=True)
        else:
            with psycopg.connect(**admin) as conn:
                conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def env_for(db: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PEWSTATS_TARGET": "postgres", "PGDATABASE": db, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "PEWSTATS_RAW_SCHEMA": "raw", "PEWSTATS_SCHEMA": "analytics"})
    return env


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command; return (seconds, peak RSS in MiB of that command and the workers it
    waited for), measured by bench/peak.py (see there why not directly)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(ROOT / "bench" / "peak.py"), str(peak_file), *cmd],
                             env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - t0
        if rc != 0:
            out.seek(0)
            print(out.read().decode(errors="replace")[-5000:], file=sys.stderr)
            raise SystemExit(f"command failed ({rc}): {' '.join(cmd[:6])}")
        return seconds, int(peak_file.read_text()) // 1024


PEWSTATS = [sys.executable, "-m", "loader"]


def json_size(path: Path) -> int:
    return len(gzip.decompress(path.read_bytes()))


def json_mb(files: list[Path]) -> float:
    return sum(map(json_size, files)) / 1e6


def bench_loader(args: argparse.Namespace) -> None:
    pairs = season(args.matches, args.scale)
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
    from loader.formats.telemetry import parse_telemetry

    t0 = time.perf_counter()
    for p in tele:
        parse_telemetry(p)
    rows.append(("reader + flatten (1 core)", time.perf_counter() - t0, None))
    cpu: dict[str, tuple[float, float | None]] = {}
    for jobs in (1, 2):
        for detect in (False, True):
            with fresh_database() as db:
                cmd = PEWSTATS + ["load", "telemetry", "--jobs", str(jobs), *(["--detect-fights"] if detect else []), *map(str, tele)]
                what = f"loader to PostgreSQL, {jobs} job(s){' + detect' if detect else ''}"
                kids0 = children_cpu()
                with BackendCpu(db) as pg:
                    secs, peak = timed(cmd, env_for(db))
                cpu[what] = (children_cpu() - kids0, pg.total())
                rows.append((what, secs, peak))
    from loader.formats.reader import SCANNER

    print(f"\nloader: {n} matches, {mb:.0f} MB of JSON ({mb / n:.1f} MB/match), {os.cpu_count()} cores,"
          f" the reader's {SCANNER} fast path")
    print(f"{'what':44} {'s':>7} {'matches/s':>10} {'MB/s':>8} {'x F1':>6} {'x F2':>6} {'peak MiB':>9}"
          f" {'cpu ms/m':>9} {'pg ms/m':>8}")
    for what, secs, peak in rows:
        loader_cpu, pg_cpu = cpu.get(what, (None, None))
        print(f"{what:44} {secs:7.2f} {n / secs:10.2f} {mb / secs:8.1f} {f1 / secs:6.2f} {f2 / secs:6.2f}"
              f" {peak if peak is not None else '':>9}"
              f" {'' if loader_cpu is None else f'{loader_cpu / n * 1000:.0f}':>9}"
              f" {'' if pg_cpu is None else f'{pg_cpu / n * 1000:.0f}':>8}")
    print("  cpu ms/m: CPU of the loader and its workers per match; pg ms/m: of PostgreSQL's backends")
    if args.profile:
        profiles = {}
        for jobs in (1, 2):
            with fresh_database() as db:
                profiles[f"{jobs} job(s) + detect"] = profile_load(tele, jobs, True, db, env_for(db))
        print_profile(n, profiles)


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def db_query(db: str, q: str) -> list[tuple]:
    with psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), user=os.environ.get("PGUSER", "postgres"), dbname=db) as conn:
        return conn.execute(q).fetchall()


def bench_e2e(args: argparse.Namespace) -> None:
    pairs = season(args.matches, args.scale)
    tele = [str(t) for t, _ in pairs]
    mats = [str(m) for _, m in pairs]
    with fresh_database() as db:
        env = env_for(db)
        t_load, m_load = timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *tele], env)
        t_meta, m_meta = timed(PEWSTATS + ["load", "matches", *mats], env)
        t_build, m_build = timed(PEWSTATS + ["dbt", "build"], env)
        t_full, m_full = timed(PEWSTATS + ["dbt", "build", "--full-refresh"], env)
        events, sizes = raw_bytes(db)
        dmg_bytes, all_raw = sizes.get(DAMAGE_TABLE, 0), sum(sizes.values())
    n = len(tele)
    total = t_load + t_meta + t_build
    print(f"\nend to end: {n} matches (scale {args.scale}), PostgreSQL, {os.cpu_count()} cores")
    print(f"  load + detect   {t_load:8.1f} s  {n / t_load:7.2f} matches/s  peak {m_load} MiB")
    print(f"  load matches    {t_meta:8.1f} s  peak {m_meta} MiB")
    print(f"  dbt build       {t_build:8.1f} s  peak {m_build} MiB")
    print(f"  end to end      {total:8.1f} s  {n / total:7.2f} matches/s  "
          f"(existing system: aggregation 0.08-0.17 matches/s, fight backfill 0.8 matches/s on 4 workers)")
    print(f"  full refresh    {t_full:8.1f} s  peak {m_full} MiB")
    print(f"  damage events   {events}, {dmg_bytes / max(events, 1):.0f} bytes each in their table with its index"
          f" (existing: ~280), {all_raw / max(events, 1):.0f} for the whole raw schema")
    print(f"  raw schema      {all_raw / 1e6:.1f} MB")


DAMAGE_TABLE = "log_player_take_damage__rows"  # the stored table behind raw.log_player_take_damage
RAW_RELATIONS = (
    "select c.relname, pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
    " where n.nspname = 'raw' and c.relkind in ('r', 'm') order by 2 desc"
)


def raw_bytes(db: str) -> tuple[int, dict[str, int]]:
    """Damage events and the bytes of every raw table (with its indexes and TOAST) in ``db``."""
    (events,), = db_query(db, "select count(*) from raw.log_player_take_damage")
    return int(events), {name: int(size) for name, size in db_query(db, RAW_RELATIONS)}


def bench_bytes(args: argparse.Namespace) -> None:
    """Disk bytes per damage event of the raw layer: every raw relation on PostgreSQL (tables,
    indexes, dictionaries; after VACUUM so dead space is not counted), and the DuckDB file
    (after CHECKPOINT). The ratio does not depend on the number of matches."""
    pairs = season(args.matches, args.scale)
    tele = [str(t) for t, _ in pairs]
    mats = [str(m) for _, m in pairs]
    with fresh_database() as db:
        env = env_for(db)
        timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *tele], env)
        timed(PEWSTATS + ["load", "matches", *mats], env)
        with psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), user=os.environ.get("PGUSER", "postgres"),
                             dbname=db, autocommit=True) as conn:
            conn.execute("vacuum analyze")
        events, sizes = raw_bytes(db)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        env = dict(os.environ, PEWSTATS_TARGET="duckdb", PEWSTATS_DUCKDB_PATH=str(path), PEWSTATS_RAW_SCHEMA="raw")
        timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *tele], env)
        timed(PEWSTATS + ["load", "matches", *mats], env)
        import duckdb

        with duckdb.connect(str(path)) as con:
            con.execute("checkpoint")
        duck_bytes = path.stat().st_size
    total = sum(sizes.values())
    print(f"\nraw layer bytes: {len(tele)} matches (scale {args.scale}), {events} damage events")
    print(f"{'relation (PostgreSQL, with indexes)':44} {'bytes':>12} {'per damage event':>17}")
    for name, size in sizes.items():
        print(f"{name:44} {size:12d} {size / events:17.1f}")
    print(f"{'PostgreSQL: whole raw schema':44} {total:12d} {total / events:17.1f}")
    print(f"{'DuckDB: database file':44} {duck_bytes:12d} {duck_bytes / events:17.1f}")


ACCOUNT_COLUMNS = ("character__accountid", "accountid", "account_id", "playerid")


def clone_history(db: str, target: int, population: str) -> int:
    """Grow the raw layer to ``target`` matches by copying the loaded matches under new match
    ids (``<id>~<k>``; fight ids and ledger keys suffixed alike), in SQL, table by stored
    table (the combat events' compact tables get the new match's key, computed here as the
    loader does). dbt's cost depends on the rows, not on where they came from, and generating
    + loading 10,000 matches would take longer than the benchmark itself. Returns the number
    of matches added. The copies keep their matches' times: a longer history puts more matches on the
    same days of the season (see ``new_matches`` for the day the new matches land on).

    ``population``: ``fixed`` keeps the copies' account ids, so the synthetic season's 360
    accounts play every match of the history (each has thousands of matches, and any new
    match touches players whose whole history must be re-aggregated); ``grows`` suffixes
    them (``account.<hex>~<k>``), so each copy is played by its own 360 accounts, as a real
    site's player base grows with its history."""
    from loader.formats import layout

    suffixed = {"match_id": "c.new_match_id", "match_key": "c.new_match_key", "fight_id": "t.fight_id || '~' || c.k",
                "load_id": "t.load_id || '~' || c.k", "file_sha256": "t.file_sha256 || '~' || c.k"}
    if population == "grows":
        suffixed |= {col: f"case when t.{col} like 'account.%' then t.{col} || '~' || c.k else t.{col} end"
                     for col in ACCOUNT_COLUMNS}
    shared = {t.name for t in layout.SHARED}
    with psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), user=os.environ.get("PGUSER", "postgres"), dbname=db) as conn:
        (have,), = conn.execute("select count(*) from raw.telemetry_matches").fetchall()
        need = target - have
        if need <= 0:
            return 0
        copies = -(-need // have)
        clone = conn.execute(
            "select m.match_id, m.match_key, m.match_id || '~' || k, k "
            "from raw.telemetry_matches as m cross join generate_series(1, %s) as k "
            "order by k, m.match_id limit %s",
            (copies, need),
        ).fetchall()
        conn.execute("create temp table clone_map (match_id text, match_key bigint, new_match_id text,"
                     " new_match_key bigint, k int)")
        with conn.cursor() as cur, cur.copy("copy clone_map from stdin") as copy:
            for match_id, key, new_id, k in clone:
                copy.write_row((match_id, key, new_id, layout.match_key(new_id), k))
        for table in layout.stored_tables():
            if table.name in shared:
                continue
            cols = table.column_names
            by = "match_key" if "match_key" in cols and "match_id" not in cols else "match_id"
            exprs = [sql.SQL(suffixed[c]) if c in suffixed else sql.SQL("t.{}").format(sql.Identifier(c)) for c in cols]
            conn.execute(
                sql.SQL("insert into raw.{t} ({cols}) select {exprs} from raw.{t} as t join clone_map as c using ({by})").format(
                    t=sql.Identifier(table.name), cols=sql.SQL(", ").join(map(sql.Identifier, cols)),
                    exprs=sql.SQL(", ").join(exprs), by=sql.Identifier(by)
                )
            )
        conn.execute("analyze")
    return need


RUNS = OUT / "runs"  # each timed dbt build's target/run_results.json (per-node times), kept for reading


def keep_run_results(label: str) -> None:
    RUNS.mkdir(parents=True, exist_ok=True)
    src = ROOT / "target" / "run_results.json"
    if src.exists():
        (RUNS / f"{label}.json").write_bytes(src.read_bytes())


def schema_bytes(db: str) -> dict[str, int]:
    """Bytes of every schema's relations (tables with indexes and TOAST) in ``db``."""
    rows = db_query(db, "select n.nspname, sum(pg_total_relation_size(c.oid)) from pg_class c"
                        " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'm')"
                        " and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')"
                        " group by 1 order by 1")
    return {name: int(size) for name, size in rows}


def new_matches(generated: int, new: int, scale: float) -> tuple[list[tuple[Path, Path]], list[tuple[Path, Path]]]:
    """The season's matches, and the ``new`` matches an incremental build gets: the first
    ones after match ``generated`` that start on a UTC day no history match is on (day
    boundaries with 10 minutes to spare). So the day the daily models rebuild holds the
    same matches, the new ones, at every history size: the copies of the history keep its
    days (clone_history), and a day of a site holds a day's matches, not more with every
    month of history."""
    def created(pair: tuple[Path, Path]) -> datetime:
        return datetime.fromisoformat(orjson.loads(pair[1].read_bytes())["data"]["attributes"]["createdAt"].replace("Z", "+00:00"))

    pairs = season(generated + new + 40, scale)  # 36 matches a day (loader/synth/season.py)
    last_day = max(created(p) for p in pairs[max(generated - 40, 0):generated]).date()
    first = next(i for i in range(generated, len(pairs))
                 if created(pairs[i]).date() > last_day and created(pairs[i]).time() >= dt_time(0, 10))
    pairs = season(first + new, scale)
    return pairs[:generated], pairs[first:first + new]


def bench_incremental(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.history.split(",")]
    generated = min(max(sizes), args.generated or max(sizes))
    pairs, new = new_matches(generated, args.new, args.scale)
    results = []
    with ExitStack() as templates:
        loaded: dict[int, str] = {}  # matches loaded -> a database holding just them, copied for each run

        def history_database(n: int) -> str:
            if n not in loaded:
                loaded[n] = templates.enter_context(fresh_database())
                env = env_for(loaded[n])
                timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *[str(t) for t, _ in pairs[:n]]], env)
                timed(PEWSTATS + ["load", "matches", *[str(m) for _, m in pairs[:n]]], env)
            return loaded[n]

        # size by size, both populations at each: the sizes in the order given (the first is
        # each population's base for the ratio), so a run cut short still has whole pairs
        for h, population in [(h, p) for h in sizes for p in args.population.split(",")]:
            results.append(incremental_run(args, population, h, history_database(min(h, generated)), new))
    print_incremental(args, results)


def incremental_run(args: argparse.Namespace, population: str, h: int, template: str,
                    new: list[tuple[Path, Path]]) -> tuple:
    """One history size: copy the loaded matches' database, clone up to ``h`` matches, first
    build, load ``new``, incremental build, optionally a full refresh; times, peaks, bytes."""
    with fresh_database(keep=args.keep, template=template) as db:
        env = env_for(db)
        t0 = time.perf_counter()
        cloned = clone_history(db, h, population)
        t_setup = time.perf_counter() - t0
        t_first, m_first = timed(PEWSTATS + ["dbt", "build"], env)
        keep_run_results(f"{population}-{h}-first")
        timed(PEWSTATS + ["load", "telemetry", "--detect-fights", *[str(t) for t, _ in new]], env)
        timed(PEWSTATS + ["load", "matches", *[str(m) for _, m in new]], env)
        t_inc, m_inc = timed(PEWSTATS + ["dbt", "build"], env)
        keep_run_results(f"{population}-{h}-incremental")
        t_full, m_full = None, None
        if args.full_refresh and population in (args.full_refresh_populations or population).split(","):
            t_full, m_full = timed(PEWSTATS + ["dbt", "build", "--full-refresh"], env)
            keep_run_results(f"{population}-{h}-full-refresh")
        (events,), = db_query(db, "select count(*) from raw.log_player_take_damage")
        (players,), = db_query(db, "select count(distinct account_id) from analytics.player_fight_stats")
        schemas = schema_bytes(db)
        raw = schemas.get("raw", 0)
        built = sum(v for k, v in schemas.items() if k.startswith("analytics"))
        result = (population, h, cloned, events, players, t_first, t_inc, t_full, m_first, m_inc, m_full, raw, built)
        print(f"  {population} population, history {h}: cloning {t_setup:.0f}s, first build {t_first:.1f}s"
              f" (peak {m_first} MiB), incremental {t_inc:.1f}s (peak {m_inc} MiB)"
              + (f", full refresh {t_full:.1f}s (peak {m_full} MiB)" if t_full is not None else "")
              + f"; raw {raw / events:.0f} B/damage event, dbt's schemas {built / events:.0f}"
              + "; " + ", ".join(f"{k} {v / 1e6:.0f} MB" for k, v in schemas.items()),
              file=sys.stderr, flush=True)
        return result


def print_incremental(args: argparse.Namespace, results: list[tuple]) -> None:
    print(f"\nincremental: {args.new} new matches on top of history (scale {args.scale}), PostgreSQL, {os.cpu_count()} cores;"
          " ratio = incremental time / incremental time at the smallest history of the same population;"
          " bytes: every relation of the schemas (with indexes, no VACUUM) per damage event;"
          " peak: maximum RSS of the dbt build process (first / incremental / full refresh)")
    print(f"{'population':>10} {'history':>8} {'cloned':>7} {'damage events':>14} {'players':>8} {'first build s':>14}"
          f" {'incremental s':>14} {'ratio':>6} {'full refresh s':>15} {'raw B/ev':>9} {'dbt B/ev':>9} {'dbt peak MiB':>16}")
    base: dict[str, float] = {}
    for (population, h, cloned, events, players, t_first, t_inc, t_full, m_first, m_inc, m_full,
         raw, built) in results:
        base.setdefault(population, t_inc)
        full = f"{t_full:15.1f}" if t_full is not None else f"{'-':>15}"
        peaks = "/".join(str(m) for m in (m_first, m_inc, m_full) if m is not None)
        print(f"{population:>10} {h:8d} {cloned:7d} {events:14d} {players:8d} {t_first:14.1f} {t_inc:14.1f}"
              f" {t_inc / base[population]:6.2f} {full} {raw / events:9.0f} {built / events:9.0f} {peaks:>16}")


def bench_memory(args: argparse.Namespace) -> None:
    """Peak RSS of the loader: one very large file, and 1 vs many ordinary files."""
    big_dir = OUT / f"big-{args.big_scale}"
    if not (big_dir / ".complete").exists():
        generate_season(big_dir, 1, 7, scale=args.big_scale)
        (big_dir / ".complete").write_text("ok")
    big = sorted((big_dir / "telemetry").glob("*.json.gz"))
    big_mb = json_mb(big)
    pairs = season(args.files, 1.0)
    rows = []
    for label, files in ((f"1 file of {big_mb:.0f} MB JSON", big),
                         ("1 ordinary file", [t for t, _ in pairs[:1]]),
                         (f"largest of the {args.files} ordinary files alone", [max((t for t, _ in pairs), key=json_size)]),
                         (f"{args.files} ordinary files", [t for t, _ in pairs])):
        for detect in (False, True):
            with fresh_database() as db:
                cmd = PEWSTATS + ["load", "telemetry", "--jobs", "1", *(["--detect-fights"] if detect else []), *map(str, files)]
                secs, peak = timed(cmd, env_for(db))
                rows.append((label + (" + detect" if detect else ""), secs, peak))
    print(f"\nloader peak memory (1 job; RSS of the process, MiB; target <= 1024)")
    print(f"{'what':44} {'s':>7} {'peak MiB':>9}")
    for what, secs, peak in rows:
        print(f"{what:44} {secs:7.1f} {peak:9d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("loader")
    p.add_argument("--matches", type=int, default=20)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--profile", action="store_true",
                   help="also load in this process, 1 and 2 jobs with detection, and print CPU by stage and process")
    p = sub.add_parser("e2e")
    p.add_argument("--matches", type=int, default=100)
    p.add_argument("--scale", type=float, default=1.0)
    p = sub.add_parser("bytes")
    p.add_argument("--matches", type=int, default=40)
    p.add_argument("--scale", type=float, default=0.3)
    p = sub.add_parser("memory")
    p.add_argument("--big-scale", type=float, default=6.5, help="scale of the large match (6.5: about 200 MB of JSON)")
    p.add_argument("--files", type=int, default=20)
    p = sub.add_parser("incremental")
    p.add_argument("--history", default="200,2000")
    p.add_argument("--new", type=int, default=20)
    p.add_argument("--scale", type=float, default=0.3)
    p.add_argument("--generated", type=int, default=0,
                   help="generate and load at most this many history matches; copy them in SQL up to each history size")
    p.add_argument("--full-refresh", action="store_true", help="also time dbt build --full-refresh after the incremental build")
    p.add_argument("--full-refresh-populations", default=None,
                   help="with --full-refresh: only for these populations (comma list; default every one). The first"
                        " build is a full build of the same history too, for every population")
    p.add_argument("--population", default="grows",
                   help="comma list of 'grows' (copied matches get their own accounts) and 'fixed' (copies keep the 360 accounts)")
    p.add_argument("--keep", action="store_true",
                   help="keep each database (its name is printed) to read plans afterwards; node times of every build"
                        " are kept in bench/out/runs/ either way")
    args = ap.parse_args()
    {"loader": bench_loader, "e2e": bench_e2e, "bytes": bench_bytes, "incremental": bench_incremental, "memory": bench_memory}[args.what](args)


if __name__ == "__main__":
    main()
