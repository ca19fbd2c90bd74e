"""``SigV4Middleware`` for ASGI apps (Starlette, FastAPI, any ASGI 3 app): every
HTTP request must carry a valid SigV4 signature, checked by a
:class:`sigv4.Verifier`.  Other scopes (websocket, lifespan) pass through.

* The request target is read raw: ``scope["raw_path"]`` and
  ``scope["query_string"]``, never the decoded ``scope["path"]`` (used, encoded
  once, only when a server gives no ``raw_path``).
* A hashed payload is checked before the app runs: the body is received into a
  spooled temporary file (in memory up to ``spool_limit`` bytes), verified,
  and replayed to the app.  An ``UNSIGNED-PAYLOAD`` body is not touched.
* An aws-chunked body is handed to the app as ``http.request`` messages of
  decoded data, each chunk verified before the app receives it;
  ``content-length`` is the decoded length and ``aws-chunked`` is removed from
  ``content-encoding``.  A bad chunk raises :class:`sigv4.VerificationError`
  from ``receive()``; raised out of the app before it has started its
  response, it is answered like any refusal.
* The :class:`sigv4.VerificationResult` is put in ``scope["sigv4.verification"]``.
* A refusal is answered with S3's status (403 or 400) and an S3-shaped XML body.
* ``allow_post_forms=True`` lets an unsigned ``multipart/form-data`` POST
  through with ``scope["sigv4.verification"] = None``: the app must then call
  :meth:`sigv4.Verifier.verify_post` on the form.

Standard library only.
"""

from __future__ import annotations

from .core.errors import VerificationError
from .core.urls import quote_path
from .wsgi import ENVIRON_KEY, refusal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, MutableMapping
    from typing import IO, Any

    from .verify.verifier import Verifier

    Scope = MutableMapping[str, Any]
    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["SigV4Middleware", "ENVIRON_KEY", "raw_target"]

_BLOCK = 1 << 16


def raw_target(scope: Scope) -> str:
    """The request target as received: ``/path?query``."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote_path(scope.get("path", "/").encode("utf-8"))
    query = scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


class _BodyNeeded(Exception):
    """Raised by _Pending when the verifier asks for the body."""


class _Pending:
    """A body not received yet: verify() touching it means it must be received."""

    def __iter__(self) -> Iterator[bytes]:
        raise _BodyNeeded


async def _receive_body(receive: Receive, limit: int) -> IO[bytes]:
    import tempfile

    spool = tempfile.SpooledTemporaryFile(max_size=limit)  # noqa: SIM115 - replayed to the app, then dropped
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise VerificationError("IncompleteBody", "the client disconnected before sending the whole body")
        spool.write(message.get("body", b""))
        if not message.get("more_body", False):
            spool.seek(0)
            return spool


def _replay(spool: IO[bytes], receive: Receive) -> Receive:
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()
        block = spool.read(_BLOCK)
        more = bool(spool.read(1))
        if more:
            spool.seek(-1, 1)
        else:
            done = True
            spool.close()
        return {"type": "http.request", "body": block, "more_body": more}

    return replay


def _chunked(receive: Receive, decoder: Any) -> Receive:
    done = False

    async def chunked() -> Message:
        nonlocal done
        while not done:
            message = await receive()
            if message["type"] != "http.request":
                return message
            out = decoder.feed(message.get("body", b""))
            more = message.get("more_body", False)
            if not more:
                decoder.finish()
                done = True
            if out or not more:
                return {"type": "http.request", "body": b"".join(out), "more_body": more}
        return await receive()

    return chunked


async def _send_refusal(send: Send, err: VerificationError, target: str) -> None:
    status, headers, body = refusal(err, target.partition("?")[0])
    raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    await send({"type": "http.response.start", "status": int(status[:3]), "headers": raw_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class SigV4Middleware:
    """Wraps an ASGI ``app``: only HTTP requests ``verifier`` accepts reach it."""

    def __init__(self, app: ASGIApp, verifier: Verifier, *, allow_post_forms: bool = False, spool_limit: int = 1 << 20) -> None:
        self.app = app
        self.verifier = verifier
        self.allow_post_forms = allow_post_forms
        self.spool_limit = spool_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        target = raw_target(scope)
        method = scope.get("method", "GET")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        names = {n.lower(): v for n, v in headers}
        scope = dict(scope)
        try:
            if names.get("x-amz-content-sha256", "").startswith("STREAMING-"):
                decoder = self.verifier.chunk_decoder(method, target, headers)
                scope[ENVIRON_KEY] = decoder.result
                scope["headers"] = _decoded_headers(scope.get("headers", []), decoder.decoded_length)
                receive = _chunked(receive, decoder)
            elif (
                self.allow_post_forms
                and method == "POST"
                and "authorization" not in names
                and "X-Amz-Signature=" not in target
                and names.get("content-type", "").lower().startswith("multipart/form-data")
            ):
                scope[ENVIRON_KEY] = None
            else:
                needed = False
                try:
                    scope[ENVIRON_KEY] = self.verifier.verify(method, target, headers, _Pending())
                except _BodyNeeded:
                    needed = True
                if needed:
                    spool = await _receive_body(receive, self.spool_limit)
                    scope[ENVIRON_KEY] = self.verifier.verify(method, target, headers, spool)
                    spool.seek(0)
                    receive = _replay(spool, receive)
        except VerificationError as err:
            await _send_refusal(send, err, target)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except VerificationError as err:  # a bad chunk, received by the app
            if started:
                raise
            await _send_refusal(send, err, target)


def _decoded_headers(raw: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    out = []
    for name, value in raw:
        lower = name.lower()
        if lower == b"content-length":
            continue
        if lower == b"content-encoding":
            codings = [c for c in value.split(b",") if c.strip().lower() not in (b"aws-chunked", b"")]
            if not codings:
                continue
            value = b",".join(codings)
        out.append((name, value))
    out.append((b"content-length", str(length).encode("ascii")))
    return out
