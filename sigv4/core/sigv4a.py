"""The cryptographic core of SigV4a (``AWS4-ECDSA-P256-SHA256``): the signing
key derived from the credentials, and ECDSA P-256 over SHA-256 in pure Python.

SigV4a signs the same string to sign as SigV4 (with the algorithm name
``AWS4-ECDSA-P256-SHA256`` and a credential scope without region), but with an
ECDSA P-256 key derived from the access key and secret instead of an HMAC key.
The signature is the hex of the DER-encoded ECDSA signature of SHA-256 of the
UTF-8 string to sign.  This module holds that part only; canonical requests
and strings to sign are the signer's.

This module is the key side: the derivation (SP 800-108 KDF), the key cache and
the signing key.  The ECDSA backends, the public key and verification live in
:mod:`sigv4.core.ecdsa`; their names are re-exported here.

Interface
---------
* :func:`derive_private_key` ``(access_key, secret_key) -> int``: the private
  scalar ``d``, derived once per credentials through :data:`KEY_CACHE`.
* :func:`signing_key` ``(access_key, secret_key) -> EcdsaSigningKey``: the
  cached key object (the signer's entry point).
* :class:`EcdsaSigningKey`: ``.sign(string_to_sign) -> str`` (hex DER),
  ``.verify(string_to_sign, hex_der) -> bool``, ``.public_key``
  (:class:`EcdsaPublicKey`), ``.access_key``; built with
  ``EcdsaSigningKey.from_credentials(access_key, secret_key)`` (cached) or
  ``EcdsaSigningKey(d)`` from a scalar.
* :class:`EcdsaPublicKey`: ``.x``, ``.y``, ``.to_bytes()`` (uncompressed SEC 1
  point ``04‖X‖Y``), ``.verify(string_to_sign, hex_der) -> bool``.
* :func:`verify_signature` ``(public_key, string_to_sign, hex_der) -> bool``,
  :func:`public_key_from_hex` ``(x_hex, y_hex)`` as the aws-c-auth v4a suite's
  ``public-key.json`` writes it (``{"X": hex, "Y": hex}``), or one hex string of
  the uncompressed point.
* :class:`SigV4aKeyCache`: the bounded, thread-safe cache of derived keys,
  ``cache_info()`` -> ``CacheInfo(hits, misses, maxsize, currsize)``,
  ``clear()``.  :data:`KEY_CACHE` is the shared instance.
* ``backend=`` on every sign/verify: ``"auto"`` (``cryptography`` when it is
  importable, else pure Python), ``"pure"``, ``"cryptography"``.
  :func:`cryptography_available` tells which ``"auto"`` picks.

Key derivation
--------------
NIST SP 800-108 KDF in counter mode with HMAC-SHA256, one 256-bit block::

    key   = "AWS4A" + secret_key                                (UTF-8)
    input = 0x00000001 ‖ "AWS4-ECDSA-P256-SHA256" ‖ 0x00 ‖ access_key ‖ counter ‖ 0x00000100
    c     = HMAC-SHA256(key, input)                      (counter: one byte, from 1)
    while c > n - 2: counter += 1, recompute c           (n: the P-256 group order)
    d     = c + 1                                        (so 1 ≤ d ≤ n - 1)

Each retry builds the input afresh with the next counter, as aws-c-auth (the
library behind awscrt, hence botocore) does.  The AWS SDK for JavaScript
(``@smithy/signature-v4a``) appends each new input to the previous one
instead, so on a retry it HMACs ``input(1) ‖ input(2)``.  That is not the
SP 800-108 construction (each candidate is a fresh KDF call whose context
holds the counter) and would give another key; it can only matter for the
~2⁻³² of credentials whose first candidate exceeds ``n - 2``.  We follow
aws-c-auth.  A retry is tested by injecting the HMAC output (``prf=`` of
:func:`derive_private_key_uncached`): no real credentials needing one are known.
(Two smaller JS differences: it puts the secret into the HMAC key with
``charCodeAt`` rather than UTF-8, which differs for non-ASCII secrets, and it
stops after 253 counters rather than 254.)

Signatures
----------
Deterministic nonces (RFC 6979 with HMAC-SHA256), so a signature is
reproducible; ``low_s=True`` normalises ``s`` to ``≤ n/2``.  Off by default:
aws-c-auth (awscrt, hence boto3) does not normalise, and 70 of the 152
signatures in its v4a suite are high-s.  With ``cryptography``
44+ and an OpenSSL that has deterministic ECDSA, the accelerated path gives
the very same bytes; otherwise its signatures are randomised but equally
valid.  The pure-Python arithmetic (:mod:`sigv4.core._p256`) is **not
constant-time**; see that module for why this is acceptable for a client-side
signer, and why a verifying server is not exposed (verification uses only
public data).  ``cryptography`` is never required, and imported only when a
signature is made or checked with ``backend="auto"`` or ``"cryptography"``.

Secrets: no repr, str or error message shows the secret key or the private
scalar; the cache is keyed by a SHA-256 of the credentials, not the secret.
"""

