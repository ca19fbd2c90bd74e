"""STS AssumeRole / AssumeRoleWithWebIdentity against a loopback stand-in that
verifies every AssumeRole signature with botocore from the caller's keys; the
STS endpoint resolution against botocore's own."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from sigv4 import Credentials, CredentialsError
from sigv4.providers.base import parse_expiry
from sigv4.providers.sts import AssumeRoleProvider, WebIdentityProvider, parse_sts_response, sts_endpoint
from tests import stubs_aws
from tests.stubs_aws import StsStub

# The loopback stand-ins' fixtures (tests/stubs_aws.py).
aws_env = stubs_aws.aws_env
sts_stub = stubs_aws.sts_stub

ROLE = "arn:aws:iam::123456789012:role/deployer"
SOURCE = Credentials("AKIDSOURCEEXAMPLE", "source/secret/wJalrXUtnFEMI/K7MDENG+bPxRfiCY")


def botocore_client(service: str, **kwargs: object):
    """A botocore client from a fresh session (reads the environment as it is now)."""
    import botocore.session

    return botocore.session.Session().create_client(service, **kwargs)


def caller(stub: StsStub, creds: Credentials = SOURCE) -> Credentials:
    stub.callers[creds.access_key] = (creds.secret_key, creds.token)
    return creds


def issued(stub: StsStub, i: int) -> Credentials:
    doc = stub.issued[i]
    return Credentials(doc["AccessKeyId"], doc["SecretAccessKey"], doc["Token"], parse_expiry(doc["Expiration"], "x"))


def test_assume_role_signed_with_source_keys(aws_env, sts_stub):
    provider = AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=0.2)
    assert provider.get_credentials() == issued(sts_stub, 0)
    form = sts_stub.verified[0]
    assert form["Action"] == "AssumeRole" and form["Version"] == "2011-06-15" and form["RoleArn"] == ROLE
    assert form["RoleSessionName"].startswith("sigv4-session-")
    assert "ExternalId" not in form and "DurationSeconds" not in form
    assert sts_stub.requests[0].headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert provider.method == "assume-role"


def test_assume_role_parameters(aws_env, sts_stub):
    provider = AssumeRoleProvider(
        caller(sts_stub),
        ROLE,
        external_id="ext/id+with=symbols:@",
        duration_seconds="3600",
        role_session_name="ci-job.7@corp",
        endpoint_url=sts_stub.url,
        timeout=0.2,
    )
    creds = provider.get_credentials()
    form = sts_stub.verified[0]
    assert form["ExternalId"] == "ext/id+with=symbols:@"
    assert (form["DurationSeconds"], form["RoleSessionName"]) == ("3600", "ci-job.7@corp")
    assert creds == issued(sts_stub, 0)


def test_source_with_session_token_signs_it(aws_env, sts_stub):
    temp = caller(sts_stub, Credentials("ASIATEMPSOURCE", "temp/secret", "source-session-token"))
    AssumeRoleProvider(temp, ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials()
    assert sts_stub.requests[0].headers["x-amz-security-token"] == "source-session-token"
    assert "x-amz-security-token" in sts_stub.requests[0].headers["authorization"]
    assert len(sts_stub.verified) == 1


def test_chained_roles_sign_with_the_first_roles_keys(aws_env, sts_stub):
    first = AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=0.2)
    second = AssumeRoleProvider(first, ROLE + "-two", endpoint_url=sts_stub.url, timeout=0.2)
    assert second.get_credentials() == issued(sts_stub, 1)
    assert (
        sts_stub.requests[1].headers["authorization"].split("Credential=")[1].startswith(sts_stub.issued[0]["AccessKeyId"] + "/")
    )
    assert len(sts_stub.verified) == 2


def test_wrong_secret_is_refused_by_the_signature_check(aws_env, sts_stub):
    sts_stub.callers[SOURCE.access_key] = ("the-real-secret", None)
    with pytest.raises(CredentialsError, match="HTTP 403: SignatureDoesNotMatch: The request signature we calculated") as info:
        AssumeRoleProvider(SOURCE, ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials()
    assert SOURCE.secret_key not in str(info.value)
    assert len(sts_stub.requests) == 1  # 403 is not retried


def test_unknown_key(aws_env, sts_stub):
    with pytest.raises(CredentialsError, match="InvalidClientTokenId"):
        AssumeRoleProvider(SOURCE, ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials()


def test_region_of_the_scope(aws_env, sts_stub, monkeypatch):
    sts_stub.expected_region = "eu-west-1"
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    provider = AssumeRoleProvider(caller(sts_stub), ROLE, region="eu-west-1", timeout=0.2)
    assert provider.endpoint_url == sts_stub.url and provider.signing_region == "eu-west-1"
    provider.get_credentials()
    with pytest.raises(CredentialsError, match="SignatureDoesNotMatch"):
        AssumeRoleProvider(SOURCE, ROLE, region="us-west-2", timeout=0.2).get_credentials()


def test_500_then_ok(aws_env, sts_stub):
    sts_stub.faults.append("500")
    assert AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials() == issued(
        sts_stub, 0
    )


def test_two_500s(aws_env, sts_stub):
    sts_stub.faults.extend(["500", "500"])
    with pytest.raises(CredentialsError, match="HTTP 500: InternalFailure"):
        AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials()


def test_timeouts(aws_env, sts_stub):
    sts_stub.faults.append("timeout")
    assert AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials() == issued(
        sts_stub, 0
    )
    sts_stub.faults.extend(["timeout", "timeout"])
    with pytest.raises(CredentialsError, match=r"timed out after 0\.2 s"):
        AssumeRoleProvider(SOURCE, ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials()


def test_body_that_is_not_xml(aws_env, sts_stub):
    sts_stub.faults.append("badjson")
    with pytest.raises(CredentialsError, match="not XML"):
        AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials()


def test_expired_answer(aws_env, sts_stub):
    sts_stub.lifetime = timedelta(seconds=-1)
    with pytest.raises(CredentialsError, match="already expired"):
        AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=0.2).get_credentials()


def test_16_threads_one_assume_role(aws_env, sts_stub):
    provider = AssumeRoleProvider(caller(sts_stub), ROLE, endpoint_url=sts_stub.url, timeout=10)
    barrier = threading.Barrier(16)
    results: list[Credentials] = []

    def worker() -> None:
        barrier.wait()
        results.append(provider.get_credentials())

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sts_stub.fetches == 1 and len(results) == 16 and set(results) == {issued(sts_stub, 0)}


def test_mfa_serial_is_refused_clearly():
    with pytest.raises(CredentialsError, match="profile 'admin' requires an MFA code") as info:
        AssumeRoleProvider(SOURCE, ROLE, mfa_serial="arn:aws:iam::123456789012:mfa/me", profile="admin")
    assert info.value.field == "mfa_serial"


@pytest.mark.parametrize("value", ["899", "43201", "an hour", "1.5"])
def test_duration_bounds(value):
    with pytest.raises(CredentialsError) as info:
        AssumeRoleProvider(SOURCE, ROLE, duration_seconds=value)
    assert info.value.field == "duration_seconds"


def test_role_arn_must_be_an_arn():
    with pytest.raises(CredentialsError) as info:
        AssumeRoleProvider(SOURCE, "deployer", profile="p")
    assert info.value.field == "role_arn" and "'p'" in str(info.value)


# -- web identity ---------------------------------------------------------------


def test_web_identity(aws_env, sts_stub, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(sts_stub.web_identity_token + "\n")
    provider = WebIdentityProvider(ROLE, str(token_file), role_session_name="pod", endpoint_url=sts_stub.url, timeout=0.2)
    assert provider.get_credentials() == issued(sts_stub, 0)
    form = sts_stub.requests[0].form()
    assert form == {
        "Action": "AssumeRoleWithWebIdentity",
        "Version": "2011-06-15",
        "RoleArn": ROLE,
        "RoleSessionName": "pod",
        "WebIdentityToken": sts_stub.web_identity_token,
    }
    assert "authorization" not in sts_stub.requests[0].headers
    assert provider.method == "assume-role-with-web-identity"


def test_web_identity_token_is_reread(aws_env, sts_stub, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("stale")
    provider = WebIdentityProvider(ROLE, str(token_file), endpoint_url=sts_stub.url, timeout=0.2)
    with pytest.raises(CredentialsError, match="InvalidIdentityToken"):
        provider.get_credentials()
    token_file.write_text(sts_stub.web_identity_token)
    assert provider.get_credentials() == issued(sts_stub, 0)


def test_web_identity_token_file_missing_or_empty(aws_env, tmp_path):
    with pytest.raises(CredentialsError, match="cannot read") as info:
        WebIdentityProvider(ROLE, str(tmp_path / "nope"), endpoint_url="http://127.0.0.1:9").get_credentials()
    assert info.value.field == "web_identity_token_file"
    (tmp_path / "empty").write_text("")
    with pytest.raises(CredentialsError, match="is empty"):
        WebIdentityProvider(ROLE, str(tmp_path / "empty"), endpoint_url="http://127.0.0.1:9").get_credentials()


# -- the stand-in itself, checked against botocore ---------------------------------


def test_stub_accepts_botocore_and_botocore_parses_it_as_we_do(aws_env, sts_stub):
    caller(sts_stub)
    client = botocore_client(
        "sts",
        region_name="eu-central-1",
        endpoint_url=sts_stub.url,
        aws_access_key_id=SOURCE.access_key,
        aws_secret_access_key=SOURCE.secret_key,
    )
    answer = client.assume_role(RoleArn=ROLE, RoleSessionName="boto", ExternalId="ext-id", DurationSeconds=900)
    assert len(sts_stub.verified) == 1  # botocore's signature passes the verifier
    raw = sts_stub._issue({"RoleArn": ROLE, "RoleSessionName": "again"}, "AssumeRole")[2]
    ours = parse_sts_response(raw, "AssumeRole")
    assert ours.access_key == sts_stub.issued[-1]["AccessKeyId"]
    boto_creds = answer["Credentials"]
    assert boto_creds["AccessKeyId"] == sts_stub.issued[0]["AccessKeyId"]
    assert boto_creds["Expiration"] == parse_expiry(sts_stub.issued[0]["Expiration"], "x")


def test_sts_error_document_is_reported():
    body = (
        b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        b"<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error></ErrorResponse>"
    )
    with pytest.raises(CredentialsError, match="STS refused: AccessDenied: User is not authorized"):
        parse_sts_response(body, "AssumeRole")


# -- endpoints, against botocore's resolver --------------------------------------------

REGIONS = [
    None,
    "us-east-1",
    "eu-west-1",
    "ap-east-1",
    "ap-southeast-7",
    "mx-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "eusc-de-east-1",
]
VARIANTS = [
    {},
    {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
    {"AWS_USE_FIPS_ENDPOINT": "true"},
    {"AWS_USE_DUALSTACK_ENDPOINT": "true"},
    {"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(v) or "default")
def test_endpoints_match_botocore(aws_env, monkeypatch, variant):
    import botocore.session

    for name, value in variant.items():
        monkeypatch.setenv(name, value)
    session = botocore.session.Session()  # one per variant: loading botocore's data is slow
    for region in REGIONS:
        if region is None and variant and "AWS_STS_REGIONAL_ENDPOINTS" not in variant:
            continue  # botocore invents sts-fips.aws-global…; without a region we use the global endpoint
        if region and region.startswith(("us-iso", "eu-isoe")) and "AWS_USE_DUALSTACK_ENDPOINT" in variant:
            continue  # botocore's legacy table says api.aws there; we follow its partitions.json (api.aws.ic.gov, …)
        try:
            client = session.create_client("sts", region_name=region, aws_access_key_id="a", aws_secret_access_key="b")
        except Exception:  # botocore knows no such variant in that partition
            continue
        url, signing_region = sts_endpoint(region)
        assert url == client.meta.endpoint_url, (region, variant)
        expected_region = client.meta.region_name if client.meta.region_name != "aws-global" else "us-east-1"
        if url == "https://sts.amazonaws.com":
            expected_region = "us-east-1"
        assert signing_region == expected_region, (region, variant)


def test_configured_endpoint_precedence(aws_env, monkeypatch):
    cfg = {"endpoint_url": "http://profile.example", "sts": {"endpoint_url": "http://services.example"}}
    assert sts_endpoint("eu-west-1", config=cfg) == ("http://services.example", "eu-west-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://global-env.example")
    assert sts_endpoint("eu-west-1", config={"endpoint_url": "http://profile.example"})[0] == "http://global-env.example"
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://sts-env.example")
    assert sts_endpoint("eu-west-1", config=cfg)[0] == "http://sts-env.example"
    assert sts_endpoint(None, config=cfg) == ("http://sts-env.example", "us-east-1")
    assert sts_endpoint("eu-west-1", endpoint_url="http://explicit.example")[0] == "http://explicit.example"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert sts_endpoint("eu-west-1", config=cfg)[0] == "https://sts.eu-west-1.amazonaws.com"


def test_configured_endpoint_matches_botocore(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566")
    client = botocore_client("sts", region_name="ap-south-1", aws_access_key_id="a", aws_secret_access_key="b")
    assert sts_endpoint("ap-south-1") == (client.meta.endpoint_url, client.meta.region_name)


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"AWS_ENDPOINT_URL_STS": "sts.local"}, "AWS_ENDPOINT_URL_STS"),
        ({"AWS_STS_REGIONAL_ENDPOINTS": "sometimes"}, "sts_regional_endpoints"),
    ],
)
def test_bad_endpoint_settings(env, field):
    with pytest.raises(CredentialsError) as info:
        sts_endpoint("eu-west-1", environ=env)
    assert info.value.field == field
