"""A file's JSON bytes: read once (and hashed while read), with 0, 1 or 2 gzip layers removed.

Every file format reads its files through here, so each file is read from disk once and its
sha256 (the ledger's key) is computed from the same bytes that were parsed. The gzip layers
are detected from the content (the magic ``1f 8b``), never from the file name. Memory holds
one block of the file and one decompressed chunk.

What a file may inflate to is bounded (``ReadLimits.max_inflate_mib``, for the JSON and for
each gzip layer): a gzip bomb is refused after the limit is reached, never held in memory.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from itertools import chain
from os import PathLike
from typing import BinaryIO, Iterator, Union

from isal import isal_zlib

from loader.config import MIB, ReadLimits
from loader.errors import BadInputError

READ_SIZE = 1 << 20  # bytes read from the file at a time
CHUNK_SIZE = 1 << 20  # most decompressed bytes produced per inflate call
GZIP_MAGIC = b"\x1f\x8b"
MAX_GZIP_LAYERS = 2

class FileSource:
    """One pass over a file's bytes, hashing them as they go by.

    ``blocks()`` reads the file once, in blocks of ``READ_SIZE``; ``sha256`` and ``size``
    cover what has been read. ``finish()`` reads whatever a parser left unread (it stopped at
    an error), so even a file that fails is named by the hash of its whole content, still
    read only once. The file is closed at its end (or by ``close()``).

    ``read_all()`` reads the whole file into memory first (the loader does so when it must
    know a file's hash before parsing it); ``FileSource(path, data, sha256)`` then serves
    those bytes again, in another process, without reading or hashing the file a second time.
    """

    def __init__(self, path: str | PathLike, data: bytes | None = None, sha256: str | None = None) -> None:
        self.path = path
        self.size = 0
        self._digest = hashlib.sha256()
        self._handle: BinaryIO | None = None
        self._done = False
        self._data = data  # the file's bytes, already read
        self._sha256 = sha256  # their hash, already computed

    def blocks(self) -> Iterator[bytes]:
        """The file's bytes, from where reading stopped (the start, the first time)."""
        while not self._done:
            block = self._read()
            if block:
                yield block

    def read_all(self) -> bytes:
        """Every byte of the file (read now, hashed as read)."""
        if self.size:
            raise RuntimeError(f"{self.path}: read_all() reads a file from its start")
        parts = []
        while not self._done:
            parts.append(self._read())
        return b"".join(parts)

    def finish(self) -> tuple[str, int]:
        """Read what is left (if anything) and return (sha256 hex, size in bytes)."""
        while not self._done:
            self._read()
        return self.sha256, self.size

    def _read(self) -> bytes:
        if self._data is not None:
            block = self._data[self.size : self.size + READ_SIZE]
        else:
            if self._handle is None:
                self._handle = open(self.path, "rb")
                self._handle.seek(self.size)
            block = self._handle.read(READ_SIZE)
        if block:
            if self._sha256 is None:
                self._digest.update(block)
            self.size += len(block)
        else:
            self._done = True
            self.close()
        return block

    @property
    def done(self) -> bool:
        """Whether every byte of the file has been read."""
        return self._done

    @property
    def sha256(self) -> str:
        """Hex sha256 of the bytes read so far (of the whole file once read to the end)."""
        return self._sha256 if self._sha256 is not None else self._digest.hexdigest()

    def close(self) -> None:
        """Close the file (reading may resume later, where it stopped)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


Source = Union[str, PathLike, FileSource]


def as_source(source: Source) -> FileSource:
    return source if isinstance(source, FileSource) else FileSource(source)


def _peek(chunks: Iterator[bytes], n: int) -> tuple[bytes, Iterator[bytes]]:
    """The first n bytes (fewer at the end of the data) and an iterator over all chunks."""
    seen: list[bytes] = []
    have = 0
    for chunk in chunks:
        if chunk:
            seen.append(chunk)
            have += len(chunk)
            if have >= n:
                break
    return b"".join(seen)[:n], chain(seen, chunks)


def too_large(what: str, limit: int) -> BadInputError:
    return BadInputError(
        f"{what} more than {limit // MIB} MiB of data, the limit for one file (a real match is "
        f"under 100 MiB: a gzip bomb?); if the file is genuine, raise --max-inflate-mib"
    )


def _bounded(chunks: Iterator[bytes], limit: int, what: str) -> Iterator[bytes]:
    """The chunks, refused (BadInputError) once more than ``limit`` bytes have come out."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise too_large(what, limit)
        yield chunk


def _inflater():  # type: ignore[no-untyped-def]
    """A gzip inflater: ISA-L's (python-isal), zlib's interface at about twice zlib's speed,
    with the same checks (header, deflate data, CRC-32 and length) and the same errors."""
    return isal_zlib.decompressobj(31)


def _gunzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Inflate one gzip layer: one or more concatenated members (zero padding after a member
    is allowed, like the gzip module); at most CHUNK_SIZE bytes come out per step."""
    inflater = _inflater()
    in_member = True
    rest = b""  # bytes after a finished member: the start of another member, zeros, or garbage
    try:
        for chunk in chunks:
            while chunk:
                if not in_member:
                    rest += chunk
                    chunk = b""
                    if len(rest) < 2:
                        break
                    if rest[:2] != GZIP_MAGIC:
                        if rest.strip(b"\0"):
                            raise BadInputError("corrupt gzip data: trailing bytes after the gzip stream")
                        rest = b""
                        break
                    chunk, rest = rest, b""
                    inflater = _inflater()
                    in_member = True
                out = inflater.decompress(chunk, CHUNK_SIZE)
                if out:
                    yield out
                while not inflater.eof and (inflater.unconsumed_tail or len(out) == CHUNK_SIZE):
                    tail = inflater.unconsumed_tail
                    out = inflater.decompress(tail, CHUNK_SIZE)
                    if out:
                        yield out
                    elif not tail:
                        break
                if inflater.eof:
                    in_member = False
                    chunk = inflater.unused_data
                else:
                    chunk = b""
    except (isal_zlib.error, zlib.error) as exc:
        raise BadInputError(f"corrupt gzip data: {exc}") from None
    if in_member:
        raise BadInputError("truncated gzip stream")
    if rest.strip(b"\0"):
        raise BadInputError("corrupt gzip data: trailing bytes after the gzip stream")


def json_chunks(source: Source, limits: ReadLimits | None = None) -> Iterator[bytes]:
    """Decompressed chunks of the file: 0, 1 or 2 gzip layers, detected by magic bytes;
    each layer and the JSON at most ``limits.max_inflate_bytes`` long."""
    limit = (limits or ReadLimits()).max_inflate_bytes
    chunks: Iterator[bytes] = as_source(source).blocks()
    head, chunks = _peek(chunks, 2)
    if not head:
        raise BadInputError("empty file")
    layers = 0
    while head == GZIP_MAGIC:
        if layers == MAX_GZIP_LAYERS:
            raise BadInputError(f"more than {MAX_GZIP_LAYERS} gzip layers")
        layers += 1
        chunks = _bounded(_gunzip(chunks), limit, f"the {'inner ' if layers > 1 else ''}gzip stream inflates to")
        head, chunks = _peek(chunks, 2)
        if not head:
            raise BadInputError("empty gzip content: the gzip stream decompresses to 0 bytes")
    return _bounded(chunks, limit, "the file holds") if layers == 0 else chunks


class _ChunkStream(io.RawIOBase):
    """A read-only binary stream over an iterator of chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        while not self._buf:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buf = chunk
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def readall(self) -> bytes:
        parts = [self._buf]
        parts.extend(self._chunks)
        self._buf = b""
        return b"".join(parts)

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()


def open_json_stream(source: Source, limits: ReadLimits | None = None) -> BinaryIO:
    """The file's JSON bytes as a stream, with 0, 1 or 2 gzip layers removed.

    Raises BadInputError for an empty file, an empty gzip stream, corrupt or truncated gzip
    data (the last two while reading).
    """
    return io.BufferedReader(_ChunkStream(iter(json_chunks(source, limits))), CHUNK_SIZE)  # type: ignore[return-value]


def read_json_bytes(source: Source, limits: ReadLimits | None = None) -> bytes:
    """All of the file's JSON bytes (a match object or a fight file: small documents).

    Raises BadInputError for an empty file, an empty gzip stream, corrupt or truncated gzip.
    """
    try:
        with open_json_stream(source, limits) as stream:
            return stream.read()
    except (OSError, EOFError) as exc:
        if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
            raise
        raise BadInputError(f"cannot decompress: {exc}") from exc


__all__ = ["CHUNK_SIZE", "READ_SIZE", "FileSource", "json_chunks", "open_json_stream", "read_json_bytes"]
