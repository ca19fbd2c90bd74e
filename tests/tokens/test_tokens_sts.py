"""``sigv4.client('sts').generate_presigned_url('get_caller_identity')``: byte for
byte boto3 1.44.8's, at the same frozen time."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

import boto3
import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.exceptions import ParamValidationError, UnknownClientMethodError
from tests.strategies import access_keys, secret_keys, times, tokens
from tests.tokens.recipe_oracles import aws_env

STS_EXAMPLES = 200
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
REGIONS = [None, "us-east-1", "eu-west-1", "aws-global", "cn-north-1", "us-gov-west-1", "ap-southeast-7", "us-iso-east-1"]
_clients: dict[Optional[str], object] = {}


@settings(max_examples=STS_EXAMPLES)
@given(
    region=st.sampled_from(REGIONS),
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
    expires=st.one_of(st.just(3600), st.integers(1, 604800)),
    method=st.sampled_from([None, "GET", "POST"]),
)
def test_equals_boto3(
    tmp_path_factory: pytest.TempPathFactory,
    region: Optional[str],
    access_key: str,
    secret_key: str,
    token: Optional[str],
    now: datetime,
    expires: int,
    method: Optional[str],
) -> None:
    with aws_env("unused", "unused", None, str(tmp_path_factory.getbasetemp())):
        theirs_client = boto3.client(
            "sts", region_name=region, aws_access_key_id=access_key, aws_secret_access_key=secret_key, aws_session_token=token
        )
        ours_client = sigv4.client(
            "sts", region_name=region, aws_access_key_id=access_key, aws_secret_access_key=secret_key, aws_session_token=token
        )
    with freeze_time(now):
        theirs = theirs_client.generate_presigned_url("get_caller_identity", ExpiresIn=expires, HttpMethod=method)
    ours = ours_client.generate_presigned_url("get_caller_identity", ExpiresIn=expires, HttpMethod=method, now=now)
    assert ours == theirs


def test_fixed_example() -> None:
    client = sigv4.client("sts", region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK")
    assert client.generate_presigned_url("get_caller_identity", now=FIXED) == (
        "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AK%2F20260102%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260102T030405Z&X-Amz-Expires=3600"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=87902981e30114f018c69dbeffb03958fadd5e856168b91d186213a4bfe9eee0"
    )  # boto3 1.44.8's URL for these inputs


def test_other_methods_and_params_are_refused() -> None:
    client = sigv4.client("sts", region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK")
    with pytest.raises(UnknownClientMethodError):
        client.generate_presigned_url("assume_role")
    with pytest.raises(ParamValidationError):
        client.generate_presigned_url("get_caller_identity", Params={"x": 1})
    with pytest.raises(ParamValidationError):
        client.generate_presigned_url("get_caller_identity", ExpiresIn=604801)
