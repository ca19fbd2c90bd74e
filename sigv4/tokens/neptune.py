"""Amazon Neptune IAM authentication (service ``neptune-db``).

Neptune checks a SigV4 signature on the HTTP request, including the one that
opens a WebSocket (Gremlin's ``wss://host:8182/gremlin``): sign ``GET`` of the
same URL with ``https``/``http`` in place of ``wss``/``ws``, and send the
signed headers with the handshake.  The port is part of the signed ``Host``
(``host:8182``): a header signed without it is the usual cause of Neptune's
``AccessDeniedException`` from hand-rolled signers.

::

    headers = neptune_headers("wss://my-db.cluster-xyz.eu-west-1.neptune.amazonaws.com:8182/gremlin", "eu-west-1")
    DriverRemoteConnection(url, "g", headers=headers)           # gremlinpython
    websocket.create_connection(url, header=headers)            # websocket-client

    # openCypher over HTTPS: sign the request you send (body included)
    headers = neptune_headers(endpoint + "/openCypher", "eu-west-1", method="POST", body=b"query=MATCH (n) RETURN n LIMIT 1",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})

:func:`neptune_presigned_url` gives the query-string form instead, for
clients that cannot set handshake headers.
"""

from __future__ import annotations

from ._recipes import make_signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from ..core.credentials import Credentials, CredentialsProvider

__all__ = ["NEPTUNE_SERVICE", "neptune_headers", "neptune_presigned_url"]

NEPTUNE_SERVICE = "neptune-db"
_HTTP_SCHEMES = {"wss": "https", "ws": "http", "https": "https", "http": "http"}


def http_url(field: str, url: object) -> tuple[str, str]:
    """(URL to sign, the caller's scheme): ``wss``/``ws`` become ``https``/``http``."""
    from ..core.errors import ParamValidationError
    from ._common import check_text

    url = check_text(field, url)  # a str that UTF-8 can encode
    scheme, sep, rest = url.partition("://")
    http = _HTTP_SCHEMES.get(scheme.lower()) if sep else None
    if http is None:
        raise ParamValidationError(field, f"must be a wss://, ws://, https:// or http:// URL, got {url!r}")
    return f"{http}://{rest}", scheme


def neptune_headers(
    url: str,
    region: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | str = b"",
    credentials: Credentials | CredentialsProvider | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers to send with ``method url``: ``headers`` given, plus ``Host``
    (with the port), ``X-Amz-Date``, ``X-Amz-Security-Token`` (temporary
    credentials) and ``Authorization``.  ``body`` is hashed into the signature."""
    target, _ = http_url("url", url)
    signer = make_signer(credentials, region, NEPTUNE_SERVICE)
    from ..core.urls import host_header, split_url

    scheme, netloc, _, _ = split_url(target)
    from ._recipes import check_utf8

    given = {check_utf8("headers", k): check_utf8(f"headers[{k!r}]", v) for k, v in (headers or {}).items()}
    if isinstance(body, str):
        check_utf8("body", body)
    if not any(k.lower() == "host" for k in given):
        given = {"Host": host_header(scheme, netloc), **given}
    return signer.sign(method, target, given, body=body, now=now).headers


def neptune_presigned_url(
    url: str,
    region: str,
    *,
    expires_in: int = 300,
    credentials: Credentials | CredentialsProvider | None = None,
    now: datetime | None = None,
) -> str:
    """``url`` (same scheme) with the signature in its query, valid ``expires_in`` seconds."""
    target, scheme = http_url("url", url)
    signed = make_signer(credentials, region, NEPTUNE_SERVICE).presign("GET", target, expires_in, now=now)
    return scheme + signed.url[signed.url.find("://") :]
