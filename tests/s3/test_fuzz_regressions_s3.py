"""Regressions from the fuzz run (tests/fuzz) in the S3 layer: each input once escaped as a
bare TypeError/UnicodeEncodeError/ValueError/RecursionError, or raised a SigningError chained
to another exception (``raise ... from None`` keeps ``__context__``)."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import sigv4
from sigv4.core.errors import SigningError
from sigv4.exceptions import InvalidConfigError, ParamValidationError
from sigv4.s3.post import InvalidPolicyError, build_policy, decode_policy, sign_policy

SECRET = "SECRETMARKER/0123456789abcdef"
CREDS = sigv4.Credentials("AKIDEXAMPLE", SECRET)


def refused(
    error: type[SigningError], fn: Callable[..., Any], *args: Any, field: str | None = None, **kwargs: Any
) -> SigningError:
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    e = info.value
    assert e.__cause__ is None and e.__context__ is None, f"chained to {e.__context__!r}"
    assert "SECRETMARKER" not in repr(e) and "SECRETMARKER" not in str(e)
    if field is not None:
        assert e.field == field, e
    return e


@pytest.fixture
def s3() -> Any:
    return sigv4.client("s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET)


def test_params_that_are_not_a_dict(s3: Any) -> None:
    refused(ParamValidationError, s3.generate_presigned_url, "get_object", Params=5, field="Params")
    refused(ParamValidationError, s3.generate_presigned_url, "get_object", Params="Bucket=b", field="Params")


def test_copy_source_without_bucket_is_not_chained(s3: Any) -> None:
    e = refused(
        ParamValidationError, s3.generate_presigned_url, "copy_object", Params={"Bucket": "b", "Key": "k", "CopySource": {}}
    )
    assert "Bucket" in str(e)


def test_sse_customer_key_with_a_lone_surrogate(s3: Any) -> None:
    params = {"Bucket": "b", "Key": "k", "SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k\ud800"}
    refused(ParamValidationError, s3.generate_presigned_url, "get_object", Params=params, field="SSECustomerKey")


@pytest.mark.parametrize(
    "expires",
    [float("nan"), float("inf"), 1e20, "nan", "not a date"],
)
def test_timestamps_that_are_not_a_time(s3: Any, expires: object) -> None:
    # Was: ValueError (NaN to int), OverflowError (inf, year 1 at +05:00).
    refused(ParamValidationError, s3.generate_presigned_url, "put_object", Params={"Bucket": "b", "Key": "k", "Expires": expires})


def test_can_presign_takes_anything(s3: Any) -> None:
    assert s3.can_presign("get_object") is True
    assert s3.can_presign({}) is False  # was: TypeError (unhashable)
    assert s3.can_presign(["get_object"]) is False


@pytest.mark.parametrize("field", ["endpoint_url", "public_endpoint_url"])
@pytest.mark.parametrize("value", [b"x", 5, {"url": "https://h"}])
def test_endpoint_urls_that_are_not_a_str(field: str, value: object) -> None:
    # Was: TypeError from "https://" + endpoint, AttributeError (no .partition) in the addressing.
    kwargs = {field: value}
    with pytest.raises(InvalidConfigError) as info:
        sigv4.client("s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=SECRET, **kwargs)
    assert info.value.__context__ is None and info.value.field == field


@pytest.mark.parametrize(
    ("bucket", "key", "field"),
    [(True, "k", "bucket"), ("b", b"k", "key"), ("b", 5, "key"), ("", "k", "bucket")],
)
def test_build_policy_odd_bucket_and_key(bucket: object, key: object, field: str) -> None:
    # Was: AttributeError/TypeError from key.endswith().
    refused(
        InvalidPolicyError,
        build_policy,
        bucket,
        key,
        credential="AKID/20240101/us-east-1/s3/aws4_request",
        date_time="20240101T000000Z",
        field=field,
    )


def test_build_policy_date_time_that_is_not_a_str() -> None:
    refused(
        InvalidPolicyError,
        build_policy,
        "b",
        "k",
        credential="AKID/20240101/us-east-1/s3/aws4_request",
        date_time=5,
        field="date_time",
    )


@pytest.mark.parametrize(
    "policy",
    ["\ud800", "{\ud800}", "[" * 5000, b"\xff\xfe", "not json", '{"a": ' * 3000],
)
def test_sign_policy_text_that_is_not_a_policy(policy: object) -> None:
    # Was: UnicodeEncodeError ('\ud800'), RecursionError ('[' * 5000), chained JSON errors.
    refused(InvalidPolicyError, sign_policy, policy, CREDS, field="policy")


def test_decode_policy_not_chained() -> None:
    refused(InvalidPolicyError, decode_policy, "!!!", field="policy")
    refused(InvalidPolicyError, decode_policy, "W1s=", field="policy")  # base64 of '[[' : not JSON


def test_render_form_with_a_bad_policy_field_is_not_chained() -> None:
    from sigv4.s3.form import render_form

    post = {"url": "https://b.s3.amazonaws.com/", "fields": {"key": "k", "policy": "cA=="}}  # base64 of 'p'
    refused(InvalidPolicyError, render_form, post, success_action_status=201, field="policy")
