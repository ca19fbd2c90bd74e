"""CRC-64/NVME trailers (``x-amz-checksum-crc64nvme``): the catalogue check value,
and an unsigned-trailer upload (as the AWS SDKs send it) accepted with the right
checksum and refused (BadDigest) with a wrong one."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

import sigv4
from sigv4.verify.crc64 import Crc64Nvme, crc64nvme

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def test_check_value() -> None:
    # CRC RevEng catalogue, CRC-64/NVME: check=0xae8b14860a799888 (also the NVMe spec's).
    assert crc64nvme(b"123456789") == 0xAE8B14860A799888
    assert crc64nvme(b"") == 0
    running = Crc64Nvme()
    for piece in (b"1234", b"", b"56789"):
        running.update(piece)
    assert running.digest() == (0xAE8B14860A799888).to_bytes(8, "big")


def _upload(data: bytes, checksum: str) -> tuple[sigv4.SignedRequest, bytes]:
    mode = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    headers = [
        ("Content-Encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", str(len(data))),
        ("x-amz-trailer", "x-amz-checksum-crc64nvme"),
    ]
    signer = sigv4.Signer(CREDS, "us-east-1", "s3")
    seed = signer.sign("PUT", "https://b.s3.amazonaws.com/k", headers=headers, now=NOW, payload_hash=mode)
    chunk = f"{len(data):x}\r\n".encode() + data + b"\r\n" if data else b""
    wire = chunk + b"0\r\n" + f"x-amz-checksum-crc64nvme:{checksum}\r\n\r\n".encode()
    return seed, wire


@pytest.mark.parametrize("data", [b"", b"123456789", bytes(range(256)) * 100])
def test_unsigned_trailer_with_crc64nvme(data: bytes) -> None:
    good = base64.b64encode(crc64nvme(data).to_bytes(8, "big")).decode()
    verifier = sigv4.Verifier(lambda key: CREDS, clock=NOW.timestamp)
    seed, wire = _upload(data, good)
    assert b"".join(verifier.verify_chunked("PUT", seed.url, seed.headers, [wire])) == data
    bad = base64.b64encode((crc64nvme(data) ^ 1).to_bytes(8, "big")).decode()
    seed, wire = _upload(data, bad)
    with pytest.raises(sigv4.VerificationError) as err:
        b"".join(verifier.verify_chunked("PUT", seed.url, seed.headers, [wire]))
    assert err.value.code == "BadDigest"
