"""Shared pieces of the recipe tests (MSK, ElastiCache, Vault, Neptune, IoT,
Transcribe, STS): a hermetic AWS environment, strategies, and botocore's signers
run on the same request at the same time (the independent oracle)."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Optional
from urllib.parse import urlsplit

from freezegun import freeze_time
from hypothesis import strategies as st

LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
region_names = st.one_of(
    st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "me-central-1", "il-central-1"]),
    st.builds(
        lambda a, b, n: f"{a}-{b}-{n}",
        st.text("abcdefghij", min_size=2, max_size=3),
        st.text("abcdefghijklmnop", min_size=3, max_size=9),
        st.integers(1, 9),
    ),
)
labels = st.text(alphabet=LETTERS, min_size=1, max_size=10).map(lambda s: s + "x")
dns_names = st.lists(labels, min_size=1, max_size=5).map(".".join)
TRICKY = ["app-user", "a+b", "user name", "a=b&c=d", "50%", "%41", "ü", "用户", "😀", "/?#[]@!$&'()*+,;=", "~-._"]
users = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=24))


@contextmanager
def aws_env(access_key: str, secret_key: str, token: Optional[str], home: str) -> Iterator[None]:
    """Only these credentials in the environment (no shared files, no metadata), for
    libraries that read the default chain."""
    saved = dict(os.environ)
    try:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                del os.environ[name]
        os.environ.update(
            AWS_ACCESS_KEY_ID=access_key,
            AWS_SECRET_ACCESS_KEY=secret_key,
            AWS_CONFIG_FILE=os.path.join(home, "config"),
            AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "credentials"),
            AWS_EC2_METADATA_DISABLED="true",
        )
        if token is not None:
            os.environ["AWS_SESSION_TOKEN"] = token
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def boto_creds(access_key: str, secret_key: str, token: Optional[str]) -> Any:
    from botocore.credentials import Credentials

    return Credentials(access_key, secret_key, token)


def boto_presign(
    url: str, service: str, region: str, expires: int, creds: Any, now: datetime, headers: Optional[Mapping[str, str]] = None
) -> str:
    """botocore's SigV4QueryAuth on ``GET url`` at ``now``: the presigned URL."""
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method="GET", url=url, headers=dict(headers or {}))
    with freeze_time(now):
        SigV4QueryAuth(creds, service, region, expires=expires).add_auth(request)
    return str(request.prepare().url)


def boto_sign(
    method: str, url: str, service: str, region: str, creds: Any, now: datetime, headers: Mapping[str, str], body: bytes = b""
) -> dict[str, str]:
    """botocore's SigV4Auth on the request at ``now``: the headers after signing."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    with freeze_time(now):
        SigV4Auth(creds, service, region).add_auth(request)
    return {str(k): str(v) for k, v in request.headers.items()}


def query_set(url: str) -> set[str]:
    """The ``k=v`` pieces of a URL's query, as written."""
    return set(urlsplit(url).query.split("&"))


def signature(url: str) -> str:
    (sig,) = [p.partition("=")[2] for p in urlsplit(url).query.split("&") if p.startswith("X-Amz-Signature=")]
    return sig


def unb64url(token: str) -> str:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
