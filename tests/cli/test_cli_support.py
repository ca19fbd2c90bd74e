"""Helpers for the CLI tests: run ``sigv4`` in a subprocess with a clean environment.

Every run gets its own HOME and empty AWS config files, instance metadata off,
and (unless told otherwise) the fixed clock ``SIGV4_FIXED_TIME``, so that the
output can be compared with botocore's under freezegun at the same instant.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE+token/with=chars"
FIXED = datetime(2015, 8, 30, 12, 36, 0, tzinfo=timezone.utc)
FIXED_TEXT = "20150830T123600Z"

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    def assert_no_secret(self) -> None:
        assert SECRET_KEY not in self.stdout and SECRET_KEY not in self.stderr


def base_env(home: Path, *, creds: bool = True, token: str | None = None, fixed: bool = True) -> dict[str, str]:
    """A minimal environment: nothing of the caller's AWS_* settings leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONIOENCODING": "utf-8",
        "LANG": "C.UTF-8",
    }
    if creds:
        env["AWS_ACCESS_KEY_ID"] = ACCESS_KEY
        env["AWS_SECRET_ACCESS_KEY"] = SECRET_KEY
    if token:
        env["AWS_SESSION_TOKEN"] = token
    if fixed:
        env["SIGV4_FIXED_TIME"] = FIXED_TEXT
    return env


def run_cli(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    stdin: bytes | None = None,
    console_script: bool = False,
    timeout: float = 120,
) -> Result:
    """``python -m sigv4 ARGS`` (or the installed ``sigv4`` console script)."""
    if console_script:
        script = shutil.which("sigv4", path=str(Path(sys.executable).parent))
        assert script is not None, "the sigv4 console script is not installed: pip install -e ."
        command = [script, *args]
    else:
        command = [sys.executable, "-m", "sigv4", *args]
    done = subprocess.run(
        command, input=stdin, capture_output=True, env=dict(env), timeout=timeout, check=False, cwd=str(PROJECT)
    )
    return Result(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def header_lines(stdout: str) -> list[tuple[str, str]]:
    """``Name: value`` lines → pairs, in order."""
    pairs = []
    for line in stdout.splitlines():
        name, sep, value = line.partition(": ")
        assert sep, f"not a header line: {line!r}"
        pairs.append((name, value))
    return pairs
