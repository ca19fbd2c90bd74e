"""STS: ``AssumeRole`` (signed by our own :class:`~sigv4.Signer` with the source
credentials) and ``AssumeRoleWithWebIdentity`` (unsigned; the OIDC token is the
proof), over ``urllib.request``; the XML answer is parsed with ``xml.etree``.

The endpoint is, in order: an explicit ``endpoint_url``;
``AWS_ENDPOINT_URL_STS``; ``AWS_ENDPOINT_URL``; the profile's ``endpoint_url``
(the configured-endpoint settings are ignored when
``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``/``ignore_configured_endpoint_urls``
is true); otherwise the regional endpoint of the region
(``https://sts.<region>.amazonaws.com``, the partition's domain for China,
GovCloud, ISO and EU sovereign regions, FIPS and dual-stack variants: the
rules of :mod:`sigv4.providers.sts_endpoints`, shared with the EKS token client) — or
the global ``https://sts.amazonaws.com`` (signed for us-east-1) when no region
is known or ``sts_regional_endpoints = legacy`` asks for it.
"""

from __future__ import annotations

import os

from ..core.errors import CredentialsError, EndpointResolutionError, InvalidConfigError
from ..core.urls import is_utf8_text
from .base import RefreshableProvider, checked_credentials, excerpt, parse_expiry
from .sts_endpoints import GLOBAL_ENDPOINT, sts_host

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from ..core.credentials import Credentials, CredentialsProvider

__all__ = ["AssumeRoleProvider", "WebIdentityProvider", "sts_endpoint"]

API_VERSION = "2011-06-15"
_REGION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _flag(environ: Mapping[str, str], config: Mapping[str, Any], env_name: str, config_name: str) -> bool:
    value = environ.get(env_name)
    if value is None:
        value = config.get(config_name)
    return isinstance(value, str) and value.strip().lower() == "true"


