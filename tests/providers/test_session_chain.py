"""sigv4.client() draws on the whole credential chain, as boto3.client() does."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import sigv4


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(__import__("os").environ):
        if name.startswith("AWS_") and name != "AWS_EC2_METADATA_DISABLED":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return tmp_path


def _credential(url: str) -> str:
    return parse_qs(urlsplit(url).query)["X-Amz-Credential"][0]


def test_credential_process_profile(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = isolated / "creds.py"
    doc = {"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "process-token"}
    script.write_text(f"import json; print(json.dumps({doc!r}))")
    (isolated / "config").write_text(f"[profile proc]\nregion = eu-west-1\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_PROFILE", "proc")
    url = sigv4.client("s3").generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    assert _credential(url).startswith("AKIDPROCESS/")
    assert "/eu-west-1/s3/aws4_request" in _credential(url)
    assert parse_qs(urlsplit(url).query)["X-Amz-Security-Token"] == ["process-token"]
    assert "process-secret" not in url
    session = sigv4.Session(profile_name="proc")
    creds = session.get_credentials()
    assert creds is not None and creds.access_key == "AKIDPROCESS"


def test_environment_keys_are_used_directly(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    session = sigv4.Session(region_name="us-west-2")
    assert isinstance(session.credential_provider(), sigv4.Credentials)
    url = session.client("s3").generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    assert _credential(url).startswith("AKIDENV/")


def test_no_credentials_anywhere(isolated: Path) -> None:
    from sigv4.exceptions import NoCredentialsError

    assert sigv4.Session(region_name="us-east-1").get_credentials() is None
    client = sigv4.client("s3", region_name="us-east-1")
    with pytest.raises(NoCredentialsError):
        client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})


def test_token_clients_come_from_the_factory(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    token = sigv4.client("rds", region_name="eu-west-1").generate_db_auth_token("db.example.com", 5432, "app")
    assert token.startswith("db.example.com:5432/?Action=connect&DBUser=app&")
    assert sigv4.client("eks", region_name="eu-west-1").get_token("cluster").startswith("k8s-aws-v1.")
    assert "dsql" in sigv4.Session().get_available_services()
    assert json.dumps(sorted(sigv4.Session().get_available_services())) == '["dsql", "eks", "rds", "s3", "sts"]'
