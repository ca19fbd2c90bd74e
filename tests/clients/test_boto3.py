"""boto3 1.44.8 (BOTO_DISABLE_CRT=true) against the loopback S3 app behind our verifier.

Over HTTPS botocore ≥ 1.36 sends its default CRC32 as an aws-chunked trailer with
``x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`` (over plain HTTP it signs the payload's
SHA-256 instead and puts the checksum in a header), so both transports are exercised and the
headers the app saw are asserted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.clients.conftest import data_file, new_bucket
from tests.clients.loopback import LoopbackS3

pytestmark = pytest.mark.e2e

TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def _client(server: LoopbackS3, tls_files: tuple[str, str] | None = None, **overrides: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=server.endpoint,
        region_name=server.region,
        aws_access_key_id=overrides.get("access_key", server.access_key),
        aws_secret_access_key=overrides.get("secret_key", server.secret_key),
        verify=tls_files[0] if tls_files else None,
        # signature_version: botocore presigns with SigV2 for a custom endpoint unless told s3v4.
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"total_max_attempts": 1}),
    )


def _code(error: Any) -> tuple[int, str]:
    return error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]


def test_put_object_over_tls_sends_the_unsigned_trailer(loopback_tls: LoopbackS3, tls_files: tuple[str, str]) -> None:
    s3 = _client(loopback_tls, tls_files)
    bucket = new_bucket(loopback_tls)
    body = bytes(range(256)) * 40 + "é\r\n".encode()
    s3.put_object(Bucket=bucket, Key="dir/a key+plus.bin", Body=body)
    (put,) = loopback_tls.seen("PUT")
    assert put.headers["x-amz-content-sha256"] == TRAILER
    assert put.headers["x-amz-trailer"] == "x-amz-checksum-crc32"
    assert "aws-chunked" in put.headers["content-encoding"]
    assert put.headers["x-amz-decoded-content-length"] == str(len(body))
    assert loopback_tls.store.buckets[bucket]["dir/a key+plus.bin"].data == body  # decoded by the middleware
    got = s3.get_object(Bucket=bucket, Key="dir/a key+plus.bin")
    assert got["Body"].read() == body


def test_upload_file_multipart_over_tls(loopback_tls: LoopbackS3, tls_files: tuple[str, str], tmp_path: Path) -> None:
    from boto3.s3.transfer import TransferConfig

    s3 = _client(loopback_tls, tls_files)
    bucket = new_bucket(loopback_tls)
    file = data_file(tmp_path, 11 * 1024 * 1024 + 5)
    mib5 = 5 * 1024 * 1024
    s3.upload_file(str(file), bucket, "multi/part.bin", Config=TransferConfig(multipart_threshold=mib5, multipart_chunksize=mib5))
    parts = [e for e in loopback_tls.seen("PUT") if "partNumber=" in e.target]
    assert len(parts) == 3 and all(e.status == 200 for e in parts)
    assert {e.headers["x-amz-content-sha256"] for e in parts} == {TRAILER}
    assert loopback_tls.seen("POST", "?uploads") and loopback_tls.seen("POST", "uploadId=")
    got = s3.get_object(Bucket=bucket, Key="multi/part.bin")["Body"].read()
    assert hashlib.sha256(got).digest() == hashlib.sha256(file.read_bytes()).digest()


def test_put_get_over_http_signs_the_payload_hash(loopback_both: LoopbackS3) -> None:
    loopback, bucket = loopback_both, new_bucket(loopback_both)
    s3 = _client(loopback)
    body = b"plain http body\n" * 100
    s3.put_object(Bucket=bucket, Key="plain", Body=body, Metadata={"owner": "zoe"})
    (put,) = loopback.seen("PUT", "/plain")
    assert put.headers["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()
    got = s3.get_object(Bucket=bucket, Key="plain")
    assert got["Body"].read() == body and got["Metadata"] == {"owner": "zoe"}
    listed = s3.list_objects_v2(Bucket=bucket)
    assert [o["Key"] for o in listed["Contents"]] == ["plain"]


def test_wrong_secret_is_refused(loopback: LoopbackS3, bucket: str) -> None:
    from botocore.exceptions import ClientError

    s3 = _client(loopback, secret_key=loopback.secret_key[:-1] + "X")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="nope", Body=b"x")
    assert _code(caught.value) == (403, "SignatureDoesNotMatch")
    assert "nope" not in loopback.store.buckets[bucket]
    (refused,) = loopback.seen("PUT", "/nope")
    assert refused.body.startswith(b"<?xml") and refused.error_code == "SignatureDoesNotMatch"


def test_unknown_key_is_refused(loopback_tls: LoopbackS3, tls_files: tuple[str, str]) -> None:
    from botocore.exceptions import ClientError

    bucket = new_bucket(loopback_tls)
    with pytest.raises(ClientError) as caught:
        _client(loopback_tls, tls_files, access_key="AKIAUNKNOWNKEY000000").put_object(Bucket=bucket, Key="nope", Body=b"x")
    assert _code(caught.value) == (403, "InvalidAccessKeyId")
    assert "nope" not in loopback_tls.store.buckets[bucket]


def test_trailer_body_changed_in_transit_is_refused(loopback_tls: LoopbackS3, tls_files: tuple[str, str]) -> None:
    """The data of an unsigned-trailer upload is not signed: the trailing CRC32 must catch the change."""
    from botocore.exceptions import ClientError

    bucket = new_bucket(loopback_tls)
    body = b"0123456789" * 100
    loopback_tls.corrupt_next_body(len(f"{len(body):x}\r\n") + 500)
    with pytest.raises(ClientError) as caught:
        _client(loopback_tls, tls_files).put_object(Bucket=bucket, Key="changed", Body=body)
    assert _code(caught.value) == (400, "BadDigest")
    assert loopback_tls.seen("PUT")[0].headers["x-amz-content-sha256"] == TRAILER
    assert "changed" not in loopback_tls.store.buckets[bucket]


def test_signed_body_changed_in_transit_is_refused(loopback_both: LoopbackS3) -> None:
    from botocore.exceptions import ClientError

    loopback, bucket = loopback_both, new_bucket(loopback_both)
    loopback.corrupt_next_body(3)
    with pytest.raises(ClientError) as caught:
        _client(loopback).put_object(Bucket=bucket, Key="changed", Body=b"signed payload")
    assert _code(caught.value) == (400, "XAmzContentSHA256Mismatch")
    assert "changed" not in loopback.store.buckets[bucket]


def test_presigned_url_with_a_changed_byte_is_refused(loopback: LoopbackS3, bucket: str) -> None:
    s3 = _client(loopback)
    s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"shared")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared.txt"}, ExpiresIn=60)
    with urlopen(url, timeout=30) as response:
        assert response.read() == b"shared"
    with pytest.raises(HTTPError) as caught:
        urlopen(url.replace("shared.txt", "shared.txu"), timeout=30)
    assert caught.value.code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in caught.value.read()
