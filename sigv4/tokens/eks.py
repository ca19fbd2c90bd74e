"""EKS cluster tokens, as ``aws eks get-token`` makes them.

The token is ``k8s-aws-v1.`` followed by the unpadded base64url of a presigned
STS ``GetCallerIdentity`` URL (``GET``, regional STS host) whose signature
covers the header ``x-k8s-aws-id: <cluster name>``.  The cluster's
authenticator replays the URL with that header and learns who you are.

The algorithm is the AWS CLI's (awscli/customizations/eks/get_token.py:
botocore's STS client presigns ``get_caller_identity`` with that header
injected, ``ExpiresIn=60``) and the bytes are the same for the same inputs and
time.  STS hosts follow botocore 1.44.8's endpoint rules
(:mod:`sigv4.providers.sts_endpoints`, shared with the AssumeRole providers): regional
by default (``sts.us-east-1.amazonaws.com`` included), each partition's DNS
suffix (``amazonaws.com.cn``, ``c2s.ic.gov`` ...), ``aws-global`` on
``sts.amazonaws.com`` signed for ``us-east-1``, FIPS and dual-stack variants,
and ``sts_regional_endpoints='legacy'``.

Whatever ``X-Amz-Expires`` says, EKS accepts the token for 15 minutes after
it was signed, and rejects an ``X-Amz-Expires`` above 900.
"""

from __future__ import annotations

from ..core.errors import EndpointResolutionError, InvalidConfigError, ParamValidationError
from ..providers.sts_endpoints import sts_host
from ._common import TokenClient, check_expires, check_region, check_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime
    from typing import Any

    from ..core.credentials import Credentials, CredentialsProvider
    from ..core.signer import SignedRequest

__all__ = [
    "EKSClient",
    "EKS_MAX_EXPIRES",
    "EXEC_CREDENTIAL_API_VERSIONS",
    "TOKEN_PREFIX",
    "exec_credential",
    "exec_credential_json",
    "exec_info_api_version",
    "sts_endpoint",
]

TOKEN_PREFIX = "k8s-aws-v1."  # noqa: S105 - a format prefix, not a secret
K8S_AWS_ID_HEADER = "x-k8s-aws-id"
#: The AWS CLI's ``ExpiresIn``; EKS ignores it beyond checking it is at most 900.
EKS_DEFAULT_EXPIRES = 60
EKS_MAX_EXPIRES = 900
#: The CLI writes ``expirationTimestamp`` 14 minutes after signing: the
#: token dies at 15, and kubectl refreshes it before then.
TOKEN_EXPIRATION_SECONDS = 14 * 60

BETA_API = "client.authentication.k8s.io/v1beta1"
V1_API = "client.authentication.k8s.io/v1"
ALPHA_API = "client.authentication.k8s.io/v1alpha1"
EXEC_CREDENTIAL_API_VERSIONS = (V1_API, BETA_API, ALPHA_API)

_QUERY = "Action=GetCallerIdentity&Version=2011-06-15"


def sts_endpoint(
    region: str,
    *,
    use_fips_endpoint: bool = False,
    use_dualstack_endpoint: bool = False,
    sts_regional_endpoints: str = "regional",
) -> tuple[str, str]:
    """``(endpoint URL, signing region)`` of STS for ``region``, as botocore
    1.44.8 resolves it (:func:`sigv4.providers.sts_endpoints.sts_host`, with the region
    checked first: ParamValidationError for one that is not a region name)."""
    return sts_host(
        check_region("region_name", region),
        use_fips_endpoint=use_fips_endpoint,
        use_dualstack_endpoint=use_dualstack_endpoint,
        sts_regional_endpoints=sts_regional_endpoints,
    )


def _endpoint_origin(endpoint_url: str) -> str:
    """``scheme://authority/path`` of a custom endpoint, checked; botocore
    keeps its path and adds ``/`` when there is none."""
    if not isinstance(endpoint_url, str):
        raise ParamValidationError("endpoint_url", f"must be a str, not {type(endpoint_url).__name__}")
    scheme, sep, rest = endpoint_url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise ParamValidationError("endpoint_url", f"must be an http:// or https:// URL, got {endpoint_url!r}")
    if "?" in rest or "#" in rest:
        raise ParamValidationError("endpoint_url", "must not carry a query or fragment")
    authority, slash, path = rest.partition("/")
    if not authority:
        raise ParamValidationError("endpoint_url", f"has no host: {endpoint_url!r}")
    return f"{scheme}://{authority}/{path}" if slash else f"{scheme}://{authority}/"


