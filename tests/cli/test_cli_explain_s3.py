"""``sigv4 explain`` for S3: the service inferred from S3 host names (and from an
``--endpoint-url`` given for S3), and error bodies that carry no canonical request
or string to sign (MinIO, JuiceFS, Ceph, R2) explained as far as they allow.

Expected strings come from botocore's ``S3SigV4Auth`` (the oracle); the host forms
are the ones AWS documents for S3 (virtual-hosted, path-style, legacy dash-region,
dual-stack, access points); the error bodies are in the formats those servers send.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sigv4.cli.common import s3_host
from tests.cli.test_cli_explain import botocore_strings
from tests.cli.test_cli_support import ACCESS_KEY, base_env, run_cli


@pytest.mark.parametrize(
    ("host", "want"),
    [
        ("bucket.s3.eu-west-1.amazonaws.com", ("s3", "eu-west-1")),
        ("my.dotted.bucket.s3.us-west-2.amazonaws.com", ("s3", "us-west-2")),
        ("s3.amazonaws.com", ("s3", None)),
        ("bucket.s3.amazonaws.com", ("s3", None)),
        ("s3-eu-west-1.amazonaws.com", ("s3", "eu-west-1")),
        ("bucket.s3-ap-southeast-2.amazonaws.com:443", ("s3", "ap-southeast-2")),
        ("s3.dualstack.ap-south-1.amazonaws.com", ("s3", "ap-south-1")),
        ("bucket.s3-fips.us-gov-west-1.amazonaws.com", ("s3", "us-gov-west-1")),
        ("bucket.s3-accelerate.amazonaws.com", ("s3", None)),
        ("bucket.s3.cn-north-1.amazonaws.com.cn", ("s3", "cn-north-1")),
        ("ap-111122223333.s3-accesspoint.us-west-2.amazonaws.com", ("s3", "us-west-2")),
        ("ol-111122223333.s3-object-lambda.eu-central-1.amazonaws.com", ("s3-object-lambda", "eu-central-1")),
        ("ap-111122223333.op-01234567890123456.s3-outposts.us-east-1.amazonaws.com", ("s3-outposts", "us-east-1")),
        ("S3.EU-WEST-3.AMAZONAWS.COM", ("s3", "eu-west-3")),
        ("s3.example.com", None),
        ("abc.execute-api.us-east-1.amazonaws.com", None),
        ("s3-bucket.execute-api.us-east-1.amazonaws.com", None),
        ("bucket.s3.eu-west-1.amazonaws.com.evil.example", None),
    ],
)
def test_s3_hosts(host: str, want: object) -> None:
    assert s3_host(host) == want


S3_HOST_CASES = [
    # (URL, region botocore signs for, extra CLI args, extra environment)
    ("https://bucket.s3.eu-west-1.amazonaws.com/photos/a%20b.jpg", "eu-west-1", [], {}),
    ("https://s3.amazonaws.com/bucket/k", "us-east-1", [], {}),
    ("https://bucket.s3.amazonaws.com/k", "eu-west-3", [], {"AWS_DEFAULT_REGION": "eu-west-3"}),
    ("https://s3-ap-southeast-2.amazonaws.com/bucket/k", "ap-southeast-2", [], {}),
    ("https://bucket.s3.dualstack.ap-south-1.amazonaws.com/k", "ap-south-1", [], {}),
    ("http://127.0.0.1:9000/bucket/k", "us-east-1", ["--endpoint-url", "http://127.0.0.1:9000"], {}),
    ("https://bucket.minio.example:9443/k", "eu-north-1",
     ["--endpoint-url", "https://minio.example:9443", "--region", "eu-north-1"], {}),
    ("http://localhost:9000/bucket/k", "us-east-1", [], {"AWS_ENDPOINT_URL_S3": "http://localhost:9000"}),
]  # fmt: skip


@pytest.mark.parametrize(("url", "region", "extra", "env"), S3_HOST_CASES)
def test_explain_infers_s3(tmp_path: Path, url: str, region: str, extra: list[str], env: dict[str, str]) -> None:
    creq, sts, signature = botocore_strings("GET", url, [], b"", "s3", region, s3=True)
    result = run_cli(["explain", "GET", url, *extra], base_env(tmp_path) | env)
    assert result.code == 0, result.stderr
    assert f"Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nSignature: {signature}\n" in result.stdout


def test_explain_does_not_guess_other_hosts(tmp_path: Path) -> None:
    result = run_cli(["explain", "GET", "https://api.example.com/x", "--region", "us-east-1"], base_env(tmp_path))
    assert result.code == 2
    assert "no service: pass --service" in result.stderr


URL = "https://bucket.s3.eu-west-1.amazonaws.com/k.txt"

MINIO_BODY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we '
    "calculated does not match the signature you provided. Check your key and signing method.</Message><Key>k.txt</Key>"
    "<BucketName>bucket</BucketName><Resource>/bucket/k.txt</Resource><RequestId>17F8A2B5C3D4E5F6</RequestId>"
    "<HostId>dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8</HostId></Error>"
)
CEPH_BODY = (
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><BucketName>bucket</BucketName>'
    "<RequestId>tx00000b3b1b3b1b3b1b3b1-0065a1b2c3-1234-default</RequestId><HostId>1234-default-default</HostId></Error>"
)
R2_BODY = (
    "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the "
    "signature you provided. Check your secret access key and signing method. </Message></Error>"
)


@pytest.mark.parametrize("body", [MINIO_BODY, CEPH_BODY, R2_BODY], ids=["minio-juicefs", "ceph", "r2"])
def test_body_without_strings_shows_ours(tmp_path: Path, body: str) -> None:
    creq, sts, signature = botocore_strings("GET", URL, [], b"", "s3", "eu-west-1", s3=True)
    (tmp_path / "e.xml").write_text(body)
    result = run_cli(["explain", "GET", URL, "--error-xml", str(tmp_path / "e.xml")], base_env(tmp_path))
    assert result.code == 1, result.stderr  # the server said the signature is wrong: a failure, not a usage error
    assert result.stderr == ""
    out = result.stdout
    assert "(SignatureDoesNotMatch) carries no canonical request or string to sign" in out
    assert f"Canonical request:\n{creq}\n" in out
    assert f"String to sign:\n{sts}\n" in out
    assert "Scope: 20150830/eu-west-1/s3/aws4_request" in out
    assert "Signed headers: host;x-amz-content-sha256;x-amz-date" in out
    assert "Signed at: 20150830T123600Z (this machine's clock)" in out
    assert f"Signature by sigv4: {signature}" in out
    assert "pass the body of" not in out  # never asks for what was passed


def test_region_hint_of_authorization_header_malformed(tmp_path: Path) -> None:
    body = (
        "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region "
        "'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region><RequestId>R</RequestId></Error>"
    )
    (tmp_path / "e.xml").write_text(body)
    url = "https://bucket.s3.amazonaws.com/k.txt"  # the global host: signed for us-east-1
    result = run_cli(["explain", "GET", url, "--error-xml", str(tmp_path / "e.xml")], base_env(tmp_path))
    assert result.code == 1, result.stderr
    assert "Scope: 20150830/us-east-1/s3/aws4_request" in result.stdout
    assert "- the server expects region 'eu-west-1', sigv4 signed for 'us-east-1': pass --region eu-west-1" in result.stdout
    fixed = run_cli(["explain", "GET", url, "--region", "eu-west-1", "--error-xml", str(tmp_path / "e.xml")], base_env(tmp_path))
    assert "expects region" not in fixed.stdout


def test_clock_of_request_time_too_skewed(tmp_path: Path) -> None:
    body = (
        "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time "
        "is too large.</Message><RequestTime>20150830T123600Z</RequestTime><ServerTime>2015-08-30T13:06:00Z</ServerTime>"
        "<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>"
    )
    (tmp_path / "e.xml").write_text(body)
    env = base_env(tmp_path, fixed=False)  # signed at the request's time from the body, not now
    result = run_cli(["explain", "GET", URL, "--error-xml", str(tmp_path / "e.xml")], env)
    assert result.code == 1, result.stderr
    assert "Signed at: 20150830T123600Z (the request's time)" in result.stdout
    assert "- clock: the request's time 20150830T123600Z is 1800 s behind the server's 20150830T130600Z" in result.stdout


def test_access_key_of_invalid_access_key_id(tmp_path: Path) -> None:
    body = (
        "<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our "
        "records.</Message><AWSAccessKeyId>AKIAOTHER</AWSAccessKeyId></Error>"
    )
    (tmp_path / "e.xml").write_text(body)
    result = run_cli(["explain", "GET", URL, "--error-xml", str(tmp_path / "e.xml")], base_env(tmp_path))
    assert result.code == 1, result.stderr
    assert f"- the request was signed with access key AKIAOTHER, sigv4 used {ACCESS_KEY}" in result.stdout


def test_content_sha256_mismatch(tmp_path: Path) -> None:
    body = (
        "<Error><Code>XAmzContentSHA256Mismatch</Code><Message>The provided 'x-amz-content-sha256' header does not match "
        "what was computed.</Message><ClientComputedContentSHA256>aaaa</ClientComputedContentSHA256>"
        "<S3ComputedContentSHA256>bbbb</S3ComputedContentSHA256></Error>"
    )
    (tmp_path / "e.xml").write_text(body)
    result = run_cli(["explain", "PUT", URL, "--data", "x", "--error-xml", str(tmp_path / "e.xml")], base_env(tmp_path))
    assert result.code == 1, result.stderr
    assert "hashes to bbbb, the request declared aaaa" in result.stdout


def test_json_service_error_without_strings(tmp_path: Path) -> None:
    body = '{"__type": "com.amazon.coral.service#UnrecognizedClientException", "message": "The security token is invalid."}'
    url = "https://abc.execute-api.us-east-2.amazonaws.com/prod/x"
    result = run_cli(["explain", "GET", url, "-s", "execute-api", "--error", "-"], base_env(tmp_path), stdin=body.encode())
    assert result.code == 1, result.stderr
    assert "(UnrecognizedClientException) carries no canonical request" in result.stdout
    assert "The server says: The security token is invalid." in result.stdout


def test_short_canonical_request_is_a_diff_not_a_traceback(tmp_path: Path) -> None:
    for creq in ("GET", "GET\n/k", "", "\n\n\n\n\n\n\n\n"):
        body = f"<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>{creq}</CanonicalRequest></Error>"
        result = run_cli(["explain", "GET", URL, "--error", "-"], base_env(tmp_path), stdin=body.encode())
        assert "Traceback" not in result.stderr
        assert result.code == 1, result.stderr
        assert "Canonical request differs (- AWS, + sigv4):" in result.stdout or creq == ""


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_error_body_that_is_not_utf8(tmp_path: Path, source: str) -> None:
    data = b"<Error><Code>SignatureDoesNotMatch</Code><Message>caf\xe9 \xff\xfe</Message></Error>"
    (tmp_path / "e.xml").write_bytes(data)
    where = str(tmp_path / "e.xml") if source == "file" else "-"
    result = run_cli(["explain", "GET", URL, "--error-xml", where], base_env(tmp_path), stdin=data)
    assert "Traceback" not in result.stderr
    assert result.code == 1, result.stderr
    offset = data.index(b"\xe9")
    assert f"Note: the error body is not UTF-8 (byte 0xe9 at offset {offset})" in result.stdout
    assert "(SignatureDoesNotMatch) carries no canonical request" in result.stdout


def test_control_characters_of_the_body_are_escaped(tmp_path: Path) -> None:
    body = "<Error><Code>SignatureDoesNotMatch</Code><Message>evil \x1b[31m red</Message></Error>"
    result = run_cli(["explain", "GET", URL, "--error", "-"], base_env(tmp_path), stdin=body.encode())
    assert "\x1b" not in result.stdout
    assert "evil \\x1b[31m red" in result.stdout


def test_clock_is_compared_only_with_the_requests_own_time(tmp_path: Path) -> None:
    """An expired presigned GET answers AccessDenied with ServerTime only: this machine's clock
    now says nothing about the request's; an -H X-Amz-Date (the request's) does."""
    body = (
        "<Error><Code>AccessDenied</Code><Message>Request has expired</Message><Expires>2015-08-30T12:37:00Z</Expires>"
        "<ServerTime>2015-08-31T12:36:00Z</ServerTime></Error>"
    )
    (tmp_path / "e.xml").write_text(body)
    now = run_cli(["explain", "GET", URL, "--error-xml", str(tmp_path / "e.xml")], base_env(tmp_path))
    assert "- clock:" not in now.stdout
    assert "- the signature had expired when the server received the request" in now.stdout
    assert now.code == 1
    dated = ["explain", "GET", URL, "-H", "X-Amz-Date: 20150830T123600Z", "--error-xml", str(tmp_path / "e.xml")]
    result = run_cli(dated, base_env(tmp_path, fixed=False))
    assert "Signed at: 20150830T123600Z (the request's time)" in result.stdout
    assert "- clock: the request's time 20150830T123600Z is 86400 s behind the server's 20150831T123600Z" in result.stdout
