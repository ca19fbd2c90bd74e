"""``sigv4 explain``: the canonical request, string to sign and signature of a
request, and where AWS's differ.

* ``sigv4 explain METHOD URL --service S …`` prints the three for that request.
* ``--error-xml FILE`` reads the body of a ``SignatureDoesNotMatch`` answer (S3's
  XML carries ``<CanonicalRequest>`` and ``<StringToSign>``; other services put
  them in the message text, XML or JSON), signs the same request at the time and
  in the scope AWS saw, and prints a line-by-line diff, AWS's against ours.
* A presigned URL (one carrying ``X-Amz-Signature``) is re-signed at its own
  date, expiry and scope, and its signature checked against ours.

Reading the error body is :mod:`sigv4.cli.errorbody` (its names are re-exported here).
"""

from __future__ import annotations

import sys

from .common import UsageError, printable, say
from .errorbody import ServerStrings, decode_body, parse_error_body
from .payload import load_body
from .sign import make_signer, sign_request

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from ..core.signer import SignedRequest

__all__ = ["ServerStrings", "diff_lines", "parse_error_body", "run"]

_PRESIGN_PARAMS = (
    "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
    "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token",
)  # fmt: skip
_SECTIONS = ("method", "path", "query", "headers", "signed headers", "payload hash")


def diff_lines(theirs: str, ours: str) -> list[str]:
    """ndiff of two texts line by line: ``- `` AWS's, ``+ `` ours, ``? `` points at the bytes."""
    import difflib

    return [line.rstrip("\n") for line in difflib.ndiff(theirs.split("\n"), ours.split("\n"))]


def _sections(canonical: str) -> dict[str, str]:
    """The six parts of a canonical request; a short or odd one gives empty parts."""
    lines = canonical.split("\n")
    lines += [""] * max(0, 7 - len(lines))
    try:
        blank = lines.index("", 3)
    except ValueError:
        blank = len(lines) - 2
    signed = lines[blank + 1] if blank + 1 < len(lines) - 1 else ""
    return dict(zip(_SECTIONS, (lines[0], lines[1], lines[2], "\n".join(lines[3:blank]), signed, lines[-1])))


def _hints(theirs: str, ours: str) -> list[str]:
    a, b = _sections(theirs), _sections(ours)
    hints = [f"the {name} {'differ' if name.endswith('s') else 'differs'}" for name in _SECTIONS if a.get(name) != b.get(name)]
    their_names = set(filter(None, a["signed headers"].split(";")))
    our_names = set(filter(None, b["signed headers"].split(";")))
    for name in sorted(their_names - our_names):
        hints.append(f"the request signed header {printable(name)!r}, which you did not pass with -H")
    for name in sorted(our_names - their_names):
        hints.append(f"you passed header {name!r}, which the signed request did not sign")
    if a.get("payload hash") != b.get("payload hash"):
        hints.append("a different body (or payload hash setting) was signed: check --data / --unsigned-payload")
    return hints


def _print_strings(signed: SignedRequest) -> None:
    out = sys.stdout
    out.write(f"Canonical request:\n{signed.canonical_request}\n\n")
    out.write(f"String to sign:\n{signed.string_to_sign}\n\n")
    out.write(f"Signature: {signed.signature}\n")
    authorization = signed.headers.get("Authorization")
    if authorization:
        out.write(f"Authorization: {authorization}\n")
    else:
        out.write(f"URL: {signed.url}\n")


def _compare(label: str, theirs: str | None, ours: str) -> bool:
    if theirs is None:
        print(f"{label}: not in the error body")
        return True
    if theirs == ours:
        print(f"{label}: identical")
        return True
    print(f"{label} differs (- AWS, + sigv4):")
    for line in diff_lines(theirs, ours):
        print(printable(line))
    return False


