"""The default credential chain, resolved the way boto3 resolves it.

Errors use boto3's names from :mod:`sigv4.exceptions` where boto3 has one
(``NoCredentialsError``, ``PartialCredentialsError``, ``ProfileNotFound``),
all :class:`~sigv4.SigningError` subclasses; the rest are
:class:`~sigv4.core.errors.CredentialsError` naming the setting at fault.

1. **explicit** keys passed to :func:`default_provider`;
2. **environment** ``AWS_ACCESS_KEY_ID``… (skipped when a profile is passed
   explicitly, as in boto3);
3. the **profile** (``profile=``, ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``,
   else ``default``, as botocore), in boto3's order: ``role_arn`` (AssumeRole, source from
   ``source_profile`` or ``credential_source``), web identity
   (``AWS_ROLE_ARN`` + ``AWS_WEB_IDENTITY_TOKEN_FILE`` or the profile's
   ``web_identity_token_file``), SSO (refused: not supported), static keys
   in the credentials file, ``credential_process``, static keys in the config
   file;
4. **container** credentials (``AWS_CONTAINER_CREDENTIALS_*``);
5. **EC2 instance metadata** (IMDSv2) unless ``AWS_EC2_METADATA_DISABLED``.

Resolution is lazy (the first :meth:`CredentialChain.get_credentials`) and
local: only the chosen source goes to the network, when it is asked for
credentials.  The chain then sticks to that source, which refreshes itself.
A pickled chain carries its arguments only and resolves again after unpickling.
"""

from __future__ import annotations

import os
from _thread import allocate_lock

from ..core.credentials import Credentials
from ..core.errors import CredentialsError
from .base import StaticProvider, environ_from_state, environ_state, excerpt
from .env import EnvProvider, env_has_credentials

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ..core.credentials import CredentialsProvider
    from .files import SharedConfig

__all__ = ["CredentialChain", "default_provider"]

_SSO_KEYS = ("sso_session", "sso_start_url", "sso_account_id", "sso_role_name")
_NAMED_SOURCES = ("Environment", "Ec2InstanceMetadata", "EcsContainer")
_RESOLVED = ("_lock", "_provider", "profile_name", "_imds_is_fallback", "_config_paths")


def default_provider(
    profile: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    token: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    sts_timeout: float = 10.0,
    container_timeout: float = 2.0,
    imds_timeout: float | None = None,
    imds_attempts: int | None = None,
) -> CredentialChain:
    """The boto3-compatible credential chain (nothing is read until credentials are asked for).

    ``region`` is used for STS calls of assume-role and web-identity profiles
    (default: ``AWS_DEFAULT_REGION``, ``AWS_REGION``, the selected profile's
    ``region``; none → the global STS endpoint).  ``environ`` replaces
    ``os.environ`` (tests, sandboxes)."""
    if (access_key is None) != (secret_key is None):
        from ..core.errors import PartialCredentialsError

        raise PartialCredentialsError("explicit", "secret_key" if secret_key is None else "access_key")
    if token is not None and access_key is None:
        raise CredentialsError("token", "a session token needs access_key and secret_key")
    explicit = Credentials(access_key, secret_key, token) if access_key is not None and secret_key is not None else None
    return CredentialChain(
        profile=profile,
        region=region,
        explicit=explicit,
        environ=environ,
        sts_timeout=sts_timeout,
        container_timeout=container_timeout,
        imds_timeout=imds_timeout,
        imds_attempts=imds_attempts,
    )


