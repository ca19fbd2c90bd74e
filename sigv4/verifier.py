"""``Verifier``: the server side of SigV4.  It checks header-signed requests
and presigned URLs (here), browser POST policies (:mod:`sigv4.verify_post`) and
``aws-chunked`` streams (:mod:`sigv4.verify_chunked`).

The canonical request is rebuilt from the request *as received* (the raw
request target, the headers, the body) with the same spec steps the signer
uses (:mod:`sigv4.canonical`, :mod:`sigv4.keys`), under the rules of the
service named in the credential scope (:func:`sigv4.settings.settings_for`):
S3's (single encoding, no path normalisation) or the generic ones (the
received path is encoded a second time and normalised).

What is checked, in order (the first failure is raised as a
:class:`sigv4.VerificationError` whose ``code`` is S3's):

1. the structure of the ``Authorization`` header or of the ``X-Amz-*`` query
   parameters (``AuthorizationHeaderMalformed`` /
   ``AuthorizationQueryParametersError``): algorithm, ``Credential``,
   ``SignedHeaders`` (``host`` must be in it), ``Signature``, the date, the
   scope's date equal to the timestamp's, the region and service when the
   verifier restricts them;
2. the access key (``InvalidAccessKeyId``);
3. the time: header signing within ``skew`` seconds either way
   (``RequestTimeTooSkewed``); presigned URLs ``X-Amz-Expires`` at most
   ``max_expires``, not expired and not dated beyond ``skew`` in the future
   (``AccessDenied``);
4. the session token against the looked-up credentials' (``InvalidToken``);
5. for S3, that every ``x-amz-*`` header present is signed, as S3 requires
   (``AccessDenied``; ``x-amz-security-token`` is exempt, being checked in 4);
6. the signature, compared in constant time (``SignatureDoesNotMatch``,
   carrying the canonical request and string to sign computed here);
7. a hashed payload against the body, read in 1 MiB blocks
   (``XAmzContentSHA256Mismatch``).

The clock is a value: ``clock=`` (a callable returning epoch seconds), by
default ``time.time`` looked up at each call (so freezegun can freeze it).
"""

from __future__ import annotations

import hmac
import time as _time

from .canonical import (
    ALGORITHM,
    EMPTY_SHA256,
    UNSIGNED_PAYLOAD,
    canonical_headers,
    canonical_query_string,
    canonical_request,
    canonical_uri,
    collect_headers,
    credential_scope,
    string_to_sign,
)
from .credentials import Credentials
from .errors import CredentialsError, PayloadError, SigningError, VerificationError
from .keys import signature, signing_key
from .settings import MAX_EXPIRES, S3_SERVICES, settings_for
from .urls import host_header, query_pairs, split_url, unquote_to_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .canonical import HeadersInput
    from .verify_chunked import ChunkDecoder, VerifiedStream

__all__ = ["Verifier", "VerificationResult", "parse_amz_date", "parse_credential", "hash_body", "split_target"]

STREAMING_PREFIX = "STREAMING-"
_HEX = frozenset("0123456789abcdef")
_BLOCK = 1 << 20
_AUTH_FIELDS = ("Credential", "SignedHeaders", "Signature")
_QUERY_AUTH = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)
_MISMATCH = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
_MONTHS = {m: i + 1 for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))}


def _default_clock() -> float:
    return _time.time()


def _epoch(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int | None:
    """Seconds since the epoch (UTC), or None for an impossible date."""
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60):
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day > (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]:
        return None
    # Days from 1970-01-01 by the civil-calendar formula (no calendar/strptime import).
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return days * 86400 + hour * 3600 + minute * 60 + second


