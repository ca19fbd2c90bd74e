"""Every public entry point of sigv4, each with a generator of arbitrary arguments.

An entry is ``EntryPoint(name, gen, token_in_result=...)``: ``gen(r, p)`` draws one call,
``(function, args, kwargs)``, from the ``Random`` ``r`` with ``p`` the chance of each argument
being odd.  Objects a call needs (credentials, a signer, a client) are built from fuzzed values
too; when the library refuses those, the generator falls back to valid ones, so whatever the
library *accepts* flows on into the next step (an accepted odd secret then reaches the signer).

``token_in_result`` marks the entry points whose result carries the session token because the
protocol does (presigned URLs, POST fields, database tokens): there the token may appear in
the returned strings, never the secret.  Objects with a ``repr`` of their own (SignedRequest,
Signer, Credentials, clients...) must never show either.

``KNOWN_ELSEWHERE`` is the allow-list of findings in code another helper is changing right
now: (entry point, exception type name) -> why.  A finding matching it is counted apart and
does not fail the run.  The lead empties it once those changes are merged.
"""

from __future__ import annotations

import io
import os
from datetime import datetime, timezone
from typing import Any, Callable, NamedTuple

import sigv4
from sigv4.core import canonical, checksums, streaming, urls
from sigv4.core.credentials import Credentials
from sigv4.core.errors import SigningError
from sigv4.core.signer import Signer

from . import values as v
from .values import ACCESS_KEY, SECRET, TOKEN, R

#: (entry point, finding kind, sigv4 module) -> why it is not fixed on this branch: the
#: module is being changed by another helper.  Empty this when their branches are merged and
#: rerun: every entry point must then pass.
KNOWN_ELSEWHERE: dict[tuple[str, str, str], str] = {}


class Call(NamedTuple):
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class EntryPoint(NamedTuple):
    name: str
    gen: Callable[[R, float], Call]
    token_in_result: bool = False
    #: False for total functions: every input gives a result, none a SigningError.
    can_refuse: bool = True


