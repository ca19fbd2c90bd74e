"""POST-policy uploads end to end against the JuiceFS S3 gateway (MinIO's S3 layer).

Uploads go out with ``requests`` exactly as in boto3's "Presigned URLs" guide
(``requests.post(url, data=fields, files={'file': ...})``); objects are read
back with a botocore-signed GET (an independent signer) and compared byte for
byte.  Each violated condition must be refused by the server and leave no object.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

import sigv4
from sigv4.s3.post import generate_presigned_post
from sigv4.testing import LocalS3Server
from tests.fixtures_s3 import RawResponse, _admin_request

BODY = bytes(range(256)) * 33 + b"\r\n--boundary-lookalike--\r\n"


def _signer(server: LocalS3Server, secret: str | None = None) -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials(server.access_key, secret or server.secret_key), server.region, "s3")


def _post(server: LocalS3Server, bucket: str, key: str, **kwargs: Any) -> dict[str, Any]:
    secret = kwargs.pop("secret", None)
    return generate_presigned_post(_signer(server, secret), f"{server.endpoint}/{bucket}", bucket, key, **kwargs)


def _upload(
    post: dict[str, Any], content: bytes = BODY, filename: str = "upload.bin", fields: dict[str, str] | None = None
) -> requests.Response:
    """POST the form as boto3's guide does; ``fields`` replace or add form fields (to break the policy)."""
    fields = {**post["fields"], **(fields or {})}
    return requests.post(post["url"], data=fields, files={"file": (filename, content)}, allow_redirects=False, timeout=30)


def _get(server: LocalS3Server, bucket: str, key: str) -> RawResponse:
    return _admin_request(server, "GET", f"/{bucket}/{urllib.parse.quote(key, safe='/~')}")


def _error_code(response: requests.Response) -> str | None:
    try:
        return ET.fromstring(response.content).findtext("Code")
    except ET.ParseError:
        return None


def _assert_stored(server: LocalS3Server, bucket: str, key: str, content: bytes = BODY) -> RawResponse:
    stored = _get(server, bucket, key)
    assert stored.status == 200, stored.body[:300]
    assert stored.body == content
    return stored


def _assert_rejected(response: requests.Response, status: int, code: str, server: LocalS3Server, bucket: str, key: str) -> None:
    assert (response.status_code, _error_code(response)) == (status, code), response.text[:400]
    assert _get(server, bucket, key).status == 404


# -- accepted -------------------------------------------------------------------


def test_upload_as_in_the_boto3_guide(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "reports/2026.bin")
    response = _upload(post)
    assert response.status_code == 204, response.text
    _assert_stored(s3_server, s3_bucket, "reports/2026.bin")


@pytest.mark.parametrize(
    "key",
    [
        "one$dollar.txt",
        "Folder/filename$$.txt",  # boto3 #4514
        "$$leading and trailing$$",
        "ünïcödé/日本語 ☃.txt",
        "spaces and+plus&amp=eq?q#h.txt",
        "quote\"apostrophe'back\\slash.txt",
    ],
)
def test_awkward_keys(s3_server: LocalS3Server, s3_bucket: str, key: str) -> None:
    post = _post(s3_server, s3_bucket, key)
    response = _upload(post)
    assert response.status_code == 204, response.text
    _assert_stored(s3_server, s3_bucket, key)


def test_filename_placeholder(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "inbox/${filename}")
    response = _upload(post, filename="héllo wörld $$.bin")
    assert response.status_code == 204, response.text
    _assert_stored(s3_server, s3_bucket, "inbox/héllo wörld $$.bin")


def test_conditions_met(s3_server: LocalS3Server, s3_bucket: str) -> None:
    fields = {"Content-Type": "image/png", "x-amz-meta-owner": "zoë", "acl": "private"}
    conditions: list[Any] = [
        ["starts-with", "$Content-Type", "image/"],
        {"x-amz-meta-owner": "zoë"},
        {"acl": "private"},
        ["content-length-range", len(BODY), len(BODY)],
    ]
    post = _post(s3_server, s3_bucket, "pics/a.png", fields=fields, conditions=conditions)
    response = _upload(post)
    assert response.status_code == 204, response.text
    stored = _assert_stored(s3_server, s3_bucket, "pics/a.png")
    assert stored.headers["content-type"] == "image/png"
    # The gateway sends the UTF-8 bytes as they came; http.client reads header bytes as latin-1.
    assert stored.headers["x-amz-meta-owner"].encode("latin-1").decode("utf-8") == "zoë"


@pytest.mark.parametrize("size", [1, 10], ids=["minimum", "maximum"])
def test_size_at_the_range_bounds(s3_server: LocalS3Server, s3_bucket: str, size: int) -> None:
    post = _post(s3_server, s3_bucket, "sized", conditions=[["content-length-range", 1, 10]])
    response = _upload(post, content=b"x" * size)
    assert response.status_code == 204, response.text
    _assert_stored(s3_server, s3_bucket, "sized", b"x" * size)


