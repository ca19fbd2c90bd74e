"""IAM database authentication tokens: RDS (MySQL, PostgreSQL, MariaDB) and
Aurora DSQL.

A token is a presigned ``GET`` URL without its scheme, used as the database
password::

    token = RDSClient(creds, "eu-west-1").generate_db_auth_token("db.example.com", 5432, "app")
    # db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=...&X-Amz-Signature=...

The bytes are those of boto3 1.44.8's ``generate_db_auth_token`` /
``generate_db_connect_auth_token`` / ``generate_db_connect_admin_auth_token``
for the same inputs and time (botocore/signers.py): the operation parameters
first, then the ``X-Amz-*`` ones, signed for service ``rds-db`` or ``dsql``
with only ``host`` signed.  The host is signed lower-cased and without
``:443``; the token keeps the spelling passed in.
"""

from __future__ import annotations

from ..core.urls import quote
from ._common import TokenClient, check_expires, check_host, check_port, check_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["DSQLClient", "RDSClient", "RDS_TOKEN_EXPIRES", "DSQL_MAX_EXPIRES"]

#: RDS tokens always live 15 minutes (the database checks it; boto3 fixes it too).
RDS_TOKEN_EXPIRES = 900
#: The longest Aurora DSQL accepts for a token (one week, the SigV4 limit).
DSQL_MAX_EXPIRES = 604800

_SCHEME = "https://"


class RDSClient(TokenClient):
    """``boto3.client('rds')`` for the one call Lambda functions import it for.

    ``RDSClient(credentials_or_provider, region_name=None)``; the region may be
    left ``None`` when every call passes ``Region=``.
    """

    SERVICE_NAME = "rds"
    SIGNING_NAME = "rds-db"
    __slots__ = ()

    def generate_db_auth_token(
        self,
        DBHostname: str,
        Port: int,
        DBUsername: str,
        Region: str | None = None,
        *,
        now: datetime | None = None,
    ) -> str:
        """The IAM authentication token for ``DBUsername`` on ``DBHostname:Port``,
        valid for 15 minutes: pass it as the password (over TLS).

        ``Region`` defaults to the client's.  ``now`` (an aware datetime)
        replaces the clock.  Raises ParamValidationError for an empty or
        malformed host or user name or a port outside 1..65535, NoRegionError
        when no region is known.
        """
        host = check_host("DBHostname", DBHostname, allow_port=False)
        port = check_port("Port", Port)
        user = check_text("DBUsername", DBUsername)
        region = self._region(Region)
        url = f"{_SCHEME}{host}:{port}/?Action=connect&DBUser={quote(user)}"
        return self._presign(region, url, RDS_TOKEN_EXPIRES, now=now).url[len(_SCHEME) :]


class DSQLClient(TokenClient):
    """``boto3.client('dsql')``'s two token methods.

    ``DSQLClient(credentials_or_provider, region_name=None)``; the region may be
    left ``None`` when every call passes ``Region=``.
    """

    SERVICE_NAME = "dsql"
    SIGNING_NAME = "dsql"
    __slots__ = ()

    def _token(self, action: str, hostname: object, region: object, expires_in: object, now: datetime | None) -> str:
        host = check_host("Hostname", hostname, allow_port=True)
        seconds = check_expires("ExpiresIn", expires_in, DSQL_MAX_EXPIRES)
        signing_region = self._region(region)
        url = f"{_SCHEME}{host}/?Action={action}"
        return self._presign(signing_region, url, seconds, now=now).url[len(_SCHEME) :]

    def generate_db_connect_auth_token(
        self,
        Hostname: str,
        Region: str | None = None,
        ExpiresIn: int = 900,
        *,
        now: datetime | None = None,
    ) -> str:
        """A token for a custom database role (action ``DbConnect``), valid
        ``ExpiresIn`` seconds (1..604800, default 900)."""
        return self._token("DbConnect", Hostname, Region, ExpiresIn, now)

    def generate_db_connect_admin_auth_token(
        self,
        Hostname: str,
        Region: str | None = None,
        ExpiresIn: int = 900,
        *,
        now: datetime | None = None,
    ) -> str:
        """A token for the ``admin`` role (action ``DbConnectAdmin``), valid
        ``ExpiresIn`` seconds (1..604800, default 900)."""
        return self._token("DbConnectAdmin", Hostname, Region, ExpiresIn, now)
