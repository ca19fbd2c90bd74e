"""Vault AWS IAM login payloads.  Oracles: botocore's ``SigV4Auth`` over the
decoded request gives the same Authorization, and hvac's construction
(``generate_sigv4_auth_request``: an AWSRequest with Host and Content-Type, the
server-id header, SigV4Auth for ``sts``) reproduced with botocore gives the same
headers JSON and URL."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.tokens import vault_login_payload
from tests.strategies import access_keys, secret_keys, times, tokens
from tests.tokens.recipe_oracles import boto_creds, boto_sign, region_names

VAULT_EXAMPLES = 300
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
BODY = "Action=GetCallerIdentity&Version=2011-06-15"
CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
server_ids = st.one_of(
    st.none(),
    st.sampled_from(["vault.example.com", "https://vault:8200", "x"]),
    st.text("abc.-:/ 1", min_size=1, max_size=20).map(str.strip).filter(bool),
)


def decode(payload: dict[str, Any]) -> tuple[str, str, bytes, dict[str, list[str]]]:
    return (
        payload["iam_http_request_method"],
        base64.b64decode(payload["iam_request_url"]).decode(),
        base64.b64decode(payload["iam_request_body"]),
        json.loads(base64.b64decode(payload["iam_request_headers"])),
    )


def hvac_style(region: str, creds: Any, server_id: Optional[str], now: datetime) -> tuple[str, dict[str, str]]:
    host = "sts.amazonaws.com" if region == "us-east-1" else f"sts.{region}.amazonaws.com"
    headers = {"Content-Type": CONTENT_TYPE, "Host": host}
    if server_id is not None:
        headers["X-Vault-AWS-IAM-Server-ID"] = server_id
    return f"https://{host}/", boto_sign("POST", f"https://{host}/", "sts", region, creds, now, headers, BODY.encode())


@settings(max_examples=VAULT_EXAMPLES)
@given(
    region=region_names,
    server_id=server_ids,
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
    role=st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=10),
)
def test_matches_botocore(
    region: str, server_id: Optional[str], access_key: str, secret_key: str, token: Optional[str], now: datetime, role: str
) -> None:
    payload = vault_login_payload(
        role, credentials=Credentials(access_key, secret_key, token), server_id=server_id, region=region, now=now
    )
    assert set(payload) == {"role", "iam_http_request_method", "iam_request_url", "iam_request_body", "iam_request_headers"}
    assert payload["role"] == role
    method, url, body, headers = decode(payload)
    assert method == "POST" and body == BODY.encode()
    assert all(isinstance(v, list) and len(v) == 1 and isinstance(v[0], str) for v in headers.values())
    flat = {k: v[0] for k, v in headers.items()}
    creds = boto_creds(access_key, secret_key, token)
    # 1. botocore re-signs the decoded request: same Authorization.
    unsigned = {k: v for k, v in flat.items() if k.lower() not in ("authorization", "x-amz-date", "x-amz-security-token")}
    resigned = boto_sign(method, url, "sts", region, creds, now, unsigned, body)
    assert resigned["Authorization"] == flat["Authorization"]
    # 2. hvac's construction: same URL, same headers (names compared case-insensitively).
    hvac_url, hvac_headers = hvac_style(region, creds, server_id, now)
    assert url == hvac_url
    assert {k.lower(): v for k, v in flat.items()} == {k.lower(): v for k, v in hvac_headers.items()}
    signed = flat["Authorization"].partition("SignedHeaders=")[2].partition(",")[0].split(";")
    assert ("x-vault-aws-iam-server-id" in signed) == (server_id is not None)
    assert f"/{region}/sts/aws4_request" in flat["Authorization"]


def test_custom_sts_endpoint_is_signed_for_the_region() -> None:
    creds = Credentials("AKIDEXAMPLE", "secret")
    payload = vault_login_payload(
        "r", credentials=creds, region="eu-west-1", sts_endpoint="https://sts.example.internal:8443", now=FIXED
    )
    _, url, body, headers = decode(payload)
    assert url == "https://sts.example.internal:8443/"
    assert headers["Host"] == ["sts.example.internal:8443"]
    flat = {k: v[0] for k, v in headers.items() if k != "Authorization"}
    resigned = boto_sign("POST", url, "sts", "eu-west-1", boto_creds("AKIDEXAMPLE", "secret", None), FIXED, flat, body)
    assert resigned["Authorization"] == headers["Authorization"][0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": ""},
        {"role": None},
        {"role": "\ud800"},
        {"server_id": ""},
        {"server_id": 5},
        {"region": "x y"},
        {"sts_endpoint": "sts.example.com"},
        {"sts_endpoint": "https://h/?a=b"},
    ],
)
def test_bad_input(kwargs: dict[str, Any]) -> None:
    args = {"role": "r", "credentials": Credentials("AK", "SK"), **kwargs}
    role = args.pop("role")
    with pytest.raises(SigningError) as info:
        vault_login_payload(role, **args)
    assert info.value.__context__ is None and "SK" not in str(info.value)
