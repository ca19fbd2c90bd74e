"""``sigv4 verify FILE``: saved requests signed by botocore (or published by AWS)
are reported valid (exit 0), tampered ones invalid (exit 1, S3's code, the
computed canonical request), unusable command lines and files exit 2; never a
traceback, never the secret."""

from __future__ import annotations

from pathlib import Path

from tests.botocore_oracle import header_sign, query_sign
from tests.cli.test_cli_support import ACCESS_KEY, FIXED, SECRET_KEY, Result, base_env, run_cli
from tests.vectorlib import load_s3_examples

URL = "https://bucket.s3.amazonaws.com/dir/file%20name.txt?tagging"


def _save(tmp_path: Path, method: str, target: str, headers: dict[str, str], body: bytes, crlf: bool = True) -> Path:
    eol = b"\r\n" if crlf else b"\n"
    lines = [f"{method} {target} HTTP/1.1".encode()] + [f"{k}: {v}".encode("latin-1") for k, v in headers.items()]
    path = tmp_path / "request.http"
    path.write_bytes(eol.join(lines) + eol + eol + body)
    return path


def _verify(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    result = run_cli(["verify", *args], env or base_env(tmp_path))
    result.assert_no_secret()
    assert "Traceback" not in result.stderr
    return result


def _signed_put(body: bytes) -> dict[str, str]:
    headers = header_sign(
        s3=True, method="PUT", url=URL, access_key=ACCESS_KEY, secret_key=SECRET_KEY, service="s3", now=FIXED, body=body
    )
    return {"Host": "bucket.s3.amazonaws.com", **headers}


def test_valid_header_signed_request(tmp_path: Path) -> None:
    for crlf in (True, False):
        path = _save(tmp_path, "PUT", "/dir/file%20name.txt?tagging", _signed_put(b"<Tagging/>"), b"<Tagging/>", crlf)
        result = _verify(tmp_path, str(path))
        assert result.code == 0, result.stderr
        assert result.stdout.startswith(
            f"valid: Authorization header signed by {ACCESS_KEY} for us-east-1/s3 at 20150830T123600Z\n"
        )


def test_tampered_body_and_signature(tmp_path: Path) -> None:
    headers = _signed_put(b"<Tagging/>")
    result = _verify(tmp_path, str(_save(tmp_path, "PUT", "/dir/file%20name.txt?tagging", headers, b"<Tagging />")))
    expected = "XAmzContentSHA256Mismatch: The provided 'x-amz-content-sha256' header does not match what was computed."
    assert (result.code, result.stderr.strip()) == (1, f"sigv4 verify: error: {expected}")
    headers["Authorization"] = headers["Authorization"][:-1] + ("0" if headers["Authorization"][-1] != "0" else "1")
    result = _verify(tmp_path, str(_save(tmp_path, "PUT", "/dir/file%20name.txt?tagging", headers, b"<Tagging/>")))
    assert result.code == 1 and "SignatureDoesNotMatch" in result.stderr
    assert "canonical request (computed here):\nPUT\n/dir/file%20name.txt\ntagging=\n" in result.stdout
    assert "string to sign (computed here):\nAWS4-HMAC-SHA256\n20150830T123600Z\n" in result.stdout


def test_presigned_url_and_the_clock(tmp_path: Path) -> None:
    url = query_sign(
        s3=True, method="GET", url=URL, access_key=ACCESS_KEY, secret_key=SECRET_KEY, service="s3", expires=300, now=FIXED
    )
    target = url.partition("amazonaws.com")[2]
    path = _save(tmp_path, "GET", target, {"Host": "bucket.s3.amazonaws.com"}, b"")
    result = _verify(tmp_path, str(path))
    assert result.code == 0 and "expires: 300 s after 20150830T123600Z" in result.stdout
    assert _verify(tmp_path, str(path), "--at", "now").code == 0  # SIGV4_FIXED_TIME is the signing time
    env = base_env(tmp_path, fixed=False)
    env["SIGV4_FIXED_TIME"] = "20150830T124101Z"  # 301 s later
    late = _verify(tmp_path, str(path), "--at", "now", env=env)
    assert (late.code, late.stderr.strip()) == (1, "sigv4 verify: error: AccessDenied: Request has expired")


def test_host_option_and_unknown_key(tmp_path: Path) -> None:
    headers = _signed_put(b"")
    del headers["Host"]
    path = _save(tmp_path, "PUT", "/dir/file%20name.txt?tagging", headers, b"")
    assert _verify(tmp_path, str(path), "--host", "bucket.s3.amazonaws.com").code == 0
    assert "SignatureDoesNotMatch" in _verify(tmp_path, str(path), "--host", "other.s3.amazonaws.com").stderr
    env = base_env(tmp_path, creds=False)
    env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKIDOTHER", SECRET_KEY
    result = _verify(tmp_path, str(path), "--host", "bucket.s3.amazonaws.com", env=env)
    assert result.code == 1 and "InvalidAccessKeyId" in result.stderr


def test_aws_chunked_example(tmp_path: Path) -> None:
    e = next(x for x in load_s3_examples() if x["id"] == "chunked-put-object")
    wire = b""
    for chunk in e["chunks"]:
        data = b"a" * chunk["data"]["length"] if "repeat" in chunk["data"] else b""
        wire += chunk["header"].encode() + b"\r\n" + data + (b"\r\n" if chunk["size"] else b"")
    headers = dict(map(tuple, e["headers"]))
    headers["Authorization"] = e["authorization"]
    env = base_env(tmp_path, creds=False)
    env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = e["access_key"], e["secret_key"]
    path = _save(tmp_path, "PUT", e["path"], headers, wire + b"\r\n")
    result = run_cli(["verify", str(path)], env)
    assert result.code == 0, result.stderr
    assert "aws-chunked body: 66560 bytes decoded, every chunk verified" in result.stdout
    flipped = bytearray(wire + b"\r\n")
    flipped[-500] ^= 1
    path.write_bytes(path.read_bytes()[: -len(flipped)] + bytes(flipped))
    bad = run_cli(["verify", str(path)], env)
    assert bad.code == 1 and "SignatureDoesNotMatch: a chunk's signature does not match" in bad.stderr
    assert e["secret_key"] not in bad.stdout + bad.stderr


def test_usage_errors(tmp_path: Path) -> None:
    missing = _verify(tmp_path, str(tmp_path / "nope.http"))
    assert missing.code == 2 and missing.stderr.startswith("sigv4 verify: error: cannot read")
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\x00\x01 not a request\n\n")
    assert _verify(tmp_path, str(garbage)).code == 2
    assert _verify(tmp_path).code == 2
    unsigned = _save(tmp_path, "GET", "/", {"Host": "h"}, b"")
    result = _verify(tmp_path, str(unsigned))
    assert result.code == 2 and "--at now" in result.stderr
    result = _verify(tmp_path, str(unsigned), "--at", "now")
    assert result.code == 1 and "AccessDenied" in result.stderr
