"""Published signatures verify: the AWS SigV4 suites (header and query cases,
with the suite's credentials at the suite's time) and the S3 API Reference's
worked examples (presigned GET, header-signed requests, the POST policy, both
aws-chunked uploads, at their documented times).  Expected verdicts come from
the publications: a published signature is a valid one."""

from __future__ import annotations

from typing import Any

import pytest

import sigv4
from sigv4.verify.verifier import parse_amz_date
from tests.vectorlib import Case, load_s3_examples, load_suite_cases, parse_signed_request

CASES = load_suite_cases()
HEADER = [c for c in CASES if c.header_signed_request is not None]
QUERY = [c for c in CASES if c.query_signed_request is not None]
EXAMPLES = {e["id"]: e for e in load_s3_examples()}


def _verifier(case: Case) -> sigv4.Verifier:
    ctx = case.context
    creds = sigv4.Credentials(ctx.access_key, ctx.secret_key, ctx.token)
    return sigv4.Verifier(lambda key: creds if key == ctx.access_key else None, clock=lambda: ctx.timestamp.timestamp())


def test_counts() -> None:
    assert (len(HEADER), len(QUERY)) == (73, 39)


def _expect(case: Case, run: Any) -> None:
    path = case.target.partition("?")[0]
    if not case.context.normalize and ("/." in path or "//" in path):
        # Signed without removing dot segments / "//": a server applying the generic
        # rules (the only ones a verifier can read off the wire) normalises, so the
        # signature cannot match -- exactly what AWS's generic services answer.
        with pytest.raises(sigv4.VerificationError) as err:
            run()
        assert err.value.code == "SignatureDoesNotMatch"
    else:
        result = run()
        assert result.access_key == case.context.access_key
        assert result.region == case.context.region and result.service == case.context.service


@pytest.mark.parametrize("case", HEADER, ids=lambda c: c.id)
def test_header_signed_request_verifies(case: Case) -> None:
    assert case.header_signed_request is not None
    method, _, headers, body = parse_signed_request(case.header_signed_request)
    verifier = _verifier(case)

    def run() -> sigv4.VerificationResult:
        result = verifier.verify(method, case.target, headers, body)
        assert result.canonical_request == case.header_canonical_request
        assert result.signature == case.header_signature
        return result

    _expect(case, run)


@pytest.mark.parametrize("case", QUERY, ids=lambda c: c.id)
def test_presigned_request_verifies(case: Case) -> None:
    assert case.query_signed_request is not None
    method, target, headers, body = parse_signed_request(case.query_signed_request)
    # The signed-request files show the target decoded ('+' for a literal plus):
    # take the case's own raw target and append the X-Amz-* parameters.
    auth = [p for p in target.partition("?")[2].split("&") if p.startswith("X-Amz-")]
    raw = case.target + ("&" if "?" in case.target else "?") + "&".join(auth)
    verifier = _verifier(case)

    def run() -> sigv4.VerificationResult:
        result = verifier.verify(method, raw, headers, body)
        assert result.canonical_request == case.query_canonical_request
        assert result.presigned and result.expires == case.context.expires
        return result

    _expect(case, run)


def _example_verifier(example: dict[str, Any]) -> sigv4.Verifier:
    creds = sigv4.Credentials(example["access_key"], example["secret_key"])
    stamp = parse_amz_date(example["timestamp"])
    assert stamp is not None
    return sigv4.Verifier(lambda key: creds if key == creds.access_key else None, clock=lambda: stamp)


def _data(spec: dict[str, Any]) -> bytes:
    return spec["repeat"].encode() * spec["length"] if "repeat" in spec else spec["text"].encode()


@pytest.mark.parametrize("example_id", [i for i, e in EXAMPLES.items() if e["kind"] == "header"])
def test_s3_header_examples(example_id: str) -> None:
    e = EXAMPLES[example_id]
    query = "&".join(f"{k}={v}" for k, v in e["query"])
    target = e["path"] + ("?" + query if query else "")
    headers = [*map(tuple, e["headers"]), ("Authorization", e["authorization"])]
    result = _example_verifier(e).verify(e["method"], target, headers, _data(e["body"]))
    assert result.canonical_request == e["canonical_request"]
    assert result.string_to_sign == e["string_to_sign"]
    assert result.payload_hash == e["payload_hash"]


