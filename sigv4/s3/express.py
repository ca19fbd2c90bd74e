"""S3 Express One Zone directory buckets (``name--usw2-az1--x-s3``): addressing,
``CreateSession`` and the session credentials, as boto3 1.44.8 does them.

* **Addressing** (botocore's S3 endpoint rule set): object and bucket operations go to
  the zonal endpoint ``https://{bucket}.s3express[-fips]-{zone}[.dualstack].{region}.{suffix}``,
  always virtual-hosted (``addressing_style`` is ignored, Transfer Acceleration is refused).
  CreateBucket, DeleteBucket and GetBucketLocation go to the regional control endpoint
  ``https://s3express-control[-fips][.dualstack].{region}.{suffix}/{bucket}`` and are signed
  with the caller's own credentials (signing name ``s3express``).  With a custom
  ``endpoint_url``, every operation goes to it (path-style for an IP address,
  virtual-hosted otherwise) with session credentials, as boto3 does.
* **CreateSession**: ``GET {zonal endpoint}/?session``, header-signed with the caller's
  credentials (signing name ``s3express``, S3's rules: ``x-amz-content-sha256`` of the
  empty body, the caller's STS token in ``X-Amz-Security-Token``; no
  ``x-amz-create-session-mode``: a ReadWrite session, boto3's default).  The answer's
  ``<Credentials>`` are the session credentials.  The call is the only I/O here: it goes
  through :mod:`sigv4.providers.transport` (stdlib ``urllib``), or the ``transport`` given.
* **Session credentials** are cached per bucket (the newest 100 buckets, as botocore's
  ``lru_cache``) and refreshed by :class:`~sigv4.providers.base.RefreshableProvider`'s
  rules: fresh until **60 s** before they expire (botocore refreshes 45 s before); in
  the last minute one thread calls CreateSession while the others keep signing; a
  failed refresh keeps the current credentials (with a ``CredentialsRefreshWarning``,
  where botocore logs) while more than **10 s** are left (botocore's mandatory refresh
  margin), and raises :class:`~sigv4.core.errors.CredentialsError` after that.  Sixteen
  threads asking at once with nothing cached make one CreateSession call.
* **Signing** with them uses :data:`sigv4.core.settings.S3_EXPRESS`: the token travels in
  ``X-Amz-S3session-Token`` (query) / ``x-amz-s3session-token`` (header), never in
  ``X-Amz-Security-Token``.

Presigned POST forms are refused for directory buckets: boto3 1.44.8 writes one for
the control endpoint, signed with SigV2 or the caller's credentials (its
``S3ExpressPostAuth`` is never reached from ``generate_presigned_post``), which no
directory bucket accepts.
"""

from __future__ import annotations

from ..core.errors import CredentialsError
from ..core.settings import S3, S3_EXPRESS
from ..providers.base import RefreshableProvider, checked_credentials, parse_expiry
from .partitions import endpoint_error, host_label

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ..core.credentials import Credentials, CredentialsProvider
    from ..core.signer import Signer
    from .endpoints import Addressing

    Transport = Callable[..., tuple[int, bytes]]

__all__ = [
    "CONTROL_OPERATIONS",
    "S3ExpressSession",
    "SessionCache",
    "is_directory_bucket",
    "parse_create_session",
    "resolve",
    "zone_id",
]

SUFFIX = "--x-s3"
#: The zone id lengths the rule set tries, in its order (``usw2-az1``, ``use1-az12``,
#: ``usw2-lax1-az1``, ``usw2-lax1-az12``, and 20 characters).
_ZONE_LENGTHS = (8, 9, 13, 14, 20)
#: Operations of the client with ``UseS3ExpressControlEndpoint`` in S3's service model.
CONTROL_OPERATIONS = frozenset({"CreateBucket", "DeleteBucket", "GetBucketLocation"})
#: As botocore's S3ExpressIdentityCache (``functools.lru_cache(maxsize=100)``).
MAX_BUCKETS = 100
REFRESH_WINDOW = 60.0
EXPIRY_MARGIN = 10.0
RETRY_INTERVAL = 10.0
_MAX_ANSWER = 1 << 20


def is_directory_bucket(bucket: object) -> bool:
    """Whether ``bucket`` names a directory bucket (botocore's ``is_s3express_bucket``)."""
    return isinstance(bucket, str) and bucket.endswith(SUFFIX)


def zone_id(bucket: str) -> str:
    """The zone id in ``name--{zone}--x-s3``, as the rule set cuts it."""
    for length in _ZONE_LENGTHS:
        end = len(bucket) - len(SUFFIX)
        start = end - length
        if start >= 2 and bucket[start - 2 : start] == "--":
            return bucket[start:end]
    raise endpoint_error("Bucket", "Unrecognized S3Express bucket name format.")


