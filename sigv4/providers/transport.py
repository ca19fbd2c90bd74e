"""A small HTTP helper over ``urllib.request`` for the credential sources.

Imported only when a source actually goes to the network.  Redirects are
never followed (a metadata or STS endpoint has no reason to redirect, and
following one could send a token elsewhere).  Metadata endpoints (IMDS, the
container endpoint) bypass proxies: they are link-local or loopback.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from http.client import HTTPException

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import IO

__all__ = ["TransportError", "decode_json", "error_summary", "printable", "request"]

MAX_BODY = 1 << 20


class TransportError(Exception):
    """No HTTP answer: connection refused, timeout, reset, malformed response."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: object, newurl: str
    ) -> None:
        return None


_openers: dict[bool, urllib.request.OpenerDirector] = {}


def _opener(use_proxy: bool) -> urllib.request.OpenerDirector:
    opener = _openers.get(use_proxy)
    if opener is None:
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if not use_proxy:
            handlers.append(urllib.request.ProxyHandler({}))
        opener = _openers[use_proxy] = urllib.request.build_opener(*handlers)
    return opener


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float,
    use_proxy: bool = False,
) -> tuple[int, bytes]:
    """(status, body) for any HTTP answer, 4xx/5xx included; TransportError otherwise."""
    if not url.startswith(("http://", "https://")):
        raise TransportError("not an http(s) URL")
    problem = ""
    try:
        req = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)  # noqa: S310  (checked above)
        with _opener(use_proxy).open(req, timeout=timeout) as resp:
            return int(resp.status), resp.read(MAX_BODY)
    except urllib.error.HTTPError as exc:
        try:
            data = exc.read(MAX_BODY)
        except (OSError, HTTPException):
            data = b""
        finally:
            exc.close()
        return int(exc.code), data
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
            problem = f"timed out after {timeout:g} s"
        else:
            problem = f"cannot connect: {reason}"
    except (TimeoutError, socket.timeout):
        problem = f"timed out after {timeout:g} s"
    except (OSError, HTTPException) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    except ValueError as exc:  # e.g. a header value http.client refuses: its message quotes the value
        problem = f"the request cannot be sent ({type(exc).__name__})"
    raise TransportError(problem)  # outside the except blocks: nothing chained


def decode_json(body: bytes, source: str) -> object:
    """The decoded JSON document, or CredentialsError (never quoting the body: it may
    hold a secret).  Not UTF-8, not JSON, nested too deeply (``'[' * 5000``), or
    more than :data:`MAX_BODY` bytes: all the same error, raised outside the
    ``except`` block."""
    import json

    from ..core.errors import CredentialsError

    problem = ""
    if len(body) > MAX_BODY:
        problem = f"the response is larger than {MAX_BODY} bytes ({len(body)} bytes)"
    else:
        try:
            return json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            problem = f"the response is not UTF-8 text ({len(body)} bytes)"
        except (ValueError, RecursionError):
            problem = f"the response is not valid JSON, or nests too deeply ({len(body)} bytes)"
    raise CredentialsError(source, problem)


def printable(text: str, limit: int) -> str:
    """A server's error code or message for a message: cut at ``limit``, controls as ``?``."""
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


def error_summary(body: bytes) -> str:
    """``: Code: Message`` from a JSON or XML error body when it has them, else ``""``
    (control characters replaced by ``?``, the code cut at 100 characters and the
    message at 300)."""
    text = body[:4096].decode("utf-8", "replace")
    code = message = ""
    if text.lstrip().startswith("{"):
        import json

        doc: object = None
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            doc = None
        if isinstance(doc, dict):
            raw_code = doc.get("code") or doc.get("Code") or ""
            raw_message = doc.get("message") or doc.get("Message") or ""
            code = raw_code if isinstance(raw_code, str) else ""
            message = raw_message if isinstance(raw_message, str) else ""
    elif text.lstrip().startswith("<"):
        import re

        m = re.search(r"<Code>([^<]{1,200})</Code>", text)
        code = m.group(1) if m else ""
        m = re.search(r"<Message>([^<]{1,500})</Message>", text)
        message = m.group(1) if m else ""
    summary = ": ".join(part for part in (printable(code, 100), printable(message, 300)) if part)
    return f": {summary}" if summary else ""
