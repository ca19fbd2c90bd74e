"""``Signer``: header signing and presigning, a pure function of
(request, credentials, scope, time, settings).

The signer never mutates what it is given and never reads the clock itself:
``now=`` is used when passed, otherwise the clock injected at construction
(by default ``time.time``, looked up at call time so freezegun can freeze it).
"""

from __future__ import annotations

from .amzdate import END_OF_9999, amz_date, amz_date_seconds, clock_seconds, default_clock, warn_if_expiring
from .canonical import (
    UNSIGNED_PAYLOAD,
    canonical_headers,
    canonical_query_string,
    canonical_request,
    canonical_uri,
    check_payload_hash,
    collect_headers,
    string_to_sign,
)
from .credentials import Credentials
from .errors import CredentialsError, InvalidHeaderError, PayloadError, SigningError
from .inputs import (
    ALGORITHMS,
    AUTH_PARAMS,
    COMMON_METHODS,
    HMAC_ALGORITHM,
    REPLACED_HEADERS,
    SIGV4A_ALGORITHM,
    SIGV4A_AUTH_PARAMS,
    SIGV4A_REPLACED_HEADERS,
    check_expires,
    check_method,
    check_region_set,
    check_scope,
)
from .keys import DayKey, SigV4aDayKey
from .payload import payload_hash as _payload_hash
from .settings import SECURITY_TOKEN, settings_for
from .signed import TOKEN_HEADERS, SignedRequest
from .urls import (
    check_host_header,
    escape_dot_segments,
    host_header,
    is_canonical_path,
    normalize_path,
    query_pairs,
    quote,
    quote_wire_path,
    split_url,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime
    from typing import Union

    from .canonical import HeadersInput
    from .credentials import CredentialsProvider

    SigningKey = Union[DayKey, SigV4aDayKey]
    from .settings import SigningSettings

__all__ = ["Signer", "SignedRequest", "amz_date", "amz_date_seconds", "clock_seconds", "warn_if_expiring"]

# Where a session token travels (settings.session_token_name): masked in reprs, and a
# caller's copy is replaced when the credentials carry a token.
_TOKEN_HEADERS = TOKEN_HEADERS


class Signer:
    """Signs requests for one (credentials, region, service) under one set of settings.

    ``credentials`` is a :class:`Credentials` or any provider with
    ``get_credentials()``.  Keyword settings left as ``None`` take the preset
    for ``service`` (S3's rules for ``"s3"``, the generic ones otherwise).

    Every way to sign (:meth:`sign`, :meth:`presign`, :meth:`sign_chunked`,
    bulk presigning, POST policies) ends in the same steps: the public
    :func:`~sigv4.canonical_request`, :func:`~sigv4.string_to_sign` and the
    day key's signature (from :func:`~sigv4.signing_key`).

    ``algorithm="AWS4-ECDSA-P256-SHA256"`` signs with SigV4a (pure Python; the
    ``cryptography`` package speeds it up when installed): then ``region`` is
    the region set, ``"*"`` or ``"us-east-1,us-west-2"``, sent and signed as
    ``X-Amz-Region-Set``, and the credential scope has no region.  Everything
    else (settings, presigning, ``sign_chunked``) works as with SigV4.
    """

    __slots__ = ("_clock", "_date_cache", "_day_cache", "_provider", "algorithm", "region", "service", "settings")

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider,
        region: str,
        service: str,
        *,
        double_encode_path: bool | None = None,
        normalize_path: bool | None = None,
        content_sha256_header: bool | None = None,
        unsigned_payload: bool | None = None,
        presign_unsigned_payload: bool | None = None,
        omit_session_token: bool | None = None,
        unsigned_headers: Iterable[str] | None = None,
        max_expires: int | None = None,
        session_token_name: str | None = None,
        settings: SigningSettings | None = None,
        clock: Callable[[], float] | None = None,
        algorithm: str = HMAC_ALGORITHM,
    ) -> None:
        if not isinstance(credentials, Credentials) and not callable(getattr(credentials, "get_credentials", None)):
            raise CredentialsError("credentials", "must be a sigv4.Credentials or a provider with get_credentials()")
        if clock is not None and not callable(clock):
            raise SigningError("clock", "must be a callable returning seconds since the epoch")
        if type(algorithm) is not str or algorithm not in ALGORITHMS:
            shown = repr(algorithm) if isinstance(algorithm, str) and len(algorithm) <= 40 else type(algorithm).__name__
            raise SigningError("algorithm", f"must be {HMAC_ALGORITHM!r} (SigV4) or {SIGV4A_ALGORITHM!r} (SigV4a), got {shown}")
        self.algorithm = algorithm
        self._provider = credentials
        self.region = check_scope("region", region) if algorithm == HMAC_ALGORITHM else check_region_set(region)
        self.service = check_scope("service", service)
        overrides = {
            "double_encode_path": double_encode_path,
            "normalize_path": normalize_path,
            "content_sha256_header": content_sha256_header,
            "unsigned_payload": unsigned_payload,
            "presign_unsigned_payload": presign_unsigned_payload,
            "omit_session_token": omit_session_token,
            "unsigned_headers": unsigned_headers,
            "max_expires": max_expires,
            "session_token_name": session_token_name,
        }
        if settings is not None:
            from .settings import SigningSettings

            if not isinstance(settings, SigningSettings):
                raise SigningError("settings", f"must be a sigv4.SigningSettings, not {type(settings).__name__}")
            changes = {k: v for k, v in overrides.items() if v is not None}
            self.settings = settings.replace(**changes) if changes else settings
        else:
            self.settings = settings_for(service, **overrides)
        self._clock = clock or default_clock
        self._day_cache: SigningKey | None = None
        # The last second formatted, as (second, text): many signatures a second format it once.
        self._date_cache: tuple[object, str] = (None, "")

    def __repr__(self) -> str:
        if self.algorithm != HMAC_ALGORITHM:
            return (
                f"Signer(region_set={self.region!r}, service={self.service!r}, algorithm={self.algorithm!r}, "
                f"settings={self.settings!r})"
            )
        return f"Signer(region={self.region!r}, service={self.service!r}, settings={self.settings!r})"

    @property
    def region_set(self) -> str | None:
        """SigV4a's region set (the ``region`` argument), ``None`` for SigV4."""
        return None if self.algorithm == HMAC_ALGORITHM else self.region

    def __getstate__(self) -> dict[str, object]:
        clock = None if self._clock is default_clock else self._clock
        return {
            "provider": self._provider,
            "region": self.region,
            "service": self.service,
            "settings": self.settings,
            "clock": clock,
            "algorithm": self.algorithm,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        self._provider = state["provider"]  # type: ignore[assignment]
        self.region = state["region"]  # type: ignore[assignment]
        self.service = state["service"]  # type: ignore[assignment]
        self.settings = state["settings"]  # type: ignore[assignment]
        self._clock = state["clock"] or default_clock  # type: ignore[assignment]
        self.algorithm = state.get("algorithm", HMAC_ALGORITHM)  # type: ignore[assignment]
        self._day_cache = None
        self._date_cache = (None, "")

    # -- pieces -------------------------------------------------------------

    @property
    def clock(self) -> Callable[[], float]:
        """The clock this signer reads when no ``now`` is given (seconds since the epoch)."""
        return self._clock

    def credentials(self) -> Credentials:
        """The credentials to sign with now (asks the provider)."""
        creds = self._provider if isinstance(self._provider, Credentials) else self._provider.get_credentials()
        if not isinstance(creds, Credentials):
            raise CredentialsError("credentials", "provider returned no Credentials")
        return creds

    def amz_date(self, now: datetime | None = None) -> str:
        """The ``X-Amz-Date`` of a signature made now (``now``, or the clock)."""
        if now is None:
            value = self._clock()
            if (type(value) is float or type(value) is int) and 0 <= value < END_OF_9999:
                second = int(value // 1)
            else:
                second = clock_seconds(value)  # the other numbers, or a SigningError
            cached = self._date_cache
            if cached[0] == second:
                return cached[1]
            text = amz_date(None, lambda: second)
            self._date_cache = (second, text)  # one tuple swapped whole: thread-safe
            return text
        # Fast path: the same datetime object as last time (they are immutable) has the same text.
        cached = self._date_cache
        if cached[0] is now:
            return cached[1]
        text = amz_date(now)
        self._date_cache = (now, text)
        return text

    def day_key(self, creds: Credentials, date: str) -> SigningKey:
        """The signing key state for ``creds`` on ``date`` (``YYYYMMDD``) in this
        signer's region and service, kept while the date and credentials last
        (a :class:`~sigv4.core.keys.SigV4aDayKey` for SigV4a)."""
        day = self._day_cache
        if day is None or day.date != date or (day.creds is not creds and day.creds != creds):
            if self.algorithm == SIGV4A_ALGORITHM:
                day = self._day_cache = SigV4aDayKey(creds, date, self.region, self.service)
                return day  # never switches hashes (builtin_uses_left is sys.maxsize)
            day = self._day_cache = DayKey(creds, date, self.region, self.service)
        day.builtin_uses_left -= 1
        if day.builtin_uses_left <= 0:  # a busy signer: worth loading OpenSSL (see DayKey)
            day = self._day_cache = DayKey(creds, date, self.region, self.service, openssl=True)
        return day

    def _paths(self, path: str) -> tuple[str, str]:
        """(CanonicalURI, the path to send), the first computed from the second,
        as the server computes it from what it receives.  HTTP clients remove dot
        segments before sending (RFC 3986): a service that normalises the path is sent
        it normalised, and S3 gets its dot segments escaped (``%2E``), which it decodes
        back."""
        s = self.settings
        if s.double_encode_path:
            # The generic rule: the server encodes the received path a second time.
            wire = quote_wire_path(path) or "/"
            if s.normalize_path:
                wire = normalize_path(wire)
            # (Not normalised, it is sent as given, dot segments too, as AWS's suite has it:
            # a client that keeps them is needed, e.g. http.client or curl --path-as-is.)
            return canonical_uri(wire, double_encode=True, normalize=s.normalize_path), wire
        # S3's rule: the path decoded and encoded once is what is signed.
        # Fast path: a path already in that form is itself (= canonical_uri(); test_wire.py).
        canonical = (path or "/") if is_canonical_path(path) else canonical_uri(path, double_encode=False, normalize=False)
        if s.normalize_path:
            canonical = canonical_uri(canonical, double_encode=False, normalize=True)
            return canonical, canonical
        return canonical, escape_dot_segments(canonical)

    def _caller_headers(self, headers: HeadersInput, creds: Credentials, presign: bool) -> tuple[dict[str, str], dict[str, str]]:
        """The caller's headers (to send, canonical), less those the signer writes itself."""
        if headers is None or (type(headers) is dict and not headers):
            return {}, {}
        to_send, canon = collect_headers(headers)
        v4a = self.algorithm == SIGV4A_ALGORITHM
        auth_params = SIGV4A_AUTH_PARAMS if v4a else AUTH_PARAMS
        replaced = SIGV4A_REPLACED_HEADERS if v4a else REPLACED_HEADERS
        for name in list(to_send):
            lower = name.lower()
            if presign and lower in auth_params and lower != "x-amz-date":
                raise InvalidHeaderError(name, "is a query parameter of a presigned URL, not a header")
            if lower in replaced or (lower in _TOKEN_HEADERS and creds.token):
                del to_send[name]
                del canon[lower]
            elif lower == "host":  # a proxy's or a virtual host's: one host[:port], sent as signed
                canon["host"] = to_send[name] = check_host_header(canon["host"])
        return to_send, canon

    def _payload(self, body: object, given: str | None, canonical: dict[str, str], presign: bool) -> str:
        if given is not None:
            return check_payload_hash(given)
        if "x-amz-content-sha256" in canonical:
            return check_payload_hash(canonical["x-amz-content-sha256"], "x-amz-content-sha256")
        s = self.settings
        if s.unsigned_payload or (presign and s.presign_unsigned_payload):
            return UNSIGNED_PAYLOAD
        return _payload_hash(body)

    @staticmethod
    def _seal(
        day: SigningKey,
        date_time: str,
        method: str,
        curi: str,
        cquery: str,
        header_block: str,
        signed: str,
        hashed: str,
    ) -> tuple[str, str, str]:
        """The pipeline's last three steps, the same for every way to sign:
        (CanonicalRequest, StringToSign, Signature)."""
        creq = canonical_request(method, curi, cquery, header_block, signed, hashed)
        sts = string_to_sign(date_time, day.scope, creq, algorithm=day.algorithm, sha256=day.sha256)
        return creq, sts, day.sign(sts)

    # -- the two ways to sign -------------------------------------------------

    def sign(
        self,
        method: str,
        url: str,
        headers: HeadersInput = None,
        body: object = b"",
        now: datetime | None = None,
        payload_hash: str | None = None,
    ) -> SignedRequest:
        """Sign with an ``Authorization`` header."""
        return self._sign(self.credentials(), method, url, headers, body, now, payload_hash)

    def _sign(
        self,
        creds: Credentials,
        method: str,
        url: str,
        headers: HeadersInput,
        body: object,
        now: datetime | None,
        payload_hash: str | None,
    ) -> SignedRequest:
        method = method if type(method) is str and method in COMMON_METHODS else check_method(method)
        scheme, netloc, path, query = split_url(url)
        cached = self._date_cache  # fast path: the datetime object of last time (= self.amz_date(now))
        date_time = cached[1] if now is not None and cached[0] is now else self.amz_date(now)
        day = self.day_key(creds, date_time[:8])
        if day.header_problem:  # it would be sent in Authorization or X-Amz-Security-Token
            raise CredentialsError(day.header_problem, "must be printable ASCII to be sent in a header (presign instead)")
        if headers is None:  # fast path: nothing of the caller's to check (= _caller_headers(None))
            to_send: dict[str, str] = {}
            canon: dict[str, str] = {}
        else:
            to_send, canon = self._caller_headers(headers, creds, presign=False)
        hashed = self._payload(body, payload_hash, canon, presign=False)
        canon.setdefault("host", host_header(scheme, netloc))
        canon["x-amz-date"] = date_time
        to_send["X-Amz-Date"] = date_time
        s = self.settings
        token_header = ""
        if creds.token:
            token_header = s.session_token_name if s.session_token_name == SECURITY_TOKEN else "x-amz-s3session-token"
            if not s.omit_session_token:
                canon[token_header.lower()] = creds.token
                to_send[token_header] = creds.token
        if day.region_set:  # SigV4a
            canon["x-amz-region-set"] = to_send["X-Amz-Region-Set"] = day.region_set
        if s.content_sha256_header:
            if "x-amz-content-sha256" not in canon:
                to_send["x-amz-content-sha256"] = hashed
            canon["x-amz-content-sha256"] = hashed
        unsigned = s.unsigned_headers
        names = sorted([n for n in canon if n not in unsigned])
        if s.double_encode_path or s.normalize_path or "/." in path or not is_canonical_path(path):
            curi, wire_path = self._paths(path)
        else:  # fast path: an S3 path already canonical, without dot segments, is itself (= self._paths(path))
            curi = wire_path = path or "/"
        pairs = query_pairs(query) if query else []
        signed = ";".join(names)
        creq, sts, sig = self._seal(
            day, date_time, method, curi, canonical_query_string(pairs), canonical_headers(canon, names), signed, hashed
        )
        to_send["Authorization"] = f"{day.authorization_prefix}{signed}, Signature={sig}"
        if creds.token and s.omit_session_token:
            to_send[token_header] = creds.token
        out_url = f"{scheme}://{netloc}{wire_path}"
        if pairs:
            out_url += "?" + "&".join([f"{k}={v}" for k, v in pairs])
        return SignedRequest(method, out_url, to_send, creq, sts, sig, tuple(names), date_time, day.scope, body)

    def presign(
        self,
        method: str,
        url: str,
        expires_in: int,
        headers: HeadersInput = None,
        body: object = b"",
        now: datetime | None = None,
        payload_hash: str | None = None,
    ) -> SignedRequest:
        """Sign in the query string: a URL usable without further headers
        (except any ``headers`` passed, which are signed and must be sent)."""
        if type(method) is not str or method not in COMMON_METHODS:  # fast path: = check_method(method)
            method = check_method(method)
        s = self.settings
        if type(expires_in) is not int or not 1 <= expires_in <= s.max_expires:  # fast path: a plain int in range
            expires_in = check_expires(expires_in, s.max_expires)
        scheme, netloc, path, query = split_url(url)
        provider = self._provider  # fast path: static credentials need no provider call
        creds = provider if type(provider) is Credentials else self.credentials()
        cached = self._date_cache  # fast path: the datetime object of last time (= self.amz_date(now))
        date_time = cached[1] if now is not None and cached[0] is now else self.amz_date(now)
        day = self._day_cache  # fast path: the same day and credentials, a use counted (= self.day_key())
        if day is None or day.creds is not creds or day.date != date_time[:8] or day.builtin_uses_left <= 1:
            day = self.day_key(creds, date_time[:8])
        else:
            day.builtin_uses_left -= 1
        if headers is None and payload_hash is None and (s.presign_unsigned_payload or s.unsigned_payload):
            # Fast path: nothing of the caller's to check (= _caller_headers(None)) and what
            # _payload() answers then; only the host is signed (= canonical_headers({'host': h}, ['host'])).
            to_send: dict[str, str] = {}
            hashed = UNSIGNED_PAYLOAD
            names: tuple[str, ...] = ("host",)
            signed = signed_query = "host"
            # (= host_header(scheme, netloc) for a bare host name)
            header_block = f"host:{netloc.lower() if ':' not in netloc and '@' not in netloc else host_header(scheme, netloc)}\n"
        else:
            to_send, canon = self._caller_headers(headers, creds, presign=True)
            hashed = self._payload(body, payload_hash, canon, presign=True)
            if s.content_sha256_header and hashed != UNSIGNED_PAYLOAD and "x-amz-content-sha256" not in canon:
                # An S3 server signs a presigned request's payload as UNSIGNED-PAYLOAD unless
                # it carries x-amz-content-sha256 (and not all of them read that): refused.
                field = "payload_hash" if payload_hash is not None else "presign_unsigned_payload"
                raise PayloadError(
                    field,
                    "an S3 presigned URL signs UNSIGNED-PAYLOAD, the only hash a server can rebuild from the URL; "
                    "to bind the body, pass headers={'x-amz-content-sha256': <hex SHA-256>}, a signed header "
                    "the request must carry (MinIO checks it; SeaweedFS, ministack and rclone do not read it)",
                )
            canon.setdefault("host", host_header(scheme, netloc))
            names = tuple(sorted(n for n in canon if n not in s.unsigned_headers))
            signed = ";".join(names)
            signed_query = quote(signed)
            header_block = canonical_headers(canon, names)
        # Fast path: the X-Amz-* parameters written in sorted order (SigV4a's Region-Set sorts after
        # Expires, Security-Token and S3 Express's S3session-Token before SignedHeaders), which is
        # canonical_query_string() of them; tests/core/test_fast_paths.py.
        auth = f"{day.query_prefix}{date_time}&X-Amz-Expires={expires_in}"
        if day.plain_query:  # (no X-Amz-Region-Set, no token)
            cquery = url_query = f"{auth}&X-Amz-SignedHeaders={signed_query}"
        else:
            if day.region_set:
                auth += f"&X-Amz-Region-Set={day.region_set_query}"
            token = f"&{s.session_token_name}={day.token}" if day.token else ""
            cquery = f"{auth}{'' if s.omit_session_token else token}&X-Amz-SignedHeaders={signed_query}"
            url_query = f"{auth}&X-Amz-SignedHeaders={signed_query}{token}"
        if query:
            pairs = query_pairs(query)
            if pairs:
                auth_params = SIGV4A_AUTH_PARAMS if day.region_set else AUTH_PARAMS
                for key, _ in pairs:
                    if key.lower() in auth_params:
                        raise SigningError("url", f"already carries {key}: presign the URL without its old signature")
                # The caller's pairs and ours sorted together (ours read back from cquery).
                cquery = canonical_query_string(pairs + query_pairs(cquery))
                url_query = "&".join([f"{k}={v}" for k, v in pairs]) + "&" + url_query
        if s.double_encode_path or s.normalize_path or "/." in path or not is_canonical_path(path):
            curi, wire_path = self._paths(path)
        else:  # fast path: an S3 path already canonical, without dot segments, is itself (= self._paths(path))
            curi = wire_path = path or "/"
        # _seal()'s three steps, written out: presigning is the hot path (test_fast_paths.py).
        creq = canonical_request(method, curi, cquery, header_block, signed, hashed)
        sts = string_to_sign(date_time, day.scope, creq, day.algorithm, day.sha256)
        sig = day.sign(sts)
        if creds.expiry is not None:
            warn_if_expiring(creds, date_time, expires_in)
        return SignedRequest(
            method, f"{scheme}://{netloc}{wire_path}?{url_query}&X-Amz-Signature={sig}", to_send, creq, sts, sig, names,
            date_time, day.scope, body,
        )  # fmt: skip

    def sign_chunked(
        self,
        method: str,
        url: str,
        body: object,
        *,
        decoded_length: int | None = None,
        chunk_size: int = 65536,
        headers: HeadersInput = None,
        trailer: str | None = None,
        now: datetime | None = None,
    ) -> SignedRequest:
        """Sign an ``aws-chunked`` streaming upload (see :mod:`sigv4.core.streaming`).

        Returns the seed request (``.signature`` is the seed signature) whose
        ``.headers`` are ready to send (``Content-Length`` is the encoded
        length; it is signed only when passed in ``headers``) and whose
        ``.body`` is a :class:`~sigv4.core.streaming.ChunkedBody` iterating the
        signed chunks, each signed with the seed's day key."""
        from .streaming import ChunkedBody, plan_chunked

        plan = plan_chunked(
            body, headers, decoded_length, chunk_size, trailer, unsigned=self.settings.unsigned_payload, algorithm=self.algorithm
        )
        creds = self.credentials()  # one read for the seed and every chunk
        seed = self._sign(creds, method, url, plan.headers, b"", now, plan.mode)
        if not plan.has_content_length:
            seed.headers["Content-Length"] = str(plan.encoded_length)
        key = None if plan.unsigned else self.day_key(creds, seed.amz_date[:8])
        seed.body = ChunkedBody(
            plan.source,
            plan.decoded_length,
            plan.chunk_size,
            plan.trailer,
            key,
            (seed.amz_date, seed.credential_scope, seed.signature),
            plan.start,
            plan.one_shot,
        )
        return seed
