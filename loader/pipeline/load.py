"""Loading files: find them, parse them (in parallel), land each in its own transaction.

Parsing is pure and runs in worker processes; writing happens in this process, one file
at a time, in the order the files were named, so "the last version loaded wins" holds
however many jobs parse ahead.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from loader.errors import BadInputError
from loader.landing.base import FAILED, LOADED, SKIPPED, Failure, LoadRequest, Sink

KINDS = ("telemetry", "matches", "fights")


@dataclass
class FileResult:
    path: str
    kind: str
    status: str  # loaded | skipped | failed
    match_ids: list[str] = field(default_factory=list)
    rows: int = 0
    row_counts: dict = field(default_factory=dict)
    error: str | None = None
    json_bytes: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        if self.status == FAILED:
            return f"error: {self.path}: {self.error}"
        matches = ",".join(self.match_ids)
        if self.status == SKIPPED:
            return f"skipped {self.path} (already loaded)"
        return f"loaded  {self.path} match={matches} rows={self.rows} ({self.seconds:.2f}s)"


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every file below directories named (sorted; hidden files and
    ``.reason`` notes left out). Kinds are told by content, not by name."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.is_file() and not sub.name.startswith(".") and not sub.name.endswith(".reason"):
                    found.append(sub)
        else:
            found.append(p)
    return found


def file_sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


# -- parsing (runs in worker processes: top-level functions, picklable results) ----------


def parse_file(kind: str, path: str, match_id: str | None = None, detect_fights: bool = False) -> LoadRequest | Failure:
    """Parse one file into a LoadRequest, or a Failure with a one-line reason."""
    try:
        if kind == "telemetry":
            return _parse_telemetry(path, match_id, detect_fights)
        if kind == "matches":
            from loader.formats.matches import parse_match_file

            mb = parse_match_file(path)
            return LoadRequest("matches", path, mb.sha256, mb.file_bytes, [mb.match_id], mb.rows, row_counts=mb.row_counts())
        if kind == "fights":
            from loader.formats.fights import parse_fight_file

            fb = parse_fight_file(path)
            return LoadRequest("fights", path, fb.sha256, fb.file_bytes, fb.match_ids, fb.rows, row_counts=fb.row_counts())
        raise ValueError(f"unknown kind {kind}")
    except BadInputError as exc:
        return Failure(kind, path, str(exc))
    except FileNotFoundError:
        return Failure(kind, path, "no such file")
    except IsADirectoryError:
        return Failure(kind, path, "is a directory")
    except PermissionError:
        return Failure(kind, path, "permission denied")
    except MemoryError:
        return Failure(kind, path, "out of memory while parsing")
    except RecursionError:
        return Failure(kind, path, "JSON nested too deeply")


def _parse_telemetry(path: str, match_id: str | None, detect_fights: bool) -> LoadRequest:
    from loader.formats.telemetry import parse_telemetry

    batch = parse_telemetry(path, match_id=match_id, keep_combat_events=detect_fights)
    stats = batch.stats
    rows = dict(batch.rows)
    counts = batch.row_counts()
    kinds: tuple[str, ...] = ("telemetry",)
    if detect_fights:
        from loader.detection.detector import detect_fights as run_detector
        from loader.formats.fights import FightRows

        fights = FightRows([batch.match_id])  # a match where none is found still gets its detection row
        for number, fight in enumerate(run_detector(batch.match_id, batch.combat_events), start=1):
            fights.add(fight, number)
        fb = fights.batch(stats.sha256, stats.compressed_bytes)
        rows.update(fb.rows)
        counts.update(fb.row_counts())
        kinds = ("telemetry", "fights")
    counts["json_bytes"] = stats.json_bytes
    return LoadRequest(
        "telemetry",
        path,
        stats.sha256,
        stats.compressed_bytes,
        [batch.match_id],
        rows,
        replace_kinds=kinds,
        row_counts=counts,
    )


# -- orchestration --------------------------------------------------------------------------


def make_executor(jobs: int) -> Executor | None:
    """A process pool for parsing, or None to parse in this process.

    Create it before opening any database connection: workers are forked.
    """
    if jobs <= 1:
        return None
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


def _parsed(
    executor: Executor | None, kind: str, paths: list[Path], match_id: str | None, detect_fights: bool, window: int
) -> Iterator[tuple[Path, LoadRequest | Failure, float]]:
    """Parse results in input order, with at most ``window`` files parsed ahead."""
    if executor is None:
        for p in paths:
            t0 = time.perf_counter()
            yield p, parse_file(kind, str(p), match_id, detect_fights), time.perf_counter() - t0
        return
    pending: deque[tuple[Path, Future, float]] = deque()
    it = iter(paths)
    for p in it:
        pending.append((p, executor.submit(parse_file, kind, str(p), match_id, detect_fights), time.perf_counter()))
        if len(pending) >= window:
            break
    while pending:
        p, fut, t0 = pending.popleft()
        result = fut.result()
        yield p, result, time.perf_counter() - t0
        nxt = next(it, None)
        if nxt is not None:
            pending.append((nxt, executor.submit(parse_file, kind, str(nxt), match_id, detect_fights), time.perf_counter()))


def load_paths(
    sink: Sink,
    kind: str,
    paths: list[Path],
    *,
    match_id: str | None = None,
    detect_fights: bool = False,
    executor: Executor | None = None,
    jobs: int = 1,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Load files of one kind. Each file is all or nothing; failures are recorded and the rest goes on."""
    if match_id is not None and len(paths) > 1:
        raise BadInputError("--match-id names one match: give it one file at a time")
    sink.ensure_schema()
    results: list[FileResult] = []
    todo: list[Path] = []
    for p in paths:
        try:
            sha, _size = file_sha256(p)
        except OSError as exc:
            res = FileResult(str(p), kind, FAILED, error=_os_reason(exc))
            sink.record_failure(Failure(kind, str(p), res.error or ""))
            results.append(res)
            if on_result:
                on_result(res)
            continue
        if sink.is_loaded(sha, kind):
            res = FileResult(str(p), kind, SKIPPED)
            results.append(res)
            if on_result:
                on_result(res)
            continue
        todo.append(p)

    for p, parsed, seconds in _parsed(executor, kind, todo, match_id, detect_fights, window=max(2, 2 * jobs)):
        if isinstance(parsed, Failure):
            sha, size = _safe_sha(p)
            parsed.sha256, parsed.file_bytes = sha, size
            sink.record_failure(parsed)
            res = FileResult(str(p), kind, FAILED, error=parsed.error, seconds=seconds)
        else:
            parsed.check_widths()
            try:
                status = sink.write(parsed)
            except BadInputError as exc:
                failure = Failure(kind, str(p), str(exc), parsed.sha256, parsed.file_bytes)
                sink.record_failure(failure)
                res = FileResult(str(p), kind, FAILED, error=failure.error, seconds=seconds)
                results.append(res)
                if on_result:
                    on_result(res)
                continue
            rows = sum(len(r) for r in parsed.rows.values())
            res = FileResult(
                str(p),
                kind,
                status,
                match_ids=list(parsed.match_ids),
                rows=rows if status == LOADED else 0,
                row_counts=parsed.row_counts,
                json_bytes=int(parsed.row_counts.get("json_bytes", parsed.file_bytes) or 0),
                seconds=seconds,
            )
        results.append(res)
        if on_result:
            on_result(res)
    return results


def _os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


def _safe_sha(p: Path) -> tuple[str | None, int | None]:
    try:
        return file_sha256(p)
    except OSError:
        return None, None


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def is_interactive() -> bool:
    return sys.stderr.isatty()
