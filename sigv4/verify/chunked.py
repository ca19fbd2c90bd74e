"""Verifying ``aws-chunked`` uploads (S3 "streaming SigV4"), the counterpart of
:mod:`sigv4.core.streaming`.

:func:`verify_chunked` checks the seed request at once (an ordinary
header-signed request whose payload hash is one of the ``STREAMING-*``
modes) and returns an iterator over the decoded data.  The wire bytes are
read in pieces of any size; each signed chunk is hashed while it arrives and
its bytes are yielded only after its chained signature is verified, so memory
holds at most one chunk (at most :data:`MAX_CHUNK_SIZE`) whatever the size of
the upload.  :class:`ChunkDecoder` is the same check pushed piece by piece
(``feed``/``finish``), for callers that receive the body asynchronously.
SigV4a seeds (``AWS4-ECDSA-P256-SHA256``) use
``STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`` (and ``-TRAILER``): each chunk and
trailer signature is an ECDSA signature of the ``AWS4-ECDSA-P256-SHA256-PAYLOAD``
(``-TRAILER``) string to sign over the regionless scope, verified with the
seed's public key; on the wire it is right-padded with ``*`` to 144 characters
(as aws-c-auth and :mod:`sigv4.core.streaming` write it).  The padding is not
signed; it is accepted, but not required: hex digits then any ``*``, 144
characters at most.  A SigV4 seed with an ECDSA mode, or the reverse, is
refused.  ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` chunks carry no signature: their
bytes are yielded as they arrive and only the trailing checksum, at the end,
vouches for them.  Lines end with CRLF, strictly.

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

from ..core.checksums import ALGORITHMS, b64, new_checksum
from ..core.errors import PayloadError, VerificationError
from ..core.keys import HmacSha256
from ..core.streaming import (
    SIGV4A_PADDED_SIGNATURE_LENGTH,
    STREAMING_ECDSA_PAYLOAD,
    STREAMING_ECDSA_PAYLOAD_TRAILER,
    STREAMING_PAYLOAD,
    STREAMING_PAYLOAD_TRAILER,
    STREAMING_UNSIGNED_PAYLOAD_TRAILER,
    chunk_string_to_sign,
    trailer_string_to_sign,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ..core.canonical import HeadersInput
    from ..core.checksums import Checksum
    from ..core.sigv4a import EcdsaPublicKey
    from .verifier import VerificationResult, Verifier

__all__ = ["verify_chunked", "chunk_decoder", "ChunkDecoder", "VerifiedStream", "MAX_CHUNK_SIZE", "MODES", "TRAILER_ALGORITHMS"]

#: The largest signed chunk accepted (its bytes are held until its signature is checked).
MAX_CHUNK_SIZE = 16 << 20
MODES = (
    STREAMING_PAYLOAD,
    STREAMING_PAYLOAD_TRAILER,
    STREAMING_UNSIGNED_PAYLOAD_TRAILER,
    STREAMING_ECDSA_PAYLOAD,
    STREAMING_ECDSA_PAYLOAD_TRAILER,
)
_SIGV4A = "AWS4-ECDSA-P256-SHA256"
#: The modes of each seed algorithm.
_MODES_OF = {
    "AWS4-HMAC-SHA256": (STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, STREAMING_UNSIGNED_PAYLOAD_TRAILER),
    _SIGV4A: (STREAMING_ECDSA_PAYLOAD, STREAMING_ECDSA_PAYLOAD_TRAILER, STREAMING_UNSIGNED_PAYLOAD_TRAILER),
}
#: The trailing checksums checked (crc64nvme by :mod:`sigv4.verify.crc64`).
TRAILER_ALGORITHMS = (*ALGORITHMS, "crc64nvme")
_MAX_LINE = 4096
_HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")
_SIG_PREFIX = b"chunk-signature="
_TRAILER_SIG = "x-amz-trailer-signature"
_CHECKSUM_PREFIX = "x-amz-checksum-"


def _framing(message: str) -> VerificationError:
    return VerificationError("InvalidRequest", f"aws-chunked framing: {message}")


def _incomplete(message: str) -> VerificationError:
    return VerificationError("IncompleteBody", message)


def _ecdsa_field(field: bytes) -> bytes | None:
    """The hex DER signature of a SigV4a chunk or trailer signature field (hex
    digits, then the unsigned ``*`` padding), or None when it is not one."""
    sig = field.rstrip(b"*")
    if not sig or len(field) > SIGV4A_PADDED_SIGNATURE_LENGTH or len(sig) % 2 or not _HEXDIGITS.issuperset(sig):
        return None
    return sig


def _chunk_header(line: bytes, signed: bool, ecdsa: bool = False) -> tuple[int, str | None]:
    size_text, _, ext = line.partition(b";")
    if not size_text or len(size_text) > 16 or not _HEXDIGITS.issuperset(size_text):
        raise _framing(f"bad chunk size {size_text[:20]!r}")
    size = int(size_text, 16)
    if not signed:
        return size, None
    if not ext.startswith(_SIG_PREFIX):
        raise _framing("a signed chunk has no ;chunk-signature=")
    field = ext[len(_SIG_PREFIX) :]
    sig = _ecdsa_field(field) if ecdsa else field if len(field) == 64 and _HEXDIGITS.issuperset(field) else None
    if sig is None:
        if ecdsa:
            raise _framing(f"chunk-signature is not a hex signature right-padded with '*' to {SIGV4A_PADDED_SIGNATURE_LENGTH}")
        raise _framing("chunk-signature is not 64 hex digits")
    if size > MAX_CHUNK_SIZE:
        raise _framing(f"chunk of {size} bytes is larger than {MAX_CHUNK_SIZE}")
    return size, sig.decode("ascii")


_HEADER, _DATA, _DATA_END, _FINAL, _TRAILER, _END = range(6)


class ChunkDecoder:
    """Decodes and verifies an aws-chunked body pushed in pieces of any size:
    ``feed(piece)`` returns the data verified so far (a list of bytes),
    ``finish()`` checks the end of the stream (final chunk, length, trailer).
    ``result`` is the seed request's :class:`sigv4.VerificationResult`."""

    __slots__ = (
        "_algorithm",
        "_amz_date",
        "_checksum",
        "_given",
        "_hash",
        "_hmac",
        "_key",
        "_left",
        "_line",
        "_parts",
        "_previous",
        "_public",
        "_scope",
        "_state",
        "_trailer",
        "_trailer_order",
        "algorithm",
        "decoded_length",
        "received",
        "result",
    )

    def __init__(
        self, result: VerificationResult, key: bytes | EcdsaPublicKey | None, decoded_length: int, algorithm: str | None
    ) -> None:
        self.result = result
        self.decoded_length = decoded_length
        self.algorithm = algorithm
        self.received = 0  # decoded bytes announced by the chunk headers so far
        self._key = key  # None: unsigned chunks
        self._amz_date = result.amz_date
        self._algorithm = result.algorithm
        if result.algorithm == _SIGV4A:
            self._public = key  # SigV4a: each chunk signature is verified under the seed's public key
            self._hmac = None
            self._scope = f"{result.amz_date[:8]}/{result.service}/aws4_request"
        else:
            self._public = None
            self._hmac = HmacSha256(key, sha256) if isinstance(key, bytes) else None  # OpenSSL's SHA-256
            self._scope = f"{result.amz_date[:8]}/{result.region}/{result.service}/aws4_request"
        self._previous = result.signature
        self._checksum: Checksum | None = None
        if algorithm == "crc64nvme":
            from .crc64 import Crc64Nvme

            self._checksum = Crc64Nvme()
        elif algorithm is not None:
            self._checksum = new_checksum(algorithm)
        self._state = _HEADER
        self._line = bytearray()
        self._left = 0
        self._hash = sha256()
        self._parts: list[memoryview] = []
        self._given = ""
        self._trailer: dict[str, str] = {}
        self._trailer_order: list[str] = []

    def feed(self, piece: bytes) -> list[bytes]:
        if type(piece) is not bytes:
            if not isinstance(piece, (bytearray, memoryview)):
                raise PayloadError("body", f"an aws-chunked body must yield bytes, not {type(piece).__name__}")
            piece = bytes(piece)  # a buffer the producer may reuse: copy it
        out: list[bytes] = []
        view = memoryview(piece)
        pos, end = 0, len(piece)
        while pos < end:
            if self._state == _DATA:
                take = min(self._left, end - pos)
                part = view[pos : pos + take]
                pos += take
                self._left -= take
                if self._key is None:
                    if self._checksum is not None:
                        self._checksum.update(part)
                    out.append(piece if take == end else part.tobytes())
                else:
                    self._hash.update(part)
                    self._parts.append(part)
                if not self._left:
                    if self._key is not None:
                        self._end_signed_chunk(out)
                    self._state = _DATA_END
                continue
            if self._state == _END:
                raise _framing("data after the end of the aws-chunked body")
            newline = piece.find(b"\n", pos)
            if newline == -1:
                self._line += view[pos:]
                if len(self._line) > _MAX_LINE:
                    raise _framing(f"a chunk header or trailer line is longer than {_MAX_LINE} bytes")
                break
            self._line += view[pos : newline + 1]
            pos = newline + 1
            line = bytes(self._line)
            self._line.clear()
            if not line.endswith(b"\r\n"):
                raise _framing("a chunk header or trailer line does not end with CRLF")
            self._on_line(line[:-2], out)
        return out

    def _signs(self, sts: str, given: str) -> bool:
        """Whether ``given`` is the signature of ``sts``: HMAC compared in constant
        time, or (SigV4a) an ECDSA verification, where no secret is compared."""
        if self._public is not None:
            return self._public.verify(sts, given)  # type: ignore[union-attr]
        computed = self._hmac.hexdigest(sts.encode("ascii"))  # type: ignore[union-attr]
        return hmac.compare_digest(computed.encode("ascii"), given.encode("ascii", "replace"))

    def _end_signed_chunk(self, out: list[bytes]) -> None:
        sts = chunk_string_to_sign(self._amz_date, self._scope, self._previous, self._hash.hexdigest(), algorithm=self._algorithm)
        if not self._signs(sts, self._given):
            raise VerificationError("SignatureDoesNotMatch", "a chunk's signature does not match", string_to_sign=sts)
        self._previous = self._given  # chained unpadded
        checksum = self._checksum
        for part in self._parts:
            if checksum is not None:
                checksum.update(part)
            out.append(part.tobytes())
        self._parts = []
        self._hash = sha256()

    def _on_line(self, line: bytes, out: list[bytes]) -> None:
        state = self._state
        if state == _HEADER:
            size, given = _chunk_header(line, self._key is not None, self._public is not None)
            self.received += size
            if self.received > self.decoded_length:
                raise _incomplete(f"the chunks hold more than x-amz-decoded-content-length={self.decoded_length} bytes")
            self._given = given or ""
            if size:
                self._left = size
                self._state = _DATA
                return
            if self._key is not None:
                self._end_signed_chunk(out)
            if self.received != self.decoded_length:
                raise _incomplete(
                    f"the chunks hold {self.received} bytes, not x-amz-decoded-content-length={self.decoded_length}"
                )
            self._state = _FINAL if self.algorithm is None else _TRAILER
        elif state == _DATA_END:
            if line:
                raise _framing("a chunk's data is not followed by CRLF (wrong chunk size?)")
            self._state = _HEADER
        elif state == _FINAL:
            if line:
                raise _framing("the final chunk must be followed by CRLF and the end of the stream")
            self._state = _END
        elif not line:  # _TRAILER: the blank line ends it
            self._check_trailer()
            self._state = _END
        else:
            name, colon, value = line.decode("latin-1").partition(":")
            name = name.lower()
            if not colon or not name or name in self._trailer or name.strip(" \t") != name:
                raise _framing(f"bad trailer line {line[:40]!r}")
            self._trailer[name] = value.strip(" \t")
            self._trailer_order.append(name)

    def finish(self) -> None:
        """The stream has ended: it must have ended where a body may end."""
        if self._state == _TRAILER and not self._line and self._trailer:
            self._check_trailer()  # the closing blank line is optional
            self._state = _END
        if self._state != _END or self._line:
            raise _incomplete("the aws-chunked body ended early")

    def _check_trailer(self) -> None:
        fields, key = self._trailer, self._key
        name = _CHECKSUM_PREFIX + str(self.algorithm)
        if name not in fields or (key is not None and _TRAILER_SIG not in fields):
            raise _incomplete(f"the trailer has no {name if name not in fields else _TRAILER_SIG}")
        if key is not None:
            canonical = "".join(f"{n}:{fields[n]}\n" for n in self._trailer_order if n != _TRAILER_SIG)
            sts = trailer_string_to_sign(self._amz_date, self._scope, self._previous, canonical, algorithm=self._algorithm)
            given = fields[_TRAILER_SIG]
            if self._public is not None:
                sig = _ecdsa_field(given.encode("latin-1"))
                given = "" if sig is None else sig.decode("ascii")
            if not given or not self._signs(sts, given):
                raise VerificationError("SignatureDoesNotMatch", "the trailer's signature does not match", string_to_sign=sts)
        assert self._checksum is not None
        if not hmac.compare_digest(b64(self._checksum.digest()).encode("ascii"), fields[name].encode("ascii", "replace")):
            raise VerificationError(
                "BadDigest", f"The {str(self.algorithm).upper()} you specified did not match the calculated checksum."
            )


