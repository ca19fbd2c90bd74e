"""What a :class:`~sigv4.verify.verifier.Verifier` accepts, and from whom: its settings
(``algorithms``, ``regions``, ``services``, ``skew``, ``max_expires``,
``normalize_path``), the credential scope's restrictions and the key lookup
(:meth:`VerifierPolicy.credentials_for`: ``InvalidAccessKeyId``), the time window
(``RequestTimeTooSkewed``, an expired or not yet valid presigned URL), the session
token (``InvalidToken``), the clock, and the keys derived from the looked-up
credentials (SigV4's signing key and keyed HMAC, SigV4a's public key), cached per
verifier.

Where it sits: :class:`VerifierPolicy` is the base of
:class:`~sigv4.verify.verifier.Verifier`, whose ``verify`` parses the request
(:mod:`sigv4.verify.parse`), runs these checks (steps 2 to 4 of its module's list),
then rebuilds the canonical request and string to sign and checks the signature.
:func:`region_set_covers` (a SigV4a region set against a region) is re-exported by
:mod:`sigv4.verify.verifier`.
"""

from __future__ import annotations

import hmac
import time as _time
from hashlib import sha256 as _sha256

from ..core.credentials import Credentials
from ..core.errors import CredentialsError, SigningError, VerificationError
from ..core.keys import HmacSha256, KeyCache, signing_key
from ..core.settings import MAX_EXPIRES
from .parse import ALGORITHMS, SIGV4A_ALGORITHM, parse_amz_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..core.sigv4a import EcdsaPublicKey, SigV4aKeyCache
    from .parse import RequestAuth

__all__ = ["VerifierPolicy", "region_set_covers"]


def _glob(pattern: str, name: str) -> bool:
    """``fnmatch`` with ``*`` as the only wildcard (a region set entry: ``us-*``)."""
    if "*" not in pattern:
        return pattern == name
    first, *middle, last = pattern.split("*")
    if not name.startswith(first) or not name.endswith(last) or len(name) < len(first) + len(last):
        return False
    pos, end = len(first), len(name) - len(last)
    for piece in middle:
        found = name.find(piece, pos, end)
        if found == -1:
            return False
        pos = found + len(piece)
    return True


def region_set_covers(region_set: str, region: str) -> bool:
    """Whether a SigV4a signature for ``region_set`` (``*``, ``us-east-1,us-west-2``,
    ``us-*``) is valid in ``region``."""
    return any(_glob(entry, region) for entry in region_set.split(","))


def _default_clock() -> float:
    return _time.time()