def _amz_datetime(amz_date: str) -> datetime | None:
    """``20150830T123600Z`` (or ISO 8601, as S3's ``ServerTime``) → a UTC datetime; None if neither."""
    from datetime import datetime, timezone

    for pattern in ("%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return datetime.strptime(amz_date.strip(), pattern).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


#: Error codes that are about the signature or the credentials (the others come after it was accepted).
_AUTH_CODES = frozenset(
    {
        "SignatureDoesNotMatch", "AuthorizationHeaderMalformed", "AuthorizationQueryParametersError",
        "RequestTimeTooSkewed", "InvalidAccessKeyId", "ExpiredToken", "InvalidToken", "TokenRefreshRequired",
        "XAmzContentSHA256Mismatch", "IncompleteSignature", "IncompleteSignatureException", "InvalidSignatureException",
        "MissingAuthenticationToken", "MissingAuthenticationTokenException", "UnrecognizedClientException",
        "InvalidClientTokenId", "SignatureExpired", "InvalidRequest", "AccessDenied", "AccessDeniedException",
        "ExpiredTokenException", "MissingSecurityHeader",
    }
)  # fmt: skip
_MAX_SKEW = 15 * 60


def _header_date(args: argparse.Namespace) -> datetime | None:
    """The time of an ``-H 'X-Amz-Date: …'`` given on the command line (the request's own)."""
    from .common import parse_header

    for text in args.headers:
        name, value = parse_header(text)
        if name.lower() == "x-amz-date":
            return _amz_datetime(value)
    return None


def _findings(server: ServerStrings, signed: SignedRequest, access_key: str, request_time: datetime | None) -> list[str]:
    """What the error body says that contradicts the request sigv4 signed."""
    import re

    out: list[str] = []
    fields = server.fields
    _, region, service, _ = [*signed.credential_scope.split("/"), "", "", "", ""][:4]
    hint = fields.get("Region")
    match = re.search(r"region '([a-z0-9-]+)' is wrong; expecting '([a-z0-9-]+)'", server.message)
    if match:
        hint = match.group(2)
    if hint and hint != region:
        out.append(f"the server expects region {hint!r}, sigv4 signed for {region!r}: pass --region {hint}")
    match = re.search(r"scoped to (?:correct|a valid) service:? '([a-z0-9-]+)'", server.message)
    if match and match.group(1) != service:
        out.append(
            f"the server expects service {match.group(1)!r}, sigv4 signed for {service!r}: pass --service {match.group(1)}"
        )
    if server.access_key and server.access_key != access_key:
        out.append(f"the request was signed with access key {server.access_key}, sigv4 used {access_key}")
    if server.signature and server.signature != signed.signature:
        out.append(f"the signature sent ({server.signature}) is not the one sigv4 computes for this request")
    server_time = _amz_datetime(fields.get("ServerTime", ""))
    if request_time is not None and server_time is not None:
        skew = int((request_time - server_time).total_seconds())
        if abs(skew) > _MAX_SKEW or server.code == "RequestTimeTooSkewed":
            side = "ahead of" if skew > 0 else "behind"
            out.append(
                f"clock: the request's time {request_time:%Y%m%dT%H%M%SZ} is {abs(skew)} s {side} the server's "
                f"{server_time:%Y%m%dT%H%M%SZ} (at most {_MAX_SKEW} s is accepted): set this machine's clock"
            )
    theirs, ours = fields.get("S3ComputedContentSHA256"), fields.get("ClientComputedContentSHA256")
    if server.code == "XAmzContentSHA256Mismatch" or (theirs and ours and theirs != ours):
        out.append(
            f"the body the server received hashes to {theirs or '?'}, the request declared {ours or '?'}: "
            "send exactly the bytes that were signed (check --data)"
        )
    if re.search(r"headers present in the request which were not signed", server.message, re.I):
        out.append("the request carried x-amz-* headers it did not sign: pass them with -H so that they are signed")
    if re.search(r"request has expired|signature expired", server.message, re.I):
        out.append("the signature had expired when the server received the request (the clock, or X-Amz-Expires)")
    return out


def _explain_error(args: argparse.Namespace) -> int:
    path = args.error_file
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                data = f.read(16 << 20)
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    text, notes = decode_body(data)
    server = parse_error_body(text)
    server.notes[:0] = notes
    region = service = None
    if server.scope is not None:
        region, service = server.scope
    service = args.service or service or _service_guess(args, server)
    signer = make_signer(args, args.url, service=service, region=args.region or region or _region_for(args, service))
    # The request's own time when it is known (AWS's string to sign, S3's RequestTime, an
    # -H X-Amz-Date), else this machine's clock.
    now = (_amz_datetime(server.amz_date) if server.amz_date else None) or _amz_datetime(server.fields.get("RequestTime", ""))
    now = now or _header_date(args)
    signed = sign_request(args, signer, load_body(args.data), now=now)
    for note in server.notes:
        print(f"Note: {printable(note)}")
    creds = signer.credentials()
    if server.canonical_request is None and server.string_to_sign is None:
        return _explain_without_strings(server, signed, creds.access_key, now)
    print(f"Signed at {signed.amz_date} for {signed.credential_scope}")
    same_request = _compare("Canonical request", server.canonical_request, signed.canonical_request)
    same_sts = _compare("String to sign", server.string_to_sign, signed.string_to_sign)
    if server.signature:
        print(f"Signature provided: {server.signature}")
    print(f"Signature by sigv4: {signed.signature}")
    if server.access_key and server.access_key != creds.access_key:
        print(f"Note: the request was signed with access key {server.access_key}, sigv4 used {creds.access_key}")
    if server.canonical_request is not None and not same_request:
        for hint in _hints(server.canonical_request, signed.canonical_request):
            print(f"- {hint}")
        return 1
    if not same_sts:
        return 1
    if server.signature and server.signature == signed.signature:
        print("sigv4 computes the signature that was sent: AWS's key for it differs (wrong or rotated secret?)")
        return 0
    print("Same strings on both sides: the signature was computed with another secret key (or signing key)")
    return 1 if server.signature else 0


def _explain_without_strings(server: ServerStrings, signed: SignedRequest, access_key: str, when: datetime | None) -> int:
    """MinIO, JuiceFS, Ceph, R2...: no canonical request in the body.  Show ours and
    what the body does say (code, region hint, clock, access key)."""
    code = server.code or "no code"
    print(
        f"The error body ({code}) carries no canonical request or string to sign (MinIO, JuiceFS, Ceph and R2 send "
        "none): here is what sigv4 signs for this request, to compare with what your client signed."
    )
    print()
    print(f"Canonical request:\n{signed.canonical_request}\n")
    print(f"String to sign:\n{signed.string_to_sign}\n")
    print(f"Scope: {signed.credential_scope}")
    print(f"Signed headers: {';'.join(signed.signed_headers)}")
    source = "the request's time" if when else "this machine's clock"
    print(f"Signed at: {signed.amz_date} ({source})")
    print(f"Signature by sigv4: {signed.signature}")
    if server.message:
        print(f"The server says: {printable(server.message.strip())[:500]}")
    findings = _findings(server, signed, access_key, when)
    for finding in findings:
        print(f"- {finding}")
    if findings:
        return 1
    if server.code in _AUTH_CODES:
        print(
            "Nothing in the error body contradicts this request: compare the canonical request above with the one "
            "your client signed (botocore logs it at DEBUG), and check the secret key"
        )
        return 1
    if server.code:
        print(f"{server.code} is not a signature error: the server accepted the signature")
    return 0


def _service_guess(args: argparse.Namespace, server: ServerStrings) -> str | None:
    """``s3`` for an S3 host (or the host of ``--endpoint-url`` / ``AWS_ENDPOINT_URL_S3``)."""
    return guess_service(args) or ("s3" if "BucketName" in server.fields else None)


def _region_for(args: argparse.Namespace, service: str | None) -> str | None:
    """The region for ``service`` at the URL's host: as :func:`~sigv4.cli.common.resolve_region`,
    with S3's own host forms (``s3-eu-west-1.amazonaws.com``) and boto3's us-east-1 for S3."""
    from ..core.urls import split_url
    from .common import resolve_region, s3_host

    netloc = split_url(args.url)[1]
    if service not in ("s3", "s3-object-lambda", "s3-outposts"):
        return resolve_region(args, url_host=netloc)
    known = s3_host(netloc)
    if known is not None and known[1]:
        return args.region or known[1]
    return resolve_region(args, url_host=netloc, required=False) or "us-east-1"


def guess_service(args: argparse.Namespace) -> str | None:
    """The signing name an S3 URL implies: AWS S3 host names, or the S3 endpoint given."""
    import os

    from ..core.urls import split_url
    from .common import is_endpoint_host, s3_host

    netloc = split_url(args.url)[1]
    known = s3_host(netloc)
    if known is not None:
        return known[0]
    if is_endpoint_host(netloc, getattr(args, "endpoint_url", None)) or is_endpoint_host(
        netloc, os.environ.get("AWS_ENDPOINT_URL_S3")
    ):
        return "s3"
    return None


def _explain_presigned(args: argparse.Namespace) -> int:
    """Re-sign a presigned URL at its own date, expiry and scope; compare signatures."""
    from ..core.urls import query_pairs, split_url, unquote_to_bytes

    scheme, netloc, path, query = split_url(args.url)
    params = {k.lower(): unquote_to_bytes(v).decode("utf-8", "replace") for k, v in query_pairs(query)}
    scope = params.get("x-amz-credential", "").split("/")
    if len(scope) != 5 or "x-amz-date" not in params or "x-amz-expires" not in params:
        raise UsageError("the URL carries X-Amz-Signature but not a complete X-Amz-Credential, X-Amz-Date and X-Amz-Expires")
    try:
        expires = int(params["x-amz-expires"])
    except ValueError:
        raise UsageError(f"X-Amz-Expires={params['x-amz-expires']!r} is not a number") from None
    kept = [f"{k}={v}" for k, v in query_pairs(query) if k.lower() not in _PRESIGN_PARAMS]
    bare = f"{scheme}://{netloc}{path}" + ("?" + "&".join(kept) if kept else "")
    signer = make_signer(args, args.url, service=args.service or scope[3], region=args.region or scope[2])
    when = _amz_datetime(params["x-amz-date"])
    if when is None:
        raise UsageError(f"X-Amz-Date={params['x-amz-date']!r} is not YYYYMMDDTHHMMSSZ")
    signed = sign_request(args, signer, load_body(args.data), url=bare, now=when, expires_in=expires)
    _print_strings(signed)
    theirs = params.get("x-amz-signature", "")
    if signed.signature == theirs:
        print("The URL's signature matches: the request is signed correctly for these credentials")
        return 0
    print(f"The URL's signature differs: {theirs}")
    creds = signer.credentials()
    if scope[0] != creds.access_key:
        print(f"- it was signed with access key {scope[0]}; sigv4 used {creds.access_key}")
    wanted = params.get("x-amz-signedheaders", "host")
    if wanted != ";".join(signed.signed_headers):
        print(f"- it signed headers {wanted}; pass the same ones with -H (sigv4 signed {';'.join(signed.signed_headers)})")
    return 1


def run(args: argparse.Namespace) -> int:
    if args.error_file is not None:
        return _explain_error(args)
    if "x-amz-signature=" in args.url.lower() and args.expires_in is None:
        return _explain_presigned(args)
    service = args.service or guess_service(args)
    if not service:
        raise UsageError("no service: pass --service (the signing name, e.g. execute-api, es, lambda, s3)")
    signer = make_signer(args, args.url, service=service, region=args.region or _region_for(args, service))
    signed = sign_request(args, signer, load_body(args.data))
    _print_strings(signed)
    if signed.url != args.url:
        say(f"sigv4 explain: note: the URL as signed is {signed.url}")
    return 0
