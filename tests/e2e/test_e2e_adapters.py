"""End to end: both adapters (requests, httpx sync, httpx async) against the JuiceFS S3 gateway,
which verifies SigV4 as S3 does (MinIO's S3 layer). The server's verdict is the oracle.

Field pitfalls (../shared/notes/field-pitfalls.md) covered here:
  2 (query as sent, raw spaces vs params=) -> test_query_forms_list_the_same_keys
  3 (non-default port in the signed host)  -> test_non_default_port_is_signed, test_virtual_host_style_with_port
  5 ('+' vs %20, literal plus as %2B)      -> test_query_forms_list_the_same_keys, test_literal_plus_in_a_prefix
  6 (a=b=c, bare flag, repeated keys)      -> test_query_value_with_equals_and_bare_flags, test_repeated_query_keys
                                              (+ test_repeated_query_keys_out_of_order_gateway_deviation)
  7 (complete canonical query string)      -> test_list_objects_v2_with_every_parameter (httpx-auth #71)
"""

from __future__ import annotations

import hashlib
import io
import uuid
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote, unquote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, Signer
from sigv4.testing import LocalS3Server
from tests.fixtures_s3 import send
from tests.stubserver import KINDS, auth_for, call, chunks

pytestmark = pytest.mark.e2e

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
WRONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY00"

SPECIAL_KEYS = [
    "with space.txt",
    "plus+sign",
    "tilde~",
    "equals=sign",
    "amp&ersand",
    "question?mark",
    "hash#tag",
    "percent%sign",
    "already%20encoded-looking",
    "semi;colon",
    "comma,",
    "apos'trophe",
    "bang!",
    "star*",
    "paren(s)",
    "unicode-é-€-日本-😀",
    "nested/dir/deeper/leaf.bin",
    "all + ~ = & ? # % ; , ' ! * ( ) é",
]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def creds(s3_server: LocalS3Server) -> Credentials:
    return Credentials(s3_server.access_key, s3_server.secret_key)


@pytest.fixture
def auth(kind: str, creds: Credentials, s3_server: LocalS3Server) -> Any:
    return auth_for(kind, creds, s3_server.region, "s3")


def _url(server: LocalS3Server, bucket: str, key: str = "") -> str:
    return f"{server.endpoint}/{bucket}/{quote(key, safe='/')}" if key else f"{server.endpoint}/{bucket}"


def _listing(body: bytes) -> tuple[list[str], list[str]]:
    root = ET.fromstring(body)
    keys = [e.text or "" for e in root.iter(f"{NS}Key")]
    prefixes = [e.text or "" for e in root.iter(f"{NS}Prefix") if e is not root.find(f"{NS}Prefix")]
    return keys, prefixes


def _error_code(body: bytes) -> str | None:
    return ET.fromstring(body).findtext("Code") if body else None


def _put(kind: str, auth: Any, url: str, body: bytes = b"x", **kwargs: Any) -> None:
    result = call(kind, auth, "PUT", url, body=body, **kwargs)
    assert result.status == 200, result.body


# -- buckets and objects ---------------------------------------------------------------------------


def test_create_list_and_delete_a_bucket(kind: str, auth: Any, s3_server: LocalS3Server) -> None:
    name = f"sigv4-adapter-{uuid.uuid4().hex[:12]}"
    assert call(kind, auth, "PUT", f"{s3_server.endpoint}/{name}").status == 200
    listed = call(kind, auth, "GET", f"{s3_server.endpoint}/")
    assert listed.status == 200 and f"<Name>{name}</Name>".encode() in listed.body
    assert call(kind, auth, "HEAD", f"{s3_server.endpoint}/{name}").status == 200
    assert call(kind, auth, "DELETE", f"{s3_server.endpoint}/{name}").status == 204
    assert call(kind, auth, "HEAD", f"{s3_server.endpoint}/{name}").status == 404


