"""URL splitting and SigV4 percent-encoding, without importing ``urllib.parse``.

``urllib.parse`` pulls in ``re``, ``ipaddress`` and friends (~20 ms cold); the
signing path needs only a split and two encoders, written here with lookup
tables.  Everything works on UTF-8 bytes, so a ``%FF`` that is not valid UTF-8
survives a decode/encode round trip unchanged.
"""

from __future__ import annotations

from .errors import InvalidHeaderError, InvalidURLError

__all__ = [
    "escape_dot_segments",
    "split_url",
    "host_header",
    "check_host_header",
    "quote",
    "quote_path",
    "quote_wire_path",
    "unquote_to_bytes",
    "query_pairs",
    "normalize_path",
    "is_canonical_path",
    "is_utf8_text",
]

_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
# What may stand raw in a path on the wire (RFC 3986 pchar and "/"); escapes are handled apart.
_WIRE_PATH_SAFE = _UNRESERVED + b"/!$&'()*+,;=:@"


_ESCAPED = tuple(f"%{b:02X}" for b in range(256))


def _table(safe: bytes) -> tuple[str, ...]:
    """What each byte encodes to: itself if safe, else its escape."""
    table = list(_ESCAPED)
    for b in safe:
        table[b] = chr(b)
    return tuple(table)


_QUERY_TABLE = _table(_UNRESERVED)
_PATH_TABLE = _table(_UNRESERVED + b"/")
_WIRE_TABLE = _table(_WIRE_PATH_SAFE)
_PATH_SAFE = _UNRESERVED + b"/"


def _encode(data: bytes, table: tuple[str, ...], safe: bytes) -> str:
    # What needs escaping: the bytes left once the safe ones are deleted (in C).
    unsafe = data.translate(None, safe)
    if not unsafe:
        return data.decode("ascii")
    distinct = set(unsafe)
    if len(distinct) > 6:
        return "".join(map(table.__getitem__, data))
    # A few distinct bytes (a space, a plus): one C-speed str.replace each on
    # the latin-1 text (one char per byte); "%" first, so the escapes written
    # afterwards are not escaped again.
    text = data.decode("latin-1")
    if 0x25 in distinct:
        text = text.replace("%", "%25")
        distinct.discard(0x25)
    for byte in distinct:
        text = text.replace(chr(byte), table[byte])
    return text


# A path in canonical form has only unreserved characters, "/" and upper-case
# "%XX" escapes of the other bytes (what quote_path() writes).
_CANONICAL_PATH_CHARS = frozenset(_PATH_SAFE.decode("ascii") + "%")
_CANONICAL_ESCAPES = frozenset(escape[1:] for escape in _PATH_TABLE if len(escape) == 3)
# The same set as bytes, to delete with bytes.translate: an ASCII text is made only of
# these when nothing is left (one C call, 2x faster than frozenset.issuperset).
_CANONICAL_PATH_BYTES = "".join(sorted(_CANONICAL_PATH_CHARS)).encode("ascii")


def _refused(field: str, value: object) -> InvalidURLError:
    """The error for a value that is not text UTF-8 can encode; never quotes the value
    (it may be a session token)."""
    if isinstance(value, str):
        return InvalidURLError(field, "must be valid Unicode text (it contains a lone surrogate)")
    return InvalidURLError(field, f"must be a str, not {type(value).__name__}")


def is_canonical_path(path: str) -> bool:
    """Whether ``quote_path(unquote_to_bytes(path)) == path``, checked without
    decoding: true of most paths an HTTP client or SDK built."""
    if not isinstance(path, str):
        raise _refused("path", path)
    if not path.isascii() or path.encode("ascii").translate(None, _CANONICAL_PATH_BYTES):
        return False  # (= not _CANONICAL_PATH_CHARS.issuperset(path))
    if "%" not in path:
        return True
    for piece in path.split("%")[1:]:  # noqa: SIM110 - a plain loop is faster than all(generator)
        if piece[:2] not in _CANONICAL_ESCAPES:
            return False
    return True


def escape_dot_segments(path: str) -> str:
    """``path`` with its ``.`` and ``..`` segments written ``%2E`` and ``%2E%2E``.

    HTTP clients (requests, httpx, urllib3, browsers, curl) remove dot segments
    before sending (RFC 3986 5.2.4), but an S3 key may hold them: escaped, they
    reach the server as given, and it decodes them back (``/a/%2E%2E/b`` is the key
    ``a/../b``; its canonical URI is still ``/a/../b``)."""
    if "/." not in path:  # fast path: no segment can be a dot segment
        return path
    return "/".join("%2E" if part == "." else "%2E%2E" if part == ".." else part for part in path.split("/"))


def quote(value: str | bytes) -> str:
    """SigV4 URI-encoding: every byte but ``A-Za-z0-9-_.~`` becomes ``%XX``."""
    try:
        return _encode(value.encode("utf-8") if isinstance(value, str) else value, _QUERY_TABLE, _UNRESERVED)
    except (UnicodeEncodeError, AttributeError, TypeError):
        pass  # raised below, outside the handler: the UnicodeEncodeError holds the value
    raise _bytes_refused("value", value)


