"""HMAC-SHA256 (RFC 2104) written out on Python's built-in SHA-256.

``hashlib`` and ``hmac`` load OpenSSL, which costs ~6 ms and ~4 MiB on a cold
start (a Lambda's first request), while the messages signed here are a few
hundred bytes; the built-in SHA-256 (``_sha2`` on 3.12+, ``_sha256`` before)
needs no load.  Shared by the SigV4 keys (:mod:`sigv4.core.keys`) and the SigV4a
nonces (:mod:`sigv4.core._p256`).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from hashlib import _Hash, sha256
else:
    try:  # Python 3.12+
        from _sha2 import sha256
    except ImportError:
        try:  # Python 3.9-3.11
            from _sha256 import sha256
        except ImportError:  # a build without the built-in hashes (some FIPS builds)
            from hashlib import sha256

__all__ = ["HmacSha256", "sha256"]

_BLOCK_SIZE = 64  # SHA-256's block size in bytes
# Translation tables XOR-ing every byte with the HMAC pads (bytes.translate runs in C).
_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))


class HmacSha256:
    """HMAC-SHA256 under one fixed key.

    The inner and outer hash states after absorbing the padded key are kept,
    so each message costs two ``copy()``s and two short hashes.  ``new`` is
    the SHA-256 constructor: the built-in one, or ``hashlib.sha256`` where
    throughput matters more than loading OpenSSL.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes, new: Callable[[bytes], _Hash] = sha256) -> None:
        if len(key) > _BLOCK_SIZE:
            key = new(key).digest()
        key = key.ljust(_BLOCK_SIZE, b"\0")
        self._inner = new(key.translate(_IPAD))
        self._outer = new(key.translate(_OPAD))

    def prefixed(self, prefix: bytes) -> HmacSha256:
        """The same HMAC for messages that all start with ``prefix``, absorbed
        once here: ``k.prefixed(p).digest(m) == k.digest(p + m)``."""
        other = HmacSha256.__new__(HmacSha256)
        other._inner = self._inner.copy()
        other._inner.update(prefix)
        other._outer = self._outer
        return other

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()
