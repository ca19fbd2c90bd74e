"""Differential tests: ``sigv4.client('s3').generate_presigned_url`` against boto3 1.44.8.

boto3 (``Config(signature_version='s3v4')``, ``BOTO_DISABLE_CRT=true``) is the
oracle; freezegun freezes its clock at the instant we pass as ``now=``.  Every
parameter of every presignable operation is generated from the operation's
model (values by type), over regions (us-east-1, us-west-2, eu-south-2 which
opened after March 2019, cn-north-1), addressing styles, dual-stack,
accelerate, FIPS, custom endpoints, session tokens and expiries.  The URL must
be equal byte for byte; when boto3 refuses the input, sigv4 must refuse it too
(with a ``SigningError``).

The one documented difference: in ``auto`` addressing, for regions launched
after March 2019 (and with FIPS outside us-east-1) sigv4 gives the URL boto3
gives with ``addressing_style='virtual'`` -- so that is the oracle there.

max_examples: 2000 + 1500 + 1000 + 500 = 5000 generated cases per run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import freezegun
import pytest
from botocore.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import InvalidHeaderError, SigningError
from sigv4.s3.endpoints import LEGACY_REGIONS
from sigv4.s3.operations import OPERATIONS, operation
from sigv4.session import Session
from tests.botocore_oracle import as_sigv4_sends

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz"
ACCESS = "AKIDEXAMPLE"
REGIONS = ("us-east-1", "us-west-2", "eu-south-2", "cn-north-1")
ENDPOINTS = (None, "http://127.0.0.1:9000", "https://minio.example.com:8443/store", "http://localhost:9000/")
TOKENS = (None, "FQoGZXIvYXdzEJr//////////wEaDM+token=")
# put_object_tagging: boto3 always fails to presign it (it requires the body member
# Tagging, then cannot put an XML body in a URL); tested against botocore's signer
# directly in test_s3_presign.py.
METHODS = tuple(m for m in OPERATIONS if m != "put_object_tagging")

# (region, addressing style, dualstack, accelerate, fips, endpoint_url, token)
Cfg = tuple

_BOTO: dict[Cfg, Any] = {}
# The freezegun freezer of the running test: started once per test (starting one
# walks every loaded module, ~10 ms) and moved to each example's instant.
_FROZEN: list[Any] = []
_OURS: dict[Cfg, Any] = {}
_boto_session: list[Any] = []


@contextmanager
def _clean_env() -> Iterator[None]:
    """No AWS_* variable or shared file may leak into either client."""
    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                del os.environ[name]
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _oracle_style(cfg: Cfg) -> str:
    region, style, _, accelerate, fips, endpoint, _ = cfg
    if accelerate and style == "path":
        style = "auto"  # botocore ignores path-style with Transfer Acceleration
    if endpoint is None and style == "auto" and (region not in LEGACY_REGIONS or (fips and region != "us-east-1")):
        return "virtual"
    return style


def boto_client(cfg: Cfg) -> Any:
    key = (*cfg[:1], _oracle_style(cfg), *cfg[2:])
    if key not in _BOTO:
        region, style, dualstack, accelerate, fips, endpoint, token = key
        s3: dict[str, Any] = {"use_dualstack_endpoint": dualstack, "use_accelerate_endpoint": accelerate}
        if style != "auto":
            s3["addressing_style"] = style
        with _clean_env():
            if not _boto_session:
                _boto_session.append(boto3.session.Session())
            try:
                _BOTO[key] = _boto_session[0].client(
                    "s3",
                    region_name=region,
                    endpoint_url=endpoint,
                    aws_access_key_id=ACCESS,
                    aws_secret_access_key=SECRET,
                    aws_session_token=token,
                    config=Config(signature_version="s3v4", s3=s3, use_fips_endpoint=fips),
                )
            except Exception as e:
                _BOTO[key] = e
    return _BOTO[key]


def our_client(cfg: Cfg) -> Any:
    if cfg not in _OURS:
        region, style, dualstack, accelerate, fips, endpoint, token = cfg
        s3 = {"addressing_style": style, "use_dualstack_endpoint": dualstack, "use_accelerate_endpoint": accelerate}
        with _clean_env():
            try:
                _OURS[cfg] = Session().client(
                    "s3",
                    region_name=region,
                    endpoint_url=endpoint,
                    aws_access_key_id=ACCESS,
                    aws_secret_access_key=SECRET,
                    aws_session_token=token,
                    config={"signature_version": "s3v4", "s3": s3, "use_fips_endpoint": fips},
                )
            except SigningError as e:
                _OURS[cfg] = e
    return _OURS[cfg]


def check(cfg: Cfg, method: str, params: dict[str, Any], expires: int, http_method: str | None, now: datetime) -> None:
    bucket = params.get("Bucket")
    endpoint = cfg[5]
    if endpoint and endpoint.startswith("http://127.") and cfg[1] == "virtual" and isinstance(bucket, str) and "." in bucket:
        # Documented difference: boto3 writes http://my.bucket.127.0.0.1:9000/ (no such
        # host); sigv4 addresses an IP endpoint path-style, as boto3 does for other names.
        boto = boto_client((*cfg[:1], "path", *cfg[2:]))
    else:
        boto = boto_client(cfg)
    ours = our_client(cfg)
    expected: str | Exception
    if isinstance(boto, Exception):
        expected = boto
    else:
        try:
            _FROZEN[0].move_to(now)
            expected = boto.generate_presigned_url(method, Params=dict(params), ExpiresIn=expires, HttpMethod=http_method)
        except Exception as e:
            expected = e
    got: str | Exception
    if isinstance(ours, Exception):
        got = ours
    else:
        try:
            got = ours.presign(method, dict(params), expires, http_method, now=now).url
        except SigningError as e:
            got = e
    if isinstance(expected, Exception):
        assert isinstance(got, SigningError), f"boto3 refused ({expected!r}) but sigv4 gave {got}"
        return
    if isinstance(got, InvalidHeaderError) and "must be ASCII" in got.rule:
        # Different on purpose: boto3 signs a non-ASCII header value as UTF-8, which
        # http.client then sends as latin-1, so the URL cannot work; sigv4 refuses it.
        assert not all(str(v).isascii() for v in params.values()), got
        return
    assert not isinstance(got, Exception), f"sigv4 refused ({got!r}) but boto3 gave {expected}"
    # Different on purpose: a key's dot segments go out escaped (boto3 leaves them for the
    # HTTP client to remove, which makes another key); everything else byte for byte.
    expected = as_sigv4_sends(expected, s3=True)
    assert got == expected, f"\nsigv4: {got}\nboto3: {expected}"
    assert SECRET not in got


# -- strategies ------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aZ09 +~=/.%&?#;:,'\"!*()[]@$-_")),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    ),
    max_size=12,
)
_HEADER_TEXT = st.text(alphabet=st.sampled_from(list("aZ09 +~=/.%&?;:,'\"-_()éü")), max_size=16)
_KEY = st.one_of(
    st.sampled_from([".", "..", "a/./b", "a/../b", "//", "a//b", "/lead", "trail/", "%2F", "%", "+", "a b", "~user", "x=y"]),
    st.text(
        alphabet=st.one_of(st.sampled_from(list("ab/+~=.% ")), st.characters(blacklist_categories=("Cs",))),
        min_size=1,
        max_size=24,
    ),
)
_BUCKET = st.one_of(
    st.from_regex(r"[a-z0-9][a-z0-9-]{1,14}[a-z0-9]", fullmatch=True),
    st.from_regex(r"[a-z0-9]{2,6}\.[a-z0-9]{2,6}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True).filter(lambda b: not b.endswith("--x-s3")),
    st.sampled_from(["ab", "192.168.1.2", "MyBucket", "my_bucket", "-dash-", "a" * 63, "a" * 64]),
)
_ARN = st.sampled_from(
    [
        "arn:aws:s3:us-west-2:123456789012:accesspoint/myap",
        "arn:aws:s3:eu-south-2:123456789012:accesspoint:my-ap",
        "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/olap",
        "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports",
        "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/cnap",
    ]
)
_TIME = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=timezone.utc)
)
_STAMP = st.one_of(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2090, 1, 1)),
    st.integers(min_value=0, max_value=3_000_000_000),
)


def _value(method: str, name: str) -> st.SearchStrategy[Any]:
    member = operation(method).members[name]  # type: ignore[union-attr]
    if name == "CopySource":
        return st.one_of(
            st.builds(lambda b, k: f"{b}/{k}", _BUCKET, _KEY),
            st.builds(
                lambda b, k, v: f"{b}/{k}?versionId={v}", _BUCKET, _KEY, st.from_regex(r"[A-Za-z0-9._]{1,8}", fullmatch=True)
            ),
            st.fixed_dictionaries(
                {"Bucket": _BUCKET, "Key": _KEY}, optional={"VersionId": st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)}
            ),
        )
    if name.endswith("SSECustomerKey"):
        return st.one_of(st.binary(min_size=1, max_size=40), st.text(alphabet="abcXYZ019", min_size=1, max_size=40))
    kind = member.type
    if kind == "s":
        return _HEADER_TEXT if member.location == "h" else _TEXT
    if kind == "i":
        return st.integers(min_value=0, max_value=100_000)
    if kind == "b":
        return st.booleans()
    if kind == "t":
        return _STAMP
    if kind == "m":
        return st.dictionaries(st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True), _HEADER_TEXT.filter(str.isascii), max_size=3)
    if kind == "l":
        return st.lists(st.sampled_from(["RestoreStatus", "a,b", 'q"t']), max_size=2)
    raise AssertionError(f"no strategy for {method}.{name}")


@st.composite
def calls(draw: st.DrawFn, methods: tuple[str, ...] = METHODS, arns: bool = True) -> tuple[str, dict[str, Any]]:
    method = draw(st.sampled_from(methods))
    op = operation(method)
    assert op is not None
    params: dict[str, Any] = {}
    optional = [n for n, m in op.members.items() if m.location != "b" and n not in op.required and n != "ExpectedBucketOwner"]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True, max_size=4)) if optional else []
    names = list(op.required) + chosen
    for name in draw(st.permutations(names)):
        if name == "Bucket":
            params[name] = draw(st.one_of(_BUCKET, _ARN) if arns else _BUCKET)
        elif name == "Key":
            params[name] = draw(_KEY)
        elif op.members[name].location != "b":
            params[name] = draw(_value(method, name))
    return method, params


def configs(regions: tuple[str, ...] = REGIONS) -> st.SearchStrategy[Cfg]:
    flags = st.sampled_from(
        [
            (False, False, False),
            (True, False, False),
            (False, True, False),
            (False, False, True),
            (True, False, True),
            (True, True, False),
        ]
    )
    return st.builds(
        lambda r, s, f, e, t: (r, s, f[0], f[1], f[2], e, t),
        st.sampled_from(regions),
        st.sampled_from(["auto", "virtual", "path"]),
        flags,
        st.sampled_from(ENDPOINTS),
        st.sampled_from(TOKENS),
    )


_EXPIRES = st.one_of(st.sampled_from([1, 3600, 604800]), st.integers(min_value=1, max_value=604800))
_HTTP = st.one_of(st.none(), st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]))


# -- the tests ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """One freezegun freezer per test; hypothesis' own clock reads stay real."""
    with freezegun.freeze_time("2020-01-01", ignore=["hypothesis"]) as frozen:
        _FROZEN.append(frozen)
        try:
            yield
        finally:
            _FROZEN.pop()


