"""What is sent is what was signed: a server rebuilds the canonical request from the
wire request alone (the URL as sent, the headers as sent, the body) and must get exactly
``SignedRequest.canonical_request``, for every input the signer accepts.

Two independent rebuilds, neither using sigv4's code:
* botocore's canonicaliser pieces applied to the wire request (``_normalize_url_path``:
  the path encoded a second time and normalised for generic services, used as received
  for S3; ``_canonical_query_string_url``; ``_header_value``);
* a server written here with ``urllib.parse``: it decodes what it received and encodes it
  again per the SigV4 rules (once for S3, twice for the generic services' path).

Inputs are arbitrary: raw Unicode, spaces, ``%`` with and without hex, dot segments,
repeated and padded headers, hosts in any case, IDN and IPv6 hosts, ports, tokens, both
services and both signature locations.  A refusal must be a ``SigningError``.
"""

from __future__ import annotations

import copy
import hashlib
import posixpath
from datetime import datetime, timezone
from urllib.parse import quote, unquote_to_bytes, urlsplit

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.credentials import Credentials as BotoCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=timezone.utc)
_BOTO_CREDS = BotoCredentials("AKIDEXAMPLE", "secret")
_BOTO = {True: S3SigV4Auth(_BOTO_CREDS, "s3", "us-east-1"), False: SigV4Auth(_BOTO_CREDS, "service", "us-east-1")}

