"""Every fenced block of README.md and docs/*.md is run (or checked) here, as a user would
run it, against real servers on 127.0.0.1. The convention is in docs/testing.md.

* ``python``: the block is saved as a file and run by this interpreter in a fresh process,
  in a scratch directory holding the files blocks read (``big.iso``, ``OBJECT_NAME``, ...),
  with ``HOME`` there and the local server's keys in ``AWS_ACCESS_KEY_ID`` /
  ``AWS_SECRET_ACCESS_KEY`` (the AWS documentation's example pair), ``AWS_DEFAULT_REGION``
  ``us-east-1`` and ``AWS_ENDPOINT_URL_S3`` pointing at the server. URLs of real AWS hosts
  in the block are the placeholders: S3 ones (``https://my-bucket.s3.eu-west-1.amazonaws.com/k``)
  become the server's path-style URL, other services' a loopback stub that checks every
  signature with botocore. It must exit 0 without writing to stderr (``expect-warning``
  names a warning that must be there instead).
* ``console``: each ``$`` command runs in bash with the same environment; ``sigv4`` and
  ``python`` are this checkout under this interpreter. Output lines shown after a command
  must be what it prints (stdout and stderr together; ``…`` stands for any text); a command
  shown without output must exit 0. ``pip install`` / ``pip wheel`` / ``python -m build``
  lines are not run: their requirements are checked to be this project's distribution
  name (``test_wheel_install.py`` builds and installs the wheel for real).
* ``yaml`` with ``kubeconfig``: the ``exec`` command of each user is run as kubectl runs it.
* ``python`` with ``pytest``: the block is a test module, run by pytest; all its tests pass.
* ``xml`` with ``file=NAME``: parsed, and written as ``NAME`` for the blocks that read it.
* ``text`` with ``output-of-previous``: checked by the console block before it; with
  ``paths``: every path it lists exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from sigv4.testing import LocalS3Server, ServerUnavailable
from tests.docs.blocks import ROOT, Block, all_blocks, commands
from tests.fixtures_s3 import _admin_request, botocore_sign, send
from tests.stubserver import Recorded, Reply, StubServer, verify

pytestmark = pytest.mark.e2e

BLOCKS = all_blocks()
BUCKETS = ("my-bucket", "amzn-s3-demo-bucket")
FIXED_TIME = "20260129T093000Z"
UPLOAD_ID = "2~exampleUploadId"

# The files blocks read, by name (error.xml comes from the docs block marked file=error.xml).
FILES: dict[str, bytes] = {
    "hello.txt": b"hello",
    "big.iso": hashlib.shake_256(b"big.iso").digest(300_000),
    "OBJECT_NAME": b"the object of boto3's presigned URL guide\n",
    "cat.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "photo.jpg": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8,
}

_S3_URL = re.compile(r"https://(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.s3(?:[.-](?P<region>[a-z0-9-]+))?\.amazonaws\.com")
_AWS_URL = re.compile(r"https://[A-Za-z0-9.-]+\.amazonaws\.com")


def _block_params() -> Iterator[Any]:
    for block in BLOCKS:
        if "output-of-previous" in block.flags:
            continue  # checked by the test of the console block it shows the output of
        yield pytest.param(block, id=block.id)


def test_every_block_is_handled() -> None:
    """A new block needs a way to be tested (a language with a runner, or a marker)."""
    unhandled = [b.id for b in BLOCKS if _kind(b) is None]
    assert not unhandled, f"blocks with no test (see docs/testing.md): {unhandled}"
    assert len(BLOCKS) >= 30


def _kind(block: Block) -> str | None:
    if "run-by" in block.options:
        return "run-by"
    if block.lang == "python":
        return "python"
    if block.lang in ("console", "shell", "bash", "sh"):
        return "console"
    if block.lang == "yaml" and "kubeconfig" in block.flags:
        return "kubeconfig"
    if block.lang == "xml" and "file" in block.options:
        return "file"
    if block.lang == "text" and "paths" in block.flags:
        return "paths"
    if block.lang == "text" and "output-of-previous" in block.flags:
        return "output"
    return None


# -- servers ---------------------------------------------------------------------------------


def _with_buckets(server: LocalS3Server) -> LocalS3Server:
    for bucket in BUCKETS:
        response = _admin_request(server, "PUT", f"/{bucket}")
        assert response.status == 200 or response.error_code in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"), response
    return server


@pytest.fixture(scope="module")
def servers(s3_server: LocalS3Server) -> Iterator[dict[str, LocalS3Server]]:
    """JuiceFS (the default) and SeaweedFS (for trailing checksums), with the docs' buckets."""
    found = {"juicefs": _with_buckets(s3_server)}
    seaweed = LocalS3Server("seaweedfs")
    try:
        seaweed.start()
        found["seaweedfs"] = _with_buckets(seaweed)
    except ServerUnavailable:
        pass
    try:
        yield found
    finally:
        seaweed.stop()


