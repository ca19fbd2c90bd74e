"""S3 Express One Zone directory buckets against boto3 1.44.8 (default config, the one that
makes it call CreateSession) and a loopback CreateSession stand-in that checks the
caller's signature with botocore (``tests/stubs_s3express.py``).

* URLs byte-equal to boto3's given the same session credentials and instant: boto3's
  CreateSession is answered (``before-send``) with the stand-in's session credentials,
  its clock frozen with ``botocore.auth.get_current_datetime``; ours goes to the
  stand-in through the transport.  Hypothesis: 300 + 150 generated cases per run,
  plus the fixed addressing cases.
* The cache: one CreateSession per bucket, a refresh 60 s before expiry, 16 threads ->
  1 call, a failed refresh keeps still-valid credentials (warning) and raises once
  they are within 10 s of expiring.
* Every bad answer: a CredentialsError naming what failed, without secret or token,
  nothing chained.
"""

from __future__ import annotations

import os
import threading
import warnings
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.core.errors import CredentialsError, SigningError
from sigv4.providers import transport as _http
from sigv4.providers.base import CredentialsRefreshWarning
from sigv4.s3.client import S3Client
from sigv4.s3.endpoints import Addressing
from sigv4.s3.express import S3ExpressSession, zone_id
from tests import botocore_oracle as oracle
from tests.stubs_s3express import ExpressStub, session_xml

os.environ.setdefault("BOTO_DISABLE_CRT", "true")

ACCESS, SECRET, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz", "caller-sts-token+/="
SESSION = ("ASIASESSIONEXAMPLE", "sess/secret+KEY/abc", "session-token+/=xyz", "2099-01-01T00:00:00Z")
BUCKET = "name--usw2-az1--x-s3"
NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def stub() -> Any:
    with ExpressStub() as s:
        s.callers[ACCESS] = (SECRET, TOKEN)
        yield s


def forwarding(stub: ExpressStub) -> Any:
    """Our transport, pointed at the stand-in: same path and headers, the Host of the real URL."""

    def transport(method: str, url: str, *, headers: Any, body: Any, timeout: float) -> tuple[int, bytes]:
        parts = urlsplit(url)
        target = stub.url + parts.path + ("?" + parts.query if parts.query else "")
        return _http.request(method, target, headers={**headers, "Host": parts.netloc}, body=body, timeout=timeout)

    return transport


def ours(stub: ExpressStub, region: str = "us-west-2", clock: Any = None, **addressing: Any) -> S3Client:
    creds = sigv4.Credentials(ACCESS, SECRET, TOKEN)
    return S3Client(creds, Addressing(region, **addressing), transport=forwarding(stub), clock=clock or (lambda: NOW.timestamp()))


_BOTO: dict[tuple[str, str], Any] = {}


def boto(region: str = "us-west-2", endpoint_url: str | None = None, **cfg: Any) -> Any:
    key = (region, repr(sorted(cfg.items(), key=str)) + repr(endpoint_url))
    if key not in _BOTO:
        import boto3
        from botocore.awsrequest import AWSResponse
        from botocore.config import Config

        class Raw:
            def stream(self, **kw: Any) -> Any:
                yield session_xml(*SESSION)

        def answer(request: Any, **kw: Any) -> Any:
            assert request.url.endswith("?session")
            return AWSResponse(request.url, 200, {}, Raw())

        session = boto3.session.Session(
            aws_access_key_id=ACCESS, aws_secret_access_key=SECRET, aws_session_token=TOKEN, region_name=region
        )
        client = session.client("s3", config=Config(**cfg), endpoint_url=endpoint_url)
        client.meta.events.register("before-send.s3", answer)
        _BOTO[key] = client
    return _BOTO[key]


def boto_url(client: Any, method: str, params: dict[str, Any], expires: int) -> str:
    with oracle.at(NOW):
        return str(client.generate_presigned_url(method, Params=params, ExpiresIn=expires))


# -- byte equality with boto3 --------------------------------------------------------

