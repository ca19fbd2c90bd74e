"""Signed ``aws-chunked`` uploads (S3 "streaming SigV4"), with optional trailing checksums.

The seed request is an ordinary header-signed request whose payload hash is one of the
``STREAMING-*`` constants; the body is then sent in chunks of ``chunk_size`` bytes, each
carrying a signature chained from the previous one (the first from the seed)::

    hex(size);chunk-signature=<sig>\\r\\n<data>\\r\\n     ... then the final zero-length chunk

* ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD``: signed chunks, ``0;chunk-signature=<sig>\\r\\n\\r\\n``.
* ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER``: signed chunks, then after the final chunk's
  header line the trailer ``x-amz-checksum-<alg>:<b64>\\r\\n``, its signature
  ``x-amz-trailer-signature:<sig>\\r\\n`` and a closing ``\\r\\n``.
* ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` (the signer's ``unsigned_payload=True``): plain
  ``hex(size)\\r\\n<data>\\r\\n`` chunks, ``0\\r\\n``, the trailer line and ``\\r\\n``.
* SigV4a (``AWS4-ECDSA-P256-SHA256``): ``STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`` and its
  ``-TRAILER`` variant, the same layout with ECDSA signatures.  A DER signature's length
  varies (70 to 72 bytes, rarely fewer), so each chunk and trailer signature is written
  right-padded with ``*`` to 144 characters (the longest hex DER signature of P-256), as
  aws-c-auth (awscrt, hence boto3) writes them: the encoded length is known in advance.
  The padding is not signed: each chunk's string to sign holds the previous signature
  without it (the seed's is never padded).

Chunk string to sign: ``AWS4-HMAC-SHA256-PAYLOAD`` (SigV4a: ``AWS4-ECDSA-P256-SHA256-PAYLOAD``), the date, the scope, the previous
signature, the hash of the empty string and the hash of the chunk's data.  Trailer:
``AWS4-HMAC-SHA256-TRAILER``, date, scope, the final chunk's signature and the hash of the
canonical trailer (``name:value\\n``).  Every chunk but the last has exactly ``chunk_size``
bytes, so the encoded length is known before the first byte is read, and the body is read
one chunk at a time: memory stays flat whatever the size.
"""

from __future__ import annotations

from hashlib import sha256

from .canonical import ALGORITHM, EMPTY_SHA256, collect_headers
from .checksums import ALGORITHMS, b64, checksum_header, new_checksum
from .errors import PayloadError
from .keys import signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Union

    from .canonical import HeadersInput
    from .checksums import Buffer
    from .keys import DayKey, SigV4aDayKey

    Source = Union[memoryview, object]

__all__ = [
    "STREAMING_PAYLOAD",
    "STREAMING_PAYLOAD_TRAILER",
    "STREAMING_UNSIGNED_PAYLOAD_TRAILER",
    "STREAMING_ECDSA_PAYLOAD",
    "STREAMING_ECDSA_PAYLOAD_TRAILER",
    "SIGV4A_PADDED_SIGNATURE_LENGTH",
    "MIN_CHUNK_SIZE",
    "ChunkSigner",
    "ChunkedBody",
    "chunk_string_to_sign",
    "trailer_string_to_sign",
    "encoded_length",
    "plan_chunked",
    "ChunkedPlan",
    "sign_chunked",
]

STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_PAYLOAD_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
SIGV4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
STREAMING_ECDSA_PAYLOAD = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_ECDSA_PAYLOAD_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
CHUNK_ALGORITHM = ALGORITHM + "-PAYLOAD"
TRAILER_ALGORITHM = ALGORITHM + "-TRAILER"
#: S3 rejects chunks under 8 KiB, except the last.
MIN_CHUNK_SIZE = 8192

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
    _check_length(decoded_length, "decoded_length")
    if _check_length(chunk_size, "chunk_size") < 1:
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


