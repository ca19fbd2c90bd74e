"""sigv4.client / sigv4.Session resolve what is missing as boto3 does.

Each scenario sets up an environment and shared files, then asks boto3 1.44.8
(``Config(signature_version='s3v4')``) and sigv4 for the same presigned URL at the
same frozen instant: they must agree.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from sigv4 import SigningError
from sigv4.exceptions import InvalidConfigError, PartialCredentialsError, ProfileNotFound, UnknownServiceError
from sigv4.session import CLIENT_FACTORIES, Session, client, resolve_credentials

NOW = datetime(2025, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
PARAMS = {"Bucket": "my-bucket", "Key": "dir/a file.txt"}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return tmp_path


def both(
    boto_kwargs: dict[str, Any] | None = None, ours_kwargs: dict[str, Any] | None = None, profile: str | None = None
) -> tuple[str, str]:
    import boto3
    from botocore.config import Config
    from freezegun import freeze_time

    boto_kwargs = dict(boto_kwargs or {})
    s3 = boto_kwargs.pop("s3", None)
    boto = boto3.session.Session(profile_name=profile).client("s3", config=Config(signature_version="s3v4", s3=s3), **boto_kwargs)
    with freeze_time(NOW):
        expected = boto.generate_presigned_url("get_object", Params=dict(PARAMS), ExpiresIn=900)
    mine = Session(profile_name=profile).client("s3", **(ours_kwargs or {}))
    got = mine.presign("get_object", dict(PARAMS), 900, now=NOW).url
    return got, expected


def test_environment_credentials_and_region(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "env-token")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    got, expected = both()
    assert got == expected
    assert "AKIDENV" in got and "env-token" in got and "us-west-2" in got


def test_module_level_client_uses_the_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_REGION", "eu-south-2")  # the other SDKs' variable, also read by sigv4
    url = client("s3").generate_presigned_url("get_object", Params=dict(PARAMS))
    assert url.startswith("https://my-bucket.s3.eu-south-2.amazonaws.com/dir/a%20file.txt?")


def test_profile_from_files_with_nested_s3_block(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "config").write_text("[profile dev]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n")
    (home / "credentials").write_text("[dev]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    got, expected = both()
    assert got == expected
    assert got.startswith("https://s3.eu-west-1.amazonaws.com/my-bucket/")


def test_explicit_profile_skips_environment_credentials(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "credentials").write_text("[dev]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    got, expected = both(profile="dev")
    assert got == expected and "AKIDFILE" in got
    with pytest.raises(ProfileNotFound):
        Session(profile_name="ghost")


@pytest.mark.parametrize(
    ("setup", "expected_prefix"),
    [
        (
            {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000", "AWS_ENDPOINT_URL": "http://other:1"},
            "http://127.0.0.1:9000/my-bucket/",
        ),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:9001"}, "http://127.0.0.1:9001/my-bucket/"),
        ({"FILE": "endpoint_url = http://127.0.0.1:9002\n"}, "http://127.0.0.1:9002/my-bucket/"),
        (
            {"FILE": "services = local\n", "SERVICES": "[services local]\ns3 =\n  endpoint_url = http://127.0.0.1:9003\n"},
            "http://127.0.0.1:9003/my-bucket/",
        ),
        (
            {"AWS_ENDPOINT_URL": "http://127.0.0.1:9004", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
            "https://my-bucket.s3.amazonaws.com/",
        ),
    ],
)
def test_configured_endpoints(home: Path, monkeypatch: pytest.MonkeyPatch, setup: dict[str, str], expected_prefix: str) -> None:
    (home / "config").write_text("[default]\n" + setup.pop("FILE", "") + setup.pop("SERVICES", ""))
    (home / "credentials").write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n")
    for name, value in setup.items():
        monkeypatch.setenv(name, value)
    got, expected = both()
    assert got == expected
    assert got.startswith(expected_prefix)


def test_fips_dualstack_and_config_objects(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.config import Config

    (home / "credentials").write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n")
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    (home / "config").write_text("[default]\nregion = us-east-2\ns3 =\n  use_dualstack_endpoint = true\n")
    got, expected = both()
    assert got == expected and got.startswith("https://my-bucket.s3-fips.dualstack.us-east-2.amazonaws.com/")
    # A botocore Config object works as sigv4's config, and wins over the files.
    cfg = Config(signature_version="s3v4", s3={"addressing_style": "path", "use_dualstack_endpoint": False})
    got, expected = both({"s3": {"addressing_style": "path", "use_dualstack_endpoint": False}}, {"config": cfg})
    assert got == expected and got.startswith("https://s3-fips.us-east-2.amazonaws.com/my-bucket/")


def test_no_region_means_us_east_1_like_boto3(home: Path) -> None:
    got, expected = both(
        {"aws_access_key_id": "AKID", "aws_secret_access_key": "s"}, {"aws_access_key_id": "AKID", "aws_secret_access_key": "s"}
    )
    assert got == expected and "us-east-1" in got


def test_explicit_arguments_win(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    kwargs = {"region_name": "ap-northeast-1", "aws_access_key_id": "AKIDARG", "aws_secret_access_key": "arg-secret"}
    got, expected = both(kwargs, kwargs)
    assert got == expected and "AKIDARG" in got and "ap-northeast-1" in got


def test_unsupported_service_is_a_clear_error() -> None:
    with pytest.raises(UnknownServiceError, match="ec2") as e:
        client("ec2")
    assert isinstance(e.value, SigningError)
    assert "s3" in CLIENT_FACTORIES


@pytest.mark.parametrize(
    "config", [{"signature_version": "s3"}, {"signature_version": "v2"}, {"bogus_option": 1}, {"s3": "path"}]
)
def test_bad_config_is_refused(home: Path, config: dict[str, Any]) -> None:
    with pytest.raises(InvalidConfigError):
        Session().client("s3", config=config)


def test_bad_addressing_style_is_refused(home: Path) -> None:
    with pytest.raises(InvalidConfigError, match="addressing_style"):
        Session().client("s3", config={"s3": {"addressing_style": "virtaul"}})


def test_network_options_of_botocore_config_are_ignored(home: Path) -> None:
    c = Session().client("s3", config={"retries": {"max_attempts": 3}, "connect_timeout": 5, "signature_version": "s3v4"})
    assert c.meta.region_name == "us-east-1"


@pytest.mark.parametrize(
    ("kwargs", "env", "missing"),
    [
        ({"aws_access_key_id": "AKID"}, {}, "aws_secret_access_key"),
        ({"aws_secret_access_key": "s"}, {}, "aws_access_key_id"),
        ({}, {"AWS_ACCESS_KEY_ID": "AKID"}, "AWS_SECRET_ACCESS_KEY"),
    ],
)
def test_partial_credentials(kwargs: dict[str, str], env: dict[str, str], missing: str) -> None:
    with pytest.raises(PartialCredentialsError, match=missing):
        resolve_credentials(**kwargs, environ=env)


def test_resolve_credentials_order() -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SECURITY_TOKEN": "legacy-token"}
    profile = {"aws_access_key_id": "AKIDFILE", "aws_secret_access_key": "f"}
    assert resolve_credentials("AKIDARG", "a", environ=env, profile=profile).access_key == "AKIDARG"  # type: ignore[union-attr]
    from_env = resolve_credentials(environ=env, profile=profile)
    assert from_env is not None and from_env.access_key == "AKIDENV" and from_env.token == "legacy-token"
    assert resolve_credentials(environ=env, profile=profile, explicit_profile=True).access_key == "AKIDFILE"  # type: ignore[union-attr]
    assert resolve_credentials(environ={}, profile={}) is None


def test_session_attributes(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "config").write_text("[default]\nregion = eu-north-1\n[profile b]\nregion = us-east-2\n")
    (home / "credentials").write_text("[c]\naws_access_key_id = A\naws_secret_access_key = s\n")
    s = Session()
    assert s.region_name == "eu-north-1"
    assert s.available_profiles == ["b", "c", "default"]
    assert s.get_available_services() == sorted(CLIENT_FACTORIES)
    assert "s\n" not in repr(s) and Session(profile_name="c").get_credentials() is not None
