"""The one exception hierarchy of sigv4.

Bad input names the *field* that is wrong and the *rule* it broke, so a
message reads ``region: must not be empty``: every such error derives from
:class:`SigningError`, itself a :class:`ValueError`, so existing ``except
ValueError`` blocks keep working.  Two other families are not input errors and
not ``ValueError``: :class:`ServiceError` (a server's answer, a transport
failure) and :class:`VerificationError` (a received request refused).  No
message ever contains a secret key.
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


class ServiceError(Exception):
    """An answer from a server (:class:`sigv4.exceptions.ClientError`) or a transport
    failure.  Not a :class:`SigningError` (nor a ``ValueError``): nothing the caller
    passed was wrong."""


# HTTP status S3 answers each verification failure with (403 unless listed).
_STATUS = {
    "AuthorizationHeaderMalformed": 400,
    "AuthorizationQueryParametersError": 400,
    "BadDigest": 400,
    "EntityTooLarge": 400,
    "EntityTooSmall": 400,
    "IncompleteBody": 400,
    "InvalidArgument": 400,
    "InvalidPolicyDocument": 400,
    "InvalidRequest": 400,
    "InvalidToken": 400,
    "XAmzContentSHA256Mismatch": 400,
}


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class VerificationError(Exception):
    """A request failed signature verification (:class:`sigv4.Verifier`).

    Not a :class:`SigningError` (nor a ``ValueError``): it is a verdict on a
    received request, not bad input to the signer.  ``code`` is S3's error code
    (``SignatureDoesNotMatch``, ``AccessDenied``, ...), ``message`` a readable
    reason, ``status`` the HTTP status S3 answers with.  For
    ``SignatureDoesNotMatch``, ``canonical_request`` and ``string_to_sign``
    are what the verifier computed (as S3's error body carries them), else
    ``None``.  No secret key is ever part of it.
    """

    def __init__(
        self, code: str, message: str, *, canonical_request: str | None = None, string_to_sign: str | None = None
    ) -> None:
        self.code = code
        self.message = message
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign
        super().__init__(f"{code}: {message}")

    @property
    def status(self) -> int:
        """The HTTP status to answer with (400 or 403)."""
        return _STATUS.get(self.code, 403)

    def to_xml(self, resource: str = "", request_id: str = "") -> str:
        """An S3-shaped XML error body (``<Error><Code>...``)."""
        parts = [f"<Code>{self.code}</Code>", f"<Message>{_xml_text(self.message)}</Message>"]
        if self.canonical_request is not None:
            parts.append(f"<CanonicalRequest>{_xml_text(self.canonical_request)}</CanonicalRequest>")
        if self.string_to_sign is not None:
            parts.append(f"<StringToSign>{_xml_text(self.string_to_sign)}</StringToSign>")
        if resource:
            parts.append(f"<Resource>{_xml_text(resource)}</Resource>")
        if request_id:
            parts.append(f"<RequestId>{_xml_text(request_id)}</RequestId>")
        return '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) + "</Error>"
