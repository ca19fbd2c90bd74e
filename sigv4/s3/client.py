"""``S3Client``: boto3's ``generate_presigned_url`` / ``generate_presigned_post``
without boto3.

Built by :func:`sigv4.client` / :meth:`sigv4.Session.client`; everything that
does not depend on the call (addressing rules, credentials, the signer) is
settled when the client is built, so a presign is: look up the operation,
place the parameters, pick the host, sign.  No network, no file reads.

The URL is byte for byte what boto3 1.44.8 returns with
``Config(signature_version='s3v4')`` for the same inputs and time, except where
boto3's URL does not work (see :mod:`sigv4.s3.endpoints`), and sigv4 always
signs with SigV4 (boto3 silently uses SigV2 in some configurations) -- or
SigV4a for a Multi-Region Access Point, as boto3 with ``awscrt`` does (boto3
with ``signature_version='s3v4'`` signs those with SigV4, which they refuse).
"""

from __future__ import annotations

from ..core.settings import MAX_EXPIRES
from ..core.signer import Signer
from .operations import OPERATIONS, operation
from .params import invalid, serialize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime
    from typing import Any

    from ..core.credentials import Credentials, CredentialsProvider
    from ..core.signer import SignedRequest
    from .endpoints import Addressing
    from .express import SessionCache

__all__ = ["S3Client", "ClientMeta"]


class ClientMeta:
    """What boto3 exposes as ``client.meta``: ``region_name``, ``endpoint_url``,
    ``service_name``, ``partition`` and the resolved ``config`` (a dict)."""

    __slots__ = ("config", "endpoint_url", "partition", "region_name", "service_name")

    def __init__(self, region_name: str, endpoint_url: str, partition: str, config: dict[str, Any]) -> None:
        self.service_name = "s3"
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.partition = partition
        self.config = config

    def __repr__(self) -> str:
        return f"ClientMeta(region_name={self.region_name!r}, endpoint_url={self.endpoint_url!r})"


def _split_base(base: str) -> tuple[str, str]:
    """``scheme://authority`` and the path of an endpoint's base URL."""
    cut = base.find("/", base.find("://") + 3)
    return (base, "") if cut == -1 else (base[:cut], base[cut:])


def _join(path: str, url_path: str) -> str:
    """botocore's ``_urljoin``: the endpoint's path, then the operation's."""
    if not url_path:
        return path or "/"
    if path.endswith("/"):
        return path[:-1] + url_path
    return path + url_path


