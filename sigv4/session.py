"""``sigv4.Session`` and ``sigv4.client()``: boto3's entry points, without boto3.

``sigv4.client('s3', ...)`` takes boto3's arguments and resolves what is
missing as boto3 does, without any network access:

* credentials: explicit arguments, then ``AWS_ACCESS_KEY_ID`` /
  ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN`` (skipped when a profile is
  passed explicitly, as boto3 does), then the profile's static keys in the
  shared credentials and config files -- all in :func:`resolve_credentials`;
* region: ``region_name``, ``config.region_name``, ``AWS_DEFAULT_REGION``,
  ``AWS_REGION``, the profile's ``region``;
* endpoint: ``endpoint_url``, ``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``, the
  profile's ``[services]`` block, the profile's ``endpoint_url`` (unless
  ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` / ``ignore_configured_endpoint_urls``);
* S3 options: ``config`` (a botocore ``Config`` or a dict), then the
  environment, then the profile's nested ``s3 =`` block and top-level keys.

Services are looked up in :data:`CLIENT_FACTORIES` (name -> ``"module:function"``);
any other name raises :class:`~sigv4.exceptions.UnknownServiceError`.

:func:`resolve_credentials` and the environment snapshot live in
:mod:`sigv4.providers.awsconfig` (re-exported here).
"""

from __future__ import annotations

from .core.credentials import Credentials
from .providers.awsconfig import environ_value as _environ_value
from .providers.awsconfig import resolve_credentials

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from .core.credentials import CredentialsProvider


__all__ = ["CLIENT_FACTORIES", "Session", "client", "resolve_credentials"]

#: Service name -> "module:function" building its client from
#: ``(session, region_name=..., credentials=..., endpoint_url=..., config=..., **extras)``.
CLIENT_FACTORIES: dict[str, str] = {
    "s3": "sigv4.s3.factory:build_client",
    "rds": "sigv4.tokens.factory:rds_client",
    "dsql": "sigv4.tokens.factory:dsql_client",
    "eks": "sigv4.tokens.factory:eks_client",
    "sts": "sigv4.tokens.factory:sts_client",
}

# botocore Config options that only shape network behaviour: accepted, ignored.
_IGNORED_CONFIG = frozenset(
    {
        "retries",
        "connect_timeout",
        "read_timeout",
        "max_pool_connections",
        "proxies",
        "proxies_config",
        "user_agent",
        "user_agent_extra",
        "user_agent_appid",
        "tcp_keepalive",
        "parameter_validation",
        "inject_host_prefix",
        "request_checksum_calculation",
        "response_checksum_validation",
        "client_cert",
        "request_min_compression_size_bytes",
        "disable_request_compression",
        "defaults_mode",
        "account_id_endpoint_mode",
        "sigv4a_signing_region_set",
        "auth_scheme_preference",
    }
)
_CONFIG_KEYS = frozenset({"s3", "region_name", "signature_version", "use_fips_endpoint", "use_dualstack_endpoint"})
_S3_KEYS = (
    "addressing_style",
    "use_accelerate_endpoint",
    "use_dualstack_endpoint",
    "us_east_1_regional_endpoint",
    "use_arn_region",
)


def _config_dict(config: object) -> dict[str, Any]:
    """A botocore ``Config`` (read by attribute) or a dict, as a dict of the keys sigv4 uses."""
    if config is None:
        return {}

    def InvalidConfigError(field: str, rule: str) -> Exception:  # raised like the class, imported lazily
        from .core.errors import InvalidConfigError as error

        return error(field, rule)

    if isinstance(config, dict):
        unknown = set(config) - _CONFIG_KEYS - _IGNORED_CONFIG
        if unknown:
            raise InvalidConfigError("config", f"unknown option {sorted(unknown)[0]!r}")
        out = {k: v for k, v in config.items() if k in _CONFIG_KEYS and v is not None}
    else:
        out = {k: getattr(config, k, None) for k in _CONFIG_KEYS}
        out = {k: v for k, v in out.items() if v is not None}
    sv = out.get("signature_version")
    if sv is not None and sv not in ("s3v4", "v4"):
        raise InvalidConfigError("signature_version", f"sigv4 signs with Signature Version 4 only ('s3v4'), not {sv!r}")
    s3 = out.get("s3")
    if s3 is not None and not isinstance(s3, dict):
        raise InvalidConfigError("config.s3", f"must be a dict, not {type(s3).__name__}")
    return out


