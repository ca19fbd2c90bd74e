"""sigv4.core.bulk: presigning a manifest of keys under one signer.

Expected URLs come from botocore 1.44.8's S3SigV4QueryAuth / SigV4QueryAuth
(the oracle), given the same key encoded the way botocore's own S3 client
puts a key in a URL.  No timing is asserted here (see benchmarks/).
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.core.bulk import presign_keys, presign_urls
from tests import botocore_oracle as oracle
from tests.strategies import KEY_ALPHABET, access_keys, regions, secret_keys, times, tokens

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
BASE = "https://examplebucket.s3.amazonaws.com"
AWKWARD_KEYS = [
    "photos/2026/cat picture+1.jpg",
    "100% real.txt",
    "a/./b/../c//d",
    "é/ሴ/😀.png",
    "tilde~star*paren()",
    "semi;colon,comma=eq&amp?q#hash",
    "/leading-slash",
    "trailing-slash/",
    "%2F-already-looks-encoded",
    "tab\there",
]


def _boto_key_url(base: str, key: str) -> str:
    """The URL botocore's S3 client builds for a key: the key quoted with '/' and '~' kept."""
    return f"{base.rstrip('/')}/{quote(key, safe='/~')}"


def _oracle(
    base: str, key: str, *, region: str = "us-east-1", token: str | None = None, ak: str = AK, sk: str = SK, now: datetime = NOW
) -> str:
    return oracle.query_sign(
        s3=True,
        method="GET",
        url=_boto_key_url(base, key),
        headers=[],
        access_key=ak,
        secret_key=sk,
        token=token,
        region=region,
        service="s3",
        expires=3600,
        now=now,
    )


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _same_url(ours: str, theirs: str, s3: bool = True) -> None:
    """Same path (as sigv4 sends it: oracle.as_sigv4_sends) and the same query parameters
    (botocore orders its query differently)."""
    theirs = oracle.as_sigv4_sends(theirs, s3=s3)
    a, b = urlsplit(ours), urlsplit(theirs)
    assert (a.scheme, a.netloc, a.path) == (b.scheme, b.netloc, b.path)
    assert _params(ours) == _params(theirs)


def _signer(token: str | None = None, region: str = "us-east-1") -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials(AK, SK, token), region, "s3")


def test_awkward_keys_match_botocore() -> None:
    urls = presign_keys(_signer(), BASE, AWKWARD_KEYS, 3600, now=NOW)
    assert len(urls) == len(AWKWARD_KEYS)
    for key, url in zip(AWKWARD_KEYS, urls):
        _same_url(url, _oracle(BASE, key))


def test_urls_are_in_manifest_order_and_keys_appear_in_paths() -> None:
    keys = [f"dir/file-{i:05d}.bin" for i in range(2000)]
    urls = presign_keys(_signer(), BASE, keys, 3600, now=NOW)
    assert [urlsplit(u).path for u in urls] == [f"/{k}" for k in keys]
    assert len({_params(u)["X-Amz-Signature"][0] for u in urls}) == len(keys)
    for i in (0, 1, 999, 1999):
        _same_url(urls[i], _oracle(BASE, keys[i]))


@pytest.mark.parametrize(
    "base",
    [
        "https://s3.us-east-1.amazonaws.com/examplebucket",
        "https://s3.us-east-1.amazonaws.com/examplebucket/",
        "http://127.0.0.1:9000/bucket",
        "https://examplebucket.s3.amazonaws.com/",
        "https://examplebucket.s3.amazonaws.com/some%20prefix",
    ],
)
def test_path_style_and_prefixed_bases(base: str) -> None:
    keys = ["a b+c.txt", "x/y/z", "ü"]
    urls = presign_keys(_signer(), base, keys, 3600, now=NOW)
    for key, url in zip(keys, urls):
        _same_url(url, _oracle(base, key))


def test_session_token_is_carried() -> None:
    token = "FQoGZXIvYXdzEJr//////////wEaDOF+token/with+slashes=="
    urls = presign_keys(_signer(token), BASE, ["k1", "k 2"], 3600, now=NOW)
    for key, url in zip(["k1", "k 2"], urls):
        assert _params(url)["X-Amz-Security-Token"] == [token]
        _same_url(url, _oracle(BASE, key, token=token))


@settings(max_examples=100)
@given(
    keys=st.lists(st.lists(KEY_ALPHABET, min_size=1, max_size=10).map("".join), min_size=1, max_size=6),
    ak=access_keys,
    sk=secret_keys,
    token=tokens,
    region=regions,
    now=times,
)
def test_generated_manifests_match_botocore(
    keys: list[str], ak: str, sk: str, token: str | None, region: str, now: datetime
) -> None:
    signer = sigv4.Signer(sigv4.Credentials(ak, sk, token), region, "s3")
    urls = presign_keys(signer, BASE, keys, 3600, now=now)
    for key, url in zip(keys, urls):
        _same_url(url, _oracle(BASE, key, region=region, token=token, ak=ak, sk=sk, now=now))


