"""Where the loader's time goes: CPU by stage and by process, for ``bench_pipeline.py loader``.

``BackendCpu`` samples the CPU time of PostgreSQL's backends serving one database (from
``/proc``, so only when the server runs on this machine) while a load runs; ``profile_load``
runs ``load_files`` in this process (as ``pewstats load telemetry`` does) and adds up the
stage timings each file reports (``FileResult.timings``): the parsing worker's CPU for
read + flatten, detection and encoding, the writer's CPU and wall time per file, this
process's and the workers' CPU (``getrusage``) and PostgreSQL's backends' CPU.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float | None:
    """utime + stime of a process in seconds, or None if /proc does not show it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


class BackendCpu:
    """CPU seconds of the backends of database ``db``, sampled every ``every`` seconds
    (a backend's last sample is at most that much older than its exit)."""

    def __init__(self, db: str, every: float = 0.05) -> None:
        self.db, self.every = db, every
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.seen = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(host=os.environ.get("PGHOST", "127.0.0.1"), port=int(os.environ.get("PGPORT", "5432")),
                             user=os.environ.get("PGUSER", "postgres"), dbname="postgres", autocommit=True) as conn:
            while not self._stop.is_set():
                pids = [r[0] for r in conn.execute("select pid from pg_stat_activity where datname = %s", (self.db,))]
                for pid in pids:
                    cpu = _proc_cpu(pid)
                    if cpu is None:
                        continue
                    self.seen = True
                    self.first.setdefault(pid, cpu)  # a backend is new when first seen: its CPU so far counts
                    self.last[pid] = cpu
                self._stop.wait(self.every)

    def __enter__(self) -> "BackendCpu":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def total(self) -> float | None:
        return sum(self.last.values()) if self.seen else None


def _rusage_cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


@contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def profile_load(files: list[Path], jobs: int, detect: bool, db: str, env: dict[str, str]) -> dict[str, float]:
    """Load ``files`` into ``db`` in this process; seconds by stage and process (totals)."""
    from loader.config import Settings
    from loader.pipeline.load import load_files

    with _environment(env):
        settings = Settings.from_env()
        self0, kids0 = _rusage_cpu(resource.RUSAGE_SELF), _rusage_cpu(resource.RUSAGE_CHILDREN)
        with BackendCpu(db) as pg:
            t0 = time.perf_counter()
            results = load_files(settings, "telemetry", files, detect_fights=detect, jobs=jobs)
            wall = time.perf_counter() - t0
            time.sleep(2 * pg.every)
        bad = [r.line() for r in results if r.status != "loaded"]
        if bad:
            raise SystemExit("profile load failed: " + "; ".join(bad[:3]))
    sums: dict[str, float] = defaultdict(float)
    for r in results:
        for stage, seconds in getattr(r, "timings", {}).items():  # older loaders report none
            sums[stage] += seconds
    sums["wall"] = wall
    sums["loader process cpu"] = _rusage_cpu(resource.RUSAGE_SELF) - self0
    if jobs > 1:
        sums["workers cpu"] = _rusage_cpu(resource.RUSAGE_CHILDREN) - kids0
    backend = pg.total()
    if backend is not None:
        sums["postgres backend cpu"] = backend
    return dict(sums)


STAGES = (
    ("read+flatten", "worker: inflate, read, flatten (CPU)"),
    ("detect", "worker: fight detection (CPU)"),
    ("encode", "worker: compact rows + COPY text (CPU)"),
    ("write_cpu", "writer: Sink.write (CPU)"),
    ("write_wall", "writer: Sink.write (wall)"),
    ("loader process cpu", "loader process, all (CPU)"),
    ("workers cpu", "parse workers, all (CPU)"),
    ("postgres backend cpu", "PostgreSQL backend (CPU)"),
    ("wall", "wall time"),
)


def print_profile(n: int, profiles: dict[str, dict[str, float]]) -> None:
    """One column per profiled run, one line per stage: milliseconds per match."""
    names = list(profiles)
    print(f"\nloader profile: ms per match ({n} matches), in-process load_files; CPU from getrusage, /proc")
    print(f"{'stage':44} " + " ".join(f"{name:>16}" for name in names))
    for key, label in STAGES:
        if not any(key in p for p in profiles.values()):
            continue
        cells = [f"{profiles[name][key] / n * 1000:16.1f}" if key in profiles[name] else f"{'':>16}" for name in names]
        print(f"{label:44} " + " ".join(cells))
    for name in names:
        p = profiles[name]
        cpu = p.get("loader process cpu", 0) + p.get("workers cpu", 0) + p.get("postgres backend cpu", 0)
        print(f"  {name}: {cpu / n * 1000:.0f} ms of CPU per match in all ({n / p['wall']:.2f} matches/s;"
              f" 2 cores give at most {2 * n / cpu:.2f} matches/s at that CPU)")