class VerifierPolicy:
    """The settings, key lookup, time and token checks and key caches of a
    :class:`~sigv4.verify.verifier.Verifier` (its base class; see its docstring for
    the arguments)."""

    __slots__ = (
        "_clock",
        "_keys",
        "_lookup",
        "_v4a_keys",
        "algorithms",
        "max_expires",
        "normalize_path",
        "regions",
        "services",
        "skew",
    )

    def __init__(
        self,
        lookup: Callable[[str], Credentials | None],
        *,
        clock: Callable[[], float] | None = None,
        skew: int = 900,
        max_expires: int = MAX_EXPIRES,
        regions: Iterable[str] | None = None,
        services: Iterable[str] | None = None,
        algorithms: Iterable[str] | None = None,
        normalize_path: bool | None = None,
    ) -> None:
        if not callable(lookup):
            raise CredentialsError("lookup", "must be a callable returning sigv4.Credentials or None")
        for name, value in (("skew", skew), ("max_expires", max_expires)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SigningError(name, "must be a non-negative integer number of seconds")
        for name, names in (("regions", regions), ("services", services), ("algorithms", algorithms)):
            if isinstance(names, str):
                raise SigningError(name, "must be an iterable of names, not a string")
        accepted = frozenset(ALGORITHMS) if algorithms is None else frozenset(algorithms)
        if not accepted or not accepted.issubset(ALGORITHMS):
            raise SigningError("algorithms", f"must name one or both of {', '.join(ALGORITHMS)}")
        if normalize_path is not None and not isinstance(normalize_path, bool):
            raise SigningError("normalize_path", "must be True, False or None (the service's rule)")
        self._lookup = lookup
        self._clock = clock or _default_clock
        # Signing keys with their keyed HMACs, owned by this verifier (bounded, thread-safe).
        self._keys = KeyCache(256)
        self._v4a_keys: SigV4aKeyCache | None = None  # SigV4a keys, made on the first SigV4a request
        self.algorithms = accepted
        self.normalize_path = normalize_path
        self.skew = skew
        self.max_expires = max_expires
        self.regions = frozenset(regions) if regions is not None else None
        self.services = frozenset(services) if services is not None else None

    def __repr__(self) -> str:
        return (
            f"Verifier(skew={self.skew}, max_expires={self.max_expires}, regions={self.regions!r}, services={self.services!r}, "
            f"algorithms={tuple(a for a in ALGORITHMS if a in self.algorithms)!r})"
        )

    def cache_info(self) -> dict[str, dict[str, int]]:
        """Key cache statistics: ``{"sigv4": {...}, "sigv4a": {...}}``, each with
        ``hits``, ``misses``, ``size`` and ``maxsize`` (SigV4a's key is derived
        once per credentials: one miss each)."""
        v4a = self._v4a_keys
        info = v4a.cache_info() if v4a is not None else None
        return {
            "sigv4": self._keys.info(),
            "sigv4a": {
                "hits": info.hits if info else 0,
                "misses": info.misses if info else 0,
                "size": info.currsize if info else 0,
                "maxsize": info.maxsize if info else 256,
            },
        }

    def _public_key(self, creds: Credentials) -> EcdsaPublicKey:
        """The SigV4a public key of these credentials (derived once, cached here)."""
        from ..core.sigv4a import SigV4aKeyCache

        cache = self._v4a_keys
        if cache is None:
            cache = self._v4a_keys = SigV4aKeyCache(256)
        return cache.signing_key(creds.access_key, creds.secret_key).public_key

    def _keyed(self, secret: str, date: str, region: str, service: str) -> tuple[bytes, HmacSha256]:
        """The signing key (:func:`sigv4.signing_key`) and its keyed HMAC on OpenSSL's
        SHA-256 (a verifier is a busy server)."""

        def make() -> tuple[bytes, HmacSha256]:
            key = signing_key(secret, date, region, service)
            return key, HmacSha256(key, _sha256)

        return self._keys.get((secret, date, region, service), make)  # type: ignore[return-value]

    def now(self) -> float:
        return float(self._clock())

    def credentials_for(
        self, access_key: str, region: str, service: str, malformed: str, *, algorithm: str = ALGORITHMS[0]
    ) -> Credentials:
        """The scope restrictions, then the key lookup.  For SigV4a ``region`` is
        the region set: it must cover one of ``regions``."""
        if algorithm not in self.algorithms:
            accepted = ", ".join(a for a in ALGORITHMS if a in self.algorithms)
            raise VerificationError(malformed, f"the signing algorithm {algorithm} is not accepted here; use {accepted}")
        if self.regions is not None:
            expected = ", ".join(sorted(self.regions))
            if algorithm == SIGV4A_ALGORITHM:
                if not any(region_set_covers(region, r) for r in self.regions):
                    raise VerificationError(malformed, f"the region set '{region}' covers none of '{expected}'")
            elif region not in self.regions:
                raise VerificationError(malformed, f"the region '{region}' is wrong; expecting '{expected}'")
        if self.services is not None and service not in self.services:
            expected = ", ".join(sorted(self.services))
            raise VerificationError(malformed, f"the service '{service}' is wrong; expecting '{expected}'")
        creds = self._lookup(access_key)
        if creds is None:
            raise VerificationError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
        if not isinstance(creds, Credentials):
            raise CredentialsError("lookup", f"must return sigv4.Credentials or None, not {type(creds).__name__}")
        return creds

    @staticmethod
    def check_token(creds: Credentials, token: str | None) -> None:
        expected = creds.token
        if expected is None and token is None:
            return
        if expected is None or token is None or not hmac.compare_digest(expected.encode("utf-8"), token.encode("utf-8")):
            raise VerificationError("InvalidToken", "The provided token is malformed or otherwise invalid.")

    def _check_time(self, auth: RequestAuth) -> None:
        stamp = parse_amz_date(auth.amz_date)
        assert stamp is not None  # checked by the parsers
        now = self.now()
        if auth.presigned:
            if (auth.expires or 0) > self.max_expires:
                raise VerificationError(
                    auth.malformed, f"X-Amz-Expires must be less than {self.max_expires} seconds, got {auth.expires}"
                )
            if stamp > now + self.skew:
                raise VerificationError("AccessDenied", "Request is not valid yet")
            if now > stamp + (auth.expires or 0):
                raise VerificationError("AccessDenied", "Request has expired")
        elif abs(now - stamp) > self.skew:
            raise VerificationError(
                "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."
            )
