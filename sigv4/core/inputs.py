"""What the signer accepts: the credential scope's region and service, SigV4a's region
set, the HTTP method, a presigned URL's expiry; and the query parameters and headers
a caller may not pass because the signer writes them itself.

Each check returns the value as it is signed or raises a :class:`~sigv4.SigningError`
subclass naming the argument and the rule.
"""

from __future__ import annotations

from .canonical import ALGORITHM as HMAC_ALGORITHM
from .errors import InvalidExpiryError, InvalidScopeError, SigningError

__all__ = [
    "ALGORITHMS",
    "AUTH_PARAMS",
    "COMMON_METHODS",
    "HMAC_ALGORITHM",
    "REPLACED_HEADERS",
    "SCOPE_CHARS",
    "SIGV4A_ALGORITHM",
    "SIGV4A_AUTH_PARAMS",
    "SIGV4A_REPLACED_HEADERS",
    "check_expires",
    "check_method",
    "check_region_set",
    "check_scope",
]

SCOPE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
# Query parameters a presigned URL owns; a caller passing them is a mistake.
AUTH_PARAMS = frozenset(
    {"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders", "x-amz-signature"}
)
# Headers the signer writes itself: a caller's copy is replaced, not signed.
REPLACED_HEADERS = frozenset({"authorization", "x-amz-date"})
SIGV4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
ALGORITHMS = (HMAC_ALGORITHM, SIGV4A_ALGORITHM)
# SigV4a's own parameter and header, as the other auth parameters and headers.
SIGV4A_AUTH_PARAMS = AUTH_PARAMS | {"x-amz-region-set"}
SIGV4A_REPLACED_HEADERS = REPLACED_HEADERS | {"x-amz-region-set"}


def check_region_set(value: object) -> str:
    """SigV4a's region set: ``"*"`` or comma-separated regions (each checked as a
    SigV4 region), kept as the one comma-joined string that is signed."""
    if value == "*":
        return "*"
    if not isinstance(value, str) or not value:
        raise InvalidScopeError("region_set", "must be '*' or comma-separated regions such as 'us-east-1,us-west-2'")
    for region in value.split(","):
        if not region:
            raise InvalidScopeError("region_set", f"{value!r} has an empty region (no spaces or doubled commas)")
        check_scope("region_set", region)
    return value


def check_scope(field: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidScopeError(field, "must be a non-empty string")
    for ch in value:
        if ch not in SCOPE_CHARS:
            raise InvalidScopeError(field, f"{value!r} may contain only letters, digits, '-', '_' and '.'")
    return value


# Methods already in canonical form skip the checks below.
COMMON_METHODS = frozenset({"GET", "PUT", "POST", "HEAD", "DELETE", "PATCH", "OPTIONS"})


def check_method(method: object) -> str:
    if type(method) is str and method in COMMON_METHODS:
        return method
    if not isinstance(method, str) or not method or not method.isascii() or not method.isalpha():
        raise SigningError("method", f"must be an HTTP method such as 'GET', got {method!r}")
    return method.upper()


def check_expires(expires_in: object, max_expires: int) -> int:
    """``expires_in``: an integer number of seconds from 1 to ``max_expires``, returned as
    an exact ``int`` (what an ``int`` subclass formats or compares as is not trusted)."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        raise InvalidExpiryError("expires_in", f"must be an integer number of seconds, not {type(expires_in).__name__}")
    expires_in = int.__int__(expires_in)  # the exact int, whatever a subclass overrides
    if not 1 <= expires_in <= max_expires:
        hint = " (raise max_expires explicitly for a store that allows longer)" if expires_in > max_expires else ""
        raise InvalidExpiryError("expires_in", f"must be between 1 and {max_expires} seconds, got {expires_in}{hint}")
    return expires_in
