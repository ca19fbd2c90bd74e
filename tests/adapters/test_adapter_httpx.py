"""The httpx adapter (sync and async clients): the shared contract, plus what is httpx's own."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from sigv4 import Credentials, PayloadError
from sigv4.httpx import SigV4Auth
from tests.adapters.test_adapter_requests import AdapterContract
from tests.stubserver import ACCESS_KEY, SECRET_KEY, StubServer, call, sign_offline, verify

CREDS = Credentials(ACCESS_KEY, SECRET_KEY)


class TestHttpxAdapter(AdapterContract):
    @pytest.fixture(params=["httpx", "httpx-async"])
    def kind(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)


@pytest.mark.parametrize("kind", ["httpx", "httpx-async"])
@pytest.mark.parametrize("path", ["/b/c/%2E/d", "/b/c/%2E%2E/d", "/b/%2E%2E", "/b/a//b/./"])
def test_dot_segments_reach_s3_as_signed(kind: str, path: str) -> None:
    # httpx removes '.' and '..' segments from a URL; S3 keys may contain them.
    with StubServer() as stub:
        result = call(kind, SigV4Auth(CREDS, "us-east-1", "s3"), "GET", stub.url + path)
    (rec,) = stub.requests
    assert result.status == 200 and verify(rec) is None


def test_dot_segments_for_a_normalising_service_follow_httpx() -> None:
    with StubServer() as stub:
        result = call("httpx", SigV4Auth(CREDS, "us-east-1", "execute-api"), "GET", stub.url + "/a/./b/../c")
    (rec,) = stub.requests
    assert result.status == 200 and rec.path == "/a/c" and verify(rec) is None


def test_sync_file_body_is_hashed_not_unsigned(tmp_path: Any) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"0123456789" * 1000)
    with open(path, "rb") as f:
        _, headers = sign_offline("httpx", SigV4Auth(CREDS, "us-east-1", "s3"), "PUT", "https://b.s3.amazonaws.com/k", body=f)
        assert f.tell() == 0
    assert headers["x-amz-content-sha256"] == hashlib.sha256(b"0123456789" * 1000).hexdigest()


def test_data_and_json_bodies() -> None:
    with StubServer() as stub, httpx.Client(auth=SigV4Auth(CREDS, "us-east-1", "execute-api"), trust_env=False) as client:
        assert client.post(f"{stub.url}/form", data={"a": "b c"}).status_code == 200
        assert client.post(f"{stub.url}/json", json={"k": "€"}).status_code == 200
    assert [verify(rec) for rec in stub.requests] == [None, None]


def test_multipart_stream_is_refused_over_http() -> None:
    auth = SigV4Auth(CREDS, "us-east-1", "s3")
    with StubServer() as stub, httpx.Client(auth=auth, trust_env=False) as client, pytest.raises(PayloadError):
        client.post(f"{stub.url}/b", files={"f": ("n.txt", b"x")})
    assert stub.requests == []


def test_streamed_response_body_is_left_unread_on_success() -> None:
    auth = SigV4Auth(CREDS, "us-east-1", "s3")
    with (
        StubServer() as stub,
        httpx.Client(auth=auth, trust_env=False) as client,
        client.stream("GET", f"{stub.url}/b/k") as response,
    ):
        assert response.status_code == 200
        assert not response.is_stream_consumed
        assert response.read() == b"ok"
