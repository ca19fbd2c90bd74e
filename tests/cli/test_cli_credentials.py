"""The CLI finds credentials through the whole chain: ``--profile`` with assume-role
(AssumeRole answered by the loopback STS stand-in, which verifies the signature),
container credentials, ``credential_process``; SSO and MFA profiles are refused."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from freezegun import freeze_time

from tests.cli.test_cli_support import ACCESS_KEY, SECRET_KEY, base_env, header_lines, run_cli
from tests.stubs_aws import ContainerStub, StsStub, container_stub, sts_stub  # noqa: F401 - fixtures


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


def test_presign_with_an_assume_role_profile(tmp_path: Path, sts_stub: StsStub) -> None:  # noqa: F811
    sts_stub.callers[ACCESS_KEY] = (SECRET_KEY, None)
    (tmp_path / "aws-credentials").write_text(f"[base]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")
    (tmp_path / "aws-config").write_text(
        "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\nregion = eu-west-1\n"
    )
    env = base_env(tmp_path, creds=False, fixed=False) | {"AWS_ENDPOINT_URL_STS": sts_stub.url}
    result = run_cli(["presign", "s3://my-bucket/report.pdf", "--profile", "deploy"], env)
    assert result.code == 0, result.stderr
    assert len(sts_stub.verified) == 1 and sts_stub.verified[0]["RoleArn"] == "arn:aws:iam::123456789012:role/deploy"
    issued = sts_stub.issued[0]
    url = result.stdout.strip()
    params = _query(url)
    assert params["X-Amz-Credential"].startswith(issued["AccessKeyId"] + "/")
    assert params["X-Amz-Security-Token"] == issued["Token"]
    # the same URL boto3 makes with the role's credentials at the URL's time
    from datetime import datetime, timezone

    when = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    client = boto3.client(
        "s3", region_name="eu-west-1", config=Config(signature_version="s3v4"), aws_access_key_id=issued["AccessKeyId"],
        aws_secret_access_key=issued["SecretAccessKey"], aws_session_token=issued["Token"],
    )  # fmt: skip
    with freeze_time(when):
        want = client.generate_presigned_url("get_object", Params={"Bucket": "my-bucket", "Key": "report.pdf"})
    assert url == want
    assert issued["SecretAccessKey"] not in result.stdout + result.stderr
    result.assert_no_secret()


def test_sign_with_container_credentials(tmp_path: Path, container_stub: ContainerStub) -> None:  # noqa: F811
    env = base_env(tmp_path, creds=False, fixed=False) | {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": container_stub.url + container_stub.path,
    }
    result = run_cli(["sign", "GET", "https://abc.execute-api.eu-west-1.amazonaws.com/prod", "-s", "execute-api"], env)
    assert result.code == 0, result.stderr
    issued = container_stub.issued[0]
    headers = dict(header_lines(result.stdout))
    assert headers["X-Amz-Security-Token"] == issued["Token"]
    assert headers["Authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={issued['AccessKeyId']}/")
    assert issued["SecretAccessKey"] not in result.stdout + result.stderr


def test_credential_process_profile(tmp_path: Path) -> None:
    script = tmp_path / "creds.py"
    doc: dict[str, Any] = {"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": SECRET_KEY}
    script.write_text(f"import json\nprint(json.dumps({doc!r}))\n")
    (tmp_path / "aws-config").write_text(f"[profile tool]\ncredential_process = {sys.executable} {script}\nregion = us-west-1\n")
    result = run_cli(["rds-token", "--hostname", "db.example", "--port", "5432", "--username", "u", "--profile", "tool"],
                     base_env(tmp_path, creds=False))  # fmt: skip
    assert result.code == 0, result.stderr
    assert "X-Amz-Credential=AKIDPROCESS%2F20150830%2Fus-west-1%2Frds-db%2Faws4_request" in result.stdout
    result.assert_no_secret()


def test_sso_and_mfa_profiles_are_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "aws-config").write_text(
        "[profile corp-sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
        "sso_account_id = 123456789012\nsso_role_name = Dev\nregion = eu-west-1\n"
        f"[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
        f"[profile base]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
    )
    env = base_env(tmp_path, creds=False)
    sso = run_cli(["presign", "s3://b/k", "--profile", "corp-sso"], env)
    assert (sso.code, sso.stdout) == (1, "")
    assert "profile 'corp-sso' uses IAM Identity Center (SSO), which sigv4 does not support" in sso.stderr
    mfa = run_cli(["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1", "--profile", "admin"], env)
    assert (mfa.code, mfa.stdout) == (1, "")
    assert "mfa" in mfa.stderr.lower() and "admin" in mfa.stderr
    for result in (sso, mfa):
        result.assert_no_secret()


def test_json_in_post_fields_never_holds_the_secret(tmp_path: Path) -> None:
    result = run_cli(["post", "s3://b/k", "--region", "eu-west-1"], base_env(tmp_path))
    assert result.code == 0
    fields = json.loads(result.stdout)["fields"]
    assert SECRET_KEY not in json.dumps(fields)
