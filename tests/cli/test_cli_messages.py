"""What the CLI says: library field names become the CLI's flags, usage errors are
one line with the command line's control characters escaped, and the region order
(help and code) is boto3's: AWS_DEFAULT_REGION first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli_support import base_env, run_cli


@pytest.mark.parametrize(
    "args",
    [
        ["presign", "s3://b/k", "--expires-in", "604801", "--region", "us-east-1"],
        ["sign", "GET", "https://h.example/", "-s", "es", "--region", "eu-west-1", "--expires-in", "604801"],
        ["presign", "s3://b/k", "--expires-in", "100", "--max-expires", "50", "--region", "us-east-1"],
    ],
)
def test_expiry_errors_name_the_flags(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    assert "--expires-in: must be between 1 and " in result.stderr
    assert "raise --max-expires" in result.stderr
    assert "max_expires" not in result.stderr and "expires_in" not in result.stderr


def test_max_expires_raises_the_cap_of_sign(tmp_path: Path) -> None:
    args = ["sign", "GET", "https://h.example/", "-s", "es", "--region", "eu-west-1", "--expires-in", "604801"]
    result = run_cli([*args, "--max-expires", "2592000"], base_env(tmp_path))
    assert result.code == 0, result.stderr
    assert "X-Amz-Expires=604801&" in result.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["sign", "GET", "https://h.example/", "-s", "es", "--region", "a b"], "--region: "),
        (["sign", "GET", "https://h.example/", "-s", "e s", "--region", "eu-west-1"], "--service: "),
    ],
)
def test_scope_errors_name_the_flags(tmp_path: Path, args: list[str], flag: str) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert result.code == 2
    assert result.stderr.startswith(f"sigv4 sign: error: {flag}")


@pytest.mark.parametrize(
    "args",
    [
        ["presign", "s3://b/k", "--addressing-style", "dia\x1b[2Jgonal"],
        ["presign", "s3://b/k", "--bogus\x1b]0;title\x07"],
        ["sign", "GET\x1b[31m", "https://h.example/", "-s", "es", "--region", "eu-west-1"],
        ["presign", "s3://b\u202ek/x", "--region", "us-\x1b-east-1"],
        ["sign", "GET", "https://h.example/", "-s", "es", "--region", "eu-west-1", "-H", "Bad\nName: v"],
        ["rds-token", "--hostname", "h", "--port", "\x1b5432", "--username", "u"],
    ],
)
def test_usage_errors_are_one_line_with_controls_escaped(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert result.code == 2, result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in result.stderr
    assert "\\x1b" in result.stderr or "\\u202e" in result.stderr or "\\n" in result.stderr


def test_undecodable_argv_bytes_are_a_usage_error(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    command = [
        sys.executable,
        "-m",
        "sigv4",
        "presign",
        b"s3://b/k\xff".decode("utf-8", "surrogateescape"),
        "--region",
        "us-east-1",
    ]
    done = subprocess.run(command, capture_output=True, env=env, check=False, cwd=str(Path(__file__).resolve().parents[2]))
    assert done.returncode == 2
    assert done.stderr == b"sigv4: error: argument s3://b/k\\udcff is not valid UTF-8\n"


# -- region order -------------------------------------------------------------------


def boto3_region(env: dict[str, str]) -> str | None:
    """boto3 1.44.8's session region under ``env`` (a fresh interpreter, nothing else set)."""
    code = "import boto3; print(boto3.session.Session().region_name)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True, text=True)
    return done.stdout.strip()


def scope_region(stdout: str) -> str:
    return stdout.split("Credential=")[1].split("/")[2].replace("%2F", "/")


@pytest.mark.parametrize("command", ["sign", "explain", "presign"])
def test_aws_default_region_comes_first_as_in_boto3(tmp_path: Path, command: str) -> None:
    (tmp_path / "aws-config").write_text("[default]\nregion = sa-east-1\n")
    env = base_env(tmp_path) | {"AWS_DEFAULT_REGION": "eu-west-3", "AWS_REGION": "ap-south-1"}
    assert boto3_region(env) == "eu-west-3"
    args = {
        "sign": ["sign", "GET", "https://h.example/", "-s", "es"],
        "explain": ["explain", "GET", "https://h.example/", "-s", "es"],
        "presign": ["presign", "s3://my-bucket/k"],
    }[command]
    result = run_cli(args, env)
    assert result.code == 0, result.stderr
    out = result.stdout.replace("%2F", "/")
    assert "/eu-west-3/" in out and "/ap-south-1/" not in out


def test_profile_region_when_no_variable_is_set_as_in_boto3(tmp_path: Path) -> None:
    (tmp_path / "aws-config").write_text("[default]\nregion = sa-east-1\n")
    env = base_env(tmp_path)
    assert boto3_region(env) == "sa-east-1"
    result = run_cli(["sign", "GET", "https://h.example/", "-s", "es"], env)
    assert "/sa-east-1/es/aws4_request" in result.stdout


def test_aws_region_before_the_profile(tmp_path: Path) -> None:
    """AWS_REGION (what Lambda and the other SDKs set) comes before the profile's region, as in
    sigv4.Session; boto3 itself does not read AWS_REGION (it answers the profile's region)."""
    (tmp_path / "aws-config").write_text("[default]\nregion = sa-east-1\n")
    env = base_env(tmp_path) | {"AWS_REGION": "ap-south-1"}
    assert boto3_region(env) == "sa-east-1"  # the recorded difference
    for args in (["sign", "GET", "https://h.example/", "-s", "es"], ["presign", "s3://my-bucket/k"]):
        result = run_cli(args, env)
        assert "/ap-south-1/" in result.stdout.replace("%2F", "/"), result.stderr


def test_help_says_the_order_the_code_follows(tmp_path: Path) -> None:
    for command in ("sign", "explain", "presign", "post", "eks-token", "rds-token"):
        result = run_cli([command, "--help"], base_env(tmp_path) | {"COLUMNS": "400"})
        assert result.code == 0
        text = " ".join(result.stdout.split())
        assert "AWS_DEFAULT_REGION, then AWS_REGION, then the profile's region" in text, command
        assert "AWS_REGION, then the profile" in text and "default: AWS_REGION" not in text
