"""POST policies: the AWS example, boto3 1.44.8 as the oracle, validation, the HTML form.

Expected values come from the AWS S3 API Reference's POST example or from boto3
itself (``generate_presigned_post`` under a frozen clock), never from our output.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import warnings
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any

import boto3
import pytest
from botocore.config import Config
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

import sigv4
from sigv4.s3.form import render_form, render_page
from sigv4.s3.post import (
    InvalidPolicyError,
    SignedPolicy,
    build_policy,
    decode_policy,
    generate_presigned_post,
    sign_policy,
    validate_condition,
)

AK = "AKIAIOSFODNN7EXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLE//token+with/odd=chars"
FROZEN = "2026-03-04 05:06:07.891"
NOW = datetime(2026, 3, 4, 5, 6, 7, 891000, tzinfo=timezone.utc)

# The POST example of the AWS S3 API Reference ("Example: Browser-Based Upload using HTTP POST
# (Using AWS Signature Version 4)"): the policy as printed (CRLF line ends), its base64 and signature.
AWS_EXAMPLE_POLICY = (
    '{ "expiration": "2015-12-30T12:00:00.000Z",\r\n'
    '  "conditions": [\r\n'
    '    {"bucket": "sigv4examplebucket"},\r\n'
    '    ["starts-with", "$key", "user/user1/"],\r\n'
    '    {"acl": "public-read"},\r\n'
    '    {"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},\r\n'
    '    ["starts-with", "$Content-Type", "image/"],\r\n'
    '    {"x-amz-meta-uuid": "14365123651274"},\r\n'
    '    {"x-amz-server-side-encryption": "AES256"},\r\n'
    '    ["starts-with", "$x-amz-meta-tag", ""],\r\n'
    "\r\n"
    '    {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},\r\n'
    '    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},\r\n'
    '    {"x-amz-date": "20151229T000000Z" }\r\n'
    "  ]\r\n"
    "}"
)
AWS_EXAMPLE_BASE64 = (
    "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVi"
    "dWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3Vj"
    "Y2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwN"
    "CiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwN"
    "CiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0s"
    "DQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAg"
    "IHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
)
AWS_EXAMPLE_SIGNATURE = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"


# -- the AWS example ----------------------------------------------------------


@pytest.mark.parametrize("as_bytes", [False, True])
def test_aws_example_policy_text(as_bytes: bool) -> None:
    policy = AWS_EXAMPLE_POLICY.encode() if as_bytes else AWS_EXAMPLE_POLICY
    signed = sign_policy(policy, sigv4.Credentials(AK, SK))
    assert signed.policy == AWS_EXAMPLE_BASE64
    assert signed.signature == AWS_EXAMPLE_SIGNATURE
    assert signed.fields() == {"policy": AWS_EXAMPLE_BASE64, "x-amz-signature": AWS_EXAMPLE_SIGNATURE}
    assert signed.credential == f"{AK}/20151229/us-east-1/s3/aws4_request"
    assert signed.date == "20151229T000000Z"


def test_aws_example_through_a_signer() -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    assert sign_policy(AWS_EXAMPLE_POLICY, signer).signature == AWS_EXAMPLE_SIGNATURE
    other_region = sigv4.Signer(sigv4.Credentials(AK, SK), "eu-west-1", "s3")
    with pytest.raises(InvalidPolicyError, match=r"region 'us-east-1'.*'eu-west-1'"):
        sign_policy(AWS_EXAMPLE_POLICY, other_region)


def test_aws_example_as_a_dict_is_encoded_like_boto3() -> None:
    document = json.loads(AWS_EXAMPLE_POLICY)
    signed = sign_policy(document, sigv4.Credentials(AK, SK))
    # boto3 encodes with json.dumps defaults; the bytes are the document, not the printed text.
    assert signed.document == json.dumps(document).encode()
    assert base64.b64decode(signed.policy) == signed.document
    assert decode_policy(signed.policy) == document


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"expiration": "2015-12-30T12:00:00Z"}', "no 'conditions'"),
        ('{"expiration": "tomorrow", "conditions": []}', "ISO 8601"),
        ('{"conditions": []}', "ISO 8601"),
        ('{"expiration": "2015-12-30T12:00:00Z", "conditions": [], "extra": 1}', "unknown element"),
        ('{"expiration": "2015-12-30T12:00:00Z", "conditions": {}}', "must be a list"),
        ('{"expiration": "2015-12-30T12:00:00Z", "conditions": []}', "x-amz-algorithm"),
        (AWS_EXAMPLE_POLICY.replace('{"x-amz-algorithm": "AWS4-HMAC-SHA256"},', ""), "x-amz-algorithm"),
        (AWS_EXAMPLE_POLICY.replace('{"x-amz-credential"', '{"x-other"'), "x-amz-credential"),
        (AWS_EXAMPLE_POLICY.replace("AKIAIOSFODNN7EXAMPLE/", "AKIAOTHER/"), "access key 'AKIAOTHER'"),
        (AWS_EXAMPLE_POLICY.replace("20151229T000000Z", "20151230T000000Z"), "x-amz-date"),
        (AWS_EXAMPLE_POLICY.replace('["starts-with", "$key"', '["begins-with", "$key"'), "unknown operator"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_sign_policy_rejects_bad_documents(policy: str | bytes, message: str) -> None:
    with pytest.raises(InvalidPolicyError, match=message) as info:
        sign_policy(policy, sigv4.Credentials(AK, SK))
    assert isinstance(info.value, sigv4.SigningError)
    assert SK not in str(info.value)


def test_sign_policy_rejects_other_inputs() -> None:
    with pytest.raises(InvalidPolicyError, match="must be a dict, JSON text or bytes"):
        sign_policy(42, sigv4.Credentials(AK, SK))  # type: ignore[arg-type]
    with pytest.raises(sigv4.CredentialsError):
        sign_policy(AWS_EXAMPLE_POLICY, (AK, SK))  # type: ignore[arg-type]
    with pytest.raises(InvalidPolicyError, match="not valid base64"):
        decode_policy("not base64!")


# -- boto3 as the oracle ------------------------------------------------------


def boto3_post(region: str, token: str | None, *args: Any, **kwargs: Any) -> dict[str, Any]:
    client = boto3.client(
        "s3",
        region_name=region,
        config=Config(signature_version="s3v4"),
        aws_access_key_id=AK,
        aws_secret_access_key=SK,
        aws_session_token=token,
    )
    with freeze_time(FROZEN):
        result: dict[str, Any] = client.generate_presigned_post(*args, **kwargs)
    return result


def ours(region: str, token: str | None, url: str, bucket: str, key: str, **kwargs: Any) -> dict[str, Any]:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK, token), region, "s3")
    return generate_presigned_post(signer, url, bucket, key, now=NOW, **kwargs)


def assert_same_as_boto3(expected: dict[str, Any], got: dict[str, Any]) -> None:
    assert got["url"] == expected["url"]
    assert list(got["fields"]) == list(expected["fields"])  # same fields, same order
    assert got["fields"] == expected["fields"]
    # The signature covers the base64 text, so equal fields mean equal JSON bytes; say it plainly too.
    assert base64.b64decode(got["fields"]["policy"]) == base64.b64decode(expected["fields"]["policy"])
    assert json.loads(base64.b64decode(got["fields"]["policy"])) == json.loads(base64.b64decode(expected["fields"]["policy"]))
    assert got["fields"]["x-amz-signature"] == expected["fields"]["x-amz-signature"]


CASES: list[tuple[str, dict[str, Any]]] = [
    ("plain key", {"Key": "uploads/report.pdf"}),
    ("filename key", {"Key": "uploads/${filename}"}),
    ("only filename", {"Key": "${filename}"}),
    ("dollar key", {"Key": "price$5.txt"}),
    ("double dollar key", {"Key": "Folder/filename$$.txt"}),
    ("unicode key", {"Key": "données/été ☃ 日本.txt"}),
    ("spaces and plus", {"Key": "a b/c+d&e=f?g#h.txt"}),
    ("quotes and backslash", {"Key": 'say "hi"\\there.txt'}),
    (
        "the guide's conditions",
        {
            "Key": "uploads/${filename}",
            "Fields": {"acl": "public-read", "Content-Type": "image/png", "success_action_status": "201"},
            "Conditions": [
                {"acl": "public-read"},
                ["starts-with", "$Content-Type", "image/"],
                {"success_action_status": "201"},
                ["content-length-range", 10, 1048576],
            ],
            "ExpiresIn": 600,
        },
    ),
    (
        "eq, tuples and metadata",
        {
            "Key": "k",
            "Fields": {"x-amz-meta-owner": "Zoë", "Cache-Control": "no-cache", "x-ignore-note": "anything"},
            "Conditions": [
                ("eq", "$x-amz-meta-owner", "Zoë"),
                ["starts-with", "$Cache-Control", ""],
                ["content-length-range", 0, 0],
                ["starts-with", "$success_action_redirect", ""],
            ],
            "ExpiresIn": 7 * 24 * 3600,
        },
    ),
    ("one second", {"Key": "k", "ExpiresIn": 1}),
    ("thirty days", {"Key": "k", "ExpiresIn": 30 * 24 * 3600}),
    ("key field repeated", {"Key": "k.txt", "Fields": {"key": "k.txt"}}),
]


@pytest.mark.parametrize("token", [None, TOKEN], ids=["long-term", "session"])
@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2"])
@pytest.mark.parametrize(("name", "case"), CASES, ids=[c[0] for c in CASES])
def test_equal_to_boto3(name: str, case: dict[str, Any], region: str, token: str | None) -> None:
    bucket = "amzn-s3-demo-bucket"
    expected = boto3_post(region, token, bucket, **case)
    got = ours(
        region,
        token,
        expected["url"],
        bucket,
        case["Key"],
        fields=case.get("Fields"),
        conditions=case.get("Conditions"),
        expires_in=case.get("ExpiresIn", 3600),
    )
    assert_same_as_boto3(expected, got)


def test_boto3_condition_order_and_expiration() -> None:
    """What boto3 itself puts in the policy, checked on boto3's own output, then on ours."""
    kwargs: dict[str, Any] = {"Conditions": [{"acl": "private"}, ["content-length-range", 1, 2]], "ExpiresIn": 90}
    expected = boto3_post("eu-west-1", TOKEN, "b", "p/${filename}", **kwargs)
    document = json.loads(base64.b64decode(expected["fields"]["policy"]))
    scope = f"{AK}/20260304/eu-west-1/s3/aws4_request"
    oracle_conditions = [
        {"acl": "private"},
        ["content-length-range", 1, 2],
        {"bucket": "b"},
        ["starts-with", "$key", "p/"],
        {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
        {"x-amz-credential": scope},
        {"x-amz-date": "20260304T050607Z"},
        {"x-amz-security-token": TOKEN},
    ]
    assert document == {"expiration": "2026-03-04T05:07:37Z", "conditions": oracle_conditions}
    got = ours("eu-west-1", TOKEN, expected["url"], "b", "p/${filename}", conditions=kwargs["Conditions"], expires_in=90)
    assert json.loads(base64.b64decode(got["fields"]["policy"])) == document
    built = build_policy(
        "b",
        "p/${filename}",
        credential=scope,
        date_time="20260304T050607Z",
        expires_in=90,
        conditions=kwargs["Conditions"],
        token=TOKEN,
    )
    assert built == document


def test_default_clock_is_frozen_by_freezegun() -> None:
    expected = boto3_post("eu-west-1", None, "b", "k")
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "eu-west-1", "s3")
    with freeze_time(FROZEN):
        got = generate_presigned_post(signer, expected["url"], "b", "k")
    assert_same_as_boto3(expected, got)


