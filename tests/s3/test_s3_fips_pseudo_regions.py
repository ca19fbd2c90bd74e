"""Legacy FIPS pseudo-regions (``fips-us-east-1``, ``us-east-1-fips``,
``fips-us-gov-west-1``...) resolve as botocore 1.44.8 resolves them: the plain
region in the scope, FIPS on (the ``s3-fips`` host), and Transfer Acceleration
refused with botocore's message.

The oracle is boto3's ``generate_presigned_url`` (BOTO_DISABLE_CRT=true, clock
frozen with freezegun) given the same pseudo-region.  Where README's deliberate
difference applies (``auto`` addressing with FIPS outside us-east-1: boto3 writes
the *us-east-1* FIPS host, which does not serve other regions' buckets), the
oracle is boto3 with ``addressing_style='virtual'``, and sigv4's URL must also equal
what ``use_fips_endpoint=True`` gives for the plain region.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Optional

import boto3
import freezegun
import pytest
from botocore.config import Config

import sigv4
from sigv4 import SigningError
from sigv4.s3.endpoints import LEGACY_REGIONS

ACCESS = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz"
NOW = datetime(2024, 2, 29, 23, 59, 58, tzinfo=timezone.utc)

PSEUDO_REGIONS = [
    "fips-us-east-1", "us-east-1-fips", "fips-us-east-2", "us-east-2-fips", "fips-us-west-1", "us-west-2-fips",
    "fips-ca-central-1", "ca-central-1-fips", "fips-us-gov-west-1", "us-gov-west-1-fips", "fips-us-gov-east-1",
    "us-gov-east-1-fips", "fips-eu-west-1",
]  # fmt: skip
STYLES = ["auto", "virtual", "path"]
REQUESTS = [
    ("get_object", {"Bucket": "my-bucket", "Key": "a b+c/é.txt"}),
    ("get_object", {"Bucket": "my.dotted.bucket", "Key": "k"}),
    ("put_object", {"Bucket": "my-bucket", "Key": "k", "ContentType": "text/plain"}),
    ("list_objects_v2", {"Bucket": "my-bucket", "Prefix": "a/"}),
    ("head_bucket", {"Bucket": "my-bucket"}),
    ("get_bucket_location", {"Bucket": "my-bucket"}),
]


def plain(region: str) -> str:
    return region.replace("fips-", "").replace("-fips", "")


@contextmanager
def _clean_env() -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                del os.environ[name]
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def boto_url(region: str, style: str, method: str, params: dict[str, Any], *, accelerate: bool = False,
             endpoint: Optional[str] = None) -> str:  # fmt: skip
    client = _boto_client(region, style, accelerate, endpoint)
    with freezegun.freeze_time(NOW):
        return str(client.generate_presigned_url(method, Params=params, ExpiresIn=900))


@functools.cache
def _boto_client(region: str, style: str, accelerate: bool, endpoint: Optional[str]) -> Any:
    s3: dict[str, Any] = {"use_accelerate_endpoint": accelerate}
    if style != "auto":
        s3["addressing_style"] = style
    with _clean_env():
        return boto3.session.Session().client(
            "s3", region_name=region, endpoint_url=endpoint, aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
            config=Config(signature_version="s3v4", s3=s3),
        )  # fmt: skip


def our_url(region: str, style: str, method: str, params: dict[str, Any], *, fips: bool = False, accelerate: bool = False,
            endpoint: Optional[str] = None) -> str:  # fmt: skip
    with _clean_env():
        client = sigv4.client(
            "s3", region_name=region, endpoint_url=endpoint, aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
            config={"s3": {"addressing_style": style, "use_accelerate_endpoint": accelerate}, "use_fips_endpoint": fips},
        )  # fmt: skip
        return str(client.presign(method, params, ExpiresIn=900, now=NOW).url)


COUNTS = {"boto3 equal": 0, "boto3 virtual (documented difference)": 0}


@pytest.mark.parametrize("region", PSEUDO_REGIONS)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("method", "params"), REQUESTS, ids=[f"{m}-{p['Bucket']}" for m, p in REQUESTS])
def test_pseudo_region_as_botocore(region: str, style: str, method: str, params: dict[str, Any]) -> None:
    ours = our_url(region, style, method, params)
    scope_region = plain(region)
    assert f"%2F{scope_region}%2Fs3%2Faws4_request" in ours  # the scope names the plain region
    assert "fips" not in ours.partition("X-Amz-Credential=")[2].partition("&")[0]
    # the same as use_fips_endpoint=True with the plain region
    assert ours == our_url(scope_region, style, method, params, fips=True)
    documented = style == "auto" and scope_region != "us-east-1" and scope_region in LEGACY_REGIONS
    want = boto_url(region, "virtual" if documented else style, method, params)
    assert ours == want
    if method != "get_bucket_location":  # boto3 always sends that one path-style, to the regional host
        assert "s3-fips." in ours.partition("?")[0]
    COUNTS["boto3 virtual (documented difference)" if documented else "boto3 equal"] += 1


def test_us_east_1_pseudo_region_is_boto3s_url_in_every_style() -> None:
    for region in ("fips-us-east-1", "us-east-1-fips"):
        for style in STYLES:
            for method, params in REQUESTS:
                assert our_url(region, style, method, params) == boto_url(region, style, method, params)


@pytest.mark.parametrize("region", ["fips-us-east-1", "us-west-2-fips", "fips-us-gov-west-1"])
def test_accelerate_with_a_pseudo_region_is_refused(region: str) -> None:
    with pytest.raises(Exception, match="Accelerate cannot be used with FIPS"):
        boto_url(region, "auto", "get_object", {"Bucket": "my-bucket", "Key": "k"}, accelerate=True)
    with pytest.raises(SigningError, match="Accelerate cannot be used with FIPS"):
        our_url(region, "auto", "get_object", {"Bucket": "my-bucket", "Key": "k"}, accelerate=True)


def test_china_pseudo_region_is_refused_as_botocore() -> None:
    with pytest.raises(Exception, match="Partition does not support FIPS"):
        boto_url("fips-cn-north-1", "auto", "get_object", {"Bucket": "my-bucket", "Key": "k"})
    with pytest.raises(SigningError, match="Partition does not support FIPS"):
        our_url("fips-cn-north-1", "auto", "get_object", {"Bucket": "my-bucket", "Key": "k"})


@pytest.mark.parametrize("style", STYLES)
def test_pseudo_region_with_a_custom_endpoint(style: str) -> None:
    """A custom endpoint switches FIPS off (as botocore); the scope keeps the plain region."""
    for endpoint in ("https://minio.example:9000", "http://127.0.0.1:9000"):
        params = {"Bucket": "my-bucket", "Key": "k"}
        ours = our_url("fips-us-east-2", style, "get_object", params, endpoint=endpoint)
        assert ours == boto_url("fips-us-east-2", style, "get_object", params, endpoint=endpoint)
        assert "%2Fus-east-2%2Fs3%2F" in ours


def test_client_meta_region_is_the_plain_region() -> None:
    with _clean_env():
        client = sigv4.client("s3", region_name="us-gov-west-1-fips", aws_access_key_id=ACCESS, aws_secret_access_key=SECRET)
        boto = boto3.session.Session().client(
            "s3", region_name="us-gov-west-1-fips", aws_access_key_id=ACCESS, aws_secret_access_key=SECRET
        )
    assert client.meta.region_name == boto.meta.region_name == "us-gov-west-1"
