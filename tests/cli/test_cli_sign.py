"""``sigv4 sign``: the headers (or curl command, or presigned URL) for any
service, checked against botocore's SigV4Auth / SigV4QueryAuth at the same time."""

from __future__ import annotations

import os
import pty
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.botocore_oracle import header_sign, query_sign
from tests.cli.test_cli_support import (
    ACCESS_KEY,
    FIXED,
    SECRET_KEY,
    TOKEN,
    base_env,
    header_lines,
    run_cli,
)

# (method, url, service, region, headers, body)
CASES = [
    ("GET", "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?b=2&a=1&a=0", "execute-api", "eu-west-1", [], b""),
    (
        "GET",
        "https://search-x.us-east-1.es.amazonaws.com/idx/_search?q=a%20b&flag",
        "es",
        "us-east-1",
        [("X-Custom", "a  b")],
        b"",
    ),
    (
        "POST",
        "https://lambda.ap-southeast-2.amazonaws.com/2015-03-31/functions/my-fn/invocations",
        "lambda",
        "ap-southeast-2",
        [("Content-Type", "application/json")],
        b'{"hello": "w\xc3\xb6rld"}',
    ),
    (
        "PUT",
        "https://example.com:8443/a%20path/./x/../%E2%9C%93?x=%2B",
        "execute-api",
        "us-west-2",
        [("X-Amz-Meta-A", "1")],
        b"data",
    ),
    ("DELETE", "https://sqs.eu-central-1.amazonaws.com/123456789012/q", "sqs", "eu-central-1", [], b""),
]


def _args(method: str, url: str, service: str, region: str, headers: list[tuple[str, str]]) -> list[str]:
    args = ["sign", method, url, "--service", service, "--region", region]
    for name, value in headers:
        args += ["-H", f"{name}: {value}"]
    return args


def _expected(method, url, service, region, headers, body, token=None, s3=False) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    signed = header_sign(
        s3=s3, method=method, url=url, headers=headers, body=body, access_key=ACCESS_KEY,
        secret_key=SECRET_KEY, token=token, region=region, service=service, now=FIXED,
    )  # fmt: skip
    return list(signed.items())


@pytest.mark.parametrize("case", CASES, ids=[c[2] + "-" + c[0] for c in CASES])
@pytest.mark.parametrize("token", [None, TOKEN], ids=["keys", "session-token"])
def test_sign_matches_botocore(tmp_path: Path, case: tuple, token: str | None) -> None:  # type: ignore[type-arg]
    method, url, service, region, headers, body = case
    args = _args(method, url, service, region, headers)
    if body:
        (tmp_path / "body").write_bytes(body)
        args += ["--data", f"@{tmp_path / 'body'}"]
    result = run_cli(args, base_env(tmp_path, token=token))
    assert result.code == 0, result.stderr
    got = dict(header_lines(result.stdout))
    want = dict(_expected(method, url, service, region, headers, body, token))
    assert got == want
    result.assert_no_secret()
    if token:  # the token only where the protocol carries it
        assert [k for k, v in header_lines(result.stdout) if TOKEN in v] == ["X-Amz-Security-Token"]


def test_sign_text_data_and_stdin_match_botocore(tmp_path: Path) -> None:
    url = "https://abc.execute-api.us-east-1.amazonaws.com/prod/echo"
    body = "caf\u00e9 = 1 + 1"
    want = dict(_expected("POST", url, "execute-api", "us-east-1", [], body.encode()))
    text = run_cli(["sign", "POST", url, "-s", "execute-api", "--data", body], base_env(tmp_path))
    assert text.code == 0, text.stderr
    assert dict(header_lines(text.stdout)) == want
    piped = run_cli(["sign", "POST", url, "-s", "execute-api", "--data", "@-"], base_env(tmp_path), stdin=body.encode())
    assert piped.code == 0, piped.stderr
    assert dict(header_lines(piped.stdout)) == want