def test_caller_inputs_are_not_mutated() -> None:
    fields = {"acl": "private"}
    conditions: list[Any] = [{"acl": "private"}]
    ours("us-east-1", None, "https://b.s3.amazonaws.com/", "b", "k", fields=fields, conditions=conditions)
    assert fields == {"acl": "private"}
    assert conditions == [{"acl": "private"}]


_key_text = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=40).filter(
    lambda k: len(k.encode()) <= 1024
)


@given(
    key=_key_text,
    suffix=st.booleans(),
    value=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20),
    low=st.integers(0, 10**6),
    span=st.integers(0, 10**9),
    expires=st.integers(1, 10**7),
)
def test_equal_to_boto3_generated(key: str, suffix: bool, value: str, low: int, span: int, expires: int) -> None:
    key = key + "${filename}" if suffix else key
    fields = {"x-amz-meta-v": value}
    conditions: list[Any] = [{"x-amz-meta-v": value}, ["content-length-range", low, low + span], ["eq", "$acl", value]]
    expected = boto3_post("us-west-2", None, "bkt", key, Fields=fields, Conditions=conditions, ExpiresIn=expires)
    got = ours("us-west-2", None, expected["url"], "bkt", key, fields=fields, conditions=conditions, expires_in=expires)
    assert_same_as_boto3(expected, got)


