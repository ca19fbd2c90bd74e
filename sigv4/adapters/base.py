"""What the requests and httpx adapters share, free of any HTTP library: which headers are
signed; how a body is signed (hashed, ``UNSIGNED-PAYLOAD`` or refused); and, through
:class:`sigv4.adapters.recovery.Recovery`, the recoveries (clock skew, the bucket's region, a redirect
to re-sign for). The adapters translate their library's objects to plain values and back.
"""

from __future__ import annotations

import threading

from ..core.canonical import UNSIGNED_PAYLOAD, check_name
from ..core.errors import PayloadError, SigningError
from ..core.settings import S3_SERVICES
from ..core.signer import Signer
from ..core.urls import split_url
from .recovery import Recovery, Retry, may_follow, moved_host, regional_host, replace_netloc, resolve_location, time_now

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..core.credentials import Credentials, CredentialsProvider
    from ..core.settings import SigningSettings
    from ..core.signer import SignedRequest

__all__ = ["ALWAYS_SIGNED", "NEVER_SIGNED", "AdapterCore", "Retry", "may_follow", "regional_host", "resolve_location"]

#: Signed whenever present, whatever the settings (the spec's minimum, and what S3 checks).
ALWAYS_SIGNED = frozenset({"host", "content-type", "content-md5", "range"})
#: Hop-by-hop: what ``signed_headers=`` cannot ask for (proxies add, drop or rewrite them).
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te"})
NEVER_SIGNED = _HOP_BY_HOP | {"trailer", "transfer-encoding", "upgrade", "authorization", "expect"}
#: Written by the signer: replaced by every (re-)signing unless the caller supplied them.
OWN_HEADERS = frozenset(
    {"authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "x-amz-s3session-token", "x-amz-region-set"}
)
_ALWAYS_REPLACED = frozenset({"authorization", "x-amz-date"})
_SETTINGS = frozenset({"double_encode_path", "normalize_path", "content_sha256_header", "unsigned_payload", "clock"})
_SETTINGS |= {"omit_session_token", "unsigned_headers", "settings", "session_token_name", "algorithm"}
_V4A = "AWS4-ECDSA-P256-SHA256"
#: The key of the SigV4a signer used for Multi-Region Access Point hosts (never a SigV4 region).
_MRAP_KEY = "*"


def is_mrap_host(netloc: str) -> bool:
    """Whether ``netloc`` is a Multi-Region Access Point host,
    ``<alias>.accesspoint.s3-global.<partition DNS suffix>`` (any port)."""
    host = netloc.rpartition("@")[2].lower()
    if host.rpartition(":")[2].isdigit():
        host = host.rpartition(":")[0]
    alias, sep, suffix = host.partition(".accesspoint.s3-global.")
    if not sep or not alias:
        return False
    from ..s3.partitions import dns_suffixes

    return suffix in dns_suffixes()


class Signed:
    """The outcome of signing for an adapter: the URL to send, the headers to remove and
    then set, the region used and the full :class:`~sigv4.SignedRequest` trail."""

    __slots__ = ("drop", "headers", "region", "request", "url")

    def __init__(self, url: str, drop: frozenset[str], headers: dict[str, str], region: str, request: SignedRequest) -> None:
        self.url = url
        self.drop = drop
        self.headers = headers
        self.region = region
        self.request = request


class AdapterCore(Recovery):
    """The signing policy of :class:`sigv4.requests.SigV4Auth` and :class:`sigv4.httpx.SigV4Auth`."""

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider,
        region: str,
        service: str,
        *,
        signed_headers: Iterable[str] = (),
        unsigned_streams: bool | None = None,
        recover_clock_skew: bool = True,
        recover_region: bool | None = None,
        **settings: object,
    ) -> None:
        for name in settings:
            if name not in _SETTINGS:
                raise SigningError(name, "is not a setting of SigV4Auth")
        for flag, value in (("unsigned_streams", unsigned_streams), ("recover_region", recover_region)):
            if value is not None and not isinstance(value, bool):
                raise SigningError(flag, f"must be True, False or None, not {type(value).__name__}")
        if not isinstance(recover_clock_skew, bool):
            raise SigningError("recover_clock_skew", f"must be True or False, not {type(recover_clock_skew).__name__}")
        self._extra = _extra_signed(signed_headers)
        if self._extra:
            # The one rule (the Signer's): every header but the unsigned ones is signed;
            # signed_headers= takes names off that list.
            base = settings.get("unsigned_headers")
            if base is None:
                from ..core.settings import DEFAULT_UNSIGNED_HEADERS as base
            settings["unsigned_headers"] = frozenset(_unsigned_names(base)) - self._extra
        user_clock = settings.pop("clock", None)
        if user_clock is not None and not callable(user_clock):
            raise SigningError("clock", "must be a callable returning seconds since the epoch")
        self._base_clock: Callable[[], float] = user_clock or time_now
        self._settings = settings
        self._credentials = credentials
        self._service_name = service
        #: Seconds to add to the local clock, learned from a RequestTimeTooSkewed answer.
        self.clock_offset = 0.0
        self._signers: dict[str, Signer] = {}
        self._lock = threading.Lock()
        first = self._signer(region)  # validates credentials, region, service and settings
        self.region = first.region
        self.service = first.service
        self.is_s3 = service in S3_SERVICES
        self.unsigned_streams = unsigned_streams
        self.recover_clock_skew = recover_clock_skew
        # A SigV4a auth's "region" is a region set: nothing to learn from a bucket's region.
        self.recover_region = (self.is_s3 and first.region_set is None) if recover_region is None else recover_region
        self._regions: dict[tuple[str, str], tuple[str, str | None]] = {}

    # -- signing ------------------------------------------------------------------------------

    def _signer(self, region: str) -> Signer:
        if type(region) is not str:  # a dict key below; the Signer checks the rest
            from ..core.errors import InvalidScopeError

            raise InvalidScopeError("region", f"must be a non-empty string, not {type(region).__name__}")
        signer = self._signers.get(region)
        if signer is None:
            signer = Signer(self._credentials, region, self._service_name, clock=self._now, **self._settings)  # type: ignore[arg-type]
            with self._lock:
                signer = self._signers.setdefault(region, signer)
        return signer

    def _mrap_signer(self, url: str) -> Signer | None:
        """For an S3 auth without an explicit ``algorithm``: the SigV4a signer (region set
        ``*``, service ``s3``) when ``url`` goes to a Multi-Region Access Point host."""
        if not self.is_s3 or "algorithm" in self._settings or not is_mrap_host(split_url(url)[1]):
            return None
        signer = self._signers.get(_MRAP_KEY)
        if signer is None:
            signer = Signer(self._credentials, _MRAP_KEY, "s3", clock=self._now, algorithm=_V4A, **self._settings)  # type: ignore[arg-type]
            with self._lock:
                signer = self._signers.setdefault(_MRAP_KEY, signer)
        return signer

    def settings_for(self, region: str) -> SigningSettings:
        """The signing settings in use (the same for every region)."""
        return self._signer(region).settings

    def signs(self, lower_name: str, region: str | None = None) -> bool:
        """Whether a header (lower-case name) is signed: the Signer's rule, every header
        but ``settings.unsigned_headers``."""
        return lower_name not in self.settings_for(region or self.region).unsigned_headers

    @staticmethod
    def caller_own(names: Iterable[str]) -> frozenset[str]:
        """Of the headers the signer writes, those the caller set itself (kept on re-signing)."""
        return frozenset(n.lower() for n in names if n.lower() in OWN_HEADERS) - _ALWAYS_REPLACED

    def sign(
        self,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str | bytes]],
        body: object,
        *,
        streaming: bool,
        caller_own: frozenset[str],
        region: str | None = None,
        headers_for: str | None = None,
    ) -> Signed:
        """Sign ``method url`` with the signed subset of ``headers``.

        ``body`` is bytes or a seekable binary file; ``streaming`` says it cannot be hashed
        without consuming it (then ``UNSIGNED-PAYLOAD`` where allowed, else PayloadError).
        ``region=None`` uses the region learned for the URL's bucket (and its regional host).
        ``headers_for`` is the URL the headers were made for, when the request moved: a Host
        header for another host is then replaced.
        """
        origin = headers_for or url
        mrap = self._mrap_signer(url)
        if mrap is not None:
            region = _MRAP_KEY  # SigV4a for the region set '*', whatever was learned or asked
        elif region is None:
            region, netloc = self.learned(url)
            if netloc is not None:
                url = replace_netloc(url, netloc)
        drop = OWN_HEADERS - caller_own
        new_host = moved_host(origin, url)
        if new_host is not None:
            drop |= {"host"}
        # Every header goes to the Signer, which signs all but the unsigned ones (one rule).
        chosen: list[tuple[str, str | bytes]] = [(n, v) for n, v in headers if n.lower() not in drop]
        if new_host is not None:
            chosen.append(("Host", new_host))
        given_hash = any(n.lower() == "x-amz-content-sha256" for n, _ in chosen)
        payload_hash = None
        if given_hash:
            body = b""
        elif streaming:
            if not self._unsigned_allowed(url):
                raise PayloadError(
                    "body",
                    "a generator or non-seekable stream cannot be hashed without consuming it; send bytes or a "
                    "seekable file, set the x-amz-content-sha256 header yourself, or pass unsigned_streams=True "
                    "where the service accepts UNSIGNED-PAYLOAD (S3; the default allows it over https only)",
                )
            payload_hash, body = UNSIGNED_PAYLOAD, b""
        signer = mrap or self._signer(region)
        signed = signer.sign(method, url, chosen, body=body, payload_hash=payload_hash)
        own = {k: v for k, v in signed.headers.items() if k.lower() in drop}
        return Signed(_sendable(signed.url, signer.settings), frozenset(drop), own, region, signed)

    def _unsigned_allowed(self, url: str) -> bool:
        if self.unsigned_streams is not None:
            return self.unsigned_streams
        if self.settings_for(self.region).unsigned_payload:
            return True
        return self.is_s3 and url[:8].lower() == "https://"


