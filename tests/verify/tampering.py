"""Changing one signed part of a signed request, for the verify property tests (SigV4 and
SigV4a): what to send instead, and the codes S3 answers it with."""

from __future__ import annotations

from collections.abc import Callable, Collection

from hypothesis import assume

import sigv4


def flip_hex(text: str, index: int) -> str:
    index %= len(text)
    swap = "0" if text[index] != "0" else "1"
    return text[:index] + swap + text[index + 1 :]


def replace_query_param(url: str, name: str, change: Callable[[str], str]) -> str:
    base, _, query = url.partition("?")
    pieces = []
    for piece in query.split("&"):
        key, _, value = piece.partition("=")
        pieces.append(f"{key}={change(value)}" if key == name else piece)
    return base + "?" + "&".join(pieces)


Tampered = tuple[str, str, dict[str, str], bytes, set[str]]


def tamper(
    part: str,
    signed: sigv4.SignedRequest,
    body: bytes,
    where: int,
    *,
    presign: bool,
    s3: bool,
    unsigned_payload: bool,
    untouched: Collection[str] = ("host",),
) -> Tampered:
    """(method, url, headers, body, expected codes) with ``part`` changed: the method, path,
    query, a signed header (not one of ``untouched``; the host itself when no other is there),
    the body, the signature or the date.  Any other part comes back unchanged, for the caller."""
    method, url, headers = signed.method, signed.url, dict(signed.headers)
    expected = {"SignatureDoesNotMatch"}
    if part == "method":
        method = "PATCH" if method != "PATCH" else "PUT"
    elif part == "path":
        base, sep, query = url.partition("?")
        url = base + "Z" + sep + query
    elif part == "query":
        base, _, query = url.partition("?")
        url = base + "?" + (query + "&" if query else "") + "zz-added=1"
    elif part == "signed header":
        names = [n for n in signed.signed_headers if n not in untouched and n in {k.lower() for k in headers}]
        if not names:  # only the host is signed: change the host itself (an IPv6 literal stays one)
            url = url.replace("://[", "://[0", 1) if "://[" in url else url.replace("://", "://x", 1)
        else:
            name = names[where % len(names)]
            key = next(k for k in headers if k.lower() == name)
            headers[key] = headers[key] + "x"
            if name == "x-amz-date":
                expected = {"AccessDenied", "SignatureDoesNotMatch", "RequestTimeTooSkewed"}  # no longer a date
            if name == "x-amz-security-token":
                expected = {"InvalidToken"}
    elif part == "body":
        assume(not (presign and s3) and not (s3 and unsigned_payload))  # a hashed payload
        body = bytes(body) + b"!"
        expected = {"XAmzContentSHA256Mismatch"} if s3 else {"SignatureDoesNotMatch"}
    elif part == "signature":
        if presign:
            url = replace_query_param(url, "X-Amz-Signature", lambda v: flip_hex(v, where))
        else:
            head, _, sig = headers["Authorization"].rpartition("Signature=")
            headers["Authorization"] = head + "Signature=" + flip_hex(sig, where)
    elif part == "date":
        # One second later: still the same day or not, still within the window.
        stamp = signed.amz_date
        later = stamp[:-3] + f"{(int(stamp[-3:-1]) + 1) % 60:02d}Z"
        if presign:
            url = replace_query_param(url, "X-Amz-Date", lambda v: later)
        else:
            headers["X-Amz-Date"] = later
    return method, url, headers, body, expected
