"""Signs requests with awscrt's SigV4a, one JSON request per stdin line, one JSON answer
per stdout line.  Run by the awscrt venv's Python (it imports nothing from this project).

Request: ``{"method", "path" (path and query as sent), "headers" [[name, value], ...],
"body_hex", "presign", "region_set", "service", "access_key", "secret_key", "token",
"date" (epoch seconds), "s3", "normalize", "expires"}``.  Answer: ``{"headers", "path"}``
of awscrt's signed request, or ``{"error": text}``."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timezone

from awscrt import auth, http


def sign(req: dict) -> dict:
    creds = auth.AwsCredentialsProvider.new_static(req["access_key"], req["secret_key"], req["token"])
    s3 = req["s3"]
    presign = req["presign"]
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4_ASYMMETRIC,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS if presign else auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
        credentials_provider=creds,
        region=req["region_set"],
        service=req["service"],
        date=datetime.fromtimestamp(req["date"], timezone.utc),
        use_double_uri_encode=not s3,
        should_normalize_uri_path=req["normalize"],
        signed_body_value=auth.AwsSignedBodyValue.UNSIGNED_PAYLOAD if (s3 and presign) else None,
        signed_body_header_type=(
            auth.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA_256 if (s3 and not presign) else auth.AwsSignedBodyHeaderType.NONE
        ),
        expiration_in_seconds=req["expires"] if presign else None,
    )
    body = bytes.fromhex(req["body_hex"])
    request = http.HttpRequest(req["method"], req["path"], http.HttpHeaders([tuple(h) for h in req["headers"]]), io.BytesIO(body))
    signed = auth.aws_sign_request(request, config).result(timeout=30)
    return {"headers": [list(h) for h in signed.headers], "path": signed.path}


def main() -> None:
    for line in sys.stdin:
        try:
            answer = sign(json.loads(line))
        except Exception as exc:  # reported to the test, which decides
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
