"""The refresh machinery every temporary-credentials source shares.

A :class:`RefreshableProvider` fetches credentials on first use and again a
few minutes before they expire:

* **Fresh** (no expiry, or more than ``refresh_window`` seconds left): the
  cached credentials are returned without taking a lock.
* **Refresh window** (less than ``refresh_window`` left but more than
  ``expiry_margin``): exactly one thread refreshes; every other thread keeps
  signing with the current credentials instead of waiting.  If the refresh
  fails, the current credentials are kept, a :class:`CredentialsRefreshWarning`
  is issued, and the next attempt waits ``retry_interval`` seconds.
* **Expired** (nothing yet, or ``expiry_margin`` or less left): callers wait
  on the lock; the first one fetches, the others find the fresh result.  A
  failure raises :class:`~sigv4.core.errors.CredentialsError`.

Credentials within ``expiry_margin`` of their expiry count as expired: a
request signed with them could reach AWS after they have ended.  A source
that answers a refresh with credentials still inside the window (nothing
newer yet) is asked again only after ``retry_interval``, with a warning.

A source that fails in an unexpected way (a bug, an answer nobody
foresaw) is reported as a :class:`~sigv4.core.errors.CredentialsError` naming the
exception's type only, and handled like any other failed refresh.

A provider pickles without its lock and its fetched credentials; the copy
fetches again on first use.  An environment mapping it was given travels with
its values sealed (:func:`sigv4.core.credentials.seal`); the process environment
does not travel: the copy reads its own.

Messages quote values from files, the environment or a process's output only
through :func:`excerpt`: at most 40 characters, with anything that looks like
a key or a token replaced by ``<redacted>``.
"""

from __future__ import annotations

import os as _os
import time as _time
from _thread import allocate_lock

from ..core.credentials import Credentials, seal, unseal
from ..core.errors import CredentialsError, SigningError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

__all__ = [
    "CredentialsRefreshWarning",
    "RefreshableProvider",
    "SealedEnviron",
    "StaticProvider",
    "checked_credentials",
    "credentials_from_mapping",
    "environ_from_state",
    "environ_state",
    "excerpt",
    "parse_expiry",
]

DEFAULT_REFRESH_WINDOW = 300.0
DEFAULT_EXPIRY_MARGIN = 30.0
DEFAULT_RETRY_INTERVAL = 30.0


class CredentialsRefreshWarning(UserWarning):
    """A refresh failed; the current (still valid) credentials are kept."""


def _default_clock() -> float:
    return _time.time()


class StaticProvider:
    """Fixed credentials that remember where they came from (``method``)."""

    __slots__ = ("_credentials", "method")

    def __init__(self, credentials: Credentials, method: str = "explicit") -> None:
        if not isinstance(credentials, Credentials):
            raise CredentialsError("credentials", "must be a sigv4.Credentials")
        self._credentials = credentials
        self.method = method

    def get_credentials(self) -> Credentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"StaticProvider(method={self.method!r}, credentials={self._credentials!r})"

    def __reduce__(self) -> tuple[type[StaticProvider], tuple[Credentials, str]]:
        # Fixed credentials are the provider itself: they travel with it.
        return (StaticProvider, (self._credentials, self.method))