def _virtual_hostable(bucket: str) -> bool:
    parts = bucket.split(".")
    is_ipv4 = len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts)
    return len(bucket) >= 3 and bucket.lower() == bucket and not is_ipv4 and host_label(bucket)


def resolve(addressing: Addressing, bucket: str, control: bool) -> tuple[str, str, bool]:
    """``(base URL, signing region, signed with session credentials)`` for a directory
    bucket; ``control`` for the operations of :data:`CONTROL_OPERATIONS`."""
    region = addressing.region
    if addressing.accelerate:
        raise endpoint_error("use_accelerate_endpoint", "S3Express does not support S3 Accelerate.")
    if addressing.endpoint is not None:
        scheme, authority, path, is_ip = addressing.endpoint
        if is_ip:
            base = path if path.endswith("/") else path + "/"
            return f"{scheme}://{authority}{base}{bucket}", region, True
        if not _virtual_hostable(bucket):
            raise endpoint_error("Bucket", "S3Express bucket name is not a valid virtual hostable name.")
        return f"{scheme}://{bucket}.{authority}{path}", region, True
    if not _virtual_hostable(bucket):
        raise endpoint_error("Bucket", "S3Express bucket name is not a valid virtual hostable name.")
    fips = "-fips" if addressing.fips else ""
    dualstack = ".dualstack" if addressing.dualstack else ""
    if control:
        return f"https://s3express-control{fips}{dualstack}.{region}.{addressing.dns_suffix}/{bucket}", region, False
    zone = zone_id(bucket)
    return f"https://{bucket}.s3express{fips}-{zone}{dualstack}.{region}.{addressing.dns_suffix}", region, True


# -- CreateSession's answer ----------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(parent: Any, name: str) -> Any:
    for el in parent:
        if _local(el.tag) == name:
            return el
    return None


def parse_create_session(status: int, body: bytes, what: str) -> Credentials:
    """The session credentials of a CreateSession answer, or CredentialsError naming what
    is wrong (S3's error code and message, or the part that is missing or malformed);
    never quoting a key, a secret or a token, and raised outside any ``except`` block."""
    from xml.etree import ElementTree

    from ..providers.transport import printable

    if len(body) >= _MAX_ANSWER:
        raise CredentialsError("CreateSession", f"{what}: the answer is too large (at least {_MAX_ANSWER} bytes)")
    text_ok = True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        text_ok = False
    if not text_ok:
        raise CredentialsError("CreateSession", f"{what}: HTTP {status}, the answer is not UTF-8 text ({len(body)} bytes)")
    root = None
    if body.strip():
        try:
            # expat refuses entity-expansion bombs and never fetches external entities.
            root = ElementTree.fromstring(body)  # noqa: S314
        except (ElementTree.ParseError, LookupError, ValueError, RecursionError):
            root = None
    if status != 200:
        code = message = ""
        if root is not None and _local(root.tag) == "Error":
            code_el, message_el = _child(root, "Code"), _child(root, "Message")
            code = printable((code_el.text or "").strip(), 100) if code_el is not None else ""
            message = printable((message_el.text or "").strip(), 300) if message_el is not None else ""
        detail = ": ".join(part for part in (code, message) if part)
        raise CredentialsError("CreateSession", f"{what}: HTTP {status}" + (f": {detail}" if detail else ""))
    if root is None:
        raise CredentialsError("CreateSession", f"{what}: the answer is not XML ({len(body)} bytes)")
    if _local(root.tag) != "CreateSessionResult":
        raise CredentialsError("CreateSession", f"{what}: the answer is not a <CreateSessionResult>")
    creds = _child(root, "Credentials")
    if creds is None:
        raise CredentialsError("CreateSession", f"{what}: the answer has no <Credentials>")
    values: dict[str, str] = {}
    for field in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        el = _child(creds, field)
        value = (el.text or "").strip() if el is not None and len(el) == 0 else ""
        if not value:
            raise CredentialsError("CreateSession", f"{what}: the answer has no <{field}>")
        values[field] = value
    expiry = parse_expiry(values["Expiration"], f"CreateSession Expiration ({what})")
    return checked_credentials(
        "CreateSession",
        f"{what}: the answer holds invalid session credentials",
        values["AccessKeyId"],
        values["SecretAccessKey"],
        values["SessionToken"],
        expiry,
    )


# -- the session credentials of one bucket ---------------------------------------------


def _session_url(base: str) -> str:
    """``{base}/?session`` for a virtual-hosted base, ``{base}?session`` for a path-style one."""
    cut = base.find("/", base.find("://") + 3)
    return base + "/?session" if cut == -1 else base + "?session"