def test_sign_s3_signs_the_payload_hash_like_botocore(tmp_path: Path) -> None:
    url = "https://bucket.s3.eu-west-3.amazonaws.com/dir/a%20key%2B%E2%82%AC.txt"
    (tmp_path / "f").write_bytes(b"x" * 3000)
    result = run_cli(["sign", "PUT", url, "-s", "s3", "--data", f"@{tmp_path / 'f'}"], base_env(tmp_path))
    assert result.code == 0, result.stderr
    want = _expected("PUT", url, "s3", "eu-west-3", [], b"x" * 3000, s3=True)
    # header names are case-insensitive (botocore writes X-Amz-Content-SHA256)
    assert {k.lower(): v for k, v in header_lines(result.stdout)} == {k.lower(): v for k, v in want}


def test_region_comes_from_the_endpoint_host(tmp_path: Path) -> None:
    url = "https://abc.execute-api.sa-east-1.amazonaws.com/prod"
    env = base_env(tmp_path) | {"AWS_REGION": "us-east-1"}  # the host's region wins for an AWS endpoint
    result = run_cli(["sign", "GET", url, "-s", "execute-api"], env)
    assert result.code == 0, result.stderr
    assert dict(header_lines(result.stdout)) == dict(_expected("GET", url, "execute-api", "sa-east-1", [], b""))
    other = run_cli(["sign", "GET", "https://internal.example/x", "-s", "execute-api"], env)
    assert "/us-east-1/execute-api/" in other.stdout


def test_presign_any_service_matches_botocore(tmp_path: Path) -> None:
    url = "https://abc.execute-api.eu-west-1.amazonaws.com/prod/items?x=1"
    result = run_cli(["sign", "GET", url, "-s", "execute-api", "--expires-in", "120"], base_env(tmp_path, token=TOKEN))
    assert result.code == 0, result.stderr
    want = query_sign(
        s3=False, method="GET", url=url, headers=[], access_key=ACCESS_KEY, secret_key=SECRET_KEY,
        token=TOKEN, region="eu-west-1", service="execute-api", expires=120, now=FIXED,
    )  # fmt: skip
    assert result.stdout.strip() == want


def test_profile_goes_through_the_credential_chain(tmp_path: Path) -> None:
    (tmp_path / "aws-credentials").write_text(f"[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = {SECRET_KEY}\n")
    (tmp_path / "aws-config").write_text("[profile dev]\nregion = ca-central-1\n")
    env = base_env(tmp_path)  # AWS_ACCESS_KEY_ID is set too: an explicit profile skips the environment, as in boto3
    result = run_cli(["sign", "GET", "https://svc.example/x", "-s", "execute-api", "--profile", "dev"], env)
    assert result.code == 0, result.stderr
    assert "Credential=AKIDPROFILE/20150830/ca-central-1/execute-api/aws4_request" in result.stdout
    missing = run_cli(["sign", "GET", "https://svc.example/x", "-s", "execute-api", "--profile", "nope", "--region", "x-1"], env)
    assert missing.code == 1
    assert "nope" in missing.stderr


def test_curl_command_is_the_signed_request(tmp_path: Path) -> None:
    url = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/f/invocations"
    (tmp_path / "payload.json").write_bytes(b'{"a": 1}')
    args = ["sign", "POST", url, "-s", "lambda", "-H", "X-Empty:", "--data", f"@{tmp_path / 'payload.json'}", "--curl"]
    result = run_cli(args, base_env(tmp_path, token=TOKEN))
    assert result.code == 0, result.stderr
    words = shlex.split(result.stdout)
    assert words[:3] == ["curl", "--path-as-is", "--globoff"]
    assert words[-1] == url
    assert words[words.index("--data-binary") + 1] == f"@{tmp_path / 'payload.json'}"
    sent = [words[i + 1] for i, w in enumerate(words) if w == "-H"]
    want = _expected("POST", url, "lambda", "us-east-1", [("X-Empty", "")], b'{"a": 1}', TOKEN)
    assert sent == ["X-Empty;", *(f"{k}: {v}" for k, v in want if k != "X-Empty"), "Content-Type:"]


