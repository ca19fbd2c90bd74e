"""The fuzz oracle: one call either returns or raises a ``sigv4.SigningError`` subclass, and
no marker secret (the secret key; the session token, except where the protocol carries it)
appears in an exception (its args, str, repr, ``.object``, ``field``/``rule``, and all of that
along its ``__cause__``/``__context__`` chain), a warning, or the repr/str of what returns.

A SigningError raised while another exception is being handled (so ``__context__`` or
``__cause__`` is set) is a finding too: the project's rule is to raise it outside the
``except`` block, so nothing is chained to it.  So is a call that changes a dict, list or
tuple it was given (the library never mutates the caller's objects).
"""

from __future__ import annotations

import contextlib
import signal
import traceback
import warnings
from collections.abc import Iterator
from typing import Any, NamedTuple

from sigv4.core.errors import SigningError

from .values import SECRET, TOKEN, CallerError

#: Seconds one call may take before it counts as a hang.
CALL_TIMEOUT = 10.0


class Hang(BaseException):
    """Raised by the alarm when a call takes longer than CALL_TIMEOUT."""


class NetworkAttempt(BaseException):
    """Raised when anything tries to open a socket: the fuzz run must never touch the network.
    A BaseException, so a library's ``except Exception`` cannot hide it."""


def _alarm(signum: int, frame: Any) -> None:
    raise Hang(f"call took more than {CALL_TIMEOUT} s")


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise NetworkAttempt(f"network access attempted: {args[1:2]!r}")


@contextlib.contextmanager
def guards() -> Iterator[None]:
    """No network (every socket connect or lookup raises NetworkAttempt) and the per-call
    alarm, undone on exit."""
    import socket

    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    previous = signal.signal(signal.SIGALRM, _alarm)
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    socket.create_connection = _refuse  # type: ignore[assignment]
    socket.getaddrinfo = _refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo = saved  # type: ignore[method-assign]
        signal.signal(signal.SIGALRM, previous)


class Outcome(NamedTuple):
    #: "returned", "signing_error", "caller_error" or "finding"
    status: str
    #: For a finding: "escape:<Type>", "leak:exception", "leak:warning", "leak:result",
    #: "chained:<Type>", "mutated-argument", "hang", "network".
    kind: str = ""
    #: The innermost sigv4 module (and line) in the traceback, for escapes.
    where: str = ""
    detail: str = ""


def _marker_in(text: str, markers: tuple[str, ...]) -> str | None:
    for m in markers:
        if m in text:
            return "secret" if m == SECRET else "token"
    # A secret cut short or split still shows its unique tail.
    if SECRET[-16:] in text:
        return "secret"
    if TOKEN[-16:] in text and TOKEN in markers:
        return "token"
    return None


def _texts_of_exception(e: BaseException) -> list[str]:
    out: list[str] = []
    for get in (lambda: repr(e), lambda: str(e), lambda: repr(e.args)):
        try:
            out.append(get())
        except Exception as inner:  # an exception whose str() fails is itself odd
            out.append(f"<str failed: {type(inner).__name__}>")
    for attr in ("object", "field", "rule", "filename", "msg", "doc", "response"):
        value = getattr(e, attr, None)
        if value is not None:
            out.append(repr(value))
    for note in getattr(e, "__notes__", ()) or ():
        out.append(str(note))
    return out


def exception_leak(e: BaseException) -> str | None:
    """Which marker (if any) the exception or its chain carries."""
    seen: set[int] = set()
    todo: list[BaseException] = [e]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        for text in _texts_of_exception(x):
            found = _marker_in(text, (SECRET, TOKEN))
            if found:
                return f"{found} in {type(x).__name__}"
        for nxt in (x.__cause__, x.__context__):
            if nxt is not None:
                todo.append(nxt)
    return None


def _where(e: BaseException) -> str:
    """The innermost frame inside the sigv4 package: ``sigv4/x.py:line``."""
    where = ""
    for frame in traceback.extract_tb(e.__traceback__):
        name = frame.filename.replace("\\", "/")
        if "/sigv4/" in name and "/tests/" not in name:
            where = "sigv4/" + name.rsplit("/sigv4/", 1)[1] + f":{frame.lineno}"
    return where


