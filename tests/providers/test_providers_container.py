"""Container credentials (ECS relative URI, EKS Pod Identity / Lambda full URI with
an authorization token) against a loopback stand-in."""

from __future__ import annotations

import pytest

from sigv4 import Credentials, CredentialsError
from sigv4.providers.base import parse_expiry
from sigv4.providers.container import ContainerProvider, check_full_uri, container_configured
from tests import stubs_aws
from tests.stubs_aws import ContainerStub

# The loopback stand-ins' fixtures (tests/stubs_aws.py).
aws_env = stubs_aws.aws_env
container_stub = stubs_aws.container_stub


def test_relative_uri_as_on_ecs(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", container_stub.path)
    provider = ContainerProvider(ecs_endpoint=container_stub.url, timeout=0.2)
    creds = provider.get_credentials()
    doc = container_stub.issued[0]
    assert creds == Credentials(doc["AccessKeyId"], doc["SecretAccessKey"], doc["Token"], parse_expiry(doc["Expiration"], "x"))
    req = container_stub.requests[0]
    assert req.method == "GET" and req.path == container_stub.path
    assert "authorization" not in req.headers
    assert provider.method == "container-role"


def test_full_uri_with_token_file_as_on_eks_pod_identity(aws_env, monkeypatch, tmp_path):
    stub = ContainerStub(path="/v1/credentials", token="eks-pod-identity-token").start()
    try:
        token_file = tmp_path / "eks-pod-identity-token"
        token_file.write_text("eks-pod-identity-token\n")
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", stub.url + "/v1/credentials")
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(token_file))
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-the-file-is-set")
        provider = ContainerProvider(timeout=0.2)
        assert provider.get_credentials().access_key == stub.issued[0]["AccessKeyId"]
        assert stub.requests[0].headers["authorization"] == "eks-pod-identity-token"
        # The file is read again on every fetch (EKS rotates it).
        token_file.write_text("rotated")
        stub.token = "rotated"
        assert provider.refresh().access_key == stub.issued[1]["AccessKeyId"]
    finally:
        stub.stop()


def test_full_uri_with_token_variable_as_on_lambda(aws_env, monkeypatch):
    stub = ContainerStub(path="/2021-04-23/credentials", token="lambda-token").start()
    try:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", stub.url + "/2021-04-23/credentials")
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "lambda-token")
        assert ContainerProvider(timeout=0.2).get_credentials().token == stub.issued[0]["Token"]
    finally:
        stub.stop()


def test_wrong_token_is_refused_without_retry(aws_env, monkeypatch):
    stub = ContainerStub(token="right").start()
    try:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", stub.url + stub.path)
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong")
        with pytest.raises(CredentialsError, match="HTTP 401: AccessDenied: bad authorization token"):
            ContainerProvider(timeout=0.2).get_credentials()
        assert len(stub.requests) == 1
    finally:
        stub.stop()


@pytest.mark.parametrize("token", ["a\r\nX-Evil: 1", "a\nb"])
def test_token_with_newline_is_refused_before_any_request(aws_env, container_stub, monkeypatch, token):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)
    with pytest.raises(CredentialsError, match="CR, LF"):
        ContainerProvider(timeout=0.2).get_credentials()
    assert container_stub.requests == []


def test_missing_token_file_is_named(aws_env, container_stub, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(tmp_path / "nope"))
    with pytest.raises(CredentialsError) as info:
        ContainerProvider(timeout=0.2).get_credentials()
    assert info.value.field == "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"


def test_500_then_success_is_retried_once(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    container_stub.faults.append("500")
    assert ContainerProvider(timeout=0.2).get_credentials().access_key == container_stub.issued[0]["AccessKeyId"]
    assert len(container_stub.requests) == 2


def test_two_500s_fail(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    container_stub.faults.extend(["500", "500"])
    with pytest.raises(CredentialsError, match="HTTP 500"):
        ContainerProvider(timeout=0.2).get_credentials()
    assert len(container_stub.requests) == 2


def test_timeout_then_success(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    container_stub.faults.append("timeout")
    assert ContainerProvider(timeout=0.2).get_credentials().access_key == container_stub.issued[0]["AccessKeyId"]


def test_two_timeouts_fail(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    container_stub.faults.extend(["timeout", "timeout"])
    with pytest.raises(CredentialsError, match=r"timed out after 0\.2 s"):
        ContainerProvider(timeout=0.2).get_credentials()


def test_bad_json_fails_without_quoting_the_body(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    container_stub.faults.append("badjson")
    with pytest.raises(CredentialsError, match="not valid JSON") as info:
        ContainerProvider(timeout=0.2).get_credentials()
    assert "{not json" not in str(info.value)


def test_connection_refused_fails(aws_env, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"http://127.0.0.1:{port}/creds")
    with pytest.raises(CredentialsError, match="cannot connect"):
        ContainerProvider(timeout=0.2).get_credentials()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9001/2018-06-01/credentials",
        "http://127.0.0.2/x",
        "http://[::1]:8080/x",
        "http://localhost/x",
        "http://169.254.170.2/v2/credentials/x",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
        "https://creds.example.com/anything",
    ],
)
def test_allowed_full_uris(url):
    assert check_full_uri(url) == url


@pytest.mark.parametrize(
    "url", ["http://example.com/creds", "http://10.0.0.1/creds", "ftp://127.0.0.1/x", "127.0.0.1/x", "http:///x"]
)
def test_refused_full_uris(aws_env, monkeypatch, url):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
    with pytest.raises(CredentialsError) as info:
        ContainerProvider().get_credentials()
    assert info.value.field == "AWS_CONTAINER_CREDENTIALS_FULL_URI"


def test_full_uri_check_matches_botocore():
    from botocore.utils import ContainerMetadataFetcher

    fetcher = ContainerMetadataFetcher()
    for url in [
        "http://127.0.0.1:9001/x",
        "http://localhost/x",
        "http://169.254.170.23/x",
        "https://a.example/x",
        "http://example.com/x",
        "http://10.1.2.3/x",
    ]:
        try:
            fetcher._validate_allowed_url(url)
            botocore_ok = True
        except ValueError:
            botocore_ok = False
        try:
            check_full_uri(url)
            ours = True
        except CredentialsError:
            ours = False
        assert ours == botocore_ok, url


def test_relative_uri_wins_over_full_uri(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", container_stub.path)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/never")
    assert ContainerProvider(ecs_endpoint=container_stub.url, timeout=0.2).url() == container_stub.url + container_stub.path


def test_configured_only_with_a_variable(aws_env, monkeypatch):
    assert not container_configured()
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/x")
    assert container_configured()
