"""Partitions and host labels: what both the endpoint resolver (:mod:`sigv4.s3.endpoints`)
and the ARN parser (:mod:`sigv4.s3.arn`) need, in a module of its own so that neither
imports the other at import time."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..core.errors import SigningError

__all__ = ["dns_suffixes", "endpoint_error", "host_label", "partition_of"]

# (partition, region prefix test, DNS suffix); "aws" is the fallback, as in botocore.
_PARTITIONS = (
    ("aws-cn", "cn-", "amazonaws.com.cn"),
    ("aws-us-gov", "us-gov-", "amazonaws.com"),
    ("aws-iso-b", "us-isob-", "sc2s.sgov.gov"),
    ("aws-iso-f", "us-isof-", "csp.hci.ic.gov"),
    ("aws-iso", "us-iso-", "c2s.ic.gov"),
    ("aws-iso-e", "eu-isoe-", "cloud.adc-e.uk"),
    ("aws-eusc", "eusc-", "amazonaws.eu"),
)
_SUFFIXES = frozenset({"amazonaws.com"} | {suffix for _, _, suffix in _PARTITIONS})
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def endpoint_error(field: str, rule: str) -> SigningError:
    """An :class:`~sigv4.exceptions.EndpointResolutionError` (imported on the error path only)."""
    from ..core.errors import EndpointResolutionError

    return EndpointResolutionError(field, rule)


def partition_of(region: str) -> tuple[str, str]:
    """``(partition name, DNS suffix)`` for a region name."""
    for name, prefix, suffix in _PARTITIONS:
        if region.startswith(prefix):
            return name, suffix
    return "aws", "amazonaws.com"


def dns_suffixes() -> frozenset[str]:
    """Every partition's DNS suffix (``amazonaws.com``, ``amazonaws.com.cn``, ...)."""
    return _SUFFIXES


def host_label(value: str) -> bool:
    """RFC 1123 label: 1..63 of letters, digits and ``-``, not starting or ending with ``-``."""
    return 0 < len(value) <= 63 and value[0] != "-" and value[-1] != "-" and all(c in _LABEL_CHARS for c in value)
