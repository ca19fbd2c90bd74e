"""The requests adapter, and the contract both adapters keep (run again by test_adapter_httpx).

Every request goes to a loopback stub that records it as received and checks its signature
with botocore (:func:`tests.stubserver.verify`), so "signed as sent" is judged by an
independent signer on the bytes that arrived, never by our own output.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sigv4
from sigv4 import Credentials, PayloadError, SigningError
from sigv4.adapters.base import AdapterCore, may_follow, regional_host
from tests.stubserver import (
    ACCESS_KEY,
    SECRET_KEY,
    SKEW,
    StubServer,
    always_skewed,
    amz_time,
    auth_for,
    bucket_in,
    call,
    chunks,
    redirecting,
    sign_offline,
    skewed,
    verify,
)

CREDS = Credentials(ACCESS_KEY, SECRET_KEY)


class AdapterContract:
    """What both adapters must do; subclasses provide the ``kind`` fixture."""

    # -- signed as sent ---------------------------------------------------------------------

    @pytest.mark.parametrize(
        "query",
        [
            "prefix=a b",  # pitfall 2: a raw space in the URL
            "prefix=a+b",  # '+' written by urlencode for a space: canonical %20 (pitfall 5)
            "prefix=a%2Bb",  # a literal plus
            "prefix=a%20b&delimiter=/",
            "a=b=c&flag&x=1&x=0&x=1",  # pitfall 6: a=b=c, a bare flag, repeated keys
            "list-type=2&prefix=&start-after=&max-keys=10&encoding-type=url&fetch-owner=true",  # pitfall 7
            "k=%E2%82%AC&%C3%A9=~&sp=%20%20",
        ],
    )
    def test_query_in_the_url_is_signed_as_sent(self, kind: str, query: str) -> None:
        with StubServer() as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "GET", f"{stub.url}/bucket?{query}")
        (rec,) = stub.requests
        assert verify(rec) is None
        assert result.status == 200
        sent_query = rec.target.partition("?")[2]
        assert "+" not in sent_query  # a space goes as %20, a plus as %2B
        assert sent_query.count("&") == query.count("&")  # every pair kept, in order

    def test_params_are_merged_and_signed(self, kind: str) -> None:
        params = [("prefix", "a b+c/é"), ("z", "2"), ("z", "1"), ("empty", "")]
        with StubServer() as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "GET", f"{stub.url}/bucket", params=params)
        (rec,) = stub.requests
        assert result.status == 200 and verify(rec) is None
        assert rec.target == "/bucket?prefix=a%20b%2Bc%2F%C3%A9&z=2&z=1&empty="

    def test_which_headers_are_signed(self, kind: str) -> None:
        headers = {
            "Content-Type": "text/plain",
            "Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==",
            "Range": "bytes=0-1",
            "X-Amz-Meta-Colour": "blue  green",
            "x-amz-acl": "private",
            "X-Custom": "1",
            "X-Named": "2",
            "User-Agent": "ua/1",
            "Accept-Encoding": "gzip",
            "Connection": "keep-alive",
            "Expect": "100-continue",
        }
        with StubServer() as stub:
            auth = auth_for(kind, CREDS, "us-east-1", "s3", signed_headers=["x-named"])
            result = call(kind, auth, "PUT", f"{stub.url}/bucket/key", headers=headers, body=b"hello")
        rec = stub.requests[-1]
        assert result.status == 200 and verify(rec) is None
        # One rule, the Signer's: every header sent is signed but DEFAULT_UNSIGNED_HEADERS
        # (user-agent, connection, expect, ...); the HTTP library's own headers included.
        sent = {name.lower() for name, _ in rec.headers}
        assert rec.signed_headers == sent - sigv4.core.settings.DEFAULT_UNSIGNED_HEADERS - {"authorization"}
        assert {"content-type", "content-md5", "range", "x-amz-meta-colour", "x-custom", "x-named"} <= rec.signed_headers
        assert not {"user-agent", "connection", "expect"} & rec.signed_headers
        # ... and the same request through the Signer is signed the same way.
        direct = sigv4.Signer(CREDS, "us-east-1", "s3").sign(
            rec.method, f"{stub.url}{rec.target}", [(n, v) for n, v in rec.headers if n.lower() != "authorization"]
        )
        assert set(direct.signed_headers) == rec.signed_headers

    def test_signed_headers_takes_names_off_the_unsigned_list(self, kind: str) -> None:
        """(botocore cannot check this one: it never signs a user agent.)"""
        with StubServer() as stub:
            auth = auth_for(kind, CREDS, "us-east-1", "s3", signed_headers=["user-agent"])
            call(kind, auth, "GET", f"{stub.url}/bucket/key", headers={"User-Agent": "ua/1"})
        rec = stub.requests[-1]
        assert "user-agent" in rec.signed_headers
        unsigned = sigv4.core.settings.DEFAULT_UNSIGNED_HEADERS - {"user-agent"}
        date = rec.header("x-amz-date")
        assert date is not None
        now = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        direct = sigv4.Signer(CREDS, "us-east-1", "s3", unsigned_headers=unsigned).sign(
            rec.method, f"{stub.url}{rec.target}", [(n, v) for n, v in rec.headers if n.lower() != "authorization"], now=now
        )
        assert direct.headers["Authorization"] == rec.header("authorization")

    @pytest.mark.parametrize("name", ["Connection", "keep-alive", "expect", "Transfer-Encoding", "te", "upgrade"])
    def test_hop_by_hop_headers_cannot_be_signed(self, kind: str, name: str) -> None:
        with pytest.raises(SigningError, match="signed_headers"):
            auth_for(kind, CREDS, "us-east-1", "s3", signed_headers=[name])

    def test_bad_settings_are_signing_errors(self, kind: str) -> None:
        with pytest.raises(SigningError, match="not a setting"):
            auth_for(kind, CREDS, "us-east-1", "s3", colour="blue")
        with pytest.raises(SigningError, match="signed_headers"):
            auth_for(kind, CREDS, "us-east-1", "s3", signed_headers="x-one")
        with pytest.raises(SigningError, match="region"):
            auth_for(kind, CREDS, "", "s3")
        with pytest.raises(SigningError, match="credentials"):
            auth_for(kind, object(), "us-east-1", "s3")

    def test_repr_never_shows_the_secret(self, kind: str) -> None:
        auth = auth_for(kind, Credentials(ACCESS_KEY, SECRET_KEY, token="TOKEN-SECRET"), "us-east-1", "s3")
        assert SECRET_KEY not in repr(auth) and "TOKEN-SECRET" not in repr(auth)

    # -- bodies ----------------------------------------------------------------------------

    @pytest.mark.parametrize(
        "body",
        [b"", b"\x00\xff binary \r\n", "text with unicode: é € 😀", bytes(range(256)) * 3000],
        ids=["empty", "bytes", "str", "large"],
    )
    def test_bodies_are_hashed_as_sent(self, kind: str, body: bytes | str) -> None:
        with StubServer() as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "PUT", f"{stub.url}/bucket/key", body=body)
        (rec,) = stub.requests
        assert result.status == 200 and verify(rec) is None
        expected = body.encode("utf-8") if isinstance(body, str) else body
        assert rec.body == expected
        assert rec.header("x-amz-content-sha256") == hashlib.sha256(expected).hexdigest()

    def test_generator_body_is_refused_over_http(self, kind: str) -> None:
        with StubServer() as stub, pytest.raises(PayloadError, match="unsigned_streams"):
            call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "PUT", f"{stub.url}/bucket/key", body=chunks(b"x" * 3000))
        assert stub.requests == []

    def test_generator_body_as_unsigned_payload_when_allowed(self, kind: str) -> None:
        data = b"streamed " * 500
        with StubServer() as stub:
            auth = auth_for(kind, CREDS, "us-east-1", "s3", unsigned_streams=True)
            result = call(kind, auth, "PUT", f"{stub.url}/bucket/key", body=chunks(data))
        (rec,) = stub.requests
        assert result.status == 200 and verify(rec) is None
        assert rec.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
        assert rec.body == data

    def test_generator_body_with_the_callers_hash(self, kind: str) -> None:
        data = b"precomputed " * 300
        with StubServer() as stub:
            headers = {"x-amz-content-sha256": hashlib.sha256(data).hexdigest()}
            result = call(
                kind,
                auth_for(kind, CREDS, "us-east-1", "s3"),
                "PUT",
                f"{stub.url}/bucket/key",
                headers=headers,
                body=chunks(data),
            )
        (rec,) = stub.requests
        assert result.status == 200 and verify(rec) is None
        assert rec.body == data

    def test_stream_over_https_is_unsigned_for_s3_by_default(self, kind: str) -> None:
        _, headers = sign_offline(
            kind, auth_for(kind, CREDS, "us-east-1", "s3"), "PUT", "https://b.s3.amazonaws.com/k", body=chunks(b"x")
        )
        assert headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
        with pytest.raises(PayloadError):
            sign_offline(
                kind,
                auth_for(kind, CREDS, "us-east-1", "s3", unsigned_streams=False),
                "PUT",
                "https://b.s3.amazonaws.com/k",
                body=chunks(b"x"),
            )
        with pytest.raises(PayloadError):
            sign_offline(
                kind, auth_for(kind, CREDS, "us-east-1", "execute-api"), "PUT", "https://api.example.com/k", body=chunks(b"x")
            )

    # -- host and credentials ----------------------------------------------------------------

    def test_default_port_is_dropped_from_the_signed_host(self, kind: str) -> None:
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials as BotoCredentials
        from freezegun import freeze_time

        url = "https://examplebucket.s3.amazonaws.com:443/test.txt"
        with freeze_time("2013-05-24 00:00:00"):
            _, ours = sign_offline(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "GET", url, headers={"Range": "bytes=0-9"})
            oracle = AWSRequest(
                method="GET", url="https://examplebucket.s3.amazonaws.com/test.txt", headers={"Range": "bytes=0-9"}
            )
            S3SigV4Auth(BotoCredentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(oracle)
        assert ours["authorization"] == oracle.headers["Authorization"]

    def test_host_header_override_is_signed(self, kind: str) -> None:
        with StubServer() as stub:
            host = f"bucket.localhost:{stub.port}"
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "GET", f"{stub.url}/key", headers={"Host": host})
        (rec,) = stub.requests
        assert result.status == 200 and verify(rec) is None
        assert rec.header("host") == host

    def test_provider_is_asked_on_every_request(self, kind: str) -> None:
        class Rotating:
            def __init__(self) -> None:
                self.calls = 0

            def get_credentials(self) -> Credentials:
                self.calls += 1
                return Credentials(f"AKID{self.calls:016d}", SECRET_KEY + str(self.calls))

        provider = Rotating()
        with StubServer() as stub:
            auth = auth_for(kind, provider, "us-east-1", "s3")
            for _ in range(2):
                assert call(kind, auth, "GET", f"{stub.url}/bucket/key").status == 403  # the stub knows one secret
        first, second = stub.requests
        assert (first.auth["access_key"], second.auth["access_key"]) == ("AKID0000000000000001", "AKID0000000000000002")
        assert verify(first, SECRET_KEY + "1") is None and verify(second, SECRET_KEY + "2") is None

    def test_session_token_is_sent_and_signed(self, kind: str) -> None:
        creds = Credentials(ACCESS_KEY, SECRET_KEY, token="FQoGZXIvYXdzEXAMPLE//token=")
        with StubServer() as stub:
            assert call(kind, auth_for(kind, creds, "us-east-1", "s3"), "GET", f"{stub.url}/bucket/key").status == 200
        (rec,) = stub.requests
        assert rec.header("x-amz-security-token") == "FQoGZXIvYXdzEXAMPLE//token="
        assert "x-amz-security-token" in rec.signed_headers and verify(rec) is None

    # -- recovery: clock skew ------------------------------------------------------------------

    @pytest.mark.parametrize("method", ["GET", "HEAD"])
    def test_clock_skew_is_learned_and_retried_once(self, kind: str, method: str) -> None:
        with StubServer(skewed, clock_offset=SKEW) as stub:
            auth = auth_for(kind, CREDS, "us-east-1", "s3")
            result = call(kind, auth, method, f"{stub.url}/bucket/key")
            assert result.status == 200
            first, retry = stub.requests
            assert abs(amz_time(first) - stub.now()) > 900  # the local clock, three hours behind
            assert abs(amz_time(retry) - stub.now()) < 900  # re-dated with the server's clock
            assert verify(retry) is None and retry.auth["signature"] != first.auth["signature"]
            assert result.history == [403]
            assert abs(auth.clock_offset - SKEW) < 120
            assert call(kind, auth, method, f"{stub.url}/bucket/other").status == 200  # the offset is kept
            assert len(stub.requests) == 3

    def test_clock_skew_retry_resends_the_whole_file(self, kind: str, tmp_path: Any) -> None:
        data = bytes(range(256)) * 1000
        path = tmp_path / "body.bin"
        path.write_bytes(b"HEADER" + data)
        if kind == "httpx-async":  # AsyncClient streams only async iterators: not hashable
            with StubServer() as stub, open(path, "rb") as f, pytest.raises(PayloadError):
                call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "PUT", f"{stub.url}/bucket/key", body=f)
            return
        with StubServer(skewed, clock_offset=SKEW) as stub, open(path, "rb") as f:
            if kind == "requests":  # (httpx declares the whole file's size as Content-Length)
                f.seek(6)  # sent and hashed from the current position
            else:
                data = b"HEADER" + data
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "PUT", f"{stub.url}/bucket/key", body=f)
        assert result.status == 200
        first, retry = stub.requests
        assert first.body == retry.body == data
        assert verify(retry) is None

    def test_clock_skew_is_retried_only_once(self, kind: str) -> None:
        with StubServer(always_skewed, clock_offset=SKEW) as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "GET", f"{stub.url}/bucket/key")
        assert result.status == 403 and len(stub.requests) == 2

    def test_a_generator_body_is_not_retried(self, kind: str) -> None:
        with StubServer(skewed, clock_offset=SKEW) as stub:
            auth = auth_for(kind, CREDS, "us-east-1", "s3", unsigned_streams=True)
            result = call(kind, auth, "PUT", f"{stub.url}/bucket/key", body=chunks(b"x" * 100))
        assert result.status == 403 and len(stub.requests) == 1

    def test_clock_skew_recovery_can_be_disabled(self, kind: str) -> None:
        with StubServer(skewed, clock_offset=SKEW) as stub:
            auth = auth_for(kind, CREDS, "us-east-1", "s3", recover_clock_skew=False)
            assert call(kind, auth, "GET", f"{stub.url}/bucket/key").status == 403
        assert len(stub.requests) == 1

    # -- recovery: the bucket's region (S3) -------------------------------------------------------

    @pytest.mark.parametrize("how", ["301", "400"])
    def test_region_named_by_s3_is_used_and_remembered(self, kind: str, how: str) -> None:
        with StubServer(bucket_in("eu-west-1", how)) as stub:
            auth = auth_for(kind, CREDS, "us-east-1", "s3")
            result = call(kind, auth, "GET", f"{stub.url}/bucket/key")
            assert result.status == 200
            first, retry = stub.requests
            assert first.auth["region"] == "us-east-1"
            assert retry.auth["region"] == "eu-west-1"  # the scope of the retried request
            assert verify(retry) is None and retry.target == first.target
            # The next request to that bucket is signed for its region straight away ...
            assert call(kind, auth, "GET", f"{stub.url}/bucket/other").status == 200
            assert len(stub.requests) == 3 and stub.requests[2].auth["region"] == "eu-west-1"
            # ... and another bucket still starts with the configured region.
            call(kind, auth, "GET", f"{stub.url}/another/key")
            assert stub.requests[3].auth["region"] == "us-east-1"

    def test_region_redirect_with_location_is_followed_resigned(self, kind: str) -> None:
        with StubServer(bucket_in("ap-south-2", "307")) as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "PUT", f"{stub.url}/bucket/key", body=b"payload")
        assert result.status == 200
        last = stub.requests[-1]
        assert last.target == "/moved/key" and last.body == b"payload"
        assert last.auth["region"] == "ap-south-2" and verify(last) is None
        # requests' hook sees the 307 before following it (2 requests); httpx follows it
        # itself with the stale signature, which the stub rejects, then re-signs (3 requests).
        assert len(stub.requests) in (2, 3)

    def test_region_is_not_recovered_for_other_services(self, kind: str) -> None:
        with StubServer(bucket_in("eu-west-1", "301")) as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "execute-api"), "GET", f"{stub.url}/bucket/key")
            assert result.status == 301 and len(stub.requests) == 1
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3", recover_region=False), "GET", f"{stub.url}/bucket/key")
            assert result.status == 301 and len(stub.requests) == 2

    # -- redirects ---------------------------------------------------------------------------------

    @pytest.mark.parametrize("status", [301, 302, 307, 308])
    def test_a_followed_redirect_is_resigned_for_its_new_url(self, kind: str, status: int) -> None:
        with StubServer(redirecting(status, "/new?x=a b")) as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "GET", f"{stub.url}/old")
        assert result.status == 200
        last = stub.requests[-1]
        assert last.path == "/new" and verify(last) is None

    def test_a_redirect_to_another_host_is_not_signed_for_it(self, kind: str) -> None:
        # 127.0.0.1 -> localhost: another host, not AWS. It gets no signature and, from the
        # requests adapter, no session token either (httpx forwards every header but
        # Authorization when it follows a redirect, which it does not by default).
        creds = Credentials(ACCESS_KEY, SECRET_KEY, token="SESSION-TOKEN")
        with StubServer(redirecting(307, "http://localhost:PORT/new")) as stub:
            result = call(kind, auth_for(kind, creds, "us-east-1", "s3"), "PUT", f"{stub.url}/old", body=b"data")
        assert result.status == 403
        first, last = stub.requests
        assert verify(first) is None
        assert last.header("host") == f"localhost:{stub.port}" and last.header("authorization") is None
        if kind == "requests":
            assert last.header("x-amz-security-token") is None

    def test_303_after_put_becomes_a_signed_get_without_body(self, kind: str) -> None:
        with StubServer(redirecting(303, "/new")) as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "PUT", f"{stub.url}/old", body=b"data")
        assert result.status == 200
        last = stub.requests[-1]
        assert last.method == "GET" and last.body == b"" and verify(last) is None
        assert last.header("x-amz-content-sha256") == hashlib.sha256(b"").hexdigest()

    def test_redirect_not_followed_is_returned(self, kind: str) -> None:
        with StubServer(redirecting(307, "/new")) as stub:
            result = call(kind, auth_for(kind, CREDS, "us-east-1", "s3"), "GET", f"{stub.url}/old", follow_redirects=False)
        assert result.status == 307 and len(stub.requests) == 1

    # -- differential: whatever the URL looks like, botocore accepts what arrived --------------------

    @pytest.fixture(scope="class")
    @classmethod
    def stub(cls) -> Iterator[StubServer]:
        with StubServer() as server:
            yield server

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test_any_url_is_signed_as_sent(self, kind: str, stub: StubServer, data: st.DataObject) -> None:
        service = data.draw(st.sampled_from(["s3", "execute-api"]))
        segments = data.draw(st.lists(st.text(_URL_CHARS, max_size=6), min_size=1, max_size=4))
        safe = data.draw(st.sampled_from(["", "!$&'()*+,;=:@~"]))
        path = "/".join(quote(seg, safe=safe) for seg in segments)
        pairs = data.draw(
            st.lists(st.tuples(st.text(_URL_CHARS, min_size=1, max_size=5), st.text(_URL_CHARS, max_size=5)), max_size=4)
        )
        encode = data.draw(st.sampled_from([quote_plus, lambda v: quote(v, safe=""), lambda v: quote(v, safe="=/:@!$'()*,;")]))
        query = "&".join(f"{encode(k)}={encode(v)}" if v else encode(k) for k, v in pairs)
        url = f"{stub.url}/{path}" + (f"?{query}" if query else "")
        before = len(stub.requests)
        result = call(kind, auth_for(kind, CREDS, "us-east-1", service), "GET", url)
        rec = stub.requests[before]
        assert verify(rec) is None, (url, rec.target)
        assert result.status == 200


_URL_CHARS = "aZ09-_.~ !$&'()*+,;=:@%?#/é€😀"


class TestRequestsAdapter(AdapterContract):
    @pytest.fixture
    def kind(self) -> str:
        return "requests"


# -- requests only -------------------------------------------------------------------------------


def test_session_auth_and_form_and_json_bodies() -> None:
    import requests

    from sigv4.requests import SigV4Auth

    with StubServer() as stub, requests.Session() as session:
        session.trust_env = False
        session.auth = SigV4Auth(CREDS, "us-east-1", "execute-api")
        assert session.post(f"{stub.url}/form", data={"a": "b c", "d": "é"}).status_code == 200
        assert session.post(f"{stub.url}/json", json={"k": "€"}).status_code == 200
        assert session.post(f"{stub.url}/files", files={"f": ("n.txt", b"content")}).status_code == 200
    assert all(verify(rec) is None for rec in stub.requests)
    assert stub.requests[0].body == b"a=b+c&d=%C3%A9"


def test_str_body_is_sent_as_utf8_with_its_length() -> None:
    from sigv4.requests import SigV4Auth

    _, headers = sign_offline("requests", SigV4Auth(CREDS, "us-east-1", "s3"), "PUT", "http://h/k", body="é€")
    assert headers["content-length"] == "5"
    assert headers["x-amz-content-sha256"] == hashlib.sha256("é€".encode()).hexdigest()


def test_non_seekable_reader_with_length() -> None:
    class Reader:
        def __init__(self, data: bytes) -> None:
            self._f = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._f.read(n)

        def __len__(self) -> int:
            return len(self._f.getvalue())

    from sigv4.requests import SigV4Auth

    with StubServer() as stub:
        result = call(
            "requests", SigV4Auth(CREDS, "us-east-1", "s3", unsigned_streams=True), "PUT", f"{stub.url}/b/k", body=Reader(b"abc")
        )
        assert result.status == 200 and stub.requests[0].header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
        with pytest.raises(PayloadError):
            call("requests", SigV4Auth(CREDS, "us-east-1", "s3"), "PUT", f"{stub.url}/b/k", body=Reader(b"abc"))


@pytest.mark.filterwarnings("ignore::requests.exceptions.FileModeWarning")
def test_text_mode_file_is_refused(tmp_path: Any) -> None:
    from sigv4.requests import SigV4Auth

    path = tmp_path / "t.txt"
    path.write_text("text")
    with open(path) as f, pytest.raises(PayloadError, match="binary"):
        sign_offline("requests", SigV4Auth(CREDS, "us-east-1", "s3"), "PUT", "http://h/k", body=f)


# -- shared policy ---------------------------------------------------------------------------------


def test_import_sigv4_imports_no_http_library() -> None:
    code = (
        "import sys, sigv4; assert 'requests' not in sys.modules and 'httpx' not in sys.modules;"
        "sigv4.Signer; sigv4.Credentials; import sigv4.requests; assert 'httpx' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    code = "import sys, sigv4.httpx; assert 'requests' not in sys.modules, [m for m in sys.modules if 'requests' in m]"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("host", "region", "expected"),
    [
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html and the
        # S3 endpoint list: global, legacy dash-region, dot-region, dual-stack, FIPS.
        ("s3.amazonaws.com", "eu-west-1", "s3.eu-west-1.amazonaws.com"),
        ("bucket.s3.amazonaws.com", "eu-west-1", "bucket.s3.eu-west-1.amazonaws.com"),
        ("bucket.s3.us-west-2.amazonaws.com", "ap-south-1", "bucket.s3.ap-south-1.amazonaws.com"),
        ("bucket.s3-us-west-2.amazonaws.com", "eu-west-1", "bucket.s3.eu-west-1.amazonaws.com"),
        ("s3-external-1.amazonaws.com", "eu-west-1", "s3.eu-west-1.amazonaws.com"),
        ("bucket.s3.dualstack.us-east-1.amazonaws.com", "eu-west-1", "bucket.s3.dualstack.eu-west-1.amazonaws.com"),
        ("s3-fips.us-east-2.amazonaws.com", "us-west-2", "s3-fips.us-west-2.amazonaws.com"),
        ("bucket.s3.cn-north-1.amazonaws.com.cn", "cn-northwest-1", "bucket.s3.cn-northwest-1.amazonaws.com.cn"),
        ("bucket.s3-accelerate.amazonaws.com", "eu-west-1", None),
        ("ap-1234.s3-accesspoint.us-west-2.amazonaws.com", "eu-west-1", None),
        ("bucket.s3-website-us-east-1.amazonaws.com", "eu-west-1", None),
        ("minio.example.com", "eu-west-1", None),
        ("127.0.0.1", "eu-west-1", None),
    ],
)
def test_regional_host(host: str, region: str, expected: str | None) -> None:
    assert regional_host(host, region) == expected


def test_301_from_the_global_endpoint_moves_to_the_regional_one() -> None:
    core = AdapterCore(CREDS, "us-east-1", "s3")
    retry = core.decide(
        url="https://s3.amazonaws.com/bucket/key?x=1",
        region="us-east-1",
        status=301,
        headers={"x-amz-bucket-region": "eu-central-1"},
        body=b"<Error><Code>PermanentRedirect</Code></Error>",
    )
    assert retry is not None and retry.url == "https://s3.eu-central-1.amazonaws.com/bucket/key?x=1"
    assert retry.region == "eu-central-1"
    # Later requests to that bucket are signed for eu-central-1 and sent to its host.
    signed = core.sign("GET", "https://s3.amazonaws.com/bucket/other", [], b"", streaming=False, caller_own=frozenset())
    assert signed.url == "https://s3.eu-central-1.amazonaws.com/bucket/other"
    assert signed.request.credential_scope.endswith("/eu-central-1/s3/aws4_request")
    assert "host:s3.eu-central-1.amazonaws.com\n" in signed.request.canonical_request


@pytest.mark.parametrize(
    ("signed", "new", "expected"),
    [
        ("http://127.0.0.1:9000/b/k", "http://127.0.0.1:9001/b/k", True),
        ("https://s3.amazonaws.com/b/k", "https://b.s3.eu-west-1.amazonaws.com/k", True),
        ("https://s3.amazonaws.com/b/k", "https://evil.example.com/k", False),
        ("http://127.0.0.1:9000/b/k", "http://localhost:9000/b/k", False),
        ("https://minio.example.com/b", "https://amazonaws.com.evil.example/b", False),
    ],
)
def test_which_redirect_targets_are_signed(signed: str, new: str, expected: bool) -> None:
    assert may_follow(signed, new) is expected


def test_generic_service_signature_expired_is_skew() -> None:
    core = AdapterCore(CREDS, "us-east-1", "sts", clock=lambda: 1_700_000_000.0)
    body = b'{"__type":"InvalidSignatureException","message":"Signature expired: 20231114T220000Z is now earlier than ..."}'
    retry = core.decide(
        url="https://sts.amazonaws.com/",
        region="us-east-1",
        status=403,
        headers={"date": "Tue, 14 Nov 2023 23:13:20 GMT"},
        body=body,
    )
    assert retry is not None and retry.kind == "skew"
    assert core.clock_offset == 3600.0  # the server's Date minus the local clock