# -- validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (["content-length-range", "1", 10], "integer"),
        (["content-length-range", 1.5, 10], "integer"),
        (["content-length-range", True, 10], "integer"),
        (["content-length-range", 0, None], "integer"),
        (["content-length-range", -1, 10], "negative"),
        (["content-length-range", 0, -5], "negative"),
        (["content-length-range", 11, 10], "greater than maximum"),
        (["content-length-range", 1], "exactly 2 arguments"),
        (["ends-with", "$key", "x"], "unknown operator"),
        ([42, "$key", "x"], "unknown operator"),
        ([], "empty list"),
        (["eq", "key", "x"], "leading '\\$'"),
        (["starts-with", "key", ""], "leading '\\$'"),
        (["eq", "$", "x"], "leading '\\$'"),
        (["eq", "$key", 5], "must be a string"),
        (["eq", "$key"], "exactly 2 arguments"),
        (["starts-with", "$key", "a", "b"], "exactly 2 arguments"),
        ({}, "at least one field"),
        ({"acl": 5}, "must be a string"),
        ({"$acl": "private"}, "without '\\$'"),
        ({1: "x"}, "field name"),
        ("acl=private", "dict or a"),
        (None, "dict or a"),
    ],
)
def test_bad_conditions_rejected(condition: Any, message: str) -> None:
    with pytest.raises(InvalidPolicyError, match=message) as info:
        validate_condition(condition)
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidPolicyError, match=r"conditions\[1\]"):
        ours("us-east-1", None, "https://b.s3.amazonaws.com/", "b", "k", conditions=[{"acl": "x"}, condition])


