"""awscrt's SigV4a (aws-c-auth) and ours give the same string to sign for random requests.

awscrt's ECDSA signatures are randomised, so they cannot be compared; instead awscrt's
signature must verify (``cryptography``, public key derived here from the specification)
over *our* string to sign.  ECDSA binds a signature to SHA-256 of the message, so that
holds only when awscrt's string to sign, hence (through its last line, the hash of the
canonical request) its canonical request, is byte-equal to ours.  The parameters and
headers awscrt adds (X-Amz-Date, X-Amz-Region-Set, the credential, SignedHeaders) must
equal ours too.

awscrt is handed each request exactly as we send it (the URL as sent less the
parameters the signer adds, the headers as sent less those the signer adds, the body),
as a server would receive it.  It runs in its own venv (see tests/crt_oracle/__init__.py):
``$SIGV4_AWSCRT_PYTHON`` or the checkout's ``.venv-awscrt/bin/python``.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.core.urls import query_pairs
from tests.core.test_sigv4a_signer import CREDENTIAL_PAIRS, oracle_public_key, oracle_verifies
from tests.core.test_wire import requests as wire_requests

V4A = "AWS4-ECDSA-P256-SHA256"
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=timezone.utc)
OURS_IN_QUERY = frozenset(
    f"X-Amz-{n}"
    for n in ("Algorithm", "Credential", "Date", "Expires", "Region-Set", "Security-Token", "SignedHeaders", "Signature")
)
OURS_IN_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-region-set", "x-amz-security-token", "x-amz-content-sha256"})
COUNTS = {"compared": 0, "refused_by_us": 0, "awscrt_cannot_parse": 0}


def _awscrt_python() -> str | None:
    given_path = os.environ.get("SIGV4_AWSCRT_PYTHON")
    if given_path:
        return given_path
    beside = ROOT / ".venv-awscrt" / "bin" / "python"
    return str(beside) if beside.is_file() else None


class Worker:
    def __init__(self, python: str) -> None:
        self.proc = subprocess.Popen(
            [python, str(Path(__file__).with_name("awscrt_worker.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(ROOT / "tests"),  # not the checkout: awscrt's venv must not import this project
        )

    def sign(self, request: dict[str, object]) -> dict[str, object]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer: dict[str, object] = json.loads(self.proc.stdout.readline())
        return answer

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


_WORKER: list[Worker] = []


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    python = _awscrt_python()
    if python is None:
        message = "awscrt's venv is missing: run scripts/test, or set SIGV4_AWSCRT_PYTHON to a Python with awscrt"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    w = Worker(python)
    _WORKER.append(w)
    try:
        yield w
    finally:
        w.stop()


def _host(url: str) -> str:
    """The Host an HTTP client sends: no user information, no default port, lower case."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2].lower()
    default = {"http": "80", "https": "443"}[parts.scheme]
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    return host if port == default else netloc


def _as_received(signed: sigv4.SignedRequest, presigned: bool, s3: bool) -> tuple[str, list[list[str]]]:
    """The request as a server receives it, less what the signer adds.  (awscrt signs an
    S3 path as given; S3 decodes the escaped dot segments sigv4 sends, %2E, back to '.',
    so that is the path handed to awscrt.)"""
    parts = urlsplit(signed.url)
    query = parts.query
    if presigned:
        query = "&".join(p for p in query.split("&") if p.partition("=")[0] not in OURS_IN_QUERY)
    path = parts.path or "/"
    if s3:
        path = "/".join("." if p == "%2E" else ".." if p == "%2E%2E" else p for p in path.split("/"))
    path += f"?{query}" if query else ""
    headers = [["Host", _host(signed.url)]]
    headers += [[n, v] for n, v in signed.headers.items() if n.lower() not in OURS_IN_HEADERS]
    return path, headers


