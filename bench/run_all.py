"""Run every benchmark and print their tables one after another.

    python bench/run_all.py              # the sizes the README's figures come from
    python bench/run_all.py --site-size  # ... and the incremental benchmark at 40,000 matches too
    python bench/run_all.py --quick      # small sizes: a few minutes, same tables

Needs PostgreSQL (PG* variables, default 127.0.0.1:5432 user postgres) for the pipeline
benchmarks. Generated seasons are kept under bench/out/ (git-ignored) and reused. Nothing
here gates anything: the figures are for reading, with the machine they ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

FULL = [
    ["bench_reader.py", "--matches", "2", "--size-mb", "30"],
    ["bench_detector.py"],
    ["bench_pipeline.py", "loader", "--matches", "20", "--scale", "1.0"],
    ["bench_pipeline.py", "memory", "--big-scale", "6.5", "--files", "20"],
    ["bench_pipeline.py", "e2e", "--matches", "1000", "--scale", "0.3"],
    ["bench_pipeline.py", "incremental", "--history", "200,10000", "--generated", "1000", "--new", "20",
     "--scale", "0.3", "--full-refresh", "--population", "fixed,grows"],
]
# --site-size: the incremental benchmark at the site's size as well (40,000 matches of history,
# 32 M damage events; about 25 minutes more per population on 2 cores)
SITE_SIZE = "200,10000,40000"
QUICK = [
    ["bench_reader.py", "--matches", "1", "--size-mb", "10", "--repeat", "1"],
    ["bench_detector.py", "--repeat", "1", "--sizes", "2500,10000"],
    ["bench_pipeline.py", "loader", "--matches", "4", "--scale", "0.5"],
    ["bench_pipeline.py", "memory", "--big-scale", "1.0", "--files", "4"],
    ["bench_pipeline.py", "e2e", "--matches", "40", "--scale", "0.2"],
    ["bench_pipeline.py", "incremental", "--history", "20,200", "--generated", "40", "--new", "5", "--scale", "0.2", "--full-refresh", "--population", "fixed,grows"],
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes")
    ap.add_argument("--site-size", action="store_true",
                    help="run the incremental benchmark at 200, 10,000 and 40,000 matches of history")
    args = ap.parse_args()
    full = [list(cmd) for cmd in FULL]
    if args.site_size:
        incremental = next(cmd for cmd in full if cmd[:2] == ["bench_pipeline.py", "incremental"])
        incremental[incremental.index("--history") + 1] = SITE_SIZE
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    failed = 0
    for cmd in QUICK if args.quick else full:
        print(f"\n=== {' '.join(cmd)}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(BENCH / cmd[0]), *cmd[1:]])
        print(f"=== {cmd[0]} took {time.perf_counter() - t0:.0f}s (exit {rc})", flush=True)
        failed += rc != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
