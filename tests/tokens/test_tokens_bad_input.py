"""Whatever the argument (any type, any characters, lone surrogates included), a
recipe either returns or raises a sigv4.SigningError with no chained exception,
and never shows the secret key."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.tokens import (
    elasticache_auth_token,
    iot_websocket_url,
    memorydb_auth_token,
    msk_auth_token,
    neptune_headers,
    neptune_presigned_url,
    transcribe_websocket_url,
    vault_login_payload,
)

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CREDS = Credentials("AKIDEXAMPLE", SECRET, "token")
anything = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(["\ud800", "\udfff", "a", "/", ":", "%", " ", "\n", "\x00", "é", "[", "]", "?", "#"])),
    st.none(),
    st.integers(),
    st.booleans(),
    st.binary(max_size=8),
    st.just(object()),
)
CALLS: dict[str, Callable[[Any, Any], object]] = {
    "msk": lambda a, b: msk_auth_token(a, credentials=CREDS),
    "elasticache": lambda a, b: elasticache_auth_token(a, b, "us-east-1", credentials=CREDS),
    "memorydb": lambda a, b: memorydb_auth_token("c", a, b, credentials=CREDS),
    "vault": lambda a, b: vault_login_payload(a, server_id=b, credentials=CREDS),
    "vault-endpoint": lambda a, b: vault_login_payload("r", region=a, sts_endpoint=b, credentials=CREDS),
    "neptune": lambda a, b: neptune_headers(a, b, credentials=CREDS),
    "neptune-body": lambda a, b: neptune_headers("https://h:8182/openCypher", "us-east-1", method=a, body=b, credentials=CREDS),
    "neptune-url": lambda a, b: neptune_presigned_url(a, "us-east-1", expires_in=b, credentials=CREDS),
    "iot": lambda a, b: iot_websocket_url(a, b, credentials=CREDS),
    "iot-path": lambda a, b: iot_websocket_url("h", "us-east-1", path=a, expires_in=b, credentials=CREDS),
    "neptune-path": lambda a, b: neptune_headers(f"wss://h:8182/{a}", "us-east-1", headers={"x-a": str(b)}, credentials=CREDS),
    "iot-slash-path": lambda a, b: iot_websocket_url("h.example", "us-east-1", path=f"/{a}", credentials=CREDS),
    "transcribe": lambda a, b: transcribe_websocket_url("us-east-1", language_code=a, media_encoding=b, credentials=CREDS),
    "transcribe-params": lambda a, b: transcribe_websocket_url(
        "us-east-1", language_code="en-US", params={"x": a, str(b): "1"}, credentials=CREDS
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=150)
@given(a=anything, b=anything)
def test_only_signing_errors(name: str, a: Any, b: Any) -> None:
    try:
        out = CALLS[name](a, b)
    except SigningError as exc:
        assert exc.__cause__ is None and exc.__context__ is None, repr(exc.__context__)
        assert SECRET not in str(exc) and SECRET not in repr(exc)
    else:
        assert SECRET not in str(out)