def compare(worker: Worker, case: dict[str, object], region_set: str, pair: tuple[str, str]) -> None:
    s3 = bool(case["s3"])
    service = "s3" if s3 else "service"
    creds = sigv4.Credentials(pair[0], pair[1], case["token"])  # type: ignore[arg-type]
    signer = sigv4.Signer(creds, region_set, service, algorithm=V4A, normalize_path=case["normalize"])  # type: ignore[arg-type]
    presigned = bool(case["presign"])
    try:
        if presigned:
            signed = signer.presign(case["method"], case["url"], 300, case["headers"], case["body"], now=NOW)  # type: ignore[arg-type]
        else:
            signed = signer.sign(case["method"], case["url"], case["headers"], case["body"], now=NOW)  # type: ignore[arg-type]
    except sigv4.SigningError:
        COUNTS["refused_by_us"] += 1
        return
    path, headers = _as_received(signed, presigned, s3)
    if ":/" in path.partition("?")[0]:
        # aws-c-common's URI parser reads a path holding ':/' as scheme and authority: it
        # refuses '/a:/b' and '/x/a:/b' (AWS_ERROR_MALFORMED_INPUT_STRING) and signs '/://a'
        # as the path '/', which is not what a server receives.  Nothing to compare there
        # (tests/core/test_wire.py's rebuilds cover these paths).
        COUNTS["awscrt_cannot_parse"] += 1
        return
    body = case["body"].encode() if isinstance(case["body"], str) else case["body"]
    answer = worker.sign(
        {
            "method": signed.method,
            "path": path,
            "headers": headers,
            "body_hex": bytes(body).hex(),  # type: ignore[arg-type]
            "presign": presigned,
            "region_set": region_set,
            "service": service,
            "access_key": pair[0],
            "secret_key": pair[1],
            "token": case["token"],
            "date": NOW.timestamp(),
            "s3": s3,
            "normalize": signer.settings.normalize_path,
            "expires": 300,
        }
    )
    assert "error" not in answer, (answer["error"], path, headers)
    theirs_headers = {str(n).lower(): str(v) for n, v in answer["headers"]}  # type: ignore[attr-defined]
    if presigned:
        theirs = dict(query_pairs(urlsplit(str(answer["path"])).query))
        ours = dict(query_pairs(urlsplit(signed.url).query))
        for name in OURS_IN_QUERY - {"X-Amz-Signature"}:
            assert theirs.get(name) == ours.get(name), name
        signature = theirs["X-Amz-Signature"]
    else:
        for name in ("x-amz-date", "x-amz-region-set", "x-amz-security-token", "x-amz-content-sha256"):
            ours_value = next((v for n, v in signed.headers.items() if n.lower() == name), None)
            assert theirs_headers.get(name) == ours_value, name
        prefix, _, signature = theirs_headers["authorization"].partition(", Signature=")
        assert prefix == signed.headers["Authorization"].partition(", Signature=")[0]
    assert oracle_verifies(oracle_public_key(*pair), signed.string_to_sign, signature), (
        "awscrt's string to sign differs from ours",
        signed.canonical_request,
    )
    COUNTS["compared"] += 1


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    wire_requests(),
    st.sampled_from(["*", "us-east-1", "us-west-2,eu-central-1"]),
    st.sampled_from(CREDENTIAL_PAIRS),
)
def test_awscrt_signs_the_same_string_as_we_do(
    worker: Worker, case: dict[str, object], region_set: str, pair: tuple[str, str]
) -> None:
    compare(worker, case, region_set, pair)


def test_suite_shaped_requests(worker: Worker) -> None:
    """A few fixed requests of each kind, so the comparison never rests on the generator alone."""
    for presign in (False, True):
        for s3 in (False, True):
            for token in (None, "TOKEN+/=abc"):
                case = {
                    "method": "PUT",
                    "url": "https://example.amazonaws.com/a/b c/%41?x=1&y=a%2Fb",
                    "headers": [("X-Amz-Meta-K", " v  w "), ("Content-Type", "text/plain")],
                    "body": b"hello",
                    "token": token,
                    "s3": s3,
                    "normalize": None,
                    "presign": presign,
                }
                compare(worker, case, "*", CREDENTIAL_PAIRS[0])


def test_counts(worker: Worker) -> None:
    """Run last: the property compared many requests (and the generator reached refusals)."""
    print(f"\nawscrt SigV4a comparison: {COUNTS}")
    assert COUNTS["compared"] >= 8
