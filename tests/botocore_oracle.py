"""botocore 1.44.8 as an independent oracle (test-only; BOTO_DISABLE_CRT=true).

Each helper signs with one of botocore's signer classes at a given instant and
returns what it produced, for comparison with sigv4's output.  The instant is
given by replacing botocore's clock function (``botocore.auth.get_current_datetime``)
for the call, not by freezegun, which costs ~5 ms a call; botocore releases without
that function (the oracle on Python 3.9) fall back to freezegun.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Optional

os.environ.setdefault("BOTO_DISABLE_CRT", "true")

import botocore.auth as _botocore_auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from freezegun import freeze_time

Pairs = Sequence[tuple[str, str]]
_HAS_CLOCK = hasattr(_botocore_auth, "get_current_datetime")


@contextmanager
def at(now: datetime) -> Iterator[None]:
    """botocore's signers read ``now`` as the current time inside the block."""
    if not _HAS_CLOCK:
        with freeze_time(now):
            yield
        return
    utc = now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo else now
    original = _botocore_auth.get_current_datetime

    def frozen(remove_tzinfo: bool = True) -> datetime:
        return utc if remove_tzinfo else utc.replace(tzinfo=timezone.utc)

    _botocore_auth.get_current_datetime = frozen
    try:
        yield
    finally:
        _botocore_auth.get_current_datetime = original


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
    with at(now):
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
    with at(now):
        signer.add_auth(request)
    return str(request.url)


def as_sigv4_sends(url: str, *, s3: bool, normalize: Optional[bool] = None) -> str:
    """botocore's URL in the form sigv4 sends it.  botocore leaves dot segments in the
    path for the HTTP client to remove (RFC 3986), where S3 wanted them kept and a
    normalising service normalises differently; sigv4 sends none for a client to remove:
    S3's escaped (``%2E``, which S3 decodes back), a normalising service's path already
    normalised (by botocore's own ``normalize_url_path``).  The rest is botocore's."""
    from urllib.parse import urlsplit

    from botocore.utils import normalize_url_path

    parts = urlsplit(url)
    normalize = (not s3) if normalize is None else normalize
    if normalize:
        path = normalize_url_path(parts.path)
    elif s3:
        path = "/".join("%2E" if p == "." else "%2E%2E" if p == ".." else p for p in parts.path.split("/"))
    else:
        return url
    head = f"{parts.scheme}://{parts.netloc}"
    assert url.startswith(head + parts.path)
    return head + path + url[len(head) + len(parts.path) :]
