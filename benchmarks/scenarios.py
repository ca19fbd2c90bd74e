"""What each implementation does per call, one setup function per (scenario, implementation).

A setup function imports its library, prepares what a long-running program
would keep (signer objects, credentials) and returns a zero-argument callable
doing one operation; it raises ``ImportError`` when the library is missing.
Inputs are the issue's: bucket ``examplebucket``, key
``photos/2026/cat picture+1.jpg``, us-east-1, 3600 s, and a fixed time where
the library takes one (``FIXED``); libpresign and boto3's client read the
clock, as their APIs do.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any, Callable

os.environ.setdefault("BOTO_DISABLE_CRT", "true")

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
BUCKET = "examplebucket"
KEY = "photos/2026/cat picture+1.jpg"
HOST = f"{BUCKET}.s3.amazonaws.com"
PATH = "/photos/2026/cat%20picture%2B1.jpg"
URL = f"https://{HOST}{PATH}"
EXPIRES = 3600
FIXED = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

Op = Callable[[], Any]


def _sigv4_signer() -> Any:
    import sigv4

    return sigv4.Signer(sigv4.Credentials(ACCESS_KEY, SECRET_KEY), REGION, "s3")


# -- presign (low level, cached key) -------------------------------------------


def presign_sigv4() -> Op:
    signer = _sigv4_signer()
    return lambda: signer.presign("GET", URL, EXPIRES, now=FIXED).url


def presign_sigv4_builtin_sha() -> Op:
    """As a process that has not loaded OpenSSL: the built-in SHA-256 throughout."""
    import sys

    from sigv4.core import keys

    keys.OPENSSL_AFTER = sys.maxsize  # never switch
    assert "hashlib" not in sys.modules
    signer = _sigv4_signer()
    return lambda: signer.presign("GET", URL, EXPIRES, now=FIXED).url


def presign_sigv4_clock() -> Op:
    signer = _sigv4_signer()
    return lambda: signer.presign("GET", URL, EXPIRES).url


def presign_floor() -> Op:
    """The stdlib floor: one sha256 of the canonical request and one HMAC
    (``hmac.digest``) with a cached signing key; no URL handling at all."""
    import hashlib
    import hmac

    key = hashlib.sha256(b"a cached signing key").digest()
    creq = (
        f"GET\n{PATH}\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={ACCESS_KEY}%2F20260101%2F{REGION}%2Fs3"
        f"%2Faws4_request&X-Amz-Date=20260101T120000Z&X-Amz-Expires={EXPIRES}&X-Amz-SignedHeaders=host\n"
        f"host:{HOST}\n\nhost\nUNSIGNED-PAYLOAD"
    )
    head = f"AWS4-HMAC-SHA256\n20260101T120000Z\n20260101/{REGION}/s3/aws4_request\n"

    def op() -> str:
        digest = hashlib.sha256(creq.encode()).hexdigest()
        return hmac.digest(key, (head + digest).encode(), "sha256").hex()

    return op


def presign_libpresign() -> Op:
    import libpresign

    return lambda: libpresign.get(ACCESS_KEY, SECRET_KEY, REGION, BUCKET, KEY, EXPIRES)


def _crt_config(query: bool) -> Any:
    from awscrt import auth

    provider = auth.AwsCredentialsProvider.new_static(ACCESS_KEY, SECRET_KEY)
    return auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS if query else auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
        credentials_provider=provider,
        region=REGION,
        service="s3",
        date=FIXED,
        use_double_uri_encode=False,
        should_normalize_uri_path=False,
        signed_body_value="UNSIGNED-PAYLOAD" if query else EMPTY_SHA256,
        signed_body_header_type=auth.AwsSignedBodyHeaderType.NONE
        if query
        else auth.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA_256,
        expiration_in_seconds=EXPIRES if query else None,
    )


def presign_awscrt() -> Op:
    from awscrt import auth, http

    config = _crt_config(query=True)

    def op() -> str:
        request = http.HttpRequest("GET", PATH, http.HttpHeaders([("host", HOST)]))
        auth.aws_sign_request(request, config).result()
        return f"https://{HOST}{request.path}"

    return op


def presign_botocore() -> Op:
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = S3SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION, expires=EXPIRES)

    def op() -> str:
        request = AWSRequest(method="GET", url=URL)
        auth.add_auth(request)
        return str(request.url)

    return op


def presign_asigv4() -> Op:
    from asigv4 import presign_url

    path = "/" + KEY  # asigv4 encodes the path itself
    return lambda: presign_url(
        method="GET",
        host=HOST,
        path=path,
        access_key_id=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region=REGION,
        expires=EXPIRES,
        now=FIXED,
    )


def presign_minio() -> Op:
    from urllib.parse import urlsplit

    from minio.credentials import Credentials
    from minio.signer import presign_v4

    creds = Credentials(ACCESS_KEY, SECRET_KEY)
    url = urlsplit(URL)
    return lambda: presign_v4(method="GET", url=url, region=REGION, credentials=creds, date=FIXED, expires=EXPIRES).geturl()


# -- the boto3-shaped client, real clock -----------------------------------------


def _sigv4_client_factory() -> Any:
    """``sigv4.client``, or ``sigv4.session.client`` before it is exported."""
    import sigv4

    make = getattr(sigv4, "client", None)
    if make is None:
        try:
            from sigv4.session import client as make
        except ImportError:
            return None
    return make


def client_sigv4() -> Op:
    make = _sigv4_client_factory()
    if make is None:
        # Before sigv4.client existed: the signer with the real clock.
        signer = _sigv4_signer()
        return lambda: signer.presign("GET", URL, EXPIRES).url
    client = make("s3", region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
    params = {"Bucket": BUCKET, "Key": KEY}
    return lambda: client.generate_presigned_url("get_object", Params=params, ExpiresIn=EXPIRES)


def client_boto3() -> Op:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(signature_version="s3v4"),
    )
    params = {"Bucket": BUCKET, "Key": KEY}
    return lambda: client.generate_presigned_url("get_object", Params=params, ExpiresIn=EXPIRES)


def client_minio() -> Op:
    from datetime import timedelta

    from minio import Minio

    client = Minio("s3.amazonaws.com", ACCESS_KEY, SECRET_KEY, region=REGION)
    return lambda: client.presigned_get_object(BUCKET, KEY, expires=timedelta(seconds=EXPIRES))


client_libpresign = presign_libpresign


# -- header signing (GET, empty body) -------------------------------------------


def header_sigv4() -> Op:
    signer = _sigv4_signer()
    return lambda: signer.sign("GET", URL, now=FIXED).headers


def header_awscrt() -> Op:
    from awscrt import auth, http

    config = _crt_config(query=False)

    def op() -> Any:
        request = http.HttpRequest("GET", PATH, http.HttpHeaders([("host", HOST)]))
        auth.aws_sign_request(request, config).result()
        return request.headers

    return op


def header_botocore() -> Op:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION)

    def op() -> Any:
        request = AWSRequest(method="GET", url=URL)
        auth.add_auth(request)
        return request.headers

    return op


def header_requests_aws4auth() -> Op:
    import requests
    from requests_aws4auth import AWS4Auth

    auth = AWS4Auth(ACCESS_KEY, SECRET_KEY, REGION, "s3")
    prepared = requests.Request("GET", URL).prepare()
    return lambda: auth(prepared.copy()).headers


def header_asigv4() -> Op:
    from asigv4 import sign_request

    path = "/" + KEY
    return lambda: sign_request(
        method="GET", path=path, headers={"host": HOST}, access_key_id=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION, now=FIXED
    )


def header_minio() -> Op:
    from urllib.parse import urlsplit

    from minio.credentials import Credentials
    from minio.signer import sign_v4_s3

    creds = Credentials(ACCESS_KEY, SECRET_KEY)
    url = urlsplit(URL)

    def op() -> Any:
        headers = {"Host": HOST, "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": "20260101T120000Z"}
        return sign_v4_s3(
            method="GET", url=url, region=REGION, headers=headers, credentials=creds, content_sha256=EMPTY_SHA256, date=FIXED
        )

    return op


# -- POST policy -------------------------------------------------------------------


def post_sigv4() -> Op:
    from sigv4.s3.post import generate_presigned_post

    signer = _sigv4_signer()
    url = f"https://{HOST}/"
    return lambda: generate_presigned_post(signer, url, BUCKET, KEY, None, None, EXPIRES, now=FIXED)


def post_botocore() -> Op:
    """What botocore's S3SigV4PostAuth does for generate_presigned_post:
    add the auth fields and conditions, JSON-encode and base64 the policy, sign it."""
    from botocore.auth import S3SigV4PostAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = S3SigV4PostAuth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION)

    def op() -> Any:
        request = AWSRequest(method="POST", url=f"https://{HOST}/")
        request.context["s3-presign-post-fields"] = {"key": KEY}
        request.context["s3-presign-post-policy"] = {
            "expiration": "2026-01-01T13:00:00Z",
            "conditions": [{"bucket": BUCKET}, {"key": KEY}],
        }
        auth.add_auth(request)
        return request.context["s3-presign-post-fields"]

    return op


def post_boto3() -> Op:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(signature_version="s3v4"),
    )
    return lambda: client.generate_presigned_post(BUCKET, KEY, ExpiresIn=EXPIRES)


SCENARIOS: dict[str, dict[str, Callable[[], Op]]] = {
    "presign": {
        "sigv4": presign_sigv4,
        "sigv4 (clock)": presign_sigv4_clock,
        "sigv4 (built-in SHA-256 only)": presign_sigv4_builtin_sha,
        "stdlib floor": presign_floor,
        "libpresign": presign_libpresign,
        "awscrt": presign_awscrt,
        "botocore S3SigV4QueryAuth": presign_botocore,
        "asigv4": presign_asigv4,
        "minio presign_v4": presign_minio,
    },
    "client": {
        "sigv4": client_sigv4,
        "boto3": client_boto3,
        "minio": client_minio,
        "libpresign": client_libpresign,
    },
    "header": {
        "sigv4": header_sigv4,
        "awscrt": header_awscrt,
        "botocore S3SigV4Auth": header_botocore,
        "requests-aws4auth": header_requests_aws4auth,
        "asigv4": header_asigv4,
        "minio sign_v4_s3": header_minio,
    },
    "post": {
        "sigv4": post_sigv4,
        "botocore S3SigV4PostAuth": post_botocore,
        "boto3 generate_presigned_post": post_boto3,
    },
}
