"""SigV4a's keys and signatures: the P-256 key derived from credentials, ECDSA
signing and verification.

``Signer(credentials, region_set, service, algorithm='AWS4-ECDSA-P256-SHA256')`` signs
with SigV4a; this module is for what lies under it: the public key AWS checks with
(``signing_key(access_key, secret_key).public_key``), checking a signature
(:func:`verify_signature`), the key cache and the backend in use.  The code is
:mod:`sigv4.core.sigv4a`, in the core where the signer runs it; its ``__all__`` is
this module's.
"""

from .core.sigv4a import *  # noqa: F403
from .core.sigv4a import __all__ as __all__