def test_put_get_head_delete_with_metadata(kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str) -> None:
    url = _url(s3_server, s3_bucket, "docs/report.txt")
    body = "résumé\r\n".encode() * 100
    headers = {"Content-Type": "text/plain; charset=utf-8", "x-amz-meta-author": "Zoe  Q", "X-Amz-Meta-Tag": "a,b"}
    _put(kind, auth, url, body, headers=headers)
    got = call(kind, auth, "GET", url)
    assert got.status == 200 and got.body == body
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    head = call(kind, auth, "HEAD", url)
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == str(len(body))
    assert head.headers["x-amz-meta-tag"] == "a,b"
    assert head.headers["x-amz-meta-author"].split() == ["Zoe", "Q"]
    assert call(kind, auth, "DELETE", url).status == 204
    gone = call(kind, auth, "GET", url)
    assert gone.status == 404 and _error_code(gone.body) == "NoSuchKey"


def test_range_and_content_md5_are_signed_and_honoured(kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str) -> None:
    url = _url(s3_server, s3_bucket, "hello")
    _put(kind, auth, url, b"hello", headers={"Content-MD5": "XUFAKrxLKna5cZ2REBfFkg=="})
    bad = call(
        kind, auth, "PUT", _url(s3_server, s3_bucket, "other"), body=b"hellp", headers={"Content-MD5": "XUFAKrxLKna5cZ2REBfFkg=="}
    )
    assert bad.status == 400 and _error_code(bad.body) == "BadDigest"
    part = call(kind, auth, "GET", url, headers={"Range": "bytes=1-3"})
    assert part.status == 206 and part.body == b"ell"


@pytest.mark.parametrize("key", SPECIAL_KEYS)
def test_keys_with_special_characters(kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str, key: str) -> None:
    body = key.encode() + b"\n"
    _put(kind, auth, _url(s3_server, s3_bucket, key), body)
    got = call(kind, auth, "GET", _url(s3_server, s3_bucket, key))
    assert got.status == 200 and got.body == body
    listed = call(kind, auth, "GET", _url(s3_server, s3_bucket), params={"prefix": key})
    assert listed.status == 200 and _listing(listed.body)[0] == [key]
    assert call(kind, auth, "DELETE", _url(s3_server, s3_bucket, key)).status == 204


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
# The gateway (MinIO's hasBadPathComponent) refuses a key that is "." or ".." once
# surrounding spaces are trimmed, before it checks any signature.
@given(key=st.text("aZ09-_.~ !$&'()*+,;=:@%?#é€😀", min_size=1, max_size=12).filter(lambda k: k.strip() not in (".", "..")))
def test_random_keys_round_trip(kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str, key: str) -> None:
    url = _url(s3_server, s3_bucket, key)
    _put(kind, auth, url, key.encode())
    assert call(kind, auth, "GET", url).body == key.encode()
    listed = call(kind, auth, "GET", _url(s3_server, s3_bucket), params={"prefix": key, "max-keys": "1"})
    assert _listing(listed.body)[0] == [key]


def test_list_with_prefix_and_delimiter(kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str) -> None:
    for key in ["photos/2024/a.jpg", "photos/2025/b b.jpg", "photos/c.jpg", "docs/d.txt"]:
        _put(kind, auth, _url(s3_server, s3_bucket, key))
    listed = call(kind, auth, "GET", _url(s3_server, s3_bucket), params={"prefix": "photos/", "delimiter": "/"})
    assert listed.status == 200
    keys, prefixes = _listing(listed.body)
    assert keys == ["photos/c.jpg"] and prefixes == ["photos/2024/", "photos/2025/"]
    v2 = call(kind, auth, "GET", _url(s3_server, s3_bucket), params={"list-type": "2", "prefix": "photos/2025/"})
    assert _listing(v2.body)[0] == ["photos/2025/b b.jpg"]