@dataclass
class AwsStub:
    """A stand-in for the non-S3 AWS endpoints of the docs: 200 for a request botocore
    verifies with the server's secret, 403 otherwise, and a record of each verdict."""

    secret: str
    verdicts: list[str | None] = field(default_factory=list)

    def __call__(self, stub: StubServer, rec: Recorded) -> Reply:
        problem = verify(rec, self.secret)
        self.verdicts.append(problem)
        if problem is None:
            return Reply(200, {"Content-Type": "application/json"}, b'{"cluster_name": "stub", "status": "green"}')
        return Reply(403, {"Content-Type": "application/json"}, json.dumps({"message": problem}).encode())


# -- the environment of a block ---------------------------------------------------------------


@dataclass
class Env:
    vars: dict[str, str]
    cwd: Path
    bindir: Path
    server: LocalS3Server
    stub: StubServer
    stub_verdicts: AwsStub
    scratch: Path
    aws_url: str | None = None  # where real AWS hosts point instead of the stub (s3express: its stand-in)


def _shim(path: Path, text: str) -> None:
    path.write_text("#!/bin/sh\n" + text + "\n")
    path.chmod(0o755)


def _error_xml() -> bytes:
    for block in BLOCKS:
        if block.options.get("file") == "error.xml":
            return block.text.encode()
    raise AssertionError("no block marked file=error.xml")


def _make_env(block: Block, tmp_path: Path, server: LocalS3Server, stub: StubServer, verdicts: AwsStub) -> Env:
    home, work, bindir = tmp_path / "home", tmp_path / "work", tmp_path / "bin"
    for d in (home, work, bindir):
        d.mkdir()
    for name, data in {**FILES, "error.xml": _error_xml(), "f": FILES["hello.txt"]}.items():
        (work / name).write_bytes(data)
    python = sys.executable
    _shim(bindir / "sigv4", f'exec "{python}" -m sigv4 "$@"')
    _shim(bindir / "python", f'exec "{python}" "$@"')
    _shim(bindir / "python3", f'exec "{python}" "$@"')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SIGV4_", "PYTHON"))}
    env.update(
        HOME=str(home),
        PATH=f"{bindir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        AWS_ACCESS_KEY_ID=server.access_key,
        AWS_SECRET_ACCESS_KEY=server.secret_key,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL_S3=server.endpoint,
        BOTO_DISABLE_CRT="true",
        UPLOAD_ID=UPLOAD_ID,
        COLUMNS="200",
    )
    if "fixed-time" in block.flags:
        env["SIGV4_FIXED_TIME"] = FIXED_TIME
        del env["AWS_ENDPOINT_URL_S3"]  # the output shown is AWS's hosts
    return Env(env, work, bindir, server, stub, verdicts, tmp_path)


def _standin(text: str, env: Env) -> str:
    """Real AWS hosts → the local server (S3, path style) or the verifying stub (the rest)."""
    if "SIGV4_FIXED_TIME" in env.vars:
        return text
    text = _S3_URL.sub(lambda m: f"{env.server.endpoint}/{m['bucket']}", text)
    return _AWS_URL.sub(env.aws_url or env.stub.url, text)


