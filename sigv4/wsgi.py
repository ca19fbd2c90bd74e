"""``SigV4Middleware`` for WSGI apps (Flask, Django, any PEP 3333 app): every
request must carry a valid SigV4 signature, checked by a :class:`sigv4.Verifier`.

* The request target is read raw (``RAW_URI``, as gunicorn sets it, or
  ``REQUEST_URI``), never the decoded ``PATH_INFO``.  Without either, the path
  is rebuilt from ``SCRIPT_NAME + PATH_INFO`` encoded once (exact for S3's
  rules, unless the client escaped a ``/`` as ``%2F``).
* A hashed payload is checked before the app runs: the body is read once into
  a spooled temporary file (in memory up to ``spool_limit`` bytes), verified,
  and handed to the app as ``wsgi.input``.  An ``UNSIGNED-PAYLOAD`` body is
  not read.
* An aws-chunked body (``x-amz-content-sha256: STREAMING-*``) is handed to the
  app as a stream (``wsgi.input``) of the decoded data, each chunk verified
  before the app can read it; ``CONTENT_LENGTH`` is the decoded length and
  ``aws-chunked`` is removed from ``Content-Encoding``.  A bad chunk raises
  :class:`sigv4.VerificationError` from ``wsgi.input.read()``; raised out of
  the app, it is answered like any refusal.
* The :class:`sigv4.VerificationResult` is put in ``environ["sigv4.verification"]``.
* A refusal is answered with S3's status (403 or 400) and an S3-shaped XML
  error body.
* ``allow_post_forms=True`` lets an unsigned ``multipart/form-data`` POST
  through with ``environ["sigv4.verification"] = None``: the app must then
  call :meth:`sigv4.Verifier.verify_post` on the form.

Standard library only.
"""

from __future__ import annotations

import sys

from .core.errors import VerificationError
from .core.urls import quote_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import IO, Any

    from .verify.verifier import Verifier

    StartResponse = Callable[..., Any]
    WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

__all__ = ["SigV4Middleware", "ENVIRON_KEY", "raw_target", "environ_headers", "refusal"]

#: Where the verification result goes in the environ (and in an ASGI scope).
ENVIRON_KEY = "sigv4.verification"
_BLOCK = 1 << 16
_REASONS = {400: "Bad Request", 403: "Forbidden"}


def raw_target(environ: dict[str, Any]) -> str:
    """The request target as received: ``/path?query``."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1")
    query = environ.get("QUERY_STRING", "")
    return quote_path(path or b"/") + (f"?{query}" if query else "")


def environ_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request headers (``HTTP_*``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``)."""
    headers = [(key[5:].replace("_", "-").lower(), str(value)) for key, value in environ.items() if key.startswith("HTTP_")]
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers.append((key.replace("_", "-").lower(), str(environ[key])))
    return headers


def refusal(err: VerificationError, resource: str = "") -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, headers, body) of the S3-shaped answer to a refused request."""
    body = err.to_xml(resource=resource).encode("utf-8")
    status = f"{err.status} {_REASONS.get(err.status, 'Error')}"
    return status, [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))], body


class _Body:
    """The request body, read at most once, for verify(): spooled while hashed."""

    def __init__(self, stream: IO[bytes], length: int | None, spool_limit: int) -> None:
        self._stream = stream
        self._left = length
        self._limit = spool_limit
        self.spool: IO[bytes] | None = None

    def pieces(self) -> Iterator[bytes]:
        left = self._left
        while left is None or left > 0:
            block = self._stream.read(_BLOCK if left is None else min(_BLOCK, left))
            if not block:
                break
            if left is not None:
                left -= len(block)
            yield block

    def __iter__(self) -> Iterator[bytes]:
        import tempfile

        self.spool = tempfile.SpooledTemporaryFile(max_size=self._limit)  # noqa: SIM115 - handed to the app
        for block in self.pieces():
            self.spool.write(block)
            yield block
        self.spool.seek(0)


class ChunkedInput:
    """A file-like ``wsgi.input`` over verified decoded chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""
        self._done = False

    def _fill(self) -> bool:
        if self._done:
            return False
        for chunk in self._chunks:
            if chunk:
                self._buf += chunk
                return True
        self._done = True
        return False

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._buf]
            if not self._done:
                parts.extend(self._chunks)
                self._done = True
            self._buf = b""
            return b"".join(parts)
        while len(self._buf) < size and self._fill():
            pass
        out, self._buf = self._buf[:size], self._buf[size:]
        return out

    def readline(self, size: int | None = -1) -> bytes:
        while b"\n" not in self._buf and (size is None or size < 0 or len(self._buf) < size) and self._fill():
            pass
        end = self._buf.find(b"\n") + 1 or len(self._buf)
        if size is not None and size >= 0:
            end = min(end, size)
        out, self._buf = self._buf[:end], self._buf[end:]
        return out

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def _length(environ: dict[str, Any]) -> int | None:
    text = environ.get("CONTENT_LENGTH") or ""
    if text.isdigit():
        return int(text)
    return None if environ.get("wsgi.input_terminated") else 0


class SigV4Middleware:
    """Wraps a WSGI ``app``: only requests ``verifier`` accepts reach it."""

    def __init__(self, app: WSGIApp, verifier: Verifier, *, allow_post_forms: bool = False, spool_limit: int = 1 << 20) -> None:
        self.app = app
        self.verifier = verifier
        self.allow_post_forms = allow_post_forms
        self.spool_limit = spool_limit

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        target = raw_target(environ)
        try:
            self._verify(environ, target)
        except VerificationError as err:
            return self._refuse(err, target, start_response)
        try:
            return self.app(environ, start_response)
        except VerificationError as err:  # a bad chunk, read by the app
            return self._refuse(err, target, start_response, sys.exc_info())

    def _verify(self, environ: dict[str, Any], target: str) -> None:
        method = environ.get("REQUEST_METHOD", "GET")
        headers = environ_headers(environ)
        names = {n: v for n, v in headers}
        stream = environ["wsgi.input"]
        if names.get("x-amz-content-sha256", "").startswith("STREAMING-"):
            body = _Body(stream, _length(environ), 0)
            chunks = self.verifier.verify_chunked(method, target, headers, body.pieces())
            environ["wsgi.input"] = ChunkedInput(chunks)
            environ["CONTENT_LENGTH"] = str(chunks.decoded_length)
            codings = [
                c for c in environ.get("HTTP_CONTENT_ENCODING", "").split(",") if c.strip().lower() not in ("aws-chunked", "")
            ]
            if codings:
                environ["HTTP_CONTENT_ENCODING"] = ",".join(codings)
            else:
                environ.pop("HTTP_CONTENT_ENCODING", None)
            environ[ENVIRON_KEY] = chunks.result
            return
        if (
            self.allow_post_forms
            and method == "POST"
            and "authorization" not in names
            and "X-Amz-Signature=" not in target
            and names.get("content-type", "").lower().startswith("multipart/form-data")
        ):
            environ[ENVIRON_KEY] = None
            return
        body = _Body(stream, _length(environ), self.spool_limit)
        result = self.verifier.verify(method, target, headers, body)
        if body.spool is not None:
            environ["wsgi.input"] = body.spool
        environ[ENVIRON_KEY] = result

    @staticmethod
    def _refuse(err: VerificationError, target: str, start_response: StartResponse, exc_info: Any = None) -> list[bytes]:
        status, headers, body = refusal(err, target.partition("?")[0])
        if exc_info is None:
            start_response(status, headers)
        else:
            start_response(status, headers, exc_info)
        return [body]
