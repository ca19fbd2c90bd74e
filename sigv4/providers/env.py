"""Credentials from the environment: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` (or the older
``AWS_SECURITY_TOKEN``) and ``AWS_CREDENTIAL_EXPIRATION``.

:func:`read_environment_credentials` is the one reader of these variables:
:class:`EnvProvider`, the default chain and :class:`sigv4.Session` all use it,
so they agree on every environment.  Its rules are botocore's ``EnvProvider``:

* ``AWS_ACCESS_KEY_ID`` unset or empty: no credentials in the environment
  (a secret alone is ignored, and the chain goes on to the shared files);
* a key without ``AWS_SECRET_ACCESS_KEY``:
  :class:`~sigv4.exceptions.PartialCredentialsError`;
* the token is ``AWS_SECURITY_TOKEN``, else ``AWS_SESSION_TOKEN`` (botocore's
  order; empty ones are ignored);
* ``AWS_CREDENTIAL_EXPIRATION``, when set, must be an ISO 8601 timestamp
  (:func:`~sigv4.providers.base.parse_expiry`); a malformed one is a
  :class:`~sigv4.core.errors.CredentialsError` naming the variable (botocore fails
  too, with dateutil's ``ValueError``).

A value :class:`~sigv4.Credentials` refuses is reported under the variable's
name, never quoted.

Like botocore, :class:`EnvProvider` reads the variables when credentials are
first asked for; when ``AWS_CREDENTIAL_EXPIRATION`` is set they are read again
as that time approaches (a process that rotates them in its own environment
is followed -- when the provider reads ``os.environ`` itself rather than a
snapshot).
"""

from __future__ import annotations

import os

from ..core.credentials import Credentials
from ..core.errors import CredentialsError
from .base import RefreshableProvider, parse_expiry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["EnvProvider", "env_has_credentials", "read_environment_credentials"]

ACCESS_KEY = "AWS_ACCESS_KEY_ID"
SECRET_KEY = "AWS_SECRET_ACCESS_KEY"  # noqa: S105  (variable names)
TOKENS = ("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN")  # botocore's order: the older name wins when both are set
EXPIRATION = "AWS_CREDENTIAL_EXPIRATION"


def _text(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name)
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise CredentialsError(name, f"must be a string, not {type(value).__name__}")
    return value


def env_has_credentials(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``AWS_ACCESS_KEY_ID`` is set and non-empty (the variable that
    makes botocore use the environment)."""
    env = os.environ if environ is None else environ
    return bool(env.get(ACCESS_KEY))


def read_environment_credentials(environ: Mapping[str, str]) -> Credentials | None:
    """The credentials in ``environ`` (rules in the module docstring), or None."""
    access_key = _text(environ, ACCESS_KEY)
    if not access_key:
        return None
    secret_key = _text(environ, SECRET_KEY)
    if not secret_key:
        from ..core.errors import PartialCredentialsError

        raise PartialCredentialsError("env", SECRET_KEY)
    token_var = next((name for name in TOKENS if _text(environ, name)), None)
    token = _text(environ, token_var) if token_var else None
    expiry_text = _text(environ, EXPIRATION)
    expiry = parse_expiry(expiry_text, EXPIRATION) if expiry_text else None
    problem: tuple[str, str] | None = None
    try:
        return Credentials(access_key, secret_key, token, expiry)
    except CredentialsError as exc:
        problem = (exc.field, exc.rule)
    names = {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "token": token_var or TOKENS[1], "expiry": EXPIRATION}
    raise CredentialsError(names.get(problem[0], problem[0]), problem[1])


class EnvProvider(RefreshableProvider):
    """Reads the ``AWS_*`` credential variables (``environ`` defaults to ``os.environ``)."""

    method = "env"

    def __init__(self, environ: Mapping[str, str] | None = None, *, clock: Callable[[], float] | None = None) -> None:
        super().__init__(clock=clock)
        self._environ = environ

    def _fetch(self) -> Credentials:
        creds = read_environment_credentials(os.environ if self._environ is None else self._environ)
        if creds is None:
            raise CredentialsError(ACCESS_KEY, "is not set")
        if creds.expiry is not None and creds.expiry.timestamp() <= self._clock():
            raise CredentialsError(EXPIRATION, f"the credentials in the environment expired at {creds.expiry.isoformat()}")
        return creds
