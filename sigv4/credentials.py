"""Credentials: an immutable value whose ``repr`` never shows the secret.

A *provider* is anything with a ``get_credentials()`` method returning
:class:`Credentials`; the signer accepts either.  Providers and the
credential chain (environment, files, STS, containers, IMDS) live in
separate modules and are imported only when used.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Protocol

    class CredentialsProvider(Protocol):
        """Something that hands out current credentials (refreshing them if needed)."""

        def get_credentials(self) -> Credentials: ...


__all__ = ["Credentials"]


class Credentials:
    """An access key, its secret, and optionally a session token and expiry.

    Immutable and hashable; ``repr``/``str`` show the access key id only.
    """

    __slots__ = ("access_key", "expiry", "secret_key", "token")

    access_key: str
    secret_key: str
    token: str | None
    expiry: datetime | None

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        token: str | None = None,
        expiry: datetime | None = None,
    ) -> None:
        from .errors import CredentialsError

        if not isinstance(access_key, str) or not access_key:
            raise CredentialsError("access_key", "must be a non-empty string")
        if not isinstance(secret_key, str) or not secret_key:
            raise CredentialsError("secret_key", "must be a non-empty string")
        if token is not None and (not isinstance(token, str) or not token):
            raise CredentialsError("token", "must be a non-empty string or None")
        if expiry is not None and getattr(expiry, "utcoffset", lambda: None)() is None:
            raise CredentialsError("expiry", "must be a timezone-aware datetime or None")
        for name, value in (("access_key", access_key), ("secret_key", secret_key), ("token", token)):
            if value is not None and any(c in value for c in "\r\n\x00"):
                raise CredentialsError(name, "must not contain CR, LF or NUL")
        object.__setattr__(self, "access_key", access_key)
        object.__setattr__(self, "secret_key", secret_key)
        object.__setattr__(self, "token", token)
        object.__setattr__(self, "expiry", expiry)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Credentials are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Credentials are immutable")

    def get_credentials(self) -> Credentials:
        """Fixed credentials are their own provider."""
        return self

    def __repr__(self) -> str:
        parts = [f"access_key={self.access_key!r}", "secret_key='***'"]
        if self.token is not None:
            parts.append("token='***'")
        if self.expiry is not None:
            parts.append(f"expiry={self.expiry.isoformat()!r}")
        return f"Credentials({', '.join(parts)})"

    __str__ = __repr__

    def _key(self) -> tuple[str, str, str | None, datetime | None]:
        return (self.access_key, self.secret_key, self.token, self.expiry)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[Credentials], tuple[str, str, str | None, datetime | None]]:
        return (Credentials, self._key())