@settings(max_examples=2000)
@given(cfg=configs(), call=calls(), expires=_EXPIRES, http_method=_HTTP, now=_TIME)
def test_every_operation_matches_boto3(
    cfg: Cfg, call: tuple[str, dict[str, Any]], expires: int, http_method: str | None, now: datetime
) -> None:
    check(cfg, call[0], call[1], expires, http_method, now)


@settings(max_examples=1500)
@given(
    cfg=configs(("us-east-1", "eu-south-2")),
    method=st.sampled_from(["get_object", "put_object", "head_object", "delete_object", "upload_part"]),
    bucket=_BUCKET,
    key=_KEY,
    extra=st.fixed_dictionaries({}, optional={"VersionId": _TEXT, "ContentType": _HEADER_TEXT}),
    expires=_EXPIRES,
    now=_TIME,
)
def test_object_keys_and_buckets_match_boto3(
    cfg: Cfg, method: str, bucket: str, key: str, extra: dict[str, Any], expires: int, now: datetime
) -> None:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    members = operation(method).members  # type: ignore[union-attr]
    params.update({k: v for k, v in extra.items() if k in members})
    if method == "upload_part":
        params.update(UploadId="2~zX.y+/=", PartNumber=7)
    check(cfg, method, params, expires, None, now)


@settings(max_examples=1000)
@given(
    cfg=configs(),
    call=calls(
        (
            "list_objects",
            "list_objects_v2",
            "list_object_versions",
            "list_multipart_uploads",
            "list_buckets",
            "get_bucket_location",
            "create_bucket",
            "head_bucket",
            "delete_bucket",
        )
    ),
    now=_TIME,
)
def test_bucket_and_list_operations_match_boto3(cfg: Cfg, call: tuple[str, dict[str, Any]], now: datetime) -> None:
    check(cfg, call[0], call[1], 3600, None, now)


@settings(max_examples=500)
@given(
    cfg=configs(("us-east-1", "us-west-2", "eu-south-2")),
    call=calls(
        ("copy_object", "upload_part_copy", "put_object", "create_multipart_upload", "complete_multipart_upload", "get_object"),
        arns=False,
    ),
    now=_TIME,
    delta=st.integers(min_value=0, max_value=86400 * 3),
)
def test_copy_sse_and_metadata_match_boto3(cfg: Cfg, call: tuple[str, dict[str, Any]], now: datetime, delta: int) -> None:
    check(cfg, call[0], call[1], 1 + delta % 604800, None, now + timedelta(seconds=delta))
