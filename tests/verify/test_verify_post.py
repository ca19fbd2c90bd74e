"""Browser POST forms: boto3 1.44.8's ``generate_presigned_post`` (the oracle)
signs the policies; each rule of the issue is then exercised on the submitted
fields, in the order S3 checks them."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from freezegun import freeze_time

import sigv4
from sigv4.core.keys import signature, signing_key

AK, SK, TOKEN = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE//token+="
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
T = NOW.timestamp()


def boto3_post(key: str = "uploads/${filename}", conditions: list[Any] | None = None, fields: dict[str, str] | None = None,
               token: str | None = None, expires: int = 3600, bucket: str = "my-bucket") -> dict[str, Any]:  # fmt: skip
    client = boto3.client(
        "s3", region_name="eu-west-1", config=Config(signature_version="s3v4"),
        aws_access_key_id=AK, aws_secret_access_key=SK, aws_session_token=token,
    )  # fmt: skip
    with freeze_time(NOW):
        post: dict[str, Any] = client.generate_presigned_post(
            bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=expires
        )
    return post


def verifier(token: str | None = None, now: float = T) -> sigv4.Verifier:
    creds = sigv4.Credentials(AK, SK, token)
    return sigv4.Verifier(lambda key: creds if key == AK else None, clock=lambda: now)


def submit(post: dict[str, Any], extra: dict[str, str] | None = None, *, size: int = 10, filename: str | None = "cat.png",
           url: str | None = None, token: str | None = None, now: float = T) -> sigv4.VerificationResult:  # fmt: skip
    fields = list(post["fields"].items()) + list((extra or {}).items())
    return verifier(token, now).verify_post(url or post["url"], fields, size, filename=filename)


def refused(code: str, *args: Any, **kwargs: Any) -> sigv4.VerificationError:
    with pytest.raises(sigv4.VerificationError) as err:
        submit(*args, **kwargs)
    assert err.value.code == code, err.value.message
    return err.value


def test_boto3_form_verifies() -> None:
    post = boto3_post()
    assert post["url"] == "https://my-bucket.s3.amazonaws.com/"
    result = submit(post)
    assert (result.access_key, result.region, result.service, result.key) == (AK, "eu-west-1", "s3", "uploads/cat.png")
    assert result.policy is not None and result.fields is not None and result.fields["key"] == "uploads/${filename}"


def test_token_is_a_field() -> None:
    post = boto3_post(token=TOKEN)
    assert submit(post, token=TOKEN).credentials.token == TOKEN
    refused("InvalidToken", post)  # the key has no token
    refused("InvalidToken", boto3_post(), token=TOKEN)  # the token is missing


def test_signature_comes_before_expiration() -> None:
    post = boto3_post(expires=60)
    late = T + 61
    assert refused("AccessDenied", post, now=late).message == "Invalid according to Policy: Policy expired."
    post["fields"]["x-amz-signature"] = "0" * 64
    refused("SignatureDoesNotMatch", post, now=late)
    submit(boto3_post(expires=60), now=T + 60)


def test_unknown_key_and_missing_fields() -> None:
    post = boto3_post()
    post["fields"]["x-amz-credential"] = post["fields"]["x-amz-credential"].replace(AK, "AKIDOTHER")
    refused("InvalidAccessKeyId", post)
    for name in ("policy", "x-amz-signature", "x-amz-credential", "x-amz-date", "x-amz-algorithm"):
        post = boto3_post()
        del post["fields"][name]
        assert name in refused("InvalidArgument", post).message


def test_field_names_are_case_insensitive() -> None:
    post = boto3_post(fields={"acl": "private"}, conditions=[{"acl": "private"}])
    post["fields"] = {k.upper() if k != "key" else "Key": v for k, v in post["fields"].items()}
    assert submit(post).key == "uploads/cat.png"


def test_x_amz_fields_must_match_the_policy() -> None:
    for name, value in (("x-amz-algorithm", "AWS4-HMAC-SHA256 "), ("x-amz-date", "20260304T050608Z")):
        post = boto3_post()
        post["fields"][name] = value
        with pytest.raises(sigv4.VerificationError) as err:
            submit(post)
        assert err.value.code in {"AccessDenied", "InvalidArgument"}


def test_eq_conditions_and_shorthand() -> None:
    post = boto3_post(fields={"acl": "public-read"}, conditions=[{"acl": "public-read"}, ["eq", "$x-amz-meta-tag", "blue"]])
    submit(post, {"x-amz-meta-tag": "blue"})
    assert "x-amz-meta-tag" in refused("AccessDenied", post, {"x-amz-meta-tag": "Blue"}).message
    post["fields"]["acl"] = "private"
    assert "acl" in refused("AccessDenied", post, {"x-amz-meta-tag": "blue"}).message


def test_starts_with_content_type_each_value() -> None:
    post = boto3_post(conditions=[["starts-with", "$Content-Type", "image/"]])
    submit(post, {"Content-Type": "image/png"})
    submit(post, {"Content-Type": "image/png, image/jpeg"})
    refused("AccessDenied", post, {"Content-Type": "image/png, text/plain"})
    refused("AccessDenied", post, {"Content-Type": "text/plain"})


def test_starts_with_empty_allows_anything() -> None:
    post = boto3_post(conditions=[["starts-with", "$x-amz-meta-note", ""]])
    submit(post, {"x-amz-meta-note": "anything at all"})
    submit(post)


def test_key_after_filename_substitution() -> None:
    post = boto3_post(key="user/alice/${filename}")
    assert submit(post, filename="a.txt").key == "user/alice/a.txt"
    exact = boto3_post(key="user/alice/a.txt")  # boto3 adds {"key": "user/alice/a.txt"}
    post_fields = dict(exact)
    post_fields["fields"] = dict(exact["fields"], key="user/alice/${filename}")
    assert submit(post_fields, filename="a.txt").key == "user/alice/a.txt"
    refused("AccessDenied", post_fields, filename="b.txt")


def test_bucket_from_the_url() -> None:
    post = boto3_post()
    assert submit(post, url="https://s3.eu-west-1.amazonaws.com/my-bucket").access_key == AK  # path style
    assert submit(post, url="http://127.0.0.1:9000/my-bucket/").access_key == AK
    assert "bucket" in refused("AccessDenied", post, url="https://other-bucket.s3.amazonaws.com/").message
    refused("AccessDenied", post, url="https://s3.amazonaws.com/other-bucket")
    refused("AccessDenied", post, url="http://127.0.0.1:9000/")  # no bucket in the URL at all


def test_every_field_must_be_covered() -> None:
    post = boto3_post()
    err = refused("AccessDenied", post, {"x-amz-meta-extra": "1"})
    assert err.message == "Invalid according to Policy: Extra input fields: x-amz-meta-extra"
    submit(post, {"x-ignore-tracking": "1", "file": "ignored", "X-Ignore-Other": "2"})


def test_content_length_range_and_order() -> None:
    post = boto3_post(conditions=[["content-length-range", 10, 100], ["eq", "$x-amz-meta-a", "1"]])
    submit(post, {"x-amz-meta-a": "1"}, size=10)
    submit(post, {"x-amz-meta-a": "1"}, size=100)
    refused("EntityTooSmall", post, {"x-amz-meta-a": "1"}, size=9)
    refused("EntityTooLarge", post, {"x-amz-meta-a": "1"}, size=101)
    # A condition failure is reported before the size, whatever their order in the policy.
    refused("AccessDenied", post, {"x-amz-meta-a": "2"}, size=101)


def _signed_policy(document: object, raw: bytes | None = None) -> list[tuple[str, str]]:
    policy = base64.b64encode(raw if raw is not None else json.dumps(document).encode()).decode()
    key = signing_key(SK, "20260304", "eu-west-1", "s3")
    return [
        ("key", "k"),
        ("policy", policy),
        ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
        ("x-amz-credential", f"{AK}/20260304/eu-west-1/s3/aws4_request"),
        ("x-amz-date", "20260304T050607Z"),
        ("x-amz-signature", signature(key, policy)),
    ]


@pytest.mark.parametrize(
    ("document", "raw"),
    [
        (None, b"not json"),
        (None, b"\xff\xfe"),
        ([1, 2], None),
        ({"conditions": []}, None),
        ({"expiration": "2026-03-05T00:00:00Z", "conditions": {}}, None),
        ({"expiration": "tomorrow", "conditions": []}, None),
        ({"expiration": "2026-03-05T00:00:00Z", "conditions": [["between", "$key", "a"]]}, None),
        ({"expiration": "2026-03-05T00:00:00Z", "conditions": [["eq", "key", "k"]]}, None),
        ({"expiration": "2026-03-05T00:00:00Z", "conditions": [["eq", "$key", 5]]}, None),
        ({"expiration": "2026-03-05T00:00:00Z", "conditions": [["content-length-range", "a", 5]]}, None),
        ({"expiration": "2026-03-05T00:00:00Z", "conditions": ["key"]}, None),
    ],
)
def test_malformed_policies(document: object, raw: bytes | None) -> None:
    with pytest.raises(sigv4.VerificationError) as err:
        verifier().verify_post("https://b.s3.amazonaws.com/", _signed_policy(document, raw), 1)
    assert err.value.code == "InvalidPolicyDocument", err.value.message


def test_well_formed_hand_written_policy() -> None:
    document = {
        "expiration": "2026-03-05T00:00:00.000Z",
        "conditions": [{"bucket": "b"}, ["eq", "$key", "k"], {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
                       ["starts-with", "$x-amz-credential", AK], ["eq", "$x-amz-date", "20260304T050607Z"]],
    }  # fmt: skip
    result = verifier().verify_post("https://b.s3.amazonaws.com/", _signed_policy(document), 1)
    assert result.key == "k"


def test_virtual_host_bucket_from_the_host_header() -> None:
    post = boto3_post()
    fields = list(post["fields"].items())
    v = verifier()
    assert v.verify_post("/", fields, 1, filename="a", headers={"Host": "my-bucket.localhost:9000"}).key == "uploads/a"
    with pytest.raises(sigv4.VerificationError) as err:
        v.verify_post("/", fields, 1, filename="a", headers={"Host": "127.0.0.1:9000"})
    assert err.value.code == "AccessDenied"
    assert v.verify_post("/", fields, 1, filename="a", bucket="my-bucket").key == "uploads/a"
