"""The AWS CLI (``awscli`` from PyPI, which carries its own botocore) against the loopback S3 app.

``aws s3 cp`` of a 20 MiB file both ways (a multipart upload with signed payload hashes over
HTTP, then ranged GETs), ``aws s3 presign`` used with urllib, and refusals. Each CLI start
costs about a second, so the test makes few invocations.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.clients.conftest import data_file
from tests.clients.loopback import LoopbackS3

pytestmark = pytest.mark.e2e


def _aws(server: LoopbackS3, tmp_path: Path, *args: str, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "aws-config"
    # AWS CLI v1 presigns with SigV2 unless told s3v4 (its signing of requests is SigV4 either way).
    config.write_text(f"[default]\nregion = {server.region}\ns3 =\n    addressing_style = path\n    signature_version = s3v4\n")
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=server.access_key,
        AWS_SECRET_ACCESS_KEY=secret or server.secret_key,
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_MAX_ATTEMPTS="1",
    )
    return subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cp_20_mib_both_ways(loopback: LoopbackS3, bucket: str, tmp_path: Path) -> None:
    source = data_file(tmp_path, 20 * 1024 * 1024, "source.bin")
    up = _aws(loopback, tmp_path, "s3", "cp", "--only-show-errors", str(source), f"s3://{bucket}/big/twenty mib.bin")
    assert up.returncode == 0, up.stderr
    parts = [e for e in loopback.seen("PUT") if "partNumber=" in e.target]
    assert len(parts) >= 2 and all(e.status == 200 for e in parts)  # multipart (8 MiB parts by default)
    for part in parts:  # signed payload hashes over HTTP, each checked against the body
        assert len(part.headers["x-amz-content-sha256"]) == 64
    stored = loopback.store.buckets[bucket]["big/twenty mib.bin"].data
    assert hashlib.sha256(stored).digest() == hashlib.sha256(source.read_bytes()).digest()

    target = tmp_path / "back.bin"
    down = _aws(loopback, tmp_path, "s3", "cp", "--only-show-errors", f"s3://{bucket}/big/twenty mib.bin", str(target))
    assert down.returncode == 0, down.stderr
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    assert any("range" in e.headers for e in loopback.seen("GET"))  # s3transfer downloads in ranges


def test_presign_with_urllib_and_refusals(loopback: LoopbackS3, bucket: str, tmp_path: Path) -> None:
    loopback.store.put(bucket, "shared/file.txt", b"presigned content")
    signed = _aws(loopback, tmp_path, "s3", "presign", f"s3://{bucket}/shared/file.txt", "--expires-in", "2")
    assert signed.returncode == 0, signed.stderr
    url = signed.stdout.strip()
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=2" in url
    with urlopen(url, timeout=30) as response:
        assert response.read() == b"presigned content"
    flipped = url[:-1] + ("0" if url[-1] != "0" else "1")
    with pytest.raises(HTTPError) as caught:
        urlopen(flipped, timeout=30)
    assert caught.value.code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in caught.value.read()
    loopback.clock_offset = 3.0  # the server's clock past X-Amz-Date + X-Amz-Expires=2
    with pytest.raises(HTTPError) as caught:
        urlopen(url, timeout=30)
    assert caught.value.code == 403 and b"<Code>AccessDenied</Code>" in caught.value.read()


def test_wrong_secret_is_refused(loopback: LoopbackS3, bucket: str, tmp_path: Path) -> None:
    source = data_file(tmp_path, 1000)
    result = _aws(loopback, tmp_path, "s3", "cp", str(source), f"s3://{bucket}/refused.bin", secret="wrong/secret/key")
    assert result.returncode == 1
    assert "SignatureDoesNotMatch" in result.stderr, result.stderr
    assert "refused.bin" not in loopback.store.buckets[bucket]
    assert [e.error_code for e in loopback.seen("PUT", "refused.bin")] == ["SignatureDoesNotMatch"]