@pytest.mark.parametrize(
    "condition",
    [
        ["content-length-range", 0, 0],
        ["content-length-range", 0, 5 * 1024**3],
        ["Starts-With", "$key", ""],
        ["eq", "$x-amz-meta-ünïcode", "☃"],
        {"acl": "private", "Content-Type": "text/plain"},
    ],
)
def test_good_conditions_accepted(condition: Any) -> None:
    validate_condition(condition)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fields": {"policy": "x"}}, "written by the signer"),
        ({"fields": {"X-Amz-Signature": "x"}}, "written by the signer"),
        ({"fields": {"x-amz-date": "x"}}, "written by the signer"),
        ({"fields": {"file": "x"}}, "last field"),
        ({"fields": {"key": "other"}}, "Key argument"),
        ({"fields": {"Key": "k"}}, "Key argument"),
        ({"fields": {"acl": None}}, "must be a string"),
        ({"fields": {"acl": True}}, "must be a string"),
        ({"fields": "acl=private"}, "dict of form fields"),
        ({"fields": {"": "x"}}, "non-empty"),
        ({"conditions": {"acl": "private"}}, "must be a list"),
        ({"expires_in": 0}, "at least 1 second"),
        ({"expires_in": -60}, "at least 1 second"),
        ({"expires_in": 1.5}, "integer"),
        ({"expires_in": True}, "integer"),
        ({"expires_in": 10**12}, "year 9999"),
    ],
)
def test_bad_arguments_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(sigv4.SigningError, match=message) as info:
        ours("us-east-1", TOKEN, "https://b.s3.amazonaws.com/", "b", "k", **kwargs)
    assert SK not in str(info.value)


# A prefilled field that no condition accepts: boto3 returns the fields (S3 will then refuse the
# upload), so sigv4 returns exactly the same, and warns once, naming every such field.
UNCONDITIONED: list[tuple[str, dict[str, Any], list[str]]] = [
    ("acl, no conditions", {"Fields": {"acl": "public-read"}}, ["'acl' ('public-read')"]),
    ("acl, other value", {"Fields": {"acl": "private"}, "Conditions": [{"acl": "public-read"}]}, ["'acl' ('private')"]),
    (
        "content-type outside the prefix",
        {"Fields": {"Content-Type": "text/html"}, "Conditions": [["starts-with", "$Content-Type", "image/"]]},
        ["'Content-Type' ('text/html')"],
    ),
    (
        "two of three fields",
        {
            "Fields": {"acl": "public-read", "x-amz-meta-a": "1", "success_action_status": "201"},
            "Conditions": [{"x-amz-meta-a": "1"}],
        },
        ["'acl' ('public-read')", "'success_action_status' ('201')"],
    ),
]


