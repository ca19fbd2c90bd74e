"""Factories for :data:`sigv4.session.CLIENT_FACTORIES`: ``sigv4.client('rds' |
'dsql' | 'eks' | 'sts', ...)``.

Each is called as ``factory(session, region_name=..., credentials=...,
endpoint_url=..., config=..., use_ssl=...)`` with the region and credentials
already resolved the boto3 way (either may be ``None``); each client signs
with the session's clock (:attr:`sigv4.Session.clock`).  The EKS one and the
STS one also read, as botocore does for its STS client: ``use_fips_endpoint`` /
``use_dualstack_endpoint`` (``config``, ``AWS_USE_FIPS_ENDPOINT`` /
``AWS_USE_DUALSTACK_ENDPOINT``, the profile), ``sts_regional_endpoints``
(``AWS_STS_REGIONAL_ENDPOINTS``, the profile) and the STS endpoint URL
(``endpoint_url``, ``AWS_ENDPOINT_URL_STS``, ``AWS_ENDPOINT_URL``, the profile's
``[services]`` block).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..core.credentials import Credentials, CredentialsProvider
    from ..session import Session
    from .eks import EKSClient
    from .rds import DSQLClient, RDSClient
    from .sts import STSClient

__all__ = ["dsql_client", "eks_client", "rds_client", "sts_client"]


def _region(region_name: object) -> str | None:
    from ..core.errors import ParamValidationError

    if region_name is None or region_name == "":
        return None
    if not isinstance(region_name, str):
        raise ParamValidationError("region_name", f"must be a str, not {type(region_name).__name__}")
    return region_name


def rds_client(
    session: Session,
    *,
    region_name: str | None,
    credentials: Credentials | CredentialsProvider | None,
    endpoint_url: str | None = None,
    config: dict[str, Any] | None = None,
    use_ssl: bool = True,
) -> RDSClient:
    """``sigv4.client('rds')``.  ``endpoint_url`` is accepted and unused: the
    token names the database host, not an RDS API endpoint."""
    from .rds import RDSClient

    return RDSClient(credentials, _region(region_name), clock=session.clock)


def dsql_client(
    session: Session,
    *,
    region_name: str | None,
    credentials: Credentials | CredentialsProvider | None,
    endpoint_url: str | None = None,
    config: dict[str, Any] | None = None,
    use_ssl: bool = True,
) -> DSQLClient:
    """``sigv4.client('dsql')``; ``endpoint_url`` is accepted and unused."""
    from .rds import DSQLClient

    return DSQLClient(credentials, _region(region_name), clock=session.clock)


def eks_client(
    session: Session,
    *,
    region_name: str | None,
    credentials: Credentials | CredentialsProvider | None,
    endpoint_url: str | None = None,
    config: dict[str, Any] | None = None,
    use_ssl: bool = True,
) -> EKSClient:
    """``sigv4.client('eks')``: tokens signed for STS with the settings
    ``aws eks get-token`` would use (NoRegionError without a region)."""
    from .eks import EKSClient

    return EKSClient(credentials, _region(region_name), **_sts_options(session, endpoint_url, config, use_ssl))


def sts_client(
    session: Session,
    *,
    region_name: str | None,
    credentials: Credentials | CredentialsProvider | None,
    endpoint_url: str | None = None,
    config: dict[str, Any] | None = None,
    use_ssl: bool = True,
) -> STSClient:
    """``sigv4.client('sts')``: ``generate_presigned_url('get_caller_identity')``
    (no region: the global endpoint, as boto3)."""
    from .sts import STSClient

    return STSClient(credentials, _region(region_name), **_sts_options(session, endpoint_url, config, use_ssl))


def _sts_options(session: Session, endpoint_url: str | None, config: dict[str, Any] | None, use_ssl: bool) -> dict[str, Any]:
    """The STS endpoint settings of the session, as botocore reads them."""
    from ..core.errors import InvalidConfigError
    from ..providers.awsconfig import as_bool

    cfg = config or {}
    fips = cfg.get("use_fips_endpoint")
    if fips is None:
        fips = session.config_value("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
    dualstack = cfg.get("use_dualstack_endpoint")
    if dualstack is None:
        dualstack = session.config_value("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")
    regional = session.config_value("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints") or "regional"
    if not isinstance(regional, str):
        raise InvalidConfigError("sts_regional_endpoints", "must be 'regional' or 'legacy'")
    endpoint = session.configured_endpoint_url(endpoint_url, "STS")
    if endpoint is not None and not isinstance(endpoint, str):
        raise InvalidConfigError("endpoint_url", f"must be a str, not {type(endpoint).__name__}")
    if endpoint and "://" not in endpoint:
        endpoint = ("https://" if use_ssl else "http://") + endpoint
    return {
        "use_fips_endpoint": as_bool(fips),
        "use_dualstack_endpoint": as_bool(dualstack),
        "sts_regional_endpoints": regional,
        "endpoint_url": endpoint,
        "clock": session.clock,
    }
