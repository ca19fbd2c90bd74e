"""Presigning many URLs under one signer: a manifest of object keys in,
presigned URLs out.

:func:`presign_keys` is the fast path.  Every URL of a manifest shares the
host, the expiry, the timestamp and the signing key, so the canonical request
differs only in the path: it is built as ``head + path + tail`` and each key
costs one percent-encoding, two short SHA-256 runs and an HMAC.  The first key
goes through :meth:`Signer.presign` itself, which checks the inputs once; the
tests compare every URL with it and with botocore.

:func:`presign_urls` presigns arbitrary URLs (mixed hosts, query strings)
with one timestamp.

Both are plain functions of picklable values, so they run unchanged inside a
``multiprocessing`` pool, or Spark, Dask or Ray tasks: ship the
:class:`Signer` (it pickles, without its cached keys) and a slice of the
manifest to each worker, and pass the same ``now`` to every slice when the
URLs must not depend on which worker made them.
"""

from __future__ import annotations

from .errors import InvalidURLError, SigningError
from .keys import DayKey
from .urls import escape_dot_segments, quote_path, split_url, unquote_to_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from .signer import SignedRequest, Signer

__all__ = ["presign_keys", "presign_urls"]


def presign_urls(
    signer: Signer,
    method: str,
    urls: Iterable[str],
    expires_in: int,
    *,
    now: datetime | None = None,
) -> list[str]:
    """``signer.presign(method, url, expires_in).url`` for each URL, all
    signed at one instant (``now``, or the signer's clock read once)."""
    from .signer import Signer

    if not isinstance(signer, Signer):
        raise SigningError("signer", f"must be a sigv4.Signer, not {type(signer).__name__}")
    if isinstance(urls, (str, bytes)) or not hasattr(urls, "__iter__"):
        raise SigningError("urls", f"must be an iterable of URLs, not {type(urls).__name__}")
    if now is None:
        now = _instant(signer.amz_date())  # the clock read once (and checked)
    presign = signer.presign
    return [presign(method, url, expires_in, now=now).url for url in urls]


def presign_keys(
    signer: Signer,
    base_url: str,
    keys: Iterable[str],
    expires_in: int,
    *,
    method: str = "GET",
    now: datetime | None = None,
) -> list[str]:
    """One presigned URL per object key, in order.

    ``base_url`` is the bucket's URL: ``https://bucket.s3.us-east-1.amazonaws.com``
    (virtual-hosted) or ``https://s3.us-east-1.amazonaws.com/bucket`` (path
    style); each URL's path is the base path, ``/`` and the key.  Keys are raw
    object keys as S3 lists them, not URL-encoded: ``"100% cat+dog.jpg"`` is
    that literal name, encoded once here.  All URLs share one timestamp
    (``now``, or the signer's clock read once).

    The result equals ``signer.presign(method, base + "/" + quote_path(key),
    expires_in, now=now).url`` for every key.
    """
    from .signer import Signer

    if not isinstance(signer, Signer):
        raise SigningError("signer", f"must be a sigv4.Signer, not {type(signer).__name__}")
    scheme, netloc, base_path, query = split_url(base_url)
    if query:
        raise InvalidURLError("base_url", "must be the bucket's URL without a query (use presign_urls for URLs with one)")
    base_path = base_path.rstrip("/")
    if isinstance(keys, (str, bytes)):
        raise SigningError("keys", "must be an iterable of keys, not a single key")
    if not isinstance(keys, list) and not hasattr(keys, "__iter__"):
        raise SigningError("keys", f"must be an iterable of keys, not {type(keys).__name__}")
    key_list = keys if isinstance(keys, list) else list(keys)
    for key in key_list:
        if not isinstance(key, str) or not key:
            raise SigningError("keys", f"every key must be a non-empty str, got {key!r}")
    if not key_list:
        return []
    base = f"{scheme}://{netloc}{base_path}/"
    first = signer.presign(method, base + quote_path(key_list[0]), expires_in, now=now)
    fixed = _instant(first.amz_date)
    s = signer.settings
    if not (s.double_encode_path or s.normalize_path):
        # S3's rules: the path is sent as canonicalised, so every URL is one
        # template with the encoded key in two places.
        make = _template(signer, first, f"{scheme}://{netloc}", quote_path(unquote_to_bytes(base_path)) + "/")
        if make(key_list[0]) == first.url:  # the template reproduces the general path
            return [first.url] + [make(key) for key in key_list[1:]]
    return [first.url] + [signer.presign(method, base + quote_path(k), expires_in, now=fixed).url for k in key_list[1:]]


def _template(signer: Signer, first: SignedRequest, origin: str, prefix: str) -> Callable[[str], str]:
    """A function of one key giving its presigned URL, built from the parts of
    ``first`` that every key shares.

    Fast path: the pipeline's canonical request, string to sign and signature,
    with only the path put in per key; presign_keys checks it reproduces the
    first URL, and tests/core/test_bulk.py compares every URL with presign()."""
    # CanonicalRequest is "METHOD\nURI\nrest": only the URI changes.
    method, _, rest = first.canonical_request.split("\n", 2)
    creq_head = f"{method}\n{prefix}"
    creq_tail = f"\n{rest}"
    # StringToSign ends with the hash of the canonical request; the HMAC
    # absorbs the part before it once.
    sts_head = first.string_to_sign.rpartition("\n")[0] + "\n"
    query = first.url.partition("?")[2].rpartition("X-Amz-Signature=")[0]
    url_mid = f"?{query}X-Amz-Signature="
    # Many URLs: OpenSSL's SHA-256 (~2x faster on short messages) is worth loading.
    day = DayKey(signer.credentials(), first.amz_date[:8], signer.region, signer.service, openssl=True)
    sha256, hmac = day.sha256, day.hmac.prefixed(sts_head.encode())

    def make(key: str) -> str:
        path = quote_path(key)
        digest = sha256(f"{creq_head}{path}{creq_tail}".encode()).hexdigest()
        return f"{origin}{escape_dot_segments(prefix + path)}{url_mid}{hmac.hexdigest(digest.encode())}"

    return make


def _instant(amz_date: str) -> datetime:
    """The aware datetime of a ``YYYYMMDDTHHMMSSZ`` timestamp."""
    from datetime import datetime, timezone

    d = amz_date
    return datetime(int(d[:4]), int(d[4:6]), int(d[6:8]), int(d[9:11]), int(d[11:13]), int(d[13:15]), tzinfo=timezone.utc)
