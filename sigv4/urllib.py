"""SigV4 for the standard library's ``urllib.request``: no third-party package at all.

::

    import urllib.request
    from sigv4 import Credentials
    from sigv4.urllib import SigV4Handler

    opener = urllib.request.build_opener(SigV4Handler(Credentials(key, secret), "eu-west-1", "execute-api"))
    with opener.open("https://abc.execute-api.eu-west-1.amazonaws.com/prod/items?limit=10") as response:
        print(response.read())

:class:`SigV4Handler` signs every request its opener sends, as it is sent: the
method, the URL (re-encoded to the form that is signed when it differs), the
headers urllib itself adds (``Host``, ``Content-Type``, ``Content-Length``)
and the caller's, and the body (bytes, or a seekable binary file hashed in
constant memory and rewound, and sent with its ``Content-Length`` rather
than chunked, which S3 refuses).  Which headers are signed is the
:class:`~sigv4.Signer`'s one rule: all it is handed but
``settings.unsigned_headers`` (``User-Agent``, hop-by-hop headers, trace
context), so ``host``, ``x-amz-*``, ``content-type`` and ``content-md5`` are
always signed and the ``User-Agent`` urllib sets never is.  A redirect is
re-signed for its new URL when it stays on the same host (or goes to an AWS
host); elsewhere it is sent without a signature.  A generator or other stream
that cannot be hashed is sent as ``UNSIGNED-PAYLOAD`` where the settings allow
it (``unsigned_payload=True``, or S3 over https), else refused with
:class:`sigv4.PayloadError` before anything is sent.

:func:`request` is the one-call form; :func:`sign_headers` returns the headers
for any other HTTP client, e.g. urllib3::

    headers = sign_headers(signer, "PUT", url, {"Content-Type": "text/plain"}, body)
    urllib3.request("PUT", url, headers=headers, body=body)

(urllib3 sends an already-encoded URL unchanged and percent-encodes raw spaces
and non-ASCII the way the signature expects: ``tests/adapters/test_adapter_urllib.py``
checks it against botocore on a loopback server.)
"""

from __future__ import annotations

import urllib.request

from .core.canonical import UNSIGNED_PAYLOAD
from .core.errors import PayloadError
from .core.payload import is_hashable_body
from .core.settings import S3_SERVICES
from .core.signer import Signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime
    from http.client import HTTPResponse
    from typing import Any

    from .core.credentials import Credentials, CredentialsProvider
    from .core.signer import SignedRequest

__all__ = ["SigV4Handler", "request", "sign_headers"]

# Headers the signer writes: a previous signing's copies are removed first.
_OWN = ("Authorization", "X-amz-date", "X-amz-security-token", "X-amz-content-sha256")


def _sign(
    signer: Signer,
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    body: object,
    now: datetime | None = None,
) -> SignedRequest:
    payload_hash = None
    if body is not None and not is_hashable_body(body):
        s = signer.settings
        if not (s.unsigned_payload or (signer.service in S3_SERVICES and url[:8].lower() == "https://")):
            raise PayloadError(
                "body",
                "a generator or non-seekable stream cannot be hashed without consuming it; send bytes or a "
                "seekable file, or sign UNSIGNED-PAYLOAD (unsigned_payload=True) where the service accepts it",
            )
        payload_hash, body = UNSIGNED_PAYLOAD, b""
    return signer.sign(method, url, list(headers), body=b"" if body is None else body, now=now, payload_hash=payload_hash)


def sign_headers(
    signer: Signer,
    method: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    body: object = b"",
    *,
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers to send with ``method url``: ``headers`` plus the signature's
    (``Authorization``, ``X-Amz-Date``, and ``X-Amz-Security-Token`` /
    ``x-amz-content-sha256`` where they apply).  Any HTTP client will do, as long
    as it sends the URL and those headers unchanged (and a ``Host`` equal to the
    URL's, which every client does)."""
    return dict(_sign(signer, method, url, (headers or {}).items(), body, now).headers)


class SigV4Handler(urllib.request.BaseHandler):
    """A ``urllib.request`` handler that signs every request of its opener.

    ``SigV4Handler(credentials, region, service, **settings)`` with the
    :class:`sigv4.Signer` keyword settings, or ``SigV4Handler(signer=signer)``.
    It runs after urllib's own HTTP(S) handlers have added ``Host``,
    ``Content-Type`` and ``Content-Length``, so those are signed as sent.
    """

    # After AbstractHTTPHandler (500), which adds Host, Content-Type and Content-Length.
    handler_order = 900

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider | None = None,
        region: str | None = None,
        service: str | None = None,
        *,
        signer: Signer | None = None,
        **settings: object,
    ) -> None:
        from .adapters.base import given_signer

        self.signer = given_signer("SigV4Handler", credentials, region, service, signer, settings)

    def __repr__(self) -> str:
        return f"SigV4Handler(region={self.signer.region!r}, service={self.signer.service!r})"

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        for name in _OWN:
            req.unredirected_hdrs.pop(name, None)
        if req.unverifiable and not _may_sign_redirect(req):
            return req  # a redirect to another host: sent without our signature
        _length_of_file(req)
        headers = {**req.headers, **req.unredirected_hdrs}
        signed = _sign(self.signer, req.get_method(), req.full_url, headers.items(), req.data)
        if signed.url != req.full_url.partition("#")[0]:
            req.full_url = signed.url
        given = {name.lower() for name in headers}
        for name, value in signed.headers.items():
            if name.lower() not in given or name.capitalize() in _OWN:
                req.add_unredirected_header(name, value)
        return req

    https_request = http_request


def _length_of_file(req: urllib.request.Request) -> None:
    """urllib sends a file body chunked, which S3 refuses (411): a seekable file
    gets the ``Content-Length`` of what is left of it instead."""
    if req.unredirected_hdrs.get("Transfer-encoding") != "chunked" or "Transfer-encoding" in req.headers:
        return
    body: Any = req.data
    if body is None or isinstance(body, (bytes, bytearray, memoryview)) or not is_hashable_body(body):
        return
    start = body.tell()
    end = body.seek(0, 2)
    body.seek(start)
    del req.unredirected_hdrs["Transfer-encoding"]
    req.add_unredirected_header("Content-length", str(end - start))


def _may_sign_redirect(req: urllib.request.Request) -> bool:
    """A request urllib made to follow a redirect: re-signed on the same host or an AWS host only."""
    from .adapters.recovery import may_follow

    return may_follow(f"{req.type}://{req.origin_req_host}/", req.full_url)


def request(
    method: str,
    url: str,
    *,
    signer: Signer,
    headers: Mapping[str, str] | None = None,
    data: bytes | str | object = None,
    timeout: float | None = None,
    handlers: Iterable[urllib.request.BaseHandler] = (),
) -> HTTPResponse:
    """Send one signed request with ``urllib`` and return the response (as
    ``urllib.request.urlopen`` does: an ``urllib.error.HTTPError`` for a 4xx/5xx,
    which is itself a readable response).  ``data`` as str is sent as UTF-8;
    ``handlers`` are added to the opener (a ``ProxyHandler({})`` to ignore proxy
    variables, an ``HTTPSHandler(context=...)`` ...)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    opener = urllib.request.build_opener(SigV4Handler(signer=signer), *handlers)
    req = urllib.request.Request(url, data=data, headers=dict(headers or {}), method=method)  # type: ignore[arg-type]  # noqa: S310 - the caller chooses the URL
    if timeout is None:
        return opener.open(req)  # type: ignore[no-any-return]
    return opener.open(req, timeout=timeout)  # type: ignore[no-any-return]