def quote_path(value: str | bytes) -> str:
    """As :func:`quote`, keeping ``/``."""
    try:
        return _encode(value.encode("utf-8") if isinstance(value, str) else value, _PATH_TABLE, _PATH_SAFE)
    except (UnicodeEncodeError, AttributeError, TypeError):
        pass  # raised below, outside the handler
    raise _bytes_refused("value", value)


def _bytes_refused(field: str, value: object) -> InvalidURLError:
    if isinstance(value, (str, bytes, bytearray)):
        return _refused(field, value)
    return InvalidURLError(field, f"must be a str or bytes, not {type(value).__name__}")


def quote_wire_path(value: str) -> str:
    """The path as it goes on the wire, in the one form HTTP clients send
    unchanged: characters that cannot stand raw in a URL path (space,
    non-ASCII, ``"<>\\^`{|}``) are escaped; existing ``%XX`` escapes are kept,
    upper-cased, except those of unreserved characters, which are decoded
    (``requests`` and ``httpx`` would decode them, RFC 3986 6.2.2); a ``%``
    that starts no escape becomes ``%25``."""
    try:
        data = value.encode("utf-8")
    except (UnicodeEncodeError, AttributeError, TypeError):
        data = None  # raised below, outside the handler
    if data is None or not isinstance(value, str):
        raise _refused("path", value)
    if b"%" not in data:
        return _encode(data, _WIRE_TABLE, _WIRE_PATH_SAFE)
    pieces = data.split(b"%")
    out = [_encode(pieces[0], _WIRE_TABLE, _WIRE_PATH_SAFE)]
    unhex = _UNHEX or _unhex_table()
    for piece in pieces[1:]:
        byte = unhex.get(piece[:2])
        if byte is None:
            out.append("%25")
            rest = piece
        else:
            out.append(byte.decode("ascii") if byte in _UNRESERVED_BYTES else _ESCAPED[byte[0]])
            rest = piece[2:]
        out.append(_encode(rest, _WIRE_TABLE, _WIRE_PATH_SAFE))
    return "".join(out)


_UNRESERVED_BYTES = frozenset(bytes((b,)) for b in _UNRESERVED)


# Every two-digit hex escape, either case (b"2b" -> b"+"), built on first use (a
# constant table, the same whoever builds it, filled by one dict.update): a cold start
# presigning a clean path never pays the ~80 us it takes.
_UNHEX: dict[bytes, bytes] = {}


def _unhex_table() -> dict[bytes, bytes]:
    if not _UNHEX:
        single = [bytes((b,)) for b in range(256)]
        value = {single[ord(c)]: int(c, 16) for c in "0123456789abcdefABCDEF"}
        _UNHEX.update({a + b: single[16 * va + vb] for a, va in value.items() for b, vb in value.items()})
    return _UNHEX


def unquote_to_bytes(value: str, plus_is_space: bool = False) -> bytes:
    """Decode ``%XX`` escapes (and ``+`` when ``plus_is_space``); a ``%`` not
    followed by two hex digits stays a literal ``%``."""
    try:
        data = value.encode("utf-8")
    except (UnicodeEncodeError, AttributeError, TypeError):
        data = None  # raised below, outside the handler
    if data is None or not isinstance(value, str):
        raise _refused("value", value)
    if plus_is_space and b"+" in data:
        data = data.replace(b"+", b" ")
    if b"%" not in data:
        return data
    unhex = _UNHEX or _unhex_table()
    # Every piece after the first began with "%": decode its first two bytes.
    pieces = data.split(b"%")
    for i in range(1, len(pieces)):
        piece = pieces[i]
        byte = unhex.get(piece[:2])
        pieces[i] = b"%" + piece if byte is None else byte + piece[2:]
    return b"".join(pieces)


