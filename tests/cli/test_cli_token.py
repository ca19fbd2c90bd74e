"""``sigv4 token msk|elasticache|memorydb|vault|neptune`` against the oracles of the
library tests, at the CLI's fixed clock (SIGV4_FIXED_TIME): the official MSK
library, botocore's SigV4QueryAuth (ElastiCache/MemoryDB recipe), botocore's
SigV4Auth (Vault, Neptune)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from freezegun import freeze_time

from tests.cli.test_cli_support import ACCESS_KEY, FIXED, SECRET_KEY, TOKEN, base_env, run_cli
from tests.tokens.recipe_oracles import aws_env, boto_creds, boto_presign, boto_sign, query_set, signature, unb64url


def test_msk_matches_the_official_library(tmp_path: Path) -> None:
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

    result = run_cli(["token", "msk", "--region", "eu-west-1", "--json"], base_env(tmp_path, token=TOKEN))
    assert result.code == 0, result.stderr
    result.assert_no_secret()
    ours = json.loads(result.stdout)
    with aws_env(ACCESS_KEY, SECRET_KEY, TOKEN, str(tmp_path)), freeze_time(FIXED):
        theirs, expiry = MSKAuthTokenProvider.generate_auth_token("eu-west-1")
    assert unb64url(ours["token"]).rpartition("&User-Agent=")[0] == unb64url(theirs).rpartition("&User-Agent=")[0]
    assert ours["expiry_ms"] == expiry
    plain = run_cli(["token", "msk", "--region", "eu-west-1"], base_env(tmp_path, token=TOKEN))
    assert plain.stdout.strip() == ours["token"]


@pytest.mark.parametrize("serverless", [False, True])
def test_elasticache_matches_botocore(tmp_path: Path, serverless: bool) -> None:
    args = ["token", "elasticache", "--cache-name", "my-cache", "--user-id", "app user", "--region", "us-west-2"]
    result = run_cli([*args, "--serverless"] if serverless else args, base_env(tmp_path))
    assert result.code == 0, result.stderr
    extra = "&ResourceType=ServerlessCache" if serverless else ""
    theirs = boto_presign(
        f"http://my-cache/?Action=connect&User=app%20user{extra}",
        "elasticache",
        "us-west-2",
        900,
        boto_creds(ACCESS_KEY, SECRET_KEY, None),
        FIXED,
    )
    ours = "http://" + result.stdout.strip()
    assert query_set(ours) == query_set(theirs) and signature(ours) == signature(theirs)


def test_memorydb_matches_botocore(tmp_path: Path) -> None:
    args = ["token", "memorydb", "--cluster-name", "clu", "--user-id", "u", "--region", "us-east-1", "--expires-in", "300"]
    result = run_cli(args, base_env(tmp_path))
    assert result.code == 0, result.stderr
    theirs = boto_presign(
        "http://clu/?Action=connect&User=u", "memorydb", "us-east-1", 300, boto_creds(ACCESS_KEY, SECRET_KEY, None), FIXED
    )
    ours = "http://" + result.stdout.strip()
    assert query_set(ours) == query_set(theirs) and signature(ours) == signature(theirs)


def test_vault_matches_botocore(tmp_path: Path) -> None:
    result = run_cli(
        ["token", "vault", "--role", "app", "--server-id", "vault.example.com", "--region", "eu-west-1"], base_env(tmp_path)
    )
    assert result.code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["role"] == "app" and payload["iam_http_request_method"] == "POST"
    url = base64.b64decode(payload["iam_request_url"]).decode()
    assert url == "https://sts.eu-west-1.amazonaws.com/"
    headers = {k: v[0] for k, v in json.loads(base64.b64decode(payload["iam_request_headers"])).items()}
    unsigned = {k: v for k, v in headers.items() if k not in ("Authorization", "X-Amz-Date")}
    body = base64.b64decode(payload["iam_request_body"])
    theirs = boto_sign("POST", url, "sts", "eu-west-1", boto_creds(ACCESS_KEY, SECRET_KEY, None), FIXED, unsigned, body)
    assert theirs["Authorization"] == headers["Authorization"]


def test_neptune_matches_botocore(tmp_path: Path) -> None:
    url = "wss://db.cluster-x.eu-west-1.neptune.amazonaws.com:8182/gremlin"
    result = run_cli(["token", "neptune", url], base_env(tmp_path))  # region from the host name
    assert result.code == 0, result.stderr
    headers = json.loads(result.stdout)
    assert headers["Host"] == "db.cluster-x.eu-west-1.neptune.amazonaws.com:8182"
    theirs = boto_sign("GET", "https" + url[3:], "neptune-db", "eu-west-1", boto_creds(ACCESS_KEY, SECRET_KEY, None), FIXED, {})
    assert headers["Authorization"] == theirs["Authorization"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["token"], 2),
        (["token", "bogus"], 2),
        (["token", "elasticache", "--cache-name", "c", "--user-id", "u", "--region", "us-east-1", "--expires-in", "901"], 2),
        (["token", "elasticache", "--cache-name", "a/b", "--user-id", "u", "--region", "us-east-1"], 2),
        (["token", "neptune", "ftp://h/x", "--region", "us-east-1"], 2),
        (["token", "vault", "--role", ""], 2),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], code: int) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert result.code == code
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) <= 2  # argparse: usage + error; ours: one line


def test_no_credentials_is_a_failure(tmp_path: Path) -> None:
    result = run_cli(["token", "msk", "--region", "us-east-1"], base_env(tmp_path, creds=False))
    assert result.code == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
