"""What the token clients share: argument checks and the per-region signers.

Every check raises :class:`~sigv4.exceptions.ParamValidationError` naming the
argument as boto3 spells it (``DBHostname``, ``Port``, ``Region`` ...), before
anything is signed.
"""

from __future__ import annotations

from ..core.credentials import Credentials
from ..core.errors import NoCredentialsError, NoRegionError, ParamValidationError
from ..core.settings import MAX_EXPIRES
from ..core.signer import Signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from ..core.credentials import CredentialsProvider
    from ..core.signer import SignedRequest

__all__ = [
    "ClientMeta",
    "TokenClient",
    "check_expires",
    "check_host",
    "check_port",
    "check_region",
    "check_text",
]

_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
# A DNS name or an IPv4 address (an underscore appears in some private zones).
_HOST_CHARS = _LABEL_CHARS | frozenset("._")
_IPV6_CHARS = frozenset("0123456789abcdefABCDEF:.")


def check_region(field: str, value: object) -> str:
    """A region name as botocore accepts it: one DNS label (letters, digits,
    inner ``-``, at most 63 characters)."""
    if not isinstance(value, str):
        raise ParamValidationError(field, f"must be a region name such as 'us-east-1', not {type(value).__name__}")
    if not value:
        raise ParamValidationError(field, "must not be empty")
    if len(value) > 63 or value[0] == "-" or value[-1] == "-" or not _LABEL_CHARS.issuperset(value):
        raise ParamValidationError(field, f"{value!r} is not a region name (letters, digits and inner '-', e.g. 'us-east-1')")
    return value


def check_port(field: str, value: object) -> int:
    """A TCP port: an ``int`` (not a ``bool``) in 1..65535."""
    if isinstance(value, bool) or not isinstance(value, int):
        hint = " (convert it with int())" if isinstance(value, str) and value.strip().isdigit() else ""
        raise ParamValidationError(field, f"must be an int in 1..65535, not {type(value).__name__} {value!r}{hint}")
    if not 1 <= value <= 65535:
        raise ParamValidationError(field, f"must be in 1..65535, got {value}")
    return value


