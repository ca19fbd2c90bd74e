"""Tokens people import boto3 for: RDS and Aurora DSQL IAM database
authentication, and EKS cluster tokens.  Each is a presigned URL, byte for
byte what boto3 1.44.8 (or the AWS CLI, for EKS) makes for the same inputs
and time.

    from sigv4 import Credentials
    from sigv4.tokens import RDSClient
    token = RDSClient(Credentials(key, secret), "eu-west-1").generate_db_auth_token(host, 5432, "app")

``sigv4.client('rds' | 'dsql' | 'eks', ...)`` builds the same clients with the
boto3 credential and region chain.
"""

from __future__ import annotations

from ._common import ClientMeta, TokenClient
from .eks import (
    EKSClient,
    exec_credential,
    exec_credential_json,
    exec_info_api_version,
    sts_endpoint,
)
from .rds import DSQLClient, RDSClient

__all__ = [
    "ClientMeta",
    "DSQLClient",
    "EKSClient",
    "RDSClient",
    "TokenClient",
    "exec_credential",
    "exec_credential_json",
    "exec_info_api_version",
    "sts_endpoint",
]