from __future__ import annotations

from _thread import allocate_lock

from . import _p256
from .ecdsa import EcdsaPublicKey, backend_api, cryptography_available, message_bytes, public_key_from_hex, verify_signature
from .errors import CredentialsError, SigningError

TYPE_CHECKING = False  # not typing's: importing typing costs a few ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = [
    "ALGORITHM",
    "KEY_CACHE",
    "MAX_KDF_COUNTER",
    "CacheInfo",
    "EcdsaPublicKey",
    "EcdsaSigningKey",
    "SigV4aKeyCache",
    "cryptography_available",
    "derive_private_key",
    "derive_private_key_uncached",
    "public_key_from_hex",
    "signing_key",
    "verify_signature",
]

ALGORITHM = "AWS4-ECDSA-P256-SHA256"
# aws-c-auth's MAX_KEY_DERIVATION_COUNTER_VALUE; reaching it has probability ~2^(-32*254).
MAX_KDF_COUNTER = 254

# ----------------------------------------------------------------------------- input checks


def _utf8(value: object, field: str, error: type[SigningError]) -> bytes:
    """``value`` (a non-empty str) as UTF-8; the error names the field, never the value."""
    if not isinstance(value, str):
        raise error(field, f"must be a str, not {type(value).__name__}")
    if not value:
        raise error(field, "must not be empty")
    try:
        encoded: bytes | None = value.encode("utf-8")
    except UnicodeEncodeError:
        encoded = None
    if encoded is None:  # raised here, outside the except block: nothing chained
        raise error(field, "must be valid Unicode text (no lone surrogates)")
    return encoded


# ----------------------------------------------------------------------------- key derivation


def _fixed_input(access_key: bytes, counter: int) -> bytes:
    return b"\x00\x00\x00\x01" + ALGORITHM.encode("ascii") + b"\x00" + access_key + bytes((counter,)) + b"\x00\x00\x01\x00"


def derive_private_key_uncached(
    access_key: str,
    secret_key: str,
    *,
    prf: Callable[[bytes, bytes], bytes] | None = None,
) -> int:
    """The SigV4a private scalar for these credentials, computed every time.

    ``prf(key, fixed_input) -> 32 bytes`` replaces HMAC-SHA256 (tests use it
    to force the retry path); the default is HMAC-SHA256.
    """
    access = _utf8(access_key, "access_key", CredentialsError)
    key = b"AWS4A" + _utf8(secret_key, "secret_key", CredentialsError)
    mac = _p256.hmac_sha256 if prf is None else prf
    limit = _p256.N - 2
    for counter in range(1, MAX_KDF_COUNTER + 1):
        candidate = int.from_bytes(mac(key, _fixed_input(access, counter)), "big")
        if candidate <= limit:
            return candidate + 1
    raise CredentialsError("secret_key", f"no P-256 key within {MAX_KDF_COUNTER} KDF counters")


class CacheInfo(tuple[int, int, int, int]):
    """``(hits, misses, maxsize, currsize)``, like ``functools.lru_cache``'s."""

    __slots__ = ()

    def __new__(cls, hits: int, misses: int, maxsize: int, currsize: int) -> CacheInfo:
        return tuple.__new__(cls, (hits, misses, maxsize, currsize))

    @property
    def hits(self) -> int:
        return self[0]

    @property
    def misses(self) -> int:
        return self[1]

    @property
    def maxsize(self) -> int:
        return self[2]

    @property
    def currsize(self) -> int:
        return self[3]

    def __repr__(self) -> str:
        return f"CacheInfo(hits={self[0]}, misses={self[1]}, maxsize={self[2]}, currsize={self[3]})"


