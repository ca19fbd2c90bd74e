"""aws-chunked bodies in the HTTP clients: sent with a Content-Length, never chunked."""

from __future__ import annotations

from datetime import datetime, timezone

import sigv4

NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
URL = "https://examplebucket.s3.amazonaws.com/some/key.bin"


def _signer() -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "eu-west-1", "s3")


def test_requests_sends_content_length_not_chunked() -> None:
    import requests

    signed = _signer().sign_chunked("PUT", URL, b"r" * 30000, now=NOW)
    prepared = requests.Request("PUT", signed.url, headers=signed.headers, data=signed.body).prepare()
    assert prepared.headers["Content-Length"] == signed.headers["Content-Length"]
    assert "Transfer-Encoding" not in prepared.headers


def test_httpx_sends_content_length_not_chunked() -> None:
    import httpx

    signed = _signer().sign_chunked("PUT", URL, b"r" * 30000, now=NOW)
    request = httpx.Request("PUT", signed.url, headers=signed.headers, content=signed.body)  # type: ignore[arg-type]
    assert request.headers["Content-Length"] == signed.headers["Content-Length"]
    assert "Transfer-Encoding" not in request.headers
