"""Signing settings: one explicit value, and the presets that fill it.

The generic-service rules and S3's rules differ only in these values; there is
no S3 subclass of anything.  ``settings_for(service, **overrides)`` picks the
preset for a service name and applies the caller's overrides.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "SigningSettings",
    "settings_for",
    "DEFAULT_UNSIGNED_HEADERS",
    "S3_SERVICES",
    "SERVICE_PRESETS",
    "MAX_EXPIRES",
    "S3_EXPRESS",
    "SECURITY_TOKEN",
    "S3SESSION_TOKEN",
]

#: Headers never signed: proxies, HTTP stacks and tracing add, drop or rewrite
#: them (hop-by-hop headers, user agents, trace context).  The same list as
#: botocore 1.44.8's, a superset of the AWS suite's four (user-agent,
#: x-amzn-trace-id, expect, transfer-encoding).
DEFAULT_UNSIGNED_HEADERS = frozenset(
    {
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)

#: Service names signed with S3's rules (single encoding, no normalisation,
#: ``x-amz-content-sha256``, ``UNSIGNED-PAYLOAD`` in presigned URLs): botocore's
#: ``S3_SIGNING_NAMES``.  ``s3express`` with session credentials takes
#: :data:`S3_EXPRESS` explicitly (see :mod:`sigv4.s3.express`).
S3_SERVICES = frozenset({"s3", "s3-object-lambda", "s3-outposts", "s3express"})

#: The longest a SigV4 presigned URL may live (7 days), as AWS enforces it.
MAX_EXPIRES = 604800

#: Where the session token travels: STS credentials' ``X-Amz-Security-Token``,
#: or ``X-Amz-S3session-Token`` for S3 Express One Zone session credentials
#: (from ``CreateSession``), which never carry the former.  Both sort after
#: ``X-Amz-Expires``/``X-Amz-Region-Set`` and before ``X-Amz-SignedHeaders``.
SECURITY_TOKEN = "X-Amz-Security-Token"  # noqa: S105  (a parameter name)
S3SESSION_TOKEN = "X-Amz-S3session-Token"  # noqa: S105  (a parameter name)
_TOKEN_NAMES = (SECURITY_TOKEN, S3SESSION_TOKEN)


class SigningSettings:
    """How a request is canonicalised and what is signed.

    * ``double_encode_path``: encode the path as given (so ``%`` becomes
      ``%25``: the generic rule); ``False`` decodes it first and encodes it
      once (S3's rule).
    * ``normalize_path``: remove ``.``/``..`` segments and collapse ``//``.
    * ``content_sha256_header``: send and sign ``x-amz-content-sha256``.
    * ``unsigned_payload``: use ``UNSIGNED-PAYLOAD`` instead of hashing the body.
    * ``presign_unsigned_payload``: presigned URLs use ``UNSIGNED-PAYLOAD``.
    * ``omit_session_token``: add ``X-Amz-Security-Token`` after signing
      instead of signing it.
    * ``unsigned_headers``: lower-case header names never signed.
    * ``max_expires``: the cap on ``expires_in`` for presigned URLs.
    * ``session_token_name``: the header / query parameter that carries the
      credentials' session token: ``"X-Amz-Security-Token"`` (the default) or
      ``"X-Amz-S3session-Token"`` (S3 Express One Zone sessions, the
      :data:`S3_EXPRESS` preset; as a header it is sent lower-case,
      ``x-amz-s3session-token``, as botocore sends it).
    """

    __slots__ = (
        "content_sha256_header",
        "double_encode_path",
        "max_expires",
        "normalize_path",
        "omit_session_token",
        "presign_unsigned_payload",
        "session_token_name",
        "unsigned_headers",
        "unsigned_payload",
    )

    double_encode_path: bool
    normalize_path: bool
    content_sha256_header: bool
    unsigned_payload: bool
    presign_unsigned_payload: bool
    omit_session_token: bool
    unsigned_headers: frozenset[str]
    max_expires: int
    session_token_name: str

    def __init__(
        self,
        *,
        double_encode_path: bool = True,
        normalize_path: bool = True,
        content_sha256_header: bool = False,
        unsigned_payload: bool = False,
        presign_unsigned_payload: bool = False,
        omit_session_token: bool = False,
        unsigned_headers: Iterable[str] = DEFAULT_UNSIGNED_HEADERS,
        max_expires: int = MAX_EXPIRES,
        session_token_name: str = SECURITY_TOKEN,
    ) -> None:
        from .errors import SigningError

        flags = {
            "double_encode_path": double_encode_path,
            "normalize_path": normalize_path,
            "content_sha256_header": content_sha256_header,
            "unsigned_payload": unsigned_payload,
            "presign_unsigned_payload": presign_unsigned_payload,
            "omit_session_token": omit_session_token,
        }
        for name, value in flags.items():
            if not isinstance(value, bool):
                raise SigningError(name, f"must be True or False, not {type(value).__name__}")
            object.__setattr__(self, name, value)
        if isinstance(unsigned_headers, (str, bytes)) or not hasattr(unsigned_headers, "__iter__"):
            raise SigningError("unsigned_headers", "must be an iterable of header names, not a single value")
        names = frozenset(unsigned_headers) if type(unsigned_headers) is frozenset else None
        if names is None or not all(type(h) is str and h.islower() for h in names):
            listed = list(unsigned_headers)
            for h in listed:
                if not isinstance(h, str):
                    raise SigningError("unsigned_headers", f"header names must be str, not {type(h).__name__}")
            names = frozenset(h.lower() for h in listed)
        if "host" in names:
            raise SigningError("unsigned_headers", "host must always be signed")
        object.__setattr__(self, "unsigned_headers", names)
        if isinstance(max_expires, bool) or not isinstance(max_expires, int) or max_expires < 1:
            raise SigningError("max_expires", "must be a positive integer number of seconds")
        object.__setattr__(self, "max_expires", max_expires)
        if type(session_token_name) is not str or session_token_name not in _TOKEN_NAMES:
            shown = repr(session_token_name) if isinstance(session_token_name, str) and len(session_token_name) <= 40 else None
            raise SigningError(
                "session_token_name",
                f"must be {SECURITY_TOKEN!r} or {S3SESSION_TOKEN!r}"
                + (f", not {shown}" if shown else f", not {type(session_token_name).__name__}"),
            )
        object.__setattr__(self, "session_token_name", session_token_name)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("SigningSettings are immutable; use replace()")

    def _items(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}

    def replace(self, **changes: object) -> SigningSettings:
        """A copy with some fields changed."""
        values = self._items()
        unknown = set(changes) - set(values)
        if unknown:
            from .errors import SigningError

            raise SigningError(sorted(unknown)[0], "is not a signing setting")
        values.update(changes)
        return SigningSettings(**values)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SigningSettings):
            return NotImplemented
        return self._items() == other._items()

    def __hash__(self) -> int:
        return hash(tuple(self._items().values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._items().items())
        return f"SigningSettings({inner})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_settings, (self._items(),))


def _rebuild_settings(values: dict[str, object]) -> SigningSettings:
    return SigningSettings(**values)  # type: ignore[arg-type]


GENERIC = SigningSettings()
S3 = SigningSettings(
    double_encode_path=False,
    normalize_path=False,
    content_sha256_header=True,
    presign_unsigned_payload=True,
)
#: S3 Express One Zone with session credentials (signing name ``s3express``):
#: S3's rules, the token in ``X-Amz-S3session-Token``.  ``CreateSession``
#: itself, and the control-plane endpoint, use :data:`S3` (the caller's STS
#: token, if any, in ``X-Amz-Security-Token``).
S3_EXPRESS = S3.replace(session_token_name=S3SESSION_TOKEN)


#: Services whose rules differ from the generic ones in one setting.  The
#: others with a README row (``es``, ``lambda``, ``execute-api``, ``bedrock``)
#: take the generic rules, which already hash the real body (Lambda function
#: URLs require it) and double-encode the path.
#: * ``aoss`` (OpenSearch Serverless) requires ``x-amz-content-sha256``, and
#:   signed: newer endpoints refuse it unsigned (opensearch-js #1098).
SERVICE_PRESETS: dict[str, SigningSettings] = {
    "aoss": SigningSettings(content_sha256_header=True),
}


def settings_for(service: str, **overrides: object) -> SigningSettings:
    """The preset for ``service`` (S3's rules for S3, :data:`SERVICE_PRESETS`,
    the generic ones otherwise), with any non-``None`` override applied."""
    base = S3 if service in S3_SERVICES else SERVICE_PRESETS.get(service, GENERIC)
    changes = {k: v for k, v in overrides.items() if v is not None}
    return base.replace(**changes) if changes else base
