"""The ``aws-chunked`` encoding of a signed upload: each chunk's and the trailer's string to
sign, the chained chunk signatures, and the framed body on the wire.

Where it sits: :mod:`sigv4.core.streaming` plans the seed request (its ``STREAMING-*`` payload
hash, headers and ``Content-Length``) and :meth:`sigv4.Signer.sign_chunked` signs it; the seed
signature then starts the chain here.  :class:`ChunkSigner` is the spec's steps (string to sign
per chunk, each signature chained from the previous one, then the trailer), shared with the
verifier (:mod:`sigv4.verify.chunked`); :func:`encoded_length` and :class:`ChunkedBody` are the
framing (``hex(size);chunk-signature=<sig>\\r\\n<data>\\r\\n``, the final zero-length chunk,
the trailer), read from the source one chunk at a time.  Every public name is re-exported by
:mod:`sigv4.core.streaming`.
"""

from __future__ import annotations

from hashlib import sha256

from .canonical import ALGORITHM, EMPTY_SHA256
from .checksums import b64, checksum_header, new_checksum
from .errors import PayloadError
from .inputs import SIGV4A_ALGORITHM
from .keys import signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Union

    from .checksums import Buffer
    from .keys import DayKey, SigV4aDayKey

    Source = Union[memoryview, object]

__all__ = [
    "SIGV4A_PADDED_SIGNATURE_LENGTH",
    "ChunkSigner",
    "ChunkedBody",
    "chunk_string_to_sign",
    "trailer_string_to_sign",
    "encoded_length",
]

_SIG_LEN = 64
#: The width of a SigV4a chunk or trailer signature field: the longest hex DER ECDSA
#: P-256 signature (72 bytes: SEQUENCE of two 33-byte INTEGERs), right-padded with "*"
#: (aws-c-auth's MAX_ECDSA_P256_SIGNATURE_AS_HEX_LENGTH and AWS_SIGV4A_SIGNATURE_PADDING_BYTE).
SIGV4A_PADDED_SIGNATURE_LENGTH = 144
_CHUNK_SIG = ";chunk-signature="
_TRAILER_SIG = "x-amz-trailer-signature:"
_B64_LEN = {"crc32": 8, "crc32c": 8, "sha1": 28, "sha256": 44}


def chunk_string_to_sign(
    amz_date: str, scope: str, previous_signature: str, data_sha256: str, *, algorithm: str = ALGORITHM
) -> str:
    """The string to sign for one chunk whose data hashes (hex SHA-256) to ``data_sha256``."""
    return f"{algorithm}-PAYLOAD\n{amz_date}\n{scope}\n{previous_signature}\n{EMPTY_SHA256}\n{data_sha256}"


def trailer_string_to_sign(
    amz_date: str, scope: str, previous_signature: str, canonical_trailer: str, *, algorithm: str = ALGORITHM
) -> str:
    """The string to sign for the trailer (``canonical_trailer`` is ``name:value\\n`` lines)."""
    digest = sha256(canonical_trailer.encode("utf-8")).hexdigest()
    return f"{algorithm}-TRAILER\n{amz_date}\n{scope}\n{previous_signature}\n{digest}"


class ChunkSigner:
    """Signs the chunks of one body in order, each signature chained from the previous one
    (the first from the seed signature).  ``previous`` is the last signature produced.

    ``key`` is the seed's day key (:meth:`sigv4.Signer.day_key`: its ``sign`` and
    ``algorithm``), or the raw signing key bytes (:func:`sigv4.signing_key`).
    Signatures are returned and chained unpadded (:class:`ChunkedBody` pads SigV4a's
    on the wire; a padded ``seed_signature`` has its ``*`` removed)."""

    __slots__ = ("_algorithm", "_sign", "amz_date", "previous", "scope")

    def __init__(self, key: DayKey | SigV4aDayKey | bytes, amz_date: str, scope: str, seed_signature: str) -> None:
        self._sign: Callable[[str], str]
        if isinstance(key, (bytes, bytearray, memoryview)):
            raw = bytes(key)
            self._sign = lambda sts: signature(raw, sts)
            self._algorithm = ALGORITHM
        else:
            self._sign = key.sign
            self._algorithm = key.algorithm
        self.amz_date = amz_date
        self.scope = scope
        self.previous = seed_signature.rstrip("*")

    def __repr__(self) -> str:
        return f"ChunkSigner(amz_date={self.amz_date!r}, scope={self.scope!r}, previous={self.previous!r})"

    def sign_chunk(self, data: Buffer) -> str:
        digest = sha256(data).hexdigest()
        sts = chunk_string_to_sign(self.amz_date, self.scope, self.previous, digest, algorithm=self._algorithm)
        self.previous = self._sign(sts)
        return self.previous

    def sign_trailer(self, canonical_trailer: str) -> str:
        sts = trailer_string_to_sign(self.amz_date, self.scope, self.previous, canonical_trailer, algorithm=self._algorithm)
        self.previous = self._sign(sts)
        return self.previous


