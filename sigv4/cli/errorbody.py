"""Reading the body of an AWS error answer for ``sigv4 explain --error-xml``:
:func:`decode_body` (the bytes to text, whatever their encoding),
:func:`parse_error_body` (S3's XML with ``<CanonicalRequest>`` and ``<StringToSign>``
or their ``*Bytes`` hex forms, other services' XML or JSON, the strings quoted in a
message, a truncated body) and :class:`ServerStrings`, what it found.  Never raises:
what cannot be read is listed in ``notes``.

Re-exported by :mod:`sigv4.cli.explain`, where these names were first defined.
"""

from __future__ import annotations

__all__ = ["ServerStrings", "decode_body", "parse_error_body"]


class ServerStrings:
    """What the server computed, as its error body tells it, and the other facts
    the body carries (``fields``: every element by name, ``code``, ``message``)."""

    __slots__ = ("access_key", "canonical_request", "code", "fields", "message", "notes", "signature", "string_to_sign")

    def __init__(
        self,
        canonical_request: str | None,
        string_to_sign: str | None,
        signature: str | None,
        access_key: str | None,
        *,
        code: str | None = None,
        message: str = "",
        fields: dict[str, str] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign
        self.signature = signature
        self.access_key = access_key
        self.code = code
        self.message = message
        self.fields = fields or {}
        #: What could not be read in the body (not well-formed XML, not UTF-8...).
        self.notes = notes or []

    @property
    def amz_date(self) -> str | None:
        lines = (self.string_to_sign or "").split("\n")
        return lines[1] if len(lines) > 2 else None

    @property
    def scope(self) -> tuple[str, str] | None:
        """(region, service) of the string to sign's credential scope, when it is one."""
        lines = (self.string_to_sign or "").split("\n")
        parts = lines[2].split("/") if len(lines) > 2 else []
        if len(parts) == 4 and all(parts[1:3]) and set(parts[1] + parts[2]) <= _SCOPE_CHARS:
            return (parts[1], parts[2])
        return None


_SCOPE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _from_hex(text: str | None) -> str | None:
    """``47 45 54 0a …`` (S3's *Bytes elements) → the text; None if not that."""
    if not text or not text.strip():
        return None
    try:
        return bytes(int(pair, 16) for pair in text.split() if len(pair) == 2 and pair.isascii()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _from_message(text: str) -> tuple[str | None, str | None]:
    """The strings in a message such as "The canonical string for this request
    should have been 'GET\\n/\\n…' The String-to-Sign should have been '…'"."""
    import re

    # The canonical request may hold quotes (header values): it ends at the quote
    # followed by the String-to-Sign sentence.  The string to sign holds none.
    canonical = re.search(r"canonical string for this request should have been\s*'(.*?)'\s*The String-to-Sign", text, re.S | re.I)
    to_sign = re.search(r"String-to-Sign should have been\s*'([^']*)'", text, re.S | re.I)
    return (canonical.group(1) if canonical else None, to_sign.group(1) if to_sign else None)


def decode_body(data: bytes) -> tuple[str, list[str]]:
    """The text of an error body and what was wrong with its bytes (never an exception)."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), []
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        note = (
            f"the error body is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}): read with replacement characters"
        )
        return data.decode("utf-8", "replace"), [note]


def parse_error_body(text: str) -> ServerStrings:
    """Read AWS's canonical request and string to sign out of an error body, with
    whatever else it says (code, message, region hint, times, access key).
    Never raises: what cannot be read is listed in ``notes``."""
    found: dict[str, str] = {}
    notes: list[str] = []
    message = text
    stripped = text.lstrip()
    if stripped.startswith("<"):
        import xml.etree.ElementTree as ET

        try:
            root = ET.fromstring(stripped)  # noqa: S314 - a local file the user chose
        except (ET.ParseError, ValueError, RecursionError) as exc:
            notes.append(f"the error body is not well-formed XML ({exc}): only its text was searched")
            found.update(_loose_elements(stripped))
            message = found.get("Message", stripped)
        else:
            for element in root.iter():
                name = str(element.tag).rpartition("}")[2]
                if element.text is not None and name not in found:
                    found[name] = element.text
            message = found.get("Message", "")
    elif stripped.startswith("{"):
        import json

        try:
            doc = json.loads(stripped)
        except (ValueError, RecursionError) as exc:
            notes.append(f"the error body is not valid JSON ({exc}): only its text was searched")
            doc = None
        if isinstance(doc, dict):
            for name, value in doc.items():
                if isinstance(name, str) and isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    found.setdefault(name[:1].upper() + name[1:], str(value))
            message = found.get("Message") or found.get("ErrorMessage") or ""
            code = found.get("__type") or found.get("Code") or found.get("ErrorCode")
            if code:
                found["Code"] = code.rpartition("#")[2].partition(":")[0]
    elif not stripped:
        notes.append("the error body is empty")
    canonical = _from_hex(found.get("CanonicalRequestBytes")) or found.get("CanonicalRequest")
    to_sign = _from_hex(found.get("StringToSignBytes")) or found.get("StringToSign")
    if canonical is None and to_sign is None:
        canonical, to_sign = _from_message(message)
    return ServerStrings(
        canonical,
        to_sign,
        found.get("SignatureProvided"),
        found.get("AWSAccessKeyId"),
        code=found.get("Code"),
        message=message if message is not text or len(text) < 2000 else "",
        fields=found,
        notes=notes,
    )


def _loose_elements(text: str) -> dict[str, str]:
    """``<Name>text</Name>`` pairs of a body that is not well-formed XML (a truncated copy)."""
    import re
    from html import unescape

    out: dict[str, str] = {}
    for match in re.finditer(r"<([A-Za-z][\w.-]{0,100})>([^<]*)</\1>", text):
        out.setdefault(match.group(1), unescape(match.group(2)))
    return out
