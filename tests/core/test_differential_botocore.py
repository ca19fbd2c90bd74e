"""sigv4 against botocore 1.44.8 on generated requests: identical signatures.

Four signers, four tests: generic header (SigV4Auth), generic query
(SigV4QueryAuth), S3 header (S3SigV4Auth), S3 query (S3SigV4QueryAuth).
Inputs cover unicode and reserved characters in paths and queries, repeated
keys, empty values, bare flags, session tokens, multi-line and padded header
values.  Where botocore cannot represent an input (its query signer keeps one
value per key, and folds a form body into the query), the strategy avoids it.
"""

from __future__ import annotations

from botocore.auth import SIGNED_HEADERS_BLACKLIST
from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from tests import botocore_oracle as oracle
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
    times,
    tokens,
)

bodies = st.one_of(st.just(b""), st.binary(max_size=64), st.text(max_size=20).map(str.encode))


def _url(host: tuple[str, str], path: str, query: str) -> str:
    scheme, netloc = host
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


@st.composite
def header_cases(draw: st.DrawFn, s3: bool) -> dict[str, object]:
    return {
        "method": draw(methods),
        "url": _url(draw(hosts), draw(encoded_paths()), draw(encoded_queries())),
        "headers": draw(header_lists),
        "body": draw(bodies),
        "access_key": draw(access_keys),
        "secret_key": draw(secret_keys),
        "token": draw(tokens),
        "region": draw(regions),
        "service": "s3" if s3 else draw(generic_services),
        "now": draw(times),
    }


@st.composite
def query_cases(draw: st.DrawFn, s3: bool) -> dict[str, object]:
    return {
        "method": draw(methods),
        # botocore's presigner keeps one value per key and drops bare flags' '='
        # semantics: give it unique keys.
        "url": _url(draw(hosts), draw(encoded_paths()), draw(encoded_queries(unique_keys=True, allow_bare=False))),
        "headers": draw(header_lists),
        "access_key": draw(access_keys),
        "secret_key": draw(secret_keys),
        "token": draw(tokens),
        "region": draw(regions),
        "service": "s3" if s3 else draw(generic_services),
        "expires": draw(st.integers(min_value=1, max_value=604800)),
        "now": draw(times),
    }


def _signer(case: dict[str, object]) -> sigv4.Signer:
    """Our signer, with the oracle's list of unsigned headers: the test compares
    signing, and older botocore releases (the oracle on Python 3.9) leave fewer
    headers unsigned than 1.44.8, whose list is our default (tested below)."""
    creds = sigv4.Credentials(case["access_key"], case["secret_key"], case["token"])  # type: ignore[arg-type]
    return sigv4.Signer(creds, case["region"], case["service"], unsigned_headers=SIGNED_HEADERS_BLACKLIST)  # type: ignore[arg-type]


def _check_header(case: dict[str, object], s3: bool) -> None:
    ours = _signer(case).sign(case["method"], case["url"], case["headers"], case["body"], now=case["now"])  # type: ignore[arg-type]
    theirs = oracle.header_sign(s3=s3, **case)  # type: ignore[arg-type]
    assert ours.headers["Authorization"] == theirs["Authorization"], ours.canonical_request
    assert ours.headers["X-Amz-Date"] == theirs["X-Amz-Date"]
    if case["token"]:
        assert ours.headers["X-Amz-Security-Token"] == theirs["X-Amz-Security-Token"]
    if s3:
        assert ours.headers["x-amz-content-sha256"] == theirs["X-Amz-Content-SHA256"]


def _check_query(case: dict[str, object], s3: bool) -> None:
    ours = _signer(case).presign(case["method"], case["url"], case["expires"], case["headers"], now=case["now"])  # type: ignore[arg-type]
    theirs = oracle.query_sign(s3=s3, **case)  # type: ignore[arg-type]
    assert ours.url == oracle.as_sigv4_sends(theirs, s3=s3), ours.canonical_request


@settings(max_examples=600)
@given(header_cases(s3=False))
def test_generic_header_signing_matches_botocore(case: dict[str, object]) -> None:
    _check_header(case, s3=False)


@settings(max_examples=600)
@given(header_cases(s3=True))
def test_s3_header_signing_matches_botocore(case: dict[str, object]) -> None:
    _check_header(case, s3=True)


@settings(max_examples=450)
@given(query_cases(s3=False))
def test_generic_presign_matches_botocore(case: dict[str, object]) -> None:
    _check_query(case, s3=False)


@settings(max_examples=450)
@given(query_cases(s3=True))
def test_s3_presign_matches_botocore(case: dict[str, object]) -> None:
    _check_query(case, s3=True)


def test_unsigned_headers_are_botocores() -> None:
    """Our default unsigned headers are botocore 1.44.8's list (older releases
    have a subset: they predate the trace-context headers)."""
    import botocore

    ours = sigv4.SigningSettings().unsigned_headers
    assert frozenset(SIGNED_HEADERS_BLACKLIST) <= ours
    if botocore.__version__ == "1.44.8":
        assert ours == frozenset(SIGNED_HEADERS_BLACKLIST)
    else:
        assert ours - frozenset(SIGNED_HEADERS_BLACKLIST) <= {"traceparent", "tracestate", "baggage"}
