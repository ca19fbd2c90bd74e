"""Checking and placing a presign call's ``Params`` as boto3 does.

:func:`serialize` applies botocore's S3 customisations (bucket-name check,
``EncodingType='url'`` for list operations, ``CopySource`` quoting, ASCII-only
metadata, SSE-C key base64 + MD5), validates every parameter against the
operation's model (unknown, missing, wrong type, too short: the same wording
as botocore's ``ParamValidationError``), and returns where each value goes:
the object key for the path, the query pairs (already SigV4-encoded, in
boto3's order) and the headers to sign.

Body members (``Body``, ``Tagging`` of put_object_tagging,
``MultipartUpload``, ``CreateBucketConfiguration``, ``RestoreRequest``) are not
part of a presigned URL: the uploader sends the body.  Passing one is an error
(boto3 crashes on them with a JSON or dict error), and a required body member
is not required when presigning.
"""

from __future__ import annotations

from ..core.urls import is_utf8_text, quote, quote_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..core.errors import SigningError
    from .operations import Member, Operation

__all__ = ["serialize", "valid_bucket_name", "is_s3_arn", "invalid"]

_BUCKET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
_LIST_OPS = frozenset({"ListObjects", "ListObjectsV2", "ListObjectVersions"})
_SSE_OPS = frozenset(
    {
        "HeadObject",
        "GetObject",
        "PutObject",
        "CopyObject",
        "CreateMultipartUpload",
        "UploadPart",
        "UploadPartCopy",
        "CompleteMultipartUpload",
    }
)
_COPY_OPS = frozenset({"CopyObject", "UploadPartCopy"})
_METADATA_OPS = frozenset({"CopyObject", "PutObject", "CreateMultipartUpload"})
_CUSTOMISED_OPS = _LIST_OPS | _SSE_OPS | _COPY_OPS | _METADATA_OPS
_ALWAYS_CUSTOMISED = _LIST_OPS | _COPY_OPS
_TYPE_NAMES = {
    "s": "<class 'str'>",
    "i": "<class 'int'>",
    "b": "<class 'bool'>",
    "t": "<class 'datetime.datetime'>, <class 'str'>",
    "m": "<class 'dict'>",
    "l": "<class 'list'>, <class 'tuple'>",
}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def invalid(field: str, rule: str = "", report: str | None = None) -> SigningError:
    """A :class:`~sigv4.exceptions.ParamValidationError` for parameter ``field`` breaking ``rule``
    (``report``: botocore's message, if it differs); imported on the error path only."""
    from ..core.errors import ParamValidationError

    return ParamValidationError(field, rule, report)


def valid_bucket_name(bucket: str) -> bool:
    """botocore's check: 1..255 of ``[a-zA-Z0-9.-_]`` (or an S3 ARN, checked apart)."""
    return 0 < len(bucket) <= 255 and all(c in _BUCKET_CHARS for c in bucket)


def is_s3_arn(bucket: str) -> bool:
    """Does ``bucket`` look like an ARN (``arn:<partition>:<service>:...``)?"""
    return bucket.startswith("arn:") and bucket.count(":") >= 5


def _type_error(name: str, value: object, kind: str) -> str:
    return (
        f"Invalid type for parameter {name}, value: {_shown(name, value)}, type: {type(value)}, "
        f"valid types: {_TYPE_NAMES.get(kind, kind)}"
    )


def _shown(name: str, value: object) -> str:
    # SSE-C keys are secrets: never echo them in an error.
    return "***" if name.endswith("SSECustomerKey") else repr(value) if isinstance(value, str) else str(value)


def _check_text(name: str, text: str) -> None:
    """Refuse ``text`` naming parameter ``name`` if UTF-8 cannot encode it (a lone surrogate):
    the URL quoting would refuse it naming no parameter."""
    if not is_utf8_text(text):
        raise invalid(name, "must be valid Unicode text (it contains a lone surrogate)")


def _quote_copy_source(value: str) -> str:
    _check_text("CopySource", value)
    marker = value.rfind("?versionId=")
    if marker != -1 and value[marker + 11 :] and not any(c.isspace() for c in value[marker + 11 :]):
        return quote_path(value[:marker]) + value[marker:]
    return quote_path(value)


def _copy_source(value: object) -> object:
    if isinstance(value, str):
        return _quote_copy_source(value)
    if isinstance(value, dict):
        for required in ("Bucket", "Key"):
            if required not in value:
                raise invalid("CopySource", f"missing {required}", f"Missing required parameter: '{required}'")
        bucket, key = value["Bucket"], value["Key"]
        version = value.get("VersionId")
        if not isinstance(bucket, str) or not isinstance(key, str):
            raise invalid("CopySource", "Bucket and Key must be strings")
        sep = "/object/" if is_s3_arn(bucket) and ":accesspoint" in bucket else "/"
        _check_text("CopySource", f"{bucket}{sep}{key}{version if isinstance(version, str) else ''}")
        final = quote_path(f"{bucket}{sep}{key}")
        return final if version is None else f"{final}?versionId={version}"
    return value  # the type check reports it


