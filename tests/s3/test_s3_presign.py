"""sigv4's S3 presigner: errors, guards and the cases boto3 cannot serve as oracle for.

Expected URLs come from botocore (its ``S3SigV4QueryAuth`` directly where boto3's
client cannot presign the call) or boto3 1.44.8 itself, never from our output.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import sigv4
from sigv4 import Credentials, InvalidExpiryError, SigningError
from sigv4.exceptions import (
    EndpointResolutionError,
    NoCredentialsError,
    ParamValidationError,
    UnknownClientMethodError,
)
from sigv4.s3.client import S3Client
from sigv4.s3.endpoints import Addressing
from sigv4.session import Session

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz"
NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    yield


def ours(region: str = "us-east-1", token: str | None = None, **kw: Any) -> Any:
    return Session().client(
        "s3", region_name=region, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET, aws_session_token=token, **kw
    )


def botocore_presign(method: str, url: str, region: str, headers: dict[str, str] | None = None, expires: int = 3600) -> str:
    """The independent oracle: botocore's S3 query signer on a hand-built request."""
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials
    from freezegun import freeze_time

    request = AWSRequest(method=method, url=url, headers=headers or {})
    with freeze_time(NOW):
        S3SigV4QueryAuth(BotoCredentials("AKIDEXAMPLE", SECRET), "s3", region, expires=expires).add_auth(request)
    return str(request.url)


# -- what boto3 cannot presign, checked against botocore's signer ------------------------


def test_put_object_tagging_is_presignable_without_its_body() -> None:
    # boto3 requires Tagging, then fails to put the XML body in a URL; the uploader
    # sends the body, so sigv4 signs the PUT ?tagging request without it.
    url = ours("us-west-2").presign("put_object_tagging", {"Bucket": "b-1", "Key": "a b", "VersionId": "v1"}, now=NOW).url
    assert url == botocore_presign("PUT", "https://b-1.s3.amazonaws.com/a%20b?tagging=&versionId=v1", "us-west-2")


@pytest.mark.parametrize(
    ("member", "method"),
    [("Tagging", "put_object_tagging"), ("Body", "put_object"), ("MultipartUpload", "complete_multipart_upload")],
)
def test_body_members_are_refused_by_name(member: str, method: str) -> None:
    params = {"Bucket": "b-1", "Key": "k", "UploadId": "u", member: {"TagSet": []}}
    if method != "complete_multipart_upload":
        del params["UploadId"]
    with pytest.raises(ParamValidationError, match=member) as e:
        ours().generate_presigned_url(method, Params=params)
    assert e.value.field == member


# -- errors name what is wrong --------------------------------------------------------------


def test_unknown_method() -> None:
    with pytest.raises(UnknownClientMethodError, match="get_objects") as e:
        ours().generate_presigned_url("get_objects", Params={"Bucket": "b", "Key": "k"})
    assert isinstance(e.value, SigningError) and e.value.field == "ClientMethod"


