"""Verifying ``aws-chunked`` uploads (S3 "streaming SigV4"), the counterpart of
:mod:`sigv4.streaming`.

:func:`verify_chunked` checks the seed request at once (an ordinary
header-signed request whose payload hash is one of the ``STREAMING-*``
modes) and returns an iterator over the decoded data.  The wire bytes are
read in pieces of any size; each signed chunk is hashed while it arrives and
its bytes are yielded only after its chained signature is verified, so memory
holds at most one chunk (at most :data:`MAX_CHUNK_SIZE`) whatever the size of
the upload.  ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` chunks carry no signature:
their bytes are yielded as they arrive and only the trailing checksum, at the
end, vouches for them.

Errors (:class:`sigv4.VerificationError`): a wrong chunk or trailer signature
``SignatureDoesNotMatch``; a wrong trailing checksum ``BadDigest``; a stream
that ends early or decodes to a length other than
``x-amz-decoded-content-length`` ``IncompleteBody``; malformed framing
``InvalidRequest``.  S3's 8 KiB minimum chunk size is not enforced (MinIO does
not enforce it either).
"""

from __future__ import annotations

import hmac
from hashlib import sha256

from .checksums import ALGORITHMS, b64, new_checksum
from .errors import PayloadError, VerificationError
from .keys import signature
from .streaming import (
    STREAMING_PAYLOAD,
    STREAMING_PAYLOAD_TRAILER,
    STREAMING_UNSIGNED_PAYLOAD_TRAILER,
    chunk_string_to_sign,
    trailer_string_to_sign,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from .canonical import HeadersInput
    from .checksums import Checksum
    from .verifier import Verifier

__all__ = ["verify_chunked", "MAX_CHUNK_SIZE", "MODES"]

#: The largest signed chunk accepted (its bytes are held until its signature is checked).
MAX_CHUNK_SIZE = 16 << 20
MODES = (STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, STREAMING_UNSIGNED_PAYLOAD_TRAILER)
_MAX_LINE = 4096
_HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")
_SIG_PREFIX = b"chunk-signature="
_TRAILER_SIG = "x-amz-trailer-signature"
_CHECKSUM_PREFIX = "x-amz-checksum-"


def _framing(message: str) -> VerificationError:
    return VerificationError("InvalidRequest", f"aws-chunked framing: {message}")


def _incomplete(message: str) -> VerificationError:
    return VerificationError("IncompleteBody", message)


class _Reader:
    """Pulls bytes from the wire pieces: lines, or runs of exactly n bytes."""

    __slots__ = ("_it", "_piece", "_pos", "_view")

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._it = iter(pieces)
        self._piece = b""
        self._view = memoryview(b"")
        self._pos = 0

    def _more(self) -> bool:
        for piece in self._it:
            if not isinstance(piece, bytes):
                if not isinstance(piece, (bytearray, memoryview)):
                    raise PayloadError("body", f"an aws-chunked body must yield bytes, not {type(piece).__name__}")
                piece = bytes(piece)  # a buffer the producer may reuse: copy it
            if piece:
                self._piece, self._view, self._pos = piece, memoryview(piece), 0
                return True
        return False

    def at_eof(self) -> bool:
        return self._pos >= len(self._piece) and not self._more()

    def line(self) -> bytes | None:
        """The next line without its CRLF (or LF); None at a clean end of stream."""
        parts: list[bytes] = []
        size = 0
        while True:
            if self._pos >= len(self._piece) and not self._more():
                if parts:
                    raise _incomplete("the stream ended inside a chunk header or trailer line")
                return None
            end = self._piece.find(b"\n", self._pos)
            if end != -1:
                parts.append(self._piece[self._pos : end])
                self._pos = end + 1
                text = b"".join(parts)
                return text[:-1] if text.endswith(b"\r") else text
            parts.append(self._piece[self._pos :])
            size += len(self._piece) - self._pos
            self._pos = len(self._piece)
            if size > _MAX_LINE:
                raise _framing(f"a chunk header or trailer line is longer than {_MAX_LINE} bytes")

    def take(self, n: int) -> Iterator[memoryview]:
        """Exactly n bytes, as views of the pieces they arrived in."""
        while n:
            if self._pos >= len(self._piece) and not self._more():
                raise _incomplete("the stream ended inside a chunk")
            end = min(self._pos + n, len(self._piece))
            yield self._view[self._pos : end]
            n -= end - self._pos
            self._pos = end

    def crlf(self) -> None:
        got = b"".join(bytes(v) for v in self.take(2)) if not self.at_eof() else b""
        if got != b"\r\n":
            if not got:
                raise _incomplete("the stream ended after a chunk's data")
            raise _framing("a chunk's data is not followed by CRLF (wrong chunk size?)")


def _chunk_header(line: bytes, signed: bool) -> tuple[int, str | None]:
    size_text, _, ext = line.partition(b";")
    if not size_text or len(size_text) > 16 or not _HEXDIGITS.issuperset(size_text):
        raise _framing(f"bad chunk size {size_text[:20]!r}")
    size = int(size_text, 16)
    if not signed:
        return size, None
    if not ext.startswith(_SIG_PREFIX):
        raise _framing("a signed chunk has no ;chunk-signature=")
    sig = ext[len(_SIG_PREFIX) :]
    if len(sig) != 64 or not _HEXDIGITS.issuperset(sig):
        raise _framing("chunk-signature is not 64 hex digits")
    if size > MAX_CHUNK_SIZE:
        raise _framing(f"chunk of {size} bytes is larger than {MAX_CHUNK_SIZE}")
    return size, sig.decode("ascii")


def verify_chunked(verifier: Verifier, method: str, url: str, headers: HeadersInput, body: Iterable[bytes]) -> Iterator[bytes]:
    """See :meth:`sigv4.Verifier.verify_chunked`.  Raises for the seed request now;
    the returned iterator raises for a bad chunk, trailer or length."""
    result, key, canon = verifier.verify_seed(method, url, headers)
    mode = result.payload_hash
    if mode not in MODES:
        raise VerificationError("InvalidRequest", f"unsupported aws-chunked mode {mode!r}")
    decoded = canon.get("x-amz-decoded-content-length", "")
    if not decoded.isdigit() or not decoded.isascii():
        raise VerificationError("InvalidRequest", "an aws-chunked upload needs x-amz-decoded-content-length (a number)")
    algorithm = None
    if mode != STREAMING_PAYLOAD:
        trailer = canon.get("x-amz-trailer", "").lower()
        algorithm = trailer[len(_CHECKSUM_PREFIX) :] if trailer.startswith(_CHECKSUM_PREFIX) else ""
        if algorithm not in ALGORITHMS:
            raise VerificationError(
                "InvalidRequest", f"x-amz-trailer must name one of x-amz-checksum-{{{','.join(ALGORITHMS)}}}, got {trailer!r}"
            )
    if body is None or isinstance(body, (str, bytes, bytearray, memoryview)):
        body = [body.encode("latin-1") if isinstance(body, str) else bytes(body or b"")]
    if mode == STREAMING_UNSIGNED_PAYLOAD_TRAILER:
        return _decode(body, None, result.amz_date, "", "", int(decoded), algorithm)
    scope = f"{result.amz_date[:8]}/{result.region}/{result.service}/aws4_request"
    return _decode(body, key, result.amz_date, scope, result.signature, int(decoded), algorithm)


def _decode(
    pieces: Iterable[bytes], key: bytes | None, amz_date: str, scope: str, seed: str, decoded: int, algorithm: str | None
) -> Iterator[bytes]:
    reader = _Reader(pieces)
    signed = key is not None
    previous = seed
    checksum: Checksum | None = new_checksum(algorithm) if algorithm is not None else None
    total = 0
    while True:
        line = reader.line()
        if line is None:
            raise _incomplete("the stream ended before the final (zero-length) chunk")
        size, given = _chunk_header(line, signed)
        total += size
        if total > decoded:
            raise _incomplete(f"the chunks hold more than x-amz-decoded-content-length={decoded} bytes")
        if not signed:
            for part in reader.take(size):
                if checksum is not None:
                    checksum.update(part)
                yield part.tobytes()
        else:
            h = sha256()
            parts = []
            for part in reader.take(size):
                h.update(part)
                parts.append(part)
            sts = chunk_string_to_sign(amz_date, scope, previous, h.hexdigest())
            previous = signature(key, sts)  # type: ignore[arg-type]
            if not hmac.compare_digest(previous.encode("ascii"), given.encode("ascii")):  # type: ignore[union-attr]
                raise VerificationError("SignatureDoesNotMatch", "a chunk's signature does not match", string_to_sign=sts)
            for part in parts:
                if checksum is not None:
                    checksum.update(part)
                yield part.tobytes()
        if size == 0:
            break
        reader.crlf()
    if total != decoded:
        raise _incomplete(f"the chunks hold {total} bytes, not x-amz-decoded-content-length={decoded}")
    if algorithm is None:
        if reader.line() != b"" or not reader.at_eof():
            raise _framing("the final chunk must be followed by CRLF and the end of the stream")
        return
    _check_trailer(reader, key, amz_date, scope, previous, algorithm, checksum)


def _check_trailer(
    reader: _Reader, key: bytes | None, amz_date: str, scope: str, previous: str, algorithm: str, checksum: Checksum | None
) -> None:
    fields: dict[str, str] = {}
    order: list[str] = []
    while True:
        line = reader.line()
        if line is None or line == b"":
            break
        name, colon, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if not colon or not name or name in fields:
            raise _framing(f"bad trailer line {line[:40]!r}")
        fields[name] = value.strip()
        order.append(name)
    if not reader.at_eof():
        raise _framing("data after the trailer")
    name = _CHECKSUM_PREFIX + algorithm
    if name not in fields or (key is not None and _TRAILER_SIG not in fields):
        raise _incomplete(f"the trailer has no {name if name not in fields else _TRAILER_SIG}")
    if key is not None:
        canonical = "".join(f"{n}:{fields[n]}\n" for n in order if n != _TRAILER_SIG)
        sts = trailer_string_to_sign(amz_date, scope, previous, canonical)
        if not hmac.compare_digest(signature(key, sts).encode("ascii"), fields[_TRAILER_SIG].encode("ascii", "replace")):
            raise VerificationError("SignatureDoesNotMatch", "the trailer's signature does not match", string_to_sign=sts)
    assert checksum is not None
    if not hmac.compare_digest(b64(checksum.digest()).encode("ascii"), fields[name].encode("ascii", "replace")):
        raise VerificationError("BadDigest", f"The {algorithm.upper()} you specified did not match the calculated checksum.")
