"""Bad input: a SigningError subclass naming the field and the rule; never a
bare KeyError/TypeError, never the secret in a message or repr."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest

import sigv4
from sigv4.core import errors

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CREDS = sigv4.Credentials("AKIDEXAMPLE", SECRET)
NOW = datetime(2026, 11, 29, tzinfo=timezone.utc)
URL = "https://example.amazonaws.com/path"


def signer(service: str = "execute-api", **kw: object) -> sigv4.Signer:
    return sigv4.Signer(CREDS, "us-east-1", service, **kw)  # type: ignore[arg-type]


def test_hierarchy() -> None:
    for cls in (
        errors.InvalidHeaderError,
        errors.InvalidURLError,
        errors.InvalidExpiryError,
        errors.InvalidScopeError,
        errors.CredentialsError,
        errors.PayloadError,
        errors.InvalidTimeError,
    ):
        assert issubclass(cls, sigv4.SigningError)
    assert issubclass(sigv4.SigningError, ValueError)


@pytest.mark.parametrize(
    ("headers", "field_part", "rule_part"),
    [
        ([("", "v")], "header name", "must not be empty"),
        ([("Bad Name", "v")], "Bad Name", "HTTP token"),
        ([("Näme", "v")], "Näme", "HTTP token"),
        ([("X:Y", "v")], "X:Y", "HTTP token"),
        ([("X-Test", "a\r\nb")], "X-Test", "CR or LF"),
        ([("X-Test", "a\nb")], "X-Test", "CR or LF"),
        ([("X-Test", "a\rb")], "X-Test", "bare CR"),
        ([("X-Test", "a\r\n")], "X-Test", "CR or LF"),
        ([("X-Test", "a\x00b")], "X-Test", "NUL"),
        ([("X-Test", None)], "X-Test", "must be str, bytes or int"),
        ([("X-Test", ["a"])], "X-Test", "must be str, bytes or int"),
        ([(1, "v")], "1", "header name must be a str"),
        ([("only-name",)], "headers", "(name, value) pair"),
        (42, "headers", "mapping or an iterable"),
    ],
)
def test_bad_headers(headers: object, field_part: str, rule_part: str) -> None:
    with pytest.raises(errors.InvalidHeaderError) as info:
        signer().sign("GET", URL, headers, now=NOW)  # type: ignore[arg-type]
    assert field_part in info.value.field
    assert rule_part in info.value.rule


def test_obsolete_fold_is_accepted_and_unfolded() -> None:
    signed = signer().sign("GET", URL, [("X-Test", "a\r\n  b\n\tc")], now=NOW)
    assert "x-test:a b c\n" in signed.canonical_request
    assert signed.headers["X-Test"] == "a   b \tc"


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("/relative/path", "absolute"),
        ("example.com/path", "absolute"),
        ("https:///path", "no host"),
        ("https://user@/path", "no host"),
        ("https://exa mple.com/", "whitespace"),
        ("https://example.com:port/", "not a number"),
    ],
)
def test_bad_urls(url: str, rule: str) -> None:
    with pytest.raises(errors.InvalidURLError) as info:
        signer().sign("GET", url, now=NOW)
    assert info.value.field == "url"
    assert rule in info.value.rule


def test_url_must_be_str() -> None:
    with pytest.raises(errors.InvalidURLError):
        signer().sign("GET", b"https://example.com/", now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("region", ["", "us east 1", "us-east-1/x", "ü", None, 5])
def test_bad_region(region: object) -> None:
    with pytest.raises(errors.InvalidScopeError) as info:
        sigv4.Signer(CREDS, region, "s3")  # type: ignore[arg-type]
    assert info.value.field == "region"


@pytest.mark.parametrize("service", ["", "s 3", "a/b"])
def test_bad_service(service: str) -> None:
    with pytest.raises(errors.InvalidScopeError) as info:
        sigv4.Signer(CREDS, "us-east-1", service)
    assert info.value.field == "service"


@pytest.mark.parametrize("expires", [0, -1, 604801, 10**9])
def test_expiry_out_of_range(expires: int) -> None:
    with pytest.raises(errors.InvalidExpiryError) as info:
        signer("s3").presign("GET", URL, expires, now=NOW)
    assert info.value.field == "expires_in"
    assert "604800" in info.value.rule


@pytest.mark.parametrize("expires", [True, 3.5, "60", None])
def test_expiry_wrong_type(expires: object) -> None:
    with pytest.raises(errors.InvalidExpiryError):
        signer("s3").presign("GET", URL, expires, now=NOW)  # type: ignore[arg-type]


def test_expiry_cap_can_be_raised_explicitly() -> None:
    signed = signer("s3", max_expires=30 * 86400).presign("GET", URL, 30 * 86400, now=NOW)
    assert "X-Amz-Expires=2592000" in signed.url
    with pytest.raises(errors.InvalidExpiryError, match="max_expires"):
        signer("s3").presign("GET", URL, 604801, now=NOW)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", SECRET), "access_key"),
        (("AK", ""), "secret_key"),
        ((None, SECRET), "access_key"),
        (("AK", None), "secret_key"),
        (("AK", SECRET, ""), "token"),
        (("AK", "bad\nsecret"), "secret_key"),
    ],
)
def test_incomplete_credentials(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(errors.CredentialsError) as info:
        sigv4.Credentials(*args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert "secret" not in str(info.value).replace("secret_key", "")


def test_credentials_need_aware_expiry() -> None:
    with pytest.raises(errors.CredentialsError):
        sigv4.Credentials("AK", SECRET, expiry=datetime(2030, 1, 1))


def test_signer_rejects_non_credentials() -> None:
    with pytest.raises(errors.CredentialsError):
        sigv4.Signer(("AK", SECRET), "us-east-1", "s3")  # type: ignore[arg-type]


def test_provider_returning_garbage() -> None:
    class Broken:
        def get_credentials(self) -> object:
            return None

    with pytest.raises(errors.CredentialsError):
        sigv4.Signer(Broken(), "us-east-1", "s3").sign("GET", URL, now=NOW)  # type: ignore[arg-type]


def test_naive_or_non_datetime_now() -> None:
    with pytest.raises(errors.InvalidTimeError, match="timezone-aware"):
        signer().sign("GET", URL, now=datetime(2026, 1, 1))
    with pytest.raises(errors.InvalidTimeError):
        signer().sign("GET", URL, now="2026-01-01")  # type: ignore[arg-type]


def test_aware_non_utc_now_is_converted() -> None:
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    assert signer().sign("GET", URL, now=plus_two).signature == signer().sign("GET", URL, now=NOW).signature


@pytest.mark.parametrize("method", ["", "GE T", "GET\n", None, "ΓET"])
def test_bad_method(method: object) -> None:
    with pytest.raises(sigv4.SigningError) as info:
        signer().sign(method, URL, now=NOW)  # type: ignore[arg-type]
    assert info.value.field == "method"


def test_unhashable_bodies() -> None:
    def gen() -> object:
        yield b"x"

    with pytest.raises(errors.PayloadError, match="payload_hash"):
        signer().sign("PUT", URL, body=gen(), now=NOW)
    with pytest.raises(errors.PayloadError):
        signer().sign("PUT", URL, body=12345, now=NOW)
    # ...but a precomputed hash or UNSIGNED-PAYLOAD works for a stream.
    assert signer().sign("PUT", URL, body=gen(), payload_hash="ab" * 32, now=NOW).canonical_request.endswith("ab" * 32)
    assert signer(unsigned_payload=True).sign("PUT", URL, body=gen(), now=NOW).canonical_request.endswith("UNSIGNED-PAYLOAD")


def test_text_mode_file_is_refused(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "f.txt"
    path.write_text("hello")
    with path.open("r") as f, pytest.raises(errors.PayloadError, match="binary"):
        signer().sign("PUT", URL, body=f, now=NOW)


def test_presign_rejects_auth_params_as_headers_or_query() -> None:
    """Pitfall 8: X-Amz-Expires passed as a header must not end up signed."""
    with pytest.raises(errors.InvalidHeaderError, match="query parameter"):
        signer("s3").presign("GET", URL, 60, headers={"X-Amz-Expires": "60"}, now=NOW)
    already = signer("s3").presign("GET", URL, 60, now=NOW).url
    with pytest.raises(sigv4.SigningError, match="old signature"):
        signer("s3").presign("GET", already, 60, now=NOW)


def test_settings_validation() -> None:
    with pytest.raises(sigv4.SigningError) as info:
        signer(double_encode_path="yes")
    assert info.value.field == "double_encode_path"
    with pytest.raises(sigv4.SigningError):
        signer(unsigned_headers="user-agent")
    with pytest.raises(sigv4.SigningError, match="host"):
        signer(unsigned_headers=["Host"])
    with pytest.raises(sigv4.SigningError):
        signer(max_expires=0)
    with pytest.raises(sigv4.SigningError, match="not a signing setting"):
        signer().settings.replace(colour="blue")


def test_secret_and_token_never_shown() -> None:
    creds = sigv4.Credentials("AKIDEXAMPLE", SECRET, "TOKEN-SECRET-VALUE", expiry=NOW + timedelta(days=30))
    s = sigv4.Signer(creds, "us-east-1", "s3")
    signed = s.presign("GET", URL, 60, now=NOW)
    header_signed = s.sign("GET", URL, now=NOW)
    for text in (repr(creds), str(creds), repr(s), repr(signed), repr(header_signed), repr(s.settings)):
        assert SECRET not in text
        assert "TOKEN-SECRET-VALUE" not in text
    # The token is where the protocol carries it, and nowhere else.
    assert "X-Amz-Security-Token=TOKEN-SECRET-VALUE" in signed.url
    assert header_signed.headers["X-Amz-Security-Token"] == "TOKEN-SECRET-VALUE"
    assert SECRET not in signed.url and SECRET not in str(header_signed.headers)


def test_credentials_are_immutable_and_picklable() -> None:
    with pytest.raises(AttributeError):
        CREDS.secret_key = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(CREDS)) == CREDS
    assert hash(CREDS) == hash(sigv4.Credentials("AKIDEXAMPLE", SECRET))


def test_warns_when_credentials_expire_before_the_url() -> None:
    creds = sigv4.Credentials("ASIAEXAMPLE", SECRET, "tok", expiry=NOW + timedelta(hours=1))
    s = sigv4.Signer(creds, "us-east-1", "s3")
    with pytest.warns(UserWarning, match="expire"):
        s.presign("GET", URL, 7200, now=NOW)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.presign("GET", URL, 1800, now=NOW)


@pytest.mark.parametrize("value", [[1], [None], ["x-a", b"x-b"], 5, b"host", "x-a"])
def test_unsigned_headers_of_odd_types(value: object) -> None:
    with pytest.raises(sigv4.SigningError) as exc:
        sigv4.Signer(sigv4.Credentials("AK", "SK"), "us-east-1", "s3", unsigned_headers=value)  # type: ignore[arg-type]
    assert exc.value.field == "unsigned_headers"


@pytest.mark.parametrize("keys", [None, 5, object(), b"key", "key"])
def test_presign_keys_of_odd_types(keys: object) -> None:
    signer = sigv4.Signer(sigv4.Credentials("AK", "SK"), "us-east-1", "s3")
    with pytest.raises(sigv4.SigningError) as exc:
        sigv4.presign_keys(signer, "https://b.s3.amazonaws.com", keys, 60)  # type: ignore[arg-type]
    assert exc.value.field == "keys"
