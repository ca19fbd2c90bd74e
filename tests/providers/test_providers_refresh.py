"""RefreshableProvider behaviour over a real loopback endpoint (the container stub):
one fetch for 16 concurrent callers, refresh inside the window, keep-old-on-failure
with a warning, back-off after a failure, expired credentials, forced refresh;
and pickling (providers, the default chain, a Signer on either) without the
fetched credentials."""

from __future__ import annotations

import pickle
import threading
import warnings
from datetime import datetime, timedelta, timezone

import pytest

import sigv4
from sigv4 import Credentials, CredentialsError
from sigv4.providers import default_provider
from sigv4.providers.base import CredentialsRefreshWarning, RefreshableProvider, StaticProvider
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


# -- pickling (multiprocessing, Spark) ------------------------------------------

AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
URL = "https://examplebucket.s3.amazonaws.com/a%20b?x-id=GetObject"
ROLE = "arn:aws:iam::123456789012:role/pickled"


class CountingProvider(RefreshableProvider):
    """A fake source (module level, so it pickles): every fetch hands out new keys."""

    method = "counting"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fetches = 0

    def _fetch(self) -> Credentials:
        self.fetches += 1
        expiry = datetime.now(timezone.utc) + timedelta(hours=1)
        return Credentials(f"AKIDFETCH{self.fetches}", f"fetched-secret-{self.fetches}-{'x' * 30}", "tok", expiry)


def _signed(signer: sigv4.Signer) -> tuple[object, object]:
    return signer.sign("GET", URL, {"X-Amz-Meta-A": "1"}, b"", now=NOW).headers, signer.presign("GET", URL, 600, now=NOW).url


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_signer_on_the_default_chain_pickles_and_signs_identically(aws_env, protocol):
    signer = sigv4.Signer(default_provider(access_key=AK, secret_key=SK), "us-east-1", "s3")
    unresolved = pickle.loads(pickle.dumps(signer, protocol))
    assert _signed(unresolved) == _signed(signer)  # signer resolves here, after the dump
    resolved = pickle.loads(pickle.dumps(signer, protocol))
    assert _signed(resolved) == _signed(signer)
    assert resolved.credentials() == Credentials(AK, SK)
    chain = default_provider(access_key=AK, secret_key=SK)
    chain.get_credentials()
    copy = pickle.loads(pickle.dumps(chain, protocol))
    assert copy.method is None  # resolves again where it is unpickled...
    assert copy.get_credentials() == Credentials(AK, SK) and copy.method == "explicit"  # ...to the same source


def test_refreshable_provider_round_trips_and_fetches_again(aws_env):
    provider = CountingProvider(refresh_window=600.0, expiry_margin=60.0)
    first = provider.get_credentials()
    data = pickle.dumps(provider)
    assert first.secret_key.encode() not in data and b"fetched-secret" not in data and b"AKIDFETCH" not in data
    copy = pickle.loads(data)
    assert (copy.refresh_window, copy.expiry_margin, copy.fetches) == (600.0, 60.0, 1)
    assert copy.expiry is None  # nothing cached
    second = copy.get_credentials()
    assert copy.fetches == 2 and second.access_key == "AKIDFETCH2"
    assert copy.get_credentials() is second  # cached again
    assert copy.refresh().access_key == "AKIDFETCH3"  # the new lock works
    assert provider.get_credentials() is first and provider.fetches == 1  # the original is untouched
    fresh = pickle.loads(pickle.dumps(CountingProvider()))
    results = run_threads(16, fresh.get_credentials)
    assert fresh.fetches == 1 and len(set(results)) == 1


def test_signer_on_a_refreshable_provider_pickles_without_its_credentials(aws_env):
    signer = sigv4.Signer(CountingProvider(), "eu-west-1", "execute-api")
    signer.sign("GET", "https://api.example.com/", now=NOW)
    data = pickle.dumps(signer)
    assert b"fetched-secret" not in data
    copy = pickle.loads(data)
    assert copy.credentials().access_key == "AKIDFETCH2"


def test_container_provider_pickles_and_fetches_again(aws_env, container_stub, monkeypatch):
    provider = make(container_stub, monkeypatch)
    first = provider.get_credentials()
    data = pickle.dumps(provider)
    assert first.secret_key.encode() not in data and first.token.encode() not in data  # type: ignore[union-attr]
    copy = pickle.loads(data)
    second = copy.get_credentials()
    assert container_stub.fetches == 2 and second.access_key == container_stub.issued[1]["AccessKeyId"]


def test_resolved_chain_pickles_without_what_it_found(aws_env, monkeypatch):
    import os
    from pathlib import Path

    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[default]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = file-secret-0123456789\n"
    )
    chain = default_provider()
    assert chain.get_credentials().access_key == "AKIDFROMFILE"
    data = pickle.dumps(chain)
    assert b"file-secret" not in data and b"AKIDFROMFILE" not in data
    copy = pickle.loads(data)
    assert copy.method is None and copy.profile_name is None  # resolves again where it runs
    assert copy.get_credentials() == chain.get_credentials()
    assert copy.method == "shared-credentials-file"


def test_every_provider_pickles_before_use(aws_env, tmp_path):
    from sigv4.providers.env import EnvProvider
    from sigv4.providers.files import ProcessProvider
    from sigv4.providers.imds import InstanceMetadataProvider
    from sigv4.providers.sts import AssumeRoleProvider, WebIdentityProvider

    static = StaticProvider(Credentials(AK, SK), "explicit")
    providers = [
        static,
        EnvProvider(),
        ContainerProvider(timeout=1.5),
        InstanceMetadataProvider(timeout=0.5, attempts=3),
        ProcessProvider("echo {}", profile="p"),
        AssumeRoleProvider(static, ROLE, external_id="ext", region="eu-west-2"),
        WebIdentityProvider(ROLE, str(tmp_path / "token"), region="us-west-2"),
    ]

    def settings(p: object) -> dict[str, object]:
        return {k: v for k, v in getattr(p, "__dict__", {}).items() if k not in ("_lock", "source")}

    for provider in providers:
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            copy = pickle.loads(pickle.dumps(provider, protocol))
            assert type(copy) is type(provider) and repr(copy) == repr(provider)
            assert settings(copy) == settings(provider)
    copy = pickle.loads(pickle.dumps(providers[5]))
    assert copy.source.get_credentials() == Credentials(AK, SK)  # explicit keys travel: they are the source
    assert copy.endpoint_url == "https://sts.eu-west-2.amazonaws.com"


def test_providers_given_os_environ_pickle_and_read_the_environment_where_they_run(aws_env, monkeypatch):
    import os

    from sigv4.providers.env import EnvProvider

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPARENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "parent-secret-0123456789")
    for provider in (EnvProvider(os.environ), default_provider(environ=os.environ)):
        provider.get_credentials()
        data = pickle.dumps(provider)  # os.environ itself does not pickle, and holds the secret
        assert b"parent-secret" not in data
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCHILD")
        assert pickle.loads(data).get_credentials().access_key == "AKIDCHILD"
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPARENT")


def _sign_in_child(signer: sigv4.Signer) -> tuple[object, object]:
    return _signed(signer)


def test_signer_on_the_chain_signs_in_a_spawned_process(aws_env):
    from multiprocessing import get_context

    signer = sigv4.Signer(default_provider(access_key=AK, secret_key=SK, token="tok/en"), "us-east-1", "s3")
    with get_context("spawn").Pool(1) as pool:
        assert pool.apply(_sign_in_child, (signer,)) == _signed(signer)