@pytest.mark.parametrize(("case", "kwargs", "named"), UNCONDITIONED, ids=[c[0] for c in UNCONDITIONED])
def test_unconditioned_fields_returned_as_boto3_does_with_a_warning(case: str, kwargs: dict[str, Any], named: list[str]) -> None:
    with warnings.catch_warnings(record=True) as boto_warnings:
        warnings.simplefilter("always")
        expected = boto3_post("us-east-1", TOKEN, "bkt", "uploads/a.txt", **kwargs)
    assert not [w for w in boto_warnings if "condition" in str(w.message)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = ours(
            "us-east-1",
            TOKEN,
            expected["url"],
            "bkt",
            "uploads/a.txt",
            fields=kwargs["Fields"],
            conditions=kwargs.get("Conditions"),
        )
    assert_same_as_boto3(expected, got)
    # boto3 adds no condition for a prefilled field: the policy has the caller's, then its own.
    policy = json.loads(base64.b64decode(got["fields"]["policy"]))
    assert policy["conditions"][: len(kwargs.get("Conditions") or [])] == list(kwargs.get("Conditions") or [])
    ours_warnings = [w for w in caught if issubclass(w.category, UserWarning) and "S3 will reject" in str(w.message)]
    assert len(ours_warnings) == 1
    message = str(ours_warnings[0].message)
    for name in named:
        assert name in message
    accepted = [n for n in kwargs["Fields"] if not any(n in x for x in named)]
    for name in accepted:
        assert repr(name) not in message
    assert SK not in message and TOKEN not in message


def test_conditioned_and_ignored_fields_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours(
            "us-east-1",
            None,
            "https://b.s3.amazonaws.com/",
            "b",
            "k",
            fields={"acl": "private", "x-ignore-note": "anything", "Content-Type": "image/png"},
            conditions=[{"acl": "private"}, ["starts-with", "$Content-Type", "image/"]],
        )


def test_bad_bucket_key_url_signer() -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    url = "https://b.s3.amazonaws.com/"
    with pytest.raises(InvalidPolicyError, match="bucket"):
        generate_presigned_post(signer, url, "", "k")
    with pytest.raises(InvalidPolicyError, match="key"):
        generate_presigned_post(signer, url, "b", "")
    with pytest.raises(InvalidPolicyError, match="1024 bytes"):
        generate_presigned_post(signer, url, "b", "é" * 513)
    with pytest.raises(sigv4.InvalidURLError):
        generate_presigned_post(signer, "/relative", "b", "k")
    with pytest.raises(sigv4.CredentialsError):
        generate_presigned_post(sigv4.Credentials(AK, SK), url, "b", "k")  # type: ignore[arg-type]
    with pytest.raises(sigv4.InvalidTimeError):
        generate_presigned_post(signer, url, "b", "k", now=datetime(2026, 1, 1))


def test_content_type_list_and_ignored_fields() -> None:
    got = ours(
        "us-east-1",
        None,
        "https://b.s3.amazonaws.com/",
        "b",
        "k",
        fields={"Content-Type": "image/png, image/gif", "x-ignore-anything": "1"},
        conditions=[["starts-with", "$Content-Type", "image/"]],
    )
    assert got["fields"]["Content-Type"] == "image/png, image/gif"


def test_secrets_stay_out_of_reprs() -> None:
    signed = sign_policy(AWS_EXAMPLE_POLICY, sigv4.Credentials(AK, SK))
    assert isinstance(signed, SignedPolicy)
    assert SK not in repr(signed)
    assert AWS_EXAMPLE_SIGNATURE in repr(signed)


def test_import_sigv4_does_not_load_json() -> None:
    code = "import sys, sigv4; sigv4.Signer; assert 'json' not in sys.modules, 'json imported'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


# -- the HTML form --------------------------------------------------------------


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms.append(dict(attrs))
        elif tag == "input":
            self.inputs.append(dict(attrs))


def _parse(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    parser.close()
    return parser


NASTY = "\"'<>&é ☃ </form><script>alert(1)</script>"


def _post(**kwargs: Any) -> dict[str, Any]:
    return ours("us-east-1", TOKEN, "https://b.s3.amazonaws.com/?a=1&b=<2>", "b", "k/${filename}", **kwargs)


def test_form_has_every_field_escaped_and_file_last() -> None:
    post = _post(fields={"x-amz-meta-note": NASTY}, conditions=[{"x-amz-meta-note": NASTY}])
    html = render_form(post)
    parsed = _parse(html)
    assert parsed.forms == [
        {
            "action": post["url"],
            "method": "post",
            "enctype": "multipart/form-data",
            "accept-charset": "UTF-8",
        }
    ]
    hidden = [i for i in parsed.inputs if i["type"] == "hidden"]
    assert [(i["name"], i["value"]) for i in hidden] == list(post["fields"].items())
    assert [i["type"] for i in parsed.inputs] == ["hidden"] * len(post["fields"]) + ["file", "submit"]
    assert parsed.inputs[-2]["name"] == "file"
    assert "name" not in parsed.inputs[-1]  # an unnamed button sends no extra field
    assert "<script>" not in html


def test_form_optional_redirect_and_status() -> None:
    post = _post(
        conditions=[["starts-with", "$success_action_redirect", "https://example.com/"], {"success_action_status": "201"}]
    )
    html = render_form(post, success_action_redirect='https://example.com/done?x=1&y="2"', success_action_status=201)
    inputs = _parse(html).inputs
    names = [i.get("name") for i in inputs]
    assert names[-4:] == ["success_action_redirect", "success_action_status", "file", None]
    assert inputs[-4]["value"] == 'https://example.com/done?x=1&y="2"'
    assert inputs[-3]["value"] == "201"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"success_action_redirect": "https://example.com/"}, "does not allow"),
        ({"success_action_status": 201}, "does not allow"),
        ({"success_action_status": 302}, "one of 200, 201, 204"),
        ({"success_action_status": True}, "one of 200, 201, 204"),
        ({"success_action_redirect": ""}, "non-empty"),
    ],
)
def test_form_refuses_fields_the_policy_rejects(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidPolicyError, match=message):
        render_form(_post(), **options)