def _signature_length(algorithm: str) -> int:
    return SIGV4A_PADDED_SIGNATURE_LENGTH if algorithm == SIGV4A_ALGORITHM else _SIG_LEN


def encoded_length(
    decoded_length: int, chunk_size: int, *, signed: bool = True, trailer: str | None = None, algorithm: str = ALGORITHM
) -> int:
    """Length of the aws-chunked encoding of ``decoded_length`` bytes (the ``Content-Length``);
    ``algorithm`` is the seed's (SigV4a's signature fields are 144 characters wide)."""
    check_length(decoded_length, "decoded_length")
    if check_length(chunk_size, "chunk_size") < 1:
        raise PayloadError("chunk_size", "must be at least 1")
    if trailer is not None:
        trailer = checksum_header(trailer)[len("x-amz-checksum-") :]  # checked, lower case
    if algorithm != ALGORITHM and algorithm != SIGV4A_ALGORITHM:
        raise PayloadError("algorithm", f"must be {ALGORITHM} or {SIGV4A_ALGORITHM}, got {algorithm!r}")
    sig_len = _signature_length(algorithm)
    full, rest = divmod(decoded_length, chunk_size)
    meta = len(_CHUNK_SIG) + sig_len if signed else 0
    total = full * (len(f"{chunk_size:x}") + meta + 4 + chunk_size)
    if rest:
        total += len(f"{rest:x}") + meta + 4 + rest
    total += 1 + meta + 2  # "0[;chunk-signature=...]\r\n"
    if trailer is None:
        return total + 2
    total += len(checksum_header(trailer)) + 1 + _B64_LEN[trailer] + 2
    if signed:
        total += len(_TRAILER_SIG) + sig_len + 2
    return total + 2


