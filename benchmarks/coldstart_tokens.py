"""Cold start of the token recipes in fresh processes: import + first MSK token,
import + first ElastiCache token, against the official MSK library
(aws-msk-iam-sasl-signer-python) and against boto3/botocore (AWS's documented
ElastiCache recipe).  Target (issue 16): sigv4 at most 1/30 of the official
library's time.  Credentials come from the environment in every program (the
libraries' default chain), set in the untimed setup.

    python benchmarks/coldstart_tokens.py [--runs N] [--python PY]

``benchmarks/run.py`` runs it too, as part of its fresh-process scenarios.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TOKEN_SETUP = """
import os
os.environ.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                  AWS_CONFIG_FILE="/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE="/nonexistent/credentials",
                  AWS_EC2_METADATA_DISABLED="true", BOTO_DISABLE_CRT="true")
for _k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
    os.environ.pop(_k, None)
"""
TOKEN_PROGRAMS = {
    "sigv4 msk token": """
from sigv4.tokens import msk_auth_token
token, expiry_ms = msk_auth_token("us-east-1")
""",
    "official msk token": """
from aws_msk_iam_sasl_signer import MSKAuthTokenProvider
token, expiry_ms = MSKAuthTokenProvider.generate_auth_token("us-east-1")
""",
    "sigv4 elasticache token": """
from sigv4.tokens import elasticache_auth_token
token = elasticache_auth_token("my-cache", "app-user", "us-east-1")
""",
    "botocore elasticache token": """
import botocore.session
from botocore.model import ServiceId
from botocore.signers import RequestSigner
session = botocore.session.get_session()
signer = RequestSigner(ServiceId("elasticache"), "us-east-1", "elasticache", "v4", session.get_credentials(),
                       session.get_component("event_emitter"))
url = "https://my-cache/?Action=connect&User=app-user"
request = {"method": "GET", "url": url, "body": {}, "headers": {}, "context": {}}
token = signer.generate_presigned_url(request, operation_name="connect", expires_in=900, region_name="us-east-1")
token = token.removeprefix("https://")
""",
}
# (ours, theirs, target ratio)
TOKEN_TARGETS = [
    ("sigv4 msk token", "official msk token", 1 / 30),
    ("sigv4 elasticache token", "botocore elasticache token", 1 / 30),
]


def run_tokens(fresh: str, path: list[str], runs: int) -> dict[str, dict[str, float | str]]:
    """Median ms and peak RSS of each program over ``runs`` fresh processes (interleaved)."""
    from coldstart import run_program

    samples: dict[str, list[dict[str, float]]] = {name: [] for name in TOKEN_PROGRAMS}
    errors: dict[str, str] = {}
    for _ in range(runs):
        for name, program in TOKEN_PROGRAMS.items():
            if name in errors:
                continue
            try:
                samples[name].append(run_program(fresh, program, path, setup=TOKEN_SETUP))
            except RuntimeError as exc:
                errors[name] = str(exc)
    out: dict[str, dict[str, float | str]] = {}
    for name, got in samples.items():
        if name in errors or not got:
            out[name] = {"error": errors.get(name, "no run")}
        else:
            rss = statistics.median(s["maxrss_kib"] for s in got) / 1024
            out[name] = {"ms": statistics.median(s["ms"] for s in got), "maxrss_mib": rss}
    return out


def render_tokens(results: dict[str, dict[str, float | str]]) -> str:
    lines = ["| fresh process: import + first token | ms (median) | peak RSS (MiB) |", "|---|---:|---:|"]
    for name, entry in results.items():
        if "ms" in entry:
            lines.append(f"| {name} | {float(entry['ms']):.1f} | {float(entry['maxrss_mib']):.1f} |")
        else:
            lines.append(f"| {name} | not run: {entry['error']} | |")
    lines += ["", "| target | measured | target | met |", "|---|---|---|---|"]
    for ours, theirs, target in TOKEN_TARGETS:
        a, b = results.get(ours, {}), results.get(theirs, {})
        if "ms" not in a or "ms" not in b:
            lines.append(f"| {ours} vs {theirs} | not measured | ≤ 1/{1 / target:.0f} | — |")
            continue
        ratio = float(a["ms"]) / float(b["ms"])
        lines.append(f"| {ours} vs {theirs} | 1/{1 / ratio:.0f} | ≤ 1/{1 / target:.0f} | {'yes' if ratio <= target else 'NO'} |")
    return "\n".join(lines)


def main() -> None:
    sys.path[:0] = [str(HERE)]
    from coldstart import compile_project, fresh_python

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--python", default=sys.executable, help="interpreter with the peers installed")
    args = parser.parse_args()
    fresh = fresh_python(args.python)
    compile_project(fresh, str(ROOT))
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([args.python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    print(render_tokens(run_tokens(fresh, [str(ROOT), site], args.runs)))


if __name__ == "__main__":
    main()
