"""The AWS SDK for JavaScript v3 (from npm, run with the machine's ``node``) against the loopback
S3 app: a ``PutObject`` with its default CRC32 trailer, a presigned GET, and a browser-style POST
(``createPresignedPost`` + a multipart form sent with node's ``fetch``/``FormData``), each with
refused variants. All steps run in one node process (``js/s3.mjs``), as node starts slowly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.clients.conftest import require
from tests.clients.loopback import LoopbackS3

pytestmark = pytest.mark.e2e

JS = Path(__file__).resolve().parent / "js"
BODY = "0123456789abcdef" * 64 + "é€\n"


def _node(server: LoopbackS3, plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    require(
        node is not None and (JS / "node_modules" / "@aws-sdk" / "client-s3").is_dir(), "node with tests/clients/js/node_modules"
    )
    assert node is not None
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env["NODE_NO_WARNINGS"] = "1"
    result = subprocess.run(
        [node, str(JS / "s3.mjs"), server.endpoint, server.access_key, server.secret_key, server.region, json.dumps(plan)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answers: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return answers


def test_put_presign_and_post(loopback: LoopbackS3, bucket: str) -> None:
    data_offset = len(f"{len(BODY.encode()):x}\r\n") + 100
    loopback.corrupt_next_body(data_offset, "PUT", "js/changed")
    plan: list[dict[str, Any]] = [
        {"op": "put", "bucket": bucket, "key": "js/stream key+plus.txt", "body": BODY, "stream": True},
        {"op": "put", "bucket": bucket, "key": "js/buffer.txt", "body": BODY},
        {"op": "get", "bucket": bucket, "key": "js/stream key+plus.txt"},
        {"op": "presign-get", "bucket": bucket, "key": "js/stream key+plus.txt", "expiresIn": 300},
        {"op": "presign-get", "bucket": bucket, "key": "js/stream key+plus.txt", "expiresIn": 60, "signedSecondsAgo": 7200},
        {
            "op": "post",
            "bucket": bucket,
            "key": "uploads/${filename}",
            "content": BODY,
            "filename": "from the browser.txt",
            "fields": {"Content-Type": "text/plain"},
            "conditions": [["starts-with", "$Content-Type", "text/"], ["content-length-range", 1, 10000]],
        },
        # refused
        {"op": "put", "bucket": bucket, "key": "js/wrong-secret", "body": BODY, "stream": True, "secret": "wrong/secret"},
        {"op": "put", "bucket": bucket, "key": "js/unknown-key", "body": BODY, "accessKey": "AKIAUNKNOWNKEY000000"},
        {"op": "put", "bucket": bucket, "key": "js/changed", "body": BODY, "stream": True},
        {"op": "post", "bucket": bucket, "key": "uploads/${filename}", "content": BODY, "override": {"key": "elsewhere/x"}},
        {"op": "post", "bucket": bucket, "key": "small", "content": "x" * 11, "conditions": [["content-length-range", 1, 10]]},
        {"op": "post", "bucket": bucket, "key": "forged", "content": BODY, "secret": "wrong/secret"},
    ]
    put_stream, put_buffer, get, presigned, expired, post, wrong, unknown, changed, elsewhere, too_big, forged = _node(
        loopback, plan
    )
    objects = loopback.store.buckets[bucket]

    # PutObject with a stream body: the SDK's default CRC32 goes in an aws-chunked trailer.
    assert put_stream["ok"] and put_stream["status"] == 200, put_stream
    (seen,) = loopback.seen("PUT", "stream%20key%2Bplus.txt")
    assert seen.headers["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert seen.headers["x-amz-trailer"] == "x-amz-checksum-crc32"
    assert "aws-chunked" in seen.headers["content-encoding"]
    assert objects["js/stream key+plus.txt"].data == BODY.encode()
    # With a Buffer body it signs the payload hash and sends the CRC32 as a header.
    assert put_buffer["ok"], put_buffer
    assert len(loopback.seen("PUT", "js/buffer.txt")[0].headers["x-amz-content-sha256"]) == 64
    assert objects["js/buffer.txt"].data == BODY.encode()
    assert get["ok"] and get["body"] == BODY

    with urlopen(presigned["url"], timeout=30) as response:
        assert response.read() == BODY.encode()
    signature_at = presigned["url"].index("X-Amz-Signature=") + len("X-Amz-Signature=")
    original = presigned["url"][signature_at]
    tampered = presigned["url"][:signature_at] + ("1" if original == "0" else "0") + presigned["url"][signature_at + 1 :]
    _assert_refused(tampered, 403, "SignatureDoesNotMatch")
    _assert_refused(expired["url"], 403, "AccessDenied")

    assert post["status"] == 204, post
    assert "policy" in {name.lower() for name in post["fields"]}
    assert objects["uploads/from the browser.txt"].data == BODY.encode()
    assert objects["uploads/from the browser.txt"].content_type == "text/plain"

    assert (wrong["ok"], wrong["status"], wrong["code"]) == (False, 403, "SignatureDoesNotMatch"), wrong
    assert (unknown["ok"], unknown["status"], unknown["code"]) == (False, 403, "InvalidAccessKeyId"), unknown
    assert (changed["ok"], changed["status"], changed["code"]) == (False, 400, "BadDigest"), changed
    assert (elsewhere["status"], _code(elsewhere["text"])) == (403, "AccessDenied"), elsewhere
    assert (too_big["status"], _code(too_big["text"])) == (400, "EntityTooLarge"), too_big
    assert (forged["status"], _code(forged["text"])) == (403, "SignatureDoesNotMatch"), forged
    for key in ("js/wrong-secret", "js/unknown-key", "js/changed", "elsewhere/x", "small", "forged"):
        assert key not in objects


def _code(text: str) -> str | None:
    import re

    match = re.search(r"<Code>([^<]*)</Code>", text)
    return match.group(1) if match else None


def _assert_refused(url: str, status: int, code: str) -> None:
    with pytest.raises(HTTPError) as caught:
        urlopen(url, timeout=30)
    assert caught.value.code == status
    assert _code(caught.value.read().decode()) == code
