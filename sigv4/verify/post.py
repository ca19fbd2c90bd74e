"""Verifying S3 browser POST forms (``POST /`` with a signed policy document).

Checks, in this order, the first failure raised as a
:class:`sigv4.VerificationError`:

1. the form's own fields: ``policy``, ``x-amz-algorithm``
   (``AWS4-HMAC-SHA256``), ``x-amz-credential``, ``x-amz-date`` (of the
   credential's day) and ``x-amz-signature`` must be there
   (``InvalidArgument``); the key (``InvalidAccessKeyId``), the scope
   restrictions, the session token (``InvalidToken``);
2. the signature over the base64 policy exactly as submitted
   (``SignatureDoesNotMatch``);
3. the policy document (``InvalidPolicyDocument``) and its ``expiration``
   (``AccessDenied``);
4. each condition, in policy order (``AccessDenied``): ``eq``,
   ``starts-with`` (on ``Content-Type`` applied to each comma-separated
   value; ``""`` allows anything) and the ``{field: value}`` shorthand;
   ``bucket`` is matched against the bucket of the URL (virtual-host or path
   style, or ``bucket=``), ``key`` after substituting ``${filename}``;
5. every submitted field but ``x-amz-signature``, ``policy``, ``file`` and
   ``x-ignore-*`` must be covered by a condition (``AccessDenied``), so
   ``x-amz-algorithm``, ``x-amz-credential`` and ``x-amz-date`` must match the
   policy too;
6. the file size against each ``content-length-range``
   (``EntityTooSmall``/``EntityTooLarge``).

Field names are case-insensitive, as S3 treats them; values are not.
"""

from __future__ import annotations

import hmac

from ..core.canonical import ALGORITHM
from ..core.errors import PayloadError, SigningError, VerificationError
from ..core.keys import signature, signing_key
from ..core.urls import unquote_to_bytes
from .parse import VerificationResult, parse_amz_date, parse_credential, split_target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..core.canonical import HeadersInput
    from .verifier import Verifier

__all__ = ["verify_post", "url_bucket"]

_REQUIRED = ("policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature")
_EXEMPT = frozenset({"x-amz-signature", "policy", "file"})


def _denied(message: str) -> VerificationError:
    return VerificationError("AccessDenied", f"Invalid according to Policy: {message}")


def _bad_policy(message: str) -> VerificationError:
    return VerificationError("InvalidPolicyDocument", f"Invalid Policy: {message}")


def _form(fields: object) -> dict[str, str]:
    items = fields.items() if hasattr(fields, "items") else fields
    if not hasattr(items, "__iter__"):
        raise PayloadError("fields", "must be a mapping or an iterable of (name, value) pairs")
    form: dict[str, str] = {}
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise PayloadError("fields", f"expected a (name, value) pair, got {item!r}")
        name, value = item
        if isinstance(value, (bytes, bytearray)):
            value = bytes(value).decode("utf-8", "replace")
        if not isinstance(name, str) or not isinstance(value, str):
            raise PayloadError("fields", f"names and values must be strings, got {name!r}")
        form.setdefault(name.lower(), value)  # the first of a repeated field counts
    return form


def url_bucket(url: str, headers: HeadersInput = None) -> str | None:
    """The bucket a POST is addressed to: the first path segment (path style),
    else the first label of the host (virtual-host style), else None."""
    from ..core.canonical import collect_headers

    path, _, host = split_target(url)
    segment = path.lstrip("/").split("/", 1)[0]
    if segment:
        return unquote_to_bytes(segment).decode("utf-8", "replace")
    if host is None and headers is not None:
        host = collect_headers(headers)[1].get("host")
    if not host:
        return None
    name = host.rpartition("@")[2]
    name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    labels = name.split(".")
    if name.startswith("[") or len(labels) < 2 or name.replace(".", "").isdigit():
        return None
    first = labels[0]
    if first == "s3" or first.startswith(("s3-", "s3.")):
        return None
    return first


def _expiration(text: object) -> int:
    """``2015-12-30T12:00:00.000Z`` (fraction optional) as epoch seconds."""
    if not isinstance(text, str) or len(text) < 20 or not text.endswith("Z") or text[4] + text[7] + text[10] != "--T":
        raise _bad_policy(f"expiration {text!r} is not an ISO 8601 UTC time")
    digits = text[0:4] + text[5:7] + text[8:10] + "T" + text[11:13] + text[14:16] + text[17:19] + "Z"
    rest = text[19:-1]
    stamp = parse_amz_date(digits) if text[13] + text[16] == "::" else None
    if stamp is None or (rest and not (rest[0] == "." and rest[1:].isdigit())):
        raise _bad_policy(f"expiration {text!r} is not an ISO 8601 UTC time")
    return stamp


