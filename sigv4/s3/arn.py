"""Access-point ARNs as the ``Bucket``: S3 access points, Object Lambda access
points and Outposts access points (S3's endpoint rule set, as botocore 1.44.8
applies it to presigned URLs).

The URL is signed for the ARN's region and service (``s3``,
``s3-object-lambda`` or ``s3-outposts``).  A Multi-Region Access Point ARN
(``arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap``: no region) is
addressed ``https://<alias>.accesspoint.s3-global.<partition suffix>`` and
signed with SigV4a for the region set ``*`` (the signing region returned is
:data:`MRAP_REGION_SET`).  As in botocore's rule set, a custom endpoint and
the ARN-region setting do not apply to it, and dual-stack, FIPS, Transfer
Acceleration and ``s3_disable_multiregion_access_points`` are refused.
"""

from __future__ import annotations

from .partitions import endpoint_error as _endpoint_error
from .partitions import host_label as _host_label
from .partitions import partition_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..core.errors import SigningError
    from .endpoints import Addressing

__all__ = ["MRAP_REGION_SET", "resolve_arn"]

#: The signing "region" :func:`resolve_arn` returns for a Multi-Region Access Point: SigV4a's region set.
MRAP_REGION_SET = "*"
_DIGITS = frozenset("0123456789")
_MRAP_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")


def _fail(rule: str) -> SigningError:
    return _endpoint_error("Bucket", rule)


def resolve_arn(addr: Addressing, arn: str) -> tuple[str, str, str]:
    """``(base URL, signing region, signing name)`` for an access-point ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        raise _fail(f"Invalid ARN: `{arn}` was not a valid ARN")
    _, partition, service, region, account, resource = parts
    kind, sep, rest = resource.replace(":", "/").partition("/")
    if not sep:
        raise _fail(f"Invalid ARN: The ARN was not for the S3 service, found: {resource}")
    if service == "s3" and not region and kind == "accesspoint":
        return _mrap(addr, arn, partition, account, rest)
    if not region or not _host_label(region):
        raise _fail(f"Invalid region in ARN: `{region}` (invalid DNS name)")
    if not account.isdigit() or len(account) != 12:
        raise _fail(f"Invalid ARN: The account id may only contain a-z, A-Z, 0-9 and `-`. Found: `{account}`")
    arn_partition = partition_of(region)[0]
    if partition != addr.partition or arn_partition != addr.partition:
        raise _fail(f"Client was configured for partition `{addr.partition}` but ARN (`{arn}`) has `{partition}`")
    if region != addr.region and not addr.use_arn_region:
        raise _fail(
            f"Invalid configuration: region from ARN `{region}` does not match client region `{addr.region}` "
            "and UseArnRegion is `false`"
        )
    if addr.accelerate:
        raise _fail("Access Points do not support S3 Accelerate")
    suffix = partition_of(region)[1]
    if service == "s3-outposts":
        return _outposts(addr, arn, kind, rest, account, region, suffix)
    if kind != "accesspoint" or not rest or "/" in rest:
        raise _fail(f"Invalid ARN: Expected a resource of the format `accesspoint:<accesspoint name>` but got `{resource}`")
    name = rest
    if not _host_label(name):
        raise _fail(f"Invalid ARN: The access point name may only contain a-z, A-Z, 0-9 and `-`. Found: `{name}`")
    if service == "s3-object-lambda":
        if addr.dualstack:
            raise _fail("S3 Object Lambda does not support Dual-stack")
        host_service = "s3-object-lambda-fips" if addr.fips else "s3-object-lambda"
    elif service == "s3":
        host_service = "s3-accesspoint-fips" if addr.fips else "s3-accesspoint"
        if addr.dualstack:
            host_service += ".dualstack"
    else:
        raise _fail(f"Invalid ARN: Unrecognized format: {arn} (type: {service})")
    prefix = f"{name}-{account}"
    if addr.endpoint is not None:
        scheme, authority, path, _ = addr.endpoint
        return f"{scheme}://{prefix}.{authority}{path}", region, service
    return f"https://{prefix}.{host_service}.{region}.{suffix}", region, service


def _mrap(addr: Addressing, arn: str, partition: str, account: str, name: str) -> tuple[str, str, str]:
    """A Multi-Region Access Point: botocore's bucket check (``arn:aws...:s3::<12 digits>:accesspoint[/:]<name>``,
    the name 1..63 of ``[a-zA-Z0-9.-]``), then the rule set's MRAP branch in its order."""
    if (
        not partition.startswith("aws")
        or len(account) != 12
        or not _DIGITS.issuperset(account)
        or not 0 < len(name) <= 63
        or not _MRAP_NAME_CHARS.issuperset(name)
    ):
        raise _fail(
            f"Invalid ARN: `{arn}` is not a Multi-Region Access Point ARN "
            "(arn:<partition>:s3::<12-digit account>:accesspoint/<alias of 1..63 of a-z, A-Z, 0-9, '.' and '-'>)"
        )
    if not all(_host_label(label) for label in name.split(".")):
        raise _fail(f"Invalid Access Point Name: `{name}` (each dot-separated label must be a valid DNS label)")
    if addr.dualstack:
        raise _fail("S3 MRAP does not support dual-stack")
    if addr.fips:
        raise _fail("S3 MRAP does not support FIPS")
    if addr.accelerate:
        raise _fail("S3 MRAP does not support S3 Accelerate")
    if addr.disable_mrap:
        raise _fail("Invalid configuration: Multi-Region Access Point ARNs are disabled.")
    if partition != addr.partition:
        raise _fail(f"Client was configured for partition `{addr.partition}` but bucket referred to partition `{partition}`")
    return f"https://{name}.accesspoint.s3-global.{addr.dns_suffix}", MRAP_REGION_SET, "s3"


def _outposts(addr: Addressing, arn: str, kind: str, rest: str, account: str, region: str, suffix: str) -> tuple[str, str, str]:
    pieces = rest.split("/")
    if kind != "outpost" or len(pieces) != 3 or pieces[1] != "accesspoint":
        raise _fail(f"Invalid ARN: The Outpost Id was not set or the resource was not an access point: {arn}")
    outpost, _, name = pieces
    if not _host_label(outpost) or not _host_label(name):
        raise _fail(f"Invalid ARN: The outpost Id or access point name is not a valid DNS label: {arn}")
    if addr.dualstack:
        raise _fail("S3 Outposts does not support Dual-stack")
    if addr.fips:
        raise _fail("S3 Outposts does not support FIPS")
    prefix = f"{name}-{account}.{outpost}"
    if addr.endpoint is not None:
        # The rule set always uses https and drops the endpoint's path here.
        authority = addr.endpoint[1]
        return f"https://{prefix}.{authority}", region, "s3-outposts"
    return f"https://{prefix}.s3-outposts.{region}.{suffix}", region, "s3-outposts"
