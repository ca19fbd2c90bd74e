"""S3 POST policies (browser uploads, SigV4): the policy document, its
conditions, and the signature an upload form carries.

* :func:`generate_presigned_post` -- boto3's: ``{'url': ..., 'fields': ...}``,
  byte for byte what boto3 (``signature_version='s3v4'``) returns.
* :func:`build_policy` -- the policy document, conditions in boto3's order.
* :func:`sign_policy` -- the lower-level encoder: your own policy (dict, or JSON
  text signed exactly as given) in, base64 ``policy`` and ``x-amz-signature`` out.

JSON is written as boto3 writes it (``json.dumps`` defaults), so signatures
match; ``json`` is imported here only.  A literal ``$`` in a condition value is
not escaped as ``\\$`` (AWS's docs ask for it; boto3 and MinIO-based stores do not).
"""

from __future__ import annotations

import base64 as _base64
import json as _json

from ..canonical import ALGORITHM, credential_scope
from ..credentials import Credentials
from ..errors import CredentialsError, InvalidExpiryError, SigningError
from ..keys import signature as _signature
from ..keys import signing_key
from ..signer import Signer, _warn_if_expiring, amz_date
from ..urls import split_url

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime
    from typing import Any, Union

    Condition = Union[Mapping[str, Any], Sequence[Any]]
    FieldValue = Union[str, int]

__all__ = [
    "InvalidPolicyError",
    "SignedPolicy",
    "build_policy",
    "decode_policy",
    "field_allowed",
    "format_expiration",
    "generate_presigned_post",
    "sign_policy",
    "validate_condition",
    "validate_conditions",
]

#: Form fields the signer writes: a caller's ``Fields`` may not set them.
AUTH_FIELDS = ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-security-token", "x-amz-signature", "policy")
_OPERATORS = ("eq", "starts-with", "content-length-range")
_FILENAME = "${filename}"
_MAX_KEY_BYTES = 1024


class InvalidPolicyError(SigningError):
    """A POST policy, one of its conditions, or a form field is malformed or contradicts the policy."""


class SignedPolicy:
    """A signed POST policy: the ``policy`` form field (base64 of ``document``)
    and its ``x-amz-signature``, plus the credential scope it was signed for."""

    __slots__ = ("credential", "date", "document", "policy", "signature")

    def __init__(self, document: bytes, policy: str, signature: str, credential: str, date: str) -> None:
        self.document = document  # the exact JSON bytes that were base64-encoded
        self.policy = policy
        self.signature = signature
        self.credential = credential
        self.date = date

    def fields(self) -> dict[str, str]:
        """The two form fields this adds: ``policy`` and ``x-amz-signature``."""
        return {"policy": self.policy, "x-amz-signature": self.signature}

    def __repr__(self) -> str:
        return f"SignedPolicy(credential={self.credential!r}, signature={self.signature!r})"


# -- conditions ---------------------------------------------------------------


def _describe(condition: object) -> str:
    text = repr(condition)
    return text if len(text) <= 120 else text[:117] + "..."