def sts_endpoint(
    region: str | None,
    *,
    environ: Mapping[str, str] | None = None,
    config: Mapping[str, Any] | None = None,
    endpoint_url: str | None = None,
) -> tuple[str, str]:
    """``(endpoint URL, signing region)`` for STS, resolved as botocore does.

    ``config`` is the profile's settings (``sts_regional_endpoints``,
    ``use_fips_endpoint``, ``use_dualstack_endpoint``, ``endpoint_url``,
    ``ignore_configured_endpoint_urls``, and optionally a nested ``sts``
    mapping with ``endpoint_url`` from a ``services`` section)."""
    env = os.environ if environ is None else environ
    cfg = config or {}
    signing_region = region or "us-east-1"
    if endpoint_url is None and not _flag(env, cfg, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls"):
        nested = cfg.get("sts")
        service_url = nested.get("endpoint_url") if isinstance(nested, dict) else None
        endpoint_url = env.get("AWS_ENDPOINT_URL_STS") or service_url or env.get("AWS_ENDPOINT_URL") or cfg.get("endpoint_url")
    if endpoint_url:
        if not isinstance(endpoint_url, str) or not endpoint_url.startswith(("http://", "https://")):
            raise CredentialsError("AWS_ENDPOINT_URL_STS", f"must be an http:// or https:// URL, got {excerpt(endpoint_url)}")
        return endpoint_url, signing_region
    if not region:
        return GLOBAL_ENDPOINT, "us-east-1"
    if not isinstance(region, str) or not set(region) <= _REGION_CHARS or len(region) > 64:
        raise CredentialsError("region", f"{excerpt(region)} is not a region name")
    raw_legacy = env.get("AWS_STS_REGIONAL_ENDPOINTS") or cfg.get("sts_regional_endpoints") or "regional"
    legacy = raw_legacy.strip().lower() if isinstance(raw_legacy, str) else ""
    if legacy not in ("regional", "legacy"):
        raise CredentialsError("sts_regional_endpoints", f"must be 'regional' or 'legacy', got {excerpt(raw_legacy)}")
    problem: tuple[str, str] | None = None
    try:
        return sts_host(
            region,
            use_fips_endpoint=_flag(env, cfg, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
            use_dualstack_endpoint=_flag(env, cfg, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
            sts_regional_endpoints=legacy,
        )
    except (EndpointResolutionError, InvalidConfigError) as exc:  # e.g. no dual-stack STS in that partition
        problem = (exc.field, exc.rule)
    raise CredentialsError(*problem)


def _find(root: Any, name: str) -> Any:
    """First element with local name ``name`` (namespace-agnostic)."""
    for el in root.iter():
        if el.tag == name or el.tag.endswith("}" + name):
            return el
    return None


def parse_sts_response(body: bytes, action: str) -> Credentials:
    """Credentials from an ``<AssumeRole…Response>``; CredentialsError with
    AWS's code and message from an ``<ErrorResponse>``."""
    from xml.etree import ElementTree

    from .transport import printable

    root = None
    try:
        # Only STS's answer is parsed; expat (>= 2.4.1, bundled with every supported
        # Python) refuses entity-expansion bombs, and external entities are never fetched.
        root = ElementTree.fromstring(body)  # noqa: S314
    except (ElementTree.ParseError, LookupError, ValueError, RecursionError):  # LookupError: an unknown encoding=
        root = None
    if root is None:  # raised outside the except block: nothing chained
        raise CredentialsError(action, f"STS answered with a body that is not XML ({len(body)} bytes)")
    error = _find(root, "Error")
    if error is not None:
        code = _find(error, "Code")
        message = _find(error, "Message")
        code_text = printable((code.text or "") if code is not None else "unknown error", 100)
        raise CredentialsError(
            action,
            f"STS refused: {code_text}" + (f": {printable(message.text or '', 300)}" if message is not None else ""),
        )
    creds = _find(root, "Credentials")
    if creds is None:
        raise CredentialsError(action, "STS answer has no <Credentials>")
    values: dict[str, str] = {}
    for field in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        el = _find(creds, field)
        if el is None or not (el.text or "").strip():
            raise CredentialsError(action, f"STS answer has no <{field}>")
        values[field] = (el.text or "").strip()
    expiry = parse_expiry(values["Expiration"], f"{action} Expiration")
    return checked_credentials(
        action,
        "STS answer holds invalid credentials",
        values["AccessKeyId"],
        values["SecretAccessKey"],
        values["SessionToken"],
        expiry,
    )


class _StsProvider(RefreshableProvider):
    action = ""

    def __init__(
        self,
        role_arn: str,
        *,
        role_session_name: str | None = None,
        duration_seconds: int | str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        config: Mapping[str, Any] | None = None,
        timeout: float = 10.0,
        attempts: int = 2,
        profile: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(clock=clock)
        where = f" (profile {profile!r})" if profile else ""
        if not is_arn(role_arn):
            raise CredentialsError("role_arn", f"must be an IAM role ARN such as arn:aws:iam::123456789012:role/name{where}")
        _check_text("role_session_name", role_session_name, where)
        self.role_arn = role_arn
        self.role_session_name = role_session_name
        self.duration_seconds = _duration(duration_seconds, where)
        self.endpoint_url, self.signing_region = sts_endpoint(region, environ=environ, config=config, endpoint_url=endpoint_url)
        if attempts < 1:
            raise CredentialsError("attempts", "must be at least 1")
        self.timeout = timeout
        self.attempts = attempts
        self.profile = profile

    def __repr__(self) -> str:
        return f"{type(self).__name__}(role_arn={self.role_arn!r}, endpoint_url={self.endpoint_url!r}, profile={self.profile!r})"

    def describe(self) -> str:
        return f"{self.action} of {self.role_arn}" + (f" (profile {self.profile!r})" if self.profile else "")

    def _params(self) -> list[tuple[str, str]]:
        session = self.role_session_name or f"sigv4-session-{int(self._clock())}"
        params = [("Action", self.action), ("Version", API_VERSION), ("RoleArn", self.role_arn), ("RoleSessionName", session)]
        if self.duration_seconds is not None:
            params.append(("DurationSeconds", str(self.duration_seconds)))
        return params

    def _headers_for(self, body: bytes) -> dict[str, str]:
        return {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

    def _post(self, params: list[tuple[str, str]]) -> Credentials:
        from urllib.parse import quote, urlencode

        from .transport import TransportError, error_summary, request

        body = urlencode(params, quote_via=quote).encode("ascii")
        problem = ""
        for _ in range(self.attempts):
            headers = self._headers_for(body)
            try:
                status, answer = request(
                    "POST", self.endpoint_url, headers=headers, body=body, timeout=self.timeout, use_proxy=True
                )
            except TransportError as exc:
                problem = str(exc)
                continue
            if status == 200:
                return parse_sts_response(answer, self.action)
            summary = error_summary(answer)
            problem = f"HTTP {status}{summary}"
            if status < 500 and not any(code in summary for code in ("Throttling", "IDPCommunicationError")):
                break
        raise CredentialsError(self.action, f"{self.role_arn} via {self.endpoint_url}: {problem}")


def is_arn(value: object) -> bool:
    """Whether ``value`` has the shape of an ARN (``arn:partition:service:region:account:resource``,
    printable ASCII without spaces): only such a value is quoted in messages in full."""
    return (
        isinstance(value, str)
        and value.startswith("arn:")
        and value.count(":") >= 5
        and len(value) <= 2048
        and value.isascii()
        and value.isprintable()
        and " " not in value
    )


def _check_text(name: str, value: object, where: str) -> None:
    """A parameter sent in the STS form: None, or printable text that encodes as UTF-8."""
    if value is not None and (not isinstance(value, str) or not is_utf8_text(value) or not value.isprintable()):
        raise CredentialsError(name, f"must be printable text that encodes as UTF-8{where}")


def mfa_refused(profile: str | None, role_arn: str) -> CredentialsError:
    """The error for a role that needs an MFA code: there is nobody to type it."""
    return CredentialsError(
        "mfa_serial",
        f"profile {profile!r} requires an MFA code to assume {role_arn if is_arn(role_arn) else excerpt(role_arn)}: "
        "interactive MFA is not supported; "
        "get temporary credentials first (e.g. `aws sts get-session-token --serial-number ARN --token-code CODE`) "
        "and pass them in the environment or a profile of their own",
    )


def _duration(value: int | str | None, where: str) -> int | None:
    if value is None or value == "":
        return None
    seconds: int | None = None
    try:
        seconds = int(value) if isinstance(value, (int, str)) and len(str(value)) <= 12 else None
    except (TypeError, ValueError):
        seconds = None
    if seconds is None:
        raise CredentialsError("duration_seconds", f"must be a whole number of seconds, got {excerpt(value)}{where}")
    if not 900 <= seconds <= 43200:
        raise CredentialsError("duration_seconds", f"must be between 900 and 43200, got {seconds}{where}")
    return seconds


class AssumeRoleProvider(_StsProvider):
    """``sts:AssumeRole`` with credentials from ``source`` (any provider)."""

    method = "assume-role"
    action = "AssumeRole"

    def __init__(
        self,
        source: Credentials | CredentialsProvider,
        role_arn: str,
        *,
        external_id: str | None = None,
        mfa_serial: str | None = None,
        **kwargs: Any,
    ) -> None:
        if mfa_serial:
            raise mfa_refused(kwargs.get("profile"), role_arn)
        super().__init__(role_arn, **kwargs)
        _check_text("external_id", external_id, f" (profile {self.profile!r})" if self.profile else "")
        if not callable(getattr(source, "get_credentials", None)):
            raise CredentialsError("source", "must be Credentials or a provider with get_credentials()")
        self.source = source
        self.external_id = external_id

    def _params(self) -> list[tuple[str, str]]:
        params = super()._params()
        if self.external_id:
            params.append(("ExternalId", self.external_id))
        return params

    def _headers_for(self, body: bytes) -> dict[str, str]:
        from ..core.signer import Signer
        from ..core.urls import host_header, split_url

        scheme, netloc, _, _ = split_url(self.endpoint_url)
        # Sent as signed: urllib would otherwise write an explicit default port into Host.
        headers = {"Host": host_header(scheme, netloc), **super()._headers_for(body)}
        signer = Signer(self.source, self.signing_region, "sts", clock=self._clock)
        return signer.sign("POST", self.endpoint_url, headers=headers, body=body).headers

    def _fetch(self) -> Credentials:
        return self._post(self._params())


class WebIdentityProvider(_StsProvider):
    """``sts:AssumeRoleWithWebIdentity`` with the OIDC token read from
    ``token_file`` on every fetch (EKS IRSA rotates it)."""

    method = "assume-role-with-web-identity"
    action = "AssumeRoleWithWebIdentity"

    def __init__(self, role_arn: str, token_file: str, **kwargs: Any) -> None:
        super().__init__(role_arn, **kwargs)
        if not token_file:
            raise CredentialsError("web_identity_token_file", "must be a file path")
        self.token_file = token_file

    def _fetch(self) -> Credentials:
        token = ""
        problem = ""
        try:
            with open(self.token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problem = type(exc).__name__
        if problem:
            raise CredentialsError("web_identity_token_file", f"cannot read {self.token_file!r}: {problem}")
        if not token:
            raise CredentialsError("web_identity_token_file", f"{self.token_file!r} is empty")
        return self._post([*self._params(), ("WebIdentityToken", token)])
