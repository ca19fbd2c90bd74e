"""Service presets (``sigv4.core.settings.SERVICE_PRESETS``): OpenSearch Serverless signs
``x-amz-content-sha256``; OpenSearch, Lambda function URLs, API Gateway and Bedrock
take the generic rules.  Oracles: botocore's SigV4Auth on the same request (with the
``x-amz-content-sha256`` header opensearch-py's signer adds, for ``aoss``), and the
loopback stub for the requests adapter (opensearch-py's RequestsHttpConnection path)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, Signer
from sigv4.core.settings import GENERIC, settings_for
from tests.botocore_oracle import header_sign
from tests.strategies import access_keys, encoded_paths, encoded_queries, secret_keys, times, tokens
from tests.stubserver import ACCESS_KEY, SECRET_KEY, StubServer, call, verify

PRESET_EXAMPLES = 300


def test_presets() -> None:
    assert settings_for("aoss").content_sha256_header is True
    assert settings_for("aoss").unsigned_payload is False
    for service in ("es", "lambda", "execute-api", "bedrock"):
        assert settings_for(service) == GENERIC
    assert settings_for("aoss", content_sha256_header=False).content_sha256_header is False


@settings(max_examples=PRESET_EXAMPLES)
@given(
    service=st.sampled_from(["aoss", "es", "lambda", "execute-api", "bedrock"]),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=encoded_paths(),
    query=encoded_queries(),
    body=st.binary(max_size=200),
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
)
def test_presets_match_botocore(
    service: str,
    method: str,
    path: str,
    query: str,
    body: bytes,
    access_key: str,
    secret_key: str,
    token: Optional[str],
    now: datetime,
) -> None:
    url = f"https://search-x.eu-west-1.{service}.amazonaws.com{path}" + (f"?{query}" if query else "")
    headers = [("Content-Type", "application/json")]
    signed = Signer(Credentials(access_key, secret_key, token), "eu-west-1", service).sign(
        method, url, headers, body=body, now=now
    )
    body_hash = hashlib.sha256(body).hexdigest()
    assert signed.canonical_request.endswith("\n" + body_hash)  # the real body hash (Lambda function URLs require it)
    if service == "aoss":
        assert signed.headers["x-amz-content-sha256"] == body_hash and "x-amz-content-sha256" in signed.signed_headers
        headers = [*headers, ("x-amz-content-sha256", body_hash)]  # what opensearch-py's AWSV4SignerAuth adds
    else:
        assert "x-amz-content-sha256" not in {k.lower() for k in signed.headers}
    theirs = header_sign(
        s3=False,
        method=method,
        url=url,
        access_key=access_key,
        secret_key=secret_key,
        service=service,
        now=now,
        headers=headers,
        body=body,
        token=token,
        region="eu-west-1",
    )
    assert signed.headers["Authorization"] == theirs["Authorization"]


@pytest.mark.parametrize("kind", ["requests", "httpx"])
def test_aoss_through_the_adapters(kind: str) -> None:
    """opensearch-py: ``OpenSearch(hosts=..., http_auth=SigV4Auth(creds, region, "aoss"),
    connection_class=RequestsHttpConnection)`` hands the auth to requests as here."""
    from tests.stubserver import auth_for

    body = b'{"query": {"match_all": {}}}'
    with StubServer() as stub:
        result = call(
            kind,
            auth_for(kind, Credentials(ACCESS_KEY, SECRET_KEY), "us-east-1", "aoss"),
            "POST",
            stub.url + "/idx/_search",
            headers={"Content-Type": "application/json"},
            body=body,
        )
    (rec,) = stub.requests
    assert result.status == 200 and verify(rec) is None
    assert rec.header("x-amz-content-sha256") == hashlib.sha256(body).hexdigest()
    assert "x-amz-content-sha256" in rec.signed_headers
