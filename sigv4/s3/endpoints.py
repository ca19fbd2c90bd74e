"""S3 addressing: which scheme, host and path prefix a request for a bucket uses.

This is the part of S3's endpoint rule set (botocore 1.44.8,
``s3/2006-03-01/endpoint-rule-set-1.json``) that presigned URLs exercise,
written out as code: virtual-hosted vs path-style, ``endpoint_url`` for
S3-compatible stores, dual-stack, Transfer Acceleration, FIPS, partitions
(``amazonaws.com``, ``amazonaws.com.cn``, ...), access-point, Object Lambda and
Outposts ARNs as the bucket.

Two deliberate differences from boto3, both where boto3's URL does not work:

* **Regions launched after March 2019.**  With the default (``auto``)
  addressing, boto3 writes the global host ``bucket.s3.amazonaws.com`` for
  every region.  For buckets in regions that opened after March 2019 that host
  answers with a redirect or ``IllegalLocationConstraint`` (boto3 #2187, #2728,
  #3015).  sigv4 keeps boto3's host for the regions in :data:`LEGACY_REGIONS`
  and uses the regional host ``bucket.s3.<region>.amazonaws.com`` for every
  other region: exactly boto3's URL with ``addressing_style='virtual'``.  The
  same applies when FIPS is on (boto3 would write the *us-east-1* FIPS host).
* **A custom endpoint that is an IP address** is always addressed path-style
  (boto3 writes ``my.bucket.127.0.0.1`` for a dotted bucket name over http).

As in boto3, a custom ``endpoint_url`` is addressed path-style unless
``addressing_style='virtual'`` is asked for, and switches FIPS and dual-stack
off; Transfer Acceleration ignores ``addressing_style='path'``.

Multi-Region Access Point ARNs resolve to their ``s3-global`` host, signed
with SigV4a (see :mod:`sigv4.s3.arn`).  S3 Express directory buckets
(``name--usw2-az1--x-s3``) resolve as :mod:`sigv4.s3.express` says.
"""

from __future__ import annotations

from .partitions import endpoint_error as _fail
from .partitions import host_label as _host_label
from .partitions import partition_of

__all__ = ["LEGACY_REGIONS", "Addressing", "partition_of"]

#: Regions that existed before March 2019: the global host works for their buckets.
LEGACY_REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "ca-central-1",
        "sa-east-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-north-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-south-1",
    }
)


def _is_ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts)


def _virtual_hostable(bucket: str, allow_dots: bool) -> bool:
    if len(bucket) < 3 or bucket.lower() != bucket or _is_ipv4(bucket):
        return False
    labels = bucket.split(".") if allow_dots else [bucket]
    return all(_host_label(label) for label in labels)


def _split_endpoint(url: str) -> tuple[str, str, str, bool]:
    """``(scheme, authority, path, host is an IP)`` of an ``endpoint_url``."""
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https") or not rest or "?" in rest or "#" in rest:
        raise _fail("endpoint_url", f"Custom endpoint `{url}` was not a valid URI")
    slash = rest.find("/")
    authority, path = (rest, "") if slash == -1 else (rest[:slash], rest[slash:])
    host = authority.rpartition("@")[2]
    if not host or any(c in host for c in " \t\r\n\\"):
        raise _fail("endpoint_url", f"Custom endpoint `{url}` was not a valid URI")
    is_ip = host.startswith("[") or _is_ipv4(host.partition(":")[0])
    return scheme, authority, path, is_ip


