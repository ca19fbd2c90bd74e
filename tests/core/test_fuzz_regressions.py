"""Regressions from the fuzz run (tests/fuzz): each input below once escaped as a bare
TypeError/AttributeError/UnicodeError/OverflowError, leaked the secret or the token in an
exception, or raised a SigningError chained to another exception.  Now each is a SigningError
naming the argument, with nothing chained and no secret in it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest

import sigv4
from sigv4.core import canonical, checksums, streaming, urls
from sigv4.core.errors import CredentialsError, InvalidTimeError, InvalidURLError, PayloadError, SigningError
from sigv4.core.keys import derive_signing_key, signature, signing_key
from sigv4.exceptions import ClientError, ParamValidationError

SECRET = "SECRETMARKER/0123456789abcdef"
TOKEN = "TOKENMARKERfedcba9876543210"
CREDS = sigv4.Credentials("AKIDEXAMPLE", SECRET)
NOW = datetime(2026, 11, 29, tzinfo=timezone.utc)


def refused(
    error: type[SigningError], fn: Callable[..., Any], *args: Any, field: str | None = None, **kwargs: Any
) -> SigningError:
    """``fn(*args, **kwargs)`` raises ``error`` (naming ``field``), chained to nothing, and
    showing neither marker anywhere."""
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    e = info.value
    assert e.__cause__ is None and e.__context__ is None, f"chained to {e.__context__!r}"
    for text in (repr(e), str(e), repr(e.args), repr(getattr(e, "object", ""))):
        assert "SECRETMARKER" not in text and "TOKENMARKER" not in text
    if field is not None:
        assert e.field == field, e
    return e


# -- keys: the secret was in the UnicodeEncodeError ('AWS4' + secret in .object and repr) ---


@pytest.mark.parametrize("derive", [signing_key, derive_signing_key])
def test_lone_surrogate_secret_is_refused_without_the_secret(derive: Callable[..., bytes]) -> None:
    refused(CredentialsError, derive, SECRET + "\ud800", "20240101", "us-east-1", "s3", field="secret_key")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((None, "20240101", "us-east-1", "s3"), "secret_key"),
        ((SECRET, 20240101, "us-east-1", "s3"), "date"),
        ((SECRET, "20240101", {"a": 1}, "s3"), "region"),  # was: unhashable type (the cache key)
        ((SECRET, "20240101", "us-east-1", "\udfff"), "service"),
    ],
)
def test_signing_key_odd_arguments(args: tuple[Any, ...], field: str) -> None:
    refused(SigningError, signing_key, *args, field=field)
    refused(SigningError, derive_signing_key, *args, field=field)


def test_signature_odd_arguments() -> None:
    refused(SigningError, signature, "not bytes", "x", field="key")  # was: TypeError from bytes()
    refused(SigningError, signature, -1, "x", field="key")  # was: ValueError (negative count)
    refused(SigningError, signature, b"k" * 32, "\ud800", field="string_to_sign")
    assert signature(bytearray(b"k" * 32), "x") == signature(b"k" * 32, "x")


def test_token_that_cannot_be_sent_is_refused_without_the_token() -> None:
    # Credentials may refuse it itself (another change); either way it is a CredentialsError
    # that does not show the token (it was a UnicodeEncodeError holding it, from quote()).
    with pytest.raises(CredentialsError) as info:
        creds = sigv4.Credentials("AKIDEXAMPLE", SECRET, "\ud800" + TOKEN)
        sigv4.Signer(creds, "us-east-1", "s3").presign("GET", "https://h.example.com/k", 60, now=NOW)
    assert "TOKENMARKER" not in repr(info.value) and info.value.__context__ is None


def test_non_ascii_token_is_presigned_but_not_sent_in_a_header() -> None:
    creds = sigv4.Credentials("AKIDEXAMPLE", SECRET, "ü" + TOKEN)
    s = sigv4.Signer(creds, "us-east-1", "s3")
    assert "X-Amz-Security-Token=%C3%BC" + TOKEN in s.presign("GET", "https://h.example.com/k", 60, now=NOW).url
    # A header cannot carry it (httpx raised a UnicodeEncodeError holding the token).
    refused(CredentialsError, s.sign, "GET", "https://h.example.com/k", now=NOW, field="token")


def test_day_key_needs_credentials() -> None:
    s = sigv4.Signer(CREDS, "us-east-1", "s3")
    refused(CredentialsError, s.day_key, "AKID", "20240101", field="credentials")  # was: AttributeError
    refused(SigningError, s.day_key, CREDS, None, field="date")


# -- time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now",
    [datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))],
)
def test_now_outside_years_1_to_9999_in_utc(now: datetime) -> None:
    refused(InvalidTimeError, sigv4.Signer(CREDS, "us-east-1", "s3").sign, "GET", "https://h.example.com/", now=now, field="now")


@pytest.mark.parametrize("reading", [float("nan"), float("inf"), -1.0, 1e13, "1700000000", None, True])
def test_clock_readings_that_are_not_a_time(reading: object) -> None:
    s = sigv4.Signer(CREDS, "us-east-1", "s3", clock=lambda: reading)  # type: ignore[arg-type, return-value]
    refused(SigningError, s.sign, "GET", "https://h.example.com/", field="clock")  # was: ValueError/OverflowError/TypeError
    refused(
        SigningError, sigv4.presign_urls, s, "GET", ["https://h.example.com/"], 60, field="clock"
    )  # was: datetime's ValueError
    from sigv4.core.signer import amz_date

    refused(SigningError, amz_date, None, lambda: reading, field="clock")
    refused(SigningError, amz_date, None, 5, field="clock")  # not callable


def test_clock_readings_that_are_a_time() -> None:
    s = sigv4.Signer(CREDS, "us-east-1", "s3", clock=lambda: 1_369_353_600)
    assert s.amz_date() == "20130524T000000Z"
    assert sigv4.Signer(CREDS, "us-east-1", "s3", clock=lambda: 1_369_353_600.9).amz_date() == "20130524T000000Z"


def test_expiry_that_is_not_a_datetime() -> None:
    # Credentials takes anything with a utcoffset() (another change may refuse it there);
    # presigning then called .timestamp() on it: AttributeError.
    from datetime import time

    with pytest.raises(CredentialsError) as info:
        creds = sigv4.Credentials("AKIDEXAMPLE", SECRET, TOKEN, time(1, 2, tzinfo=timezone.utc))  # type: ignore[arg-type]
        sigv4.Signer(creds, "us-east-1", "s3").presign("GET", "https://h.example.com/k", 60, now=NOW)
    assert info.value.field == "expiry" and info.value.__context__ is None


# -- urls --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: urls.quote(5),
        lambda: urls.quote("\ud800" + TOKEN),  # the token was in the UnicodeEncodeError
        lambda: urls.quote(memoryview(b"x")),
        lambda: urls.quote_path({"a": 1}),
        lambda: urls.quote_path("/\udc80"),
        lambda: urls.quote_wire_path(b"/x"),
        lambda: urls.quote_wire_path("/\udfff"),
        lambda: urls.unquote_to_bytes(None),
        lambda: urls.unquote_to_bytes("%41\udc80"),
        lambda: urls.query_pairs(5),
        lambda: urls.query_pairs("a=\udc80"),
        lambda: urls.normalize_path(5),
        lambda: urls.normalize_path(b"/a"),
        lambda: urls.is_canonical_path(5.0),
        lambda: urls.is_canonical_path(["/a"]),
        lambda: urls.host_header(5, "h"),
        lambda: urls.host_header("https", ["h"]),
        lambda: canonical.canonical_uri(5, double_encode=True, normalize=True),
        lambda: canonical.canonical_uri("/\ud800", double_encode=False, normalize=False),
    ],
)
def test_url_helpers_refuse_what_is_not_text(call: Callable[[], object]) -> None:
    refused(InvalidURLError, call)


def test_url_helpers_still_take_bytes() -> None:
    assert urls.quote(b"a b") == "a%20b" and urls.quote_path(bytearray(b"/a b")) == "/a%20b"


# -- canonical ----------------------------------------------------------------------------------


def test_canonical_pieces_refuse_odd_arguments() -> None:
    refused(SigningError, canonical.canonical_header_value, "x-a", 5)  # was: TypeError ('in' on an int)
    refused(SigningError, canonical.canonical_headers, {"host": "h"}, ["x-amz-date"])  # was: KeyError
    refused(SigningError, canonical.canonical_headers, None, ["host"])
    refused(SigningError, canonical.canonical_query_string, [("a", "1"), ("a", None)])  # was: '<' not supported
    refused(SigningError, canonical.canonical_query_string, [("a",)])
    refused(SigningError, canonical.canonical_query_string, None)
    refused(SigningError, sigv4.signed_headers, None)
    refused(SigningError, sigv4.signed_headers, ["host", 1])
    refused(SigningError, sigv4.signed_headers, "host")  # a str is not a list of names
    refused(SigningError, sigv4.string_to_sign, "20240101T000000Z", "scope", "\udc80", field="canonical_request")
    refused(SigningError, sigv4.string_to_sign, "20240101T000000Z", "scope", None, field="canonical_request")
    refused(SigningError, sigv4.credential_scope, None, "us-east-1", "s3", field="date")
    assert sigv4.credential_scope("20240101", "us-east-1", "s3") == "20240101/us-east-1/s3/aws4_request"


@pytest.mark.parametrize("headers", [5, [1], [("a", "b", "c")], ["ab"], "ab", [{"x", "y"}]])
def test_collect_headers_refusals_are_not_chained(headers: object) -> None:
    refused(SigningError, canonical.collect_headers, headers, field="headers")
    refused(SigningError, sigv4.Signer(CREDS, "us-east-1", "s3").sign, "GET", "https://h.example.com/", headers=headers)


def test_collect_headers_takes_pairs_as_tuples_or_lists() -> None:
    assert canonical.collect_headers([["X-A", "1"], ("x-b", "2")]) == ({"X-A": "1", "x-b": "2"}, {"x-a": "1", "x-b": "2"})


# -- bodies, streaming, checksums ----------------------------------------------------------------


def test_str_body_with_a_lone_surrogate() -> None:
    from sigv4.core.payload import payload_hash

    refused(PayloadError, payload_hash, "body \ud800", field="body")
    s = sigv4.Signer(CREDS, "us-east-1", "s3")
    refused(PayloadError, s.sign, "PUT", "https://h.example.com/k", body="\ud800", field="body")
    refused(PayloadError, s.sign_chunked, "PUT", "https://h.example.com/k", "\ud800", field="body")


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("10", 8192), {}, "decoded_length"),
        ((True, 8192), {}, "decoded_length"),
        ((-1, 8192), {}, "decoded_length"),
        ((10, 0), {}, "chunk_size"),  # was: ZeroDivisionError
        ((10, 2.5), {}, "chunk_size"),  # was: "Unknown format code 'x'"
        ((10, 8192), {"trailer": "md5"}, "trailer"),
        ((10, 8192), {"trailer": 5}, "trailer"),
    ],
)
def test_encoded_length_refusals(args: tuple[Any, ...], kwargs: dict[str, Any], field: str) -> None:
    refused(PayloadError, streaming.encoded_length, *args, field=field, **kwargs)


def test_encoded_length_trailer_in_any_case() -> None:
    # Was: KeyError 'CRC32' (checksum_header accepts any case, the length table did not).
    assert streaming.encoded_length(10, 8192, trailer="CRC32") == streaming.encoded_length(10, 8192, trailer="crc32")


def test_checksums_refuse_what_is_not_bytes() -> None:
    refused(PayloadError, checksums.crc32c, "text", field="data")  # was: TypeError from bytes()
    refused(PayloadError, checksums.crc32c, None, field="data")
    refused(PayloadError, checksums.crc32c, b"x", -1, field="crc")
    refused(PayloadError, checksums.crc32c, b"x", "0", field="crc")
    for kind in (checksums.Crc32, checksums.Crc32c):
        refused(PayloadError, kind().update, "x", field="data")
    refused(PayloadError, checksums.checksum_b64, "sha256", "text", field="data")
    # google-crc32c's published check value for "123456789".
    assert checksums.crc32c(b"123456789") == 0xE3069283


# -- bulk, errors --------------------------------------------------------------------------------


def test_bulk_presigning_refuses_what_is_not_a_signer_or_a_list() -> None:
    s = sigv4.Signer(CREDS, "us-east-1", "s3")
    refused(SigningError, sigv4.presign_urls, None, "GET", ["https://h.example.com/"], 60, field="signer")
    refused(SigningError, sigv4.presign_urls, CREDS, "GET", ["https://h.example.com/"], 60, field="signer")
    refused(SigningError, sigv4.presign_urls, s, "GET", 5, 60, field="urls")
    refused(SigningError, sigv4.presign_urls, s, "GET", "https://h.example.com/", 60, field="urls")
    refused(SigningError, sigv4.presign_keys, "signer", "https://b.s3.amazonaws.com", ["k"], 60, field="signer")


def test_client_error_from_odd_responses() -> None:
    refused(ParamValidationError, ClientError, 5, "GetObject", field="error_response")  # was: AttributeError
    refused(ParamValidationError, ClientError.from_response, "403", b"", field="status_code")
    refused(ParamValidationError, ClientError.from_response, 403, 5, field="body")
    refused(ParamValidationError, ClientError.from_response, 403, b"", [("a", "b")], field="headers")
    assert ClientError({"Error": 5}, "GetObject").response["Error"] == 5
    assert str(ClientError({"Error": 5}, "GetObject")).startswith("An error occurred (Unknown)")
    e = ClientError.from_response(403, "<Error><Code>AccessDenied</Code><Message>\ud800</Message></Error>")
    assert e.response["Error"]["Code"] == "AccessDenied"  # was: UnicodeEncodeError


def test_an_unhashable_method_is_refused_by_name() -> None:
    """(Fuzz seed 20261203: the method's fast-path set lookup came before its type check.)"""
    signer = sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
    for method in ({}, [], bytearray(b"GET")):
        for sign in (
            lambda m: signer.sign(m, "https://b.s3.amazonaws.com/k"),
            lambda m: signer.presign(m, "https://b.s3.amazonaws.com/k", 60),
            lambda m: signer.sign_chunked(m, "https://b.s3.amazonaws.com/k", b"x"),
        ):
            with pytest.raises(sigv4.SigningError) as info:
                sign(method)
            assert info.value.field == "method" and info.value.__context__ is None
