"""POST policy documents and their conditions: what S3 accepts, checked
before anything is signed.

* :func:`validate_condition` / :func:`validate_conditions` -- the three
  condition forms (exact match, ``eq``/``starts-with``, ``content-length-range``).
* :func:`field_allowed` -- would S3 accept this form field under these conditions?
* :func:`decode_policy` -- the document inside a base64 ``policy`` form field.

Building and signing a policy is :mod:`sigv4.s3.post`'s job, which re-exports
these names.
"""

from __future__ import annotations

import base64 as _base64
import json as _json
import time as _time

from ..core.errors import SigningError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = [
    "InvalidPolicyError",
    "check_document",
    "decode_policy",
    "field_allowed",
    "parse_document",
    "validate_condition",
    "validate_conditions",
]

_OPERATORS = ("eq", "starts-with", "content-length-range")


class InvalidPolicyError(SigningError):
    """A POST policy, one of its conditions, or a form field is malformed or contradicts the policy."""


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


# -- the document -------------------------------------------------------------


def decode_policy(policy: str | bytes) -> dict[str, Any]:
    """The policy document inside a base64 ``policy`` form field, validated."""
    try:
        raw = _base64.b64decode(policy, validate=True)
    except (ValueError, TypeError):
        raw = None  # raised below, outside the handler: nothing chained
    if raw is None:
        raise InvalidPolicyError("policy", "is not valid base64")
    return parse_document(raw)


def parse_document(raw: bytes) -> dict[str, Any]:
    """JSON bytes → the validated document (:class:`InvalidPolicyError` if they are not one)."""
    problem = ""
    try:
        document = _json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problem = "is not UTF-8 text"
    except ValueError as e:
        problem = f"is not valid JSON ({e})"
    except RecursionError:  # '[' * 5000
        problem = "is not valid JSON (nested too deeply)"
    if problem:  # raised here, outside the handler: nothing chained
        raise InvalidPolicyError("policy", problem)
    return check_document(document)


def check_document(document: object) -> dict[str, Any]:
    """``document`` if it is a policy S3 can read: ``expiration`` and ``conditions`` only, both well formed."""
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
    base, _, fraction = text[:-1].partition(".")
    if not text.endswith("Z") or (fraction and not (fraction.isdigit() and fraction.isascii())):
        return False
    try:
        _time.strptime(base, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True