def test_success_action_status_201(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(
        s3_server, s3_bucket, "xml.bin", fields={"success_action_status": "201"}, conditions=[{"success_action_status": "201"}]
    )
    response = _upload(post)
    assert response.status_code == 201, response.text
    answer = ET.fromstring(response.content)
    assert (answer.tag, answer.findtext("Bucket"), answer.findtext("Key")) == ("PostResponse", s3_bucket, "xml.bin")
    _assert_stored(s3_server, s3_bucket, "xml.bin")


def test_success_action_redirect(s3_server: LocalS3Server, s3_bucket: str) -> None:
    target = "http://127.0.0.1:9/done?from=test"
    post = _post(
        s3_server,
        s3_bucket,
        "redirected.bin",
        fields={"success_action_redirect": target},
        conditions=[["starts-with", "$success_action_redirect", "http://127.0.0.1:9/"]],
    )
    response = _upload(post)
    assert response.status_code == 303, response.text
    location = urllib.parse.urlsplit(response.headers["Location"])
    query = dict(urllib.parse.parse_qsl(location.query))
    assert (location.netloc, location.path) == ("127.0.0.1:9", "/done")
    assert query["bucket"] == s3_bucket and query["key"] == "redirected.bin" and query["etag"]
    _assert_stored(s3_server, s3_bucket, "redirected.bin")


# -- rejected -------------------------------------------------------------------


def test_too_large(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "big", conditions=[["content-length-range", 1, 10]])
    response = _upload(post, content=b"x" * 11)
    _assert_rejected(response, 400, "EntityTooLarge", s3_server, s3_bucket, "big")


def test_too_small(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "small", conditions=[["content-length-range", 5, 10]])
    response = _upload(post, content=b"x" * 4)
    _assert_rejected(response, 400, "EntityTooSmall", s3_server, s3_bucket, "small")


def test_key_outside_the_prefix(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "uploads/${filename}")
    response = _upload(post, fields={"key": "elsewhere/file.bin"})
    _assert_rejected(response, 403, "AccessDenied", s3_server, s3_bucket, "elsewhere/file.bin")


def test_other_key_than_the_exact_one(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "exact.bin")
    response = _upload(post, fields={"key": "exact.bin2"})
    _assert_rejected(response, 403, "AccessDenied", s3_server, s3_bucket, "exact.bin2")


def test_wrong_content_type(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(
        s3_server,
        s3_bucket,
        "typed",
        fields={"Content-Type": "image/png"},
        conditions=[["starts-with", "$Content-Type", "image/"]],
    )
    response = _upload(post, fields={"Content-Type": "text/html"})
    _assert_rejected(response, 403, "AccessDenied", s3_server, s3_bucket, "typed")


def test_field_not_in_the_policy(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "extra")
    response = _upload(post, fields={"x-amz-meta-sneaky": "1"})
    _assert_rejected(response, 403, "AccessDenied", s3_server, s3_bucket, "extra")


def test_edited_policy(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "edited", conditions=[["content-length-range", 1, 10]])
    document = json.loads(base64.b64decode(post["fields"]["policy"]))
    document["conditions"][0] = ["content-length-range", 1, 10**9]
    edited = base64.b64encode(json.dumps(document).encode()).decode()
    response = _upload(post, content=b"x" * 100, fields={"policy": edited})
    _assert_rejected(response, 403, "SignatureDoesNotMatch", s3_server, s3_bucket, "edited")


def test_tampered_signature(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "tampered")
    signature = post["fields"]["x-amz-signature"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    response = _upload(post, fields={"x-amz-signature": flipped})
    _assert_rejected(response, 403, "SignatureDoesNotMatch", s3_server, s3_bucket, "tampered")


def test_wrong_secret(s3_server: LocalS3Server, s3_bucket: str) -> None:
    post = _post(s3_server, s3_bucket, "wrong-secret", secret="not-the-secret-key")
    response = _upload(post)
    _assert_rejected(response, 403, "SignatureDoesNotMatch", s3_server, s3_bucket, "wrong-secret")


def test_expired_policy(s3_server: LocalS3Server, s3_bucket: str) -> None:
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    post = _post(s3_server, s3_bucket, "expired", expires_in=60, now=an_hour_ago)
    response = _upload(post)
    _assert_rejected(response, 403, "AccessDenied", s3_server, s3_bucket, "expired")


def test_other_bucket(s3_server: LocalS3Server, s3_bucket: str) -> None:
    from tests.fixtures_s3 import create_bucket

    other = create_bucket(s3_server)
    post = _post(s3_server, s3_bucket, "moved")
    response = requests.post(
        f"{s3_server.endpoint}/{other}", data=post["fields"], files={"file": ("f", BODY)}, allow_redirects=False, timeout=30
    )
    _assert_rejected(response, 403, "AccessDenied", s3_server, other, "moved")


# -- through the S3 client -------------------------------------------------------


def _client(server: LocalS3Server) -> Any:
    """``sigv4.client('s3', endpoint_url=...)``; until the factory is exported, the same client built directly."""
    factory = getattr(sigv4, "client", None)
    if factory is not None:
        return factory(
            "s3",
            region_name=server.region,
            aws_access_key_id=server.access_key,
            aws_secret_access_key=server.secret_key,
            endpoint_url=server.endpoint,
        )
    from sigv4.s3.client import S3Client
    from sigv4.s3.endpoints import Addressing

    credentials = sigv4.Credentials(server.access_key, server.secret_key)
    return S3Client(credentials, Addressing(server.region, endpoint_url=server.endpoint), endpoint_url=server.endpoint)


def test_client_upload(s3_server: LocalS3Server, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    post = _client(s3_server).generate_presigned_post(
        s3_bucket,
        "via-client/${filename}",
        Fields={"Content-Type": "text/plain; charset=utf-8"},
        Conditions=[["starts-with", "$Content-Type", "text/"], ["content-length-range", 1, len(BODY)]],
        ExpiresIn=120,
    )
    assert post["url"] == f"{s3_server.endpoint}/{s3_bucket}"
    response = _upload(post, filename="notes $$ é.txt")
    assert response.status_code == 204, response.text
    stored = _assert_stored(s3_server, s3_bucket, "via-client/notes $$ é.txt")
    assert stored.headers["content-type"] == "text/plain; charset=utf-8"
    too_big = _upload(post, content=BODY + b"!")
    _assert_rejected(too_big, 400, "EntityTooLarge", s3_server, s3_bucket, "via-client/upload.bin")
