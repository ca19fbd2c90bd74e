"""botocore 1.44.8 as an independent oracle (test-only; BOTO_DISABLE_CRT=true).

Each helper signs with one of botocore's signer classes under a frozen clock
and returns what it produced, for comparison with sigv4's output.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Optional

os.environ.setdefault("BOTO_DISABLE_CRT", "true")

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from freezegun import freeze_time

Pairs = Sequence[tuple[str, str]]


def _request(method: str, url: str, headers: Pairs, body: bytes) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        request.headers[name] = value  # HTTPHeaders appends: repeated names stay repeated
    return request


def header_sign(
    *,
    s3: bool,
    method: str,
    url: str,
    access_key: str,
    secret_key: str,
    service: str,
    now: datetime,
    headers: Pairs = (),
    body: bytes = b"",
    token: Optional[str] = None,
    region: str = "us-east-1",
) -> dict[str, str]:
    """botocore's Authorization-header signature: the headers it added.
    (Defaults: no headers, empty body, no token, us-east-1.)"""
    request = _request(method, url, headers, body)
    creds = BotoCredentials(access_key, secret_key, token)
    signer = (S3SigV4Auth if s3 else SigV4Auth)(creds, service, region)
    with freeze_time(now):
        signer.add_auth(request)
    return {k: v for k, v in request.headers.items()}


def query_sign(
    *,
    s3: bool,
    method: str,
    url: str,
    access_key: str,
    secret_key: str,
    service: str,
    expires: int,
    now: datetime,
    headers: Pairs = (),
    token: Optional[str] = None,
    region: str = "us-east-1",
) -> str:
    """botocore's presigned URL."""
    request = _request(method, url, headers, b"")
    creds = BotoCredentials(access_key, secret_key, token)
    signer = (S3SigV4QueryAuth if s3 else SigV4QueryAuth)(creds, service, region, expires=expires)
    with freeze_time(now):
        signer.add_auth(request)
    return str(request.url)
