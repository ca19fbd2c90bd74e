"""``sigv4 presign`` and ``sigv4 post``: byte for byte what boto3 1.44.8 returns
(``Config(signature_version='s3v4')``) for the same inputs at the same frozen
time, and accepted by the real S3 gateway."""

from __future__ import annotations

import http.client
import json
import os
from pathlib import Path
from typing import Any, Optional

import boto3
import pytest
from botocore.config import Config
from freezegun import freeze_time

from sigv4.cli.demo import multipart_body
from tests.botocore_oracle import as_sigv4_sends
from tests.cli.test_cli_support import ACCESS_KEY, FIXED, SECRET_KEY, TOKEN, base_env, run_cli

_BOTO_CLIENTS: dict[tuple[Any, ...], Any] = {}


def boto_client(region: str, style: Optional[str] = None, endpoint: Optional[str] = None, token: Optional[str] = None) -> Any:
    key = (region, style, endpoint, token)
    if key not in _BOTO_CLIENTS:
        s3 = {"addressing_style": style} if style else None
        _BOTO_CLIENTS[key] = boto3.client(
            "s3", region_name=region, endpoint_url=endpoint, config=Config(signature_version="s3v4", s3=s3),
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, aws_session_token=token,
        )  # fmt: skip
    return _BOTO_CLIENTS[key]


def boto_url(method: str, params: dict[str, Any], expires: int = 3600, **client: Any) -> str:
    """boto3's URL, as sigv4 sends it (a key's dot segments escaped: README)."""
    with freeze_time(FIXED):
        return as_sigv4_sends(
            str(boto_client(**client).generate_presigned_url(method, Params=params, ExpiresIn=expires)), s3=True
        )


# (CLI arguments, boto3 client method, Params, ExpiresIn, boto3 client options)
PRESIGN_CASES = [
    (["s3://my-bucket/photos/a b+c ~=é.jpg", "--region", "us-east-1"], "get_object",
     {"Key": "photos/a b+c ~=é.jpg"}, 3600, {"region": "us-east-1"}),
    (["s3://my-bucket/x//y/./../z%41", "--region", "eu-west-1", "--addressing-style", "path", "--expires-in", "60"],
     "get_object", {"Key": "x//y/./../z%41"}, 60, {"region": "eu-west-1", "style": "path"}),
    (["s3://my.dotted.bucket/k", "--region", "eu-central-1"], "get_object", {"Key": "k"}, 3600, {"region": "eu-central-1"}),
    # a region opened after March 2019: sigv4 uses the regional host, which is boto3's URL with 'virtual'
    (["s3://my-bucket/k", "--region", "me-central-1"], "get_object", {"Key": "k"}, 3600,
     {"region": "me-central-1", "style": "virtual"}),
    (["s3://bucket/upload.bin", "--region", "ap-northeast-1", "--method", "PUT", "--content-type", "text/plain",
      "--expires-in", "604800"],
     "put_object", {"Key": "upload.bin", "ContentType": "text/plain"}, 604800, {"region": "ap-northeast-1"}),
    (["s3://bucket/k", "--region", "us-west-2", "--method", "HEAD"], "head_object", {"Key": "k"}, 3600, {"region": "us-west-2"}),
    (["s3://bucket/k", "--region", "us-west-2", "--method", "delete"], "delete_object", {"Key": "k"}, 3600,
     {"region": "us-west-2"}),
    (["s3://bucket/report.csv", "--region", "sa-east-1", "--content-type", "text/csv",
      "--param", "ResponseContentDisposition=attachment; filename=\"r.csv\"", "--param", "VersionId=3/L4kqtJl40Nr8X8gdRQBpUMLUo"],
     "get_object", {"Key": "report.csv", "ResponseContentDisposition": 'attachment; filename="r.csv"',
                    "VersionId": "3/L4kqtJl40Nr8X8gdRQBpUMLUo", "ResponseContentType": "text/csv"},  # the CLI's order
     3600, {"region": "sa-east-1"}),
    (["s3://bucket/big.iso", "--region", "eu-west-2", "--method", "upload_part", "--param", "PartNumber=7",
      "--param", "UploadId=abc+def"],
     "upload_part", {"Key": "big.iso", "PartNumber": 7, "UploadId": "abc+def"}, 3600, {"region": "eu-west-2"}),
    (["s3://bucket/k", "--endpoint-url", "http://127.0.0.1:9000", "--region", "us-east-1"],
     "get_object", {"Key": "k"}, 3600, {"region": "us-east-1", "endpoint": "http://127.0.0.1:9000"}),
    (["s3://bucket/k", "--endpoint-url", "https://minio.example:9000"],
     "get_object", {"Key": "k"}, 3600, {"region": "us-east-1", "endpoint": "https://minio.example:9000"}),
    # a store that accepts 30 days: the cap is raised explicitly
    (["s3://bucket/k", "--endpoint-url", "https://ceph.example", "--expires-in", "2592000", "--max-expires", "2592000"],
     "get_object", {"Key": "k"}, 2592000, {"region": "us-east-1", "endpoint": "https://ceph.example"}),
]  # fmt: skip