class Addressing:
    """The addressing rules of one client, precomputed; :meth:`resolve` maps a
    bucket (or none) to ``(base URL, signing region, signing name)``.

    ``base URL`` has no trailing slash added: the object path (``/key``) or
    nothing is appended by the caller, as botocore joins them.
    """

    __slots__ = (
        "_cache",
        "accelerate",
        "addressing_style",
        "disable_mrap",
        "dns_suffix",
        "dualstack",
        "endpoint",
        "fips",
        "force_path",
        "partition",
        "region",
        "us_east_1_global",
        "use_arn_region",
        "use_global",
    )

    def __init__(
        self,
        region: str,
        *,
        addressing_style: str = "auto",
        endpoint_url: str | None = None,
        use_fips: bool = False,
        use_dualstack: bool = False,
        use_accelerate: bool = False,
        us_east_1_regional_endpoint: str | None = None,
        use_arn_region: bool = True,
        disable_multiregion_access_points: bool = False,
    ) -> None:
        if addressing_style not in ("auto", "virtual", "path"):
            raise _fail("addressing_style", f"must be 'auto', 'virtual' or 'path', not {addressing_style!r}")
        if isinstance(region, str) and "fips" in region:
            # A legacy FIPS pseudo-region (fips-us-east-1, us-gov-west-1-fips...): as
            # botocore's _normalize_fips_region, the plain region with FIPS on.
            plain = region.replace("fips-", "").replace("-fips", "")
            if plain != region:
                region, use_fips = plain, True
        if not isinstance(region, str) or not region or not all(_host_label(label) for label in region.split(".")):
            raise _fail("region_name", f"Invalid region {region!r}: region was not a valid DNS name.")
        self.region = region
        self.partition, self.dns_suffix = partition_of(region)
        self.addressing_style = addressing_style
        self.fips = use_fips
        self.dualstack = use_dualstack
        self.accelerate = use_accelerate
        self.use_arn_region = use_arn_region
        self.disable_mrap = disable_multiregion_access_points
        self.endpoint = _split_endpoint(endpoint_url) if endpoint_url else None
        if use_accelerate and use_fips:
            raise _fail("use_accelerate_endpoint", "Accelerate cannot be used with FIPS")
        if use_accelerate and self.endpoint is not None:
            raise _fail("use_accelerate_endpoint", "A custom endpoint cannot be combined with S3 Accelerate")
        if self.endpoint is not None:
            # As botocore: a custom endpoint switches FIPS and dual-stack off.
            self.fips = self.dualstack = False
        elif use_fips and self.partition == "aws-cn":
            raise _fail("use_fips_endpoint", "Partition does not support FIPS")
        # botocore forces path-style for a custom endpoint unless 'virtual' is
        # asked for, and never with Transfer Acceleration.
        if use_accelerate:
            self.force_path = False
        elif self.endpoint is not None:
            self.force_path = addressing_style != "virtual"
        else:
            self.force_path = addressing_style == "path"
        self.us_east_1_global = us_east_1_regional_endpoint != "regional"
        # boto3's "use the global endpoint for presigned URLs" (botocore's
        # _should_use_global_endpoint), narrowed to the regions where the
        # global host works (see the module docstring).
        self.use_global = (
            self.partition == "aws"
            and not use_dualstack
            and not (not self.us_east_1_global and region == "us-east-1")
            and addressing_style != "virtual"
            and region in LEGACY_REGIONS
            and (not use_fips or region == "us-east-1")
        )
        self._cache: dict[tuple[str | None, bool], tuple[str, str, str]] = {}

    # -- hosts ----------------------------------------------------------------

    def _service_host(self, region: str) -> str:
        """``s3[-fips][.dualstack].<region>.<suffix>``, or the legacy global host."""
        if region == "aws-global":
            if not self.fips and not self.dualstack:
                return f"s3.{self.dns_suffix}"
            region = "us-east-1"
        elif region == "us-east-1" and self.us_east_1_global and not self.fips and not self.dualstack:
            return f"s3.{self.dns_suffix}"
        name = "s3-fips" if self.fips else "s3"
        if self.dualstack:
            name += ".dualstack"
        return f"{name}.{region}.{self.dns_suffix}"

    def resolve(self, bucket: str | None, *, force_path: bool = False) -> tuple[str, str, str]:
        """``(base URL, signing region, signing name)`` for ``bucket``; the signing
        region is ``"*"`` (SigV4a's region set) for a Multi-Region Access Point.

        ``force_path`` is set for GetBucketLocation, which boto3 always sends
        path-style."""
        key = (bucket, force_path)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if bucket is not None and bucket.startswith("arn:"):
            from .arn import resolve_arn

            result = resolve_arn(self, bucket)
        else:
            result = self._resolve_bucket(bucket, force_path)
        if len(self._cache) < 256:
            self._cache[key] = result
        return result

    def _resolve_bucket(self, bucket: str | None, force_path: bool) -> tuple[str, str, str]:
        region = self.region
        path_requested = force_path or self.force_path
        if bucket is None:
            if self.endpoint is not None:
                scheme, authority, path, _ = self.endpoint
                return f"{scheme}://{authority}{path}", region, "s3"
            host_region = "aws-global" if self.use_global and not path_requested else region
            return f"https://{self._service_host(host_region)}", region, "s3"
        if bucket.endswith("--x-s3"):  # S3 Express: the zonal endpoint (the client signs it with a session)
            from .express import resolve as resolve_directory_bucket

            base, signing_region, _ = resolve_directory_bucket(self, bucket, force_path)
            return base, signing_region, "s3express"
        path_required = not _host_label(bucket)
        host_region = region
        if self.use_global and not path_required and not path_requested:
            host_region = "aws-global"
        if self.endpoint is not None:
            scheme, authority, path, is_ip = self.endpoint
            virtual = not path_requested and _virtual_hostable(bucket, scheme == "http") and not is_ip
            if virtual:
                return f"{scheme}://{bucket}.{authority}{path}", region, "s3"
            base = path if path.endswith("/") else path + "/"
            return f"{scheme}://{authority}{base}{bucket}", region, "s3"
        if not path_requested and _virtual_hostable(bucket, False):
            if self.accelerate:
                if self.partition == "aws-cn":
                    raise _fail("use_accelerate_endpoint", "S3 Accelerate cannot be used in this region")
                name = "s3-accelerate.dualstack" if self.dualstack else "s3-accelerate"
                return f"https://{bucket}.{name}.{self.dns_suffix}", region, "s3"
            return f"https://{bucket}.{self._service_host(host_region)}", region, "s3"
        if self.accelerate:
            raise _fail("Bucket", "Path-style addressing cannot be used with S3 Accelerate")
        return f"https://{self._service_host(host_region)}/{bucket}", region, "s3"