def parse_amz_date(text: str) -> int | None:
    """Epoch seconds of a ``YYYYMMDDTHHMMSSZ`` timestamp, or None if it is not one."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z" or not (text[:8] + text[9:15]).isdigit() or not text.isascii():
        return None
    return _epoch(int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[9:11]), int(text[11:13]), int(text[13:15]))


def _parse_http_date(text: str) -> str | None:
    """An IMF-fixdate ``Date`` header (``Fri, 24 May 2013 00:00:00 GMT``) as ``YYYYMMDDTHHMMSSZ``."""
    parts = text.split()
    if len(parts) != 6 or parts[5] != "GMT" or parts[2] not in _MONTHS or not parts[1].isdigit() or not parts[3].isdigit():
        return None
    hms = parts[4].split(":")
    if len(hms) != 3 or not all(p.isdigit() and len(p) == 2 for p in hms):
        return None
    stamp = f"{int(parts[3]):04d}{_MONTHS[parts[2]]:02d}{int(parts[1]):02d}T{hms[0]}{hms[1]}{hms[2]}Z"
    return stamp if parse_amz_date(stamp) is not None else None


def _is_sha256_hex(value: str) -> bool:
    return len(value) == 64 and _HEX.issuperset(value)


def hash_body(body: object) -> str:
    """Hex SHA-256 of a body given as bytes, a binary file or an iterable of bytes,
    read in 1 MiB blocks (constant memory)."""
    from hashlib import sha256

    if body is None:
        return EMPTY_SHA256
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return sha256(body).hexdigest()
    h = sha256()
    read = getattr(body, "read", None)
    if read is not None:
        while True:
            block = read(_BLOCK)
            if not block:
                break
            if isinstance(block, str):
                raise PayloadError("body", "file is opened in text mode; open it in binary mode ('rb')")
            h.update(block)
        return h.hexdigest()
    if not hasattr(body, "__iter__"):
        raise PayloadError("body", f"must be bytes, a binary file or an iterable of bytes, not {type(body).__name__}")
    for piece in body:
        if not isinstance(piece, (bytes, bytearray, memoryview)):
            raise PayloadError("body", f"iterator must yield bytes, not {type(piece).__name__}")
        h.update(piece)
    return h.hexdigest()


class VerificationResult:
    """A verified request: who signed it (``access_key``, ``credentials``), for
    what scope (``region``, ``service``), what was signed (``signed_headers``,
    ``payload_hash``), ``expires`` (seconds, presigned URLs only, else None),
    ``amz_date``, ``presigned``, and the ``canonical_request`` and
    ``string_to_sign`` that matched.  POST forms also set ``policy`` (the
    decoded document), ``fields`` (lower-case name -> value) and ``key``."""

    __slots__ = (
        "access_key",
        "amz_date",
        "canonical_request",
        "credentials",
        "expires",
        "fields",
        "key",
        "payload_hash",
        "policy",
        "presigned",
        "region",
        "service",
        "signature",
        "signed_headers",
        "string_to_sign",
    )

    def __init__(
        self,
        credentials: Credentials,
        region: str,
        service: str,
        amz_date: str,
        signature: str,
        *,
        signed_headers: tuple[str, ...] = (),
        payload_hash: str | None = None,
        expires: int | None = None,
        presigned: bool = False,
        canonical_request: str | None = None,
        string_to_sign: str = "",
    ) -> None:
        self.access_key = credentials.access_key
        self.credentials = credentials
        self.region = region
        self.service = service
        self.amz_date = amz_date
        self.signature = signature
        self.signed_headers = signed_headers
        self.payload_hash = payload_hash
        self.expires = expires
        self.presigned = presigned
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign
        self.policy: dict[str, object] | None = None
        self.fields: dict[str, str] | None = None
        self.key: str | None = None

    def __repr__(self) -> str:
        kind = "presigned" if self.presigned else "post" if self.policy is not None else "header"
        return (
            f"VerificationResult({kind}, access_key={self.access_key!r}, region={self.region!r}, "
            f"service={self.service!r}, amz_date={self.amz_date!r})"
        )


class _Auth:
    """What the request says about its own signature."""

    __slots__ = (
        "access_key",
        "amz_date",
        "date",
        "expires",
        "malformed",
        "presigned",
        "region",
        "service",
        "signature",
        "signed_headers",
        "token",
    )

    def __init__(self, presigned: bool) -> None:
        self.presigned = presigned
        self.malformed = "AuthorizationQueryParametersError" if presigned else "AuthorizationHeaderMalformed"
        self.access_key = self.date = self.region = self.service = self.amz_date = self.signature = ""
        self.signed_headers: list[str] = []
        self.expires: int | None = None
        self.token: str | None = None


def _query_value(value: str) -> str:
    return unquote_to_bytes(value).decode("utf-8", "replace")


class Verifier:
    """Checks SigV4-signed requests.

    ``lookup(access_key)`` returns the :class:`sigv4.Credentials` of that key
    (whose token, if any, the request must carry) or ``None``.  ``skew`` is the
    clock difference tolerated (seconds, both ways); ``max_expires`` caps
    ``X-Amz-Expires``; ``regions``/``services`` (iterables of names) restrict
    the credential scope, which is otherwise reported for the caller to judge.
    """

    __slots__ = ("_clock", "_lookup", "max_expires", "regions", "services", "skew")

    def __init__(
        self,
        lookup: Callable[[str], Credentials | None],
        *,
        clock: Callable[[], float] | None = None,
        skew: int = 900,
        max_expires: int = MAX_EXPIRES,
        regions: Iterable[str] | None = None,
        services: Iterable[str] | None = None,
    ) -> None:
        if not callable(lookup):
            raise CredentialsError("lookup", "must be a callable returning sigv4.Credentials or None")
        for name, value in (("skew", skew), ("max_expires", max_expires)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SigningError(name, "must be a non-negative integer number of seconds")
        for name, names in (("regions", regions), ("services", services)):
            if isinstance(names, str):
                raise SigningError(name, "must be an iterable of names, not a string")
        self._lookup = lookup
        self._clock = clock or _default_clock
        self.skew = skew
        self.max_expires = max_expires
        self.regions = frozenset(regions) if regions is not None else None
        self.services = frozenset(services) if services is not None else None

    def __repr__(self) -> str:
        return f"Verifier(skew={self.skew}, max_expires={self.max_expires}, regions={self.regions!r}, services={self.services!r})"

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
        :mod:`sigv4.verify_chunked`."""
        from .verify_chunked import verify_chunked

        return verify_chunked(self, method, url, headers, body)

    def chunk_decoder(self, method: str, url: str, headers: HeadersInput) -> ChunkDecoder:
        """Verify an aws-chunked seed request now; the returned
        :class:`sigv4.verify_chunked.ChunkDecoder` verifies the body pushed to it."""
        from .verify_chunked import chunk_decoder

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
        """Verify an S3 browser POST form; see :mod:`sigv4.verify_post`."""
        from .verify_post import verify_post

        return verify_post(self, url, fields, file_size, filename=filename, headers=headers, bucket=bucket)

    # -- shared with verify_chunked / verify_post -----------------------------

    def verify_seed(self, method: str, url: str, headers: HeadersInput) -> tuple[VerificationResult, bytes, dict[str, str]]:
        """The seed request of an aws-chunked upload: (result, signing key for the
        chunk signatures, canonical header values by lower-case name)."""
        return self._verify(method, url, headers, b"", chunked=True)

    def now(self) -> float:
        return float(self._clock())

    def credentials_for(self, access_key: str, region: str, service: str, malformed: str) -> Credentials:
        """The scope restrictions, then the key lookup."""
        if self.regions is not None and region not in self.regions:
            expected = ", ".join(sorted(self.regions))
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
    ) -> tuple[VerificationResult, bytes, dict[str, str]]:
        if not isinstance(method, str) or not method:
            raise SigningError("method", f"must be a non-empty string, got {method!r}")
        path, query, url_host = split_target(url)
        canon = _headers(headers)
        if "host" not in canon and url_host is not None:
            canon["host"] = url_host
        pairs = query_pairs(query)
        authorization = canon.get("authorization")
        presigned = any(k == "X-Amz-Signature" for k, _ in pairs)
        if authorization is not None and presigned:
            raise VerificationError(
                "InvalidArgument", "Only one auth mechanism allowed: the Authorization header or the X-Amz-* query parameters"
            )
        if authorization is not None:
            auth = _parse_header_auth(authorization, canon)
        elif presigned or any(k == "X-Amz-Algorithm" for k, _ in pairs):
            auth = _parse_query_auth(pairs, canon)
        else:
            raise VerificationError("AccessDenied", "the request is not signed (no Authorization header, no X-Amz-Signature)")
        creds = self.credentials_for(auth.access_key, auth.region, auth.service, auth.malformed)
        self._check_time(auth)
        self.check_token(creds, auth.token)
        s3 = auth.service in S3_SERVICES
        if s3:
            unsigned = [
                n for n in canon if n.startswith("x-amz-") and n not in auth.signed_headers and n != "x-amz-security-token"
            ]
            if unsigned:
                raise VerificationError(
                    "AccessDenied",
                    f"There were headers present in the request which were not signed: {', '.join(sorted(unsigned))}",
                )
        # The payload hash signed, as the signer chose it.
        declared = canon.get("x-amz-content-sha256")
        if auth.presigned:
            declared = next((_query_value(v) for k, v in pairs if k == "X-Amz-Content-Sha256"), declared)
            if declared is None and s3:
                declared = UNSIGNED_PAYLOAD
        if declared is not None and declared.startswith(STREAMING_PREFIX) != chunked:
            if chunked:
                raise VerificationError("InvalidRequest", "not an aws-chunked upload: x-amz-content-sha256 is not STREAMING-*")
            raise VerificationError("InvalidRequest", f"{declared} is an aws-chunked upload: use Verifier.verify_chunked")
        payload = declared if declared is not None else hash_body(body)
        settings = settings_for(auth.service)
        curi = canonical_uri(path, double_encode=settings.double_encode_path, normalize=settings.normalize_path)
        names = auth.signed_headers
        header_block = canonical_headers({n: canon.get(n, "") for n in names}, names)
        signed = ";".join(names)
        scope = credential_scope(auth.date, auth.region, auth.service)
        key = signing_key(creds.secret_key, auth.date, auth.region, auth.service)
        if auth.presigned:
            candidates = [p for p in pairs if p[0] != "X-Amz-Signature"]
            queries = [canonical_query_string(candidates)]
            if auth.token is not None:  # a token added after signing (omit_session_token)
                queries.append(canonical_query_string([p for p in candidates if p[0] != "X-Amz-Security-Token"]))
        else:
            queries = [canonical_query_string(pairs)]
        given = auth.signature.encode("ascii", "replace")
        for cquery in queries:
            creq = canonical_request(method, curi, cquery, header_block, signed, payload)
            sts = string_to_sign(auth.amz_date, scope, creq)
            if hmac.compare_digest(signature(key, sts).encode("ascii"), given):
                break
        else:
            creq = canonical_request(method, curi, queries[0], header_block, signed, payload)
            raise VerificationError(
                "SignatureDoesNotMatch",
                _MISMATCH,
                canonical_request=creq,
                string_to_sign=string_to_sign(auth.amz_date, scope, creq),
            )
        if declared is not None and declared != UNSIGNED_PAYLOAD and not chunked:
            if not _is_sha256_hex(declared.lower()):
                raise VerificationError(
                    "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a hex SHA-256"
                )
            if not hmac.compare_digest(hash_body(body).encode("ascii"), declared.lower().encode("ascii")):
                raise VerificationError(
                    "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."
                )
        result = VerificationResult(
            creds,
            auth.region,
            auth.service,
            auth.amz_date,
            auth.signature,
            signed_headers=tuple(names),
            payload_hash=payload,
            expires=auth.expires,
            presigned=auth.presigned,
            canonical_request=creq,
            string_to_sign=sts,
        )
        return result, key, canon

    def _check_time(self, auth: _Auth) -> None:
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


