"""What the one-call token recipes (MSK, ElastiCache, Vault, Neptune, IoT,
Transcribe) share: credentials from the default chain when none are given,
base64, and a checked signer for one (region, service)."""

from __future__ import annotations

from ..core.credentials import Credentials
from ..core.errors import ParamValidationError
from ..core.signer import Signer
from ._common import check_region

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..core.credentials import CredentialsProvider

__all__ = ["b64", "b64url", "check_utf8", "make_signer", "resolve_credentials"]


def check_utf8(field: str, value: object) -> str:
    """A ``str`` (possibly empty) that UTF-8 can encode: no lone surrogates."""
    if not isinstance(value, str):
        raise ParamValidationError(field, f"must be a str, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        pass  # raised below, outside the except block
    else:
        return value
    raise ParamValidationError(field, "must be valid Unicode text (it contains a lone surrogate)")


def resolve_credentials(credentials: object) -> Credentials | CredentialsProvider:
    """``credentials`` checked, or the boto3-compatible default chain when ``None``
    (environment, profile files, container and instance roles: read on first use)."""
    if credentials is None:
        from ..providers.env import EnvProvider, env_has_credentials

        if env_has_credentials():  # the chain's first choice without a profile argument, without loading the chain
            return EnvProvider()
        from ..providers.chain import default_provider

        return default_provider()
    if isinstance(credentials, Credentials) or callable(getattr(credentials, "get_credentials", None)):
        return credentials  # type: ignore[return-value]
    raise ParamValidationError("credentials", "must be a sigv4.Credentials, a provider with get_credentials(), or None")


def make_signer(credentials: object, region: object, service: str, **settings: object) -> Signer:
    """A :class:`~sigv4.Signer` for ``region`` (checked: ParamValidationError naming ``region``)."""
    return Signer(resolve_credentials(credentials), check_region("region", region), service, **settings)  # type: ignore[arg-type]


_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_URLSAFE = _STD[:62] + "-_"


def _base64(data: bytes, table: str, pad: bool) -> str:
    """RFC 4648 base64 with ``table``, in Python: for the few hundred bytes of a
    token this is quicker than loading the ``binascii`` extension on a cold start."""
    out = []
    n = len(data)
    full = n - n % 3
    for i in range(0, full, 3):
        v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2]
        out.append(table[v >> 18] + table[(v >> 12) & 63] + table[(v >> 6) & 63] + table[v & 63])
    if n - full == 1:
        v = data[full] << 16
        out.append(table[v >> 18] + table[(v >> 12) & 63] + ("==" if pad else ""))
    elif n - full == 2:
        v = (data[full] << 16) | (data[full + 1] << 8)
        out.append(table[v >> 18] + table[(v >> 12) & 63] + table[(v >> 6) & 63] + ("=" if pad else ""))
    return "".join(out)


def b64(data: bytes) -> str:
    """Standard padded base64 (RFC 4648 section 4)."""
    return _base64(data, _STD, True)


def b64url(data: bytes) -> str:
    """Unpadded base64url (RFC 4648 section 5)."""
    return _base64(data, _URLSAFE, False)