def test_form_field_already_set() -> None:
    post = _post(fields={"success_action_status": "204"}, conditions=[{"success_action_status": "204"}])
    assert render_form(post, success_action_status=204).count('name="success_action_status"') == 1
    with pytest.raises(InvalidPolicyError, match="already set"):
        render_form(post, success_action_status=201)


def test_form_rejects_other_input() -> None:
    with pytest.raises(InvalidPolicyError, match="generate_presigned_post"):
        render_form({"url": "https://x/"})
    with pytest.raises(InvalidPolicyError, match="policy"):
        render_form({"url": "https://x/", "fields": {}})


def test_page_wraps_the_form() -> None:
    post = _post()
    page = render_page(post, title="<Upload>", accept="image/*", submit_label="Send")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8" />' in page
    assert "<title>&lt;Upload&gt;</title>" in page
    inputs = _parse(page).inputs
    assert inputs[-2] == {"type": "file", "name": "file", "accept": "image/*"}
    assert inputs[-1] == {"type": "submit", "value": "Send"}


def test_expiry_relative_to_now() -> None:
    now = datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5)))
    got = ours("us-east-1", None, "https://b.s3.amazonaws.com/", "b", "k", expires_in=2)
    assert got["fields"]["x-amz-date"] == "20260304T050607Z"
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    post = generate_presigned_post(signer, "https://b.s3.amazonaws.com/", "b", "k", expires_in=2, now=now)
    assert post["fields"]["x-amz-date"] == "20270101T045959Z"
    assert decode_policy(post["fields"]["policy"])["expiration"] == "2027-01-01T05:00:01Z"


# -- through the S3 client (sigv4.client('s3')) ---------------------------------


def s3_client(region: str, token: str | None = None, **options: Any) -> Any:
    """``sigv4.client('s3', ...)``; until the factory is exported, the same client built directly."""
    factory = getattr(sigv4, "client", None)
    if factory is not None:
        return factory(
            "s3", region_name=region, aws_access_key_id=AK, aws_secret_access_key=SK, aws_session_token=token, **options
        )
    from sigv4.s3.client import S3Client
    from sigv4.s3.endpoints import Addressing

    style = (options.get("config") or {}).get("s3", {}).get("addressing_style", "auto")
    addressing = Addressing(region, addressing_style=style, endpoint_url=options.get("endpoint_url"))
    return S3Client(sigv4.Credentials(AK, SK, token), addressing, endpoint_url=options.get("endpoint_url"))


