"""The shared AWS config and credentials files, read as botocore reads them.

Standard library only; ``configparser`` is imported when a file is actually
read, never on ``import sigv4``.  Parsed files are cached per process by
(path, modification time, size), so building many clients reads each file once.

Public API (also used by :mod:`sigv4.providers`):

* :func:`config_file_path` / :func:`credentials_file_path` -- ``AWS_CONFIG_FILE``
  / ``AWS_SHARED_CREDENTIALS_FILE`` or ``~/.aws/config`` / ``~/.aws/credentials``,
  ``$VARS`` and ``~`` expanded as botocore expands them.
* :func:`load_config_file` -- ``{'profiles': {...}, 'sso_sessions': {...},
  'services': {...}}`` from the config file: ``[default]`` and ``[profile x]``
  become profiles, ``[sso-session x]`` and ``[services x]`` their own maps; other
  sections are ignored, as botocore does.
* :func:`load_credentials_file` -- ``{profile: {key: value}}`` (``[x]`` sections).
* :func:`profile_name` -- the active profile: explicit, ``AWS_DEFAULT_PROFILE``,
  ``AWS_PROFILE``, else ``"default"``.
* :func:`get_profile` -- one profile's keys as a dict: the config file's
  ``[profile x]`` merged with the credentials file's ``[x]`` (credentials win).
  Nested blocks such as ``s3 =`` are dicts: ``{'s3': {'addressing_style': 'path'}}``.
* :func:`resolve_region` -- explicit, ``AWS_DEFAULT_REGION``, ``AWS_REGION``,
  then the profile's ``region``.
* :func:`get_services_section` -- the ``[services x]`` block a profile points to.
* :func:`as_bool` -- botocore's truthiness for config values (``"true"``).

Values are strings as written in the file (botocore does not convert them);
a missing file is an empty file; an unreadable or malformed one raises
:class:`sigv4.exceptions.InvalidConfigError` naming the file and the line
numbers, never a line's content (it may be a secret key).
"""

from __future__ import annotations

import os
from _thread import allocate_lock

from ..core.credentials import Credentials

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Union

    ProfileValue = Union[str, dict[str, str]]
    Profile = dict[str, ProfileValue]

__all__ = [
    "as_bool",
    "config_file_path",
    "credentials_file_path",
    "get_profile",
    "get_services_section",
    "load_config_file",
    "load_credentials_file",
    "parse_ini",
    "profile_name",
    "environ_value",
    "resolve_credentials",
    "resolve_region",
]

# Parsed files by path, checked against (mtime, size): bounded (the oldest entry goes first) and locked.
_CACHE: dict[str, tuple[tuple[int, int], dict[str, dict[str, ProfileValue]]]] = {}
_CACHE_SIZE = 32
_CACHE_LOCK = allocate_lock()


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _expand(path: str, environ: Mapping[str, str] | None) -> str:
    """``$VAR``/``${VAR}`` then ``~`` expanded, as botocore's ``raw_config_parse`` does
    (variables, and ``~`` from its ``HOME``, come from ``environ`` when one is given; unknown
    variables are left as they are)."""
    if environ is None or environ is os.environ:
        path = os.path.expandvars(path)
    elif "$" in path:
        import re

        def value(m: re.Match[str]) -> str:
            name = m.group(1)
            name = name[1:-1] if name.startswith("{") else name
            return environ.get(name, m.group(0))

        path = re.sub(r"\$(\w+|\{[^}]*\})", value, path, flags=re.ASCII)
    home = environ.get("HOME") if environ is not None and environ is not os.environ and os.name != "nt" else None
    if home and path == "~":
        return home
    if home and path.startswith("~/"):
        return home.rstrip("/") + path[1:]
    return os.path.expanduser(path)


def config_file_path(environ: Mapping[str, str] | None = None) -> str:
    """``AWS_CONFIG_FILE`` or ``~/.aws/config``, with ``$VARS`` and ``~`` expanded."""
    return _expand(_env(environ).get("AWS_CONFIG_FILE") or "~/.aws/config", environ)


