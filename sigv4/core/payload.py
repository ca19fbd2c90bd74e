"""The payload hash: hex SHA-256 of the body, read in constant memory.

Bodies that are bytes or str are hashed directly.  A seekable binary file is
hashed in 1 MiB blocks and put back where it was, so the caller can still send
it.  A generator or a non-seekable stream cannot be hashed without consuming
it: that is an error here, and the caller chooses ``payload_hash=`` or
``UNSIGNED-PAYLOAD`` instead (a silently wrong hash is never produced).
"""

from __future__ import annotations

from .canonical import EMPTY_SHA256
from .errors import PayloadError
from .keys import sha256 as _builtin_sha256

__all__ = ["payload_hash", "hash_file", "is_hashable_body"]

_BLOCK = 1 << 20
# Up to this size a body is hashed with the built-in SHA-256 (no OpenSSL to
# load on a cold start); larger ones with hashlib, which is ~7x faster per byte.
_SMALL_BODY = 512


def _sha256_hex(data: bytes | bytearray | memoryview) -> str:
    if len(data) <= _SMALL_BODY:
        return _builtin_sha256(data).hexdigest()
    from hashlib import sha256

    return sha256(data).hexdigest()


def is_hashable_body(body: object) -> bool:
    """Whether :func:`payload_hash` can hash ``body`` without consuming it."""
    if body is None or isinstance(body, (bytes, bytearray, memoryview, str)):
        return True
    return _seekable(body)


def _seekable(body: object) -> bool:
    seekable = getattr(body, "seekable", None)
    try:
        return callable(seekable) and bool(seekable()) and hasattr(body, "read")
    except (OSError, ValueError):
        return False


def hash_file(fileobj: object) -> str:
    """SHA-256 of a seekable binary file from its current position to the end;
    the position is restored afterwards."""
    from hashlib import sha256

    start = fileobj.tell()  # type: ignore[attr-defined]
    digest = sha256()
    buf = bytearray(_BLOCK)
    view = memoryview(buf)
    readinto = getattr(fileobj, "readinto", None)
    try:
        if readinto is not None:
            while True:
                n = readinto(buf)
                if not n:
                    break
                digest.update(view[:n])
        else:
            read = fileobj.read  # type: ignore[attr-defined]
            while True:
                chunk = read(_BLOCK)
                if not chunk:
                    break
                if isinstance(chunk, str):
                    raise PayloadError("body", "file is opened in text mode; open it in binary mode ('rb')")
                digest.update(chunk)
    finally:
        fileobj.seek(start)  # type: ignore[attr-defined]
    return digest.hexdigest()


def payload_hash(body: object) -> str:
    """HashedPayload: hex SHA-256 of ``body`` (bytes, str as UTF-8, or a
    seekable binary file)."""
    if body is None:
        return EMPTY_SHA256
    if isinstance(body, (bytes, bytearray, memoryview)):
        return _sha256_hex(body) if len(body) else EMPTY_SHA256
    if isinstance(body, str):
        try:
            data = body.encode("utf-8")
        except UnicodeEncodeError:
            data = None  # raised below, outside the handler
        if data is None:
            raise PayloadError("body", "must be valid Unicode text (it contains a lone surrogate)")
        return _sha256_hex(data) if data else EMPTY_SHA256
    if _seekable(body):
        return hash_file(body)
    if hasattr(body, "read") or hasattr(body, "__iter__"):
        raise PayloadError(
            "body",
            "a non-seekable stream or iterator cannot be hashed without consuming it: "
            "pass payload_hash=, or use unsigned_payload=True where the service allows it",
        )
    raise PayloadError("body", f"must be bytes, str or a binary file, not {type(body).__name__}")
