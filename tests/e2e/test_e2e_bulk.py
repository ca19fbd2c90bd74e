"""presign_keys end to end: a manifest's URLs against a real S3 server on loopback."""

from __future__ import annotations

from typing import Any

import pytest
import requests

import sigv4
from sigv4.core.bulk import presign_keys

E2E_KEYS = ["plain.txt", "sp ace+plus=eq~tilde", "ünï/cødé €.bin", "100% real.txt", "dir/a b (1).txt"]


@pytest.mark.e2e
def test_manifest_urls_work_against_a_real_s3_server(s3_server: Any, s3_bucket: str) -> None:
    """PUT every key through presigned URLs from presign_keys, then GET them back
    the same way; the server verifies each signature as S3 does."""
    signer = sigv4.Signer(sigv4.Credentials(s3_server.access_key, s3_server.secret_key), s3_server.region, "s3")
    base = f"{s3_server.endpoint}/{s3_bucket}"
    puts = presign_keys(signer, base, E2E_KEYS, 300, method="PUT")
    for key, url in zip(E2E_KEYS, puts):
        r = requests.put(url, data=f"body of {key}".encode(), timeout=30)
        assert r.status_code == 200, (key, r.text)
    gets = presign_keys(signer, base, E2E_KEYS, 300)
    for key, url in zip(E2E_KEYS, gets):
        r = requests.get(url, timeout=30)
        assert r.status_code == 200, (key, r.text)
        assert r.content == f"body of {key}".encode()
    tampered = gets[0].replace("X-Amz-Expires=300", "X-Amz-Expires=301")
    assert requests.get(tampered, timeout=30).status_code == 403
