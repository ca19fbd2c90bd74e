"""The requests and httpx adapters sign a request to a Multi-Region Access Point host with
SigV4a (region set ``*``, service ``s3``), whatever region the auth was built with; offline.

The oracle: botocore's ``S3SigV4Auth.canonical_request`` (an independent canonicaliser) over
the request as sent (method, final URL, the headers named in ``SignedHeaders`` with the values
sent), the SigV4a string to sign written from the specification, and ``cryptography``
verifying the sent signature under the public key derived from the credentials by the
specification (tests/core/test_sigv4a_signer.py); ``sigv4.sigv4a.verify_signature`` too.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import httpx
import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from sigv4 import sigv4a
from sigv4.adapters.base import is_mrap_host
from sigv4.httpx import SigV4Auth as HttpxAuth
from sigv4.requests import SigV4Auth as RequestsAuth
from tests.core.test_sigv4a_signer import CREDENTIAL_PAIRS, oracle_public_key, oracle_verifies

V4A = "AWS4-ECDSA-P256-SHA256"
NOW = datetime(2026, 12, 1, 12, 30, 5, tzinfo=timezone.utc)
MRAP_HOSTS = (
    "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
    "abc123xyz.mrap.accesspoint.s3-global.amazonaws.com.cn",
    "a.b.accesspoint.s3-global.amazonaws.com:443",
)


def _sent_requests(
    auth: RequestsAuth, method: str, url: str, headers: dict[str, str], body: bytes
) -> tuple[str, str, list[tuple[str, str]]]:
    prepared = requests.Request(method, url, headers=headers, data=body or None).prepare()
    prepared = auth(prepared)
    return str(prepared.method), str(prepared.url), list(prepared.headers.items())


def _sent_httpx(
    auth: HttpxAuth, method: str, url: str, headers: dict[str, str], body: bytes
) -> tuple[str, str, list[tuple[str, str]]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        client.request(method, url, headers=headers, content=body)
    (request,) = seen
    return request.method, str(request.url), [(k, v) for k, v in request.headers.multi_items()]


def verify_sent(method: str, url: str, headers: list[tuple[str, str]], pair: tuple[str, str], token: str | None) -> str:
    """The oracle's checks of a sent request; returns its canonical request."""
    lower = {}
    for name, value in headers:
        lower.setdefault(name.lower(), []).append(value)
    auth = lower["authorization"][0]
    algorithm, _, rest = auth.partition(" ")
    assert algorithm == V4A, auth
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    amz_date = lower["x-amz-date"][0]
    assert amz_date == NOW.strftime("%Y%m%dT%H%M%SZ")
    assert fields["Credential"] == f"{pair[0]}/{amz_date[:8]}/s3/aws4_request"
    assert lower["x-amz-region-set"] == ["*"]
    if token is None:
        assert "x-amz-security-token" not in lower
    else:
        assert lower["x-amz-security-token"] == [token]
    signed_names = fields["SignedHeaders"].split(";")
    assert {"host", "x-amz-date", "x-amz-region-set", "x-amz-content-sha256"} <= set(signed_names)
    request = AWSRequest(method=method, url=url)
    for name, value in headers:
        if name.lower() in signed_names:
            request.headers[name] = value
    oracle = S3SigV4Auth(BotoCredentials(pair[0], pair[1], token), "s3", "*")
    creq = oracle.canonical_request(request)
    sts = string_to_sign(creq, amz_date)
    signature = fields["Signature"]
    assert oracle_verifies(oracle_public_key(*pair), sts, signature), creq
    assert sigv4a.verify_signature(sigv4a.signing_key(*pair).public_key, sts, signature)
    return creq


