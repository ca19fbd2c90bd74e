"""The body of ``sigv4 sign`` / ``sigv4 explain``: ``--data TEXT``, ``@FILE`` or ``@-``.

A file is hashed in 1 MiB blocks (constant memory, any size); when stderr is a
terminal and the file is large, a progress bar is drawn there while it is.
"""

from __future__ import annotations

import os
import sys

from .common import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO, TextIO

__all__ = ["Body", "load_body"]

_BLOCK = 1 << 20
#: Files at least this large get a progress bar (on a terminal only).
PROGRESS_MIN_BYTES = 8 << 20
_BAR_WIDTH = 30


class Body:
    """A request body as the signer and the curl command need it.

    ``data`` is the bytes to sign (text and stdin), or None for a file, which is
    described by ``path`` and ``sha256`` (hashed once, here)."""

    __slots__ = ("data", "path", "sha256", "size")

    def __init__(self, data: bytes | None, path: str | None = None, sha256: str | None = None, size: int = 0) -> None:
        self.data = data
        self.path = path
        self.sha256 = sha256
        self.size = len(data) if data is not None else size

    @property
    def curl_argument(self) -> str:
        """What follows ``--data-binary`` in a curl command (unquoted)."""
        if self.path is not None:
            return f"@{self.path}"
        return (self.data or b"").decode("utf-8", "surrogateescape")


class _Progress:
    """``hashing big.bin [#######        ]  45%  115/256 MiB`` redrawn in place."""

    def __init__(self, stream: TextIO, name: str, total: int) -> None:
        self.stream = stream
        self.name = name
        self.total = total
        self.shown = -1

    def update(self, done: int) -> None:
        percent = done * 100 // self.total if self.total else 100
        if percent == self.shown:
            return
        self.shown = percent
        filled = _BAR_WIDTH * percent // 100
        bar = "#" * filled + " " * (_BAR_WIDTH - filled)
        mib = 1 << 20
        self.stream.write(f"\rhashing {self.name} [{bar}] {percent:3d}%  {done // mib}/{self.total // mib} MiB")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def _wants_progress(stream: TextIO, size: int) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return size >= PROGRESS_MIN_BYTES and callable(isatty) and bool(isatty())
    except (OSError, ValueError):
        return False


def hash_stream(f: BinaryIO, size: int, name: str, stream: TextIO | None = None) -> str:
    """Hex SHA-256 of ``f`` read to the end in blocks, with a bar on ``stream``
    (default stderr) if it is a terminal and ``size`` is large."""
    from hashlib import sha256

    stream = stream or sys.stderr
    progress = _Progress(stream, name, size) if _wants_progress(stream, size) else None
    digest = sha256()
    done = 0
    buf = bytearray(_BLOCK)
    view = memoryview(buf)
    while True:
        n = f.readinto(buf)  # type: ignore[attr-defined]
        if not n:
            break
        digest.update(view[:n])
        done += n
        if progress is not None:
            progress.update(done)
    if progress is not None:
        progress.finish()
    return digest.hexdigest()


def load_body(spec: str | None) -> Body:
    """``None`` → empty; ``@-`` → standard input (read whole); ``@FILE`` → the file
    (hashed in blocks, not loaded); anything else → the text as UTF-8."""
    if spec is None:
        return Body(b"")
    if spec == "@-":
        # path "-": a curl command reads the same bytes from its own standard input (--data-binary @-)
        return Body(sys.stdin.buffer.read(), path="-")
    if spec.startswith("@"):
        path = spec[1:]
        if not path:
            raise UsageError("--data @: no file name after @")
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                digest = hash_stream(f, size, os.path.basename(path))
        except OSError as exc:
            raise UsageError(f"--data: cannot read {path!r}: {exc.strerror or exc}") from None
        return Body(None, path=path, sha256=digest, size=size)
    return Body(spec.encode("utf-8", "surrogateescape"))
