"""The Verifier accepts SigV4a (``AWS4-ECDSA-P256-SHA256``): header-signed,
presigned and aws-chunked requests, with the public key derived from the
looked-up credentials.

Expected verdicts:
* the aws-c-auth v4a suite (vectors/aws-c-auth/v4a): every case's signed
  requests, header and query mode, were signed by aws-c-auth (an independent
  signer) at the case's time with the case's credentials, so they verify, and the
  canonical request and string to sign rebuilt here are the suite's, byte for
  byte.  Each mode carries two independent aws-c-auth signatures (randomised
  ECDSA): the signed request's and ``*-signature.txt``; both verify.  Cases
  signed without path normalisation verify when the verifier is told so
  (``normalize_path=False``, the case's own setting); the default generic rules
  normalise, and then the cases whose path has dot segments or ``//`` are
  refused, as an AWS generic service refuses them (the SigV4 suite's rule,
  tests/verify/test_verify_vectors.py);
* requests our signer produces (a generator here, not an oracle): an untouched
  one is accepted by definition of a signature, a tampered one refused with the
  code fixed by the rule broken.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from unittest import mock

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.core.canonical import canonical_headers, canonical_request, string_to_sign
from sigv4.sigv4a import EcdsaPublicKey, signing_key
from tests.strategies import (
    access_keys,
    encoded_paths,
    encoded_queries,
    generic_services,
    header_lists,
    hosts,
    methods,
    secret_keys,
    times,
    tokens,
)
from tests.vectorlib import Case, load_v4a_cases, parse_signed_request
from tests.verify.tampering import replace_query_param, tamper

V4A = "AWS4-ECDSA-P256-SHA256"
V4 = "AWS4-HMAC-SHA256"
CASES = load_v4a_cases()
PARAMS = [pytest.param(case, mode, id=f"{mode}-{case.name}") for case in CASES for mode in ("header", "query")]
NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def _verifier(creds: sigv4.Credentials, when: datetime, **options: object) -> sigv4.Verifier:
    return sigv4.Verifier(lambda key: creds if key == creds.access_key else None, clock=lambda: when.timestamp(), **options)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- the aws-c-auth v4a suite


def test_suite_counts() -> None:
    assert len(CASES) == 38
    assert len(PARAMS) == 76


def _suite_request(case: Case, mode: str, signature: str | None = None) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """The case's signed request as received (the raw target, as in test_verify_vectors),
    with its signature replaced by ``signature`` when given."""
    text = case.header_signed_request if mode == "header" else case.query_signed_request
    assert text is not None
    method, target, headers, body = parse_signed_request(text)
    if mode == "header":
        if signature is not None:
            headers = [
                (n, v.rpartition("Signature=")[0] + "Signature=" + signature if n.lower() == "authorization" else v)
                for n, v in headers
            ]
        return method, case.target, headers, body
    # The signed-request files show the target decoded: the case's raw target plus the X-Amz-* parameters.
    auth = [p for p in target.partition("?")[2].split("&") if p.startswith("X-Amz-")]
    if signature is not None:
        auth = [p if not p.startswith("X-Amz-Signature=") else f"X-Amz-Signature={signature}" for p in auth]
    return method, case.target + ("&" if "?" in case.target else "?") + "&".join(auth), headers, body


def _unnormalized_dots(case: Case) -> bool:
    path = case.target.partition("?")[0]
    return not case.context.normalize and ("/." in path or "//" in path)


def _pure_verify() -> mock._patch[object]:
    """EcdsaPublicKey.verify forced onto the pure-Python path."""
    real = EcdsaPublicKey.verify

    def pure(self: EcdsaPublicKey, sts: str | bytes, signature: str, *, backend: str = "auto") -> bool:
        return real(self, sts, signature, backend="pure")

    return mock.patch.object(EcdsaPublicKey, "verify", pure)


COUNTS = {"suite-verified": 0, "suite-refused-by-generic-rules": 0}


@pytest.mark.parametrize("backend", ["auto", "pure"])
@pytest.mark.parametrize(("case", "mode"), PARAMS)
def test_suite_case_verifies(case: Case, mode: str, backend: str) -> None:
    ctx = case.context
    header_mode = mode == "header"
    expected_creq = case.header_canonical_request if header_mode else case.query_canonical_request
    expected_sts = case.header_string_to_sign if header_mode else case.query_string_to_sign
    other_signature = case.header_signature if header_mode else case.query_signature
    assert expected_creq is not None and expected_sts is not None and other_signature is not None
    creds = sigv4.Credentials(ctx.access_key, ctx.secret_key, ctx.token)
    with _pure_verify() if backend == "pure" else contextlib.nullcontext():
        verifier = _verifier(creds, ctx.timestamp, normalize_path=ctx.normalize)
        for signature in (None, other_signature):  # the signed request's signature, then the *-signature.txt one
            result = verifier.verify(*_suite_request(case, mode, signature))
            assert result.canonical_request == expected_creq
            assert result.string_to_sign == expected_sts
            assert result.algorithm == V4A
            assert result.region_set == result.region == ctx.region
            assert (result.access_key, result.service, result.presigned) == (ctx.access_key, ctx.service, not header_mode)
            assert result.expires == (None if header_mode else ctx.expires)
            assert result.credentials is creds
        assert verifier.cache_info()["sigv4a"]["misses"] == 1  # one key derivation for both
        COUNTS["suite-verified"] += 1

        # The default verifier applies the generic rules (normalise): the unnormalised dot cases are refused.
        default = _verifier(creds, ctx.timestamp)
        if _unnormalized_dots(case):
            with pytest.raises(sigv4.VerificationError) as err:
                default.verify(*_suite_request(case, mode))
            assert err.value.code == "SignatureDoesNotMatch"
            assert err.value.string_to_sign is not None and err.value.string_to_sign.startswith(V4A + "\n")
            COUNTS["suite-refused-by-generic-rules"] += 1
        else:
            assert default.verify(*_suite_request(case, mode)).string_to_sign == expected_sts

        # A flipped signature digit and another credential's key are refused.
        given_sig = result.signature
        flipped = given_sig[:20] + ("0" if given_sig[20] != "0" else "1") + given_sig[21:]
        with pytest.raises(sigv4.VerificationError) as err:
            verifier.verify(*_suite_request(case, mode, flipped))
        assert err.value.code == "SignatureDoesNotMatch"
        other = sigv4.Credentials(ctx.access_key, ctx.secret_key + "x", ctx.token)
        with pytest.raises(sigv4.VerificationError) as err:
            _verifier(other, ctx.timestamp, normalize_path=ctx.normalize).verify(*_suite_request(case, mode))
        assert err.value.code == "SignatureDoesNotMatch"


def test_suite_tally() -> None:
    """After the suite: 76 cases x 2 backends verified; 12 x 2 refused by the default
    rules (run here in full when the parametrised cases did not all run first)."""
    if COUNTS["suite-verified"] != 2 * len(PARAMS):
        COUNTS.update(dict.fromkeys(COUNTS, 0))
        for param in PARAMS:
            for backend in ("auto", "pure"):
                test_suite_case_verifies(*param.values, backend)  # type: ignore[arg-type]
    assert COUNTS == {"suite-verified": 152, "suite-refused-by-generic-rules": 24}
    print(f"\nSigV4a suite verification: {COUNTS}")


def test_suite_region_set_is_signed() -> None:
    """Changing the suite request's region set (header or query) breaks its signature."""
    case = next(c for c in CASES if c.name == "get-vanilla")
    ctx = case.context
    creds = sigv4.Credentials(ctx.access_key, ctx.secret_key)
    method, target, headers, body = _suite_request(case, "header")
    changed = [(n, "us-west-2" if n.lower() == "x-amz-region-set" else v) for n, v in headers]
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(creds, ctx.timestamp).verify(method, target, changed, body)
    assert err.value.code == "SignatureDoesNotMatch"
    method, target, headers, body = _suite_request(case, "query")
    assert "X-Amz-Region-Set=us-east-1" in target
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(creds, ctx.timestamp).verify(
            method, target.replace("X-Amz-Region-Set=us-east-1", "X-Amz-Region-Set=%2A"), headers
        )
    assert err.value.code == "SignatureDoesNotMatch"


