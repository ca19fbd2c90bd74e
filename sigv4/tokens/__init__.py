"""Tokens and signed requests people import boto3 for, each a presigned URL
or a signed request with the service's quirk built in:

* RDS and Aurora DSQL IAM database authentication (:class:`RDSClient`, :class:`DSQLClient`);
* EKS cluster tokens (:class:`EKSClient`) and presigned STS ``GetCallerIdentity`` (:class:`STSClient`);
* MSK IAM SASL/OAUTHBEARER tokens (:func:`msk_auth_token`, :class:`MSKTokenProvider`);
* ElastiCache and MemoryDB IAM ``AUTH`` tokens (:func:`elasticache_auth_token`,
  :func:`memorydb_auth_token`, :class:`ElastiCacheIAMProvider`);
* HashiCorp Vault AWS IAM login (:func:`vault_login_payload`);
* Neptune (:func:`neptune_headers`, :func:`neptune_presigned_url`), IoT Core MQTT over
  WebSocket (:func:`iot_websocket_url`), Transcribe streaming (:func:`transcribe_websocket_url`).

::

    from sigv4 import Credentials
    from sigv4.tokens import RDSClient
    token = RDSClient(Credentials(key, secret), "eu-west-1").generate_db_auth_token(host, 5432, "app")

``sigv4.client('rds' | 'dsql' | 'eks' | 'sts', ...)`` builds the clients with the
boto3 credential and region chain.  Every name is imported from its module on
first use: ``from sigv4.tokens import msk_auth_token`` loads the MSK module only.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._common import ClientMeta, TokenClient
    from .eks import EKSClient, exec_credential, exec_credential_json, exec_info_api_version, sts_endpoint
    from .elasticache import ElastiCacheIAMProvider, elasticache_auth_token, memorydb_auth_token
    from .iot import iot_websocket_url
    from .msk import MSKTokenProvider, msk_auth_token
    from .neptune import neptune_headers, neptune_presigned_url
    from .rds import DSQLClient, RDSClient
    from .sts import STSClient
    from .transcribe import transcribe_websocket_url
    from .vault import vault_login_payload

# Public name -> the module (under sigv4.tokens) that defines it.
_LAZY = {
    "ClientMeta": "_common",
    "TokenClient": "_common",
    "EKSClient": "eks",
    "exec_credential": "eks",
    "exec_credential_json": "eks",
    "exec_info_api_version": "eks",
    "sts_endpoint": "eks",
    "DSQLClient": "rds",
    "RDSClient": "rds",
    "STSClient": "sts",
    "MSKTokenProvider": "msk",
    "msk_auth_token": "msk",
    "ElastiCacheIAMProvider": "elasticache",
    "elasticache_auth_token": "elasticache",
    "memorydb_auth_token": "elasticache",
    "vault_login_payload": "vault",
    "neptune_headers": "neptune",
    "neptune_presigned_url": "neptune",
    "iot_websocket_url": "iot",
    "transcribe_websocket_url": "transcribe",
}

__all__ = [
    "ClientMeta",
    "DSQLClient",
    "EKSClient",
    "ElastiCacheIAMProvider",
    "MSKTokenProvider",
    "RDSClient",
    "STSClient",
    "TokenClient",
    "elasticache_auth_token",
    "exec_credential",
    "exec_credential_json",
    "exec_info_api_version",
    "iot_websocket_url",
    "memorydb_auth_token",
    "msk_auth_token",
    "neptune_headers",
    "neptune_presigned_url",
    "sts_endpoint",
    "transcribe_websocket_url",
    "vault_login_payload",
]


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name, "")
    if not module_name:
        raise AttributeError(f"module 'sigv4.tokens' has no attribute {name!r}")
    module = __import__(f"{__name__}.{module_name}", fromlist=["_"])
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
