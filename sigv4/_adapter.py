"""What the requests and httpx adapters share, free of any HTTP library: which headers are
signed; how a body is signed (hashed, ``UNSIGNED-PAYLOAD`` or refused); the recoveries, each
retried once and re-signed (a clock-skew error teaches the clock offset; an S3 answer naming the
bucket's region teaches the region; a followed redirect the server rejects is re-signed for its
new URL). The adapters translate their library's objects to plain values and back.
"""

from __future__ import annotations

import threading
import time as _time

from .canonical import UNSIGNED_PAYLOAD, _check_name
from .errors import PayloadError, SigningError
from .settings import S3_SERVICES
from .signer import Signer
from .urls import host_header, split_url

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from .credentials import Credentials, CredentialsProvider
    from .settings import SigningSettings
    from .signer import SignedRequest

__all__ = ["ALWAYS_SIGNED", "NEVER_SIGNED", "AdapterCore", "Retry", "regional_host"]

#: Signed whenever present (besides every ``x-amz-*`` header).
ALWAYS_SIGNED = frozenset({"host", "content-type", "content-md5", "range"})
#: Sent but never signed: hop-by-hop, or added and rewritten by proxies and HTTP stacks.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te"})
NEVER_SIGNED = _HOP_BY_HOP | {"trailer", "transfer-encoding", "upgrade", "accept-encoding", "authorization", "content-length"}
NEVER_SIGNED |= {"expect", "user-agent"}
#: Written by the signer: replaced by every (re-)signing unless the caller supplied them.
OWN_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"})
_ALWAYS_REPLACED = frozenset({"authorization", "x-amz-date"})
_SETTINGS = frozenset({"double_encode_path", "normalize_path", "content_sha256_header", "unsigned_payload", "clock"})
_SETTINGS |= {"omit_session_token", "unsigned_headers", "settings"}
# Statuses whose body may say what went wrong (read only for these).
_INTERESTING = frozenset({301, 302, 307, 308, 400, 401, 403})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_AUTH_FAILURES = frozenset({400, 401, 403})
_SKEW_MARKERS = (b"RequestTimeTooSkewed", b"RequestExpired", b"Signature expired", b"Signature not yet current")
# A 403 without a body (HEAD) counts as skew only when the server's clock is this far off.
_BODYLESS_SKEW_SECONDS = 300
_REGION_CACHE_SIZE = 512
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class Retry:
    """Send again, re-signed: ``kind`` is ``"skew"``, ``"region"`` or ``"resign"``."""

    __slots__ = ("kind", "region", "url")

    def __init__(self, kind: str, url: str, region: str) -> None:
        self.kind = kind
        self.url = url
        self.region = region


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


