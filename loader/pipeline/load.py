"""Loading files: find them, parse them (in parallel), land each in its own transaction.

Each file is read once and hashed while it is read (``loader.formats.jsonstream.FileSource``),
so the ledger's sha256 is that of the bytes parsed. Usually the worker that parses a file
reads it; a file of the same size as a file already loaded is read here first, to tell from
its hash whether it is that file (then it is not parsed at all) or a new version (then its
bytes go to the worker). Writing happens in this process, one file at a time, in the order
the files were named, so "the last version loaded wins" holds however many jobs parse ahead;
the sink's write checks the ledger again. ``load_files`` is the one load loop:
``pewstats load`` and ``pewstats run`` both call it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from loader.config import ReadLimits, Settings
from loader.errors import BadInputError, display_path, one_line
from loader.formats.jsonstream import FileSource
from loader.landing import open_sink
from loader.landing.base import FAILED, LOADED, SKIPPED, Failure, LoadRequest, Sink

if TYPE_CHECKING:
    from loader.landing.copytext import EncodedTelemetry

KINDS = ("telemetry", "matches", "fights")

# fault injection for the tests: a parse worker (never the loader itself) whose file's name
# contains this variable's value kills itself with SIGKILL, as the kernel's OOM killer would
KILL_PARSER_ENV = "PEWSTATS_TEST_KILL_PARSER"


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
    # CPU seconds by stage: the parsing worker's (read+flatten, detect, encode) and this
    # process's write (write_cpu) and its wall time (write_wall); for profiles, never stored
    timings: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        """One line, whatever the file's name or the reason holds (``loader.errors.one_line``)."""
        path = display_path(self.path)
        if self.status == FAILED:
            return f"error: {path}: {one_line(self.error or '')}"
        matches = one_line(",".join(self.match_ids))
        if self.status == SKIPPED:
            return f"skipped {path} (already loaded)"
        return f"loaded  {path} match={matches} rows={self.rows} ({self.seconds:.2f}s)"


def discover(paths: Iterable[str | Path], warn: Callable[[str], None] | None = None) -> list[Path]:
    """Files named, and every file below directories named (sorted; hidden files and
    ``.reason`` notes left out). Kinds are told by content, not by name. A folder that cannot
    be read is left out with a ``warning:`` line to ``warn`` (its files wait for a later run)."""

    def unreadable(exc: OSError) -> None:
        if warn is not None:
            where = display_path(exc.filename) if exc.filename else "a folder"
            warn(f"warning: {where}: cannot read this folder ({os_reason(exc)}); its files are not loaded")

    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            below: list[Path] = []
            for folder, dirs, files in os.walk(p, onerror=unreadable):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                below.extend(Path(folder, f) for f in files if not f.startswith(".") and not f.endswith(".reason"))
            found.extend(sorted(q for q in below if q.is_file()))
        else:
            found.append(p)
    return found


# -- parsing (runs in worker processes: top-level functions, picklable results) ----------


@dataclass(frozen=True)
class Skipped:
    """A file whose exact bytes are loaded already, told before parsing it."""

    sha256: str


def parse_file(
    kind: str,
    path: str,
    match_id: str | None = None,
    detect_fights: bool = False,
    data: bytes | None = None,
    sha256: str | None = None,
    limits: ReadLimits | None = None,
    copy_text: bool = False,
) -> LoadRequest | Failure:
    """Read and parse one file into a LoadRequest, or a Failure with a one-line reason
    (``data``, ``sha256``: the file's bytes and hash if they were read already; ``copy_text``:
    encode a telemetry file's compact tables as COPY text, ``loader.landing.copytext``)."""
    source = FileSource(path, data, sha256)
    _fault_injection(path)
    try:
        if kind == "telemetry":
            return _telemetry_request(source, match_id, detect_fights, limits, copy_text)
        if kind == "matches":
            from loader.formats.matches import parse_match_file

            mb = parse_match_file(source)
            return LoadRequest("matches", path, mb.sha256, mb.file_bytes, [mb.match_id], mb.rows, row_counts=mb.row_counts())
        if kind == "fights":
            from loader.formats.fights import parse_fight_file

            fb = parse_fight_file(source)
            return LoadRequest("fights", path, fb.sha256, fb.file_bytes, fb.match_ids, fb.rows, row_counts=fb.row_counts())
        raise ValueError(f"unknown kind {kind}")
    except BadInputError as exc:
        return _failure(kind, source, str(exc))
    except OSError as exc:  # missing, a directory, unreadable
        return _failure(kind, source, os_reason(exc))
    except MemoryError:
        return _failure(kind, source, "out of memory while parsing")
    except RecursionError:
        return _failure(kind, source, "JSON nested too deeply")