class S3ExpressSession(RefreshableProvider):
    """A provider of one directory bucket's session credentials (``get_credentials()``),
    fetched with ``CreateSession`` signed with ``credentials`` (a
    :class:`~sigv4.Credentials` or any provider) and refreshed as the module says.

    ``base_url`` is the bucket's endpoint, ``https://{bucket}.s3express-{zone}.{region}.{partition's suffix}``
    by default (what :func:`resolve` gives a default client).  ``transport`` replaces the HTTP call
    (``transport(method, url, headers=..., body=None, timeout=...) -> (status, body)``, as
    :func:`sigv4.providers.transport.request`); ``clock`` replaces ``time.time``.
    :meth:`signer` returns a :class:`~sigv4.Signer` signing with the session credentials
    (for the adapters: requests, httpx, urllib...)."""

    method = "s3express-create-session"

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider,
        bucket: str,
        region: str,
        *,
        base_url: str | None = None,
        timeout: float = 5.0,
        attempts: int = 2,
        transport: Transport | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(refresh_window=REFRESH_WINDOW, expiry_margin=EXPIRY_MARGIN, retry_interval=RETRY_INTERVAL, clock=clock)
        from ..core.signer import Signer

        if not is_directory_bucket(bucket):
            raise CredentialsError("bucket", "must be a directory bucket name such as 'name--usw2-az1--x-s3'")
        if base_url is None:
            from .partitions import partition_of

            if not isinstance(region, str) or not region or not all(host_label(label) for label in region.split(".")):
                raise CredentialsError("region", "must be a region name such as 'us-west-2'")
            if not _virtual_hostable(bucket):
                raise endpoint_error("Bucket", "S3Express bucket name is not a valid virtual hostable name.")
            base_url = f"https://{bucket}.s3express-{zone_id(bucket)}.{region}.{partition_of(region)[1]}"
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise CredentialsError("base_url", "must be an http:// or https:// URL")
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise CredentialsError("attempts", "must be an integer of at least 1")
        self.bucket = bucket
        self.region = region
        self.base_url = base_url
        self.session_url = _session_url(base_url)
        self.timeout = timeout
        self.attempts = attempts
        self._transport = transport
        # The caller's credentials sign CreateSession (their STS token in X-Amz-Security-Token).
        self._caller = Signer(credentials, region, "s3express", settings=S3, clock=clock)

    def __repr__(self) -> str:
        return f"S3ExpressSession(bucket={self.bucket!r}, region={self.region!r}, session_url={self.session_url!r})"

    def describe(self) -> str:
        return f"CreateSession for {self.bucket}"

    def signer(self) -> Signer:
        """A signer for this bucket with the session credentials (signing name ``s3express``)."""
        from ..core.signer import Signer

        return Signer(self, self.region, "s3express", settings=S3_EXPRESS, clock=self._clock)

    def _fetch(self) -> Credentials:
        from ..providers.transport import TransportError

        if self._transport is None:
            from functools import partial

            from ..providers.transport import request

            transport: Transport = partial(request, use_proxy=True)  # HTTPS_PROXY applies, as for STS
        else:
            transport = self._transport
        what = f"{self.bucket} via {self.session_url}"
        problem = ""
        for attempt in range(1, self.attempts + 1):
            signed = self._caller.sign("GET", self.session_url)
            try:
                status, body = transport("GET", self.session_url, headers=signed.headers, body=None, timeout=self.timeout)
            except TransportError as exc:
                problem = str(exc)
                continue
            if status >= 500 and attempt < self.attempts:
                continue  # a server error (503 SlowDown...): asked again, as botocore retries
            return parse_create_session(status, body, what)
        raise CredentialsError("CreateSession", f"{what}: {problem}")


class SessionCache:
    """A client's :class:`S3ExpressSession` per (bucket, endpoint, region): at most
    :data:`MAX_BUCKETS`, the oldest dropped first."""

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider,
        *,
        clock: Callable[[], float] | None = None,
        transport: Transport | None = None,
        timeout: float = 5.0,
    ) -> None:
        from _thread import allocate_lock

        self._credentials = credentials
        self._clock = clock
        self._transport = transport
        self._timeout = timeout
        self._lock = allocate_lock()
        self._sessions: dict[tuple[str, str, str], S3ExpressSession] = {}

    def __repr__(self) -> str:
        return f"<SessionCache of {len(self._sessions)} directory buckets>"

    def session(self, bucket: str, base_url: str, region: str) -> S3ExpressSession:
        key = (bucket, base_url, region)
        found = self._sessions.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._sessions.get(key)
            if found is None:
                found = S3ExpressSession(
                    self._credentials,
                    bucket,
                    region,
                    base_url=base_url,
                    timeout=self._timeout,
                    transport=self._transport,
                    clock=self._clock,
                )
                if len(self._sessions) >= MAX_BUCKETS:
                    del self._sessions[next(iter(self._sessions))]
                self._sessions[key] = found
        return found
