"""Fresh-process measurements: ``import sigv4`` time, cold start (import +
client + first URL), peak RSS, and payload hashing throughput.

Each program below runs as ``python -c PROGRAM`` in a new interpreter of a
venv made with ``--without-pip`` (no ``.pth`` file preloading modules, as on
Lambda); the project and the peers are reached through ``PYTHONPATH``, which
does not run ``.pth`` files either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

FRESH_VENV = Path(tempfile.gettempdir()) / "sigv4-bench-fresh-venv"

# Peak RSS is the kernel's high-water mark of this process, VmHWM in
# /proc/self/status.  getrusage()'s ru_maxrss is the fallback elsewhere: on
# Linux it survives execve(), so a child started by vfork() from a big parent
# reports the parent's peak.
_PRELUDE = """
import time as _t
def _peak_kib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
_rss0 = _peak_kib()
_t0 = _t.perf_counter()
"""
_REPORT = """
_t1 = _t.perf_counter()
_rss1 = _peak_kib()
import json as _j
print(_j.dumps({"ms": (_t1 - _t0) * 1000, "maxrss_kib": _rss1, "rss0_kib": _rss0}))
"""

# Import + client + first presigned URL, reading the real clock.  The inputs
# are plain names set in the untimed part (COLD_SETUP), to keep lines short.
COLD_SETUP = """
AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
BUCKET, KEY = "examplebucket", "photos/2026/cat picture+1.jpg"
URL = "https://examplebucket.s3.amazonaws.com/photos/2026/cat%20picture%2B1.jpg"
"""
COLD_PROGRAMS = {
    "bare interpreter": "pass",
    "hashlib + hmac (baseline)": "import hashlib, hmac",
    "sigv4": """
import sigv4
c = sigv4.client("s3", region_name="us-east-1", aws_access_key_id=AK, aws_secret_access_key=SK)
url = c.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=3600)
""",
    "sigv4 Signer.presign": """
import sigv4
s = sigv4.Signer(sigv4.Credentials(AK, SK), "us-east-1", "s3")
url = s.presign("GET", URL, 3600).url
""",
    "boto3": """
import boto3
from botocore.config import Config
c = boto3.client(
    "s3", region_name="us-east-1", aws_access_key_id=AK, aws_secret_access_key=SK, config=Config(signature_version="s3v4")
)
url = c.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=3600)
""",
    "sigv4 rds token": """
import sigv4
c = sigv4.client("rds", region_name="us-east-1", aws_access_key_id=AK, aws_secret_access_key=SK)
token = c.generate_db_auth_token("mydb.123456789012.us-east-1.rds.amazonaws.com", 5432, "app_user")
""",
    "boto3 rds token": """
import boto3
c = boto3.client("rds", region_name="us-east-1", aws_access_key_id=AK, aws_secret_access_key=SK)
token = c.generate_db_auth_token("mydb.123456789012.us-east-1.rds.amazonaws.com", 5432, "app_user")
""",
    "libpresign": """
import libpresign
url = libpresign.get(AK, SK, "us-east-1", BUCKET, KEY, 3600)
""",
}

# Imports happen in the untimed setup: the timed part is reading and hashing.
HASH_SETUP = {
    "hashlib.sha256 (raw)": "import hashlib\n",
    "sigv4 payload_hash": "import hashlib\nfrom sigv4.core.payload import payload_hash\n",
}
HASH_PROGRAMS = {
    "hashlib.sha256 (raw)": """
h = hashlib.sha256()
buf = bytearray(1 << 20); view = memoryview(buf)
with open(PATH, "rb") as f:
    while True:
        n = f.readinto(buf)
        if not n:
            break
        h.update(view[:n])
digest = h.hexdigest()
""",
    "sigv4 payload_hash": """
with open(PATH, "rb") as f:
    digest = payload_hash(f)
""",
}


def fresh_python(base_python: str) -> str:
    """The interpreter of a venv made without pip (created once, reused)."""
    python = FRESH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([base_python, "-m", "venv", "--without-pip", "--clear", str(FRESH_VENV)], check=True)
    return str(python)


def _env(pythonpath: list[str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    env["BOTO_DISABLE_CRT"] = "true"
    return env


def compile_project(python: str, root: str) -> None:
    """Write the project's .pyc files, as an installed package has them
    (this machine sets PYTHONDONTWRITEBYTECODE, which would time compiling)."""
    subprocess.run([python, "-m", "compileall", "-q", f"{root}/sigv4"], env=_env([]), check=True, capture_output=True)


def run_program(python: str, program: str, pythonpath: list[str], setup: str = "") -> dict[str, float]:
    """Run ``setup`` untimed, then ``program`` timed, in a fresh interpreter."""
    code = setup + _PRELUDE + program + _REPORT
    out = subprocess.run([python, "-c", code], env=_env(pythonpath), capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def import_time_us(python: str, module: str, pythonpath: list[str]) -> float:
    """The cumulative microseconds ``-X importtime`` reports for ``module``."""
    out = subprocess.run(
        [python, "-X", "importtime", "-c", f"import {module}"], env=_env(pythonpath), capture_output=True, text=True, check=True
    )
    for line in out.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return float(parts[1])
    raise RuntimeError(f"{module} not in -X importtime output")


def hash_file(path: str, size: int) -> None:
    """A file of ``size`` pseudo-random bytes at ``path`` (kept if already right)."""
    p = Path(path)
    if p.exists() and p.stat().st_size == size:
        return
    block = os.urandom(1 << 20)
    with p.open("wb") as f:
        for _ in range(size >> 20):
            f.write(block)


if __name__ == "__main__":  # pragma: no cover - manual use
    print(import_time_us(fresh_python(sys.executable), "sigv4", [str(Path(__file__).resolve().parents[1])]))
