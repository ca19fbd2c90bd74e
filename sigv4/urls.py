"""URL splitting and SigV4 percent-encoding, without importing ``urllib.parse``.

``urllib.parse`` pulls in ``re``, ``ipaddress`` and friends (~20 ms cold); the
signing path needs only a split and two encoders, written here with lookup
tables.  Everything works on UTF-8 bytes, so a ``%FF`` that is not valid UTF-8
survives a decode/encode round trip unchanged.
"""

from __future__ import annotations

from .errors import InvalidURLError

__all__ = [
    "split_url",
    "host_header",
    "quote",
    "quote_path",
    "quote_wire_path",
    "unquote_to_bytes",
    "query_pairs",
    "normalize_path",
]

_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
# What may stand raw in a path on the wire (RFC 3986 pchar + "/" + existing escapes).
_WIRE_PATH_SAFE = _UNRESERVED + b"/!$&'()*+,;=:@%"


def _table(safe: bytes) -> tuple[str, ...]:
    return tuple(chr(b) if b in safe else f"%{b:02X}" for b in range(256))


_QUERY_TABLE = _table(_UNRESERVED)
_PATH_TABLE = _table(_UNRESERVED + b"/")
_WIRE_TABLE = _table(_WIRE_PATH_SAFE)
_PATH_SAFE = _UNRESERVED + b"/"


def _encode(data: bytes, table: tuple[str, ...], safe: bytes) -> str:
    # Fast path: nothing to escape (bytes.translate with delete= runs in C).
    if not data.translate(None, safe):
        return data.decode("ascii")
    return "".join(map(table.__getitem__, data))


def quote(value: str | bytes) -> str:
    """SigV4 URI-encoding: every byte but ``A-Za-z0-9-_.~`` becomes ``%XX``."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return _encode(data, _QUERY_TABLE, _UNRESERVED)


def quote_path(value: str | bytes) -> str:
    """As :func:`quote`, keeping ``/``."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return _encode(data, _PATH_TABLE, _PATH_SAFE)


def quote_wire_path(value: str) -> str:
    """Escape what cannot stand raw in a URL path (space, non-ASCII, ``"<>\\^`{|}``),
    leaving characters and ``%XX`` escapes that can."""
    return _encode(value.encode("utf-8"), _WIRE_TABLE, _WIRE_PATH_SAFE)


_HEX = b"0123456789abcdefABCDEF"
_UNHEX = {bytes((a, b)): bytes((int(bytes((a, b)), 16),)) for a in _HEX for b in _HEX}


def unquote_to_bytes(value: str, plus_is_space: bool = False) -> bytes:
    """Decode ``%XX`` escapes (and ``+`` when ``plus_is_space``); a ``%`` not
    followed by two hex digits stays a literal ``%``."""
    data = value.encode("utf-8")
    if plus_is_space and b"+" in data:
        data = data.replace(b"+", b" ")
    if b"%" not in data:
        return data
    first, *rest = data.split(b"%")
    out = [first]
    for chunk in rest:
        byte = _UNHEX.get(chunk[:2])
        if byte is None:
            out.append(b"%")
            out.append(chunk)
        else:
            out.append(byte)
            out.append(chunk[2:])
    return b"".join(out)


def query_pairs(query: str) -> list[tuple[str, str]]:
    """Split a raw query string into SigV4-encoded ``(key, value)`` pairs, in order.

    ``+`` is a space (as ``requests`` and ``urlencode`` write it) and becomes
    ``%20``; a literal plus arrives as ``%2B`` and stays so.  ``a=b=c`` is key
    ``a`` with value ``b=c``; a bare ``flag`` has the empty value; repeated keys
    are all kept.
    """
    pairs: list[tuple[str, str]] = []
    if not query:
        return pairs
    for piece in query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        pairs.append((quote(unquote_to_bytes(key, True)), quote(unquote_to_bytes(value, True))))
    return pairs


def normalize_path(path: str) -> str:
    """Remove ``.``/``..`` segments and collapse runs of ``/`` (RFC 3986 5.2.4 as
    AWS's generic services apply it).  A trailing ``/`` is kept; a trailing
    ``.`` or ``..`` segment leaves none, as botocore does."""
    if not path:
        return "/"
    out: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
        else:
            out.append(segment)
    first = "/" if path[0] == "/" else ""
    last = "/" if path[-1] == "/" and out else ""
    return first + "/".join(out) + last


def split_url(url: str) -> tuple[str, str, str, str]:
    """``scheme://netloc/path?query#fragment`` → ``(scheme, netloc, path, query)``;
    the fragment is never sent, so it is dropped."""
    if not isinstance(url, str):
        raise InvalidURLError("url", f"must be a str, not {type(url).__name__}")
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme or not scheme.isascii() or not scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        raise InvalidURLError("url", "must be absolute (scheme://host/path), got a relative URL")
    rest = rest.partition("#")[0]
    cut = len(rest)
    for ch in "/?":
        i = rest.find(ch)
        if i != -1 and i < cut:
            cut = i
    netloc, rest = rest[:cut], rest[cut:]
    path, _, query = rest.partition("?")
    if not netloc.rpartition("@")[2]:
        raise InvalidURLError("url", "has no host")
    for ch in netloc:
        if ch in " \t\r\n\x00/\\":
            raise InvalidURLError("url", "host contains whitespace or control characters")
    return scheme.lower(), netloc, path, query


_DEFAULT_PORTS = {"http": "80", "https": "443"}


def host_header(scheme: str, netloc: str) -> str:
    """The Host header an HTTP client sends for this URL: no userinfo, lower
    case, and the port only when it is not the scheme's default."""
    host = netloc.rpartition("@")[2].lower()
    if host.startswith("["):  # IPv6 literal: [::1]:8080
        end = host.find("]")
        name, port = host[: end + 1], host[end + 2 :] if host[end + 1 : end + 2] == ":" else ""
    else:
        name, _, port = host.partition(":")
    if not port or port == _DEFAULT_PORTS.get(scheme):
        return name
    if not port.isdigit():
        raise InvalidURLError("url", f"port {port!r} is not a number")
    return f"{name}:{port}"