keys = st.lists(st.sampled_from([*"abcXYZ019-_.~ +=&?#;,'!*()@$:%/", "é", "😀", "//"]), min_size=1, max_size=12).map("".join)
COUNT = {"urls": 0}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=keys,
    method=st.sampled_from(["get_object", "put_object", "head_object", "delete_object"]),
    expires=st.integers(1, 604800),
    extra=st.sampled_from(
        [{}, {"ContentType": "text/plain"}, {"Metadata": {"a": "b"}}, {"VersionId": "v 1"}, {"Range": "bytes=0-9"}]
    ),
)
def test_urls_equal_boto3(stub: ExpressStub, key: str, method: str, expires: int, extra: dict[str, Any]) -> None:
    stub.issue = SESSION
    params = {"Bucket": BUCKET, "Key": key, **extra}
    if method != "put_object":
        params.pop("ContentType", None)
        params.pop("Metadata", None)
    if method not in ("get_object", "head_object"):
        params.pop("Range", None)
    if method == "put_object":
        params.pop("VersionId", None)
    expected = boto_url(boto(), method, params, expires)
    client = _OURS.get(id(stub)) or _OURS.setdefault(id(stub), ours(stub))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = client.generate_presigned_url(method, Params=params, ExpiresIn=expires)
    assert got == oracle.as_sigv4_sends(expected, s3=True)  # (dot segments escaped: README)
    assert "X-Amz-S3session-Token=" in got and "X-Amz-Security-Token" not in got
    COUNT["urls"] += 1


_OURS: dict[int, S3Client] = {}

CONFIGS = [
    ("us-west-2", {}, {}),
    ("us-east-1", {}, {}),
    ("eu-west-1", {}, {}),
    ("cn-north-1", {}, {}),
    ("us-gov-west-1", {}, {}),
    ("us-west-2", {"use_fips_endpoint": True}, {"use_fips": True}),
    ("us-west-2", {"use_dualstack_endpoint": True}, {"use_dualstack": True}),
    ("us-west-2", {"use_fips_endpoint": True, "use_dualstack_endpoint": True}, {"use_fips": True, "use_dualstack": True}),
    ("us-west-2", {"s3": {"addressing_style": "path"}}, {"addressing_style": "path"}),
    # custom endpoints: every operation with session credentials (an IP: path-style)
    ("us-west-2", {"endpoint_url": "https://s3.example.com"}, {"endpoint_url": "https://s3.example.com"}),
    ("us-west-2", {"endpoint_url": "http://localhost:9000/base/"}, {"endpoint_url": "http://localhost:9000/base/"}),
    ("us-west-2", {"endpoint_url": "http://10.0.0.1:9000"}, {"endpoint_url": "http://10.0.0.1:9000"}),
    (
        "eu-west-1",
        {"endpoint_url": "https://[::1]:8443", "s3": {"addressing_style": "virtual"}},
        {"endpoint_url": "https://[::1]:8443", "addressing_style": "virtual"},
    ),
]
BUCKETS = [
    "name--usw2-az1--x-s3",
    "ab--use1-az12--x-s3",
    "n--usw2-lax1-az1--x-s3",
    "bucket--usw2-lax1-az12--x-s3",
    "x--usw2--az1--x-s3",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    config=st.sampled_from(CONFIGS),
    bucket=st.sampled_from(BUCKETS),
    method=st.sampled_from(
        ["get_object", "list_objects_v2", "head_bucket", "create_bucket", "delete_bucket", "get_bucket_location"]
    ),
    expires=st.integers(1, 3600),
)
def test_addressing_and_control_endpoint_equal_boto3(
    stub: ExpressStub, config: Any, bucket: str, method: str, expires: int
) -> None:
    """Zonal endpoints (FIPS, dual-stack, partitions, zone ids of every length) with session
    credentials; CreateBucket/DeleteBucket/GetBucketLocation on the control endpoint with the caller's
    (compared with boto3's ``signature_version='s3v4'``: its default presigns them with SigV2)."""
    region, boto_cfg, addressing = config
    stub.issue = SESSION
    stub.region = region
    params: dict[str, Any] = {"Bucket": bucket}
    if method == "get_object":
        params["Key"] = "k/é"
    control = method in ("create_bucket", "delete_bucket", "get_bucket_location") and "endpoint_url" not in boto_cfg
    if control:  # boto3's default config presigns these with SigV2: sigv4 is boto3 with signature_version='s3v4'
        boto_cfg = {**boto_cfg, "signature_version": "s3v4"}
    expected = boto_url(boto(region, **boto_cfg), method, params, expires)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = ours(stub, region, **addressing).generate_presigned_url(method, Params=params, ExpiresIn=expires)
    assert got == expected
    COUNT["urls"] += 1
    assert ("X-Amz-Security-Token=" in got) == control and ("X-Amz-S3session-Token=" in got) != control


