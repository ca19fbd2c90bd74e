"""Loader for the SigV4 test-vector data set under ``vectors/`` (stdlib only).

Suites (see ``vectors/README.md`` for provenance and formats):

* ``botocore``        -- 34 cases, ``<case>.req/.creq/.sts/.authz/.sreq`` (header signing only).
* ``aws-c-auth``      -- 38 cases of ``vectors/aws-c-auth/v4`` (header and query signing).
* ``smithy-rs-extra`` -- 3 extra cases in the aws-c-auth file layout.

plus the S3 API Reference worked examples in ``vectors/s3-examples.json``, and, apart
from the SigV4 suites (not in :data:`SUITES`), the SigV4a suite:

* ``aws-c-auth-v4a``  -- 38 cases of ``vectors/aws-c-auth/v4a`` (header and query signing),
  read by :func:`load_v4a_cases` in the same layout as ``aws-c-auth``; each case's
  ``public-key.json`` by :func:`v4a_public_key`.  Its signatures are randomised ECDSA
  signatures (``*_signature`` and the one in ``*_signed_request`` differ): verify them,
  do not compare them.

Conventions of :class:`Case`
----------------------------
* ``target`` is the raw request target exactly as written after the method on the
  request line (``HTTP/1.1`` removed): it may hold a literal space
  (``/example space/``), raw UTF-8, ``%``-escapes, ``+`` and a query string.
* ``headers`` are ``(name, value)`` pairs in file order, name case kept, value kept
  verbatim after the first ``:`` (leading spaces kept, e.g. ``"My-Header1", " value1"``).
  A folded continuation line (one starting with a space or tab) is appended to the
  previous header's value as ``"\\n" + line`` with the line's own leading whitespace
  kept, so ``get-header-value-multiline`` gives ``"value1\\n  value2\\n     value3"``.
  The signer unfolds: trim, then collapse every whitespace run (``\\n`` included)
  into one space -> ``value1 value2 value3``.
* botocore ``.req`` files (and smithy-rs ``double-encode-path``) already carry an
  ``X-Amz-Date`` header (any case); a signer adds its own ``X-Amz-Date`` from
  ``context.timestamp`` and must replace, not duplicate, the existing one.
  botocore ``post-sts-header-before`` also already carries ``X-Amz-Security-Token``.
* Expected canonical requests, strings to sign and signatures have the
  non-significant trailing newline of some upstream files removed (only
  ``smithy-rs-extra/double-url-encode/header-string-to-sign.txt`` and
  ``smithy-rs-extra/get-query-plus/header-canonical-request.txt`` have one).
* ``*_signed_request`` are the raw file texts (header block ends with an empty line,
  then the body); compare them with :func:`parse_signed_request`.
* ``context.sign_body``: add ``x-amz-content-sha256: hex(sha256(body))`` and sign it.
  Otherwise no such header. In all cases the canonical request's payload-hash line is
  hex(sha256(body)) (``e3b0c442...`` for an empty body).
* Known-bad upstream expectations are ``None`` (``vectors/manifest.json``):
  smithy-rs ``double-encode-path`` is ``canonical_request_only`` (only
  ``header_canonical_request`` is set), and botocore ``get-vanilla-with-session-token``
  has no ``header_signed_request`` (its ``.sreq`` carries a stale signature).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, cast

__all__ = [
    "SUITES",
    "VECTORS_DIR",
    "Case",
    "SigningContext",
    "load_s3_examples",
    "load_suite_cases",
    "load_v4a_cases",
    "v4a_public_key",
    "parse_signed_request",
]

VECTORS_DIR: Path = Path(__file__).resolve().parent.parent / "vectors"

Suite = Literal["botocore", "aws-c-auth", "smithy-rs-extra", "aws-c-auth-v4a"]
SUITES: tuple[Suite, ...] = ("botocore", "aws-c-auth", "smithy-rs-extra")

_HTTP_VERSION = re.compile(r" HTTP/\d+(?:\.\d+)?$")
_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")
_EXPECTATION_FIELDS = frozenset(
    f"{mode}_{what}"
    for mode in ("header", "query")
    for what in ("canonical_request", "string_to_sign", "signature", "signed_request")
) | {"header_authorization"}


@dataclass(frozen=True)
class SigningContext:
    """Signing parameters of a case (aws-c-auth ``context.json`` semantics)."""

    access_key: str
    secret_key: str
    token: str | None
    region: str
    service: str
    timestamp: datetime  # timezone-aware, UTC
    normalize: bool  # remove dot segments / collapse "//" in the canonical path
    sign_body: bool  # add and sign x-amz-content-sha256
    expires: int | None  # X-Amz-Expires for query signing; None if the case has no query expectations
    omit_session_token: bool  # token added to the request but not signed

    @property
    def amz_date(self) -> str:
        """``YYYYMMDDTHHMMSSZ`` form of :attr:`timestamp`."""
        return self.timestamp.strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Case:
    """One request of a suite with its expected signing results (``None`` where absent)."""

    suite: Suite
    name: str  # e.g. "get-vanilla", "normalize-path/get-slash" (botocore sub-folders kept)
    directory: Path
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    context: SigningContext
    header_canonical_request: str | None
    header_string_to_sign: str | None
    header_signature: str | None
    header_signed_request: str | None
    query_canonical_request: str | None
    query_string_to_sign: str | None
    query_signature: str | None
    query_signed_request: str | None
    header_authorization: str | None = None  # full expected Authorization value, when published
    canonical_request_only: bool = False  # only header_canonical_request may be tested
    notes: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        """Stable identifier, e.g. for pytest ids: ``"<suite>/<name>"``."""
        return f"{self.suite}/{self.name}"


def parse_signed_request(text: str | bytes) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """Parse a raw request file (``request.txt``, ``.req``, ``*-signed-request.txt``, ``.sreq``).

    Returns ``(method, target, headers, body)``. The request line is ``METHOD target``
    optionally followed by `` HTTP/x.y`` (removed); the target may contain spaces. The
    header block ends at the first empty line; everything after it is the body (bytes,
    verbatim). Without an empty line the body is empty and a final newline is ignored.
    Headers follow the conventions in the module docstring (values verbatim, folded
    lines joined with ``"\\n"``).
    """
    raw = text.encode("utf-8") if isinstance(text, str) else text
    head_raw, sep, body = raw.partition(b"\n\n")
    if not sep:
        head_raw, body = raw.removesuffix(b"\n"), b""
    lines = head_raw.decode("utf-8").split("\n")
    request_line = lines[0]
    method, space, rest = request_line.partition(" ")
    if not space or not method:
        raise ValueError(f"bad request line: {request_line!r}")
    target = _HTTP_VERSION.sub("", rest)
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):
            if not headers:
                raise ValueError(f"continuation line before any header: {line!r}")
            name, value = headers[-1]
            headers[-1] = (name, value + "\n" + line)
            continue
        name, colon, value = line.partition(":")
        if not colon or not name:
            raise ValueError(f"bad header line: {line!r}")
        headers.append((name, value))
    return method, target, headers, body


def load_suite_cases(suite: str | None = None) -> list[Case]:
    """All cases of the three suites (or of ``suite`` only), in suite then name order."""
    if suite is not None and suite not in SUITES:
        raise ValueError(f"unknown suite {suite!r}; expected one of {SUITES}")
    manifest = _manifest()
    cases: list[Case] = []
    for name in SUITES:
        if suite is not None and suite != name:
            continue
        meta = manifest["suites"][name]
        root = VECTORS_DIR / meta["dir"]
        if meta["layout"] == "botocore":
            cases.extend(_load_botocore(name, root, meta))
        else:
            cases.extend(_load_crt_layout(name, root, meta))
    return cases


def load_v4a_cases() -> list[Case]:
    """The 38 SigV4a cases of ``vectors/aws-c-auth/v4a`` with expected files, in name
    order (the manifest's ``request_only`` folders are left out)."""
    meta = _manifest()["suites"]["aws-c-auth-v4a"]
    skip = set(meta.get("request_only", ()))
    cases = [c for c in _load_crt_layout("aws-c-auth-v4a", VECTORS_DIR / meta["dir"], meta) if c.name not in skip]
    if len(cases) != meta["case_count"]:
        raise ValueError(f"aws-c-auth-v4a: {len(cases)} cases, the manifest says {meta['case_count']}")
    return cases


def v4a_public_key(case: Case) -> tuple[str, str]:
    """``(X, Y)``: the hex coordinates of the case's ``public-key.json`` (the P-256
    public key aws-c-auth derives from the case's credentials)."""
    data = json.loads((case.directory / "public-key.json").read_text(encoding="utf-8"))
    return str(data["X"]), str(data["Y"])


def load_s3_examples() -> list[dict[str, Any]]:
    """The worked examples of the S3 API Reference (``vectors/s3-examples.json``)."""
    data = json.loads((VECTORS_DIR / "s3-examples.json").read_text(encoding="utf-8"))
    return cast("list[dict[str, Any]]", data["examples"])


# --------------------------------------------------------------------------- internals


def _manifest() -> dict[str, Any]:
    return cast("dict[str, Any]", json.loads((VECTORS_DIR / "manifest.json").read_text(encoding="utf-8")))


def _read_expected(path: Path | None) -> str | None:
    """An expected canonical request / string to sign / signature, or None if absent."""
    if path is None or not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8")
    return text[:-1] if text.endswith("\n") else text


def _read_raw(path: Path | None) -> str | None:
    return path.read_bytes().decode("utf-8") if path is not None and path.is_file() else None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _context(raw: dict[str, Any]) -> SigningContext:
    creds = raw["credentials"]
    stamp = datetime.strptime(raw["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    expires = raw.get("expiration_in_seconds")
    return SigningContext(
        access_key=creds["access_key_id"],
        secret_key=creds["secret_access_key"],
        token=creds.get("token"),
        region=raw["region"],
        service=raw["service"],
        timestamp=stamp,
        normalize=bool(raw["normalize"]),
        sign_body=bool(raw["sign_body"]),
        expires=None if expires is None else int(expires),
        omit_session_token=bool(raw.get("omit_session_token", False)),
    )


def _authorization(signed_request: str | None) -> str | None:
    if signed_request is None:
        return None
    for name, value in parse_signed_request(signed_request)[2]:
        if name.lower() == "authorization":
            return value.strip()
    return None


def _signature_of(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    match = _SIGNATURE.search(authorization)
    return match.group(1) if match else None


def _withhold(case: Case, extra: dict[str, Any]) -> Case:
    """Blank the expectations the manifest marks as unusable (``"withhold": [field, ...]``)."""
    withheld: dict[str, Any] = dict.fromkeys(extra.get("withhold", ()))
    unknown = set(withheld) - _EXPECTATION_FIELDS
    if unknown:
        raise ValueError(f"{case.id}: cannot withhold {sorted(unknown)}")
    return replace(case, **withheld) if withheld else case


def _load_botocore(suite: Suite, root: Path, meta: dict[str, Any]) -> list[Case]:
    default = meta["default_context"]
    overrides: dict[str, Any] = meta.get("cases", {})
    cases: list[Case] = []
    for req in sorted(root.rglob("*.req")):
        directory = req.parent
        name = directory.relative_to(root).as_posix()
        stem = directory / directory.name
        extra = overrides.get(name, {})
        method, target, headers, body = parse_signed_request(req.read_bytes())
        authorization = _read_expected(stem.with_suffix(".authz"))
        case = Case(
            suite=suite,
            name=name,
            directory=directory,
            method=method,
            target=target,
            headers=headers,
            body=body,
            context=_context(_merge(default, extra.get("context", {}))),
            header_canonical_request=_read_expected(stem.with_suffix(".creq")),
            header_string_to_sign=_read_expected(stem.with_suffix(".sts")),
            header_signature=_signature_of(authorization),
            header_signed_request=_read_raw(stem.with_suffix(".sreq")),
            query_canonical_request=None,
            query_string_to_sign=None,
            query_signature=None,
            query_signed_request=None,
            header_authorization=authorization,
            notes=tuple(extra.get("notes", ())),
        )
        cases.append(_withhold(case, extra))
    return sorted(cases, key=lambda c: c.name)


def _load_crt_layout(suite: Suite, root: Path, meta: dict[str, Any]) -> list[Case]:
    overrides: dict[str, Any] = meta.get("cases", {})
    cases: list[Case] = []
    for directory in sorted(p for p in root.iterdir() if (p / "request.txt").is_file()):
        name = directory.name
        extra = overrides.get(name, {})
        context_file = directory / "context.json"
        raw_ctx: dict[str, Any] = json.loads(context_file.read_text(encoding="utf-8")) if context_file.is_file() else {}
        raw_ctx = _merge(raw_ctx, extra.get("context", {}))
        method, target, headers, body = parse_signed_request((directory / "request.txt").read_bytes())
        only_creq = bool(extra.get("canonical_request_only", False))
        # A canonical-request-only case exposes nothing else (its other files stay on disk).
        files: dict[str, Path] = {
            f.name: f for f in directory.iterdir() if not only_creq or f.name == "header-canonical-request.txt"
        }

        header_signed = _read_raw(files.get("header-signed-request.txt"))
        authorization = _authorization(header_signed)
        header_signature = _read_expected(files.get("header-signature.txt"))
        if header_signature is None and extra.get("header_signature_from") == "header-signed-request.txt":
            header_signature = _signature_of(authorization)
        case = Case(
            suite=suite,
            name=name,
            directory=directory,
            method=method,
            target=target,
            headers=headers,
            body=body,
            context=_context(raw_ctx),
            header_canonical_request=_read_expected(files.get("header-canonical-request.txt")),
            header_string_to_sign=_read_expected(files.get("header-string-to-sign.txt")),
            header_signature=header_signature,
            header_signed_request=header_signed,
            query_canonical_request=_read_expected(files.get("query-canonical-request.txt")),
            query_string_to_sign=_read_expected(files.get("query-string-to-sign.txt")),
            query_signature=_read_expected(files.get("query-signature.txt")),
            query_signed_request=_read_raw(files.get("query-signed-request.txt")),
            header_authorization=authorization,
            canonical_request_only=only_creq,
            notes=tuple(extra.get("notes", ())),
        )
        cases.append(_withhold(case, extra))
    return cases
