"""aws-sdk-go-v2 from Debian (``golang-github-aws-aws-sdk-go-v2-dev``, built offline in GOPATH mode
from /usr/share/gocode with ``GOPROXY=off``) against the loopback S3 app: a PutObject (signed
payload hash), a GetObject, a presigned GET used with urllib, and two refused calls."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.clients.conftest import require
from tests.clients.loopback import LoopbackS3

pytestmark = pytest.mark.e2e

SOURCE = Path(__file__).resolve().parent / "go" / "main.go"
GOPATH = "/usr/share/gocode"


@pytest.fixture(scope="session")
def go_client(tmp_path_factory: pytest.TempPathFactory) -> str:
    go = shutil.which("go")
    require(go is not None and Path(GOPATH, "src/github.com/aws/aws-sdk-go-v2/service/s3").is_dir(), "go with aws-sdk-go-v2")
    assert go is not None
    folder = tmp_path_factory.mktemp("go")
    binary = folder / "s3client"
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": GOPATH, "GOPROXY": "off", "GOFLAGS": ""}
    build = subprocess.run(
        [go, "build", "-o", str(binary), str(SOURCE)], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert build.returncode == 0, build.stderr[-3000:]
    return str(binary)


def test_aws_sdk_go_v2(go_client: str, loopback: LoopbackS3, bucket: str) -> None:
    result = subprocess.run(
        [go_client, loopback.endpoint, loopback.access_key, loopback.secret_key, loopback.region, bucket],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    body = "hello from aws-sdk-go-v2\n"
    assert out["put"] == {"ok": True} and out["get"] == {"ok": True, "body": body}
    key = "go/key with space+plus.txt"
    assert loopback.store.buckets[bucket][key].data == body.encode()
    assert len(loopback.seen("PUT", "go/key")[0].headers["x-amz-content-sha256"]) == 64
    with urlopen(out["presign"]["url"], timeout=30) as response:
        assert response.read() == body.encode()
    with pytest.raises(HTTPError) as caught:
        urlopen(out["presign"]["url"].replace("space", "spacf"), timeout=30)
    assert caught.value.code == 403
    assert out["wrong-secret"]["ok"] is False and out["wrong-secret"]["code"] == "SignatureDoesNotMatch", out
    assert out["unknown-key"]["ok"] is False and out["unknown-key"]["code"] == "InvalidAccessKeyId", out
    assert "go/wrong" not in loopback.store.buckets[bucket]
