"""A loopback HTTP stub for what the real S3 gateway never does: skewed clocks, region
redirects, redirects in general. It records every request exactly as received and checks
its SigV4 signature with botocore (the independent oracle), so a test can assert that a
retried request was really re-signed, and correctly.

Also :func:`call`: one way to send a request through each adapter (requests, httpx sync,
httpx async), shared by the adapter tests and the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import calendar
import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
KINDS = ("requests", "httpx", "httpx-async")


@dataclass
class Recorded:
    """One request as the stub received it."""

    method: str
    target: str  # request target as sent: path?query, still percent-encoded
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k.lower() == name.lower()]
        return ",".join(found) if found else None

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def auth(self) -> dict[str, str]:
        """Parts of the Authorization header: access_key, date, region, service, signed_headers, signature."""
        value = self.header("authorization") or ""
        if not value.startswith("AWS4-HMAC-SHA256 "):
            return {}
        fields = dict(p.strip().split("=", 1) for p in value[len("AWS4-HMAC-SHA256 ") :].split(","))
        access_key, date, region, service, _ = fields["Credential"].split("/")
        return {
            "access_key": access_key,
            "date": date,
            "region": region,
            "service": service,
            "signed_headers": fields["SignedHeaders"],
            "signature": fields["Signature"],
        }

    @property
    def signed_headers(self) -> set[str]:
        return set(self.auth.get("signed_headers", "").split(";")) - {""}


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def s3_error(status: int, code: str, extra: str = "", headers: Mapping[str, str] | None = None) -> Reply:
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{code}</Message>{extra}</Error>'
    return Reply(status, {"Content-Type": "application/xml", **(headers or {})}, xml.encode())


def verify(rec: Recorded, secret_key: str = SECRET_KEY) -> str | None:
    """None when ``rec`` carries a valid SigV4 Authorization (checked by botocore) and a body
    matching its x-amz-content-sha256; else what is wrong."""
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    parts = rec.auth
    if not parts:
        return "no SigV4 Authorization header"
    names = parts["signed_headers"].split(";")
    headers = {name: rec.header(name) or "" for name in names}
    host = rec.header("host") or ""
    target = rec.target
    if parts["service"] == "s3":
        # As S3 does: the path is decoded, then URI-encoded once (botocore takes it as given).
        path, mark, query = target.partition("?")
        target = quote(unquote(path), safe="/~") + mark + query
    request = AWSRequest(method=rec.method, url=f"http://{host}{target}", headers=headers, data=rec.body)
    amz_date = rec.header("x-amz-date") or ""
    request.context["timestamp"] = amz_date
    signer_class = S3SigV4Auth if parts["service"] == "s3" else SigV4Auth
    signer = signer_class(Credentials(parts["access_key"], secret_key), parts["service"], parts["region"])
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if parts["date"] != amz_date[:8]:
        return "scope date differs from X-Amz-Date"
    if expected != parts["signature"]:
        return f"SignatureDoesNotMatch; botocore's canonical request:\n{canonical}"
    claimed = rec.header("x-amz-content-sha256")
    if claimed not in (None, "UNSIGNED-PAYLOAD") and claimed != hashlib.sha256(rec.body).hexdigest():
        return "XAmzContentSHA256Mismatch"
    return None


def amz_time(rec: Recorded) -> float:
    """X-Amz-Date of ``rec`` as seconds since the epoch."""
    return float(calendar.timegm(time.strptime(rec.header("x-amz-date") or "", "%Y%m%dT%H%M%SZ")))


Handler = Callable[["StubServer", Recorded], Reply]


def valid_or_403(stub: StubServer, rec: Recorded) -> Reply:
    """The default behaviour: 200 for a correctly signed request, else 403."""
    problem = verify(rec)
    if problem is None:
        return Reply(200, {"Content-Type": "text/plain"}, b"ok")
    return s3_error(403, "SignatureDoesNotMatch" if "Signature" in problem else "AccessDenied")


# -- scripted behaviours -----------------------------------------------------------------------

SKEW = 3 * 3600.0  # a skewed stub's clock runs three hours ahead


def skewed(stub: StubServer, rec: Recorded) -> Reply:
    """S3's answer to a request dated more than 15 minutes away from the server's clock."""
    server_time = stub.now()
    if abs(amz_time(rec) - server_time) > 900:
        stamp = datetime.fromtimestamp(server_time, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return s3_error(403, "RequestTimeTooSkewed", f"<ServerTime>{stamp}</ServerTime>")
    return valid_or_403(stub, rec)


def always_skewed(stub: StubServer, rec: Recorded) -> Reply:
    return s3_error(403, "RequestTimeTooSkewed")


def bucket_in(region: str, how: str) -> Handler:
    """A bucket living in ``region``: other regions get S3's region answer of kind ``how``."""

    def handler(stub: StubServer, rec: Recorded) -> Reply:
        signed_for = rec.auth.get("region")
        if signed_for == region:
            return valid_or_403(stub, rec)
        if how == "301":
            return s3_error(301, "PermanentRedirect", "<Endpoint>elsewhere</Endpoint>", {"x-amz-bucket-region": region})
        if how == "400":
            return s3_error(400, "AuthorizationHeaderMalformed", f"<Region>{region}</Region>")
        if how == "307" and rec.path.startswith("/bucket/"):
            target = "/moved" + rec.path[len("/bucket") :]
            return s3_error(307, "TemporaryRedirect", "", {"Location": target, "x-amz-bucket-region": region})
        return s3_error(403, "SignatureDoesNotMatch")

    return handler


