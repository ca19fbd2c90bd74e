"""The shared files (static keys in either file, credential_process), with real
files in a temporary HOME, each outcome checked against botocore's own chain."""

from __future__ import annotations

import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from sigv4 import CredentialsError
from sigv4.providers.chain import default_provider
from sigv4.providers.files import ProcessProvider, load_shared_config
from tests import stubs_aws

aws_env = stubs_aws.aws_env


def write(home, name: str, text: str) -> None:
    (home / ".aws" / name).write_text(textwrap.dedent(text))


def botocore_resolve(profile: str | None = None) -> tuple[str, object] | None:
    import botocore.session

    creds = botocore.session.Session(profile=profile).get_credentials()
    if creds is None:
        return None
    return creds.method, creds.get_frozen_credentials()


def assert_same_as_botocore(profile: str | None = None) -> str:
    chain = default_provider(profile=profile)
    ours = chain.get_credentials()
    method, boto = botocore_resolve(profile)
    assert chain.method == method
    assert (ours.access_key, ours.secret_key, ours.token) == (boto.access_key, boto.secret_key, boto.token)
    return method


def test_credentials_file_default(aws_env):
    write(aws_env, "credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file/secret\n")
    assert assert_same_as_botocore() == "shared-credentials-file"


def test_config_file_default(aws_env):
    write(aws_env, "config", "[default]\nregion = eu-west-1\naws_access_key_id = AKIDCONF\naws_secret_access_key = conf/secret\n")
    assert assert_same_as_botocore() == "config-file"


def test_credentials_file_wins_over_config_file(aws_env):
    write(aws_env, "credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file/secret\n")
    write(aws_env, "config", "[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = conf/secret\n")
    assert assert_same_as_botocore() == "shared-credentials-file"
    assert default_provider().get_credentials().access_key == "AKIDFILE"


def test_named_profiles_and_session_token(aws_env, monkeypatch):
    write(
        aws_env,
        "credentials",
        """
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = d
        [dev]
        aws_access_key_id = AKIDDEV
        aws_secret_access_key = dev/secret
        aws_session_token = dev-token
        """,
    )
    write(
        aws_env,
        "config",
        "[profile ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops\ns3 =\n  addressing_style = path\n",
    )
    assert assert_same_as_botocore("dev") == "shared-credentials-file"
    assert default_provider("dev").get_credentials().token == "dev-token"
    assert assert_same_as_botocore("ops") == "config-file"
    monkeypatch.setenv("AWS_PROFILE", "ops")
    assert assert_same_as_botocore() == "config-file"
    assert default_provider().profile_name is None  # not resolved yet
    chain = default_provider()
    chain.get_credentials()
    assert chain.profile_name == "ops"


def test_environment_beats_aws_profile_but_not_an_explicit_profile(aws_env, monkeypatch):
    write(aws_env, "credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert assert_same_as_botocore() == "env"
    assert assert_same_as_botocore("dev") == "shared-credentials-file"


def test_explicit_keys_win(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env")
    chain = default_provider(access_key="AKIDEXPLICIT", secret_key="x", token="t")
    assert chain.get_credentials().access_key == "AKIDEXPLICIT" and chain.method == "explicit"


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"access_key": "A"}, "secret_key"), ({"secret_key": "s"}, "access_key"), ({"token": "t"}, "token")]
)
def test_incomplete_explicit_keys(kwargs, field):
    with pytest.raises(CredentialsError) as info:  # PartialCredentialsError for a lone key, as boto3
        default_provider(**kwargs)
    assert info.value.field == field


def test_missing_explicit_profile(aws_env, monkeypatch):
    import botocore.exceptions

    write(aws_env, "credentials", "[default]\naws_access_key_id = A\naws_secret_access_key = s\n")
    from sigv4.exceptions import ProfileNotFound

    with pytest.raises(botocore.exceptions.ProfileNotFound) as boto:
        botocore_resolve("nope")
    with pytest.raises(ProfileNotFound) as ours:
        default_provider("nope").get_credentials()
    assert str(ours.value) == str(boto.value)
    monkeypatch.setenv("AWS_PROFILE", "nope")
    with pytest.raises(ProfileNotFound):
        default_provider().get_credentials()


def test_partial_keys_in_a_file(aws_env):
    write(aws_env, "credentials", "[default]\naws_access_key_id = AKIDHALF\n")
    with pytest.raises(CredentialsError, match="has aws_access_key_id but no aws_secret_access_key") as info:
        default_provider().get_credentials()
    assert info.value.field == "aws_secret_access_key"


