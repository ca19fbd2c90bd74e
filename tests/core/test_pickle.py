"""A Signer pickles (for multiprocessing, Spark, Dask, Ray), and a process pool
produces the URLs botocore 1.44.8 produces."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from functools import partial
from multiprocessing import get_context
from urllib.parse import parse_qs, quote, urlsplit

import pytest

import sigv4
from sigv4.core.bulk import presign_keys
from tests import botocore_oracle as oracle

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "session/token+with=specials"
BASE = "https://examplebucket.s3.amazonaws.com"


def fixed_clock() -> float:
    """A module-level clock pickles by reference: 2026-01-01T12:00:00Z."""
    return 1767268800.0


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _boto_presign(key: str, token: str | None = None) -> str:
    return oracle.query_sign(
        s3=True,
        method="GET",
        url=f"{BASE}/{quote(key, safe='/~')}",
        access_key=AK,
        secret_key=SK,
        token=token,
        service="s3",
        expires=3600,
        now=NOW,
    )


def _same(ours: str, theirs: str) -> None:
    assert urlsplit(ours).path == urlsplit(theirs).path
    assert _query(ours) == _query(theirs)


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_s3_signer_round_trips_and_signs_like_botocore(protocol: int) -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK, TOKEN), "us-east-1", "s3")
    signer.presign("GET", f"{BASE}/warm", 3600, now=NOW)  # fill the per-day cache first
    copy = pickle.loads(pickle.dumps(signer, protocol))
    assert (copy.region, copy.service, copy.settings) == (signer.region, signer.service, signer.settings)
    assert copy.credentials() == signer.credentials()
    url = copy.presign("GET", f"{BASE}/a%20b", 3600, now=NOW).url
    _same(url, _boto_presign("a b", TOKEN))


def test_generic_signer_with_custom_settings_round_trips() -> None:
    signer = sigv4.Signer(
        sigv4.Credentials(AK, SK),
        "eu-west-3",
        "execute-api",
        unsigned_headers=["x-skip"],
        max_expires=60,
        omit_session_token=True,
    )
    copy = pickle.loads(pickle.dumps(signer))
    assert copy.settings == signer.settings
    assert copy.settings.unsigned_headers == frozenset({"x-skip"})
    url = "https://abc.execute-api.eu-west-3.amazonaws.com/prod/items?b=2&a=1"
    headers = {"X-Skip": "1", "X-Keep": "2"}
    got = copy.sign("POST", url, headers, b"{}", now=NOW)
    expected = oracle.header_sign(
        s3=False,
        method="POST",
        url=url,
        headers=[("X-Keep", "2")],
        body=b"{}",
        access_key=AK,
        secret_key=SK,
        region="eu-west-3",
        service="execute-api",
        now=NOW,
    )
    assert got.headers["Authorization"] == expected["Authorization"]


def test_module_level_clock_survives_pickling() -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3", clock=fixed_clock)
    copy = pickle.loads(pickle.dumps(signer))
    assert _query(copy.presign("GET", f"{BASE}/k", 3600).url)["X-Amz-Date"] == ["20260101T120000Z"]


def test_default_clock_is_not_pickled_as_a_value() -> None:
    """An unpickled default signer reads the real clock of the process it lands in
    (freezegun's frozen time here), not a time captured when it was pickled."""
    from freezegun import freeze_time

    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    data = pickle.dumps(signer)
    with freeze_time("2031-02-03 04:05:06"):
        copy = pickle.loads(data)
        assert _query(copy.presign("GET", f"{BASE}/k", 3600).url)["X-Amz-Date"] == ["20310203T040506Z"]


def test_pickle_does_not_carry_derived_keys() -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    signer.presign("GET", f"{BASE}/k", 3600, now=NOW)
    key = sigv4.signing_key(SK, "20260101", "us-east-1", "s3")
    assert key not in pickle.dumps(signer)


def test_pool_of_two_gives_identical_urls_to_one_process_and_botocore() -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK, TOKEN), "us-east-1", "s3")
    keys = [f"photos/2026/cat picture+{i}.jpg" for i in range(400)]
    chunks = [keys[i : i + 100] for i in range(0, len(keys), 100)]
    work = partial(presign_keys, signer, BASE, expires_in=3600, now=NOW)
    # "spawn": each worker is a new interpreter, so the signer really is pickled.
    with get_context("spawn").Pool(2) as pool:
        pooled = [url for chunk in pool.map(work, chunks) for url in chunk]
    assert pooled == presign_keys(signer, BASE, keys, 3600, now=NOW)
    for i in (0, 137, 399):
        _same(pooled[i], _boto_presign(keys[i], TOKEN))
