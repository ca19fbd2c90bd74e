"""Loopback HTTP stand-ins for STS, the container credentials endpoint and IMDS.

Each stub is a real HTTP server on 127.0.0.1 (an ephemeral port) in a
background thread.  Tests steer them with ``faults``: a queue of directives,
one consumed per request before the normal answer:

* ``"500"``/``"503"``/``"403"``… — answer with that status (a JSON or XML error body);
* ``"timeout"`` — hold the request well past any client timeout, then drop it;
* ``"badjson"`` — answer 200 with a body that is not JSON (or not XML, for STS);
* ``"ok"`` — no fault.

The STS stub verifies each ``AssumeRole`` signature the way AWS does, recomputed
independently with botocore's ``SigV4Auth`` from the caller's keys (the keys it
was told about, plus every set it has issued, so chained roles verify too).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

__all__ = ["ContainerStub", "ImdsStub", "Recorded", "StsStub", "iso"]


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Recorded:
    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers  # lower-case names
        self.body = body

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class StubServer:
    """Base: records requests, applies faults, delegates to :meth:`answer`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.faults: deque[str] = deque()
        self.fetches = 0  # credential documents actually served
        # Where to register the keys this stub hands out (an StsStub's callers, so they can sign AssumeRole).
        self.register: dict[str, tuple[str, str | None]] | None = None
        self.hold_seconds = 5.0
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._serial = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rec = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with stub._lock:
                    stub.requests.append(rec)
                    fault = stub.faults.popleft() if stub.faults else "ok"
                if fault == "timeout":
                    stub._release.wait(stub.hold_seconds)
                    self.close_connection = True
                    return
                if fault.isdigit():
                    status, ctype, payload = stub.error(int(fault))
                elif fault == "badjson":
                    status, ctype, payload = 200, "application/json", b"{not json"
                else:
                    status, ctype, payload = stub.answer(rec)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timed out) first
                    self.close_connection = True

            do_GET = do_PUT = do_POST = _handle

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=type(self).__name__, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def next_serial(self) -> int:
        with self._lock:
            self._serial += 1
            return self._serial

    def _record(self, doc: dict[str, str]) -> None:
        with self._lock:
            self.fetches += 1
            self.issued.append(doc)  # type: ignore[attr-defined]
            if self.register is not None:
                self.register[doc["AccessKeyId"]] = (doc["SecretAccessKey"], doc["Token"])

    def error(self, status: int) -> tuple[int, str, bytes]:
        return status, "application/json", json.dumps({"code": "StubFault", "message": f"injected {status}"}).encode()

    def answer(self, rec: Recorded) -> tuple[int, str, bytes]:
        raise NotImplementedError


def credentials_doc(serial: int, lifetime: timedelta, prefix: str = "ASIASTUB") -> dict[str, str]:
    return {
        "AccessKeyId": f"{prefix}{serial:08d}",
        "SecretAccessKey": f"stub/secret+{serial:04d}/wJalrXUtnFEMI/K7MDENG",
        "Token": f"stub-session-token-{serial}",
        "Expiration": iso(datetime.now(timezone.utc) + lifetime),
    }


class ContainerStub(StubServer):
    """ECS/EKS/Lambda credentials endpoint: ``GET <path>`` → JSON."""

    def __init__(self, path: str = "/v2/credentials/task-id", token: str | None = None) -> None:
        super().__init__()
        self.path = path
        self.token = token  # expected Authorization header, when set
        self.lifetime = timedelta(hours=6)
        self.fetch_delay = 0.0
        self.issued: list[dict[str, str]] = []

    def answer(self, rec: Recorded) -> tuple[int, str, bytes]:
        if rec.method != "GET" or rec.path != self.path:
            return 404, "application/json", b'{"code":"NotFound","message":"no such path"}'
        if self.token is not None and rec.headers.get("authorization") != self.token:
            return 401, "application/json", b'{"code":"AccessDenied","message":"bad authorization token"}'
        if self.fetch_delay:
            time.sleep(self.fetch_delay)
        doc = credentials_doc(self.next_serial(), self.lifetime)
        doc["RoleArn"] = "arn:aws:iam::123456789012:role/task"
        self._record(doc)
        return 200, "application/json", json.dumps(doc).encode()


