"""sigv4: AWS Signature Version 4 in pure Python, standard library only.

``import sigv4`` loads only this file; each public name is imported from its
module on first use (PEP 562), so a Lambda cold start pays for what it uses.
"""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .canonical import canonical_request, credential_scope, signed_headers, string_to_sign
    from .credentials import Credentials
    from .errors import (
        CredentialsError,
        InvalidExpiryError,
        InvalidHeaderError,
        InvalidScopeError,
        InvalidTimeError,
        InvalidURLError,
        PayloadError,
        SigningError,
    )
    from .keys import signing_key
    from .settings import SigningSettings
    from .signer import SignedRequest, Signer

_LAZY = {
    "Credentials": "credentials",
    "Signer": "signer",
    "SignedRequest": "signer",
    "SigningSettings": "settings",
    "signing_key": "keys",
    "canonical_request": "canonical",
    "string_to_sign": "canonical",
    "credential_scope": "canonical",
    "signed_headers": "canonical",
    "SigningError": "errors",
    "InvalidHeaderError": "errors",
    "InvalidURLError": "errors",
    "InvalidExpiryError": "errors",
    "InvalidScopeError": "errors",
    "CredentialsError": "errors",
    "PayloadError": "errors",
    "InvalidTimeError": "errors",
}

__all__ = [
    "Credentials",
    "CredentialsError",
    "InvalidExpiryError",
    "InvalidHeaderError",
    "InvalidScopeError",
    "InvalidTimeError",
    "InvalidURLError",
    "PayloadError",
    "SignedRequest",
    "Signer",
    "SigningError",
    "SigningSettings",
    "canonical_request",
    "credential_scope",
    "signed_headers",
    "signing_key",
    "string_to_sign",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sigv4' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