def query_pairs(query: str) -> list[tuple[str, str]]:
    """Split a raw query string into SigV4-encoded ``(key, value)`` pairs, in order.

    ``+`` is a space (as ``requests`` and ``urlencode`` write it) and becomes
    ``%20``; a literal plus arrives as ``%2B`` and stays so.  ``a=b=c`` is key
    ``a`` with value ``b=c``; a bare ``flag`` has the empty value; repeated keys
    are all kept.
    """
    pairs: list[tuple[str, str]] = []
    if not isinstance(query, str):
        raise _refused("query", query)
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
    if not isinstance(path, str):
        raise _refused("path", path)
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
    the fragment is never sent, so it is dropped.

    The netloc comes back in the form that is sent: the host checked to be a
    DNS name, an IPv4 address or a bracketed IPv6 literal (an internationalised
    name IDNA-encoded; the case kept as given, as botocore keeps it: the signed
    ``host`` is lower case, and HTTP clients send it so), and the port, if any,
    ASCII digits.  Anything else is :class:`~sigv4.core.errors.InvalidURLError`."""
    if not isinstance(url, str):
        raise InvalidURLError("url", f"must be a str, not {type(url).__name__}")
    if not url.isascii() and not is_utf8_text(url):
        raise InvalidURLError("url", "is not valid Unicode text (it contains a lone surrogate)")
    scheme, sep, rest = url.partition("://")
    if not sep or (scheme != "https" and scheme != "http"):
        if (
            not sep
            or not scheme
            or not scheme.isascii()
            or not scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()
        ):
            raise InvalidURLError("url", "must be absolute (scheme://host/path), got a relative URL")
        scheme = scheme.lower()
    if "#" in rest:
        rest = rest.partition("#")[0]
    # The host ends at the first "/" or "?", whichever comes first.
    cut = rest.find("/")
    if cut == -1:
        cut = len(rest)
    question = rest.find("?", 0, cut)
    if question != -1:
        cut = question
    netloc, rest = rest[:cut], rest[cut:]
    path, _, query = rest.partition("?")
    # A plain lower-case name needs no work (= _PLAIN_HOST.issuperset(netloc), on bytes).
    if not netloc or not netloc.isascii() or netloc.encode("ascii").translate(None, _PLAIN_HOST_BYTES):
        netloc = _check_netloc(netloc)
    return scheme, netloc, path, query


def is_utf8_text(text: str) -> bool:
    """Whether UTF-8 can encode ``text``: false only for a lone surrogate (``'\\ud800'``).
    The encoder's exception (its ``.object`` is the text) is dropped here, never chained."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_DEFAULT_PORTS = {"http": "80", "https": "443"}
_PLAIN_HOST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_PLAIN_HOST_BYTES = "".join(sorted(_PLAIN_HOST)).encode("ascii")
_HOST_CHARS = _PLAIN_HOST | {"_"}
_IPV6_CHARS = frozenset("0123456789abcdef:.")
# RFC 3986 userinfo: unreserved, sub-delims, ":" and escapes.
_USERINFO_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:%")


def _idna(host: str) -> str:
    """An internationalised host name as it goes on the wire (``xn--`` labels)."""
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        encoded = None  # raised below, outside the handler: nothing chained
    if encoded is None:
        raise InvalidURLError("url", "host is not a valid internationalised domain name")
    return encoded.decode("ascii")


def _check_netloc(netloc: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    if at and not _USERINFO_CHARS.issuperset(userinfo):
        raise InvalidURLError("url", "user information before '@' contains characters a URL cannot carry")
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1:
            raise InvalidURLError("url", "has an IPv6 host without its closing ']'")
        host, rest = hostport[: end + 1], hostport[end + 1 :]
        if not _IPV6_CHARS.issuperset(host[1:-1].lower()) or host.count(":") < 2:
            raise InvalidURLError("url", f"host {host!r} is not an IPv6 address")
        if rest and rest[0] != ":":
            raise InvalidURLError("url", "has characters after the IPv6 host that are not a port")
        port: str | None = rest[1:] if rest else None
    else:
        host, colon, port_text = hostport.partition(":")
        port = port_text if colon else None
        if not host.isascii():
            host = _idna(host)
        if not host.isprintable() or " " in host:
            raise InvalidURLError("url", "host contains whitespace or control characters")
        if not _HOST_CHARS.issuperset(host.lower()):
            raise InvalidURLError("url", f"host {host!r} may contain only letters, digits, '-', '.' and '_'")
    if not host:
        raise InvalidURLError("url", "has no host")
    if port is not None and (not port.isascii() or not port.isdigit() or len(port.lstrip("0")) > 5 or int(port) > 65535):
        raise InvalidURLError("url", f"port {port!r} is not a number from 0 to 65535")
    if port is not None:
        port = str(int(port))  # the number HTTP clients send in Host: ':08400' is ':8400'
    return f"{userinfo}{at}{host}" + (f":{port}" if port is not None else "")


def check_host_header(value: str) -> str:
    """A ``Host`` header given by the caller: ``host[:port]`` under the URL's host rules
    (no user information; one host, not a list), returned as it is to be sent and signed
    (the port as a number; the case kept, as servers sign the value received)."""
    if "@" in value or "," in value:
        raise InvalidHeaderError("Host", f"{value!r} is not a host[:port]")
    try:
        checked = _check_netloc(value)
    except InvalidURLError as exc:
        rule = exc.rule
    else:
        return checked
    raise InvalidHeaderError("Host", rule)


def host_header(scheme: str, netloc: str) -> str:
    """The Host header an HTTP client sends for this URL (a netloc from
    :func:`split_url`): no userinfo, and the port only when it is not the
    scheme's default."""
    if (type(scheme) is not str or type(netloc) is not str) and (not isinstance(scheme, str) or not isinstance(netloc, str)):
        raise _refused("scheme", scheme) if not isinstance(scheme, str) else _refused("netloc", netloc)
    if ":" not in netloc and "@" not in netloc:
        return netloc.lower()
    host = netloc.rpartition("@")[2].lower()
    if host.startswith("["):  # IPv6 literal: [::1]:8080
        end = host.find("]")
        name, port = host[: end + 1], host[end + 2 :] if host[end + 1 : end + 2] == ":" else ""
    else:
        name, _, port = host.partition(":")
    if not port or port == _DEFAULT_PORTS.get(scheme):
        return name
    return f"{name}:{port}"
