"""awscrt signs, header-style, the requests the requests/httpx adapters sent to a Multi-Region
Access Point host, and agrees with them: the same ``X-Amz-Date``, ``X-Amz-Region-Set``,
``x-amz-content-sha256``, credential and ``SignedHeaders``, and awscrt's (randomised)
signature verifies (``cryptography``) over the string to sign built from botocore's canonical
request of the request as sent (tests/adapters/test_adapter_mrap.py) -- the one our signature
verifies over too."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sigv4
from tests.adapters.test_adapter_mrap import (
    _HEADERS,
    _KEY,
    MRAP_HOSTS,
    NOW,
    HttpxAuth,
    RequestsAuth,
    _sent_httpx,
    _sent_requests,
    string_to_sign,
    verify_sent,
)
from tests.core.test_sigv4a_signer import CREDENTIAL_PAIRS, oracle_public_key, oracle_verifies
from tests.crt_oracle.test_awscrt_sigv4a import Worker, _awscrt_python

OURS = frozenset({"authorization", "x-amz-date", "x-amz-region-set", "x-amz-security-token", "x-amz-content-sha256"})
COUNT = [0]


@pytest.fixture(scope="module")
def crt() -> Iterator[Worker]:
    python = _awscrt_python()
    if python is None:
        import os

        message = "awscrt's venv is missing: run scripts/test, or set SIGV4_AWSCRT_PYTHON to a Python with awscrt"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    w = Worker(python)
    try:
        yield w
    finally:
        w.stop()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    adapter=st.sampled_from(["requests", "httpx"]),
    host=st.sampled_from(MRAP_HOSTS),
    method=st.sampled_from(["GET", "PUT", "DELETE"]),
    key=_KEY,
    headers=_HEADERS,
    body=st.binary(max_size=48),
    pair=st.sampled_from(CREDENTIAL_PAIRS),
    token=st.sampled_from([None, "FQoGZXIvYXdzEJr//////////wEaDM+token="]),
)
def test_awscrt_agrees_with_the_adapters_on_mrap_hosts(
    crt: Worker,
    adapter: str,
    host: str,
    method: str,
    key: str,
    headers: dict[str, str],
    body: bytes,
    pair: tuple[str, str],
    token: str | None,
) -> None:
    url = f"https://{host}/{quote(key, safe='/~')}"
    creds = sigv4.Credentials(pair[0], pair[1], token)
    kind = RequestsAuth if adapter == "requests" else HttpxAuth
    send = _sent_requests if adapter == "requests" else _sent_httpx
    sent_method, sent_url, sent_headers = send(kind(creds, "eu-west-1", "s3", clock=NOW.timestamp), method, url, headers, body)  # type: ignore[operator]
    creq = verify_sent(sent_method, sent_url, sent_headers, pair, token)
    lower = {n.lower(): v for n, v in sent_headers}
    prefix, _, _ = lower["authorization"].partition(", Signature=")
    signed_names = prefix.partition("SignedHeaders=")[2].split(";")
    parts = urlsplit(sent_url)
    given_headers = [["Host", parts.netloc.removesuffix(":443")]]
    given_headers += [[n, v] for n, v in sent_headers if n.lower() in signed_names and n.lower() not in OURS | {"host"}]
    answer = crt.sign(
        {
            "method": sent_method,
            "path": parts.path + (f"?{parts.query}" if parts.query else ""),
            "headers": given_headers,
            "body_hex": body.hex(),
            "presign": False,
            "region_set": "*",
            "service": "s3",
            "access_key": pair[0],
            "secret_key": pair[1],
            "token": token,
            "date": NOW.timestamp(),
            "s3": True,
            "normalize": False,
            "expires": 300,
        }
    )
    assert "error" not in answer, answer
    theirs = {str(n).lower(): str(v) for n, v in answer["headers"]}  # type: ignore[attr-defined]
    for name in ("x-amz-date", "x-amz-region-set", "x-amz-security-token", "x-amz-content-sha256"):
        assert theirs.get(name) == lower.get(name), name
    their_prefix, _, their_signature = theirs["authorization"].partition(", Signature=")
    assert their_prefix == prefix
    assert oracle_verifies(oracle_public_key(*pair), string_to_sign(creq, lower["x-amz-date"]), their_signature), creq
    COUNT[0] += 1


def test_count(crt: Worker) -> None:
    """Run last: the property compared requests."""
    print(f"\nadapters vs awscrt on MRAP hosts: {COUNT[0]} requests")
    assert COUNT[0] >= 50