def test_s3_presigned_get_example() -> None:
    e = EXAMPLES["query-presigned-get-object"]
    result = _example_verifier(e).verify("GET", e["presigned_url"], [])
    assert result.canonical_request == e["canonical_request"]
    assert (result.expires, result.payload_hash, result.signed_headers) == (86400, "UNSIGNED-PAYLOAD", ("host",))


def test_s3_presigned_get_example_expires_after_its_day() -> None:
    e = EXAMPLES["query-presigned-get-object"]
    creds = sigv4.Credentials(e["access_key"], e["secret_key"])
    stamp = parse_amz_date(e["timestamp"])
    assert stamp is not None
    late = sigv4.Verifier(lambda key: creds, clock=lambda: stamp + 86401)
    with pytest.raises(sigv4.VerificationError) as err:
        late.verify("GET", e["presigned_url"], [])
    assert (err.value.code, err.value.message) == ("AccessDenied", "Request has expired")


def test_s3_post_policy_example() -> None:
    e = EXAMPLES["post-policy-browser-upload"]
    fields = [*map(tuple, e["form_fields"]), ("X-Amz-Signature", e["signature"])]
    result = _example_verifier(e).verify_post(f"https://{e['host']}/", fields, 1024, filename="photo.jpg")
    assert result.key == "user/user1/photo.jpg"
    assert result.string_to_sign == e["policy_base64"]
    # One byte of the policy changed: refused.
    tampered = [(n, v[:-2] + ("A" if v[-2] != "A" else "B") + v[-1]) if n == "Policy" else (n, v) for n, v in fields]
    with pytest.raises(sigv4.VerificationError) as err:
        _example_verifier(e).verify_post(f"https://{e['host']}/", tampered, 1024)
    assert err.value.code == "SignatureDoesNotMatch"


def _chunked_wire(e: dict[str, Any]) -> bytes:
    wire = b""
    for chunk in e["chunks"]:
        wire += chunk["header"].encode() + b"\r\n" + _data(chunk["data"]) + (b"\r\n" if chunk["size"] else b"")
    if e.get("trailer"):
        return wire + e["trailer"]["sent"].replace("\n", "\r\n").encode() + b"\r\n\r\n"
    return wire + b"\r\n"


@pytest.mark.parametrize("example_id", ["chunked-put-object", "chunked-put-object-trailer"])
@pytest.mark.parametrize("piece", [1, 1000, 65536, 1 << 20])
def test_s3_chunked_examples(example_id: str, piece: int) -> None:
    e = EXAMPLES[example_id]
    # The trailer example's Authorization lists the wrong SignedHeaders (a published
    # inconsistency, see the example's notes): use its canonical request's list.
    auth = (
        f"AWS4-HMAC-SHA256 Credential={e['access_key']}/{e['timestamp'][:8]}/{e['region']}/{e['service']}/aws4_request,"
        f"SignedHeaders={e['signed_headers']},Signature={e['signature']}"
    )
    headers = [*map(tuple, e["headers"]), ("Authorization", auth)]
    wire = _chunked_wire(e)
    pieces = [wire[i : i + piece] for i in range(0, len(wire), piece)]
    data = b"".join(_example_verifier(e).verify_chunked(e["method"], e["path"], headers, pieces))
    assert data == _data(e["body"])


def test_s3_chunked_example_tampered_chunk_is_refused_before_its_data() -> None:
    e = EXAMPLES["chunked-put-object"]
    auth = e["authorization"]
    headers = [*map(tuple, e["headers"]), ("Authorization", auth)]
    wire = bytearray(_chunked_wire(e))
    wire[200] ^= 0x01  # inside the first chunk's data
    out = _example_verifier(e).verify_chunked(e["method"], e["path"], headers, [bytes(wire)])
    with pytest.raises(sigv4.VerificationError) as err:
        next(out)
    assert err.value.code == "SignatureDoesNotMatch"
