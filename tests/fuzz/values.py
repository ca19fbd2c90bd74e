"""Generators of arbitrary arguments for the fuzz run: plain ``random.Random`` draws (fast
enough for 10^6 inputs on one core), mixing wrong types, odd characters, almost-valid values
and valid ones, so both the refusals and the happy paths are reached.

Every generator takes the input's ``Random`` and ``odd``, the probability that an argument is
drawn from the odd pool rather than the valid one: the runner picks ``odd`` per input, and
``odd == 0`` gives an all-valid call.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Callable

#: The marker secrets: any text containing one of these in an exception, a warning or a
#: repr is a leak.  The random tail makes an accidental match impossible.
_MARKS = random.Random(20261201)
SECRET = f"SECRETMARKER/{_MARKS.getrandbits(64):016x}"
TOKEN = f"TOKENMARKER{_MARKS.getrandbits(64):016x}"
ACCESS_KEY = "AKIDFUZZEXAMPLE"
MARKERS = (SECRET, TOKEN)

R = random.Random
Gen = Callable[[R, float], Any]


class CallerError(Exception):
    """Raised by the caller's own objects (an exploding iterator, a tzinfo that fails): the
    library may let it through unchanged, so it is not a finding."""


class Opaque:
    """An object of no expected type (and one whose ``str`` is not its ``repr``)."""

    def __repr__(self) -> str:
        return "<Opaque>"


class BadStr(str):
    """A str subclass (some code checks ``type(x) is str``)."""


class Exploding:
    """An object whose every dunder raises: ``__str__``/``__iter__``/``__len__`` blow up."""

    def __iter__(self) -> Any:
        raise CallerError("exploding iter")

    def __len__(self) -> int:
        raise CallerError("exploding len")

    def __repr__(self) -> str:
        return "<Exploding>"


def _gen_items() -> Any:
    yield ("x-amz-meta-a", "1")


ATOMS = [
    "",
    " ",
    "a",
    "Z",
    "0",
    "-",
    "_",
    ".",
    "..",
    "/",
    "//",
    "~",
    "%",
    "%2",
    "%zz",
    "%20",
    "%2F",
    "%2f",
    "%41",
    "%ff",
    "%C3%BC",
    "+",
    "=",
    "&",
    "?",
    "#",
    ";",
    ",",
    ":",
    "@",
    "[",
    "]",
    "*",
    "'",
    '"',
    "<",
    ">",
    "\\",
    "^",
    "`",
    "{",
    "|",
    "}",
    "$",
    "!",
    "(",
    ")",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\r\n ",
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\x85",
    "\xa0",
    "\u2028",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\udc80",
    "ü",
    "é",
    "ß",
    "İ",
    "日本",
    "ﬀ",
    "١٢",
    "\U0001f600",
    "\uffff",
    "\U0010ffff",
    "${filename}",
    "x-amz-meta-",
    "X-Amz-Signature",
    "X-Amz-Credential=a",
    "AWS4",
    "aws4_request",
]

ODD_SCALARS: list[Any] = [
    None,
    0,
    1,
    -1,
    2**64,
    -(2**63),
    True,
    False,
    0.0,
    1.5,
    float("nan"),
    float("inf"),
    b"",
    b"x",
    b"\xff\xfe",
    bytearray(b"ab"),
    memoryview(b"mv"),
    {},
    {"a": 1},
    [],
    [1, 2],
    (),
    ("a", "b", "c"),
    set(),
    frozenset({"x"}),
    object(),
    Opaque(),
    Exploding(),
    BadStr("bad"),
    date(2024, 1, 1),
    time(1, 2),
    timedelta(seconds=5),
    1j,
    range(3),
    io.BytesIO(b"abc"),
    NotImplemented,
    Ellipsis,
    type,
    len,
]


def odd_scalar(r: R) -> Any:
    return r.choice(ODD_SCALARS)


def weird_text(r: R, max_atoms: int = 6) -> str:
    n = r.randrange(0, max_atoms + 1)
    s = "".join(r.choice(ATOMS) for _ in range(n))
    roll = r.random()
    if roll < 0.01:
        s = s + "a" * r.choice([1000, 5000, 70000])
    elif roll < 0.02:
        s = r.choice(ATOMS) * r.choice([100, 1000])
    return s


def odd(r: R) -> Any:
    """Anything at all: a wrong type or a weird string."""
    return odd_scalar(r) if r.random() < 0.5 else weird_text(r)


def pick(r: R, p_odd: float, valid: Gen | list[Any], oddgen: Callable[[R], Any] = odd) -> Any:
    """A valid value (from a generator or a list), or with probability ``p_odd`` an odd one."""
    if p_odd and r.random() < p_odd:
        return oddgen(r)
    if callable(valid):
        return valid(r, p_odd)
    return r.choice(valid)


# -- domain values ----------------------------------------------------------------------------

REGIONS = ["us-east-1", "eu-west-1", "us-gov-west-1", "cn-north-1", "aws-global", "us-west-2", "ap-south-1"]
ODD_REGIONS = ["", " ", "US EAST", "us-east-1\n", "ü", "\ud800", "a/b", "-x", "x" * 100, "us_east_1", "us.east.1"]
SERVICES = ["s3", "execute-api", "iam", "sts", "s3-object-lambda", "es", "lambda", "rds-db", "dsql"]
METHODS = ["GET", "PUT", "POST", "HEAD", "DELETE", "get", "Patch", "OPTIONS"]
ODD_METHODS = ["", "G T", "GET\r\n", "GÉT", "\ud800", "1", "get;", "CONNECT "]


def region(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(ODD_REGIONS) if r.random() < 0.6 else odd(r)
    return r.choice(REGIONS)


def service(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(ODD_REGIONS) if r.random() < 0.6 else odd(r)
    return r.choice(SERVICES)


def method(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(ODD_METHODS) if r.random() < 0.6 else odd(r)
    return r.choice(METHODS)


SCHEMES = ["https", "https", "http", "HTTPS", "Http", "ftp", "s3", "", "https:", "1x", "ü"]
HOSTS = [
    "example.com",
    "h.example.com",
    "bucket.s3.amazonaws.com",
    "s3.us-east-1.amazonaws.com",
    "Example.COM",
    "127.0.0.1",
    "localhost",
    "[::1]",
    "[2001:db8::1]",
    "a_b.example.com",
    "xn--exmple-cua.com",
    "exämple.com",
    "日本.jp",
]
ODD_HOSTS = [
    "",
    "[::1",
    "[::1]x",
    "[zz::1]",
    "[]",
    "user@",
    "user@host",
    "us er@host",
    "@",
    "ex ample.com",
    "example.com+",
    "example.com(",
    "exa\x00mple.com",
    "exa\tmple.com",
    "\ud800.com",
    "ü" * 70,
    "a" * 300,
    "..",
    ".",
    "-",
    "xn--",
    "xn--zz",
    "\u200d",
    "\ufeff.com",
]
PORTS = ["", "", ":443", ":80", ":8080", ":0", ":65535", ":65536", ":-1", ":١٢", ":abc", ":", ":443:1", ": 80", ":99999999999"]


def host(r: R, p: float) -> str:
    if p and r.random() < p:
        return r.choice(ODD_HOSTS) if r.random() < 0.7 else weird_text(r, 3)
    return r.choice(HOSTS)


def path(r: R, p: float) -> str:
    if p and r.random() < p:
        return "/" + weird_text(r)
    return r.choice(["", "/", "/key", "/a/b/c.txt", "/a%20b", "/with space", "/ü", "/a/../b", "/a//b/", "/%41%2F"])


def query(r: R, p: float) -> str:
    if p and r.random() < p:
        return "?" + weird_text(r)
    return r.choice(["", "", "?a=1", "?b=2&a=1", "?x", "?a=b=c", "?a+b=c%20d", "?prefix=photos/&delimiter=/", "?=v"])


def url(r: R, p: float) -> Any:
    if p and r.random() < p * 0.2:
        return odd(r)
    scheme = r.choice(SCHEMES) if p and r.random() < p else "https"
    port = r.choice(PORTS) if p and r.random() < p else r.choice(["", "", ":443", ":8443"])
    frag = "#" + weird_text(r, 2) if p and r.random() < p * 0.3 else ""
    return f"{scheme}://{host(r, p)}{port}{path(r, p)}{query(r, p)}{frag}"


HEADER_NAMES = [
    "x-amz-meta-a",
    "X-Amz-Meta-B",
    "Content-Type",
    "content-md5",
    "Range",
    "host",
    "Host",
    "user-agent",
    "x-amz-date",
    "Authorization",
    "x-amz-content-sha256",
    "X-Amz-Security-Token",
    "X-Amz-Expires",
    "X-Amz-Signature",
    "x-amz-checksum-crc32",
    "transfer-encoding",
    "expect",
]
ODD_HEADER_NAMES: list[Any] = ["", " x", "a b", "x:y", "ü", "\ud800", "x\r\n", "x\x00", 1, None, b"x", ("a",), "X" * 500]
HEADER_VALUES = ["1", "text/plain", " padded ", "a  b", "bytes=0-9", "", "a,b", "\tt", "x\r\n folded"]


def header_name(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(ODD_HEADER_NAMES) if r.random() < 0.6 else odd(r)
    return r.choice(HEADER_NAMES)


def header_value(r: R, p: float) -> Any:
    if p and r.random() < p:
        return weird_text(r, 4) if r.random() < 0.6 else odd(r)
    v = r.choice(HEADER_VALUES)
    roll = r.random()
    if roll < 0.1:
        return v.encode("ascii")
    if roll < 0.15:
        return 42
    return v


def headers(r: R, p: float) -> Any:
    if p and r.random() < p * 0.3:
        return r.choice([odd(r), [("a",)], [("a", "b", "c")], ["ab"], [1], iter([("x-a", "1")]), _gen_items(), Exploding()])
    n = r.randrange(0, 5)
    pairs = [(header_name(r, p), header_value(r, p)) for _ in range(n)]
    shape = r.random()
    if shape < 0.1:
        return None
    if shape < 0.55:
        try:
            return dict(pairs)
        except TypeError:  # an unhashable odd name
            return pairs
    if shape < 0.85:
        return pairs
    return tuple(pairs)


TZS = [
    timezone.utc,
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-12)),
    timezone(timedelta(hours=23, minutes=59)),
]


class OddTz(tzinfo):
    """A tzinfo whose utcoffset raises."""

    def utcoffset(self, dt: Any) -> Any:
        raise CallerError("no offset")

    def tzname(self, dt: Any) -> Any:
        return "ODD"

    def dst(self, dt: Any) -> Any:
        return None


def now(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(
            [
                datetime(2024, 5, 6, 7, 8, 9),  # naive
                datetime(1, 1, 1, tzinfo=timezone.utc),
                datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
                datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
                datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
                datetime(2024, 1, 1, tzinfo=OddTz()),
                date(2024, 1, 1),
                "20240101T000000Z",
                1700000000,
                1.7e9,
                time(1, 2, tzinfo=timezone.utc),
                odd_scalar(r),
            ]
        )
    if r.random() < 0.15:
        return None
    base = datetime(2013, 5, 24, tzinfo=timezone.utc) + timedelta(seconds=r.randrange(0, 20 * 365 * 86400))
    return base.astimezone(r.choice(TZS))


def expires(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice([0, -1, 604801, 10**9, 2**63, True, False, 1.0, 60.5, "60", None, b"1", float("nan")])
    return r.choice([1, 60, 900, 3600, 604800])


_HEX = "0123456789abcdef"


def payload_hash(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(
            [
                "A" * 64,
                "a" * 63,
                "a" * 65,
                "g" * 64,
                "abc\r\nX-Evil: 1",
                "",
                "UNSIGNED-PAYLOAD ",
                "unsigned-payload",
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n",
                b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                BadStr("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                0,
                "\ud800" * 64,
                "é" * 64,
                odd(r),
            ]
        )
    if r.random() < 0.5:
        return None
    return r.choice(
        [
            "".join(r.choice(_HEX) for _ in range(64)),
            "UNSIGNED-PAYLOAD",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ]
    )


class OneShot:
    """A file-like body that is not seekable."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, n: int = -1) -> bytes:
        out, self._data = (self._data, b"") if n is None or n < 0 else (self._data[:n], self._data[n:])
        return out

    def __repr__(self) -> str:
        return "<OneShot>"


