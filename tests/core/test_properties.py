"""Property tests: what must not change a signature, and what each setting changes."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from tests.strategies import encoded_paths, encoded_queries, header_names, header_values, hosts

NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token/+=")

unique_headers = st.lists(st.tuples(header_names, header_values()), max_size=6, unique_by=lambda p: p[0].lower())
services = st.sampled_from(["s3", "execute-api"])


def _url(host: tuple[str, str], path: str, query: str) -> str:
    return f"{host[0]}://{host[1]}{path}" + (f"?{query}" if query else "")


def _sign(service: str, url: str, headers: object, **kw: object) -> sigv4.SignedRequest:
    return sigv4.Signer(CREDS, "us-east-1", service, **kw).sign("PUT", url, headers, b"body", now=NOW)  # type: ignore[arg-type]


@given(services, hosts, encoded_paths(), unique_headers, st.data())
def test_header_name_case_and_order_do_not_matter(service, host, path, headers, data) -> None:  # type: ignore[no-untyped-def]
    url = _url(host, path, "")
    base = _sign(service, url, headers)
    recased = [(data.draw(st.sampled_from([n.lower(), n.upper(), n.swapcase()])), v) for n, v in headers]
    shuffled = data.draw(st.permutations(recased))
    assert _sign(service, url, shuffled).signature == base.signature
    assert _sign(service, url, dict(shuffled)).signature == base.signature


@given(services, unique_headers, st.data())
def test_runs_of_inner_whitespace_do_not_matter(service, headers, data) -> None:  # type: ignore[no-untyped-def]
    url = "https://example.amazonaws.com/"
    base = _sign(service, url, headers)
    padded = [(n, v.replace(" ", data.draw(st.sampled_from([" ", "  ", " \t ", "\t"])))) for n, v in headers]
    assert _sign(service, url, padded).signature == base.signature


@given(services, hosts, encoded_paths(), encoded_queries(), st.randoms())
def test_query_pair_order_does_not_matter(service, host, path, query, rnd) -> None:  # type: ignore[no-untyped-def]
    pieces = query.split("&") if query else []
    shuffled = pieces[:]
    rnd.shuffle(shuffled)
    a = _sign(service, _url(host, path, query), None)
    b = _sign(service, _url(host, path, "&".join(shuffled)), None)
    assert a.canonical_request == b.canonical_request
    assert a.signature == b.signature


def _lines(signed: sigv4.SignedRequest) -> list[str]:
    return signed.canonical_request.split("\n")


@settings(max_examples=300)
@given(hosts, encoded_paths(), encoded_queries(), unique_headers)
def test_each_setting_changes_exactly_its_part(host, path, query, headers) -> None:  # type: ignore[no-untyped-def]
    url = _url(host, path, query)
    base = _sign("execute-api", url, headers)
    lines = _lines(base)

    # Path settings touch only the canonical URI (line 2).
    for change in ({"double_encode_path": False}, {"normalize_path": False}):
        other = _lines(_sign("execute-api", url, headers, **change))
        assert other[:1] + other[2:] == lines[:1] + lines[2:]

    # The payload settings touch only the payload hash (last line).
    unsigned = _lines(_sign("execute-api", url, headers, unsigned_payload=True))
    assert unsigned[:-1] == lines[:-1] and unsigned[-1] == "UNSIGNED-PAYLOAD"

    # content_sha256_header adds exactly one signed header carrying the payload hash.
    with_hash = _sign("execute-api", url, headers, content_sha256_header=True)
    assert set(with_hash.signed_headers) - set(base.signed_headers) == {"x-amz-content-sha256"}
    assert with_hash.headers["x-amz-content-sha256"] == lines[-1]
    assert _lines(with_hash)[:3] == lines[:3] and _lines(with_hash)[-1] == lines[-1]

    # omit_session_token: the token is still sent, no longer signed.
    omitted = _sign("execute-api", url, headers, omit_session_token=True)
    assert "x-amz-security-token" in base.signed_headers
    assert "x-amz-security-token" not in omitted.signed_headers
    assert omitted.headers["X-Amz-Security-Token"] == CREDS.token

    # unsigned_headers: a named header is sent but not signed.
    if headers:
        name = headers[0][0]
        skip = _sign("execute-api", url, headers, unsigned_headers={name.lower()})
        assert name.lower() not in skip.signed_headers
        assert name in skip.headers


@given(services, hosts, encoded_paths(), encoded_queries(), st.lists(st.tuples(header_names, header_values()), max_size=5))
def test_inputs_are_not_mutated_and_signing_is_deterministic(service, host, path, query, headers) -> None:  # type: ignore[no-untyped-def]
    url = _url(host, path, query)
    as_list = copy.deepcopy(headers)
    as_dict = dict(headers)
    dict_copy = dict(as_dict)
    first = _sign(service, url, as_list)
    assert as_list == headers
    _sign(service, url, as_dict)
    assert as_dict == dict_copy
    assert _sign(service, url, as_list).headers == first.headers


@given(services, hosts, encoded_paths(), encoded_queries(unique_keys=True), st.integers(1, 604800))
def test_presigned_url_carries_exactly_the_canonical_query(service, host, path, query, expires) -> None:  # type: ignore[no-untyped-def]
    """Pitfall 8: the URL we emit is the bytes we canonicalised (no '+' vs '%20' drift)."""
    signed = sigv4.Signer(CREDS, "us-east-1", service).presign("GET", _url(host, path, query), expires, now=NOW)
    emitted = signed.url.partition("?")[2].split("&")
    assert emitted[-1] == f"X-Amz-Signature={signed.signature}"
    canonical_query = signed.canonical_request.split("\n")[2]
    assert sorted(emitted[:-1], key=lambda kv: kv.partition("=")[::2]) == canonical_query.split("&")
