"""``Verifier``: the server side of SigV4.  It checks header-signed requests
and presigned URLs (here), browser POST policies (:mod:`sigv4.verify.post`) and
``aws-chunked`` streams (:mod:`sigv4.verify.chunked`).

Both algorithms are accepted (``algorithms=`` narrows them): SigV4
(``AWS4-HMAC-SHA256``) and SigV4a (``AWS4-ECDSA-P256-SHA256``, header-signed,
presigned and aws-chunked; not POST forms).  A SigV4a request's credential
scope is ``date/service/aws4_request`` and its region set the signed
``X-Amz-Region-Set`` header (or query parameter, presigned); its signature is
checked with the ECDSA P-256 public key derived from the looked-up
credentials (:mod:`sigv4.core.sigv4a`: derived once per credentials, in a cache
this verifier owns, see :meth:`Verifier.cache_info`).  The canonical request
and string to sign are rebuilt by the same functions either way.

The canonical request is rebuilt from the request *as received* (the raw
request target, the headers, the body) with the same spec steps the signer
uses (:mod:`sigv4.core.canonical`, :mod:`sigv4.core.keys`), under the rules of the
service named in the credential scope (:func:`sigv4.core.settings.settings_for`):
S3's (single encoding, no path normalisation) or the generic ones (the
received path is encoded a second time and normalised).

What is checked, in order (the first failure is raised as a
:class:`sigv4.VerificationError` whose ``code`` is S3's):

1. the structure of the ``Authorization`` header or of the ``X-Amz-*`` query
   parameters (``AuthorizationHeaderMalformed`` /
   ``AuthorizationQueryParametersError``): algorithm, ``Credential``,
   ``SignedHeaders`` (``host`` must be in it), ``Signature``, the date, the
   scope's date equal to the timestamp's, the algorithm, the region (SigV4a:
   the region set) and service when the verifier restricts them;
2. the access key (``InvalidAccessKeyId``);
3. the time: header signing within ``skew`` seconds either way
   (``RequestTimeTooSkewed``); presigned URLs ``X-Amz-Expires`` at most
   ``max_expires``, not expired and not dated beyond ``skew`` in the future
   (``AccessDenied``);
4. the session token against the looked-up credentials' (``InvalidToken``);
5. for S3, that every ``x-amz-*`` header present is signed, as S3 requires
   (``AccessDenied``; ``x-amz-security-token`` is exempt, being checked in 4);
6. the signature, compared in constant time (``SignatureDoesNotMatch``,
   carrying the canonical request and string to sign computed here).  A
   SigV4a signature is instead *verified* under the public key (ECDSA
   verification, with ``cryptography`` when installed): no secret is compared,
   so constant-time comparison does not apply;
7. a hashed payload against the body, read in 1 MiB blocks
   (``XAmzContentSHA256Mismatch``).

The clock is a value: ``clock=`` (a callable returning epoch seconds), by
default ``time.time`` looked up at each call (so freezegun can freeze it).
"""

from __future__ import annotations

import hmac
import time as _time
from hashlib import sha256 as _sha256