def _decode_policy(policy: str) -> dict[str, object]:
    import binascii
    import json

    doc = None
    try:
        doc = json.loads(binascii.a2b_base64(policy.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        doc = None
    if not isinstance(doc, dict):
        raise _bad_policy("the policy is not base64-encoded JSON object")
    if "expiration" not in doc or not isinstance(doc.get("conditions"), list):
        raise _bad_policy("the policy needs an expiration and a list of conditions")
    return doc


def _length(value: object) -> int:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad_policy(f"content-length-range bound {value!r} is not a non-negative integer")
    return value


def _condition_text(cond: object) -> str:
    import json

    return json.dumps(cond)


def verify_post(
    verifier: Verifier,
    url: str,
    fields: object,
    file_size: int,
    *,
    filename: str | None = None,
    headers: HeadersInput = None,
    bucket: str | None = None,
) -> VerificationResult:
    """See :meth:`sigv4.Verifier.verify_post` and the module docstring."""
    if isinstance(file_size, bool) or not isinstance(file_size, int) or file_size < 0:
        raise PayloadError("file_size", f"must be a non-negative integer, got {file_size!r}")
    form = _form(fields)
    for name in _REQUIRED:
        if not form.get(name):
            raise VerificationError("InvalidArgument", f"Bucket POST must contain a field named '{name}'")
    if form["x-amz-algorithm"] != ALGORITHM:
        raise VerificationError("InvalidArgument", f"x-amz-algorithm only supports {ALGORITHM}")
    access_key, date, region, service = parse_credential(form["x-amz-credential"], "InvalidArgument")
    amz_date = form["x-amz-date"]
    if parse_amz_date(amz_date) is None or amz_date[:8] != date:
        raise VerificationError(
            "InvalidArgument", f"x-amz-date {amz_date!r} is not a YYYYMMDDTHHMMSSZ time of the credential's day"
        )
    creds = verifier.credentials_for(access_key, region, service, "InvalidArgument")
    verifier.check_token(creds, form.get("x-amz-security-token"))
    policy = form["policy"]
    key = signing_key(creds.secret_key, date, region, service)
    if not hmac.compare_digest(signature(key, policy).encode("ascii"), form["x-amz-signature"].encode("ascii", "replace")):
        raise VerificationError(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
            string_to_sign=policy,
        )
    doc = _decode_policy(policy)
    if verifier.now() > _expiration(doc["expiration"]):
        raise _denied("Policy expired.")
    if bucket is None:
        problem = None
        try:
            bucket = url_bucket(url, headers)
        except SigningError as exc:
            problem = str(exc)
        if problem is not None:
            raise VerificationError("InvalidRequest", problem)
    object_key = form.get("key")
    if object_key is not None and filename is not None:
        object_key = object_key.replace("${filename}", filename)
    values = dict(form)
    if object_key is not None:
        values["key"] = object_key
    if bucket is not None:
        values["bucket"] = bucket
    covered: set[str] = set()
    ranges: list[tuple[int, int]] = []
    for cond in doc["conditions"]:  # type: ignore[attr-defined]
        checks: list[tuple[str, str, object]] = []
        if isinstance(cond, dict) and cond:
            checks = [("eq", "$" + str(name), value) for name, value in cond.items()]
        elif isinstance(cond, list) and len(cond) == 3 and isinstance(cond[0], str):
            op = cond[0].lower()
            if op == "content-length-range":
                ranges.append((_length(cond[1]), _length(cond[2])))
                continue
            if op not in ("eq", "starts-with"):
                raise _bad_policy(f"unknown condition {cond[0]!r}")
            checks = [(op, cond[1], cond[2])]
        else:
            raise _bad_policy(f"condition {_condition_text(cond)} is not [op, $field, value] nor {{field: value}}")
        for op, field, expected in checks:
            if not isinstance(field, str) or not field.startswith("$") or not isinstance(expected, str):
                raise _bad_policy(f"condition {_condition_text(cond)} must name a $field and a string value")
            name = field[1:].lower()
            covered.add(name)
            actual = values.get(name)
            if op == "eq":
                ok = (actual or "") == expected
            elif expected == "":
                ok = True
            elif actual is None:
                ok = False
            elif name == "content-type":
                ok = all(part.strip().startswith(expected) for part in actual.split(","))
            else:
                ok = actual.startswith(expected)
            if not ok:
                raise _denied(f"Policy Condition failed: {_condition_text(cond)}")
    extra = sorted(n for n in form if n not in covered and n not in _EXEMPT and not n.startswith("x-ignore-"))
    if extra:
        raise _denied(f"Extra input fields: {', '.join(extra)}")
    for low, high in ranges:
        if file_size < low:
            raise VerificationError(
                "EntityTooSmall", f"Your proposed upload is smaller than the minimum allowed size ({low} bytes)"
            )
        if file_size > high:
            raise VerificationError("EntityTooLarge", f"Your proposed upload exceeds the maximum allowed size ({high} bytes)")
    result = VerificationResult(creds, region, service, amz_date, form["x-amz-signature"], string_to_sign=policy)
    result.policy = doc
    result.fields = form
    result.key = object_key
    return result