def credentials_file_path(environ: Mapping[str, str] | None = None) -> str:
    """``AWS_SHARED_CREDENTIALS_FILE`` or ``~/.aws/credentials``, with ``$VARS`` and ``~`` expanded."""
    return _expand(_env(environ).get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials", environ)


def as_bool(value: object) -> bool:
    """botocore's ``ensure_boolean``: a bool as is, else ``str(value).lower() == 'true'``."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def _nested(text: str) -> dict[str, str]:
    """A nested block (``s3 =`` followed by indented ``key = value`` lines)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _parse_problem(exc: Exception) -> str:
    """What is wrong with a file, by line number only: configparser's own messages
    quote the offending line, which may be a secret key."""
    import configparser

    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {exc.lineno} comes before any [section]"
    if isinstance(exc, configparser.ParsingError):
        lines = sorted({int(lineno) for lineno, _ in exc.errors})
        return f"malformed line(s) {', '.join(map(str, lines))}" if lines else "malformed lines"
    if isinstance(exc, (configparser.DuplicateSectionError, configparser.DuplicateOptionError)):
        what = "section" if isinstance(exc, configparser.DuplicateSectionError) else "key"
        return f"malformed line(s) {exc.lineno} (duplicate {what})" if exc.lineno else f"a duplicate {what}"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (invalid byte at offset {exc.start})"
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    return f"not a readable INI file ({type(exc).__name__})"


def parse_ini(path: str) -> dict[str, dict[str, ProfileValue]]:
    """Sections of an INI file as dicts, nested blocks as sub-dicts; ``{}`` if the
    file does not exist.  Cached by (path, mtime, size)."""
    try:
        st = os.stat(path)
    except OSError:
        return {}
    stamp = (st.st_mtime_ns, st.st_size)
    with _CACHE_LOCK:
        hit = _CACHE.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    import configparser

    parser = configparser.RawConfigParser()
    problem = ""
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f, path)
    except (OSError, UnicodeDecodeError, configparser.Error) as e:
        problem = _parse_problem(e)
    if problem:  # raised outside the handler: no __context__ holding configparser's message
        from ..core.errors import InvalidConfigError

        raise InvalidConfigError(path, f"cannot be parsed: {problem}")
    sections: dict[str, dict[str, ProfileValue]] = {}
    for section in parser.sections():
        values: dict[str, ProfileValue] = {}
        for key, raw in parser.items(section):
            values[key] = _nested(raw) if raw.startswith("\n") else raw
        sections[section] = values
    with _CACHE_LOCK:
        _CACHE.pop(path, None)
        while len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[path] = (stamp, sections)
    return sections


def load_config_file(path: str | None = None) -> dict[str, dict[str, dict[str, ProfileValue]]]:
    """The config file split as botocore splits it: ``profiles``,
    ``sso_sessions`` and ``services`` (each ``{name: {key: value}}``)."""
    raw = parse_ini(path or config_file_path())
    profiles: dict[str, dict[str, ProfileValue]] = {}
    sso: dict[str, dict[str, ProfileValue]] = {}
    services: dict[str, dict[str, ProfileValue]] = {}
    for section, values in raw.items():
        head, _, name = section.strip().partition(" ")
        name = name.strip()
        if section.strip() == "default":
            profiles.setdefault("default", {}).update(values)
        elif head == "profile" and name:
            profiles[name] = dict(values)  # "[profile default]" wins over "[default]"
        elif head == "sso-session" and name:
            sso[name] = values
        elif head == "services" and name:
            services[name] = values
    return {"profiles": profiles, "sso_sessions": sso, "services": services}


def load_credentials_file(path: str | None = None) -> dict[str, dict[str, str]]:
    """``{profile: {key: value}}`` from the shared credentials file."""
    raw = parse_ini(path or credentials_file_path())
    return {s.strip(): {k: v for k, v in vals.items() if isinstance(v, str)} for s, vals in raw.items()}


def profile_name(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The profile in use: ``explicit``, ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, else ``"default"``."""
    env = _env(environ)
    return explicit or env.get("AWS_DEFAULT_PROFILE") or env.get("AWS_PROFILE") or "default"


def get_profile(
    name: str | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    required: bool = False,
) -> Profile:
    """One profile's keys (config file merged with the credentials file, whose
    values win), nested blocks as dicts.  ``{}`` for an unknown profile, or
    :class:`~sigv4.exceptions.ProfileNotFound` when ``required``."""
    env = _env(environ)
    name = profile_name(name, env)
    config = load_config_file(config_file_path(env))["profiles"]
    creds = load_credentials_file(credentials_file_path(env))
    if name not in config and name not in creds:
        if required:
            from ..core.errors import ProfileNotFound

            raise ProfileNotFound(name)
        return {}
    profile: Profile = dict(config.get(name, {}))
    profile.update(creds.get(name, {}))
    return profile


def get_services_section(profile: Mapping[str, object], environ: Mapping[str, str] | None = None) -> dict[str, ProfileValue]:
    """The ``[services <name>]`` block named by the profile's ``services`` key
    (``{}`` if none); a name with no such section raises InvalidConfigError."""
    name = profile.get("services")
    if not isinstance(name, str) or not name:
        return {}
    services = load_config_file(config_file_path(_env(environ)))["services"]
    if name not in services:
        from ..core.errors import InvalidConfigError
        from .base import excerpt

        raise InvalidConfigError("services", f"the profile uses services section {excerpt(name)}, which does not exist")
    return services[name]


def resolve_region(
    explicit: str | None = None,
    profile: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The region: ``explicit``, ``AWS_DEFAULT_REGION`` (boto3's variable), ``AWS_REGION``
    (the other SDKs' and Lambda's), then the profile's ``region``; ``None`` if unset."""
    if explicit:
        return explicit
    env = _env(environ)
    value = env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION")
    if value:
        return value
    region = (profile or {}).get("region")
    return region if isinstance(region, str) and region else None


# -- what a Session reads before any credential provider runs -----------------------------------
# Its environment, taken as a value (environ_value), and the static credentials of the explicit
# keys, that environment and the profile (resolve_credentials); re-exported by sigv4.session.


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
