"""Credential providers and the default chain, standard library only.

``default_provider()`` returns the boto3-compatible chain; each source is also
usable on its own.  Names are imported from their modules on first use
(PEP 562): ``import sigv4.providers`` loads nothing else.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .base import CredentialsRefreshWarning, RefreshableProvider, StaticProvider
    from .chain import CredentialChain, default_provider
    from .container import ContainerProvider
    from .env import EnvProvider
    from .files import ProcessProvider
    from .imds import InstanceMetadataProvider
    from .sts import AssumeRoleProvider, WebIdentityProvider

_LAZY = {
    "default_provider": "chain",
    "CredentialChain": "chain",
    "RefreshableProvider": "base",
    "StaticProvider": "base",
    "CredentialsRefreshWarning": "base",
    "EnvProvider": "env",
    "ProcessProvider": "files",
    "AssumeRoleProvider": "sts",
    "WebIdentityProvider": "sts",
    "ContainerProvider": "container",
    "InstanceMetadataProvider": "imds",
}

__all__ = [
    "AssumeRoleProvider",
    "ContainerProvider",
    "CredentialChain",
    "CredentialsRefreshWarning",
    "EnvProvider",
    "InstanceMetadataProvider",
    "ProcessProvider",
    "RefreshableProvider",
    "StaticProvider",
    "WebIdentityProvider",
    "default_provider",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sigv4.providers' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