class CredentialChain:
    """A provider that finds its source on first use.

    ``method`` names the source that supplied the credentials (boto3's names:
    ``explicit``, ``env``, ``assume-role``, ``assume-role-with-web-identity``,
    ``shared-credentials-file``, ``custom-process``, ``config-file``,
    ``container-role``, ``iam-role``); ``provider`` is that source."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        region: str | None = None,
        explicit: Credentials | None = None,
        environ: Mapping[str, str] | None = None,
        sts_timeout: float = 10.0,
        container_timeout: float = 2.0,
        imds_timeout: float | None = None,
        imds_attempts: int | None = None,
    ) -> None:
        self._profile_arg = profile
        self._region_arg = region
        self._explicit = explicit
        self._environ = environ
        self._sts_timeout = sts_timeout
        self._container_timeout = container_timeout
        self._imds_timeout = imds_timeout
        self._imds_attempts = imds_attempts
        self._lock = allocate_lock()
        self._provider: Any = None
        self.profile_name: str | None = None

    def __repr__(self) -> str:
        return f"CredentialChain(method={self.method!r}, profile={self.profile_name!r})"

    def __getstate__(self) -> dict[str, object]:
        """The arguments only: an unpickled chain resolves its source again where it
        runs, so nothing found in files or the environment travels (explicit keys do)."""
        state = {name: value for name, value in self.__dict__.items() if name not in _RESOLVED}
        # The process environment does not travel (the copy reads its own); a given mapping travels sealed.
        state["_environ"] = environ_state(state.get("_environ"))
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._environ = environ_from_state(state.get("_environ"))
        self._lock = allocate_lock()
        self._provider = None
        self.profile_name = None

    @property
    def method(self) -> str | None:
        """Where the credentials come from (None until resolved)."""
        provider = self._provider
        return None if provider is None else str(getattr(provider, "method", type(provider).__name__))

    def describe(self) -> str:
        """The source in words, e.g. ``assume-role: AssumeRole of arn:… (profile 'deploy')`` (resolves the chain)."""
        provider = self.resolve()
        method = str(getattr(provider, "method", type(provider).__name__))
        describe = getattr(provider, "describe", None)
        detail = describe() if callable(describe) else method
        if detail == method and self.profile_name and method in ("shared-credentials-file", "config-file"):
            detail = f"profile {self.profile_name!r}"
        return method if detail == method else f"{method}: {detail}"

    @property
    def provider(self) -> CredentialsProvider:
        """The source that supplies the credentials (resolves the chain if needed)."""
        return self.resolve()

    def get_credentials(self) -> Credentials:
        provider = self.resolve()
        fallback_failed = ""
        try:
            return provider.get_credentials()
        except CredentialsError as exc:
            # A refreshable source that failed with no expiry known has never fetched anything.
            if not (self._imds_is_fallback and getattr(provider, "expiry", None) is None):
                raise
            fallback_failed = exc.rule
        # Not on EC2 (or no role), and nothing fetched from it yet: forget the fallback,
        # so the next call looks everywhere again.  Raised outside the except block.
        with self._lock:
            if self._provider is provider:
                self._provider = None
                self._imds_is_fallback = False
        from ..core.errors import NoCredentialsError

        raise NoCredentialsError(
            f"Unable to locate credentials: nothing in {self._looked_in()}, and instance metadata failed: {fallback_failed}"
        )

    def resolve(self) -> CredentialsProvider:
        provider = self._provider
        if provider is not None:
            return provider  # type: ignore[no-any-return]
        with self._lock:
            if self._provider is None:
                self._provider = self._find()
            return self._provider  # type: ignore[no-any-return]

    # -- resolution -------------------------------------------------------------

    _imds_is_fallback = False

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def _looked_in(self) -> str:
        return (
            f"explicit arguments, the environment, profile {self.profile_name!r} "
            f"({self._config_paths}), container credentials (AWS_CONTAINER_CREDENTIALS_* unset)"
        )

    _config_paths = ""

    def _find(self) -> CredentialsProvider:
        from .files import load_shared_config

        env = self._env()
        if self._explicit is not None:
            return StaticProvider(self._explicit, "explicit")
        explicit_profile = self._profile_arg is not None
        if not explicit_profile and env_has_credentials(env):
            return EnvProvider(self._environ)
        from .awsconfig import profile_name

        name = profile_name(self._profile_arg, env)
        self.profile_name = name
        shared = load_shared_config(env)
        self._config_paths = f"{shared.config_path}, {shared.credentials_path}"
        if name != "default" and not shared.has_profile(name):
            from ..core.errors import ProfileNotFound

            raise ProfileNotFound(name)
        resolver = _ProfileResolver(self, shared)
        found = resolver.from_profile(name, use_env=not explicit_profile, top=True)
        if found is not None:
            return found
        from .container import ContainerProvider, container_configured
        from .imds import InstanceMetadataProvider, imds_disabled

        if container_configured(env):
            return ContainerProvider(self._environ, timeout=self._container_timeout)
        if not imds_disabled(env):
            self._imds_is_fallback = True
            return InstanceMetadataProvider(
                timeout=self._imds_timeout, attempts=self._imds_attempts, environ=self._environ, config=shared.profile(name)
            )
        from ..core.errors import NoCredentialsError

        raise NoCredentialsError(
            f"Unable to locate credentials: looked in {self._looked_in()}; instance metadata is off (AWS_EC2_METADATA_DISABLED)"
        )


class _ProfileResolver:
    """Builds the provider for a profile (recursively for source_profile chains)."""

    def __init__(self, chain: CredentialChain, shared: SharedConfig) -> None:
        self.chain = chain
        self.shared = shared
        self.env = chain._env()

    def region(self, profile: Mapping[str, Any]) -> str | None:
        from .awsconfig import resolve_region

        return resolve_region(self.chain._region_arg, profile, self.env)

    def sts_options(self, name: str) -> dict[str, Any]:
        """Keyword arguments every STS provider of the *selected* profile shares."""
        top = self.shared.profile(self.chain.profile_name or name)
        config = dict(top)
        services = top.get("services")
        if isinstance(services, str) and services:
            config["sts"] = self.shared.service_config(services, "sts")
        return {
            "region": self.region(top),
            "config": config,
            "environ": self.chain._environ,
            "timeout": self.chain._sts_timeout,
        }

    def from_profile(self, name: str, *, use_env: bool, top: bool = False) -> CredentialsProvider | None:
        profile = self.shared.profile(name)
        if top and "role_arn" in profile and "web_identity_token_file" not in profile:
            return self.assume_role(name, [name])
        web = self.web_identity(name, profile, use_env)
        if web is not None:
            return web
        if any(key in profile for key in _SSO_KEYS):
            raise CredentialsError(
                "profile",
                f"profile {name!r} uses IAM Identity Center (SSO), which sigv4 does not support; "
                "run `aws configure export-credentials --profile NAME --format env` and use the environment, "
                "or a credential_process",
            )
        from .files import ProcessProvider, static_provider

        found = static_provider(
            self.shared.credential_profiles.get(name, {}), name, self.shared.credentials_path, "shared-credentials-file"
        )
        if found is not None:
            return found
        process = profile.get("credential_process")
        if process:
            return ProcessProvider(str(process), profile=name)
        if "login_session" in profile:
            raise CredentialsError("profile", f"profile {name!r} uses an `aws login` session, which sigv4 does not support")
        return static_provider(self.shared.config_profiles.get(name, {}), name, self.shared.config_path, "config-file")

    def web_identity(self, name: str, profile: Mapping[str, Any], use_env: bool) -> CredentialsProvider | None:
        def setting(env_name: str, key: str) -> str | None:
            value = self.env.get(env_name) if use_env else None
            if not value:
                value = profile.get(key)
            return value if isinstance(value, str) and value else None

        token_file = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file")
        if token_file is None:
            return None
        role_arn = setting("AWS_ROLE_ARN", "role_arn")
        if role_arn is None:
            raise CredentialsError(
                "role_arn",
                f"a web identity token file is configured (profile {name!r} or AWS_WEB_IDENTITY_TOKEN_FILE) "
                "but no role ARN (role_arn or AWS_ROLE_ARN)",
            )
        from .sts import WebIdentityProvider

        return WebIdentityProvider(
            role_arn,
            os.path.expanduser(token_file),
            role_session_name=setting("AWS_ROLE_SESSION_NAME", "role_session_name"),
            profile=name,
            **self.sts_options(name),
        )

    def assume_role(self, name: str, visited: list[str]) -> CredentialsProvider:
        from .sts import AssumeRoleProvider, mfa_refused

        profile = self.shared.profile(name)
        source_name = profile.get("source_profile")
        credential_source = profile.get("credential_source")
        if source_name and credential_source:
            raise CredentialsError("source_profile", f"profile {name!r} has both source_profile and credential_source; keep one")
        if not source_name and not credential_source:
            raise CredentialsError(
                "source_profile", f"profile {name!r} has role_arn but neither source_profile nor credential_source"
            )
        if profile.get("mfa_serial"):
            raise mfa_refused(name, str(profile["role_arn"]))  # before any source is resolved or called
        source = (
            self.named_source(name, str(credential_source))
            if credential_source
            else self.source_profile(name, str(source_name), visited)
        )
        return AssumeRoleProvider(
            source,
            str(profile["role_arn"]),
            external_id=profile.get("external_id") or None,
            duration_seconds=profile.get("duration_seconds"),
            role_session_name=profile.get("role_session_name") or None,
            profile=name,
            **self.sts_options(name),
        )

    def source_profile(self, parent: str, name: str, visited: list[str]) -> CredentialsProvider:
        if not self.shared.has_profile(name):
            raise CredentialsError(
                "source_profile", f"profile {parent!r} names source_profile {excerpt(name)}, which does not exist"
            )
        profile = self.shared.profile(name)
        static = any(key in profile for key in ("aws_access_key_id", "aws_secret_access_key"))
        if name in visited and (name != parent or not static):
            raise CredentialsError("source_profile", f"profiles form a loop: {' -> '.join([*visited, name])}")
        visited.append(name)
        if static or "role_arn" not in profile or "web_identity_token_file" in profile:
            found = self.from_profile(name, use_env=False)
            if found is None:
                raise CredentialsError("source_profile", f"source profile {name!r} (of profile {parent!r}) has no credentials")
            return found
        return self.assume_role(name, visited)

    def named_source(self, parent: str, source: str) -> CredentialsProvider:
        if source == "Environment":
            if not env_has_credentials(self.env):
                raise CredentialsError(
                    "credential_source",
                    f"profile {parent!r} uses credential_source = Environment, but AWS_ACCESS_KEY_ID is not set",
                )
            return EnvProvider(self.chain._environ)
        if source == "EcsContainer":
            from .container import ContainerProvider, container_configured

            if not container_configured(self.env):
                raise CredentialsError(
                    "credential_source",
                    f"profile {parent!r} uses credential_source = EcsContainer, but AWS_CONTAINER_CREDENTIALS_* is not set",
                )
            return ContainerProvider(self.chain._environ, timeout=self.chain._container_timeout)
        if source == "Ec2InstanceMetadata":
            from .imds import InstanceMetadataProvider, imds_disabled

            if imds_disabled(self.env):
                raise CredentialsError(
                    "credential_source",
                    f"profile {parent!r} uses credential_source = Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true",
                )

            return InstanceMetadataProvider(
                timeout=self.chain._imds_timeout,
                attempts=self.chain._imds_attempts,
                environ=self.chain._environ,
                config=self.shared.profile(self.chain.profile_name or parent),
            )
        raise CredentialsError(
            "credential_source", f"profile {parent!r}: {excerpt(source)} is not one of {', '.join(_NAMED_SOURCES)}"
        )
