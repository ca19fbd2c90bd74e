"""Odd argument types to the S3 client get a SigningError naming the argument (issue 12 §3)."""

from __future__ import annotations

import pytest

import sigv4


@pytest.mark.parametrize("field", ["endpoint_url", "public_endpoint_url"])
@pytest.mark.parametrize("value", [5, b"https://h", {}, {"a": 1}, ["https://h"], 1.5])
def test_endpoint_urls_must_be_strings(field: str, value: object) -> None:
    with pytest.raises(sigv4.exceptions.InvalidConfigError) as exc:
        client = sigv4.client("s3", region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK", **{field: value})
        client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    assert exc.value.field == field
    assert isinstance(exc.value, sigv4.SigningError)
