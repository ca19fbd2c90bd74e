"""One pipeline: every way to sign runs the public spec functions, and each fast path
inside it gives what the plain path gives.

* ``Signer.presign`` writes the X-Amz-* parameters already sorted and the host-only header
  block directly: equal to ``canonical_query_string`` / ``canonical_headers`` of them.
* ``Signer.amz_date`` formats a second once: equal to formatting it afresh.
* ``Signer.presign`` writes out its steps (the method check, the host line, an S3 path
  already canonical, ``_seal``'s three steps): equal to the plain helpers run one by one;
  ``is_canonical_path`` and ``split_url``'s plain-host check equal their definitions.
* ``DayKey`` hashes with the built-in SHA-256 first and OpenSSL's later: same digests.
* ``presign_keys`` (bulk) builds URLs from a template: equal to ``presign`` per key, and
  (independently) to botocore's S3SigV4QueryAuth.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from contextlib import ExitStack
from datetime import datetime, timezone
from unittest import mock
from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.core import canonical, signer, urls
from sigv4.core.inputs import check_method
from sigv4.core.keys import DayKey
from sigv4.core.urls import query_pairs
from tests import botocore_oracle as oracle

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN_CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok+en/=")
TOKEN_NAMES = ["X-Amz-Security-Token", "X-Amz-S3session-Token"]


@settings(max_examples=300)
@given(
    service=st.sampled_from(["s3", "service"]),
    creds=st.sampled_from([CREDS, TOKEN_CREDS]),
    omit=st.booleans(),
    expires=st.integers(1, 604800),
    token_name=st.sampled_from(TOKEN_NAMES),
)
def test_presign_fast_query_and_host_block_equal_the_plain_functions(
    service: str, creds: sigv4.Credentials, omit: bool, expires: int, token_name: str
) -> None:
    """Also with S3 Express's X-Amz-S3session-Token, which sorts where X-Amz-Security-Token does."""
    signed = sigv4.Signer(creds, "us-east-1", service, omit_session_token=omit, session_token_name=token_name).presign(
        "GET", "https://example.amazonaws.com/k", expires, now=NOW
    )
    query = signed.url.partition("?")[2]
    pairs = [(k, v) for k, v in query_pairs(query) if k != "X-Amz-Signature" and not (omit and k == token_name)]
    if creds.token:
        assert [k for k, _ in query_pairs(query) if k.endswith("-Token")] == [token_name]
    lines = signed.canonical_request.split("\n")
    assert lines[2] == canonical.canonical_query_string(pairs)
    assert lines[3] + "\n" == canonical.canonical_headers({"host": "example.amazonaws.com"}, ["host"])


@settings(max_examples=150)
@given(
    service=st.sampled_from(["s3", "service"]),
    creds=st.sampled_from([CREDS, TOKEN_CREDS]),
    omit=st.booleans(),
    expires=st.integers(1, 604800),
    region_set=st.sampled_from(["*", "us-east-1", "us-east-1,us-west-2,eu-west-1"]),
    token_name=st.sampled_from(TOKEN_NAMES),
)
def test_sigv4a_presign_fast_query_equals_the_plain_function(
    service: str, creds: sigv4.Credentials, omit: bool, expires: int, region_set: str, token_name: str
) -> None:
    """SigV4a's X-Amz-Region-Set is written in its sorted place (after Expires, before
    Security-Token / S3session-Token and SignedHeaders)."""
    signed = sigv4.Signer(
        creds, region_set, service, algorithm="AWS4-ECDSA-P256-SHA256", omit_session_token=omit, session_token_name=token_name
    ).presign("GET", "https://example.amazonaws.com/k", expires, now=NOW)
    query = signed.url.partition("?")[2]
    pairs = [(k, v) for k, v in query_pairs(query) if k != "X-Amz-Signature" and not (omit and k == token_name)]
    assert any(k == "X-Amz-Region-Set" for k, _ in pairs)
    lines = signed.canonical_request.split("\n")
    assert lines[2] == canonical.canonical_query_string(pairs)
    assert lines[3] + "\n" == canonical.canonical_headers({"host": "example.amazonaws.com"}, ["host"])


