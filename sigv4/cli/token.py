"""``sigv4 token msk|elasticache|memorydb|vault|neptune``: the IAM tokens and
signed requests of :mod:`sigv4.tokens`, from the same credential chain as boto3."""

from __future__ import annotations

from .common import credentials_provider, resolve_region

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

__all__ = ["add_parser", "run"]


def add_parser(sub: Any, auth_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``token`` command and its five kinds (``sub``: the parser's subparsers)."""
    p = sub.add_parser("token", help="print an IAM token: msk, elasticache, memorydb, vault or neptune")
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True

    k = kinds.add_parser("msk", help="an MSK IAM SASL/OAUTHBEARER token (like aws-msk-iam-sasl-signer)")
    k.add_argument("--json", action="store_true", help='print {"token": ..., "expiry_ms": ...} instead of the token')
    auth_options(k)

    k = kinds.add_parser("elasticache", help="an ElastiCache IAM AUTH token (the password for the user id)")
    k.add_argument("--cache-name", required=True, metavar="NAME", help="the replication group or serverless cache name")
    k.add_argument("--user-id", required=True, metavar="ID", help="the IAM-enabled user's id")
    k.add_argument("--serverless", action="store_true", help="the cache is a serverless cache")
    k.add_argument("--expires-in", type=int, default=900, metavar="N", help="seconds, at most 900 (default 900)")
    auth_options(k)

    k = kinds.add_parser("memorydb", help="a MemoryDB IAM AUTH token")
    k.add_argument("--cluster-name", required=True, metavar="NAME", help="the cluster name")
    k.add_argument("--user-id", required=True, metavar="ID", help="the IAM-enabled user's id")
    k.add_argument("--expires-in", type=int, default=900, metavar="N", help="seconds, at most 900 (default 900)")
    auth_options(k)

    k = kinds.add_parser("vault", help="the JSON body of Vault's auth/aws/login (IAM method)")
    k.add_argument("--role", required=True, metavar="ROLE", help="the Vault role")
    k.add_argument("--server-id", metavar="S", help="Vault's iam_server_id_header_value (signed as X-Vault-AWS-IAM-Server-ID)")
    k.add_argument("--sts-endpoint", metavar="URL", help="the STS endpoint Vault is configured with")
    auth_options(k)

    k = kinds.add_parser("neptune", help="the signed headers (JSON) for a Neptune request, e.g. wss://host:8182/gremlin")
    k.add_argument("url", help="wss://host:8182/gremlin, https://host:8182/openCypher ...")
    k.add_argument("--method", default="GET", metavar="M", help="GET (default) or POST")
    k.add_argument("--data", "-d", default="", metavar="BODY", help="the request body (signed)")
    auth_options(k)


def run(args: argparse.Namespace) -> int:
    from ..core.errors import ParamValidationError
    from .common import UsageError

    try:
        return _run(args)
    except ParamValidationError as exc:  # a bad value on the command line: one line, exit 2
        message = f"{exc.field}: {exc.rule}"
    raise UsageError(message)


def _run(args: argparse.Namespace) -> int:
    import json

    from ..tokens import elasticache_auth_token, memorydb_auth_token, msk_auth_token, neptune_headers, vault_login_payload

    kind = args.kind
    clock = getattr(args, "clock", None)  # SIGV4_FIXED_TIME, handed in by main()
    now = None
    if clock is not None:
        from datetime import datetime, timezone

        now = datetime.fromtimestamp(clock(), timezone.utc)
    if kind == "vault":
        region = getattr(args, "region", None) or "us-east-1"  # Vault's default STS region
        payload = vault_login_payload(
            args.role,
            credentials=credentials_provider(args, region),
            server_id=args.server_id,
            region=region,
            sts_endpoint=args.sts_endpoint,
            now=now,
        )
        print(json.dumps(payload, indent=2))
        return 0
    if kind == "neptune":
        from urllib.parse import urlsplit

        region = resolve_region(args, url_host=urlsplit(args.url).hostname or "")
        headers = neptune_headers(
            args.url, region or "", method=args.method, body=args.data, credentials=credentials_provider(args, region), now=now
        )
        print(json.dumps(headers, indent=2))
        return 0
    region = resolve_region(args) or ""
    creds = credentials_provider(args, region)
    if kind == "msk":
        token, expiry_ms = msk_auth_token(region, credentials=creds, now=now)
        print(json.dumps({"token": token, "expiry_ms": expiry_ms}) if args.json else token)
    elif kind == "elasticache":
        print(
            elasticache_auth_token(
                args.cache_name,
                args.user_id,
                region,
                serverless=args.serverless,
                credentials=creds,
                expires_in=args.expires_in,
                now=now,
            )
        )
    else:
        print(
            memorydb_auth_token(args.cluster_name, args.user_id, region, credentials=creds, expires_in=args.expires_in, now=now)
        )
    return 0
