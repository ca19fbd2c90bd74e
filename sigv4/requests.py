"""SigV4 for ``requests``: ``requests.get(url, auth=SigV4Auth(credentials, "eu-west-1", "s3"))``.

The request is signed as it will be sent: method, final URL (``params=`` merged, path and
query re-encoded exactly as canonicalised), its headers and the body. Which headers are signed
follows the one rule of :class:`sigv4.Signer`: every header sent except
``settings.unsigned_headers`` (by default botocore's list: hop-by-hop headers, ``user-agent``,
``expect``, ``transfer-encoding``, trace context); ``signed_headers=`` takes names off that list.

Bodies: bytes and str (sent as UTF-8) are hashed; a seekable binary file is hashed in constant
memory and streamed. A generator or non-seekable stream is sent as ``UNSIGNED-PAYLOAD`` when
allowed (``unsigned_streams=True``, or by default S3 over https), else refused with
:class:`sigv4.PayloadError` before anything is sent.

Recoveries, each retried once with a fresh date and signature:

* ``403 RequestTimeTooSkewed`` (or ``Signature expired``): the clock offset is learned from
  the server's time and kept for later requests;
* S3 only: a redirect or error naming the bucket's region (``x-amz-bucket-region``, or
  ``<Region>`` of ``AuthorizationHeaderMalformed``) re-signs for that region, and remembers it
  for the bucket; a ``301`` from an AWS global or other-region host goes to the regional host;
* a redirect that ``requests`` followed carries a stale signature (or none, across hosts):
  when the server rejects it, it is re-signed for its new URL and sent again (same host or an
  AWS host only; to any other host it goes without signature or session token).

Multi-Region Access Points: an S3 auth (service ``s3``) signs a request to an MRAP host
(``<alias>.accesspoint.s3-global.amazonaws.com``, or another partition's suffix) with SigV4a
for the region set ``*`` and the service ``s3``, whatever its region, as MRAPs require; every
other host is signed as configured. ``algorithm="AWS4-ECDSA-P256-SHA256"`` makes an auth sign
everything with SigV4a (its region argument is then the region set; no region recovery), and
an explicit ``algorithm=`` switches the MRAP detection off.

Bodies that cannot be rewound (generators) are never retried. ``requests`` is imported by
this module only; ``import sigv4`` does not import it.
"""

from __future__ import annotations

import weakref
from functools import partial
from typing import Any

from requests.auth import AuthBase
from requests.models import PreparedRequest, Response

from .adapters.base import OWN_HEADERS, AdapterCore, AuthFacade, may_follow, resolve_location
from .core.payload import is_hashable_body

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .adapters.base import Signed

__all__ = ["SigV4Auth"]


class _State:
    """One call's memory across its redirects and retries."""

    __slots__ = ("caller_own", "region", "signed", "url")

    def __init__(self, caller_own: frozenset[str]) -> None:
        self.caller_own = caller_own
        self.region = ""
        self.url = ""
        self.signed: weakref.WeakSet[PreparedRequest] = weakref.WeakSet()


class SigV4Auth(AuthFacade, AuthBase):
    """A ``requests`` auth that signs every request with AWS Signature Version 4.

    ``credentials`` is a :class:`sigv4.Credentials` or any provider with
    ``get_credentials()`` (asked on every signing). Keyword settings: ``signed_headers``
    (more header names to sign), ``unsigned_streams``, ``recover_clock_skew`` (default
    True), ``recover_region`` (default True for S3), and the :class:`sigv4.Signer`
    settings (``double_encode_path``, ``normalize_path``, ``content_sha256_header``,
    ``unsigned_payload``, ``omit_session_token``, ``unsigned_headers``, ``settings``,
    ``clock``).
    """

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        state = _State(AdapterCore.caller_own(r.headers))
        self._sign(r, state)
        r.register_hook("response", partial(self._on_response, state))
        return r

    def _sign(self, r: PreparedRequest, state: _State, *, region: str | None = None, moved_from: str | None = None) -> Signed:
        body, streaming = _body(r)
        signed = self._core.sign(
            r.method or "",
            r.url or "",
            list(r.headers.items()),
            body,
            streaming=streaming,
            caller_own=state.caller_own,
            region=region,
            headers_for=moved_from,
        )
        for name in signed.drop:
            r.headers.pop(name, None)
        r.headers.update(signed.headers)
        r.url = signed.url
        state.url = signed.url
        state.region = signed.region
        state.signed.add(r)
        return signed

    def _on_response(self, state: _State, response: Response, **kwargs: Any) -> Response:
        response = self._recover(state, response, kwargs)
        if response.is_redirect:
            # requests copies this request to follow the redirect; to another host (not AWS)
            # it must carry no signature and no session token (requests drops Authorization only).
            target = resolve_location(str(response.request.url), response.headers["location"])
            if not may_follow(state.url, target):
                for name in OWN_HEADERS - state.caller_own:
                    response.request.headers.pop(name, None)
        return response

    def _recover(self, state: _State, response: Response, kwargs: dict[str, Any]) -> Response:
        tried: list[str] = []
        while self._core.needs_body(response.status_code):
            request = response.request
            retry = self._core.decide(
                url=str(request.url),
                region=state.region,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=response.content or b"",
                tried=tried,
                stale_from=None if request in state.signed else state.url,
            )
            if retry is None or not _rewind(request):
                return response
            tried.append(retry.kind)
            again = request.copy()
            again.url = retry.url
            self._sign(again, state, region=retry.region, moved_from=str(request.url))
            response.close()
            following: Response = response.connection.send(again, **kwargs)
            following.history = [*response.history, response]
            following.request = again
            response = following
        return response


def _body(r: PreparedRequest) -> tuple[object, bool]:
    """(body to hash, whether it is a stream that cannot be hashed). A str body is encoded to
    UTF-8 here, so the bytes hashed are the bytes sent whatever urllib3 would do with a str."""
    body = r.body
    if body is None:
        return b"", False
    if isinstance(body, str):
        data = body.encode("utf-8")
        r.body = data
        if "Transfer-Encoding" not in r.headers:
            r.headers["Content-Length"] = str(len(data))
        return data, False
    if isinstance(body, (bytes, bytearray, memoryview)) or is_hashable_body(body):
        return body, False
    return None, True


def _rewind(r: PreparedRequest) -> bool:
    """Put a file body back where it started, for sending it again; False if impossible."""
    body = r.body
    if body is None or isinstance(body, (bytes, str, bytearray, memoryview)):
        return True
    position = r._body_position
    seek = getattr(body, "seek", None)
    if not isinstance(position, int) or seek is None or not is_hashable_body(body):
        return False
    seek(position)
    return True
