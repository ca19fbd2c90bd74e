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

This module is the seed request: the ``STREAMING-*`` payload hashes, the body's source
and :func:`plan_chunked` (the seed's headers and ``Content-Length``).  The chunks themselves
(their strings to sign, :class:`ChunkSigner`, :func:`encoded_length` and :class:`ChunkedBody`)
are in :mod:`sigv4.core.aws_chunked`; their names are re-exported here.
"""

from __future__ import annotations

from .aws_chunked import (
    SIGV4A_PADDED_SIGNATURE_LENGTH,
    ChunkedBody,
    ChunkSigner,
    check_length,
    chunk_string_to_sign,
    encoded_length,
    trailer_string_to_sign,
)
from .canonical import ALGORITHM, collect_headers
from .checksums import ALGORITHMS, checksum_header
from .errors import PayloadError
from .inputs import SIGV4A_ALGORITHM

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .aws_chunked import Source
    from .canonical import HeadersInput

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
STREAMING_ECDSA_PAYLOAD = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_ECDSA_PAYLOAD_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
CHUNK_ALGORITHM = ALGORITHM + "-PAYLOAD"
TRAILER_ALGORITHM = ALGORITHM + "-TRAILER"
#: S3 rejects chunks under 8 KiB, except the last.
MIN_CHUNK_SIZE = 8192


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
        decoded_length = check_length(decoded_length, "decoded_length")
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
