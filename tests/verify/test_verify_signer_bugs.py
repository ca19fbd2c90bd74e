"""Inputs where ``verify(sign(x))`` failed when the verifier was written: the signer
sent a wire form from which a server could not rebuild ``SignedRequest.canonical_request``.
Both were fixed by the one pipeline (issue 12); they stay as regression tests."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import sigv4

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def _verify(signed: sigv4.SignedRequest, body: bytes = b"") -> sigv4.VerificationResult:
    verifier = sigv4.Verifier(lambda key: CREDS, clock=NOW.timestamp)
    return verifier.verify(signed.method, signed.url, signed.headers, body)


@pytest.mark.parametrize("path", ["/a b", "/caf\u00e9", "/x\u1234y"])
@pytest.mark.parametrize("presign", [False, True])
def test_generic_raw_path_characters(path: str, presign: bool) -> None:
    signer = sigv4.Signer(CREDS, "us-east-1", "execute-api")
    url = "https://example.amazonaws.com" + path
    signed = signer.presign("GET", url, 60, now=NOW) if presign else signer.sign("GET", url, now=NOW)
    assert _verify(signed).canonical_request == signed.canonical_request


@pytest.mark.parametrize("service", ["s3", "execute-api"])
def test_repeated_header_with_padding(service: str) -> None:
    signer = sigv4.Signer(CREDS, "us-east-1", service)
    signed = signer.sign("GET", "https://example.amazonaws.com/", headers=[("x-a", ""), ("x-a", " a")], now=NOW)
    assert _verify(signed).canonical_request == signed.canonical_request
