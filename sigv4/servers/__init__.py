"""The machinery behind :mod:`sigv4.testing`: how each kind of local S3 server is
launched (its binary and health check, free ports, environment and command lines).

Not a public API: import :class:`sigv4.testing.LocalS3Server`.  Standard library only,
and imported only by :mod:`sigv4.testing` (nothing loads it at import time).
"""
