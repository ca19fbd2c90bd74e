"""The shared files: ``~/.aws/credentials`` and ``~/.aws/config`` (or
``AWS_SHARED_CREDENTIALS_FILE`` / ``AWS_CONFIG_FILE``), static keys in either,
and ``credential_process``.

The files are parsed by :mod:`sigv4.providers.awsconfig` (as botocore parses them:
``[name]`` in the credentials file, ``[profile name]`` or ``[default]`` in the
config file, nested ``key =`` blocks as dicts).  For everything except static
keys a profile is the config file's section updated with the credentials
file's section of the same name; static keys are looked up per file, in
boto3's order.
"""

from __future__ import annotations

import os

from ..core.credentials import Credentials
from ..core.errors import CredentialsError
from .base import RefreshableProvider, StaticProvider, credentials_from_mapping, excerpt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, TypeVar

    Profile = dict[str, Any]
    T = TypeVar("T")

__all__ = ["ProcessProvider", "SharedConfig", "load_shared_config", "static_provider"]


class SharedConfig:
    """The parsed shared files: per-file profile sections and the named sections."""

    def __init__(
        self,
        config_path: str,
        credentials_path: str,
        config_profiles: dict[str, Profile],
        credential_profiles: dict[str, Profile],
        sections: dict[str, dict[str, Profile]],
    ) -> None:
        self.config_path = config_path
        self.credentials_path = credentials_path
        self.config_profiles = config_profiles
        self.credential_profiles = credential_profiles
        self.sections = sections  # e.g. {"services": {"name": {...}}, "sso-session": {...}}

    def has_profile(self, name: str) -> bool:
        return name in self.config_profiles or name in self.credential_profiles

    def profile(self, name: str) -> Profile:
        """The merged profile (config file, then credentials file on top); {} if absent."""
        merged: Profile = dict(self.config_profiles.get(name, {}))
        merged.update(self.credential_profiles.get(name, {}))
        return merged

    def service_config(self, name: str, service: str) -> Profile:
        """``[services <name>]`` → the nested block for ``service`` ({} if none)."""
        section = self.sections.get("services", {}).get(name)
        if section is None:
            raise CredentialsError(
                "services", f"the profile uses services section {excerpt(name)}, which does not exist in {self.config_path}"
            )
        block = section.get(service)
        return dict(block) if isinstance(block, dict) else {}


def _safe_parse(read: Callable[[], T], path: str, field: str) -> T:
    """Run an :mod:`sigv4.providers.awsconfig` reader; a parse error is re-raised as a
    CredentialsError naming the file and line numbers (never a line's content:
    it may hold a secret key; :mod:`sigv4.providers.awsconfig` reports none)."""
    from ..core.errors import InvalidConfigError

    detail = ""
    try:
        return read()
    except InvalidConfigError as exc:
        detail = exc.rule[len("cannot be parsed: ") :] if exc.rule.startswith("cannot be parsed: ") else exc.rule
    raise CredentialsError(field, f"cannot parse {path}: {detail}")


def load_shared_config(environ: Mapping[str, str] | None = None) -> SharedConfig:
    """Both shared files (a missing file is empty), read through :mod:`sigv4.providers.awsconfig`."""
    from . import awsconfig

    env = os.environ if environ is None else environ
    config_path = awsconfig.config_file_path(env)
    credentials_path = awsconfig.credentials_file_path(env)
    config = _safe_parse(lambda: awsconfig.load_config_file(config_path), config_path, "AWS_CONFIG_FILE")
    credentials = _safe_parse(lambda: awsconfig.parse_ini(credentials_path), credentials_path, "AWS_SHARED_CREDENTIALS_FILE")
    sections = {"services": config["services"], "sso-session": config["sso_sessions"]}
    credential_profiles = {name.strip(): values for name, values in credentials.items()}
    return SharedConfig(config_path, credentials_path, config["profiles"], credential_profiles, sections)


def static_provider(values: Profile, profile: str, path: str, method: str) -> StaticProvider | None:
    """StaticProvider from ``aws_access_key_id``/``aws_secret_access_key``/``aws_session_token``
    in one file's profile section; None without an access key."""
    access_key = values.get("aws_access_key_id")
    if not access_key:
        return None
    secret_key = values.get("aws_secret_access_key")
    if not secret_key:
        raise CredentialsError(
            "aws_secret_access_key", f"profile {profile!r} in {path} has aws_access_key_id but no aws_secret_access_key"
        )
    token = values.get("aws_security_token") or values.get("aws_session_token") or None  # botocore's order
    for key, value in (("aws_access_key_id", access_key), ("aws_secret_access_key", secret_key), ("aws_session_token", token)):
        if value is not None and not isinstance(value, str):
            raise CredentialsError(key, f"profile {profile!r} in {path}: must be a single value, not a nested block")
    return StaticProvider(_file_credentials(str(access_key), str(secret_key), token, profile, path), method)


