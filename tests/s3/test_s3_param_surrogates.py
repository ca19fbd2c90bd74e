"""A lone surrogate in an S3 parameter that goes into the URL (the path or the query)
is refused naming that parameter, as botocore names parameters: once it was
``InvalidURLError`` with field ``value`` (the URL quoting's own name for what it quotes)."""

from __future__ import annotations

from typing import Any

import pytest

import sigv4
from sigv4.core.errors import SigningError
from sigv4.exceptions import ParamValidationError
from sigv4.s3.operations import OPERATIONS, operation

SECRET = "SECRETMARKER/0123456789abcdef"


def _url_members() -> dict[str, str]:
    """Each string member placed in the path or the query, with one operation that takes it."""
    found: dict[str, str] = {}
    for client_method in sorted(OPERATIONS):
        op = operation(client_method)
        assert op is not None
        for member in op.members.values():
            if member.location in ("p", "q") and member.type == "s" and member.name != "Bucket":
                found.setdefault(member.name, client_method)
    return found


URL_MEMBERS = _url_members()


def _params(client_method: str, name: str, value: object) -> dict[str, object]:
    """Valid values for what ``client_method`` requires, and ``name=value``."""
    op = operation(client_method)
    assert op is not None
    params: dict[str, object] = {}
    for required in op.required:
        member = op.members[required]
        if member.location != "b":
            params[required] = 1 if member.type == "i" else "b" if required == "Bucket" else "x"
    params[name] = value
    return params


@pytest.fixture
def s3() -> Any:
    return sigv4.client("s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET)


def _refused(s3: Any, client_method: str, params: dict[str, object], field: str) -> None:
    with pytest.raises(ParamValidationError) as info:
        s3.generate_presigned_url(client_method, Params=params)
    e = info.value
    assert isinstance(e, SigningError)
    assert e.field == field
    assert e.__cause__ is None and e.__context__ is None, f"chained to {e.__context__!r}"
    assert str(e).startswith(f"Parameter validation failed:\n{field}: must be valid Unicode text")
    assert "SECRETMARKER" not in str(e) and "SECRETMARKER" not in repr(e)


def test_the_members_cover_the_path_and_the_query() -> None:
    """(The test below could pass by testing nothing.)"""
    expected = {"Key", "Prefix", "Delimiter", "UploadId", "VersionId", "ContinuationToken", "StartAfter", "KeyMarker"}
    expected |= {"Marker", "VersionIdMarker", "UploadIdMarker", "ResponseContentType", "ResponseContentDisposition"}
    expected |= {"ResponseCacheControl", "ResponseContentEncoding", "ResponseContentLanguage"}
    assert expected <= set(URL_MEMBERS)


@pytest.mark.parametrize("name", sorted(URL_MEMBERS))
@pytest.mark.parametrize("value", ["\ud800", "a/\udfff", "é\ud800ü"])
def test_a_lone_surrogate_in_the_url_names_its_parameter(s3: Any, name: str, value: str) -> None:
    client_method = URL_MEMBERS[name]
    _refused(s3, client_method, _params(client_method, name, value), name)


def test_the_reported_case(s3: Any) -> None:
    _refused(s3, "get_object", {"Bucket": "b", "Key": "\ud800"}, "Key")


@pytest.mark.parametrize("client_method", ["copy_object", "upload_part_copy"])
@pytest.mark.parametrize(
    "copy_source",
    [
        "a/\ud800",
        "a/\ud800?versionId=v1",
        "a/k?versionId=\ud800",
        {"Bucket": "a", "Key": "\ud800"},
        {"Bucket": "a", "Key": "k", "VersionId": "\ud800"},
    ],
)
def test_a_lone_surrogate_in_copy_source_names_it(s3: Any, client_method: str, copy_source: object) -> None:
    _refused(s3, client_method, _params(client_method, "CopySource", copy_source), "CopySource")


@pytest.mark.parametrize("name", ["Key", "Prefix", "VersionId"])
def test_other_non_ascii_text_is_still_signed(s3: Any, name: str) -> None:
    """Only what UTF-8 cannot encode is refused: 'é' is percent-encoded as its UTF-8 bytes."""
    client_method = "list_objects_v2" if name == "Prefix" else "get_object"
    params = _params(client_method, name, "é")
    url = s3.generate_presigned_url(client_method, Params=params)
    assert "%C3%A9" in url


def _s3_client() -> Any:
    return sigv4.client("s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"Key": "a\ud800"}, "key"),
        ({"Key": "k", "Fields": {"x-amz-meta-a": "\udfff"}}, "fields['x-amz-meta-a']"),
        ({"Key": "k", "Fields": {"x-amz-meta-\ud800": "v"}}, "fields['x-amz-meta-\\ud800']"),
    ],
)
def test_a_post_form_with_a_lone_surrogate_is_refused_by_name(kwargs: dict[str, Any], field: str) -> None:
    """A form field goes out as UTF-8: a lone surrogate cannot be sent (it was signed before)."""
    with pytest.raises(SigningError) as info:
        _s3_client().generate_presigned_post("bucket", **kwargs)
    assert info.value.field == field
    assert info.value.__context__ is None and info.value.__cause__ is None


def test_an_invalid_bucket_message_can_be_printed() -> None:
    """botocore's message quotes the bucket: a lone surrogate in it is shown escaped."""
    with pytest.raises(ParamValidationError) as info:
        _s3_client().generate_presigned_url("get_object", Params={"Bucket": "b\ud800", "Key": "k"})
    assert info.value.field == "Bucket"
    assert 'Invalid bucket name "b\\ud800"' in str(info.value)
    str(info.value).encode("utf-8")  # printable on any UTF-8 terminal
