"""The one exception hierarchy of sigv4.

Every error names the *field* that is wrong and the *rule* it broke, so a
message reads ``region: must not be empty``.  All of them derive from
:class:`SigningError`, itself a :class:`ValueError`, so existing ``except
ValueError`` blocks keep working.  No message ever contains a secret key.
"""

from __future__ import annotations


class SigningError(ValueError):
    """Base class: the request, credentials or settings cannot be signed."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


class InvalidHeaderError(SigningError):
    """A header name is not an HTTP token, or a value carries CR/LF/NUL."""


class InvalidURLError(SigningError):
    """The URL is relative, has no host, or cannot be parsed."""


class InvalidExpiryError(SigningError):
    """``expires_in`` is not an integer in 1..max_expires."""


class InvalidScopeError(SigningError):
    """Region or service is empty or contains characters a scope cannot hold."""


class CredentialsError(SigningError):
    """Credentials are missing or incomplete (no access key or no secret)."""


class PayloadError(SigningError):
    """The body cannot be hashed without consuming it, or is of a type we cannot send."""


class InvalidTimeError(SigningError):
    """``now`` is not a timezone-aware datetime."""
