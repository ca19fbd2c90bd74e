"""Amazon MSK IAM authentication: the SASL/OAUTHBEARER token Kafka clients send.

The token is what aws-msk-iam-sasl-signer-python's
``MSKAuthTokenProvider.generate_auth_token(region)`` makes, byte for byte but
for the ``User-Agent`` value (``sigv4/VERSION`` here):

* a presigned ``GET https://kafka.{region}.amazonaws.com/?Action=kafka-cluster%3AConnect``,
  service ``kafka-cluster``, valid 900 s, only ``host`` signed, the session
  token signed in the query;
* then a ``User-Agent`` query parameter appended **after** signing (the broker
  ignores it when it checks the signature);
* the whole URL in URL-safe base64 without ``=`` padding.

The expiry that comes with it is in milliseconds since the epoch: signing time
plus 900 s, times 1000.  Kafka clients::

    from sigv4.tokens import MSKTokenProvider
    provider = MSKTokenProvider("eu-west-1")
    # confluent-kafka: {"sasl.mechanism": "OAUTHBEARER", "oauth_cb": provider}
    # kafka-python:    KafkaProducer(sasl_mechanism="OAUTHBEARER", sasl_oauth_token_provider=provider)

Moving from the official library, this module has its entry points::

    from sigv4.tokens import msk as MSKAuthTokenProvider
    token, expiry_ms = MSKAuthTokenProvider.generate_auth_token("eu-west-1")
"""

from __future__ import annotations

from ..core.amzdate import amz_date_seconds
from ..core.urls import quote
from ._recipes import make_signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    from ..core.credentials import Credentials, CredentialsProvider
    from ..core.signer import Signer

__all__ = [
    "MSK_TOKEN_EXPIRES",
    "MSKTokenProvider",
    "generate_auth_token",
    "generate_auth_token_from_credentials_provider",
    "generate_auth_token_from_profile",
    "msk_auth_token",
    "msk_user_agent",
]

#: MSK tokens live 15 minutes (the official signers fix it too).
MSK_TOKEN_EXPIRES = 900
_SERVICE = "kafka-cluster"


def msk_user_agent() -> str:
    """The ``User-Agent`` value appended to the token: ``sigv4/VERSION``."""
    from .. import __version__

    return f"sigv4/{__version__}"


def _token(signer: Signer, now: datetime | None) -> tuple[str, int]:
    from ._recipes import b64url

    url = f"https://kafka.{signer.region}.amazonaws.com/?Action=kafka-cluster%3AConnect"
    signed = signer.presign("GET", url, MSK_TOKEN_EXPIRES, now=now)
    full = f"{signed.url}&User-Agent={quote(msk_user_agent())}"
    expiry_ms = (amz_date_seconds(signed.amz_date) + MSK_TOKEN_EXPIRES) * 1000
    return b64url(full.encode("utf-8")), expiry_ms


def msk_auth_token(
    region: str,
    *,
    credentials: Credentials | CredentialsProvider | None = None,
    now: datetime | None = None,
) -> tuple[str, int]:
    """``(token, expiry_ms)`` for an MSK cluster in ``region`` (IAM access control).

    ``credentials`` defaults to the boto3-compatible chain
    (:func:`sigv4.default_provider`).  ``now`` (an aware datetime) replaces the
    clock.  Raises ParamValidationError for a malformed region,
    :class:`sigv4.CredentialsError` when no credentials are found."""
    return _token(make_signer(credentials, region, _SERVICE), now)


def generate_auth_token(region: str, aws_debug_creds: bool = False) -> tuple[str, int]:
    """The official library's ``generate_auth_token``: credentials from the default
    chain (``aws_debug_creds`` is accepted and ignored: it logs a GetCallerIdentity call there)."""
    return msk_auth_token(region)


def generate_auth_token_from_profile(region: str, aws_profile: str) -> tuple[str, int]:
    """The official library's ``generate_auth_token_from_profile``: credentials of the named profile."""
    from ..providers.chain import default_provider

    return msk_auth_token(region, credentials=default_provider(profile=aws_profile, region=region))


def generate_auth_token_from_credentials_provider(region: str, aws_credentials_provider: CredentialsProvider) -> tuple[str, int]:
    """The official library's ``generate_auth_token_from_credentials_provider``, for a sigv4
    provider (anything with ``get_credentials()``) or :class:`sigv4.Credentials`."""
    return msk_auth_token(region, credentials=aws_credentials_provider)


class MSKTokenProvider:
    """A token source for Kafka clients, one signer kept for all tokens.

    * ``provider(config)`` (confluent-kafka's ``oauth_cb``) returns
      ``(token, expiry in seconds since the epoch)``;
    * ``provider.token()`` (kafka-python's ``sasl_oauth_token_provider``) returns the token;
    * ``provider.token_and_expiry()`` returns ``(token, expiry_ms)``.
    """

    __slots__ = ("_signer",)

    def __init__(self, region: str, *, credentials: Credentials | CredentialsProvider | None = None) -> None:
        self._signer = make_signer(credentials, region, _SERVICE)

    @property
    def region(self) -> str:
        return self._signer.region

    def __repr__(self) -> str:
        return f"MSKTokenProvider(region={self.region!r})"

    def token_and_expiry(self, now: datetime | None = None) -> tuple[str, int]:
        return _token(self._signer, now)

    def token(self) -> str:
        return _token(self._signer, None)[0]

    def extensions(self) -> dict[str, str]:
        """SASL extensions (kafka-python asks): none."""
        return {}

    def __call__(self, config: object = None) -> tuple[str, float]:
        token, expiry_ms = _token(self._signer, None)
        return token, expiry_ms / 1000
