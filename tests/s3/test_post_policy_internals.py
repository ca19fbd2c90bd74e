"""POST policies, the fast paths: the expiration arithmetic against
``calendar.timegm(time.strptime(...))``, the directly written policy JSON
against ``json.dumps``, the Signer's cached day key against a fresh
derivation, and the names ``sigv4.s3.post`` re-exports from ``sigv4.s3.policy``.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sigv4
from sigv4.s3 import policy, post
from sigv4.s3.post import (
    InvalidPolicyError,
    build_policy,
    decode_policy,
    generate_presigned_post,
    sign_policy,
)

AK = "AKIAIOSFODNN7EXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE//token+with/odd=chars"
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
CREDENTIAL = f"{AK}/20260304/us-east-1/s3/aws4_request"


def _strptime_epoch(text: str) -> int | None:
    try:
        return calendar.timegm(time.strptime(text, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return None


# -- the expiration -------------------------------------------------------------


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_epoch_equals_timegm_strptime(moment: datetime) -> None:
    text = moment.strftime("%Y%m%dT%H%M%SZ").rjust(16, "0")  # strftime writes year 1 as "1" on Linux
    assert post._epoch(text) == _strptime_epoch(text)


@pytest.mark.parametrize(
    "text",
    [
        "20240229T000000Z",  # leap day
        "19000228T235959Z",
        "20000229T120000Z",  # 2000 is a leap year
        "19691231T235959Z",  # before the epoch
        "00010101T000000Z",
        "99991231T235959Z",
        "20260304T235960Z",  # strptime's leap seconds
        "20260304T235961Z",
    ],
)
def test_epoch_edges(text: str) -> None:
    assert post._epoch(text) == _strptime_epoch(text)


@pytest.mark.parametrize(
    "text",
    [
        "19000229T000000Z",  # 1900 is not a leap year
        "20260230T000000Z",
        "20260431T000000Z",
        "20261301T000000Z",
        "20260001T000000Z",
        "20260100T000000Z",
        "00000101T000000Z",
        "20260304T240000Z",
        "20260304T006000Z",
        "20260304T000062Z",
        "20260304 050607Z",
        "20260304T050607",
        "2026-03-04T05:06:07Z",
        "202603040T50607Z",
        "",
    ],
)
def test_epoch_rejects_what_strptime_rejects(text: str) -> None:
    assert post._epoch(text) is None
    assert _strptime_epoch(text) is None


@given(st.text(alphabet="0123456789TZ", min_size=16, max_size=16))
def test_epoch_never_accepts_what_strptime_rejects(text: str) -> None:
    # The reverse does not hold: strptime also takes one-digit fields ("2026011T...").
    got = post._epoch(text)
    if got is not None:
        assert got == _strptime_epoch(text)


def test_expiration_follows_its_inputs() -> None:
    first = post._expiration("20260304T050607Z", 3600)
    assert first == "2026-03-04T06:06:07Z"
    assert post._expiration("20260304T050607Z", 60) == "2026-03-04T05:07:07Z"
    assert post._expiration("20260305T050607Z", 3600) == "2026-03-05T06:06:07Z"
    assert post._expiration("20260304T050607Z", 3600) == first
    with pytest.raises(sigv4.InvalidExpiryError, match="year 9999"):
        build_policy("b", "k", credential=CREDENTIAL, date_time="99991231T235959Z", expires_in=1)
    with pytest.raises(sigv4.InvalidExpiryError, match="year 9999"):  # and fails again
        build_policy("b", "k", credential=CREDENTIAL, date_time="99991231T235959Z", expires_in=1)


# -- the policy JSON --------------------------------------------------------------

_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
_user_conditions = st.lists(
    st.one_of(
        st.dictionaries(_text.filter(lambda s: not s.startswith("$")), _text, min_size=1, max_size=3),
        st.tuples(st.sampled_from(["eq", "starts-with"]), _text.map(lambda s: "$" + s), _text).map(list),
        st.tuples(st.just("content-length-range"), st.integers(0, 10), st.integers(10, 10**12)).map(list),
    ),
    max_size=4,
)


@given(
    bucket=_text,
    key=_text,
    filename=st.booleans(),
    token=st.none() | _text,
    conditions=st.none() | _user_conditions,
    expires_in=st.integers(1, 10**8),
)
def test_policy_json_equals_json_dumps(
    bucket: str, key: str, filename: bool, token: str | None, conditions: list[Any] | None, expires_in: int
) -> None:
    key = key + "${filename}" if filename else key
    args = (bucket, key, CREDENTIAL, "20260304T050607Z", expires_in, conditions, token)
    document = build_policy(
        bucket,
        key,
        credential=CREDENTIAL,
        date_time="20260304T050607Z",
        expires_in=expires_in,
        conditions=conditions,
        token=token,
    )
    assert post._policy_json(*post._policy_parts(*args)) == json.dumps(document)


# -- the signer's day key ---------------------------------------------------------


@pytest.mark.parametrize("token", [None, TOKEN])
def test_day_key_signature_equals_fresh_derivation(token: str | None) -> None:
    creds = sigv4.Credentials(AK, SK, token)
    signer = sigv4.Signer(creds, "us-east-1", "s3")
    conditions: list[Any] = [["content-length-range", 1, 10], {"acl": "private"}]
    post_form = generate_presigned_post(
        signer, "https://b.s3.amazonaws.com/", "b", "k${filename}", {"acl": "private"}, conditions, now=NOW
    )
    fields = post_form["fields"]
    document = decode_policy(fields["policy"])
    by_credentials = sign_policy(document, creds)  # derives the key, no Signer involved
    by_signer = sign_policy(document, signer)  # the signer's cached day key
    assert by_credentials.policy == by_signer.policy == fields["policy"]
    expected = _stdlib_post_signature(SK, "20260304", "us-east-1", fields["policy"])
    assert by_credentials.signature == by_signer.signature == fields["x-amz-signature"] == expected


def _stdlib_post_signature(secret: str, date: str, region: str, policy_b64: str) -> str:
    """The POST signature by the spec, with the stdlib's hmac (independent of sigv4.core.keys):
    HMAC-SHA256 of the base64 policy under the derived signing key."""
    key = ("AWS4" + secret).encode()
    for part in (date, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, policy_b64.encode(), hashlib.sha256).hexdigest()


def test_signer_day_key_follows_the_date() -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "eu-west-1", "s3")
    url = "https://b.s3.eu-west-1.amazonaws.com/"
    today = generate_presigned_post(signer, url, "b", "k", now=NOW)["fields"]
    tomorrow = generate_presigned_post(signer, url, "b", "k", now=NOW + timedelta(days=1))["fields"]
    assert today["x-amz-credential"] == f"{AK}/20260304/eu-west-1/s3/aws4_request"
    assert tomorrow["x-amz-credential"] == f"{AK}/20260305/eu-west-1/s3/aws4_request"
    for fields, date in ((today, "20260304"), (tomorrow, "20260305")):
        assert fields["x-amz-signature"] == _stdlib_post_signature(SK, date, "eu-west-1", fields["policy"])


# -- the split ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["InvalidPolicyError", "decode_policy", "field_allowed", "validate_condition", "validate_conditions"]
)
def test_post_re_exports_policy_names(name: str) -> None:
    assert getattr(post, name) is getattr(policy, name)
    assert name in post.__all__


def test_policy_error_is_one_class() -> None:
    with pytest.raises(InvalidPolicyError):
        policy.validate_condition(["ends-with", "$key", "x"])
    assert issubclass(policy.InvalidPolicyError, sigv4.SigningError)