_FILE_KEYS = {"access_key": "aws_access_key_id", "secret_key": "aws_secret_access_key", "token": "aws_session_token"}


def _file_credentials(access_key: str, secret_key: str, token: str | None, profile: str, path: str) -> Credentials:
    """Credentials from a file's values; a refused value is named by its key, never quoted."""
    problem: tuple[str, str] | None = None
    try:
        return Credentials(access_key, secret_key, token)
    except CredentialsError as exc:
        problem = (exc.field, exc.rule)
    raise CredentialsError(_FILE_KEYS.get(problem[0], problem[0]), f"profile {profile!r} in {path}: {problem[1]}")


class ProcessProvider(RefreshableProvider):
    """``credential_process``: run the command (split like a POSIX shell, no
    shell involved) and read the JSON it prints (``Version`` 1)."""

    method = "custom-process"

    def __init__(
        self,
        command: str,
        *,
        profile: str = "default",
        timeout: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(clock=clock)
        if not isinstance(command, str) or not command.strip():
            raise CredentialsError("credential_process", f"profile {profile!r}: must be a command line")
        self.command = command
        self.profile = profile
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"ProcessProvider(profile={self.profile!r})"

    def describe(self) -> str:
        return f"credential_process of profile {self.profile!r}"

    def _argv(self) -> list[str]:
        if os.name == "nt":
            return [self.command]  # CreateProcess parses the command line itself
        import shlex

        problem = ""
        try:
            return shlex.split(self.command)
        except ValueError as exc:  # shlex's messages ("No closing quotation") quote nothing
            problem = str(exc)
        raise CredentialsError("credential_process", f"profile {self.profile!r}: cannot split the command: {problem}")

    def _fetch(self) -> Credentials:
        import subprocess

        from .transport import MAX_BODY, decode_json

        where = f"credential_process of profile {self.profile!r}"
        argv = self._argv()
        problem = ""
        done = None
        try:
            done = subprocess.run(argv, capture_output=True, timeout=self.timeout, check=False)  # noqa: S603
        except FileNotFoundError:
            problem = "command not found"
        except subprocess.TimeoutExpired:  # its .output may hold part of what the command printed: dropped here
            problem = f"timed out after {self.timeout:g} s"
        except OSError as exc:
            problem = f"cannot run it ({type(exc).__name__}: {exc.strerror})"
        except ValueError:  # e.g. a NUL character in the command line
            problem = "cannot run it (the command line holds a NUL character)"
        if done is None:  # raised outside the except blocks: nothing chained
            raise CredentialsError("credential_process", f"{where}: {problem}")
        if done.returncode != 0:
            raise CredentialsError(
                "credential_process", f"{where} exited with status {done.returncode}{_stderr_excerpt(done.stderr)}"
            )
        if len(done.stdout) > MAX_BODY:
            raise CredentialsError("credential_process", f"{where} printed {len(done.stdout)} bytes, more than {MAX_BODY}")
        doc = decode_json(done.stdout, "credential_process")
        if not isinstance(doc, dict):
            raise CredentialsError("credential_process", f"{where} printed JSON that is not an object")
        version = doc.get("Version")
        if version != 1 or isinstance(version, bool):
            shown = str(version) if type(version) is int and -1000 < version < 1000 else excerpt(version)
            raise CredentialsError("credential_process", f"{where} printed Version {shown}; only Version 1 is supported")
        return credentials_from_mapping(doc, "credential_process", token_key="SessionToken")  # noqa: S106


def _stderr_excerpt(stderr: bytes) -> str:
    """``: '<first 40 characters, keys redacted>'... (N bytes on stderr)`` or ``""``:
    what a failed credential_process said, never copied verbatim (it may hold a secret)."""
    text = stderr.decode("utf-8", "replace").strip()
    if not text:
        return ""
    first = text.splitlines()[0] if text.splitlines() else text
    return f": {excerpt(first)} ({len(stderr)} bytes on stderr)"