def test_streamed_file_body(
    kind: str, auth: Any, creds: Credentials, s3_server: LocalS3Server, s3_bucket: str, tmp_path: Any
) -> None:
    data = hashlib.sha256(b"seed").digest() * (5 * 1024 * 1024 // 32 + 7)  # a little over 5 MiB
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    url = _url(s3_server, s3_bucket, "big/upload.bin")
    with open(path, "rb") as f:
        if kind == "httpx-async":
            # AsyncClient streams an async iterator: sign the hash computed beforehand.
            headers = {"Content-Length": str(len(data)), "x-amz-content-sha256": hashlib.sha256(data).hexdigest()}
            _put(kind, auth, url, f, headers=headers)  # type: ignore[arg-type]
        else:
            _put(kind, auth, url, f)  # type: ignore[arg-type]  # hashed in constant memory, then streamed
    assert call(kind, auth, "GET", url).body == data


def test_unsigned_stream_where_allowed(kind: str, creds: Credentials, s3_server: LocalS3Server, s3_bucket: str) -> None:
    data = b"no hash for this stream " * 1000
    auth = auth_for(kind, creds, s3_server.region, "s3", unsigned_streams=True)
    url = _url(s3_server, s3_bucket, "unsigned")
    if kind == "requests":
        # requests frames a generator as chunked, which PutObject refuses (411); a reader with a length is not.
        class Reader:
            def __init__(self) -> None:
                self._f = io.BytesIO(data)

            def read(self, n: int = -1) -> bytes:
                return self._f.read(n)

            def __len__(self) -> int:
                return len(data)

        _put(kind, auth, url, Reader())  # type: ignore[arg-type]
    else:
        _put(kind, auth, url, chunks(data), headers={"Content-Length": str(len(data))})  # type: ignore[arg-type]
    assert call(kind, auth, "GET", url).body == data


def test_a_credentials_provider(kind: str, s3_server: LocalS3Server, s3_bucket: str) -> None:
    class Provider:
        calls = 0

        def get_credentials(self) -> Credentials:
            self.calls += 1
            return Credentials(s3_server.access_key, s3_server.secret_key)

    provider = Provider()
    auth = auth_for(kind, provider, s3_server.region, "s3")
    _put(kind, auth, _url(s3_server, s3_bucket, "p"))
    assert call(kind, auth, "GET", _url(s3_server, s3_bucket, "p")).status == 200
    assert provider.calls == 2


# -- the query string (pitfalls 2, 5, 6, 7) ----------------------------------------------------------


@pytest.fixture
def spaced_bucket(kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str) -> str:
    for key in ["a b/1", "a+b/1", "k=v/1"]:
        _put(kind, auth, _url(s3_server, s3_bucket, key))
    return s3_bucket


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("", {"prefix": "a b"}),  # params=: requests writes a+b, httpx a%20b
        ("?prefix=a b", None),  # a raw space in the URL
        ("?prefix=a%20b", None),
        ("?prefix=a+b", None),  # '+' is a space in a query string
    ],
)
def test_query_forms_list_the_same_keys(
    kind: str, auth: Any, s3_server: LocalS3Server, spaced_bucket: str, query: str, params: Any
) -> None:
    listed = call(kind, auth, "GET", _url(s3_server, spaced_bucket) + query, params=params)
    assert listed.status == 200, listed.body
    assert _listing(listed.body)[0] == ["a b/1"]


@pytest.mark.parametrize(("query", "params"), [("", {"prefix": "a+b"}), ("?prefix=a%2Bb", None)])
def test_literal_plus_in_a_prefix(
    kind: str, auth: Any, s3_server: LocalS3Server, spaced_bucket: str, query: str, params: Any
) -> None:
    listed = call(kind, auth, "GET", _url(s3_server, spaced_bucket) + query, params=params)
    assert listed.status == 200 and _listing(listed.body)[0] == ["a+b/1"]


