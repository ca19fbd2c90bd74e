"""Credentials: an immutable value whose ``repr`` never shows the secret.

A *provider* is anything with a ``get_credentials()`` method returning
:class:`Credentials`; the signer accepts either.  Providers and the
credential chain (environment, files, STS, containers, IMDS) live in
separate modules and are imported only when used.

What :class:`Credentials` accepts (anything else raises
:class:`~sigv4.core.errors.CredentialsError` naming the field, never quoting it):

* ``access_key``: a non-empty ``str`` of printable ASCII without spaces, ``/``
  or ``,``.  AWS issues ``[A-Z0-9]{16,128}``; S3-compatible stores allow more
  (MinIO: 3 characters or more, no ``=`` or ``,``).  The key travels in the
  ``Credential=AKID/date/region/service/aws4_request`` part of an
  ``Authorization`` header, which servers split on ``,``, spaces and ``/``.
* ``secret_key``: a non-empty ``str`` that encodes as UTF-8 (no lone
  surrogates such as ``'\\ud800'``) without CR, LF or NUL.  It is never sent,
  only used as the HMAC key.
* ``token``: ``None`` or a non-empty ``str`` that encodes as UTF-8, without
  control characters (U+0000..U+001F, U+007F): it is sent in the
  ``X-Amz-Security-Token`` header or query parameter.
* ``expiry``: ``None`` or a timezone-aware ``datetime``.

Pickling carries the secret and the token (an unpickled copy must sign), but
not in plain text: they are masked with a fixed key stream so that a pickle
dumped to a log or searched with ``grep`` does not show them.  This is *not*
encryption: anyone holding the pickle can sign; treat it as the secret itself.
"""

from __future__ import annotations

from .urls import is_utf8_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Protocol

    class CredentialsProvider(Protocol):
        """Something that hands out current credentials (refreshing them if needed)."""

        def get_credentials(self) -> Credentials: ...


__all__ = ["Credentials", "seal", "unseal"]

# Characters an access key may not hold besides controls, spaces and non-ASCII.
_KEY_SEPARATORS = ("/", ",")


def _problem(access_key: object, secret_key: object, token: object, expiry: object) -> tuple[str, str] | None:
    """``(field, rule)`` for the first value Credentials cannot hold, else None.
    Rules never quote a value."""
    if not isinstance(access_key, str):
        return "access_key", f"must be a non-empty string, not {type(access_key).__name__}"
    if not access_key:
        return "access_key", "must be a non-empty string"
    if (
        not (access_key.isascii() and access_key.isprintable())
        or " " in access_key
        or any(c in access_key for c in _KEY_SEPARATORS)
    ):
        return "access_key", "must be printable ASCII without spaces, '/' or ','"
    if not isinstance(secret_key, str):
        return "secret_key", f"must be a non-empty string, not {type(secret_key).__name__}"
    if not secret_key:
        return "secret_key", "must be a non-empty string"
    if not is_utf8_text(secret_key):
        return "secret_key", "must be text that encodes as UTF-8 (it holds a lone surrogate)"
    if "\r" in secret_key or "\n" in secret_key or "\x00" in secret_key:
        return "secret_key", "must not contain CR, LF or NUL"
    if token is not None:
        if not isinstance(token, str):
            return "token", f"must be a non-empty string or None, not {type(token).__name__}"
        if not token:
            return "token", "must be a non-empty string or None"
        if not is_utf8_text(token):
            return "token", "must be text that encodes as UTF-8 (it holds a lone surrogate)"
        if not (token.isascii() and token.isprintable()) and any(c < " " or c == "\x7f" for c in token):
            return "token", "must not contain control characters (CR, LF, NUL, tab...)"
    if expiry is not None:
        from datetime import datetime, timezone

        if not isinstance(expiry, datetime):
            return "expiry", "must be a timezone-aware datetime or None"
        aware = True
        try:
            aware = expiry.utcoffset() is not None
            expiry.astimezone(timezone.utc)
        except Exception:
            return "expiry", "must be a datetime that converts to UTC"
        if not aware:
            return "expiry", "must be a timezone-aware datetime or None"
    return None


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
        problem = _problem(access_key, secret_key, token, expiry)
        if problem is not None:
            from .errors import CredentialsError

            raise CredentialsError(*problem)
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

    def __reduce__(self) -> tuple[object, tuple[str, bytes, bytes | None, datetime | None]]:
        token = None if self.token is None else seal(self.token)
        return (_unpickle, (self.access_key, seal(self.secret_key), token, self.expiry))

    def __getstate__(self) -> dict[str, object]:
        """What pickling carries, secret and token sealed (see :func:`seal`)."""
        token = None if self.token is None else seal(self.token)
        return {"access_key": self.access_key, "secret_key": seal(self.secret_key), "token": token, "expiry": self.expiry}


def _unpickle(access_key: str, secret: bytes, token: bytes | None, expiry: datetime | None) -> Credentials:
    return Credentials(access_key, unseal(secret), None if token is None else unseal(token), expiry)


# -- sealing: keeps secrets out of plain sight in pickles (NOT encryption) --------

_MASK_LABEL = b"sigv4 pickle mask: this hides a secret from plain sight, it does not protect it"


def _stream(size: int) -> bytes:
    import hashlib

    blocks = []
    for i in range((size + 31) // 32):
        blocks.append(hashlib.sha256(_MASK_LABEL + i.to_bytes(4, "big")).digest())
    return b"".join(blocks)[:size]


def seal(text: str) -> bytes:
    """``text`` as UTF-8, masked with a fixed key stream, for pickles: the bytes
    are not the text, so a dumped pickle or a ``grep`` does not show a secret.
    Not encryption: :func:`unseal` needs no key."""
    data = text.encode("utf-8", "surrogatepass")
    if not data:
        return data
    mask = _stream(len(data))
    return (int.from_bytes(data, "big") ^ int.from_bytes(mask, "big")).to_bytes(len(data), "big")


def unseal(data: bytes) -> str:
    """The text :func:`seal` masked."""
    if not data:
        return ""
    mask = _stream(len(data))
    plain = (int.from_bytes(data, "big") ^ int.from_bytes(mask, "big")).to_bytes(len(data), "big")
    return plain.decode("utf-8", "surrogatepass")