class VerifiedStream:
    """The decoded data of a verified aws-chunked body, an iterator of bytes;
    ``result`` is the seed request's :class:`sigv4.VerificationResult` and
    ``decoded_length`` the announced length."""

    __slots__ = ("_gen", "decoded_length", "result")

    def __init__(self, decoder: ChunkDecoder, pieces: Iterable[bytes]) -> None:
        self.result = decoder.result
        self.decoded_length = decoder.decoded_length
        self._gen = _run(decoder, pieces)

    def __iter__(self) -> VerifiedStream:
        return self

    def __next__(self) -> bytes:
        return next(self._gen)


def _run(decoder: ChunkDecoder, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)
    decoder.finish()


def chunk_decoder(verifier: Verifier, method: str, url: str, headers: HeadersInput) -> ChunkDecoder:
    """Verify the seed request (raising now if it is wrong) and return the decoder
    for its body."""
    result, key, canon = verifier.verify_seed(method, url, headers)
    mode = result.payload_hash
    if mode not in MODES:
        raise VerificationError("InvalidRequest", f"unsupported aws-chunked mode {mode!r}")
    if mode not in _MODES_OF.get(result.algorithm, ()):
        raise VerificationError("InvalidRequest", f"the aws-chunked mode {mode} does not go with a {result.algorithm} seed")
    decoded = canon.get("x-amz-decoded-content-length", "")
    if not decoded.isdigit() or not decoded.isascii():
        raise VerificationError("InvalidRequest", "an aws-chunked upload needs x-amz-decoded-content-length (a number)")
    algorithm = None
    if mode not in (STREAMING_PAYLOAD, STREAMING_ECDSA_PAYLOAD):
        trailer = canon.get("x-amz-trailer", "").lower()
        algorithm = trailer[len(_CHECKSUM_PREFIX) :] if trailer.startswith(_CHECKSUM_PREFIX) else ""
        if algorithm not in TRAILER_ALGORITHMS:
            names = ",".join(TRAILER_ALGORITHMS)
            raise VerificationError(
                "InvalidRequest", f"x-amz-trailer must name one of x-amz-checksum-{{{names}}}, got {trailer!r}"
            )
    return ChunkDecoder(result, None if mode == STREAMING_UNSIGNED_PAYLOAD_TRAILER else key, int(decoded), algorithm)


def verify_chunked(verifier: Verifier, method: str, url: str, headers: HeadersInput, body: Iterable[bytes]) -> VerifiedStream:
    """See :meth:`sigv4.Verifier.verify_chunked`.  Raises for the seed request now;
    the returned iterator raises for a bad chunk, trailer or length."""
    decoder = chunk_decoder(verifier, method, url, headers)
    if body is None or isinstance(body, (str, bytes, bytearray, memoryview)):
        body = [body.encode("latin-1") if isinstance(body, str) else bytes(body or b"")]
    return VerifiedStream(decoder, body)
