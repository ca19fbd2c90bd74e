"""Inputs where ``verify(sign(x))`` fails: the signer sends a wire form from which a
server cannot rebuild ``SignedRequest.canonical_request``.  Each is a signer bug
(recorded strict, so the fix shows up as an XPASS)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import sigv4

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def _verify(signed: sigv4.SignedRequest, body: bytes = b"") -> sigv4.VerificationResult:
    verifier = sigv4.Verifier(lambda key: CREDS, clock=NOW.timestamp)
    return verifier.verify(signed.method, signed.url, signed.headers, body)


@pytest.mark.xfail(
    strict=True,
    raises=sigv4.VerificationError,
    reason="signer bug: generic service, a raw character in the URL path ('/a b', non-ASCII): it signs the canonical "
    "URI '/a%20b' and sends the path '/a%20b', which a server (generic rules) encodes again to '/a%2520b'",
)
@pytest.mark.parametrize("path", ["/a b", "/caf\u00e9", "/x\u1234y"])
@pytest.mark.parametrize("presign", [False, True])
def test_generic_raw_path_characters(path: str, presign: bool) -> None:
    signer = sigv4.Signer(CREDS, "us-east-1", "execute-api")
    url = "https://example.amazonaws.com" + path
    signed = signer.presign("GET", url, 60, now=NOW) if presign else signer.sign("GET", url, now=NOW)
    assert _verify(signed).canonical_request == signed.canonical_request


@pytest.mark.xfail(
    strict=True,
    raises=sigv4.VerificationError,
    reason="signer bug: a header repeated with padded values ([('x-a', ''), ('x-a', ' a')]) is signed as 'x-a:,a' "
    "but sent as one line 'x-a: , a', which a server canonicalises to ', a'",
)
@pytest.mark.parametrize("service", ["s3", "execute-api"])
def test_repeated_header_with_padding(service: str) -> None:
    signer = sigv4.Signer(CREDS, "us-east-1", service)
    signed = signer.sign("GET", "https://example.amazonaws.com/", headers=[("x-a", ""), ("x-a", " a")], now=NOW)
    assert _verify(signed).canonical_request == signed.canonical_request
