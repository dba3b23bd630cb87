"""``pewstats run``: what cron calls. Load the inbox, build with dbt, report.

One run at a time (``loader.landing.locks``: a PostgreSQL advisory lock, or a lock file
beside the DuckDB file).
Only files that are complete are taken: a file whose name ends in ``.partial`` or ``.tmp``, or
that was modified less than ``min_age`` seconds ago, is left in the inbox for a later run
(writers either rename a finished file into the inbox or just write it: it settles).
Files that loaded (or were already loaded) move to the archive, failed ones to the
quarantine with a ``.reason`` note beside them; a quarantined file that changes afterwards
(its writer was still writing it) goes back to the inbox at the next run. Then ``dbt build``
runs through dbt's programmatic runner, and the run writes a JSON summary and Prometheus
metrics in the node-exporter textfile format.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from loader import exitcodes
from loader.config import Settings
from loader.errors import InfrastructureError, display_path, one_line
from loader.landing.locks import RunLocked, run_lock
from loader.pipeline.dbt import dbt_build
from loader.pipeline.load import FileResult, default_jobs, discover, load_files

INBOX_KINDS = ("matches", "telemetry", "fights")  # match objects first: telemetry then finds its bucket
UNFINISHED_SUFFIXES = (".partial", ".tmp")  # files still being written, by the rename convention

# what dbt's failed nodes say when the database, not the project, failed: a restart or a
# crash, a lost connection, a full disk (exit 3, not 4)
_INFRASTRUCTURE_PATTERNS = re.compile(
    "|".join(
        (
            r"no space left on device", r"disk full", r"could not extend file", r"could not write",
            r"server closed the connection", r"terminating connection", r"connection already closed",
            r"connection to server .* failed", r"could not connect to server", r"connection refused",
            r"the database system is (shutting down|starting up|in recovery mode)", r"server conn crashed",
            r"ssl syscall error", r"eof detected", r"connection (is )?(bad|lost|closed)", r"io error",
            r"database has been invalidated", r"out of memory",
        )
    ),
    re.IGNORECASE,
)


def pending_files(inbox: Path) -> int:
    """Files waiting in the inbox (for the progress bar)."""
    if not inbox.is_dir():
        return 0
    return sum(1 for k in INBOX_KINDS for p in (inbox / k).rglob("*") if p.is_file())


@dataclass
class RunSummary:
    started_at: str
    finished_at: str = ""
    duration_seconds: float = 0.0
    target: str = ""
    full_refresh: bool = False
    full_tests: bool = False
    exit_code: int = 0
    outcome: str = "success"
    files_loaded: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    rows_landed: int = 0
    dbt_success: bool | None = None
    dbt_nodes: int = 0
    dbt_unit_tests: int = 0
    dbt_tests_failed: int = 0
    dbt_models_failed: int = 0
    dbt_warnings: int = 0
    error: str | None = None
    last_success_at: str | None = None
    failed_files: list[dict[str, str]] = field(default_factory=list)


_STAT_LINE = re.compile(r"^file: (\d+) bytes, mtime_ns (\d+)$")


def _move(path: Path, inbox: Path, dest_root: Path, reason: str | None = None) -> None:
    rel = path.relative_to(inbox)
    dest = dest_root / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest = dest.with_name(f"{dest.name}.{int(time.time() * 1000)}")
    shutil.move(str(path), dest)
    if reason is not None:
        st = dest.stat()  # the file as it was judged: if it changes, it is judged again
        note = f"{one_line(reason)}\nfile: {st.st_size} bytes, mtime_ns {st.st_mtime_ns}\n"
        _reason_path(dest).write_text(note, encoding="utf-8")


def _reason_path(path: Path) -> Path:
    return path.with_name(path.name + ".reason")


def requeue_changed(quarantine: Path, inbox: Path, log: Callable[[str], None]) -> int:
    """Move back to the inbox every quarantined file that changed since it was quarantined
    (a file still being written when it was judged, completed since): it is judged again.
    A quarantined file that stays as it was stays in quarantine. Returns how many moved."""
    moved = 0
    for kind in INBOX_KINDS:
        folder = quarantine / kind
        if not folder.is_dir():
            continue
        for note in sorted(folder.rglob("*.reason")):
            path = note.with_name(note.name[: -len(".reason")])
            try:
                lines = note.read_text(encoding="utf-8").splitlines()
                st = path.stat()
            except OSError:
                continue
            m = _STAT_LINE.match(lines[-1]) if lines else None
            if m is None or (int(m.group(1)), int(m.group(2))) == (st.st_size, st.st_mtime_ns):
                continue
            dest = inbox / path.relative_to(quarantine)
            if dest.exists():
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), dest)
            note.unlink()
            log(f"requeued {display_path(dest)}: it changed since it was quarantined")
            moved += 1
    return moved


def ready_files(files: list[Path], min_age: float, now: float | None = None) -> tuple[list[Path], list[Path]]:
    """Files complete enough to take (``min_age`` seconds unmodified, not named as unfinished),
    and those left for a later run."""
    now = time.time() if now is None else now
    ready: list[Path] = []
    waiting: list[Path] = []
    for p in files:
        if p.name.endswith(UNFINISHED_SUFFIXES):
            waiting.append(p)
            continue
        try:
            age = now - p.stat().st_mtime
        except OSError:
            age = min_age  # the loader says what is wrong with it
        (ready if age >= min_age else waiting).append(p)
    return ready, waiting


def load_inbox(
    settings: Settings,
    inbox: Path,
    archive: Path,
    quarantine: Path,
    *,
    detect_fights: bool,
    jobs: int,
    on_result: Callable[[FileResult], None] | None = None,
    min_age: float = 0.0,
    log: Callable[[str], None] = print,
) -> list[FileResult]:
    results: list[FileResult] = []
    requeue_changed(quarantine, inbox, log)
    for kind in INBOX_KINDS:
        folder = inbox / kind
        files = discover([folder], warn=log) if folder.is_dir() else []
        files, waiting = ready_files(files, min_age)
        if waiting:
            log(
                f"waiting: {len(waiting)} {kind} files still being written (modified less than {min_age:g}s ago"
                f" or named {'/'.join(UNFINISHED_SUFFIXES)}), left for the next run"
            )
        if not files:
            continue
        kind_results = load_files(
            settings, kind, files, detect_fights=detect_fights and kind == "telemetry", jobs=jobs, on_result=on_result
        )
        for res in kind_results:
            p = Path(res.path)
            if res.status == "failed":
                _move(p, inbox, quarantine, res.error)
            else:
                _move(p, inbox, archive)
        results.extend(kind_results)
    return results


def previous_success(summary_path: Path | None) -> str | None:
    if summary_path is None or not summary_path.exists():
        return None
    try:
        prev = json.loads(summary_path.read_text())
    except (OSError, ValueError):
        return None
    if prev.get("outcome") == "success":
        return prev.get("finished_at")
    return prev.get("last_success_at")


def infrastructure_error(messages: list[str]) -> str | None:
    """The line of dbt's error messages that says the database failed (restarted, crashed,
    lost the connection, ran out of disk), or None if the project failed. A full disk is
    named first: it is the cause of the rollback errors that follow it."""
    lines = [line.strip() for m in messages for line in m.splitlines() if line.strip()]
    for line in lines:
        if "no space left on device" in line.lower():
            return line
    for line in lines:
        if _INFRASTRUCTURE_PATTERNS.search(line):
            return line
    return None


def write_metrics(path: Path, summary: RunSummary) -> None:
    """Prometheus textfile-collector format, written atomically."""
    def ts(value: str | None) -> float:
        return datetime.fromisoformat(value).timestamp() if value else 0.0

    lines = [
        "# HELP pewstats_run_last_success_timestamp_seconds End of the last successful run.",
        "# TYPE pewstats_run_last_success_timestamp_seconds gauge",
        f"pewstats_run_last_success_timestamp_seconds {ts(summary.last_success_at):.3f}",
        "# HELP pewstats_run_duration_seconds Duration of the last run.",
        "# TYPE pewstats_run_duration_seconds gauge",
        f"pewstats_run_duration_seconds {summary.duration_seconds:.3f}",
        "# HELP pewstats_run_exit_code Exit code of the last run (0 success).",
        "# TYPE pewstats_run_exit_code gauge",
        f"pewstats_run_exit_code {summary.exit_code}",
        "# HELP pewstats_run_files Files handled by the last run, by outcome.",
        "# TYPE pewstats_run_files gauge",
        f'pewstats_run_files{{status="loaded"}} {summary.files_loaded}',
        f'pewstats_run_files{{status="skipped"}} {summary.files_skipped}',
        f'pewstats_run_files{{status="failed"}} {summary.files_failed}',
        "# HELP pewstats_run_rows_landed Rows landed in the raw tables by the last run.",
        "# TYPE pewstats_run_rows_landed gauge",
        f"pewstats_run_rows_landed {summary.rows_landed}",
        "# HELP pewstats_run_dbt_tests_failed dbt data tests that failed in the last run.",
        "# TYPE pewstats_run_dbt_tests_failed gauge",
        f"pewstats_run_dbt_tests_failed {summary.dbt_tests_failed}",
        "# HELP pewstats_run_dbt_models_failed dbt models that failed in the last run.",
        "# TYPE pewstats_run_dbt_models_failed gauge",
        f"pewstats_run_dbt_models_failed {summary.dbt_models_failed}",
    ]
    _atomic_write(path, "\n".join(lines) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run(
    settings: Settings,
    inbox: Path,
    archive: Path,
    quarantine: Path,
    *,
    full_refresh: bool = False,
    full_tests: bool = False,
    detect_fights: bool = True,
    jobs: int = 0,
    summary_path: Path | None = None,
    metrics_path: Path | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    log: Callable[[str], None] = print,
    quiet_dbt: bool = False,
    min_age: float = 0.0,
) -> RunSummary:
    """Load the inbox, build, report. Every outcome ends in a summary and an exit code: an
    unexpected error too (``CRASHED``, never 1: 1 is only "some files quarantined")."""
    started = time.perf_counter()
    summary = RunSummary(
        started_at=datetime.now(timezone.utc).isoformat(),
        target=settings.describe(),
        full_refresh=full_refresh,
        full_tests=full_tests,
        last_success_at=previous_success(summary_path),
    )
    try:
        with run_lock(settings):
            results = load_inbox(
                settings, inbox, archive, quarantine, detect_fights=detect_fights, jobs=jobs or default_jobs(),
                on_result=on_result, min_age=min_age, log=log,
            )
            summary.files_loaded = sum(r.status == "loaded" for r in results)
            summary.files_skipped = sum(r.status == "skipped" for r in results)
            summary.files_failed = sum(r.status == "failed" for r in results)
            summary.rows_landed = sum(r.rows for r in results)
            summary.failed_files = [
                {"path": display_path(r.path), "error": one_line(r.error or "")} for r in results if r.status == "failed"
            ]
            log(f"loaded {summary.files_loaded}, skipped {summary.files_skipped}, failed {summary.files_failed} files")
            log("dbt build" + (" --full-refresh" if full_refresh else "") + (" with every test" if full_tests else ""))
            dbt = dbt_build(settings, full_refresh, quiet=quiet_dbt, full_tests=full_tests)
            summary.dbt_success = dbt["success"]
            summary.dbt_nodes = dbt["nodes"]
            summary.dbt_unit_tests = dbt["unit_tests"]
            summary.dbt_tests_failed = dbt["tests_failed"]
            summary.dbt_models_failed = dbt["models_failed"]
            summary.dbt_warnings = dbt["warnings"]
            if not summary.dbt_success:
                infrastructure = infrastructure_error(dbt.get("errors", []))
                if infrastructure is not None:
                    raise InfrastructureError(f"dbt build failed on the database, not the project: {infrastructure}")
        if not summary.dbt_success:
            summary.exit_code, summary.outcome = exitcodes.DBT_FAILED, "dbt_failed"
        elif summary.files_failed:
            summary.exit_code, summary.outcome = exitcodes.LOAD_FAILED, "load_failed"
    except RunLocked as exc:
        summary.exit_code, summary.outcome, summary.error = exitcodes.LOCKED, "locked", str(exc)
    except InfrastructureError as exc:
        summary.exit_code, summary.outcome, summary.error = exitcodes.INFRASTRUCTURE, "infrastructure_error", str(exc)
    except OSError as exc:
        summary.exit_code, summary.outcome, summary.error = exitcodes.INFRASTRUCTURE, "infrastructure_error", f"{exc}"
    except Exception as exc:  # a bug: say so in one line, keep the traceback, write the summary
        traceback.print_exc()
        summary.exit_code, summary.outcome = exitcodes.CRASHED, "crashed"
        summary.error = f"unexpected {type(exc).__name__}: {one_line(str(exc))[:500]} (a bug: the traceback is above)"
    if summary.error:
        summary.error = one_line(summary.error)
    summary.finished_at = datetime.now(timezone.utc).isoformat()
    summary.duration_seconds = round(time.perf_counter() - started, 3)
    if summary.outcome == "success":
        summary.last_success_at = summary.finished_at
    if summary.outcome != "locked":  # a refused run must not overwrite the running one's report
        if summary_path is not None:
            _atomic_write(summary_path, json.dumps(asdict(summary), indent=2) + "\n")
        if metrics_path is not None:
            write_metrics(metrics_path, summary)
    return summary