class ImdsStub(StubServer):
    """IMDSv2: token PUT, role listing, role credentials.  ``v1_only`` refuses tokens."""

    def __init__(self, role: str = "web-server-role") -> None:
        super().__init__()
        self.role = role
        self.lifetime = timedelta(hours=6)
        self.v1_only = False
        self.code = "Success"
        self.tokens: set[str] = set()
        self.issued: list[dict[str, str]] = []

    def answer(self, rec: Recorded) -> tuple[int, str, bytes]:
        if rec.path == "/latest/api/token":
            if rec.method != "PUT" or self.v1_only:
                return 403 if self.v1_only else 405, "text/plain", b"Forbidden"
            if "x-aws-ec2-metadata-token-ttl-seconds" not in rec.headers:
                return 400, "text/plain", b"Missing TTL header"
            token = f"imds-token-{self.next_serial()}"
            with self._lock:
                self.tokens.add(token)
            return 200, "text/plain", token.encode()
        if rec.headers.get("x-aws-ec2-metadata-token") not in self.tokens:
            return 401, "text/plain", b"Unauthorized"
        base = "/latest/meta-data/iam/security-credentials/"
        if rec.path == base:
            return (200, "text/plain", self.role.encode()) if self.role else (404, "text/plain", b"Not Found")
        if rec.path == base + self.role:
            doc = {"Code": self.code, "LastUpdated": iso(datetime.now(timezone.utc)), "Type": "AWS-HMAC"}
            doc.update(credentials_doc(self.next_serial(), self.lifetime, prefix="ASIAIMDS"))
            self._record(doc)
            return 200, "text/plain", json.dumps(doc, indent=2).encode()
        return 404, "text/plain", b"Not Found"


_STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def _sts_error(status: int, code: str, message: str, kind: str = "Sender") -> tuple[int, str, bytes]:
    body = (
        f'<ErrorResponse xmlns="{_STS_NS}"><Error><Type>{kind}</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>stub-request</RequestId></ErrorResponse>"
    )
    return status, "text/xml", body.encode()


