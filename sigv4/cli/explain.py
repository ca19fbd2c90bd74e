"""``sigv4 explain``: the canonical request, string to sign and signature of a
request, and where AWS's differ.

* ``sigv4 explain METHOD URL --service S …`` prints the three for that request.
* ``--error-xml FILE`` reads the body of a ``SignatureDoesNotMatch`` answer (S3's
  XML carries ``<CanonicalRequest>`` and ``<StringToSign>``; other services put
  them in the message text, XML or JSON), signs the same request at the time and
  in the scope AWS saw, and prints a line-by-line diff, AWS's against ours.
* A presigned URL (one carrying ``X-Amz-Signature``) is re-signed at its own
  date, expiry and scope, and its signature checked against ours.
"""

from __future__ import annotations

import sys

from .common import UsageError, say
from .payload import load_body
from .sign import make_signer, sign_request

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from ..signer import SignedRequest

__all__ = ["ServerStrings", "diff_lines", "parse_error_body", "run"]

_PRESIGN_PARAMS = (
    "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
    "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token",
)  # fmt: skip
_SECTIONS = ("method", "path", "query", "headers", "signed headers", "payload hash")


class ServerStrings:
    """What the server computed, as its error body tells it."""

    __slots__ = ("access_key", "canonical_request", "signature", "string_to_sign")

    def __init__(
        self, canonical_request: str | None, string_to_sign: str | None, signature: str | None, access_key: str | None
    ) -> None:
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign
        self.signature = signature
        self.access_key = access_key

    @property
    def amz_date(self) -> str | None:
        lines = (self.string_to_sign or "").split("\n")
        return lines[1] if len(lines) > 2 else None

    @property
    def scope(self) -> tuple[str, str] | None:
        """(region, service) of the string to sign's credential scope."""
        lines = (self.string_to_sign or "").split("\n")
        parts = lines[2].split("/") if len(lines) > 2 else []
        return (parts[1], parts[2]) if len(parts) == 4 else None


