"""The SigV4 signing key: ``AWS4``+secret → date → region → service →
``aws4_request``, each step an HMAC-SHA256.

Derivation costs four HMACs; a key is valid for a whole UTC day, so it is
derived once per (secret, date, region, service) and kept in a small bounded
cache that threads may share.

The signing path starts with Python's built-in SHA-256 (``_sha2`` on 3.12+,
``_sha256`` before) rather than ``hashlib``/``hmac``: those load OpenSSL,
which costs ~6 ms and ~4 MiB on a cold start (a Lambda's first request),
while the messages signed here are a few hundred bytes.  A busy signer moves
to OpenSSL's SHA-256, ~2x faster on them (see :class:`DayKey`); large
payloads are always hashed with ``hashlib`` (see :mod:`sigv4.core.payload`).
HMAC (RFC 2104) is written out here: two hashes with the key XOR-ed into
pads, the keyed states computed once per key and copied per message.
"""

from __future__ import annotations

import sys
from _thread import allocate_lock

from ._hmac import HmacSha256, sha256
from .errors import CredentialsError, SigningError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from hashlib import _Hash

    from .credentials import Credentials

__all__ = [
    "signing_key",
    "signature",
    "derive_signing_key",
    "clear_cache",
    "HmacSha256",
    "DayKey",
    "SigV4aDayKey",
    "KeyCache",
    "KEYS",
    "sha256",
]

# A signer that has signed this many requests with one key is busy enough to
# be worth loading OpenSSL for its faster SHA-256 (see DayKey).
OPENSSL_AFTER = 1000


class DayKey:
    """What stays the same for every request signed with one set of
    credentials on one UTC date for one region and service: the credential
    scope, the credential and token as they stand in a query string, the
    start of the Authorization header, and the keyed HMAC.

    It is the signing half of the pipeline: :meth:`sign` turns a string to
    sign into the signature, and ``algorithm`` names it (a SigV4a key offers
    the same two).

    Hashing starts with the built-in SHA-256, so a cold start (a Lambda's
    first request) never loads OpenSSL (~6 ms, ~4 MiB).  ``openssl=True``
    uses ``hashlib``'s, ~2x faster on these short messages: the signer asks
    for it after :data:`OPENSSL_AFTER` signatures, and it is used at once
    when some other module has loaded ``hashlib`` already.  The digests are
    the same either way.
    """

    __slots__ = (
        "authorization_prefix",
        "builtin_uses_left",
        "credential",
        "creds",
        "date",
        "header_problem",
        "hmac",
        "plain_query",
        "query_prefix",
        "scope",
        "sha256",
        "token",
    )

    creds: Credentials
    date: str
    scope: str
    credential: str
    token: str
    authorization_prefix: str
    query_prefix: str
    plain_query: bool
    header_problem: str

    #: The signing algorithm, as it stands in the string to sign.
    algorithm = "AWS4-HMAC-SHA256"
    #: SigV4a's ``X-Amz-Region-Set`` (none for SigV4), as given and as a query value.
    region_set = ""
    region_set_query = ""

    def __init__(self, creds: Credentials, date: str, region: str, service: str, *, openssl: bool = False) -> None:
        from .credentials import Credentials

        if not isinstance(creds, Credentials):
            raise CredentialsError("credentials", f"must be a sigv4.Credentials, not {type(creds).__name__}")
        _check_key_inputs(creds.secret_key, date, region, service)
        openssl = openssl or "hashlib" in sys.modules
        self.sha256 = _openssl_sha256() if openssl else sha256
        # Counts down to the switch (Signer.day_key); on OpenSSL, it never gets there.
        self.builtin_uses_left = sys.maxsize if openssl else OPENSSL_AFTER
        _scoped(self, creds, date, f"{date}/{region}/{service}/aws4_request")  # CredentialScope
        self.hmac = HmacSha256(signing_key(creds.secret_key, date, region, service), self.sha256)

    def __repr__(self) -> str:
        return f"DayKey(scope={self.scope!r})"

    def sign(self, string_to_sign: str) -> str:
        """Signature: hex HMAC-SHA256 of the string to sign under this day's signing key."""
        try:
            message = string_to_sign.encode("utf-8")
        except (AttributeError, UnicodeEncodeError):
            message = None  # raised below, outside the handler
        if message is None:
            raise _not_text("string_to_sign", string_to_sign)
        return self.hmac.hexdigest(message)


