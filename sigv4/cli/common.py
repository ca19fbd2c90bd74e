"""What the ``sigv4`` commands share: usage errors, the region and credentials
of a command line, ``s3://`` and header arguments, and the fixed clock tests use.

Loaded only by :func:`sigv4.cli.main`, never by ``import sigv4``.
"""

from __future__ import annotations

import os
import sys

from ..errors import SigningError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Mapping
    from typing import TextIO

    from ..credentials import CredentialsProvider

__all__ = [
    "CommandFailed",
    "FixedClock",
    "UsageError",
    "credentials_provider",
    "fixed_clock",
    "now_epoch",
    "parse_header",
    "parse_s3_uri",
    "region_from_host",
    "resolve_region",
    "say",
]

#: Environment variable that freezes the clock of every signature the CLI makes
#: (``20130524T000000Z``, ``2013-05-24T00:00:00Z`` or Unix seconds).  A testing
#: aid, so that the CLI's output can be compared with botocore's at the same time.
#: The CLI reads it once (:func:`fixed_clock`) and hands the clock to every Signer,
#: Session and client it builds (``args.clock``); no module attribute changes.
FIXED_TIME_ENV = "SIGV4_FIXED_TIME"


class UsageError(Exception):
    """The command line is wrong (exit status 2)."""


class CommandFailed(Exception):
    """The command line was fine but the command could not do its job (exit status 1)."""


def say(message: str, stream: TextIO | None = None) -> None:
    """One line on stderr (or ``stream``)."""
    print(message, file=stream or sys.stderr, flush=True)


# -- time ----------------------------------------------------------------------


def _parse_fixed_time(text: str) -> float:
    import calendar
    import time

    text = text.strip()
    if text.isascii() and text.replace(".", "", 1).isdigit():
        when = float(text)
        if not when < 253402300800:  # 9999-12-31T23:59:59Z, the last instant a datetime holds
            raise UsageError(f"{FIXED_TIME_ENV}={text[:40]!r}: Unix seconds after year 9999")
        return when
    for pattern in ("%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S+00:00"):
        try:
            return float(calendar.timegm(time.strptime(text, pattern)))
        except ValueError:
            continue
    raise UsageError(f"{FIXED_TIME_ENV}={text!r}: expected 20130524T000000Z, 2013-05-24T00:00:00Z or Unix seconds")


class FixedClock:
    """A clock that always says ``when`` (Unix seconds); picklable, unlike a closure."""

    __slots__ = ("when",)

    def __init__(self, when: float) -> None:
        self.when = float(when)

    def __call__(self) -> float:
        return self.when

    def __repr__(self) -> str:
        return f"FixedClock({self.when!r})"


def fixed_clock(environ: Mapping[str, str] | None = None) -> Callable[[], float] | None:
    """The clock ``SIGV4_FIXED_TIME`` asks for, or None when it is unset (then the
    signers keep their default clock: ``time.time``, read at each signature)."""
    env = os.environ if environ is None else environ
    text = env.get(FIXED_TIME_ENV)
    if not text:
        return None
    return FixedClock(_parse_fixed_time(text))


def now_epoch(clock: Callable[[], float] | None = None) -> float:
    """The current time as the command's signers see it: ``clock()``, else ``time.time()``."""
    if clock is not None:
        return clock()
    import time

    return time.time()


# -- region and credentials --------------------------------------------------------

_REGION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


#: First labels of region names (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1, ...).
_REGION_PREFIXES = frozenset({"af", "ap", "ca", "cn", "eu", "eusc", "il", "me", "mx", "sa", "us"})


def _looks_like_region(label: str) -> bool:
    parts = label.split("-")
    return (
        3 <= len(parts) <= 4
        and parts[0] in _REGION_PREFIXES
        and parts[-1].isdigit()
        and set(label) <= _REGION_CHARS
        and all(parts)
    )


def region_from_host(host: str) -> str | None:
    """The region an AWS endpoint host names (``abc.execute-api.eu-west-1.amazonaws.com``
    → ``eu-west-1``); None for other hosts.  The first label (a bucket, an API id, a
    database name...) is never taken for the region."""
    host = host.lower().rstrip(".")
    host = host.rpartition("@")[2]
    if host.startswith("["):
        return None
    host = host.partition(":")[0]
    if not (host.endswith(".amazonaws.com") or host.endswith(".amazonaws.com.cn") or host.endswith(".api.aws")):
        return None
    labels = host.split(".")
    for label in reversed(labels[1:]):
        if _looks_like_region(label):
            return label
    return None


def _profile_region(profile: str | None, env: Mapping[str, str]) -> str | None:
    from ..providers.files import load_shared_config

    name = profile or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"
    try:
        value = load_shared_config(env).profile(name).get("region")
    except SigningError:
        return None  # an unreadable config file is reported when credentials are read
    return value if isinstance(value, str) and value else None


def resolve_region(args: argparse.Namespace, *, url_host: str | None = None, required: bool = True) -> str | None:
    """``--region``, else the region in an AWS endpoint host, else ``AWS_REGION`` /
    ``AWS_DEFAULT_REGION``, else the profile's ``region`` in the config file."""
    env = os.environ
    region = getattr(args, "region", None)
    if not region and url_host:
        region = region_from_host(url_host)
    if not region:
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not region:
        region = _profile_region(getattr(args, "profile", None), env)
    if not region and required:
        raise UsageError("no region: pass --region, or set AWS_REGION or a region in the profile")
    return region or None


def credentials_provider(args: argparse.Namespace, region: str | None) -> CredentialsProvider:
    """The default credential chain for ``--profile`` (boto3's order: environment,
    shared files, assume-role and web identity, container, instance metadata)."""
    from ..providers.chain import default_provider

    return default_provider(profile=getattr(args, "profile", None), region=region)


# -- arguments ---------------------------------------------------------------------


def parse_s3_uri(text: str, *, key_required: bool = True) -> tuple[str, str]:
    """``s3://bucket/key`` → ``(bucket, key)``; the key is taken literally
    (spaces, ``+``, ``%`` and unicode are part of it, as in ``aws s3``)."""
    if not text.startswith("s3://"):
        raise UsageError(f"{text!r} is not an S3 URI: expected s3://bucket/key")
    bucket, _, key = text[5:].partition("/")
    if not bucket:
        raise UsageError(f"{text!r} has no bucket: expected s3://bucket/key")
    if key_required and not key:
        raise UsageError(f"{text!r} has no key: expected s3://bucket/key")
    return bucket, key


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` (as curl's ``-H``) → ``(name, value)`` with the value's
    surrounding blanks removed; ``'Name:'`` is an empty value."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name:
        raise UsageError(f"header {text!r} is not 'Name: value'")
    return name, value.strip()
