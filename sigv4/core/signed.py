"""``SignedRequest``: what to send and the trail that produced it."""

from __future__ import annotations

__all__ = ["SignedRequest", "TOKEN_HEADERS"]

# Where a session token travels (settings.session_token_name): masked in reprs.
TOKEN_HEADERS = frozenset({"x-amz-security-token", "x-amz-s3session-token"})
_TOKEN_PARAMS = ("X-Amz-Security-Token=", "X-Amz-S3session-Token=")


class SignedRequest:
    """What to send (``method``, ``url``, ``headers``, ``body``) and the trail that
    produced it (``canonical_request``, ``string_to_sign``, ``signature``,
    ``signed_headers``)."""

    __slots__ = (
        "amz_date",
        "body",
        "canonical_request",
        "credential_scope",
        "headers",
        "method",
        "signature",
        "signed_headers",
        "string_to_sign",
        "url",
    )

    def __init__(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        canonical_request: str,
        string_to_sign: str,
        signature: str,
        signed_headers: tuple[str, ...],
        amz_date: str,
        credential_scope: str,
        body: object = b"",
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign
        self.signature = signature
        self.signed_headers = signed_headers
        self.amz_date = amz_date
        self.credential_scope = credential_scope

    def __repr__(self) -> str:
        shown = {k: ("***" if k.lower() in TOKEN_HEADERS else v) for k, v in self.headers.items()}
        url = self.url
        for name in _TOKEN_PARAMS:
            if name in url:
                head, _, tail = url.partition(name)
                url = head + name + "***" + tail[tail.find("&") :] if "&" in tail else head + name + "***"
        return f"SignedRequest(method={self.method!r}, url={url!r}, headers={shown!r}, signature={self.signature!r})"
