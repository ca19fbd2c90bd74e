"""HashiCorp Vault AWS auth, IAM method: the ``auth/aws/login`` payload.

Vault never sees your keys: you sign an STS ``GetCallerIdentity`` request and
hand it over; Vault sends it to STS and learns who signed it.  The payload is
what Vault's own client and hvac's ``iam_login`` send:

* ``iam_http_request_method``: ``POST``;
* ``iam_request_url``: base64 of the STS URL (``https://sts.amazonaws.com/``,
  or ``https://sts.{region}.amazonaws.com/`` signed for that region when a
  region other than us-east-1 is given, matching Vault's ``sts_endpoint`` /
  ``sts_region`` settings; or ``sts_endpoint=``);
* ``iam_request_body``: base64 of ``Action=GetCallerIdentity&Version=2011-06-15``;
* ``iam_request_headers``: base64 of a JSON object mapping each header name to
  a list of values: ``Host``, ``Content-Type``
  (``application/x-www-form-urlencoded; charset=utf-8``), ``X-Amz-Date``,
  ``X-Amz-Security-Token`` (temporary credentials),
  ``X-Vault-AWS-IAM-Server-ID`` when ``server_id`` is given (signed, so the
  request cannot be replayed to another Vault) and ``Authorization``;
* ``role``.

::

    payload = vault_login_payload("app-role", server_id="vault.example.com")
    # POST {VAULT_ADDR}/v1/auth/aws/login with json=payload (or hvac: client.auth.aws.iam_login(...))
"""

from __future__ import annotations

from ._common import check_text
from ._recipes import b64, make_signer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from ..core.credentials import Credentials, CredentialsProvider

__all__ = ["STS_BODY", "vault_login_payload"]

STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


def _sts_url(region: str, sts_endpoint: object) -> tuple[str, str]:
    """(URL, host) of the STS endpoint to sign for."""
    from ..core.errors import ParamValidationError
    from ..core.urls import host_header, split_url

    if sts_endpoint is None:
        host = "sts.amazonaws.com" if region == "us-east-1" else f"sts.{region}.amazonaws.com"
        return f"https://{host}/", host
    if not isinstance(sts_endpoint, str) or "://" not in sts_endpoint:
        raise ParamValidationError("sts_endpoint", f"must be an https:// URL such as 'https://sts.{region}.amazonaws.com'")
    check_text("sts_endpoint", sts_endpoint)
    scheme, netloc, path, query = split_url(sts_endpoint)
    if query or "@" in netloc:
        raise ParamValidationError("sts_endpoint", "must be scheme://host[:port][/path], with no query or user info")
    return f"{scheme}://{netloc}{path or '/'}", host_header(scheme, netloc)


def vault_login_payload(
    role: str,
    *,
    credentials: Credentials | CredentialsProvider | None = None,
    server_id: str | None = None,
    region: str = "us-east-1",
    sts_endpoint: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The JSON body of Vault's ``auth/aws/login`` for ``role`` (the keys are
    exactly ``role``, ``iam_http_request_method``, ``iam_request_url``,
    ``iam_request_body``, ``iam_request_headers``).

    ``credentials`` defaults to the boto3-compatible chain.  ``server_id`` is
    the value of Vault's ``iam_server_id_header_value``.  ``region`` selects
    the regional STS endpoint (and the signing region); ``sts_endpoint``
    overrides the URL (signed for ``region``).  ``now`` replaces the clock."""
    import json

    role = check_text("role", role)
    signer = make_signer(credentials, region, "sts")
    url, host = _sts_url(signer.region, sts_endpoint)
    headers = {"Host": host, "Content-Type": _CONTENT_TYPE}
    if server_id is not None:
        headers["X-Vault-AWS-IAM-Server-ID"] = check_text("server_id", server_id)
    body = STS_BODY.encode("ascii")
    signed = signer.sign("POST", url, headers, body=body, now=now)
    return {
        "role": role,
        "iam_http_request_method": "POST",
        "iam_request_url": b64(signed.url.encode("utf-8")),
        "iam_request_body": b64(body),
        "iam_request_headers": b64(json.dumps({k: [v] for k, v in signed.headers.items()}).encode("utf-8")),
    }