class StsStub(StubServer):
    """STS: AssumeRole (signature verified with botocore) and AssumeRoleWithWebIdentity."""

    def __init__(self) -> None:
        super().__init__()
        # access key → (secret, token): who may call AssumeRole.
        self.callers: dict[str, tuple[str, str | None]] = {}
        self.web_identity_token = "eyJhbGciOiJSUzI1NiJ9.stub-oidc-token.sig"
        self.expected_region: str | None = None
        self.lifetime = timedelta(hours=1)
        self.issued: list[dict[str, str]] = []
        self.verified: list[dict[str, str]] = []  # form of each verified AssumeRole

    def error(self, status: int) -> tuple[int, str, bytes]:
        return _sts_error(status, "InternalFailure" if status >= 500 else "AccessDenied", f"injected {status}", "Receiver")

    def _verify(self, rec: Recorded) -> tuple[int, str, bytes] | None:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials as BotoCredentials

        auth = rec.headers.get("authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return _sts_error(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
        fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(","))
        access_key, date, region, service, terminator = fields["Credential"].split("/")
        if access_key not in self.callers:
            return _sts_error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
        if service != "sts" or terminator != "aws4_request":
            return _sts_error(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'.")
        if self.expected_region is not None and region != self.expected_region:
            return _sts_error(403, "SignatureDoesNotMatch", f"Credential should be scoped to a valid region ({region}).")
        secret, token = self.callers[access_key]
        if rec.headers.get("x-amz-security-token") != token:
            return _sts_error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
        signed = fields["SignedHeaders"].split(";")
        if "host" not in signed or "x-amz-date" not in signed:
            return _sts_error(403, "SignatureDoesNotMatch", "host and x-amz-date must be signed")
        amz_date = rec.headers["x-amz-date"]
        if amz_date[:8] != date:
            return _sts_error(403, "SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601")
        headers = {name: rec.headers[name] for name in signed if name in rec.headers}
        request = AWSRequest(method=rec.method, url=f"http://{rec.headers['host']}{rec.path}", data=rec.body, headers=headers)
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(BotoCredentials(access_key, secret, token), "sts", region)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if expected != fields["Signature"]:
            return _sts_error(
                403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
            )
        return None

    def _issue(self, form: dict[str, str], result: str) -> tuple[int, str, bytes]:
        duration = int(form.get("DurationSeconds") or 0)
        lifetime = timedelta(seconds=duration) if duration else self.lifetime
        doc = credentials_doc(self.next_serial(), lifetime, prefix="ASIASTS")
        with self._lock:
            self.callers[doc["AccessKeyId"]] = (doc["SecretAccessKey"], doc["Token"])
            self.fetches += 1
            self.issued.append(doc)
        role = form.get("RoleArn", "")
        body = (
            f'<{result}Response xmlns="{_STS_NS}">\n  <{result}Result>\n'
            f"    <AssumedRoleUser><AssumedRoleId>AROASTUB:{form.get('RoleSessionName')}</AssumedRoleId>"
            f"<Arn>{role}/{form.get('RoleSessionName')}</Arn></AssumedRoleUser>\n"
            f"    <Credentials>\n      <AccessKeyId>{doc['AccessKeyId']}</AccessKeyId>\n"
            f"      <SecretAccessKey>{doc['SecretAccessKey']}</SecretAccessKey>\n"
            f"      <SessionToken>{doc['Token']}</SessionToken>\n      <Expiration>{doc['Expiration']}</Expiration>\n"
            f"    </Credentials>\n  </{result}Result>\n"
            f"  <ResponseMetadata><RequestId>stub-{doc['AccessKeyId']}</RequestId></ResponseMetadata>\n</{result}Response>\n"
        )
        return 200, "text/xml", body.encode()

    def answer(self, rec: Recorded) -> tuple[int, str, bytes]:
        if rec.method != "POST" or urlsplit(rec.path).path != "/":
            return _sts_error(400, "InvalidAction", "POST / only")
        form = rec.form()
        if form.get("Version") != "2011-06-15" or not form.get("RoleArn") or not form.get("RoleSessionName"):
            return _sts_error(400, "MissingParameter", "Version, RoleArn and RoleSessionName are required")
        action = form.get("Action")
        if action == "AssumeRole":
            refused = self._verify(rec)
            if refused is not None:
                return refused
            with self._lock:
                self.verified.append(form)
            return self._issue(form, "AssumeRole")
        if action == "AssumeRoleWithWebIdentity":
            if "authorization" in rec.headers:
                return _sts_error(400, "InvalidParameterValue", "AssumeRoleWithWebIdentity is not signed")
            if form.get("WebIdentityToken") != self.web_identity_token:
                return _sts_error(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
            return self._issue(form, "AssumeRoleWithWebIdentity")
        return _sts_error(400, "InvalidAction", f"Could not find operation {action}")


# -- pytest fixtures (import them into a test module to use them) ---------------

import pytest  # noqa: E402


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> object:
    """A clean slate: no AWS_* variables, HOME and both shared files in tmp_path
    (not created), IMDS disabled unless a test turns it back on."""
    import os
    from pathlib import Path

    home = Path(str(tmp_path)) / "home"
    (home / ".aws").mkdir(parents=True)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return home


@pytest.fixture
def sts_stub() -> object:
    stub = StsStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def container_stub() -> object:
    stub = ContainerStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def imds_stub() -> object:
    stub = ImdsStub().start()
    yield stub
    stub.stop()