def _fault_injection(path: str) -> None:
    marker = os.environ.get(KILL_PARSER_ENV)
    if marker and marker in path and multiprocessing.parent_process() is not None:
        os.kill(os.getpid(), signal.SIGKILL)


def _failure(kind: str, source: FileSource, reason: str) -> Failure:
    """A failed file, named in the ledger by the hash of its whole content (if it can be read)."""
    try:
        sha256, size = source.finish()
    except OSError:
        source.close()
        return Failure(kind, str(source.path), reason)
    return Failure(kind, str(source.path), reason, sha256, size)


def _telemetry_request(
    source: FileSource, match_id: str | None, detect_fights: bool, limits: ReadLimits | None, copy_text: bool = False
) -> LoadRequest:
    from loader.formats.telemetry import parse_telemetry

    cpu = time.process_time()
    batch = parse_telemetry(source, match_id=match_id, keep_combat_events=detect_fights, limits=limits)
    timings = {"read+flatten": time.process_time() - cpu}
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
        timings["detect"] = time.process_time() - cpu - timings["read+flatten"]
    counts["json_bytes"] = stats.json_bytes
    encoded = None
    if copy_text:
        cpu = time.process_time()
        encoded = _encode(rows)
        for name in encoded.tables:
            del rows[name]
        timings["encode"] = time.process_time() - cpu
    return LoadRequest(
        "telemetry",
        str(source.path),
        stats.sha256,
        stats.compressed_bytes,
        [batch.match_id],
        rows,
        replace_kinds=kinds,
        row_counts=counts,
        encoded=encoded,
        timings=timings,
    )


def _encode(rows: dict[str, list[tuple]]) -> "EncodedTelemetry":
    """The compact tables of a telemetry file as COPY text (a value the compact layout cannot
    hold, such as too many characters in a match, is bad input: one line, nothing landed)."""
    import psycopg

    from loader.formats import layout, tables
    from loader.landing.copytext import encode_telemetry

    header = tables.TELEMETRY_MATCHES
    at, base = header.position("match_id"), header.position(layout.BASE_TIME)
    bases = {r[at]: r[base] for r in rows.get(header.name, [])}
    try:
        return encode_telemetry(rows, bases)
    except (ValueError, psycopg.DataError) as exc:  # psycopg: a value its COPY formatter refuses
        raise BadInputError(f"the file's rows cannot be stored: {one_line(str(exc))}") from exc


def os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


# -- orchestration --------------------------------------------------------------------------


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def make_executor(jobs: int, method: str | None = None) -> Executor | None:
    """A process pool for parsing, or None to parse in this process.

    Create it before opening any database connection: workers are forked (``method`` None);
    a pool made later (to replace one whose worker died) spawns its workers instead.
    """
    if jobs <= 1:
        return None
    if method is None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


class _Parsers:
    """The parse pool of one load, replaced when one of its workers dies (the kernel's OOM
    killer, a SIGKILL): every file that was in the dead pool is parsed once more, alone in a
    process of its own, so that a file whose parsing kills its process is told apart from the
    files that only shared the pool with it."""

    def __init__(self, executor: Executor | None, jobs: int) -> None:
        self.executor = executor
        self.jobs = jobs
        self.made_by: dict[Future, Executor] = {}  # the pool each pending future was submitted to

    def submit(self, args: tuple) -> Future:
        assert self.executor is not None
        try:
            future = self.executor.submit(parse_file, *args)
        except BrokenProcessPool:  # it died before one of its results told
            self._replace(self.executor)
            assert self.executor is not None
            future = self.executor.submit(parse_file, *args)
        self.made_by[future] = self.executor
        return future

    def result(self, future: Future, args: tuple) -> LoadRequest | Failure:
        pool = self.made_by.pop(future, None)
        try:
            return future.result()
        except BrokenProcessPool:
            self._replace(pool)
            return self._alone(args)

    def _replace(self, broken: Executor | None) -> None:
        """A new pool instead of ``broken``, if that is still the current one."""
        if broken is not None and broken is self.executor:
            broken.shutdown(wait=False, cancel_futures=True)
            self.executor = make_executor(max(2, self.jobs), "spawn")

    @staticmethod
    def _alone(args: tuple) -> LoadRequest | Failure:
        kind, path = args[0], args[1]
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as single:
            try:
                return single.submit(parse_file, *args).result()
            except BrokenProcessPool:
                return _failure(
                    kind, FileSource(path),
                    "the process parsing this file died twice (killed by the system: out of memory?); "
                    "it was not loaded",
                )

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown()