def _from_hex(text: str | None) -> str | None:
    """``47 45 54 0a …`` (S3's *Bytes elements) → the text; None if not that."""
    if not text or not text.strip():
        return None
    try:
        return bytes(int(pair, 16) for pair in text.split()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _from_message(text: str) -> tuple[str | None, str | None]:
    """The strings in a message such as "The canonical string for this request
    should have been 'GET\\n/\\n…' The String-to-Sign should have been '…'"."""
    import re

    # The canonical request may hold quotes (header values): it ends at the quote
    # followed by the String-to-Sign sentence.  The string to sign holds none.
    canonical = re.search(r"canonical string for this request should have been\s*'(.*?)'\s*The String-to-Sign", text, re.S | re.I)
    to_sign = re.search(r"String-to-Sign should have been\s*'([^']*)'", text, re.S | re.I)
    return (canonical.group(1) if canonical else None, to_sign.group(1) if to_sign else None)


def parse_error_body(text: str) -> ServerStrings:
    """Read AWS's canonical request and string to sign out of an error body."""
    found: dict[str, str] = {}
    message = text
    stripped = text.lstrip()
    if stripped.startswith("<"):
        import xml.etree.ElementTree as ET

        try:
            root = ET.fromstring(stripped.encode("utf-8"))  # noqa: S314 - a local file the user chose
        except ET.ParseError as exc:
            raise UsageError(f"the error body is not well-formed XML: {exc}") from None
        for element in root.iter():
            name = element.tag.rpartition("}")[2]
            if element.text is not None and name not in found:
                found[name] = element.text
        message = found.get("Message", "")
    elif stripped.startswith("{"):
        import json

        try:
            doc = json.loads(stripped)
        except ValueError as exc:
            raise UsageError(f"the error body is not valid JSON: {exc}") from None
        if isinstance(doc, dict):
            message = str(doc.get("message") or doc.get("Message") or doc.get("errorMessage") or "")
    canonical = _from_hex(found.get("CanonicalRequestBytes")) or found.get("CanonicalRequest")
    to_sign = _from_hex(found.get("StringToSignBytes")) or found.get("StringToSign")
    if canonical is None and to_sign is None:
        canonical, to_sign = _from_message(message)
    if canonical is None and to_sign is None:
        code = found.get("Code")
        what = f" (its code is {code})" if code else ""
        raise UsageError(
            f"the error body carries neither a canonical request nor a string to sign{what}: "
            "pass the body of a SignatureDoesNotMatch answer"
        )
    return ServerStrings(canonical, to_sign, found.get("SignatureProvided"), found.get("AWSAccessKeyId"))


def diff_lines(theirs: str, ours: str) -> list[str]:
    """ndiff of two texts line by line: ``- `` AWS's, ``+ `` ours, ``? `` points at the bytes."""
    import difflib

    return [line.rstrip("\n") for line in difflib.ndiff(theirs.split("\n"), ours.split("\n"))]


def _sections(canonical: str) -> dict[str, str]:
    lines = canonical.split("\n")
    try:
        blank = lines.index("", 3)
    except ValueError:
        blank = len(lines) - 2
    return dict(
        zip(_SECTIONS, (lines[0], lines[1], lines[2], "\n".join(lines[3:blank]), "\n".join(lines[blank + 1 : -1]), lines[-1]))
    )


def _hints(theirs: str, ours: str) -> list[str]:
    a, b = _sections(theirs), _sections(ours)
    hints = [f"the {name} {'differ' if name.endswith('s') else 'differs'}" for name in _SECTIONS if a.get(name) != b.get(name)]
    their_names = set(a["signed headers"].split(";"))
    our_names = set(b["signed headers"].split(";"))
    for name in sorted(their_names - our_names):
        hints.append(f"the request signed header {name!r}, which you did not pass with -H")
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
        print(line)
    return False


def _amz_datetime(amz_date: str) -> datetime:
    from datetime import datetime, timezone

    try:
        return datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise UsageError(f"the date {amz_date!r} is not YYYYMMDDTHHMMSSZ") from None


def _explain_error(args: argparse.Namespace) -> int:
    path = args.error_file
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    server = parse_error_body(text)
    region = service = None
    if server.scope is not None:
        region, service = server.scope
    signer = make_signer(args, args.url, service=args.service or service, region=args.region or region)
    now = _amz_datetime(server.amz_date) if server.amz_date else None
    signed = sign_request(args, signer, load_body(args.data), now=now)
    print(f"Signed at {signed.amz_date} for {signed.credential_scope}")
    same_request = _compare("Canonical request", server.canonical_request, signed.canonical_request)
    same_sts = _compare("String to sign", server.string_to_sign, signed.string_to_sign)
    if server.signature:
        print(f"Signature provided: {server.signature}")
    print(f"Signature by sigv4: {signed.signature}")
    creds = signer.credentials()
    if server.access_key and server.access_key != creds.access_key:
        print(f"Note: the request was signed with access key {server.access_key}, sigv4 used {creds.access_key}")
    if server.canonical_request is not None and not same_request:
        for hint in _hints(server.canonical_request, signed.canonical_request):
            print(f"- {hint}")
    elif same_request and same_sts:
        if server.signature and server.signature == signed.signature:
            print("sigv4 computes the signature that was sent: AWS's key for it differs (wrong or rotated secret?)")
        else:
            print("Same strings on both sides: the signature was computed with another secret key (or signing key)")
    return 0


def _explain_presigned(args: argparse.Namespace) -> int:
    """Re-sign a presigned URL at its own date, expiry and scope; compare signatures."""
    from ..urls import query_pairs, split_url, unquote_to_bytes

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
    signed = sign_request(
        args, signer, load_body(args.data), url=bare, now=_amz_datetime(params["x-amz-date"]), expires_in=expires
    )
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
    return 0


def run(args: argparse.Namespace) -> int:
    if args.error_file is not None:
        return _explain_error(args)
    if "x-amz-signature=" in args.url.lower() and args.expires_in is None:
        return _explain_presigned(args)
    if not args.service:
        raise UsageError("no service: pass --service (the signing name, e.g. execute-api, es, lambda, s3)")
    signer = make_signer(args, args.url)
    signed = sign_request(args, signer, load_body(args.data))
    _print_strings(signed)
    if signed.url != args.url:
        say(f"sigv4 explain: note: the URL as signed is {signed.url}")
    return 0
