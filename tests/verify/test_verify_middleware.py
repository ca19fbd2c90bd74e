"""The WSGI and ASGI middleware in front of a tiny in-memory object store: driven
directly (environ dicts, ASGI scope + receive/send) and once each over real
loopback HTTP (wsgiref on 127.0.0.1; a minimal asyncio HTTP/1.1 server)."""

from __future__ import annotations

import asyncio
import http.client
import io
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

import sigv4
from sigv4 import asgi as sigv4_asgi
from sigv4 import wsgi as sigv4_wsgi

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
SIGNER = sigv4.Signer(CREDS, "us-east-1", "s3")


def _verifier(now: datetime = NOW) -> sigv4.Verifier:
    return sigv4.Verifier(lambda key: CREDS if key == CREDS.access_key else None, clock=now.timestamp)


# -- the apps: PUT stores the body, GET returns it -------------------------------------


def make_wsgi_app(store: dict[str, bytes]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        key = environ["PATH_INFO"]
        result = environ[sigv4_wsgi.ENVIRON_KEY]
        if environ["REQUEST_METHOD"] == "PUT":
            store[key] = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            start_response("200 OK", [("x-signed-by", result.access_key)])
            return [b""]
        body = store.get(key, b"")
        start_response("200 OK", [("Content-Length", str(len(body))), ("x-signed-by", result.access_key)])
        return [body]

    return app


def make_asgi_app(store: dict[str, bytes]) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        key = scope["path"]
        result = scope[sigv4_asgi.ENVIRON_KEY]
        body = b""
        if scope["method"] == "PUT":
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            store[key] = body
            body = b""
        else:
            body = store.get(key, b"")
        headers = [(b"content-length", str(len(body)).encode()), (b"x-signed-by", result.access_key.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


# -- driving them directly -------------------------------------------------------------


def _target(url: str) -> tuple[str, str]:
    rest = url.partition("://")[2]
    cut = rest.find("/")
    return rest[:cut], rest[cut:]


def _environ(signed: sigv4.SignedRequest, body: bytes, path_info: str | None = None) -> dict[str, Any]:
    host, target = _target(signed.url)
    path, _, query = target.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": signed.method,
        "RAW_URI": target,
        "PATH_INFO": path_info if path_info is not None else path,
        "QUERY_STRING": query,
        "HTTP_HOST": host,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in signed.headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    return environ


def _call_wsgi(app: Any, environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        got["status"], got["headers"] = int(status[:3]), dict(headers)

    body = b"".join(app(environ, start_response))
    return got["status"], got["headers"], body


def _wire(signed: sigv4.SignedRequest) -> bytes:
    return b"".join(signed.body) if not isinstance(signed.body, bytes) else signed.body  # type: ignore[arg-type]


def _cases(base: str) -> Iterator[tuple[str, sigv4.SignedRequest, bytes, int, str | None]]:
    """(name, signed request, body to send, expected status, expected error code)."""
    data = bytes(range(256)) * 300
    put = SIGNER.sign("PUT", f"{base}/bucket/a%2Fb c", body=b"hello", now=NOW)
    yield "put", put, b"hello", 200, None
    yield "put-tampered-body", put, b"hellO", 400, "XAmzContentSHA256Mismatch"
    get = SIGNER.presign("GET", f"{base}/bucket/a%2Fb c", 60, now=NOW)
    yield "presigned-get", get, b"", 200, None
    bad = get.url[:-1] + ("0" if get.url[-1] != "0" else "1")
    yield (
        "presigned-get-bad-signature",
        sigv4.SignedRequest("GET", bad, {}, "", "", "", (), "", ""),
        b"",
        403,
        "SignatureDoesNotMatch",
    )
    chunked = SIGNER.sign_chunked("PUT", f"{base}/bucket/big", data, chunk_size=8192, now=NOW)
    wire = _wire(chunked)
    yield "chunked", chunked, wire, 200, None
    flipped = bytearray(wire)
    flipped[20_000] ^= 1
    yield "chunked-tampered", chunked, bytes(flipped), 403, "SignatureDoesNotMatch"
    trailer = sigv4.Signer(CREDS, "us-east-1", "s3", unsigned_payload=True).sign_chunked(
        "PUT", f"{base}/bucket/trailer", data, chunk_size=8192, trailer="crc32", now=NOW
    )
    yield "unsigned-trailer", trailer, _wire(trailer), 200, None
    unsigned = sigv4.SignedRequest("GET", f"{base}/bucket/x", {}, "", "", "", (), "", "")
    yield "not-signed", unsigned, b"", 403, "AccessDenied"


BASE = "https://example.s3.amazonaws.com"
CASES = list(_cases(BASE))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_wsgi_direct(case: tuple[str, sigv4.SignedRequest, bytes, int, str | None]) -> None:
    name, signed, body, status, code = case
    store: dict[str, bytes] = {}
    app = sigv4_wsgi.SigV4Middleware(make_wsgi_app(store), _verifier())
    got_status, headers, out = _call_wsgi(app, _environ(signed, body))
    assert got_status == status, out
    if code is None:
        assert headers["x-signed-by"] == CREDS.access_key
        if signed.method == "PUT":
            expected = body if name == "put" else bytes(range(256)) * 300
            assert list(store.values()) == [expected]
    else:
        assert headers["Content-Type"] == "application/xml"
        assert f"<Code>{code}</Code>".encode() in out
        assert CREDS.secret_key.encode() not in out
        assert store == {}


def test_wsgi_reads_the_raw_target_not_path_info() -> None:
    # Generic rules: '/api/a%2Fb' is signed as '/api/a%252Fb'; PATH_INFO is decoded ('/api/a/b').
    signed = sigv4.Signer(CREDS, "us-east-1", "execute-api").sign("PUT", "https://api.example.com/api/a%2Fb", body=b"x", now=NOW)
    store: dict[str, bytes] = {}
    app = sigv4_wsgi.SigV4Middleware(make_wsgi_app(store), _verifier())
    assert _call_wsgi(app, _environ(signed, b"x", path_info="/api/a/b"))[0] == 200
    environ = _environ(signed, b"x", path_info="/api/a/b")
    del environ["RAW_URI"]  # the fallback re-encodes PATH_INFO and loses the %2F
    status, _, out = _call_wsgi(app, environ)
    assert (status, b"<Code>SignatureDoesNotMatch</Code>" in out) == (403, True)


def test_wsgi_post_forms_pass_through_only_when_allowed() -> None:
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/",
        "PATH_INFO": "/",
        "HTTP_HOST": "bucket.s3.amazonaws.com",
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "wsgi.input": io.BytesIO(b""),
    }
    seen: list[object] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ[sigv4_wsgi.ENVIRON_KEY])
        start_response("204 No Content", [])
        return []

    assert _call_wsgi(sigv4_wsgi.SigV4Middleware(app, _verifier()), dict(environ))[0] == 403
    assert _call_wsgi(sigv4_wsgi.SigV4Middleware(app, _verifier(), allow_post_forms=True), dict(environ))[0] == 204
    assert seen == [None]


def _scope(signed: sigv4.SignedRequest) -> dict[str, Any]:
    host, target = _target(signed.url)
    path, _, query = target.partition("?")
    headers = [(b"host", host.encode())] + [(k.lower().encode(), v.encode("latin-1")) for k, v in signed.headers.items()]
    return {
        "type": "http",
        "method": signed.method,
        "path": "/decoded/not/used",
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": headers,
    }


def _call_asgi(app: Any, scope: dict[str, Any], body: bytes, piece: int = 5000) -> tuple[int, dict[bytes, bytes], bytes]:
    messages = [
        {"type": "http.request", "body": body[i : i + piece], "more_body": i + piece < len(body)}
        for i in range(0, len(body), piece)
    ]
    messages = messages or [{"type": "http.request", "body": b"", "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_asgi_direct(case: tuple[str, sigv4.SignedRequest, bytes, int, str | None]) -> None:
    name, signed, body, status, code = case
    store: dict[str, bytes] = {}
    app = sigv4_asgi.SigV4Middleware(make_asgi_app(store), _verifier())
    got_status, headers, out = _call_asgi(app, _scope(signed), body)
    assert got_status == status, out
    if code is None:
        assert headers[b"x-signed-by"] == CREDS.access_key.encode()
        assert list(store) == ([] if signed.method == "GET" else ["/decoded/not/used"])
        if name == "put":
            assert store["/decoded/not/used"] == b"hello"
        elif signed.method == "PUT":
            assert store["/decoded/not/used"] == bytes(range(256)) * 300
    else:
        assert headers[b"content-type"] == b"application/xml"
        assert f"<Code>{code}</Code>".encode() in out
        assert store == {}


def test_asgi_other_scopes_pass_through() -> None:
    calls: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        calls.append(scope["type"])

    asyncio.run(sigv4_asgi.SigV4Middleware(app, _verifier())({"type": "lifespan"}, None, None))  # type: ignore[arg-type]
    assert calls == ["lifespan"]


# -- over loopback HTTP ----------------------------------------------------------------


class _RawURIHandler(WSGIRequestHandler):
    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ["RAW_URI"] = self.path  # what gunicorn sets; wsgiref keeps only the decoded path
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _send(port: int, signed: sigv4.SignedRequest, body: bytes) -> tuple[int, bytes]:
    _, target = _target(signed.url)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {k: v for k, v in signed.headers.items() if k.lower() != "content-length"}
        headers["Content-Length"] = str(len(body))
        conn.request(signed.method, target, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_wsgi_over_loopback_http() -> None:
    store: dict[str, bytes] = {}
    server: WSGIServer = make_server(
        "127.0.0.1", 0, sigv4_wsgi.SigV4Middleware(make_wsgi_app(store), _verifier()), handler_class=_RawURIHandler
    )
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for name, signed, body, status, code in _cases(f"http://127.0.0.1:{port}"):
            got, out = _send(port, signed, body)
            assert got == status, (name, out)
            if code is not None:
                assert f"<Code>{code}</Code>".encode() in out, name
        assert store["/bucket/a/b c"] == b"hello"
        assert store["/bucket/big"] == store["/bucket/trailer"] == bytes(range(256)) * 300
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def _serve_asgi(app: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A minimal HTTP/1.1 server for one request (Content-Length bodies only)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ")
    headers = [
        (n.strip().lower().encode("latin-1"), v.strip().encode("latin-1"))
        for n, _, v in (x.partition(":") for x in lines[1:] if x)
    ]
    length = int(dict(headers).get(b"content-length", b"0"))
    body = await reader.readexactly(length)
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "headers": headers,
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            writer.write(f"HTTP/1.1 {message['status']} X\r\n".encode())
            for name, value in message["headers"]:
                writer.write(name + b": " + value + b"\r\n")
            writer.write(b"connection: close\r\n\r\n")
        else:
            writer.write(message.get("body", b""))

    await app(scope, receive, send)
    await writer.drain()
    writer.close()


def test_asgi_over_loopback_http() -> None:
    store: dict[str, bytes] = {}
    app = sigv4_asgi.SigV4Middleware(make_asgi_app(store), _verifier())
    ready = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        async def main() -> None:
            server = await asyncio.start_server(lambda r, w: _serve_asgi(app, r, w), "127.0.0.1", 0)
            holder["port"] = server.sockets[0].getsockname()[1]
            holder["stop"] = asyncio.Event()
            ready.set()
            async with server:
                await holder["stop"].wait()

        loop = asyncio.new_event_loop()
        holder["loop"] = loop
        loop.run_until_complete(main())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    port = holder["port"]
    try:
        for name, signed, body, status, code in _cases(f"http://127.0.0.1:{port}"):
            got, out = _send(port, signed, body)
            assert got == status, (name, out)
            if code is not None:
                assert f"<Code>{code}</Code>".encode() in out, name
        assert store["/bucket/a/b%20c"] == b"hello"  # this server's path is the raw one
        assert store["/bucket/big"] == store["/bucket/trailer"] == bytes(range(256)) * 300
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)
        thread.join(5)
