"""SigV4 for aiohttp: a client middleware (aiohttp 3.12 and later), and for older
aiohttp a helper that returns the signed headers.

::

    import aiohttp
    from sigv4 import Credentials
    from sigv4.aiohttp import SigV4Middleware

    sign = SigV4Middleware(Credentials(key, secret), "eu-west-1", "s3")
    async with aiohttp.ClientSession(middlewares=(sign,)) as session:
        async with session.put(url, data=b"hello") as response: ...

The middleware signs each request as aiohttp is about to send it: method, URL
(aiohttp's own encoding of it; where that is not the canonical form, e.g. a
``?`` left raw in a query, the request goes out in the canonical form
that was signed), the headers aiohttp has
set (``Host``, ``Content-Type``, ``Content-Length``, ``Accept``...) and the
caller's, and the body: bytes, str, JSON and form payloads, and files (read
once, off the event loop, to be hashed).  Which headers are signed is the
:class:`~sigv4.Signer`'s rule (all but ``settings.unsigned_headers``:
``User-Agent``, hop-by-hop headers, trace context).  An async generator or
stream body cannot be hashed: it is sent as ``UNSIGNED-PAYLOAD`` where allowed
(``unsigned_payload=True``, or S3 over https), else :class:`sigv4.PayloadError`.
aiohttp runs middlewares again for each redirect it follows, so every hop is
signed for its own URL: pass ``allow_redirects=False`` where a server could
redirect you to a host that must not see your signature.

Older aiohttp (no ``middlewares=``)::

    headers = signed_headers(signer, "GET", url)
    await session.get(yarl.URL(url, encoded=True), headers=headers)

(``encoded=True`` keeps aiohttp from re-encoding the URL after it was signed.)

aiohttp is imported only by :class:`SigV4Middleware` calls; ``import sigv4`` and this
module's import never load it.
"""

from __future__ import annotations

from .core.canonical import UNSIGNED_PAYLOAD
from .core.errors import PayloadError
from .core.settings import S3_SERVICES
from .core.signer import Signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from datetime import datetime
    from typing import Any

    from .core.credentials import Credentials, CredentialsProvider

__all__ = ["SigV4Middleware", "signed_headers"]

# Written by the signer on every signing (a caller's x-amz-content-sha256 is kept and signed).
_REPLACED = ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-s3session-token")
_OWN = frozenset({*_REPLACED, "x-amz-content-sha256"})


def signed_headers(
    signer: Signer,
    method: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    body: bytes | str = b"",
    *,
    now: datetime | None = None,
) -> dict[str, str]:
    """``headers`` plus the signature's, for ``method url`` with ``body`` (any
    aiohttp version).  Send the URL as ``yarl.URL(url, encoded=True)``."""
    return dict(signer.sign(method, url, dict(headers or {}), body=body, now=now).headers)


def _unsigned_allowed(signer: Signer, url: str) -> bool:
    return signer.settings.unsigned_payload or (signer.service in S3_SERVICES and url[:8].lower() == "https://")


class SigV4Middleware:
    """An aiohttp client middleware (``ClientSession(middlewares=(m,))`` or
    ``session.get(url, middlewares=(m,))``) signing every request it sees.

    ``SigV4Middleware(credentials, region, service, **settings)`` with the
    :class:`sigv4.Signer` keyword settings, or ``SigV4Middleware(signer=signer)``.
    """

    __slots__ = ("signer",)

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

        self.signer = given_signer("SigV4Middleware", credentials, region, service, signer, settings)

    def __repr__(self) -> str:
        return f"SigV4Middleware(region={self.signer.region!r}, service={self.signer.service!r})"

    async def __call__(self, request: Any, handler: Callable[[Any], Awaitable[Any]]) -> Any:
        from aiohttp import payload

        url = str(request.url)
        body: object = request.body
        payload_hash = None
        if isinstance(body, payload.AsyncIterablePayload):
            if not _unsigned_allowed(self.signer, url):
                raise PayloadError(
                    "body",
                    "an async generator or stream cannot be hashed without consuming it; send bytes or a file, "
                    "or sign UNSIGNED-PAYLOAD (unsigned_payload=True) where the service accepts it",
                )
            payload_hash, body = UNSIGNED_PAYLOAD, b""
        elif isinstance(body, payload.Payload):
            body = await body.as_bytes()
        for name in _REPLACED:
            request.headers.pop(name, None)
        signed = self.signer.sign(request.method, url, list(request.headers.items()), body=body, payload_hash=payload_hash)
        for name, value in signed.headers.items():
            if name.lower() in _OWN:
                request.headers[name] = value
        if signed.url != url:  # yarl's encoding differs from the canonical one: send the bytes signed
            from yarl import URL

            request.url = URL(signed.url, encoded=True)
        return await handler(request)