def result_leak(result: Any, token_allowed: bool) -> str | None:
    """Which marker the result shows where it must not.  Objects with their own repr
    (SignedRequest, Signer, Credentials, clients...) never show either marker; plain data
    (URLs, header dicts, POST fields) may carry the token where ``token_allowed``."""
    from sigv4.core.signer import SignedRequest

    markers = (SECRET,) if token_allowed else (SECRET, TOKEN)
    items = result if isinstance(result, tuple) else (result,)
    for item in items:
        if isinstance(item, SignedRequest):
            for text in (repr(item), str(item)):
                found = _marker_in(text, (SECRET, TOKEN))
                if found:
                    return f"{found} in repr(SignedRequest)"
            for text in (item.url, repr(item.headers), item.canonical_request, item.string_to_sign):
                found = _marker_in(text, (SECRET,))
                if found:
                    return f"{found} in SignedRequest fields"
            continue
        plain = isinstance(item, (str, bytes, int, float, bool, dict, list, type(None)))
        own = markers if plain else (SECRET, TOKEN)
        try:
            texts = [repr(item), str(item)]
        except CallerError:  # the caller's own object (kept by the result) raised: theirs to fix
            continue
        except Exception as e:  # a result whose repr fails
            return f"repr of {type(item).__name__} raised {type(e).__name__}"
        for text in texts:
            found = _marker_in(text, own)
            if found:
                return f"{found} in repr({type(item).__name__})"
    return None


def _fingerprint(x: Any, depth: int = 0) -> Any:
    """What a call could change in a dict/list/tuple it was given: its items (by identity, so
    objects that compare unequal to their copies are fine), nested containers, bytearrays."""
    t = type(x)
    if depth < 8 and t is dict:
        return ("dict", tuple((id(k), _fingerprint(v, depth + 1)) for k, v in x.items()))
    if depth < 8 and (t is list or t is tuple):
        return (t.__name__, tuple(_fingerprint(i, depth + 1) for i in x))
    if t is bytearray:
        return ("bytearray", bytes(x))
    return id(x)


def _snapshot(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(where, the caller's container, its fingerprint) for every dict/list/tuple argument:
    the library must never change what it is given."""
    out: list[tuple[str, Any, Any]] = []
    for where, value in [*((f"args[{i}]", a) for i, a in enumerate(args)), *((f"{k}=", a) for k, a in kwargs.items())]:
        if type(value) in (dict, list, tuple, bytearray):
            out.append((where, value, _fingerprint(value)))
    return out


def _mutated(snapshot: list[tuple[str, Any, Any]]) -> str:
    for where, value, before in snapshot:
        if _fingerprint(value) != before:
            return where
    return ""


def run_call(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any], token_allowed: bool) -> Outcome:
    """Run one call under the oracle."""
    snapshot = _snapshot(args, kwargs)
    result: Any = None
    error: BaseException | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        signal.setitimer(signal.ITIMER_REAL, CALL_TIMEOUT)
        try:
            result = fn(*args, **kwargs)
        except (KeyboardInterrupt, Hang, NetworkAttempt) as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if isinstance(e, KeyboardInterrupt):
                raise
            error = e
        except BaseException as e:
            error = e
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    changed = _mutated(snapshot)
    if changed:
        return Outcome("finding", "mutated-argument", "", f"the call changed its argument {changed}")
    for w in caught:
        found = _marker_in(f"{w.message!s} {w.message!r}", (SECRET, TOKEN))
        if found:
            return Outcome("finding", "leak:warning", "", f"{found} in warning {w.category.__name__}")
    if error is not None:
        leak = exception_leak(error)
        if leak:
            return Outcome("finding", "leak:exception", _where(error), f"{leak}: {type(error).__name__}")
        if isinstance(error, Hang):
            return Outcome("finding", "hang", "", str(error))
        if isinstance(error, NetworkAttempt):
            return Outcome("finding", "network", _where(error), str(error)[:200])
        if isinstance(error, SigningError):
            if error.__cause__ is not None or error.__context__ is not None:
                chained = error.__cause__ or error.__context__
                return Outcome(
                    "finding",
                    f"chained:{type(error).__name__}",
                    _where(error),
                    f"chained to {type(chained).__name__}: {_short(error)}",
                )
            return Outcome("signing_error")
        if isinstance(error, CallerError):
            return Outcome("caller_error")
        return Outcome("finding", f"escape:{type(error).__name__}", _where(error), _short(error))
    leak = result_leak(result, token_allowed)
    if leak:
        return Outcome("finding", "leak:result", "", leak)
    return Outcome("returned")


def _short(e: BaseException) -> str:
    try:
        text = str(e)
    except Exception:
        text = "<str failed>"
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text[:160]