class SigV4aDayKey:
    """:class:`DayKey`'s SigV4a (``AWS4-ECDSA-P256-SHA256``) counterpart, with the
    same attributes, so every way to sign runs the same pipeline:

    * ``scope`` is ``date/service/aws4_request``: no region (the signature is
      valid in every region of ``region_set``);
    * ``sign`` is the hex DER ECDSA P-256 signature of SHA-256 of the string to
      sign, with the key :func:`sigv4.core.sigv4a.signing_key` derives once per
      (access key, secret) and caches (see its statistics);
    * ``region_set`` (``"*"`` or ``"us-east-1,us-west-2"``) goes into the signed
      ``X-Amz-Region-Set`` header or query parameter (``region_set_query``,
      percent-encoded: ``*`` is ``%2A``).
    """

    __slots__ = (
        "authorization_prefix",
        "builtin_uses_left",
        "credential",
        "creds",
        "date",
        "ecdsa",
        "header_problem",
        "plain_query",
        "query_prefix",
        "region_set",
        "region_set_query",
        "scope",
        "sha256",
        "token",
    )

    algorithm = "AWS4-ECDSA-P256-SHA256"

    creds: Credentials
    date: str
    scope: str
    credential: str
    token: str
    authorization_prefix: str
    query_prefix: str
    plain_query: bool
    header_problem: str

    def __init__(self, creds: Credentials, date: str, region_set: str, service: str) -> None:
        from .sigv4a import signing_key as ecdsa_key
        from .urls import quote

        self.sha256 = _openssl_sha256() if "hashlib" in sys.modules else sha256
        self.builtin_uses_left = sys.maxsize  # the hashing is not what costs here: no switch
        self.region_set = region_set
        self.region_set_query = quote(region_set)
        _scoped(self, creds, date, f"{date}/{service}/aws4_request")  # CredentialScope, without region
        self.ecdsa = ecdsa_key(creds.access_key, creds.secret_key)

    def __repr__(self) -> str:
        return f"SigV4aDayKey(scope={self.scope!r}, region_set={self.region_set!r})"

    def sign(self, string_to_sign: str) -> str:
        """Signature: hex DER ECDSA P-256 signature of SHA-256 of the string to sign."""
        return self.ecdsa.sign(string_to_sign)


def _scoped(key: DayKey | SigV4aDayKey, creds: Credentials, date: str, scope: str) -> None:
    """What both day keys derive from the credentials and the scope: the credential and
    token as they stand in a query, and the start of the Authorization header."""
    from .urls import is_utf8_text, quote

    # The credential that cannot stand in a header (non-ASCII or control characters):
    # the signer refuses to sign headers with it; a query string percent-encodes it.
    key.header_problem = ""
    for field, value in (("access_key", creds.access_key), ("token", creds.token)):
        if not value:
            continue
        if not is_utf8_text(value):  # quoted below: its UnicodeEncodeError would carry the value
            raise CredentialsError(field, "must be valid Unicode text (it contains a lone surrogate)")
        if not key.header_problem and not (value.isascii() and value.isprintable()):
            key.header_problem = field
    key.creds = creds
    key.date = date
    key.scope = scope
    key.credential = quote(f"{creds.access_key}/{scope}")
    key.token = quote(creds.token) if creds.token else ""
    key.authorization_prefix = f"{key.algorithm} Credential={creds.access_key}/{scope}, SignedHeaders="
    key.query_prefix = f"X-Amz-Algorithm={key.algorithm}&X-Amz-Credential={key.credential}&X-Amz-Date="
    # A presigned query with no X-Amz-Region-Set and no token: the signer's shortest path.
    key.plain_query = not key.region_set and not key.token


def _openssl_sha256() -> Callable[[bytes], _Hash]:
    from hashlib import sha256

    return sha256