def test_query_value_with_equals_and_bare_flags(kind: str, auth: Any, s3_server: LocalS3Server, spaced_bucket: str) -> None:
    base = _url(s3_server, spaced_bucket)
    listed = call(kind, auth, "GET", base + "?prefix=k=v")  # key 'prefix', value 'k=v'
    assert listed.status == 200 and _listing(listed.body)[0] == ["k=v/1"]
    location = call(kind, auth, "GET", base + "?location")
    assert location.status == 200 and b"LocationConstraint" in location.body
    acl = call(kind, auth, "GET", base + "/a%20b/1?acl")
    assert acl.status == 200 and b"AccessControlPolicy" in acl.body


def test_repeated_query_keys(kind: str, auth: Any, s3_server: LocalS3Server, spaced_bucket: str) -> None:
    listed = call(kind, auth, "GET", _url(s3_server, spaced_bucket) + "?prefix=a%20b&x-id=1&x-id=2")
    assert listed.status == 200 and _listing(listed.body)[0] == ["a b/1"]


def test_repeated_query_keys_out_of_order_gateway_deviation(
    kind: str, auth: Any, creds: Credentials, s3_server: LocalS3Server, spaced_bucket: str
) -> None:
    """SigV4 sorts repeated keys by value, and botocore agrees with us; MinIO keeps them in
    arrival order, so the gateway refuses what AWS accepts. Recorded, not hidden."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials

    url = _url(s3_server, spaced_bucket) + "?x-id=2&x-id=1"
    ours = Signer(creds, s3_server.region, "s3").sign("GET", url).canonical_request.splitlines()[2]
    oracle = S3SigV4Auth(BotoCredentials(creds.access_key, creds.secret_key), "s3", s3_server.region)
    assert ours == oracle.canonical_query_string(AWSRequest(method="GET", url=url)) == "x-id=1&x-id=2"
    refused = call(kind, auth, "GET", url)
    assert refused.status == 403 and _error_code(refused.body) == "SignatureDoesNotMatch"


def test_list_objects_v2_with_every_parameter(kind: str, auth: Any, s3_server: LocalS3Server, spaced_bucket: str) -> None:
    params = {
        "list-type": "2",
        "prefix": "",
        "delimiter": "/",
        "max-keys": "1000",
        "start-after": "",
        "fetch-owner": "true",
        "encoding-type": "url",
    }
    listed = call(kind, auth, "GET", _url(s3_server, spaced_bucket), params=params)
    assert listed.status == 200, listed.body
    assert [unquote_plus(p) for p in _listing(listed.body)[1]] == ["a b/", "a+b/", "k=v/"]  # encoding-type=url


# -- host and port (pitfall 3) --------------------------------------------------------------------------


def test_non_default_port_is_signed(kind: str, auth: Any, creds: Credentials, s3_server: LocalS3Server, s3_bucket: str) -> None:
    assert s3_server.port not in (80, 443)
    assert call(kind, auth, "GET", _url(s3_server, s3_bucket)).status == 200
    # The control: the same request signed for the host without its port is refused.
    signed = Signer(creds, s3_server.region, "s3").sign("GET", f"http://{s3_server.host}/{s3_bucket}")
    refused = send(s3_server, "GET", f"/{s3_bucket}", headers=signed.headers)
    assert refused.status == 403 and refused.error_code == "SignatureDoesNotMatch"


def test_virtual_host_style_with_port(kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str) -> None:
    host = f"{s3_bucket}.{s3_server.domain}:{s3_server.port}"
    _put(kind, auth, f"{s3_server.endpoint}/vhost key", b"v", headers={"Host": host})
    got = call(kind, auth, "GET", _url(s3_server, s3_bucket, "vhost key"))
    assert got.status == 200 and got.body == b"v"


# -- S3's path rules are not the generic ones -------------------------------------------------------------


# ('.' and '..' segments are refused by the gateway before it checks the signature (400
# XMinioInvalidResourceName): the stub covers them, see test_adapter_httpx.)
@pytest.mark.parametrize("key", ["100% sure/a b", "pre%2Fencoded", "double//slash", "many//inner///slashes", "x/%7Etilde%21"])
def test_s3_path_is_encoded_once_and_never_normalised(
    kind: str, auth: Any, creds: Credentials, s3_server: LocalS3Server, s3_bucket: str, key: str
) -> None:
    # The key goes in the URL as written (its %XX already encoded), except what must be escaped.
    url = f"{s3_server.endpoint}/{s3_bucket}/{quote(key, safe='/%')}" if "%2" in key else _url(s3_server, s3_bucket, key)
    _put(kind, auth, url, b"ok")
    assert call(kind, auth, "GET", url).body == b"ok"
    # The generic rules (double encoding, normalisation) applied to S3 are refused.
    generic = auth_for(kind, creds, s3_server.region, "s3", double_encode_path=True, normalize_path=True)
    refused = call(kind, generic, "GET", url)
    if "//" in key:
        # The generic rules send the path normalised, as they sign it: a valid request for
        # 'double/slash', which MinIO (collapsing the slashes of object names) stores as the same object.
        assert (refused.status, refused.body) == (200, b"ok")
    else:
        assert refused.status == 403 and _error_code(refused.body) == "SignatureDoesNotMatch"


# -- rejections --------------------------------------------------------------------------------------------


def test_wrong_secret_is_refused(kind: str, s3_server: LocalS3Server, s3_bucket: str) -> None:
    auth = auth_for(kind, Credentials(s3_server.access_key, WRONG_SECRET), s3_server.region, "s3")
    refused = call(kind, auth, "PUT", _url(s3_server, s3_bucket, "k"), body=b"x")
    assert refused.status == 403 and _error_code(refused.body) == "SignatureDoesNotMatch"


def test_unknown_access_key_is_refused(kind: str, s3_server: LocalS3Server, s3_bucket: str) -> None:
    auth = auth_for(kind, Credentials("AKIAUNKNOWNKEY000000", s3_server.secret_key), s3_server.region, "s3")
    refused = call(kind, auth, "GET", _url(s3_server, s3_bucket))
    assert refused.status == 403 and _error_code(refused.body) == "InvalidAccessKeyId"


@pytest.mark.parametrize("change", ["body", "signed header", "path"])
def test_request_changed_after_signing_is_refused(
    kind: str, auth: Any, s3_server: LocalS3Server, s3_bucket: str, change: str
) -> None:
    url = _url(s3_server, s3_bucket, "tampered")
    status, code = _send_tampered(kind, auth, url, change)
    expected = {"body": (400, "XAmzContentSHA256Mismatch")}.get(change, (403, "SignatureDoesNotMatch"))
    assert (status, code) == expected


def _send_tampered(kind: str, auth: Any, url: str, change: str) -> tuple[int, str | None]:
    """Sign a PUT, change one thing, send it without signing again: (status, error code)."""
    headers = {"x-amz-meta-owner": "alice"}
    if kind == "requests":
        import requests

        with requests.Session() as session:
            session.trust_env = False
            prepared = session.prepare_request(requests.Request("PUT", url, headers=headers, data=b"original", auth=auth))
            if change == "body":
                prepared.body = b"tampered"
            elif change == "signed header":
                prepared.headers["x-amz-meta-owner"] = "mallory"
            else:
                prepared.url = str(prepared.url).replace("tampered", "elsewhere")
            r = session.send(prepared)
            return r.status_code, _error_code(r.content)
    import httpx

    request = httpx.Request("PUT", url, headers=headers, content=b"original")
    signed = next(auth.sync_auth_flow(request))
    new_headers = dict(signed.headers)
    new_url = str(signed.url)
    content = b"original"
    if change == "body":
        content = b"tampered"
    elif change == "signed header":
        new_headers["x-amz-meta-owner"] = "mallory"
    else:
        new_url = new_url.replace("tampered", "elsewhere")
    with httpx.Client(trust_env=False) as client:
        r = client.send(httpx.Request("PUT", new_url, headers=new_headers, content=content))
        return r.status_code, _error_code(r.content)