@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({"Bucket": "b-1"}, "Key", 'Missing required parameter in input: "Key"'),
        ({"Bucket": "b-1", "Key": "k", "Versionid": "x"}, "Versionid", 'Unknown parameter in input: "Versionid"'),
        ({"Bucket": "b-1", "Key": 5}, "Key", "Invalid type for parameter Key"),
        ({"Bucket": "b-1", "Key": ""}, "Key", "valid min length: 1"),
        ({"Bucket": "b-1", "Key": "k", "PartNumber": "1"}, "PartNumber", "valid types: <class 'int'>"),
        ({"Bucket": "b-1", "Key": "k", "PartNumber": True}, "PartNumber", "Invalid type for parameter PartNumber"),
        ({"Bucket": "bad/bucket", "Key": "k"}, "Bucket", 'Invalid bucket name "bad/bucket"'),
        ({"Bucket": "b-1", "Key": "k", "IfModifiedSince": "yesterday"}, "IfModifiedSince", "Invalid timestamp"),
        ({"Bucket": "b-1", "Key": "k", "SSECustomerKey": 12}, "SSECustomerKey", "SSECustomerKey"),
    ],
)
def test_bad_params_raise_param_validation_error(params: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(ParamValidationError) as e:
        ours().generate_presigned_url("get_object", Params=params)
    assert e.value.field == field
    assert text in str(e.value)
    assert str(e.value).startswith("Parameter validation failed:\n")
    assert isinstance(e.value, SigningError)


def test_sse_c_key_never_echoed_in_errors() -> None:
    with pytest.raises(ParamValidationError) as e:
        ours().generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k", "SSECustomerKey": 123456789})
    assert "123456789" not in str(e.value)


def test_non_ascii_metadata_is_refused() -> None:
    with pytest.raises(ParamValidationError, match="ASCII"):
        ours().generate_presigned_url("put_object", Params={"Bucket": "b-1", "Key": "k", "Metadata": {"a": "é"}})


def test_multi_region_access_points_are_signed_with_sigv4a() -> None:
    """The host and parameters AWS documents for an MRAP (boto3 + awscrt gives the same URL:
    tests/crt_oracle/test_mrap_presign.py); the signature verifies with cryptography."""
    from urllib.parse import parse_qsl, urlsplit

    from tests.core.test_sigv4a_signer import oracle_public_key, oracle_verifies

    signed = ours().presign("get_object", {"Bucket": "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "Key": "a b"})
    parts = urlsplit(signed.url)
    assert (parts.netloc, parts.path) == ("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", "/a%20b")
    query = dict(parse_qsl(parts.query))
    assert query["X-Amz-Algorithm"] == "AWS4-ECDSA-P256-SHA256"
    assert "&X-Amz-Region-Set=%2A&" in signed.url
    assert query["X-Amz-Credential"].endswith("/s3/aws4_request") and query["X-Amz-Credential"].count("/") == 3
    assert oracle_verifies(oracle_public_key("AKIDEXAMPLE", SECRET), signed.string_to_sign, query["X-Amz-Signature"])
    # boto3 + awscrt cannot sign a POST policy for an MRAP either (no 's3v4a-presign-post').
    with pytest.raises(ParamValidationError, match="access-point ARN"):
        ours().generate_presigned_post("arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "k")
    for config in (
        {"s3": {"use_dualstack_endpoint": True}},
        {"use_fips_endpoint": True},
        {"s3": {"s3_disable_multiregion_access_points": True}},
    ):
        client = Session().client(
            "s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET, config=config
        )
        with pytest.raises(EndpointResolutionError, match=r"MRAP|Multi-Region"):
            client.generate_presigned_url(
                "get_object", Params={"Bucket": "arn:aws:s3::123456789012:accesspoint/m.mrap", "Key": "k"}
            )


def test_no_credentials_raises_on_presign_like_boto3() -> None:
    client = Session().client("s3", region_name="us-east-1")
    with pytest.raises(NoCredentialsError, match="Unable to locate credentials"):
        client.generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"})


# -- guards -----------------------------------------------------------------------------------


@pytest.mark.parametrize("expires", [0, -1, 604801, 10**9])
def test_expiry_outside_one_second_to_seven_days_is_refused(expires: int) -> None:
    with pytest.raises(InvalidExpiryError):
        ours().generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"}, ExpiresIn=expires)


@pytest.mark.parametrize("expires", [1.5, "3600", None, True])
def test_expiry_must_be_an_integer(expires: Any) -> None:
    with pytest.raises(InvalidExpiryError):
        ours().generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"}, ExpiresIn=expires)


def test_cap_can_be_raised_explicitly_for_compatible_stores() -> None:
    client = ours(endpoint_url="http://127.0.0.1:9000", max_expires=30 * 86400)
    url = client.presign("get_object", {"Bucket": "b-1", "Key": "k"}, 30 * 86400, now=NOW).url
    assert url == botocore_presign("GET", "http://127.0.0.1:9000/b-1/k", "us-east-1", expires=30 * 86400)


def test_session_token_in_url_secret_never() -> None:
    client = ours(token="tok/en+=")
    url = client.generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"})
    assert "X-Amz-Security-Token=tok%2Fen%2B%3D" in url
    assert SECRET not in url and SECRET not in repr(client)
    signed = client.presign("get_object", {"Bucket": "b-1", "Key": "k"})
    assert SECRET not in repr(signed) and "tok/en+=" not in repr(signed)


def test_warns_when_temporary_credentials_expire_before_the_url() -> None:
    expiring = Credentials("ASIAEXAMPLE", SECRET, "token", expiry=NOW + timedelta(minutes=10))
    client = S3Client(expiring, Addressing("us-east-1"))
    with pytest.warns(UserWarning, match="expire"):
        client.presign("get_object", {"Bucket": "b-1", "Key": "k"}, 3600, now=NOW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.presign("get_object", {"Bucket": "b-1", "Key": "k"}, 300, now=NOW)


def test_public_endpoint_override_signs_for_the_public_host() -> None:
    # The service talks to http://minio:9000 internally; browsers use https://files.example.com.
    client = ours(endpoint_url="http://minio:9000", public_endpoint_url="https://files.example.com")
    url = client.presign("get_object", {"Bucket": "b-1", "Key": "k"}, 60, now=NOW).url
    assert url == botocore_presign("GET", "https://files.example.com/b-1/k", "us-east-1", expires=60)


def test_signed_headers_are_returned_for_the_uploader() -> None:
    params = {"Bucket": "b-1", "Key": "k", "ContentType": "text/plain", "Metadata": {"owner": "me"}, "ACL": "private"}
    signed = ours().presign("put_object", params, now=NOW)
    assert signed.headers == {"Content-Type": "text/plain", "x-amz-meta-owner": "me", "x-amz-acl": "private"}
    assert signed.signed_headers == ("content-type", "host", "x-amz-acl", "x-amz-meta-owner")
    headers = {"Content-Type": "text/plain", "x-amz-meta-owner": "me", "x-amz-acl": "private"}
    assert signed.url == botocore_presign("PUT", "https://b-1.s3.amazonaws.com/k", "us-east-1", headers)


def test_http_method_override_and_none_params() -> None:
    client = ours("us-west-2")
    url = client.presign("list_buckets", None, 60, "post", now=NOW).url
    assert url == botocore_presign("POST", "https://s3.amazonaws.com/", "us-west-2", expires=60)


# -- regions launched after March 2019 -----------------------------------------------------


@pytest.mark.parametrize("region", ["eu-south-2", "ap-southeast-3", "me-central-1", "af-south-1"])
def test_new_regions_get_the_regional_host(region: str) -> None:
    url = ours(region).generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"})
    assert url.startswith(f"https://b-1.s3.{region}.amazonaws.com/k?")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-south-1"])
def test_legacy_regions_keep_boto3s_global_host(region: str) -> None:
    url = ours(region).generate_presigned_url("get_object", Params={"Bucket": "b-1", "Key": "k"})
    assert url.startswith("https://b-1.s3.amazonaws.com/k?")


# -- generate_presigned_post: the form URL as boto3 computes it ----------------------------


@pytest.mark.parametrize(
    ("region", "kwargs", "bucket"),
    [
        ("us-east-1", {}, "b-1"),
        ("us-west-2", {"config": {"s3": {"addressing_style": "path"}}}, "b-1"),
        ("us-west-2", {}, "my.bucket"),
        ("us-east-1", {"endpoint_url": "http://127.0.0.1:9000"}, "b-1"),
        ("us-east-1", {"endpoint_url": "https://minio.example.com/base"}, "b-1"),
        ("eu-south-2", {"config": {"s3": {"addressing_style": "virtual"}}}, "b-1"),
    ],
)
def test_presigned_post_matches_boto3(region: str, kwargs: dict[str, Any], bucket: str) -> None:
    import boto3
    from botocore.config import Config
    from freezegun import freeze_time

    boto_kwargs = dict(kwargs)
    cfg = boto_kwargs.pop("config", {})
    boto = boto3.session.Session().client(
        "s3",
        region_name=region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", **cfg),
        **boto_kwargs,
    )
    conditions = [["content-length-range", 1, 1000]]
    with freeze_time(NOW):
        expected = boto.generate_presigned_post(bucket, "up/${filename}", Conditions=list(conditions), ExpiresIn=600)
        got = ours(region, **kwargs).generate_presigned_post(bucket, "up/${filename}", Conditions=list(conditions), ExpiresIn=600)
    assert got == expected


def test_presigned_post_in_a_new_region_uses_the_regional_host() -> None:
    got = ours("eu-south-2").generate_presigned_post("b-1", "k")
    assert got["url"] == "https://b-1.s3.eu-south-2.amazonaws.com/"


# -- exceptions port from botocore by changing the import --------------------------------


def test_client_error_reads_like_botocores() -> None:
    from botocore.exceptions import ClientError as BotoClientError

    from sigv4.exceptions import ClientError

    response = {
        "Error": {"Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": "k"},
        "ResponseMetadata": {"HTTPStatusCode": 404, "RequestId": "R1", "RetryAttempts": 0},
    }
    ours, theirs = ClientError(response, "GetObject"), BotoClientError(response, "GetObject")
    assert str(ours) == str(theirs)
    assert ours.response == theirs.response and ours.operation_name == theirs.operation_name
    # A server's answer, not bad input: a ServiceError, not a SigningError or ValueError (issue 12).
    assert isinstance(ours, sigv4.ServiceError) and not isinstance(ours, (SigningError, ValueError))


def test_client_error_from_an_s3_answer() -> None:
    from sigv4.exceptions import ClientError

    body = (
        b"<?xml version='1.0'?><Error><Code>AccessDenied</Code>"
        b"<Message>Request has expired</Message><RequestId>X1</RequestId></Error>"
    )
    e = ClientError.from_response(403, body, {"x-amz-id-2": "H"}, "GetObject")
    assert e.response["Error"] == {"Code": "AccessDenied", "Message": "Request has expired"}
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert e.response["ResponseMetadata"]["RequestId"] == "X1"
    assert str(e) == "An error occurred (AccessDenied) when calling the GetObject operation: Request has expired"
    head = ClientError.from_response(404, b"", operation_name="HeadObject")
    assert head.response["Error"] == {"Code": "404", "Message": "Not Found"}


def test_botocore_message_formats() -> None:
    from botocore import exceptions as be

    from sigv4 import exceptions as se

    assert str(se.NoCredentialsError()) == str(be.NoCredentialsError())
    assert str(se.NoRegionError()) == str(be.NoRegionError())
    assert str(se.ProfileNotFound("x")) == str(be.ProfileNotFound(profile="x"))
    assert str(se.PartialCredentialsError("env", "AWS_SECRET_ACCESS_KEY")) == str(
        be.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY")
    )
    assert str(se.ParamValidationError(report="Missing x")) == str(be.ParamValidationError(report="Missing x"))


def test_presign_path_imports_nothing_heavy(tmp_path: Any) -> None:
    """Building a client and presigning (incl. SSE-C, timestamps, lists) loads no json, re,
    configparser, logging, email, urllib, typing or dataclasses."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import sigv4.session as s\n"
        "c = s.client('s3', region_name='eu-south-2', aws_access_key_id='A', aws_secret_access_key='S')\n"
        "c.generate_presigned_url('get_object', Params={'Bucket': 'b-1', 'Key': 'k', 'IfModifiedSince': 1})\n"
        "c.generate_presigned_url('put_object', Params={'Bucket': 'b-1', 'Key': 'k', 'SSECustomerKey': 'x' * 32})\n"
        "c.generate_presigned_url('list_objects_v2', Params={'Bucket': 'b-1', 'Prefix': 'a b'})\n"
        "heavy = {'json', 're', 'configparser', 'logging', 'email', 'urllib.parse', 'urllib.request',\n"
        "         'typing', 'dataclasses', 'inspect', 'asyncio', 'sigv4.exceptions'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = str(tmp_path / "none")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    out = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("source", ["profile", "env", "config"])
def test_multi_region_access_points_disabled_like_boto3(source: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore 1.44.8 (no awscrt) refuses an MRAP ARN in endpoint resolution when
    ``s3_disable_multiregion_access_points`` is set, from any of its three sources, and
    otherwise gets as far as asking for awscrt; sigv4 refuses in the same cases."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import MissingDependencyException

    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BOTO_DISABLE_CRT", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    profile = tmp_path / "config"
    profile.write_text(
        "[default]\ns3 =\n    s3_disable_multiregion_access_points = true\n" if source == "profile" else "[default]\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(profile))
    if source == "env":
        monkeypatch.setenv("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "true")
    s3 = {"s3_disable_multiregion_access_points": True} if source == "config" else {}
    params = {"Bucket": "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "Key": "k"}
    keys = {"region_name": "us-east-1", "aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": SECRET}
    boto = boto3.session.Session().client("s3", config=Config(s3=s3), **keys)
    with pytest.raises(Exception, match="Multi-Region Access Point ARNs are disabled") as refused:
        boto.generate_presigned_url("get_object", Params=params)
    assert not isinstance(refused.value, MissingDependencyException)
    ours_client = Session().client("s3", config={"s3": s3}, **keys)
    with pytest.raises(EndpointResolutionError, match="Multi-Region Access Point ARNs are disabled"):
        ours_client.generate_presigned_url("get_object", Params=params)
    # Without the setting, botocore goes on to sign (and asks for awscrt); sigv4 signs with SigV4a.
    monkeypatch.delenv("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", raising=False)
    profile.write_text("[default]\n")
    boto = boto3.session.Session().client("s3", **keys)
    with pytest.raises(MissingDependencyException):
        boto.generate_presigned_url("get_object", Params=params)
    assert "X-Amz-Region-Set=%2A" in Session().client("s3", **keys).generate_presigned_url("get_object", Params=params)
