"""The operations table (sigv4/s3/operations.py) against S3's API model as botocore 1.44.8 ships it.

Every presignable operation: HTTP method, URI template, required members, and for
each member its location (path/query/header/header map/body), wire name, type,
timestamp format and minimum -- exactly the model's.
"""

from __future__ import annotations

from typing import Any

import botocore.session as botocore_session
import pytest

from sigv4.s3.operations import OPERATIONS, operation

_LOC = {"uri": "p", "querystring": "q", "header": "h", "headers": "H", None: "b"}
_TYPE = {
    "string": "s",
    "integer": "i",
    "long": "i",
    "boolean": "b",
    "timestamp": "t",
    "map": "m",
    "list": "l",
    "blob": "B",
    "structure": "S",
}
ISSUE_METHODS = [
    "get_object",
    "put_object",
    "head_object",
    "delete_object",
    "copy_object",
    "restore_object",
    "get_object_tagging",
    "put_object_tagging",
    "get_object_acl",
    "create_multipart_upload",
    "upload_part",
    "upload_part_copy",
    "complete_multipart_upload",
    "abort_multipart_upload",
    "list_parts",
    "list_objects",
    "list_objects_v2",
    "list_object_versions",
    "list_multipart_uploads",
    "list_buckets",
    "create_bucket",
    "delete_bucket",
    "head_bucket",
    "get_bucket_location",
]


@pytest.fixture(scope="module")
def model() -> Any:
    return botocore_session.get_session().get_service_model("s3")


def _op_name(method: str) -> str:
    return "ListObjectsV2" if method == "list_objects_v2" else "".join(w.capitalize() for w in method.split("_"))


def test_every_issue_method_is_in_the_table() -> None:
    assert sorted(OPERATIONS) == sorted(ISSUE_METHODS)


@pytest.mark.parametrize("method", ISSUE_METHODS)
def test_operation_matches_the_model(model: Any, method: str) -> None:
    ours = operation(method)
    assert ours is not None
    theirs = model.operation_model(_op_name(method))
    assert ours.name == theirs.name
    assert ours.method == theirs.http["method"]
    assert ours.uri == theirs.http["requestUri"]
    shape = theirs.input_shape
    assert set(ours.required) == set(shape.required_members)
    assert list(ours.members) == list(shape.members)
    for name, member_shape in shape.members.items():
        member = ours.members[name]
        ser = member_shape.serialization
        assert member.location == _LOC[ser.get("location")], name
        if member.location != "b":
            assert member.wire == ser.get("name", name), name
        assert member.type == _TYPE[member_shape.type_name], name
        if member.type == "t":
            default = "rfc822" if member.location == "h" else "iso8601"
            assert member.timestamp_format == ser.get("timestampFormat", default), name
        assert member.min_length == member_shape.metadata.get("min", 0), name


def test_unknown_method_is_none() -> None:
    assert operation("get_objects") is None
    assert operation("put_bucket_policy") is None
