"""The canonical request and the string to sign, step by step as the AWS
SigV4 specification names them.

Each function is pure: strings in, strings out.  :class:`sigv4.Signer` strings
them together; they are public so a reader (or a debugging session) can run
any step alone.
"""

from __future__ import annotations

from .errors import InvalidHeaderError, PayloadError, SigningError
from .keys import sha256
from .urls import is_canonical_path, normalize_path, quote_path, unquote_to_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from hashlib import _Hash
    from typing import Union

    HeaderValue = Union[str, bytes, int]
    HeadersInput = Union[Mapping[str, HeaderValue], Iterable[tuple[str, HeaderValue]], None]

__all__ = [
    "ALGORITHM",
    "UNSIGNED_PAYLOAD",
    "EMPTY_SHA256",
    "canonical_uri",
    "canonical_query_string",
    "canonical_header_value",
    "collect_headers",
    "canonical_headers",
    "signed_headers",
    "canonical_request",
    "credential_scope",
    "string_to_sign",
    "check_payload_hash",
    "PAYLOAD_CONSTANTS",
    "check_name",
]

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#: The payload hashes that are not a SHA-256: unsigned and the aws-chunked modes.
PAYLOAD_CONSTANTS = frozenset(
    {
        UNSIGNED_PAYLOAD,
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    }
)
_LOWER_HEX = frozenset("0123456789abcdef")

# RFC 9110 token characters: what a header name may contain.
_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def canonical_uri(path: str, *, double_encode: bool, normalize: bool) -> str:
    """CanonicalURI.

    ``double_encode=True`` (generic services) encodes the path as given, so an
    existing ``%3A`` becomes ``%253A``.  ``False`` (S3) decodes escapes first
    and encodes each byte once.  ``normalize`` removes dot segments and
    collapses ``//`` (never for S3).
    """
    if double_encode:
        return quote_path(normalize_path(path) if normalize else (path or "/"))
    if not normalize and is_canonical_path(path):
        return path or "/"
    raw = unquote_to_bytes(path)
    if normalize:
        # latin-1 maps bytes 1:1 onto code points, so normalising the text
        # normalises the bytes ('/' and '.' are all it looks at).
        raw = normalize_path(raw.decode("latin-1")).encode("latin-1")
    return quote_path(raw or b"/")


def canonical_query_string(pairs: Iterable[tuple[str, str]]) -> str:
    """CanonicalQueryString from already SigV4-encoded pairs: sorted by key,
    then value, joined ``k=v&k=v``."""
    try:
        return "&".join([f"{k}={v}" for k, v in sorted(pairs)])
    except (TypeError, ValueError):
        pass  # raised below, outside the handler
    raise SigningError("pairs", "must be an iterable of (key, value) pairs of str")


def canonical_header_value(name: str, value: str) -> str:
    """Trim, unfold obsolete line folding (CRLF + spaces → one space) and
    collapse runs of spaces and tabs to one space.  A value is ASCII text
    (visible characters, spaces, tabs): any other CR, LF, control character
    or non-ASCII character is rejected, since it would let a value inject a
    header, or be sent as bytes whose encoding the signature cannot know."""
    if not isinstance(value, str):
        raise InvalidHeaderError(
            name if isinstance(name, str) else repr(name), f"value must be a str, not {type(value).__name__}"
        )
    if "\n" in value or "\r" in value:
        lines = value.replace("\r\n", "\n").split("\n")
        for line in lines[1:]:
            if not line or line[0] not in " \t":
                raise InvalidHeaderError(name, "value contains CR or LF that is not an obsolete line fold")
        if "\r" in value.replace("\r\n", ""):
            raise InvalidHeaderError(name, "value contains a bare CR")
        value = " ".join(lines)
    if not value.isascii():
        raise InvalidHeaderError(
            name,
            "value must be ASCII: HTTP sends header values as bytes in no agreed encoding "
            "(percent-encode non-ASCII text, as S3 expects for metadata)",
        )
    if not _PRINTABLE.issuperset(value):
        bad = next(ch for ch in value if ch not in _PRINTABLE)
        shown = "NUL" if bad == "\x00" else f"U+{ord(bad):04X}"
        raise InvalidHeaderError(name, f"value contains the control character {shown} (only visible ASCII, spaces and tabs)")
    return " ".join(value.split())


# What a header value may hold (RFC 9110 field-value, ASCII): visible characters, space, tab.
_PRINTABLE = frozenset(map(chr, range(0x20, 0x7F))) | {"\t"}


# An int header value up to 4000 digits (str() refuses past 4300).
_INT_LIMIT = 10**4000


def _header_text(name: str, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, int) and not isinstance(value, bool):
        number = int.__int__(value)  # the exact int, whatever a subclass's __str__ says
        if -_INT_LIMIT < number < _INT_LIMIT:
            return str(number)
        raise InvalidHeaderError(name, "value is an int too long to send (more than 4000 digits)")
    raise InvalidHeaderError(name, f"value must be str, bytes or int, not {type(value).__name__}")


def check_name(name: object) -> str:
    """``name`` if it is a header name (a non-empty HTTP token), else :class:`InvalidHeaderError`."""
    if not isinstance(name, str):
        raise InvalidHeaderError(repr(name), f"header name must be a str, not {type(name).__name__}")
    if not name:
        raise InvalidHeaderError("header name", "must not be empty")
    for ch in name:
        if ch not in _TCHAR:
            raise InvalidHeaderError(repr(name), "header name must be an HTTP token (ASCII letters, digits, !#$%&'*+-.^_`|~)")
    return name


