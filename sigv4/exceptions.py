"""boto3-compatible exception names, all subclasses of :class:`sigv4.SigningError`.

Code written against botocore ports by changing one import::

    from botocore.exceptions import ClientError, ParamValidationError   # before
    from sigv4.exceptions import ClientError, ParamValidationError      # after

Every class keeps botocore's message format and attributes (``.response`` and
``.operation_name`` on :class:`ClientError`, ``.kwargs['report']`` on
:class:`ParamValidationError`), and also carries sigv4's ``.field``/``.rule``.
No message ever contains a secret key.
"""

from __future__ import annotations

from .errors import CredentialsError, InvalidScopeError, ServiceError, SigningError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = [
    "ClientError",
    "EndpointResolutionError",
    "InvalidConfigError",
    "NoCredentialsError",
    "NoRegionError",
    "ParamValidationError",
    "PartialCredentialsError",
    "ProfileNotFound",
    "ServiceError",
    "SigningError",
    "UnknownClientMethodError",
    "UnknownServiceError",
]


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
    """An error answered by S3, in botocore's shape (a :class:`~sigv4.errors.ServiceError`:
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