class AdapterCore:
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
        user_clock = settings.pop("clock", None)
        if user_clock is not None and not callable(user_clock):
            raise SigningError("clock", "must be a callable returning seconds since the epoch")
        self._base_clock: Callable[[], float] = user_clock or _time_now
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
        self.recover_region = self.is_s3 if recover_region is None else recover_region
        self._regions: dict[tuple[str, str], tuple[str, str | None]] = {}

    # -- signing ------------------------------------------------------------------------------

    def _now(self) -> float:
        return self._base_clock() + self.clock_offset

    def _signer(self, region: str) -> Signer:
        signer = self._signers.get(region)
        if signer is None:
            signer = Signer(self._credentials, region, self._service_name, clock=self._now, **self._settings)  # type: ignore[arg-type]
            with self._lock:
                signer = self._signers.setdefault(region, signer)
        return signer

    def settings_for(self, region: str) -> SigningSettings:
        """The signing settings in use (the same for every region)."""
        return self._signer(region).settings

    def signs(self, lower_name: str) -> bool:
        """Whether a header (lower-case name) is signed."""
        if lower_name in NEVER_SIGNED:
            return False
        return lower_name in ALWAYS_SIGNED or lower_name.startswith("x-amz-") or lower_name in self._extra

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
        if region is None:
            region, netloc = self.learned(url)
            if netloc is not None:
                url = _replace_netloc(url, netloc)
        drop = OWN_HEADERS - caller_own
        new_host = _moved_host(origin, url)
        if new_host is not None:
            drop |= {"host"}
        chosen: list[tuple[str, str | bytes]] = []
        for name, value in headers:
            lower = name.lower()
            if lower not in drop and self.signs(lower):
                chosen.append((name, value))
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
        signer = self._signer(region)
        signed = signer.sign(method, url, chosen, body=body, payload_hash=payload_hash)
        own = {k: v for k, v in signed.headers.items() if k.lower() in drop}
        return Signed(_sendable(signed.url, signer.settings), frozenset(drop), own, region, signed)

    def _unsigned_allowed(self, url: str) -> bool:
        if self.unsigned_streams is not None:
            return self.unsigned_streams
        if self.settings_for(self.region).unsigned_payload:
            return True
        return self.is_s3 and url[:8].lower() == "https://"

    # -- what a response teaches --------------------------------------------------------------

    @staticmethod
    def needs_body(status: int) -> bool:
        """Whether :meth:`decide` may need the body of a response with this status."""
        return status in _INTERESTING

    def decide(
        self,
        *,
        url: str,
        region: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        history: Sequence[tuple[int, Mapping[str, str]]] = (),
        tried: Iterable[str] = (),
        stale_from: str | None = None,
    ) -> Retry | None:
        """What to do about a response (``headers`` keyed by lower-case name): a
        :class:`Retry`, or ``None`` to hand it to the caller. Each kind is tried once.

        ``stale_from`` is the URL last signed when the request that got this response is a
        copy the HTTP library made to follow a redirect (its signature is stale, or gone).
        """
        done = frozenset(tried)
        if self.recover_clock_skew and "skew" not in done and status in _AUTH_FAILURES:
            server_time = _server_time(headers, body)
            if server_time is not None and _is_skew(status, headers, body, server_time - self._now()):
                self.clock_offset = server_time - self._base_clock()
                return Retry("skew", url, region)
        if self.recover_region and "region" not in done:
            retry = self._region_retry(url, region, status, headers, body, history)
            if retry is not None:
                return retry
        if stale_from is not None and "resign" not in done and status in _AUTH_FAILURES and may_follow(stale_from, url):
            return Retry("resign", url, region)
        return None

    def _region_retry(
        self,
        url: str,
        region: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        history: Sequence[tuple[int, Mapping[str, str]]],
    ) -> Retry | None:
        # This response first, then any redirects the HTTP library followed to get here.
        chain = [(status, headers, body), *((s, h, b"") for s, h in reversed(history))]
        for index, (code, hdrs, text) in enumerate(chain):
            if code not in _REDIRECTS and code not in _AUTH_FAILURES:
                continue
            named = hdrs.get("x-amz-bucket-region") or (_xml_tag(text, "Region") if code == 400 else None)
            if not named or named == region or not _scope_safe(named):
                continue
            target = url
            if index == 0 and code in _REDIRECTS and hdrs.get("location"):
                target = resolve_location(url, hdrs["location"])
            elif index == 0 and code == 301:
                target = _with_regional_host(url, named)
            self._remember(url, named, target)
            return Retry("region", target, named)
        return None

    # -- the bucket-region cache --------------------------------------------------------------

    def learned(self, url: str) -> tuple[str, str | None]:
        """(region to sign ``url`` with, netloc to send it to instead or None)."""
        found = self._regions.get(_bucket_key(url))
        return found if found is not None else (self.region, None)

    def _remember(self, url: str, region: str, target: str) -> None:
        old_netloc = split_url(url)[1]
        new_netloc = split_url(target)[1]
        with self._lock:
            if len(self._regions) >= _REGION_CACHE_SIZE:
                self._regions.clear()
            self._regions[_bucket_key(url)] = (region, new_netloc if new_netloc != old_netloc else None)


def _time_now() -> float:
    return _time.time()


def _extra_signed(names: Iterable[str]) -> frozenset[str]:
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise SigningError("signed_headers", "must be an iterable of header names, not a single value")
    out = frozenset(_check_name(name).lower() for name in names)
    for lower in sorted(out & NEVER_SIGNED):
        raise SigningError("signed_headers", f"{lower} is hop-by-hop or rewritten on the way; it cannot be signed")
    return out


def _hostname(url: str) -> str:
    hostport = split_url(url)[1].rpartition("@")[2].lower()
    return hostport.rpartition(":")[0] if hostport.rpartition(":")[2].isdigit() else hostport


def may_follow(signed_url: str, new_url: str) -> bool:
    """Whether a request signed for ``signed_url`` and redirected to ``new_url`` may be signed
    for it: the same host, or an AWS host. Anywhere else gets no signature (nor token)."""
    new_host = _hostname(new_url)
    return new_host == _hostname(signed_url) or new_host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


def _bucket_key(url: str) -> tuple[str, str]:
    scheme, netloc, path, _ = split_url(url)
    host = _hostname(url)
    # An AWS virtual-hosted name carries the bucket; otherwise the first path segment does.
    virtual = regional_host(host, "x") is not None and not host.startswith(("s3.", "s3-"))
    return (f"{scheme}://{netloc.lower()}", "" if virtual else path.lstrip("/").partition("/")[0])


