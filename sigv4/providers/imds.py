"""EC2 instance metadata credentials, IMDSv2 only.

1. ``PUT /latest/api/token`` with ``X-aws-ec2-metadata-token-ttl-seconds``;
2. ``GET /latest/meta-data/iam/security-credentials/`` → the role name;
3. ``GET /latest/meta-data/iam/security-credentials/<role>`` → JSON.

There is no IMDSv1 fallback: if no session token is issued the source fails.
Each call times out after ``timeout`` seconds (1 s by default) and a
transport error or 5xx is retried once (``attempts=2``).
``AWS_EC2_METADATA_DISABLED=true`` turns the source off.  The endpoint comes
from ``AWS_EC2_METADATA_SERVICE_ENDPOINT`` / ``ec2_metadata_service_endpoint``,
or ``AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`` / ``..._endpoint_mode``
(``IPv4`` or ``IPv6``); the timeout and attempts from
``AWS_METADATA_SERVICE_TIMEOUT`` / ``metadata_service_timeout`` and
``AWS_METADATA_SERVICE_NUM_ATTEMPTS`` / ``metadata_service_num_attempts``.
"""

from __future__ import annotations

import os

from ..core.errors import CredentialsError
from .base import RefreshableProvider, credentials_from_mapping, excerpt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..core.credentials import Credentials

__all__ = ["InstanceMetadataProvider", "imds_disabled"]

IPV4_ENDPOINT = "http://169.254.169.254"
IPV6_ENDPOINT = "http://[fd00:ec2::254]"
TOKEN_TTL = "21600"  # noqa: S105  (seconds)
_CREDS_PATH = "/latest/meta-data/iam/security-credentials/"


def imds_disabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() == "true"


def _setting(environ: Mapping[str, str], config: Mapping[str, str], env_name: str, config_name: str) -> tuple[str, str] | None:
    value = environ.get(env_name)
    if value:
        return env_name, value
    value = config.get(config_name)
    if value:
        return config_name, value
    return None


class InstanceMetadataProvider(RefreshableProvider):
    """Credentials of the instance profile role, through IMDSv2."""

    method = "iam-role"

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        timeout: float | None = None,
        attempts: int | None = None,
        environ: Mapping[str, str] | None = None,
        config: Mapping[str, str] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(clock=clock)
        env = os.environ if environ is None else environ
        cfg = config or {}
        if endpoint is None:
            found = _setting(env, cfg, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint")
            if found is not None:
                endpoint = found[1]
            else:
                mode = _setting(env, cfg, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode")
                if mode is None or mode[1].lower() == "ipv4":
                    endpoint = IPV4_ENDPOINT
                elif mode[1].lower() == "ipv6":
                    endpoint = IPV6_ENDPOINT
                else:
                    raise CredentialsError(mode[0], f"must be IPv4 or IPv6, got {excerpt(mode[1])}")
        if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
            raise CredentialsError(
                "ec2_metadata_service_endpoint", f"must be an http:// or https:// URL, got {excerpt(endpoint)}"
            )
        self.endpoint = endpoint.rstrip("/")
        if timeout is None:
            found = _setting(env, cfg, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout")
            timeout = _number(found, float) if found else 1.0
        if attempts is None:
            found = _setting(env, cfg, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts")
            attempts = int(_number(found, int)) if found else 2
        if not 0 < timeout < float("inf"):
            raise CredentialsError("timeout", "must be positive")
        if attempts < 1:
            raise CredentialsError("attempts", "must be at least 1")
        self.timeout = float(timeout)
        self.attempts = attempts

    def _call(self, method: str, path: str, headers: dict[str, str], what: str) -> bytes:
        from .transport import TransportError, error_summary, request

        problem = ""
        for _ in range(self.attempts):
            try:
                status, body = request(method, self.endpoint + path, headers=headers, timeout=self.timeout)
            except TransportError as exc:
                problem = str(exc)
                continue
            if status == 200:
                return body
            problem = f"HTTP {status}{error_summary(body)}"
            if status < 500:
                break
        raise CredentialsError(self.method, f"instance metadata {what} failed ({self.endpoint}): {problem}")

    def _fetch(self) -> Credentials:
        from .transport import decode_json, printable

        token = self._call(
            "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL}, "token request (IMDSv2)"
        )
        token_bytes = token.strip()
        if not token_bytes or len(token_bytes) > 4096 or not all(0x21 <= b <= 0x7E for b in token_bytes):
            raise CredentialsError(self.method, "instance metadata returned an unusable session token")
        token_text = token_bytes.decode("ascii")
        auth = {"X-aws-ec2-metadata-token": token_text}
        listing = self._call("GET", _CREDS_PATH, auth, "role lookup").decode("utf-8", "replace").split()
        if not listing:
            raise CredentialsError(self.method, "this instance has no IAM role (instance profile) attached")
        role = listing[0]
        from urllib.parse import quote

        body = self._call("GET", _CREDS_PATH + quote(role, safe=""), auth, f"credentials for role {printable(role, 64)!r}")
        doc = decode_json(body, self.method)
        if isinstance(doc, dict) and doc.get("Code", "Success") != "Success":
            code = doc.get("Code")
            shown = repr(printable(code, 100)) if isinstance(code, str) else f"<{type(code).__name__}>"
            raise CredentialsError(self.method, f"instance metadata answered Code={shown}")
        return credentials_from_mapping(doc, self.method, require_token=False, require_expiry=False)


def _number(found: tuple[str, str], kind: type[float] | type[int]) -> float:
    name, value = found
    number: float | None = None
    try:
        number = float(kind(value))
    except (ValueError, OverflowError):
        number = None
    if number is None or number != number:
        raise CredentialsError(name, f"must be a number, got {excerpt(value)}")
    return number
