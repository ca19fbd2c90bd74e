"""The checks one by one: Authorization parsing, dates and skew, presigned expiry,
tokens, keys, scope restrictions, unsigned x-amz-* headers, bodies, error shape.
Requests are signed by botocore (the oracle) unless the test needs a shape
botocore cannot produce."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from freezegun import freeze_time

import sigv4
from tests.botocore_oracle import header_sign, query_sign

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
T = NOW.timestamp()
AK, SK, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN+/="
URL = "https://bucket.s3.amazonaws.com/some/key.txt?versionId=3"


def verifier(token: str | None = None, now: float = T, **kwargs: object) -> sigv4.Verifier:
    creds = sigv4.Credentials(AK, SK, token)
    return sigv4.Verifier(lambda key: creds if key == AK else None, clock=lambda: now, **kwargs)  # type: ignore[arg-type]


def s3_headers(body: bytes = b"", token: str | None = None, method: str = "PUT", url: str = URL, **kw: object) -> dict[str, str]:
    return header_sign(
        s3=True, method=method, url=url, access_key=AK, secret_key=SK, service="s3", now=NOW, body=body, token=token, **kw
    )  # type: ignore[arg-type]


def refused(code: str, call: object, *args: object, **kwargs: object) -> sigv4.VerificationError:
    with pytest.raises(sigv4.VerificationError) as err:
        call(*args, **kwargs)  # type: ignore[operator]
    assert err.value.code == code, err.value.message
    return err.value


# -- the Authorization header -------------------------------------------------------


def _auth_parts(headers: dict[str, str]) -> tuple[str, str, str]:
    rest = headers["Authorization"].partition(" ")[2]
    cred, signed, sig = (p.strip() for p in rest.split(","))
    return cred, signed, sig


@pytest.mark.parametrize(
    "layout",
    [
        "AWS4-HMAC-SHA256 {c}, {s}, {g}",
        "AWS4-HMAC-SHA256 {c},{s},{g}",
        "AWS4-HMAC-SHA256   {c} ,  {s} ,{g}  ",
        "AWS4-HMAC-SHA256 {g}, {c}, {s}",
        "AWS4-HMAC-SHA256 {s},{g},{c}",
    ],
)
def test_authorization_spacing_and_order_are_tolerated(layout: str) -> None:
    headers = s3_headers(b"data")
    c, s, g = _auth_parts(headers)
    headers["Authorization"] = layout.format(c=c, s=s, g=g)
    assert verifier().verify("PUT", URL, headers, b"data").access_key == AK


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda c, s, g: f"AWS4-HMAC-SHA512 {c}, {s}, {g}", "not supported"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c}, {g}", "no SignedHeaders"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c}, {s}, {g}, {g}", "malformed"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c}, {s}, {g}, Foo=bar", "malformed"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c}, {s}, Signature=", "no Signature"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c.replace('aws4_request', 'aws5_request')}, {s}, {g}", "terminator"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c.replace('/20240501/', '/2024-05-01/')}, {s}, {g}", "not YYYYMMDD"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 Credential={AK}/20240501/s3/aws4_request, {s}, {g}", "mal-formed"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c}, {s.replace('host;', '')}, {g}", "must include host"),
        (lambda c, s, g: f"AWS4-HMAC-SHA256 {c}, SignedHeaders=host;;x-amz-date, {g}", "empty name"),
    ],
)
def test_malformed_authorization(change: object, fragment: str) -> None:
    headers = s3_headers()
    headers["Authorization"] = change(*_auth_parts(headers))  # type: ignore[operator]
    err = refused("AuthorizationHeaderMalformed", verifier().verify, "PUT", URL, headers)
    assert fragment in err.message


def test_scope_date_must_be_the_request_date() -> None:
    headers = s3_headers()
    headers["Authorization"] = headers["Authorization"].replace("/20240501/", "/20240430/")
    assert "not the same as X-Amz-Date" in refused("AuthorizationHeaderMalformed", verifier().verify, "PUT", URL, headers).message
    url = query_sign(s3=True, method="GET", url=URL, access_key=AK, secret_key=SK, service="s3", expires=60, now=NOW)
    bad = url.replace("%2F20240501%2F", "%2F20240502%2F")
    refused("AuthorizationQueryParametersError", verifier().verify, "GET", bad, {})


def test_no_date_at_all_is_refused() -> None:
    headers = s3_headers()
    del headers["X-Amz-Date"]
    refused("AccessDenied", verifier().verify, "PUT", URL, headers)


# -- time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "ok"), [(0, True), (899, True), (-899, True), (900, True), (901, False), (-901, False), (-86400, False)]
)
def test_header_signing_skew_both_ways(offset: int, ok: bool) -> None:
    headers = s3_headers()
    v = verifier(now=T + offset)
    if ok:
        v.verify("PUT", URL, headers)
    else:
        refused("RequestTimeTooSkewed", v.verify, "PUT", URL, headers)


def test_custom_skew() -> None:
    headers = s3_headers()
    verifier(now=T + 100, skew=100).verify("PUT", URL, headers)
    refused("RequestTimeTooSkewed", verifier(now=T + 101, skew=100).verify, "PUT", URL, headers)


def _presigned(expires: int = 3600) -> str:
    return query_sign(s3=True, method="GET", url=URL, access_key=AK, secret_key=SK, service="s3", expires=expires, now=NOW)


@pytest.mark.parametrize(
    ("offset", "code", "message"),
    [
        (0, None, None),
        (3600, None, None),
        (3601, "AccessDenied", "Request has expired"),
        (-900, None, None),  # dated in the future, within the skew
        (-901, "AccessDenied", "Request is not valid yet"),
    ],
)
def test_presigned_window(offset: int, code: str | None, message: str | None) -> None:
    url = _presigned()
    if code is None:
        assert verifier(now=T + offset).verify("GET", url, {}).expires == 3600
    else:
        assert refused(code, verifier(now=T + offset).verify, "GET", url, {}).message == message


def test_presigned_expires_cap() -> None:
    url = _presigned(604801)
    assert "604800" in refused("AuthorizationQueryParametersError", verifier().verify, "GET", url, {}).message
    assert verifier(max_expires=604801).verify("GET", url, {}).expires == 604801
    refused(
        "AuthorizationQueryParametersError", verifier().verify, "GET", url.replace("X-Amz-Expires=604801", "X-Amz-Expires=1h"), {}
    )


@pytest.mark.parametrize("param", ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders"])
def test_presigned_missing_parameter(param: str) -> None:
    url = _presigned()
    base, _, query = url.partition("?")
    kept = "&".join(p for p in query.split("&") if not p.startswith(param + "="))
    assert param in refused("AuthorizationQueryParametersError", verifier().verify, "GET", f"{base}?{kept}", {}).message


def test_presigned_repeated_signature_and_wrong_algorithm() -> None:
    url = _presigned()
    refused("AuthorizationQueryParametersError", verifier().verify, "GET", url + "&X-Amz-Signature=00", {})
    refused("AuthorizationQueryParametersError", verifier().verify, "GET", url.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"), {})


def test_both_mechanisms_at_once() -> None:
    refused("InvalidArgument", verifier().verify, "PUT", _presigned(), s3_headers())


def test_unsigned_request() -> None:
    refused("AccessDenied", verifier().verify, "GET", URL, {"Host": "bucket.s3.amazonaws.com"})


def test_default_clock_is_time_time_looked_up_at_call_time() -> None:
    headers = s3_headers()
    creds = sigv4.Credentials(AK, SK)
    v = sigv4.Verifier(lambda key: creds)
    with freeze_time(NOW):
        v.verify("PUT", URL, headers)
    with freeze_time(datetime(2024, 5, 2, tzinfo=timezone.utc)):
        refused("RequestTimeTooSkewed", v.verify, "PUT", URL, headers)


# -- keys, tokens, scope ----------------------------------------------------------------


def test_unknown_key() -> None:
    headers = s3_headers()
    headers["Authorization"] = headers["Authorization"].replace(AK, "AKIDUNKNOWN")
    refused("InvalidAccessKeyId", verifier().verify, "PUT", URL, headers)


def test_tokens() -> None:
    with_token = s3_headers(token=TOKEN)
    verifier(TOKEN).verify("PUT", URL, with_token)
    refused("InvalidToken", verifier(TOKEN + "x").verify, "PUT", URL, with_token)  # the key's token is another
    refused("InvalidToken", verifier(None).verify, "PUT", URL, with_token)  # a token the key does not have
    refused("InvalidToken", verifier(TOKEN).verify, "PUT", URL, s3_headers())  # the token is missing
    url = query_sign(s3=True, method="GET", url=URL, access_key=AK, secret_key=SK, service="s3", expires=60, now=NOW, token=TOKEN)
    assert verifier(TOKEN).verify("GET", url, {}).credentials.token == TOKEN
    refused("InvalidToken", verifier().verify, "GET", url, {})


def test_presigned_token_added_after_signing_is_accepted() -> None:
    # omit_session_token=True (IoT-style): the token is in the URL but not in the canonical query.
    signer = sigv4.Signer(sigv4.Credentials(AK, SK, TOKEN), "us-east-1", "iotdevicegateway", omit_session_token=True)
    signed = signer.presign("GET", "https://example.iot.us-east-1.amazonaws.com/mqtt", 60, now=NOW)
    assert "X-Amz-Security-Token=" in signed.url
    assert verifier(TOKEN).verify("GET", signed.url, {}).canonical_request == signed.canonical_request


def test_scope_restrictions() -> None:
    headers = s3_headers()
    assert verifier(regions=["us-east-1"], services=["s3"]).verify("PUT", URL, headers).region == "us-east-1"
    err = refused("AuthorizationHeaderMalformed", verifier(regions=["eu-west-1"]).verify, "PUT", URL, headers)
    assert err.message == "the region 'us-east-1' is wrong; expecting 'eu-west-1'"
    refused("AuthorizationHeaderMalformed", verifier(services=["execute-api"]).verify, "PUT", URL, headers)
    refused("AuthorizationQueryParametersError", verifier(regions=["eu-west-1"]).verify, "GET", _presigned(), {})
    # Unrestricted: any scope, reported.
    other = header_sign(
        s3=False,
        method="GET",
        url="https://x.example.com/",
        access_key=AK,
        secret_key=SK,
        service="es",
        now=NOW,
        region="mx-central-1",
    )
    result = verifier().verify("GET", "https://x.example.com/", other)
    assert (result.region, result.service) == ("mx-central-1", "es")


def test_unsigned_x_amz_headers_are_refused_for_s3_only() -> None:
    headers = s3_headers()
    headers["x-amz-acl"] = "public-read"
    err = refused("AccessDenied", verifier().verify, "PUT", URL, headers)
    assert "x-amz-acl" in err.message
    generic = header_sign(
        s3=False, method="GET", url="https://x.example.com/", access_key=AK, secret_key=SK, service="es", now=NOW
    )
    generic["x-amz-user-agent"] = "added by a proxy"
    verifier().verify("GET", "https://x.example.com/", generic)


# -- bodies -----------------------------------------------------------------------------


BIG = bytes(range(256)) * 20_000  # 5 MB


@pytest.mark.parametrize("shape", ["bytes", "file", "iterable", "bytearray"])
def test_hashed_body_shapes(shape: str) -> None:
    headers = s3_headers(BIG)
    body: object = {
        "bytes": BIG,
        "file": io.BytesIO(BIG),
        "iterable": (BIG[i : i + 7777] for i in range(0, len(BIG), 7777)),
        "bytearray": bytearray(BIG),
    }[shape]
    assert verifier().verify("PUT", URL, headers, body).payload_hash == headers["X-Amz-Content-SHA256"]
    refused("XAmzContentSHA256Mismatch", verifier().verify, "PUT", URL, headers, BIG[:-1])


def test_generic_service_body_is_in_the_signature() -> None:
    headers = header_sign(
        s3=False, method="POST", url="https://x.example.com/", access_key=AK, secret_key=SK, service="es", now=NOW, body=b"{}"
    )
    verifier().verify("POST", "https://x.example.com/", headers, io.BytesIO(b"{}"))
    refused("SignatureDoesNotMatch", verifier().verify, "POST", "https://x.example.com/", headers, b"{ }")


def test_unsigned_payload_body_is_not_read() -> None:
    # botocore's S3 signer always hashes the body: sign UNSIGNED-PAYLOAD with ours.
    signed = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3", unsigned_payload=True).sign("PUT", URL, now=NOW).headers

    class Untouchable:
        def read(self, n: int = -1) -> bytes:
            raise AssertionError("read")

    assert verifier().verify("PUT", URL, signed, Untouchable()).payload_hash == "UNSIGNED-PAYLOAD"


def test_streaming_payload_needs_verify_chunked() -> None:
    signed = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3").sign_chunked("PUT", URL, b"x" * 10, now=NOW)
    err = refused("InvalidRequest", verifier().verify, "PUT", signed.url, signed.headers)
    assert "verify_chunked" in err.message
    refused("InvalidRequest", verifier().verify_chunked, "PUT", URL, s3_headers(), [b""])


# -- the error --------------------------------------------------------------------------


def test_verification_error_shape() -> None:
    headers = s3_headers(b"a")
    headers["Authorization"] = headers["Authorization"][:-1] + ("0" if headers["Authorization"][-1] != "0" else "1")
    err = refused("SignatureDoesNotMatch", verifier().verify, "PUT", URL, headers, b"a")
    assert not isinstance(err, (ValueError, sigv4.SigningError))
    assert err.status == 403 and str(err).startswith("SignatureDoesNotMatch: ")
    assert err.canonical_request is not None and err.canonical_request.startswith("PUT\n/some/key.txt\nversionId=3\n")
    assert err.string_to_sign is not None and err.string_to_sign.startswith("AWS4-HMAC-SHA256\n20240501T120000Z\n")
    xml = err.to_xml(resource="/some/key.txt")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>')
    assert "<CanonicalRequest>PUT\n/some/key.txt" in xml and "<Resource>/some/key.txt</Resource>" in xml
    assert SK not in xml and SK not in repr(err.args)
    assert sigv4.VerificationError("XAmzContentSHA256Mismatch", "m").status == 400
    assert "&lt;b&gt; &amp;" in sigv4.VerificationError("AccessDenied", "<b> &").to_xml()


def test_result_repr_hides_the_secret() -> None:
    result = verifier(TOKEN).verify("PUT", URL, s3_headers(token=TOKEN))
    assert SK not in repr(result) and TOKEN not in repr(result) and SK not in repr(result.credentials)
