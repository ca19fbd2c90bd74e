"""``sigv4.client('sts')``: presigned ``GetCallerIdentity``, the request EKS
tokens and Vault logins are made of, byte for byte boto3 1.44.8's
``generate_presigned_url('get_caller_identity')`` (same host rules as
:class:`~sigv4.tokens.EKSClient`: regional by default, ``aws-global``,
FIPS, dual-stack, ``sts_regional_endpoints``, a custom ``endpoint_url``).
"""

from __future__ import annotations

from ..core.errors import ParamValidationError, UnknownClientMethodError
from .eks import EKSClient

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

    from ..core.credentials import Credentials, CredentialsProvider

__all__ = ["STSClient"]

_QUERY = "Action=GetCallerIdentity&Version=2011-06-15"


class STSClient(EKSClient):
    """``boto3.client('sts')`` for presigning ``get_caller_identity``.

    Without a region, boto3 signs for the global endpoint ``sts.amazonaws.com``
    (us-east-1); so does this client."""

    SERVICE_NAME = "sts"
    __slots__ = ()

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider | None,
        region_name: str | None = None,
        *,
        use_fips_endpoint: bool = False,
        use_dualstack_endpoint: bool = False,
        sts_regional_endpoints: str = "regional",
        endpoint_url: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            credentials,
            region_name or "aws-global",
            use_fips_endpoint=use_fips_endpoint,
            use_dualstack_endpoint=use_dualstack_endpoint,
            sts_regional_endpoints=sts_regional_endpoints,
            endpoint_url=endpoint_url,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"<sigv4 STSClient region={self.meta.region_name!r} endpoint={self.endpoint_url!r}>"

    def generate_presigned_url(
        self,
        ClientMethod: str,
        Params: Mapping[str, object] | None = None,
        ExpiresIn: int = 3600,
        HttpMethod: str | None = None,
        *,
        now: datetime | None = None,
    ) -> str:
        """A presigned ``GetCallerIdentity`` (the only STS call worth presigning),
        ``ExpiresIn`` 1..604800 seconds (default 3600).

        Without ``HttpMethod`` the URL is signed for ``POST``, as boto3 signs it
        (the operation's method, its form body moved into the query); pass
        ``HttpMethod='GET'`` for a URL to replay with a plain GET (what EKS does)."""
        from ..core.settings import MAX_EXPIRES
        from ._common import check_expires

        if ClientMethod not in ("get_caller_identity", "GetCallerIdentity"):
            raise UnknownClientMethodError(str(ClientMethod), "get_caller_identity")
        if Params:
            raise ParamValidationError("Params", "get_caller_identity takes no parameters")
        seconds = check_expires("ExpiresIn", ExpiresIn, MAX_EXPIRES)
        method = "POST" if HttpMethod is None else HttpMethod
        url = f"{self._endpoint}?{_QUERY}"
        return self._signer(self._signing_region).presign(method, url, seconds, now=now).url