def test_amz_date_cache_equals_formatting_afresh() -> None:
    ticks = iter([1764504000.2, 1764504000.9, 1764504001.0, 1764504000.5])
    s = sigv4.Signer(CREDS, "us-east-1", "s3", clock=lambda: next(ticks))
    got = [s.amz_date() for _ in range(4)]
    assert got == [
        datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for t in (1764504000, 1764504000, 1764504001, 1764504000)
    ]


def test_builtin_and_openssl_day_keys_give_the_same_signatures() -> None:
    builtin = DayKey(CREDS, "20261130", "us-east-1", "s3", openssl=False)
    openssl = DayKey(CREDS, "20261130", "us-east-1", "s3", openssl=True)
    for message in ("", "x", "AWS4-HMAC-SHA256\n20261130T120000Z\nscope\n" + "a" * 64, "é" * 300):
        assert builtin.sign(message) == openssl.sign(message)
        # and both equal the stdlib's HMAC under the spec's derived key
        key = ("AWS4" + CREDS.secret_key).encode()
        for part in ("20261130", "us-east-1", "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        assert builtin.sign(message) == hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_every_way_to_sign_runs_the_public_spec_functions() -> None:
    """sign, presign, sign_chunked (seed + chunks), generate_presigned_post and bulk all go
    through canonical_request/string_to_sign (or the chunk string to sign) and DayKey.sign."""
    s = sigv4.Signer(CREDS, "us-east-1", "s3")
    calls: list[str] = []

    def spy(name: str, real: object) -> object:
        def wrapped(*args: object, **kwargs: object) -> object:
            calls.append(name)
            return real(*args, **kwargs)  # type: ignore[operator]

        return wrapped

    with ExitStack() as patches:  # (one `with` per patch: parenthesised `with` needs Python 3.10)
        patches.enter_context(
            mock.patch.object(signer, "canonical_request", spy("canonical_request", canonical.canonical_request))
        )
        patches.enter_context(mock.patch.object(signer, "string_to_sign", spy("string_to_sign", canonical.string_to_sign)))
        patches.enter_context(mock.patch.object(DayKey, "sign", spy("DayKey.sign", DayKey.sign)))
        for run in (
            lambda: s.sign("GET", "https://b.s3.amazonaws.com/k", now=NOW),
            lambda: s.presign("GET", "https://b.s3.amazonaws.com/k", 60, now=NOW),
            lambda: list(s.sign_chunked("PUT", "https://b.s3.amazonaws.com/k", b"x" * 10, now=NOW).body),  # type: ignore[call-overload]
            lambda: sigv4.presign_keys(s, "https://b.s3.amazonaws.com", ["a"], 60, now=NOW),
        ):
            calls.clear()
            run()
            assert {"canonical_request", "string_to_sign", "DayKey.sign"} <= set(calls), calls
        from sigv4.s3.post import generate_presigned_post

        calls.clear()
        generate_presigned_post(s, "https://b.s3.amazonaws.com/", "b", "k", now=NOW)
        assert calls == ["DayKey.sign"]


@settings(max_examples=40)
@given(keys=st.lists(st.text(st.sampled_from([*"ab09-_.~ +=&?/%", "é", "ሴ"]), min_size=1, max_size=12), min_size=2, max_size=12))
def test_bulk_template_equals_presign_and_botocore(keys: list[str]) -> None:
    s = sigv4.Signer(CREDS, "us-east-1", "s3")
    base = "https://bucket.s3.us-east-1.amazonaws.com"
    urls = sigv4.presign_keys(s, base, keys, 600, now=NOW)
    for key, url in zip(keys, urls):
        plain = s.presign("GET", f"{base}/{sigv4.core.urls.quote_path(key)}", 600, now=NOW).url
        assert url == plain
        path = url.partition("?")[0][len(base) :]
        assert unquote(path) == "/" + key
    theirs = oracle.query_sign(
        s3=True,
        method="GET",
        url=urls[0].partition("?")[0],
        headers=[],
        access_key=CREDS.access_key,
        secret_key=CREDS.secret_key,
        token=None,
        region="us-east-1",
        service="s3",
        expires=600,
        now=NOW,
    )
    assert oracle.as_sigv4_sends(theirs, s3=True) == urls[0]


_PATH_CHARS = st.sampled_from([*"aZ09-_.~/%+ ", "%2F", "%2f", "%41", "%7E", "%20", "%C3%BC", "%E", "é", "ü"])


@settings(max_examples=400)
@given(path=st.lists(_PATH_CHARS, max_size=12).map("".join))
def test_is_canonical_path_equals_its_definition(path: str) -> None:
    """The bytes.translate check (and the quick exit when there is no %) = decode, encode, compare."""
    assert urls.is_canonical_path(path) == (urls.quote_path(urllib.parse.unquote_to_bytes(path)) == path)


@settings(max_examples=300)
@given(host=st.text(st.sampled_from([*"abzAZ09-._:@[]", "é", "\x00"]), max_size=16))
def test_a_plain_host_skips_only_checks_it_would_pass(host: str) -> None:
    """split_url's fast path for a lower-case DNS name = what _check_netloc answers for it."""
    try:
        expected: object = urls._check_netloc(host)
    except sigv4.InvalidURLError:
        expected = sigv4.InvalidURLError
    try:
        got: object = urls.split_url(f"https://{host}/k")[1]
    except sigv4.InvalidURLError:
        got = sigv4.InvalidURLError
    assert got == expected


@settings(max_examples=300)
@given(
    service=st.sampled_from(["s3", "service"]),
    normalize=st.sampled_from([None, True, False]),
    method=st.sampled_from(["GET", "PUT", "get", "Patch", "PROPFIND"]),
    netloc=st.sampled_from(["b.s3.amazonaws.com", "B.S3.Amazonaws.com", "127.0.0.1:9000", "u@h.example:443", "[::1]:8080"]),
    path=st.lists(_PATH_CHARS, max_size=8).map(lambda parts: "/" + "".join(parts)),
    creds=st.sampled_from([CREDS, TOKEN_CREDS]),
)
def test_presign_written_out_equals_the_plain_steps(
    service: str, normalize: bool | None, method: str, netloc: str, path: str, creds: sigv4.Credentials
) -> None:
    """presign's inline steps (method check, the date of the same datetime, the host line, an
    S3 path already canonical, _seal's three steps) = the plain helpers run one by one; and
    sign()'s."""
    s = sigv4.Signer(creds, "us-east-1", service, normalize_path=normalize)
    url = f"https://{netloc}{path}"
    try:
        signed = s.presign(method, url, 900, now=NOW)
    except sigv4.SigningError:
        return  # (refused paths are test_wire.py's)
    scheme, checked_netloc, raw_path, _ = urls.split_url(url)
    curi, wire = s._paths(raw_path)
    header_block = canonical.canonical_headers({"host": urls.host_header(scheme, checked_netloc)}, ["host"])
    date_time = s.amz_date(NOW)
    cquery = signed.canonical_request.split("\n")[2]  # (its fast path is the first test's)
    plain = signer.Signer._seal(
        s.day_key(creds, date_time[:8]),
        date_time,
        check_method(method),
        curi,
        cquery,
        header_block,
        "host",
        s._payload(b"", None, {}, presign=True),
    )
    assert (signed.canonical_request, signed.string_to_sign, signed.signature) == plain
    assert signed.url.startswith(f"{scheme}://{checked_netloc}{wire}?")
    # sign() takes the same two fast paths (the date of the same datetime, the S3 path).
    header_signed = s.sign(method, url, now=NOW)
    assert header_signed.canonical_request.split("\n")[1] == curi
    assert header_signed.headers["X-Amz-Date"] == date_time
    assert header_signed.url == f"{scheme}://{checked_netloc}{wire}"
