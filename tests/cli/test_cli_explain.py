"""``sigv4 explain``: canonical request, string to sign and signature as botocore
computes them; the diff against the strings in a SignatureDoesNotMatch body.

The JuiceFS gateway's SignatureDoesNotMatch body carries no CanonicalRequest or
StringToSign (checked below against the real server), so the error bodies here
are built in AWS's published formats from botocore's own strings.
"""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from freezegun import freeze_time

from tests.cli.test_cli_support import ACCESS_KEY, FIXED, SECRET_KEY, TOKEN, base_env, run_cli


def botocore_strings(
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    service: str,
    region: str,
    *,
    s3: bool = False,
    token: Optional[str] = None,
    secret: str = SECRET_KEY,
) -> tuple[str, str, str]:
    """(canonical request, string to sign, signature) botocore computes, captured inside add_auth."""
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value
    signer = (S3SigV4Auth if s3 else SigV4Auth)(BotoCredentials(ACCESS_KEY, secret, token), service, region)
    seen: dict[str, str] = {}
    canonical, to_sign = signer.canonical_request, signer.string_to_sign

    def capture_canonical(req: AWSRequest) -> str:
        seen["creq"] = canonical(req)
        return seen["creq"]

    def capture_sts(req: AWSRequest, creq: str) -> str:
        seen["sts"] = to_sign(req, creq)
        return seen["sts"]

    signer.canonical_request = capture_canonical  # type: ignore[method-assign]
    signer.string_to_sign = capture_sts  # type: ignore[method-assign]
    with freeze_time(FIXED):
        signer.add_auth(request)
    signature = str(request.headers["Authorization"]).rpartition("Signature=")[2]
    return seen["creq"], seen["sts"], signature


def _hex(text: str) -> str:
    return " ".join(f"{b:02x}" for b in text.encode())


def s3_error(creq: str, sts: str, signature: str, *, with_bytes: bool = True) -> str:
    """S3's SignatureDoesNotMatch body (the element order S3 uses)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>',
        "<Message>The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.</Message>",
        f"<AWSAccessKeyId>{ACCESS_KEY}</AWSAccessKeyId><StringToSign>{escape(sts)}</StringToSign>",
        f"<SignatureProvided>{signature}</SignatureProvided>",
        f"<StringToSignBytes>{_hex(sts)}</StringToSignBytes>" if with_bytes else "",
        f"<CanonicalRequest>{escape(creq)}</CanonicalRequest>",
        f"<CanonicalRequestBytes>{_hex(creq)}</CanonicalRequestBytes>" if with_bytes else "",
        "<RequestId>4442587FB7D0A2F9</RequestId><HostId>h</HostId></Error>",
    ]
    return "".join(parts)


def message_text(creq: str, sts: str) -> str:
    return (
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.\n\n"
        f"The Canonical String for this request should have been\n'{creq}'\n\n"
        f"The String-to-Sign should have been\n'{sts}'\n"
    )


def query_api_error(creq: str, sts: str) -> str:
    """The Query APIs' (IAM, STS, EC2...) ErrorResponse, strings inside the message."""
    return (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
        f"<Code>SignatureDoesNotMatch</Code><Message>{escape(message_text(creq, sts))}</Message></Error>"
        "<RequestId>4ced6e96-5de8-11e1-aa78-a56908bdf8eb</RequestId></ErrorResponse>"
    )


def json_error(creq: str, sts: str) -> str:
    """API Gateway's JSON error body."""
    import json

    return json.dumps({"message": message_text(creq, sts)})


S3_URL = "https://bucket.s3.eu-west-1.amazonaws.com/my%20key.txt?tagging"
API_URL = "https://abc.execute-api.us-east-2.amazonaws.com/prod/it%27s?q=a%20b"


def test_explain_prints_botocores_strings(tmp_path: Path) -> None:
    creq, sts, signature = botocore_strings("POST", API_URL, [("Content-Type", "text/plain")], b"hi", "execute-api", "us-east-2")
    args = ["explain", "POST", API_URL, "-s", "execute-api", "-H", "Content-Type: text/plain", "--data", "hi"]
    result = run_cli(args, base_env(tmp_path))
    assert result.code == 0, result.stderr
    assert f"Canonical request:\n{creq}\n\nString to sign:\n{sts}\n\nSignature: {signature}\n" in result.stdout
    assert f"Signature={signature}" in result.stdout
    result.assert_no_secret()