from ..core.canonical import (
    UNSIGNED_PAYLOAD,
    canonical_headers,
    canonical_query_string,
    canonical_request,
    canonical_uri,
    string_to_sign,
)
from ..core.credentials import Credentials
from ..core.errors import CredentialsError, SigningError, VerificationError
from ..core.keys import HmacSha256, KeyCache, signing_key
from ..core.settings import MAX_EXPIRES, S3_SERVICES, settings_for
from .parse import (
    ALGORITHMS,
    SIGV4A_ALGORITHM,
    RequestAuth,
    VerificationResult,
    hash_body,
    is_sha256_hex,
    parse_amz_date,
    parse_credential,
    parse_header_auth,
    parse_query_auth,
    query_value,
    request_headers,
    signed_query_pairs,
    split_target,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import NoReturn

    from ..core.canonical import HeadersInput
    from ..core.sigv4a import EcdsaPublicKey, SigV4aKeyCache
    from .chunked import ChunkDecoder, VerifiedStream

__all__ = [
    "Verifier",
    "VerificationResult",
    "parse_amz_date",
    "parse_credential",
    "hash_body",
    "split_target",
    "region_set_covers",
]

STREAMING_PREFIX = "STREAMING-"
_MISMATCH = "The request signature we calculated does not match the signature you provided. Check your key and signing method."


def _rules(service: str) -> tuple[bool, bool]:
    """(double_encode_path, normalize_path) of the service's preset."""
    settings = settings_for(service)
    return settings.double_encode_path, settings.normalize_path


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


class Verifier:
    """Checks SigV4- and SigV4a-signed requests.

    ``lookup(access_key)`` returns the :class:`sigv4.Credentials` of that key
    (whose token, if any, the request must carry) or ``None``.  ``skew`` is the
    clock difference tolerated (seconds, both ways); ``max_expires`` caps
    ``X-Amz-Expires``; ``regions``/``services`` (iterables of names) restrict
    the credential scope, which is otherwise reported for the caller to judge.

    ``regions`` are the regions this verifier answers for.  A SigV4a signature
    is valid in every region of its region set, so a region set is accepted
    when it covers at least one of them (``*`` covers all, ``us-*`` every
    ``us-`` region), as an AWS endpoint in one of them accepts it; a set
    covering none is refused (``AuthorizationHeaderMalformed`` /
    ``AuthorizationQueryParametersError``).  With ``regions=None`` any set is
    accepted and reported (``result.region_set``).

    ``algorithms`` (default both, ``("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")``)
    are the signing algorithms accepted; a request signed with another one is
    refused as malformed (``algorithms=["AWS4-HMAC-SHA256"]``: SigV4 only).

    ``normalize_path`` overrides the service's path rule (``None``: the
    service's preset, which normalises for every service but S3): ``False``
    for a server whose clients sign the path as sent, without removing dot
    segments.
    """

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

    # -- public API -----------------------------------------------------------

    def verify(self, method: str, url: str, headers: HeadersInput, body: object = b"") -> VerificationResult:
        """Verify a header-signed request or a presigned URL; see the module docstring.

        ``url`` is the request target as received (``/path?query``, host from
        the ``Host`` header) or a full URL; ``headers`` a mapping or a list of
        pairs; ``body`` bytes, a binary file or an iterable of bytes (read only
        when the payload is hashed).  aws-chunked requests go to
        :meth:`verify_chunked`."""
        return self._verify(method, url, headers, body, chunked=False)[0]

    def verify_chunked(self, method: str, url: str, headers: HeadersInput, body: Iterable[bytes]) -> VerifiedStream:
        """Verify an ``aws-chunked`` upload: the seed signature now, each chunk while
        iterating.  Returns an iterator of the decoded data (with ``.result``),
        yielding a chunk's bytes only once its signature is verified; see
        :mod:`sigv4.verify.chunked`."""
        from .chunked import verify_chunked

        return verify_chunked(self, method, url, headers, body)

    def chunk_decoder(self, method: str, url: str, headers: HeadersInput) -> ChunkDecoder:
        """Verify an aws-chunked seed request now; the returned
        :class:`sigv4.verify.chunked.ChunkDecoder` verifies the body pushed to it."""
        from .chunked import chunk_decoder

        return chunk_decoder(self, method, url, headers)

    def verify_post(
        self,
        url: str,
        fields: object,
        file_size: int,
        *,
        filename: str | None = None,
        headers: HeadersInput = None,
        bucket: str | None = None,
    ) -> VerificationResult:
        """Verify an S3 browser POST form; see :mod:`sigv4.verify.post`."""
        from .post import verify_post

        return verify_post(self, url, fields, file_size, filename=filename, headers=headers, bucket=bucket)

    # -- shared with verify_chunked / verify_post -----------------------------

    def verify_seed(
        self, method: str, url: str, headers: HeadersInput
    ) -> tuple[VerificationResult, bytes | EcdsaPublicKey, dict[str, str]]:
        """The seed request of an aws-chunked upload: (result, signing key for the
        chunk signatures -- SigV4a: the public key verifying them --, canonical
        header values by lower-case name)."""
        return self._verify(method, url, headers, b"", chunked=True)

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

    # -- internals ------------------------------------------------------------

    def _verify(
        self, method: str, url: str, headers: HeadersInput, body: object, *, chunked: bool
    ) -> tuple[VerificationResult, bytes | EcdsaPublicKey, dict[str, str]]:
        if not isinstance(method, str) or not method:
            raise SigningError("method", f"must be a non-empty string, got {method!r}")
        path, query, url_host = split_target(url)
        canon = request_headers(headers)
        if "host" not in canon and url_host is not None:
            canon["host"] = url_host
        pairs = signed_query_pairs(query)
        authorization = canon.get("authorization")
        presigned = "X-Amz-Signature=" in query and any(k == "X-Amz-Signature" for k, _ in pairs)
        if authorization is not None and presigned:
            raise VerificationError(
                "InvalidArgument", "Only one auth mechanism allowed: the Authorization header or the X-Amz-* query parameters"
            )
        if authorization is not None:
            auth = parse_header_auth(authorization, canon)
        elif presigned or any(k == "X-Amz-Algorithm" for k, _ in pairs):
            auth = parse_query_auth(pairs, canon)
        else:
            raise VerificationError("AccessDenied", "the request is not signed (no Authorization header, no X-Amz-Signature)")
        creds = self.credentials_for(auth.access_key, auth.region, auth.service, auth.malformed, algorithm=auth.algorithm)
        self._check_time(auth)
        if creds.token is not None or auth.token is not None:
            self.check_token(creds, auth.token)
        s3 = auth.service in S3_SERVICES
        names = auth.signed_headers
        if s3:
            unsigned = [n for n in canon if n[:6] == "x-amz-" and n not in names and n != "x-amz-security-token"]
            if unsigned:
                raise VerificationError(
                    "AccessDenied",
                    f"There were headers present in the request which were not signed: {', '.join(sorted(unsigned))}",
                )
        # The payload hash signed, as the signer chose it.
        declared = canon.get("x-amz-content-sha256")
        if auth.presigned:
            declared = next((query_value(v) for k, v in pairs if k == "X-Amz-Content-Sha256"), declared)
            if declared is None and s3:
                declared = UNSIGNED_PAYLOAD
        if declared is not None and declared.startswith(STREAMING_PREFIX) != chunked:
            if chunked:
                raise VerificationError("InvalidRequest", "not an aws-chunked upload: x-amz-content-sha256 is not STREAMING-*")
            raise VerificationError("InvalidRequest", f"{declared} is an aws-chunked upload: use Verifier.verify_chunked")
        payload = declared if declared is not None else hash_body(body)
        double_encode, normalize = _rules(auth.service)
        if self.normalize_path is not None:
            normalize = self.normalize_path
        curi = canonical_uri(path, double_encode=double_encode, normalize=normalize)
        if all(n in canon for n in names):
            header_block = canonical_headers(canon, names)
        else:  # a signed header is missing: it counts as empty (and the signature will tell)
            header_block = canonical_headers({n: canon.get(n, "") for n in names}, names)
        signed = ";".join(names)
        if auth.presigned:
            candidates = [p for p in pairs if p[0] != "X-Amz-Signature"]
            queries = [canonical_query_string(candidates)]
            if auth.token is not None:  # a token added after signing (omit_session_token)
                queries.append(canonical_query_string([p for p in candidates if p[0] != "X-Amz-Security-Token"]))
        else:
            queries = [canonical_query_string(pairs) if pairs else ""]
        algorithm = auth.algorithm
        key: bytes | EcdsaPublicKey
        if algorithm == SIGV4A_ALGORITHM:
            scope = f"{auth.date}/{auth.service}/aws4_request"  # SigV4a's credential scope: no region
            key = public = self._public_key(creds)
            for cquery in queries:
                creq = canonical_request(method, curi, cquery, header_block, signed, payload)
                sts = string_to_sign(auth.amz_date, scope, creq, algorithm=algorithm, sha256=_sha256)
                # An ECDSA verification, not a comparison of secrets: nothing to compare in constant time.
                if public.verify(sts, auth.signature):
                    break
            else:
                self._mismatch(method, curi, queries[0], header_block, signed, payload, auth.amz_date, scope, algorithm)
        else:
            scope = f"{auth.date}/{auth.region}/{auth.service}/aws4_request"  # credential_scope()
            key, keyed = self._keyed(creds.secret_key, auth.date, auth.region, auth.service)
            given = auth.signature.encode("ascii", "replace")
            for cquery in queries:
                creq = canonical_request(method, curi, cquery, header_block, signed, payload)
                sts = string_to_sign(auth.amz_date, scope, creq, sha256=_sha256)
                if hmac.compare_digest(keyed.hexdigest(sts.encode("utf-8")).encode("ascii"), given):
                    break
            else:
                self._mismatch(method, curi, queries[0], header_block, signed, payload, auth.amz_date, scope, algorithm)
        if declared is not None and declared != UNSIGNED_PAYLOAD and not chunked:
            declared_hex = declared.lower()
            if not is_sha256_hex(declared_hex):
                raise VerificationError(
                    "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a hex SHA-256"
                )
            if not hmac.compare_digest(hash_body(body).encode("ascii"), declared_hex.encode("ascii")):
                raise VerificationError(
                    "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."
                )
        result = VerificationResult(
            creds, auth.region, auth.service, auth.amz_date, auth.signature, algorithm=algorithm, region_set=auth.region_set
        )
        result.signed_headers = names
        result.payload_hash = payload
        result.expires = auth.expires
        result.presigned = auth.presigned
        result.canonical_request = creq
        result.string_to_sign = sts
        return result, key, canon

    @staticmethod
    def _mismatch(
        method: str,
        curi: str,
        cquery: str,
        header_block: str,
        signed: str,
        payload: str,
        amz_date: str,
        scope: str,
        algorithm: str,
    ) -> NoReturn:
        creq = canonical_request(method, curi, cquery, header_block, signed, payload)
        raise VerificationError(
            "SignatureDoesNotMatch",
            _MISMATCH,
            canonical_request=creq,
            string_to_sign=string_to_sign(amz_date, scope, creq, algorithm=algorithm, sha256=_sha256),
        )

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
