"""Presigns with boto3 1.44.8 + awscrt (boto3's SigV4a path), a batch of calls per stdin line,
a batch of answers per stdout line.  Run by the awscrt venv's Python with a clean environment
(no ``AWS_*``, no ``BOTO_DISABLE_CRT``); it imports nothing from this project.

Request line: ``{"cases": [case, ...]}``, a case being ``{"region", "s3" (the Config's s3 dict),
"endpoint", "fips", "env" ({name: value} set while the client is built), "access_key",
"secret_key", "token", "method", "params", "expires", "http_method", "now" (epoch seconds)}``;
in ``params`` ``{"$b": hex}`` is bytes and ``{"$dt": iso}`` a datetime.  Answer line:
``{"results": [{"url": ...} or {"error": "Type: message"}, ...]}``.

boto3's clock is frozen by replacing ``get_current_datetime`` where its signers read it.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone

import boto3
import botocore.auth
import botocore.crt.auth
from botocore.config import Config

_CLIENTS: dict[str, object] = {}
_SESSIONS: dict[str, boto3.session.Session] = {}
_NOW: list[datetime] = [datetime(2020, 1, 1, tzinfo=timezone.utc)]


def _frozen(remove_tzinfo: bool = True) -> datetime:
    now = _NOW[0]
    return now.replace(tzinfo=None) if remove_tzinfo else now


botocore.auth.get_current_datetime = _frozen
botocore.crt.auth.get_current_datetime = _frozen


def _decode(value: object) -> object:
    if isinstance(value, dict):
        if set(value) == {"$b"}:
            return bytes.fromhex(value["$b"])
        if set(value) == {"$dt"}:
            return datetime.fromisoformat(value["$dt"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _client(case: dict) -> object:
    key = json.dumps([case[k] for k in ("region", "s3", "endpoint", "fips", "env", "access_key", "secret_key", "token")])
    if key not in _CLIENTS:
        saved = dict(os.environ)
        os.environ.update(case["env"])
        try:
            # One boto3 session per environment (a session costs ~0.25 s, a client from it ~15 ms).
            env_key = json.dumps(case["env"], sort_keys=True)
            if env_key not in _SESSIONS:
                _SESSIONS[env_key] = boto3.session.Session()
            _CLIENTS[key] = _SESSIONS[env_key].client(
                "s3",
                region_name=case["region"],
                endpoint_url=case["endpoint"],
                aws_access_key_id=case["access_key"],
                aws_secret_access_key=case["secret_key"],
                aws_session_token=case["token"],
                config=Config(s3=case["s3"], use_fips_endpoint=case["fips"]),
            )
        except Exception as exc:
            _CLIENTS[key] = exc
        finally:
            os.environ.clear()
            os.environ.update(saved)
    return _CLIENTS[key]


def presign(case: dict) -> dict:
    client = _client(case)
    if isinstance(client, Exception):
        return {"error": f"{type(client).__name__}: {client}"}
    _NOW[0] = datetime.fromtimestamp(case["now"], timezone.utc)
    try:
        url = client.generate_presigned_url(  # type: ignore[attr-defined]
            case["method"], Params=_decode(case["params"]), ExpiresIn=case["expires"], HttpMethod=case["http_method"]
        )
    except Exception as exc:  # reported to the test, which decides
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"url": url}


def main() -> None:
    for line in sys.stdin:
        batch = json.loads(line)
        sys.stdout.write(json.dumps({"results": [presign(case) for case in batch["cases"]]}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
