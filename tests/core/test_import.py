"""`import sigv4` stays cheap: it loads one file, and signing needs no heavy module.

Measured in a fresh interpreter (-I: no user site, no PYTHONPATH; -S would
hide the venv, so the venv's own site runs as on Lambda).  This checks which
modules get loaded, not how long it takes: timings belong in benchmarks/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {
    "json",
    "configparser",
    "urllib.request",
    "urllib.parse",
    "email",
    "logging",
    "dataclasses",
    "inspect",
    "asyncio",
    "typing",
    "re",
    "datetime",
    "requests",
    "httpx",
    "threading",
}

PROBE = """
import sys, json as _j
before = set(sys.modules)
import sigv4
after_import = set(sys.modules)
signer = sigv4.Signer(sigv4.Credentials("AK", "SK"), "us-east-1", "s3")
signer.presign("GET", "https://b.s3.amazonaws.com/k", 60)
signer.sign("PUT", "https://b.s3.amazonaws.com/k", {"Content-Type": "text/plain"}, b"x")
after_sign = set(sys.modules)
print(_j.dumps([sorted(after_import - before), sorted(after_sign - after_import)]))
"""


def _loaded() -> tuple[set[str], set[str]]:
    # json is imported by the probe itself *before* the baseline, so it is
    # excluded from both differences.
    out = subprocess.run([sys.executable, "-I", "-c", PROBE], capture_output=True, text=True, check=True, cwd=ROOT)
    on_import, on_sign = json.loads(out.stdout)
    return set(on_import), set(on_sign)


def test_import_loads_only_the_package_init() -> None:
    on_import, _ = _loaded()
    assert on_import == {"sigv4"}


def test_signing_path_needs_no_heavy_module() -> None:
    _, on_sign = _loaded()
    assert not (on_sign & HEAVY), on_sign & HEAVY
    assert {m for m in on_sign if not m.startswith("sigv4")} <= {
        "hashlib",
        "hmac",
        "_hashlib",
        "_blake2",
        "_sha256",
        "_sha2",
        "warnings",
        "_thread",
    }