class S3Client:
    """Presigns S3 requests the way ``boto3.client('s3')`` does.

    ``credentials`` is a :class:`sigv4.Credentials`, any provider with
    ``get_credentials()``, or ``None`` (then presigning raises
    :class:`~sigv4.exceptions.NoCredentialsError`, as boto3 does).
    ``max_expires`` raises the 7-day cap on ``ExpiresIn`` for S3-compatible
    stores that allow longer; ``clock`` replaces ``time.time`` (tests).
    """

    def __init__(
        self,
        credentials: Credentials | CredentialsProvider | None,
        addressing: Addressing,
        *,
        max_expires: int = MAX_EXPIRES,
        endpoint_url: str | None = None,
        config: dict[str, Any] | None = None,
        clock: Callable[[], float] | None = None,
        transport: Callable[..., tuple[int, bytes]] | None = None,
    ) -> None:
        self._credentials = credentials
        # S3 Express: the CreateSession answers per directory bucket (sigv4.s3.express), made on first use.
        self._transport = transport
        self._express: SessionCache | None = None
        self._addressing = addressing
        self._max_expires = max_expires
        self._clock = clock
        self._signers: dict[tuple[str, str], Signer] = {}
        # (bucket, path-style forced) -> (scheme://authority, base path, signer)
        self._routes: dict[tuple[str | None, bool], tuple[str, str, Signer]] = {}
        region = addressing.region
        shown = endpoint_url or addressing.resolve(None)[0]
        self.meta = ClientMeta(region, shown, addressing.partition, dict(config or {}))

    def __repr__(self) -> str:
        return f"<sigv4 S3Client region={self.meta.region_name!r} endpoint={self.meta.endpoint_url!r}>"

    # -- pieces -----------------------------------------------------------------

    def _signer(self, region: str, service: str) -> Signer:
        signer = self._signers.get((region, service))
        if signer is None:
            if self._credentials is None:
                from ..core.errors import NoCredentialsError

                raise NoCredentialsError()
            # Region "*" is a Multi-Region Access Point's region set (sigv4.s3.arn): SigV4a.
            algorithm = "AWS4-ECDSA-P256-SHA256" if region == "*" else "AWS4-HMAC-SHA256"
            signer = Signer(
                self._credentials, region, service, max_expires=self._max_expires, clock=self._clock, algorithm=algorithm
            )
            self._signers[(region, service)] = signer
        return signer

    @staticmethod
    def can_presign(ClientMethod: str) -> bool:
        """Whether ``ClientMethod`` is an operation this client can presign."""
        return isinstance(ClientMethod, str) and ClientMethod in OPERATIONS

    def presign(
        self,
        ClientMethod: str,
        Params: Mapping[str, Any] | None = None,
        ExpiresIn: int = 3600,
        HttpMethod: str | None = None,
        *,
        now: datetime | None = None,
    ) -> SignedRequest:
        """As :meth:`generate_presigned_url`, returning the whole
        :class:`sigv4.SignedRequest`: ``.url``, and ``.headers`` -- the headers
        the request must carry byte for byte (``Content-Type``, ``x-amz-meta-*``,
        SSE and checksum headers... every one in ``.signed_headers`` but ``host``)."""
        op = operation(ClientMethod) if isinstance(ClientMethod, str) else None
        if op is None:
            from ..core.errors import UnknownClientMethodError

            raise UnknownClientMethodError(str(ClientMethod), ", ".join(OPERATIONS))
        bucket, key_path, query, headers = serialize(op, {} if Params is None else Params)
        if (
            bucket is not None
            and bucket.startswith("arn:")
            and (
                op.name == "GetBucketLocation"
                # botocore's rule set checks DisableAccessPoints (CreateBucket) for regional ARNs only
                or (op.name == "CreateBucket" and ":s3-outposts:" not in bucket and bucket.split(":", 4)[2:4] != ["s3", ""])
            )
        ):
            raise invalid("Bucket", f"{op.name} does not accept an access-point ARN as the bucket")
        force_path = op.name == "GetBucketLocation"
        if bucket is not None and bucket.endswith("--x-s3"):  # S3 Express: force_path means the control endpoint
            from .express import CONTROL_OPERATIONS

            force_path = op.name in CONTROL_OPERATIONS
        route = self._routes.get((bucket, force_path))
        if route is None:
            route = self._route(bucket, force_path)
        origin, base_path, signer = route
        url = origin + _join(base_path, key_path)
        if query:
            url += "?" + "&".join([f"{k}={v}" for k, v in query])
        if HttpMethod is None:
            method = op.method
        elif isinstance(HttpMethod, str) and HttpMethod:
            method = HttpMethod.upper()
        else:
            raise invalid("HttpMethod", f"must be an HTTP method name such as 'PUT', not {HttpMethod!r}")
        return signer.presign(method, url, ExpiresIn, headers=headers, now=now)

    def _route(self, bucket: str | None, force_path: bool) -> tuple[str, str, Signer]:
        if bucket is not None and bucket.endswith("--x-s3"):
            base, region, signer = self._express_route(bucket, force_path)
        else:
            base, region, service = self._addressing.resolve(bucket, force_path=force_path)
            signer = self._signer(region, service)
        origin, path = _split_base(base)
        route = (origin, path, signer)
        if len(self._routes) < 1024:
            self._routes[(bucket, force_path)] = route
        return route

    def _express_route(self, bucket: str, control: bool) -> tuple[str, str, Signer]:
        """A directory bucket's endpoint and signer: session credentials from CreateSession,
        or the caller's own for the control endpoint (see :mod:`sigv4.s3.express`)."""
        from .express import SessionCache, resolve

        base, region, session = resolve(self._addressing, bucket, control)
        if not session:
            return base, region, self._signer(region, "s3express")
        if self._credentials is None:
            from ..core.errors import NoCredentialsError

            raise NoCredentialsError()
        if self._express is None:
            self._express = SessionCache(self._credentials, clock=self._clock, transport=self._transport)
        return base, region, self._express.session(bucket, base, region).signer()

    # -- boto3's API --------------------------------------------------------------

    def generate_presigned_url(
        self,
        ClientMethod: str,
        Params: Mapping[str, Any] | None = None,
        ExpiresIn: int = 3600,
        HttpMethod: str | None = None,
    ) -> str:
        """A presigned URL for ``ClientMethod`` (e.g. ``'get_object'``) with ``Params``.

        ``ExpiresIn`` is 1..604800 seconds (raise the cap with the client's
        ``max_expires``).  Parameters that S3 takes as headers (``ContentType``,
        ``Metadata``, ``ACL``, SSE, checksums...) are signed: whoever uses the URL
        must send them with exactly these values (see :meth:`presign` to get them).
        """
        return self.presign(ClientMethod, Params, ExpiresIn, HttpMethod).url

    def generate_presigned_post(
        self,
        Bucket: str,
        Key: str,
        Fields: Mapping[str, Any] | None = None,
        Conditions: Sequence[Any] | None = None,
        ExpiresIn: int = 3600,
    ) -> dict[str, Any]:
        """``{'url': ..., 'fields': {...}}`` for a browser upload form (POST policy),
        as boto3 returns it; the URL is the bucket's address under this client's
        addressing rules."""
        if not isinstance(Bucket, str):
            raise invalid("Bucket", f"must be a string, not {type(Bucket).__name__}")
        op = operation("create_bucket")
        assert op is not None
        serialize(op, {"Bucket": Bucket})
        if Bucket.startswith("arn:"):
            raise invalid("Bucket", "a POST policy cannot target an access-point ARN")
        if Bucket.endswith("--x-s3"):
            raise invalid(
                "Bucket",
                "a POST policy cannot target an S3 Express directory bucket (boto3 1.44.8 writes one for the control "
                "endpoint, which refuses it): presign a put_object URL instead",
            )
        origin, path, signer = self._route(Bucket, False)
        from .post import generate_presigned_post

        return generate_presigned_post(signer, origin + _join(path, ""), Bucket, Key, Fields, Conditions, ExpiresIn)