def _unsigned_names(names: object) -> Iterable[str]:
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise SigningError("unsigned_headers", "must be an iterable of header names, not a single value")
    out = []
    for name in names:
        if not isinstance(name, str):
            raise SigningError("unsigned_headers", f"header names must be str, not {type(name).__name__}")
        out.append(name.lower())
    return out


def _extra_signed(names: Iterable[str]) -> frozenset[str]:
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise SigningError("signed_headers", "must be an iterable of header names, not a single value")
    out = frozenset(check_name(name).lower() for name in names)
    for lower in sorted(out & NEVER_SIGNED):
        raise SigningError("signed_headers", f"{lower} is hop-by-hop or rewritten on the way; it cannot be signed")
    return out


def _sendable(url: str, settings: SigningSettings) -> str:
    """``url`` as HTTP clients will send it unchanged. They collapse a leading ``//`` of the
    path (urllib3 and httpx both): for S3 (which decodes the path before canonicalising it)
    ``/%2F`` says the same; a service that normalises the path collapses it too."""
    scheme, netloc, path, _ = split_url(url)
    if not path.startswith("//") or (settings.double_encode_path and settings.normalize_path):
        return url
    if settings.double_encode_path:
        raise SigningError("url", "the path starts with '//', which HTTP clients send as '/': it cannot be sent as signed")
    start = len(scheme) + 3 + len(netloc)
    return f"{url[:start]}/%2F{url[start + 2 :]}"


