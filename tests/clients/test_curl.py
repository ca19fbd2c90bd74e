"""curl's ``--aws-sigv4 "aws:amz:us-east-1:s3"`` (curl ≥ 7.75) against the loopback S3 app."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.conftest import require
from tests.clients.loopback import LoopbackS3

pytestmark = pytest.mark.e2e

BODY = b"uploaded with curl\n" * 50


def _curl(server: LoopbackS3, *args: str, secret: str | None = None, access_key: str | None = None) -> tuple[int, bytes]:
    curl = shutil.which("curl")
    require(curl is not None, "curl")
    assert curl is not None
    user = f"{access_key or server.access_key}:{secret or server.secret_key}"
    result = subprocess.run(
        [curl, "-sS", "-w", "\n%{http_code}", "--aws-sigv4", f"aws:amz:{server.region}:s3", "--user", user, *args],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    body, _, status = result.stdout.rpartition(b"\n")
    return int(status), body


def _code(body: bytes) -> str | None:
    match = re.search(rb"<Code>([^<]*)</Code>", body)
    return match.group(1).decode() if match else None


def test_put_and_get(loopback: LoopbackS3, bucket: str, tmp_path: Path) -> None:
    file = tmp_path / "curl.txt"
    file.write_bytes(BODY)
    url = f"{loopback.endpoint}/{bucket}/curl/a%20key.txt"
    digest = hashlib.sha256(BODY).hexdigest()
    # curl signs the x-amz-content-sha256 it is given (it does not hash an uploaded file itself).
    assert _curl(loopback, "-H", f"x-amz-content-sha256: {digest}", "-T", str(file), url) == (200, b"")
    (put,) = loopback.seen("PUT", "curl/")
    assert "x-amz-content-sha256" in put.headers["authorization"] and put.headers["x-amz-content-sha256"] == digest
    assert loopback.store.buckets[bucket]["curl/a key.txt"].data == BODY
    assert _curl(loopback, url) == (200, BODY)
    assert _curl(loopback, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-T", str(file), url + "2")[0] == 200


def test_refused(loopback: LoopbackS3, bucket: str, tmp_path: Path) -> None:
    file = tmp_path / "curl.txt"
    file.write_bytes(BODY)
    url = f"{loopback.endpoint}/{bucket}/curl/refused"
    digest = hashlib.sha256(BODY).hexdigest()
    status, body = _curl(loopback, "-H", f"x-amz-content-sha256: {digest}", "-T", str(file), url, secret="wrong/secret")
    assert (status, _code(body)) == (403, "SignatureDoesNotMatch")
    status, body = _curl(loopback, url, access_key="AKIAUNKNOWNKEY000000")
    assert (status, _code(body)) == (403, "InvalidAccessKeyId")
    # The signed hash is of other bytes than those sent.
    other = hashlib.sha256(BODY + b"!").hexdigest()
    status, body = _curl(loopback, "-H", f"x-amz-content-sha256: {other}", "-T", str(file), url)
    assert (status, _code(body)) == (400, "XAmzContentSHA256Mismatch")
    assert "curl/refused" not in loopback.store.buckets[bucket]