def test_boto3_refusals_are_ours(stub: ExpressStub) -> None:
    from botocore.exceptions import EndpointResolutionError

    for bucket, cfg, addressing in [
        ("Name--usw2-az1--x-s3", {}, {}),
        ("a.b--usw2-az1--x-s3", {}, {}),
        ("name--x-s3", {}, {}),
        ("name--usw2-az123--x-s3", {}, {}),
        (BUCKET, {"s3": {"use_accelerate_endpoint": True}}, {"use_accelerate": True}),
    ]:
        with pytest.raises(EndpointResolutionError) as boto_error:
            boto_url(boto(**cfg), "get_object", {"Bucket": bucket, "Key": "k"}, 60)
        with pytest.raises(SigningError) as our_error:
            ours(stub, **addressing).generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
        assert str(boto_error.value).split(": ", 1)[-1] in str(our_error.value)
    assert stub.create_sessions == 0


def test_custom_endpoint_calls_the_stand_in_like_boto3(stub: ExpressStub) -> None:
    """endpoint_url (an IP: path-style): both clients really call the stand-in's CreateSession,
    which checks their signatures; the URLs are equal, and the stand-in accepts ours."""
    import boto3
    from botocore.config import Config

    stub.issue = SESSION
    session = boto3.session.Session(
        aws_access_key_id=ACCESS, aws_secret_access_key=SECRET, aws_session_token=TOKEN, region_name="us-west-2"
    )
    theirs = session.client("s3", endpoint_url=stub.url, config=Config(retries={"max_attempts": 1}))
    expected = boto_url(theirs, "get_object", {"Bucket": BUCKET, "Key": "a b"}, 120)
    assert stub.create_sessions == 1 and not stub.refusals
    mine = sigv4.client(
        "s3",
        region_name="us-west-2",
        endpoint_url=stub.url,
        aws_access_key_id=ACCESS,
        aws_secret_access_key=SECRET,
        aws_session_token=TOKEN,
    )
    got = mine.presign("get_object", Params={"Bucket": BUCKET, "Key": "a b"}, ExpiresIn=120, now=NOW).url
    assert got == expected and stub.create_sessions == 2 and not stub.refusals
    import urllib.request

    live = mine.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "a b"}, ExpiresIn=60)
    with urllib.request.urlopen(live) as answer:
        assert answer.status == 200
    assert stub.verified_gets == 1 and stub.create_sessions == 2  # the session was cached


def test_header_signing_uses_the_s3session_token_header(stub: ExpressStub) -> None:
    stub.issue = SESSION
    provider = S3ExpressSession(sigv4.Credentials(ACCESS, SECRET, TOKEN), BUCKET, "us-west-2", transport=forwarding(stub))
    signer = provider.signer()
    signed = signer.sign("GET", f"https://{BUCKET}.s3express-usw2-az1.us-west-2.amazonaws.com/k", now=NOW)
    lower = {k.lower(): v for k, v in signed.headers.items()}
    assert lower["x-amz-s3session-token"] == SESSION[2] and "x-amz-security-token" not in lower
    from botocore.auth import S3ExpressAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials

    request = AWSRequest(method="GET", url=f"https://{BUCKET}.s3express-usw2-az1.us-west-2.amazonaws.com/k")
    auth = S3ExpressAuth(BotoCredentials(*SESSION[:3]), "s3express", "us-west-2", identity_cache=None)
    with oracle.at(NOW):
        auth.add_auth(request)
    assert signed.headers["Authorization"] == request.headers["Authorization"]
    assert "***" in repr(signed) and SESSION[2] not in repr(signed)


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_adapters_sign_with_the_session(stub: ExpressStub, adapter: str) -> None:
    """requests/httpx with the S3_EXPRESS settings: the stand-in checks the header signature
    with botocore's S3ExpressAuth (x-amz-s3session-token, no X-Amz-Security-Token)."""
    from sigv4.core.settings import S3_EXPRESS

    base = f"{stub.url}/{BUCKET}"
    provider = S3ExpressSession(sigv4.Credentials(ACCESS, SECRET, TOKEN), BUCKET, "us-west-2", base_url=base)
    if adapter == "requests":
        import requests

        from sigv4.requests import SigV4Auth as RequestsAuth

        answer = requests.get(
            f"{base}/a%20b", auth=RequestsAuth(provider, "us-west-2", "s3express", settings=S3_EXPRESS), timeout=10
        )
        status = answer.status_code
    else:
        import httpx

        from sigv4.httpx import SigV4Auth as HttpxAuth

        with httpx.Client(
            auth=HttpxAuth(provider, "us-west-2", "s3express", session_token_name="X-Amz-S3session-Token")
        ) as client:
            status = client.get(f"{base}/k").status_code
    assert (status, stub.refusals) == (200, [])
    assert stub.create_sessions == 1 and stub.verified_gets == 1