@pytest.mark.parametrize("form", ["s3-bytes", "s3-text"])
def test_error_body_identical_request(tmp_path: Path, form: str) -> None:
    creq, sts, signature = botocore_strings("PUT", S3_URL, [("Content-Type", "text/plain")], b"hello", "s3", "eu-west-1", s3=True)
    (tmp_path / "hello").write_bytes(b"hello")
    (tmp_path / "error.xml").write_text(s3_error(creq, sts, signature, with_bytes=form == "s3-bytes"))
    args = ["explain", "PUT", S3_URL, "-H", "Content-Type: text/plain", "--data", f"@{tmp_path / 'hello'}"]
    result = run_cli([*args, "--error-xml", str(tmp_path / "error.xml")], base_env(tmp_path, fixed=False))
    assert result.code == 0, result.stderr
    # signed at AWS's date and in AWS's scope (taken from the string to sign), not now
    assert "Signed at 20150830T123600Z for 20150830/eu-west-1/s3/aws4_request" in result.stdout
    assert "Canonical request: identical" in result.stdout
    assert "String to sign: identical" in result.stdout
    assert f"Signature by sigv4: {signature}" in result.stdout
    assert "AWS's key for it differs" in result.stdout


def test_error_body_missing_header_shows_the_line(tmp_path: Path) -> None:
    """The request sent Content-Type and signed it; the user forgot it in the explain command."""
    creq, sts, signature = botocore_strings("PUT", S3_URL, [("Content-Type", "text/plain")], b"hello", "s3", "eu-west-1", s3=True)
    (tmp_path / "error.xml").write_text(s3_error(creq, sts, signature))
    result = run_cli(
        ["explain", "PUT", S3_URL, "--data", "hello", "--error-xml", str(tmp_path / "error.xml")], base_env(tmp_path)
    )
    assert result.code == 1, result.stderr  # a mismatch is a failure, not a usage error
    out = result.stdout.splitlines()
    assert "Canonical request differs (- AWS, + sigv4):" in out
    assert "- content-type:text/plain" in out
    assert "- content-type;host;x-amz-content-sha256;x-amz-date" in out
    assert "+ host;x-amz-content-sha256;x-amz-date" in out
    assert "  /my%20key.txt" in out  # identical lines are shown as context
    assert "- the request signed header 'content-type', which you did not pass with -H" in out


def test_error_body_wrong_body_points_at_the_payload_hash(tmp_path: Path) -> None:
    creq, sts, signature = botocore_strings("PUT", S3_URL, [], b"hello", "s3", "eu-west-1", s3=True)
    (tmp_path / "error.xml").write_text(s3_error(creq, sts, signature))
    result = run_cli(
        ["explain", "PUT", S3_URL, "--data", "hellO", "--error-xml", str(tmp_path / "error.xml")], base_env(tmp_path)
    )
    assert result.code == 1, result.stderr
    assert "- the payload hash differs" in result.stdout
    assert "a different body" in result.stdout


def test_error_body_same_strings_other_secret(tmp_path: Path) -> None:
    """AWS computed the same strings: the signature came from another secret key."""
    creq, sts, _ = botocore_strings("GET", API_URL, [], b"", "execute-api", "us-east-2")
    _, _, wrong = botocore_strings("GET", API_URL, [], b"", "execute-api", "us-east-2", secret="another-secret")
    (tmp_path / "e.xml").write_text(s3_error(creq, sts, wrong))
    result = run_cli(["explain", "GET", API_URL, "--error", str(tmp_path / "e.xml")], base_env(tmp_path))
    assert result.code == 1, result.stderr  # the signature sent is not the one these credentials give
    assert "Canonical request: identical" in result.stdout
    assert "computed with another secret key" in result.stdout


@pytest.mark.parametrize("builder", [query_api_error, json_error], ids=["query-api-xml", "api-gateway-json"])
def test_error_message_formats(tmp_path: Path, builder) -> None:  # type: ignore[no-untyped-def]
    headers = [("X-Quote", "it's 'quoted'")]
    creq, sts, _ = botocore_strings("GET", API_URL, headers, b"", "execute-api", "us-east-2", token=TOKEN)
    (tmp_path / "body").write_text(builder(creq, sts))
    env = base_env(tmp_path, token=TOKEN)
    same = run_cli(["explain", "GET", API_URL, "-H", "X-Quote: it's 'quoted'", "--error", str(tmp_path / "body")], env)
    assert same.code == 0, same.stderr
    assert "Canonical request: identical" in same.stdout
    assert "String to sign: identical" in same.stdout
    # a literal '+' written %2B is not the space AWS saw (pitfall 5): the diff names the query
    plus = API_URL.replace("a%20b", "a%2Bb")
    other = run_cli(
        ["explain", "GET", plus, "-H", "X-Quote: it's 'quoted'", "--error", "-"], env, stdin=builder(creq, sts).encode()
    )
    assert other.code == 1, other.stderr
    assert "- q=a%20b" in other.stdout and "+ q=a%2Bb" in other.stdout
    assert "- the query differs" in other.stdout


