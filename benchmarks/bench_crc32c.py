"""CRC32C throughput of sigv4's pure-Python implementation, next to zlib.crc32 and
hashlib.sha256 (both C) for scale.  Prints MB/s and ratios; asserts nothing.

    python benchmarks/bench_crc32c.py [--sizes 512,65536,1048576] [--seconds 0.5]

Also shows the plain slicing-by-8 table loop alone (the small-input gear) to show what
folding buys on large inputs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
import zlib
from collections.abc import Callable

from sigv4.core import checksums


def _table_only(data: bytes) -> int:
    return checksums._crc_table(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def _rate(fn: Callable[[bytes], object], data: bytes, seconds: float) -> float:
    """Best-of MB/s over ``seconds`` of repeated calls."""
    fn(data)  # warm up (fold tables for this size are built on first use)
    best = float("inf")
    deadline = time.perf_counter() + seconds
    runs = 0
    while runs < 3 or time.perf_counter() < deadline:
        start = time.perf_counter()
        fn(data)
        best = min(best, time.perf_counter() - start)
        runs += 1
    return len(data) / best / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="512,8192,65536,1048576,8388608")
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()
    candidates: list[tuple[str, Callable[[bytes], object]]] = [
        ("sigv4 crc32c", checksums.crc32c),
        ("table loop only", _table_only),
        ("zlib.crc32", zlib.crc32),
        ("hashlib.sha256", lambda d: hashlib.sha256(d).digest()),
    ]
    print(f"{'size':>10}  " + "  ".join(f"{name:>16}" for name, _ in candidates) + "   crc32c/zlib  crc32c/sha256")
    for size in (int(s) for s in args.sizes.split(",")):
        data = os.urandom(size)
        rates = [_rate(fn, data, args.seconds) for _, fn in candidates]
        cells = "  ".join(f"{r:>11.1f} MB/s" for r in rates)
        print(f"{size:>10}  {cells}   {rates[0] / rates[2]:>11.4f}  {rates[0] / rates[3]:>13.4f}")


if __name__ == "__main__":
    main()