def _b64url(data: bytes) -> str:
    """Unpadded base64url (RFC 4648 section 5), without importing base64."""
    from binascii import b2a_base64

    return b2a_base64(data, newline=False).decode("ascii").rstrip("=").replace("+", "-").replace("/", "_")


def _expiration(amz_date: str) -> str:
    """RFC 3339 UTC time ``TOKEN_EXPIRATION_SECONDS`` after ``YYYYMMDDTHHMMSSZ``."""
    import calendar
    import time

    signed = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(signed + TOKEN_EXPIRATION_SECONDS))


class EKSClient(TokenClient):
    """``aws eks get-token`` as a library call.

    ``EKSClient(credentials_or_provider, region_name)``: the region is the
    cluster's (it picks the STS host).  Without one the AWS CLI signs for
    ``sts.amazonaws.com`` (us-east-1); sigv4 raises NoRegionError instead:
    pass ``'aws-global'`` to get that host deliberately.

    Keyword options mirror botocore's STS client configuration:
    ``use_fips_endpoint``, ``use_dualstack_endpoint``, ``sts_regional_endpoints``
    ('regional', the default, or 'legacy') and ``endpoint_url`` (a custom STS
    endpoint, signed for ``region_name``).
    """

    SERVICE_NAME = "eks"
    SIGNING_NAME = "sts"
    __slots__ = ("_endpoint", "_signing_region", "endpoint_url")

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider | None,
        region_name: str | None,
        *,
        use_fips_endpoint: bool = False,
        use_dualstack_endpoint: bool = False,
        sts_regional_endpoints: str = "regional",
        endpoint_url: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(credentials, region_name, clock=clock)
        region = self._region(None)  # NoRegionError: the STS host depends on it
        for name, flag in (("use_fips_endpoint", use_fips_endpoint), ("use_dualstack_endpoint", use_dualstack_endpoint)):
            if not isinstance(flag, bool):
                raise InvalidConfigError(name, f"must be True or False, not {flag!r}")
        if sts_regional_endpoints not in ("regional", "legacy"):
            raise InvalidConfigError("sts_regional_endpoints", f"must be 'regional' or 'legacy', not {sts_regional_endpoints!r}")
        use_fips_endpoint = use_fips_endpoint or self._fips_region
        if endpoint_url is not None:
            if use_fips_endpoint or use_dualstack_endpoint:
                raise EndpointResolutionError(
                    "endpoint_url", "Invalid Configuration: FIPS and dual-stack are not supported with a custom endpoint"
                )
            self._endpoint = _endpoint_origin(endpoint_url)
            self._signing_region = region  # botocore: no credential-scope override here
            self.endpoint_url = endpoint_url
        else:
            url, self._signing_region = sts_endpoint(
                region,
                use_fips_endpoint=use_fips_endpoint,
                use_dualstack_endpoint=use_dualstack_endpoint,
                sts_regional_endpoints=sts_regional_endpoints,
            )
            self._endpoint = url + "/"
            self.endpoint_url = url

    def __repr__(self) -> str:
        return f"<sigv4 EKSClient region={self.meta.region_name!r} endpoint={self.endpoint_url!r}>"

    def presign(
        self,
        ClusterName: str,
        ExpiresIn: int = EKS_DEFAULT_EXPIRES,
        *,
        now: datetime | None = None,
    ) -> SignedRequest:
        """The presigned STS request inside the token for ``ClusterName``
        (``.url``, ``.amz_date``, and the trail: ``.canonical_request`` ...)."""
        cluster = check_text("ClusterName", ClusterName)
        if not cluster.strip():
            raise ParamValidationError("ClusterName", "must not be blank")
        if "\r" in cluster or "\n" in cluster or "\x00" in cluster:
            raise ParamValidationError("ClusterName", "must not contain CR, LF or NUL")
        seconds = check_expires("ExpiresIn", ExpiresIn, EKS_MAX_EXPIRES)
        url = f"{self._endpoint}?{_QUERY}"
        return self._presign(self._signing_region, url, seconds, headers={K8S_AWS_ID_HEADER: cluster}, now=now)

    def get_token(
        self,
        ClusterName: str,
        ExpiresIn: int = EKS_DEFAULT_EXPIRES,
        *,
        now: datetime | None = None,
    ) -> str:
        """The bearer token for ``ClusterName`` (for an EKS local cluster on
        Outposts, the cluster id): what ``aws eks get-token`` puts in
        ``status.token``.  Valid 15 minutes after signing."""
        return TOKEN_PREFIX + _b64url(self.presign(ClusterName, ExpiresIn, now=now).url.encode("utf-8"))

    def get_exec_credential(
        self,
        ClusterName: str,
        ExpiresIn: int = EKS_DEFAULT_EXPIRES,
        *,
        api_version: str = BETA_API,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """The ``ExecCredential`` object ``aws eks get-token`` prints, with
        ``expirationTimestamp`` 14 minutes after the token was signed (one
        clock reading for both)."""
        signed = self.presign(ClusterName, ExpiresIn, now=now)
        token = TOKEN_PREFIX + _b64url(signed.url.encode("utf-8"))
        return exec_credential(token, _expiration(signed.amz_date), api_version=api_version)


def exec_credential(token: str, expiration_timestamp: str, *, api_version: str = BETA_API) -> dict[str, Any]:
    """The Kubernetes ``ExecCredential`` for a token, keys in the AWS CLI's
    order: ``kind``, ``apiVersion``, ``spec``, ``status`` (``expirationTimestamp``,
    ``token``).  ``expiration_timestamp`` is RFC 3339 UTC (``2026-01-02T03:18:05Z``)."""
    if api_version not in EXEC_CREDENTIAL_API_VERSIONS:
        raise ParamValidationError("api_version", f"must be one of {', '.join(EXEC_CREDENTIAL_API_VERSIONS)}")
    return {
        "kind": "ExecCredential",
        "apiVersion": api_version,
        "spec": {},
        "status": {"expirationTimestamp": expiration_timestamp, "token": token},
    }


def exec_credential_json(credential: Mapping[str, Any]) -> str:
    """The JSON text ``aws eks get-token`` writes for an ExecCredential
    (4-space indent; the CLI then ends it with a newline and one more empty line)."""
    import json

    try:
        return json.dumps(credential, indent=4, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        pass  # raised below, outside the handler
    raise ParamValidationError("credential", "must be an ExecCredential of JSON values (str keys, no NaN)")


def exec_info_api_version(environ: Mapping[str, str] | None = None) -> tuple[str, str | None]:
    """The ExecCredential ``apiVersion`` kubectl asked for in
    ``KUBERNETES_EXEC_INFO``, as the AWS CLI reads it: ``(version, warning)``.

    Unset, malformed or unknown gives v1beta1 (with a warning for the last
    two); v1alpha1 is honoured with a deprecation warning."""
    import os

    env = os.environ if environ is None else environ
    if not hasattr(env, "get"):
        raise ParamValidationError("environ", f"must be a mapping, not {type(env).__name__}")
    raw = env.get("KUBERNETES_EXEC_INFO", "")
    if not raw:
        return BETA_API, None
    import json

    try:
        info = json.loads(raw) if isinstance(raw, str) else None
    except (ValueError, RecursionError):  # RecursionError: '[' * 5000
        info = None
    if not isinstance(info, dict):
        return BETA_API, (
            f"Error parsing KUBERNETES_EXEC_INFO, defaulting to {BETA_API}. This is likely a bug in your Kubernetes "
            "client. Please update your Kubernetes client."
        )
    version = info.get("apiVersion")
    if version in (V1_API, BETA_API):
        return version, None
    if version == ALPHA_API:
        return (
            ALPHA_API,
            f"Kubeconfig user entry is using deprecated API version {ALPHA_API}. Run 'aws eks update-kubeconfig' to update.",
        )
    return BETA_API, (
        f"Unrecognized API version in KUBERNETES_EXEC_INFO, defaulting to {BETA_API}. This is likely due to an outdated "
        "AWS CLI. Please update your AWS CLI."
    )
