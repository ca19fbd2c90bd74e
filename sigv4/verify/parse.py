"""Reading what a request says about its own signature, for :mod:`sigv4.verify.verifier`:
the ``Authorization`` header or the ``X-Amz-*`` query parameters (SigV4's
``AWS4-HMAC-SHA256`` and SigV4a's ``AWS4-ECDSA-P256-SHA256``, whose credential
scope has no region and whose region set is the signed ``X-Amz-Region-Set``
header or query parameter), the dates and the credential scope.  Structural problems
raise :class:`sigv4.VerificationError` (``AuthorizationHeaderMalformed`` /
``AuthorizationQueryParametersError``).  What repeats from request to request
(timestamps, credentials, signed-header lists) is parsed once and kept in small
bounded caches.

The request's own parts (its target, headers, query and body hash: the canonical
request's inputs) are read by :mod:`sigv4.verify.request`; its names are re-exported
here.  :class:`VerificationResult` is what a successful verification returns.
"""

from __future__ import annotations

from ..core.canonical import ALGORITHM
from ..core.errors import VerificationError
from ..core.inputs import ALGORITHMS, SIGV4A_ALGORITHM
from .request import hash_body, is_sha256_hex, query_value, request_headers, signed_query_pairs, split_target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..core.credentials import Credentials

__all__ = [
    "ALGORITHMS",
    "SIGV4A_ALGORITHM",
    "RequestAuth",
    "VerificationResult",
    "hash_body",
    "is_sha256_hex",
    "parse_amz_date",
    "parse_credential",
    "parse_header_auth",
    "parse_query_auth",
    "parse_region_set",
    "query_value",
    "remember",
    "request_headers",
    "signed_query_pairs",
    "split_target",
]

_AUTH_FIELDS = ("Credential", "SignedHeaders", "Signature")
_QUERY_AUTH = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)
_QUERY_AUTH_NAMES = frozenset((*_QUERY_AUTH, "X-Amz-Security-Token", "X-Amz-Region-Set"))
_REGION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.*,")
_MONTHS = {m: i + 1 for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))}


# Small bounded caches of what repeats from request to request (cleared when full).
_CACHE_SIZE = 256
_DATES: dict[str, int | None] = {}
_AUTH_HEADS: dict[str, tuple[str, str, str, str, str, tuple[str, ...]]] = {}
_SIGNED_HEADERS: dict[str, tuple[str, ...]] = {}
_CREDENTIALS: dict[tuple[str, str], tuple[str, str, str, str]] = {}


def remember(cache: dict, key: object, value: object) -> None:  # type: ignore[type-arg]
    """Store in one of the bounded caches (emptied when full: simple, and thread-safe enough)."""
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value


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
    value = _DATES.get(text, -1)  # (-1 is no timestamp of this form)
    if value != -1:
        return value
    value = _parse_amz_date(text)
    remember(_DATES, text, value)
    return value


def _parse_amz_date(text: str) -> int | None:
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


class RequestAuth:
    """What the request says about its own signature."""

    __slots__ = (
        "access_key",
        "algorithm",
        "amz_date",
        "date",
        "expires",
        "malformed",
        "presigned",
        "region",
        "region_set",
        "service",
        "signature",
        "signed_headers",
        "token",
    )

    def __init__(self, presigned: bool) -> None:
        self.presigned = presigned
        self.malformed = "AuthorizationQueryParametersError" if presigned else "AuthorizationHeaderMalformed"
        self.access_key = self.date = self.region = self.service = self.amz_date = self.signature = ""
        self.algorithm = ALGORITHM
        self.region_set: str | None = None  # SigV4a's (then region is the same string)
        self.signed_headers: tuple[str, ...] = ()
        self.expires: int | None = None
        self.token: str | None = None