def test_generic_service_rules_match_botocore() -> None:
    """A non-S3 signer (double encoding, normalisation) takes the general path per key."""
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "execute-api")
    base = "https://abc.execute-api.us-east-1.amazonaws.com/prod"
    keys = ["items/1", "items/a b"]
    urls = presign_keys(signer, base, keys, 3600, now=NOW)
    for key, url in zip(keys, urls):
        expected = oracle.query_sign(
            s3=False,
            method="GET",
            url=f"{base}/{quote(key, safe='/~')}",
            access_key=AK,
            secret_key=SK,
            service="execute-api",
            expires=3600,
            now=NOW,
        )
        _same_url(url, expected, s3=False)


def test_one_timestamp_for_the_whole_manifest() -> None:
    ticks = iter(range(1767268800, 1767268800 + 10_000))  # the clock moves one second per read
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3", clock=lambda: float(next(ticks)))
    urls = presign_keys(signer, BASE, [f"k{i}" for i in range(50)], 3600)
    assert {_params(u)["X-Amz-Date"][0] for u in urls} == {"20260101T120000Z"}
    urls = presign_urls(signer, "GET", [f"{BASE}/k{i}" for i in range(5)], 3600)
    assert len({_params(u)["X-Amz-Date"][0] for u in urls}) == 1


def test_put_method() -> None:
    url = presign_keys(_signer(), BASE, ["upload.bin"], 600, method="PUT", now=NOW)[0]
    expected = oracle.query_sign(
        s3=True, method="PUT", url=f"{BASE}/upload.bin", access_key=AK, secret_key=SK, service="s3", expires=600, now=NOW
    )
    _same_url(url, expected)


def test_presign_urls_mixed_hosts_and_queries_match_botocore() -> None:
    urls = [
        f"{BASE}/a%20b",
        "https://other.s3.amazonaws.com/x?versionId=3&response-content-type=text%2Fplain",
        "http://127.0.0.1:9000/bucket/k",
    ]
    got = presign_urls(_signer(), "GET", urls, 3600, now=NOW)
    for url, ours in zip(urls, got):
        theirs = oracle.query_sign(
            s3=True, method="GET", url=url, access_key=AK, secret_key=SK, service="s3", expires=3600, now=NOW
        )
        _same_url(ours, theirs)


def test_empty_manifest() -> None:
    assert presign_keys(_signer(), BASE, [], 3600, now=NOW) == []
    assert presign_keys(_signer(), BASE, iter(()), 3600, now=NOW) == []


def test_generator_of_keys() -> None:
    urls = presign_keys(_signer(), BASE, (k for k in ["a", "b"]), 3600, now=NOW)
    _same_url(urls[1], _oracle(BASE, "b"))


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ""])
def test_bad_keys_raise_signing_error_naming_the_field(bad: object) -> None:
    with pytest.raises(sigv4.SigningError) as info:
        presign_keys(_signer(), BASE, ["ok", bad], 3600, now=NOW)  # type: ignore[list-item]
    assert info.value.field == "keys"


def test_a_single_string_is_not_a_manifest() -> None:
    with pytest.raises(sigv4.SigningError) as info:
        presign_keys(_signer(), BASE, "photos/cat.jpg", 3600, now=NOW)
    assert info.value.field == "keys"


def test_a_base_url_with_a_query_is_refused() -> None:
    with pytest.raises(sigv4.InvalidURLError) as info:
        presign_keys(_signer(), BASE + "/?versionId=1", ["a"], 3600, now=NOW)
    assert info.value.field == "base_url"


def test_bad_inputs_are_checked_once_up_front() -> None:
    with pytest.raises(sigv4.InvalidExpiryError):
        presign_keys(_signer(), BASE, ["a"], 604801, now=NOW)
    with pytest.raises(sigv4.InvalidURLError):
        presign_keys(_signer(), "not a url", ["a"], 3600, now=NOW)
    with pytest.raises(sigv4.InvalidTimeError):
        presign_keys(_signer(), BASE, ["a"], 3600, now=datetime(2026, 1, 1))  # naive
    with pytest.raises(sigv4.SigningError):
        presign_keys(_signer(), BASE, ["a"], 3600, method="G E T", now=NOW)


def test_secret_never_in_output() -> None:
    urls = presign_keys(_signer(), BASE, ["a", "b"], 3600, now=NOW)
    assert not any(SK in u or quote(SK, safe="") in u for u in urls)