def redirecting(status: int, location: str) -> Handler:
    def handler(stub: StubServer, rec: Recorded) -> Reply:
        if rec.path == "/old":
            return Reply(status, {"Location": location.replace("PORT", str(stub.port))}, b"")
        return valid_or_403(stub, rec)

    return handler


class StubServer:
    """``with StubServer(handler) as stub:`` an HTTP/1.1 server on 127.0.0.1:<free port>.

    ``handler(stub, recorded) -> Reply`` answers each request; ``stub.requests`` lists them;
    ``stub.clock_offset`` shifts the server's clock (its ``Date`` header).
    """

    def __init__(self, handler: Handler = valid_or_403, clock_offset: float = 0.0) -> None:
        self.handler = handler
        self.clock_offset = clock_offset
        self.requests: list[Recorded] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        return time.time() + self.clock_offset

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StubServer:
        stub = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def date_time_string(self, timestamp: float | None = None) -> str:
                return super().date_time_string(stub.now() if timestamp is None else timestamp)

            def _handle(self) -> None:
                rec = Recorded(self.command, self.path, list(self.headers.items()), self._read_body())
                stub.requests.append(rec)
                reply = stub.handler(stub, rec)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            def _read_body(self) -> bytes:
                if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
                    out = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return out
                        out += self.rfile.read(size)
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


# -- one way to send through each adapter ---------------------------------------------------


@dataclass
class Result:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    history: list[int]  # statuses of earlier responses (redirects, retries)


def call(
    kind: str,
    auth: Any,
    method: str,
    url: str,
    *,
    params: Any = None,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
    follow_redirects: bool = True,
) -> Result:
    """Send one request through the adapter ``kind`` (one of :data:`KINDS`)."""
    if kind == "requests":
        import requests

        with requests.Session() as session:
            session.trust_env = False  # no proxy from the environment may see loopback traffic
            r = session.request(
                method, url, params=params, headers=dict(headers or {}), data=body, auth=auth, allow_redirects=follow_redirects
            )
            return _result(r)
    import httpx

    if kind == "httpx":
        with httpx.Client(auth=auth, trust_env=False, follow_redirects=follow_redirects, timeout=30) as client:
            r = client.request(method, url, params=params, headers=dict(headers or {}), content=body)
            return _result(r)

    if body is not None and not isinstance(body, (bytes, str)):
        body = _aiter(body)

    async def run() -> Result:
        async with httpx.AsyncClient(auth=auth, trust_env=False, follow_redirects=follow_redirects, timeout=30) as client:
            r = await client.request(method, url, params=params, headers=dict(headers or {}), content=body)
            return _result(r)

    return asyncio.run(run())


async def _aiter(source: Any) -> Any:
    """A sync file or iterable as an async iterator (what httpx.AsyncClient streams)."""
    if hasattr(source, "read"):
        while block := source.read(65536):
            yield block
    else:
        for block in source:
            yield block


def _result(r: Any) -> Result:
    return Result(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content, [h.status_code for h in r.history])


def auth_for(kind: str, *args: Any, **kwargs: Any) -> Any:
    """The adapter's ``SigV4Auth`` for ``kind``."""
    if kind == "requests":
        from sigv4.requests import SigV4Auth as RequestsAuth

        return RequestsAuth(*args, **kwargs)
    from sigv4.httpx import SigV4Auth as HttpxAuth

    return HttpxAuth(*args, **kwargs)


def chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    """A generator body: cannot be hashed without consuming it."""
    for i in range(0, len(data), size):
        yield data[i : i + size]


def sign_offline(
    kind: str, auth: Any, method: str, url: str, *, headers: Mapping[str, str] | None = None, body: Any = None
) -> tuple[str, dict[str, str]]:
    """(URL, headers with lower-case names) of a request signed by the adapter, not sent."""
    if kind == "requests":
        import requests

        prepared = requests.Request(method, url, headers=dict(headers or {}), data=body, auth=auth).prepare()
        return str(prepared.url), {k.lower(): v for k, v in prepared.headers.items()}
    import httpx

    request = httpx.Request(method, url, headers=dict(headers or {}), content=body)
    signed = next(auth.sync_auth_flow(request))
    return str(signed.url), {k.lower(): v for k, v in signed.headers.items()}
