"""What a response teaches the adapters, free of any HTTP library: the recoveries, each retried
once and re-signed (a clock-skew error teaches the clock offset; an S3 answer naming the bucket's
region teaches the region, and the regional host to send to; a followed redirect the server
rejects is re-signed for its new URL), with the parsing they need (the server's date, an XML
error's tags, S3 host names) and the rewriting of a URL's host.

:class:`Recovery` is the half of :class:`sigv4.adapters.base.AdapterCore` that reads responses.
"""

from __future__ import annotations

import time as _time

from ..core.urls import host_header, split_url

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = ["Recovery", "Retry", "may_follow", "moved_host", "regional_host", "replace_netloc", "resolve_location", "time_now"]

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


class Recovery:
    """Response handling for :class:`~sigv4.adapters.base.AdapterCore`, which sets these attributes."""

    region: str
    recover_clock_skew: bool
    recover_region: bool
    clock_offset: float
    _base_clock: Callable[[], float]
    _lock: threading.Lock
    _regions: dict[tuple[str, str], tuple[str, str | None]]

    def _now(self) -> float:
        value = self._base_clock()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            from ..core.errors import SigningError

            raise SigningError("clock", f"must return seconds since the epoch (a number), got {type(value).__name__}")
        return value + self.clock_offset

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


def time_now() -> float:
    """The wall clock, in seconds since the epoch (the default clock of the recoveries)."""
    return _time.time()


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
    return url if new is None else replace_netloc(url, f"{userinfo}{at}{new}{colon}{port}")


def replace_netloc(url: str, netloc: str) -> str:
    """``url`` with its authority (``[userinfo@]host[:port]``) replaced by ``netloc``."""
    scheme, old, _, _ = split_url(url)
    return f"{scheme}://{netloc}{url.partition('://')[2][len(old) :]}"


def moved_host(old_url: str, new_url: str) -> str | None:
    """The Host header for a request moved from ``old_url`` to ``new_url``: ``None`` to
    keep what is there (same host, or a caller's override of it), else the new host."""
    o_scheme, o_netloc, _, _ = split_url(old_url)
    n_scheme, n_netloc, _, _ = split_url(new_url)
    if (o_scheme, o_netloc.lower()) == (n_scheme, n_netloc.lower()):
        return None
    return host_header(n_scheme, n_netloc)
