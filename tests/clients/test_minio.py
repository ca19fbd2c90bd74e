"""minio-py against the loopback S3 app.

minio-py 7.2 has no aws-chunked streaming signature (no ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD``
anywhere in its source): over HTTP it signs each body's SHA-256 (a stream of unknown length goes
up as a multipart upload whose parts are signed the same way), over HTTPS it sends
``UNSIGNED-PAYLOAD``. Both are asserted from the headers the app saw.
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.clients.conftest import new_bucket
from tests.clients.loopback import LoopbackS3

pytestmark = pytest.mark.e2e

BODY = bytes(range(256)) * 64


def _client(server: LoopbackS3, secret: str | None = None, tls_files: tuple[str, str] | None = None) -> Any:
    from minio import Minio

    http_client = None
    if tls_files is not None:
        import urllib3

        http_client = urllib3.PoolManager(ca_certs=tls_files[0], retries=False)
    else:
        import urllib3

        http_client = urllib3.PoolManager(retries=False)
    return Minio(
        f"{server.host}:{server.port}",
        access_key=server.access_key,
        secret_key=secret or server.secret_key,
        secure=tls_files is not None,
        region=server.region,
        http_client=http_client,
    )


def test_put_get_and_presign(loopback: LoopbackS3, bucket: str) -> None:
    client = _client(loopback)
    client.put_object(bucket, "minio/an object+name.bin", io.BytesIO(BODY), len(BODY), metadata={"owner": "zoe"})
    (put,) = loopback.seen("PUT", "minio/")
    assert put.headers["x-amz-content-sha256"] == hashlib.sha256(BODY).hexdigest()
    stored = loopback.store.buckets[bucket]["minio/an object+name.bin"]
    assert stored.data == BODY and stored.metadata == {"owner": "zoe"}
    response = client.get_object(bucket, "minio/an object+name.bin")
    try:
        assert response.read() == BODY
    finally:
        response.close()
        response.release_conn()

    url = client.presigned_get_object(bucket, "minio/an object+name.bin", expires=timedelta(seconds=120))
    with urlopen(url, timeout=30) as got:
        assert got.read() == BODY
    with pytest.raises(HTTPError) as caught:
        urlopen(url.replace("X-Amz-Expires=120", "X-Amz-Expires=121"), timeout=30)
    assert caught.value.code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in caught.value.read()


def test_unknown_length_stream_goes_up_as_signed_parts(loopback: LoopbackS3, bucket: str) -> None:
    data = hashlib.shake_256(b"minio").digest(6 * 1024 * 1024)
    _client(loopback).put_object(bucket, "minio/stream", io.BytesIO(data), -1, part_size=5 * 1024 * 1024)
    parts = [e for e in loopback.seen("PUT") if "partNumber=" in e.target]
    assert len(parts) == 2
    assert all(len(e.headers["x-amz-content-sha256"]) == 64 for e in parts)
    assert loopback.store.buckets[bucket]["minio/stream"].data == data


def test_over_tls_sends_unsigned_payload(loopback_tls: LoopbackS3, tls_files: tuple[str, str]) -> None:
    bucket = new_bucket(loopback_tls)
    _client(loopback_tls, tls_files=tls_files).put_object(bucket, "tls", io.BytesIO(BODY), len(BODY))
    assert loopback_tls.seen("PUT")[0].headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert loopback_tls.store.buckets[bucket]["tls"].data == BODY


def test_refused(loopback: LoopbackS3, bucket: str) -> None:
    from minio.error import S3Error

    with pytest.raises(S3Error) as caught:
        _client(loopback, secret="wrong/secret").put_object(bucket, "refused", io.BytesIO(BODY), len(BODY))
    assert caught.value.code == "SignatureDoesNotMatch"
    loopback.corrupt_next_body(1000, "PUT", "changed")
    with pytest.raises(S3Error) as caught:
        _client(loopback).put_object(bucket, "changed", io.BytesIO(BODY), len(BODY))
    assert caught.value.code == "XAmzContentSHA256Mismatch"
    expired = _client(loopback).presigned_get_object(bucket, "refused", expires=timedelta(seconds=1))
    assert "refused" not in loopback.store.buckets[bucket] and "changed" not in loopback.store.buckets[bucket]
    loopback.store.put(bucket, "refused", b"now here")
    loopback.clock_offset = 2.0  # past X-Amz-Expires=1
    with pytest.raises(HTTPError) as caught_http:
        urlopen(expired, timeout=30)
    assert caught_http.value.code == 403 and b"<Code>AccessDenied</Code>" in caught_http.value.read()
