"""The STS endpoint of a region, as botocore 1.44.8 resolves it.

One pure function, :func:`sts_host`, shared by the EKS token client
(:func:`sigv4.tokens.sts_endpoint`) and the AssumeRole / web-identity
providers (:func:`sigv4.providers.sts.sts_endpoint`, which adds the
environment and config-file settings and custom endpoints on top).

The rules are those of botocore's STS endpoint rule set (what a request
really uses, not the older ``endpoints.json`` table behind
``client.meta.endpoint_url``): regional hosts by default
(``sts.us-east-1.amazonaws.com`` included), each partition's DNS suffix
(``amazonaws.com.cn``, ``c2s.ic.gov`` ...), ``aws-global`` on
``sts.amazonaws.com`` signed for ``us-east-1``, FIPS and dual-stack
variants (GovCloud's plain hosts are already FIPS; the aws-iso-e and
aws-iso-f partitions have no dual-stack STS), and
``sts_regional_endpoints='legacy'``.
"""

from __future__ import annotations

from ..core.errors import EndpointResolutionError, InvalidConfigError

__all__ = ["GLOBAL_ENDPOINT", "sts_host"]

#: The global STS endpoint; its signing region is us-east-1.
GLOBAL_ENDPOINT = "https://sts.amazonaws.com"

# botocore 1.44.8's partitions.json: (name, DNS suffix, dual-stack DNS suffix,
# its "*-global" pseudo-region, how its region names look).  A region belongs
# to the first partition that lists it or whose pattern it matches; "aws"
# otherwise.  Patterns are the regionRegex values, split on "-": a tuple of
# fixed first labels, then \w+ and \d+.
_AWS_PREFIXES = frozenset({"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"})
_PARTITIONS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("aws", "amazonaws.com", "api.aws", "aws-global", ()),
    ("aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "aws-cn-global", ("cn",)),
    ("aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", "", ("eusc", "de")),
    ("aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "aws-iso-global", ("us", "iso")),
    ("aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "aws-iso-b-global", ("us", "isob")),
    ("aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "aws-iso-e-global", ("eu", "isoe")),
    ("aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "aws-iso-f-global", ("us", "isof")),
    ("aws-us-gov", "amazonaws.com", "api.aws", "aws-us-gov-global", ("us", "gov")),
)
# With sts_regional_endpoints="legacy" these go to the global host.
_LEGACY_GLOBAL = frozenset(
    {
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "aws-global",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)
# Partitions whose regions botocore 1.44.8 cannot give a dual-stack endpoint.
_NO_DUALSTACK = frozenset({"aws-iso-e", "aws-iso-f"})
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DIGITS = frozenset("0123456789")


def _matches(region: str, fixed: tuple[str, ...]) -> bool:
    labels = region.split("-")
    if not fixed:  # the aws pattern: ^(us|eu|...)-\w+-\d+$
        return len(labels) == 3 and labels[0] in _AWS_PREFIXES and _word(labels[1]) and _number(labels[2])
    n = len(fixed)
    return len(labels) == n + 2 and tuple(labels[:n]) == fixed and _word(labels[n]) and _number(labels[n + 1])


def _word(label: str) -> bool:
    return bool(label) and _ALNUM.issuperset(label)


def _number(label: str) -> bool:
    return bool(label) and _DIGITS.issuperset(label)


def _partition(region: str) -> tuple[str, str, str]:
    """``(name, DNS suffix, dual-stack DNS suffix)`` of the region's partition."""
    for name, dns, dual, global_region, fixed in _PARTITIONS:
        if region == global_region or _matches(region, fixed):
            return name, dns, dual
    return _PARTITIONS[0][:3]


def sts_host(
    region: str,
    *,
    use_fips_endpoint: bool = False,
    use_dualstack_endpoint: bool = False,
    sts_regional_endpoints: str = "regional",
) -> tuple[str, str]:
    """``(endpoint URL, signing region)`` of STS for ``region``, as botocore
    1.44.8 resolves it: ``('https://sts.eu-west-1.amazonaws.com', 'eu-west-1')``.

    ``region`` must already be a checked region name (each caller checks it
    and reports a bad one in its own terms).  Raises
    :class:`~sigv4.exceptions.InvalidConfigError` for an
    ``sts_regional_endpoints`` other than 'regional' or 'legacy', and
    :class:`~sigv4.exceptions.EndpointResolutionError` (field
    ``use_dualstack_endpoint``) where botocore knows no dual-stack endpoint."""
    if sts_regional_endpoints not in ("regional", "legacy"):
        raise InvalidConfigError("sts_regional_endpoints", f"must be 'regional' or 'legacy', not {sts_regional_endpoints!r}")
    name, dns, dual = _partition(region)
    if use_dualstack_endpoint and name in _NO_DUALSTACK and not region.endswith("-global"):
        raise EndpointResolutionError(
            "use_dualstack_endpoint", f"no dual-stack STS endpoint is known for {region!r} (partition {name})"
        )
    # endpoints.json gives aws-global the credential scope us-east-1, whatever the host.
    signing = "us-east-1" if region == "aws-global" else region
    if use_fips_endpoint and use_dualstack_endpoint:
        return f"https://sts-fips.{region}.{dual}", signing
    if use_fips_endpoint:
        if name == "aws-us-gov":  # GovCloud's regular STS hosts are FIPS endpoints
            return f"https://sts.{region}.amazonaws.com", signing
        return f"https://sts-fips.{region}.{dns}", signing
    if use_dualstack_endpoint:
        return f"https://sts.{region}.{dual}", signing
    if region == "aws-global" or (sts_regional_endpoints == "legacy" and region in _LEGACY_GLOBAL):
        return GLOBAL_ENDPOINT, "us-east-1"
    return f"https://sts.{region}.{dns}", signing
