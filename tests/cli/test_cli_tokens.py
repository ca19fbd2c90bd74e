"""``sigv4 rds-token`` and ``sigv4 eks-token`` against boto3 / the AWS CLI's
algorithm at the same frozen time."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Optional

import boto3
import pytest
from freezegun import freeze_time

from tests.cli.test_cli_support import ACCESS_KEY, FIXED, SECRET_KEY, TOKEN, base_env, run_cli


def boto_rds_token(host: str, port: int, user: str, region: str, token: Optional[str]) -> str:
    client = boto3.client(
        "rds", region_name=region, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, aws_session_token=token
    )
    with freeze_time(FIXED):
        return str(client.generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user))


def aws_cli_eks_token(cluster: str, region: str, token: Optional[str]) -> str:
    """awscli/customizations/eks/get_token.py, reproduced with botocore: the STS client
    presigns get_caller_identity for 60 s with ``x-k8s-aws-id`` injected before signing."""
    sts = boto3.client(
        "sts", region_name=region, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, aws_session_token=token
    )

    def retrieve(params: dict[str, Any], context: dict[str, Any], **kwargs: Any) -> None:
        if "x-k8s-aws-id" in params:
            context["x-k8s-aws-id"] = params.pop("x-k8s-aws-id")

    def inject(request: Any, **kwargs: Any) -> None:
        if "x-k8s-aws-id" in request.context:
            request.headers["x-k8s-aws-id"] = request.context["x-k8s-aws-id"]

    sts.meta.events.register("provide-client-params.sts.GetCallerIdentity", retrieve)
    sts.meta.events.register("before-sign.sts.GetCallerIdentity", inject)
    with freeze_time(FIXED):
        url = sts.generate_presigned_url("get_caller_identity", Params={"x-k8s-aws-id": cluster}, ExpiresIn=60, HttpMethod="GET")
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode("utf-8")).decode("utf-8").rstrip("=")


RDS_CASES = [
    ("mydb.c0abc.eu-west-1.rds.amazonaws.com", 5432, "app_user", None),  # region from the host name
    ("mydb.c0abc.eu-west-1.rds.amazonaws.com", 3306, "app user+é@x", "eu-west-1"),
    ("10.0.0.7", 65535, "admin", "ap-southeast-2"),
]


@pytest.mark.parametrize(("host", "port", "user", "region"), RDS_CASES)
@pytest.mark.parametrize("token", [None, TOKEN], ids=["keys", "session-token"])
def test_rds_token_matches_boto3(
    tmp_path: Path, host: str, port: int, user: str, region: Optional[str], token: Optional[str]
) -> None:
    args = ["rds-token", "--hostname", host, "--port", str(port), "--username", user]
    if region:
        args += ["--region", region]
    result = run_cli(args, base_env(tmp_path, token=token))
    assert result.code == 0, result.stderr
    assert result.stdout == boto_rds_token(host, port, user, region or "eu-west-1", token) + "\n"
    result.assert_no_secret()


@pytest.mark.parametrize(
    ("cluster", "region"), [("my-cluster", "eu-west-1"), ("prod_cluster.2", "us-east-1"), ("c", "ap-east-1")]
)
@pytest.mark.parametrize("token", [None, TOKEN], ids=["keys", "session-token"])
def test_eks_exec_credential_matches_the_aws_cli(tmp_path: Path, cluster: str, region: str, token: Optional[str]) -> None:
    result = run_cli(["eks-token", "--cluster-name", cluster, "--region", region], base_env(tmp_path, token=token))
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": {"expirationTimestamp": "2015-08-30T12:50:00Z", "token": aws_cli_eks_token(cluster, region, token)},
    }
    result.assert_no_secret()


def test_eks_api_version_from_kubectl(tmp_path: Path) -> None:
    env = base_env(tmp_path) | {"KUBERNETES_EXEC_INFO": json.dumps({"apiVersion": "client.authentication.k8s.io/v1"})}
    result = run_cli(["eks-token", "--cluster-name", "c", "--region", "eu-west-1"], env)
    assert json.loads(result.stdout)["apiVersion"] == "client.authentication.k8s.io/v1"
    env["KUBERNETES_EXEC_INFO"] = "{broken"
    result = run_cli(["eks-token", "--cluster-name", "c", "--region", "eu-west-1"], env)
    assert result.code == 0
    assert json.loads(result.stdout)["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert "warning: Error parsing KUBERNETES_EXEC_INFO" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["rds-token", "--hostname", "h", "--port", "0", "--username", "u", "--region", "eu-west-1"], 2, "outside 1..65535"),
        (["rds-token", "--hostname", "h", "--port", "x", "--username", "u", "--region", "eu-west-1"], 2, "not a port"),
        (["rds-token", "--hostname", "", "--port", "5432", "--username", "u", "--region", "eu-west-1"], 2, "DBHostname"),
        (["rds-token", "--hostname", "h", "--port", "5432", "--username", "", "--region", "eu-west-1"], 2, "DBUsername"),
        (["rds-token", "--hostname", "h", "--port", "5432", "--username", "u"], 2, "no region"),
        (["rds-token", "--port", "5432", "--username", "u"], 2, "--hostname"),
        (["eks-token", "--region", "eu-west-1"], 2, "--cluster-name"),
        (["eks-token", "--cluster-name", "c"], 2, "no region"),
        (["eks-token", "--cluster-name", " ", "--region", "eu-west-1"], 2, "ClusterName"),
    ],
)
def test_token_usage_errors(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert (result.code, result.stdout) == (code, "")
    assert message in result.stderr


def test_tokens_without_credentials_fail_with_1(tmp_path: Path) -> None:
    env = base_env(tmp_path, creds=False)
    for args in (["eks-token", "--cluster-name", "c", "--region", "eu-west-1"],
                 ["rds-token", "--hostname", "h", "--port", "1", "--username", "u", "--region", "eu-west-1"]):  # fmt: skip
        result = run_cli(args, env)
        assert (result.code, result.stdout) == (1, "")
        assert "credentials" in result.stderr.lower()
