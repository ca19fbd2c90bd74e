"""What sigv4 sends reaches real S3 servers as signed, through an HTTP client that
rewrites URLs the way mainstream ones do (``requests``: dot segments removed, the
port read as a number).

* A key with ``.``/``..`` segments: sigv4 sends them escaped (``%2E``); the server
  decodes them back and stores the key as given (S3 keys may hold them).  Sent raw,
  requests would remove them and the server would see another key.
* A port written with leading zeros: signed as the number the client sends.
* A presigned PUT binding its body: only through the signed header
  ``x-amz-content-sha256``, which not every server reads.
"""

from __future__ import annotations

import hashlib
from xml.etree import ElementTree

import pytest
import requests

import sigv4
from sigv4.testing import LocalS3Server
from tests.fixtures_s3 import create_bucket

pytestmark = pytest.mark.e2e


def _refuses_dot_names(name: str, code: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"{name} refuses object names with dot segments ({code}), signed or not")


def _ignores_presigned_hash(name: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(
        strict=True, reason=f"{name} signs every presigned request as UNSIGNED-PAYLOAD, even with x-amz-content-sha256 signed"
    )


@pytest.fixture
def server(request: pytest.FixtureRequest) -> LocalS3Server:
    """The server named by the test's parameter (tests/fixtures_s3.py starts it)."""
    chosen: LocalS3Server = request.getfixturevalue(request.param)
    return chosen


def _signer(server: LocalS3Server) -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials(server.access_key, server.secret_key), server.region, "s3")


def _keys(server: LocalS3Server, bucket: str) -> list[str]:
    signed = _signer(server).sign("GET", f"{server.endpoint}/{bucket}?list-type=2")
    response = requests.get(signed.url, headers=signed.headers, timeout=30)
    assert response.status_code == 200, response.text
    return [e.text or "" for e in ElementTree.fromstring(response.content).iter() if e.tag.endswith("}Key")]


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("s3_server", marks=_refuses_dot_names("JuiceFS (MinIO's S3 layer)", "XMinioInvalidResourceName")),
        pytest.param("seaweed_server", marks=_refuses_dot_names("SeaweedFS 4.48", "InvalidRequest")),
        "ministack_server",
        pytest.param("rclone_server", marks=_refuses_dot_names("rclone 1.75.2", "InvalidArgument")),
    ],
    indirect=True,
)
def test_keys_with_dot_segments_go_through_requests(server: LocalS3Server) -> None:
    bucket = create_bucket(server)
    keys = ["dir/./file", "a/../b", "x/..", "./lead"]
    for key in keys:
        signed = _signer(server).sign("PUT", f"{server.endpoint}/{bucket}/{key}", body=key.encode())
        assert "/./" not in signed.url and "/../" not in signed.url and not signed.url.endswith("/..")
        response = requests.put(signed.url, data=key.encode(), headers=signed.headers, timeout=30)
        assert response.status_code == 200, (key, response.text)
        got = _signer(server).sign("GET", f"{server.endpoint}/{bucket}/{key}")
        response = requests.get(got.url, headers=got.headers, timeout=30)
        assert (response.status_code, response.content) == (200, key.encode())
    assert sorted(_keys(server, bucket)) == sorted(keys)


@pytest.mark.parametrize("server", ["s3_server", "seaweed_server", "ministack_server", "rclone_server"], indirect=True)
def test_a_port_with_leading_zeros_is_signed_as_sent(server: LocalS3Server) -> None:
    bucket = create_bucket(server)
    endpoint = f"http://{server.host}:00{server.port}"
    signed = _signer(server).sign("PUT", f"{endpoint}/{bucket}/zero-port", body=b"z")
    assert f":{server.port}/" in signed.url
    response = requests.put(signed.url, data=b"z", headers=signed.headers, timeout=30)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "server",
    [
        "s3_server",
        pytest.param("seaweed_server", marks=_ignores_presigned_hash("SeaweedFS 4.48")),
        pytest.param("ministack_server", marks=_ignores_presigned_hash("MiniStack 1.5.33")),
        pytest.param("rclone_server", marks=_ignores_presigned_hash("rclone 1.75.2")),
    ],
    indirect=True,
)
def test_a_presigned_put_binds_its_body_through_the_signed_header(server: LocalS3Server) -> None:
    bucket = create_bucket(server)
    digest = hashlib.sha256(b"hello").hexdigest()
    url = f"{server.endpoint}/{bucket}/bound"
    presigned = _signer(server).presign("PUT", url, 300, headers={"x-amz-content-sha256": digest})
    assert presigned.headers == {"x-amz-content-sha256": digest}
    wrong = requests.put(presigned.url, data=b"jello", headers=presigned.headers, timeout=30)
    assert wrong.status_code == 400 and "XAmzContentSHA256Mismatch" in wrong.text, wrong.text
    right = requests.put(presigned.url, data=b"hello", headers=presigned.headers, timeout=30)
    assert right.status_code == 200, right.text