def check_text(field: str, value: object) -> str:
    """A non-empty ``str`` that UTF-8 can encode (no lone surrogates)."""
    if not isinstance(value, str):
        raise ParamValidationError(field, f"must be a str, not {type(value).__name__}")
    if not value:
        raise ParamValidationError(field, "must not be empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = ""  # raised below, outside the handler: nothing chained
    if not value:
        raise ParamValidationError(field, "must be valid Unicode text (it contains a lone surrogate)")
    return value


def check_host(field: str, value: object, *, allow_port: bool) -> str:
    """A host name, IPv4 address or bracketed IPv6 literal, with no scheme or
    path; ``host:port`` only when ``allow_port``.  Returned unchanged (boto3
    keeps the caller's spelling in the token and signs it lower-cased)."""
    value = check_text(field, value)
    if "://" in value:
        raise ParamValidationError(field, f"must be a host name without a scheme, got {value!r}")
    host, port = value, None
    if value.startswith("["):
        end = value.find("]")
        inner = value[1:end] if end > 0 else ""
        if not inner or ":" not in inner or not _IPV6_CHARS.issuperset(inner):
            raise ParamValidationError(field, f"{value!r} is not a bracketed IPv6 address such as '[2001:db8::1]'")
        host, rest = value[: end + 1], value[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ParamValidationError(field, f"unexpected {rest!r} after the IPv6 address")
            port = rest[1:]
    elif ":" in value:
        host, _, port = value.partition(":")
        if ":" in port:
            raise ParamValidationError(field, f"{value!r}: write an IPv6 address in brackets, e.g. '[2001:db8::1]'")
    if port is not None:
        if not allow_port:
            raise ParamValidationError(field, f"must not carry a port ({value!r}); pass the port as Port")
        if not port.isdigit() or not port.isascii() or not 1 <= int(port) <= 65535:
            raise ParamValidationError(field, f"the port in {value!r} must be a number in 1..65535")
    if not host.startswith("["):
        if not host:
            raise ParamValidationError(field, f"{value!r} has no host name")
        if not _HOST_CHARS.issuperset(host):
            bad = next(c for c in host if c not in _HOST_CHARS)
            raise ParamValidationError(
                field, f"{value!r} is not a host name: {bad!r} is not allowed (letters, digits, '-', '.', '_')"
            )
    return value


def check_expires(field: str, value: object, maximum: int) -> int:
    """Seconds a token lives: an ``int`` in 1..``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamValidationError(field, f"must be an int number of seconds, not {type(value).__name__}")
    value = int.__int__(value)  # the exact int, whatever a subclass formats or compares as
    if not 1 <= value <= maximum:
        raise ParamValidationError(field, f"must be between 1 and {maximum} seconds, got {value}")
    return value


class ClientMeta:
    """The part of boto3's ``client.meta`` these clients have: ``service_name``
    and ``region_name`` (``None`` when every call passes ``Region=``)."""

    __slots__ = ("region_name", "service_name")

    def __init__(self, service_name: str, region_name: str | None) -> None:
        self.service_name = service_name
        self.region_name = region_name

    def __repr__(self) -> str:
        return f"ClientMeta(service_name={self.service_name!r}, region_name={self.region_name!r})"


class TokenClient:
    """Base of the token clients: credentials, the client's region, and one
    :class:`~sigv4.Signer` per signing region, built on first use.

    ``credentials`` is a :class:`sigv4.Credentials`, any provider with
    ``get_credentials()`` (asked on every token, so refreshing providers work),
    or ``None`` (then each token raises NoCredentialsError, as boto3 does).
    ``region_name`` may be ``None`` if every call passes ``Region=``; a FIPS
    pseudo-region (``us-east-1-fips``, ``fips-us-east-1``) is read as boto3
    reads it: that region, with FIPS endpoints.  ``clock`` replaces ``time.time`` (tests).
    """

    SERVICE_NAME = ""
    SIGNING_NAME = ""

    __slots__ = ("_clock", "_credentials", "_fips_region", "_signers", "meta")

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider | None,
        region_name: str | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if (
            credentials is not None
            and not isinstance(credentials, Credentials)
            and not callable(getattr(credentials, "get_credentials", None))
        ):
            raise ParamValidationError("credentials", "must be a sigv4.Credentials or a provider with get_credentials()")
        fips_region = False
        if region_name is not None:
            check_region("region_name", region_name)
            # botocore's FIPS pseudo-regions: "us-east-1-fips" / "fips-us-east-1"
            # mean region us-east-1 with FIPS endpoints.
            normalized = region_name.replace("fips-", "").replace("-fips", "")
            if normalized != region_name:
                region_name, fips_region = check_region("region_name", normalized), True
        self._fips_region = fips_region
        self._credentials = credentials
        self._clock = clock
        self._signers: dict[str, Signer] = {}
        self.meta = ClientMeta(self.SERVICE_NAME, region_name)

    def __repr__(self) -> str:
        return f"<sigv4 {type(self).__name__} region={self.meta.region_name!r}>"

    def _region(self, region: object) -> str:
        """``Region=`` if given, else the client's region, else NoRegionError."""
        if region is None:
            if self.meta.region_name is None:
                raise NoRegionError()
            return self.meta.region_name
        return check_region("Region", region)

    def _signer(self, region: str) -> Signer:
        signer = self._signers.get(region)
        if signer is None:
            if self._credentials is None:
                raise NoCredentialsError()
            signer = Signer(self._credentials, region, self.SIGNING_NAME, max_expires=MAX_EXPIRES, clock=self._clock)
            if len(self._signers) >= 16:  # a client used with many regions keeps a few
                self._signers.clear()
            self._signers[region] = signer
        return signer

    def _presign(
        self,
        region: str,
        url: str,
        expires_in: int,
        headers: dict[str, str] | None = None,
        now: datetime | None = None,
    ) -> SignedRequest:
        return self._signer(region).presign("GET", url, expires_in, headers=headers, now=now)