def _read_if_loaded(path: Path, loaded: dict[int, set[str]]) -> Skipped | tuple[bytes, str] | None:
    """A file as big as a loaded one is read (and hashed) here, before parsing: Skipped if it
    is that file, else its bytes and hash, for the parser. None: parse it from the disk."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # the parser says what is wrong with it
    if size not in loaded:
        return None
    source = FileSource(path)
    try:
        data = source.read_all()
    except OSError:
        return None
    if source.sha256 in loaded[size]:
        return Skipped(source.sha256)
    return data, source.sha256


def _parsed(
    parsers: _Parsers,
    kind: str,
    paths: list[Path],
    match_id: str | None,
    detect_fights: bool,
    loaded: dict[int, set[str]],
    window: int,
    limits: ReadLimits | None = None,
    copy_text: bool = False,
) -> Iterator[tuple[Path, LoadRequest | Failure | Skipped, float]]:
    """Parse results in input order, with at most ``window`` files parsed ahead."""

    def start(p: Path) -> tuple[Any, tuple]:
        known = _read_if_loaded(p, loaded)
        if isinstance(known, Skipped):
            return known, ()
        # parse_file's arguments in order (data, sha256: None when the file was not read here)
        args = (kind, str(p), match_id, detect_fights, *(known or (None, None)), limits, copy_text)
        return (parse_file(*args) if parsers.executor is None else parsers.submit(args)), args

    if parsers.executor is None:
        for p in paths:
            t0 = time.perf_counter()
            result, _ = start(p)
            yield p, result, time.perf_counter() - t0
        return
    pending: deque[tuple[Path, Any, tuple, float]] = deque()
    it = iter(paths)
    for p in it:
        pending.append((p, *start(p), time.perf_counter()))
        if len(pending) >= window:
            break
    while pending:
        p, item, args, t0 = pending.popleft()
        result = parsers.result(item, args) if isinstance(item, Future) else item
        yield p, result, time.perf_counter() - t0
        nxt = next(it, None)
        if nxt is not None:
            pending.append((nxt, *start(nxt), time.perf_counter()))


def prepare_raw_schema(settings: Settings) -> None:
    """Create the raw schema and its tables if they are missing (``pewstats init``)."""
    with open_sink(settings) as sink:
        sink.ensure_schema()


def load_files(
    settings: Settings,
    kind: str,
    paths: list[Path],
    *,
    match_id: str | None = None,
    detect_fights: bool = False,
    jobs: int = 0,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Load files of one kind into the target of ``settings`` (``jobs`` 0: one per core).
    Each file is all or nothing; failures are recorded and the rest goes on."""
    if match_id is not None and len(paths) > 1:
        raise BadInputError("--match-id names one match: give it one file at a time")
    jobs = jobs or default_jobs()
    workers = min(jobs, len(paths))
    parsers = _Parsers(make_executor(workers), workers)  # before the sink connects: workers are forked
    results: list[FileResult] = []
    try:
        with open_sink(settings) as sink:
            sink.ensure_schema()
            loaded = sink.loaded_versions(kind)
            window = max(2, 2 * jobs)
            for p, parsed, seconds in _parsed(
                parsers, kind, paths, match_id, detect_fights, loaded, window, settings.read_limits, sink.copy_text
            ):
                res = _land(sink, kind, p, parsed, seconds)
                results.append(res)
                if on_result:
                    on_result(res)
    finally:
        parsers.shutdown()
    return results


def _land(sink: Sink, kind: str, path: Path, parsed: LoadRequest | Failure | Skipped, seconds: float) -> FileResult:
    if isinstance(parsed, Skipped):
        return FileResult(str(path), kind, SKIPPED, seconds=seconds)
    if isinstance(parsed, Failure):
        if parsed.sha256 is not None and sink.is_loaded(parsed.sha256, kind):
            return FileResult(str(path), kind, SKIPPED, seconds=seconds)  # this very file is loaded already
        sink.record_failure(parsed)
        return FileResult(str(path), kind, FAILED, error=parsed.error, seconds=seconds)
    parsed.check_widths()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        status = sink.write(parsed)
    except BadInputError as exc:
        failure = Failure(kind, str(path), str(exc), parsed.sha256, parsed.file_bytes)
        sink.record_failure(failure)
        return FileResult(str(path), kind, FAILED, error=failure.error, seconds=seconds)
    timings = dict(parsed.timings, write_cpu=time.process_time() - cpu, write_wall=time.perf_counter() - wall)
    rows = parsed.row_total()
    return FileResult(
        str(path),
        kind,
        status,
        match_ids=list(parsed.match_ids),
        rows=rows if status == LOADED else 0,
        row_counts=parsed.row_counts,
        json_bytes=int(parsed.row_counts.get("json_bytes", parsed.file_bytes) or 0),
        seconds=seconds,
        timings=timings,
    )
