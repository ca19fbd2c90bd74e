"""Hypothesis strategies for requests: paths, queries, headers, credentials."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import strategies as st

from sigv4.core.urls import quote, quote_path

# Characters that broke other signers: reserved, unicode, spaces, %, +.
KEY_ALPHABET = st.sampled_from([*"abcXYZ019-_.~ +=&?#;,'!*()@$:%/", "é", "ሴ", "😀", "//", "/./", "/../", "\t"])
segments = st.lists(KEY_ALPHABET, min_size=1, max_size=12).map("".join)
QUERY_CHARS = st.sampled_from([*"abcXYZ019-_.~ +=&?/;,'!*()@$:%", "é", "ሴ", ""])
query_text = st.lists(QUERY_CHARS, min_size=0, max_size=8).map("".join)

TOKEN_CHARS = "!#$%&'*+-.^_`|~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
RESERVED_HEADERS = {
    "host",
    "authorization",
    "x-amz-date",
    # botocore rewrites a caller's Date to its own timestamp and then signs no X-Amz-Date;
    # sigv4 signs the Date given and adds X-Amz-Date (which servers use first).
    "date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "content-type",
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-expires",
    "x-amz-signedheaders",
    "x-amz-signature",
}
header_names = st.one_of(
    st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=12),
    st.sampled_from(
        ["X-Amz-Meta-Foo", "x-amz-meta-bar", "Content-MD5", "Range", "User-Agent", "Connection", "traceparent", "x-custom"]
    ),
).filter(lambda n: n.lower() not in RESERVED_HEADERS)


@st.composite
def header_values(draw: st.DrawFn) -> str:
    """Values with padding, inner runs of spaces/tabs and obsolete line folds."""
    words = draw(st.lists(st.sampled_from(["a", "B", "1", "value", "x=y", '"q"', ",", ";", "~"]), max_size=5))
    seps = st.sampled_from([" ", "  ", "\t", " \t ", "\n  ", "\r\n\t"])
    pad = st.sampled_from(["", " ", "  ", "\t"])
    inner = "".join(w + (draw(seps) if i < len(words) - 1 else "") for i, w in enumerate(words))
    return draw(pad) + inner + draw(pad)


header_lists = st.lists(st.tuples(header_names, header_values()), max_size=6)

hosts = st.sampled_from(
    [
        ("https", "example.amazonaws.com"),
        ("https", "bucket.s3.amazonaws.com"),
        ("http", "127.0.0.1:9000"),
        ("https", "Example.COM:8443"),
        ("https", "example.com:443"),
        ("http", "example.com:80"),
        ("http", "[::1]:9000"),
    ]
)
regions = st.sampled_from(["us-east-1", "eu-west-3", "ap-southeast-5", "mx-central-1", "us-gov-west-1", "cn-north-1"])
generic_services = st.sampled_from(["service", "execute-api", "es", "lambda", "sts", "dynamodb"])
methods = st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"])
tokens = st.one_of(st.none(), st.text(alphabet="ABCabc0123456789+/=", min_size=1, max_size=60))
access_keys = st.sampled_from(["AKIDEXAMPLE", "AKIAIOSFODNN7EXAMPLE", "ASIAXXXXXXXXXXXXXXXX"])
secret_keys = st.text(alphabet="ABCabc0123456789+/", min_size=1, max_size=40)
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=timezone.utc)
)


@st.composite
def encoded_paths(draw: st.DrawFn) -> str:
    """A path as a client sends it: each key segment percent-encoded the way
    botocore builds S3 URLs (so both signers see the same wire bytes)."""
    parts = draw(st.lists(segments, min_size=0, max_size=4))
    trailing = draw(st.booleans())
    path = "/" + "/".join(quote_path(p) for p in parts)
    return path + ("/" if trailing and parts else "")


@st.composite
def encoded_queries(draw: st.DrawFn, unique_keys: bool = False, allow_bare: bool = True) -> str:
    """A query string already in SigV4 encoding (keys may repeat, values may be
    empty, a key may stand bare)."""
    keys = draw(st.lists(query_text.filter(bool), max_size=5, unique=unique_keys))
    pieces = []
    for key in keys:
        value = draw(query_text)
        if allow_bare and not value and draw(st.booleans()):
            pieces.append(quote(key))
        else:
            pieces.append(f"{quote(key)}={quote(value)}")
    return "&".join(pieces)
