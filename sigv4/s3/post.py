"""S3 POST policies (browser uploads, SigV4): building the policy document
and the signature an upload form carries.

* :func:`generate_presigned_post` -- boto3's: ``{'url': ..., 'fields': ...}``,
  byte for byte what boto3 (``signature_version='s3v4'``) returns.
* :func:`build_policy` -- the policy document, conditions in boto3's order.
* :func:`sign_policy` -- the lower-level encoder: your own policy (dict, or JSON
  text signed exactly as given) in, base64 ``policy`` and ``x-amz-signature`` out.

JSON is written as boto3 writes it (``json.dumps`` defaults), so signatures
match.  A literal ``$`` in a condition value is not escaped as ``\\$`` (AWS's
docs ask for it; boto3 and MinIO-based stores do not).

Checking conditions and documents is :mod:`sigv4.s3.policy`'s job; its names
(:func:`validate_condition`, :func:`field_allowed`, :func:`decode_policy`,
:class:`InvalidPolicyError`, ...) are importable from here too.
"""

from __future__ import annotations

import base64 as _base64
import json as _json
import time as _time
from json.encoder import encode_basestring_ascii as _json_string

from ..core.amzdate import amz_date_seconds, warn_if_expiring
from ..core.canonical import ALGORITHM
from ..core.credentials import Credentials
from ..core.errors import CredentialsError, InvalidExpiryError, SigningError
from ..core.keys import KeyCache, signing_key
from ..core.keys import signature as _signature
from ..core.signer import Signer
from ..core.urls import is_utf8_text, split_url
from .policy import (
    InvalidPolicyError,
    check_document,
    decode_policy,
    field_allowed,
    parse_document,
    validate_condition,
    validate_conditions,
)

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
_FILENAME = "${filename}"
_MAX_KEY_BYTES = 1024


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


# -- the policy document ------------------------------------------------------

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _epoch(date_time: str) -> int | None:
    """Seconds since 1970 at ``YYYYMMDDTHHMMSSZ``, or ``None`` if it is not one
    (what ``calendar.timegm(time.strptime(...))`` gives, at a fraction of the cost)."""
    if len(date_time) != 16 or date_time[8] != "T" or date_time[15] != "Z":
        return None
    date, clock = date_time[:8], date_time[9:15]
    if not (date.isascii() and date.isdigit() and clock.isascii() and clock.isdigit()):
        return None
    year, month_day = divmod(int(date), 10000)
    month, day = divmod(month_day, 100)
    hour, minute_second = divmod(int(clock), 10000)
    minute, second = divmod(minute_second, 100)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1] + (month == 2 and leap):
        return None
    if hour > 23 or minute > 59 or second > 61:  # strptime's ranges (leap seconds included)
        return None
    return amz_date_seconds(date_time)