class Session:
    """boto3's ``Session``: a profile, a region and credentials to build clients from.

    Nothing is read from the network.  The config files are read when the
    session is made (and cached per process); a missing ``profile_name`` raises
    :class:`~sigv4.exceptions.ProfileNotFound`, as boto3 does.

    ``environ`` is the environment the session reads (``AWS_*`` credentials,
    region, endpoints, config file paths...), taken as a value: a copy of the
    mapping given, or of ``os.environ`` when the session is made (``None``, the
    default).  Later changes to ``os.environ`` do not reach an existing session
    (temporary keys with ``AWS_CREDENTIAL_EXPIRATION`` included: after rotating
    them in the process environment, make a new session, or sign with
    :class:`sigv4.providers.EnvProvider`, which reads ``os.environ`` itself).
    Credentials in it are read by
    :func:`sigv4.providers.env.read_environment_credentials`, as the default
    chain reads them.

    ``clock`` (seconds since the epoch; default: ``time.time`` read at each
    signature, so freezegun can move it) is the time every client made by
    :meth:`client` signs at: it is handed to each :class:`~sigv4.Signer` they
    build.  Credential refresh keeps the real time.

    A session pickles: the copy is built again from the same arguments (its
    profile and files are read where it is unpickled).  Explicit keys and an
    explicit ``environ`` travel sealed (:func:`sigv4.core.credentials.seal`);
    nothing found in the environment or the files does, and a session made
    with ``environ=None`` snapshots the environment of the process that
    unpickles it.
    """

    def __init__(
        self,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        region_name: str | None = None,
        botocore_session: object = None,
        profile_name: str | None = None,
        aws_account_id: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        from .providers import awsconfig

        if botocore_session is not None:
            from .core.errors import InvalidConfigError

            raise InvalidConfigError("botocore_session", "sigv4 does not use botocore sessions")
        if clock is not None and not callable(clock):
            from .core.errors import InvalidConfigError

            raise InvalidConfigError("clock", "must be a callable returning seconds since the epoch, or None")
        self._given_environ = environ is not None
        self._environ = _environ_value(environ)
        self._clock = clock
        self._profile_arg = profile_name
        self.profile_name = awsconfig.profile_name(profile_name, self._environ)
        self._explicit_profile = profile_name is not None
        self._profile = awsconfig.get_profile(self.profile_name, self._environ, required=profile_name is not None)
        self._keys = (aws_access_key_id, aws_secret_access_key, aws_session_token)
        self._region = region_name
        self.aws_account_id = aws_account_id
        self._provider: CredentialsProvider | None = None

    @property
    def clock(self) -> Callable[[], float] | None:
        """The clock the session's clients sign with (``None``: the signer's default)."""
        return self._clock

    @property
    def environ(self) -> Mapping[str, str]:
        """The environment the session reads (a read-only view of its snapshot)."""
        from types import MappingProxyType

        return MappingProxyType(self._environ)

    def __getstate__(self) -> dict[str, object]:
        from .core.credentials import seal

        return {
            "keys": tuple(None if k is None else seal(k) for k in self._keys),
            "region_name": self._region,
            "profile_name": self._profile_arg,
            "aws_account_id": self.aws_account_id,
            "environ": [(k, seal(v)) for k, v in self._environ.items()] if self._given_environ else None,
            "clock": self._clock,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        from .core.credentials import unseal

        keys = [None if k is None else unseal(k) for k in state["keys"]]
        sealed = state["environ"]
        self.__init__(  # type: ignore[misc]
            *keys,
            region_name=state["region_name"],
            profile_name=state["profile_name"],
            aws_account_id=state["aws_account_id"],
            environ=None if sealed is None else {k: unseal(v) for k, v in sealed},
            clock=state["clock"],
        )

    def __repr__(self) -> str:
        return f"Session(region_name={self.region_name!r}, profile_name={self.profile_name!r})"

    @property
    def region_name(self) -> str | None:
        """The session's region (explicit, environment, profile), or ``None``."""
        from .providers.awsconfig import resolve_region

        return resolve_region(self._region, self._profile, self._environ)

    @property
    def available_profiles(self) -> list[str]:
        """Profile names in the config and credentials files."""
        from .providers import awsconfig

        names = set(awsconfig.load_config_file(awsconfig.config_file_path(self._environ))["profiles"])
        names |= set(awsconfig.load_credentials_file(awsconfig.credentials_file_path(self._environ)))
        return sorted(names)

    def get_credentials(self) -> Credentials | None:
        """The session's current credentials from the whole chain (explicit,
        environment, profile with assume-role/web identity/credential_process,
        container, instance metadata), or ``None`` when no source has any."""
        from .core.errors import NoCredentialsError

        try:
            return self.credential_provider().get_credentials()
        except NoCredentialsError:
            return None

    def credential_provider(self, region_name: str | None = None) -> CredentialsProvider:
        """The provider clients sign with: explicit or environment keys directly
        (nothing to refresh), otherwise the lazy credential chain of
        :mod:`sigv4.providers`, which refreshes temporary credentials."""
        if self._provider is None:
            static = resolve_credentials(*self._keys, profile={}, explicit_profile=self._explicit_profile, environ=self._environ)
            if static is not None and static.expiry is None:
                self._provider = static
            else:
                from .providers.chain import default_provider

                key, secret, token = self._keys
                self._provider = default_provider(
                    profile=self.profile_name if self._explicit_profile else None,
                    region=region_name or self.region_name,
                    access_key=key or None,
                    secret_key=secret or None,
                    token=token or None,
                    environ=self._environ,
                )
        return self._provider

    def get_available_services(self) -> list[str]:
        """Service names :meth:`client` accepts."""
        return sorted(CLIENT_FACTORIES)

    def client(
        self,
        service_name: str,
        region_name: str | None = None,
        api_version: str | None = None,
        use_ssl: bool = True,
        verify: object = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        config: object = None,
        aws_account_id: str | None = None,
        **extras: Any,
    ) -> Any:
        """A client for ``service_name`` (``'s3'``); boto3's arguments, plus
        ``public_endpoint_url=`` and ``max_expires=`` for S3 (see :func:`sigv4.client`)."""
        target = CLIENT_FACTORIES.get(service_name) if isinstance(service_name, str) else None
        if target is None:
            from .core.errors import UnknownServiceError

            raise UnknownServiceError(str(service_name), ", ".join(sorted(CLIENT_FACTORIES)))
        cfg = _config_dict(config)
        from .providers.awsconfig import resolve_region

        region = resolve_region(region_name or cfg.get("region_name") or self._region, self._profile, self._environ)
        creds: Credentials | CredentialsProvider | None
        if aws_access_key_id or aws_secret_access_key:
            creds = resolve_credentials(aws_access_key_id, aws_secret_access_key, aws_session_token, environ=self._environ)
        else:
            creds = self.credential_provider(region)
        module, _, func = target.partition(":")
        # __import__ rather than importlib: one module fewer on a cold start.
        factory = getattr(__import__(module, fromlist=[func]), func)
        return factory(
            self,
            region_name=region,
            credentials=creds,
            endpoint_url=endpoint_url,
            config=cfg,
            use_ssl=use_ssl,
            **extras,
        )

    # -- settings the client factories read --------------------------------------------

    def config_value(self, env_name: str | None, *profile_keys: str) -> object:
        """A setting from the environment variable ``env_name``, else the first of
        ``profile_keys`` in the profile (``"s3.addressing_style"`` reads a nested block)."""
        if env_name is not None:
            value = self._environ.get(env_name)
            if value is not None and value != "":
                return value
        for key in profile_keys:
            if "." in key:
                block, _, sub = key.partition(".")
                nested = self._profile.get(block)
                if isinstance(nested, dict) and sub in nested:
                    return nested[sub]
            elif key in self._profile:
                return self._profile[key]
        return None

    def configured_endpoint_url(self, explicit: str | None, service_env: str) -> str | None:
        """``explicit``, else ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``, the
        profile's ``[services]`` block, the profile's ``endpoint_url`` (botocore's order)."""
        from .providers.awsconfig import as_bool, get_services_section

        if explicit:
            return explicit
        if as_bool(self.config_value("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls")):
            return None
        for name in (f"AWS_ENDPOINT_URL_{service_env}", "AWS_ENDPOINT_URL"):
            value = self._environ.get(name)
            if value:
                return value
        block = get_services_section(self._profile, self._environ).get(service_env.lower())
        if isinstance(block, dict) and block.get("endpoint_url"):
            return block["endpoint_url"]
        configured = self._profile.get("endpoint_url")
        return configured if isinstance(configured, str) and configured else None


def client(
    service_name: str,
    region_name: str | None = None,
    aws_access_key_id: str | None = None,
    aws_secret_access_key: str | None = None,
    aws_session_token: str | None = None,
    endpoint_url: str | None = None,
    config: object = None,
    *,
    clock: Callable[[], float] | None = None,
    **extras: Any,
) -> Any:
    """``boto3.client`` without boto3: ``sigv4.client('s3')`` returns an
    :class:`sigv4.s3.client.S3Client` (``generate_presigned_url``,
    ``generate_presigned_post``).

    S3 extras: ``public_endpoint_url=`` signs URLs for the host the browser will
    use while ``endpoint_url`` (or ``AWS_ENDPOINT_URL_S3``) names an internal one;
    ``max_expires=`` raises the 604800-second cap on ``ExpiresIn`` for
    S3-compatible stores that accept longer.  Other boto3 arguments
    (``api_version``, ``use_ssl``, ``verify``) are accepted and ignored.
    ``clock`` is the time the client signs at (see :class:`Session`).
    """
    return Session(clock=clock).client(
        service_name,
        region_name=region_name,
        endpoint_url=endpoint_url,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
        config=config,
        **extras,
    )
