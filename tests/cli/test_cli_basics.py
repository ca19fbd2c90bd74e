"""The command itself: entry points, help, exit codes, and what ``import sigv4`` loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sigv4
from sigv4.cli import main
from tests.cli.test_cli_support import base_env, run_cli

COMMANDS = ["presign", "post", "sign", "explain", "demo", "eks-token", "rds-token"]


def test_import_sigv4_loads_no_cli_module() -> None:
    code = (
        "import sys, sigv4\n"
        "from sigv4 import Signer, Credentials\n"
        "Signer(Credentials('AKID', 'secret'), 'us-east-1', 's3').presign('GET', 'https://b.s3.amazonaws.com/k', 60)\n"
        "bad = sorted(m for m in ('argparse', 'json', 'difflib', 'sigv4.cli', 'sigv4.cli.common', 'shlex') if m in sys.modules)\n"
        "print(bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, cwd=Path(sigv4.__file__).parent.parent
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("console_script", [False, True], ids=["python-m", "console-script"])
def test_version_and_help(tmp_path: Path, console_script: bool) -> None:
    version = run_cli(["--version"], base_env(tmp_path), console_script=console_script)
    assert (version.code, version.stdout) == (0, f"sigv4 {sigv4.__version__}\n")
    helped = run_cli(["--help"], base_env(tmp_path), console_script=console_script)
    assert helped.code == 0
    for command in COMMANDS:
        assert command in helped.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(tmp_path: Path, command: str) -> None:
    result = run_cli([command, "--help"], base_env(tmp_path))
    assert result.code == 0
    assert result.stdout.startswith(f"usage: sigv4 {command}")


@pytest.mark.parametrize(("args", "message"), [([], "required: COMMAND"), (["frobnicate"], "invalid choice")])
def test_no_or_unknown_command_is_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert (result.code, result.stdout) == (2, "")
    assert message in result.stderr


def test_main_returns_the_status_instead_of_exiting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert main(["sign"]) == 2
    assert capsys.readouterr().out.startswith("sigv4 ")


def test_fixed_time_must_be_a_time(tmp_path: Path) -> None:
    env = base_env(tmp_path) | {"SIGV4_FIXED_TIME": "yesterday"}
    result = run_cli(["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1"], env)
    assert result.code == 2
    assert "SIGV4_FIXED_TIME" in result.stderr


@pytest.mark.parametrize("value", ["20150830T123600Z", "2015-08-30T12:36:00Z", "1440938160"])
def test_fixed_time_forms(tmp_path: Path, value: str) -> None:
    env = base_env(tmp_path) | {"SIGV4_FIXED_TIME": value}
    result = run_cli(["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1"], env)
    assert "X-Amz-Date: 20150830T123600Z" in result.stdout


@pytest.mark.parametrize(
    ("host", "region"),
    [
        ("abc123.execute-api.eu-west-1.amazonaws.com", "eu-west-1"),
        ("mydb.c9akciq32.ap-southeast-2.rds.amazonaws.com:5432", "ap-southeast-2"),
        ("bucket.s3-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        ("sqs.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("s3.dualstack.eu-central-1.api.aws", "eu-central-1"),
        ("my-bucket-2.s3.amazonaws.com", None),  # a bucket name that looks like a region is not one
        ("us-east-1.s3.amazonaws.com", None),
        ("sts.amazonaws.com", None),
        ("api.example.com", None),
        ("eu-west-1.example.com", None),
        ("[::1]:443", None),
    ],
)
def test_region_from_host(host: str, region: str | None) -> None:
    from sigv4.cli.common import region_from_host

    assert region_from_host(host) == region


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    """`sigv4 ... | head -c 1`: the reader goes away; no traceback, no 'Exception ignored'."""
    env = base_env(tmp_path)
    read, write = os.pipe()
    os.close(read)  # nobody will ever read
    done = subprocess.run(
        [sys.executable, "-m", "sigv4", "eks-token", "--cluster-name", "c", "--region", "eu-west-1"],
        stdout=write, stderr=subprocess.PIPE, env=env, check=False, timeout=60,
    )  # fmt: skip
    os.close(write)
    assert done.returncode == 1
    assert done.stderr == b""