@pytest.mark.parametrize("case", PRESIGN_CASES, ids=[f"case{i}" for i in range(len(PRESIGN_CASES))])
@pytest.mark.parametrize("token", [None, TOKEN], ids=["keys", "session-token"])
def test_presign_matches_boto3(tmp_path: Path, case: tuple[Any, ...], token: Optional[str]) -> None:
    args, method, params, expires, client = case
    bucket = args[0][5:].split("/", 1)[0]
    want = boto_url(method, {"Bucket": bucket, **params}, expires, token=token, **client)
    result = run_cli(["presign", *args], base_env(tmp_path, token=token))
    assert result.code == 0, result.stderr
    assert result.stdout == want + "\n"  # the URL alone on one line
    result.assert_no_secret()
    if token:
        assert TOKEN not in result.stderr


def test_presign_region_and_options_from_the_profile(tmp_path: Path) -> None:
    (tmp_path / "aws-credentials").write_text(f"[dev]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")
    (tmp_path / "aws-config").write_text("[profile dev]\nregion = eu-north-1\ns3 =\n  addressing_style = path\n")
    env = base_env(tmp_path, creds=False)
    result = run_cli(["presign", "s3://bucket/k", "--profile", "dev"], env)
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == boto_url("get_object", {"Bucket": "bucket", "Key": "k"}, region="eu-north-1", style="path")
    by_env = run_cli(["presign", "s3://bucket/k"], env | {"AWS_PROFILE": "dev", "AWS_REGION": "eu-west-3"})
    assert by_env.stdout.strip() == boto_url("get_object", {"Bucket": "bucket", "Key": "k"}, region="eu-west-3", style="path")


def test_presign_through_the_console_script(tmp_path: Path) -> None:
    result = run_cli(["presign", "s3://my-bucket/k", "--region", "eu-west-1"], base_env(tmp_path), console_script=True)
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == boto_url("get_object", {"Bucket": "my-bucket", "Key": "k"}, region="eu-west-1")


