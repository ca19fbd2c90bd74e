"""``sigv4 presign s3://bucket --method <bucket operation>``: the URL boto3 1.44.8's
``generate_presigned_url`` returns (``Config(signature_version='s3v4')``,
BOTO_DISABLE_CRT=true) for the same operation, parameters and frozen time."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest

from tests.cli.test_cli_presign import boto_url
from tests.cli.test_cli_support import TOKEN, base_env, run_cli

# (CLI arguments after "presign", boto3 client method, Params without Bucket, boto3 client options)
BUCKET_CASES = [
    (["s3://my-bucket", "--method", "list_objects_v2", "--region", "us-east-1"], "list_objects_v2", {}, {"region": "us-east-1"}),
    (["s3://my-bucket/", "--method", "list_objects_v2", "--region", "eu-west-1", "--param", "Prefix=a/",
      "--param", "Delimiter=/", "--param", "MaxKeys=10", "--param", "FetchOwner=true", "--param", "StartAfter=a/b c+d"],
     "list_objects_v2", {"Prefix": "a/", "Delimiter": "/", "MaxKeys": 10, "FetchOwner": True, "StartAfter": "a/b c+d"},
     {"region": "eu-west-1"}),
    (["s3://my.dotted.bucket", "--method", "list_objects_v2", "--region", "ap-south-1", "--param", "ContinuationToken=1x+/=",
      "--param", "OptionalObjectAttributes=RestoreStatus", "--param", "EncodingType=url"],
     "list_objects_v2", {"ContinuationToken": "1x+/=", "OptionalObjectAttributes": ["RestoreStatus"], "EncodingType": "url"},
     {"region": "ap-south-1"}),
    (["s3://bucket", "--method", "list_objects_v2", "--endpoint-url", "http://127.0.0.1:9000", "--param", "Prefix=ü/"],
     "list_objects_v2", {"Prefix": "ü/"}, {"region": "us-east-1", "endpoint": "http://127.0.0.1:9000"}),
    (["s3://my-bucket", "--method", "list_objects", "--region", "us-west-2", "--param", "Prefix=logs/2024",
      "--param", "Marker=logs/2024/01", "--param", "MaxKeys=1000"],
     "list_objects", {"Prefix": "logs/2024", "Marker": "logs/2024/01", "MaxKeys": 1000}, {"region": "us-west-2"}),
    (["s3://my-bucket", "--method", "list_objects", "--region", "sa-east-1", "--addressing-style", "path"],
     "list_objects", {}, {"region": "sa-east-1", "style": "path"}),
    (["s3://new-bucket", "--method", "create_bucket", "--region", "eu-central-1", "--param", "ACL=private",
      "--param", "ObjectOwnership=BucketOwnerEnforced"],
     "create_bucket", {"ACL": "private", "ObjectOwnership": "BucketOwnerEnforced"}, {"region": "eu-central-1"}),
    (["s3://new-bucket", "--method", "create_bucket", "--region", "us-east-2", "--param", "ObjectLockEnabledForBucket=true"],
     "create_bucket", {"ObjectLockEnabledForBucket": True}, {"region": "us-east-2"}),
    (["s3://old-bucket", "--method", "delete_bucket", "--region", "eu-west-2", "--param", "ExpectedBucketOwner=111122223333"],
     "delete_bucket", {"ExpectedBucketOwner": "111122223333"}, {"region": "eu-west-2"}),
    (["s3://old-bucket", "--method", "delete_bucket", "--endpoint-url", "https://minio.example:9000"],
     "delete_bucket", {}, {"region": "us-east-1", "endpoint": "https://minio.example:9000"}),
    (["s3://my-bucket", "--method", "head_bucket", "--region", "ca-central-1"], "head_bucket", {}, {"region": "ca-central-1"}),
    (["s3://my-bucket", "--method", "head_bucket", "--region", "me-central-1", "--addressing-style", "virtual"],
     "head_bucket", {}, {"region": "me-central-1", "style": "virtual"}),
    (["s3://my-bucket", "--method", "get_bucket_location", "--region", "us-east-1"],
     "get_bucket_location", {}, {"region": "us-east-1"}),
    (["s3://my-bucket", "--method", "get_bucket_location", "--region", "ap-northeast-1", "--expires-in", "60"],
     "get_bucket_location", {}, {"region": "ap-northeast-1"}),
    (["s3://my-bucket", "--method", "list_multipart_uploads", "--region", "eu-north-1", "--param", "Prefix=big/",
      "--param", "KeyMarker=big/a", "--param", "UploadIdMarker=x~y", "--param", "MaxUploads=5"],
     "list_multipart_uploads", {"Prefix": "big/", "KeyMarker": "big/a", "UploadIdMarker": "x~y", "MaxUploads": 5},
     {"region": "eu-north-1"}),
    (["s3://my-bucket", "--method", "list_multipart_uploads", "--region", "us-east-1", "--addressing-style", "path"],
     "list_multipart_uploads", {}, {"region": "us-east-1", "style": "path"}),
    (["s3://", "--method", "list_buckets", "--region", "eu-west-1", "--param", "Prefix=logs-", "--param", "MaxBuckets=10"],
     "list_buckets", {"Prefix": "logs-", "MaxBuckets": 10}, {"region": "eu-west-1"}),
]  # fmt: skip


def _expires(args: list[str]) -> int:
    return int(args[args.index("--expires-in") + 1]) if "--expires-in" in args else 3600


@pytest.mark.parametrize("case", BUCKET_CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(BUCKET_CASES)])
@pytest.mark.parametrize("token", [None, TOKEN], ids=["keys", "session-token"])
def test_bucket_operation_matches_boto3(tmp_path: Path, case: tuple[Any, ...], token: Optional[str]) -> None:
    args, method, params, client = case
    bucket = args[0][5:].split("/", 1)[0]
    want = boto_url(method, {"Bucket": bucket, **params} if bucket else params, _expires(args), token=token, **client)
    result = run_cli(["presign", *args], base_env(tmp_path, token=token))
    assert result.code == 0, result.stderr
    assert result.stdout == want + "\n"
    result.assert_no_secret()


def test_every_bucket_operation_of_the_issue_is_covered() -> None:
    wanted = {
        "list_objects_v2", "list_objects", "create_bucket", "delete_bucket", "head_bucket", "get_bucket_location",
        "list_multipart_uploads",
    }  # fmt: skip
    assert wanted <= {case[1] for case in BUCKET_CASES}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["s3://my-bucket/k", "--method", "list_objects_v2"], "is a bucket operation: give s3://my-bucket without a key"),
        (["s3://my-bucket/k", "--method", "list_objects_v2"], "--param Prefix="),
        (["s3://my-bucket/k", "--method", "head_bucket"], "is a bucket operation"),
        (["s3://my-bucket", "--method", "get_object"], "has no key"),
        (["s3://my-bucket", "--method", "list_objects_v2", "--param", "MaxKeys=ten"], "whole number"),
        (["s3://my-bucket", "--method", "list_objects_v2", "--param", "FetchOwner=maybe"], "true or false"),
        (["s3://my-bucket", "--method", "list_objects_v2", "--param", "Key=x"], 'Unknown parameter in input: "Key"'),
        (["s3://my-bucket", "--method", "list_objects_v2", "--content-type", "a/b"], "--content-type"),
        (["s3://my-bucket", "--method", "list_buckets"], "is not for a bucket: give s3:// alone"),
    ],
)
def test_bucket_operation_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(["presign", *args, "--region", "us-east-1"], base_env(tmp_path))
    assert (result.code, result.stdout) == (2, "")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
