"""``sigv4 verify FILE``: check the SigV4 signature of a saved HTTP request, for
debugging a client or a server.

FILE (``-`` for standard input) holds the request as it went on the wire: the
request line (``PUT /bucket/key?x=1 HTTP/1.1``), the header lines, an empty
line, then the body.  Lines may end with CRLF or LF.  The secret comes from the
credential chain (``--profile``, ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
...): the request's access key must be the chain's.

By default the request is checked at its own date (a saved request is old);
``--at now`` checks it at the current time (``SIGV4_FIXED_TIME`` honoured), so
skew and expiry count too.  aws-chunked bodies are decoded and every chunk and
trailer checked; a browser POST form (``multipart/form-data``) is checked against
its policy.  On a ``SignatureDoesNotMatch`` the canonical request and string
to sign computed here are printed, to diff with the client's
(``sigv4 explain --error-xml`` does it from an S3 error body).

Exit status: 0 the signature is valid, 1 it is not (the S3 error code and reason
on stderr), 2 the command line or the file is unusable.
"""

from __future__ import annotations

import sys

from .common import CommandFailed, UsageError, credentials_provider, now_epoch

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from ..core.credentials import Credentials

__all__ = ["parse_request", "run"]


def parse_request(raw: bytes) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """(method, target, headers, body) of a saved request."""
    crlf, lf = raw.find(b"\r\n\r\n"), raw.find(b"\n\n")
    if crlf != -1 and (lf == -1 or crlf < lf):
        head, body = raw[:crlf], raw[crlf + 4 :]
    elif lf != -1:
        head, body = raw[:lf], raw[lf + 2 :]
    else:
        head, body = raw.rstrip(b"\r\n"), b""
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    words = lines[0].split(" ")
    if len(words) >= 3 and words[-1].startswith("HTTP/"):
        words = words[:-1]
    if len(words) < 2 or not words[0].isalpha():
        raise UsageError(f"the first line {lines[0][:60]!r} is not a request line (METHOD TARGET HTTP/1.1)")
    method, target = words[0], " ".join(words[1:])
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # an obsolete folded line
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise UsageError(f"the header line {line[:60]!r} is not 'Name: value'")
        headers.append((name.strip(), value.strip()))
    return method, target, headers, body


def _form(content_type: str, body: bytes) -> tuple[list[tuple[str, str]], int, str | None]:
    """(fields, file size, file name) of a multipart/form-data body."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise UsageError("the POST body is not multipart/form-data")
    fields: list[tuple[str, str]] = []
    size, filename = 0, None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            payload = b""
        if name == "file":
            size, filename = len(payload), part.get_filename()
        elif isinstance(name, str):
            fields.append((name, payload.decode("utf-8", "replace")))
    return fields, size, filename


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        problem = f"cannot read {path}: {exc.strerror or exc}"
    raise UsageError(problem)


def _request_time(target: str, headers: list[tuple[str, str]]) -> float | None:
    from ..core.urls import unquote_to_bytes
    from ..verify.parse import parse_amz_date

    stamp = next((v for n, v in headers if n.lower() == "x-amz-date"), None)
    for piece in target.partition("?")[2].split("&"):
        if piece.startswith("X-Amz-Date="):
            stamp = unquote_to_bytes(piece[len("X-Amz-Date=") :]).decode("utf-8", "replace")
    return parse_amz_date(stamp) if stamp else None


def run(args: argparse.Namespace) -> int:
    from ..core.errors import VerificationError
    from ..verify.verifier import Verifier

    method, target, headers, body = parse_request(_read(args.file))
    if args.host and not any(n.lower() == "host" for n, _ in headers):
        headers.append(("Host", args.host))
    names = {n.lower(): v for n, v in headers}
    chunked = names.get("x-amz-content-sha256", "").startswith("STREAMING-")
    form = method == "POST" and "authorization" not in names and names.get("content-type", "").startswith("multipart/form-data")
    fields: list[tuple[str, str]] = []
    size, filename = 0, None
    if form:
        fields, size, filename = _form(names["content-type"], body)
    if args.at == "now":
        at = now_epoch(getattr(args, "clock", None))  # SIGV4_FIXED_TIME, handed in by main()
    else:
        stamp = _request_time(target, headers + [(n, v) for n, v in fields if n.lower() == "x-amz-date"])
        if stamp is None:
            raise UsageError("the request has no X-Amz-Date: pass --at now")
        at = stamp
    provider = credentials_provider(args, None)

    def lookup(access_key: str) -> Credentials | None:
        creds = provider.get_credentials()
        return creds if creds.access_key == access_key else None

    verifier = Verifier(lookup, clock=lambda: at, skew=args.skew, max_expires=args.max_expires)
    error = None
    try:
        if form:
            result = verifier.verify_post(target, fields, size, filename=filename, headers=headers)
        elif chunked:
            stream = verifier.verify_chunked(method, target, headers, [body])
            decoded = sum(len(part) for part in stream)
            result = stream.result
        else:
            result = verifier.verify(method, target, headers, body)
    except VerificationError as exc:
        error = exc
    if error is not None:
        if error.canonical_request is not None:
            print(f"canonical request (computed here):\n{error.canonical_request}\n")
        if error.string_to_sign is not None:
            print(f"string to sign (computed here):\n{error.string_to_sign}")
        raise CommandFailed(f"{error.code}: {error.message}")
    kind = "POST policy" if form else "presigned URL" if result.presigned else "Authorization header"
    print(f"valid: {kind} signed by {result.access_key} for {result.region}/{result.service} at {result.amz_date}")
    print(f"signed headers: {';'.join(result.signed_headers)}")
    if form:
        print(f"key: {result.key}")
    else:
        print(f"payload: {result.payload_hash}")
    if result.expires is not None:
        print(f"expires: {result.expires} s after {result.amz_date}")
    if chunked:
        print(f"aws-chunked body: {decoded} bytes decoded, every chunk verified")
    return 0
