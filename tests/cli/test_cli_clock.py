"""``SIGV4_FIXED_TIME``: the CLI hands a clock to what it builds, and changes no module state.

Run in-process (``sigv4.cli.main``) so that what the process looks like afterwards
can be checked; expected signatures come from botocore at the same instant.
"""

from __future__ import annotations

import ast
import os
import pickle
from datetime import datetime, timezone
from pathlib import Path

import pytest
from freezegun import freeze_time

import sigv4
from sigv4.cli import main
from sigv4.cli.common import FixedClock, UsageError, fixed_clock, now_epoch
from tests import botocore_oracle as oracle
from tests.cli.test_cli_support import ACCESS_KEY, FIXED, FIXED_TEXT, SECRET_KEY, header_lines

OTHER = datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
URL = "https://search-domain.eu-west-1.es.amazonaws.com/index/_search"
PACKAGE = Path(sigv4.__file__).parent


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "SIGV4_FIXED_TIME":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)


def sign_in_process(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert main(["sign", "GET", URL, "-s", "es", "--region", "eu-west-1"]) == 0
    return dict(header_lines(capsys.readouterr().out))


def botocore_headers(now: datetime) -> dict[str, str]:
    return oracle.header_sign(
        s3=False, method="GET", url=URL, access_key=ACCESS_KEY, secret_key=SECRET_KEY, service="es", now=now, region="eu-west-1"
    )


def test_fixed_time_signs_like_botocore_at_that_instant(cli_env: None, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SIGV4_FIXED_TIME", FIXED_TEXT)
    headers = sign_in_process(capsys)
    expected = botocore_headers(FIXED)
    assert headers["X-Amz-Date"] == expected["X-Amz-Date"] == FIXED_TEXT
    assert headers["Authorization"] == expected["Authorization"]


def test_no_module_state_survives_a_fixed_time_run(cli_env: None, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SIGV4_FIXED_TIME", FIXED_TEXT)
    sign_in_process(capsys)
    monkeypatch.delenv("SIGV4_FIXED_TIME")
    with freeze_time(OTHER):
        # A Signer built by the library afterwards, and the next CLI run, use the (frozen) real clock.
        signed = sigv4.Signer(sigv4.Credentials(ACCESS_KEY, SECRET_KEY), "eu-west-1", "es").sign("GET", URL)
        headers = sign_in_process(capsys)
    assert signed.headers["X-Amz-Date"] == "20210304T050607Z"
    assert headers["Authorization"] == botocore_headers(OTHER)["Authorization"]


def test_fixed_time_reaches_presign_through_the_session(cli_env: None, monkeypatch, capsys) -> None:
    import boto3
    from botocore.config import Config

    monkeypatch.setenv("SIGV4_FIXED_TIME", FIXED_TEXT)
    assert main(["presign", "s3://examplebucket/a key.txt", "--region", "us-east-1", "--expires-in", "900"]) == 0
    url = capsys.readouterr().out.strip()
    boto = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY).client(
        "s3", region_name="us-east-1", config=Config(signature_version="s3v4")
    )
    with freeze_time(FIXED):
        expected = boto.generate_presigned_url(
            "get_object", Params={"Bucket": "examplebucket", "Key": "a key.txt"}, ExpiresIn=900
        )
    assert url == expected


def test_fixed_clock_reads_the_variable_once() -> None:
    assert fixed_clock({}) is None
    clock = fixed_clock({"SIGV4_FIXED_TIME": "2015-08-30T12:36:00Z"})
    assert clock is not None and clock() == FIXED.timestamp()
    assert pickle.loads(pickle.dumps(clock))() == FIXED.timestamp()
    assert now_epoch(FixedClock(5.0)) == 5.0
    with freeze_time(OTHER):
        assert now_epoch() == OTHER.timestamp()
    with pytest.raises(UsageError, match="SIGV4_FIXED_TIME"):
        fixed_clock({"SIGV4_FIXED_TIME": "soon"})


# -- no global statements, no assignments to another module's attributes -----------------------

MINE = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py"))
#: The one foreign attribute assigned: the CLI (the process's edge) prints warnings as one
#: line each, inside ``warnings.catch_warnings()``, which puts the original back.
ALLOWED = {("cli/__init__.py", "warnings.showwarning")}


@pytest.mark.parametrize("path", MINE)
def test_no_global_statement_and_no_foreign_module_attribute_assigned(path: str) -> None:
    tree = ast.parse((PACKAGE / path).read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {alias.asname or alias.name for alias in node.names}
    for node in ast.walk(tree):
        assert not isinstance(node, ast.Global), f"{path} line {node.lineno}"
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    if (path, f"{target.value.id}.{target.attr}") in ALLOWED:
                        continue
                    assert target.value.id not in imported, f"{path} line {node.lineno} assigns {target.value.id}.{target.attr}"


@pytest.mark.parametrize("value", ["9" * 400, "1e9", "١٤٤٠٩٣٨١٦٠", "253402300800", "-5"])
def test_fixed_times_that_cannot_be_signed_are_usage_errors(value: str) -> None:
    with pytest.raises(UsageError, match="SIGV4_FIXED_TIME"):
        fixed_clock({"SIGV4_FIXED_TIME": value})
