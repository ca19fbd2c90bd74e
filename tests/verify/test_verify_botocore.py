"""Requests signed by botocore 1.44.8 (the test-only oracle, an independent
signer) verify; botocore's signature with one byte changed does not."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sigv4
from tests.botocore_oracle import header_sign, query_sign
from tests.strategies import (
    access_keys,
    encoded_paths,
    encoded_queries,
    generic_services,
    methods,
    regions,
    secret_keys,
    times,
    tokens,
)

HOSTS = ["example.amazonaws.com", "bucket.s3.amazonaws.com", "127.0.0.1:9000"]
# Header names botocore signs (it skips user-agent, expect, x-amzn-trace-id, ...).
HEADERS = st.lists(
    st.tuples(
        st.sampled_from(["X-Amz-Meta-Foo", "Content-Type", "Range", "x-custom", "Content-MD5"]),
        st.text("abc 019=;,/", max_size=12),
    ),
    max_size=3,
    unique_by=lambda p: p[0].lower(),
)


def _verifier(creds: sigv4.Credentials, when: datetime) -> sigv4.Verifier:
    return sigv4.Verifier(lambda key: creds if key == creds.access_key else None, clock=lambda: when.timestamp())


@given(
    s3=st.booleans(),
    service=generic_services,
    method=methods,
    host=st.sampled_from(HOSTS),
    path=encoded_paths(),
    query=encoded_queries(unique_keys=True, allow_bare=False),
    headers=HEADERS,
    body=st.binary(max_size=40),
    ak=access_keys,
    sk=secret_keys,
    token=tokens,
    region=regions,
    when=times,
)
def test_botocore_header_signed_requests_verify(
    s3: bool, service: str, method: str, host: str, path: str, query: str, headers: list[tuple[str, str]],
    body: bytes, ak: str, sk: str, token: str | None, region: str, when: datetime,
) -> None:  # fmt: skip
    service = "s3" if s3 else service
    url = f"https://{host}{path}" + (f"?{query}" if query else "")
    sent = header_sign(
        s3=s3, method=method, url=url, access_key=ak, secret_key=sk, service=service, now=when,
        headers=headers, body=body, token=token, region=region,
    )  # fmt: skip
    creds = sigv4.Credentials(ak, sk, token)
    result = _verifier(creds, when).verify(method, url, sent, body)
    assert (result.access_key, result.region, result.service) == (ak, region, service)
    sig = sent["Authorization"][-64:]
    sent["Authorization"] = sent["Authorization"][:-64] + ("0" if sig[0] != "0" else "1") + sig[1:]
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(creds, when).verify(method, url, sent, body)
    assert err.value.code == "SignatureDoesNotMatch"


@given(
    s3=st.booleans(),
    service=generic_services,
    method=st.sampled_from(["GET", "PUT", "HEAD", "DELETE"]),
    host=st.sampled_from(HOSTS),
    path=encoded_paths(),
    query=encoded_queries(unique_keys=True, allow_bare=False),
    ak=access_keys,
    sk=secret_keys,
    token=tokens,
    region=regions,
    when=times,
    expires=st.integers(1, 604800),
    age=st.floats(0, 1),
)
def test_botocore_presigned_urls_verify(
    s3: bool, service: str, method: str, host: str, path: str, query: str, ak: str, sk: str,
    token: str | None, region: str, when: datetime, expires: int, age: float,
) -> None:  # fmt: skip
    service = "s3" if s3 else service
    url = f"https://{host}{path}" + (f"?{query}" if query else "")
    presigned = query_sign(
        s3=s3, method=method, url=url, access_key=ak, secret_key=sk, service=service, expires=expires,
        now=when, token=token, region=region,
    )  # fmt: skip
    creds = sigv4.Credentials(ak, sk, token)
    later = datetime.fromtimestamp(when.timestamp() + int(age * expires), when.tzinfo)
    result = _verifier(creds, later).verify(method, presigned, {})
    assert result.presigned and result.expires == expires
    expired = datetime.fromtimestamp(when.timestamp() + expires + 1, when.tzinfo)
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(creds, expired).verify(method, presigned, {})
    assert (err.value.code, err.value.message) == ("AccessDenied", "Request has expired")
