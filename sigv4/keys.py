"""The SigV4 signing key: ``AWS4``+secret → date → region → service →
``aws4_request``, each step an HMAC-SHA256.

Derivation costs four HMACs; a key is valid for a whole UTC day, so it is
derived once per (secret, date, region, service) and kept in a small bounded
cache that threads may share.
"""

from __future__ import annotations

import hmac as _hmac
from _thread import allocate_lock

__all__ = ["signing_key", "signature", "derive_signing_key", "clear_cache"]

_CACHE_SIZE = 128
_cache: dict[tuple[str, str, str, str], bytes] = {}
_lock = allocate_lock()


def derive_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The four HMACs of the specification, uncached."""
    digest = _hmac.digest
    k_date = digest(("AWS4" + secret_key).encode("utf-8"), date.encode("utf-8"), "sha256")
    k_region = digest(k_date, region.encode("utf-8"), "sha256")
    k_service = digest(k_region, service.encode("utf-8"), "sha256")
    return digest(k_service, b"aws4_request", "sha256")


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The signing key for ``date`` (``YYYYMMDD``), cached (bounded, thread-safe)."""
    cache_key = (secret_key, date, region, service)
    key = _cache.get(cache_key)
    if key is None:
        key = derive_signing_key(secret_key, date, region, service)
        with _lock:
            if len(_cache) >= _CACHE_SIZE:
                # Evict the oldest entry (dicts keep insertion order).
                del _cache[next(iter(_cache))]
            _cache[cache_key] = key
    return key


def signature(key: bytes, string_to_sign: str) -> str:
    """Signature: hex HMAC-SHA256 of the string to sign under the signing key."""
    return _hmac.digest(key, string_to_sign.encode("utf-8"), "sha256").hex()


def clear_cache() -> None:
    """Forget every cached key (after rotating a secret, say)."""
    with _lock:
        _cache.clear()