def _check_length(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PayloadError(field, f"must be a non-negative integer, got {value!r}")
    return value


def _source(body: object, decoded_length: int | None) -> tuple[Source, int, int | None, bool]:
    """(source, length, start position for a seekable file, one-shot?)."""
    if body is None:
        body = b""
    if isinstance(body, str):
        try:
            body = body.encode("utf-8")
        except UnicodeEncodeError:
            body = None  # raised below, outside the handler
        if body is None:
            raise PayloadError("body", "must be valid Unicode text (it contains a lone surrogate)")
    if isinstance(body, (bytes, bytearray, memoryview)):
        view = memoryview(body).cast("B")
        if decoded_length is not None and decoded_length != len(view):
            raise PayloadError("decoded_length", f"is {decoded_length} but the body has {len(view)} bytes")
        return view, len(view), None, False
    if hasattr(body, "read"):
        seekable = getattr(body, "seekable", None)
        try:
            can_seek = callable(seekable) and bool(seekable())
        except (OSError, ValueError):
            can_seek = False
        if can_seek:
            start = body.tell()  # type: ignore[attr-defined]
            size = body.seek(0, 2) - start  # type: ignore[attr-defined]
            body.seek(start)  # type: ignore[attr-defined]
            if decoded_length is not None and decoded_length != size:
                raise PayloadError("decoded_length", f"is {decoded_length} but the file has {size} bytes from its position")
            return body, size, start, False
        if decoded_length is None:
            raise PayloadError("decoded_length", "is required for a non-seekable stream")
        return body, decoded_length, None, True
    if isinstance(body, (list, tuple)):
        if not all(isinstance(p, (bytes, bytearray, memoryview)) for p in body):
            raise PayloadError("body", "a list or tuple body must hold only bytes")
        size = sum(len(p) for p in body)
        if decoded_length is not None and decoded_length != size:
            raise PayloadError("decoded_length", f"is {decoded_length} but the body has {size} bytes")
        return body, size, None, False
    if hasattr(body, "__iter__"):
        if decoded_length is None:
            raise PayloadError("decoded_length", "is required for an iterator body (its length cannot be known in advance)")
        return body, decoded_length, None, iter(body) is body
    raise PayloadError("body", f"must be bytes, a binary file or an iterable of bytes, not {type(body).__name__}")


class ChunkedPlan:
    """What an aws-chunked upload sends besides its signatures: the seed's headers and
    payload hash (``mode``), the encoded length, and where the data comes from."""

    __slots__ = (
        "chunk_size",
        "decoded_length",
        "encoded_length",
        "has_content_length",
        "headers",
        "mode",
        "one_shot",
        "source",
        "start",
        "trailer",
        "unsigned",
    )

    def __init__(self, **values: object) -> None:
        for name, value in values.items():
            setattr(self, name, value)

    source: Source
    decoded_length: int
    chunk_size: int
    trailer: str | None
    start: int | None
    one_shot: bool
    unsigned: bool
    mode: str
    encoded_length: int
    headers: list[tuple[str, str]]
    has_content_length: bool


def plan_chunked(
    body: object,
    headers: HeadersInput,
    decoded_length: int | None,
    chunk_size: int,
    trailer: str | None,
    *,
    unsigned: bool,
    algorithm: str = ALGORITHM,
) -> ChunkedPlan:
    """Check an aws-chunked upload's arguments and plan its seed request (see
    :meth:`sigv4.Signer.sign_chunked`, which signs the seed and the chunks)."""
    if decoded_length is not None:
        decoded_length = _check_length(decoded_length, "decoded_length")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < MIN_CHUNK_SIZE:
        raise PayloadError("chunk_size", f"must be an integer of at least {MIN_CHUNK_SIZE} (8 KiB), got {chunk_size!r}")
    if trailer is not None:
        if not isinstance(trailer, str) or trailer.lower() not in ALGORITHMS:
            raise PayloadError("trailer", f"must be None or one of {', '.join(ALGORITHMS)}, got {trailer!r}")
        trailer = trailer.lower()
    if unsigned and trailer is None:
        raise PayloadError(
            "trailer",
            "an unsigned streaming upload needs a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER): "
            "pass trailer='crc32c' (or crc32, sha1, sha256), or sign with unsigned_payload=False",
        )
    v4a = algorithm == SIGV4A_ALGORITHM
    if trailer is None:
        mode = STREAMING_ECDSA_PAYLOAD if v4a else STREAMING_PAYLOAD
    elif unsigned:
        mode = STREAMING_UNSIGNED_PAYLOAD_TRAILER
    else:
        mode = STREAMING_ECDSA_PAYLOAD_TRAILER if v4a else STREAMING_PAYLOAD_TRAILER
    source, length, start, one_shot = _source(body, decoded_length)
    encoded = encoded_length(length, chunk_size, signed=not unsigned, trailer=trailer, algorithm=algorithm)
    trailer_name = checksum_header(trailer) if trailer is not None else None

    to_send, canon = collect_headers(headers)
    pairs: list[tuple[str, str]] = []
    has_encoding = has_length = False
    expected = {
        "x-amz-content-sha256": mode,
        "x-amz-decoded-content-length": str(length),
        "content-length": str(encoded),
    }
    for name, value in to_send.items():
        lower = name.lower()
        if lower in expected:
            if canon[lower] != expected[lower]:
                raise PayloadError(name, f"must be {expected[lower]} for this upload, got {canon[lower]!r}")
            if lower != "content-length":
                continue  # added below, in one place
            has_length = True
        elif lower == "x-amz-trailer":
            if canon[lower] != (trailer_name or ""):
                raise PayloadError(name, "must match trailer= (pass trailer='crc32c' rather than the header)")
            continue
        elif lower == "content-encoding":
            codings = [c.strip().lower() for c in canon[lower].split(",")]
            if "aws-chunked" not in codings:
                value = "aws-chunked," + value
            has_encoding = True
        elif lower == trailer_name:
            raise PayloadError(name, "is sent in the trailer; do not pass it as a header too")
        pairs.append((name, value))
    if not has_encoding:
        pairs.append(("Content-Encoding", "aws-chunked"))
    pairs.append(("x-amz-decoded-content-length", str(length)))
    if trailer_name is not None:
        pairs.append(("x-amz-trailer", trailer_name))
    pairs.append(("x-amz-content-sha256", mode))
    return ChunkedPlan(
        source=source,
        decoded_length=length,
        chunk_size=chunk_size,
        trailer=trailer,
        start=start,
        one_shot=one_shot,
        unsigned=unsigned,
        mode=mode,
        encoded_length=encoded,
        headers=pairs,
        has_content_length=has_length,
    )


def sign_chunked(signer: object, method: str, url: str, body: object, **options: object) -> object:
    """``signer.sign_chunked(method, url, body, **options)``: the function form, kept for
    callers of earlier versions (see :meth:`sigv4.Signer.sign_chunked`)."""
    return signer.sign_chunked(method, url, body, **options)  # type: ignore[attr-defined]