class ChunkedBody:
    """The encoded body: an iterable of ``bytes`` (one encoded chunk each, then the trailer)
    with a ``len()``, so ``requests`` and ``httpx`` send it with a ``Content-Length``.

    Iterating again restarts from the beginning when the source allows it (bytes, a
    seekable file, a list); a one-shot iterator or stream raises :class:`PayloadError`.
    After a full iteration ``checksum`` holds the trailing checksum value sent, if any.
    """

    __slots__ = (
        "_algorithm",
        "_key",
        "_one_shot",
        "_seed",
        "_sig_len",
        "_source",
        "_start",
        "_used",
        "checksum",
        "chunk_size",
        "decoded_length",
        "trailer",
    )

    def __init__(
        self,
        source: Source,
        decoded_length: int,
        chunk_size: int,
        trailer: str | None,
        key: DayKey | SigV4aDayKey | bytes | None,
        seed: tuple[str, str, str],
        start: int | None = None,
        one_shot: bool = False,
    ) -> None:
        self._source = source
        self._start = start
        self._one_shot = one_shot
        self._used = False
        self._key = key  # None: unsigned chunks
        algorithm = ALGORITHM if key is None or isinstance(key, (bytes, bytearray, memoryview)) else key.algorithm
        self._algorithm = algorithm
        self._sig_len = _signature_length(algorithm)
        self.decoded_length = decoded_length
        self.chunk_size = chunk_size
        self.trailer = trailer
        self._seed = seed  # (amz_date, credential scope, seed signature)
        self.checksum: str | None = None

    def __repr__(self) -> str:
        return f"ChunkedBody(decoded_length={self.decoded_length}, chunk_size={self.chunk_size}, trailer={self.trailer!r})"

    def __len__(self) -> int:
        return encoded_length(
            self.decoded_length, self.chunk_size, signed=self._key is not None, trailer=self.trailer, algorithm=self._algorithm
        )

    def __iter__(self) -> Iterator[bytes]:
        if self._used and self._one_shot:
            raise PayloadError("body", "the source was a one-shot stream or iterator and has already been sent")
        self._used = True
        return self._encode()

    def _data_chunks(self) -> Iterator[Buffer]:
        size, total = self.chunk_size, self.decoded_length
        src = self._source
        if isinstance(src, memoryview):
            for pos in range(0, total, size):
                yield src[pos : pos + size]
            return
        read = getattr(src, "read", None)
        if read is not None:
            if self._start is not None:
                src.seek(self._start)  # type: ignore[attr-defined]
            left = total
            while left:
                want = min(size, left)
                chunk = read(want)
                if isinstance(chunk, str):
                    raise PayloadError("body", "file is opened in text mode; open it in binary mode ('rb')")
                if chunk and len(chunk) < want:  # short read (pipe, socket): fill the chunk
                    parts = bytearray(chunk)
                    while len(parts) < want:
                        more = read(want - len(parts))
                        if not more:
                            break
                        parts += more
                    chunk = bytes(parts)
                if not chunk or len(chunk) < want:
                    got = total - left + len(chunk or b"")
                    raise PayloadError("body", f"ended after {got} bytes, but decoded_length is {total}")
                left -= len(chunk)
                yield chunk
            # A file measured at signing time must not have grown since. A stream is read
            # for exactly decoded_length bytes and no further (reading on could block).
            if self._start is not None and read(1):
                raise PayloadError("body", f"the file has grown past decoded_length={total} bytes since signing")
            return
        buf = bytearray()
        seen = 0
        for item in src:  # type: ignore[attr-defined]
            if not isinstance(item, (bytes, bytearray, memoryview)):
                raise PayloadError("body", f"iterator must yield bytes, not {type(item).__name__}")
            piece = memoryview(item).cast("B")
            seen += len(piece)
            if seen > total:
                raise PayloadError("body", f"has more than decoded_length={total} bytes")
            if buf:
                take = size - len(buf)
                buf += piece[:take]
                piece = piece[take:]
                if len(buf) < size:
                    continue
                yield bytes(buf)
                buf.clear()
            while len(piece) >= size:  # whole chunks straight from the piece, no copy
                yield piece[:size]
                piece = piece[size:]
            buf += piece
        if seen != total:
            raise PayloadError("body", f"ended after {seen} bytes, but decoded_length is {total}")
        if buf:
            yield bytes(buf)

    def _encode(self) -> Iterator[bytes]:
        key, trailer, width = self._key, self.trailer, self._sig_len
        signer = ChunkSigner(key, *self._seed) if key is not None else None
        checksum = new_checksum(trailer) if trailer is not None else None
        name = checksum_header(trailer) if trailer is not None else ""
        self.checksum = None
        for data in self._data_chunks():
            if checksum is not None:
                checksum.update(data)
            sig = f"{_CHUNK_SIG}{signer.sign_chunk(data).ljust(width, '*')}" if signer is not None else ""
            head = f"{len(data):x}{sig}\r\n"
            yield b"".join((head.encode("ascii"), data, b"\r\n"))
        final = f"0{_CHUNK_SIG}{signer.sign_chunk(b'').ljust(width, '*')}\r\n" if signer is not None else "0\r\n"
        if checksum is None:
            yield (final + "\r\n").encode("ascii")
            return
        self.checksum = value = b64(checksum.digest())
        line = f"{name}:{value}"
        if signer is not None:
            canonical = line + "\n"
            line += f"\r\n{_TRAILER_SIG}{signer.sign_trailer(canonical).ljust(width, '*')}"
        yield (final + line + "\r\n\r\n").encode("ascii")


def check_length(value: object, field: str) -> int:
    """``value`` when it is a non-negative int (not a bool); shared with :func:`sigv4.core.streaming.plan_chunked`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PayloadError(field, f"must be a non-negative integer, got {value!r}")
    return value
