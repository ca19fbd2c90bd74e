"""Constant memory: a 1 GiB signed aws-chunked upload, generated on the fly by a
generator, is verified with tracemalloc's peak staying under 2 MiB (signer and
verifier together; the data is never held whole)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

import sigv4

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
GIB = 1 << 30
CHUNK = 1 << 16


def _source(total: int) -> Iterator[bytes]:
    block = bytes(range(256)) * (CHUNK // 256)
    for _ in range(total // CHUNK):
        yield block


def _rechunk(pieces: Iterator[bytes], size: int) -> Iterator[bytes]:
    """The wire cut into pieces of another size, as a socket delivers it."""
    buf = b""
    for piece in pieces:
        buf += piece
        while len(buf) >= size:
            yield buf[:size]
            buf = buf[size:]
    if buf:
        yield buf


@pytest.mark.parametrize(("unsigned", "trailer", "total"), [(False, None, GIB), (True, "crc32", GIB // 4)])
def test_one_gib_in_constant_memory(unsigned: bool, trailer: str | None, total: int) -> None:
    signer = sigv4.Signer(CREDS, "us-east-1", "s3", unsigned_payload=unsigned)
    signed = signer.sign_chunked(
        "PUT", "https://b.s3.amazonaws.com/big", _source(total), decoded_length=total, chunk_size=CHUNK, trailer=trailer, now=NOW
    )
    verifier = sigv4.Verifier(lambda key: CREDS, clock=NOW.timestamp)
    tracemalloc.start()
    try:
        stream = verifier.verify_chunked("PUT", signed.url, signed.headers, _rechunk(iter(signed.body), 50_000))  # type: ignore[call-overload]
        seen = 0
        for part in stream:
            seen += len(part)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == total
    assert peak < 2 << 20, f"peak {peak / 2**20:.2f} MiB"
