"""aws-chunked uploads end to end, against real S3-compatible servers on loopback.

JuiceFS (MinIO's S3 layer) verifies the seed and every data chunk signature of
STREAMING-AWS4-HMAC-SHA256-PAYLOAD; it answers both trailer modes with 400
XAmzContentSHA256Mismatch whatever is sent (JuiceFS 1.4.2), so the trailer modes run
against SeaweedFS, which parses them, checks every chunk signature (including the final
one) and recomputes the trailing checksum itself (its X-Amz-Checksum-* answer is an
independent oracle for our CRC32C). Objects are read back with botocore-signed GETs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sigv4
from sigv4.core.streaming import ChunkSigner
from sigv4.testing import LocalS3Server
from tests.fixtures_s3 import botocore_sign, send

pytestmark = pytest.mark.e2e

CHUNK = 8192


def _signer(server: LocalS3Server, **kw: Any) -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials(server.access_key, server.secret_key), server.region, "s3", **kw)


def _read_back(server: LocalS3Server, path: str) -> bytes | None:
    """The stored object (read with a botocore-signed GET), or None if absent."""
    response = send(server, "GET", path, headers=botocore_sign(server, "GET", path))
    if response.status == 404:
        return None
    assert response.status == 200, response.body
    return response.body


def _put_requests(signed: sigv4.SignedRequest, body: object = None) -> Any:
    import requests

    return requests.put(signed.url, data=signed.body if body is None else body, headers=signed.headers, timeout=60)


def _data(size: int) -> bytes:
    return hashlib.shake_256(str(size).encode()).digest(size) if size else b""


# ---------------------------------------------------------------- JuiceFS: signed chunks


@pytest.mark.parametrize(
    ("size", "chunk_size"),
    [
        (0, CHUNK),
        (1, CHUNK),
        (CHUNK, CHUNK),  # exactly one chunk
        (65536, 65536),  # exactly one default-size chunk
        (10 * CHUNK + 123, CHUNK),  # many chunks and a partial one
        (300_000, 65536),
    ],
)
def test_upload_with_requests_and_read_back(s3_server: LocalS3Server, s3_bucket: str, size: int, chunk_size: int) -> None:
    data = _data(size)
    path = f"/{s3_bucket}/obj-{size}-{chunk_size}"
    signed = _signer(s3_server).sign_chunked("PUT", s3_server.endpoint + path, data, chunk_size=chunk_size)
    response = _put_requests(signed)
    assert response.status_code == 200, response.text
    assert _read_back(s3_server, path) == data


def test_upload_with_httpx_from_iterator(s3_server: LocalS3Server, s3_bucket: str) -> None:
    import httpx

    data = _data(5 * CHUNK + 7)
    pieces = (data[i : i + 1000] for i in range(0, len(data), 1000))
    path = f"/{s3_bucket}/httpx-object"
    signed = _signer(s3_server).sign_chunked("PUT", s3_server.endpoint + path, pieces, decoded_length=len(data), chunk_size=CHUNK)
    response = httpx.put(signed.url, content=signed.body, headers=signed.headers)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert _read_back(s3_server, path) == data


def test_upload_from_file_with_http_client(s3_server: LocalS3Server, s3_bucket: str, tmp_path: Path) -> None:
    import http.client

    data = _data(3 * CHUNK + 1)
    file = tmp_path / "f.bin"
    file.write_bytes(data)
    path = f"/{s3_bucket}/dir/file%20name.bin"
    with open(file, "rb") as f:
        signed = _signer(s3_server).sign_chunked(
            "PUT", s3_server.endpoint + path, f, chunk_size=CHUNK, headers={"Content-Type": "text/plain", "x-amz-meta-k": "v"}
        )
        conn = http.client.HTTPConnection(s3_server.host, s3_server.port, timeout=60)
        try:
            conn.request("PUT", signed.url.split(str(s3_server.port), 1)[1], body=signed.body, headers=signed.headers)  # type: ignore[arg-type]
            response = conn.getresponse()
            assert response.status == 200, response.read()
        finally:
            conn.close()
    assert _read_back(s3_server, path) == data
    head = send(s3_server, "HEAD", path, headers=botocore_sign(s3_server, "HEAD", path))
    assert head.headers["content-type"] == "text/plain"
    assert head.headers["x-amz-meta-k"] == "v"


def test_signed_content_length_and_session_style_headers(s3_server: LocalS3Server, s3_bucket: str) -> None:
    """Content-Length signed (as in the first AWS example) is accepted too."""
    data = _data(2 * CHUNK)
    path = f"/{s3_bucket}/signed-length"
    signer = _signer(s3_server)
    length = signer.sign_chunked("PUT", s3_server.endpoint + path, data, chunk_size=CHUNK).headers["Content-Length"]
    signed = signer.sign_chunked("PUT", s3_server.endpoint + path, data, chunk_size=CHUNK, headers={"Content-Length": length})
    assert "content-length" in signed.signed_headers
    assert _put_requests(signed).status_code == 200
    assert _read_back(s3_server, path) == data


def test_multipart_upload_part_streams_chunked(s3_server: LocalS3Server, s3_bucket: str) -> None:
    """UploadPart (a URL with a query) streamed with aws-chunked, then completed."""
    import re

    import requests

    signer = _signer(s3_server)
    url = f"{s3_server.endpoint}/{s3_bucket}/multipart-object"
    created = signer.sign("POST", url + "?uploads")
    response = requests.post(created.url, headers=created.headers, timeout=60)
    assert response.status_code == 200, response.text
    match = re.search(r"<UploadId>([^<]+)</UploadId>", response.text)
    assert match is not None
    upload_id = match.group(1)
    data = _data(4 * CHUNK + 99)
    part = signer.sign_chunked("PUT", f"{url}?partNumber=1&uploadId={upload_id}", data, chunk_size=CHUNK)
    response = _put_requests(part)
    assert response.status_code == 200, response.text
    etag = response.headers["ETag"]
    body = f"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    done = signer.sign("POST", f"{url}?uploadId={upload_id}", body=body.encode())
    response = requests.post(done.url, data=body.encode(), headers=done.headers, timeout=60)
    assert response.status_code == 200, response.text
    assert _read_back(s3_server, f"/{s3_bucket}/multipart-object") == data


def _flip(body: bytes, index: int) -> bytes:
    return body[:index] + (b"0" if body[index : index + 1] != b"0" else b"1") + body[index + 1 :]


def test_corrupted_chunk_signature_is_rejected(s3_server: LocalS3Server, s3_bucket: str) -> None:
    data = _data(3 * CHUNK)
    path = f"/{s3_bucket}/bad-chunk-signature"
    signed = _signer(s3_server).sign_chunked("PUT", s3_server.endpoint + path, data, chunk_size=CHUNK)
    wire = b"".join(signed.body)  # type: ignore[arg-type]
    second = wire.index(b";chunk-signature=", 100) + len(b";chunk-signature=")
    response = _put_requests(signed, _flip(wire, second))
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert _read_back(s3_server, path) is None


def test_corrupted_chunk_data_is_rejected(s3_server: LocalS3Server, s3_bucket: str) -> None:
    data = _data(3 * CHUNK)
    path = f"/{s3_bucket}/bad-chunk-data"
    signed = _signer(s3_server).sign_chunked("PUT", s3_server.endpoint + path, data, chunk_size=CHUNK)
    wire = b"".join(signed.body)  # type: ignore[arg-type]
    response = _put_requests(signed, _flip(wire, 2 * CHUNK))
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert _read_back(s3_server, path) is None


def _declared_wrong(server: LocalS3Server, path: str, data: bytes, declared: int) -> tuple[dict[str, str], bytes]:
    """A request whose every signature is right but whose x-amz-decoded-content-length
    (signed, in the seed) is ``declared`` while its chunks carry ``data``."""
    signer = _signer(server)
    signed = signer.sign_chunked("PUT", server.endpoint + path, iter([data]), decoded_length=declared, chunk_size=CHUNK)
    key = sigv4.signing_key(server.secret_key, signed.amz_date[:8], server.region, "s3")
    chain = ChunkSigner(key, signed.amz_date, signed.credential_scope, signed.signature)
    wire = b""
    for i in range(0, len(data), CHUNK):
        piece = data[i : i + CHUNK]
        wire += f"{len(piece):x};chunk-signature={chain.sign_chunk(piece)}\r\n".encode() + piece + b"\r\n"
    wire += f"0;chunk-signature={chain.sign_chunk(b'')}\r\n\r\n".encode()
    headers = dict(signed.headers)
    headers["Content-Length"] = str(len(wire))
    assert headers["x-amz-decoded-content-length"] == str(declared)
    return headers, wire


def test_decoded_length_longer_than_the_chunks_is_rejected(s3_server: LocalS3Server, s3_bucket: str) -> None:
    import requests

    data = _data(2 * CHUNK + 5)
    path = f"/{s3_bucket}/declared-longer"
    headers, wire = _declared_wrong(s3_server, path, data, len(data) + 1)
    response = requests.put(s3_server.endpoint + path, data=wire, headers=headers, timeout=60)
    assert response.status_code >= 400  # JuiceFS 1.4.2: 500 InternalError "unexpected EOF"
    assert _read_back(s3_server, path) is None


def test_decoded_length_shorter_than_the_chunks_never_stores_the_extra(s3_server: LocalS3Server, s3_bucket: str) -> None:
    """JuiceFS 1.4.2 answers 200 here and stores only the declared prefix (it stops reading
    at x-amz-decoded-content-length); the undeclared bytes must never be stored."""
    import requests

    data = _data(2 * CHUNK + 5)
    path = f"/{s3_bucket}/declared-shorter"
    headers, wire = _declared_wrong(s3_server, path, data, len(data) - 1)
    response = requests.put(s3_server.endpoint + path, data=wire, headers=headers, timeout=60)
    stored = _read_back(s3_server, path)
    if response.status_code == 200:
        assert stored == data[:-1]
    else:
        assert stored is None


def test_trailer_modes_on_juicefs_are_refused_by_the_server(s3_server: LocalS3Server, s3_bucket: str) -> None:
    """Documents the server, not us: JuiceFS 1.4.2 refuses both trailer modes whatever is
    sent (the bodies are proven by the AWS vectors, botocore and SeaweedFS)."""
    for unsigned in (False, True):
        path = f"/{s3_bucket}/trailer-{unsigned}"
        signed = _signer(s3_server, unsigned_payload=unsigned).sign_chunked(
            "PUT", s3_server.endpoint + path, _data(100), trailer="crc32c"
        )
        response = _put_requests(signed)
        assert response.status_code == 400
        assert "<Code>XAmzContentSHA256Mismatch</Code>" in response.text


# ---------------------------------------------------------------- SeaweedFS: trailers


@pytest.mark.parametrize("unsigned", [False, True], ids=["signed-trailer", "unsigned-trailer"])
@pytest.mark.parametrize("algorithm", ["crc32", "crc32c", "sha1", "sha256"])
@pytest.mark.parametrize("size", [0, 1, 3 * CHUNK + 17])
def test_trailer_upload_on_seaweedfs(
    seaweed_server: LocalS3Server, seaweed_bucket: str, unsigned: bool, algorithm: str, size: int
) -> None:
    data = _data(size)
    path = f"/{seaweed_bucket}/trailer-{algorithm}-{size}-{unsigned}"
    signed = _signer(seaweed_server, unsigned_payload=unsigned).sign_chunked(
        "PUT", seaweed_server.endpoint + path, data, chunk_size=CHUNK, trailer=algorithm
    )
    response = _put_requests(signed)
    assert response.status_code == 200, response.text
    # SeaweedFS recomputes the checksum from the data it received and answers with it.
    assert response.headers[f"x-amz-checksum-{algorithm}"] == signed.body.checksum  # type: ignore[attr-defined]
    assert _read_back(seaweed_server, path) == data


@pytest.mark.parametrize("unsigned", [False, True], ids=["signed-trailer", "unsigned-trailer"])
def test_wrong_trailing_checksum_is_rejected_by_seaweedfs(
    seaweed_server: LocalS3Server, seaweed_bucket: str, unsigned: bool
) -> None:
    path = f"/{seaweed_bucket}/bad-checksum-{unsigned}"
    signed = _signer(seaweed_server, unsigned_payload=unsigned).sign_chunked(
        "PUT", seaweed_server.endpoint + path, _data(2 * CHUNK), chunk_size=CHUNK, trailer="crc32c"
    )
    wire = b"".join(signed.body)  # type: ignore[arg-type]
    value = wire.rindex(b"x-amz-checksum-crc32c:") + len(b"x-amz-checksum-crc32c:")
    response = _put_requests(signed, _flip(wire, value))
    assert response.status_code == 400
    assert "<Code>InvalidDigest</Code>" in response.text
    assert _read_back(seaweed_server, path) is None


def test_corrupted_final_chunk_signature_is_rejected_by_seaweedfs(seaweed_server: LocalS3Server, seaweed_bucket: str) -> None:
    """JuiceFS does not check the final (empty) chunk's signature; SeaweedFS does (it answers
    500 rather than 403 for a bad chunk signature)."""
    path = f"/{seaweed_bucket}/bad-final"
    signed = _signer(seaweed_server).sign_chunked("PUT", seaweed_server.endpoint + path, _data(CHUNK + 1), chunk_size=CHUNK)
    wire = b"".join(signed.body)  # type: ignore[arg-type]
    response = _put_requests(signed, _flip(wire, wire.rindex(b"0;chunk-signature=") + len(b"0;chunk-signature=")))
    assert response.status_code >= 400
    assert _read_back(seaweed_server, path) is None


# ---------------------------------------------------------------- 64 MiB, flat memory

_UPLOAD_SCRIPT = r"""
import json, resource, sys
import requests
import sigv4

