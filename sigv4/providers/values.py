"""Reading credential values out of what the sources give: ISO 8601 expiry times
(:func:`parse_expiry`), JSON credential documents (:func:`credentials_from_mapping`),
:class:`~sigv4.Credentials` built with the error naming the source
(:func:`checked_credentials`), and :func:`excerpt`, the one way a message quotes a
value from a file, the environment or a process's output.

Re-exported by :mod:`sigv4.providers.base`, where these names were first defined.
"""

from __future__ import annotations

from ..core.credentials import Credentials
from ..core.errors import CredentialsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

__all__ = ["checked_credentials", "credentials_from_mapping", "excerpt", "parse_expiry"]


_EXPIRY_RE = r"\s*(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?\s*"


def parse_expiry(value: object, field: str) -> datetime:
    """An ISO 8601 timestamp (``2026-11-29T10:00:00Z``, fractions and offsets
    allowed; no offset means UTC) or an aware datetime → aware datetime.
    Anything else (an offset of 24 hours or more, a date that does not exist or
    cannot be expressed in UTC, another type) raises CredentialsError, quoting
    at most an :func:`excerpt` of the value."""
    from datetime import datetime, timedelta, timezone

    if isinstance(value, datetime):
        problem = _problem_of_datetime(value)
        if problem:
            raise CredentialsError(field, problem)
        return value
    if not isinstance(value, str):
        raise CredentialsError(field, f"must be an ISO 8601 timestamp string, not {type(value).__name__}")
    import re

    m = re.fullmatch(_EXPIRY_RE, value, flags=re.ASCII) if len(value) <= 64 else None
    if m is None:
        raise CredentialsError(field, f"must be an ISO 8601 timestamp such as 2026-01-31T12:00:00Z, got {excerpt(value)}")
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
    tz = timezone.utc
    if m.group(9):
        off_hours, off_minutes = int(m.group(10)), int(m.group(11))
        if off_hours > 23 or off_minutes > 59:
            raise CredentialsError(field, f"has a UTC offset out of range (-23:59..+23:59): {excerpt(value)}")
        delta = timedelta(hours=off_hours, minutes=off_minutes)
        tz = timezone(delta if m.group(9) == "+" else -delta)
    when: datetime | None = None
    try:
        when = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        when = None
    if when is None:
        raise CredentialsError(field, f"is not a date and time that exists: {excerpt(value)}")
    problem = _problem_of_datetime(when)
    if problem:
        raise CredentialsError(field, f"{problem}: {excerpt(value)}")
    return when


def _problem_of_datetime(value: datetime) -> str:
    from datetime import timezone

    try:
        if value.utcoffset() is None:
            return "must be timezone-aware"
        value.astimezone(timezone.utc)
    except Exception:
        return "cannot be expressed in UTC (year 1..9999)"
    return ""


_SECRET_LIKE = r"[A-Za-z0-9+/=_-]{16,}"  # noqa: S105  (a pattern)


def excerpt(value: object, limit: int = 40) -> str:
    """A short quote of a value for an error message, safe to show: every run of
    16 or more characters that could belong to a key or a token
    (``[A-Za-z0-9+/=_-]``) is replaced by ``<redacted>`` (in the whole text,
    before cutting), control and other unprintable characters are escaped as
    ``repr`` escapes them, and the escaped text is cut at ``limit`` characters.
    A value that is not a ``str`` is shown by type only."""
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    import re

    text = re.sub(_SECRET_LIKE, "<redacted>", value)
    pieces: list[str] = []
    size = 0
    for c in text:
        piece = c if c.isprintable() and c not in "'\\" else ("\\" + c if c in "'\\" else repr(c)[1:-1])
        if size + len(piece) > limit:
            return "'" + "".join(pieces) + f"'... ({len(value)} characters)"
        pieces.append(piece)
        size += len(piece)
    return "'" + "".join(pieces) + "'"


def credentials_from_mapping(
    data: object,
    source: str,
    *,
    token_key: str = "Token",  # noqa: S107  (a field name)
    require_token: bool = False,
    require_expiry: bool = False,
) -> Credentials:
    """Credentials from a decoded JSON document with ``AccessKeyId``,
    ``SecretAccessKey``, a token and ``Expiration``.  Error messages name the
    missing field, never a value."""
    if not isinstance(data, dict):
        raise CredentialsError(source, "the response is not a JSON object")
    doc: Mapping[str, object] = data
    values: dict[str, str | None] = {}
    for key, required in (
        ("AccessKeyId", True),
        ("SecretAccessKey", True),
        (token_key, require_token),
        ("Expiration", require_expiry),
    ):
        value = doc.get(key)
        if value is None or value == "":
            if required:
                raise CredentialsError(source, f"the response has no {key}")
            values[key] = None
        elif not isinstance(value, str):
            raise CredentialsError(source, f"{key} in the response is not a string")
        else:
            values[key] = value
    expiry_text = values["Expiration"]
    expiry = parse_expiry(expiry_text, f"{source} Expiration") if expiry_text is not None else None
    return checked_credentials(
        source,
        "the response holds invalid credentials",
        values["AccessKeyId"] or "",
        values["SecretAccessKey"] or "",
        values[token_key],
        expiry,
    )


def checked_credentials(
    field: str, what: str, access_key: str, secret_key: str, token: str | None, expiry: datetime | None
) -> Credentials:
    """``Credentials(...)``, or CredentialsError(field, "<what> (<its field>: <its rule>)") raised
    outside any ``except`` block (nothing chained; the rule never quotes a value)."""
    problem: tuple[str, str] | None = None
    try:
        return Credentials(access_key, secret_key, token, expiry)
    except CredentialsError as exc:
        problem = (exc.field, exc.rule)
    raise CredentialsError(field, f"{what} ({problem[0]}: {problem[1]})")
