"""The signature's clock: ``X-Amz-Date`` from an aware datetime or a clock reading,
and back to seconds, without ``datetime``/``calendar``/``time.strptime`` on the path
(they import ``re`` and ``locale``).  The default clock is ``time.time``, looked up at
call time so freezegun can freeze it; a clock is always a value passed in."""

from __future__ import annotations

import time as _time

from .errors import CredentialsError, InvalidTimeError, SigningError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from .credentials import Credentials

__all__ = ["END_OF_9999", "amz_date", "amz_date_seconds", "clock_seconds", "default_clock", "warn_if_expiring"]


def default_clock() -> float:
    """``time.time()``, looked up at each call (so freezegun can freeze it)."""
    return _time.time()


# 10000-01-01T00:00:00Z: an X-Amz-Date has four digits of year.
END_OF_9999 = 253402300800


def clock_seconds(value: object) -> int:
    """A clock reading as whole seconds (floored), or a SigningError naming the clock:
    it must be a finite number of seconds in 1970..9999."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < END_OF_9999:
        return int(value // 1)
    raise SigningError(
        "clock", f"must return seconds since the epoch (a finite number in 1970..9999), got {type(value).__name__}"
    )


def amz_date(now: datetime | None, clock: Callable[[], float] = default_clock) -> str:
    """``YYYYMMDDTHHMMSSZ`` for ``now`` (an aware datetime) or the clock."""
    if now is None:
        if not callable(clock):
            raise SigningError("clock", "must be a callable returning seconds since the epoch")
        t = _time.gmtime(clock_seconds(clock()))  # floor, as gmtime() rounds
    else:
        utcoffset = getattr(now, "utcoffset", None)
        if not callable(utcoffset) or not callable(getattr(now, "utctimetuple", None)):
            raise InvalidTimeError("now", f"must be a datetime, not {type(now).__name__}")
        if utcoffset() is None:
            raise InvalidTimeError("now", "must be timezone-aware (e.g. datetime.now(timezone.utc))")
        utc: _time.struct_time | None
        try:
            utc = now.utctimetuple()
        except OverflowError:  # e.g. 0001-01-01 at +05:00 is before year 1 in UTC
            utc = None  # raised below, outside the handler
        if utc is None:
            raise InvalidTimeError("now", "must fall in the years 1..9999 once converted to UTC")
        t = utc
    return f"{t[0]:04d}{t[1]:02d}{t[2]:02d}T{t[3]:02d}{t[4]:02d}{t[5]:02d}Z"


def amz_date_seconds(date_time: str) -> int:
    """Seconds since the epoch for a ``YYYYMMDDTHHMMSSZ`` timestamp (UTC).

    Days from 1970-01-01 by the civil-calendar formula (H. Hinnant's
    ``days_from_civil``), so neither ``calendar`` nor ``time.strptime`` (which
    import ``re`` and ``locale``) is loaded."""
    year, month, day = int(date_time[0:4]), int(date_time[4:6]), int(date_time[6:8])
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    days = era * 146097 + day_of_era - 719468
    return days * 86400 + int(date_time[9:11]) * 3600 + int(date_time[11:13]) * 60 + int(date_time[13:15])


def warn_if_expiring(creds: Credentials, date_time: str, expires_in: int) -> None:
    """A URL outlives the temporary credentials that signed it: it will fail early."""
    start = amz_date_seconds(date_time)
    timestamp = getattr(creds.expiry, "timestamp", None)
    if not callable(timestamp):  # e.g. an aware datetime.time, which has a utcoffset()
        raise CredentialsError("expiry", f"must be a timezone-aware datetime, not {type(creds.expiry).__name__}")
    expiry = timestamp()
    if expiry < start + expires_in:
        import warnings

        warnings.warn(
            f"the credentials expire {int(expiry - start)} s after signing, before the URL's "
            f"{expires_in} s: the URL stops working when they do",
            stacklevel=3,
        )
