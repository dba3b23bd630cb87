"""The ledger (``raw.loaded_files``): the one place its rows are made.

One row per file and match it loaded, with the file's sha256 (a file already loaded is
skipped), the counts it landed and its status: ``loaded`` (the match's current version),
``superseded`` (a later file replaced the match) or ``failed`` (with the reason). File names
and reasons are stored as one printable line (``loader.errors.one_line``): a name that is not
UTF-8 shows its odd bytes as ``\xff``, a newline as ``\n``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import orjson

from loader.errors import display_path, one_line
from loader.formats.rows import BUILDERS
from loader.formats.tables import LOADED_FILES

if TYPE_CHECKING:
    from loader.landing.base import Failure, LoadRequest

LOADED = "loaded"
SKIPPED = "skipped"
FAILED = "failed"
SUPERSEDED = "superseded"

_BUILD = BUILDERS[LOADED_FILES.name]


def load_rows(request: "LoadRequest", started_at: Any, loaded_at: Any) -> list[tuple]:
    """The rows of a load: one per kind it replaces and match it holds."""
    counts = orjson.dumps(request.row_counts, option=orjson.OPT_SORT_KEYS).decode()
    return [
        _BUILD(
            load_id=request.load_id, file_sha256=request.sha256, file_path=display_path(request.path), file_bytes=request.file_bytes,
            kind=kind, match_id=match_id, status=LOADED, error=None, row_counts=counts,
            started_at=started_at, loaded_at=loaded_at,
        )
        for kind in request.replace_kinds
        for match_id in request.match_ids
    ]


def failure_row(failure: "Failure", at: Any) -> tuple:
    """The row of a file that could not be loaded."""
    return _BUILD(
        load_id=uuid.uuid4().hex, file_sha256=failure.sha256, file_path=display_path(failure.path), file_bytes=failure.file_bytes,
        kind=failure.kind, match_id=failure.match_id or "", status=FAILED, error=one_line(failure.error), row_counts=None,
        started_at=at, loaded_at=at,
    )