class RefreshableProvider:
    """Base class: subclasses implement :meth:`_fetch` and set ``method``.

    ``clock`` returns seconds since the epoch (``time.time`` by default,
    looked up at call time so freezegun can move it).
    """

    method = "refreshable"

    def __init__(
        self,
        *,
        refresh_window: float = DEFAULT_REFRESH_WINDOW,
        expiry_margin: float = DEFAULT_EXPIRY_MARGIN,
        retry_interval: float = DEFAULT_RETRY_INTERVAL,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not 0 <= expiry_margin <= refresh_window:
            raise CredentialsError("refresh_window", "must be at least expiry_margin, and both non-negative")
        self.refresh_window = float(refresh_window)
        self.expiry_margin = float(expiry_margin)
        self.retry_interval = float(retry_interval)
        self._clock = clock or _default_clock
        self._lock = allocate_lock()
        self._credentials: Credentials | None = None
        self._next_attempt = 0.0

    # -- for subclasses -------------------------------------------------------

    def _fetch(self) -> Credentials:
        """Fetch new credentials; raise CredentialsError (or another SigningError) on failure."""
        raise NotImplementedError

    # -- public -----------------------------------------------------------------

    def get_credentials(self) -> Credentials:
        creds = self._credentials
        now = self._clock()
        left = _seconds_left(creds, now)
        if creds is not None and (left is None or left > self.refresh_window):
            return creds
        usable = creds is not None and left is not None and left > self.expiry_margin
        if usable:
            # Refresh window: one thread refreshes, the others keep signing.
            if now < self._next_attempt or not self._lock.acquire(blocking=False):
                return creds  # type: ignore[return-value]
        else:
            self._lock.acquire()
        try:
            return self._refresh_locked()
        finally:
            self._lock.release()

    def refresh(self) -> Credentials:
        """Fetch new credentials now, whatever the cached ones' expiry (blocks on the lock)."""
        with self._lock:
            self._next_attempt = 0.0
            return self._refresh_locked(force=True)

    @property
    def expiry(self) -> datetime | None:
        """Expiry of the cached credentials (None if none fetched yet or they do not expire)."""
        creds = self._credentials
        return creds.expiry if creds is not None else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(method={self.method!r})"

    def describe(self) -> str:
        """The source in words, for messages (subclasses add the profile, the role…)."""
        return self.method

    # -- pickling (multiprocessing, Spark…) -------------------------------------

    def __getstate__(self) -> dict[str, object]:
        """Everything but the lock and the fetched credentials: an unpickled copy
        fetches its own on first use (no temporary secret travels in the pickle)."""
        state = dict(self.__dict__)
        for name in _UNPICKLED:
            state.pop(name, None)
        if "_environ" in state:
            state["_environ"] = environ_state(state["_environ"])
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        if "_environ" in state:
            self.__dict__["_environ"] = environ_from_state(state["_environ"])
        self._lock = allocate_lock()
        self._credentials = None
        self._next_attempt = 0.0

    # -- internals --------------------------------------------------------------

    def _refresh_locked(self, force: bool = False) -> Credentials:
        now = self._clock()
        creds = self._credentials
        left = _seconds_left(creds, now)
        if not force and creds is not None and (left is None or left > self.refresh_window):
            return creds  # another thread refreshed while we waited
        usable = creds is not None and left is not None and left > self.expiry_margin
        if not force and usable and now < self._next_attempt:
            return creds  # type: ignore[return-value]
        failure: SigningError | None = None
        new: Credentials | None = None
        try:
            new = self._fetch()
        except SigningError as exc:
            failure = exc
        except Exception as exc:
            failure = CredentialsError(self.method, f"{self.describe()} failed unexpectedly ({type(exc).__name__})")
        new_left: float | None = None
        if failure is None:
            if not isinstance(new, Credentials):
                failure = CredentialsError(self.method, f"{self.describe()} returned no credentials")
            else:
                new_left = _seconds_left(new, self._clock())
                if new_left is not None and new_left <= self.expiry_margin:
                    assert new.expiry is not None
                    failure = CredentialsError(
                        self.method,
                        f"{self.describe()} returned credentials that expire at {new.expiry.isoformat()} "
                        "(already expired or about to)",
                    )
        if failure is not None:  # handled outside the except blocks: nothing chained to what is raised
            if usable and not force:
                assert creds is not None and creds.expiry is not None
                self._next_attempt = now + self.retry_interval
                import warnings

                warnings.warn(
                    f"{self.describe()}: refreshing credentials failed ({failure}); keeping the current ones, "
                    f"which expire at {creds.expiry.isoformat()}",
                    CredentialsRefreshWarning,
                    stacklevel=3,
                )
                return creds
            raise failure
        assert isinstance(new, Credentials)
        self._credentials = new
        self._next_attempt = 0.0
        if new_left is not None and new_left <= self.refresh_window:
            # Nothing newer at the source yet: do not ask again on every call.
            self._next_attempt = now + self.retry_interval
            if not force:
                import warnings

                assert new.expiry is not None
                warnings.warn(
                    f"{self.describe()}: the refreshed credentials still expire at {new.expiry.isoformat()} "
                    f"(in {new_left:.0f} s); will ask again in {self.retry_interval:g} s",
                    CredentialsRefreshWarning,
                    stacklevel=3,
                )
        return new


_UNPICKLED = ("_lock", "_credentials", "_next_attempt")


def _seconds_left(creds: Credentials | None, now: float) -> float | None:
    if creds is None or creds.expiry is None:
        return None
    return creds.expiry.timestamp() - now


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


class SealedEnviron:
    """An environment mapping as a provider or a session pickles it: every
    value sealed (:func:`sigv4.core.credentials.seal`), so that no secret it holds is
    readable in the pickle."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.items = [(str(k), seal(str(v))) for k, v in environ.items()]

    def open(self) -> dict[str, str]:
        return {k: unseal(v) for k, v in self.items}

    def __repr__(self) -> str:
        return f"SealedEnviron({len(self.items)} variables)"


def environ_state(environ: object) -> SealedEnviron | None:
    """How an ``environ`` attribute pickles: ``None`` (and the process
    environment itself) as ``None`` -- the copy reads its own process's
    environment -- and a given mapping sealed."""
    if environ is None or environ is _os.environ:
        return None
    if isinstance(environ, SealedEnviron):
        return environ
    return SealedEnviron(environ)  # type: ignore[arg-type]


def environ_from_state(state: object) -> dict[str, str] | None:
    """The inverse of :func:`environ_state` (a plain mapping from an older pickle is kept)."""
    if isinstance(state, SealedEnviron):
        return state.open()
    if state is None:
        return None
    plain: dict[str, str] = dict(state)  # type: ignore[call-overload]
    return plain


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
