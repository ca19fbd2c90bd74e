"""A loopback stand-in for an S3 Express zonal endpoint: ``GET /?session`` (or
``/{bucket}?session``) is CreateSession, its header signature checked with botocore's
``S3SigV4Auth`` (signing name ``s3express``) against the callers it knows; any other
GET is an object read whose presigned URL is checked with botocore's
``S3ExpressQueryAuth`` under the session credentials it issued.

``answers`` is a queue of raw ``(status, body)`` replies to CreateSession (bad-answer
tests); when empty, it issues ``issue`` (fixed session credentials) or fresh ones.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

__all__ = ["ExpressStub", "session_xml"]


def session_xml(access_key: str, secret: str, token: str, expiration: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CreateSessionResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Credentials>'
        f"<SessionToken>{token}</SessionToken><SecretAccessKey>{secret}</SecretAccessKey>"
        f"<AccessKeyId>{access_key}</AccessKeyId><Expiration>{expiration}</Expiration>"
        "</Credentials></CreateSessionResult>"
    ).encode()


def _error(status: int, code: str, message: str) -> tuple[int, bytes]:
    return status, f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class ExpressStub:
    def __init__(self, region: str = "us-west-2") -> None:
        self.region = region
        self.callers: dict[str, tuple[str, str | None]] = {}
        self.sessions: dict[str, tuple[str, str]] = {}  # access key -> (secret, token)
        self.answers: deque[tuple[int, bytes] | str] = deque()
        self.issue: tuple[str, str, str, str] | None = None
        self.lifetime = timedelta(minutes=5)
        self.delay = 0.0
        self.create_sessions = 0  # verified CreateSession calls
        self.verified_gets = 0
        self.refusals: list[str] = []
        self.objects: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._serial = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                answer = stub._answer(self.path, headers)
                if answer == "timeout":
                    time.sleep(3)
                    self.close_connection = True
                    return
                assert not isinstance(answer, str)
                status, body = answer
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    self.close_connection = True

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> ExpressStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ExpressStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answers ------------------------------------------------------------------

    def _refuse(self, status: int, code: str, message: str) -> tuple[int, bytes]:
        with self._lock:
            self.refusals.append(f"{code}: {message}")
        return _error(status, code, message)

    def _answer(self, path: str, headers: dict[str, str]) -> tuple[int, bytes] | str:
        query = urlsplit(path).query
        if query in ("session", "session="):
            problem = self._verify_create_session(path, headers)
            if problem is not None:
                return self._refuse(403, "SignatureDoesNotMatch", problem)
            with self._lock:
                self.create_sessions += 1
                queued = self.answers.popleft() if self.answers else None
            if self.delay:
                time.sleep(self.delay)
            if queued is not None:
                return queued
            return 200, self._new_session()
        return self._object(path, headers)

    def _new_session(self) -> bytes:
        if self.issue is not None:
            access_key, secret, token, expiration = self.issue
        else:
            with self._lock:
                self._serial += 1
                serial = self._serial
            access_key, secret, token = f"ASIAEXPRESS{serial:06d}", f"express/secret+{serial}", f"express-token-{serial}+/="
            expiration = (datetime.now(timezone.utc) + self.lifetime).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            self.sessions[access_key] = (secret, token)
        return session_xml(access_key, secret, token, expiration)

    def _verify_create_session(self, path: str, headers: dict[str, str]) -> str | None:
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        auth = headers.get("authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return "CreateSession is not signed with AWS4-HMAC-SHA256"
        fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(","))
        access_key, _date, region, service, _ = fields["Credential"].split("/")
        if access_key not in self.callers:
            return f"unknown caller {access_key}"
        if service != "s3express" or region != self.region:
            return f"scoped to {region}/{service}, not {self.region}/s3express"
        if "x-amz-s3session-token" in headers:
            return "CreateSession must not carry a session token"
        secret, token = self.callers[access_key]
        if headers.get("x-amz-security-token") != token:
            return "the caller's security token is missing or wrong"
        signed = fields["SignedHeaders"].split(";")
        request = AWSRequest(
            method="GET", url=f"http://{headers['host']}{path}", headers={n: headers[n] for n in signed if n in headers}
        )
        request.context["timestamp"] = headers["x-amz-date"]
        signer = S3SigV4Auth(Credentials(access_key, secret, token), "s3express", region)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        return None if expected == fields["Signature"] else "the CreateSession signature does not match"

    def _object(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        """A presigned GET, checked by re-signing it with botocore's S3ExpressQueryAuth."""
        from botocore.auth import S3ExpressQueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        parts = urlsplit(path)
        if "authorization" in headers:
            return self._header_signed(path, headers)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if "X-Amz-Security-Token" in params:
            return self._refuse(400, "InvalidRequest", "S3 Express does not take X-Amz-Security-Token")
        access_key, _date, region, service, _ = params.get("X-Amz-Credential", "////").split("/")
        if access_key not in self.sessions or service != "s3express":
            return self._refuse(403, "AccessDenied", f"no session {access_key} for s3express")
        secret, token = self.sessions[access_key]
        if params.get("X-Amz-S3session-Token") != token:
            return self._refuse(403, "InvalidToken", "the session token is missing or wrong")
        given = params["X-Amz-Signature"]
        rest = "&".join(p for p in parts.query.split("&") if not p.startswith("X-Amz-"))
        request = AWSRequest(method="GET", url=f"http://{headers['host']}{parts.path}" + (f"?{rest}" if rest else ""))
        request.context["timestamp"] = params["X-Amz-Date"]
        auth = S3ExpressQueryAuth(
            Credentials(access_key, secret, token), "s3express", region, identity_cache=None, expires=int(params["X-Amz-Expires"])
        )
        import botocore.auth as botocore_auth

        stamp = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
        original = botocore_auth.get_current_datetime
        botocore_auth.get_current_datetime = lambda remove_tzinfo=True: stamp  # type: ignore[assignment]
        try:
            auth.add_auth(request)
        finally:
            botocore_auth.get_current_datetime = original
        expected = dict(parse_qsl(urlsplit(request.url).query))["X-Amz-Signature"]
        if expected != given:
            return self._refuse(403, "SignatureDoesNotMatch", "the presigned URL's signature does not match")
        with self._lock:
            self.verified_gets += 1
        return 200, self.objects.get(parts.path, b"hello from S3 Express")

    def _header_signed(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        """A header-signed GET, checked with botocore's S3ExpressAuth (x-amz-s3session-token)."""
        from botocore.auth import S3ExpressAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        if "x-amz-security-token" in headers:
            return self._refuse(400, "InvalidRequest", "S3 Express does not take X-Amz-Security-Token")
        fields = dict(part.strip().split("=", 1) for part in headers["authorization"][len("AWS4-HMAC-SHA256 ") :].split(","))
        access_key, _date, region, service, _ = fields["Credential"].split("/")
        if access_key not in self.sessions or service != "s3express":
            return self._refuse(403, "AccessDenied", f"no session {access_key} for s3express")
        secret, token = self.sessions[access_key]
        if headers.get("x-amz-s3session-token") != token:
            return self._refuse(403, "InvalidToken", "the x-amz-s3session-token header is missing or wrong")
        signed = fields["SignedHeaders"].split(";")
        request = AWSRequest(
            method="GET", url=f"http://{headers['host']}{path}", headers={n: headers[n] for n in signed if n in headers}
        )
        request.context["timestamp"] = headers["x-amz-date"]
        auth = S3ExpressAuth(Credentials(access_key, secret, token), "s3express", region, identity_cache=None)
        expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
        if expected != fields["Signature"]:
            return self._refuse(403, "SignatureDoesNotMatch", "the Authorization header's signature does not match")
        with self._lock:
            self.verified_gets += 1
        return 200, self.objects.get(urlsplit(path).path, b"hello from S3 Express")
