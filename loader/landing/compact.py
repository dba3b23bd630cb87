"""How the SQL sinks (PostgreSQL, DuckDB) store a file's rows: the combat event tables and
the characters of ``LogMatchStart`` compactly, behind views of the defined columns
(``loader.formats.layout``), the other tables as they are defined.

``CompactSink._store`` is steps 4 and 5 of ``Sink.write`` for them: it deletes the rows of
the file's matches (in the stored tables, by ``match_key``, and from the per-match
dictionaries), encodes the new rows (reading the damage-info dictionary under the write lock,
so codes are assigned in commit order) and inserts them with the new dictionary entries.
"""

from __future__ import annotations

from abc import abstractmethod

from loader.formats import layout, tables
from loader.landing.base import LoadRequest, Sink


def _base_times(request: LoadRequest) -> dict[str, str | None]:
    """Each match's base time for its events' times: its first combat event's."""
    table = tables.TELEMETRY_MATCHES
    at, base = table.position("match_id"), table.position(layout.BASE_TIME)
    return {r[at]: r[base] for r in request.rows.get(table.name, [])}


class CompactSink(Sink):
    """A sink that stores the combat tables compactly; it supplies ``_delete_in`` and ``_select_all``."""

    def _store(self, request: LoadRequest, tail: tuple) -> None:
        keys = [layout.match_key(m) for m in request.match_ids]
        for table in request.tables():
            if table.name in layout.COMPACT:
                self._delete_in(layout.COMPACT[table.name].stored.name, layout.MATCH_KEY, keys)
            else:
                self._delete_in(table.name, "match_id", request.match_ids)
        for kind in request.replace_kinds:
            for dictionary in layout.PER_MATCH.get(kind, ()):
                self._delete_in(dictionary.name, layout.MATCH_KEY, keys)
        encoder: layout.Encoder | None = None
        # tables a parsing worker encoded as COPY text (a ``copy_text`` sink): only the shared
        # damage-info codes are appended here, under the write lock
        encoded = request.encoded.tables if request.encoded is not None else {}
        for table in request.tables():
            if table.name in encoded:
                if encoder is None:  # read under the write lock: codes are assigned in commit order
                    encoder = layout.Encoder(self._select_all(layout.DAMAGE_INFOS), _base_times(request))
                copy = encoded[table.name]
                self._copy_text(copy.table, copy.columns, copy.text(encoder.damage_info))
                continue
            rows = request.rows.get(table.name, [])
            if not rows:
                continue
            if table.name in layout.COMPACT:
                if encoder is None:  # read under the write lock: codes are assigned in commit order
                    encoder = layout.Encoder(self._select_all(layout.DAMAGE_INFOS), _base_times(request))
                self._insert(layout.COMPACT[table.name].stored, encoder.encode(layout.COMPACT[table.name], rows), ())
            elif table.name in layout.KEYED:
                self._insert(layout.KEYED[table.name], [r + tail + (layout.match_key(r[0]),) for r in rows], ())
            else:
                self._insert(table, rows, tail)
        if encoder is not None:
            characters = encoder.new_characters + (request.encoded.characters if request.encoded else [])
            if characters:
                self._insert(layout.CHARACTERS, characters, ())
            if encoder.new_infos:
                self._insert(layout.DAMAGE_INFOS, encoder.new_infos, ())

    @abstractmethod
    def _delete_in(self, table: str, column: str, values: list) -> None:
        """Delete the rows of a stored table whose ``column`` is one of ``values``."""

    @abstractmethod
    def _select_all(self, table: layout.StoredTable) -> list[tuple]:
        """Every row of a stored table (a dictionary), in its column order."""