# Pieces of a URL after the host: anything a caller may type, valid or not.
URL_PIECES = [
    *"aZ09-_.~/",
    "/",
    "//",
    "/./",
    "/../",
    "..",
    "%",
    "%2F",
    "%2f",
    "%41",
    "%7e",
    "%E1%88%B4",
    "%zz",
    "%2",
    "%25",
    " ",
    "+",
    "=",
    "&",
    "?",
    "#",
    ";",
    ",",
    "'",
    "!",
    "*",
    "(",
    ")",
    "@",
    "$",
    ":",
    '"',
    "<",
    ">",
    "\\",
    "^",
    "`",
    "{",
    "|",
    "}",
    "[",
    "]",
    "é",
    "ሴ",
    "😀",
    "\t",
    "\x00",
    "\x7f",
    "\ud800",
]
HOSTS = [
    ("https", "example.amazonaws.com"),
    ("https", "Example.COM"),
    ("https", "bucket.s3.us-east-1.amazonaws.com"),
    ("http", "127.0.0.1:9000"),
    ("https", "example.com:443"),
    ("http", "example.com:80"),
    ("https", "EXAMPLE.com:8443"),
    ("http", "[::1]:9000"),
    ("http", "[::1]"),
    ("https", "exämple.com"),
    ("https", "user@example.com"),
    ("https", "a_b.example.com"),
    ("http", "127.0.0.1:09000"),  # clients send the number: Host 127.0.0.1:9000
    ("https", "example.com:00443"),
    # Refused: empty, unterminated, stray characters, non-ASCII digits, controls, spaces.
    ("https", ":443"),
    ("https", "[::1"),
    ("https", "user@:80"),
    ("https", "example.com+"),
    ("https", "example.com("),
    ("https", "example.com:١٢"),
    ("https", "exa\x01mple.com"),
    ("https", "exa mple.com"),
    ("https", "example.com:"),
    ("https", "example.com:99999"),
]
HEADER_NAMES = st.sampled_from(["X-A", "x-a", "x-amz-meta-k", "Content-Type", "x-b", "Range", "X-Custom-Thing"])
# Values the signer accepts (refused ones: test_header_values_that_are_refused).
HEADER_VALUE_PIECES = st.sampled_from([*"aB1=,;\"'", " ", "  ", "\t", "\r\n ", "value"])
header_values = st.lists(HEADER_VALUE_PIECES, max_size=6).map("".join)
headers = st.lists(st.tuples(HEADER_NAMES, header_values), max_size=5)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, object]:
    scheme, host = draw(st.sampled_from(HOSTS[:14]) if draw(st.integers(0, 9)) else st.sampled_from(HOSTS))
    pieces = URL_PIECES if not draw(st.integers(0, 19)) else URL_PIECES[:-1]  # a lone surrogate now and then
    tail = "".join(draw(st.lists(st.sampled_from(pieces), max_size=14)))
    s3 = draw(st.booleans())
    return {
        "method": draw(st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"])),
        "url": f"{scheme}://{host}{'/' if draw(st.integers(0, 9)) else ''}{tail}",
        "headers": draw(headers),
        "body": draw(st.sampled_from([b"", b"hello", "text é"])),
        "token": draw(st.sampled_from([None, "TOKEN+/=abc"])),
        "s3": s3,
        "normalize": draw(st.sampled_from([None, True, False])),
        "presign": draw(st.booleans()),
    }


def _host_from_url(url: str) -> str:
    """The Host an HTTP client sends for the URL: no user information, the port only
    when it is not the scheme's default, lower case (urllib3, httpx and botocore all
    lower-case it; the host is case-insensitive, RFC 9110 4.2.3)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2].lower()
    host = netloc[: netloc.index("]") + 1] if netloc.startswith("[") else netloc.partition(":")[0]
    port = parts.port  # read as a number, as clients do: ':09000' is sent as ':9000'
    return host if port is None or port == {"http": 80, "https": 443}[parts.scheme] else f"{host}:{port}"


def client_path(path: str) -> str:
    """The path an HTTP client sends (requests, httpx, urllib3, browsers, curl): dot
    segments removed, RFC 3986 5.2.4 (``%2E`` is not a dot)."""
    kept: list[str] = []
    parts = path.split("/")
    for part in parts:
        if part == "..":
            if len(kept) > 1:
                kept.pop()
        elif part != ".":
            kept.append(part)
    if parts[-1] in (".", ".."):
        kept.append("")
    return "/".join(kept) if len(kept) > 1 else "/"


def as_sent(signed: sigv4.SignedRequest) -> sigv4.SignedRequest:
    """``signed`` with its URL as the client puts it on the wire."""
    parts = urlsplit(signed.url)
    sent = copy.copy(signed)
    sent.url = signed.url.replace(parts.path, client_path(parts.path), 1) if parts.path else signed.url
    return sent


def _wire_headers(signed: sigv4.SignedRequest) -> dict[str, str]:
    received = {name.lower(): value for name, value in signed.headers.items()}
    received.setdefault("host", _host_from_url(signed.url))
    return received


def _signed_names(signed: sigv4.SignedRequest, presigned: bool) -> list[str]:
    if presigned:
        query = dict(piece.split("=", 1) for piece in urlsplit(signed.url).query.split("&"))
        return unquote_to_bytes(query["X-Amz-SignedHeaders"]).decode().split(";")
    auth = signed.headers["Authorization"]
    return auth.split("SignedHeaders=")[1].split(",")[0].split(";")


def _payload(signed: sigv4.SignedRequest, received: dict[str, str], s3: bool, presigned: bool) -> str:
    if "x-amz-content-sha256" in received:
        return received["x-amz-content-sha256"]
    query = urlsplit(signed.url).query
    if presigned and s3 and "X-Amz-Content-Sha256=" not in query:
        return "UNSIGNED-PAYLOAD"
    body = signed.body.encode() if isinstance(signed.body, str) else signed.body
    assert isinstance(body, bytes)
    return hashlib.sha256(body).hexdigest()


def _query_as_received(url: str, presigned: bool) -> str:
    query = urlsplit(url).query
    if presigned:
        query = "&".join(p for p in query.split("&") if not p.startswith("X-Amz-Signature="))
    return query


def botocore_rebuild(signed: sigv4.SignedRequest, s3: bool, presigned: bool) -> str:
    auth = _BOTO[s3]
    received = _wire_headers(signed)
    names = _signed_names(signed, presigned)
    url = signed.url.split("?")[0] + ("?" + _query_as_received(signed.url, presigned) if urlsplit(signed.url).query else "")
    path = urlsplit(signed.url).path
    if s3:  # S3 decodes the received path once (%2E is '.'); botocore signs the path it is given
        path = quote(unquote_to_bytes(path), safe="/~")
    return "\n".join(
        [
            signed.method,
            auth._normalize_url_path(path),
            auth._canonical_query_string_url(urlsplit(url)),
            "".join(f"{n}:{auth._header_value(received[n])}\n" for n in names),
            ";".join(names),
            _payload(signed, received, s3, presigned),
        ]
    )


def _sigv4_quote(data: bytes, safe: str = "") -> str:
    return quote(data, safe="-_.~" + safe)


def _remove_dot_segments(path: str) -> str:
    """What a generic AWS service does to the received path: dot segments and empty
    segments removed, a trailing slash kept."""
    out = posixpath.normpath(path) if path else "/"
    out = "/" + out.lstrip("/") if out != "." else "/"
    if path.endswith("/") and out != "/":
        out += "/"
    return out


def server_rebuild(signed: sigv4.SignedRequest, s3: bool, presigned: bool, normalize: bool) -> str:
    parts = urlsplit(signed.url)
    path = parts.path or "/"
    if s3:
        decoded = unquote_to_bytes(path)
        if normalize:
            decoded = _remove_dot_segments(decoded.decode("latin-1")).encode("latin-1")
        canonical_path = _sigv4_quote(decoded, "/")
    else:
        canonical_path = _sigv4_quote((_remove_dot_segments(path) if normalize else path).encode(), "/")
    pairs = []
    for piece in _query_as_received(signed.url, presigned).split("&"):
        if piece:
            key, _, value = piece.partition("=")
            pairs.append((_sigv4_quote(unquote_to_bytes(key)), _sigv4_quote(unquote_to_bytes(value))))
    received = _wire_headers(signed)
    names = _signed_names(signed, presigned)
    return "\n".join(
        [
            signed.method,
            canonical_path,
            "&".join(f"{k}={v}" for k, v in sorted(pairs)),
            "".join(f"{n}:{' '.join(received[n].split())}\n" for n in names),
            ";".join(names),
            _payload(signed, received, s3, presigned),
        ]
    )


COUNTS = {"signed": 0, "refused": 0}


def check_wire(case: dict[str, object]) -> None:
    s3 = bool(case["s3"])
    creds = sigv4.Credentials("AKIDEXAMPLE", "secret", case["token"])  # type: ignore[arg-type]
    signer = sigv4.Signer(creds, "us-east-1", "s3" if s3 else "service", normalize_path=case["normalize"])  # type: ignore[arg-type]
    presigned = bool(case["presign"])
    try:
        if presigned:
            signed = signer.presign(case["method"], case["url"], 300, case["headers"], case["body"], now=NOW)  # type: ignore[arg-type]
        else:
            signed = signer.sign(case["method"], case["url"], case["headers"], case["body"], now=NOW)  # type: ignore[arg-type]
    except sigv4.SigningError:
        COUNTS["refused"] += 1
        return
    COUNTS["signed"] += 1
    url = signed.url
    assert url.isascii() and url.isprintable() and " " not in url, url
    for name, value in signed.headers.items():
        assert value.isascii() and "\r" not in value and "\n" not in value, (name, value)
    normalize = signer.settings.normalize_path
    if s3 or normalize:
        # The client removes dot segments.  (A generic service that does not normalise is
        # sent its dot segments raw, as AWS's suite has it: it needs a client that keeps them.)
        signed = as_sent(signed)
    if normalize != s3:  # botocore's generic signer always normalises, its S3 signer never does
        assert botocore_rebuild(signed, s3, presigned) == signed.canonical_request
    assert server_rebuild(signed, s3, presigned, normalize) == signed.canonical_request


@settings(max_examples=1500)
@given(requests())
def test_a_server_rebuilding_from_the_wire_gets_our_canonical_request(case: dict[str, object]) -> None:
    check_wire(case)


def test_the_property_saw_both_outcomes() -> None:
    """The generator reaches signed and refused inputs alike (run after the property)."""
    for case in (
        {"method": "GET", "url": "https://h.example.com/ü", "s3": False, "presign": False},
        {"method": "GET", "url": "https://exämple.com/", "s3": True, "presign": True},
        {"method": "GET", "url": "https://example.com+/", "s3": True, "presign": False},
    ):
        check_wire({"headers": [], "body": b"", "token": None, "normalize": None, **case})
    assert COUNTS["signed"] >= 2 and COUNTS["refused"] >= 1


# -- the breaks found in review, one regression test each ------------------------------------


def _generic() -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "execute-api")


def test_raw_characters_in_a_generic_path_are_signed_as_the_server_sees_them() -> None:
    for path, wire, canonical in (
        ("/ü", "/%C3%BC", "/%25C3%25BC"),
        ("/a b", "/a%20b", "/a%2520b"),
        ("/ü%41", "/%C3%BCA", "/%25C3%25BCA"),  # %41 is 'A': decoded, as requests would
        ("/100%", "/100%25", "/100%2525"),  # a '%' that starts no escape
        ("/a%2fb", "/a%2Fb", "/a%252Fb"),
    ):
        signed = _generic().sign("GET", f"https://h.example.com{path}", now=NOW)
        assert urlsplit(signed.url).path == wire
        assert signed.canonical_request.split("\n")[1] == canonical
        case = {"method": "GET", "url": f"https://h.example.com{path}", "headers": [], "body": b"", "token": None}
        check_wire({**case, "s3": False, "normalize": None, "presign": False})


def test_repeated_headers_with_padding_are_sent_as_signed() -> None:
    signed = _generic().sign("GET", "https://h.example.com/", headers=[("x-a", "a "), ("x-a", "b")], now=NOW)
    assert "x-a:a,b\n" in signed.canonical_request
    assert signed.headers["x-a"] == "a,b"


def test_malformed_hosts_are_refused() -> None:
    for url in (
        "https://:443/k",
        "https://[::1/k",
        "https://user@:80/k",
        "https://example.com+/",
        "https://example.com(/",
        "https://example.com:١٢/",
        "https://exa\x01mple.com/",
        "https://exa\x7fmple.com/",
        "https://exa\nmple.com/",
        "https://[zz::1]/",
        "https://example.com:65536/",
    ):
        for sign in (_generic().sign, lambda m, u: _generic().presign(m, u, 60)):
            try:
                sign("GET", url)
            except sigv4.InvalidURLError as exc:
                assert exc.field == "url"
            else:
                raise AssertionError(f"{url!r} was signed")


def test_an_idn_host_is_signed_and_sent_in_its_ascii_form() -> None:
    signed = _generic().presign("GET", "https://exämple.com/", 60, now=NOW)
    assert signed.url.startswith("https://xn--exmple-cua.com/?")
    assert "host:xn--exmple-cua.com\n" in signed.canonical_request


def test_header_values_that_are_refused() -> None:
    """Non-ASCII (sent as bytes in no agreed encoding) and control characters."""
    for value in ("é", "a\x00b", "a\x0bb", "\ud800", b"\xff"):
        try:
            _generic().sign("GET", "https://h.example.com/", headers={"x-a": value})
        except sigv4.InvalidHeaderError as exc:
            assert exc.field == "x-a"
        else:
            raise AssertionError(f"{value!r} was signed")


def test_payload_hash_is_checked() -> None:
    for bad in (
        "abc\r\nX-Evil: 1",
        "ABC",
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "",
        5,
        "STREAMING-X",
    ):
        for s3 in (True, False):
            signer = sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "s3" if s3 else "service")
            try:
                signer.sign("PUT", "https://h.example.com/k", payload_hash=bad)  # type: ignore[arg-type]
            except sigv4.PayloadError as exc:
                assert exc.field == "payload_hash"
            else:
                raise AssertionError(f"payload_hash={bad!r} was accepted")
    ok = sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
    for good in (
        "UNSIGNED-PAYLOAD",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ):
        assert ok.sign("PUT", "https://h.example.com/k", payload_hash=good).headers["x-amz-content-sha256"] == good


def test_a_payload_hash_without_its_header_is_refused_for_s3() -> None:
    """No S3 server can rebuild a hash the URL does not carry (UNSIGNED-PAYLOAD is what they
    sign); the signed header is the way (tests/e2e/test_e2e_wire_forms.py)."""
    signer = sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
    with pytest.raises(sigv4.PayloadError) as info:
        signer.presign("PUT", "https://b.s3.amazonaws.com/k", 60, payload_hash="a" * 64)
    assert info.value.field == "payload_hash" and info.value.__context__ is None
    strict = sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "s3", presign_unsigned_payload=False)
    with pytest.raises(sigv4.PayloadError):
        strict.presign("PUT", "https://b.s3.amazonaws.com/k", 60, body=b"hello")


# -- the breaks found in the second review, one regression test each ----------------------------


def _s3() -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "secret"), "us-east-1", "s3")


def test_a_port_with_leading_zeros_is_sent_and_signed_as_its_number() -> None:
    for url, sent, host in (
        ("http://127.0.0.1:08400/a", "http://127.0.0.1:8400/a", "127.0.0.1:8400"),
        ("https://h.example.com:00443/a", "https://h.example.com:443/a", "h.example.com"),
    ):
        for signer in (_s3(), _generic()):
            signed = signer.sign("GET", url, now=NOW)
            assert signed.url == sent and f"\nhost:{host}\n" in signed.canonical_request
            assert _host_from_url(url) == host  # what the client sends


def test_s3_dot_segments_are_sent_escaped_and_signed_as_the_key() -> None:
    for key, sent in (("a/../b", "a/%2E%2E/b"), ("dir/./f", "dir/%2E/f"), ("x/..", "x/%2E%2E"), ("./y", "%2E/y")):
        url = f"https://b.s3.amazonaws.com/{key}"
        for signed in (_s3().sign("GET", url, now=NOW), _s3().presign("GET", url, 60, now=NOW)):
            assert urlsplit(signed.url).path == f"/{sent}"
            assert signed.canonical_request.split("\n")[1] == f"/{key}"
            assert client_path(urlsplit(signed.url).path) == f"/{sent}"  # nothing left for a client to remove
        bulk = sigv4.presign_keys(_s3(), "https://b.s3.amazonaws.com", [key, "plain"], 60, now=NOW)
        assert bulk[0] == _s3().presign("GET", url, 60, now=NOW).url


def test_a_normalising_service_is_sent_its_path_normalised() -> None:
    signed = _generic().sign("GET", "https://h.example.com/a/b/../c/./d/.", now=NOW)
    assert urlsplit(signed.url).path == "/a/c/d"
    assert signed.canonical_request.split("\n")[1] == "/a/c/d"


def test_an_int_subclass_expiry_is_its_exact_int() -> None:
    class Sly(int):
        def __format__(self, spec: str) -> str:
            return "60&x=1"

        def __str__(self) -> str:
            return "60&x=1"

    for url in (
        _s3().presign("GET", "https://b.s3.amazonaws.com/a", Sly(60), now=NOW).url,
        sigv4.presign_keys(_s3(), "https://b.s3.amazonaws.com", ["a"], Sly(60), now=NOW)[0],
    ):
        assert "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&" in url and "x=1" not in url


def test_odd_header_values_and_mappings_are_refused_by_name() -> None:
    class NotAMapping:
        items = 5

    for headers in ({"x-a": 10**5000}, NotAMapping()):
        with pytest.raises(sigv4.InvalidHeaderError) as info:
            _s3().sign("GET", "https://b.s3.amazonaws.com/a", headers=headers, now=NOW)  # type: ignore[arg-type]
        assert info.value.__context__ is None and info.value.__cause__ is None


def test_a_callers_host_header_is_one_host_sent_as_signed() -> None:
    for value in ("a b", "x.com,y.com", "u@h.com", "h.com:99999", "h.com:"):
        with pytest.raises(sigv4.InvalidHeaderError):
            _s3().sign("GET", "https://b.s3.amazonaws.com/a", headers={"Host": value}, now=NOW)
    signed = _s3().sign("GET", "https://b.s3.amazonaws.com/a", headers={"Host": "Files.Example.com:08443"}, now=NOW)
    assert signed.headers["Host"] == "Files.Example.com:8443"
    assert "\nhost:Files.Example.com:8443\n" in signed.canonical_request
