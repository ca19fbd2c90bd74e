"""sigv4: AWS Signature Version 4 in pure Python, standard library only.

``import sigv4`` loads only this file; each public name is imported from its
module on first use (PEP 562), so a Lambda cold start pays for what it uses.
"""

# No `from __future__ import annotations` here: it is the only import this file
# would make, and the annotations below evaluate fine on Python 3.9.
__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from . import exceptions
    from .core.bulk import presign_keys, presign_urls
    from .core.canonical import canonical_request, credential_scope, signed_headers, string_to_sign
    from .core.credentials import Credentials
    from .core.errors import (
        CredentialsError,
        InvalidExpiryError,
        InvalidHeaderError,
        InvalidScopeError,
        InvalidTimeError,
        InvalidURLError,
        PayloadError,
        SigningError,
        VerificationError,
    )
    from .core.keys import signing_key
    from .core.settings import SigningSettings
    from .core.signer import SignedRequest, Signer
    from .providers.base import CredentialsRefreshWarning
    from .providers.chain import CredentialChain, default_provider
    from .session import Session, client
    from .tokens import DSQLClient, EKSClient, RDSClient
    from .verify.verifier import VerificationResult, Verifier

# Public name -> the module (under sigv4) that defines it.
_LAZY = {
    "Credentials": "core.credentials",
    "Signer": "core.signer",
    "SignedRequest": "core.signer",
    "SigningSettings": "core.settings",
    "signing_key": "core.keys",
    "canonical_request": "core.canonical",
    "string_to_sign": "core.canonical",
    "credential_scope": "core.canonical",
    "signed_headers": "core.canonical",
    "SigningError": "core.errors",
    "ServiceError": "core.errors",
    "InvalidHeaderError": "core.errors",
    "InvalidURLError": "core.errors",
    "InvalidExpiryError": "core.errors",
    "InvalidScopeError": "core.errors",
    "CredentialsError": "core.errors",
    "PayloadError": "core.errors",
    "InvalidTimeError": "core.errors",
    "client": "session",
    "Session": "session",
    "default_provider": "providers.chain",
    "CredentialChain": "providers.chain",
    "CredentialsRefreshWarning": "providers.base",
    "presign_keys": "core.bulk",
    "presign_urls": "core.bulk",
    "RDSClient": "tokens",
    "DSQLClient": "tokens",
    "EKSClient": "tokens",
    "Verifier": "verify.verifier",
    "VerificationResult": "verify.verifier",
    "VerificationError": "core.errors",
}
# Submodules reachable as attributes after a bare ``import sigv4``.
_SUBMODULES = frozenset({"exceptions"})

__all__ = [
    "CredentialChain",
    "Credentials",
    "CredentialsError",
    "CredentialsRefreshWarning",
    "DSQLClient",
    "EKSClient",
    "InvalidExpiryError",
    "InvalidHeaderError",
    "InvalidScopeError",
    "InvalidTimeError",
    "InvalidURLError",
    "PayloadError",
    "RDSClient",
    "Session",
    "ServiceError",
    "SignedRequest",
    "Signer",
    "SigningError",
    "SigningSettings",
    "VerificationError",
    "VerificationResult",
    "Verifier",
    "canonical_request",
    "client",
    "credential_scope",
    "default_provider",
    "exceptions",
    "presign_keys",
    "presign_urls",
    "signed_headers",
    "signing_key",
    "string_to_sign",
]


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        module_name = name
    else:
        module_name = _LAZY.get(name, "")
        if not module_name:
            raise AttributeError(f"module 'sigv4' has no attribute {name!r}")
    # __import__ rather than importlib.import_module: no extra module on a cold start.
    module = __import__(f"{__name__}.{module_name}", fromlist=["_"])
    value = module if name in _SUBMODULES else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
