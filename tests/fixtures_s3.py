"""pytest plugin: real S3-compatible servers on 127.0.0.1 that verify SigV4.

Enable it from the root ``conftest.py`` with ``pytest_plugins = ["tests.fixtures_s3"]``.

Fixtures:

* ``s3_server`` (session) -> :class:`LocalS3Server`: the JuiceFS S3 gateway (MinIO's S3 layer).
  A missing ``juicefs`` binary skips, except with ``CI=true`` where it fails.
* ``s3_bucket`` (function) -> ``str``: name of a fresh, empty bucket on ``s3_server``.
* ``seaweed_server`` (session) -> :class:`LocalS3Server`: SeaweedFS, a second opinion.
* ``seaweed_bucket`` (function) -> ``str``: a fresh bucket on ``seaweed_server``.
* ``ministack_server`` (session) -> :class:`LocalS3Server`: MiniStack (its own SigV4 verifier in
  Python), with an IAM user's key. It lives in its own venv (it pins botocore): ``$SIGV4_MINISTACK``,
  else ``.venv-ministack/bin/ministack`` in the checkout (what ``scripts/test`` creates), else PATH.
* ``rclone_server`` (session) -> :class:`LocalS3Server`: ``rclone serve s3``.

Every server but JuiceFS skips when its binary is missing, except with ``CI=true`` where that
fails (``scripts/test`` installs them all).

Helpers for tests: :func:`send` (raw HTTP, nothing added but Host and Content-Length),
:func:`botocore_sign` (an independent signer, a test oracle only) and :func:`_admin_request`
(signed set-up requests; swap it to the project's own signer once it exists).
"""

from __future__ import annotations

import http.client
import os
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from sigv4.testing import LocalS3Server, ServerKind, ServerUnavailable


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def error_code(self) -> str | None:
        """The ``<Code>`` of an S3 XML error body, if any."""
        try:
            return ET.fromstring(self.body).findtext("Code")
        except ET.ParseError:
            return None


def send(
    server: LocalS3Server,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> RawResponse:
    """Send one request to ``server`` exactly as given (``path`` already URI-encoded)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=dict(headers or {}))
        response = conn.getresponse()
        return RawResponse(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=response.read(),
        )
    finally:
        conn.close()


def botocore_sign(
    server: LocalS3Server,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    *,
    access_key: str | None = None,
    secret_key: str | None = None,
    region: str | None = None,
) -> dict[str, str]:
    """``headers`` plus the SigV4 headers that botocore (the test oracle) computes for them.

    Signs the payload hash (``x-amz-content-sha256``), as S3 clients do over plain HTTP.
    ``access_key``, ``secret_key`` and ``region`` default to the server's own.
    """
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method=method, url=server.endpoint + path, data=body, headers=dict(headers or {}))
    credentials = Credentials(access_key or server.access_key, secret_key or server.secret_key)
    S3SigV4Auth(credentials, "s3", region or server.region).add_auth(request)
    return {str(name): str(value) for name, value in request.headers.items()}


def _admin_request(
    server: LocalS3Server,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> RawResponse:
    """A correctly signed request for test set-up. Signed by botocore until sigv4 can sign."""
    return send(server, method, path, body, botocore_sign(server, method, path, body, headers))


def create_bucket(server: LocalS3Server) -> str:
    """Create a bucket with a fresh unique name on ``server`` and return the name."""
    name = f"sigv4-test-{uuid.uuid4().hex[:16]}"
    response = _admin_request(server, "PUT", f"/{name}")
    if response.status != 200:
        pytest.fail(f"CreateBucket {name} on {server!r} answered {response.status}: {response.body!r}")
    return name


_ROOT = Path(__file__).resolve().parents[1]


def ministack_binary() -> str | None:
    """Where ministack's entry point is: ``$SIGV4_MINISTACK``, the checkout's ``.venv-ministack``, PATH."""
    given = os.environ.get("SIGV4_MINISTACK")
    if given:
        return given
    beside = _ROOT / ".venv-ministack" / "bin" / "ministack"
    return str(beside) if beside.is_file() else None  # None: LocalS3Server looks it up itself


def _serve(kind: ServerKind) -> Iterator[LocalS3Server]:
    server = LocalS3Server(kind, binary=ministack_binary() if kind == "ministack" else None)
    try:
        server.start()
    except ServerUnavailable as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{e} -- a missing S3 server is a failure in CI", pytrace=False)
        pytest.skip(str(e))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[LocalS3Server]:
    """The JuiceFS S3 gateway on 127.0.0.1, shared by the whole session."""
    yield from _serve("juicefs")


@pytest.fixture(scope="session")
def seaweed_server() -> Iterator[LocalS3Server]:
    """SeaweedFS (``weed mini``) on 127.0.0.1."""
    yield from _serve("seaweedfs")


@pytest.fixture(scope="session")
def ministack_server() -> Iterator[LocalS3Server]:
    """MiniStack with ``AUTH=true`` on 127.0.0.1; ``access_key``/``secret_key`` are an IAM user's."""
    yield from _serve("ministack")


@pytest.fixture(scope="session")
def rclone_server() -> Iterator[LocalS3Server]:
    """``rclone serve s3`` on 127.0.0.1, on a local directory."""
    yield from _serve("rclone")


@pytest.fixture
def s3_bucket(s3_server: LocalS3Server) -> str:
    """A fresh, empty bucket on ``s3_server`` (left for the server's teardown to remove)."""
    return create_bucket(s3_server)


@pytest.fixture
def seaweed_bucket(seaweed_server: LocalS3Server) -> str:
    """A fresh, empty bucket on ``seaweed_server``."""
    return create_bucket(seaweed_server)
