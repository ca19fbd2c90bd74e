"""Multi-Region Access Point presigned URLs: ``sigv4.client('s3')`` against boto3 1.44.8 with
awscrt (boto3's only SigV4a signer), which runs in the awscrt venv
(:mod:`tests.crt_oracle.boto3_mrap_worker`, batches of calls per round trip).

Generated: every presignable operation with a bucket (parameters from the operation's model,
as in tests/s3/test_s3_presign_diff.py), MRAP ARNs (aliases, the ``accesspoint:`` form,
partitions aws / aws-cn / aws-us-gov, malformed ones), client regions of every partition,
dual-stack / FIPS / Transfer Acceleration / custom endpoints / addressing styles /
``use_arn_region`` / ``s3_disable_multiregion_access_points`` (in ``Config`` or the
environment), session tokens, expiries, HTTP methods and times.  boto3's clock is frozen at
the instant we sign at.

For each call: when boto3 refuses, sigv4 must refuse (a ``SigningError``); otherwise the
scheme, host and path are byte-equal, every query parameter but ``X-Amz-Signature`` is equal
(name, value and multiplicity; the caller's parameters in boto3's order -- the signer's own
``X-Amz-*`` come sorted, awscrt writes them in another order: README, "Different, on
purpose"), and the signatures verify: ours with
``sigv4.sigv4a.verify_signature`` and with ``cryptography`` under the public key derived from
the credentials by the specification (tests/core/test_sigv4a_signer.py), and boto3's
(awscrt's, randomised) with ``cryptography`` over *our* string to sign -- which holds only
when awscrt's string to sign, hence its canonical request, is byte-equal to ours.

Boto3 is built with its default ``Config`` (no ``signature_version``): with
``signature_version='s3v4'`` boto3 signs an MRAP URL with SigV4, which MRAPs refuse; sigv4
always uses SigV4a there (README, "Different, on purpose").
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sigv4
from sigv4 import InvalidHeaderError, SigningError, sigv4a
from sigv4.core.urls import query_pairs
from sigv4.session import Session
from tests.botocore_oracle import as_sigv4_sends
from tests.core.test_sigv4a_signer import CREDENTIAL_PAIRS, oracle_public_key, oracle_verifies
from tests.crt_oracle.test_awscrt_sigv4a import _awscrt_python
from tests.s3.test_s3_presign_diff import METHODS, _clean_env, calls

ROOT = Path(__file__).resolve().parents[2]
V4A = "AWS4-ECDSA-P256-SHA256"
COUNTS = {"cases": 0, "compared": 0, "refused_by_both": 0, "non_ascii_refused_by_us": 0, "mismatches": 0}
BUCKET_METHODS = tuple(m for m in METHODS if m != "list_buckets")
MRAP = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"
REGIONS = ("us-east-1", "us-west-2", "eu-south-2", "aws-global", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "eusc-de-east-1")
ENDPOINTS = (None, None, None, "http://127.0.0.1:9000", "https://minio.example.com:8443/store")
TOKENS = (None, "FQoGZXIvYXdzEJr//////////wEaDM+token=")


class Boto3Worker:
    def __init__(self, python: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "BOTO_DISABLE_CRT"}
        env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
        self.proc = subprocess.Popen(
            [python, str(Path(__file__).with_name("boto3_mrap_worker.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(ROOT / "tests"),  # not the checkout: the awscrt venv must not import this project
        )

    def presign(self, cases: list[dict[str, Any]]) -> list[dict[str, str]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"cases": cases}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the boto3 worker died"
        results: list[dict[str, str]] = json.loads(line)["results"]
        return results

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # the worker this fixture started
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def boto3_worker() -> Iterator[Boto3Worker]:
    python = _awscrt_python()
    if python is None:
        message = "awscrt's venv is missing: run scripts/test, or set SIGV4_AWSCRT_PYTHON to a Python with awscrt and boto3"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    w = Boto3Worker(python)
    try:
        yield w
    finally:
        w.stop()


# -- one call on both sides ------------------------------------------------------------------


def _encode(value: object) -> object:
    if isinstance(value, (bytes, bytearray)):
        return {"$b": bytes(value).hex()}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _ours(case: dict[str, Any], params: dict[str, Any]) -> sigv4.SignedRequest | SigningError:
    s3 = dict(case["s3"])
    with _clean_env():
        os.environ.update(case["env"])
        try:
            client = Session().client(
                "s3",
                region_name=case["region"],
                endpoint_url=case["endpoint"],
                aws_access_key_id=case["access_key"],
                aws_secret_access_key=case["secret_key"],
                aws_session_token=case["token"],
                config={"s3": s3, "use_fips_endpoint": case["fips"]},
            )
        except SigningError as e:
            return e
    now = datetime.fromtimestamp(case["now"], timezone.utc)
    try:
        signed: sigv4.SignedRequest = client.presign(case["method"], params, case["expires"], case["http_method"], now=now)
    except SigningError as e:
        return e
    return signed


def _without_signature(query: str) -> tuple[list[tuple[str, str]], str]:
    pairs = query_pairs(query)
    signature = [v for k, v in pairs if k == "X-Amz-Signature"]
    assert len(signature) == 1, query
    return [(k, v) for k, v in pairs if k != "X-Amz-Signature"], signature[0]


def check(case: dict[str, Any], params: dict[str, Any], theirs: dict[str, str]) -> None:
    COUNTS["cases"] += 1
    ours = _ours(case, params)
    if "error" in theirs:
        assert isinstance(ours, SigningError), f"boto3 refused ({theirs['error']}) but sigv4 gave {ours.url}"
        COUNTS["refused_by_both"] += 1
        return
    if isinstance(ours, InvalidHeaderError) and "must be ASCII" in ours.rule:
        # Different on purpose (as in tests/s3/test_s3_presign_diff.py): a non-ASCII header value.
        assert not all(str(v).isascii() for v in params.values()), ours
        COUNTS["non_ascii_refused_by_us"] += 1
        return
    assert not isinstance(ours, SigningError), f"sigv4 refused ({ours!r}) but boto3 gave {theirs['url']}"
    expected, got = urlsplit(as_sigv4_sends(theirs["url"], s3=True)), urlsplit(ours.url)  # (dot segments escaped)
    assert (got.scheme, got.netloc, got.path) == (expected.scheme, expected.netloc, expected.path), (ours.url, theirs["url"])
    their_pairs, their_signature = _without_signature(expected.query)
    our_pairs, our_signature = _without_signature(got.query)
    assert sorted(our_pairs) == sorted(their_pairs), f"\nsigv4: {ours.url}\nboto3: {theirs['url']}"
    caller = [p for p in their_pairs if not p[0].startswith("X-Amz-")]
    assert [p for p in our_pairs if not p[0].startswith("X-Amz-")] == caller
    assert dict(our_pairs)["X-Amz-Algorithm"] == V4A and dict(our_pairs)["X-Amz-Region-Set"] == "%2A"
    assert our_signature == ours.signature
    pair = (case["access_key"], case["secret_key"])
    public = oracle_public_key(*pair)
    assert sigv4a.verify_signature(sigv4a.signing_key(*pair).public_key, ours.string_to_sign, our_signature)
    assert oracle_verifies(public, ours.string_to_sign, our_signature), "our signature does not verify (cryptography)"
    assert oracle_verifies(public, ours.string_to_sign, their_signature), (
        "awscrt's string to sign differs from ours",
        ours.canonical_request,
    )
    assert case["secret_key"] not in ours.url
    COUNTS["compared"] += 1


# -- strategies ------------------------------------------------------------------------------

_NAME = st.one_of(
    st.sampled_from(["mfzwi23gnjvgw.mrap", "abc123xyz.mrap", "a.b", "MyAlias", "x" * 63, "a-b.c-d"]),
    st.from_regex(r"[a-z0-9]{4,13}\.mrap", fullmatch=True),
    # refused by boto3's bucket check or its rule set
    st.sampled_from(["x" * 64, "a..b", "-a.mrap", "a-.mrap", ".mrap", "my_alias", "a/b", ""]),
)
_PARTITION = st.sampled_from(["aws", "aws", "aws", "aws-cn", "aws-us-gov", "aws-iso", "awsx"])
_ACCOUNT = st.sampled_from(["123456789012", "123456789012", "000000000000", "12345678901", "12345678901a"])
_ARN = st.builds(
    lambda p, a, sep, n: f"arn:{p}:s3::{a}:accesspoint{sep}{n}", _PARTITION, _ACCOUNT, st.sampled_from(["/", "/", ":"]), _NAME
)
_FLAGS = st.sampled_from(
    [(False, False, False)] * 6 + [(True, False, False), (False, True, False), (False, False, True), (True, False, True)]
)
_S3_EXTRA = st.fixed_dictionaries(
    {},
    optional={
        "addressing_style": st.sampled_from(["auto", "virtual", "path"]),
        "use_arn_region": st.booleans(),
        "s3_disable_multiregion_access_points": st.booleans(),
        "us_east_1_regional_endpoint": st.sampled_from(["legacy", "regional"]),
    },
)
_ENV = st.one_of(
    st.just({}),
    st.just({}),
    st.sampled_from(
        [{"AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS": "true"}, {"AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS": "false"}]
    ),
)
_TIME = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=timezone.utc).timestamp()
)
_EXPIRES = st.one_of(st.sampled_from([1, 3600, 604800]), st.integers(min_value=1, max_value=604800))
_HTTP = st.one_of(st.none(), st.none(), st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]))


@st.composite
def mrap_calls(draw: st.DrawFn, methods: tuple[str, ...] = BUCKET_METHODS) -> tuple[dict[str, Any], dict[str, Any]]:
    method, params = draw(calls(methods, arns=False))
    params["Bucket"] = draw(st.one_of(st.just(MRAP), _ARN))
    dualstack, accelerate, fips = draw(_FLAGS)
    s3 = {"use_dualstack_endpoint": dualstack, "use_accelerate_endpoint": accelerate, **draw(_S3_EXTRA)}
    pair = draw(st.sampled_from(CREDENTIAL_PAIRS))
    case = {
        "region": draw(st.sampled_from(REGIONS)),
        "s3": s3,
        "endpoint": draw(st.sampled_from(ENDPOINTS)),
        "fips": fips,
        "env": draw(_ENV),
        "access_key": pair[0],
        "secret_key": pair[1],
        "token": draw(st.sampled_from(TOKENS)),
        "method": method,
        "params": _encode(params),
        "expires": draw(_EXPIRES),
        "http_method": draw(_HTTP),
        "now": draw(_TIME),
    }
    return case, params


def run_batch(worker: Boto3Worker, batch: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    answers = worker.presign([case for case, _ in batch])
    for (case, params), theirs in zip(batch, answers):
        try:
            check(case, params, theirs)
        except AssertionError:
            COUNTS["mismatches"] += 1
            raise


# -- the tests -------------------------------------------------------------------------------

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@_SETTINGS
@given(batch=st.lists(mrap_calls(), min_size=20, max_size=20))
def test_mrap_presigned_urls_match_boto3_with_awscrt(boto3_worker: Boto3Worker, batch: list[Any]) -> None:
    run_batch(boto3_worker, batch)


@_SETTINGS
@given(
    batch=st.lists(
        mrap_calls(("get_object", "put_object", "head_object", "delete_object", "upload_part", "list_objects_v2")),
        min_size=20,
        max_size=20,
    )
)
def test_mrap_object_operations_match_boto3_with_awscrt(boto3_worker: Boto3Worker, batch: list[Any]) -> None:
    run_batch(boto3_worker, batch)


def _fixed(method: str, params: dict[str, Any], **changes: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    case: dict[str, Any] = {
        "region": "us-east-1",
        "s3": {},
        "endpoint": None,
        "fips": False,
        "env": {},
        "access_key": CREDENTIAL_PAIRS[0][0],
        "secret_key": CREDENTIAL_PAIRS[0][1],
        "token": None,
        "method": method,
        "params": _encode(params),
        "expires": 3600,
        "http_method": None,
        "now": datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc).timestamp(),
    }
    case.update(changes)
    return case, params


def test_every_operation_once(boto3_worker: Boto3Worker) -> None:
    """Each operation with only its required parameters, and the configurations boto3 refuses or
    treats specially, so the comparison never rests on the generator alone."""
    from sigv4.s3.operations import operation

    batch = []
    for method in BUCKET_METHODS:
        op = operation(method)
        assert op is not None
        params: dict[str, Any] = {"Bucket": MRAP}
        for name in op.required:
            if name == "Key":
                params[name] = "reports/2026 q4.pdf"
            elif name == "UploadId":
                params[name] = "2~zX.y+/="
            elif name == "PartNumber":
                params[name] = 7
            elif name == "CopySource":
                params[name] = "src-bucket/a b"
            elif name != "Bucket" and op.members[name].location != "b":
                params[name] = "v"
        batch.append(_fixed(method, params))
        batch.append(_fixed(method, params, token=TOKENS[1], region="eu-south-2"))
    key = {"Bucket": MRAP, "Key": "k"}
    for changes in (
        {"s3": {"use_dualstack_endpoint": True}},
        {"fips": True},
        {"s3": {"use_accelerate_endpoint": True}},
        {"s3": {"s3_disable_multiregion_access_points": True}},
        {"s3": {"s3_disable_multiregion_access_points": False}},
        {"env": {"AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS": "true"}},
        {"s3": {"addressing_style": "path"}},
        {"s3": {"use_arn_region": False}, "region": "ap-south-1"},
        {"endpoint": "https://minio.example.com:8443/store"},
        {"endpoint": "http://127.0.0.1:9000", "s3": {"addressing_style": "virtual"}},
        {"region": "cn-north-1"},
        {"region": "us-gov-west-1"},
    ):
        batch.append(_fixed("get_object", key, **changes))
    cn = {"Bucket": "arn:aws-cn:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "Key": "k"}
    batch.append(_fixed("get_object", cn, region="cn-north-1"))
    batch.append(_fixed("get_object", cn, region="us-east-1"))
    batch.append(
        _fixed("get_object", {"Bucket": "arn:aws-us-gov:s3::123456789012:accesspoint/a.mrap", "Key": "k"}, region="us-gov-east-1")
    )
    before = dict(COUNTS)
    run_batch(boto3_worker, batch)
    assert COUNTS["compared"] - before["compared"] >= len(BUCKET_METHODS) * 2 - 2  # get_bucket_location is refused
    assert COUNTS["refused_by_both"] - before["refused_by_both"] >= 6


def test_counts(boto3_worker: Boto3Worker) -> None:
    """Run last: the properties compared many calls, and reached refusals."""
    print(f"\nMRAP presign vs boto3+awscrt: {COUNTS}")
    assert COUNTS["compared"] >= 300
    assert COUNTS["refused_by_both"] >= 50
    assert COUNTS["mismatches"] == 0
