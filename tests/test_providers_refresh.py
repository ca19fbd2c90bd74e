"""RefreshableProvider behaviour over a real loopback endpoint (the container stub):
one fetch for 16 concurrent callers, refresh inside the window, keep-old-on-failure
with a warning, back-off after a failure, expired credentials, forced refresh."""

from __future__ import annotations

import threading
import warnings
from datetime import timedelta

import pytest

from sigv4 import Credentials, CredentialsError
from sigv4.providers.base import CredentialsRefreshWarning, RefreshableProvider
from sigv4.providers.container import ContainerProvider
from tests import stubs_aws
from tests.stubs_aws import ContainerStub

# The loopback stand-ins' fixtures (tests/stubs_aws.py).
aws_env = stubs_aws.aws_env
container_stub = stubs_aws.container_stub


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make(
    stub: ContainerStub, monkeypatch: pytest.MonkeyPatch, clock: Clock | None = None, timeout: float = 0.2
) -> ContainerProvider:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", stub.url + stub.path)
    return ContainerProvider(timeout=timeout, clock=clock)


def run_threads(n: int, fn: object) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn()  # type: ignore[operator]
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_first_fetch_from_16_threads_is_one_fetch(aws_env, container_stub, monkeypatch):
    container_stub.fetch_delay = 0.3  # everyone piles up on the lock meanwhile
    provider = make(container_stub, monkeypatch, timeout=10)
    results = run_threads(16, provider.get_credentials)
    assert container_stub.fetches == 1
    assert all(isinstance(r, Credentials) for r in results)
    assert len(set(results)) == 1
    assert results[0].access_key == container_stub.issued[0]["AccessKeyId"]


def test_refresh_window_from_16_threads_is_one_fetch_and_nobody_waits_with_old_ones(aws_env, container_stub, monkeypatch):
    clock = Clock(0.0)
    provider = make(container_stub, monkeypatch, clock, timeout=10)
    clock.now = 1e9  # far from expiry (expiry is real time + 6 h)
    first = provider.get_credentials()
    expiry = first.expiry.timestamp()
    clock.now = expiry - 120  # inside the 5-minute window, still valid
    container_stub.lifetime = timedelta(hours=12)  # the next ones outlive the clock by hours
    container_stub.fetch_delay = 0.3
    results = run_threads(16, provider.get_credentials)
    assert container_stub.fetches == 2
    new = [r for r in results if r != first]
    assert all(isinstance(r, Credentials) for r in results)
    assert len(new) == 1  # the refreshing thread; the 15 others signed with the old keys
    assert new[0].access_key == container_stub.issued[1]["AccessKeyId"]
    assert provider.get_credentials() == new[0]


def test_expired_credentials_block_all_16_threads_on_one_fetch(aws_env, container_stub, monkeypatch):
    clock = Clock(1e9)
    provider = make(container_stub, monkeypatch, clock, timeout=10)
    first = provider.get_credentials()
    clock.now = first.expiry.timestamp() + 1  # expired: callers must wait for new ones
    container_stub.lifetime = timedelta(hours=12)
    container_stub.fetch_delay = 0.3
    results = run_threads(16, provider.get_credentials)
    assert container_stub.fetches == 2
    assert len(set(results)) == 1 and results[0] != first


def test_failed_refresh_keeps_valid_credentials_with_a_warning_then_backs_off(aws_env, container_stub, monkeypatch):
    clock = Clock(1e9)
    provider = make(container_stub, monkeypatch, clock)
    first = provider.get_credentials()
    clock.now = first.expiry.timestamp() - 200
    container_stub.faults.extend(["500", "500"])
    with pytest.warns(CredentialsRefreshWarning, match=r"HTTP 500.*keeping the current ones"):
        assert provider.get_credentials() == first
    seen = len(container_stub.requests)
    assert seen == 3  # first fetch + one try + one retry
    # Within the retry interval: no new attempt, no new warning.
    clock.now += 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert provider.get_credentials() == first
    assert len(container_stub.requests) == seen
    clock.now += provider.retry_interval
    container_stub.lifetime = timedelta(hours=12)
    second = provider.get_credentials()
    assert second != first and second.access_key == container_stub.issued[1]["AccessKeyId"]


def test_failed_refresh_of_expired_credentials_raises(aws_env, container_stub, monkeypatch):
    clock = Clock(1e9)
    provider = make(container_stub, monkeypatch, clock)
    first = provider.get_credentials()
    clock.now = first.expiry.timestamp() - 5  # inside the expiry margin: not usable any more
    container_stub.faults.extend(["503", "503"])
    with pytest.raises(CredentialsError, match="HTTP 503"):
        provider.get_credentials()


def test_source_handing_out_expired_credentials_is_an_error(aws_env, container_stub, monkeypatch):
    container_stub.lifetime = timedelta(seconds=-60)
    provider = make(container_stub, monkeypatch)
    with pytest.raises(CredentialsError, match="already expired"):
        provider.get_credentials()


def test_expired_refresh_result_while_old_ones_valid_keeps_old_ones(aws_env, container_stub, monkeypatch):
    clock = Clock(1e9)
    provider = make(container_stub, monkeypatch, clock)
    first = provider.get_credentials()
    clock.now = first.expiry.timestamp() - 100
    container_stub.lifetime = timedelta(seconds=-60)  # the endpoint now answers with stale keys
    with pytest.warns(CredentialsRefreshWarning, match="already expired"):
        assert provider.get_credentials() == first


def test_forced_refresh_fetches_again(aws_env, container_stub, monkeypatch):
    provider = make(container_stub, monkeypatch)
    first = provider.get_credentials()
    assert provider.get_credentials() == first and container_stub.fetches == 1
    second = provider.refresh()
    assert second != first and container_stub.fetches == 2
    assert provider.expiry == second.expiry


def test_window_must_cover_margin():
    with pytest.raises(CredentialsError):
        RefreshableProvider(refresh_window=10, expiry_margin=20)


def test_subclass_returning_garbage_is_a_credentials_error():
    class Bad(RefreshableProvider):
        method = "bad"

        def _fetch(self):  # type: ignore[override]
            return {"AccessKeyId": "x"}

    with pytest.raises(CredentialsError, match="no credentials"):
        Bad().get_credentials()
