"""Two checkouts of this project, side by side on the same files: did a change slow anything?

    python bench/bench_versions.py OLD NEW [--rounds 3] [--matches 20] [--scale 1.0]
                                           [--history 200] [--new 20] [--history-scale 0.3]
                                           [--exclude-new SELECTOR ...]

OLD and NEW are checkouts with their own ``.venv`` (e.g. ``git worktree add ../old <commit>``,
then ``python3 -m venv ../old/.venv && ../old/.venv/bin/pip install -e ../old``). Each round runs,
for OLD then NEW, each in a fresh PostgreSQL database:

- ``pewstats load telemetry --jobs 2`` of ``--matches`` synthetic matches, with and without
  ``--detect-fights`` (the loader's throughput, process start included);
- ``--history`` matches loaded with their match objects, a first ``pewstats dbt build``, then
  ``--new`` more matches and an incremental ``pewstats dbt build``.

``--exclude-new`` passes ``--exclude`` to NEW's builds, to leave out models NEW added (compare
what both have). The files are generated once by this checkout's synthesiser, so both versions
read the same bytes. Prints each run and the medians and NEW/OLD ratios; gates nothing. The
rounds alternate OLD and NEW, so a machine that is busy for a while slows both.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_pipeline import env_for, fresh_database, season


def pewstats(root: Path, env: dict[str, str], *args: str) -> float:
    """Run one pewstats command of checkout ``root``; its wall time in seconds."""
    t0 = time.perf_counter()
    proc = subprocess.run([str(root / ".venv" / "bin" / "pewstats"), *args], env=env, cwd=root,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{root}: pewstats {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def folder_of(files: list[Path], into: Path) -> Path:
    """A folder holding exactly ``files`` (copies, aged past the loader's settle time)."""
    into.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, into / f.name)
    return into


def one_round(name: str, root: Path, work: Path, args: argparse.Namespace, results: dict) -> None:
    for detect in (False, True):
        with fresh_database() as db:
            flags = ["--detect-fights"] if detect else []
            s = pewstats(root, env_for(db), "load", "telemetry", "--jobs", "2", *flags, str(work / "loader"))
            results.setdefault((f"load {args.matches} matches, 2 jobs" + (" + detect" if detect else ""), name), []).append(s)
    exclude = ["--exclude", *args.exclude_new] if name == "NEW" and args.exclude_new else []
    with fresh_database() as db:
        env = env_for(db)
        pewstats(root, env, "load", "telemetry", "--detect-fights", str(work / "history" / "telemetry"))
        pewstats(root, env, "load", "matches", str(work / "history" / "matches"))
        pewstats(root, env, "dbt", "seed")
        s = pewstats(root, env, "dbt", "build", *exclude)
        results.setdefault((f"first dbt build, {args.history} matches", name), []).append(s)
        pewstats(root, env, "load", "telemetry", "--detect-fights", str(work / "new" / "telemetry"))
        pewstats(root, env, "load", "matches", str(work / "new" / "matches"))
        s = pewstats(root, env, "dbt", "build", *exclude)
        results.setdefault((f"incremental dbt build, {args.new} new matches", name), []).append(s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old_root", metavar="OLD", type=Path, help="the checkout to compare against")
    ap.add_argument("new_root", metavar="NEW", type=Path, help="the checkout with the change")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--matches", type=int, default=20, help="matches of the loader runs")
    ap.add_argument("--scale", type=float, default=1.0, help="scale of the loader runs' matches")
    ap.add_argument("--history", type=int, default=200, help="matches before the incremental build")
    ap.add_argument("--new", type=int, default=20, help="matches of the incremental build")
    ap.add_argument("--history-scale", type=float, default=0.3)
    ap.add_argument("--exclude-new", nargs="*", default=[], help="dbt selectors NEW's builds leave out")
    args = ap.parse_args()
    versions = {"OLD": args.old_root.resolve(), "NEW": args.new_root.resolve()}
    for root in versions.values():
        if not (root / ".venv" / "bin" / "pewstats").exists():
            sys.exit(f"{root} has no .venv/bin/pewstats: make its venv first (see this file's docstring)")

    work = Path(__file__).resolve().parent / "out" / "versions"
    shutil.rmtree(work, ignore_errors=True)
    folder_of([t for t, _ in season(args.matches, args.scale)], work / "loader")
    pairs = season(args.history + args.new, args.history_scale)
    for part, chosen in (("history", pairs[:args.history]), ("new", pairs[args.history:])):
        folder_of([t for t, _ in chosen], work / part / "telemetry")
        folder_of([m for _, m in chosen], work / part / "matches")

    results: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        for name, root in versions.items():
            one_round(name, root, work, args, results)
            print(f"round {r + 1}/{args.rounds} {name} done", file=sys.stderr, flush=True)

    print(f"\nOLD = {versions['OLD']}\nNEW = {versions['NEW']}\n{args.rounds} rounds, seconds (median; every run)")
    print(f"{'what':44s} {'OLD':>8s} {'NEW':>8s} {'NEW/OLD':>8s}   runs OLD | NEW")
    for what in dict.fromkeys(w for w, _ in results):
        old, new = results[(what, "OLD")], results[(what, "NEW")]
        mo, mn = statistics.median(old), statistics.median(new)
        runs = f"{' '.join(f'{x:.1f}' for x in old)} | {' '.join(f'{x:.1f}' for x in new)}"
        print(f"{what:44s} {mo:8.2f} {mn:8.2f} {mn / mo:8.2f}   {runs}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
