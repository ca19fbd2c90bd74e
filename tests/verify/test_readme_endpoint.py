"""The README's upload endpoint runs: its code block, executed as written, serves
presigned PUT/GET (signed by botocore) and a browser POST form (made by boto3's
``generate_presigned_post``) over loopback HTTP, and refuses a tampered request."""

from __future__ import annotations

import http.client
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import boto3
from botocore.config import Config
from freezegun import freeze_time

from tests.botocore_oracle import query_sign

README = Path(__file__).resolve().parents[2] / "README.md"
AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def _example() -> str:
    text = README.read_text(encoding="utf-8")
    # The README block marked <!-- test: run-by=tests/verify/test_readme_endpoint.py -->
    block = text.split("<!-- test: run-by=tests/verify/test_readme_endpoint.py -->\n```python\n", 1)[1].split("\n```\n", 1)[0]
    assert len(block.splitlines()) <= 45
    return block


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _request(port: int, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'.encode()
    out += b"Content-Type: application/octet-stream\r\n\r\n" + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


def test_readme_upload_endpoint() -> None:
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(_example(), str(README), "exec"), namespace)  # the README's own code
    middleware = namespace["SigV4Middleware"](namespace["app"], namespace["verifier"], allow_post_forms=True)
    server = make_server("127.0.0.1", 0, middleware, handler_class=_Quiet)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    base = f"http://127.0.0.1:{port}"
    try:
        put = query_sign(
            s3=True, method="PUT", url=f"{base}/photos/cat.jpg", access_key=AK, secret_key=SK, service="s3", expires=60, now=now
        )
        assert _request(port, "PUT", put[len(base) :], b"meow")[0] == 200
        get = query_sign(
            s3=True, method="GET", url=f"{base}/photos/cat.jpg", access_key=AK, secret_key=SK, service="s3", expires=60, now=now
        )
        assert _request(port, "GET", get[len(base) :]) == (200, b"meow")
        status, body = _request(port, "GET", get[len(base) :].replace("cat.jpg", "dog.jpg"))
        assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body

        client = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="s3v4"),
                              aws_access_key_id=AK, aws_secret_access_key=SK)  # fmt: skip
        with freeze_time(now):
            post = client.generate_presigned_post("photos", "uploads/${filename}", ExpiresIn=60,
                                                  Conditions=[["content-length-range", 1, 100]])  # fmt: skip
        host = "photos.s3.amazonaws.com"
        content_type, form = _multipart(post["fields"], "kitten.png", b"purr")
        status, body = _request(port, "POST", "/", form, {"Host": host, "Content-Type": content_type})
        assert status == 200, body
        assert namespace["objects"]["/photos/uploads/kitten.png"] == b"purr"
        content_type, form = _multipart(post["fields"], "big.png", b"x" * 101)
        status, body = _request(port, "POST", "/", form, {"Host": host, "Content-Type": content_type})
        assert status == 400 and b"<Code>EntityTooLarge</Code>" in body
        tampered = dict(post["fields"], key="elsewhere/${filename}")
        content_type, form = _multipart(tampered, "kitten.png", b"purr")
        status, body = _request(port, "POST", "/", form, {"Host": host, "Content-Type": content_type})
        assert status == 403 and b"<Code>AccessDenied</Code>" in body
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
