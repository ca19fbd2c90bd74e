"""ElastiCache and MemoryDB IAM authentication: the password of Redis/Valkey
``AUTH user-id token``.

The token is a presigned ``GET http://{name}/?Action=connect&User={user_id}``
(plus ``&ResourceType=ServerlessCache`` for an ElastiCache serverless cache),
signed for service ``elasticache`` or ``memorydb``, only ``host`` signed, with
the URL's scheme cut off: AWS's documented recipe (botocore's
``SigV4QueryAuth`` over that request).  ``name`` is the replication group or
serverless cache name (ElastiCache) or the cluster name (MemoryDB), lower-case
as the service knows it; the user id is the IAM-enabled user's id, which must
equal its user name.  Tokens live at most 15 minutes (the service refuses
longer); a connection authenticated with one is dropped after 12 hours, so
reconnect (or re-``AUTH``) with a fresh token before then.

For redis-py, :class:`ElastiCacheIAMProvider` is a ``credential_provider``::

    redis.Redis(host=endpoint, port=6379, ssl=True,
                credential_provider=ElastiCacheIAMProvider("app-user", "my-cache", "eu-west-1"))
"""

from __future__ import annotations

from ..core.urls import quote
from ._common import check_expires, check_host, check_text
from ._recipes import make_signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    from ..core.credentials import Credentials, CredentialsProvider
    from ..core.signer import Signer

__all__ = ["CACHE_TOKEN_MAX_EXPIRES", "ElastiCacheIAMProvider", "elasticache_auth_token", "memorydb_auth_token"]

#: The longest ElastiCache and MemoryDB accept a token for.
CACHE_TOKEN_MAX_EXPIRES = 900
_SCHEME = "http://"


def _name(field: str, value: object) -> str:
    name = check_host(field, value, allow_port=False)
    if name.startswith("["):
        raise _bad(field, "must be a cache or cluster name, not an IP address")
    return name


def _bad(field: str, rule: str) -> Exception:
    from ..core.errors import ParamValidationError

    return ParamValidationError(field, rule)


def _token(signer: Signer, name: str, user_id: object, extra: str, expires_in: object, now: datetime | None) -> str:
    user = check_text("user_id", user_id)
    seconds = check_expires("expires_in", expires_in, CACHE_TOKEN_MAX_EXPIRES)
    url = f"{_SCHEME}{name}/?Action=connect&User={quote(user)}{extra}"
    return signer.presign("GET", url, seconds, now=now).url[len(_SCHEME) :]


def elasticache_auth_token(
    cache_name: str,
    user_id: str,
    region: str,
    *,
    serverless: bool = False,
    credentials: Credentials | CredentialsProvider | None = None,
    expires_in: int = 900,
    now: datetime | None = None,
) -> str:
    """The IAM auth token of ``user_id`` for the ElastiCache replication group or
    (``serverless=True``) serverless cache ``cache_name``.

    ``credentials`` defaults to the boto3-compatible chain; ``expires_in`` is
    1..900 seconds (ParamValidationError above); ``now`` (an aware datetime)
    replaces the clock."""
    name = _name("cache_name", cache_name)
    if not isinstance(serverless, bool):
        raise _bad("serverless", f"must be True or False, not {type(serverless).__name__}")
    extra = "&ResourceType=ServerlessCache" if serverless else ""
    return _token(make_signer(credentials, region, "elasticache"), name, user_id, extra, expires_in, now)


def memorydb_auth_token(
    cluster_name: str,
    user_id: str,
    region: str,
    *,
    credentials: Credentials | CredentialsProvider | None = None,
    expires_in: int = 900,
    now: datetime | None = None,
) -> str:
    """The IAM auth token of ``user_id`` for the MemoryDB cluster ``cluster_name``
    (service ``memorydb``; the same rules as :func:`elasticache_auth_token`)."""
    name = _name("cluster_name", cluster_name)
    return _token(make_signer(credentials, region, "memorydb"), name, user_id, "", expires_in, now)


class ElastiCacheIAMProvider:
    """redis-py's ``credential_provider`` for ElastiCache (or, with
    ``service="memorydb"``, MemoryDB) IAM auth: ``get_credentials()`` returns
    ``(user_id, fresh token)``; one signer is kept for all tokens."""

    __slots__ = ("_extra", "_name", "_signer", "user_id")

    def __init__(
        self,
        user_id: str,
        cache_name: str,
        region: str,
        *,
        serverless: bool = False,
        service: str = "elasticache",
        credentials: Credentials | CredentialsProvider | None = None,
    ) -> None:
        if service not in ("elasticache", "memorydb"):
            raise _bad("service", f"must be 'elasticache' or 'memorydb', not {service!r}")
        if not isinstance(serverless, bool) or (serverless and service == "memorydb"):
            raise _bad("serverless", "must be True (ElastiCache only) or False")
        self.user_id = check_text("user_id", user_id)
        self._name = _name("cache_name", cache_name)
        self._extra = "&ResourceType=ServerlessCache" if serverless else ""
        self._signer = make_signer(credentials, region, service)

    def __repr__(self) -> str:
        return f"ElastiCacheIAMProvider(user_id={self.user_id!r}, cache_name={self._name!r}, region={self._signer.region!r})"

    def get_credentials(self) -> tuple[str, str]:
        return self.user_id, _token(self._signer, self._name, self.user_id, self._extra, CACHE_TOKEN_MAX_EXPIRES, None)
