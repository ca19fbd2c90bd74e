"""The hot path's shortcuts give what the long way gives.

Each optimisation in the signing path (built-in SHA-256 and a hand-written
HMAC, the switch to OpenSSL for busy signers, the timestamp cache, the
encoders' fast paths, the canonical-path shortcut) is checked here against an
independent oracle: ``hashlib``/``hmac``, ``urllib.parse``, ``time.strftime``
and botocore 1.44.8.
"""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote as urllib_quote
from urllib.parse import unquote_to_bytes as urllib_unquote_to_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.core import keys
from sigv4.core.payload import payload_hash
from sigv4.core.signer import amz_date
from sigv4.core.urls import is_canonical_path, quote, quote_path, unquote_to_bytes
from tests import botocore_oracle as oracle

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@settings(max_examples=300)
@given(key=st.binary(max_size=150), message=st.binary(max_size=300))
def test_hmac_matches_the_hmac_module(key: bytes, message: bytes) -> None:
    expected = hmac.digest(key, message, "sha256")
    assert keys.HmacSha256(key).digest(message) == expected
    assert keys.HmacSha256(key, hashlib.sha256).hexdigest(message) == expected.hex()


def test_signature_with_many_keys_evicts_and_stays_right() -> None:
    for i in range(300):  # more keys than the keyed-state cache holds
        key = hashlib.sha256(str(i % 150).encode()).digest()
        assert keys.signature(key, f"message {i}") == hmac.digest(key, f"message {i}".encode(), "sha256").hex()
    keys.clear_cache()
    assert keys.signature(b"k", "m") == hmac.digest(b"k", b"m", "sha256").hex()
    assert keys.signature(bytearray(b"k"), "m") == hmac.digest(b"k", b"m", "sha256").hex()


def test_signing_key_matches_the_aws_example() -> None:
    # The derived key published in the AWS documentation (IAM, 20120215).
    expected = "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    assert keys.derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam").hex() == expected


@pytest.mark.parametrize("size", [0, 1, 511, 512, 513, 4096, 1 << 20])
def test_payload_hash_either_side_of_the_small_body_threshold(size: int) -> None:
    body = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert payload_hash(body) == hashlib.sha256(body).hexdigest()
    assert payload_hash(bytearray(body)) == hashlib.sha256(body).hexdigest()


def _boto_presign(url: str, now: datetime) -> str:
    return oracle.query_sign(
        s3=True,
        method="GET",
        url=url,
        access_key=AK,
        secret_key=SK,
        service="s3",
        expires=3600,
        now=now,
    )


def _boto_sign(url: str, now: datetime) -> str:
    return oracle.header_sign(
        s3=True,
        method="PUT",
        url=url,
        body=b"data",
        access_key=AK,
        secret_key=SK,
        service="s3",
        now=now,
    )["Authorization"]


def test_busy_signer_switches_to_openssl_and_signs_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "OPENSSL_AFTER", 3)
    monkeypatch.delitem(sys.modules, "hashlib")  # as in a process that never loaded it
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    used = []
    for i in range(8):
        url = f"https://examplebucket.s3.amazonaws.com/k{i}%20x"
        presigned = signer.presign("GET", url, 3600, now=NOW)
        used.append(signer.day_key(signer.credentials(), NOW.strftime("%Y%m%d")).sha256.__module__)
        assert presigned.signature == _boto_presign(url, NOW).rpartition("X-Amz-Signature=")[2]
        signed = signer.sign("PUT", url, body=b"data", now=NOW)
        assert signed.headers["Authorization"] == _boto_sign(url, NOW)
    assert used[0] != "_hashlib"  # started on the built-in SHA-256 ...
    assert used[-1] == "_hashlib"  # ... and moved to OpenSSL's


COLD_PROBE = """
import sys
import sigv4
signer = sigv4.Signer(sigv4.Credentials("AK", "SK"), "us-east-1", "s3")
signer.presign("GET", "https://b.s3.amazonaws.com/a%20b", 60)
signer.sign("PUT", "https://b.s3.amazonaws.com/k", {"Content-Type": "text/plain"}, b"small body")
print(sorted(m for m in ("hashlib", "_hashlib", "hmac") if m in sys.modules))
"""


def test_a_cold_process_signs_without_loading_openssl() -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-I", "-c", COLD_PROBE], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"


def test_signer_uses_openssl_at_once_when_hashlib_is_loaded() -> None:
    assert "hashlib" in sys.modules
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    signer.presign("GET", "https://b.s3.amazonaws.com/k", 60, now=NOW)
    assert signer.day_key(signer.credentials(), NOW.strftime("%Y%m%d")).sha256 is hashlib.sha256


def test_new_day_and_new_credentials_get_a_new_key() -> None:
    signer = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
    url = "https://examplebucket.s3.amazonaws.com/k"
    for now in (NOW, NOW + timedelta(days=1), NOW + timedelta(days=1, hours=1)):
        got = signer.presign("GET", url, 3600, now=now).signature
        assert got == _boto_presign(url, now).rpartition("X-Amz-Signature=")[2]


def _strftime(t: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def test_amz_date_from_the_clock_changes_with_the_second() -> None:
    for t in (1767268799.0, 1767268799.999, 1767268800.0, 1767268800.5, 1767268801.0, 0.0, 4102444800.25):
        assert amz_date(None, lambda t=t: t) == _strftime(t)  # type: ignore[misc]


def test_amz_date_from_datetimes_same_instant_other_zones() -> None:
    plus_two = timezone(timedelta(hours=2))
    values = [
        NOW,
        NOW.astimezone(plus_two),
        NOW + timedelta(seconds=1),
        NOW,
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
    ]
    for value in values:
        assert amz_date(value) == value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    with pytest.raises(sigv4.InvalidTimeError):
        amz_date(datetime(2026, 1, 1))  # naive


text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)


@settings(max_examples=300)
@given(value=text)
def test_quote_matches_urllib(value: str) -> None:
    assert quote(value) == urllib_quote(value, safe="~")
    assert quote_path(value) == urllib_quote(value, safe="/~")


@settings(max_examples=300)
@given(
    value=st.lists(
        st.sampled_from([*"aZ09-_.~/%+ ", "%20", "%2B", "%2b", "%41", "%7E", "%2F", "%25", "%C3%A9", "é", "%zz", "%4"])
    ).map("".join)
)
def test_unquote_and_the_canonical_path_shortcut(value: str) -> None:
    assert unquote_to_bytes(value) == urllib_unquote_to_bytes(value)
    assert is_canonical_path(value) == (urllib_quote(urllib_unquote_to_bytes(value), safe="/~") == value)