@pytest.mark.e2e
def test_curl_command_is_accepted_by_a_real_s3_server(tmp_path: Path, s3_server, s3_bucket: str) -> None:  # type: ignore[no-untyped-def]
    curl = shutil.which("curl")
    if curl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is needed for this test in CI")
        pytest.skip("curl is not installed")
    env = base_env(tmp_path, fixed=False) | {
        "AWS_ACCESS_KEY_ID": s3_server.access_key,
        "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
    }
    content = os.urandom(3000)
    (tmp_path / "blob").write_bytes(content)
    url = f"{s3_server.endpoint}/{s3_bucket}/dir/a b+c..d.bin"
    quoted = f"{s3_server.endpoint}/{s3_bucket}/dir/a%20b%2Bc..d.bin"
    put = run_cli(["sign", "PUT", url, "-s", "s3", "--region", "us-east-1", "--data", f"@{tmp_path / 'blob'}", "--curl"], env)
    assert put.code == 0, put.stderr
    done = subprocess.run(
        [*shlex.split(put.stdout), "-s", "-o", "/dev/null", "-w", "%{http_code}"], capture_output=True, check=False
    )
    assert done.stdout == b"200", done.stderr
    get = run_cli(["sign", "GET", quoted, "-s", "s3", "--region", "us-east-1", "--curl"], env)
    done = subprocess.run([*shlex.split(get.stdout), "-s"], capture_output=True, check=False)
    assert done.stdout == content
    tampered = shlex.split(put.stdout.replace("Signature=", "Signature=0", 1))
    done = subprocess.run([*tampered, "-s"], capture_output=True, check=False)
    assert b"SignatureDoesNotMatch" in done.stdout


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    big = _sparse(tmp_path / "big.bin", 12 << 20)
    url = "https://abc.execute-api.us-east-1.amazonaws.com/prod/upload"
    result = run_cli(["sign", "PUT", url, "-s", "execute-api", "--data", f"@{big}"], base_env(tmp_path))
    assert result.code == 0
    assert result.stderr == ""
    assert dict(header_lines(result.stdout)) == dict(_expected("PUT", url, "execute-api", "us-east-1", [], bytes(12 << 20)))


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    big = _sparse(tmp_path / "big.bin", 12 << 20)
    url = "https://abc.execute-api.us-east-1.amazonaws.com/prod/upload"
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sigv4", "sign", "PUT", url, "-s", "execute-api", "--data", f"@{big}"],
            stdout=subprocess.PIPE, stderr=follower, env=base_env(tmp_path),
        )  # fmt: skip
        os.close(follower)
        follower = -1
        out, _ = proc.communicate(timeout=60)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO once the terminal's other side is closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert proc.returncode == 0
    assert b"hashing big.bin [" in seen and b"100%" in seen and b"12/12 MiB" in seen
    # stdout stays clean for scripts: only the headers
    assert dict(header_lines(out.decode())) == dict(_expected("PUT", url, "execute-api", "us-east-1", [], bytes(12 << 20)))


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["sign", "GET", "https://x.example/"], 2, "--service"),
        (["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1", "-H", "no colon"], 2, "Name: value"),
        (
            ["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1", "--data", "@/nonexistent/f"],
            2,
            "cannot read",
        ),
        (["sign", "GET", "relative/url", "-s", "es", "--region", "eu-west-1"], 2, "url"),
        (["sign", "GET", "https://x.example/", "-s", "es"], 2, "no region"),
        (["sign", "GET", "https://x.example/", "-s", "bad service", "--region", "eu-west-1"], 2, "service"),
        (["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1", "--expires-in", "0"], 2, "expires-in"),
        (["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1", "--expires-in", "604801"], 2, "604800"),
    ],
)
def test_usage_errors_exit_2_on_stderr(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run_cli(args, base_env(tmp_path))
    assert result.code == code
    assert result.stdout == ""
    assert message in result.stderr
    result.assert_no_secret()


def test_missing_credentials_fail_with_1(tmp_path: Path) -> None:
    result = run_cli(["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1"], base_env(tmp_path, creds=False))
    assert result.code == 1
    assert result.stdout == ""
    assert "credentials" in result.stderr.lower()


def test_partial_environment_credentials_fail_without_showing_the_secret(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    del env["AWS_SECRET_ACCESS_KEY"]
    env["AWS_SESSION_TOKEN"] = TOKEN
    result = run_cli(["sign", "GET", "https://x.example/", "-s", "es", "--region", "eu-west-1"], env)
    assert result.code == 1
    assert "AWS_SECRET_ACCESS_KEY" in result.stderr
    assert TOKEN not in result.stderr
    result.assert_no_secret()