def _try(make: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
    """``make()``, or ``fallback()`` when the library refuses what ``make`` builds (whatever
    the exception: the entry point that builds it reports that)."""
    try:
        return make()
    except Exception:
        return fallback()


def _any_url(r: R) -> Any:
    return v.url(r, 0.5)


def _valid_creds(r: R) -> Credentials:
    return r.choice(_VALID_CREDS)


_VALID_CREDS = [
    Credentials(ACCESS_KEY, SECRET),
    Credentials(ACCESS_KEY, SECRET, TOKEN),
    Credentials(ACCESS_KEY, SECRET, TOKEN, datetime(2100, 1, 1, tzinfo=timezone.utc)),
    Credentials(ACCESS_KEY, SECRET, TOKEN, datetime(2014, 1, 1, tzinfo=timezone.utc)),  # expired: warns
]


def creds(r: R, p: float) -> Any:
    """Credentials from fuzzed fields (what ``Credentials`` accepts), else valid ones."""
    if p and r.random() < p * 0.5:
        a, s, t, e = v.access_key(r, p), v.secret(r, p), v.token(r, p), v.expiry(r, p)
        return _try(lambda: Credentials(a, s, t, e), lambda: _valid_creds(r))
    return _valid_creds(r)


def credentials_arg(r: R, p: float) -> Any:
    """What a ``credentials`` parameter receives: Credentials, a provider, or junk."""
    if p and r.random() < p * 0.3:
        return r.choice([None, ACCESS_KEY, (ACCESS_KEY, SECRET), {"access_key": ACCESS_KEY}, _BadProvider(), _NoneProvider()])
    return creds(r, p)


class _BadProvider:
    """A provider whose get_credentials returns something that is not Credentials."""

    def get_credentials(self) -> Any:
        return (ACCESS_KEY, SECRET)

    def __repr__(self) -> str:
        return "<_BadProvider>"


class _NoneProvider:
    def get_credentials(self) -> Any:
        return None

    def __repr__(self) -> str:
        return "<_NoneProvider>"


_SETTING_FLAGS = ("double_encode_path", "normalize_path", "content_sha256_header", "unsigned_payload")
_SETTING_FLAGS += ("presign_unsigned_payload", "omit_session_token")


def _flag(r: R, p: float) -> Any:
    return v.pick(r, p, [True, False, None], lambda r: r.choice([0, 1, "yes", "", b"1", 2.0, v.odd_scalar(r)]))


def _unsigned_headers(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice([[1], ["host"], "user-agent", b"x", 5, [None], ["UA", "x"], {"a": 1}, [b"x"], iter(["a"]), v.Exploding()])
    return r.choice([None, ["x-amz-meta-a"], frozenset({"user-agent"}), ("content-type", "range"), ["User-Agent"]])


def _max_expires(r: R, p: float) -> Any:
    return v.pick(r, p, [None, 3600, 604800, 10**8], lambda r: r.choice([0, -1, True, 1.5, "60", 2**70]))


def settings_kwargs(r: R, p: float) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    for name in _SETTING_FLAGS:
        if r.random() < 0.3:
            kw[name] = _flag(r, p)
    if r.random() < 0.3:
        kw["unsigned_headers"] = _unsigned_headers(r, p)
    if r.random() < 0.2:
        kw["max_expires"] = _max_expires(r, p)
    return kw


def clock(r: R, p: float) -> Any:
    if p and r.random() < p * 0.3:
        return r.choice(
            [
                5,
                "now",
                lambda: float("nan"),
                lambda: float("inf"),
                lambda: -1e12,
                lambda: 1e13,
                lambda: "1700000000",
                lambda: None,
            ]
        )
    return r.choice([None, lambda: 1_700_000_000.25, lambda: 1_369_353_600.0])


def signer_kwargs(r: R, p: float) -> dict[str, Any]:
    kw = settings_kwargs(r, p)
    if r.random() < 0.1:
        kw["settings"] = v.pick(r, p, [sigv4.SigningSettings(), sigv4.SigningSettings(double_encode_path=False)], v.odd)
    if r.random() < 0.5:
        kw["clock"] = clock(r, p)
    return kw


def signer(r: R, p: float) -> Signer:
    """A Signer from fuzzed settings (what the constructor accepts), else a plain one."""
    c, reg, svc = creds(r, p), v.region(r, p * 0.3), v.service(r, p * 0.3)
    kw = signer_kwargs(r, p)
    return _try(lambda: Signer(c, reg, svc, **kw), lambda: Signer(_valid_creds(r), r.choice(v.REGIONS), r.choice(v.SERVICES)))


# -- the entry points' generators ------------------------------------------------------------


def g_credentials(r: R, p: float) -> Call:
    args = (v.access_key(r, p), v.secret(r, p), v.token(r, p), v.expiry(r, p))
    return Call(Credentials, args[: r.randrange(2, 5)], {})


def g_signing_settings(r: R, p: float) -> Call:
    return Call(sigv4.SigningSettings, (), settings_kwargs(r, p))


def _replace(kw: dict[str, Any]) -> Any:
    return sigv4.SigningSettings().replace(**kw)


def g_settings_replace(r: R, p: float) -> Call:
    kw = settings_kwargs(r, p)
    if p and r.random() < p * 0.2:
        kw["no_such_setting"] = True
    return Call(_replace, (kw,), {})


def g_signer(r: R, p: float) -> Call:
    return Call(Signer, (credentials_arg(r, p), v.region(r, p), v.service(r, p)), signer_kwargs(r, p))


def _sign_kwargs(r: R, p: float) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if r.random() < 0.7:
        kw["headers"] = v.headers(r, p)
    if r.random() < 0.5:
        kw["body"] = v.fresh(v.body(r, p))
    if r.random() < 0.7:
        kw["now"] = v.now(r, p)
    if r.random() < 0.4:
        kw["payload_hash"] = v.payload_hash(r, p)
    return kw


def g_sign(r: R, p: float) -> Call:
    s = signer(r, p)
    return Call(s.sign, (v.method(r, p), v.url(r, p)), _sign_kwargs(r, p))


def g_presign(r: R, p: float) -> Call:
    s = signer(r, p)
    return Call(s.presign, (v.method(r, p), v.url(r, p), v.expires(r, p)), _sign_kwargs(r, p))


def _sign_chunked(s: Signer, method: str, url: str, body: Any, kwargs: dict[str, Any]) -> Any:
    signed = s.sign_chunked(method, url, body, **kwargs)
    total = sum(len(piece) for piece in signed.body)  # type: ignore[attr-defined]
    return signed, total


def _chunk_body(r: R, p: float) -> Any:
    if p and r.random() < p:
        return v.body(r, 1.0)
    return r.choice([b"", b"abc", b"x" * 9000, bytearray(b"xy" * 5000), memoryview(b"m" * 8193), io.BytesIO(b"f" * 10000)])


def g_sign_chunked(r: R, p: float) -> Call:
    s = signer(r, p)
    kw: dict[str, Any] = {}
    body = v.fresh(_chunk_body(r, p))
    if r.random() < 0.5:
        kw["chunk_size"] = v.pick(
            r, p, [8192, 65536, 10000], lambda r: r.choice([0, 1, -5, 8191, True, 2.5, "8192", None, 2**40])
        )
    if r.random() < 0.3:
        n = len(body) if isinstance(body, (bytes, bytearray, memoryview)) else 10000
        kw["decoded_length"] = v.pick(r, p, [n], lambda r: r.choice([-1, 0, n + 1, max(n - 1, 0), True, "10", 1.0, 2**64]))
    if r.random() < 0.4:
        kw["trailer"] = v.pick(
            r, p, ["crc32", "CRC32C", "sha1", "sha256", None], lambda r: r.choice(["md5", "", "crc64", 1, b"sha1"])
        )
    if r.random() < 0.5:
        kw["headers"] = v.headers(r, p)
    if r.random() < 0.5:
        kw["now"] = v.now(r, p)
    return Call(_sign_chunked, (s, v.method(r, p), v.url(r, p), body, kw), {})


def g_amz_date_method(r: R, p: float) -> Call:
    s = signer(r, p)
    return Call(s.amz_date, (v.now(r, p),) if r.random() < 0.8 else (), {})


def g_amz_date(r: R, p: float) -> Call:
    from sigv4.core.signer import amz_date

    return Call(amz_date, (v.now(r, p),), {"clock": clock(r, p) or (lambda: 1.0e9)} if r.random() < 0.3 else {})


def _date8(r: R, p: float) -> Any:
    return v.pick(
        r, p, ["20240101", "20130524", "99991231"], lambda r: r.choice(["", "2024-01-01", "2024010", "\ud800", 20240101, None])
    )


def g_day_key(r: R, p: float) -> Call:
    s = signer(r, p)
    c = v.pick(r, p * 0.5, lambda r, p: creds(r, p), lambda r: r.choice([None, ACCESS_KEY, _BadProvider()]))
    return Call(s.day_key, (c, _date8(r, p)), {})


def g_canonical_request(r: R, p: float) -> Call:
    hashed = v.payload_hash(r, p)
    args = (
        v.method(r, p),
        v.path(r, p) or "/",
        v.query(r, p)[1:],
        "host:h\n",
        "host",
        canonical.EMPTY_SHA256 if hashed is None else hashed,
    )
    return Call(sigv4.canonical_request, tuple(v.pick(r, p * 0.3, [a], v.odd) for a in args), {})


def _amz(r: R, p: float) -> Any:
    return v.pick(r, p, ["20240101T000000Z", "20130524T000000Z"], lambda r: r.choice(["", "2024", 1, None, "\ud800", b"x"]))


def g_string_to_sign(r: R, p: float) -> Call:
    creq = v.pick(r, p, ["GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD", v.weird_text(r)], v.odd)
    kw: dict[str, Any] = {}
    if r.random() < 0.2:
        kw["algorithm"] = v.pick(r, p, ["AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"], v.odd)
    return Call(sigv4.string_to_sign, (_amz(r, p), v.pick(r, p, ["20240101/us-east-1/s3/aws4_request"], v.odd), creq), kw)


def g_credential_scope(r: R, p: float) -> Call:
    return Call(sigv4.credential_scope, (_date8(r, p), v.region(r, p), v.service(r, p)), {})


def g_signed_headers(r: R, p: float) -> Call:
    names = v.pick(
        r,
        p,
        [["host"], ["host", "x-amz-date"], ("b", "a"), iter(["host"])],
        lambda r: r.choice([None, 5, [1, "a"], "ab", v.Exploding()]),
    )
    return Call(sigv4.signed_headers, (names,), {})


def g_signing_key(r: R, p: float) -> Call:
    return Call(sigv4.signing_key, (v.secret(r, p), _date8(r, p), v.region(r, p), v.service(r, p)), {})


def g_derive_signing_key(r: R, p: float) -> Call:
    from sigv4.core.keys import derive_signing_key

    return Call(derive_signing_key, (v.secret(r, p), _date8(r, p), v.region(r, p), v.service(r, p)), {})


def g_signature(r: R, p: float) -> Call:
    from sigv4.core.keys import signature

    key = v.pick(r, p, [b"k" * 32, bytearray(b"k" * 32), memoryview(b"k" * 32)], v.odd)
    return Call(signature, (key, v.pick(r, p, ["AWS4-HMAC-SHA256\n...", v.weird_text(r)], v.odd)), {})


def g_canonical_uri(r: R, p: float) -> Call:
    return Call(
        canonical.canonical_uri, (v.pick(r, p * 0.3, v.path, v.odd),), {"double_encode": _flag(r, p), "normalize": _flag(r, p)}
    )


def _pairs(r: R, p: float) -> Any:
    if p and r.random() < p * 0.3:
        return r.choice([None, 5, [("a",)], [("a", 1), ("a", None)], ["ab"], v.Exploding(), {"a": "b"}])
    return [(v.pick(r, p, ["a", "b", "%20"], v.odd), v.pick(r, p, ["1", ""], v.odd)) for _ in range(r.randrange(0, 4))]


def g_canonical_query_string(r: R, p: float) -> Call:
    return Call(canonical.canonical_query_string, (_pairs(r, p),), {})


def g_canonical_header_value(r: R, p: float) -> Call:
    return Call(canonical.canonical_header_value, (v.header_name(r, p), v.header_value(r, p)), {})


def g_collect_headers(r: R, p: float) -> Call:
    return Call(canonical.collect_headers, (v.headers(r, p),), {})


def g_canonical_headers(r: R, p: float) -> Call:
    mapping = v.pick(r, p, [{"host": "h", "x-amz-date": "d"}], lambda r: r.choice([None, {"host": 1}, {}, [("host", "h")], 5]))
    names = v.pick(r, p, [["host"], ["host", "x-amz-date"], []], lambda r: r.choice([["nope"], None, 5, [1], "host"]))
    return Call(canonical.canonical_headers, (mapping, names), {})


def g_check_payload_hash(r: R, p: float) -> Call:
    value = v.payload_hash(r, p)
    return Call(canonical.check_payload_hash, (canonical.EMPTY_SHA256 if value is None else value,), {})


def g_split_url(r: R, p: float) -> Call:
    return Call(urls.split_url, (v.url(r, p),), {})


def g_host_header(r: R, p: float) -> Call:
    u = v.url(r, p)
    parts = _try(lambda: urls.split_url(u), lambda: ("https", "example.com", "/", ""))
    scheme = v.pick(r, p * 0.3, [parts[0]], v.odd)
    netloc = v.pick(r, p * 0.3, [parts[1]], lambda r: r.choice(["[::1", "h:", "@", "", "[::1]:", v.odd(r)]))
    return Call(urls.host_header, (scheme, netloc), {})


def _text_or_bytes(r: R, p: float) -> Any:
    t = v.weird_text(r)
    return v.pick(r, p, [t, t.encode("utf-8", "surrogatepass")], v.odd)


def g_quote(r: R, p: float) -> Call:
    return Call(urls.quote, (_text_or_bytes(r, p),), {})


def g_quote_path(r: R, p: float) -> Call:
    return Call(urls.quote_path, (_text_or_bytes(r, p),), {})


def g_quote_wire_path(r: R, p: float) -> Call:
    return Call(urls.quote_wire_path, (v.pick(r, p, [v.weird_text(r)], v.odd),), {})


def g_unquote_to_bytes(r: R, p: float) -> Call:
    plus = _flag(r, p)
    return Call(urls.unquote_to_bytes, (v.pick(r, p, [v.weird_text(r)], v.odd), False if plus is None else plus), {})


def g_query_pairs(r: R, p: float) -> Call:
    return Call(urls.query_pairs, (v.pick(r, p, [v.query(r, p)[1:], v.weird_text(r)], v.odd),), {})


def g_normalize_path(r: R, p: float) -> Call:
    return Call(urls.normalize_path, (v.pick(r, p, v.path, v.odd),), {})


def g_is_canonical_path(r: R, p: float) -> Call:
    return Call(urls.is_canonical_path, (v.pick(r, p, v.path, v.odd),), {})


def _keys(r: R, p: float) -> Any:
    if p and r.random() < p * 0.3:
        return r.choice([None, "key", b"k", 5, [""], [None], [b"k"], ["ok", 1], v.Exploding(), {"a": 1}])
    return [v.pick(r, p, ["k", "a/b.txt", "100% cat+dog.jpg", "ü"], v.weird_text) for _ in range(r.randrange(0, 4))]


def g_presign_keys(r: R, p: float) -> Call:
    s = signer(r, p)
    base = v.pick(
        r,
        p,
        ["https://bucket.s3.us-east-1.amazonaws.com", "https://s3.amazonaws.com/bucket/", "http://127.0.0.1:9000/b"],
        _any_url,
    )
    kw: dict[str, Any] = {}
    if r.random() < 0.3:
        kw["method"] = v.method(r, p)
    if r.random() < 0.5:
        kw["now"] = v.now(r, p)
    return Call(sigv4.presign_keys, (s, base, _keys(r, p), v.expires(r, p)), kw)


def g_presign_urls(r: R, p: float) -> Call:
    s = v.pick(r, p * 0.2, lambda r, p: signer(r, p), lambda r: r.choice([None, "signer", Credentials(ACCESS_KEY, SECRET)]))
    urls_ = v.pick(
        r,
        p * 0.3,
        lambda r, p: [v.url(r, p) for _ in range(r.randrange(0, 3))],
        lambda r: r.choice([None, "https://h/", 5, [None]]),
    )
    kw = {"now": v.now(r, p)} if r.random() < 0.5 else {}
    return Call(sigv4.presign_urls, (s, v.method(r, p), urls_, v.expires(r, p)), kw)


def g_encoded_length(r: R, p: float) -> Call:
    n = v.pick(r, p, [0, 1, 65536, 10**9], lambda r: r.choice([-1, True, 1.5, "10", None, 2**80]))
    size = v.pick(r, p, [8192, 65536, 10**6], lambda r: r.choice([0, -1, 1, True, 2.5, None, "8192"]))
    kw: dict[str, Any] = {}
    if r.random() < 0.5:
        kw["signed"] = _flag(r, p)
    if r.random() < 0.5:
        kw["trailer"] = v.pick(
            r, p, ["crc32", "crc32c", "sha1", "sha256", None], lambda r: r.choice(["CRC32", "md5", "", 5, b"crc32"])
        )
    return Call(streaming.encoded_length, (n, size), kw)


def _buffer(r: R, p: float) -> Any:
    return v.pick(
        r, p, [b"", b"abc", bytearray(b"x" * 600), memoryview(b"y" * 1000)], lambda r: r.choice(["text", None, 5, [1], "\ud800"])
    )


def _algorithm(r: R, p: float) -> Any:
    return v.pick(
        r, p, ["crc32", "CRC32C", "sha1", "sha256"], lambda r: r.choice(["md5", "", None, 5, b"sha1", "sha256\x00", "ı"])
    )


def g_crc32c(r: R, p: float) -> Call:
    args = (_buffer(r, p), v.pick(r, p, [0, 12345], lambda r: r.choice([-1, 2**40, None, "0", 1.5])))
    return Call(checksums.crc32c, args[: r.randrange(1, 3)], {})


def g_new_checksum(r: R, p: float) -> Call:
    return Call(checksums.new_checksum, (_algorithm(r, p),), {})


def g_checksum_header(r: R, p: float) -> Call:
    return Call(checksums.checksum_header, (_algorithm(r, p),), {})


def g_checksum_b64(r: R, p: float) -> Call:
    return Call(checksums.checksum_b64, (_algorithm(r, p), _buffer(r, p)), {})


def _running(kind: type, data: list[Any]) -> Any:
    c = kind()
    for piece in data:
        c.update(piece)
    return c.digest()


def g_running_checksum(r: R, p: float) -> Call:
    kind = r.choice([checksums.Crc32, checksums.Crc32c])
    return Call(_running, (kind, [_buffer(r, p) for _ in range(r.randrange(0, 3))]), {})


# -- S3 -------------------------------------------------------------------------------------


_CLIENT_METHODS = ["get_object", "put_object", "head_object", "delete_object", "copy_object", "upload_part", "list_objects_v2"]
_CLIENT_METHODS += ["create_multipart_upload", "get_bucket_location", "create_bucket", "list_buckets", "put_object_tagging"]
_ODD_METHODS: list[Any] = [
    "GetObject",
    "get-object",
    "",
    "nope",
    "\ud800",
    None,
    5,
    b"get_object",
    "__init__",
    "generate_presigned_url",
    [],
    {},
]
_BUCKETS = ["bucket", "my.bucket", "b", "bucket-1", "arn:aws:s3:us-west-2:123456789012:accesspoint/ap"]
_ODD_BUCKETS: list[Any] = [
    "",
    "UPPER",
    "a" * 70,
    "b/c",
    "\ud800",
    "bücket",
    "arn:aws:s3:::x",
    "arn:",
    "a..b",
    "192.168.1.1",
    None,
    5,
]
_PARAM_VALUES: dict[str, list[Any]] = {
    "Key": ["k", "a/b c.txt", "ü", "../x", "%41", "a+b"],
    "ContentType": ["text/plain", "image/png"],
    "Metadata": [{"a": "1"}, {"B": "x y"}],
    "CopySource": ["b/k", {"Bucket": "b", "Key": "k"}, {"Bucket": "b", "Key": "k", "VersionId": "1"}],
    "SSECustomerKey": ["k" * 32, b"k" * 32],
    "SSECustomerAlgorithm": ["AES256"],
    "Expires": [datetime(2030, 1, 1, tzinfo=timezone.utc), "2030-01-01T00:00:00Z", 1893456000],
    "ContentLength": [0, 5],
    "PartNumber": [1, 10000],
    "UploadId": ["abc"],
    "MaxKeys": [1, 1000],
    "Prefix": ["p/", ""],
    "VersionId": ["v1"],
    "ACL": ["private", "public-read"],
    "Range": ["bytes=0-9"],
    "ChecksumAlgorithm": ["CRC32", "SHA256"],
    "Tagging": ["a=b"],
    "RequestPayer": ["requester"],
    "ResponseContentType": ["text/html"],
    "IfModifiedSince": [datetime(2020, 1, 1, tzinfo=timezone.utc)],
    "ObjectLockRetainUntilDate": [datetime(2030, 1, 1)],
}


def _params(r: R, p: float) -> Any:
    if p and r.random() < p * 0.2:
        return r.choice([None, 5, "Bucket=b", [("Bucket", "b")], {1: "b"}, v.Exploding()])
    out: dict[Any, Any] = {}
    if r.random() < 0.95:
        out["Bucket"] = v.pick(r, p, _BUCKETS, lambda r: r.choice(_ODD_BUCKETS) if r.random() < 0.7 else v.odd(r))
    for name in r.sample(sorted(_PARAM_VALUES), r.randrange(0, 4)):
        out[name] = v.pick(r, p, _PARAM_VALUES[name], v.odd)
    if p and r.random() < p * 0.3:
        name = v.pick(r, 1.0, ["NoSuchParam"], v.odd) if r.random() < 0.5 else "NoSuchParam"
        out[name if getattr(type(name), "__hash__", None) else "NoSuchParam"] = v.odd(r)
    return out


_BY_TYPE: dict[str, list[Any]] = {
    "s": ["v", "a b", "ü", "x/y", "%41"],
    "i": [0, 1, 100],
    "b": [True, False],
    "t": [datetime(2030, 1, 1, tzinfo=timezone.utc), "2030-01-01T00:00:00Z", 1893456000],
    "m": [{"a": "b"}, {}],
    "l": [[], ["a"]],
}


def _member_value(r: R, p: float, name: str, kind: str) -> Any:
    if name == "Bucket":
        return v.pick(r, p, _BUCKETS, lambda r: r.choice(_ODD_BUCKETS) if r.random() < 0.7 else v.odd(r))
    valid = _PARAM_VALUES.get(name) if r.random() < 0.7 else None
    return v.pick(r, p, valid or _BY_TYPE.get(kind, ["v"]), v.odd)


def _params_for(r: R, p: float, method: Any) -> Any:
    """Params for the operation from its model: its required members, and a few others."""
    from sigv4.s3.operations import operation

    op = operation(method) if isinstance(method, str) and r.random() < 0.7 else None
    if op is None:
        return _params(r, p)
    out: dict[str, Any] = {}
    for name in op.required_fields:
        if not (p and r.random() < p * 0.1):  # now and then, a required member left out
            out[name] = _member_value(r, p, name, op.members[name].type)
    for name in r.sample(sorted(op.members), min(len(op.members), r.randrange(0, 4))):
        out[name] = _member_value(r, p, name, op.members[name].type)
    return out


def _s3_client_kwargs(r: R, p: float) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if r.random() < 0.8:
        kw["region_name"] = v.region(r, p) if r.random() < 0.8 else None
    if r.random() < 0.85:
        kw["aws_access_key_id"] = v.access_key(r, p)
        kw["aws_secret_access_key"] = v.secret(r, p)
        if r.random() < 0.5:
            kw["aws_session_token"] = v.token(r, p)
    if r.random() < 0.3:
        kw["endpoint_url"] = v.pick(r, p, ["http://127.0.0.1:9000", "https://minio.example.com/base", "localhost:9000"], _any_url)
    if r.random() < 0.1:
        kw["public_endpoint_url"] = v.pick(r, p, ["https://cdn.example.com"], _any_url)
    if r.random() < 0.1:
        kw["max_expires"] = _max_expires(r, p)
    if r.random() < 0.3:
        kw["config"] = _config(r, p)
    return kw


def _config(r: R, p: float) -> Any:
    if p and r.random() < p * 0.3:
        return r.choice([5, "config", {"no_such_option": 1}, {"s3": 5}, {"s3": {"addressing_style": "sideways"}}, v.odd(r)])
    cfg: dict[str, Any] = {}
    if r.random() < 0.5:
        cfg["s3"] = {"addressing_style": v.pick(r, p, ["auto", "virtual", "path"], v.odd)}
    if r.random() < 0.3:
        cfg["signature_version"] = v.pick(r, p, ["s3v4", "v4"], v.odd)
    if r.random() < 0.2:
        cfg["use_fips_endpoint"] = _flag(r, p)
    if r.random() < 0.2:
        cfg["region_name"] = v.region(r, p)
    return cfg


def _s3_client(r: R, p: float) -> Any:
    kw = _s3_client_kwargs(r, p)
    return _try(
        lambda: sigv4.client("s3", **kw),
        lambda: sigv4.client("s3", region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET),
    )


def g_client(r: R, p: float) -> Call:
    service = v.pick(r, p * 0.3, ["s3", "rds", "dsql", "eks"], lambda r: r.choice(["S3", "", "dynamodb", None, 5, "\ud800"]))
    kw = _s3_client_kwargs(r, p)
    if service != "s3":
        kw.pop("public_endpoint_url", None)
        kw.pop("max_expires", None)
    return Call(sigv4.client, (service,), kw)


def g_generate_presigned_url(r: R, p: float) -> Call:
    c = _s3_client(r, p)
    method = v.pick(r, p * 0.5, _CLIENT_METHODS, lambda r: r.choice(_ODD_METHODS))
    kw: dict[str, Any] = {"Params": _params_for(r, p, method)}
    if r.random() < 0.5:
        kw["ExpiresIn"] = v.expires(r, p)
    if r.random() < 0.3:
        kw["HttpMethod"] = v.pick(r, p, ["GET", "PUT", "post"], lambda r: r.choice(["", None, 5, "G ET", "\ud800"]))
    return Call(c.generate_presigned_url, (method,), kw)


def g_s3_presign(r: R, p: float) -> Call:
    c = _s3_client(r, p)
    method = v.pick(r, p * 0.5, _CLIENT_METHODS, lambda r: r.choice(_ODD_METHODS))
    kw: dict[str, Any] = {"Params": _params_for(r, p, method)}
    if r.random() < 0.5:
        kw["now"] = v.now(r, p)
    return Call(c.presign, (method,), kw)


def g_can_presign(r: R, p: float) -> Call:
    c = _s3_client(r, p)
    return Call(c.can_presign, (v.pick(r, p, _CLIENT_METHODS, lambda r: r.choice(_ODD_METHODS)),), {})


def _fields(r: R, p: float) -> Any:
    if p and r.random() < p * 0.3:
        return r.choice(
            [5, "acl=private", [("acl", "private")], {1: "x"}, {"acl": None}, {"key": "other"}, {"x": b"y"}, v.Exploding()]
        )
    out: dict[Any, Any] = {}
    for name in r.sample(
        ["acl", "Content-Type", "success_action_status", "x-amz-meta-a", "policy", "x-amz-signature"], r.randrange(0, 3)
    ):
        out[name] = v.pick(r, p, ["private", "201", "text/plain", 201], v.odd)
    return out


def _conditions(r: R, p: float) -> Any:
    if p and r.random() < p * 0.3:
        return r.choice(
            [
                5,
                "cond",
                {"acl": "private"},
                [5],
                [[]],
                [["eq"]],
                [["eq", 1, 2]],
                [["content-length-range", "a", 5]],
                v.Exploding(),
            ]
        )
    pool: list[Any] = [
        {"acl": "private"},
        ["starts-with", "$key", "uploads/"],
        ["eq", "$Content-Type", "text/plain"],
        ["content-length-range", 0, 1048576],
        {"success_action_status": "201"},
        {"bucket": "bucket"},
    ]
    return [v.pick(r, p * 0.5, pool, v.odd) for _ in range(r.randrange(0, 4))]


def g_generate_presigned_post(r: R, p: float) -> Call:
    c = _s3_client(r, p)
    bucket = v.pick(r, p, _BUCKETS[:4], lambda r: r.choice(_ODD_BUCKETS))
    key = v.pick(r, p, ["k", "uploads/${filename}", "a b/ü"], lambda r: r.choice(["", None, 5, "\ud800", "k" * 1025]))
    kw: dict[str, Any] = {}
    if r.random() < 0.6:
        kw["Fields"] = _fields(r, p)
    if r.random() < 0.6:
        kw["Conditions"] = _conditions(r, p)
    if r.random() < 0.4:
        kw["ExpiresIn"] = v.expires(r, p)
    return Call(c.generate_presigned_post, (bucket, key), kw)


def g_post_generate_presigned_post(r: R, p: float) -> Call:
    from sigv4.s3.post import generate_presigned_post

    s = v.pick(r, p * 0.2, lambda r, p: signer(r, p), lambda r: r.choice([None, Credentials(ACCESS_KEY, SECRET)]))
    u = v.pick(r, p, ["https://bucket.s3.amazonaws.com/"], _any_url)
    bucket = v.pick(r, p, _BUCKETS[:4], lambda r: r.choice(_ODD_BUCKETS))
    key = v.pick(r, p, ["k", "uploads/${filename}"], lambda r: r.choice(["", None, 5, "\ud800", "k" * 1025]))
    kw = {"fields": _fields(r, p), "conditions": _conditions(r, p), "expires_in": v.expires(r, p)}
    if r.random() < 0.5:
        kw["now"] = v.now(r, p)
    return Call(generate_presigned_post, (s, u, bucket, key), kw)


def g_build_policy(r: R, p: float) -> Call:
    from sigv4.s3.post import build_policy

    kw = {
        "credential": v.pick(r, p, [f"{ACCESS_KEY}/20240101/us-east-1/s3/aws4_request"], v.odd),
        "date_time": _amz(r, p),
        "expires_in": v.expires(r, p),
        "conditions": _conditions(r, p),
        "token": v.token(r, p),
    }
    return Call(build_policy, (v.pick(r, p, ["bucket"], v.odd), v.pick(r, p, ["k"], v.odd)), kw)


def _policy(r: R, p: float) -> Any:
    conditions: list[Any] = [
        {"bucket": "bucket"},
        {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
        {"x-amz-credential": f"{ACCESS_KEY}/20240101/us-east-1/s3/aws4_request"},
        {"x-amz-date": "20240101T000000Z"},
    ]
    for i in range(len(conditions)):
        if p and r.random() < p * 0.3:
            conditions[i] = v.pick(
                r,
                1.0,
                [],
                lambda r: r.choice(
                    [{"x-amz-credential": v.odd(r)}, {"x-amz-date": v.odd(r)}, v.odd(r), ["eq", "$x-amz-date", 5]]
                ),
            )
    if r.random() < 0.3:
        conditions.append(["starts-with", "$key", v.pick(r, p, ["uploads/"], v.odd)])
    doc: Any = {
        "expiration": v.pick(r, p * 0.5, ["2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00Z"], v.odd),
        "conditions": conditions,
    }
    if p and r.random() < p * 0.1:
        doc = r.choice(
            [
                5,
                None,
                [],
                {"conditions": 5},
                "not json",
                "[" * 5000,
                "{" * 3000,
                '{"conditions": []}',
                b"\xff\xfe",
                "\ud800",
                v.odd(r),
            ]
        )
    shape = r.random()
    if isinstance(doc, dict) and shape < 0.3:
        import json

        try:
            text = json.dumps(doc)
        except (TypeError, ValueError):
            return doc
        return text if shape < 0.15 else text.encode("utf-8", "surrogatepass")
    return doc


def g_sign_policy(r: R, p: float) -> Call:
    from sigv4.s3.post import sign_policy

    who = v.pick(
        r,
        p * 0.3,
        lambda r, p: creds(r, p) if r.random() < 0.5 else Signer(creds(r, p), "us-east-1", "s3"),
        lambda r: r.choice([None, ACCESS_KEY, Signer(_valid_creds(r), "eu-west-1", "s3")]),
    )
    return Call(sign_policy, (_policy(r, p), who), {})


def g_render_form(r: R, p: float) -> Call:
    from sigv4.s3.form import render_form

    post = v.pick(
        r,
        p * 0.5,
        [{"url": "https://bucket.s3.amazonaws.com/", "fields": {"key": "k", "policy": "cA=="}}],
        lambda r: r.choice(
            [None, 5, {}, {"url": 5}, {"url": "https://h/", "fields": 5}, {"url": "<x>", "fields": {"a": '"><'}}, v.odd(r)]
        ),
    )
    kw: dict[str, Any] = {}
    if r.random() < 0.3:
        kw["success_action_status"] = v.pick(r, p, [200, 201, 204, "201", None], v.odd)
    if r.random() < 0.3:
        kw["success_action_redirect"] = v.pick(r, p, ["https://example.com/done", None], v.odd)
    if r.random() < 0.2:
        kw["accept"] = v.pick(r, p, ["image/*", None], v.odd)
    return Call(render_form, (post,), kw)


# -- tokens ----------------------------------------------------------------------------------


def _token_client(r: R, p: float, service: str) -> Any:
    kw = _s3_client_kwargs(r, p)
    kw.pop("public_endpoint_url", None)
    kw.pop("max_expires", None)
    if service != "eks":
        kw.pop("config", None)
    return _try(
        lambda: sigv4.client(service, **kw),
        lambda: sigv4.client(service, region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET),
    )


_HOSTNAMES = ["db.example.com", "mydb.cluster-abc.us-east-1.rds.amazonaws.com", "127.0.0.1", "[2001:db8::1]"]
_ODD_HOSTNAMES: list[Any] = ["", " ", "h:5432", "https://db", "db/x", "\ud800", "d b", "db\n", None, 5, "[::1", "ü.example"]


def g_generate_db_auth_token(r: R, p: float) -> Call:
    c = _token_client(r, p, "rds")
    args: list[Any] = [
        v.pick(r, p, _HOSTNAMES, lambda r: r.choice(_ODD_HOSTNAMES)),
        v.pick(r, p, [5432, 3306, 1, 65535], lambda r: r.choice([0, 65536, "5432", True, 1.0, None, -1])),
        v.pick(r, p, ["app", "admin", "ü ser", "a&b=c"], lambda r: r.choice(["", None, 5, "\ud800", "a\nb"])),
    ]
    if r.random() < 0.3:
        args.append(v.region(r, p))
    kw = {"now": v.now(r, p)} if r.random() < 0.4 else {}
    return Call(c.generate_db_auth_token, tuple(args), kw)


def g_dsql_token(r: R, p: float) -> Call:
    c = _token_client(r, p, "dsql")
    fn = c.generate_db_connect_auth_token if r.random() < 0.5 else c.generate_db_connect_admin_auth_token
    args: list[Any] = [v.pick(r, p, [*_HOSTNAMES, "abc.dsql.us-east-1.on.aws:5432"], lambda r: r.choice(_ODD_HOSTNAMES))]
    if r.random() < 0.5:
        args.append(v.region(r, p) if r.random() < 0.7 else None)
        if r.random() < 0.5:
            args.append(v.expires(r, p))
    kw = {"now": v.now(r, p)} if r.random() < 0.4 else {}
    return Call(fn, tuple(args), kw)


def g_eks_token(r: R, p: float) -> Call:
    c = _token_client(r, p, "eks")
    fn = r.choice([c.get_token, c.get_exec_credential, c.presign])
    args: list[Any] = [v.pick(r, p, ["my-cluster", "c"], lambda r: r.choice(["", " ", None, 5, "\ud800", "a\nb", "c" * 1000]))]
    if r.random() < 0.4:
        args.append(v.pick(r, p, [60, 900], lambda r: r.choice([0, 901, -1, True, "60", None, 1.5])))
    kw: dict[str, Any] = {"now": v.now(r, p)} if r.random() < 0.4 else {}
    if fn == c.get_exec_credential and r.random() < 0.3:
        kw["api_version"] = v.pick(r, p, ["client.authentication.k8s.io/v1beta1"], v.odd)
    return Call(fn, tuple(args), kw)


def g_token_clients(r: R, p: float) -> Call:
    kind = r.choice([sigv4.RDSClient, sigv4.DSQLClient, sigv4.EKSClient])
    kw: dict[str, Any] = {}
    if kind is sigv4.EKSClient:
        for name in ("use_fips_endpoint", "use_dualstack_endpoint"):
            if r.random() < 0.3:
                kw[name] = _flag(r, p)
        if r.random() < 0.3:
            kw["sts_regional_endpoints"] = v.pick(r, p, ["regional", "legacy"], v.odd)
        if r.random() < 0.3:
            kw["endpoint_url"] = v.pick(r, p, ["https://sts.example.com"], _any_url)
    if r.random() < 0.2:
        kw["clock"] = clock(r, p)
    return Call(kind, (credentials_arg(r, p), v.pick(r, p, [*v.REGIONS, None], lambda r: r.choice([*v.ODD_REGIONS, 5]))), kw)


def g_tokens_helpers(r: R, p: float) -> Call:
    from sigv4 import tokens

    which = r.randrange(4)
    if which == 0:
        kw: dict[str, Any] = {}
        if r.random() < 0.5:
            kw["api_version"] = v.pick(r, p, ["client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1"], v.odd)
        return Call(
            tokens.exec_credential, (v.pick(r, p, ["k8s-aws-v1.abc"], v.odd), v.pick(r, p, ["2026-01-02T03:18:05Z"], v.odd)), kw
        )
    if which == 1:
        cred = v.pick(
            r, p, [{"kind": "ExecCredential"}], lambda r: r.choice([{"a": float("nan")}, {1: 2}, {"a": object()}, 5, None])
        )
        return Call(tokens.exec_credential_json, (cred,), {})
    if which == 2:
        raw = v.pick(
            r,
            p,
            ['{"apiVersion": "client.authentication.k8s.io/v1"}', ""],
            lambda r: r.choice(["[" * 5000, "\ud800", "{", "null", v.weird_text(r)]),
        )
        env = v.pick(r, p * 0.2, [{"KUBERNETES_EXEC_INFO": raw}], lambda r: r.choice([5, {"KUBERNETES_EXEC_INFO": 5}, "env"]))
        return Call(tokens.exec_info_api_version, (env,), {})
    kw = {}
    for name in ("use_fips_endpoint", "use_dualstack_endpoint"):
        if r.random() < 0.3:
            kw[name] = _flag(r, p)
    if r.random() < 0.3:
        kw["sts_regional_endpoints"] = v.pick(r, p, ["regional", "legacy"], v.odd)
    return Call(tokens.sts_endpoint, (v.region(r, p),), kw)


# -- Session, providers ---------------------------------------------------------------------


def session_kwargs(r: R, p: float) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if r.random() < 0.6:
        kw["aws_access_key_id"] = v.access_key(r, p)
        kw["aws_secret_access_key"] = v.secret(r, p)
        if r.random() < 0.5:
            kw["aws_session_token"] = v.token(r, p)
    elif r.random() < 0.2:
        kw[r.choice(["aws_access_key_id", "aws_secret_access_key", "aws_session_token"])] = v.pick(
            r, p, [ACCESS_KEY], lambda r: v.secret(r, 0.5)
        )
    if r.random() < 0.5:
        kw["region_name"] = v.region(r, p)
    if r.random() < 0.4:
        kw["profile_name"] = v.pick(
            r, p, ["fuzz", "fuzzregion", "default"], lambda r: r.choice(["nope", "", None, 5, "\ud800", "a b"])
        )
    if p and r.random() < p * 0.1:
        kw["botocore_session"] = v.odd(r)
    if r.random() < 0.1:
        kw["aws_account_id"] = v.pick(r, p, ["123456789012"], v.odd)
    return kw


def _session_use(kwargs: dict[str, Any], what: str, service: Any, client_kw: dict[str, Any]) -> Any:
    session = sigv4.Session(**kwargs)
    if what == "repr":
        return session
    if what == "region":
        return session.region_name
    if what == "credentials":
        return session.get_credentials()
    if what == "profiles":
        return session.available_profiles
    c = session.client(service, **client_kw)
    if service == "s3":
        return c.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "k"})
    if service == "rds":
        return c.generate_db_auth_token("db.example.com", 5432, "app")
    return c


def g_session(r: R, p: float) -> Call:
    what = r.choice(["repr", "region", "credentials", "profiles", "client", "client", "client"])
    service = v.pick(r, p * 0.3, ["s3", "rds", "dsql", "eks"], lambda r: r.choice(["S3", "", None, 5]))
    client_kw: dict[str, Any] = {}
    if r.random() < 0.3:
        client_kw["region_name"] = v.region(r, p)
    if r.random() < 0.2:
        client_kw["endpoint_url"] = v.pick(r, p, ["http://127.0.0.1:9000"], _any_url)
    if r.random() < 0.2:
        client_kw["config"] = _config(r, p)
    return Call(_session_use, (session_kwargs(r, p), what, service, client_kw), {})


def environ(r: R, p: float) -> dict[str, Any]:
    """An environment for the providers (a value: nothing is read from os.environ)."""
    env: dict[str, Any] = {
        "AWS_CONFIG_FILE": "/nonexistent/sigv4-fuzz/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/sigv4-fuzz/credentials",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if r.random() < 0.7:
        env["AWS_ACCESS_KEY_ID"] = v.access_key(r, p)
        env["AWS_SECRET_ACCESS_KEY"] = v.secret(r, p)
    if r.random() < 0.3:
        env["AWS_SESSION_TOKEN"] = v.token(r, p)
    if r.random() < 0.2:
        env["AWS_CREDENTIAL_EXPIRATION"] = v.pick(
            r,
            p,
            ["2100-01-01T00:00:00Z", "2030-01-01T00:00:00+00:00"],
            lambda r: r.choice(["2030-01-01T00:00:00+24:00", "soon", "", "\ud800", 5]),
        )
    if r.random() < 0.2:
        env["AWS_PROFILE"] = v.pick(r, p, ["default", "fuzz"], lambda r: r.choice(["nope", "", "\ud800"]))
    return env


def _provider_use(kw: dict[str, Any]) -> Any:
    from sigv4.providers.chain import default_provider

    provider = default_provider(**kw)
    return provider.get_credentials()


def g_default_provider(r: R, p: float) -> Call:
    kw: dict[str, Any] = {"environ": environ(r, p)}
    for name, gen in (("access_key", v.access_key), ("secret_key", v.secret), ("token", v.token), ("region", v.region)):
        if r.random() < 0.2:
            kw[name] = gen(r, p)
    if r.random() < 0.1:
        kw["profile"] = v.pick(r, p, ["default"], lambda r: r.choice(["nope", "", 5, "\ud800"]))
    return Call(_provider_use, (kw,), {})


_PROCESS_OUTPUTS: list[bytes] = [
    b"garbage",
    b"",
    b"[" * 5000,
    b"\xff\xfe\x00not utf-8",
    b'{"Version": 2}',
    b'{"Version": 1}',
    b"null",
    b'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "%s"}',
    b'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "%s", "SessionToken": "%s", '
    b'"Expiration": "2100-01-01T00:00:00Z"}',
    b'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "%s", "Expiration": "2030-01-01T00:00:00+24:00"}',
    b'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "%s", "Expiration": "soon"}',
    b'{"Version": 1, "AccessKeyId": 5, "SecretAccessKey": ["%s"]}',
    b'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "\\ud800%s"}',
]


def _config_line(r: R, p: float, files: dict[str, str]) -> str:
    key = v.pick(
        r,
        p,
        ["region", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "credential_process", "s3", "output"],
        lambda r: r.choice(["", "  ", "=", "[x", "aws_secret_access_key", "ca_bundle", v.weird_text(r, 2)]),
    )
    value: Any
    if key == "aws_secret_access_key":
        value = v.secret(r, p)
    elif key == "aws_session_token":
        value = v.token(r, p)
    elif key == "credential_process":
        which = r.randrange(4)
        if which == 0:
            value = f"/bin/cat {files['process']}"
        elif which == 1:
            value = f"/bin/sh -c 'echo {SECRET} >&2; exit 3'"  # a failing process printing the secret
        elif which == 2:
            value = v.pick(r, 1.0, [], lambda r: r.choice(["", "'unclosed", "/nonexistent/cmd", "/bin/false", "\x00"]))
        else:
            value = f"/bin/sh -c 'cat {files['process']}; exit 0'"
    elif key == "s3":
        value = "\n  addressing_style = " + v.pick(r, p, ["path", "virtual"], lambda r: v.weird_text(r, 2))
    elif key == "region":
        value = v.region(r, p)
    else:
        value = v.pick(r, p, [ACCESS_KEY, "json"], lambda r: v.weird_text(r, 3))
    line = f"{key} = {value}" if isinstance(value, str) else f"{key} = {value!r}"
    if key != "s3" and not (p and r.random() < p * 0.1):  # mostly one line: a stray newline breaks the file
        line = line.replace("\r", "").replace("\n", "")
    return line


def _write_config(r: R, p: float, files: dict[str, str]) -> bytes:
    lines: list[str] = []
    if r.random() < 0.4:  # a profile that works, so the happy path is reached too
        lines += ["[default]", f"aws_access_key_id = {ACCESS_KEY}", f"aws_secret_access_key = {SECRET}"]
        if r.random() < 0.3:
            lines.append(f"credential_process = /bin/cat {files['process']}")
    sections = ["[profile fuzzp]", "[fuzzp]", "[profile other]", "[profile ü]"]
    if not lines:
        sections.append("[default]")
    if p and r.random() < p * 0.2:
        sections.append(r.choice(["[bad", "[]", "[profile]", " [default]"]))
    for section in r.sample(sections, r.randrange(1, 4)):
        lines.append(section)
        seen: set[str] = set()
        for _ in range(r.randrange(0, 5)):
            line = _config_line(r, p, files)
            key = line.partition("=")[0].strip()
            if key in seen and not (p and r.random() < p * 0.1):  # a duplicate key: configparser refuses the file
                continue
            seen.add(key)
            lines.append(line)
    if p and r.random() < p * 0.1:
        lines.insert(r.randrange(len(lines) + 1), v.weird_text(r, 5))
    data = "\n".join(lines).encode("utf-8", "surrogatepass" if r.random() < 0.05 else "replace")
    if p and r.random() < p * 0.1:
        data = r.choice([b"\xff\xfe" + data, data + b"\x00\x80", b"[default]\nregion = " + b"x" * 200000])
    return data


_FILE_COUNTER = [0]


def _provider_from_files(config: bytes, credentials: bytes, process_output: bytes, profile: Any, kw: dict[str, Any]) -> Any:
    """Write the fuzzed config and credentials files (and what credential_process prints),
    then ask the chain; the files are removed afterwards."""
    from sigv4.providers.chain import default_provider

    files = _cli_files()
    _FILE_COUNTER[0] += 1
    base = f"{os.path.dirname(files['empty'])}/p{os.getpid()}-{_FILE_COUNTER[0]}"
    paths = {"config": base + ".config", "credentials": base + ".credentials", "process": base + ".out"}
    for name, data in (("config", config), ("credentials", credentials), ("process", process_output)):
        with open(paths[name], "wb") as f:
            f.write(data.replace(b"@PROCESS@", paths["process"].encode()))
    environ = {
        "AWS_CONFIG_FILE": paths["config"],
        "AWS_SHARED_CREDENTIALS_FILE": paths["credentials"],
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if profile is not None:
        environ["AWS_PROFILE"] = profile
    try:
        return default_provider(environ=environ, **kw).get_credentials()
    finally:
        for path in paths.values():
            os.unlink(path)


def g_provider_files(r: R, p: float) -> Call:
    fake = {"process": "@PROCESS@"}
    config = _write_config(r, p, fake)
    credentials = _write_config(r, p, fake) if r.random() < 0.5 else b""
    output = r.choice(_PROCESS_OUTPUTS)
    holes = output.count(b"%s")
    output = output % tuple([SECRET.encode(), TOKEN.encode(), b""][:holes]) if holes else output
    profile = v.pick(r, p * 0.3, ["fuzzp", "default", "other", None], lambda r: r.choice(["nope", "", "ü"]))
    kw: dict[str, Any] = {}
    if r.random() < 0.2:
        kw["region"] = v.region(r, p)
    return Call(_provider_from_files, (config, credentials, output, profile, kw), {})


# -- adapters ---------------------------------------------------------------------------------


def _auth_kwargs(r: R, p: float) -> dict[str, Any]:
    kw = signer_kwargs(r, p)
    kw.pop("max_expires", None)
    kw.pop("presign_unsigned_payload", None)
    if r.random() < 0.3:
        kw["signed_headers"] = v.pick(
            r, p, [["x-custom"], ("user-agent",), []], lambda r: r.choice([[1], "x", 5, ["a b"], ["connection"], [None]])
        )
    for name in ("unsigned_streams", "recover_clock_skew", "recover_region"):
        if r.random() < 0.2:
            kw[name] = _flag(r, p) if name != "recover_clock_skew" else v.pick(r, p, [True, False], v.odd)
    if p and r.random() < p * 0.05:
        kw["no_such_setting"] = 1
    return kw


def _auth_args(r: R, p: float) -> tuple[Any, ...]:
    return (credentials_arg(r, p), v.region(r, p * 0.3), v.service(r, p * 0.3))


def g_requests_auth(r: R, p: float) -> Call:
    from sigv4.requests import SigV4Auth

    return Call(SigV4Auth, _auth_args(r, p), _auth_kwargs(r, p))


def g_httpx_auth(r: R, p: float) -> Call:
    from sigv4.httpx import SigV4Auth

    return Call(SigV4Auth, _auth_args(r, p), _auth_kwargs(r, p))


def _http_request_parts(r: R, p: float) -> tuple[Any, Any, Any, Any]:
    hs = v.headers(r, p)
    if not isinstance(hs, dict):
        hs = {}
    hs = {k: val for k, val in hs.items() if isinstance(k, str) and isinstance(val, (str, bytes))}
    data = v.pick(
        r, p, [b"", b"payload", "text body", None], lambda r: r.choice(["\ud800", io.BytesIO(b"file"), iter([b"a", b"b"]), 5])
    )
    return v.method(r, p * 0.3), v.url(r, p), hs, data


def _requests_sign(auth: Any, prepared: Any) -> Any:
    out = auth(prepared)
    return dict(out.headers), out.url


def g_requests_sign(r: R, p: float) -> Call:
    import requests

    from sigv4.requests import SigV4Auth

    a, kw = _auth_args(r, p), _auth_kwargs(r, p)
    auth = _try(lambda: SigV4Auth(*a, **kw), lambda: SigV4Auth(_valid_creds(r), r.choice(v.REGIONS), r.choice(v.SERVICES)))
    m, u, hs, data = _http_request_parts(r, p)
    data = data if not isinstance(data, io.BytesIO) else io.BytesIO(data.getvalue())
    prepared = _try(
        lambda: requests.Request(m, u, headers=hs, data=data).prepare(),
        lambda: requests.Request("GET", "https://example.com/k", headers={"x-amz-meta-a": "1"}).prepare(),
    )
    return Call(_requests_sign, (auth, prepared), {})


def _httpx_sign(auth: Any, request: Any) -> Any:
    flow = auth.sync_auth_flow(request)
    out = next(flow)
    flow.close()
    return dict(out.headers), str(out.url)


def g_httpx_sign(r: R, p: float) -> Call:
    import httpx

    from sigv4.httpx import SigV4Auth

    a, kw = _auth_args(r, p), _auth_kwargs(r, p)
    auth = _try(lambda: SigV4Auth(*a, **kw), lambda: SigV4Auth(_valid_creds(r), r.choice(v.REGIONS), r.choice(v.SERVICES)))
    m, u, hs, data = _http_request_parts(r, p)
    if isinstance(data, io.BytesIO):
        data = data.getvalue()
    request = _try(
        lambda: httpx.Request(m, u, headers=hs, content=data),
        lambda: httpx.Request("GET", "https://example.com/k", headers={"x-amz-meta-a": "1"}),
    )
    return Call(_httpx_sign, (auth, request), {})


# -- errors, sigv4a ---------------------------------------------------------------------------


def g_client_error(r: R, p: float) -> Call:
    from sigv4.exceptions import ClientError

    if r.random() < 0.5:
        resp = v.pick(
            r,
            p,
            [{"Error": {"Code": "NoSuchKey", "Message": "gone"}, "ResponseMetadata": {"HTTPStatusCode": 404}}],
            lambda r: r.choice(
                [{}, {"Error": None}, {"Error": 5}, {"ResponseMetadata": 5}, {"Error": {"Code": object()}}, None, 5, "err"]
            ),
        )
        return Call(ClientError, (resp, v.pick(r, p, ["GetObject", ""], v.odd)), {})
    body = v.pick(
        r,
        p,
        [b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>", "", b""],
        lambda r: r.choice(
            [b"<Error>", "<\ud800/>", b"\xff\xfe<", "<!DOCTYPE x [<!ENTITY a 'b'>]><Error>&a;</Error>", 5, None, v.weird_text(r)]
        ),
    )
    status = v.pick(r, p, [403, 404, 500], lambda r: r.choice([0, -1, 999, "403", None, True]))
    kw: dict[str, Any] = {}
    if r.random() < 0.3:
        kw["headers"] = v.pick(r, p, [{"x-amz-request-id": "1"}], lambda r: r.choice([5, [("a", "b")], {"a": 5}]))
    if r.random() < 0.3:
        kw["operation_name"] = v.pick(r, p, ["GetObject"], v.odd)
    return Call(ClientError.from_response, (status, body), kw)


def g_sigv4a(r: R, p: float) -> Call:
    from sigv4 import sigv4a

    which = r.randrange(3)
    if which == 0:
        return Call(sigv4a.signing_key, (v.access_key(r, p), v.secret(r, p)), {})
    if which == 1:
        hexes = ["0" * 64, "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", "04" + "0" * 128]
        args = tuple(
            v.pick(r, p, hexes, lambda r: r.choice(["", "zz", "0" * 66, None, 5, "\ud800", "é"]))
            for _ in range(r.randrange(1, 3))
        )
        return Call(sigv4a.public_key_from_hex, args, {})
    key = sigv4a.public_key_from_hex(
        "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
    )
    pub = v.pick(r, p * 0.3, [key], lambda r: r.choice([(1, 2), b"\x04" + b"\x00" * 64, None, 5, (1,)]))
    sig = v.pick(r, p, ["3006020101020101", "30"], lambda r: r.choice(["", "zz", None, 5, "\ud800", "30" * 100]))
    kw = {"backend": v.pick(r, p, ["auto", "python"], v.odd)} if r.random() < 0.3 else {}
    return Call(sigv4a.verify_signature, (pub, v.pick(r, p, ["AWS4-ECDSA-P256-SHA256\n...", b"bytes"], v.odd), sig), kw)


def g_payload_hash(r: R, p: float) -> Call:
    from sigv4.core.payload import payload_hash

    return Call(payload_hash, (v.fresh(v.body(r, p)),), {})


# -- the command line ---------------------------------------------------------------------------


class CLIFinding(AssertionError):
    """The command line broke its contract (raised by the wrapper, so the oracle reports it)."""


class CLIStatus(CLIFinding):
    """An exit status other than 0 (ok), 1 (failed) or 2 (usage)."""


class CLITraceback(CLIFinding):
    """A traceback printed to stderr."""


class CLIControlChars(CLIFinding):
    """Raw control characters (argv echoed unescaped) in stderr."""


_CLI_FILES: dict[str, str] = {}


def _cli_files() -> dict[str, str]:
    """Files the fuzzed command lines may name (--error-xml, --data @FILE), written once."""
    if not _CLI_FILES or not os.path.isdir(os.path.dirname(_CLI_FILES["empty"])):
        import tempfile

        config = os.environ.get("AWS_CONFIG_FILE", "")  # the run's own directory (run.isolated_environ)
        home = os.path.dirname(config) if "sigv4-fuzz" in config else ""
        home = home or tempfile.mkdtemp(prefix="sigv4-fuzz-cli-")
        contents: dict[str, bytes] = {
            "not-utf8.xml": b"\xff\xfe<Error>\x80</Error>",
            "short-creq.xml": b"<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET\n/</CanonicalRequest></Error>",
            "error.xml": (
                b"<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256\n20240101T000000Z\n"
                b"20240101/us-east-1/s3/aws4_request\nabc</StringToSign><CanonicalRequest>GET\n/\n\nhost:h\n\nhost\n"
                b"UNSIGNED-PAYLOAD</CanonicalRequest></Error>"
            ),
            "error.json": b'{"message": "The request signature we calculated does not match", "__type": "x"}',
            "nested.json": b"[" * 5000,
            "empty": b"",
            "body.bin": b"\x00\x01 body \xff",
        }
        for name, data in contents.items():
            path = f"{home}/{name}"
            with open(path, "wb") as f:
                f.write(data)
            _CLI_FILES[name] = path
        _CLI_FILES["missing"] = f"{home}/does-not-exist"
    return _CLI_FILES


def _cli(argv: list[str]) -> tuple[int, str, str]:
    import contextlib

    from sigv4.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    text = err.getvalue()
    if code not in (0, 1, 2):
        raise CLIStatus(f"exit status {code!r}")
    if "Traceback (most recent call last)" in text:
        raise CLITraceback("printed a traceback")
    bad = [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0xD800 <= ord(c) <= 0xDFFF or ord(c) == 0x7F]
    if bad:
        raise CLIControlChars(f"stderr holds raw control characters {sorted(set(map(ord, bad)))[:5]}")
    return code, out.getvalue(), text


def _cli_text(r: R, p: float, valid: list[str]) -> str:
    value = v.pick(r, p, valid, lambda r: v.weird_text(r, 4))
    return value if isinstance(value, str) else str(value)


def g_cli(r: R, p: float) -> Call:
    files = _cli_files()
    command = v.pick(
        r, p * 0.2, ["presign", "post", "sign", "explain", "eks-token", "rds-token"], lambda r: r.choice(["", "nope", "-x"])
    )
    argv: list[str] = [command]
    if command in ("presign", "post"):
        argv.append(_cli_text(r, p, ["s3://bucket/key", "s3://bucket/a b/ü", "s3://bucket/", "s3://b"]))
        if r.random() < 0.4:
            argv += ["--expires-in", _cli_text(r, p, ["60", "3600", "604800"])]
        if r.random() < 0.3:
            argv += ["--endpoint-url", _cli_text(r, p, ["http://127.0.0.1:9000", "https://minio.example.com"])]
        if r.random() < 0.2:
            argv += ["--addressing-style", _cli_text(r, p, ["path", "virtual", "auto"])]
        if command == "post" and r.random() < 0.5:
            argv += r.choice(
                [["--content-type", _cli_text(r, p, ["text/plain"])], ["--max-size", _cli_text(r, p, ["1024"])], ["--html"]]
            )
        if command == "presign" and r.random() < 0.3:
            argv += ["--method", _cli_text(r, p, ["GET", "PUT", "get_object"])]
    elif command in ("sign", "explain"):
        argv += [
            _cli_text(r, p, ["GET", "PUT", "post"]),
            _cli_text(r, p, ["https://h.example.com/a?b=c", "https://b.s3.amazonaws.com/k"]),
        ]
        if command == "sign" or r.random() < 0.5:
            argv += ["--service", _cli_text(r, p, ["execute-api", "s3", "es"])]
        for _ in range(r.randrange(0, 3)):
            argv += ["-H", _cli_text(r, p, ["X-Amz-Meta-A: 1", "Content-Type: text/plain", "bad header", ": x"])]
        if r.random() < 0.3:
            argv += ["--data", r.choice([_cli_text(r, p, ["text body", ""]), "@" + files["body.bin"], "@" + files["missing"]])]
        if r.random() < 0.2:
            argv += ["--expires-in", _cli_text(r, p, ["60"])]
        if command == "explain" and r.random() < 0.6:
            name = r.choice(["not-utf8.xml", "short-creq.xml", "error.xml", "error.json", "nested.json", "empty", "missing"])
            argv += ["--error-xml", files[name]]
        if command == "sign" and r.random() < 0.3:
            argv.append("--curl")
    elif command == "eks-token":
        argv += ["--cluster-name", _cli_text(r, p, ["my-cluster"])]
    elif command == "rds-token":
        argv += ["--hostname", _cli_text(r, p, ["db.example.com"]), "--port", _cli_text(r, p, ["5432"])]
        argv += ["--username", _cli_text(r, p, ["app"])]
    if r.random() < 0.8:
        argv += ["--profile", _cli_text(r, p * 0.3, ["fuzz"])]
    if r.random() < 0.6:
        argv += ["--region", _cli_text(r, p, ["us-east-1", "eu-west-1"])]
    return Call(_cli, (argv,), {})


ENTRY_POINTS: list[EntryPoint] = [
    EntryPoint("Credentials", g_credentials),
    EntryPoint("SigningSettings", g_signing_settings),
    EntryPoint("SigningSettings.replace", g_settings_replace),
    EntryPoint("Signer", g_signer),
    EntryPoint("Signer.sign", g_sign),
    EntryPoint("Signer.presign", g_presign),
    EntryPoint("Signer.sign_chunked", g_sign_chunked),
    EntryPoint("Signer.amz_date", g_amz_date_method),
    EntryPoint("Signer.day_key", g_day_key),
    EntryPoint("signer.amz_date", g_amz_date),
    EntryPoint("canonical_request", g_canonical_request, can_refuse=False),
    EntryPoint("string_to_sign", g_string_to_sign),
    EntryPoint("credential_scope", g_credential_scope),
    EntryPoint("signed_headers", g_signed_headers),
    EntryPoint("signing_key", g_signing_key),
    EntryPoint("keys.derive_signing_key", g_derive_signing_key),
    EntryPoint("keys.signature", g_signature),
    EntryPoint("canonical.canonical_uri", g_canonical_uri),
    EntryPoint("canonical.canonical_query_string", g_canonical_query_string),
    EntryPoint("canonical.canonical_header_value", g_canonical_header_value),
    EntryPoint("canonical.collect_headers", g_collect_headers),
    EntryPoint("canonical.canonical_headers", g_canonical_headers),
    EntryPoint("canonical.check_payload_hash", g_check_payload_hash),
    EntryPoint("urls.split_url", g_split_url),
    EntryPoint("urls.host_header", g_host_header),
    EntryPoint("urls.quote", g_quote),
    EntryPoint("urls.quote_path", g_quote_path),
    EntryPoint("urls.quote_wire_path", g_quote_wire_path),
    EntryPoint("urls.unquote_to_bytes", g_unquote_to_bytes),
    EntryPoint("urls.query_pairs", g_query_pairs),
    EntryPoint("urls.normalize_path", g_normalize_path),
    EntryPoint("urls.is_canonical_path", g_is_canonical_path),
    EntryPoint("presign_keys", g_presign_keys, token_in_result=True),
    EntryPoint("presign_urls", g_presign_urls, token_in_result=True),
    EntryPoint("streaming.encoded_length", g_encoded_length),
    EntryPoint("checksums.crc32c", g_crc32c),
    EntryPoint("checksums.new_checksum", g_new_checksum),
    EntryPoint("checksums.checksum_header", g_checksum_header),
    EntryPoint("checksums.checksum_b64", g_checksum_b64),
    EntryPoint("checksums.Crc32/Crc32c", g_running_checksum),
    EntryPoint("client", g_client),
    EntryPoint("S3Client.generate_presigned_url", g_generate_presigned_url, token_in_result=True),
    EntryPoint("S3Client.presign", g_s3_presign),
    EntryPoint("S3Client.can_presign", g_can_presign, can_refuse=False),
    EntryPoint("S3Client.generate_presigned_post", g_generate_presigned_post, token_in_result=True),
    EntryPoint("s3.post.generate_presigned_post", g_post_generate_presigned_post, token_in_result=True),
    EntryPoint("s3.post.build_policy", g_build_policy, token_in_result=True),
    EntryPoint("s3.post.sign_policy", g_sign_policy),
    EntryPoint("s3.form.render_form", g_render_form),
    EntryPoint("RDSClient.generate_db_auth_token", g_generate_db_auth_token, token_in_result=True),
    EntryPoint("DSQLClient.generate_db_connect_*_auth_token", g_dsql_token, token_in_result=True),
    EntryPoint("EKSClient.get_token/get_exec_credential/presign", g_eks_token, token_in_result=True),
    EntryPoint("RDSClient/DSQLClient/EKSClient", g_token_clients),
    EntryPoint("tokens helpers", g_tokens_helpers),
    EntryPoint("Session", g_session, token_in_result=True),
    EntryPoint("default_provider().get_credentials", g_default_provider),
    EntryPoint("default_provider() from config files", g_provider_files),
    EntryPoint("requests.SigV4Auth", g_requests_auth),
    EntryPoint("requests.SigV4Auth(PreparedRequest)", g_requests_sign, token_in_result=True),
    EntryPoint("httpx.SigV4Auth", g_httpx_auth),
    EntryPoint("httpx.SigV4Auth(Request)", g_httpx_sign, token_in_result=True),
    EntryPoint("exceptions.ClientError", g_client_error),
    EntryPoint("sigv4a", g_sigv4a),
    EntryPoint("payload.payload_hash", g_payload_hash),
    EntryPoint("cli.main", g_cli, token_in_result=True, can_refuse=False),
]

__all__ = ["ENTRY_POINTS", "KNOWN_ELSEWHERE", "Call", "EntryPoint", "SigningError"]