@pytest.mark.e2e
def test_the_juicefs_error_body_is_explained_without_strings(tmp_path: Path, s3_server) -> None:  # type: ignore[no-untyped-def]
    """MinIO's (and so JuiceFS's) SignatureDoesNotMatch omits CanonicalRequest and
    StringToSign: explain says so, shows ours, and does not invent a diff."""
    conn = http.client.HTTPConnection(s3_server.host, s3_server.port, timeout=30)
    bucket_url = f"{s3_server.endpoint}/no-such-bucket"
    sign = run_cli(
        ["sign", "PUT", bucket_url, "-s", "s3", "--region", "us-east-1"],
        base_env(tmp_path, fixed=False) | {"AWS_ACCESS_KEY_ID": s3_server.access_key},  # the server's key id, a wrong secret
    )
    assert sign.code == 0, sign.stderr
    headers = dict(line.split(": ", 1) for line in sign.stdout.splitlines())
    conn.request("PUT", "/no-such-bucket", headers=headers)
    answer = conn.getresponse()
    body = answer.read()
    conn.close()
    assert answer.status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    (tmp_path / "real.xml").write_bytes(body)
    args = ["explain", "PUT", bucket_url, "--endpoint-url", s3_server.endpoint, "--error-xml", str(tmp_path / "real.xml")]
    result = run_cli(args, base_env(tmp_path))
    assert result.code == 1, result.stderr  # a mismatch, explained as far as the body allows
    assert "(SignatureDoesNotMatch) carries no canonical request or string to sign" in result.stdout
    assert "Scope: 20150830/us-east-1/s3/aws4_request" in result.stdout  # s3 inferred from --endpoint-url
    assert "Signed headers: host;x-amz-content-sha256;x-amz-date" in result.stdout
    assert "pass the body of" not in result.stdout + result.stderr


def test_error_body_that_is_not_a_signature_error(tmp_path: Path) -> None:
    """A body that says nothing about the signature is reported as such, with our strings (no usage error)."""
    (tmp_path / "nokey.xml").write_text(
        "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
    )
    result = run_cli(["explain", "GET", API_URL, "-s", "execute-api", "--error", str(tmp_path / "nokey.xml")], base_env(tmp_path))
    assert result.code == 0, result.stderr
    assert "NoSuchKey is not a signature error" in result.stdout
    creq, _, _ = botocore_strings("GET", API_URL, [], b"", "execute-api", "us-east-2")
    assert f"Canonical request:\n{creq}\n" in result.stdout


def test_error_body_that_is_broken_or_missing(tmp_path: Path) -> None:
    (tmp_path / "broken.xml").write_text("<Error><Code>SignatureDoesNotMatch</Code><Message>x")
    result = run_cli(
        ["explain", "GET", API_URL, "-s", "execute-api", "--error", str(tmp_path / "broken.xml")], base_env(tmp_path)
    )
    assert result.code == 1, result.stderr  # a signature error that nothing explains: a failure
    assert "not well-formed XML" in result.stdout
    assert "(SignatureDoesNotMatch) carries no canonical request" in result.stdout  # the code is still read
    missing = run_cli(["explain", "GET", API_URL, "-s", "execute-api", "--error", str(tmp_path / "missing")], base_env(tmp_path))
    assert missing.code == 2
    assert "cannot read" in missing.stderr and len(missing.stderr.splitlines()) == 1


def _botocore_presigned(url: str, token: Optional[str] = None) -> str:
    request = AWSRequest(method="GET", url=url)
    with freeze_time(FIXED):
        S3SigV4QueryAuth(BotoCredentials(ACCESS_KEY, SECRET_KEY, token), "s3", "ap-south-1", expires=900).add_auth(request)
    return str(request.url)


def test_presigned_url_is_checked_at_its_own_date_and_scope(tmp_path: Path) -> None:
    url = _botocore_presigned(
        "https://bucket.s3.ap-south-1.amazonaws.com/photos/a%20b.jpg?response-content-type=image%2Fjpeg", TOKEN
    )
    env = base_env(tmp_path, fixed=False, token=TOKEN)  # now is not the URL's date: the URL's own is used
    result = run_cli(["explain", "GET", url], env)
    assert result.code == 0, result.stderr
    assert "The URL's signature matches" in result.stdout
    assert "20150830/ap-south-1/s3/aws4_request" in result.stdout
    tampered = url.replace("photos/", "photoz/")
    result = run_cli(["explain", "GET", tampered], env)
    assert result.code == 1, result.stderr
    assert "The URL's signature differs" in result.stdout
    other_key = run_cli(["explain", "GET", url], env | {"AWS_ACCESS_KEY_ID": "AKIDOTHER"})
    assert "it was signed with access key AKIDEXAMPLE; sigv4 used AKIDOTHER" in other_key.stdout
