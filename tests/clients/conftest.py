"""Fixtures for the real-client tests: the loopback S3 app behind the verifier, over HTTP or TLS."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.loopback import LoopbackS3
from tests.fixtures_s3 import create_bucket


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl CLI): (cert.pem, key.pem)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl CLI is needed to make the loopback TLS certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return str(cert), str(key)


@pytest.fixture
def loopback() -> Iterator[LoopbackS3]:
    """The in-memory S3 app behind ``sigv4.wsgi.SigV4Middleware`` on http://127.0.0.1:<free port>."""
    server = LoopbackS3().start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.failures, server.failures


@pytest.fixture(params=["wsgi", "asgi"])
def loopback_both(request: pytest.FixtureRequest) -> Iterator[LoopbackS3]:
    """The app behind ``sigv4.wsgi.SigV4Middleware``, then behind ``sigv4.asgi.SigV4Middleware``."""
    server = LoopbackS3(interface=str(request.param)).start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.failures, server.failures


@pytest.fixture(params=["wsgi", "asgi"])
def loopback_tls(tls_files: tuple[str, str], request: pytest.FixtureRequest) -> Iterator[LoopbackS3]:
    """The same over TLS (botocore sends trailing checksums over HTTPS only), WSGI then ASGI."""
    server = LoopbackS3(tls=tls_files, interface=str(request.param)).start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.failures, server.failures


@pytest.fixture
def bucket(loopback: LoopbackS3) -> str:
    """A fresh bucket on ``loopback``, created with a botocore-signed PUT."""
    return create_bucket(loopback)  # type: ignore[arg-type]


def require(available: bool, what: str) -> None:
    """Skip when a client is missing on a developer's machine; fail in CI (``scripts/test`` installs it)."""
    if not available:
        message = f"{what} is not installed (scripts/test installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def new_bucket(server: LoopbackS3) -> str:
    name = f"clients-{uuid.uuid4().hex[:12]}"
    server.store.buckets[name] = {}
    return name


def data_file(folder: Path, size: int, name: str = "data.bin") -> Path:
    """A file of ``size`` deterministic pseudo-random bytes."""
    import hashlib

    path = folder / name
    with open(path, "wb") as f:
        block = 1 << 20
        for i in range(0, size, block):
            f.write(hashlib.shake_256(i.to_bytes(8, "big")).digest(min(block, size - i)))
    return path
