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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


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


# botocore's names (public as :mod:`sigv4.exceptions`): code written against
# botocore.exceptions keeps its except clauses, and each class is still a sigv4 error.


class _BotoStyleError(SigningError):
    """A SigningError whose ``str()`` is botocore's message for the same error."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(field, rule)
        self.args = (message,)
        self.kwargs: dict[str, object] = {}

    def __str__(self) -> str:
        return str(self.args[0])


class ParamValidationError(_BotoStyleError):
    """A parameter is unknown, missing, of the wrong type or out of range.

    ``field`` names the parameter; ``str()`` reads as botocore's
    ``Parameter validation failed:\\n<report>``."""

    def __init__(self, field: str = "Params", rule: str = "", report: str | None = None) -> None:
        report = report if report is not None else f"{field}: {rule}"
        super().__init__(field, rule or report, f"Parameter validation failed:\n{report}")
        self.kwargs = {"report": report}


class UnknownClientMethodError(_BotoStyleError):
    """``ClientMethod`` names no operation this client can presign."""

    def __init__(self, method_name: str, known: str = "") -> None:
        rule = f"{method_name!r} is not a supported client method" + (f" (supported: {known})" if known else "")
        super().__init__("ClientMethod", rule, f"Client does not have method: {method_name}. {rule}")
        self.kwargs = {"method_name": method_name}


class UnknownServiceError(_BotoStyleError):
    """``sigv4.client(name)`` for a service sigv4 has no client for."""

    def __init__(self, service_name: str, known: str) -> None:
        rule = f"no client for {service_name!r}; available: {known}"
        super().__init__("service_name", rule, f"Unknown service: '{service_name}'. Valid service names are: {known}")
        self.kwargs = {"service_name": service_name}


class NoCredentialsError(CredentialsError):
    """No credentials were given and none were found in the environment or shared files."""

    def __init__(self, rule: str = "Unable to locate credentials") -> None:
        super().__init__("credentials", rule)
        self.args = (rule,)

    def __str__(self) -> str:
        return str(self.args[0])


class PartialCredentialsError(CredentialsError):
    """An access key without its secret (or the reverse)."""

    def __init__(self, provider: str, missing: str) -> None:
        message = f"Partial credentials found in {provider}, missing: {missing}"
        super().__init__(missing, message)
        self.args = (message,)
        self.kwargs = {"provider": provider, "cred_var": missing}

    def __str__(self) -> str:
        return str(self.args[0])


class NoRegionError(InvalidScopeError):
    """No region was given, and none is set in the environment or the config file."""

    def __init__(self) -> None:
        super().__init__("region_name", "You must specify a region.")
        self.args = ("You must specify a region.",)

    def __str__(self) -> str:
        return str(self.args[0])


class ProfileNotFound(_BotoStyleError):
    """``profile_name`` names no profile in the shared config or credentials file."""

    def __init__(self, profile: str) -> None:
        super().__init__("profile_name", f"profile {profile!r} not found", f"The config profile ({profile}) could not be found")
        self.kwargs = {"profile": profile}


class InvalidConfigError(_BotoStyleError):
    """A client ``config`` value or a config-file setting is invalid."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(field, rule, f"{field}: {rule}")


class EndpointResolutionError(_BotoStyleError):
    """The combination of bucket, region and addressing options has no valid URL
    (e.g. accelerate with FIPS, dual-stack with a custom endpoint)."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(field, rule, rule)


class ClientError(ServiceError):
    """An error answered by S3, in botocore's shape (a :class:`~sigv4.core.errors.ServiceError`:
    a server's answer, not bad input, so not a ``ValueError``).

    ``.response`` is ``{'Error': {'Code', 'Message', ...}, 'ResponseMetadata':
    {'HTTPStatusCode', 'HTTPHeaders', 'RequestId', ...}}`` exactly as botocore
    builds it, so ``e.response['Error']['Code']`` keeps working.  sigv4 itself
    sends nothing over the network; build one from an HTTP answer you got with a
    presigned URL using :meth:`from_response`.
    """

    def __init__(self, error_response: Mapping[str, Any], operation_name: str) -> None:
        if not hasattr(error_response, "get") or not hasattr(error_response, "keys"):
            raise ParamValidationError(
                "error_response", f"must be a mapping such as {{'Error': {{...}}}}, not {type(error_response).__name__}"
            )
        found = error_response.get("Error", {}) or {}
        error = dict(found) if hasattr(found, "keys") else {}
        code = str(error.get("Code", "Unknown"))
        message = str(error.get("Message", "Unknown"))
        meta = error_response.get("ResponseMetadata", {}) or {}
        retry = ""
        attempts = meta.get("RetryAttempts") if isinstance(meta, dict) else None
        if attempts:
            retry = f" (reached max retries: {attempts})"
        text = f"An error occurred ({code}) when calling the {operation_name} operation{retry}: {message}"
        super().__init__(text)
        self.kwargs: dict[str, object] = {}
        self.response: dict[str, Any] = dict(error_response)
        self.operation_name = operation_name

    def __reduce__(self) -> tuple[object, ...]:
        return (ClientError, (self.response, self.operation_name))

    @classmethod
    def from_response(
        cls,
        status_code: int,
        body: bytes | str,
        headers: Mapping[str, str] | None = None,
        operation_name: str = "",
    ) -> ClientError:
        """Parse S3's XML error body (``<Error><Code>…``) into a ClientError.

        A body that is not XML (e.g. a HEAD answer) gives botocore's fallback:
        the status code as ``Code`` and the reason phrase as ``Message``."""
        import xml.etree.ElementTree as ET
        from http.client import responses

        if isinstance(status_code, bool) or not isinstance(status_code, int):
            raise ParamValidationError("status_code", f"must be an int, not {type(status_code).__name__}")
        if not isinstance(body, (str, bytes, bytearray)):
            raise ParamValidationError("body", f"must be bytes or str, not {type(body).__name__}")
        if headers is not None and not hasattr(headers, "items"):
            raise ParamValidationError("headers", f"must be a mapping, not {type(headers).__name__}")
        hdrs = {str(k).lower(): v for k, v in (headers or {}).items()}
        error: dict[str, str] = {}
        data = body.encode("utf-8", "replace") if isinstance(body, str) else bytes(body)
        if data:
            try:
                # S3 error bodies are small and entity-free; expat (>= 2.4.1) refuses
                # entity-expansion bombs and ElementTree never loads external entities.
                root = ET.fromstring(data)  # noqa: S314
            except ET.ParseError:
                root = None
            if root is not None:
                node = root if root.tag == "Error" else root.find("Error")
                for child in node if node is not None else ():
                    if len(child) == 0:
                        error[child.tag] = child.text or ""
        error.setdefault("Code", str(status_code))
        error.setdefault("Message", responses.get(status_code, ""))
        request_id = error.pop("RequestId", None) or hdrs.get("x-amz-request-id", "")
        host_id = error.pop("HostId", None) or hdrs.get("x-amz-id-2", "")
        meta: dict[str, Any] = {
            "RequestId": request_id,
            "HostId": host_id,
            "HTTPStatusCode": status_code,
            "HTTPHeaders": hdrs,
            "RetryAttempts": 0,
        }
        return cls({"Error": error, "ResponseMetadata": meta}, operation_name)