# Not starting with '/': a path starting with '//' is sent as '/%2F' (sigv4.adapters.base._sendable, for S3
# which decodes the path before canonicalising it), which an oracle reading the sent URL cannot follow.
_KEY = st.text(alphabet=st.sampled_from(list("ab/+~=.% -_é")), min_size=1, max_size=16).filter(lambda k: not k.startswith("/"))
_QUERY = st.lists(
    st.tuples(st.sampled_from(["versionId", "list-type", "prefix", "a b"]), st.text(alphabet="xyz /+=", max_size=6)), max_size=3
)
_HEADERS = st.dictionaries(
    st.sampled_from(["Content-Type", "X-Amz-Meta-Note", "Range", "x-amz-checksum-crc32", "If-Match"]),
    st.text(alphabet=st.sampled_from(list("az09 ,;=-")), min_size=1, max_size=12).map(str.strip).filter(bool),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(
    adapter=st.sampled_from(["requests", "httpx"]),
    host=st.sampled_from(MRAP_HOSTS),
    auth_region=st.sampled_from(["us-east-1", "eu-west-1", "cn-north-1"]),
    method=st.sampled_from(["GET", "PUT", "HEAD", "DELETE", "POST"]),
    key=_KEY,
    query=_QUERY,
    headers=_HEADERS,
    body=st.binary(max_size=64),
    pair=st.sampled_from(CREDENTIAL_PAIRS),
    token=st.sampled_from([None, "FQoGZXIvYXdzEJr//////////wEaDM+token="]),
)
def test_adapters_sign_mrap_hosts_with_sigv4a(
    adapter: str,
    host: str,
    auth_region: str,
    method: str,
    key: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes,
    pair: tuple[str, str],
    token: str | None,
) -> None:
    from urllib.parse import quote, urlencode

    url = f"https://{host}/{quote(key, safe='/~')}" + (f"?{urlencode(query)}" if query else "")
    creds = sigv4.Credentials(pair[0], pair[1], token)
    kind = RequestsAuth if adapter == "requests" else HttpxAuth
    auth = kind(creds, auth_region, "s3", clock=NOW.timestamp)
    send = _sent_requests if adapter == "requests" else _sent_httpx
    sent_method, sent_url, sent_headers = send(auth, method, url, headers, body)  # type: ignore[operator]
    creq = verify_sent(sent_method, sent_url, sent_headers, pair, token)
    assert f"\nhost:{host.removesuffix(':443')}\n" in creq


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_other_hosts_stay_sigv4(adapter: str) -> None:
    """Only an MRAP host switches to SigV4a: the regional access point and bucket hosts do not."""
    creds = sigv4.Credentials(*CREDENTIAL_PAIRS[0])
    kind = RequestsAuth if adapter == "requests" else HttpxAuth
    auth = kind(creds, "eu-west-1", "s3", clock=NOW.timestamp)
    send = _sent_requests if adapter == "requests" else _sent_httpx
    for url in (
        "https://my-bucket.s3.eu-west-1.amazonaws.com/k",
        "https://myap-123456789012.s3-accesspoint.eu-west-1.amazonaws.com/k",
        "https://accesspoint.s3-global.amazonaws.com/k",
        "https://x.accesspoint.s3-global.example.com/k",
    ):
        _, _, headers = send(auth, "GET", url, {}, b"")  # type: ignore[operator]
        sent = {k.lower(): v for k, v in headers}
        assert sent["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/eu-west-1/s3/aws4_request")
        assert "x-amz-region-set" not in sent


def test_explicit_algorithm_signs_everything_with_sigv4a() -> None:
    creds = sigv4.Credentials(*CREDENTIAL_PAIRS[1])
    auth = RequestsAuth(creds, "us-east-1,us-west-2", "s3", algorithm=V4A, clock=NOW.timestamp)
    assert not auth._core.recover_region  # a region set: no bucket region to learn
    _, _, headers = _sent_requests(auth, "GET", "https://my-bucket.s3.amazonaws.com/k", {}, b"")
    sent = {k.lower(): v for k, v in headers}
    assert sent["x-amz-region-set"] == "us-east-1,us-west-2"
    assert sent["authorization"].startswith(f"{V4A} Credential=AKIAIOSFODNN7EXAMPLE/20261201/s3/aws4_request")
    # An explicit SigV4 choice turns the MRAP switch off.
    plain = RequestsAuth(creds, "us-east-1", "s3", algorithm="AWS4-HMAC-SHA256", clock=NOW.timestamp)
    _, _, headers = _sent_requests(plain, "GET", f"https://{MRAP_HOSTS[0]}/k", {}, b"")
    assert dict(headers)["Authorization"].startswith("AWS4-HMAC-SHA256 ")


def test_non_s3_services_are_not_switched() -> None:
    creds = sigv4.Credentials(*CREDENTIAL_PAIRS[0])
    auth = RequestsAuth(creds, "us-east-1", "execute-api", clock=NOW.timestamp)
    _, _, headers = _sent_requests(auth, "GET", f"https://{MRAP_HOSTS[0]}/k", {}, b"")
    assert dict(headers)["Authorization"].startswith("AWS4-HMAC-SHA256 ")


@pytest.mark.parametrize(
    ("netloc", "expected"),
    [
        ("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", True),
        ("MFZWI23GNJVGW.MRAP.ACCESSPOINT.S3-GLOBAL.AMAZONAWS.COM:443", True),
        ("x.accesspoint.s3-global.amazonaws.com.cn", True),
        ("x.accesspoint.s3-global.amazonaws.eu", True),
        ("accesspoint.s3-global.amazonaws.com", False),
        (".accesspoint.s3-global.amazonaws.com", False),
        ("x.accesspoint.s3-global.amazonaws.com.evil.example", False),
        ("x.accesspoint.s3.amazonaws.com", False),
    ],
)
def test_is_mrap_host(netloc: str, expected: bool) -> None:
    assert is_mrap_host(netloc) is expected


def string_to_sign(creq: str, amz_date: str) -> str:
    """The SigV4a string to sign of a canonical request (no region in the scope), from the spec."""
    return f"{V4A}\n{amz_date}\n{amz_date[:8]}/s3/aws4_request\n{hashlib.sha256(creq.encode()).hexdigest()}"
