"""``sigv4 sign METHOD URL --service S``: the headers to send (or a curl command)
for a signed request to any AWS service; ``--expires-in N`` presigns instead."""

from __future__ import annotations

import shlex

from .common import UsageError, credentials_provider, parse_header, resolve_region, say
from .payload import Body, load_body

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from ..core.signer import SignedRequest, Signer

__all__ = ["curl_command", "make_signer", "run", "sign_request"]


def make_signer(args: argparse.Namespace, url: str, *, service: str | None = None, region: str | None = None) -> Signer:
    """A Signer for the command line's service and region, with credentials resolved now
    (so that a missing credential fails before a large body is hashed)."""
    from ..core.signer import Signer
    from ..core.urls import split_url

    netloc = split_url(url)[1]
    service = service or args.service
    if not service:
        raise UsageError("no service: pass --service (the signing name, e.g. execute-api, es, lambda, s3)")
    if region is None:
        region = resolve_region(args, url_host=netloc)
    assert region is not None
    creds = credentials_provider(args, region).get_credentials()
    clock = getattr(args, "clock", None)
    max_expires = getattr(args, "max_expires", None)
    return Signer(
        creds, region, service, unsigned_payload=True if args.unsigned_payload else None, max_expires=max_expires, clock=clock
    )


def sign_request(
    args: argparse.Namespace,
    signer: Signer,
    body: Body,
    *,
    url: str | None = None,
    now: datetime | None = None,
    expires_in: int | None = None,
) -> SignedRequest:
    """Sign the command line's request (headers, or the query when presigning)."""
    headers = [parse_header(h) for h in args.headers]
    url = url or args.url
    data: bytes = body.data if body.data is not None else b""
    expires = expires_in if expires_in is not None else args.expires_in
    if expires is not None:
        return signer.presign(args.method, url, expires, headers, body=data, now=now, payload_hash=body.sha256)
    return signer.sign(args.method, url, headers, body=data, now=now, payload_hash=body.sha256)


def _curl_header(name: str, value: str) -> str:
    # curl drops a header written "Name:"; "Name;" sends it with an empty value.
    return shlex.quote(f"{name}: {value}" if value else f"{name};")


def curl_command(signed: SignedRequest, body: Body) -> str:
    """A curl command that sends exactly the signed request.

    ``--path-as-is`` keeps ``..`` and ``//`` in the path (curl would squash them and
    break the signature), ``--globoff`` keeps ``[]{}`` literal."""
    parts = ["curl", "--path-as-is", "--globoff"]
    has_data = body.size > 0 or body.path is not None
    if signed.method == "HEAD":
        parts.append("--head")
    elif signed.method != ("POST" if has_data else "GET"):
        parts += ["-X", signed.method]
    for name, value in signed.headers.items():
        parts += ["-H", _curl_header(name, value)]
    if has_data:
        if not any(name.lower() == "content-type" for name in signed.headers):
            parts += ["-H", shlex.quote("Content-Type:")]  # curl would add an unsigned form type
        parts += ["--data-binary", shlex.quote(body.curl_argument)]
    parts.append(shlex.quote(signed.url))
    return " ".join(parts)


def run(args: argparse.Namespace) -> int:
    body_spec = args.data
    signer = make_signer(args, args.url)
    body = load_body(body_spec)
    signed = sign_request(args, signer, body)
    if args.curl:
        if body_spec == "@-":
            say("sigv4 sign: note: pipe the same bytes into curl's standard input")
        print(curl_command(signed, body))
        return 0
    if args.expires_in is not None:
        print(signed.url)
        extra = [f"{k}: {v}" for k, v in signed.headers.items()]
        if extra:
            say("sigv4 sign: note: the URL is valid only with these signed headers: " + "; ".join(extra))
        return 0
    if signed.url != args.url:
        say(f"sigv4 sign: note: send the request to {signed.url} (the URL as signed)")
    for name, value in signed.headers.items():
        print(f"{name}: {value}")
    return 0
