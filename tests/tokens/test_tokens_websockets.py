"""Neptune, IoT Core and Transcribe streaming against botocore's auth classes on
the same request at the same time, each with its quirk:

* Neptune: ``SigV4Auth`` over the https form of the URL, port in the Host;
* IoT: ``SigV4QueryAuth`` *without* the session token, which is appended unsigned;
* Transcribe: ``SigV4QueryAuth`` with the token signed, ``:8443`` in the host.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.tokens import iot_websocket_url, neptune_headers, neptune_presigned_url, transcribe_websocket_url
from tests.strategies import access_keys, secret_keys, times, tokens
from tests.tokens.recipe_oracles import boto_creds, boto_presign, boto_sign, dns_names, query_set, region_names, signature

EXAMPLES = 300
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
ports = st.one_of(st.just(8182), st.integers(1, 65535))
query_values = st.text(st.characters(blacklist_categories=["Cs"]), max_size=20)

# -- Neptune ------------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES)
@given(
    host=dns_names,
    port=ports,
    region=region_names,
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
    kind=st.sampled_from(["gremlin-wss", "gremlin-ws", "opencypher-get", "opencypher-post", "status"]),
    query=query_values,
)
def test_neptune_headers_match_botocore(
    host: str,
    port: int,
    region: str,
    access_key: str,
    secret_key: str,
    token: Optional[str],
    now: datetime,
    kind: str,
    query: str,
) -> None:
    creds = Credentials(access_key, secret_key, token)
    method, headers, body = "GET", {}, b""
    if kind == "gremlin-wss":
        url, https = f"wss://{host}:{port}/gremlin", f"https://{host}:{port}/gremlin"
    elif kind == "gremlin-ws":
        url, https = f"ws://{host}:{port}/gremlin", f"http://{host}:{port}/gremlin"
    elif kind == "opencypher-get":
        url = https = f"https://{host}:{port}/openCypher?query={quote(query, safe='-_.~')}"
    elif kind == "opencypher-post":
        url = https = f"https://{host}:{port}/openCypher"
        method, body = "POST", ("query=" + quote(query, safe="-_.~")).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        url = https = f"https://{host}:{port}/status"
    ours = neptune_headers(url, region, method=method, headers=headers, body=body, credentials=creds, now=now)
    expected_host = f"{host}:{port}" if (port, https[:5]) not in ((443, "https"), (80, "http:")) else host
    assert ours["Host"] == expected_host
    theirs = boto_sign(method, https, "neptune-db", region, boto_creds(access_key, secret_key, token), now, headers, body)
    assert ours["Authorization"] == theirs["Authorization"]
    assert ours["X-Amz-Date"] == theirs["X-Amz-Date"]
    assert ours.get("X-Amz-Security-Token") == theirs.get("X-Amz-Security-Token")
    assert "host" in ours["Authorization"].partition("SignedHeaders=")[2].split(",")[0].split(";")


@settings(max_examples=EXAMPLES // 3)
@given(host=dns_names, region=region_names, token=tokens, now=times, expires=st.integers(1, 3600))
def test_neptune_presigned_url_matches_botocore(
    host: str, region: str, token: Optional[str], now: datetime, expires: int
) -> None:
    ours = neptune_presigned_url(
        f"wss://{host}:8182/gremlin", region, expires_in=expires, credentials=Credentials("AK", "SK", token), now=now
    )
    assert ours.startswith(f"wss://{host}:8182/gremlin?")
    theirs = boto_presign(f"https://{host}:8182/gremlin", "neptune-db", region, expires, boto_creds("AK", "SK", token), now)
    assert query_set(ours) == query_set(theirs) and signature(ours) == signature(theirs)


# -- IoT ----------------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES)
@given(
    endpoint=dns_names,
    region=region_names,
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
    expires=st.integers(1, 604800),
)
def test_iot_url_matches_botocore_with_the_token_unsigned(
    endpoint: str, region: str, access_key: str, secret_key: str, token: Optional[str], now: datetime, expires: int
) -> None:
    ours = iot_websocket_url(
        endpoint, region, credentials=Credentials(access_key, secret_key, token), expires_in=expires, now=now
    )
    assert ours.startswith(f"wss://{endpoint}/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&")
    signed_part = ours
    if token is not None:
        signed_part, sep, tail = ours.rpartition("&X-Amz-Security-Token=")
        assert sep and tail == quote(token, safe="-_.~")  # last, after the signature
        assert signed_part.rpartition("&")[2].startswith("X-Amz-Signature=")
    # botocore signs without the token: the same signature.
    theirs = boto_presign(
        f"https://{endpoint}/mqtt", "iotdevicegateway", region, expires, boto_creds(access_key, secret_key, None), now
    )
    assert query_set(signed_part) == query_set(theirs)
    assert signature(signed_part) == signature(theirs)


def test_iot_fixed_example() -> None:
    url = iot_websocket_url(
        "abc-ats.iot.us-east-1.amazonaws.com", "us-east-1", credentials=Credentials("AKID", "SK", "T/+="), now=FIXED
    )
    assert "X-Amz-SignedHeaders=host&X-Amz-Signature=" in url
    assert url.endswith("&X-Amz-Security-Token=T%2F%2B%3D")
    assert url.count("X-Amz-Security-Token") == 1
    with_port = iot_websocket_url(
        "abc-ats.iot.us-east-1.amazonaws.com:443", "us-east-1", credentials=Credentials("AKID", "SK", "T/+="), now=FIXED
    )
    assert with_port == url  # the Host a WebSocket client sends for port 443 has no port


# -- Transcribe ---------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES)
@given(
    region=region_names,
    access_key=access_keys,
    secret_key=secret_keys,
    token=tokens,
    now=times,
    expires=st.integers(1, 300),
    language=st.sampled_from(["en-US", "de-DE", "ja-JP"]),
    encoding=st.sampled_from(["pcm", "ogg-opus", "flac"]),
    rate=st.sampled_from([8000, 16000, 44100, 48000]),
    extra=st.dictionaries(
        st.sampled_from(["vocabulary-name", "session-id", "show-speaker-label", "partial-results-stability"]),
        st.one_of(query_values.filter(bool), st.booleans()),
        max_size=3,
    ),
    medical=st.booleans(),
)
def test_transcribe_url_matches_botocore(
    region: str,
    access_key: str,
    secret_key: str,
    token: Optional[str],
    now: datetime,
    expires: int,
    language: str,
    encoding: str,
    rate: int,
    extra: dict[str, object],
    medical: bool,
) -> None:
    ours = transcribe_websocket_url(
        region,
        language_code=language,
        media_encoding=encoding,
        sample_rate=rate,
        params=extra,
        medical=medical,
        credentials=Credentials(access_key, secret_key, token),
        expires_in=expires,
        now=now,
    )
    path = "/medical-stream-transcription-websocket" if medical else "/stream-transcription-websocket"
    base = f"transcribestreaming.{region}.amazonaws.com:8443{path}"
    assert ours.startswith(f"wss://{base}?language-code={language}&media-encoding={encoding}&sample-rate={rate}")
    pairs = [("language-code", language), ("media-encoding", encoding), ("sample-rate", str(rate))]
    pairs += [(k, ("true" if v else "false") if isinstance(v, bool) else str(v)) for k, v in extra.items()]
    query = "&".join(f"{k}={quote(v, safe='-_.~')}" for k, v in pairs)
    theirs = boto_presign(
        f"https://{base}?{query}", "transcribe", region, expires, boto_creds(access_key, secret_key, token), now
    )
    assert query_set(ours) == query_set(theirs)
    assert signature(ours) == signature(theirs)
    assert ("X-Amz-Security-Token=" in ours) == (token is not None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"expires_in": 301},
        {"expires_in": 0},
        {"language_code": None},
        {"sample_rate": 0},
        {"params": {"X-Amz-Date": "1"}},
        {"params": {"a": 1.5}},
        {"media_encoding": "\ud800"},
        {"region": "bad region"},
    ],
)
def test_transcribe_bad_input(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"region": "us-east-1", "language_code": "en-US", "credentials": Credentials("AK", "SK"), **kwargs}
    region = args.pop("region")
    with pytest.raises(SigningError) as info:
        transcribe_websocket_url(region, **args)  # type: ignore[arg-type]
    assert info.value.__context__ is None


@pytest.mark.parametrize(
    ("call", "arg"),
    [(neptune_headers, "ftp://h/gremlin"), (neptune_headers, 5), (iot_websocket_url, "a/b"), (iot_websocket_url, "")],
)
def test_bad_urls_and_hosts(call: object, arg: object) -> None:
    with pytest.raises(SigningError):
        call(arg, "us-east-1", credentials=Credentials("AK", "SK"))  # type: ignore[operator]