def peak_kib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

endpoint, path, access, secret, region, warm_path, warm_file, file = sys.argv[1:9]
signer = sigv4.Signer(sigv4.Credentials(access, secret), region, "s3")

def upload(url, name):
    with open(name, "rb") as f:
        signed = signer.sign_chunked("PUT", url, f)
        with requests.Session() as session:
            response = session.put(signed.url, data=signed.body, headers=signed.headers, timeout=300)
    return response.status_code, response.text

# Warm up: the same code path on a small file, so imports and buffers are in the baseline.
status, text = upload(endpoint + warm_path, warm_file)
assert status == 200, text
baseline = peak_kib()
status, text = upload(endpoint + path, file)
print(json.dumps({"status": status, "text": text[:500], "baseline_kib": baseline, "peak_kib": peak_kib()}))
"""


def test_64_mib_upload_in_flat_memory(s3_server: LocalS3Server, s3_bucket: str, tmp_path: Path) -> None:
    size = 64 * 1024 * 1024
    file = tmp_path / "big.bin"
    digest = hashlib.sha256()
    block = os.urandom(1 << 20)
    with open(file, "wb") as f:
        for i in range(64):
            piece = i.to_bytes(4, "big") + block[4:]
            digest.update(piece)
            f.write(piece)
    assert file.stat().st_size == size
    warm = tmp_path / "warm.bin"
    warm.write_bytes(os.urandom(200_000))
    path = f"/{s3_bucket}/big-64MiB"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _UPLOAD_SCRIPT,
            s3_server.endpoint,
            path,
            s3_server.access_key,
            s3_server.secret_key,
            s3_server.region,
            f"/{s3_bucket}/warm-up",
            str(warm),
            str(file),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 200, report["text"]
    growth_mib = (report["peak_kib"] - report["baseline_kib"]) / 1024
    print(f"\n64 MiB aws-chunked upload: peak RSS {report['peak_kib'] / 1024:.1f} MiB, {growth_mib:.1f} MiB above baseline")
    assert growth_mib < 32, f"peak RSS grew {growth_mib:.1f} MiB during a 64 MiB upload"
    stored = _read_back(s3_server, path)
    assert stored is not None and len(stored) == size
    assert hashlib.sha256(stored).hexdigest() == digest.hexdigest()