def test_presign_warns_when_the_credentials_end_first(tmp_path: Path) -> None:
    import re
    from datetime import datetime, timedelta, timezone

    ends = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = base_env(tmp_path, token=TOKEN, fixed=False) | {"AWS_CREDENTIAL_EXPIRATION": ends}
    result = run_cli(["presign", "s3://b/k", "--region", "eu-west-1", "--expires-in", "7200"], env)
    assert result.code == 0, result.stderr
    assert re.fullmatch(
        r"sigv4: warning: the credentials expire in 3[56]\d\d s, before the 7200 s asked for: .*\n", result.stderr
    )
    assert run_cli(["presign", "s3://b/k", "--region", "eu-west-1", "--expires-in", "600"], env).stderr == ""


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["presign", "my-bucket/key"], 2, "not an S3 URI"),
        (["presign", "s3://my-bucket"], 2, "has no key"),
        (["presign", "s3:///key"], 2, "has no bucket"),
        (["presign", "s3://b/k", "--expires-in", "604801"], 2, "604800"),
        (["presign", "s3://b/k", "--expires-in", "-5"], 2, "--expires-in"),
        (["presign", "s3://b/k", "--method", "FETCH"], 2, "--method"),
        (["presign", "s3://b/k", "--method", "HEAD", "--content-type", "a/b"], 2, "--content-type"),
        (["presign", "s3://b/k", "--param", "PartNumber"], 2, "NAME=VALUE"),
        (["presign", "s3://b/k", "--method", "upload_part", "--param", "PartNumber=x"], 2, "whole number"),
        (["presign", "s3://b/k", "--param", "NoSuchParam=1"], 2, "NoSuchParam"),
        (["presign", "s3://b/k", "--addressing-style", "diagonal"], 2, "invalid choice"),
        (["presign", "s3://b/k", "--profile", "missing"], 1, "missing"),
        (["post", "s3://b/k", "--condition", "{not json"], 2, "not JSON"),
        (["post", "s3://b/k", "--condition", "42"], 2, "starts-with"),
        (["post", "s3://b/k", "--field", "novalue"], 2, "NAME=VALUE"),
        (["post", "s3://b/k", "--condition", '["between", "$key", 1]'], 2, "between"),
    ],
)
def test_s3_usage_errors(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert (result.code, result.stdout) == (code, "")
    assert message in result.stderr
    result.assert_no_secret()


def test_presign_without_credentials_fails_with_1(tmp_path: Path) -> None:
    result = run_cli(["presign", "s3://b/k"], base_env(tmp_path, creds=False))
    assert (result.code, result.stdout) == (1, "")
    assert "credentials" in result.stderr.lower()


def boto_post(bucket: str, key: str, fields: Any, conditions: Any, expires: int, token: Optional[str], **client: Any) -> Any:
    with freeze_time(FIXED):
        return boto_client(token=token, **client).generate_presigned_post(
            bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=expires
        )


@pytest.mark.parametrize("token", [None, TOKEN], ids=["keys", "session-token"])
def test_post_matches_boto3(tmp_path: Path, token: Optional[str]) -> None:
    args = [
        "post", "s3://my-bucket/uploads/${filename}", "--region", "eu-west-1", "--expires-in", "900",
        "--condition", '["starts-with", "$key", "uploads/"]', "--condition", '{"acl": "private"}',
        "--field", "acl=private", "--content-type", "image/png", "--max-size", "1048576",
    ]  # fmt: skip
    result = run_cli(args, base_env(tmp_path, token=token))
    assert result.code == 0, result.stderr
    conditions = [
        ["starts-with", "$key", "uploads/"], {"acl": "private"}, {"Content-Type": "image/png"},
        ["content-length-range", 0, 1048576],
    ]  # fmt: skip
    want = boto_post("my-bucket", "uploads/${filename}", {"acl": "private", "Content-Type": "image/png"}, conditions, 900, token,
                     region="eu-west-1")  # fmt: skip
    got = json.loads(result.stdout)
    assert got == want
    assert list(got["fields"]) == list(want["fields"])  # same order: the policy's bytes are signed
    result.assert_no_secret()


def test_post_html_is_the_form_of_those_fields(tmp_path: Path) -> None:
    args = ["post", "s3://my-bucket/k.txt", "--region", "us-east-2", "--html", "--redirect", "https://example.com/done?a=1&b=2"]
    result = run_cli(args, base_env(tmp_path))
    assert result.code == 0, result.stderr
    redirect = {"success_action_redirect": "https://example.com/done?a=1&b=2"}
    want = boto_post("my-bucket", "k.txt", redirect, [redirect], 3600, None, region="us-east-2")
    html = result.stdout
    assert html.startswith("<!DOCTYPE html>")
    assert f'<form action="{want["url"]}" method="post" enctype="multipart/form-data"' in html
    for name, value in want["fields"].items():
        assert f'name="{name}" value="{value.replace("&", "&amp;")}"' in html
    assert html.index('name="file"') > html.index('name="x-amz-signature"')


@pytest.mark.e2e
def test_presigned_put_then_get_on_a_real_server(tmp_path: Path, s3_server, s3_bucket: str) -> None:  # type: ignore[no-untyped-def]
    env = base_env(tmp_path, fixed=False) | {
        "AWS_ACCESS_KEY_ID": s3_server.access_key, "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
        "AWS_ENDPOINT_URL_S3": s3_server.endpoint,
    }  # fmt: skip
    uri = f"s3://{s3_bucket}/dir/a b+c ~=é.txt"
    content = os.urandom(2048)
    put = run_cli(["presign", uri, "--method", "PUT", "--content-type", "application/x-demo", "--expires-in", "120"], env)
    assert put.code == 0, put.stderr
    assert "Content-Type: application/x-demo" in put.stderr  # the signed header the uploader must send
    assert _send(put.stdout.strip(), "PUT", content, {"Content-Type": "application/x-demo"})[0] == 200
    assert _send(put.stdout.strip(), "PUT", content, {"Content-Type": "text/plain"})[0] == 403
    get = run_cli(["presign", uri, "--expires-in", "120"], env)
    assert get.code == 0, get.stderr
    assert _send(get.stdout.strip(), "GET") == (200, content)
    head = run_cli(["presign", uri, "--method", "HEAD"], env)
    assert _send(head.stdout.strip(), "HEAD")[0] == 200


@pytest.mark.e2e
def test_post_form_upload_on_a_real_server(tmp_path: Path, s3_server, s3_bucket: str) -> None:  # type: ignore[no-untyped-def]
    env = base_env(tmp_path, fixed=False) | {
        "AWS_ACCESS_KEY_ID": s3_server.access_key,
        "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
    }
    args = ["post", f"s3://{s3_bucket}/up/${{filename}}", "--endpoint-url", s3_server.endpoint, "--max-size", "4096",
            "--content-type", "text/plain"]  # fmt: skip
    result = run_cli(args, env)
    assert result.code == 0, result.stderr
    post = json.loads(result.stdout)
    body, content_type = multipart_body(post["fields"], "note.txt", b"posted by the sigv4 CLI")
    status, _ = _send(post["url"], "POST", body, {"Content-Type": content_type})
    assert status == 204
    get = run_cli(["presign", f"s3://{s3_bucket}/up/note.txt", "--endpoint-url", s3_server.endpoint], env)
    assert _send(get.stdout.strip(), "GET") == (200, b"posted by the sigv4 CLI")
    too_big, _ = multipart_body(post["fields"], "big.txt", b"x" * 5000)
    assert _send(post["url"], "POST", too_big, {"Content-Type": content_type})[0] == 400


def _send(url: str, method: str, body: bytes = b"", headers: Optional[dict[str, str]] = None) -> tuple[int, bytes]:
    rest = url.split("://", 1)[1]
    netloc, _, path = rest.partition("/")
    host, _, port = netloc.partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, "/" + path, body=body or None, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()
