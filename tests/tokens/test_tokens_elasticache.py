"""ElastiCache and MemoryDB IAM auth tokens against AWS's documented recipe:
botocore's ``SigV4QueryAuth`` over ``GET http://{name}/?Action=connect&User=...``
(the query built with ``urlencode``, as the documentation's example does), at the
same time: the query must be equal as a set, and the signature equal."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.exceptions import ParamValidationError
from sigv4.tokens import ElastiCacheIAMProvider, elasticache_auth_token, memorydb_auth_token
from tests.strategies import access_keys, secret_keys, times, tokens
from tests.tokens.recipe_oracles import boto_creds, boto_presign, dns_names, query_set, region_names, signature, users

CACHE_EXAMPLES = 300
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def documented_recipe(
    service: str, name: str, user: str, region: str, serverless: bool, expires: int, creds: object, now: datetime
) -> str:
    params = {"Action": "connect", "User": user}
    if serverless:
        params["ResourceType"] = "ServerlessCache"
    url = boto_presign(f"http://{name}/?{urlencode(params)}", service, region, expires, creds, now)
    assert url.startswith("http://")
    return url[len("http://") :]


def same(ours: str, theirs: str) -> None:
    assert "://" not in ours
    assert ours.partition("?")[0] == theirs.partition("?")[0]
    assert query_set("http://" + ours) == query_set("http://" + theirs)
    assert signature("http://" + ours) == signature("http://" + theirs)


@settings(max_examples=CACHE_EXAMPLES)
@given(
    name=dns_names,
    user=users,
    region=region_names,
    serverless=st.booleans(),
    expires=st.integers(1, 900),
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
)
def test_elasticache_matches_the_documented_recipe(
    name: str,
    user: str,
    region: str,
    serverless: bool,
    expires: int,
    access_key: str,
    secret_key: str,
    token: Optional[str],
    now: datetime,
) -> None:
    ours = elasticache_auth_token(
        name,
        user,
        region,
        serverless=serverless,
        credentials=Credentials(access_key, secret_key, token),
        expires_in=expires,
        now=now,
    )
    theirs = documented_recipe(
        "elasticache", name, user, region, serverless, expires, boto_creds(access_key, secret_key, token), now
    )
    same(ours, theirs)


@settings(max_examples=CACHE_EXAMPLES)
@given(
    name=dns_names,
    user=users,
    region=region_names,
    expires=st.integers(1, 900),
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
)
def test_memorydb_matches_the_documented_recipe(
    name: str, user: str, region: str, expires: int, access_key: str, secret_key: str, token: Optional[str], now: datetime
) -> None:
    ours = memorydb_auth_token(
        name, user, region, credentials=Credentials(access_key, secret_key, token), expires_in=expires, now=now
    )
    theirs = documented_recipe("memorydb", name, user, region, False, expires, boto_creds(access_key, secret_key, token), now)
    same(ours, theirs)


def test_shape_of_a_serverless_token() -> None:
    token = elasticache_auth_token(
        "my-cache", "app-user", "eu-west-1", serverless=True, credentials=Credentials("AKID", "SK"), now=FIXED
    )
    assert token.startswith(
        "my-cache/?Action=connect&User=app-user&ResourceType=ServerlessCache&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
    )
    assert "X-Amz-Credential=AKID%2F20260102%2Feu-west-1%2Felasticache%2Faws4_request&" in token
    assert "&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" in token


@pytest.mark.parametrize("expires", [0, 901, 3600, True, "900", 1.5])
def test_expiry_above_900_is_refused(expires: object) -> None:
    for call in (elasticache_auth_token, memorydb_auth_token):
        with pytest.raises(ParamValidationError) as info:
            call("c", "u", "us-east-1", credentials=Credentials("AK", "SK"), expires_in=expires)  # type: ignore[operator]
        assert info.value.field == "expires_in"


@pytest.mark.parametrize(
    ("name", "user"),
    [
        ("", "u"),
        ("a/b", "u"),
        ("http://c", "u"),
        ("c:6379", "u"),
        ("[::1]", "u"),
        ("c", ""),
        ("c", "\ud800"),
        (5, "u"),
        ("c", None),
    ],
)
def test_bad_names(name: object, user: object) -> None:
    with pytest.raises(SigningError) as info:
        elasticache_auth_token(name, user, "us-east-1", credentials=Credentials("AK", "SK"))  # type: ignore[arg-type]
    assert info.value.__context__ is None


def test_redis_credential_provider() -> None:
    creds = Credentials("AKIDEXAMPLE", "secret")
    provider = ElastiCacheIAMProvider("app-user", "my-cache", "us-east-1", credentials=creds)
    user, token = provider.get_credentials()
    assert user == "app-user"
    assert token.startswith("my-cache/?Action=connect&User=app-user&X-Amz-Algorithm=")
    memorydb = ElastiCacheIAMProvider("app-user", "my-cluster", "us-east-1", service="memorydb", credentials=creds)
    assert "%2Fmemorydb%2Faws4_request" in memorydb.get_credentials()[1]
    assert "secret" not in repr(provider)
    with pytest.raises(ParamValidationError):
        ElastiCacheIAMProvider("u", "c", "us-east-1", service="memorydb", serverless=True, credentials=creds)
