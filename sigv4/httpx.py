"""SigV4 for ``httpx``, sync and async: ``httpx.Client(auth=SigV4Auth(credentials, "eu-west-1", "s3"))``.

The same rules as :mod:`sigv4.requests`: the request is signed as it will be sent (final URL
with ``params=`` merged, re-encoded exactly as canonicalised; every header but the Signer's
``unsigned_headers``). Bodies: ``content=`` bytes or str, ``data=``/``json=`` are hashed; a seekable
binary file passed as ``content=`` is hashed in constant memory and streamed; a generator or
async iterator is sent as ``UNSIGNED-PAYLOAD`` where allowed (``unsigned_streams=True``, or by
default S3 over https), else refused with :class:`sigv4.PayloadError`.

Recoveries, each once and re-signed: ``403 RequestTimeTooSkewed`` teaches the clock offset; for
S3, a redirect or error naming the bucket's region re-signs for it (and a redirect that httpx
followed, with ``x-amz-bucket-region`` on the way, counts too); a followed redirect that the
server rejects (its signature was for the old URL) is re-signed for the new one, if it is the
same host or an AWS host (note: when httpx follows a redirect to another host it drops
``Authorization`` but forwards other headers, ``X-Amz-Security-Token`` included). Only the
bodies of the responses that may need it (3xx, 400, 401, 403) are read by the auth flow.

Multi-Region Access Point hosts are signed with SigV4a (region set ``*``), as in
:mod:`sigv4.requests`.

``httpx`` is imported by this module only; ``import sigv4`` does not import it.
"""

from __future__ import annotations

from typing import Any

import httpx

from .adapters.base import AdapterCore, AuthFacade
from .core.errors import SigningError
from .core.payload import is_hashable_body

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Generator

    from .core.settings import SigningSettings

__all__ = ["SigV4Auth"]


class SigV4Auth(AuthFacade, httpx.Auth):
    """An ``httpx.Auth`` that signs every request with AWS Signature Version 4.

    Arguments as :class:`sigv4.requests.SigV4Auth`. Works with ``httpx.Client`` and
    ``httpx.AsyncClient`` (signing itself is synchronous CPU work; a provider that refreshes
    credentials over the network blocks the event loop while it does).
    """

    requires_request_body = False
    requires_response_body = False

    # httpx drives one of these two; both read a response body only when it may matter.

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        flow = self.auth_flow(request)
        outgoing = next(flow)
        while True:
            response = yield outgoing
            if self._core.needs_body(response.status_code):
                response.read()
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        flow = self.auth_flow(request)
        outgoing = next(flow)
        while True:
            response = yield outgoing
            if self._core.needs_body(response.status_code):
                await response.aread()
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        core = self._core
        caller_own = AdapterCore.caller_own(request.headers.keys())
        file, position = _file_body(request)
        region = self._sign(request, caller_own, file)
        sent = request
        tried: list[str] = []
        while True:
            response = yield sent
            if not core.needs_body(response.status_code):
                return
            arrived = response.request
            retry = core.decide(
                url=str(arrived.url),
                region=region,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=_content(response),
                history=[(r.status_code, {k.lower(): v for k, v in r.headers.items()}) for r in response.history],
                tried=tried,
                stale_from=None if arrived is sent else str(sent.url),
            )
            if retry is None or not _rewindable(arrived, file, position):
                return
            tried.append(retry.kind)
            again = httpx.Request(
                arrived.method,
                retry.url,
                headers=arrived.headers.copy(),
                stream=arrived.stream,
                extensions=dict(arrived.extensions),
            )
            region = self._sign(again, caller_own, file, region=retry.region, moved_from=str(arrived.url))
            sent = again

    def _sign(
        self,
        request: httpx.Request,
        caller_own: frozenset[str],
        file: Any,
        *,
        region: str | None = None,
        moved_from: str | None = None,
    ) -> str:
        streaming = False
        body: object = b""
        if isinstance(request.stream, httpx.ByteStream):
            request.read()  # in memory already; makes .content available (redirects and retries)
        try:
            body = request.content
        except httpx.RequestNotRead:
            body, streaming = (file, False) if file is not None else (b"", True)
        signed = self._core.sign(
            request.method,
            str(request.url),
            request.headers.multi_items(),
            body,
            streaming=streaming,
            caller_own=caller_own,
            region=region,
            headers_for=moved_from,
        )
        for name in signed.drop:
            request.headers.pop(name, None)
        request.headers.update(signed.headers)
        request.url = _exact_url(signed.url, self._core.settings_for(signed.region))
        return signed.region


def _exact_url(signed_url: str, settings: SigningSettings) -> httpx.URL:
    """``signed_url`` as an ``httpx.URL`` that sends the path that was signed.

    httpx removes ``.`` and ``..`` path segments. For S3 (single encoding: the server decodes
    the path before canonicalising it) they are sent as ``%2E``, which S3 reads as ``.``; for a
    service that normalises the path itself, httpx's removal is what the server does anyway.
    """
    url = httpx.URL(signed_url)
    rest = signed_url.partition("://")[2]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i != -1), default=len(rest))
    wanted = rest[cut:] or "/"
    if url.raw_path.decode("ascii") == wanted:
        return url
    if not settings.double_encode_path:
        path, mark, query = wanted.partition("?")
        escaped = "/".join({".": "%2E", "..": "%2E%2E"}.get(seg, seg) for seg in path.split("/"))
        url = httpx.URL(signed_url[: len(signed_url) - len(wanted)] + escaped + mark + query)
        if url.raw_path.decode("ascii") == escaped + mark + query:
            return url
    elif settings.normalize_path:
        return url
    raise SigningError("url", f"httpx would send the path {url.raw_path.decode('ascii')!r}, not the signed {wanted!r}")


def _file_body(request: httpx.Request) -> tuple[Any, int]:
    """(the seekable binary file behind ``content=``, its start position) or (None, 0)."""
    inner = getattr(request.stream, "_stream", None)  # httpx.IteratorByteStream over a file
    if inner is None or not hasattr(inner, "read") or isinstance(inner, (bytes, str)) or not is_hashable_body(inner):
        return None, 0
    try:
        return inner, int(inner.tell())
    except (OSError, ValueError):
        return None, 0


def _rewindable(request: httpx.Request, file: Any, position: int) -> bool:
    """Whether the body can be sent again (put a file back at its start)."""
    if isinstance(request.stream, httpx.ByteStream):
        return True
    try:
        request.content  # noqa: B018 - raises for a streamed body
        return True
    except httpx.RequestNotRead:
        pass
    if file is None:
        return False
    file.seek(position)
    return True


def _content(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""
