"""Credentials from the environment, checked against botocore's EnvProvider."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone

import pytest

from sigv4 import Credentials, CredentialsError
from sigv4.providers.base import CredentialsRefreshWarning, parse_expiry
from sigv4.providers.env import EnvProvider, env_has_credentials
from tests import stubs_aws

aws_env = stubs_aws.aws_env


def botocore_env() -> object:
    from botocore.credentials import EnvProvider as BotoEnv

    return BotoEnv().load()


def test_keys_and_token(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env/secret+key")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "env-token")
    ours = EnvProvider().get_credentials()
    boto = botocore_env().get_frozen_credentials()
    assert (ours.access_key, ours.secret_key, ours.token) == (boto.access_key, boto.secret_key, boto.token)
    assert ours.expiry is None


def test_legacy_security_token(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "old-style")
    assert EnvProvider().get_credentials().token == botocore_env().get_frozen_credentials().token == "old-style"


def test_expiration_is_parsed_like_botocore(aws_env, monkeypatch):
    when = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=2)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "t")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ours = EnvProvider().get_credentials()
    assert ours.expiry == when == botocore_env()._expiry_time


def test_rotated_environment_is_reread_near_expiry(aws_env, monkeypatch):
    when = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFIRST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s1")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", when.isoformat())
    now = [when.timestamp() - 3000]
    provider = EnvProvider(clock=lambda: now[0])
    assert provider.get_credentials().access_key == "AKIDFIRST"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSECOND")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s2")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", (when + timedelta(hours=1)).isoformat())
    assert provider.get_credentials().access_key == "AKIDFIRST"  # not yet in the refresh window
    now[0] = when.timestamp() - 60
    assert provider.get_credentials().access_key == "AKIDSECOND"


def test_expired_environment(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z")
    with pytest.raises(CredentialsError) as info:
        EnvProvider().get_credentials()
    assert info.value.field == "AWS_CREDENTIAL_EXPIRATION" and "expired" in info.value.rule


def test_stale_environment_keeps_old_ones_while_valid(aws_env, monkeypatch):
    when = datetime.now(timezone.utc) + timedelta(hours=1)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", when.isoformat())
    now = [when.timestamp() - 3000]
    provider = EnvProvider(clock=lambda: now[0])
    first = provider.get_credentials()
    now[0] = when.timestamp() - 100  # nobody rotated the variables
    with pytest.warns(CredentialsRefreshWarning):
        assert provider.get_credentials() == first
    now[0] = when.timestamp() + 1
    with warnings.catch_warnings(), pytest.raises(CredentialsError):
        provider.get_credentials()


def test_secret_missing(aws_env, monkeypatch):
    import botocore.exceptions

    from sigv4.exceptions import PartialCredentialsError

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    with pytest.raises(PartialCredentialsError) as info:
        EnvProvider().get_credentials()
    assert info.value.field == "AWS_SECRET_ACCESS_KEY"
    with pytest.raises(botocore.exceptions.PartialCredentialsError) as boto:
        botocore_env().get_frozen_credentials()
    assert str(info.value) == str(boto.value)


def test_bad_expiration(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "tomorrow")
    with pytest.raises(CredentialsError) as info:
        EnvProvider().get_credentials()
    assert info.value.field == "AWS_CREDENTIAL_EXPIRATION"


def test_newline_in_token_is_refused_naming_the_variable(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "t\nX: y")
    with pytest.raises(CredentialsError) as info:
        EnvProvider().get_credentials()
    assert info.value.field == "AWS_SESSION_TOKEN"


def test_presence_matches_botocore(aws_env, monkeypatch):
    assert not env_has_credentials() and botocore_env() is None
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")  # a secret alone is not enough, as in botocore
    assert not env_has_credentials() and botocore_env() is None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "")
    assert not env_has_credentials() and botocore_env() is None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKID")
    assert env_has_credentials() and botocore_env() is not None


def test_explicit_mapping_instead_of_os_environ():
    env = {"AWS_ACCESS_KEY_ID": "AKIDMAP", "AWS_SECRET_ACCESS_KEY": "s"}
    assert EnvProvider(env).get_credentials() == Credentials("AKIDMAP", "s")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-29T10:00:00Z", datetime(2026, 11, 29, 10, tzinfo=timezone.utc)),
        ("2026-11-29T10:00:00.5Z", datetime(2026, 11, 29, 10, 0, 0, 500000, tzinfo=timezone.utc)),
        ("2026-11-29T10:00:00.123456789Z", datetime(2026, 11, 29, 10, 0, 0, 123456, tzinfo=timezone.utc)),
        ("2026-11-29T12:00:00+02:00", datetime(2026, 11, 29, 10, tzinfo=timezone.utc)),
        ("2026-11-29T05:00:00-0500", datetime(2026, 11, 29, 10, tzinfo=timezone.utc)),
        ("2026-11-29 10:00:00", datetime(2026, 11, 29, 10, tzinfo=timezone.utc)),
    ],
)
def test_expiry_formats_agree_with_botocore(text, expected):
    from botocore.credentials import _parse_if_needed

    assert parse_expiry(text, "x") == expected
    boto = _parse_if_needed(text)
    if boto.tzinfo is not None:
        assert boto == expected


@pytest.mark.parametrize("text", ["", "2026-13-01T00:00:00Z", "2026-11-29", "1700000000", "2026-11-29T10:00:00 PST"])
def test_bad_expiry(text):
    with pytest.raises(CredentialsError):
        parse_expiry(text, "x")
