"""What the ``sigv4`` commands share: usage errors, the region and credentials
of a command line, ``s3://`` and header arguments, and the fixed clock tests use.

Loaded only by :func:`sigv4.cli.main`, never by ``import sigv4``.
"""

from __future__ import annotations

import os
import re
import sys

from ..core.errors import SigningError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Mapping
    from typing import TextIO

    from ..core.credentials import CredentialsProvider

__all__ = [
    "CommandFailed",
    "FixedClock",
    "UsageError",
    "credentials_provider",
    "fixed_clock",
    "now_epoch",
    "parse_header",
    "cli_message",
    "parse_s3_uri",
    "printable",
    "region_from_host",
    "resolve_region",
    "s3_host",
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


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


#: Characters a terminal acts on or that reorder text: C0 and C1 controls, DEL, line and
#: paragraph separators, bidirectional controls, and lone surrogates (undecodable argv bytes).
_UNSAFE = frozenset(
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
)


def printable(text: str) -> str:
    """``text`` with control characters written as escapes (``\\x1b``, ``\\n``, ``\\ud800``),
    so that a message quoting the command line is one harmless line."""
    if text.isprintable():
        return text
    return "".join(_escape(ch) if ch in _UNSAFE or "\ud800" <= ch <= "\udfff" else ch for ch in text)


#: Names of library fields (and of the settings a library message mentions) as the CLI spells them.
FLAG_NAMES = {
    "expires_in": "--expires-in",
    "ExpiresIn": "--expires-in",
    "max_expires": "--max-expires",
    "region_name": "--region",
    "region": "--region",
    "endpoint_url": "--endpoint-url",
    "addressing_style": "--addressing-style",
    "profile_name": "--profile",
    "profile": "--profile",
    "unsigned_payload": "--unsigned-payload",
    "service": "--service",
    "headers": "-H",
    "Bucket": "the bucket of s3://bucket/key",
    "Key": "the key of s3://bucket/key",
}
_SNAKE_FLAGS = re.compile(r"\b(expires_in|max_expires|region_name|endpoint_url|addressing_style|profile_name|unsigned_payload)\b")


def cli_message(exc: BaseException) -> str:
    """One line for an error of the library, naming the CLI's flags instead of the
    library's field names (``max_expires`` → ``--max-expires``), controls escaped."""
    text = str(exc)
    field = getattr(exc, "field", None)
    if isinstance(field, str) and text.startswith(f"{field}: "):
        text = f"{FLAG_NAMES.get(field, field)}: {text[len(field) + 2 :]}"
    # botocore's "Parameter validation failed:\n<one problem a line>" on one line
    text = "; ".join(part for part in text.replace(":\n", ": ", 1).split("\n") if part)
    return printable(_SNAKE_FLAGS.sub(lambda m: FLAG_NAMES[m.group(1)], text))


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
    """``--region``, else the region in an AWS endpoint host, else ``AWS_DEFAULT_REGION``,
    then ``AWS_REGION``, then the profile's ``region`` in the config file (boto3's order,
    as :class:`sigv4.Session` resolves it)."""
    from ..providers.awsconfig import resolve_region as config_region

    env = os.environ
    region = getattr(args, "region", None)
    if not region and url_host:
        region = region_from_host(url_host)
    if not region:
        region = config_region(None, {}, env)
    if not region:
        region = _profile_region(getattr(args, "profile", None), env)
    if not region and required:
        raise UsageError("no region: pass --region, or set AWS_DEFAULT_REGION, AWS_REGION or a region in the profile")
    return region or None


#: Labels of AWS S3 hosts that name the service, and the signing name each one is for.
_S3_LABELS = {
    "s3": "s3",
    "s3-fips": "s3",
    "s3-external-1": "s3",
    "s3-accelerate": "s3",
    "s3-accesspoint": "s3",
    "s3-accesspoint-fips": "s3",
    "s3-control": "s3",
    "s3-control-fips": "s3",
    "s3-object-lambda": "s3-object-lambda",
    "s3-object-lambda-fips": "s3-object-lambda",
    "s3-outposts": "s3-outposts",
}


def _host_only(netloc: str) -> str:
    host = netloc.lower().rpartition("@")[2]
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0].rstrip(".")


def s3_host(netloc: str) -> tuple[str, str | None] | None:
    """``(signing name, region or None)`` when ``netloc`` is an AWS S3 host:
    ``s3.amazonaws.com``, ``bucket.s3.eu-west-1.amazonaws.com``, ``s3-eu-west-1.amazonaws.com``,
    ``bucket.s3.dualstack.…``, ``bucket.s3-accelerate.amazonaws.com``, access points,
    Object Lambda and Outposts; None for any other host."""
    host = _host_only(netloc)
    for suffix in (".amazonaws.com", ".amazonaws.com.cn", ".api.aws"):
        if host.endswith(suffix):
            break
    else:
        return None
    labels = host[: -len(suffix)].split(".")
    for i in range(len(labels) - 1, -1, -1):
        label = labels[i]
        rest = [x for x in labels[i + 1 :] if x != "dualstack"]
        if label.startswith("s3-") and label not in _S3_LABELS and _looks_like_region(label[3:]) and not rest:
            return "s3", label[3:]  # the legacy dash form, s3-eu-west-1.amazonaws.com
        service = _S3_LABELS.get(label)
        if service is None:
            continue
        if not rest:
            return service, None  # the global host (s3.amazonaws.com), accelerate: the region is not in it
        if len(rest) == 1 and _looks_like_region(rest[0]):
            return service, rest[0]
        return None
    return None


def is_endpoint_host(netloc: str, endpoint_url: str | None) -> bool:
    """Is ``netloc`` the host of ``endpoint_url`` (or a virtual host under it, ``bucket.<host>``)?"""
    if not endpoint_url or "://" not in endpoint_url:
        return False
    theirs = endpoint_url.partition("://")[2].partition("/")[0]
    ours = netloc.lower().rpartition("@")[2]
    theirs = theirs.lower().rpartition("@")[2]
    if not theirs:
        return False
    return ours == theirs or ours.endswith("." + theirs) or _host_only(ours) == _host_only(theirs)


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