class AuthFacade:
    """What :class:`sigv4.requests.SigV4Auth` and :class:`sigv4.httpx.SigV4Auth` share:
    the constructor, the read-only properties and a secret-free ``repr``."""

    _core: AdapterCore

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider,
        region: str,
        service: str,
        *,
        signed_headers: Iterable[str] = (),
        unsigned_streams: bool | None = None,
        recover_clock_skew: bool = True,
        recover_region: bool | None = None,
        **settings: object,
    ) -> None:
        self._core = AdapterCore(
            credentials,
            region,
            service,
            signed_headers=signed_headers,
            unsigned_streams=unsigned_streams,
            recover_clock_skew=recover_clock_skew,
            recover_region=recover_region,
            **settings,
        )

    @property
    def region(self) -> str:
        return self._core.region

    @property
    def service(self) -> str:
        return self._core.service

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock, learned from a clock-skew answer (0 until then)."""
        return self._core.clock_offset

    def __repr__(self) -> str:
        return f"SigV4Auth(region={self.region!r}, service={self.service!r})"


def given_signer(
    owner: str,
    credentials: Credentials | CredentialsProvider | None,
    region: str | None,
    service: str | None,
    signer: Signer | None,
    settings: dict[str, object],
) -> Signer:
    """The Signer an adapter was given (``signer=``), or one made from credentials,
    region, service and settings (never both): what the urllib handler and the aiohttp
    middleware take."""
    if signer is not None:
        if credentials is not None or region is not None or service is not None or settings:
            raise SigningError("signer", "pass either a Signer or credentials, region, service and settings, not both")
        if not isinstance(signer, Signer):
            raise SigningError("signer", f"must be a sigv4.Signer, not {type(signer).__name__}")
        return signer
    if credentials is None or region is None or service is None:
        raise SigningError("credentials", f"{owner} needs credentials, region and service (or signer=)")
    return Signer(credentials, region, service, **settings)  # type: ignore[arg-type]
