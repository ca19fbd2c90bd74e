"""A raw ``+`` in an S3 key is a literal plus: sent as ``%2B`` (a space as ``%20``),
as boto3 1.44.8 sends it (the oracle) -- the example of README's S3 section."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote_plus

import boto3
import freezegun
from botocore.config import Config

import sigv4
from tests.cli.test_cli_support import base_env, run_cli

ACCESS = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
NOW = datetime(2015, 8, 30, 12, 36, 0, tzinfo=timezone.utc)


def _urls(key: str) -> tuple[str, str]:
    saved = dict(os.environ)
    try:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            del os.environ[name]
        os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        ours = sigv4.client("s3", region_name="eu-west-1", aws_access_key_id=ACCESS, aws_secret_access_key=SECRET)
        boto = boto3.client(
            "s3", region_name="eu-west-1", aws_access_key_id=ACCESS, aws_secret_access_key=SECRET,
            config=Config(signature_version="s3v4"),
        )  # fmt: skip
        with freezegun.freeze_time(NOW):
            want = boto.generate_presigned_url("get_object", Params={"Bucket": "my-bucket", "Key": key})
        got = ours.presign("get_object", {"Bucket": "my-bucket", "Key": key}, now=NOW).url
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return got, want


def test_plus_is_a_literal_plus() -> None:
    got, want = _urls("a+b.txt")
    assert got == want
    assert got.startswith("https://my-bucket.s3.amazonaws.com/a%2Bb.txt?")


def test_a_console_url_path_decoded_with_unquote_plus_is_the_spaced_key() -> None:
    key = unquote_plus("my+report.pdf")
    assert key == "my report.pdf"
    got, want = _urls(key)
    assert got == want
    assert got.startswith("https://my-bucket.s3.amazonaws.com/my%20report.pdf?")


def test_the_command_line_takes_the_plus_literally(tmp_path: Path) -> None:
    _, want = _urls("a+b.txt")
    result = run_cli(["presign", "s3://my-bucket/a+b.txt", "--region", "eu-west-1"], base_env(tmp_path))
    assert result.code == 0, result.stderr
    assert result.stdout == want + "\n"


def test_readme_shows_it() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "**A `+` in a key is a plus.**" in readme
    assert "https://my-bucket.s3.amazonaws.com/a%2Bb.txt?" in readme
    assert "https://my-bucket.s3.amazonaws.com/my%20report.pdf?" in readme