def parse_credential(value: str, code: str, algorithm: str = ALGORITHM) -> tuple[str, str, str, str]:
    """``AKID/YYYYMMDD/region/service/aws4_request`` -> (access key, date, region,
    service); a malformed one raises ``VerificationError(code)``.  For SigV4a
    (``algorithm="AWS4-ECDSA-P256-SHA256"``) the scope has no region:
    ``AKID/YYYYMMDD/service/aws4_request``, and the region returned is ``""``."""
    if algorithm == SIGV4A_ALGORITHM:
        parts = value.rsplit("/", 3)
        if len(parts) != 4 or not parts[0] or not parts[2]:
            expected = "<YOUR-AKID>/YYYYMMDD/SERVICE/aws4_request"
            raise VerificationError(code, f"the Credential is mal-formed; expecting {expected!r}, got {value!r}")
        parts.insert(2, "")
    else:
        parts = value.rsplit("/", 4)
        if len(parts) != 5 or not parts[0] or not parts[2] or not parts[3]:
            expected = "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"
            raise VerificationError(code, f"the Credential is mal-formed; expecting {expected!r}, got {value!r}")
    if parts[4] != "aws4_request":
        raise VerificationError(code, f"the Credential terminator must be 'aws4_request', not {parts[4]!r}")
    if len(parts[1]) != 8 or not parts[1].isdigit() or parse_amz_date(parts[1] + "T000000Z") is None:
        raise VerificationError(code, f"the Credential date {parts[1]!r} is not YYYYMMDD")
    return parts[0], parts[1], parts[2], parts[3]


def _parse_credential(auth: RequestAuth, value: str) -> None:
    auth.access_key, auth.date, auth.region, auth.service = parse_credential(value, auth.malformed, auth.algorithm)


def parse_region_set(value: str, code: str) -> str:
    """A SigV4a region set as signed: ``*`` or comma-separated region names, each
    possibly with ``*`` wildcards (``us-*``); no spaces, no empty entries.  Returns
    it unchanged; a malformed one raises ``VerificationError(code)``."""
    if not value or len(value) > 1024 or not _REGION_CHARS.issuperset(value) or not all(value.split(",")):
        shown = value if len(value) <= 80 else value[:80] + "..."
        raise VerificationError(code, f"X-Amz-Region-Set must be '*' or comma-separated regions, got {shown!r}")
    return value


def _set_region_set(auth: RequestAuth, value: str | None, where: str) -> None:
    if value is None:
        raise VerificationError(auth.malformed, f"{SIGV4A_ALGORITHM} requires {where}")
    auth.region = auth.region_set = parse_region_set(value, auth.malformed)


def _parse_signed_headers(auth: RequestAuth, value: str) -> None:
    found = _SIGNED_HEADERS.get(value)
    if found is None:
        names = value.split(";")
        if not all(names):
            raise VerificationError(auth.malformed, f"SignedHeaders {value!r} has an empty name")
        found = tuple(sorted({n.lower() for n in names}))
        if "host" not in found:
            raise VerificationError(auth.malformed, "SignedHeaders must include host")
        remember(_SIGNED_HEADERS, value, found)
    auth.signed_headers = found


def _check_date(auth: RequestAuth, amz_date: str | None, what: str) -> None:
    if amz_date is None or parse_amz_date(amz_date) is None:
        code = auth.malformed if auth.presigned else "AccessDenied"
        raise VerificationError(code, f"{what} must be a valid YYYYMMDDTHHMMSSZ date, got {amz_date!r}")
    if amz_date[:8] != auth.date:
        raise VerificationError(
            auth.malformed, f"Invalid credential date {auth.date!r}: it is not the same as {what} {amz_date[:8]!r}"
        )
    auth.amz_date = amz_date


def parse_header_auth(value: str, canon: dict[str, str]) -> RequestAuth:
    auth = RequestAuth(presigned=False)
    # Everything but the signature repeats from request to request: parsed once.
    head, sep, sig = value.rpartition("Signature=")
    cached = _AUTH_HEADS.get(head) if sep and "," not in sig else None
    if cached is not None:
        auth.algorithm, auth.access_key, auth.date, auth.region, auth.service, auth.signed_headers = cached
        auth.signature = sig.strip()
        if not auth.signature:
            raise VerificationError(auth.malformed, "the authorization header has no Signature=")
    else:
        _parse_header_fields(auth, value)
        if sep and "," not in sig:
            fields = (auth.algorithm, auth.access_key, auth.date, auth.region, auth.service, auth.signed_headers)
            remember(_AUTH_HEADS, head, fields)
    amz_date = canon.get("x-amz-date")
    if amz_date is None and "date" in canon:
        amz_date = _parse_http_date(canon["date"])
        if amz_date is None:
            raise VerificationError("AccessDenied", f"the Date header {canon['date']!r} is not an HTTP date")
    _check_date(auth, amz_date, "X-Amz-Date")
    auth.token = canon.get("x-amz-security-token")
    if auth.algorithm == SIGV4A_ALGORITHM:
        if "x-amz-region-set" in canon and "x-amz-region-set" not in auth.signed_headers:
            raise VerificationError(auth.malformed, "SignedHeaders must include x-amz-region-set")
        _set_region_set(auth, canon.get("x-amz-region-set"), "a signed X-Amz-Region-Set header")
    return auth