class BadRead:
    """A file whose read returns the wrong type."""

    def read(self, n: int = -1) -> Any:
        return "not bytes"

    def seek(self, *a: Any) -> int:
        return 0

    def tell(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<BadRead>"


def body(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(
            [
                "text \ud800",
                "ü body",
                12,
                None,
                {"a": 1},
                [b"a", b"b"],
                iter([b"chunk"]),
                OneShot(b"one-shot"),
                BadRead(),
                Exploding(),
                io.StringIO("text io"),
                odd(r),
            ]
        )
    return r.choice([b"", b"", b"hello", b"x" * 70000, bytearray(b"ba"), memoryview(b"mv"), "str body", io.BytesIO(b"file")])


def fresh(value: Any) -> Any:
    """A body object read once per call must not be shared between calls."""
    if isinstance(value, io.BytesIO):
        return io.BytesIO(value.getvalue())
    return value


def secret(r: R, p: float) -> Any:
    """A secret containing the marker (so any leak of it is seen), odd characters around it."""
    if p and r.random() < p:
        roll = r.random()
        if roll < 0.7:
            return (
                r.choice(["", "\ud800", "\x00", "\r\n", " ", "ü", "\udcff", "\x7f"])
                + SECRET
                + r.choice(["", "\ud800", "\n", "ü"])
            )
        return odd_scalar(r)
    return SECRET


def token(r: R, p: float) -> Any:
    if p and r.random() < p:
        roll = r.random()
        if roll < 0.7:
            return r.choice(["", "\ud800", "\n", " ", "ü"]) + TOKEN + r.choice(["", "\udfff", "\x00", "é"])
        return odd_scalar(r)
    return r.choice([None, TOKEN])


def access_key(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(["", " ", "AK\ud800", "AK/ID", "AK\nID", "ÄK", "a" * 500]) if r.random() < 0.7 else odd_scalar(r)
    return ACCESS_KEY


def expiry(r: R, p: float) -> Any:
    if p and r.random() < p:
        return r.choice(
            [
                datetime(2030, 1, 1),
                "2030-01-01T00:00:00Z",
                1,
                datetime(2000, 1, 1, tzinfo=timezone.utc),
                time(1, 2, tzinfo=timezone.utc),  # aware, has utcoffset(), but no timestamp()
                datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
                odd_scalar(r),
            ]
        )
    return r.choice([None, None, None, datetime(2100, 1, 1, tzinfo=timezone.utc), datetime(2014, 1, 1, tzinfo=timezone.utc)])