@pytest.fixture
def no_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in [n for n in __import__("os").environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


CLIENT_CALL: dict[str, Any] = {
    "Fields": {"acl": "private", "Content-Type": "text/plain"},
    "Conditions": [{"acl": "private"}, ["starts-with", "$Content-Type", "text/"], ["content-length-range", 1, 1000]],
    "ExpiresIn": 900,
}


def _via_client(client: Any, bucket: str, key: str) -> dict[str, Any]:
    with freeze_time(FROZEN):
        result: dict[str, Any] = client.generate_presigned_post(bucket, key, **CLIENT_CALL)
    return result


@pytest.mark.usefixtures("no_aws_environment")
@pytest.mark.parametrize("token", [None, TOKEN], ids=["long-term", "session"])
@pytest.mark.parametrize("style", ["auto", "path", "virtual"])
@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"])
@pytest.mark.parametrize("bucket", ["amzn-s3-demo-bucket", "dotted.bucket.name"])
def test_client_equal_to_boto3(bucket: str, region: str, style: str, token: str | None) -> None:
    config = {"s3": {"addressing_style": style}}
    boto_client = boto3.client(
        "s3",
        region_name=region,
        config=Config(signature_version="s3v4", s3={"addressing_style": style}),
        aws_access_key_id=AK,
        aws_secret_access_key=SK,
        aws_session_token=token,
    )
    expected = _via_client(boto_client, bucket, "in/${filename}")
    got = _via_client(s3_client(region, token, config=config), bucket, "in/${filename}")
    assert_same_as_boto3(expected, got)


@pytest.mark.usefixtures("no_aws_environment")
@pytest.mark.parametrize("region", ["eu-south-1", "af-south-1", "ap-east-1", "me-south-1", "il-central-1", "ap-southeast-3"])
def test_client_regional_host_for_regions_after_march_2019(region: str) -> None:
    def boto(style: str) -> dict[str, Any]:
        client = boto3.client(
            "s3",
            region_name=region,
            config=Config(signature_version="s3v4", s3={"addressing_style": style}),
            aws_access_key_id=AK,
            aws_secret_access_key=SK,
        )
        return _via_client(client, "amzn-s3-demo-bucket", "k")

    global_host, regional = boto("auto"), boto("virtual")
    assert global_host["url"] == "https://amzn-s3-demo-bucket.s3.amazonaws.com/"  # boto3 #2187: fails for these regions
    got = _via_client(s3_client(region), "amzn-s3-demo-bucket", "k")
    assert got["url"] == regional["url"] == f"https://amzn-s3-demo-bucket.s3.{region}.amazonaws.com/"
    assert got["fields"] == global_host["fields"] == regional["fields"]  # same policy and signature either way


@pytest.mark.usefixtures("no_aws_environment")
def test_client_custom_endpoint_equal_to_boto3() -> None:
    endpoint = "http://127.0.0.1:9000"
    boto_client = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        config=Config(signature_version="s3v4"),
        aws_access_key_id=AK,
        aws_secret_access_key=SK,
    )
    expected = _via_client(boto_client, "bucket", "k")
    got = _via_client(s3_client("us-east-1", endpoint_url=endpoint), "bucket", "k")
    assert got["url"] == expected["url"] == f"{endpoint}/bucket"
    assert_same_as_boto3(expected, got)


@pytest.mark.usefixtures("no_aws_environment")
def test_client_validates_like_the_function() -> None:
    client = s3_client("us-east-1")
    with pytest.raises(sigv4.SigningError, match="content-length-range minimum 5 is greater than maximum 1"):
        client.generate_presigned_post("b", "k", Conditions=[["content-length-range", 5, 1]])
    with pytest.warns(UserWarning, match=r"no condition accepts the prefilled field\(s\) 'acl' \('private'\)"):
        post = client.generate_presigned_post("b", "k", Fields={"acl": "private"})
    assert post["fields"]["acl"] == "private"


def test_warns_when_temporary_credentials_expire_before_the_policy() -> None:
    soon = sigv4.Credentials(AK, SK, TOKEN, expiry=NOW + timedelta(minutes=10))
    signer = sigv4.Signer(soon, "us-east-1", "s3")
    with pytest.warns(UserWarning, match="expire"):
        generate_presigned_post(signer, "https://b.s3.amazonaws.com/", "b", "k", expires_in=3600, now=NOW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        generate_presigned_post(signer, "https://b.s3.amazonaws.com/", "b", "k", expires_in=300, now=NOW)