def test_default_base_url_is_the_zonal_endpoint() -> None:
    from sigv4.s3.express import resolve

    for region in ("us-west-2", "cn-north-1", "us-gov-west-1"):
        for bucket in BUCKETS:
            session = S3ExpressSession(sigv4.Credentials(ACCESS, SECRET), bucket, region)
            assert session.base_url == resolve(Addressing(region), bucket, control=False)[0]
            assert session.session_url == session.base_url + "/?session"


def test_a_url_outliving_its_session_warns_and_its_repr_hides_the_token(stub: ExpressStub) -> None:
    start = 2_000_000_000.0
    _expiring(stub, start + 300, 1)
    client = ours(stub, clock=Clock(start))
    with pytest.warns(UserWarning, match="expire 300 s after signing"):
        signed = client.presign("get_object", {"Bucket": BUCKET, "Key": "k"}, ExpiresIn=301)
    assert "X-Amz-S3session-Token=token-1" in signed.url
    assert "token-1" not in repr(signed) and "X-Amz-S3session-Token=***" in repr(signed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.presign("get_object", {"Bucket": BUCKET, "Key": "k"}, ExpiresIn=300)
    assert stub.create_sessions == 1


def test_presigned_post_is_refused(stub: ExpressStub) -> None:
    with pytest.raises(SigningError, match="directory bucket"):
        ours(stub).generate_presigned_post(BUCKET, "k")
    assert stub.create_sessions == 0


def test_zone_ids() -> None:
    assert [zone_id(b) for b in BUCKETS] == ["usw2-az1", "use1-az12", "usw2-lax1-az1", "usw2-lax1-az12", "usw2--az1"]


# -- the cache -----------------------------------------------------------------------


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _session(stub: ExpressStub, clock: Clock) -> S3ExpressSession:
    return S3ExpressSession(
        sigv4.Credentials(ACCESS, SECRET, TOKEN), BUCKET, "us-west-2", transport=forwarding(stub), clock=clock
    )


def _expiring(stub: ExpressStub, at: float, n: int) -> None:
    stamp = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    stub.answers.append((200, session_xml(f"ASIASESSION{n:04d}", f"secret/{n}", f"token-{n}", stamp)))


def test_one_call_then_cached_then_refreshed_a_minute_before_expiry(stub: ExpressStub) -> None:
    start = 2_000_000_000.0
    clock = Clock(start)
    provider = _session(stub, clock)
    _expiring(stub, start + 300, 1)
    _expiring(stub, start + 600, 2)
    first = provider.get_credentials()
    assert first.access_key == "ASIASESSION0001" and stub.create_sessions == 1
    clock.now = start + 239  # 61 s left: cached
    assert provider.get_credentials() is first and stub.create_sessions == 1
    clock.now = start + 241  # 59 s left: refreshed
    assert provider.get_credentials().access_key == "ASIASESSION0002" and stub.create_sessions == 2
    assert not stub.refusals


def test_sixteen_threads_make_one_call(stub: ExpressStub) -> None:
    stub.delay = 0.3
    provider = _session(stub, Clock(NOW.timestamp()))
    barrier = threading.Barrier(16)
    got: list[str] = []

    def work() -> None:
        barrier.wait()
        got.append(provider.get_credentials().access_key)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 16 and len(set(got)) == 1 and stub.create_sessions == 1


def test_a_failed_refresh_keeps_valid_credentials_then_raises(stub: ExpressStub) -> None:
    start = 2_000_000_000.0
    clock = Clock(start)
    provider = _session(stub, clock)
    _expiring(stub, start + 300, 1)
    first = provider.get_credentials()
    stub.answers.extend([(403, b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>")] * 3)
    clock.now = start + 250  # 50 s left: the refresh fails, the current credentials are kept
    with pytest.warns(CredentialsRefreshWarning, match="AccessDenied"):
        assert provider.get_credentials() is first
    clock.now = start + 291  # 9 s left: within botocore's 10 s mandatory margin -> raises
    with pytest.raises(CredentialsError, match="AccessDenied"):
        provider.get_credentials()


# -- bad answers -----------------------------------------------------------------------

GOOD = session_xml(*SESSION)
BAD_ANSWERS = {
    "s3 error": (
        (403, b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"),
        "HTTP 403: AccessDenied: Access Denied",
    ),
    "no such bucket": (
        (404, b"<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>"),
        "NoSuchBucket",
    ),
    "error without xml": ((400, b"bad request"), "HTTP 400"),
    "server error twice": ((503, b"<Error><Code>SlowDown</Code><Message>Reduce</Message></Error>"), "HTTP 503: SlowDown"),
    "malformed xml": ((200, b"<CreateSessionResult><Credentials>"), "not XML"),
    "empty body": ((200, b""), "not XML"),
    "wrong root": ((200, b"<ListBucketResult/>"), "not a <CreateSessionResult>"),
    "no credentials": ((200, b"<CreateSessionResult></CreateSessionResult>"), "no <Credentials>"),
    "no token": ((200, GOOD.replace(b"<SessionToken>session-token+/=xyz</SessionToken>", b"")), "no <SessionToken>"),
    "no secret": ((200, GOOD.replace(b"sess/secret+KEY/abc", b"")), "no <SecretAccessKey>"),
    "no access key": ((200, GOOD.replace(b"<AccessKeyId>ASIASESSIONEXAMPLE</AccessKeyId>", b"")), "no <AccessKeyId>"),
    "no expiration": ((200, GOOD.replace(b"<Expiration>2099-01-01T00:00:00Z</Expiration>", b"")), "no <Expiration>"),
    "bad expiration": ((200, GOOD.replace(b"2099-01-01T00:00:00Z", b"next tuesday")), "Expiration"),
    "impossible date": ((200, GOOD.replace(b"2099-01-01T00:00:00Z", b"2099-02-30T00:00:00Z")), "not a date and time that exists"),
    "expired": ((200, GOOD.replace(b"2099-01-01T00:00:00Z", b"2001-01-01T00:00:00Z")), "already expired"),
    "bad access key": ((200, GOOD.replace(b"ASIASESSIONEXAMPLE", b"ASIA SESSION")), "invalid session credentials"),
    "control chars in token": ((200, GOOD.replace(b"session-token+/=xyz", b"tok&#10;en")), "invalid session credentials"),
    "not utf-8": ((200, GOOD.replace(b"sess/secret", b"sess\xff\xfe")), "not UTF-8"),
    "huge": ((200, b"<CreateSessionResult>" + b" " * (1 << 20) + b"</CreateSessionResult>"), "too large"),
    "entity bomb": (
        (200, b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><CreateSessionResult>&b;</CreateSessionResult>'),
        "no <Credentials>",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
def test_bad_answers_are_credentials_errors(stub: ExpressStub, case: str) -> None:
    answer, expected = BAD_ANSWERS[case]
    stub.answers.extend([answer, answer])  # the retry gets the same
    client = ours(stub)
    with pytest.raises(CredentialsError) as error:
        client.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "k"})
    message = str(error.value)
    assert expected in message and BUCKET in message and "CreateSession" in message
    for secret in (SECRET, TOKEN, SESSION[1], SESSION[2], "sess/secret", "session-token"):
        assert secret not in message
    assert error.value.__cause__ is None and error.value.__context__ is None


def test_timeout_and_refused_connection_are_credentials_errors(stub: ExpressStub) -> None:
    stub.answers.extend(["timeout", "timeout"])
    provider = S3ExpressSession(
        sigv4.Credentials(ACCESS, SECRET, TOKEN),
        BUCKET,
        "us-west-2",
        transport=forwarding(stub),
        timeout=0.3,
        clock=Clock(NOW.timestamp()),
    )
    with pytest.raises(CredentialsError, match=r"timed out after 0\.3 s") as error:
        provider.get_credentials()
    assert error.value.__cause__ is None and error.value.__context__ is None
    closed = S3ExpressSession(
        sigv4.Credentials(ACCESS, SECRET, TOKEN), BUCKET, "us-west-2", base_url="http://127.0.0.1:9/" + BUCKET, timeout=0.5
    )
    with pytest.raises(CredentialsError, match="cannot connect"):
        closed.get_credentials()


def test_the_stand_in_refuses_a_wrong_signature(stub: ExpressStub) -> None:
    stub.callers[ACCESS] = ("not-the-secret", TOKEN)
    with pytest.raises(CredentialsError, match="SignatureDoesNotMatch"):
        ours(stub).generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "k"})


def test_settings_name_the_token() -> None:
    from sigv4.core.settings import S3_EXPRESS, SigningSettings

    assert S3_EXPRESS.session_token_name == "X-Amz-S3session-Token"
    with pytest.raises(SigningError, match="session_token_name"):
        SigningSettings(session_token_name="X-Amz-Other-Token")
    with pytest.raises(SigningError, match="session_token_name"):
        SigningSettings(session_token_name=3)  # type: ignore[arg-type]


def test_counts() -> None:
    """Runs last in this module: how many URLs were compared byte for byte."""
    print(f"S3 Express URLs byte-equal to boto3: {COUNT['urls']}")
