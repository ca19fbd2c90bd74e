"""Every published vector, in header and query mode, byte for byte.

Suites: botocore's copy of the AWS SigV4 test suite (34), aws-c-auth v4 (38,
header and query), smithy-rs extras (3), and the S3 API Reference's worked
examples.  Settings come from each case's context (normalize, sign_body,
omit_session_token) — never from its name.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

import pytest

import sigv4
from sigv4.core.canonical import canonical_uri
from sigv4.core.keys import signature
from tests.vectorlib import Case, load_s3_examples, load_suite_cases, parse_signed_request

CASES = load_suite_cases()
HEADER_CASES = [c for c in CASES if c.header_canonical_request is not None]
QUERY_CASES = [c for c in CASES if c.query_canonical_request is not None]
S3_EXAMPLES = {e["id"]: e for e in load_s3_examples()}


def test_suite_counts() -> None:
    counts = {s: sum(1 for c in CASES if c.suite == s) for s in ("botocore", "aws-c-auth", "smithy-rs-extra")}
    assert counts == {"botocore": 34, "aws-c-auth": 38, "smithy-rs-extra": 3}
    assert len(QUERY_CASES) == 39  # aws-c-auth's 38 + get-query-plus


def _signer(case: Case, *, header_mode: bool) -> sigv4.Signer:
    ctx = case.context
    creds = sigv4.Credentials(ctx.access_key, ctx.secret_key, ctx.token)
    return sigv4.Signer(
        creds,
        ctx.region,
        ctx.service,
        normalize_path=ctx.normalize,
        omit_session_token=ctx.omit_session_token,
        content_sha256_header=ctx.sign_body and header_mode,
    )


def _url(case: Case) -> str:
    host = next(v for n, v in case.headers if n.lower() == "host").strip()
    return f"https://{host}{case.target}"


def _split_target(target: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """Path and query pairs with escapes decoded.  The suites' signed-request
    files show targets decoded (``/example space/``, ``?c+d`` for a literal
    plus), so ``+`` is not read as a space here."""
    path, _, query = target.partition("?")
    pairs = [piece.partition("=") for piece in query.split("&") if piece]
    return unquote_to_bytes(path), sorted((unquote_to_bytes(k), unquote_to_bytes(v)) for k, _, v in pairs)


def _headers_view(headers: Any) -> dict[str, str]:
    """Lower-case names, whitespace-collapsed values, repeated names joined with ','."""
    view: dict[str, str] = {}
    for name, value in headers:
        value = " ".join(value.split())
        view[name.lower()] = f"{view[name.lower()]},{value}" if name.lower() in view else value
    return view


def _assert_sent_as_expected(signed: sigv4.SignedRequest, expected_text: str, case: Case) -> None:
    """The signed request as parsed (method, path, query pairs, headers, body)
    equals the suite's; our URL percent-encodes what the files show raw."""
    method, target, headers, body = parse_signed_request(expected_text)
    parts = urlsplit(signed.url)
    ours_target = parts.path + (f"?{parts.query}" if parts.query else "")
    assert signed.method == method
    if _signer(case, header_mode=True).settings.normalize_path:
        # A normalising service is sent its path normalised (no dot segment left for an
        # HTTP client to remove): the suite's canonical URI before its second encoding.
        assert quote(parts.path, safe="/~") == signed.canonical_request.split("\n")[1]
        assert _split_target(ours_target)[1] == _split_target(target)[1]
    else:
        assert _split_target(ours_target) == _split_target(target)
    ours_headers = _headers_view(signed.headers.items())
    assert ours_headers == _headers_view(headers)
    assert signed.body == body


def _raw_request_line(case: Case) -> bool:
    """The suite's request line carries raw bytes in the path (``get-utf8``: ``/ሴ``,
    ``get-space``: ``/example space/``), which no ASCII URL can carry.  A client sends
    them escaped, and the server then encodes the escaped path a second time, so the
    signer signs ``/%25E1...`` (tests/core/test_wire.py); the suite's canonical form
    is checked through the pure spec functions instead (test_raw_request_lines)."""
    path = case.target.partition("?")[0]
    return not path.isascii() or " " in path


RAW_LINE_CASES = [c for c in CASES if _raw_request_line(c)]


def test_raw_request_line_cases_are_the_expected_ones() -> None:
    assert sorted(c.id for c in RAW_LINE_CASES) == [
        "aws-c-auth/get-space-normalized",
        "aws-c-auth/get-space-unnormalized",
        "aws-c-auth/get-utf8",
        "botocore/get-utf8",
        "botocore/normalize-path/get-space",
    ]


RAW_LINE_PARAMS = [
    pytest.param(case, mode, id=f"{mode}-{case.id}")
    for case in RAW_LINE_CASES
    for mode in ("header", "query")
    if (case.header_canonical_request if mode == "header" else case.query_canonical_request) is not None
]