def _parse_header_fields(auth: RequestAuth, value: str) -> None:
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm not in ALGORITHMS:
        shown = algorithm if len(algorithm) <= 40 else algorithm[:40] + "..."
        raise VerificationError(
            auth.malformed, f"the authorization mechanism {shown!r} is not supported; use {ALGORITHM} or {SIGV4A_ALGORITHM}"
        )
    auth.algorithm = algorithm
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


def parse_query_auth(pairs: list[tuple[str, str]], canon: dict[str, str]) -> RequestAuth:
    auth = RequestAuth(presigned=True)
    raw: dict[str, str] = {}  # as encoded in the query; decoded only where needed
    for key, value in pairs:
        if key in _QUERY_AUTH_NAMES:
            if key in raw:
                raise VerificationError(auth.malformed, f"{key} appears more than once")
            raw[key] = value
    for key in _QUERY_AUTH:
        if not raw.get(key):
            raise VerificationError(auth.malformed, f"Query-string authentication requires {key}")
    algorithm = query_value(raw["X-Amz-Algorithm"])
    if algorithm not in ALGORITHMS:
        raise VerificationError(auth.malformed, f'X-Amz-Algorithm only supports "{ALGORITHM}" and "{SIGV4A_ALGORITHM}"')
    auth.algorithm = algorithm
    credential = raw["X-Amz-Credential"]
    cached = _CREDENTIALS.get((algorithm, credential))
    if cached is None:
        _parse_credential(auth, query_value(credential))
        remember(_CREDENTIALS, (algorithm, credential), (auth.access_key, auth.date, auth.region, auth.service))
    else:
        auth.access_key, auth.date, auth.region, auth.service = cached
    _parse_signed_headers(auth, query_value(raw["X-Amz-SignedHeaders"]))
    _check_date(auth, query_value(raw["X-Amz-Date"]), "X-Amz-Date")
    expires = query_value(raw["X-Amz-Expires"])
    if not expires.isdigit() or not expires.isascii() or len(expires) > 12:
        raise VerificationError(auth.malformed, "X-Amz-Expires should be a number")
    auth.expires = int(expires)
    auth.signature = query_value(raw["X-Amz-Signature"])
    token = raw.get("X-Amz-Security-Token")
    auth.token = query_value(token) if token is not None else canon.get("x-amz-security-token")
    if algorithm == SIGV4A_ALGORITHM:
        region_set = raw.get("X-Amz-Region-Set")
        _set_region_set(auth, None if region_set is None else query_value(region_set), "the X-Amz-Region-Set query parameter")
        header = canon.get("x-amz-region-set")
        if header is not None and header != auth.region_set:
            raise VerificationError(auth.malformed, "the X-Amz-Region-Set header and query parameter differ")
    return auth


class VerificationResult:
    """A verified request: who signed it (``access_key``, ``credentials``), how
    (``algorithm``: ``AWS4-HMAC-SHA256`` or SigV4a's ``AWS4-ECDSA-P256-SHA256``),
    for what scope (``region``, ``service``; for SigV4a ``region_set`` is the
    signed ``X-Amz-Region-Set``, ``"*"`` or ``"us-east-1,us-west-2"``, and
    ``region`` the same string; ``region_set`` is ``None`` for SigV4), what was
    signed (``signed_headers``,
    ``payload_hash``), ``expires`` (seconds, presigned URLs only, else None),
    ``amz_date``, ``presigned``, and the ``canonical_request`` and
    ``string_to_sign`` that matched.  POST forms also set ``policy`` (the
    decoded document), ``fields`` (lower-case name -> value) and ``key``."""

    __slots__ = (
        "access_key",
        "algorithm",
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
        "region_set",
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
        algorithm: str = ALGORITHM,
        region_set: str | None = None,
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
        self.algorithm = algorithm
        self.region_set = region_set
        self.policy: dict[str, object] | None = None
        self.fields: dict[str, str] | None = None
        self.key: str | None = None

    def __repr__(self) -> str:
        kind = "presigned" if self.presigned else "post" if self.policy is not None else "header"
        return (
            f"VerificationResult({kind}, access_key={self.access_key!r}, region={self.region!r}, "
            f"service={self.service!r}, amz_date={self.amz_date!r}"
            + (f", algorithm={self.algorithm!r})" if self.region_set is not None else ")")
        )
