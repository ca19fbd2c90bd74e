"""Regressions from the fuzz run (tests/fuzz) in the requests/httpx adapters."""

from __future__ import annotations

import pytest

import sigv4
from sigv4.core.errors import CredentialsError, InvalidScopeError, SigningError

CREDS = sigv4.Credentials("AKIDEXAMPLE", "SECRETMARKER/0123456789abcdef")


@pytest.mark.parametrize("module", ["requests", "httpx"])
def test_region_that_is_not_a_str(module: str) -> None:
    auth_class = __import__(f"sigv4.{module}", fromlist=["SigV4Auth"]).SigV4Auth
    for region in (["us-east-1"], {"r": 1}):  # was: TypeError (unhashable) from the signer cache
        with pytest.raises(InvalidScopeError):
            auth_class(CREDS, region, "s3")


def test_clock_returning_text() -> None:
    import requests

    from sigv4.requests import SigV4Auth

    auth = SigV4Auth(CREDS, "us-east-1", "s3", clock=lambda: "1700000000")
    prepared = requests.Request("GET", "https://b.s3.amazonaws.com/k").prepare()
    with pytest.raises(SigningError) as info:  # was: TypeError (str + float)
        auth(prepared)
    assert info.value.field == "clock"


def test_httpx_non_ascii_token_is_refused_without_the_token() -> None:
    import httpx

    from sigv4.httpx import SigV4Auth

    token = "ü" + "TOKENMARKERfedcba9876543210"
    with pytest.raises(CredentialsError) as info:  # was: UnicodeEncodeError holding the token
        creds = sigv4.Credentials("AKIDEXAMPLE", "s", token)
        next(SigV4Auth(creds, "us-east-1", "s3").sync_auth_flow(httpx.Request("GET", "https://b.s3.amazonaws.com/k")))
    assert "TOKENMARKER" not in repr(info.value) and info.value.__context__ is None