def _aws_config(env: Env, sts_url: str) -> None:
    aws = Path(env.vars["HOME"]) / ".aws"
    aws.mkdir()
    (aws / "config").write_text(
        "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\n\n"
        "[profile ci]\nregion = eu-west-1\n\n"
        "[profile corp-sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = ReadOnly\n"
    )
    keys = f"aws_access_key_id = {env.server.access_key}\naws_secret_access_key = {env.server.secret_key}\n"
    (aws / "credentials").write_text(f"[base]\n{keys}\n[ci]\n{keys}")
    env.vars["AWS_ENDPOINT_URL_STS"] = sts_url


# -- running ----------------------------------------------------------------------------------


def _normalise(line: str, fixed: bool) -> str:
    line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line.rstrip())
    if not fixed:  # a live run: the clock and the demo's random bucket name differ from the docs'
        line = re.sub(r"sigv4-demo-[0-9a-f]{8}", "sigv4-demo-BUCKET", line)
        line = re.sub(r"(?<!\d)20\d{6}T\d{6}Z", "YYYYMMDDTHHMMSSZ", line)
        line = re.sub(r"(?<![\d.])20\d{6}(?!\d)", "YYYYMMDD", line)
    return line


def _line_matches(want: str, got: str, fixed: bool) -> bool:
    pattern = ".*".join(re.escape(part) for part in _normalise(want, fixed).split("…"))
    return re.fullmatch(pattern, _normalise(got, fixed)) is not None


def _matches(expected: list[str], actual: list[str], fixed: bool) -> bool:
    """Line by line, ``…`` matching anything within a line; a line that starts with
    ``…  (`` (an ellipsis and a parenthesised description) stands for any number of
    lines, at least one."""
    many = [i for i, line in enumerate(expected) if line.startswith("…  (")]
    if many:
        i = many[0]
        head, tail = expected[:i], expected[i + 1 :]
        if len(actual) < len(head) + len(tail) + 1:
            return False
        rest = actual[len(head) : len(actual) - len(tail)] if tail else actual[len(head) :]
        return (
            bool(rest) and _matches(head, actual[: len(head)], fixed) and _matches(tail, actual[len(actual) - len(tail) :], fixed)
        )
    if len(expected) != len(actual):
        return False
    return all(_line_matches(want, got, fixed) for want, got in zip(expected, actual))


_PIP = re.compile(r"^(?:pip3?|python3? -m pip) (?:install|wheel)\b|^python3? -m build\b|^pip install build\b")
_OUR_REQUIREMENT = re.compile(r"^(?:sigv4-pure(?:\[[\w,-]+\])?|\.(?:\[[\w,-]+\])?|dist/sigv4_pure-\*\.whl|build)$")


def _check_pip(command: str) -> None:
    """A pip line is not run (no PyPI in tests): every requirement it names must be ours."""
    import shlex

    for part in re.split(r"&&|;", command.split("#")[0]):
        words = shlex.split(part)
        if not words:
            continue
        args = [w for w in words[2:] if not w.startswith("-")]
        if words[:2] == ["pip", "wheel"]:
            args = [a for a in args if a != "dist"]
        for arg in args:
            if arg in ("install", "wheel", "-m", "pip", "build"):
                continue
            assert _OUR_REQUIREMENT.match(arg), f"{command!r}: {arg!r} is not this project's distribution (sigv4-pure)"


