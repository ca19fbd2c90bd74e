"""The whole chain with real files, the environment and the loopback stand-ins:
assume-role profiles (source_profile, credential_source, chains, loops, MFA),
web identity, SSO, container, IMDS, order, laziness; botocore runs the same
scenarios against the same stand-ins as the oracle."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from sigv4 import Credentials, CredentialsError, Signer
from sigv4.providers.chain import default_provider
from tests import stubs_aws

aws_env = stubs_aws.aws_env
sts_stub = stubs_aws.sts_stub
container_stub = stubs_aws.container_stub
imds_stub = stubs_aws.imds_stub

ROLE = "arn:aws:iam::123456789012:role/deployer"


def write(home, name: str, text: str) -> None:
    (home / ".aws" / name).write_text(textwrap.dedent(text))


def signer_of(request) -> str:
    """Access key that signed a recorded AssumeRole request."""
    return request.headers["authorization"].split("Credential=")[1].split("/")[0]


def scope_region(request) -> str:
    return request.headers["authorization"].split("Credential=")[1].split("/")[2]


def botocore_creds(profile: str | None = None):
    import botocore.session

    session = botocore.session.Session(profile=profile)
    if session.get_config_variable("region") is None:
        # botocore refuses a configured STS endpoint without a region; we sign for us-east-1 then.
        session.set_config_variable("region", "us-east-1")
    creds = session.get_credentials()
    return creds.method, creds.get_frozen_credentials()


def run_both(stub, profile: str | None = None):
    """Resolve with ours, then with botocore; return both (method, request) pairs."""
    chain = default_provider(profile=profile)
    ours = chain.get_credentials()
    ours_requests = list(stub.requests)
    method, boto = botocore_creds(profile)
    boto_requests = stub.requests[len(ours_requests) :]
    assert chain.method == method
    assert isinstance(ours, Credentials) and boto.access_key.startswith("ASIA")
    return ours_requests, boto_requests


def same_form(a, b, session_name_configured: bool) -> None:
    fa, fb = a.form(), b.form()
    if not session_name_configured:
        assert fa.pop("RoleSessionName").startswith("sigv4-session-")
        assert fb.pop("RoleSessionName").startswith("botocore-session-")
    assert fa == fb


# -- assume role -----------------------------------------------------------------------


def test_role_with_source_profile_like_botocore(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base/secret\n")
    write(
        aws_env,
        "config",
        f"""
        [profile deploy]
        role_arn = {ROLE}
        source_profile = base
        external_id = ext-123
        duration_seconds = 1800
        role_session_name = ci-run
        region = eu-central-1
        """,
    )
    sts_stub.callers["AKIDBASE"] = ("base/secret", None)
    sts_stub.expected_region = "eu-central-1"
    ours, boto = run_both(sts_stub, "deploy")
    assert len(sts_stub.verified) == 2  # both signatures verified
    same_form(ours[0], boto[0], session_name_configured=True)
    assert signer_of(ours[0]) == signer_of(boto[0]) == "AKIDBASE"
    assert scope_region(ours[0]) == scope_region(boto[0]) == "eu-central-1"
    assert ours[0].form()["DurationSeconds"] == "1800" and ours[0].form()["ExternalId"] == "ext-123"


def test_chained_roles_like_botocore(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    monkeypatch.setenv("AWS_PROFILE", "second")
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base/secret\n")
    write(
        aws_env,
        "config",
        f"""
        [profile first]
        role_arn = {ROLE}-one
        source_profile = base
        [profile second]
        role_arn = {ROLE}-two
        source_profile = first
        """,
    )
    sts_stub.callers["AKIDBASE"] = ("base/secret", None)
    ours, boto = run_both(sts_stub)
    assert [r.form()["RoleArn"] for r in ours] == [r.form()["RoleArn"] for r in boto] == [ROLE + "-one", ROLE + "-two"]
    assert signer_of(ours[0]) == "AKIDBASE" and signer_of(ours[1]) == sts_stub.issued[0]["AccessKeyId"]
    assert len(sts_stub.verified) == 4


def test_profile_that_is_its_own_source(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(
        aws_env,
        "credentials",
        f"[default]\naws_access_key_id = AKIDSELF\naws_secret_access_key = self\nrole_arn = {ROLE}\nsource_profile = default\n",
    )
    sts_stub.callers["AKIDSELF"] = ("self", None)
    ours, boto = run_both(sts_stub)
    assert signer_of(ours[0]) == signer_of(boto[0]) == "AKIDSELF"


def test_role_beats_static_keys_of_the_same_profile(aws_env, sts_stub, monkeypatch):
    # boto3's order: an assume-role profile is used before the profile's own keys.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(
        aws_env,
        "credentials",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n"
        "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = d\n",
    )
    write(aws_env, "config", f"[default]\nrole_arn = {ROLE}\nsource_profile = base\n")
    sts_stub.callers["AKIDBASE"] = ("b", None)
    run_both(sts_stub)


def test_credential_source_environment(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "config", f"[profile r]\nrole_arn = {ROLE}\ncredential_source = Environment\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env/secret")
    sts_stub.callers["AKIDENV"] = ("env/secret", None)
    ours, boto = run_both(sts_stub, "r")
    assert signer_of(ours[0]) == signer_of(boto[0]) == "AKIDENV"


def test_credential_source_ecs_container(aws_env, sts_stub, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    write(aws_env, "config", f"[default]\nrole_arn = {ROLE}\ncredential_source = EcsContainer\n")
    container_stub.register = sts_stub.callers
    chain = default_provider()
    creds = chain.get_credentials()
    assert chain.method == "assume-role" and container_stub.fetches == 1
    assert signer_of(sts_stub.requests[0]) == container_stub.issued[0]["AccessKeyId"]
    assert creds.access_key == sts_stub.issued[0]["AccessKeyId"]


def test_credential_source_ec2_metadata(aws_env, sts_stub, imds_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_stub.url)
    write(aws_env, "config", f"[default]\nrole_arn = {ROLE}\ncredential_source = Ec2InstanceMetadata\n")
    imds_stub.register = sts_stub.callers
    assert default_provider().get_credentials().access_key == sts_stub.issued[0]["AccessKeyId"]
    assert signer_of(sts_stub.requests[0]) == imds_stub.issued[0]["AccessKeyId"]


@pytest.mark.parametrize(
    ("config", "field", "match"),
    [
        (f"[default]\nrole_arn = {ROLE}\n", "source_profile", "neither source_profile nor credential_source"),
        (f"[default]\nrole_arn = {ROLE}\nsource_profile = a\ncredential_source = Environment\n", "source_profile", "both"),
        (f"[default]\nrole_arn = {ROLE}\nsource_profile = ghost\n", "source_profile", "'ghost', which does not exist"),
        (f"[default]\nrole_arn = {ROLE}\ncredential_source = Laptop\n", "credential_source", "'Laptop' is not one of"),
        (f"[default]\nrole_arn = {ROLE}\ncredential_source = Environment\n", "credential_source", "AWS_ACCESS_KEY_ID is not set"),
        (f"[default]\nrole_arn = {ROLE}\ncredential_source = EcsContainer\n", "credential_source", "AWS_CONTAINER_CREDENTIALS"),
        (
            f"[default]\nrole_arn = {ROLE}\ncredential_source = Ec2InstanceMetadata\n",
            "credential_source",
            "AWS_EC2_METADATA_DISABLED",
        ),
        (
            f"[profile a]\nrole_arn = {ROLE}\nsource_profile = b\n[profile b]\nrole_arn = {ROLE}\nsource_profile = a\n"
            f"[default]\nrole_arn = {ROLE}\nsource_profile = a\n",
            "source_profile",
            "loop: default -> a -> b -> a",
        ),
        (
            f"[default]\nrole_arn = {ROLE}\nsource_profile = empty\n[profile empty]\nregion = eu-west-1\n",
            "source_profile",
            "has no credentials",
        ),
        (f"[default]\nrole_arn = {ROLE}\nsource_profile = default\n", "source_profile", "loop"),
        ("[default]\nrole_arn = not-an-arn\ncredential_source = Environment\n", "credential_source", "AWS_ACCESS_KEY_ID"),
        (
            "[profile base]\naws_access_key_id = A\naws_secret_access_key = s\n"
            f"[default]\nrole_arn = {ROLE}\nsource_profile = base\nduration_seconds = 60\n",
            "duration_seconds",
            "between 900 and 43200",
        ),
    ],
)
def test_bad_role_profiles_fail_before_any_network(aws_env, sts_stub, monkeypatch, config, field, match):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "config", config)
    with pytest.raises(CredentialsError, match=match) as info:
        default_provider().get_credentials()
    assert info.value.field == field
    assert sts_stub.requests == []


def test_mfa_serial_is_refused_with_a_clear_error(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n")
    write(
        aws_env,
        "config",
        f"[profile admin]\nrole_arn = {ROLE}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
    )
    with pytest.raises(CredentialsError) as info:
        default_provider("admin").get_credentials()
    assert info.value.field == "mfa_serial"
    assert "profile 'admin' requires an MFA code" in str(info.value) and "not supported" in str(info.value)
    assert sts_stub.requests == []


def test_16_threads_resolve_and_assume_once(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n")
    write(aws_env, "config", f"[default]\nrole_arn = {ROLE}\nsource_profile = base\n")
    sts_stub.callers["AKIDBASE"] = ("b", None)
    chain = default_provider(sts_timeout=10)
    barrier = threading.Barrier(16)
    results = []

    def worker():
        barrier.wait()
        results.append(chain.get_credentials())

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 16 and len(set(results)) == 1 and sts_stub.fetches == 1


def test_signer_takes_the_chain(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n")
    write(aws_env, "config", f"[default]\nrole_arn = {ROLE}\nsource_profile = base\n")
    sts_stub.callers["AKIDBASE"] = ("b", None)
    signed = Signer(default_provider(), "us-east-1", "s3").presign("GET", "https://bucket.s3.amazonaws.com/key", 300)
    assert f"X-Amz-Credential={sts_stub.issued[0]['AccessKeyId']}%2F" in signed.url
    assert "X-Amz-Security-Token=" in signed.url


def test_services_section_endpoint_and_profile_region(aws_env, sts_stub):
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n")
    write(
        aws_env,
        "config",
        f"""
        [default]
        role_arn = {ROLE}
        source_profile = base
        region = ap-southeast-2
        services = local
        [services local]
        sts =
          endpoint_url = {sts_stub.url}
        """,
    )
    sts_stub.callers["AKIDBASE"] = ("b", None)
    sts_stub.expected_region = "ap-southeast-2"
    ours, boto = run_both(sts_stub)
    assert scope_region(ours[0]) == scope_region(boto[0]) == "ap-southeast-2"


def test_region_argument_wins(aws_env, sts_stub, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n")
    write(aws_env, "config", f"[default]\nrole_arn = {ROLE}\nsource_profile = base\nregion = eu-west-3\n")
    sts_stub.callers["AKIDBASE"] = ("b", None)
    default_provider(region="sa-east-1").get_credentials()
    default_provider().get_credentials()
    assert [scope_region(r) for r in sts_stub.requests] == ["sa-east-1", "us-west-2"]


# -- web identity --------------------------------------------------------------------


def test_web_identity_from_environment_like_botocore(aws_env, sts_stub, monkeypatch, tmp_path):
    token = tmp_path / "eks-token"
    token.write_text(sts_stub.web_identity_token)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "pod-1234")
    # boto3's order: web identity comes before the credentials file.
    write(aws_env, "credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n")
    ours, boto = run_both(sts_stub)
    same_form(ours[0], boto[0], session_name_configured=True)
    assert "authorization" not in ours[0].headers


def test_web_identity_from_profile_like_botocore(aws_env, sts_stub, monkeypatch, tmp_path):
    token = tmp_path / "token"
    token.write_text(sts_stub.web_identity_token)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "config", f"[profile ci]\nrole_arn = {ROLE}\nweb_identity_token_file = {token}\n")
    ours, boto = run_both(sts_stub, "ci")
    same_form(ours[0], boto[0], session_name_configured=False)


def test_explicit_profile_ignores_web_identity_environment(aws_env, sts_stub, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(tmp_path / "token"))
    write(aws_env, "credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = d\n")
    chain = default_provider("dev")
    assert chain.get_credentials().access_key == "AKIDDEV" and chain.method == "shared-credentials-file"


def test_web_identity_without_role(aws_env, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(tmp_path / "token"))
    with pytest.raises(CredentialsError, match="no role ARN") as info:
        default_provider().get_credentials()
    assert info.value.field == "role_arn"


# -- SSO ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "profile_text",
    [
        "sso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n",
        "sso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n",
    ],
)
def test_sso_profiles_are_not_supported_by_name(aws_env, profile_text):
    write(
        aws_env,
        "config",
        f"[profile corp-admin]\n{profile_text}[sso-session corp]\nsso_start_url = https://x\nsso_region = us-east-1\n",
    )
    with pytest.raises(
        CredentialsError, match="profile 'corp-admin' uses IAM Identity Center \\(SSO\\), which sigv4 does not support"
    ):
        default_provider("corp-admin").get_credentials()


# -- container and instance metadata --------------------------------------------------


def test_container_like_botocore(aws_env, container_stub, monkeypatch):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    chain = default_provider()
    ours = chain.get_credentials()
    method, boto = botocore_creds()
    assert chain.method == method == "container-role"
    assert (
        ours.access_key == container_stub.issued[0]["AccessKeyId"] and boto.access_key == container_stub.issued[1]["AccessKeyId"]
    )


def test_imds_like_botocore(aws_env, imds_stub, monkeypatch):
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_stub.url)
    monkeypatch.setenv("AWS_METADATA_SERVICE_TIMEOUT", "1")
    chain = default_provider()
    ours = chain.get_credentials()
    method, boto = botocore_creds()
    assert chain.method == method == "iam-role"
    assert ours.access_key == imds_stub.issued[0]["AccessKeyId"] and boto.access_key == imds_stub.issued[1]["AccessKeyId"]


def test_container_beats_instance_metadata(aws_env, container_stub, imds_stub, monkeypatch):
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_stub.url)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    assert default_provider().get_credentials().access_key == container_stub.issued[0]["AccessKeyId"]
    assert imds_stub.requests == []


def test_nothing_found_with_metadata_failing(aws_env, imds_stub, monkeypatch):
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_stub.url)
    imds_stub.faults.extend(["timeout", "timeout"])
    chain = default_provider(imds_timeout=0.2)
    with pytest.raises(
        CredentialsError,
        match=r"Unable to locate credentials: nothing in explicit arguments, the environment, profile 'default'"
        r".*instance metadata failed: .*timed out after 0\.2 s",
    ):
        chain.get_credentials()
    assert chain.method is None  # unresolved again: the next call looks everywhere again
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLATER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    assert chain.get_credentials().access_key == "AKIDLATER" and chain.method == "env"
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    chain = default_provider(imds_timeout=0.2)
    assert chain.get_credentials().access_key == imds_stub.issued[0]["AccessKeyId"] and chain.method == "iam-role"


def test_nothing_found_with_metadata_disabled(aws_env):
    from sigv4.exceptions import NoCredentialsError

    with pytest.raises(NoCredentialsError, match=r"Unable to locate credentials: looked in .*AWS_EC2_METADATA_DISABLED") as info:
        default_provider().get_credentials()
    assert info.value.field == "credentials" and isinstance(info.value, CredentialsError)


# -- laziness --------------------------------------------------------------------------


def test_no_network_when_satisfied_locally(aws_env, container_stub, imds_stub, sts_stub, monkeypatch):
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_stub.url)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_stub.url + container_stub.path)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "credentials", "[default]\naws_access_key_id = AKIDLOCAL\naws_secret_access_key = l\n")
    write(aws_env, "config", f"[profile role]\nrole_arn = {ROLE}\nsource_profile = default\n")
    chain = default_provider()
    assert chain.get_credentials().access_key == "AKIDLOCAL"
    assert container_stub.requests == imds_stub.requests == sts_stub.requests == []


def test_nothing_is_read_before_credentials_are_asked_for(aws_env):
    write(aws_env, "credentials", "this is not an ini file\n")
    chain = default_provider()  # no error yet: nothing read
    assert chain.method is None
    with pytest.raises(CredentialsError, match="cannot parse"):
        chain.get_credentials()


def test_resolution_sticks_to_its_source(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFIRST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    chain = default_provider()
    assert chain.get_credentials().access_key == "AKIDFIRST" and chain.method == "env"
    assert chain.provider is chain.resolve()


def test_import_is_cheap_and_offline():
    code = (
        "import sys, sigv4.providers.chain as c\n"
        "heavy = ('urllib.request', 'json', 'configparser', 'xml.etree.ElementTree', 'subprocess', 'http.client', 'email')\n"
        "heavy = [m for m in heavy + ('logging',) if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


# -- secrets stay secret ---------------------------------------------------------------


def test_no_secret_in_reprs_messages_or_warnings(aws_env, sts_stub, monkeypatch, recwarn):
    from datetime import timedelta

    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_stub.url)
    write(aws_env, "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base/TOPSECRET\n")
    write(aws_env, "config", f"[profile deploy]\nrole_arn = {ROLE}\nsource_profile = base\n")
    sts_stub.callers["AKIDBASE"] = ("base/TOPSECRET", None)
    sts_stub.lifetime = timedelta(minutes=3)  # inside the refresh window at once
    chain = default_provider("deploy")
    chain.provider.retry_interval = 0  # ask again at once
    creds = chain.get_credentials()
    assert chain.describe() == f"assume-role: AssumeRole of {ROLE} (profile 'deploy')"
    sts_stub.faults.extend(["500", "500"])
    chain.get_credentials()  # refresh fails → warning, old ones kept
    texts = [repr(chain), str(chain), repr(chain.provider), repr(chain.provider.source), chain.describe()]
    texts += [str(w.message) for w in recwarn]
    assert any("refreshing credentials failed" in t for t in texts)
    for text in texts:
        assert "TOPSECRET" not in text and creds.secret_key not in text and creds.token not in text
    sts_stub.callers["AKIDBASE"] = ("another", None)
    with pytest.raises(CredentialsError) as info:
        chain.provider.refresh()
    assert "TOPSECRET" not in str(info.value)


def test_describe_static_profile(aws_env):
    write(aws_env, "credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = d\n")
    assert default_provider("dev").describe() == "shared-credentials-file: profile 'dev'"
    assert default_provider(access_key="A", secret_key="s").describe() == "explicit"