def collect_headers(headers: HeadersInput) -> tuple[dict[str, str], dict[str, str]]:
    """Read a mapping or an iterable of ``(name, value)`` pairs.

    Returns ``(to_send, canonical)``: the headers to send (first spelling of
    each name, repeated values joined with ``,`` in order) and the canonical
    values keyed by lower-case name.  What is sent is what a server
    canonicalises to the same value: each value trimmed and unfolded (a
    server collapses the inner runs of spaces itself), so ``('x-a', 'a ')``
    and ``('x-a', 'b')`` are sent as ``a,b``, as they are signed.
    """
    to_send: dict[str, str] = {}
    canonical: dict[str, str] = {}
    spelling: dict[str, str] = {}
    if headers is None:
        return to_send, canonical
    items_of = getattr(headers, "items", None)
    items = items_of() if callable(items_of) else headers
    try:
        iterator = iter(items)
    except TypeError:
        iterator = None  # raised below, outside the handler: nothing chained
    if iterator is None or isinstance(headers, (str, bytes)):
        raise InvalidHeaderError("headers", "must be a mapping or an iterable of (name, value) pairs")
    for item in iterator:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InvalidHeaderError("headers", f"expected a (name, value) pair, got {repr(item)[:60]}")
        name, value = item
        name = check_name(name)
        text = _header_text(name, value)
        canon = canonical_header_value(name, text)
        sent = " ".join(text.replace("\r\n", "\n").split("\n")).strip(" \t") if "\n" in text else text.strip(" \t")
        lower = name.lower()
        if lower in canonical:
            canonical[lower] += "," + canon
            to_send[spelling[lower]] += "," + sent
        else:
            canonical[lower] = canon
            spelling[lower] = name
            to_send[name] = sent
    return to_send, canonical


def canonical_headers(headers: Mapping[str, str], names: Iterable[str]) -> str:
    """CanonicalHeaders: ``name:value\\n`` for each signed name, in order."""
    try:
        return "".join([f"{n}:{headers[n]}\n" for n in names])
    except (KeyError, TypeError, IndexError, AttributeError):
        pass  # raised below, outside the handler
    raise InvalidHeaderError("names", "must be an iterable of names that are keys of the headers mapping")


def signed_headers(names: Iterable[str]) -> str:
    """SignedHeaders: the sorted lower-case names joined with ``;``."""
    if isinstance(names, (str, bytes)):
        raise InvalidHeaderError("names", "must be an iterable of header names, not a single str")
    try:
        return ";".join(sorted(names))
    except TypeError:
        pass  # raised below, outside the handler
    raise InvalidHeaderError("names", "must be an iterable of header names (str)")


def canonical_request(
    method: str,
    canonical_uri: str,
    canonical_query_string: str,
    canonical_headers: str,
    signed_headers: str,
    payload_hash: str,
) -> str:
    """CanonicalRequest: the six parts joined by newlines (the headers block
    ends with its own newline, hence the blank line after it)."""
    return f"{method}\n{canonical_uri}\n{canonical_query_string}\n{canonical_headers}\n{signed_headers}\n{payload_hash}"


def credential_scope(date: str, region: str, service: str) -> str:
    """CredentialScope: ``YYYYMMDD/region/service/aws4_request``."""
    for field, value in (("date", date), ("region", region), ("service", service)):
        if not isinstance(value, str):
            raise SigningError(field, f"must be a str, not {type(value).__name__}")
    return f"{date}/{region}/{service}/aws4_request"


def string_to_sign(
    amz_date: str,
    credential_scope: str,
    canonical_request: str,
    algorithm: str = ALGORITHM,
    sha256: Callable[[bytes], _Hash] = sha256,
) -> str:
    """StringToSign: algorithm, timestamp, scope and the hex SHA-256 of the
    canonical request.  ``sha256`` is the hash constructor (the signer passes
    the one its day key uses: the built-in or OpenSSL's, same digests)."""
    try:
        data = canonical_request.encode("utf-8")
    except (AttributeError, UnicodeEncodeError):
        data = None  # raised below, outside the handler
    if data is None:
        rule = (
            "must be valid Unicode text (it contains a lone surrogate)" if isinstance(canonical_request, str) else "must be a str"
        )
        raise SigningError("canonical_request", rule)
    digest = sha256(data).hexdigest()
    return f"{algorithm}\n{amz_date}\n{credential_scope}\n{digest}"


def check_payload_hash(value: object, field: str = "payload_hash") -> str:
    """HashedPayload as given by a caller: 64 lower-case hex digits (a SHA-256)
    or one of :data:`PAYLOAD_CONSTANTS`; anything else would be sent in a
    header or signed as something no server computes."""
    if type(value) is str:
        if len(value) == 64 and _LOWER_HEX.issuperset(value):
            return value
        if value in PAYLOAD_CONSTANTS:
            return value
    shown = repr(value) if isinstance(value, str) and len(value) <= 80 else type(value).__name__
    raise PayloadError(
        field,
        f"must be 64 lower-case hex digits (the body's SHA-256) or one of {', '.join(sorted(PAYLOAD_CONSTANTS))}; got {shown}",
    )
