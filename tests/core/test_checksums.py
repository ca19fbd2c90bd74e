"""CRC32C and the base64 checksum values S3 expects.

Oracles: RFC 3720 B.4 check values, the catalogue check value for b"123456789",
google-crc32c (a C implementation, test-only), zlib/hashlib for the others, and the CRC32C
published in the AWS trailer example (vectors/s3-examples.json).
"""

from __future__ import annotations

import hashlib
import zlib
from base64 import b64encode

import google_crc32c
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4.core.checksums import ALGORITHMS, Crc32, Crc32c, checksum_b64, checksum_header, crc32c, new_checksum
from sigv4.core.errors import PayloadError
from tests.vectorlib import load_s3_examples

# RFC 3720 (iSCSI), appendix B.4; the CRC catalogue's check value for CRC-32C.
PUBLISHED = [
    (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
    (b"123456789", 0xE3069283),
]


@pytest.mark.parametrize(("data", "expected"), PUBLISHED)
def test_published_check_values(data: bytes, expected: int) -> None:
    assert crc32c(data) == expected
    assert google_crc32c.value(data) == expected  # the oracle agrees with the RFC too


def test_published_aws_trailer_checksum() -> None:
    example = next(e for e in load_s3_examples() if e["id"] == "chunked-put-object-trailer")
    body = example["body"]["repeat"].encode() * example["body"]["length"]
    name, value = example["trailer"]["headers"][0]
    assert name == checksum_header("crc32c")
    assert checksum_b64("crc32c", body) == value


# Sizes around the gears: the byte loop below 512 bytes, folding above, and powers of two.
EDGE_SIZES = [0, 1, 3, 4, 7, 8, 9, 255, 511, 512, 513, 1023, 1024, 1025, 4095, 4096, 65535, 65536, 65537, 100_003, 1 << 20]


@pytest.mark.parametrize("size", EDGE_SIZES)
def test_matches_google_crc32c_at_edge_sizes(size: int) -> None:
    data = hashlib.shake_256(str(size).encode()).digest(size) if size else b""
    assert crc32c(data) == google_crc32c.value(data)
    assert crc32c(bytearray(data)) == crc32c(memoryview(data)) == crc32c(data)


@settings(max_examples=300)
@given(data=st.binary(max_size=5000), cut=st.integers(0, 5000), start=st.integers(0, 0xFFFFFFFF))
def test_matches_google_crc32c_and_composes(data: bytes, cut: int, start: int) -> None:
    assert crc32c(data) == google_crc32c.value(data)
    cut = min(cut, len(data))
    # Running value, like zlib.crc32: crc(b, crc(a)) == crc(a + b), from any start value.
    assert crc32c(data[cut:], crc32c(data[:cut])) == crc32c(data)
    assert crc32c(data, start) == google_crc32c.extend(start, data)


@settings(max_examples=30)
@given(size=st.integers(512, 300_000), seed=st.binary(min_size=1, max_size=8))
def test_large_random_inputs(size: int, seed: bytes) -> None:
    data = hashlib.shake_256(seed).digest(size)
    assert crc32c(data) == google_crc32c.value(data)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_b64_values_and_running_checksums(algorithm: str) -> None:
    data = b"The quick brown fox jumps over the lazy dog" * 1000
    expected_digest = {
        "crc32": zlib.crc32(data).to_bytes(4, "big"),
        "crc32c": google_crc32c.value(data).to_bytes(4, "big"),
        "sha1": hashlib.sha1(data).digest(),
        "sha256": hashlib.sha256(data).digest(),
    }[algorithm]
    assert checksum_b64(algorithm, data) == b64encode(expected_digest).decode()
    assert checksum_b64(algorithm.upper(), data) == b64encode(expected_digest).decode()
    running = new_checksum(algorithm)
    for i in range(0, len(data), 999):
        running.update(data[i : i + 999])
    assert running.digest() == expected_digest
    assert checksum_header(algorithm) == f"x-amz-checksum-{algorithm}"


def test_empty_values() -> None:
    assert checksum_b64("crc32", b"") == checksum_b64("crc32c", b"") == "AAAAAA=="
    assert Crc32().digest() == Crc32c().digest() == bytes(4)


@pytest.mark.parametrize("name", ["md5", "crc64nvme", "", None, 32])
def test_unknown_algorithm_is_a_payload_error(name: object) -> None:
    with pytest.raises(PayloadError) as e:
        new_checksum(name)  # type: ignore[arg-type]
    assert e.value.field == "trailer"
