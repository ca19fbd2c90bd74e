"""What :class:`sigv4.Session` reads before any credential provider runs: its
environment, taken as a value (:func:`environ_value`), and the static credentials
of the explicit keys, that environment and the profile (:func:`resolve_credentials`).

Re-exported by :mod:`sigv4.session`, where these were first defined.
"""

from __future__ import annotations

import os

from ..core.credentials import Credentials

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


__all__ = ["environ_value", "resolve_credentials"]


def _partial(provider: str, missing: str) -> Exception:
    from ..core.errors import PartialCredentialsError

    return PartialCredentialsError(provider, missing)


def resolve_credentials(
    aws_access_key_id: str | None = None,
    aws_secret_access_key: str | None = None,
    aws_session_token: str | None = None,
    *,
    profile: Mapping[str, object] | None = None,
    explicit_profile: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Credentials | None:
    """Credentials from, in order: the explicit keys, the environment (read by
    :func:`sigv4.providers.env.read_environment_credentials`, the reader
    :class:`~sigv4.providers.EnvProvider` uses too), the profile's static keys
    (``aws_access_key_id``/``aws_secret_access_key``/``aws_session_token``).
    ``None`` when none is found.  A key without its secret raises
    :class:`~sigv4.exceptions.PartialCredentialsError`.

    The one place credentials are resolved: the full provider chain
    (assume-role, SSO, containers, IMDS...) plugs in here."""
    env = os.environ if environ is None else environ
    if aws_access_key_id or aws_secret_access_key:
        if not aws_access_key_id:
            raise _partial("explicit", "aws_access_key_id")
        if not aws_secret_access_key:
            raise _partial("explicit", "aws_secret_access_key")
        return Credentials(aws_access_key_id, aws_secret_access_key, aws_session_token or None)
    if not explicit_profile:
        from .env import read_environment_credentials

        found = read_environment_credentials(env)
        if found is not None:
            return found
    prof = profile or {}
    file_key, file_secret = prof.get("aws_access_key_id"), prof.get("aws_secret_access_key")
    if isinstance(file_key, str) and file_key and isinstance(file_secret, str) and file_secret:
        file_token = prof.get("aws_security_token") or prof.get("aws_session_token")  # botocore's order
        return Credentials(file_key, file_secret, file_token if isinstance(file_token, str) and file_token else None)
    if (isinstance(file_key, str) and file_key) or (isinstance(file_secret, str) and file_secret):
        missing = "aws_secret_access_key" if file_key else "aws_access_key_id"
        raise _partial("shared-credentials-file", missing)
    return None


def environ_value(environ: object) -> dict[str, str]:
    """A copy of ``environ`` (``None``: of ``os.environ``, now) as a plain dict of strings."""
    source = os.environ if environ is None else environ
    items = getattr(source, "items", None)
    if not callable(items):
        from ..core.errors import InvalidConfigError

        raise InvalidConfigError("environ", f"must be a mapping of variable names to values, not {type(environ).__name__}")
    snapshot: dict[str, str] = {}
    for name, value in items():
        if not isinstance(name, str) or not isinstance(value, str):
            from ..core.errors import InvalidConfigError

            shown = name if isinstance(name, str) and name.isidentifier() and len(name) <= 64 else type(name).__name__
            raise InvalidConfigError("environ", f"names and values must be strings ({shown})")
        snapshot[name] = value
    return snapshot
