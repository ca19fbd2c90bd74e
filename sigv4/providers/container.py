"""Container credentials: ECS tasks, EKS Pod Identity and Lambda.

* ``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` (ECS): a path on
  ``http://169.254.170.2``.
* ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` (EKS Pod Identity, Lambda, Greengrass,
  local emulators): any ``https://`` URL, or ``http://`` to a loopback
  address, ``localhost`` or the ECS/EKS link-local hosts — the same hosts
  botocore allows.
* ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` (read again on every fetch, as
  EKS rotates it) or ``AWS_CONTAINER_AUTHORIZATION_TOKEN``: sent as the
  ``Authorization`` header.

The answer is JSON with ``AccessKeyId``, ``SecretAccessKey``, ``Token`` and
``Expiration``.  A transport error or a 5xx is retried ``attempts - 1``
times.
"""

from __future__ import annotations

import os

from ..core.errors import CredentialsError
from .base import RefreshableProvider, credentials_from_mapping, excerpt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..core.credentials import Credentials

__all__ = ["ContainerProvider", "container_configured"]

ECS_ENDPOINT = "http://169.254.170.2"
_ALLOWED_HTTP_HOSTS = frozenset({"169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"})
RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN"  # noqa: S105  (variable names)
TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"  # noqa: S105


def container_configured(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get(RELATIVE_URI) or env.get(FULL_URI))


def _is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_full_uri(url: str) -> str:
    """The URL if credentials may be fetched from it, else CredentialsError."""
    from urllib.parse import urlsplit

    valid = isinstance(url, str)
    try:
        parts = urlsplit(url if valid else "")
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        valid = False
    if not valid:
        raise CredentialsError(FULL_URI, f"is not a valid URL: {excerpt(url)}")
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and host and (_is_loopback(host) or host in _ALLOWED_HTTP_HOSTS):
        return url
    raise CredentialsError(
        FULL_URI,
        f"must be an https:// URL, or http:// to a loopback address or one of {', '.join(sorted(_ALLOWED_HTTP_HOSTS))}; "
        f"got {excerpt(url)}",
    )


class ContainerProvider(RefreshableProvider):
    """Fetches from the container credentials endpoint named by the environment."""

    method = "container-role"

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        timeout: float = 2.0,
        attempts: int = 2,
        ecs_endpoint: str = ECS_ENDPOINT,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(clock=clock)
        if attempts < 1:
            raise CredentialsError("attempts", "must be at least 1")
        self._environ = environ
        self.timeout = timeout
        self.attempts = attempts
        self.ecs_endpoint = ecs_endpoint.rstrip("/")

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def url(self) -> str:
        env = self._env()
        relative = env.get(RELATIVE_URI)
        if relative:
            if not relative.startswith("/"):
                relative = "/" + relative
            return self.ecs_endpoint + relative
        full = env.get(FULL_URI)
        if not full:
            raise CredentialsError(RELATIVE_URI, f"neither {RELATIVE_URI} nor {FULL_URI} is set")
        return check_full_uri(full)

    def _headers(self) -> dict[str, str]:
        env = self._env()
        headers = {"Accept": "application/json"}
        token: str | None = None
        field = TOKEN
        path = env.get(TOKEN_FILE)
        if path:
            field = TOKEN_FILE
            problem = ""
            try:
                with open(path, encoding="utf-8") as f:
                    token = f.read().strip()
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                problem = type(exc).__name__
            if problem:
                raise CredentialsError(TOKEN_FILE, f"cannot read {path!r}: {problem}")
        elif env.get(TOKEN):
            token = env[TOKEN]
        if token is not None:
            if not token or not (token.isascii() and token.isprintable()):
                raise CredentialsError(field, "the authorization token must be non-empty printable ASCII (no CR, LF or NUL)")
            headers["Authorization"] = token
        return headers

    def _fetch(self) -> Credentials:
        from .transport import TransportError, decode_json, error_summary, request

        url = self.url()
        headers = self._headers()
        problem = ""
        for _ in range(self.attempts):
            try:
                status, body = request("GET", url, headers=headers, timeout=self.timeout)
            except TransportError as exc:
                problem = str(exc)
                continue
            if status == 200:
                return credentials_from_mapping(
                    decode_json(body, self.method), self.method, require_token=False, require_expiry=False
                )
            problem = f"HTTP {status}{error_summary(body)}"
            if status < 500:
                break
        raise CredentialsError(self.method, f"no credentials from the container endpoint {url}: {problem}")
