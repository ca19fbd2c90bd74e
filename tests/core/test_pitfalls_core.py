"""Regression tests for the core items of shared/notes/field-pitfalls.md
(1, 2, 3, 5, 6, 8, 17, 18).  Expected values come from botocore 1.44.8 or
from the spec's rules spelled out literally; the end-to-end versions run
against the S3 gateway in test_e2e_*.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import datetime, timezone

import pytest
from freezegun import freeze_time

import sigv4
from sigv4.core import keys
from tests import botocore_oracle as oracle

NOW = datetime(2026, 11, 29, 8, 30, tzinfo=timezone.utc)
CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def s3() -> sigv4.Signer:
    return sigv4.Signer(CREDS, "us-east-1", "s3")


def generic() -> sigv4.Signer:
    return sigv4.Signer(CREDS, "us-east-1", "execute-api")


def _uri(signed: sigv4.SignedRequest) -> str:
    return signed.canonical_request.split("\n")[1]


def _query(signed: sigv4.SignedRequest) -> str:
    return signed.canonical_request.split("\n")[2]


@pytest.mark.parametrize(
    "path", ["/bucket/a/./b", "/bucket/a/../b", "/bucket//double//slash", "/bucket/trailing/.", "/bucket/.."]
)
def test_1_and_17_s3_never_normalizes_but_generic_does(path: str) -> None:
    url = f"https://s3.amazonaws.com{path}"
    assert _uri(s3().sign("GET", url, now=NOW)) == path
    boto = oracle.header_sign(
        s3=True,
        method="GET",
        url=url,
        headers=[],
        body=b"",
        access_key=CREDS.access_key,
        secret_key=CREDS.secret_key,
        token=None,
        region="us-east-1",
        service="s3",
        now=NOW,
    )
    assert s3().sign("GET", url, now=NOW).headers["Authorization"] == boto["Authorization"]
    generic_uri = _uri(generic().sign("GET", url, now=NOW))
    assert "//" not in generic_uri and "/./" not in generic_uri and "/../" not in generic_uri


def test_2_raw_spaces_in_query_equal_params_form() -> None:
    """However the caller wrote the space, the canonical query is the same."""
    forms = ["a=b c", "a=b+c", "a=b%20c"]
    queries = {_query(generic().sign("GET", f"https://example.com/?{q}", now=NOW)) for q in forms}
    assert queries == {"a=b%20c"}
    # The URL we hand back is the encoded form, so what is sent is what was signed.
    assert generic().sign("GET", "https://example.com/?a=b c", now=NOW).url == "https://example.com/?a=b%20c"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://127.0.0.1:9000/b/k", "127.0.0.1:9000"),
        ("https://minio.local:9000/b/k", "minio.local:9000"),
        ("https://example.com:443/b/k", "example.com"),
        ("http://example.com:80/b/k", "example.com"),
        ("http://example.com:443/b/k", "example.com:443"),
        ("https://user:pw@Example.COM:8443/b", "example.com:8443"),
        ("http://[::1]:9000/b", "[::1]:9000"),
    ],
)
def test_3_non_default_port_is_signed_in_host(url: str, host: str) -> None:
    signed = s3().sign("GET", url, now=NOW)
    assert f"\nhost:{host}\n" in signed.canonical_request


def test_5_plus_is_space_and_literal_plus_is_2b() -> None:
    assert _query(generic().sign("GET", "https://example.com/?q=a+b", now=NOW)) == "q=a%20b"
    assert _query(generic().sign("GET", "https://example.com/?q=a%2Bb", now=NOW)) == "q=a%2Bb"
    presigned = s3().presign("GET", "https://example.com/k?q=a+b&r=c%2Bd", 60, now=NOW).url
    assert presigned.startswith("https://example.com/k?q=a%20b&r=c%2Bd&X-Amz-Algorithm=")


def test_6_query_is_a_list_of_pairs() -> None:
    q = _query(generic().sign("GET", "https://example.com/?b=2&a=b=c&flag&b=1&empty=&b=1", now=NOW))
    assert q == "a=b%3Dc&b=1&b=1&b=2&empty=&flag="


def test_8_emitted_url_is_the_canonical_encoding() -> None:
    signed = s3().presign("GET", "https://example.com/a b+c/é?x=1 2", 60, now=NOW)
    assert signed.url.startswith("https://example.com/a%20b%2Bc/%C3%A9?x=1%202&")
    assert _uri(signed) == "/a%20b%2Bc/%C3%A9"
    assert "x=1%202" in _query(signed)


def test_18_signed_headers_sorted_s3_path_encoded_once_content_sha256_signed() -> None:
    signed = s3().sign(
        "PUT", "https://b.s3.amazonaws.com/photos/cat%20picture%2B1.jpg", {"Zeta": "1", "Alpha": "2"}, b"x", now=NOW
    )
    assert list(signed.signed_headers) == sorted(signed.signed_headers)
    assert (
        signed.headers["Authorization"].split("SignedHeaders=")[1].startswith("alpha;host;x-amz-content-sha256;x-amz-date;zeta,")
    )
    assert _uri(signed) == "/photos/cat%20picture%2B1.jpg"  # once, not %2520
    assert _uri(generic().sign("PUT", "https://example.com/cat%20picture", now=NOW)) == "/cat%2520picture"


def test_clock_is_read_at_the_edge_and_freezable() -> None:
    example = sigv4.Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    url = "https://examplebucket.s3.amazonaws.com/test.txt"
    signer = sigv4.Signer(example, "us-east-1", "s3")  # created before the clock is frozen
    with freeze_time("2013-05-24 00:00:00"):
        signed = signer.presign("GET", url, 86400)
    assert signed.amz_date == "20130524T000000Z"
    # AWS's published signature for this presigned GET (S3 API Reference).
    assert signed.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    injected = sigv4.Signer(example, "us-east-1", "s3", clock=lambda: 1369353600.0)
    assert injected.presign("GET", url, 86400).signature == signed.signature


def test_signing_key_cache_is_bounded_and_thread_safe() -> None:
    """A cache of its own (the module's is shared with every other test): 16 threads
    deriving 112 distinct keys through a cache of 50 leave at most 50, each one right."""
    cache = keys.KeyCache(maxsize=50)
    results: list[tuple[tuple[str, str], bytes]] = []

    def work(i: int) -> None:
        for day in range(1, 29):
            args = (f"secret{i % 4}", f"202611{day:02d}")
            key = cache.get(args, lambda a=args: keys.derive_signing_key(a[0], a[1], "us-east-1", "s3"))
            results.append((args, key))  # type: ignore[arg-type]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    info = cache.info()
    assert info["size"] <= 50 and info["maxsize"] == 50
    assert info["hits"] + info["misses"] == 16 * 28 and info["misses"] >= 112
    assert len(results) == 16 * 28
    for (secret, date), key in results:
        # The spec's four HMACs, written out with the stdlib's hmac (independent of sigv4.core.keys).
        k = ("AWS4" + secret).encode()
        for part in (date, "us-east-1", "s3", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        assert key == k


def test_amz_date_seconds_matches_calendar() -> None:
    import calendar
    import random
    import time

    from sigv4.core.signer import amz_date_seconds

    rnd = random.Random(4)
    for _ in range(2000):
        t = rnd.randrange(-2_000_000_000, 8_000_000_000)
        text = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
        assert amz_date_seconds(text) == calendar.timegm(time.gmtime(t)) == t
