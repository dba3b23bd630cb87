"""Telemetry file reader: JSON framing of the event array, nothing about the database.

A telemetry file is one JSON array of event objects (``"_T"`` = event type, ``"_D"`` =
timestamp). It may be plain JSON, gzip, or gzip of gzip (``loader.formats.jsonstream`` reads
the file once, hashes it and removes the layers, detected from the content).

``iter_events`` streams the decompressed JSON in chunks of about 1 MiB and hands out only the
events whose type is wanted, parsed with ``orjson``; other events are delimited and checked
without building Python objects for them. Memory holds one decompressed chunk plus the event
that straddles the chunk boundary.

The compiled scanner (the fast path where it is built)
-----------------------------------------------------
``loader/formats/_scan.c``, compiled at install (pyproject.toml's ext-modules), reads runs
of consecutive events in the buffer and checks each one completely: the whole JSON grammar
(every string, escape, number and literal, UTF-8, raw control bytes, nesting depth) and a
string ``"_T"`` as the object's last top-level ``"_T"`` key, as orjson decides it. It hands
back where the wanted events are; they are parsed with ``orjson.loads``; the others are
counted. It only certifies: at the first event it cannot certify (malformed, or outside what
it decides: an escaped top-level key, a lone surrogate escape, an integer of more than 18
digits, a number over 64 bytes or with an exponent of more than 2 digits, an event that goes
on past the buffer) it stops and the exact slow path below reads that event. So on this
path the reader's verdict on any input is orjson's: the gap described at the end does not
exist. About 1 GB/s; the Python fast path below, used where no C compiler was found at
install, reads the same files about 3x slower. ``tests/python/test_reader.py`` runs every
test on both.

How events are delimited (the Python fast path)
-----------------------------------------------
The separator between two events (``},{`` in PUBG's single-line files, ``},\\n  {`` in
pretty-printed ones; in general ``}`` ws ``,`` ws ``{``) is learnt from the first two events,
and learnt again when it stops matching (see "Linear time" below).
Each chunk is split on it with ``bytes.split``; a piece is a candidate event (its text minus
the braces). ``bytes.translate`` reduces the chunk to a *skeleton* that keeps only the bytes
``"{}[]:,\\`` and the control bytes 0x00-0x1f; events of the same shape have the same
skeleton (whitespace between tokens other than newlines, tabs and CRs, every letter and digit
and all string contents except those bytes vanish), so the skeleton's verdict is computed once
in Python and cached. The verdict says whether ``{`` + piece + ``}`` is exactly one object
(strings terminated, brackets balanced and matched, keys followed by ``:``, members and
elements separated by ``,``, no raw control byte inside a string or outside whitespace,
nesting within orjson's limit), whether it is only the beginning of one (the separator was
inside the event, e.g. between the objects of an inner array or inside a string: the next
piece is appended), or whether the exact slow path must decide. The event type is read from
the raw bytes at the last ``"_T"`` key, which the skeleton proves to be the object's top-level
key (``orjson`` keeps the last of duplicate keys too). Wanted events are then parsed with
``orjson.loads`` (which checks them fully); skipped events are not parsed.

The slow path (exact, per event) handles whatever the fast path does not certify: the first
event, events containing a backslash (escaped strings), events not followed by the learnt
separator (irregular whitespace), events whose ``"_T"`` is missing, not a string or not found
where expected, the last event of the file, and anything malformed. It finds the end of the
event with a tokenizer that honours escapes and checks bracket matching and nesting depth,
then parses the event with ``orjson.loads`` (so a skipped event on this path *is* parsed,
then dropped) and reports orjson's verdict.

Linear time, bounded memory
---------------------------
When the fast path finds no separator after the event at hand in the whole buffer, either the
event goes on past the buffer or the file changed its separator (``},\n{`` once, then
``},{``, as a re-serialising tool writes). The slow path reads that one event (with more bytes
if it needs them) and the separator after it is learnt. A second such failure in the same
buffer, or 64 slow events in a row inside the fast path, leaves the rest of the buffer to the
slow path. So each byte is scanned by a failing fast path at most twice and the cost is
linear in the file's size, whatever the whitespace. Whitespace between events is consumed as
it is read (never buffered); an event's text may be at most ``ReadLimits.max_event_mib``
(checked wherever it is read, so the buffer never holds much more than two events of that
size) and the file at most ``ReadLimits.max_inflate_mib`` (``loader.formats.jsonstream``).

What is checked, and the one gap
--------------------------------
Always rejected (``BadInputError``), wherever it is, skipped events included: truncation at
any byte, corrupt or truncated gzip, empty input, invalid UTF-8 anywhere (incremental
decoder over the whole stream), a top-level value that is not an array, elements that are not
objects, events without a string ``"_T"``, unbalanced or mismatched braces/brackets,
unterminated strings, raw control characters, missing or doubled ``:``/``,`` between
strings and containers, trailing garbage after the array, nesting deeper than orjson allows.
Wanted events and every slow-path event are checked by ``orjson`` itself.

Not detected inside a *skipped* event on the Python fast path (the compiled one has no such
gap): the text of scalar tokens and what
lies between tokens is not looked at, because the skeleton drops letters, digits and spaces.
So an invalid number or literal (``01``, ``1.``, ``tru``, ``NaN``, ``1e400``), a missing
scalar (``"a":,``), a trailing comma after a scalar (``[1,]``), two scalars or a scalar and
a string without a comma between them (``[1 2]``, ``"a":1"b"``), or stray letters/digits/
spaces between tokens are accepted in an event that is not wanted. ``tests/python/
test_reader.py`` checks with hypothesis that every other malformation is rejected exactly as
``orjson`` rejects it and that an accepted malformation never changes the wanted events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, compress, count, repeat
from operator import and_, not_
from typing import Iterator

import orjson

from loader.config import MIB, ReadLimits
from loader.errors import BadInputError
from loader.formats.jsonstream import Source, as_source, json_chunks, open_json_stream

try:  # the compiled fast path, built at install from _scan.c (pyproject.toml's ext-modules)
    from loader.formats._scan import scan as _compiled_scan
except ImportError:  # no C compiler at install: the Python fast path below reads every file
    _compiled_scan = None

SCANNER = "compiled" if _compiled_scan is not None else "python"  # which fast path iter_events uses

COMBAT_EVENT_TYPES: frozenset[str] = frozenset({"LogPlayerTakeDamage", "LogPlayerMakeGroggy", "LogPlayerKillV2"})
LOADER_EVENT_TYPES: frozenset[str] = COMBAT_EVENT_TYPES | frozenset({"LogMatchDefinition", "LogMatchStart", "LogPlayerKill"})

ORJSON_MAX_DEPTH = 1024  # orjson accepts 1024 nested arrays/objects and rejects 1025
_MAX_EVENT_DEPTH = ORJSON_MAX_DEPTH - 1  # the events array is one level
_TAILS_LIMIT = 64  # distinct tails of unwanted events ('"_T":"LogX"') remembered per file
_MAX_MERGE = 16  # pieces glued into one event (inner separators) before the slow path takes over
_MAX_SEP = 64  # longest separator the fast path learns (more whitespace than that: the slow path)
_MAX_SLOW_RUN = 64  # consecutive slow events in the fast path before it learns the separator again


@dataclass(frozen=True)
class TelemetryEvent:
    index: int  # 0-based position in the file's array, counting every event
    type: str  # the "_T" value
    data: dict  # the whole event object


@dataclass
class ReadStats:
    total_events: int = 0
    selected_events: int = 0
    compressed_bytes: int = 0  # bytes of the file on disk
    json_bytes: int = 0  # bytes of decompressed JSON
    sha256: str = ""  # hex sha256 of the file's bytes on disk


def full_parse(path: Source) -> list[dict]:
    """Reference reader: decompress everything, ``orjson.loads`` it, return the list."""
    with open_json_stream(path) as stream:
        text = stream.read()
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BadInputError(f"invalid JSON at byte offset {exc.pos}: {exc.msg}") from None
    if not isinstance(doc, list):
        raise BadInputError(f"top-level JSON value is {_kind(doc)}, expected an array of events")
    return doc


# ----------------------------------------------------------------------------------------
# skeletons: the structural bytes of an event, judged once per distinct shape

_KEEP = frozenset(b'"{}[]:,\\\x7f') | frozenset(range(0x20))
_DELETE = bytes(b for b in range(256) if b not in _KEEP)
# a valid escape (a surrogate only as a high+low pair, as orjson demands) becomes one 0x7f byte,
# which the skeleton keeps: fine inside a string, an error outside one
_ESCAPE_SUB = re.compile(
    rb'\\(?:["\\/bfnrt]|u(?![dD][89a-fA-F])[0-9a-fA-F]{4}|u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})'
).sub


def _skeleton(text: bytes) -> bytes:
    """The skeleton of raw JSON text: escapes folded, then only the kept bytes."""
    if b"\\" in text:
        text = _ESCAPE_SUB(b"\x7f", text)
    return text.translate(None, _DELETE)

_SLOW = 0  # verdict: let the exact slow path decide
_MORE = 1  # verdict: a valid beginning of an object; the separator was inside it
_CACHE: dict[bytes, object] = {}
_VALID: set[bytes] = set()  # the skeletons whose verdict is a dict (one valid object)  # skeleton -> _SLOW | _MORE | {reverse quote ordinal of a top-level key: value is a string}
_CACHE_LIMIT = 50_000

# expectation states of the skeleton grammar
_E_VALUE, _E_KEY_OR_CLOSE, _E_KEY, _E_COLON, _E_VALUE_OR_CLOSE, _E_COMMA_OR_CLOSE = range(6)


def _skeleton_scan(s: bytes, complete: bool):
    """Judge a skeleton that starts with '{'.

    complete=True: a dict {reverse quote ordinal of each top-level key: its value is a string}
    if s is exactly one object, else None. complete=False: True if s is a proper beginning of
    one object (more text could complete it), else False. A scalar value is invisible in a
    skeleton, so an empty value slot counts as a scalar.
    """
    n = len(s)
    total_quotes = s.count(b'"')
    quotes_seen = 0
    stack: list[int] = []
    expect = _E_VALUE
    keys: dict[int, bool] = {}
    key_rev = -1  # reverse ordinal of the current top-level key
    i = 0
    while i < n:
        c = s[i]
        if c == 0x22:  # a string
            depth = len(stack)
            if expect == _E_KEY_OR_CLOSE or expect == _E_KEY:
                if depth == 1:
                    key_rev = total_quotes - quotes_seen
                expect = _E_COLON
            elif (expect == _E_VALUE or expect == _E_VALUE_OR_CLOSE) and depth:
                if depth == 1:
                    keys[key_rev] = True
                expect = _E_COMMA_OR_CLOSE
            else:
                return None if complete else False
            j = s.find(b'"', i + 1)
            if j < 0:  # the skeleton ends inside this string
                return None if complete else not any(b < 0x20 for b in s[i + 1 :])
            if any(b < 0x20 for b in s[i + 1 : j]):
                return None if complete else False
            quotes_seen += 2
            i = j + 1
            continue
        if c == 0x7B or c == 0x5B:  # { [
            if expect != _E_VALUE and expect != _E_VALUE_OR_CLOSE:
                return None if complete else False
            if len(stack) == 1 and stack[0] == 0x7B:
                keys[key_rev] = False
            if not stack and i:
                return None if complete else False
            if not stack and c != 0x7B:
                return None if complete else False
            stack.append(c)
            if len(stack) > _MAX_EVENT_DEPTH:
                return None if complete else False
            expect = _E_KEY_OR_CLOSE if c == 0x7B else _E_VALUE_OR_CLOSE
        elif c == 0x7D or c == 0x5D:  # } ]
            if not stack or stack[-1] != (0x7B if c == 0x7D else 0x5B):
                return None if complete else False
            if c == 0x7D:
                if expect == _E_VALUE:  # "key": <scalar>}
                    if len(stack) == 1:
                        keys[key_rev] = False
                elif expect != _E_KEY_OR_CLOSE and expect != _E_COMMA_OR_CLOSE:
                    return None if complete else False
            elif expect not in (_E_VALUE, _E_VALUE_OR_CLOSE, _E_COMMA_OR_CLOSE):
                return None if complete else False
            stack.pop()
            expect = _E_COMMA_OR_CLOSE
            if not stack:
                if not complete or i != n - 1:
                    return None if complete else False
                return keys
        elif c == 0x3A:  # :
            if expect != _E_COLON:
                return None if complete else False
            expect = _E_VALUE
        elif c == 0x2C:  # ,
            if not stack:
                return None if complete else False
            if stack[-1] == 0x7B:
                if expect == _E_VALUE:  # "key": <scalar>,
                    if len(stack) == 1:
                        keys[key_rev] = False
                elif expect != _E_COMMA_OR_CLOSE:
                    return None if complete else False
                expect = _E_KEY
            else:
                if expect not in (_E_VALUE, _E_VALUE_OR_CLOSE, _E_COMMA_OR_CLOSE):
                    return None if complete else False
                expect = _E_VALUE
        elif c in (0x09, 0x0A, 0x0D):
            pass
        else:  # another control byte, or a backslash
            return None if complete else False
        i += 1
    if complete:
        return None
    return bool(stack)


def _classify(sk: bytes, sepsk: bytes):
    """Cached verdict for the skeleton of a piece (an event without its outer braces)."""
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
        _VALID.clear()
    verdict: object = _SLOW
    if b"\\" not in sk:
        keys = _skeleton_scan(b"{" + sk + b"}", True)
        if keys:
            verdict = keys
            _VALID.add(sk)
        elif keys is None and _skeleton_scan(b"{" + sk + sepsk, False):
            verdict = _MORE
    _CACHE[sk] = verdict
    return verdict


_TYPE_AT = re.compile(rb'"_T"[ \t\n\r]*+:[ \t\n\r]*+"([^"\\]*+)"').match
_TYPE_LAST = re.compile(rb'"_T"[ \t\n\r]*+:[ \t\n\r]*+"([^"\\]*+)"[ \t\n\r]*+\Z').match


def _piece_type(piece: bytes, keys: dict) -> bytes | None:
    """The raw "_T" value of a piece whose skeleton verdict is `keys`, or None (slow path)."""
    j = piece.rfind(b'"_T"')
    if j < 0:
        return None
    m = _TYPE_LAST(piece, j)
    if m is not None:  # the last member: a top-level key, as the skeleton is one valid object
        return m.group(1)
    escapes = b"\\" in piece
    while j >= 0:
        if escapes:  # count real quotes only; j is not inside an escape (checked below)
            if j and piece[j - 1] == 0x5C:
                return None
            quotes = _skeleton(piece[j:]).count(b'"')
            if quotes in keys and quotes != min(keys):  # a later key may be an escaped "_T"
                return None
        else:
            quotes = piece.count(b'"', j)
        is_string = keys.get(quotes)
        if is_string is not None:  # this "_T" is a top-level key (the last one)
            if not is_string:
                return None
            m = _TYPE_AT(piece, j)
            return m.group(1) if m is not None else None
        j = piece.rfind(b'"_T"', 0, j)
    return None


# ----------------------------------------------------------------------------------------
# the exact slow path

# skip whitespace, scalars and whole strings (escapes honoured) up to the next bracket
_NEXT_BRACKET = re.compile(rb'(?:[^"{}\[\]]++|"(?:[^"\\]++|\\.)*+")*+([{}\[\]])', re.S).match
_SKIP_WS = re.compile(rb"[ \t\n\r]*+").match
_WS = b" \t\n\r"
_WS_BLOCK = 1 << 16


def _skip_ws(buf: bytes, pos: int) -> int:
    """The offset of the first byte at or after pos that is not JSON whitespace (len(buf) if none).

    A long run (a gzip bomb of whitespace) is crossed a block at a time with bytes.translate,
    about ten times faster than the regular expression.
    """
    end = _SKIP_WS(buf, pos, pos + 256).end()
    if end < pos + 256:
        return end
    n = len(buf)
    while end < n:
        if buf[end : end + _WS_BLOCK].translate(None, _WS):  # something else in this block
            return _SKIP_WS(buf, end).end()
        end += _WS_BLOCK
    return n


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _kind_of_byte(c: int) -> str | None:
    if c == 0x7B:
        return "an object"
    if c == 0x5B:
        return "an array"
    if c == 0x22:
        return "a string"
    if c == 0x2D or 0x30 <= c <= 0x39:
        return "a number"
    if c in (0x74, 0x66):
        return "a boolean"
    if c == 0x6E:
        return "null"
    return None


class _NeedMore(Exception):
    """The buffer ends before the current step can finish."""


# parser states (_S_COMMA: after the ',' between two events, before the next '{')
_S_START, _S_FIRST, _S_ELEMENT, _S_AFTER, _S_COMMA, _S_END, _S_DONE = range(7)


class _Reader:
    def __init__(
        self, chunks: Iterator[bytes], wanted: frozenset[str], stats: ReadStats, limits: ReadLimits, compiled: bool
    ) -> None:
        self.chunks = chunks
        self.scan = _compiled_scan if compiled else None
        self.max_event = limits.max_event_bytes
        self.wanted = wanted
        self.wanted_b = frozenset(t.encode("utf-8") for t in wanted)
        self.wanted_tuple = tuple(sorted(self.wanted_b))
        self.stats = stats
        self.buf = b""
        self.pos = 0
        self.base = 0  # offset of buf[0] in the decompressed stream
        self.eof = False
        self.state = _S_START
        self.index = 0
        self.selected = 0
        self.sep: bytes | None = None
        self.sepsk = b""
        self.unwanted_tails: dict[bytes, int] = {}  # ',"_T":"LogX"' of unwanted types -> times seen
        self.tail_tuple: tuple[bytes, ...] = ()
        self.tails_changed = False
        # the fast path is off until this offset of the stream (it found no separator up to
        # there): the slow path reads those events, each once, and the separator is learnt again
        self.fast_from = 0
        self.relearn = False
        self.fills = 0  # buffers read so far
        self.failed_in = -1  # the buffer in which the fast path last found no separator

    # -- input -------------------------------------------------------------------------

    def fill(self) -> bool:
        """Drop the consumed prefix and append at least as many bytes as are pending."""
        if self.eof:
            return False
        want = max(1, len(self.buf) - self.pos)
        if self.state == _S_ELEMENT and want >= self.max_event:  # the event at pos is not complete
            raise self.too_large(self.pos)
        parts = [self.buf[self.pos :]]
        got = 0
        for chunk in self.chunks:
            if not chunk:
                continue
            self.stats.json_bytes += len(chunk)
            parts.append(chunk)
            got += len(chunk)
            if got >= want:
                break
        else:
            self.eof = True
        self.base += self.pos
        self.fills += 1
        self.buf = b"".join(parts)
        self.pos = 0
        return got > 0

    def where(self, pos: int) -> int:
        return self.base + pos

    def too_large(self, start: int) -> BadInputError:
        return BadInputError(
            f"event #{self.index} (byte offset {self.where(start)}) is larger than {self.max_event // MIB} MiB, "
            f"the limit for one event (a real one is under 1 MiB); if the file is genuine, raise --max-event-mib"
        )

    def truncated(self, what: str) -> BadInputError:
        return BadInputError(f"truncated JSON: the data ends {what} (byte offset {self.where(len(self.buf))})")

    # -- driver ------------------------------------------------------------------------

    def run(self) -> Iterator[TelemetryEvent]:
        try:
            yield from self._run()
        finally:
            self.stats.total_events = self.index
            self.stats.selected_events = self.selected

    def _run(self) -> Iterator[TelemetryEvent]:
        self.fill()
        while True:
            state = self.state
            try:
                if state == _S_ELEMENT:
                    if self.scan is not None:
                        if (yield from self._compiled()):
                            continue
                    elif self.sep is not None and self.base + self.pos >= self.fast_from:
                        progressed = yield from self._fast()
                        if progressed or self.state != _S_ELEMENT:
                            continue
                        self._fast_failed()
                    ev = self._slow_event()
                    if ev is not None:
                        yield ev
                elif state == _S_AFTER:
                    self._after_event()
                elif state == _S_COMMA:
                    self._after_comma()
                elif state == _S_START:
                    self._start()
                elif state == _S_FIRST:
                    self._first()
                elif state == _S_END:
                    self._end()
                else:
                    return
            except _NeedMore:
                if not self.fill():
                    raise self._truncation_error() from None

    def _truncation_error(self) -> BadInputError:
        state = self.state
        if state == _S_START:
            if not self.buf.strip(b" \t\n\r"):
                return BadInputError("no JSON value: the data holds only whitespace")
            return self.truncated("at the start")
        if state == _S_FIRST:
            return self.truncated("after '['")
        if state == _S_ELEMENT:
            return self.truncated(f"inside event #{self.index} (which starts at byte offset {self.where(self.pos)})")
        if state == _S_AFTER or state == _S_COMMA:
            return self.truncated(f"after event #{self.index - 1}: expected ',' or ']'")
        return self.truncated("unexpectedly")

    # -- states ------------------------------------------------------------------------

    def _next_byte(self) -> tuple[bytes, int, int]:
        """Skip whitespace: the buffer, the position reached and the byte there (or _NeedMore)."""
        buf = self.buf
        pos = _skip_ws(buf, self.pos)
        self.pos = pos
        if pos >= len(buf):
            raise _NeedMore
        return buf, pos, buf[pos]

    def _start(self) -> None:
        buf, pos, c = self._next_byte()
        if c == 0x5B:
            self.pos = pos + 1
            self.state = _S_FIRST
            return
        if buf.startswith(b"\xef\xbb\xbf", pos):
            raise BadInputError("invalid JSON: the data starts with a UTF-8 byte-order mark")
        kind = _kind_of_byte(c)
        if kind is not None:
            raise BadInputError(f"top-level JSON value is {kind}, expected an array of events")
        raise BadInputError(f"not JSON: unexpected byte 0x{c:02x} at byte offset {self.where(pos)}")

    def _first(self) -> None:
        _buf, pos, c = self._next_byte()
        if c == 0x5D:
            self.pos = pos + 1
            self.state = _S_END
        elif c == 0x7B:
            self.state = _S_ELEMENT
        else:
            self._not_an_object(pos)

    def _not_an_object(self, pos: int) -> None:
        c = self.buf[pos]
        kind = _kind_of_byte(c)
        if kind is not None:
            raise BadInputError(f"event #{self.index} is {kind}, expected an object (byte offset {self.where(pos)})")
        raise BadInputError(f"invalid JSON at byte offset {self.where(pos)}: unexpected byte 0x{c:02x}, expected an event object")

    def fast_off(self) -> None:
        """Leave the rest of the buffer to the slow path and learn the separator again."""
        self.fast_from = self.base + len(self.buf)
        self.relearn = True

    def _fast_failed(self) -> None:
        """The fast path found no separator after the event at pos, in the whole buffer.

        Either the event goes on past the buffer (the slow path reads it, with more bytes),
        or the file changed its separator (``},\n{`` once, then ``},{``): the slow path reads
        this event and the separator after it is learnt. A second failure in the same buffer
        (the separator changes all the time) leaves the rest of the buffer to the slow path.
        So no byte is scanned by a failing fast path more than twice: linear time.
        """
        if self.failed_in == self.fills:
            self.fast_off()
        else:
            self.failed_in = self.fills
            self.relearn = True

    def _after_event(self) -> None:
        """After an event: whitespace, then ',' or ']'. Whitespace is consumed as it is read
        (never buffered, however much there is)."""
        buf = self.buf
        start = self.pos
        pos = _skip_ws(buf, start)
        self.pos = pos
        if pos >= len(buf):
            raise _NeedMore
        c = buf[pos]
        if c == 0x5D:  # ]
            self.pos = pos + 1
            self.state = _S_END
            return
        if c != 0x2C:  # ,
            raise BadInputError(
                f"invalid JSON at byte offset {self.where(pos)}: expected ',' or ']' after event #{self.index - 1}"
            )
        self.pos = pos + 1
        self.state = _S_COMMA
        self._after_comma()
        nxt = self.pos
        if (self.sep is None or self.relearn) and start and buf[start - 1] == 0x7D and nxt - start < _MAX_SEP:
            # learn the separator: '}' (just before start), whitespace, ',', whitespace, '{'
            self.sep = b"}" + buf[start : nxt + 1]
            self.sepsk = self.sep.translate(None, _DELETE)
            self.relearn = False

    def _after_comma(self) -> None:
        """After the ',' between events: whitespace (consumed as read), then '{'."""
        _buf, pos, c = self._next_byte()
        if c != 0x7B:
            if c == 0x5D:
                raise BadInputError(f"invalid JSON at byte offset {self.where(pos)}: trailing comma before ']'")
            self._not_an_object(pos)
        self.state = _S_ELEMENT

    def _end(self) -> None:
        while True:
            pos = _skip_ws(self.buf, self.pos)
            if pos < len(self.buf):
                raise BadInputError(f"trailing data after the JSON array at byte offset {self.where(pos)}")
            self.pos = len(self.buf)
            if not self.fill():
                self.state = _S_DONE
                return

    def _object_end(self, start: int) -> int:
        """End (exclusive) of the object at buf[start] == '{'; exact about strings and escapes."""
        buf = self.buf
        stack = []
        i = start
        while True:
            m = _NEXT_BRACKET(buf, i)
            if m is None:  # the buffer ends first (maybe inside a string)
                raise _NeedMore
            i = m.end()
            c = buf[i - 1]
            if c == 0x7B or c == 0x5B:
                stack.append(c)
                if len(stack) > _MAX_EVENT_DEPTH:
                    raise BadInputError(
                        f"invalid JSON at byte offset {self.where(i - 1)}: nesting deeper than {ORJSON_MAX_DEPTH} levels"
                    )
            else:
                if not stack or stack.pop() != (0x7B if c == 0x7D else 0x5B):
                    raise BadInputError(f"invalid JSON at byte offset {self.where(i - 1)}: unbalanced '{chr(c)}'")
                if not stack:
                    return i

    def _slow_event(self) -> TelemetryEvent | None:
        """Read the event at buf[pos] == '{' exactly (parsed with orjson, wanted or not)."""
        start = self.pos
        end = self._object_end(start)
        if end - start > self.max_event:
            raise self.too_large(start)
        data = self._parse(self.buf[start:end], start)
        t = data.get("_T")
        if not isinstance(t, str):
            raise self._no_type(data, start)
        index = self.index
        self.index = index + 1
        self.pos = end
        self.state = _S_AFTER
        if t in self.wanted:
            self.selected += 1
            return TelemetryEvent(index, t, data)
        return None

    def _parse(self, text: bytes, start: int) -> dict:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise BadInputError(
                f"invalid JSON in event #{self.index} at byte offset {self.where(start) + exc.pos}: {exc.msg}"
            ) from None

    def _no_type(self, data: dict, start: int) -> BadInputError:
        if "_T" in data:
            what = f'its "_T" is {_kind(data["_T"])}, expected a string'
        else:
            what = 'it has no "_T" key'
        return BadInputError(f"event #{self.index} (byte offset {self.where(start)}): {what}")

    # -- the compiled fast path --------------------------------------------------------

    def _compiled(self):
        """Events certified by the compiled scanner from buf[pos] == '{' (a generator that
        returns whether it read any); it stops before an event it cannot certify (the slow
        path reads that one) or after the last event followed by ',' '{' in the buffer."""
        assert self.scan is not None
        spans, events, pos, at_element = self.scan(self.buf, self.pos, self.wanted_tuple, self.max_event, _MAX_EVENT_DEPTH)
        first = self.index
        for k, begin, end in spans:
            self.index = first + k
            ev = self._fast_event(begin, end)
            if ev is not None:
                yield ev
        self.index = first + events
        self.pos = pos
        if not at_element:
            self.state = _S_AFTER
        return events > 0

    # -- the Python fast path ----------------------------------------------------------

    def _fast(self):
        """Events from buf[pos] == '{' up to the last complete piece (a generator that
        returns whether it made progress). Hands single events to the slow path as needed."""
        buf = self.buf
        pos = self.pos
        sep = self.sep
        sepsk = self.sepsk
        assert sep is not None
        lsep = len(sep)
        self.relearn = False  # the separator is learnt only between fast runs
        if pos == 0:  # the usual case after fill(): split in place, drop the leading '{'
            pieces = buf.split(sep)
            last = len(pieces) - 1
            if last == 0:
                return False
            pieces[0] = pieces[0][1:]
            sks = buf.translate(None, _DELETE).split(sepsk)
            if len(sks) == len(pieces):
                sks[0] = sks[0][1:]
            escapes = b"\\" in buf
            ascii_only = buf.isascii()
        else:
            region = buf[pos + 1 :]
            pieces = region.split(sep)
            last = len(pieces) - 1
            if last == 0:
                return False
            sks = region.translate(None, _DELETE).split(sepsk)
            escapes = b"\\" in region
            ascii_only = region.isascii()
        if len(sks) != len(pieces):  # a separator's skeleton also appears where the raw separator does not
            sks = [p.translate(None, _DELETE) for p in pieces]
        if escapes:  # fold escapes: the skeleton must see real quotes only
            for k in list(compress(count(), map(bytes.__contains__, sks, repeat(b"\\")))):
                sks[k] = _skeleton(pieces[k])
        if not ascii_only:  # skipped events are not decoded: check their UTF-8 here
            for k in compress(range(last), map(not_, map(bytes.isascii, pieces))):
                self._check_utf8(pieces, k, pos)
        if self.tails_changed:
            tails = self.unwanted_tails
            self.tail_tuple = tuple(sorted(tails, key=tails.__getitem__, reverse=True))
            self.tails_changed = False
        # An ordinary piece is one plain valid object (by its skeleton) that ends with the tail
        # of an unwanted type (',"_T":"LogPlayerPosition"'): counted, nothing more. The others
        # (wanted, unknown tail, anything unusual) get a closer look.
        ordinary = map(and_, map(_VALID.__contains__, sks), map(bytes.endswith, pieces, repeat(self.tail_tuple)))
        special = list(compress(count(), map(not_, ordinary)))
        if len(buf) - pos > self.max_event:  # an event may be over the limit: look at it
            big = [k for k in range(last) if len(pieces[k]) + 2 > self.max_event]
            if big:
                special = sorted(set(special).union(big))
        special.append(last)
        cache_get = _CACHE.get
        start_index = self.index
        delta = start_index  # the event of piece k has index k + delta
        offsets: list[int] | None = None
        si = 0
        k = 0
        while True:
            while special[si] < k:
                si += 1
            k = special[si]
            if k >= last:
                break
            verdict = cache_get(sks[k])
            if verdict is None:
                verdict = _classify(sks[k], sepsk)
            stop = k
            if verdict is _MORE:  # the separator was inside this event: glue the next piece
                acc = sks[k]
                while verdict is _MORE and stop - k < _MAX_MERGE:
                    stop += 1
                    if stop >= last:
                        break
                    acc = acc + sepsk + sks[stop]
                    verdict = cache_get(acc)
                    if verdict is None:
                        verdict = _classify(acc, sepsk)
                if verdict is _MORE:
                    if stop >= last:  # the event goes on past this buffer
                        break
                    verdict = _SLOW
            if verdict is not _SLOW:
                piece = pieces[k] if stop == k else sep.join(pieces[k : stop + 1])
                if len(piece) + 2 > self.max_event:
                    if offsets is None:
                        offsets = [0, *accumulate(map(len, pieces))]
                    self.index = k + delta
                    raise self.too_large(pos + offsets[k] + k * lsep)
                flag = self._judge_type(piece, verdict)
                if flag is not None:
                    if flag:
                        if offsets is None:
                            offsets = [0, *accumulate(map(len, pieces))]
                        begin = pos + offsets[k] + k * lsep
                        end = pos + offsets[stop + 1] + stop * lsep + 2
                        self.index = k + delta
                        ev = self._fast_event(begin, end)
                        if ev is not None:
                            yield ev
                    delta -= stop - k
                    k = stop + 1
                    continue
            # the exact slow path, from the event that starts with piece k
            if offsets is None:
                offsets = [0, *accumulate(map(len, pieces))]
            self.index = k + delta
            self.pos = pos + offsets[k] + k * lsep
            slow_run = 0
            while True:
                try:
                    ev = self._slow_event()
                    if ev is not None:
                        yield ev
                    self._after_event()
                except _NeedMore:
                    return self.index > start_index
                if self.state != _S_ELEMENT:
                    return True
                nk = self._piece_at(offsets, lsep, self.pos - pos, last)
                if nk is not None:
                    break
                slow_run += 1
                if slow_run == _MAX_SLOW_RUN:  # the separator is rarely this one: learn it again
                    self.fast_off()
                    return True
            k = nk
            delta = self.index - nk
        # the event of piece k (the incomplete last piece, or one that goes on past it) is next
        if k >= last:
            k = last
            self.pos = len(buf) - len(pieces[last]) - 1
        else:
            if offsets is None:
                offsets = [0, *accumulate(map(len, pieces))]
            self.pos = pos + offsets[k] + k * lsep
        self.index = k + delta
        return self.index > start_index

    def _judge_type(self, piece: bytes, keys: dict) -> bool | None:
        """Whether a piece (a valid object by its skeleton) is wanted; None: slow path."""
        j = piece.rfind(b'"_T"')
        if j < 0 or (j > 0 and piece[j - 1] == 0x5C):  # no "_T", or maybe an escaped quote
            return None
        m = _TYPE_LAST(piece, j)
        if m is not None:  # the last member, hence a top-level key
            flag = m.group(1) in self.wanted_b
            if not flag and j > 0:  # remember the tail, with the byte before it (not a backslash)
                tails = self.unwanted_tails
                tail = piece[j - 1 :]
                if tail in tails:
                    tails[tail] += 1
                elif len(tails) < _TAILS_LIMIT:
                    tails[tail] = 1
                    self.tails_changed = True
            return flag
        t = _piece_type(piece, keys)
        if t is None:
            return None
        return t in self.wanted_b

    def _check_utf8(self, pieces: list[bytes], k: int, pos: int) -> None:
        try:
            pieces[k].decode("utf-8")
        except UnicodeDecodeError as exc:
            offset = pos + 1 + sum(map(len, pieces[:k])) + k * len(self.sep or b"") + exc.start
            raise BadInputError(f"invalid UTF-8 at byte offset {self.where(offset)}: {exc.reason}") from None

    @staticmethod
    def _piece_at(offsets: list[int], lsep: int, off: int, last: int) -> int | None:
        """Index of the complete piece whose event's '{' is at region offset off, if any."""
        lo, hi = 0, last
        while lo < hi:  # offsets[k] + k * lsep increases with k
            mid = (lo + hi) // 2
            if offsets[mid] + mid * lsep < off:
                lo = mid + 1
            else:
                hi = mid
        if lo < last and offsets[lo] + lo * lsep == off:
            return lo
        return None

    def _fast_event(self, begin: int, end: int) -> TelemetryEvent | None:
        data = self._parse(memoryview(self.buf)[begin:end], begin)
        t = data.get("_T")
        if not isinstance(t, str):  # cannot happen after the skeleton check; be exact anyway
            raise self._no_type(data, begin)
        if t not in self.wanted:
            return None
        self.selected += 1
        return TelemetryEvent(self.index, t, data)


def iter_events(
    path: Source,
    wanted: frozenset[str] = LOADER_EVENT_TYPES,
    stats: ReadStats | None = None,
    limits: ReadLimits | None = None,
    compiled: bool = True,
) -> Iterator[TelemetryEvent]:
    """The wanted events of a telemetry file, in file order, streaming.

    Equal to ``[(i, e) for i, e in enumerate(full_parse(path)) if e["_T"] in wanted]``.
    Raises BadInputError (possibly while iterating) for anything that is not a valid
    telemetry file, or that inflates to more than ``limits`` allow (the file, one event);
    ``stats`` is complete when the iterator is exhausted. ``compiled=False`` reads with the
    Python fast path even where the compiled scanner is built (the tests compare the two).
    """
    if stats is None:
        stats = ReadStats()
    if limits is None:
        limits = ReadLimits()
    wanted = frozenset(wanted)

    source = as_source(path)

    def generate() -> Iterator[TelemetryEvent]:
        try:
            yield from _Reader(json_chunks(source, limits), wanted, stats, limits, compiled).run()
        finally:
            stats.compressed_bytes = source.size
            if source.done:
                stats.sha256 = source.sha256

    return generate()


def read_events(
    path: Source, wanted: frozenset[str] = LOADER_EVENT_TYPES, limits: ReadLimits | None = None, compiled: bool = True
) -> tuple[list[TelemetryEvent], ReadStats]:
    """All wanted events as a list, with the read statistics."""
    stats = ReadStats()
    events = list(iter_events(path, wanted, stats, limits, compiled))
    return events, stats


__all__ = [
    "COMBAT_EVENT_TYPES",
    "LOADER_EVENT_TYPES",
    "ReadStats",
    "SCANNER",
    "TelemetryEvent",
    "full_parse",
    "iter_events",
    "open_json_stream",
    "read_events",
]