def _check_string(where: str, value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidPolicyError(where, f"{what} must be a string, got {type(value).__name__} {value!r}")
    return value


def _range_bound(where: str, value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPolicyError(where, f"content-length-range {what} must be an integer number of bytes, got {value!r}")
    if value < 0:
        raise InvalidPolicyError(where, f"content-length-range {what} must not be negative, got {value}")
    return value


def validate_condition(condition: object, index: int = 0) -> None:
    """Raise :class:`InvalidPolicyError` unless ``condition`` is one S3 accepts:

    * ``{"field": "value", ...}`` -- exact match (values are strings);
    * ``["eq", "$field", "value"]`` / ``["starts-with", "$field", "prefix"]``;
    * ``["content-length-range", min, max]`` -- integers, ``0 <= min <= max``.
    """
    where = f"conditions[{index}]"
    if isinstance(condition, dict):
        if not condition:
            raise InvalidPolicyError(where, "an exact-match condition must name at least one field, got {}")
        for name, value in condition.items():
            _check_string(where, name, "a field name")
            if not name or name.startswith("$"):
                raise InvalidPolicyError(where, f"exact-match field names are written without '$', got {name!r}")
            _check_string(where, value, f"the value of {name!r}")
        return
    if isinstance(condition, (str, bytes)) or not isinstance(condition, (list, tuple)):
        raise InvalidPolicyError(where, f"must be a dict or a [operator, ...] list, got {_describe(condition)}")
    if not condition:
        raise InvalidPolicyError(where, "an empty list is not a condition")
    operator = condition[0]
    if not isinstance(operator, str) or operator.lower() not in _OPERATORS:
        raise InvalidPolicyError(where, f"unknown operator {operator!r}: use 'eq', 'starts-with' or 'content-length-range'")
    if len(condition) != 3:
        raise InvalidPolicyError(where, f"{operator!r} takes exactly 2 arguments, got {_describe(condition)}")
    if operator.lower() == "content-length-range":
        low = _range_bound(where, condition[1], "minimum")
        high = _range_bound(where, condition[2], "maximum")
        if low > high:
            raise InvalidPolicyError(where, f"content-length-range minimum {low} is greater than maximum {high}")
        return
    field = _check_string(where, condition[1], "the field")
    if not field.startswith("$") or len(field) < 2:
        raise InvalidPolicyError(where, f"the field must be written with a leading '$' (e.g. '$key'), got {field!r}")
    _check_string(where, condition[2], f"the value for {field!r}")


def validate_conditions(conditions: object) -> None:
    """Validate a list of conditions (see :func:`validate_condition`)."""
    if isinstance(conditions, (str, bytes, dict)) or not isinstance(conditions, (list, tuple)):
        raise InvalidPolicyError("conditions", f"must be a list of conditions, got {type(conditions).__name__}")
    for index, condition in enumerate(conditions):
        validate_condition(condition, index)


def _matches(condition: object, name: str, value: str) -> bool | None:
    """Does ``condition`` accept form field ``name`` = ``value``?  ``None``: it is not about that field."""
    lower = name.lower()
    if isinstance(condition, dict):
        for cname, cvalue in condition.items():
            if cname.lower() == lower:
                return bool(cvalue == value)
        return None
    operator, field, expected = condition[0].lower(), condition[1], condition[2]  # type: ignore[index]
    if operator == "content-length-range" or field[1:].lower() != lower:
        return None
    if operator == "eq":
        return bool(value == expected)
    if value.startswith(expected):
        return True
    # Content-Type may carry a comma-separated list: each entry must match.
    return lower == "content-type" and all(p.strip().startswith(expected) for p in value.split(","))


def field_allowed(conditions: Sequence[object], name: str, value: str) -> bool:
    """True if the (validated) ``conditions`` mention form field ``name`` and all of those accept ``value``."""
    verdicts = [v for v in (_matches(c, name, value) for c in conditions) if v is not None]
    return bool(verdicts) and all(verdicts)


# -- the policy document ------------------------------------------------------


def format_expiration(epoch: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``, as boto3 writes a policy's ``expiration``."""
    import time

    t = time.gmtime(epoch)
    return f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}T{t[3]:02d}:{t[4]:02d}:{t[5]:02d}Z"


def build_policy(
    bucket: str,
    key: str,
    *,
    credential: str,
    date_time: str,
    expires_in: int = 3600,
    conditions: Sequence[Condition] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """The policy document boto3 builds: the caller's conditions, then the bucket,
    the key (``starts-with`` its prefix when it ends in ``${filename}``), then
    ``x-amz-algorithm``, ``x-amz-credential``, ``x-amz-date`` and, with
    temporary credentials, ``x-amz-security-token``.

    ``credential`` is ``ACCESSKEY/YYYYMMDD/region/service/aws4_request`` and
    ``date_time`` the ``YYYYMMDDTHHMMSSZ`` it was signed at.
    """
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        raise InvalidExpiryError("expires_in", f"must be an integer number of seconds, not {type(expires_in).__name__}")
    if expires_in < 1:
        raise InvalidExpiryError("expires_in", f"must be at least 1 second, got {expires_in}")
    if conditions is not None:
        validate_conditions(conditions)
    user = list(conditions) if conditions is not None else []
    import calendar
    import time

    try:
        expiration = format_expiration(calendar.timegm(time.strptime(date_time, "%Y%m%dT%H%M%SZ")) + expires_in)
    except (OverflowError, ValueError, OSError):
        expiration = ""
    if len(expiration) != 20:
        raise InvalidExpiryError(
            "expires_in", f"{expires_in} seconds is past the year 9999 (or date_time is not YYYYMMDDTHHMMSSZ)"
        )
    prefix = key[: -len(_FILENAME)] if key.endswith(_FILENAME) else None
    key_condition: Condition = {"key": key} if prefix is None else ["starts-with", "$key", prefix]
    auth: list[Condition] = [{"x-amz-algorithm": ALGORITHM}, {"x-amz-credential": credential}, {"x-amz-date": date_time}]
    if token is not None:
        auth.append({"x-amz-security-token": token})
    return {"expiration": expiration, "conditions": [*user, {"bucket": bucket}, key_condition, *auth]}


def decode_policy(policy: str | bytes) -> dict[str, Any]:
    """The policy document inside a base64 ``policy`` form field, validated."""
    try:
        raw = _base64.b64decode(policy, validate=True)
    except (ValueError, TypeError):
        raise InvalidPolicyError("policy", "is not valid base64") from None
    return _parse_document(raw)


def _parse_document(raw: bytes) -> dict[str, Any]:
    try:
        document = _json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidPolicyError("policy", "is not UTF-8 text") from None
    except ValueError as e:
        raise InvalidPolicyError("policy", f"is not valid JSON ({e})") from None
    return _check_document(document)


def _check_document(document: object) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise InvalidPolicyError("policy", f"must be a JSON object, got {type(document).__name__}")
    unknown = sorted(set(document) - {"expiration", "conditions"})
    if unknown:
        raise InvalidPolicyError("policy", f"unknown element(s) {unknown}: a POST policy has 'expiration' and 'conditions'")
    expiration = document.get("expiration")
    if not isinstance(expiration, str) or not _is_iso8601(expiration):
        raise InvalidPolicyError("policy", f"'expiration' must be ISO 8601 UTC (2015-12-30T12:00:00.000Z): {expiration!r}")
    if "conditions" not in document:
        raise InvalidPolicyError("policy", "has no 'conditions' list")
    validate_conditions(document["conditions"])
    return document


def _is_iso8601(text: str) -> bool:
    import time

    base, _, fraction = text[:-1].partition(".")
    if not text.endswith("Z") or (fraction and not (fraction.isdigit() and fraction.isascii())):
        return False
    try:
        time.strptime(base, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


# -- signing ------------------------------------------------------------------


def _auth_value(conditions: Sequence[object], name: str) -> str | None:
    """The value an exact condition (dict or ``eq``) pins field ``name`` to."""
    for condition in conditions:
        if isinstance(condition, dict):
            for cname, cvalue in condition.items():
                if cname.lower() == name:
                    return str(cvalue)
        elif condition[0].lower() == "eq" and condition[1][1:].lower() == name:  # type: ignore[index]
            return str(condition[2])  # type: ignore[index]
    return None


def sign_policy(policy: dict[str, Any] | str | bytes, credentials: Credentials | Signer) -> SignedPolicy:
    """Encode and sign a POST policy you wrote: base64 of its JSON, then the
    SigV4 signature of that base64 text.

    ``policy`` is a dict (JSON-encoded as boto3 does) or JSON text/bytes (signed
    exactly as given, whitespace and all).  The scope is read from the policy's
    own ``x-amz-credential`` condition, which must name ``credentials``' access
    key (and, for a :class:`~sigv4.Signer`, its region and service); the policy
    must also pin ``x-amz-algorithm`` and an ``x-amz-date`` on the same day.
    """
    if isinstance(credentials, Signer):
        creds, scope_region, scope_service = credentials.credentials(), credentials.region, credentials.service
    elif isinstance(credentials, Credentials):
        creds, scope_region, scope_service = credentials, None, None
    else:
        raise CredentialsError("credentials", "must be a sigv4.Credentials or a sigv4.Signer")
    if isinstance(policy, (str, bytes)):
        raw = policy.encode("utf-8") if isinstance(policy, str) else policy
        document = _parse_document(raw)
    elif isinstance(policy, dict):
        document = _check_document(policy)
        raw = _json.dumps(policy).encode("utf-8")
    else:
        raise InvalidPolicyError("policy", f"must be a dict, JSON text or bytes, got {type(policy).__name__}")
    conditions = document["conditions"]
    algorithm = _auth_value(conditions, "x-amz-algorithm")
    if algorithm != ALGORITHM:
        raise InvalidPolicyError("policy", f"must pin x-amz-algorithm to {ALGORITHM!r}, got {algorithm!r}")
    credential = _auth_value(conditions, "x-amz-credential")
    parts = credential.split("/") if credential else []
    if len(parts) != 5 or parts[4] != "aws4_request" or len(parts[1]) != 8 or not parts[1].isdigit():
        raise InvalidPolicyError("policy", f"must pin x-amz-credential to KEY/YYYYMMDD/region/s3/aws4_request: {credential!r}")
    access_key, date, region, service = parts[:4]
    if access_key != creds.access_key:
        raise InvalidPolicyError("policy", f"x-amz-credential names access key {access_key!r}, not {creds.access_key!r}")
    for what, got, want in (("region", region, scope_region), ("service", service, scope_service)):
        if want is not None and got != want:
            raise InvalidPolicyError("policy", f"x-amz-credential is for {what} {got!r}, but the signer's is {want!r}")
    date_time = _auth_value(conditions, "x-amz-date")
    if date_time is None or len(date_time) != 16 or date_time[:8] != date:
        raise InvalidPolicyError("policy", f"must pin x-amz-date to a YYYYMMDDTHHMMSSZ on day {date}, got {date_time!r}")
    encoded = _base64.b64encode(raw).decode("ascii")
    sig = _signature(signing_key(creds.secret_key, date, region, service), encoded)
    return SignedPolicy(raw, encoded, sig, credential, date_time)  # type: ignore[arg-type]


# -- boto3's generate_presigned_post ------------------------------------------


def _check_fields(fields: Mapping[str, FieldValue] | None, key: str) -> dict[str, FieldValue]:
    if fields is None:
        return {}
    if not hasattr(fields, "items"):
        raise InvalidPolicyError("fields", f"must be a dict of form fields, got {type(fields).__name__}")
    out: dict[str, FieldValue] = {}
    for name, value in fields.items():
        if not isinstance(name, str) or not name:
            raise InvalidPolicyError("fields", f"field names must be non-empty strings, got {name!r}")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InvalidPolicyError(f"fields[{name!r}]", f"must be a string (or int), got {type(value).__name__}")
        lower = name.lower()
        if lower in AUTH_FIELDS:
            raise InvalidPolicyError(f"fields[{name!r}]", "is written by the signer; do not pass it")
        if lower == "file":
            raise InvalidPolicyError(f"fields[{name!r}]", "'file' is the upload itself and must be the form's last field")
        if lower == "key" and (name != "key" or value != key):
            raise InvalidPolicyError(f"fields[{name!r}]", "the key is set by the Key argument; do not pass a different one")
        out[name] = value
    return out


def generate_presigned_post(
    signer: Signer,
    url: str,
    bucket: str,
    key: str,
    fields: Mapping[str, FieldValue] | None = None,
    conditions: Sequence[Condition] | None = None,
    expires_in: int = 3600,
    now: datetime | None = None,
) -> dict[str, Any]:
    """``{'url': url, 'fields': {...}}`` for a browser (or ``requests``) upload
    form, as boto3's ``generate_presigned_post`` returns it.

    ``fields`` are prefilled form fields (returned first, in order), then
    ``key``, ``x-amz-algorithm``, ``x-amz-credential``, ``x-amz-date``,
    ``x-amz-security-token`` (temporary credentials), ``policy`` and
    ``x-amz-signature``.  Every field in ``fields`` needs a condition that
    accepts its value, or S3 rejects the upload: that is checked here.
    ``url`` is where the form posts (the bucket's endpoint); ``now`` is an
    aware datetime (default: the signer's clock).
    """
    if not isinstance(signer, Signer):
        raise CredentialsError("signer", "must be a sigv4.Signer")
    split_url(url)  # an absolute http(s) URL, or InvalidURLError
    if not isinstance(bucket, str) or not bucket:
        raise InvalidPolicyError("bucket", "must be a non-empty string")
    if not isinstance(key, str) or not key:
        raise InvalidPolicyError("key", "must be a non-empty string")
    if len(key.encode("utf-8", "surrogatepass")) > _MAX_KEY_BYTES:
        raise InvalidPolicyError("key", f"must be at most {_MAX_KEY_BYTES} bytes of UTF-8")
    out = _check_fields(fields, key)
    date_time = amz_date(now, signer._clock)
    creds = signer.credentials()
    credential = f"{creds.access_key}/{credential_scope(date_time[:8], signer.region, signer.service)}"
    document = build_policy(
        bucket,
        key,
        credential=credential,
        date_time=date_time,
        expires_in=expires_in,
        conditions=conditions,
        token=creds.token,
    )
    all_conditions = document["conditions"]
    for name, value in out.items():
        if name.lower().startswith("x-ignore-"):
            continue
        if not field_allowed(all_conditions, name, str(value)):
            raise InvalidPolicyError(
                f"fields[{name!r}]",
                f"no condition accepts {str(value)!r}: add one such as {{{name!r}: {str(value)!r}}} to conditions",
            )
    out["key"] = key
    out["x-amz-algorithm"] = ALGORITHM
    out["x-amz-credential"] = credential
    out["x-amz-date"] = date_time
    if creds.token is not None:
        out["x-amz-security-token"] = creds.token
    if creds.expiry is not None:
        _warn_if_expiring(creds, date_time, expires_in)
    raw = _json.dumps(document).encode("utf-8")
    out["policy"] = _base64.b64encode(raw).decode("ascii")
    key_bytes = signing_key(creds.secret_key, date_time[:8], signer.region, signer.service)
    out["x-amz-signature"] = _signature(key_bytes, str(out["policy"]))
    return {"url": url, "fields": out}
