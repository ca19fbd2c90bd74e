"""Builds the S3 client for :func:`sigv4.client` / :meth:`sigv4.Session.client`:
resolves the S3 options (``config`` first, then the environment, then the
profile's nested ``s3 =`` block and top-level keys), the endpoint and the
addressing rules, once per client.  The client signs with the session's
clock (:attr:`sigv4.Session.clock`)."""

from __future__ import annotations

from ..core.settings import MAX_EXPIRES
from ..providers.awsconfig import as_bool
from .client import S3Client
from .endpoints import Addressing

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..core.credentials import Credentials, CredentialsProvider
    from ..session import Session

__all__ = ["build_client"]


def build_client(
    session: Session,
    *,
    region_name: str | None,
    credentials: Credentials | CredentialsProvider | None,
    endpoint_url: str | None,
    config: dict[str, Any],
    use_ssl: bool = True,
    public_endpoint_url: str | None = None,
    max_expires: int | None = None,
) -> Any:
    if not region_name:
        # boto3 falls back to us-east-1 for S3 (its global endpoint) -- so do we.
        region_name = "us-east-1"
    if not isinstance(region_name, str):
        from ..core.errors import NoRegionError

        raise NoRegionError()
    s3_cfg = dict(config.get("s3") or {})

    def pick(key: str, env: str | None, *profile_keys: str) -> object:
        if s3_cfg.get(key) is not None:
            return s3_cfg[key]
        return session.config_value(env, f"s3.{key}", *profile_keys)

    style = pick("addressing_style", None) or "auto"
    if style not in ("auto", "virtual", "path"):
        from ..core.errors import InvalidConfigError

        raise InvalidConfigError("addressing_style", f"must be 'auto', 'virtual' or 'path', not {style!r}")
    fips = config.get("use_fips_endpoint")
    if fips is None:
        fips = session.config_value("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
    dualstack = pick("use_dualstack_endpoint", None)
    if dualstack is None:
        dualstack = config.get("use_dualstack_endpoint")
    if dualstack is None:
        dualstack = session.config_value("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")
    arn_region = pick("use_arn_region", "AWS_S3_USE_ARN_REGION", "s3_use_arn_region")
    us_east_1 = pick("us_east_1_regional_endpoint", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "s3_us_east_1_regional_endpoint")
    given = (("endpoint_url", endpoint_url), ("public_endpoint_url", public_endpoint_url))
    endpoint = session.configured_endpoint_url(endpoint_url if isinstance(endpoint_url, str) else None, "S3")
    for field, value in (*given, ("endpoint_url", endpoint)):
        if value is not None and not isinstance(value, str):
            from ..core.errors import InvalidConfigError

            raise InvalidConfigError(field, f"must be a str, not {type(value).__name__}")
    if endpoint and "://" not in endpoint:
        endpoint = ("https://" if use_ssl else "http://") + endpoint
    addressing = Addressing(
        region_name,
        addressing_style=str(style),
        endpoint_url=public_endpoint_url or endpoint,
        use_fips=as_bool(fips),
        use_dualstack=as_bool(dualstack),
        use_accelerate=as_bool(pick("use_accelerate_endpoint", None)),
        us_east_1_regional_endpoint=str(us_east_1) if us_east_1 is not None else None,
        use_arn_region=True if arn_region is None else as_bool(arn_region),
        disable_multiregion_access_points=as_bool(
            pick("s3_disable_multiregion_access_points", "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS")
        ),
    )
    resolved = {
        "region_name": region_name,
        "signature_version": "s3v4",
        "s3": {
            "addressing_style": style,
            "use_accelerate_endpoint": addressing.accelerate,
            "use_dualstack_endpoint": addressing.dualstack,
            "us_east_1_regional_endpoint": (addressing.us_east_1_global and "legacy") or "regional",
            "use_arn_region": addressing.use_arn_region,
        },
        "use_fips_endpoint": addressing.fips,
    }
    return S3Client(
        credentials,
        addressing,
        max_expires=MAX_EXPIRES if max_expires is None else max_expires,
        endpoint_url=public_endpoint_url or endpoint,
        config=resolved,
        clock=session.clock,
    )