def format_expiration(epoch: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``, as boto3 writes a policy's ``expiration``."""
    # %-formatting takes about half the time of six format specs here.
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % _time.gmtime(epoch)[:6]  # noqa: UP031


# Expirations already written, by (date_time, expires_in): forms signed in the same second
# share one (a bounded, thread-safe cache object; tests/s3 checks it follows its inputs).
_EXPIRATIONS = KeyCache(maxsize=64)


def _expiration(date_time: str, expires_in: int) -> str:
    """``expires_in`` seconds after ``date_time``, as a policy writes it (or
    something not 20 characters long if that is past 9999 or not a date)."""
    if type(date_time) is not str or type(expires_in) is not int:
        return _format_expiration(date_time, expires_in)
    return _EXPIRATIONS.get((date_time, expires_in), lambda: _format_expiration(date_time, expires_in))  # type: ignore[return-value]


def _format_expiration(date_time: str, expires_in: int) -> str:
    start = _epoch(date_time)
    try:
        return format_expiration(start + expires_in) if start is not None else ""
    except (OverflowError, ValueError, OSError, TypeError):
        return ""


def _policy_parts(
    bucket: str,
    key: str,
    credential: str,
    date_time: str,
    expires_in: int,
    conditions: Sequence[Condition] | None,
    token: str | None,
) -> tuple[str, list[Condition], list[Condition]]:
    """:func:`build_policy`'s work, validated: the expiration, the caller's
    conditions, and the ones boto3 adds after them."""
    for field, value in (("bucket", bucket), ("key", key), ("credential", credential), ("date_time", date_time)):
        if not isinstance(value, str) or not value:
            raise InvalidPolicyError(field, f"must be a non-empty str, not {type(value).__name__}")
    if token is not None and not isinstance(token, str):
        raise InvalidPolicyError("token", f"must be a str or None, not {type(token).__name__}")
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        raise InvalidExpiryError("expires_in", f"must be an integer number of seconds, not {type(expires_in).__name__}")
    expires_in = int.__int__(expires_in)  # the exact int, whatever a subclass formats or compares as
    if expires_in < 1:
        raise InvalidExpiryError("expires_in", f"must be at least 1 second, got {expires_in}")
    if conditions is not None:
        validate_conditions(conditions)
    user = list(conditions) if conditions is not None else []
    expiration = _expiration(date_time, expires_in)
    if len(expiration) != 20:
        raise InvalidExpiryError(
            "expires_in", f"{expires_in} seconds is past the year 9999 (or date_time is not YYYYMMDDTHHMMSSZ)"
        )
    prefix = key[: -len(_FILENAME)] if key.endswith(_FILENAME) else None
    key_condition: Condition = {"key": key} if prefix is None else ["starts-with", "$key", prefix]
    own: list[Condition] = [
        {"bucket": bucket},
        key_condition,
        {"x-amz-algorithm": ALGORITHM},
        {"x-amz-credential": credential},
        {"x-amz-date": date_time},
    ]
    if token is not None:
        own.append({"x-amz-security-token": token})
    return expiration, user, own


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
    expiration, user, own = _policy_parts(bucket, key, credential, date_time, expires_in, conditions, token)
    return {"expiration": expiration, "conditions": [*user, *own]}


def _policy_json(expiration: str, user: list[Condition], own: list[Condition]) -> str:
    """``json.dumps`` of that document, byte for byte, written directly: the
    conditions the signer adds hold only strings, which json's own escaper
    writes; setting up ``json.dumps``'s encoder costs more than all of them."""
    parts = [_json.dumps(user)[1:-1]] if user else []
    for condition in own:
        if isinstance(condition, dict):
            ((name, value),) = condition.items()  # one field each
            parts.append(f"{{{_json_string(name)}: {_json_string(value)}}}")
        else:
            parts.append("[" + ", ".join(map(_json_string, condition)) + "]")
    return '{"expiration": ' + _json_string(expiration) + ', "conditions": [' + ", ".join(parts) + "]}"


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


def _check_sigv4(signer: Signer) -> None:
    # A POST policy is signed with SigV4 (x-amz-algorithm AWS4-HMAC-SHA256); no SDK or
    # document defines a SigV4a form, so a SigV4a signer is refused rather than mixed in.
    if signer.algorithm != ALGORITHM:
        raise SigningError("signer", f"POST policies are signed with {ALGORITHM}; this signer uses {signer.algorithm}")


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
        _check_sigv4(credentials)
        creds, scope_region, scope_service = credentials.credentials(), credentials.region, credentials.service
    elif isinstance(credentials, Credentials):
        creds, scope_region, scope_service = credentials, None, None
    else:
        raise CredentialsError("credentials", "must be a sigv4.Credentials or a sigv4.Signer")
    if isinstance(policy, (str, bytes)):
        try:
            raw = policy.encode("utf-8") if isinstance(policy, str) else policy
        except UnicodeEncodeError:
            raw = b""  # raised below, outside the handler
        if not raw and policy:
            raise InvalidPolicyError("policy", "must be valid Unicode text (it contains a lone surrogate)")
        document = parse_document(raw)
    elif isinstance(policy, dict):
        document = check_document(policy)
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
    encoded = _base64.b64encode(raw)
    if isinstance(credentials, Signer):  # its cached day key (same region and service, checked above)
        sig = credentials.day_key(creds, date).sign(encoded.decode("ascii"))
    else:
        sig = _signature(signing_key(creds.secret_key, date, region, service), encoded.decode("ascii"))
    return SignedPolicy(raw, encoded.decode("ascii"), sig, credential, date_time)  # type: ignore[arg-type]


# -- boto3's generate_presigned_post ------------------------------------------


_SURROGATE = "must be valid Unicode text (it contains a lone surrogate)"


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
        if not is_utf8_text(name) or (isinstance(value, str) and not is_utf8_text(value)):
            raise InvalidPolicyError(f"fields[{name!r}]", _SURROGATE)  # (a form field goes out as UTF-8)
        lower = name.lower()
        if lower in AUTH_FIELDS:
            raise InvalidPolicyError(f"fields[{name!r}]", "is written by the signer; do not pass it")
        if lower == "file":
            raise InvalidPolicyError(f"fields[{name!r}]", "'file' is the upload itself and must be the form's last field")
        if lower == "key" and (name != "key" or value != key):
            raise InvalidPolicyError(f"fields[{name!r}]", "the key is set by the Key argument; do not pass a different one")
        out[name] = value
    return out


def _warn_unconditioned_fields(fields: Mapping[str, FieldValue], conditions: Sequence[object]) -> None:
    """One ``UserWarning`` naming every prefilled field whose value no condition accepts.

    S3 refuses such an upload (403 ``AccessDenied``, "Invalid according to Policy"), but
    boto3 returns the fields without complaint, so this does too: ported code gets what it
    got before, plus the warning.  ``x-ignore-*`` fields need no condition.
    """
    rejected = [
        (name, str(value))
        for name, value in fields.items()
        if not name.lower().startswith("x-ignore-") and not field_allowed(conditions, name, str(value))
    ]
    if rejected:
        import warnings

        named = ", ".join(f"{name!r} ({value!r})" for name, value in rejected)
        name, value = rejected[0]
        warnings.warn(
            f"S3 will reject an upload with this POST policy: no condition accepts the prefilled "
            f"field(s) {named}; add one to Conditions for each, such as {{{name!r}: {value!r}}}",
            UserWarning,
            stacklevel=3,
        )


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
    accepts its value, or S3 rejects the upload; as boto3 does, none is added
    for you, and a ``UserWarning`` names each field that lacks one.
    ``url`` is where the form posts (the bucket's endpoint); ``now`` is an
    aware datetime (default: the signer's clock).
    """
    if not isinstance(signer, Signer):
        raise CredentialsError("signer", "must be a sigv4.Signer")
    _check_sigv4(signer)
    split_url(url)  # an absolute http(s) URL, or InvalidURLError
    if not isinstance(bucket, str) or not bucket:
        raise InvalidPolicyError("bucket", "must be a non-empty string")
    if not isinstance(key, str) or not key:
        raise InvalidPolicyError("key", "must be a non-empty string")
    for field, text in (("bucket", bucket), ("key", key)):
        if not is_utf8_text(text):
            raise InvalidPolicyError(field, _SURROGATE)
    if len(key.encode("utf-8", "surrogatepass")) > _MAX_KEY_BYTES:
        raise InvalidPolicyError("key", f"must be at most {_MAX_KEY_BYTES} bytes of UTF-8")
    out = _check_fields(fields, key)
    date_time = signer.amz_date(now)
    creds = signer.credentials()
    day = signer.day_key(creds, date_time[:8])  # the signer's cached scope and keyed HMAC
    credential = f"{creds.access_key}/{day.scope}"
    expiration, user, own = _policy_parts(bucket, key, credential, date_time, expires_in, conditions, creds.token)
    _warn_unconditioned_fields(out, [*user, *own])
    out["key"] = key
    out["x-amz-algorithm"] = ALGORITHM
    out["x-amz-credential"] = credential
    out["x-amz-date"] = date_time
    if creds.token is not None:
        out["x-amz-security-token"] = creds.token
    if creds.expiry is not None:
        warn_if_expiring(creds, date_time, expires_in)
    encoded = _base64.b64encode(_policy_json(expiration, user, own).encode("ascii"))
    out["policy"] = policy = encoded.decode("ascii")
    out["x-amz-signature"] = day.sign(policy)  # a POST's string to sign is the base64 policy
    return {"url": url, "fields": out}
