"""Credentials from the environment: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` (or the older
``AWS_SECURITY_TOKEN``) and ``AWS_CREDENTIAL_EXPIRATION``.

Like botocore, the variables are read when credentials are first asked for;
when ``AWS_CREDENTIAL_EXPIRATION`` is set they are read again as that time
approaches (a process that rotates them in its own environment is followed).
"""

from __future__ import annotations

import os

from ..credentials import Credentials
from ..errors import CredentialsError
from .base import RefreshableProvider, parse_expiry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["EnvProvider", "env_has_credentials"]


def env_has_credentials(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``AWS_ACCESS_KEY_ID`` is set and non-empty (the variable that
    makes botocore use the environment)."""
    env = os.environ if environ is None else environ
    return bool(env.get("AWS_ACCESS_KEY_ID"))


class EnvProvider(RefreshableProvider):
    """Reads the ``AWS_*`` credential variables (``environ`` defaults to ``os.environ``)."""

    method = "env"

    def __init__(self, environ: Mapping[str, str] | None = None, *, clock: Callable[[], float] | None = None) -> None:
        super().__init__(clock=clock)
        self._environ = environ

    def _fetch(self) -> Credentials:
        env = os.environ if self._environ is None else self._environ
        access_key = env.get("AWS_ACCESS_KEY_ID", "")
        secret_key = env.get("AWS_SECRET_ACCESS_KEY", "")
        if not access_key:
            raise CredentialsError("AWS_ACCESS_KEY_ID", "is not set")
        if not secret_key:
            from ..exceptions import PartialCredentialsError

            raise PartialCredentialsError("env", "AWS_SECRET_ACCESS_KEY")
        token = env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN") or None
        expiry_text = env.get("AWS_CREDENTIAL_EXPIRATION") or None
        expiry = parse_expiry(expiry_text, "AWS_CREDENTIAL_EXPIRATION") if expiry_text else None
        try:
            creds = Credentials(access_key, secret_key, token, expiry)
        except CredentialsError as exc:
            name = {"access_key": "AWS_ACCESS_KEY_ID", "secret_key": "AWS_SECRET_ACCESS_KEY"}.get(exc.field, "AWS_SESSION_TOKEN")
            raise CredentialsError(name, exc.rule) from None
        if expiry is not None and expiry.timestamp() <= self._clock():
            raise CredentialsError(
                "AWS_CREDENTIAL_EXPIRATION", f"the credentials in the environment expired at {expiry.isoformat()}"
            )
        return creds