def test_unparsable_file_names_the_line_not_its_content(aws_env):
    write(aws_env, "credentials", "[default]\naws_access_key_id = AKID\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    with pytest.raises(CredentialsError, match=r"cannot parse .*credentials: malformed line\(s\) 3") as info:
        default_provider().get_credentials()
    assert "wJalr" not in str(info.value)
    write(aws_env, "credentials", "aws_secret_access_key = wJalrXUtnFEMI\n[default]\n")
    with pytest.raises(CredentialsError, match="line 1 comes before any") as info:
        default_provider().get_credentials()
    assert "wJalr" not in str(info.value)


def test_parsed_like_botocore(aws_env):
    import botocore.session

    write(
        aws_env,
        "config",
        """
        [default]
        region = us-west-2
        [profile dev]
        region = eu-west-1
        s3 =
          addressing_style = path
          signature_version = s3v4
        services = local
        [services local]
        sts =
          endpoint_url = http://127.0.0.1:4566
        [sso-session corp]
        sso_region = us-east-1
        """,
    )
    write(aws_env, "credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n")
    shared = load_shared_config()
    boto = botocore.session.Session().full_config
    for name in ("default", "dev"):
        assert shared.profile(name) == boto["profiles"][name]
    assert shared.service_config("local", "sts") == boto["services"]["local"]["sts"]
    assert shared.sections["sso-session"]["corp"] == boto["sso_sessions"]["corp"]


# -- credential_process -------------------------------------------------------------


def process_command(tmp_path, doc: str, exit_code: int = 0, stderr: str = "") -> str:
    script = tmp_path / "creds helper.py"
    script.write_text(f"import sys\nsys.stderr.write({stderr!r})\nprint({doc!r})\nsys.exit({exit_code})\n")
    return f'{sys.executable} "{script}" --flag value'


def test_credential_process(aws_env, tmp_path):
    when = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(microsecond=0)
    doc = (
        '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc/secret", '
        f'"SessionToken": "proc-token", "Expiration": "{when.strftime("%Y-%m-%dT%H:%M:%SZ")}"}}'
    )
    write(aws_env, "config", f"[default]\ncredential_process = {process_command(tmp_path, doc)}\n")
    assert assert_same_as_botocore() == "custom-process"
    assert default_provider().get_credentials().expiry == when


def test_credential_process_without_expiration_or_token(aws_env, tmp_path):
    doc = '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc/secret"}'
    write(aws_env, "config", f"[profile p]\ncredential_process = {process_command(tmp_path, doc)}\n")
    assert assert_same_as_botocore("p") == "custom-process"


def test_credentials_file_keys_beat_process_and_process_beats_config_keys(aws_env, tmp_path):
    doc = '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc/secret"}'
    write(
        aws_env,
        "config",
        f"[default]\ncredential_process = {process_command(tmp_path, doc)}\n"
        "aws_access_key_id = AKIDCONF\naws_secret_access_key = c\n",
    )
    assert assert_same_as_botocore() == "custom-process"
    write(aws_env, "credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n")
    assert assert_same_as_botocore() == "shared-credentials-file"


@pytest.mark.parametrize(
    ("doc", "code", "stderr", "match"),
    [
        ('{"Version": 1, "AccessKeyId": "A"}', 0, "", "no SecretAccessKey"),
        ('{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}', 0, "", "only Version 1"),
        ("not json at all", 0, "", "not valid JSON"),
        ("[]", 0, "", "not an object"),
        ("{}", 3, "token expired, run login", r"exited with status 3: 'token expired, run login' \(24 bytes on stderr\)"),
        (
            '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "2020-01-01T00:00:00Z"}',
            0,
            "",
            "already expired",
        ),
    ],
)
def test_credential_process_failures(aws_env, tmp_path, doc, code, stderr, match):
    write(aws_env, "config", f"[default]\ncredential_process = {process_command(tmp_path, doc, code, stderr)}\n")
    with pytest.raises(CredentialsError, match=match) as info:
        default_provider().get_credentials()
    assert "profile 'default'" in str(info.value) or info.value.field == "credential_process"


def test_credential_process_not_found_and_timeout(tmp_path):
    with pytest.raises(CredentialsError, match="command not found"):
        ProcessProvider(str(tmp_path / "no-such-helper")).get_credentials()
    slow = f'{sys.executable} -c "import time; time.sleep(5)"'
    with pytest.raises(CredentialsError, match=r"timed out after 0\.2 s"):
        ProcessProvider(slow, timeout=0.2).get_credentials()


def test_credential_process_secret_not_in_repr(tmp_path):
    provider = ProcessProvider(process_command(tmp_path, '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s3cr3t"}'))
    assert "s3cr3t" not in repr(provider)
    assert "s3cr3t" not in repr(provider.get_credentials())


def test_aws_default_profile_wins_over_aws_profile_as_in_botocore(aws_env, monkeypatch):
    write(
        aws_env,
        "credentials",
        "[a]\naws_access_key_id = AKIDA\naws_secret_access_key = a\n[b]\naws_access_key_id = AKIDB\naws_secret_access_key = b\n",
    )
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "a")
    monkeypatch.setenv("AWS_PROFILE", "b")
    assert_same_as_botocore()
    assert default_provider().get_credentials().access_key == "AKIDA"


def test_duplicate_section_names_lines_only(aws_env):
    write(aws_env, "credentials", "[default]\naws_access_key_id = A\naws_secret_access_key = TOPSECRET\n[default]\nregion = x\n")
    with pytest.raises(CredentialsError, match=r"malformed line\(s\) 4") as info:
        default_provider().get_credentials()
    assert "TOPSECRET" not in str(info.value)


def test_missing_services_section(aws_env):
    write(aws_env, "credentials", "[base]\naws_access_key_id = A\naws_secret_access_key = s\n")
    write(aws_env, "config", "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nservices = nowhere\n")
    with pytest.raises(CredentialsError, match="services section 'nowhere', which does not exist") as info:
        default_provider().get_credentials()
    assert info.value.field == "services"
