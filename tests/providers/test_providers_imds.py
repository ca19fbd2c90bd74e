"""EC2 instance metadata, IMDSv2 only, against a loopback stand-in (itself checked
against botocore's own IMDS fetcher)."""

from __future__ import annotations

import pytest

from sigv4 import Credentials, CredentialsError
from sigv4.providers.base import parse_expiry
from sigv4.providers.imds import IPV4_ENDPOINT, IPV6_ENDPOINT, InstanceMetadataProvider, imds_disabled
from tests import stubs_aws

# The loopback stand-ins' fixtures (tests/stubs_aws.py).
aws_env = stubs_aws.aws_env
imds_stub = stubs_aws.imds_stub


def expected(doc: dict[str, str]) -> Credentials:
    return Credentials(doc["AccessKeyId"], doc["SecretAccessKey"], doc["Token"], parse_expiry(doc["Expiration"], "x"))


def test_token_role_credentials(aws_env, imds_stub):
    provider = InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2)
    assert provider.get_credentials() == expected(imds_stub.issued[0])
    put, listing, creds = imds_stub.requests
    assert put.method == "PUT" and put.path == "/latest/api/token"
    assert put.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
    token = listing.headers["x-aws-ec2-metadata-token"]
    assert token in imds_stub.tokens and creds.headers["x-aws-ec2-metadata-token"] == token
    assert listing.path == "/latest/meta-data/iam/security-credentials/"
    assert creds.path == "/latest/meta-data/iam/security-credentials/web-server-role"
    assert provider.method == "iam-role"


def test_stub_answers_botocore_the_same(aws_env, imds_stub, monkeypatch):
    from botocore.utils import InstanceMetadataFetcher

    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    boto = InstanceMetadataFetcher(timeout=1, num_attempts=1, base_url=imds_stub.url).retrieve_iam_role_credentials()
    assert boto["access_key"] == imds_stub.issued[0]["AccessKeyId"]
    ours = InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()
    assert ours.access_key == imds_stub.issued[1]["AccessKeyId"]
    assert (ours.secret_key, ours.token) == (imds_stub.issued[1]["SecretAccessKey"], imds_stub.issued[1]["Token"])


def test_no_imdsv1_fallback(aws_env, imds_stub):
    imds_stub.v1_only = True
    with pytest.raises(CredentialsError, match=r"token request \(IMDSv2\) failed.*HTTP 403"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()
    assert all(r.method == "PUT" for r in imds_stub.requests)
    assert len(imds_stub.requests) == 1  # a 4xx is not retried


def test_one_retry_after_500(aws_env, imds_stub):
    imds_stub.faults.append("500")
    provider = InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2)
    assert provider.get_credentials() == expected(imds_stub.issued[0])
    assert [r.method for r in imds_stub.requests] == ["PUT", "PUT", "GET", "GET"]


def test_two_500s_fail(aws_env, imds_stub):
    imds_stub.faults.extend(["ok", "500", "503"])  # token fine, role lookup fails twice
    with pytest.raises(CredentialsError, match=r"role lookup failed.*HTTP 503"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()
    assert len(imds_stub.requests) == 3


def test_timeout_then_answer(aws_env, imds_stub):
    imds_stub.faults.append("timeout")
    provider = InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2)
    assert provider.get_credentials() == expected(imds_stub.issued[0])


def test_two_timeouts_fail(aws_env, imds_stub):
    imds_stub.faults.extend(["timeout", "timeout"])
    with pytest.raises(CredentialsError, match=r"timed out after 0\.2 s"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()
    assert len(imds_stub.requests) == 2


def test_attempts_is_a_parameter(aws_env, imds_stub):
    imds_stub.faults.append("timeout")
    with pytest.raises(CredentialsError, match="timed out"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2, attempts=1).get_credentials()


def test_bad_json(aws_env, imds_stub):
    imds_stub.faults.extend(["ok", "ok", "badjson"])
    with pytest.raises(CredentialsError, match="not valid JSON"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()


def test_code_other_than_success(aws_env, imds_stub):
    imds_stub.code = "AssumeRoleUnauthorizedAccess"
    with pytest.raises(CredentialsError, match="AssumeRoleUnauthorizedAccess"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()


def test_no_role_attached(aws_env, imds_stub):
    imds_stub.role = ""
    with pytest.raises(CredentialsError, match=r"role lookup failed.*HTTP 404"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()


def test_expired_answer(aws_env, imds_stub):
    from datetime import timedelta

    imds_stub.lifetime = timedelta(minutes=-5)
    with pytest.raises(CredentialsError, match="already expired"):
        InstanceMetadataProvider(endpoint=imds_stub.url, timeout=0.2).get_credentials()


def test_endpoint_and_timing_from_environment(aws_env, imds_stub, monkeypatch):
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_stub.url + "/")
    monkeypatch.setenv("AWS_METADATA_SERVICE_TIMEOUT", "0.2")
    monkeypatch.setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3")
    provider = InstanceMetadataProvider()
    assert (provider.endpoint, provider.timeout, provider.attempts) == (imds_stub.url, 0.2, 3)
    imds_stub.faults.extend(["timeout", "timeout"])
    assert provider.get_credentials() == expected(imds_stub.issued[0])


def test_endpoint_and_timing_from_config(aws_env):
    provider = InstanceMetadataProvider(
        config={
            "ec2_metadata_service_endpoint_mode": "IPv6",
            "metadata_service_timeout": "2",
            "metadata_service_num_attempts": "1",
        }
    )
    assert (provider.endpoint, provider.timeout, provider.attempts) == (IPV6_ENDPOINT, 2.0, 1)
    assert InstanceMetadataProvider().endpoint == IPV4_ENDPOINT
    assert (InstanceMetadataProvider().timeout, InstanceMetadataProvider().attempts) == (1.0, 2)


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv5"}, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"),
        ({"AWS_METADATA_SERVICE_TIMEOUT": "soon"}, "AWS_METADATA_SERVICE_TIMEOUT"),
        ({"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "two"}, "AWS_METADATA_SERVICE_NUM_ATTEMPTS"),
        ({"AWS_EC2_METADATA_SERVICE_ENDPOINT": "169.254.169.254"}, "ec2_metadata_service_endpoint"),
    ],
)
def test_bad_settings_are_named(aws_env, env, field):
    with pytest.raises(CredentialsError) as info:
        InstanceMetadataProvider(environ=env)
    assert info.value.field == field


@pytest.mark.parametrize(("value", "disabled"), [("true", True), ("TRUE", True), ("false", False), ("", False), ("1", False)])
def test_disabled_flag(value, disabled):
    assert imds_disabled({"AWS_EC2_METADATA_DISABLED": value}) is disabled
    assert imds_disabled({}) is False
