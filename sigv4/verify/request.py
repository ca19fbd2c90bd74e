"""The request as received, read into the canonical request's inputs, for
:mod:`sigv4.verify.verifier` (and :mod:`sigv4.verify.post`, :mod:`sigv4.verify.chunked`):
the request target split into path, raw query and host (:func:`split_target`), the
canonical header values by lower-case name (:func:`request_headers`), the query's
pairs (:func:`signed_query_pairs`, :func:`query_value`) and the body's hash
(:func:`hash_body`, :func:`is_sha256_hex`).

Where it sits: these are the inputs of the spec's canonical request, taken from the
request rather than built for it; what the request says about its own signature
(the ``Authorization`` header, the ``X-Amz-*`` query parameters, the dates and the
credential scope) is read by :mod:`sigv4.verify.parse`, which re-exports every name
here.  A malformed request raises :class:`sigv4.VerificationError` (``InvalidRequest``).
"""

from __future__ import annotations

from hashlib import sha256 as _sha256

from ..core.canonical import EMPTY_SHA256, canonical_header_value
from ..core.errors import PayloadError, SigningError, VerificationError
from ..core.urls import host_header, query_pairs, split_url, unquote_to_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..core.canonical import HeadersInput

__all__ = [
    "hash_body",
    "is_sha256_hex",
    "query_value",
    "request_headers",
    "signed_query_pairs",
    "split_target",
]


_HEX = frozenset("0123456789abcdef")
_BLOCK = 1 << 20


def is_sha256_hex(value: str) -> bool:
    return len(value) == 64 and _HEX.issuperset(value)


def hash_body(body: object) -> str:
    """Hex SHA-256 of a body given as bytes, a binary file or an iterable of bytes,
    read in 1 MiB blocks (constant memory)."""
    if body is None or body == b"":
        return EMPTY_SHA256
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return _sha256(body).hexdigest()
    h = _sha256()
    read = getattr(body, "read", None)
    if read is not None:
        while True:
            block = read(_BLOCK)
            if not block:
                break
            if isinstance(block, str):
                raise PayloadError("body", "file is opened in text mode; open it in binary mode ('rb')")
            h.update(block)
        return h.hexdigest()
    if not hasattr(body, "__iter__"):
        raise PayloadError("body", f"must be bytes, a binary file or an iterable of bytes, not {type(body).__name__}")
    for piece in body:
        if not isinstance(piece, (bytes, bytearray, memoryview)):
            raise PayloadError("body", f"iterator must yield bytes, not {type(piece).__name__}")
        h.update(piece)
    return h.hexdigest()


def query_value(value: str) -> str:
    return unquote_to_bytes(value).decode("utf-8", "replace") if "%" in value or "+" in value else value


_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
_QUERY_CHARS = frozenset(_UNRESERVED + "%=&")
# The escapes SigV4 encoding writes: upper-case, of bytes that are not unreserved.
_QUERY_ESCAPES = frozenset(f"{b:02X}" for b in range(256) if chr(b) not in _UNRESERVED)


def signed_query_pairs(query: str) -> list[tuple[str, str]]:
    """:func:`sigv4.core.urls.query_pairs`, skipping the decode/encode round trip for a
    query already in SigV4 encoding (what signers send: it comes back unchanged)."""
    if not query:
        return []
    if _QUERY_CHARS.issuperset(query):
        escapes = query.split("%")
        for i in range(1, len(escapes)):
            if escapes[i][:2] not in _QUERY_ESCAPES:
                return query_pairs(query)
        pairs = []
        for piece in query.split("&"):
            if piece:
                key, _, value = piece.partition("=")
                if "=" in value:  # encoded as %3D by the spec step
                    return query_pairs(query)
                pairs.append((key, value))
        return pairs
    return query_pairs(query)


def split_target(url: str) -> tuple[str, str, str | None]:
    """(path, raw query, host from the URL or None) of a request target or full URL."""
    if not isinstance(url, str):
        raise SigningError("url", f"must be a str, not {type(url).__name__}")
    if "://" not in url.partition("?")[0]:
        path, _, query = url.partition("?")
        return path, query.partition("#")[0], None
    problem = None
    try:
        scheme, netloc, path, query = split_url(url)
        host = host_header(scheme, netloc)
    except SigningError as exc:
        problem = exc.rule
    if problem is not None:
        raise VerificationError("InvalidRequest", f"url: {problem}")
    return path, query, host


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def request_headers(headers: HeadersInput) -> dict[str, str]:
    """Canonical header values by lower-case name (repeated names joined with
    ``,``), as :func:`sigv4.core.canonical.collect_headers` computes them; a value
    already in canonical form (the usual case) skips the trimming."""
    canon: dict[str, str] = {}
    if headers is None:
        return canon
    items = headers.items() if hasattr(headers, "items") else headers
    problem = None
    try:
        for name, value in items:
            if type(value) is not str:
                value = value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(int(value))
            if not name or not _TOKEN_CHARS.issuperset(name):
                problem = f"name {name!r} is not an HTTP token"
                break
            if " ".join(value.split()) != value:  # not canonical already (canonical_header_value's last step)
                value = canonical_header_value(name, value)
            if "\x00" in value:
                problem = f"{name}: value contains NUL"
                break
            lower = name.lower()
            canon[lower] = canon[lower] + "," + value if lower in canon else value
    except SigningError as exc:
        problem = str(exc)
    except (TypeError, ValueError, AttributeError):
        problem = "headers must be a mapping or (name, value) pairs of strings"
    if problem is not None:
        raise VerificationError("InvalidRequest", f"header {problem}")
    return canon