def split_target(url: str) -> tuple[str, str, str | None]:
    """(path, raw query, host from the URL or None) of a request target or full URL."""
    if not isinstance(url, str):
        raise SigningError("url", f"must be a str, not {type(url).__name__}")
    if "://" not in url.partition("?")[0]:
        path, _, query = url.partition("?")
        return path, query.partition("#")[0], None
    problem = None
    try:
        scheme, netloc, path, query = split_url(url)
        host = host_header(scheme, netloc)
    except SigningError as exc:
        problem = exc.rule
    if problem is not None:
        raise VerificationError("InvalidRequest", f"url: {problem}")
    return path, query, host


def _headers(headers: HeadersInput) -> dict[str, str]:
    problem = None
    try:
        canon = collect_headers(headers)[1]
    except SigningError as exc:
        problem = str(exc)
    if problem is not None:
        raise VerificationError("InvalidRequest", f"header {problem}")
    return canon


def parse_credential(value: str, code: str) -> tuple[str, str, str, str]:
    """``AKID/YYYYMMDD/region/service/aws4_request`` -> (access key, date, region,
    service); a malformed one raises ``VerificationError(code)``."""
    parts = value.rsplit("/", 4)
    if len(parts) != 5 or not parts[0] or not parts[2] or not parts[3]:
        expected = "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"
        raise VerificationError(code, f"the Credential is mal-formed; expecting {expected!r}, got {value!r}")
    if parts[4] != "aws4_request":
        raise VerificationError(code, f"the Credential terminator must be 'aws4_request', not {parts[4]!r}")
    if len(parts[1]) != 8 or not parts[1].isdigit() or parse_amz_date(parts[1] + "T000000Z") is None:
        raise VerificationError(code, f"the Credential date {parts[1]!r} is not YYYYMMDD")
    return parts[0], parts[1], parts[2], parts[3]