def _sse_c(params: dict[str, object], prefix: str) -> None:
    key = params.get(prefix + "Key")
    if key is None or prefix + "KeyMD5" in params:
        return
    if isinstance(key, str):
        try:
            key = key.encode("utf-8")
        except UnicodeEncodeError:
            key = None  # raised below, outside the handler (the error would hold the key)
        if key is None:
            raise invalid(prefix + "Key", "must be valid Unicode text (it contains a lone surrogate)")
    if not isinstance(key, (bytes, bytearray)):
        raise invalid(prefix + "Key", "must be str or bytes", _type_error(prefix + "Key", key, "s"))
    import binascii
    import hashlib

    params[prefix + "Key"] = binascii.b2a_base64(bytes(key), newline=False).decode("ascii")
    digest = hashlib.md5(bytes(key), usedforsecurity=False).digest()
    params[prefix + "KeyMD5"] = binascii.b2a_base64(digest, newline=False).decode("ascii")


def _timestamp(name: str, value: object) -> tuple[int, int]:
    """``value`` as (epoch seconds, microseconds)."""
    from datetime import datetime, timezone

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        secs = float(value)
        if not -62135596800 <= secs < 253402300800:  # 0001..9999, and not NaN
            raise invalid(name, "is not a timestamp", f"Invalid timestamp value for parameter {name}: {value!r}")
        whole = int(secs // 1)
        return whole, round((secs - whole) * 1_000_000)
    if isinstance(value, str):
        text = value.strip()
        number: float | None
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is not None:
            return _timestamp(name, number)
        parsed: object = None
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                parsed = None  # raised below, outside the handler
        if parsed is None:
            raise invalid(name, "is not a timestamp", f"Invalid timestamp value for parameter {name}: {value!r}")
        value = parsed
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        # Whole seconds as calendar.timegm() gives them (calendar imports re via locale).
        try:
            return int(aware.replace(microsecond=0).timestamp()), aware.microsecond
        except (OverflowError, ValueError, OSError):
            pass  # raised below, outside the handler
        raise invalid(name, "is not a timestamp", f"Invalid timestamp value for parameter {name}: out of range")
    raise invalid(name, "must be a datetime", _type_error(name, value, "t"))


def _format_timestamp(seconds: int, micro: int, fmt: str) -> str:
    import time

    t = time.gmtime(seconds)
    if fmt == "rfc822":
        day = f"{_WEEKDAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d}"
        return f"{day} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    base = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    return f"{base}.{micro:06d}Z" if micro else f"{base}Z"


def _check(member: Member, value: object, errors: list[tuple[str, str]]) -> None:
    name, kind = member.name, member.type
    if kind == "s":
        if not isinstance(value, str):
            errors.append((name, _type_error(name, value, kind)))
        elif len(value) < member.min_length:
            errors.append(
                (name, f"Invalid length for parameter {name}, value: {len(value)}, valid min length: {member.min_length}")
            )
    elif kind == "i":
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append((name, _type_error(name, value, kind)))
        elif member.min_length and value < member.min_length:
            errors.append((name, f"Invalid value for parameter {name}, value: {value}, valid min value: {member.min_length}"))
    elif kind == "b":
        if not isinstance(value, bool):
            errors.append((name, _type_error(name, value, kind)))
    elif kind == "m":
        if not isinstance(value, dict):
            errors.append((name, _type_error(name, value, kind)))
        else:
            for k, v in value.items():
                if not isinstance(k, str):
                    errors.append((name, _type_error(f"{name}.keys", k, "s")))
                elif not isinstance(v, str):
                    errors.append((name, _type_error(f"{name}.{k}", v, "s")))
    elif kind == "l":
        if not isinstance(value, (list, tuple)):
            errors.append((name, _type_error(name, value, kind)))
        else:
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    errors.append((name, _type_error(f"{name}[{i}]", item, "s")))
    elif kind == "t":
        from datetime import datetime

        if isinstance(value, bool) or not isinstance(value, (datetime, str, int, float)):
            errors.append((name, _type_error(name, value, kind)))


def _text(member: Member, value: object) -> str:
    kind = member.type
    if kind == "b":
        return "true" if value else "false"
    if kind == "t":
        secs, micro = _timestamp(member.name, value)
        # Headers carry whole seconds (botocore goes through an epoch integer).
        return _format_timestamp(secs, micro if member.location == "q" else 0, member.timestamp_format)
    if kind == "l":
        items = [str(v) for v in value]  # type: ignore[attr-defined]
        return ",".join('"' + v.replace('"', '\\"') + '"' if ('"' in v or "," in v) else v for v in items)
    return str(value)


def _bad_bucket(bucket: object) -> SigningError:
    if not isinstance(bucket, str):
        return invalid("Bucket", "must be a string", _type_error("Bucket", bucket, "s"))
    shown = bucket.encode("utf-8", "backslashreplace").decode("utf-8")  # printable, whatever it holds
    return invalid(
        "Bucket",
        "is not a valid bucket name or ARN",
        f'Invalid bucket name "{shown}": Bucket name must match the regex "^[a-zA-Z0-9.\\-_]{{1,255}}$" '
        "or be an access-point or Outposts ARN",
    )


def _customise(name: str, params: dict[str, object]) -> dict[str, object]:
    """botocore's S3 parameter handlers (on a copy when they change anything)."""
    changed = False
    if name in _LIST_OPS and "EncodingType" not in params:
        params, changed = dict(params), True
        params["EncodingType"] = "url"
    if name in _COPY_OPS and params.get("CopySource") is not None:
        if not changed:
            params, changed = dict(params), True
        params["CopySource"] = _copy_source(params["CopySource"])
    if name in _METADATA_OPS:
        meta = params.get("Metadata")
        if isinstance(meta, dict):
            for k, v in meta.items():
                if (isinstance(k, str) and not k.isascii()) or (isinstance(v, str) and not v.isascii()):
                    raise invalid(
                        "Metadata",
                        f"key {k!r}: S3 metadata can only contain ASCII characters",
                        f'Non ascii characters found in S3 metadata for key "{k}", value: "{v}".  \n'
                        "S3 metadata can only contain ASCII characters. ",
                    )
    for prefix in ("SSECustomer", "CopySourceSSECustomer") if name in _SSE_OPS else ():
        if params.get(prefix + "Key") is not None and prefix + "KeyMD5" not in params:
            if not changed:
                params, changed = dict(params), True
            _sse_c(params, prefix)
        if name not in _COPY_OPS:
            break
    return params


def _errors(op: Operation, params: Mapping[str, object]) -> list[tuple[str, str]]:
    members = op.members
    errors: list[tuple[str, str]] = []
    for required in op.required:
        if required not in params and members[required].location != "b":
            errors.append((required, f'Missing required parameter in input: "{required}"'))
    for key, value in params.items():
        member = members.get(key)
        if member is None:
            choices = ", ".join(m for m in members if members[m].location != "b")
            errors.append((key, f'Unknown parameter in input: "{key}", must be one of: {choices}'))
        elif member.location == "b":
            errors.append(
                (key, f"{key} is the request body: a presigned URL does not carry it; send it with the request instead")
            )
        else:
            _check(member, value, errors)
    return errors


def serialize(op: Operation, params: Mapping[str, object]) -> tuple[str | None, str, list[tuple[str, str]], dict[str, str]]:
    """Check ``params`` for ``op``; return ``(bucket, key_path, query_pairs, headers)``.

    ``key_path`` is the operation's path after the bucket, URI-encoded (``/`` kept):
    ``/`` + key for object operations, ``""`` for bucket operations.
    ``query_pairs`` are ``(name, value)`` already SigV4-encoded: the model's fixed
    query first (``uploads`` becomes ``uploads=``), then the caller's query
    members in the order given, then ``encoding-type=url`` when boto3 adds it.
    The caller's mapping is never modified.
    """
    if type(params) is not dict:
        converted: dict[str, object] | None
        try:
            converted = dict(params)
        except (TypeError, ValueError):
            converted = None  # raised below, outside the handler
        if converted is None or isinstance(params, (str, bytes)):
            raise invalid("Params", f"must be a dict, not {type(params).__name__}")
        params = converted
    bucket = params.get("Bucket")
    if (bucket is not None or "Bucket" in params) and not (
        isinstance(bucket, str) and ((0 < len(bucket) <= 255 and _BUCKET_CHARS.issuperset(bucket)) or is_s3_arn(bucket))
    ):
        raise _bad_bucket(bucket)
    name = op.name
    if name in _CUSTOMISED_OPS and (
        name in _ALWAYS_CUSTOMISED or "Metadata" in params or "SSECustomerKey" in params or "CopySourceSSECustomerKey" in params
    ):
        params = _customise(name, params)
    members = op.members
    ok = True
    for required in op.required_fields:
        if required not in params:
            ok = False
    query: list[tuple[str, str]] = [op.literal_pair] if op.literal_pair else []
    headers: dict[str, str] = {}
    key_path = ""
    # One pass that places valid values; anything invalid stops it and the full
    # check below reports every problem at once, as botocore does.
    for key, value in params.items() if ok else ():
        member = members.get(key)
        if member is None or member.location == "b":
            ok = False
            break
        kind = member.type
        if kind == "s":
            if not isinstance(value, str) or len(value) < member.min_length:
                ok = False
                break
            text = value
        else:
            problems: list[tuple[str, str]] = []
            _check(member, value, problems)
            if problems:
                ok = False
                break
            if kind == "m":
                for k, v in value.items():  # type: ignore[union-attr]
                    headers[member.wire + k] = v
                continue
            if kind == "l" and not value:
                continue  # botocore sends no header for an empty list
            text = _text(member, value)
        loc = member.location
        if loc == "h":
            headers[member.wire] = text
        elif loc == "q":
            _check_text(key, text)
            query.append((quote(member.wire), quote(text)))
        elif key == "Key":
            _check_text(key, text)
            key_path = "/" + quote_path(text)
    if ok:
        return bucket, key_path, query, headers
    errors = _errors(op, params) or [("Params", "invalid parameters")]
    raise invalid(errors[0][0], errors[0][1], "\n".join(e[1] for e in errors))
