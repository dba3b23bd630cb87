"""The reader's compiled scanner (loader/formats/_scan.c) on its own: it is built, and it
certifies only what orjson accepts. test_reader.py runs the whole reader on it and on the
Python fast path."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_reader import REAL_COMPLETE, TYPES, compact, events, pubg_data  # noqa: F401 (pubg_data: a fixture)

import loader.formats.reader as reader_module
from loader.formats.jsonstream import open_json_stream
from loader.formats.reader import LOADER_EVENT_TYPES


def test_compiled_scanner_is_built() -> None:
    assert reader_module.SCANNER == "compiled", (
        "loader/formats/_scan.c was not compiled at install (no C compiler?): install gcc and run "
        "`pip install -e .` again; the reader works without it, about 3x slower"
    )


@pytest.fixture(scope="module")
def scan():  # type: ignore[no-untyped-def]
    if reader_module._compiled_scan is None:
        pytest.skip("the compiled scanner is not built (test_compiled_scanner_is_built says why)")
    return reader_module._compiled_scan


SCALAR_EDGES = [
    "0", "-0", "01", "-01", "1.", ".5", "1.5", "-1.5e-7", "1E5", "1e+05", "1e", "1e+", "+1", "-", "--1", "1e99", "1e400",
    "1e-400", "123456789012345678", "1234567890123456789", "12345678901234567890123", "9223372036854775808",
    "18446744073709551616", "-9223372036854775809", "0." + "1" * 70, "1" * 400, "NaN", "Infinity", "-Infinity",
    "true", "tru", "truex", "false", "fals", "null", "nul", "nulll", '"\\ud800"', '"\\udc00"', '"\\ud800\\udc00"',
    '"\\ud800\\u0041"', '"\\u00e9"', '"\\u12"', '"\\x41"', '"\\/"', '"\\0"', '"\u00e9"', '"\x7f"', '"\x1f"', '""',
]
WANTED = tuple(sorted(t.encode() for t in LOADER_EVENT_TYPES))  # the loader's types, as the reader passes them
RAW_EDGES = [b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe4\xb8", b"\xf0\x9f\x98\x80", b"\xef\xbf\xbf", b"\xff"]


@settings(max_examples=600, deadline=None)
@given(
    event=events(),
    kind=st.sampled_from(["scalar", "raw", "insert", "replace", "truncate"]),
    edge=st.sampled_from(SCALAR_EDGES),
    raw=st.one_of(st.sampled_from(RAW_EDGES), st.binary(min_size=1, max_size=2)),
    where=st.floats(0, 1, exclude_max=True),
)
def test_compiled_scanner_certifies_only_what_orjson_accepts(scan, event, kind, edge, raw, where) -> None:
    """The scanner's contract (_scan.c): an event it certifies is one orjson parses into an
    object whose "_T" is a string, and it reports exactly the wanted ones, at their bytes."""
    text = compact(event)
    at = int(where * len(text))
    if kind == "scalar":  # a scalar (or a string) where a value may stand
        text = text[:-1] + b',"x":' + edge.encode() + b"}"
    elif kind == "raw":  # raw bytes inside a string
        text = text[:-1] + b',"x":"a' + raw + b'b"}'
    elif kind == "insert":
        text = text[:at] + raw + text[at:]
    elif kind == "replace":
        text = text[:at] + raw + text[at + 1 :]
    else:
        text = text[:at]
    data = b"[" + text + b',{"_T":"LogHeal"}]'
    # every type the damaged text may hold, so that every certified event is in `found`
    every = tuple(sorted({t.encode() for t in TYPES} | set(re.findall(rb'"_T"[ \t\n\r]*:[ \t\n\r]*"([^"\\]*)"', data))))
    found, n, pos, at_element = scan(data, 1, every, 1 << 20, 1023)
    assert len(found) == n and [k for k, _, _ in found] == list(range(n))
    assert at_element == (n == 0 or data[pos : pos + 1] == b"{")
    certified = []
    for _, begin, end in found:  # each certified event: a whole object orjson reads, with a string "_T"
        value = orjson.loads(data[begin:end])
        assert isinstance(value, dict) and isinstance(value.get("_T"), str), data[begin:end]
        certified.append(value)
    if n:
        assert found[0][1] == 1
        if found[0][2] == 1 + len(text):
            assert orjson.loads(text) == certified[0]
    some, n2, pos2, at2 = scan(data, 1, WANTED, 1 << 20, 1023)
    assert (n2, pos2, at2) == (n, pos, at_element)
    assert some == [f for f, value in zip(found, certified) if value["_T"] in LOADER_EVENT_TYPES]


def test_compiled_scanner_certifies_real_pubg_events(scan, pubg_data: Path) -> None:
    """The whole real file in one call: every event certified (no slow path), the wanted ones found."""
    with open_json_stream(pubg_data / REAL_COMPLETE) as stream:
        data = stream.read()
    events = orjson.loads(data)
    start = data.index(b"{")
    found, n, pos, at_element = scan(data, start, WANTED, 1 << 26, 1023)
    assert (n, at_element) == (len(events), False)
    assert data[pos:].strip() == b"]"
    assert [k for k, _, _ in found] == [i for i, e in enumerate(events) if e["_T"] in LOADER_EVENT_TYPES]
    assert [orjson.loads(data[b:e]) for _, b, e in found] == [e for e in events if e["_T"] in LOADER_EVENT_TYPES]