def _parse_credential(auth: _Auth, value: str) -> None:
    auth.access_key, auth.date, auth.region, auth.service = parse_credential(value, auth.malformed)


def _parse_signed_headers(auth: _Auth, value: str) -> None:
    names = value.split(";")
    if not all(names):
        raise VerificationError(auth.malformed, f"SignedHeaders {value!r} has an empty name")
    unique = sorted({n.lower() for n in names})
    if "host" not in unique:
        raise VerificationError(auth.malformed, "SignedHeaders must include host")
    auth.signed_headers = unique


def _check_date(auth: _Auth, amz_date: str | None, what: str) -> None:
    if amz_date is None or parse_amz_date(amz_date) is None:
        code = auth.malformed if auth.presigned else "AccessDenied"
        raise VerificationError(code, f"{what} must be a valid YYYYMMDDTHHMMSSZ date, got {amz_date!r}")
    if amz_date[:8] != auth.date:
        raise VerificationError(
            auth.malformed, f"Invalid credential date {auth.date!r}: it is not the same as {what} {amz_date[:8]!r}"
        )
    auth.amz_date = amz_date


def _parse_header_auth(value: str, canon: dict[str, str]) -> _Auth:
    auth = _Auth(presigned=False)
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise VerificationError(auth.malformed, f"the authorization mechanism {algorithm!r} is not supported; use {ALGORITHM}")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, eq, field = part.strip().partition("=")
        if not part.strip():
            continue
        name = name.strip()
        if not eq or name not in _AUTH_FIELDS or name in fields:
            raise VerificationError(auth.malformed, f"the authorization header is malformed at {part.strip()!r}")
        fields[name] = field.strip()
    for name in _AUTH_FIELDS:
        if not fields.get(name):
            raise VerificationError(auth.malformed, f"the authorization header has no {name}=")
    _parse_credential(auth, fields["Credential"])
    _parse_signed_headers(auth, fields["SignedHeaders"])
    auth.signature = fields["Signature"]
    amz_date = canon.get("x-amz-date")
    if amz_date is None and "date" in canon:
        amz_date = _parse_http_date(canon["date"])
        if amz_date is None:
            raise VerificationError("AccessDenied", f"the Date header {canon['date']!r} is not an HTTP date")
    _check_date(auth, amz_date, "X-Amz-Date")
    auth.token = canon.get("x-amz-security-token")
    return auth


def _parse_query_auth(pairs: list[tuple[str, str]], canon: dict[str, str]) -> _Auth:
    auth = _Auth(presigned=True)
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in _QUERY_AUTH or key == "X-Amz-Security-Token":
            if key in params:
                raise VerificationError(auth.malformed, f"{key} appears more than once")
            params[key] = _query_value(value)
    for key in _QUERY_AUTH:
        if not params.get(key):
            raise VerificationError(auth.malformed, f"Query-string authentication requires {key}")
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise VerificationError(auth.malformed, f'X-Amz-Algorithm only supports "{ALGORITHM}"')
    _parse_credential(auth, params["X-Amz-Credential"])
    _parse_signed_headers(auth, params["X-Amz-SignedHeaders"])
    _check_date(auth, params["X-Amz-Date"], "X-Amz-Date")
    expires = params["X-Amz-Expires"]
    if not expires.isdigit() or not expires.isascii() or len(expires) > 12:
        raise VerificationError(auth.malformed, "X-Amz-Expires should be a number")
    auth.expires = int(expires)
    auth.signature = params["X-Amz-Signature"]
    auth.token = params.get("X-Amz-Security-Token", canon.get("x-amz-security-token"))
    return auth
