"""``sigv4 presign`` and ``sigv4 post``: what ``sigv4.client('s3')`` gives for an
object, so exactly boto3's URL (``signature_version='s3v4'``) and POST fields.

The client is built by :class:`sigv4.Session` (region, endpoint and S3 options
from the environment and ``~/.aws/config``, as boto3 reads them); the
credentials come from the credential chain (``--profile``).
"""

from __future__ import annotations

from .common import UsageError, credentials_provider, now_epoch, parse_s3_uri, say

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

    from ..core.credentials import Credentials
    from ..s3.client import S3Client

__all__ = ["run_post", "run_presign"]

_HTTP_METHODS = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object", "DELETE": "delete_object"}


def _client(args: argparse.Namespace) -> tuple[S3Client, Credentials]:
    from ..session import Session

    # The chain first: a missing or unusable profile is a credentials failure (exit 1), as in `sign`.
    creds = credentials_provider(args, args.region).get_credentials()
    session = Session(profile_name=args.profile, region_name=args.region, clock=getattr(args, "clock", None))
    config = {"s3": {"addressing_style": args.addressing_style}} if args.addressing_style else None
    client = session.client(
        "s3",
        endpoint_url=args.endpoint_url,
        config=config,
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.token,
        max_expires=args.max_expires,
    )
    return client, creds


def _warn_if_expiring(creds: Credentials, expires_in: int, clock: Callable[[], float] | None = None) -> None:
    """Temporary credentials that end before the URL does end the URL with them."""
    if creds.expiry is None:
        return
    left = int(creds.expiry.timestamp() - now_epoch(clock))
    if left < expires_in:
        import warnings

        warnings.warn(
            f"the credentials expire in {left} s, before the {expires_in} s asked for: the URL stops working when they do",
            stacklevel=2,
        )


def _param_value(method: str, name: str, text: str) -> object:
    """A ``--param`` value typed as S3's model types the member of ``method``
    (int, bool, map, list, structure); an unknown name is left to the library to refuse."""
    from ..s3.operations import operation

    op = operation(method)
    member = op.members.get(name) if op is not None else None
    kind = member.type if member is not None else "s"
    if kind == "i":
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"--param {name}: {text!r} is not a whole number") from None
    if kind == "b":
        if text.lower() not in ("true", "false"):
            raise UsageError(f"--param {name}: expected true or false, not {text!r}")
        return text.lower() == "true"
    if kind == "m":
        return _param_json(name, text, dict, '{"k": "v"}')
    if kind == "l":
        if text.lstrip().startswith("["):
            return _param_json(name, text, list, '["a", "b"]')
        return [part for part in text.split(",") if part]
    if kind == "S":
        return _param_json(name, text, dict, '{"Name": "value"}')
    return text


def _client_method(text: str) -> str:
    from ..s3.client import S3Client

    method = _HTTP_METHODS.get(text.upper())
    if method is not None:
        return method
    if S3Client.can_presign(text):
        return text
    raise UsageError(f"--method {text!r}: expected GET, PUT, HEAD, DELETE or a client method such as upload_part")


def _param_json(name: str, text: str, want: type, example: str) -> Any:
    import json

    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, want):
        raise UsageError(f"--param {name}: expected JSON such as {example}, not {text!r}")
    return value


def _bucket_and_key(uri: str, method: str) -> tuple[str | None, str | None]:
    """The bucket and key of ``s3://bucket/key``; a bucket operation takes no key, and
    list_buckets takes ``s3://`` alone."""
    from ..s3.operations import operation

    op = operation(method)
    assert op is not None
    if "Bucket" not in op.members:
        if uri not in ("s3://", "s3:///"):
            raise UsageError(f"--method {method} is not for a bucket: give s3:// alone, not {uri!r}")
        return None, None
    object_level = "Key" in op.members
    bucket, key = parse_s3_uri(uri, key_required=False)
    if object_level and not key:
        raise UsageError(
            f"{uri!r} has no key: --method {method} needs s3://bucket/key "
            "(bucket operations: list_objects_v2, list_objects, head_bucket, create_bucket, delete_bucket, ...)"
        )
    if not object_level and key:
        hint = " (to list under a prefix: --param Prefix=...)" if "Prefix" in op.members else ""
        raise UsageError(f"--method {method} is a bucket operation: give s3://{bucket} without a key{hint}")
    return bucket, key if object_level else None


def run_presign(args: argparse.Namespace) -> int:
    method = _client_method(args.method)
    bucket, key = _bucket_and_key(args.uri, method)
    params: dict[str, Any] = {} if bucket is None else {"Bucket": bucket}
    if key is not None:
        params["Key"] = key
    for item in args.params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {item!r} is not NAME=VALUE")
        params[name] = _param_value(method, name, value)
    if args.content_type is not None:
        if method == "put_object":
            params["ContentType"] = args.content_type
        elif method == "get_object":
            params["ResponseContentType"] = args.content_type
        else:
            raise UsageError("--content-type applies to GET (the response's type) and PUT (the upload's type)")
    client, creds = _client(args)
    signed = client.presign(method, params, ExpiresIn=args.expires_in)
    _warn_if_expiring(creds, args.expires_in, getattr(args, "clock", None))
    print(signed.url)
    if signed.headers:
        must = "; ".join(f"{k}: {v}" for k, v in signed.headers.items())
        say(f"sigv4 presign: note: whoever uses the URL must send these signed headers: {must}")
    return 0


def _conditions(texts: list[str]) -> list[Any]:
    import json

    out: list[Any] = []
    for text in texts:
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"--condition {text!r} is not JSON: {exc}") from None
        if not isinstance(value, (dict, list)):
            raise UsageError(f'--condition {text!r}: expected {{"field": "value"}} or ["starts-with", "$field", "prefix"]')
        out.append(value)
    return out


def run_post(args: argparse.Namespace) -> int:
    from ..s3.policy import validate_conditions
    from ..s3.post import field_allowed

    bucket, key = parse_s3_uri(args.uri)
    conditions = _conditions(args.conditions)
    validate_conditions(conditions)  # before field_allowed reads them
    fields: dict[str, str] = {}
    items = list(args.fields)
    if args.content_type is not None:
        items.append(f"Content-Type={args.content_type}")
    if args.redirect is not None:
        items.append(f"success_action_redirect={args.redirect}")
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--field {item!r} is not NAME=VALUE")
        fields[name] = value
        if not field_allowed(conditions, name, value):
            conditions.append({name: value})  # the form fixes the value: the policy pins it
    if args.max_size is not None:
        conditions.append(["content-length-range", 0, args.max_size])
    client, creds = _client(args)
    post = client.generate_presigned_post(
        bucket, key, Fields=fields or None, Conditions=conditions or None, ExpiresIn=args.expires_in
    )
    _warn_if_expiring(creds, args.expires_in, getattr(args, "clock", None))
    if args.html:
        from ..s3.form import render_page

        print(render_page(post, title=f"Upload to s3://{bucket}"), end="")
    else:
        import json

        print(json.dumps(post, indent=2, ensure_ascii=False))
    return 0
