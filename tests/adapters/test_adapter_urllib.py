"""``sigv4.urllib``: the ``urllib.request`` handler, the one-call helper, and the
``sign_headers`` recipe with urllib3.  Every request goes to the loopback stub,
which checks the signature of what arrived with botocore (``tests.stubserver.verify``)."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, PayloadError, Signer, SigningError
from sigv4.urllib import SigV4Handler, request, sign_headers
from tests.strategies import encoded_paths, encoded_queries
from tests.stubserver import ACCESS_KEY, SECRET_KEY, StubServer, redirecting, verify

CREDS = Credentials(ACCESS_KEY, SECRET_KEY)
NO_PROXY = urllib.request.ProxyHandler({})
URLLIB_EXAMPLES = 300


def opener(*args: Any, **kwargs: Any) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(NO_PROXY, SigV4Handler(*args, **kwargs))


def send(op: urllib.request.OpenerDirector, req: urllib.request.Request) -> tuple[int, bytes]:
    try:
        with op.open(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture(scope="module")
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.mark.parametrize("service", ["s3", "execute-api"])
@pytest.mark.parametrize("query", ["", "prefix=a%20b", "a=b=c&flag&x=1&x=0", "k=%E2%82%AC&sp=%20%20&t=~"])
def test_get_with_query_is_signed_as_sent(stub: StubServer, service: str, query: str) -> None:
    stub.requests.clear()
    url = f"{stub.url}/bucket/key.txt" + (f"?{query}" if query else "")
    status, _ = send(opener(CREDS, "us-east-1", service), urllib.request.Request(url))
    (rec,) = stub.requests
    assert verify(rec) is None and status == 200
    assert rec.path == "/bucket/key.txt" and rec.target.count("&") == query.count("&")


def test_which_headers_are_signed(stub: StubServer) -> None:
    stub.requests.clear()
    headers = {
        "Content-Type": "text/plain",
        "Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==",
        "X-Amz-Meta-Colour": "blue",
        "X-Custom": "1",
    }
    req = urllib.request.Request(f"{stub.url}/bucket/k", data=b"hello", headers=headers, method="PUT")
    status, _ = send(opener(CREDS, "us-east-1", "s3"), req)
    (rec,) = stub.requests
    assert verify(rec) is None and status == 200 and rec.body == b"hello"
    signed = rec.signed_headers
    assert {"host", "content-type", "content-md5", "x-amz-meta-colour", "x-amz-date", "x-amz-content-sha256"} <= signed
    assert "user-agent" not in signed and rec.header(
        "user-agent",
    ).startswith("Python-urllib")  # type: ignore[union-attr]
    assert "connection" not in signed


def test_form_post_signs_urllibs_content_type(stub: StubServer) -> None:
    stub.requests.clear()
    req = urllib.request.Request(f"{stub.url}/", data=b"Action=GetCallerIdentity&Version=2011-06-15")
    status, _ = send(opener(CREDS, "us-east-1", "sts"), req)
    (rec,) = stub.requests
    assert verify(rec) is None and status == 200 and rec.method == "POST"
    assert rec.header("content-type") == "application/x-www-form-urlencoded" and "content-type" in rec.signed_headers


def test_file_body_is_hashed_and_sent(stub: StubServer, tmp_path: Any) -> None:
    stub.requests.clear()
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 1000)
    with path.open("rb") as f:
        status, _ = send(
            opener(CREDS, "us-east-1", "execute-api"), urllib.request.Request(f"{stub.url}/up", data=f, method="PUT")
        )
    with_bytesio = urllib.request.Request(f"{stub.url}/up2", data=io.BytesIO(b"x" * 5000), method="PUT")
    status2, _ = send(opener(CREDS, "us-east-1", "execute-api"), with_bytesio)
    first, second = stub.requests
    assert status == status2 == 200
    assert verify(first) is None and first.body == path.read_bytes()
    assert verify(second) is None and second.body == b"x" * 5000
    # Sent with a length, not chunked (S3 answers 411 to a chunked upload).
    assert first.header("content-length") == str(256000) and first.header("transfer-encoding") is None
    assert second.header("content-length") == "5000"


def test_session_token_is_signed(stub: StubServer) -> None:
    stub.requests.clear()
    status, _ = send(
        opener(Credentials(ACCESS_KEY, SECRET_KEY, "tok/en+="), "eu-west-1", "execute-api"),
        urllib.request.Request(stub.url + "/x"),
    )
    (rec,) = stub.requests
    assert verify(rec) is None and status == 200
    assert rec.header("x-amz-security-token") == "tok/en+=" and "x-amz-security-token" in rec.signed_headers


def test_generators_are_refused_unless_unsigned_payload(stub: StubServer) -> None:
    stub.requests.clear()
    body = (b"abc" for _ in range(3))
    with pytest.raises(PayloadError):
        opener(CREDS, "us-east-1", "execute-api").open(urllib.request.Request(stub.url + "/g", data=body, method="PUT"))
    assert stub.requests == []
    req = urllib.request.Request(stub.url + "/g", data=(b"abc" for _ in range(3)), method="PUT")
    status, _ = send(opener(CREDS, "us-east-1", "s3", unsigned_payload=True), req)
    (rec,) = stub.requests
    assert status == 200 and verify(rec) is None and rec.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD"


def test_redirects_are_resigned_on_the_same_host_only() -> None:
    with StubServer(redirecting(302, "http://127.0.0.1:PORT/new")) as stub:
        status, _ = send(opener(CREDS, "us-east-1", "execute-api"), urllib.request.Request(stub.url + "/old"))
        first, second = stub.requests
        assert status == 200 and verify(first) is None and verify(second) is None and second.path == "/new"
    with StubServer(redirecting(302, "http://localhost:PORT/elsewhere")) as stub:
        status, _ = send(opener(CREDS, "us-east-1", "execute-api"), urllib.request.Request(stub.url + "/old"))
        first, second = stub.requests
        assert verify(first) is None
        assert second.header("authorization") is None and second.header("x-amz-date") is None and status == 403


def test_request_helper(stub: StubServer) -> None:
    stub.requests.clear()
    signer = Signer(CREDS, "us-east-1", "execute-api")
    with request(
        "POST",
        stub.url + "/items?x=1",
        signer=signer,
        data='{"a": "é"}',
        headers={"Content-Type": "application/json"},
        handlers=[NO_PROXY],
    ) as r:
        assert r.status == 200
    wrong = Signer(Credentials(ACCESS_KEY, "wrong"), "us-east-1", "execute-api")
    with pytest.raises(urllib.error.HTTPError) as info:
        request("GET", stub.url + "/items", signer=wrong, handlers=[NO_PROXY], timeout=30)
    assert info.value.code == 403
    first, second = stub.requests
    assert verify(first) is None and first.body == '{"a": "é"}'.encode() and verify(second) is not None


def test_handler_arguments() -> None:
    signer = Signer(CREDS, "us-east-1", "s3")
    assert SigV4Handler(signer=signer).signer is signer
    with pytest.raises(SigningError):
        SigV4Handler(CREDS, "us-east-1", "s3", signer=signer)
    with pytest.raises(SigningError):
        SigV4Handler(CREDS, "us-east-1")
    assert SECRET_KEY not in repr(SigV4Handler(CREDS, "us-east-1", "s3"))


# -- random requests --------------------------------------------------------------------------

header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
extra_headers = st.dictionaries(
    st.sampled_from(["X-Amz-Meta-A", "X-Custom", "Content-Type", "Range", "Accept", "traceparent"]), header_values, max_size=4
)
slow = settings(max_examples=URLLIB_EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@slow
@given(
    path=encoded_paths().filter(lambda p: not p.startswith("//")),  # http.server collapses a leading '//'
    query=encoded_queries(),
    headers=extra_headers,
    body=st.binary(max_size=64),
    service=st.sampled_from(["s3", "execute-api", "es"]),
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE"]),
)
def test_random_requests_through_the_handler(
    stub: StubServer, path: str, query: str, headers: dict[str, str], body: bytes, service: str, method: str
) -> None:
    stub.requests.clear()
    url = f"{stub.url}{path}" + (f"?{query}" if query else "")
    data = body if method in ("PUT", "POST") else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    status, _ = send(opener(CREDS, "us-east-1", service), req)
    (rec,) = stub.requests
    assert verify(rec) is None, rec
    assert status == 200


# -- the urllib3 recipe -----------------------------------------------------------------------

RAW_PIECES = st.lists(st.sampled_from([*"abcXYZ019-_.~", " ", "é", "€", "😀", "%20", "%2F", "+"]), min_size=1, max_size=8).map(
    "".join
)


@slow
@given(
    segments=st.lists(RAW_PIECES.filter(lambda p: p not in (".", "..")), min_size=1, max_size=3),  # see the xfail below
    query=encoded_queries(),
    raw_value=RAW_PIECES.filter(lambda p: "+" not in p),  # see the xfail below
    service=st.sampled_from(["s3", "execute-api"]),
    body=st.binary(max_size=32),
)
def test_urllib3_recipe_holds_with_urllib3s_own_encoding(
    stub: StubServer, segments: list[str], query: str, raw_value: str, service: str, body: bytes
) -> None:
    """The URL is written raw (spaces, non-ASCII, already-encoded bits): urllib3 encodes it its
    own way, and the signature made over the URL as written must hold."""
    import urllib3

    stub.requests.clear()
    url = f"{stub.url}/" + "/".join(segments) + "?" + (f"{query}&" if query else "") + f"v={raw_value}"
    signer = Signer(CREDS, "us-east-1", service)
    headers = sign_headers(signer, "PUT", url, {"Content-Type": "application/octet-stream"}, body)
    with urllib3.PoolManager() as pool:
        response = pool.request("PUT", url, headers=headers, body=body, retries=False)
    (rec,) = stub.requests
    assert verify(rec) is None, (url, rec.target)
    assert response.status == 200


@pytest.mark.xfail(strict=True, reason="urllib3 removes '.' and '..' path segments (RFC 3986) before sending: S3 signs them")
def test_urllib3_removes_dot_segments(stub: StubServer) -> None:
    import urllib3

    stub.requests.clear()
    url = f"{stub.url}/bucket/./key"
    with urllib3.PoolManager() as pool:
        pool.request("GET", url, headers=sign_headers(Signer(CREDS, "us-east-1", "s3"), "GET", url), retries=False)
    (rec,) = stub.requests
    assert verify(rec) is None, rec.target


@pytest.mark.xfail(
    strict=True, reason="a raw '+' in a query is a space to the signer (as urlencode means it) but urllib3 sends it as is"
)
def test_urllib3_sends_a_raw_plus_in_the_query_unchanged(stub: StubServer) -> None:
    import urllib3

    stub.requests.clear()
    url = f"{stub.url}/bucket?prefix=a+b"
    with urllib3.PoolManager() as pool:
        pool.request("GET", url, headers=sign_headers(Signer(CREDS, "us-east-1", "s3"), "GET", url), retries=False)
    (rec,) = stub.requests
    assert verify(rec) is None, rec.target


def test_raw_space_in_a_generic_path(stub: StubServer) -> None:
    import urllib3

    stub.requests.clear()
    url = f"{stub.url}/a b"
    with urllib3.PoolManager() as pool:
        pool.request("GET", url, headers=sign_headers(Signer(CREDS, "us-east-1", "execute-api"), "GET", url), retries=False)
    (rec,) = stub.requests
    assert verify(rec) is None, rec.target