class SigV4aKeyCache:
    """Derived SigV4a keys, one per (access key, secret): bounded (least
    recently used out first), thread-safe, with hit/miss counts.

    Entries are keyed by SHA-256 of the length-prefixed credentials, so the
    cache keeps no secret string.  A miss derives under the lock, so even
    racing threads derive each key once.
    """

    __slots__ = ("_entries", "_hits", "_lock", "_misses", "maxsize")

    def __init__(self, maxsize: int = 64) -> None:
        if type(maxsize) is not int or maxsize < 1:
            raise SigningError("maxsize", "must be a positive int")
        self.maxsize = maxsize
        self._entries: dict[bytes, EcdsaSigningKey] = {}
        self._lock = allocate_lock()
        self._hits = 0
        self._misses = 0

    def signing_key(self, access_key: str, secret_key: str) -> EcdsaSigningKey:
        """The key of these credentials, derived on the first call only."""
        access = _utf8(access_key, "access_key", CredentialsError)
        secret = _utf8(secret_key, "secret_key", CredentialsError)
        fingerprint = _p256.sha256(len(access).to_bytes(4, "big") + access + secret).digest()
        entries = self._entries
        with self._lock:
            key = entries.pop(fingerprint, None)
            if key is not None:
                self._hits += 1
            else:
                self._misses += 1
                key = EcdsaSigningKey(derive_private_key_uncached(access_key, secret_key), access_key=access_key)
                while len(entries) >= self.maxsize:
                    del entries[next(iter(entries))]
            entries[fingerprint] = key  # (re)inserted last: most recently used
        return key

    def cache_info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self._hits, self._misses, self.maxsize, len(self._entries))

    def clear(self) -> None:
        """Forget every key and reset the counts (after rotating a secret, say)."""
        with self._lock:
            self._entries.clear()
            self._hits = 0
            self._misses = 0

    def __repr__(self) -> str:
        info = self.cache_info()
        return f"SigV4aKeyCache(maxsize={info.maxsize}, currsize={info.currsize}, hits={info.hits}, misses={info.misses})"


KEY_CACHE = SigV4aKeyCache()


def signing_key(access_key: str, secret_key: str) -> EcdsaSigningKey:
    """The cached :class:`EcdsaSigningKey` of these credentials (:data:`KEY_CACHE`)."""
    return KEY_CACHE.signing_key(access_key, secret_key)


def derive_private_key(access_key: str, secret_key: str) -> int:
    """The SigV4a private scalar of these credentials, derived once (:data:`KEY_CACHE`)."""
    return KEY_CACHE.signing_key(access_key, secret_key).private_scalar


# ----------------------------------------------------------------------------- the signing key


class EcdsaSigningKey:
    """A SigV4a signing key: the P-256 private scalar derived from a pair of
    credentials.  ``repr`` shows the access key and public key, never the scalar."""

    __slots__ = ("_d", "_native", "_public", "access_key")

    def __init__(self, private_scalar: int, *, access_key: str | None = None) -> None:
        if type(private_scalar) is not int or not 1 <= private_scalar < _p256.N:
            raise SigningError("private_scalar", "must be an int in 1..n-1 (n: the P-256 group order)")
        if access_key is not None and not isinstance(access_key, str):
            raise CredentialsError("access_key", f"must be a str or None, not {type(access_key).__name__}")
        self._d = private_scalar
        self.access_key = access_key
        self._public: EcdsaPublicKey | None = None
        self._native: Any = None

    @classmethod
    def from_credentials(cls, access_key: str, secret_key: str, *, cache: SigV4aKeyCache | None = None) -> EcdsaSigningKey:
        """The key of these credentials, derived once through ``cache`` (:data:`KEY_CACHE`)."""
        return (KEY_CACHE if cache is None else cache).signing_key(access_key, secret_key)

    @property
    def private_scalar(self) -> int:
        return self._d

    @property
    def public_key(self) -> EcdsaPublicKey:
        public = self._public
        if public is None:
            x, y = _p256.public_point(self._d)
            public = self._public = EcdsaPublicKey(x, y)
        return public

    def sign(self, string_to_sign: str | bytes, *, low_s: bool = False, backend: str = "auto") -> str:
        """Hex DER ECDSA signature of SHA-256(UTF-8 ``string_to_sign``)."""
        message = message_bytes(string_to_sign)
        api = backend_api(backend)
        if api is None:
            r, s = _p256.sign_digest(self._d, _p256.sha256(message).digest(), low_s=low_s)
            return _p256.encode_der_signature(r, s).hex()
        native = self._native
        if native is None:
            native = self._native = api["ec"].derive_private_key(self._d, api["curve"])
        der: bytes = native.sign(message, api["algorithm"])
        if low_s:
            rs = _p256.decode_der_signature(der)
            if rs is not None and rs[1] > _p256.N >> 1:
                der = _p256.encode_der_signature(rs[0], _p256.N - rs[1])
        return der.hex()

    def verify(self, string_to_sign: str | bytes, signature: str, *, backend: str = "auto") -> bool:
        return self.public_key.verify(string_to_sign, signature, backend=backend)

    def __reduce__(self) -> tuple[object, ...]:
        # Not the cached cryptography key object (it does not pickle); rebuilt on first use.
        return (_signing_key_from_state, (self._d, self.access_key))

    def __repr__(self) -> str:
        # Cheap and side-effect free: the public key shows only once computed.
        public = self._public
        shown = "" if public is None else f", public_key=0x{public.x:064x}..."
        return f"EcdsaSigningKey(access_key={self.access_key!r}{shown})"


def _signing_key_from_state(private_scalar: int, access_key: str | None) -> EcdsaSigningKey:
    return EcdsaSigningKey(private_scalar, access_key=access_key)