# ----------------------------------------------------------------------------- region sets and restrictions


def _hand_signed(region_set: str, *, presign: bool) -> tuple[str, str, dict[str, str]]:
    """A SigV4a request built from the public spec functions (the signer refuses
    wildcard entries such as ``us-*``, which servers accept in a region set)."""
    amz_date = "20261130T120000Z"
    scope = "20261130/s3/aws4_request"
    host = "mrap.accesspoint.s3-global.amazonaws.com"
    key = signing_key(CREDS.access_key, CREDS.secret_key)
    if presign:
        params = {
            "X-Amz-Algorithm": V4A,
            "X-Amz-Credential": f"{CREDS.access_key}%2F{scope.replace('/', '%2F')}",
            "X-Amz-Date": amz_date,
            "X-Amz-Expires": "300",
            "X-Amz-Region-Set": sigv4.core.urls.quote(region_set),
            "X-Amz-SignedHeaders": "host",
        }
        cquery = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        creq = canonical_request("GET", "/k", cquery, f"host:{host}\n", "host", "UNSIGNED-PAYLOAD")
        sig = key.sign(string_to_sign(amz_date, scope, creq, algorithm=V4A))
        return "GET", f"https://{host}/k?{cquery}&X-Amz-Signature={sig}", {}
    canon = {"host": host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": amz_date, "x-amz-region-set": region_set}
    names = sorted(canon)
    creq = canonical_request("GET", "/k", "", canonical_headers(canon, names), ";".join(names), "UNSIGNED-PAYLOAD")
    sig = key.sign(string_to_sign(amz_date, scope, creq, algorithm=V4A))
    headers = dict(canon)
    headers["authorization"] = f"{V4A} Credential={CREDS.access_key}/{scope}, SignedHeaders={';'.join(names)}, Signature={sig}"
    return "GET", f"https://{host}/k", headers


@pytest.mark.parametrize("presign", [False, True])
@pytest.mark.parametrize(
    ("region_set", "regions", "accepted"),
    [
        ("*", None, True),
        ("*", ["us-east-1"], True),
        ("us-east-1", ["us-east-1"], True),
        ("us-east-1,us-west-2", ["us-west-2"], True),
        ("us-east-1,us-west-2", ["eu-west-1", "us-east-1"], True),
        ("us-*", ["us-east-2"], True),
        ("us-*", ["eu-west-1"], False),
        ("eu-west-1,eu-central-1", ["us-east-1"], False),
        ("us-east-1", ["us-east-2"], False),
        ("us-east-1", [], False),
    ],
)
def test_region_set_against_the_verifiers_regions(
    region_set: str, regions: list[str] | None, accepted: bool, presign: bool
) -> None:
    """A set is accepted when it covers one of the verifier's regions (the signature
    is valid in every region of its set, as an AWS endpoint in one of them accepts it)."""
    request = _hand_signed(region_set, presign=presign)
    verifier = _verifier(CREDS, NOW, regions=regions)
    if accepted:
        result = verifier.verify(*request)
        assert result.region_set == result.region == region_set
        assert result.algorithm == V4A and result.presigned == presign
    else:
        with pytest.raises(sigv4.VerificationError) as err:
            verifier.verify(*request)
        assert err.value.code == ("AuthorizationQueryParametersError" if presign else "AuthorizationHeaderMalformed")
        assert "region set" in err.value.message


def test_signer_region_sets_verify_and_a_wrong_one_is_refused() -> None:
    for region_set in ("*", "us-east-1", "us-east-1,us-west-2"):
        signer = sigv4.Signer(CREDS, region_set, "s3", algorithm=V4A)
        for signed in (
            signer.sign("GET", "https://b.s3-global.amazonaws.com/k", now=NOW),
            signer.presign("GET", "https://b.s3-global.amazonaws.com/k", 300, now=NOW),
        ):
            result = _verifier(CREDS, NOW).verify(signed.method, signed.url, signed.headers)
            assert result.region_set == region_set
            elsewhere = _verifier(CREDS, NOW, regions=["ap-south-1"])
            if region_set == "*":  # valid in every region
                assert elsewhere.verify(signed.method, signed.url, signed.headers).region_set == "*"
                continue
            with pytest.raises(sigv4.VerificationError) as err:
                elsewhere.verify(signed.method, signed.url, signed.headers)
            assert err.value.code in {"AuthorizationHeaderMalformed", "AuthorizationQueryParametersError"}
            assert _verifier(CREDS, NOW, regions=["us-east-1"]).verify(signed.method, signed.url, signed.headers)


# ----------------------------------------------------------------------------- algorithms= and malformed requests


def test_algorithms_option() -> None:
    v4a = sigv4.Signer(CREDS, "*", "s3", algorithm=V4A)
    v4 = sigv4.Signer(CREDS, "us-east-1", "s3")
    url = "https://b.s3.amazonaws.com/k"
    only_v4 = _verifier(CREDS, NOW, algorithms=[V4])
    only_v4a = _verifier(CREDS, NOW, algorithms=(V4A,))
    for signed, presign in ((v4a.sign("GET", url, now=NOW), False), (v4a.presign("GET", url, 60, now=NOW), True)):
        with pytest.raises(sigv4.VerificationError) as err:
            only_v4.verify(signed.method, signed.url, signed.headers)
        assert err.value.code == ("AuthorizationQueryParametersError" if presign else "AuthorizationHeaderMalformed")
        assert V4A in err.value.message and "not accepted" in err.value.message
        assert only_v4a.verify(signed.method, signed.url, signed.headers).algorithm == V4A
    for signed in (v4.sign("GET", url, now=NOW), v4.presign("GET", url, 60, now=NOW)):
        result = only_v4.verify(signed.method, signed.url, signed.headers)
        assert (result.algorithm, result.region_set, result.region) == (V4, None, "us-east-1")
        with pytest.raises(sigv4.VerificationError):
            only_v4a.verify(signed.method, signed.url, signed.headers)
    # Neither lookup nor key derivation ran for a refused algorithm.
    looked: list[str] = []
    refusing = sigv4.Verifier(lambda k: looked.append(k), clock=lambda: NOW.timestamp(), algorithms=[V4])  # type: ignore[func-returns-value]
    with pytest.raises(sigv4.VerificationError):
        signed = v4a.sign("GET", url, now=NOW)
        refusing.verify(signed.method, signed.url, signed.headers)
    assert looked == [] and refusing.cache_info()["sigv4a"]["misses"] == 0
    for bad in ([], ["AWS4-HMAC-SHA512"], V4, [V4, "x"], [None]):
        with pytest.raises(sigv4.SigningError) as bad_err:
            sigv4.Verifier(lambda k: None, algorithms=bad)  # type: ignore[arg-type]
        assert bad_err.value.field == "algorithms"


def _v4a_header_request() -> tuple[str, str, dict[str, str]]:
    signed = sigv4.Signer(CREDS, "us-east-1,us-west-2", "s3", algorithm=V4A).sign("GET", "https://b.example.com/k", now=NOW)
    return signed.method, signed.url, dict(signed.headers)


def test_malformed_sigv4a_requests() -> None:
    verifier = _verifier(CREDS, NOW)
    method, url, headers = _v4a_header_request()
    auth = headers["Authorization"]

    def refused(code: str, h: dict[str, str], u: str = url) -> str:
        with pytest.raises(sigv4.VerificationError) as err:
            verifier.verify(method, u, h)
        assert err.value.code == code, err.value
        assert err.value.__cause__ is None and err.value.__context__ is None
        return err.value.message

    no_set = {k: v for k, v in headers.items() if k != "X-Amz-Region-Set"}
    assert "X-Amz-Region-Set" in refused("AuthorizationHeaderMalformed", no_set)
    unsigned_set = {**headers, "Authorization": auth.replace(";x-amz-region-set", "")}
    assert "x-amz-region-set" in refused("AuthorizationHeaderMalformed", unsigned_set)
    # A SigV4 (five-part) credential under the SigV4a algorithm, and the reverse.
    with_region = {**headers, "Authorization": auth.replace("/20261130/s3/", "/20261130/us-east-1/s3/")}
    refused("AuthorizationHeaderMalformed", with_region)
    v4_name = {**headers, "Authorization": auth.replace(V4A, V4)}
    refused("AuthorizationHeaderMalformed", v4_name)
    for bad_set in ("us-east-1, us-west-2", "", "us-east-1,,us-west-2", "é", "\ud800", "x" * 2000):
        refused("AuthorizationHeaderMalformed", {**headers, "X-Amz-Region-Set": bad_set})
    for bad_sig in ("", "zz", "30" * 200, "3045", "\ud800", "0" * 144):
        code = "AuthorizationHeaderMalformed" if bad_sig == "" else "SignatureDoesNotMatch"
        refused(code, {**headers, "Authorization": auth.rpartition("Signature=")[0] + "Signature=" + bad_sig})

    presigned = sigv4.Signer(CREDS, "*", "s3", algorithm=V4A).presign("GET", "https://b.example.com/k", 60, now=NOW)
    no_param = presigned.url.replace("X-Amz-Region-Set=%2A&", "")
    assert no_param != presigned.url
    assert "X-Amz-Region-Set" in refused("AuthorizationQueryParametersError", {}, no_param)
    doubled = presigned.url.replace("X-Amz-Region-Set=%2A&", "X-Amz-Region-Set=%2A&X-Amz-Region-Set=%2A&")
    refused("AuthorizationQueryParametersError", {}, doubled)
    refused("AuthorizationQueryParametersError", {"X-Amz-Region-Set": "us-east-1"}, presigned.url)
    refused("AccessDenied", {"X-Amz-Region-Set": "*"}, presigned.url)  # S3: an x-amz-* header not signed


def test_mismatch_reports_the_ecdsa_string_to_sign_and_no_secret() -> None:
    method, url, headers = _v4a_header_request()
    headers["X-Amz-Date"] = "20261130T120001Z"
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(CREDS, NOW).verify(method, url, headers)
    assert err.value.code == "SignatureDoesNotMatch"
    sts = err.value.string_to_sign or ""
    assert sts.split("\n")[:3] == [V4A, "20261130T120001Z", "20261130/s3/aws4_request"]
    assert "x-amz-region-set:us-east-1,us-west-2" in (err.value.canonical_request or "")
    verifier = _verifier(CREDS, NOW)
    verifier.verify(*_v4a_header_request())
    for text in (str(err.value), repr(err.value), repr(verifier), str(verifier.cache_info())):
        assert CREDS.secret_key not in text


def test_key_derivation_once_per_credentials() -> None:
    verifier = _verifier(CREDS, NOW)
    signer = sigv4.Signer(CREDS, "*", "s3", algorithm=V4A)
    for i in range(5):
        signed = signer.sign("GET", f"https://b.example.com/k{i}", now=NOW)
        verifier.verify(signed.method, signed.url, signed.headers)
    info = verifier.cache_info()["sigv4a"]
    assert (info["misses"], info["hits"], info["size"]) == (1, 4, 1)
    assert verifier.cache_info()["sigv4"]["misses"] == 0


# ----------------------------------------------------------------------------- properties


services = st.one_of(st.just("s3"), generic_services)
region_sets = st.one_of(
    st.just("*"), st.lists(st.sampled_from(["us-east-1", "us-west-2", "eu-central-1", "ap-south-1"]), min_size=1, max_size=3)
).map(lambda v: v if isinstance(v, str) else ",".join(v))


@st.composite
def v4a_requests(draw: st.DrawFn) -> dict[str, object]:
    scheme, host = draw(hosts)
    path, query = draw(encoded_paths()), draw(encoded_queries())
    return {
        "creds": sigv4.Credentials(draw(access_keys), "wJalrXUtnFEMI/" + draw(secret_keys), draw(tokens)),
        "region_set": draw(region_sets),
        "service": draw(services),
        "method": draw(methods),
        "url": f"{scheme}://{host}{path}" + (f"?{query}" if query else ""),
        "headers": list({n.lower(): (n, v) for n, v in draw(header_lists)}.values()),
        "body": draw(st.binary(max_size=64)),
        "when": draw(times),
        "unsigned_payload": draw(st.booleans()),
        "omit_session_token": draw(st.booleans()),
    }


def _sign(r: dict[str, object], presign: bool) -> sigv4.SignedRequest:
    unsigned = bool(r["unsigned_payload"]) and r["service"] == "s3"
    signer = sigv4.Signer(
        r["creds"],  # type: ignore[arg-type]
        r["region_set"],  # type: ignore[arg-type]
        r["service"],  # type: ignore[arg-type]
        algorithm=V4A,
        unsigned_payload=unsigned or None,
        omit_session_token=bool(r["omit_session_token"]) or None,
    )
    if presign:
        return signer.presign(r["method"], r["url"], 3600, headers=r["headers"], body=r["body"], now=r["when"])  # type: ignore[arg-type]
    return signer.sign(r["method"], r["url"], headers=r["headers"], body=r["body"], now=r["when"])  # type: ignore[arg-type]


PROPERTY_COUNTS = {"verified": 0, "refused": 0, "chunked-verified": 0, "chunked-refused": 0}


@settings(max_examples=150, deadline=None)
@given(r=v4a_requests(), presign=st.booleans())
def test_every_sigv4a_signed_request_verifies(r: dict[str, object], presign: bool) -> None:
    signed = _sign(r, presign)
    result = _verifier(r["creds"], r["when"]).verify(signed.method, signed.url, signed.headers, r["body"])  # type: ignore[arg-type]
    assert result.canonical_request == signed.canonical_request
    assert result.string_to_sign == signed.string_to_sign
    assert result.signature == signed.signature
    assert (result.algorithm, result.region_set, result.service, result.presigned) == (
        V4A,
        r["region_set"],
        r["service"],
        presign,
    )
    assert result.signed_headers == signed.signed_headers
    PROPERTY_COUNTS["verified"] += 1


PARTS = ["method", "path", "query", "signed header", "region set", "body", "signature", "date", "scope", "token"]


@settings(max_examples=200, deadline=None)
@given(r=v4a_requests(), presign=st.booleans(), part=st.sampled_from(PARTS), where=st.integers(0, 10_000))
def test_changing_a_signed_part_is_refused(r: dict[str, object], presign: bool, part: str, where: int) -> None:
    signed = _sign(r, presign)
    creds: sigv4.Credentials = r["creds"]  # type: ignore[assignment]
    s3 = r["service"] == "s3"
    method, url, headers, body, expected = tamper(
        part,
        signed,
        r["body"],
        where,
        presign=presign,
        s3=s3,
        unsigned_payload=bool(r["unsigned_payload"]),
        untouched=("host", "x-amz-region-set"),
    )  # type: ignore[arg-type]
    if part == "region set":
        other = "eu-west-3" if r["region_set"] != "eu-west-3" else "*"
        if presign:
            url = replace_query_param(url, "X-Amz-Region-Set", lambda v: sigv4.core.urls.quote(other))
        else:
            headers["X-Amz-Region-Set"] = other
    elif part == "scope":
        service = str(r["service"])
        if presign:
            url = replace_query_param(url, "X-Amz-Credential", lambda v: v.replace(f"%2F{service}%2F", "%2Fzzsvc%2F"))
        else:
            headers["Authorization"] = headers["Authorization"].replace(f"/{service}/aws4_request", "/zzsvc/aws4_request")
    elif part == "token":
        expected = {"InvalidToken"}
        if presign:
            if creds.token and "X-Amz-Security-Token=" in url:
                url = replace_query_param(url, "X-Amz-Security-Token", lambda v: v + "x")
            else:
                url += "&X-Amz-Security-Token=forged"
        else:
            key = next((k for k in headers if k.lower() == "x-amz-security-token"), "X-Amz-Security-Token")
            headers[key] = headers.get(key, "") + "x"
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(creds, r["when"]).verify(method, url, headers, body)  # type: ignore[arg-type]
    assert err.value.code in expected, (part, err.value.code, err.value.message)
    if err.value.code == "SignatureDoesNotMatch":
        assert (err.value.string_to_sign or "").startswith(V4A + "\n")
    assert creds.secret_key not in str(err.value) + (err.value.canonical_request or "") + (err.value.string_to_sign or "")
    PROPERTY_COUNTS["refused"] += 1


@settings(max_examples=60, deadline=None)
@given(
    r=v4a_requests(),
    trailer=st.sampled_from([None, "crc32", "crc32c", "sha1", "sha256"]),
    size=st.integers(0, 30_000),
    chunk_size=st.sampled_from([8192, 10_000]),
    piece=st.integers(1, 30_000),
    flip=st.one_of(st.none(), st.integers(0, 10**9)),
)
def test_chunked_sigv4a_uploads_verify_and_a_flipped_byte_is_refused(
    r: dict[str, object], trailer: str | None, size: int, chunk_size: int, piece: int, flip: int | None
) -> None:
    data = bytes(i % 251 for i in range(size))
    signer = sigv4.Signer(r["creds"], r["region_set"], "s3", algorithm=V4A)  # type: ignore[arg-type]
    signed = signer.sign_chunked("PUT", r["url"], data, chunk_size=chunk_size, trailer=trailer, now=r["when"])  # type: ignore[arg-type]
    wire = bytearray(b"".join(signed.body))  # type: ignore[attr-defined]
    verifier = _verifier(r["creds"], r["when"])  # type: ignore[arg-type]
    if flip is None:
        stream = verifier.verify_chunked(
            signed.method, signed.url, signed.headers, [bytes(wire[i : i + piece]) for i in range(0, len(wire), piece)]
        )
        assert b"".join(stream) == data
        assert stream.result.algorithm == V4A and stream.result.region_set == r["region_set"]
        PROPERTY_COUNTS["chunked-verified"] += 1
        return
    index = flip % len(wire)
    if wire[index : index + 1] == b"*":  # the unsigned padding cannot change without breaking the framing
        assume(False)
    wire[index] ^= 0x01
    with pytest.raises(sigv4.VerificationError) as err:
        b"".join(verifier.verify_chunked(signed.method, signed.url, signed.headers, [bytes(wire)]))
    assert err.value.code in {"SignatureDoesNotMatch", "InvalidRequest", "IncompleteBody", "BadDigest"}
    PROPERTY_COUNTS["chunked-refused"] += 1


def test_property_tally() -> None:
    """After the properties (run here when they did not run first): how many signed
    requests verified and how many tampered ones were refused."""
    if PROPERTY_COUNTS["verified"] == 0:
        test_every_sigv4a_signed_request_verifies()
        test_changing_a_signed_part_is_refused()
        test_chunked_sigv4a_uploads_verify_and_a_flipped_byte_is_refused()
    assert PROPERTY_COUNTS["verified"] > 0 and PROPERTY_COUNTS["refused"] > 0 and PROPERTY_COUNTS["chunked-verified"] > 0
    print(f"\nSigV4a verifier properties: {PROPERTY_COUNTS}")


# ----------------------------------------------------------------------------- aws-chunked, by hand


def _chunked(trailer: str | None = None, data: bytes = b"a" * 20000) -> tuple[sigv4.SignedRequest, bytes]:
    signer = sigv4.Signer(CREDS, "*", "s3", algorithm=V4A)
    signed = signer.sign_chunked("PUT", "https://b.s3.amazonaws.com/k", data, chunk_size=8192, trailer=trailer, now=NOW)
    return signed, b"".join(signed.body)  # type: ignore[arg-type]


@pytest.mark.parametrize("trailer", [None, "crc32c"])
def test_chunked_padding_is_unsigned_and_optional(trailer: str | None) -> None:
    signed, wire = _chunked(trailer)
    verifier = _verifier(CREDS, NOW)
    assert b"".join(verifier.verify_chunked(signed.method, signed.url, signed.headers, wire)) == b"a" * 20000
    assert wire.count(b"*") > 0
    unpadded = wire.replace(b"*", b"")  # a client that does not pad: the same signatures
    assert b"".join(verifier.verify_chunked(signed.method, signed.url, signed.headers, unpadded)) == b"a" * 20000
    over = wire.replace(b"*\r\n", b"**\r\n", 1)  # wider than 144 characters
    with pytest.raises(sigv4.VerificationError) as err:
        b"".join(verifier.verify_chunked(signed.method, signed.url, signed.headers, over))
    assert err.value.code in {"InvalidRequest", "SignatureDoesNotMatch"}


def test_chunked_trailer_and_chunk_signatures_are_checked() -> None:
    signed, wire = _chunked("sha256")
    verifier = _verifier(CREDS, NOW)
    at = wire.rindex(b"x-amz-trailer-signature:") + len(b"x-amz-trailer-signature:") + 20
    forged = bytearray(wire)
    forged[at] = ord("0") if wire[at] != ord("0") else ord("1")
    with pytest.raises(sigv4.VerificationError) as err:
        b"".join(verifier.verify_chunked(signed.method, signed.url, signed.headers, bytes(forged)))
    assert err.value.code == "SignatureDoesNotMatch"
    assert (err.value.string_to_sign or "").startswith(V4A + "-TRAILER\n")
    # A chunk signature moved to another chunk (the chain) is refused.
    first = wire.index(b";chunk-signature=") + len(b";chunk-signature=")
    second = wire.index(b";chunk-signature=", first) + len(b";chunk-signature=")
    swapped = bytearray(wire)
    swapped[second : second + 144] = wire[first : first + 144]
    with pytest.raises(sigv4.VerificationError) as err:
        b"".join(verifier.verify_chunked(signed.method, signed.url, signed.headers, bytes(swapped)))
    assert err.value.code == "SignatureDoesNotMatch"


def test_chunked_mode_must_match_the_seed_algorithm() -> None:
    headers = {"x-amz-decoded-content-length": "5", "Content-Encoding": "aws-chunked"}
    v4 = sigv4.Signer(CREDS, "us-east-1", "s3")
    seed = v4.sign(
        "PUT", "https://b.s3.amazonaws.com/k", headers, payload_hash="STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", now=NOW
    )
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(CREDS, NOW).chunk_decoder(seed.method, seed.url, seed.headers)
    assert err.value.code == "InvalidRequest"
    v4a = sigv4.Signer(CREDS, "*", "s3", algorithm=V4A)
    seed = v4a.sign("PUT", "https://b.s3.amazonaws.com/k", headers, payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD", now=NOW)
    with pytest.raises(sigv4.VerificationError) as err:
        _verifier(CREDS, NOW).chunk_decoder(seed.method, seed.url, seed.headers)
    assert err.value.code == "InvalidRequest"


def test_chunked_unsigned_trailer_under_a_sigv4a_seed() -> None:
    signer = sigv4.Signer(CREDS, "*", "s3", algorithm=V4A, unsigned_payload=True)
    signed = signer.sign_chunked("PUT", "https://b.s3.amazonaws.com/k", b"hello", trailer="crc32", now=NOW)
    stream = _verifier(CREDS, NOW).verify_chunked(signed.method, signed.url, signed.headers, b"".join(signed.body))  # type: ignore[arg-type]
    assert b"".join(stream) == b"hello" and stream.result.algorithm == V4A


# ----------------------------------------------------------------------------- through the WSGI middleware


def test_wsgi_middleware_takes_sigv4a_uploads_and_presigned_gets() -> None:
    from sigv4 import wsgi as sigv4_wsgi
    from tests.verify.test_verify_middleware import _call_wsgi, _environ, make_wsgi_app

    store: dict[str, bytes] = {}
    app = sigv4_wsgi.SigV4Middleware(make_wsgi_app(store), _verifier(CREDS, NOW))
    signer = sigv4.Signer(CREDS, "*", "s3", algorithm=V4A)
    data = bytes(range(256)) * 100
    put = signer.sign_chunked("PUT", "https://mrap.accesspoint.s3-global.amazonaws.com/big", data, chunk_size=8192, now=NOW)
    wire = b"".join(put.body)  # type: ignore[arg-type]
    status, headers, _ = _call_wsgi(app, _environ(put, wire))
    assert status == 200 and store["/big"] == data and headers["x-signed-by"] == CREDS.access_key
    flipped = bytearray(wire)
    flipped[9000] ^= 1
    status, _, body = _call_wsgi(app, _environ(put, bytes(flipped)))
    assert status == 403 and b"SignatureDoesNotMatch" in body
    get = signer.presign("GET", "https://mrap.accesspoint.s3-global.amazonaws.com/big", 60, now=NOW)
    status, _, body = _call_wsgi(app, _environ(get, b""))
    assert status == 200 and body == data
    only_v4 = sigv4_wsgi.SigV4Middleware(make_wsgi_app(store), _verifier(CREDS, NOW, algorithms=[V4]))
    status, _, body = _call_wsgi(only_v4, _environ(get, b""))
    assert status in (400, 403) and b"AuthorizationQueryParametersError" in body