def _run_console(block: Block, env: Env) -> list[str]:
    shown = commands(block)
    assert shown, f"{block.id}: no $ commands"
    syntax_only = {int(n) for n in block.options.get("syntax-only", "").split(",") if n}
    cwd = ROOT if block.options.get("cwd") == "repo" else env.cwd
    status, last_output = 0, []
    for number, command in enumerate(shown, 1):
        text = _standin(command.text, env)
        if _PIP.match(text):
            _check_pip(text)
            continue
        if number in syntax_only:
            assert block.reason, f"{block.id}: syntax-only needs a reason"
            done = subprocess.run(["bash", "-n", "-c", text], capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stderr
            script = re.match(r"bash (\S+)$", text.split("#")[0].strip())
            if script:
                done = subprocess.run(["bash", "-n", str(ROOT / script[1])], capture_output=True, text=True, check=False)
                assert done.returncode == 0, done.stderr
            continue
        done = subprocess.run(
            ["bash", "-c", f"(exit {status}); {text}"],
            cwd=cwd, env=env.vars, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=600, check=False,
        )  # fmt: skip
        output = done.stdout.decode("utf-8", "replace").splitlines()
        status, last_output = done.returncode, output
        if command.expected:
            fixed = "SIGV4_FIXED_TIME" in env.vars
            assert _matches(command.expected, output, fixed), (
                f"{block.id}: `{command.text}` printed\n"
                + "\n".join(output)
                + "\n-- but the docs show --\n"
                + "\n".join(command.expected)
            )
        else:
            assert done.returncode == 0, f"{block.id}: `{text}` exited {done.returncode}:\n" + "\n".join(output)
    return last_output


def _run_python(block: Block, env: Env) -> None:
    as_tests = "pytest" in block.flags
    script = env.cwd / ("test_doc_block.py" if as_tests else "doc_block.py")
    script.write_text(_standin(block.text, env))
    argv = (
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", script.name]
        if as_tests
        else [sys.executable, script.name]
    )
    done = subprocess.run(
        argv, cwd=env.cwd, env=env.vars, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{block.id} failed:\n{done.stdout}\n{done.stderr}"
    if as_tests:  # every test of the module ran and passed: none skipped
        summary = done.stdout.strip().splitlines()[-1]
        assert re.fullmatch(r"=* ?\d+ passed in [\d.]+s ?=*", summary), done.stdout
    warning = block.options.get("expect-warning")
    if warning:
        assert "UserWarning" in done.stderr and warning in done.stderr, done.stderr
        assert done.stderr.count("UserWarning") == 1, done.stderr
    else:
        assert done.stderr == "", f"{block.id} wrote to stderr:\n{done.stderr}"


def _run_kubeconfig(block: Block, env: Env) -> None:
    command = re.search(r"^\s*command:\s*(\S+)\s*$", block.text, re.MULTILINE)
    args = re.search(r"^\s*args:\s*\[(.*)\]\s*$", block.text, re.MULTILINE)
    assert command and args, f"{block.id}: no exec command/args"
    argv = [command[1], *[a.strip().strip("\"'") for a in args[1].split(",")]]
    done = subprocess.run(argv, cwd=env.cwd, env=env.vars, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    credential = json.loads(done.stdout)
    assert credential["kind"] == "ExecCredential"
    assert credential["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert credential["status"]["token"].startswith("k8s-aws-v1.")


def _check_psql(env: Env) -> None:
    """The token handed to psql is botocore's generate_db_auth_token at the same instant."""
    import botocore.session
    from freezegun import freeze_time

    log = json.loads((env.scratch / "psql.json").read_text())
    session = botocore.session.get_session()
    session.set_credentials(env.vars["AWS_ACCESS_KEY_ID"], env.vars["AWS_SECRET_ACCESS_KEY"])
    host = re.search(r"host=(\S+)", log["args"][0])
    assert host
    with freeze_time(datetime.strptime(FIXED_TIME, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)):
        rds = session.create_client("rds", region_name="eu-west-1")
        expected = rds.generate_db_auth_token(host[1], 5432, "app")
    assert log["PGPASSWORD"] == expected


def _check_object(spec: str, server: LocalS3Server, cwd: Path) -> None:
    where, _, local = spec.partition(":")
    path = "/" + where
    response = send(server, "GET", path, headers=botocore_sign(server, "GET", path))
    assert response.status == 200, (spec, response)
    assert response.body == (cwd / local).read_bytes()


@pytest.mark.parametrize("block", list(_block_params()))
def test_block(block: Block, servers: dict[str, LocalS3Server], tmp_path: Path) -> None:
    kind = _kind(block)
    assert kind is not None, f"{block.id}: no way to test this block (see docs/testing.md)"
    if kind == "paths":
        missing = [line.split()[0] for line in block.text.splitlines() if line.strip() and not (ROOT / line.split()[0]).exists()]
        assert not missing, f"{block.id} lists paths that do not exist: {missing}"
        return
    if kind == "file":
        ET.fromstring(block.text.encode())
        return
    if kind == "run-by":  # a block another test runs as it is meant to be run (a server, say)
        runner = ROOT / block.options["run-by"]
        assert runner.is_file(), f"{block.id}: {runner} does not exist"
        assert f"run-by={block.options['run-by']}" in runner.read_text(encoding="utf-8"), f"{block.id}: {runner} does not run it"
        return
    wanted = block.options.get("server", "juicefs")
    if wanted not in servers:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{block.id} needs the {wanted} server, which is not installed")
        pytest.skip(f"{wanted} is not installed")
    server = servers[wanted]
    verdicts = AwsStub(server.secret_key)
    with StubServer(verdicts) as stub:
        env = _make_env(block, tmp_path, server, stub, verdicts)
        sts = None
        express = None
        if "s3express" in block.flags:
            from tests.stubs_s3express import ExpressStub

            express = ExpressStub("us-west-2").start()
            express.callers[server.access_key] = (server.secret_key, None)
            env.vars["AWS_ENDPOINT_URL_S3"] = env.aws_url = express.url
        if "aws-config" in block.flags:
            from tests.stubs_aws import StsStub

            sts = StsStub().start()
            sts.callers[server.access_key] = (server.secret_key, None)
            _aws_config(env, sts.url)
        if "no-juicefs" in block.flags:
            lone = tmp_path / "lone"
            lone.mkdir()
            (lone / "python").symlink_to(sys.executable)
            _shim(env.bindir / "sigv4", f'exec "{lone / "python"}" -m sigv4 "$@"')
            env.vars["PATH"] = f"{env.bindir}{os.pathsep}/usr/bin{os.pathsep}/bin"
        if "stub-command" in block.options:
            name = block.options["stub-command"]
            record = env.scratch / f"{name}.json"
            recorder = env.scratch / f"{name}_stub.py"
            recorder.write_text(
                "import json, os, sys\n"
                f"with open({str(record)!r}, 'w') as f:\n"
                "    json.dump({'args': sys.argv[1:], 'PGPASSWORD': os.environ.get('PGPASSWORD')}, f)\n"
            )
            _shim(env.bindir / name, f'exec "{sys.executable}" "{recorder}" "$@"')
        try:
            if kind == "python":
                _run_python(block, env)
            elif kind == "console":
                output = _run_console(block, env)
                following = _next_block(block)
                if following is not None and "output-of-previous" in following.flags:
                    expected = following.text.splitlines()
                    assert _matches(expected, output, False), (
                        f"{following.id} is not what the command before it prints:\n" + "\n".join(output)
                    )
            elif kind == "kubeconfig":
                _run_kubeconfig(block, env)
        finally:
            if sts is not None:
                sts.stop()
            if express is not None:
                express.stop()
    if "stub-command" in block.options:
        _check_psql(env)
    if "aws-config" in block.flags:
        assert sts is not None and sts.verified, "the assume-role profile did not call STS"
    if express is not None:
        assert not express.refusals, f"the S3 Express stand-in refused: {express.refusals}"
        assert express.create_sessions >= 1 and express.verified_gets >= 1, "no verified CreateSession and presigned GET"
    if "expect-object" in block.options:
        _check_object(block.options["expect-object"], server, env.cwd)
    assert all(v is None for v in verdicts.verdicts), f"the AWS stand-in refused: {verdicts.verdicts}"


def _next_block(block: Block) -> Block | None:
    same = [b for b in BLOCKS if b.path == block.path]
    i = same.index(block)
    return same[i + 1] if i + 1 < len(same) else None
