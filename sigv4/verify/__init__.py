"""Verification: the signing pipeline run in reverse on a request as received.

:class:`~sigv4.verify.verifier.Verifier` (public as :class:`sigv4.Verifier`) checks
header-signed requests, presigned URLs (:mod:`~sigv4.verify.parse`), POST policies
(:mod:`~sigv4.verify.post`) and aws-chunked streams (:mod:`~sigv4.verify.chunked`),
recomputing each signature with :mod:`sigv4.core`'s functions.  Sans-I/O like the core;
this file imports nothing.
"""
