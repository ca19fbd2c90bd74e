"""Properties: whatever the signer produces verifies; any change to a signed part
is refused with the code S3 would give; unsigned headers may change freely.

The signer is the generator here, not the oracle: the expected verdict of an
untouched request is "accepted" (the spec's definition of a signature), and of
a tampered one "refused" with a code fixed by the rule broken.  botocore and
the published vectors are the oracles in the other test files.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import sigv4
from sigv4.core.checksums import ALGORITHMS
from tests.strategies import (
    access_keys,
    encoded_paths,
    encoded_queries,
    generic_services,
    header_lists,
    hosts,
    methods,
    regions,
    secret_keys,
    segments,
    times,
    tokens,
)
from tests.verify.tampering import replace_query_param, tamper

services = st.one_of(st.just("s3"), generic_services)


def _verifier(creds: sigv4.Credentials, when: datetime) -> sigv4.Verifier:
    return sigv4.Verifier(lambda key: creds if key == creds.access_key else None, clock=lambda: when.timestamp())


@st.composite
def requests(draw: st.DrawFn) -> dict[str, object]:
    scheme, host = draw(hosts)
    path, query = draw(encoded_paths()), draw(encoded_queries())
    return {
        "creds": sigv4.Credentials(draw(access_keys), "wJalrXUtnFEMI/" + draw(secret_keys), draw(tokens)),
        "region": draw(regions),
        "service": draw(services),
        "method": draw(methods),
        "url": f"{scheme}://{host}{path}" + (f"?{query}" if query else ""),
        # One line per name: a repeated name is joined on the wire in a way a server
        # cannot undo (see test_verify_signer_bugs.py).
        "headers": list({n.lower(): (n, v) for n, v in draw(header_lists)}.values()),
        "body": draw(st.binary(max_size=64)),
        "when": draw(times),
        "unsigned_payload": draw(st.booleans()),  # S3 only: sends x-amz-content-sha256: UNSIGNED-PAYLOAD
    }


def _sign(r: dict[str, object], presign: bool) -> sigv4.SignedRequest:
    unsigned = bool(r["unsigned_payload"]) and r["service"] == "s3"
    signer = sigv4.Signer(r["creds"], r["region"], r["service"], unsigned_payload=unsigned or None)  # type: ignore[arg-type]
    if presign:
        return signer.presign(r["method"], r["url"], 3600, headers=r["headers"], body=r["body"], now=r["when"])  # type: ignore[arg-type]
    return signer.sign(r["method"], r["url"], headers=r["headers"], body=r["body"], now=r["when"])  # type: ignore[arg-type]


@given(r=requests(), presign=st.booleans())
def test_every_signed_request_verifies(r: dict[str, object], presign: bool) -> None:
    signed = _sign(r, presign)
    result = _verifier(r["creds"], r["when"]).verify(signed.method, signed.url, signed.headers, r["body"])  # type: ignore[arg-type]
    assert result.canonical_request == signed.canonical_request
    assert result.signature == signed.signature
    assert (result.region, result.service, result.presigned) == (r["region"], r["service"], presign)
    assert result.signed_headers == signed.signed_headers
    assert result.expires == (3600 if presign else None)


PARTS = ["method", "path", "query", "signed header", "body", "signature", "date", "scope", "token"]


@given(r=requests(), presign=st.booleans(), part=st.sampled_from(PARTS), where=st.integers(0, 10_000))
def test_changing_a_signed_part_is_refused(r: dict[str, object], presign: bool, part: str, where: int) -> None:
    signed = _sign(r, presign)
    creds: sigv4.Credentials = r["creds"]  # type: ignore[assignment]
    s3 = r["service"] == "s3"
    unsigned_payload = bool(r["unsigned_payload"])
    method, url, headers, body, expected = tamper(
        part, signed, r["body"], where, presign=presign, s3=s3, unsigned_payload=unsigned_payload, untouched=("host",)
    )  # type: ignore[arg-type]
    if part == "scope":
        if presign:
            url = replace_query_param(
                url, "X-Amz-Credential", lambda v: v.replace("%2F" + r["region"] + "%2F", "%2Fzz-west-9%2F")
            )  # type: ignore[operator]
        else:
            headers["Authorization"] = headers["Authorization"].replace("/" + r["region"] + "/", "/zz-west-9/")  # type: ignore[operator]
    elif part == "token":
        expected = {"InvalidToken"}
        if presign:
            if creds.token:
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
        assert err.value.canonical_request is not None and err.value.string_to_sign is not None
    assert creds.secret_key not in str(err.value) + (err.value.canonical_request or "") + (err.value.string_to_sign or "")


@given(
    r=requests(),
    presign=st.booleans(),
    name=st.sampled_from(["User-Agent", "X-Forwarded-For", "Accept", "traceparent", "Via", "x-custom-after"]),
    value=st.text(alphabet="abc XYZ019=;,/", max_size=20),
)
def test_an_unsigned_header_may_change(r: dict[str, object], presign: bool, name: str, value: str) -> None:
    signed = _sign(r, presign)
    assume(name.lower() not in signed.signed_headers)
    headers = [(k, v) for k, v in signed.headers.items() if k.lower() != name.lower()] + [(name, value)]
    _verifier(r["creds"], r["when"]).verify(signed.method, signed.url, headers, r["body"])  # type: ignore[arg-type]


@given(
    r=requests(),
    unsigned=st.booleans(),
    trailer=st.sampled_from([None, *ALGORITHMS]),
    size=st.integers(0, 40_000),
    chunk_size=st.sampled_from([8192, 8193, 10_000]),
    piece=st.integers(1, 30_000),
    flip=st.one_of(st.none(), st.integers(0, 10**9)),
)
def test_chunked_uploads_verify_and_any_flipped_byte_is_refused(
    r: dict[str, object], unsigned: bool, trailer: str | None, size: int, chunk_size: int, piece: int, flip: int | None
) -> None:
    assume(not (unsigned and trailer is None))
    data = bytes(i % 251 for i in range(size))
    signer = sigv4.Signer(r["creds"], r["region"], "s3", unsigned_payload=unsigned)  # type: ignore[arg-type]
    signed = signer.sign_chunked("PUT", r["url"], data, chunk_size=chunk_size, trailer=trailer, now=r["when"])  # type: ignore[arg-type]
    wire = bytearray(b"".join(signed.body))  # type: ignore[attr-defined]
    verifier = _verifier(r["creds"], r["when"])  # type: ignore[arg-type]
    if flip is not None:
        wire[flip % len(wire)] ^= 0x01
    pieces = [bytes(wire[i : i + piece]) for i in range(0, len(wire), piece)]
    out = verifier.verify_chunked("PUT", signed.url, signed.headers, pieces)
    if flip is None:
        assert b"".join(out) == data
        return
    with pytest.raises(sigv4.VerificationError) as err:
        for _ in out:
            pass
    assert err.value.code in {"SignatureDoesNotMatch", "BadDigest", "IncompleteBody", "InvalidRequest"}


@given(r=requests(), size=st.integers(1, 30_000), where=st.integers(0, 10**9))
def test_a_signed_chunk_is_never_yielded_before_its_signature_checks(r: dict[str, object], size: int, where: int) -> None:
    data = bytes(i % 253 for i in range(size))
    signer = sigv4.Signer(r["creds"], r["region"], "s3")  # type: ignore[arg-type]
    signed = signer.sign_chunked("PUT", r["url"], data, chunk_size=8192, now=r["when"])  # type: ignore[arg-type]
    chunks = list(signed.body)  # type: ignore[call-overload]
    # Flip one data byte of chunk k: chunks 0..k-1 come out, chunk k never does.
    k = where % (len(chunks) - 1)
    head_len = chunks[k].index(b"\r\n") + 2
    bad = bytearray(chunks[k])
    bad[head_len + where % (len(bad) - head_len - 2)] ^= 0x01
    chunks[k] = bytes(bad)
    got = []
    with pytest.raises(sigv4.VerificationError) as err:
        for part in _verifier(r["creds"], r["when"]).verify_chunked("PUT", signed.url, signed.headers, chunks):  # type: ignore[arg-type]
            got.append(part)
    assert err.value.code == "SignatureDoesNotMatch"
    assert b"".join(got) == data[: k * 8192]


@given(
    r=requests(),
    raw=st.lists(segments, min_size=1, max_size=4).map("/".join),
    presign=st.booleans(),
)
def test_s3_raw_keys_verify(r: dict[str, object], raw: str, presign: bool) -> None:
    """S3 URLs written with raw keys (spaces, '%', '+', unicode, '//', '..'): the signer
    sends each byte encoded once, which is also the canonical form."""
    r = dict(r, service="s3", url="https://bucket.s3.amazonaws.com/" + raw.replace("?", "%3F").replace("#", "%23"))
    signed = _sign(r, presign)
    result = _verifier(r["creds"], r["when"]).verify(signed.method, signed.url, signed.headers, r["body"])  # type: ignore[arg-type]
    assert result.canonical_request == signed.canonical_request
