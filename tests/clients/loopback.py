"""An in-memory S3-compatible service on 127.0.0.1, built on ``sigv4.wsgi.SigV4Middleware``
(or ``sigv4.asgi.SigV4Middleware``).

Real clients (boto3, the AWS CLI, the AWS SDK for JavaScript, curl, minio-py, aws-sdk-go-v2) talk
to it, so what they send is checked by our verifier alone: the app behind the middleware never
looks at a signature.

Pieces:

* :class:`S3App`: a WSGI app keeping buckets and objects in dicts. PUT/GET/HEAD/DELETE object,
  CreateBucket, ListObjectsV2 (minimal XML), multipart upload (Create/UploadPart/Complete/Abort)
  and ``Range`` GETs. It sits behind the middleware.
* :func:`form_upload`: the browser POST form (``multipart/form-data`` to ``/bucket``), which the
  middleware lets through unverified (``allow_post_forms=True``), checked with
  ``Verifier.verify_post`` since a form carries its signature in its fields.
* :func:`asgi_s3`: the same storage as an ASGI app, behind ``sigv4.asgi.SigV4Middleware``.
* :class:`LoopbackS3`: an HTTP/1.1 server (``ThreadingHTTPServer``, optionally TLS) that runs the
  WSGI or the ASGI stack (``interface=``), a thread per connection. It hands the middleware the
  raw request target (``REQUEST_URI``/``RAW_URI``, ASGI ``raw_path``), decodes
  ``Transfer-Encoding: chunked`` request bodies, answers ``Expect: 100-continue``, records every
  exchange as it came off the wire (:attr:`LoopbackS3.exchanges`) and can corrupt one byte of the
  next request body in transit (:meth:`LoopbackS3.corrupt_next_body`), as a tampering proxy would.

It has the attributes ``tests.fixtures_s3.send`` and ``create_bucket`` use (``host``, ``port``,
``endpoint``, ``access_key``, ``secret_key``, ``region``), so the same raw requests can be replayed
against it and against the JuiceFS gateway.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import ssl
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.sax.saxutils import escape

from sigv4.testing import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
ASGIApp = Callable[[dict[str, Any], Callable[[], Any], Callable[[dict[str, Any]], Any]], Any]

REGION = "us-east-1"
NS = "http://s3.amazonaws.com/doc/2006-03-01/"
_DRAIN_LIMIT = 64 * 1024 * 1024

#: The HTTP status S3 answers with each error code.
STATUS = {
    "AccessDenied": 403,
    "SignatureDoesNotMatch": 403,
    "InvalidAccessKeyId": 403,
    "InvalidToken": 400,
    "RequestTimeTooSkewed": 403,
    "EntityTooLarge": 400,
    "EntityTooSmall": 400,
    "XAmzContentSHA256Mismatch": 400,
    "BadDigest": 400,
    "AuthorizationHeaderMalformed": 400,
    "AuthorizationQueryParametersError": 400,
    "InvalidPolicyDocument": 400,
    "IncompleteBody": 400,
    "InvalidRequest": 400,
    "InvalidArgument": 400,
    "MalformedXML": 400,
    "InvalidPart": 400,
    "NoSuchBucket": 404,
    "NoSuchKey": 404,
    "NoSuchUpload": 404,
    "MethodNotAllowed": 405,
    "InvalidRange": 416,
}


def error_body(code: str, message: str, **extra: str) -> bytes:
    items = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in extra.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}</Message>'
        f"{items}<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    ).encode()


def _error(start_response: StartResponse, code: str, message: str) -> list[bytes]:
    body = error_body(code, message)
    start_response(f"{STATUS.get(code, 400)} {code}", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def _read_all(stream: BinaryIO) -> bytes:
    pieces = []
    while True:
        piece = stream.read(65536)
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)


def _etag(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


@dataclass
class StoredObject:
    data: bytes
    etag: str
    content_type: str = "binary/octet-stream"
    metadata: dict[str, str] = field(default_factory=dict)
    modified: float = field(default_factory=time.time)


@dataclass
class Upload:
    bucket: str
    key: str
    content_type: str
    metadata: dict[str, str]
    parts: dict[int, bytes] = field(default_factory=dict)


class S3App:
    """The storage behind the middleware (path-style addressing only)."""

    def __init__(self) -> None:
        self.buckets: dict[str, dict[str, StoredObject]] = {}
        self.uploads: dict[str, Upload] = {}
        self.lock = threading.Lock()

    def put(self, bucket: str, key: str, data: bytes) -> None:
        """Store an object directly (test set-up), creating the bucket if needed."""
        with self.lock:
            self.buckets.setdefault(bucket, {})[key] = StoredObject(data, _etag(data))

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        target = environ.get("REQUEST_URI") or environ.get("RAW_URI") or "/"
        path, _, query_string = str(target).partition("?")
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        bucket, _, key = unquote(path, errors="strict").lstrip("/").partition("/")
        method = environ["REQUEST_METHOD"]
        if not bucket:
            return self._list_buckets(start_response)
        if not key:
            return self._bucket(method, bucket, query, environ, start_response)
        if bucket not in self.buckets:
            return _error(start_response, "NoSuchBucket", "The specified bucket does not exist")
        if "uploads" in query and method == "POST":
            upload_id = uuid.uuid4().hex
            with self.lock:
                self.uploads[upload_id] = Upload(
                    bucket, key, environ.get("CONTENT_TYPE") or "binary/octet-stream", _meta(environ)
                )
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult xmlns="{NS}"><Bucket>{escape(bucket)}'
                f"</Bucket><Key>{escape(key)}</Key><UploadId>{upload_id}</UploadId></InitiateMultipartUploadResult>"
            )
            return _xml(start_response, xml)
        if "uploadId" in query:
            return self._multipart(method, bucket, key, query, environ, start_response)
        if method == "PUT":
            data = _read_all(environ["wsgi.input"])
            obj = StoredObject(data, _etag(data), environ.get("CONTENT_TYPE") or "binary/octet-stream", _meta(environ))
            with self.lock:
                self.buckets[bucket][key] = obj
            start_response("200 OK", [("ETag", obj.etag), ("Content-Length", "0")])
            return [b""]
        if method in ("GET", "HEAD"):
            found = self.buckets[bucket].get(key)
            if found is None:
                return _error(start_response, "NoSuchKey", "The specified key does not exist.")
            return _serve_object(found, method, environ, query, start_response)
        if method == "DELETE":
            with self.lock:
                self.buckets[bucket].pop(key, None)
            start_response("204 No Content", [])
            return [b""]
        return _error(start_response, "MethodNotAllowed", f"{method} is not allowed here")

    def _list_buckets(self, start_response: StartResponse) -> Iterable[bytes]:
        names = "".join(f"<Bucket><Name>{escape(name)}</Name></Bucket>" for name in sorted(self.buckets))
        return _xml(start_response, f'<ListAllMyBucketsResult xmlns="{NS}"><Buckets>{names}</Buckets></ListAllMyBucketsResult>')

    def _bucket(
        self, method: str, bucket: str, query: dict[str, str], environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        if method == "PUT":
            _read_all(environ["wsgi.input"])
            with self.lock:
                self.buckets.setdefault(bucket, {})
            start_response("200 OK", [("Location", f"/{bucket}"), ("Content-Length", "0")])
            return [b""]
        if bucket not in self.buckets:
            return _error(start_response, "NoSuchBucket", "The specified bucket does not exist")
        if method == "HEAD":
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        if method == "DELETE":
            with self.lock:
                del self.buckets[bucket]
            start_response("204 No Content", [])
            return [b""]
        if method == "GET":
            prefix = query.get("prefix", "")
            keys = sorted(k for k in self.buckets[bucket] if k.startswith(prefix))
            contents = "".join(
                f"<Contents><Key>{escape(k)}</Key><LastModified>{_iso(self.buckets[bucket][k].modified)}</LastModified>"
                f"<ETag>{escape(self.buckets[bucket][k].etag)}</ETag><Size>{len(self.buckets[bucket][k].data)}</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>"
                for k in keys
            )
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="{NS}"><Name>{escape(bucket)}</Name>'
                f"<Prefix>{escape(prefix)}</Prefix><KeyCount>{len(keys)}</KeyCount><MaxKeys>1000</MaxKeys>"
                f"<IsTruncated>false</IsTruncated>{contents}</ListBucketResult>"
            )
            return _xml(start_response, xml)
        return _error(start_response, "MethodNotAllowed", f"{method} is not allowed on a bucket here")

    def _multipart(
        self, method: str, bucket: str, key: str, query: dict[str, str], environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        upload = self.uploads.get(query["uploadId"])
        if upload is None or (upload.bucket, upload.key) != (bucket, key):
            return _error(start_response, "NoSuchUpload", "The specified upload does not exist.")
        if method == "PUT":
            data = _read_all(environ["wsgi.input"])
            with self.lock:
                upload.parts[int(query["partNumber"])] = data
            start_response("200 OK", [("ETag", _etag(data)), ("Content-Length", "0")])
            return [b""]
        if method == "DELETE":
            with self.lock:
                self.uploads.pop(query["uploadId"], None)
            start_response("204 No Content", [])
            return [b""]
        if method == "POST":
            listed = _read_all(environ["wsgi.input"]).decode()
            numbers = [int(n) for n in re.findall(r"<PartNumber>\s*(\d+)\s*</PartNumber>", listed)]
            if not numbers or any(n not in upload.parts for n in numbers):
                return _error(start_response, "InvalidPart", "One or more of the specified parts could not be found.")
            data = b"".join(upload.parts[n] for n in numbers)
            digest = hashlib.md5(b"".join(hashlib.md5(upload.parts[n]).digest() for n in numbers)).hexdigest()
            etag = f'"{digest}-{len(numbers)}"'
            with self.lock:
                self.buckets[bucket][key] = StoredObject(data, etag, upload.content_type, upload.metadata)
                self.uploads.pop(query["uploadId"], None)
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult xmlns="{NS}"><Bucket>{escape(bucket)}'
                f"</Bucket><Key>{escape(key)}</Key><ETag>{escape(etag)}</ETag></CompleteMultipartUploadResult>"
            )
            return _xml(start_response, xml)
        return _error(start_response, "MethodNotAllowed", f"{method} is not allowed on an upload")


def _iso(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(when))


def _xml(start_response: StartResponse, xml: str) -> list[bytes]:
    body = xml.encode()
    start_response("200 OK", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def _meta(environ: Environ) -> dict[str, str]:
    return {
        name[len("HTTP_X_AMZ_META_") :].lower().replace("_", "-"): v
        for name, v in environ.items()
        if name.startswith("HTTP_X_AMZ_META_")
    }


def _serve_object(
    obj: StoredObject, method: str, environ: Environ, query: dict[str, str], start_response: StartResponse
) -> list[bytes]:
    data = obj.data
    status = "200 OK"
    headers = [
        ("ETag", obj.etag),
        ("Last-Modified", formatdate(obj.modified, usegmt=True)),
        ("Content-Type", query.get("response-content-type", obj.content_type)),
        ("Accept-Ranges", "bytes"),
    ]
    headers += [(f"x-amz-meta-{name}", value) for name, value in obj.metadata.items()]
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", environ.get("HTTP_RANGE", ""))
    if match and (match.group(1) or match.group(2)):
        size = len(data)
        if match.group(1):
            first = int(match.group(1))
            last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
        else:
            first, last = max(size - int(match.group(2)), 0), size - 1
        if first >= size or first > last:
            return _error(start_response, "InvalidRange", "The requested range is not satisfiable")
        data = data[first : last + 1]
        status = "206 Partial Content"
        headers.append(("Content-Range", f"bytes {first}-{last}/{size}"))
    headers.append(("Content-Length", str(len(data))))
    start_response(status, headers)
    return [b"" if method == "HEAD" else data]


# -- the browser POST form ---------------------------------------------------------------------


def parse_form(content_type: str, body: bytes) -> tuple[list[tuple[str, str]], str, bytes]:
    """``multipart/form-data`` -> (the text fields in order, the file's filename, the file's bytes)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise ValueError("no boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: list[tuple[str, str]] = []
    filename, content = "", b""
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part[2:].partition(b"\r\n\r\n")
        value = value[:-2] if value.endswith(b"\r\n") else value
        disposition = next((line for line in head.split(b"\r\n") if line.lower().startswith(b"content-disposition:")), b"")
        text = disposition.decode("utf-8")
        name = re.search(r'\bname="([^"]*)"', text)
        file = re.search(r'\bfilename="([^"]*)"', text)
        if name is None:
            continue
        if name.group(1) == "file":
            filename, content = (file.group(1) if file else ""), value
        else:
            fields.append((name.group(1), value.decode("utf-8")))
    return fields, filename, content


def form_upload(app: S3App, verifier: Any, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """A browser POST to ``/bucket``: check the policy and signature, then store the file."""
    from sigv4 import VerificationError  # type: ignore[attr-defined]

    body = _read_all(environ["wsgi.input"])
    try:
        fields, filename, content = parse_form(environ.get("CONTENT_TYPE", ""), body)
    except ValueError:
        return _error(
            start_response, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data."
        )
    host = environ.get("HTTP_HOST", "127.0.0.1")
    target = str(environ.get("REQUEST_URI") or "/")
    url = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{target}"
    error: Any = None
    try:
        verifier.verify_post(url, fields, len(content), filename=filename)
    except VerificationError as e:
        error = e
    if error is not None:
        return _error(start_response, error.code, error.message)
    bucket = unquote(urlsplit(target).path).strip("/")
    values = {name.lower(): value for name, value in fields}
    key = values.get("key", "").replace("${filename}", filename)
    if bucket not in app.buckets:
        return _error(start_response, "NoSuchBucket", "The specified bucket does not exist")
    meta = {name[len("x-amz-meta-") :]: value for name, value in values.items() if name.startswith("x-amz-meta-")}
    obj = StoredObject(content, _etag(content), values.get("content-type", "binary/octet-stream"), meta)
    with app.lock:
        app.buckets[bucket][key] = obj
    status = values.get("success_action_status", "204")
    if status == "201":
        xml = f"<PostResponse><Bucket>{escape(bucket)}</Bucket><Key>{escape(key)}</Key>"
        xml += f"<ETag>{escape(obj.etag)}</ETag></PostResponse>"
        return _xml(lambda _s, h: start_response("201 Created", h), xml)
    start_response("200 OK" if status == "200" else "204 No Content", [("ETag", obj.etag)])
    return [b""]


def build_stack(verifier: Any, app: S3App) -> WSGIApp:
    """``sigv4.wsgi.SigV4Middleware`` (``allow_post_forms=True``) in front of the storage. An
    unsigned browser form reaches the app with ``environ["sigv4.verification"]`` set to ``None``
    and is checked by :func:`form_upload` (``Verifier.verify_post``)."""
    from sigv4.wsgi import ENVIRON_KEY, SigV4Middleware

    def forms_or_storage(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get(ENVIRON_KEY, "") is None:
            return form_upload(app, verifier, environ, start_response)
        return app(environ, start_response)

    stack: WSGIApp = SigV4Middleware(forms_or_storage, verifier, allow_post_forms=True)
    return stack


# -- the HTTP server -------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One request as it came off the wire, and the answer."""

    method: str
    target: str
    headers: dict[str, str]  # names lower-cased; repeated headers joined with ","
    status: int = 0
    body: bytes = b""  # the answer's body

    @property
    def error_code(self) -> str | None:
        match = re.search(rb"<Code>([^<]*)</Code>", self.body)
        return match.group(1).decode() if match else None


class _Body:
    """``wsgi.input``: the request body, de-chunked if sent with ``Transfer-Encoding: chunked``,
    optionally with one byte corrupted at ``flip_at`` (an offset into the body as sent)."""

    def __init__(self, rfile: BinaryIO, length: int | None, flip_at: int | None = None) -> None:
        self._rfile = rfile
        self._left = length  # None: chunked transfer encoding
        self._chunk_left = 0
        self._done = length == 0
        self._offset = 0
        self._flip_at = flip_at

    def _raw(self, n: int) -> bytes:
        if self._done:
            return b""
        if self._left is not None:
            data = self._rfile.read(min(n, self._left))
            self._left -= len(data)
            if not data or self._left == 0:
                self._done = True
            return data
        if self._chunk_left == 0:
            size_line = self._rfile.readline(1024)
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self._rfile.readline(65536) not in (b"\r\n", b"\n", b""):
                    pass
                self._done = True
                return b""
            self._chunk_left = size
        data = self._rfile.read(min(n, self._chunk_left))
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self._rfile.readline(8)
        if not data:
            self._done = True
        return data

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            pieces = []
            while piece := self.read(65536):
                pieces.append(piece)
            return b"".join(pieces)
        data = self._raw(n) if n else b""
        if self._flip_at is not None and self._offset <= self._flip_at < self._offset + len(data):
            i = self._flip_at - self._offset
            data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
        self._offset += len(data)
        return data

    def readline(self, limit: int = -1) -> bytes:
        line = b""
        while not line.endswith(b"\n") and (limit < 0 or len(line) < limit):
            c = self.read(1)
            if not c:
                break
            line += c
        return line

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def drain(self) -> bool:
        """Read what the app left unread; False if more than the limit was left."""
        total = 0
        while piece := self._raw(65536):
            total += len(piece)
            if total > _DRAIN_LIMIT:
                return False
        return True


def _run_wsgi(app: WSGIApp, environ: Environ, answer: dict[str, Any]) -> bytes:
    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        answer["status"], answer["headers"] = status, response_headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        return b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


def _scope(method: str, target: str, headers: Iterable[tuple[str, str]], owner: LoopbackS3, client: Any) -> dict[str, Any]:
    path, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": owner.scheme,
        "path": unquote(path),
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers],
        "client": (client[0], client[1]),
        "server": (owner.host, owner.port),
    }


async def _run_asgi(app: ASGIApp, scope: dict[str, Any], body: _Body) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request through an ASGI app; the body is read (blocking) as the app asks for it."""
    state = {"more": True, "status": 0}
    headers: list[tuple[str, str]] = []
    content: list[bytes] = []

    async def receive() -> dict[str, Any]:
        if not state["more"]:
            return {"type": "http.disconnect"}
        data = body.read(65536)
        state["more"] = bool(data)
        return {"type": "http.request", "body": data, "more_body": bool(data)}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            state["status"] = int(message["status"])
            headers.extend((name.decode("latin-1"), value.decode("latin-1")) for name, value in message.get("headers", []))
        elif message["type"] == "http.response.body":
            content.append(bytes(message.get("body", b"")))

    await app(scope, receive, send)
    return int(state["status"]), headers, b"".join(content)


def asgi_s3(store: S3App, verifier: Any) -> ASGIApp:
    """The same storage as an ASGI app (its body gathered, then handed to :class:`S3App`)."""

    from sigv4.wsgi import ENVIRON_KEY

    async def app(scope: dict[str, Any], receive: Callable[[], Any], send: Callable[[dict[str, Any]], Any]) -> None:
        pieces = []
        while True:
            message = await receive()
            pieces.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        query = scope.get("query_string", b"").decode("latin-1")
        target = scope["raw_path"].decode("latin-1") + (f"?{query}" if query else "")
        environ: Environ = {
            "REQUEST_METHOD": scope["method"],
            "REQUEST_URI": target,
            "wsgi.input": io.BytesIO(b"".join(pieces)),
            "wsgi.url_scheme": scope.get("scheme", "http"),
        }
        for name, value in scope["headers"]:
            key = name.decode("latin-1").upper().replace("-", "_")
            value_text = value.decode("latin-1")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value_text
            else:
                environ[f"HTTP_{key}"] = f"{environ[f'HTTP_{key}']},{value_text}" if f"HTTP_{key}" in environ else value_text
        answer: dict[str, Any] = {}
        if scope.get(ENVIRON_KEY, "") is None:  # an unsigned form the middleware let through
            content = b"".join(
                form_upload(store, verifier, environ, lambda status, headers: answer.update(status=status, headers=headers))
            )
        else:
            content = _run_wsgi(store, environ, answer)
        await send(
            {
                "type": "http.response.start",
                "status": int(answer["status"].split()[0]),
                "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in answer["headers"]],
            }
        )
        await send({"type": "http.response.body", "body": content})

    return app


def build_asgi_stack(verifier: Any, store: S3App) -> ASGIApp:
    """``sigv4.asgi.SigV4Middleware`` (``allow_post_forms=True``) in front of the storage."""
    from sigv4.asgi import SigV4Middleware

    stack: ASGIApp = SigV4Middleware(asgi_s3(store, verifier), verifier, allow_post_forms=True)
    return stack


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (ConnectionError, TimeoutError, ssl.SSLError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():  # also answers Expect: 100-continue
            return
        try:
            self._run()
        except (ConnectionError, ssl.SSLError):
            self.close_connection = True

    def _run(self) -> None:
        owner = self.server.owner
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        exchange = Exchange(self.command, self.path, headers)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = None if chunked else int(headers.get("content-length", "0") or "0")
        body = _Body(self.rfile, length, owner.take_flip(self.command, self.path))  # type: ignore[arg-type]
        path, _, query = self.path.partition("?")
        environ: Environ = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, encoding="latin-1"),
            "QUERY_STRING": query,
            "REQUEST_URI": self.path,
            "RAW_URI": self.path,
            "SERVER_NAME": owner.host,
            "SERVER_PORT": str(owner.port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": owner.scheme,
            "wsgi.input": body,
            "wsgi.input_terminated": True,  # read() returns b"" at the end, with or without CONTENT_LENGTH
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if length is not None:
            environ["CONTENT_LENGTH"] = str(length)
        for key, value in headers.items():
            name = key.upper().replace("-", "_")
            if name == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif name not in ("CONTENT_LENGTH", "TRANSFER_ENCODING") and "_" + name not in ("_PROXY",):
                environ["HTTP_" + name] = value
        if chunked:
            environ["HTTP_TRANSFER_ENCODING"] = headers["transfer-encoding"]
        answer: dict[str, Any] = {}
        try:
            if owner.interface == "asgi":
                scope = _scope(self.command, self.path, self.headers.items(), owner, self.client_address)
                status, answer["headers"], content = asyncio.run(_run_asgi(owner.app, scope, body))  # type: ignore[arg-type]
                answer["status"] = f"{status} {HTTPStatus(status).phrase}"
            else:
                content = _run_wsgi(owner.app, environ, answer)
        except Exception as e:  # a bug in the app must answer 500 and be seen by the test
            owner.failures.append(e)
            content = error_body("InternalError", f"{type(e).__name__}: {e}")
            answer = {"status": "500 Internal Server Error", "headers": [("Content-Type", "application/xml")]}
        if not body.drain():
            self.close_connection = True
        exchange.status = int(answer["status"].split()[0])
        exchange.body = content
        owner.exchanges.append(exchange)
        self.send_response(exchange.status, answer["status"].partition(" ")[2])
        names = set()
        for name, value in answer["headers"]:
            names.add(name.lower())
            self.send_header(name, value)
        if "content-length" not in names and exchange.status not in (204, 304):
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD" and content:
            self.wfile.write(content)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackS3


class LoopbackS3:
    """The in-memory S3 app behind the verifier, served on 127.0.0.1 on a free port."""

    def __init__(
        self, *, tls: tuple[str, str] | None = None, clock: Callable[[], float] | None = None, interface: str = "wsgi"
    ) -> None:
        import sigv4

        self.host = "127.0.0.1"
        self.region = REGION
        self.access_key = DEFAULT_ACCESS_KEY
        self.secret_key = DEFAULT_SECRET_KEY
        self.keys = {self.access_key: sigv4.Credentials(self.access_key, self.secret_key)}
        #: Seconds added to the verifier's clock (``time.time`` unless ``clock`` is given): a test moves
        #: the server's time forward to see a presigned URL expire without sleeping.
        self.clock_offset = 0.0
        base = clock or time.time
        self.verifier = sigv4.Verifier(self.keys.get, clock=lambda: base() + self.clock_offset)
        self.store = S3App()
        self.interface = interface
        self.app: Any = (
            build_asgi_stack(self.verifier, self.store) if interface == "asgi" else build_stack(self.verifier, self.store)
        )
        self.exchanges: list[Exchange] = []
        self.failures: list[BaseException] = []
        self._flip: tuple[str, str, int] | None = None
        self._flip_lock = threading.Lock()
        self._httpd = _Server((self.host, 0), _Handler)
        self._httpd.owner = self
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self._httpd.server_address[1]
        self.endpoint = f"{self.scheme}://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> LoopbackS3:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def corrupt_next_body(self, offset: int, method: str = "PUT", contains: str = "") -> None:
        """Flip one bit of byte ``offset`` of the body of the next ``method`` request whose target
        contains ``contains``, as it comes off the wire (before the middleware sees it)."""
        with self._flip_lock:
            self._flip = (method, contains, offset)

    def take_flip(self, method: str, target: str) -> int | None:
        with self._flip_lock:
            if self._flip is not None and self._flip[0] == method and self._flip[1] in target:
                offset = self._flip[2]
                self._flip = None
                return offset
        return None

    def seen(self, method: str | None = None, contains: str = "") -> list[Exchange]:
        """The recorded exchanges, optionally only those of ``method`` whose target contains ``contains``."""
        return [e for e in self.exchanges if (method is None or e.method == method) and contains in e.target]

    def __repr__(self) -> str:
        return f"LoopbackS3({self.endpoint!r}, {self.interface})"