def _scope_safe(value: str) -> bool:
    return bool(value) and all(c.isascii() and (c.isalnum() or c in "-_.") for c in value)


def _xml_tag(body: bytes, tag: str) -> str | None:
    start = body.find(b"<" + tag.encode() + b">")
    if start == -1:
        return None
    start += len(tag) + 2
    end = body.find(b"</", start)
    return body[start:end].decode("utf-8", "replace").strip() if end != -1 else None


def _is_skew(status: int, headers: Mapping[str, str], body: bytes, off_by: float) -> bool:
    if any(m in body for m in _SKEW_MARKERS):
        return True
    error_type = headers.get("x-amzn-errortype", "")
    if error_type.startswith(("RequestTimeTooSkewed", "RequestExpired")):
        return True
    return not body.strip() and status == 403 and abs(off_by) > _BODYLESS_SKEW_SECONDS


def _server_time(headers: Mapping[str, str], body: bytes) -> float | None:
    """The server's clock: ``<ServerTime>`` of an S3 error (``2013-05-24T00:15:00Z``), else
    the ``Date`` header (IMF-fixdate: ``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    import calendar

    iso = _xml_tag(body, "ServerTime") or ""
    try:
        if iso:
            day, _, clock = iso.rstrip("Z").partition("T")
            y, mo, d = (int(p) for p in day.split("-"))
        else:
            _, d_, mon, y_, clock = headers.get("date", "").replace(",", " ").split()[:5]
            y, mo, d = int(y_), _MONTHS.index(mon.lower()) + 1, int(d_)
        h, mi, sec = clock.split(":")
        return calendar.timegm((y, mo, d, int(h), int(mi), int(float(sec)), 0, 0, 0))
    except ValueError:
        return None


def resolve_location(url: str, location: str) -> str:
    """``location`` made absolute against ``url`` (absolute URL, ``//host/...`` or ``/path``)."""
    scheme, netloc, path, _ = split_url(url)
    if "://" in location.partition("?")[0]:
        return location
    if location.startswith("//"):
        return f"{scheme}:{location}"
    if location.startswith("/"):
        return f"{scheme}://{netloc}{location}"
    base = path.rpartition("/")[0]
    return f"{scheme}://{netloc}{base}/{location}"


def _looks_like_region(text: str) -> bool:
    parts = text.split("-")
    return len(parts) >= 2 and parts[-1].isdigit() and all(p.isalpha() for p in parts[:-1]) and parts[0] != "website"


def regional_host(host: str, region: str) -> str | None:
    """The S3 host for ``region`` in place of a global or other-region AWS S3 host, or
    ``None`` when ``host`` is not one (custom endpoints, access points, accelerate)."""
    for suffix in (".amazonaws.com", ".amazonaws.com.cn"):
        if host.endswith(suffix):
            break
    else:
        return None
    labels = host[: -len(suffix)].split(".")
    for i, label in enumerate(labels):
        if label in ("s3", "s3-fips") or (label.startswith("s3-") and _looks_like_region(label[3:])):
            head = [*labels[:i], "s3-fips" if label == "s3-fips" else "s3"]
            rest = labels[i + 1 :]
            if rest[:1] == ["dualstack"]:
                head.append("dualstack")
                rest = rest[1:]
            if len(rest) > 1 or (rest and not _looks_like_region(rest[0])):
                return None
            return ".".join([*head, region]) + suffix
    return None


def _with_regional_host(url: str, region: str) -> str:
    netloc = split_url(url)[1]
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    new = regional_host(host.lower(), region)
    return url if new is None else _replace_netloc(url, f"{userinfo}{at}{new}{colon}{port}")


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


def _replace_netloc(url: str, netloc: str) -> str:
    scheme, old, _, _ = split_url(url)
    return f"{scheme}://{netloc}{url.partition('://')[2][len(old) :]}"


def _moved_host(old_url: str, new_url: str) -> str | None:
    """The Host header for a request moved from ``old_url`` to ``new_url``: ``None`` to
    keep what is there (same host, or a caller's override of it), else the new host."""
    o_scheme, o_netloc, _, _ = split_url(old_url)
    n_scheme, n_netloc, _, _ = split_url(new_url)
    if (o_scheme, o_netloc.lower()) == (n_scheme, n_netloc.lower()):
        return None
    return host_header(n_scheme, n_netloc)
