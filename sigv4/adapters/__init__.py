"""What the HTTP adapters share: :mod:`~sigv4.adapters.base` (signing a request the
way the client will send it) and :mod:`~sigv4.adapters.recovery` (reading an answer:
clock skew, the bucket's region, redirects, expired credentials).

The adapters themselves are public modules at the package root (:mod:`sigv4.requests`,
:mod:`sigv4.httpx`, :mod:`sigv4.urllib`, :mod:`sigv4.aiohttp`); this file imports nothing.
"""