@pytest.mark.parametrize(("case", "mode"), RAW_LINE_PARAMS)
def test_raw_request_lines(case: Case, mode: str) -> None:
    """The pure functions give the suite's canonical URI, string to sign and signature
    for the raw request line; the Signer, handed the same URL, signs what it sends."""
    creq = case.header_canonical_request if mode == "header" else case.query_canonical_request
    assert creq is not None
    ctx = case.context
    raw_path = case.target.partition("?")[0]
    assert canonical_uri(raw_path, double_encode=True, normalize=ctx.normalize) == creq.split("\n")[1]
    date = ctx.timestamp.strftime("%Y%m%dT%H%M%SZ")
    scope = sigv4.credential_scope(date[:8], ctx.region, ctx.service)
    sts = sigv4.string_to_sign(date, scope, creq)
    assert sts == (case.header_string_to_sign if mode == "header" else case.query_string_to_sign)
    key = sigv4.signing_key(ctx.secret_key, date[:8], ctx.region, ctx.service)
    assert signature(key, sts) == (case.header_signature if mode == "header" else case.query_signature)
    signer = _signer(case, header_mode=mode == "header")
    if mode == "header":
        signed = signer.sign(case.method, _url(case), case.headers, case.body, now=ctx.timestamp)
    else:
        assert ctx.expires is not None
        signed = signer.presign(case.method, _url(case), ctx.expires, case.headers, case.body, now=ctx.timestamp)
    wire_path = urlsplit(signed.url).path
    assert wire_path.isascii() and " " not in wire_path
    assert unquote_to_bytes(wire_path) == raw_path.encode()
    ours = signed.canonical_request.split("\n")
    assert ours[1] == canonical_uri(wire_path, double_encode=True, normalize=ctx.normalize)
    assert ours[:1] + ours[2:] == creq.split("\n")[:1] + creq.split("\n")[2:]


@pytest.mark.parametrize("case", [c for c in HEADER_CASES if not _raw_request_line(c)], ids=lambda c: c.id)
def test_header_signing(case: Case) -> None:
    signed = _signer(case, header_mode=True).sign(case.method, _url(case), case.headers, case.body, now=case.context.timestamp)
    assert signed.canonical_request == case.header_canonical_request
    if case.canonical_request_only:
        return
    assert signed.string_to_sign == case.header_string_to_sign
    assert signed.signature == case.header_signature
    if case.header_authorization is not None:
        assert signed.headers["Authorization"] == case.header_authorization
    if case.header_signed_request is not None:
        _assert_sent_as_expected(signed, case.header_signed_request, case)


@pytest.mark.parametrize("case", [c for c in QUERY_CASES if not _raw_request_line(c)], ids=lambda c: c.id)
def test_query_signing(case: Case) -> None:
    assert case.context.expires is not None
    signed = _signer(case, header_mode=False).presign(
        case.method, _url(case), case.context.expires, case.headers, case.body, now=case.context.timestamp
    )
    assert signed.canonical_request == case.query_canonical_request
    assert signed.string_to_sign == case.query_string_to_sign
    assert signed.signature == case.query_signature
    assert case.query_signed_request is not None
    _assert_sent_as_expected(signed, case.query_signed_request, case)


def test_normalized_pairs_differ_only_by_setting() -> None:
    """Each *-normalized / *-unnormalized pair is the same request; only the
    normalize setting differs, and the expected results follow it."""
    by_name = {c.name: c for c in CASES if c.suite == "aws-c-auth"}
    pairs = [(n, n.replace("-normalized", "-unnormalized")) for n in by_name if n.endswith("-normalized")]
    assert len(pairs) == 7
    for norm, unnorm in pairs:
        a, b = by_name[norm], by_name[unnorm]
        assert (a.method, a.target, a.headers) == (b.method, b.target, b.headers)
        assert (a.context.normalize, b.context.normalize) == (True, False)


# -- S3 API Reference worked examples ------------------------------------------------


def _example_now(example: dict[str, Any]) -> datetime:
    return datetime.strptime(example["timestamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def _example_url(example: dict[str, Any]) -> str:
    from urllib.parse import quote

    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" if v else quote(k, safe="") for k, v in example["query"])
    return f"https://{example['host']}{quote(example['path'], safe='/')}" + (f"?{query}" if query else "")


def _example_signer(example: dict[str, Any]) -> sigv4.Signer:
    creds = sigv4.Credentials(example["access_key"], example["secret_key"])
    return sigv4.Signer(creds, example["region"], example["service"])


HEADER_EXAMPLES = [i for i, e in S3_EXAMPLES.items() if e["kind"] == "header"]


@pytest.mark.parametrize("example_id", HEADER_EXAMPLES)
@pytest.mark.parametrize("send_hash_header", [True, False], ids=["caller-hash", "computed-hash"])
def test_s3_header_examples(example_id: str, send_hash_header: bool) -> None:
    example = S3_EXAMPLES[example_id]
    headers = [(n, v) for n, v in example["headers"] if send_hash_header or n.lower() != "x-amz-content-sha256"]
    body = example["body"]["text"].encode()
    signed = _example_signer(example).sign(example["method"], _example_url(example), headers, body, now=_example_now(example))
    assert signed.canonical_request == example["canonical_request"]
    assert signed.string_to_sign == example["string_to_sign"]
    assert signed.signature == example["signature"]
    assert ";".join(signed.signed_headers) == example["signed_headers"]


def test_s3_header_examples_present() -> None:
    assert sorted(HEADER_EXAMPLES) == sorted(
        ["header-get-object-range", "header-put-object", "header-get-bucket-lifecycle", "header-get-bucket-list-objects"]
    )


def test_s3_presigned_get_example() -> None:
    example = S3_EXAMPLES["query-presigned-get-object"]
    signed = _example_signer(example).presign("GET", _example_url(example), example["expires"], now=_example_now(example))
    assert signed.canonical_request == example["canonical_request"]
    assert signed.string_to_sign == example["string_to_sign"]
    assert signed.signature == example["signature"]
    assert signed.url == example["presigned_url"]


def test_signing_key_matches_spec_derivation_example() -> None:
    """The key derivation example of the AWS General Reference (iam secret
    wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam)."""
    key = sigv4.signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