class KeyCache:
    """A bounded, thread-safe cache of derived keys, with hit/miss counts.

    The module keeps one (:data:`KEYS`) for :func:`signing_key` and
    :func:`signature`; code that wants its own bound or statistics makes
    another.  The oldest entry is evicted first (dicts keep insertion order).
    """

    __slots__ = ("_entries", "_lock", "hits", "maxsize", "misses")

    def __init__(self, maxsize: int = 128) -> None:
        self.maxsize = maxsize
        self._entries: dict[object, object] = {}
        self._lock = allocate_lock()
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"KeyCache(size={len(self._entries)}, maxsize={self.maxsize}, hits={self.hits}, misses={self.misses})"

    def get(self, key: object, make: Callable[[], object]) -> object:
        """The entry for ``key``, made with ``make()`` on a miss."""
        value = self._entries.get(key)
        if value is not None:
            with self._lock:  # (a counter += is not atomic across threads)
                self.hits += 1
            return value
        value = make()
        with self._lock:
            self.misses += 1
            if len(self._entries) >= self.maxsize:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = value
        return value

    def info(self) -> dict[str, int]:
        """``{'hits', 'misses', 'size', 'maxsize'}``."""
        return {"hits": self.hits, "misses": self.misses, "size": len(self._entries), "maxsize": self.maxsize}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


#: Signing keys by (secret, date, region, service), and keyed HMAC states by key.
KEYS = KeyCache()
_KEYED = KeyCache()


def _check_key_inputs(secret_key: object, date: object, region: object, service: object) -> None:
    """Each input a str UTF-8 can encode, or a SigningError naming it (never showing the secret)."""
    from .urls import is_utf8_text

    for field, value in (("secret_key", secret_key), ("date", date), ("region", region), ("service", service)):
        error = CredentialsError if field == "secret_key" else SigningError
        if not isinstance(value, str):
            raise error(field, f"must be a str, not {type(value).__name__}")
        if not is_utf8_text(value):
            raise error(field, "must be valid Unicode text (it contains a lone surrogate)")


def derive_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The four HMACs of the specification, uncached."""
    try:
        secret = ("AWS4" + secret_key).encode("utf-8")
        scope = (date.encode("utf-8"), region.encode("utf-8"), service.encode("utf-8"))
    except (AttributeError, TypeError, UnicodeEncodeError):
        # The UnicodeEncodeError holds "AWS4" + secret: raise a SigningError outside this
        # handler, so nothing is chained to it.
        secret, scope = b"", (b"", b"", b"")
    if not secret:
        _check_key_inputs(secret_key, date, region, service)
        raise CredentialsError("secret_key", "must be a str")  # not reached: the check above raises
    k_date = HmacSha256(secret).digest(scope[0])
    k_region = HmacSha256(k_date).digest(scope[1])
    k_service = HmacSha256(k_region).digest(scope[2])
    return HmacSha256(k_service).digest(b"aws4_request")


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The signing key for ``date`` (``YYYYMMDD``), cached in :data:`KEYS`."""
    if not (type(secret_key) is str and type(date) is str and type(region) is str and type(service) is str):
        _check_key_inputs(secret_key, date, region, service)  # str subclasses pass; anything else raises
    return KEYS.get((secret_key, date, region, service), lambda: derive_signing_key(secret_key, date, region, service))  # type: ignore[return-value]


def signature(key: bytes, string_to_sign: str) -> str:
    """Signature: hex HMAC-SHA256 of the string to sign under the signing key."""
    if type(key) is not bytes:  # a bytearray or memoryview: make it hashable
        if not isinstance(key, (bytes, bytearray, memoryview)):
            raise SigningError("key", f"must be bytes (a signing key), not {type(key).__name__}")
        key = bytes(key)
    try:
        message = string_to_sign.encode("utf-8")
    except (AttributeError, UnicodeEncodeError):
        message = None  # raised below, outside the handler
    if message is None:
        raise _not_text("string_to_sign", string_to_sign)
    keyed: HmacSha256 = _KEYED.get(key, lambda: HmacSha256(key))  # type: ignore[assignment]
    return keyed.hexdigest(message)


def _not_text(field: str, value: object) -> SigningError:
    if isinstance(value, str):
        return SigningError(field, "must be valid Unicode text (it contains a lone surrogate)")
    return SigningError(field, f"must be a str, not {type(value).__name__}")


def clear_cache() -> None:
    """Forget every cached key (after rotating a secret, say)."""
    KEYS.clear()
    _KEYED.clear()
