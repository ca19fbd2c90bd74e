"""End to end: URLs from ``sigv4.client('s3')`` used with ``requests`` against a real
S3-compatible server (the JuiceFS gateway, MinIO's S3 layer, on 127.0.0.1) that
verifies SigV4 as S3 does.

Accepted: presigned PUT then GET/HEAD/DELETE, keys with spaces/``+``/``~``/``=``/``%``/
unicode, a multipart upload through presigned ``upload_part`` URLs, a
``response-content-disposition`` override, list and copy, virtual-hosted URLs.
Rejected (403): a tampered signature, key or expiry, a signed header not sent, an
expired URL.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from sigv4.exceptions import ClientError
from sigv4.session import Session

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@pytest.fixture
def s3(s3_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    return Session().client(
        "s3",
        region_name=s3_server.region,
        endpoint_url=s3_server.endpoint,
        aws_access_key_id=s3_server.access_key,
        aws_secret_access_key=s3_server.secret_key,
    )


def _error_code(response: Any) -> str | None:
    try:
        return ET.fromstring(response.content).findtext("Code")
    except ET.ParseError:
        return None


@pytest.mark.parametrize("key", ["plain.txt", "sp ace+plus=eq~tilde", "ünï/cødé €.bin", "pct%20literal", "a/b/c/d.e"])
def test_put_get_head_delete(s3: Any, s3_bucket: str, key: str) -> None:
    body = f"hello {key}".encode()
    put = s3.generate_presigned_url("put_object", Params={"Bucket": s3_bucket, "Key": key}, ExpiresIn=300)
    r = requests.put(put, data=body, timeout=30)
    assert r.status_code == 200, r.text

    get = s3.generate_presigned_url("get_object", Params={"Bucket": s3_bucket, "Key": key})
    r = requests.get(get, timeout=30)
    assert r.status_code == 200 and r.content == body

    head = s3.generate_presigned_url("head_object", Params={"Bucket": s3_bucket, "Key": key})
    r = requests.head(head, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Length"] == str(len(body))

    delete = s3.generate_presigned_url("delete_object", Params={"Bucket": s3_bucket, "Key": key})
    assert requests.delete(delete, timeout=30).status_code == 204
    assert requests.get(get, timeout=30).status_code == 404


def test_signed_headers_must_be_sent(s3: Any, s3_bucket: str) -> None:
    params = {"Bucket": s3_bucket, "Key": "typed.json", "ContentType": "application/json", "Metadata": {"owner": "me"}}
    signed = s3.presign("put_object", params, 300)
    assert signed.headers == {"Content-Type": "application/json", "x-amz-meta-owner": "me"}
    # Without the signed headers: refused (MinIO answers 400 AccessDenied here, S3 403).
    r = requests.put(signed.url, data=b"{}", timeout=30)
    assert r.status_code in (400, 403) and _error_code(r) in ("AccessDenied", "SignatureDoesNotMatch"), r.text
    # A different value for a signed header: refused.
    r = requests.put(signed.url, data=b"{}", headers={**signed.headers, "Content-Type": "text/plain"}, timeout=30)
    assert r.status_code == 403 and _error_code(r) == "SignatureDoesNotMatch", r.text
    # Exactly the signed headers: accepted, and stored.
    r = requests.put(signed.url, data=b"{}", headers=signed.headers, timeout=30)
    assert r.status_code == 200, r.text
    head = requests.head(s3.generate_presigned_url("head_object", Params={"Bucket": s3_bucket, "Key": "typed.json"}), timeout=30)
    assert head.headers["Content-Type"] == "application/json"
    assert head.headers["x-amz-meta-owner"] == "me"


def test_response_content_disposition_is_honoured(s3: Any, s3_bucket: str) -> None:
    key = "report.csv"
    requests.put(s3.generate_presigned_url("put_object", Params={"Bucket": s3_bucket, "Key": key}), data=b"a,b\n", timeout=30)
    disposition = 'attachment; filename="Q1 report (final).csv"'
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": s3_bucket, "Key": key, "ResponseContentDisposition": disposition, "ResponseContentType": "text/csv"},
    )
    r = requests.get(url, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Disposition"] == disposition
    assert r.headers["Content-Type"] == "text/csv"


def test_multipart_upload_through_presigned_urls(s3: Any, s3_bucket: str) -> None:
    key = "big/multi part.bin"
    create = s3.generate_presigned_url("create_multipart_upload", Params={"Bucket": s3_bucket, "Key": key})
    r = requests.post(create, timeout=30)
    assert r.status_code == 200, r.text
    upload_id = ET.fromstring(r.content).findtext(f"{NS}UploadId")
    assert upload_id

    parts = [os.urandom(5 * 1024 * 1024), b"tail-" * 1000]
    etags = []
    for number, data in enumerate(parts, start=1):
        url = s3.generate_presigned_url(
            "upload_part", Params={"Bucket": s3_bucket, "Key": key, "UploadId": upload_id, "PartNumber": number}
        )
        r = requests.put(url, data=data, timeout=60)
        assert r.status_code == 200, r.text
        etags.append(r.headers["ETag"])

    listing = requests.get(
        s3.generate_presigned_url("list_parts", Params={"Bucket": s3_bucket, "Key": key, "UploadId": upload_id}), timeout=30
    )
    assert listing.status_code == 200 and len(ET.fromstring(listing.content).findall(f"{NS}Part")) == 2

    xml = (
        "<CompleteMultipartUpload>"
        + "".join(f"<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>" for n, etag in enumerate(etags, start=1))
        + "</CompleteMultipartUpload>"
    )
    complete = s3.generate_presigned_url(
        "complete_multipart_upload", Params={"Bucket": s3_bucket, "Key": key, "UploadId": upload_id}
    )
    r = requests.post(complete, data=xml.encode(), timeout=60)
    assert r.status_code == 200 and b"Error" not in r.content, r.text

    got = requests.get(s3.generate_presigned_url("get_object", Params={"Bucket": s3_bucket, "Key": key}), timeout=60)
    assert got.status_code == 200 and got.content == b"".join(parts)


def test_abort_multipart_upload(s3: Any, s3_bucket: str) -> None:
    key = "aborted.bin"
    r = requests.post(s3.generate_presigned_url("create_multipart_upload", Params={"Bucket": s3_bucket, "Key": key}), timeout=30)
    upload_id = ET.fromstring(r.content).findtext(f"{NS}UploadId")
    abort = s3.generate_presigned_url("abort_multipart_upload", Params={"Bucket": s3_bucket, "Key": key, "UploadId": upload_id})
    assert requests.delete(abort, timeout=30).status_code == 204


def test_list_and_copy(s3: Any, s3_bucket: str) -> None:
    requests.put(
        s3.generate_presigned_url("put_object", Params={"Bucket": s3_bucket, "Key": "src/one two.txt"}), data=b"1", timeout=30
    )
    signed = s3.presign(
        "copy_object",
        {"Bucket": s3_bucket, "Key": "dst/copy.txt", "CopySource": {"Bucket": s3_bucket, "Key": "src/one two.txt"}},
        300,
    )
    r = requests.put(signed.url, headers=signed.headers, timeout=30)
    assert r.status_code == 200, r.text
    listing = requests.get(
        s3.generate_presigned_url("list_objects_v2", Params={"Bucket": s3_bucket, "Prefix": "dst/"}), timeout=30
    )
    assert listing.status_code == 200
    assert [k.text for k in ET.fromstring(listing.content).iter(f"{NS}Key")] == ["dst/copy.txt"]
    v1 = requests.get(s3.generate_presigned_url("list_objects", Params={"Bucket": s3_bucket}), timeout=30)
    # boto3 adds encoding-type=url to list calls: the server URL-encodes the keys.
    assert v1.status_code == 200 and b"<EncodingType>url</EncodingType>" in v1.content
    assert b"src/one%20two.txt" in v1.content or b"src/one+two.txt" in v1.content


def test_bucket_operations(s3: Any, s3_bucket: str) -> None:
    assert requests.head(s3.generate_presigned_url("head_bucket", Params={"Bucket": s3_bucket}), timeout=30).status_code == 200
    r = requests.get(s3.generate_presigned_url("get_bucket_location", Params={"Bucket": s3_bucket}), timeout=30)
    assert r.status_code == 200, r.text
    r = requests.get(s3.generate_presigned_url("list_buckets"), timeout=30)
    assert r.status_code == 200 and s3_bucket.encode() in r.content


def test_virtual_hosted_url(s3_server: Any, s3_bucket: str) -> None:
    client = Session().client(
        "s3",
        region_name=s3_server.region,
        endpoint_url=f"http://localhost:{s3_server.port}",
        aws_access_key_id=s3_server.access_key,
        aws_secret_access_key=s3_server.secret_key,
        config={"s3": {"addressing_style": "virtual"}},
    )
    url = client.generate_presigned_url("put_object", Params={"Bucket": s3_bucket, "Key": "vh key.txt"})
    prefix = f"http://{s3_bucket}.localhost:{s3_server.port}/"
    assert url.startswith(prefix)
    # *.localhost does not resolve here: send to 127.0.0.1 with the signed Host.
    direct = f"http://127.0.0.1:{s3_server.port}/" + url[len(prefix) :]
    host = {"Host": f"{s3_bucket}.localhost:{s3_server.port}"}
    assert requests.put(direct, data=b"vh", headers=host, timeout=30).status_code == 200
    get = client.generate_presigned_url("get_object", Params={"Bucket": s3_bucket, "Key": "vh key.txt"})
    r = requests.get(f"http://127.0.0.1:{s3_server.port}/" + get[len(prefix) :], headers=host, timeout=30)
    assert r.status_code == 200 and r.content == b"vh"


# -- what the server must refuse ------------------------------------------------------


@pytest.fixture
def stored(s3: Any, s3_bucket: str) -> tuple[str, str]:
    key = "secret-ish/file.txt"
    r = requests.put(
        s3.generate_presigned_url("put_object", Params={"Bucket": s3_bucket, "Key": key}), data=b"payload", timeout=30
    )
    assert r.status_code == 200
    return s3_bucket, key


def _flip(hex_text: str) -> str:
    return hex_text[:-1] + ("0" if hex_text[-1] != "0" else "1")


def test_tampered_signature_is_refused(s3: Any, stored: tuple[str, str]) -> None:
    url = s3.generate_presigned_url("get_object", Params={"Bucket": stored[0], "Key": stored[1]})
    assert requests.get(url, timeout=30).status_code == 200
    r = requests.get(_flip(url), timeout=30)
    assert r.status_code == 403 and _error_code(r) == "SignatureDoesNotMatch"
    error = ClientError.from_response(r.status_code, r.content, dict(r.headers), "GetObject")
    assert error.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_tampered_key_is_refused(s3: Any, stored: tuple[str, str]) -> None:
    url = s3.generate_presigned_url("get_object", Params={"Bucket": stored[0], "Key": stored[1]})
    r = requests.get(url.replace("file.txt", "file.txu"), timeout=30)
    assert r.status_code == 403 and _error_code(r) == "SignatureDoesNotMatch"


def test_tampered_expiry_is_refused(s3: Any, stored: tuple[str, str]) -> None:
    url = s3.generate_presigned_url("get_object", Params={"Bucket": stored[0], "Key": stored[1]}, ExpiresIn=60)
    r = requests.get(url.replace("X-Amz-Expires=60", "X-Amz-Expires=604800"), timeout=30)
    assert r.status_code == 403 and _error_code(r) == "SignatureDoesNotMatch"


def test_expired_url_is_refused(s3: Any, stored: tuple[str, str]) -> None:
    signed_at = datetime.now(timezone.utc) - timedelta(hours=2)
    url = s3.presign("get_object", {"Bucket": stored[0], "Key": stored[1]}, 60, now=signed_at).url
    r = requests.get(url, timeout=30)
    assert r.status_code == 403 and _error_code(r) == "AccessDenied"
    fresh = s3.presign("get_object", {"Bucket": stored[0], "Key": stored[1]}, 60).url
    assert requests.get(fresh, timeout=30).status_code == 200


def test_url_for_another_method_is_refused(s3: Any, stored: tuple[str, str]) -> None:
    url = s3.generate_presigned_url("get_object", Params={"Bucket": stored[0], "Key": stored[1]})
    r = requests.delete(url, timeout=30)
    assert r.status_code == 403
