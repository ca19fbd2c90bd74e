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

Reading the values themselves (:func:`parse_expiry`, :func:`credentials_from_mapping`,
:func:`checked_credentials`, :func:`excerpt`) lives in :mod:`sigv4.providers.values`;
the names are re-exported here.
"""

from __future__ import annotations

import os as _os
import time as _time
from _thread import allocate_lock

from ..core.credentials import Credentials, seal, unseal
from ..core.errors import CredentialsError, SigningError
from .values import checked_credentials, credentials_from_mapping, excerpt, parse_expiry

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
