"""Bulk presigning past one process: ``presign_keys`` on a ``dask.distributed`` cluster.

A ``LocalCluster`` of 2 worker processes, bound to 127.0.0.1 with no dashboard, reads a
manifest of 10⁶ object keys (a text file, one key a line, split into blocks by
``dask.bag.read_text``) and presigns every partition with ``presign_keys`` and one fixed
``now``. Only a summary per partition comes back (its count, the URLs of the sampled keys,
which worker made them): the sample of 1,000 URLs must equal what one process computes for the
same keys, and a handful of them must equal botocore's ``S3SigV4QueryAuth`` (an independent
signer) at the same instant. Throughput is measured in ``benchmarks/bench_dask.py``, not here.

Needs the ``dask`` extra (``dask[distributed]``): skipped without it, except in CI.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

import sigv4
from tests.botocore_oracle import query_sign

pytestmark = pytest.mark.e2e

KEYS = 1_000_000
SAMPLE_EVERY = KEYS // 1000
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
EXPIRES = 3600
BASE = "https://my-bucket.s3.eu-west-1.amazonaws.com"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def manifest_key(i: int) -> str:
    """The i-th key of the manifest: nested, with characters that need encoding."""
    return f"logs/2026/{i % 97:02d}/part {i:07d}+ü~=&(v).json"


def presign_partition(lines: Iterable[str], signer: sigv4.Signer, sample: frozenset[str]) -> list[dict[str, Any]]:
    """Runs on a worker: presign one partition of the manifest; return only its summary."""
    keys = [line.rstrip("\n") for line in lines]
    urls = sigv4.presign_keys(signer, BASE, keys, EXPIRES, now=NOW)
    return [
        {
            "count": len(urls),
            "samples": {key: url for key, url in zip(keys, urls) if key in sample},
            "pid": os.getpid(),
            "sigv4": sigv4.__file__,
        }
    ]


@pytest.fixture(scope="module")
def distributed() -> Any:
    try:
        import dask.bag
        import distributed
    except ImportError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"dask.distributed is not installed ({e}): pip install -r requirements-test.txt", pytrace=False)
        pytest.skip(f"dask.distributed is not installed: {e}")
    assert dask.bag
    return distributed


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("manifest") / "keys.txt"
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(manifest_key(i) + "\n" for i in range(KEYS))
    return path


@pytest.fixture(scope="module")
def cluster(distributed: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """2 worker processes (1 thread each), scheduler and workers on 127.0.0.1, no dashboard;
    dask's scratch files go in a pytest temporary directory."""
    import dask

    scratch = str(tmp_path_factory.mktemp("dask"))
    options = {
        "n_workers": 2,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "worker_dashboard_address": None,
        "local_directory": scratch,
        "silence_logs": 40,
    }
    with contextlib.ExitStack() as stack:
        stack.enter_context(dask.config.set({"temporary-directory": scratch}))
        local = stack.enter_context(distributed.LocalCluster(**options))
        yield stack.enter_context(distributed.Client(local))


def test_presign_a_million_keys_across_two_workers(cluster: Any, manifest: Path) -> None:
    import dask.bag

    signer = sigv4.Signer(sigv4.Credentials(ACCESS_KEY, SECRET_KEY), "eu-west-1", "s3")
    sample = frozenset(manifest_key(i) for i in range(0, KEYS, SAMPLE_EVERY))
    assert len(sample) == 1000

    scheduler = cluster.scheduler_info()
    assert len(scheduler["workers"]) == 2
    addresses = [scheduler["address"], *scheduler["workers"]]
    assert all(address.startswith("tcp://127.0.0.1:") for address in addresses), addresses

    bag = dask.bag.read_text(str(manifest), blocksize=2_000_000)  # ~30 partitions of ~40,000 keys
    summaries = bag.map_partitions(presign_partition, signer, sample).compute()

    assert sum(s["count"] for s in summaries) == KEYS
    assert len(summaries) > 2
    workers = {s["pid"] for s in summaries}
    assert len(workers) == 2 and os.getpid() not in workers  # both worker processes signed
    assert {s["sigv4"] for s in summaries} == {sigv4.__file__}  # this checkout's sigv4

    got = {key: url for s in summaries for key, url in s["samples"].items()}
    assert set(got) == sample
    ordered = sorted(sample)
    expected = dict(zip(ordered, sigv4.presign_keys(signer, BASE, ordered, EXPIRES, now=NOW)))
    assert got == expected  # the 1,000 sampled URLs equal the single-process output

    for i in (0, 1 * SAMPLE_EVERY, 371 * SAMPLE_EVERY, 999 * SAMPLE_EVERY):
        key = manifest_key(i)
        oracle = query_sign(
            s3=True,
            method="GET",
            url=BASE + "/" + _s3_quote(key),
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            service="s3",
            expires=EXPIRES,
            now=NOW,
            region="eu-west-1",
        )
        ours, theirs = urlsplit(got[key]), urlsplit(oracle)  # botocore orders its query differently
        assert (ours.netloc, ours.path) == (theirs.netloc, theirs.path), key
        assert parse_qs(ours.query) == parse_qs(theirs.query), key


def _s3_quote(key: str) -> str:
    """How botocore's S3 client encodes a key in a path (all but unreserved characters and '/')."""
    return quote(key, safe="/~")
