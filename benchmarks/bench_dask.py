"""Bulk presigning on a ``dask.distributed`` LocalCluster: URLs/s with 1 and 2 worker processes,
next to one plain process. Prints a table; asserts nothing (a benchmark, not a test).

    python benchmarks/bench_dask.py [--keys 1000000] [--rounds 3] [--blocksize 2000000]

Needs the ``dask`` extra (``pip install 'dask[distributed]'``). The manifest (one key a line)
is written to a temporary directory that is removed at the end; the clusters bind 127.0.0.1
and have no dashboard. Each cluster is started and warmed up (sigv4 imported on every worker)
before timing; a round is the wall time of ``read_text(manifest).map_partitions(presign)`` up
to the partition summaries reaching the client (the URLs stay on the workers, as they would
when written out next to the data). Best of ``--rounds``: interference only ever adds time.
On a 2-core machine 2 workers can at best double the rate, minus the scheduler's share; the
second column (URLs per CPU second spent in the tasks) shows the per-core cost whatever the
machine's load.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sigv4  # noqa: E402 - after the path fix-up

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
BASE = "https://my-bucket.s3.eu-west-1.amazonaws.com"


def manifest_key(i: int) -> str:
    return f"logs/2026/{i % 97:02d}/part {i:07d}+ü~=&(v).json"


def presign_partition(lines: Iterable[str], signer: sigv4.Signer) -> list[tuple[int, float]]:
    """One partition's URLs (kept on the worker); returns how many were made and the CPU time
    this task took (reading its block of the manifest included)."""
    cpu = time.thread_time()
    urls = sigv4.presign_keys(signer, BASE, [line.rstrip("\n") for line in lines], 3600, now=NOW)
    return [(len(urls), time.thread_time() - cpu)]


def _signer() -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "eu-west-1", "s3")


def single_process(keys: list[str], rounds: int) -> tuple[float, float]:
    """(URLs per wall second, URLs per CPU second), best rounds."""
    signer = _signer()
    best, best_cpu = float("inf"), float("inf")
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        sigv4.presign_keys(signer, BASE, keys, 3600, now=NOW)
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - cpu)
    return len(keys) / best, len(keys) / best_cpu


def on_cluster(workers: int, manifest: Path, count: int, rounds: int, blocksize: int, scratch: Path) -> tuple[float, float]:
    """(URLs per wall second at the client, URLs per CPU second of the tasks), best rounds."""
    import dask.bag
    from distributed import Client, LocalCluster

    signer = _signer()
    options = {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "worker_dashboard_address": None,
        "local_directory": str(scratch),
        "silence_logs": 40,
    }
    with contextlib.ExitStack() as stack:
        stack.enter_context(dask.config.set({"temporary-directory": str(scratch)}))
        client = stack.enter_context(Client(stack.enter_context(LocalCluster(**options))))
        client.run(lambda: sigv4.presign_keys(_signer(), BASE, ["warm-up"], 60, now=NOW))
        best, best_cpu = float("inf"), float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            bag = dask.bag.read_text(str(manifest), blocksize=blocksize)
            made = bag.map_partitions(presign_partition, signer).compute()
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, sum(cpu for _, cpu in made))
            assert sum(n for n, _ in made) == count, (made, count)
    return count / best, count / best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--blocksize", type=int, default=2_000_000, help="bytes of manifest per partition")
    args = parser.parse_args()
    try:
        import distributed
    except ImportError:
        sys.exit("dask.distributed is not installed: pip install 'dask[distributed]'")

    workdir = Path(tempfile.mkdtemp(prefix="sigv4-bench-dask-"))
    try:
        keys = [manifest_key(i) for i in range(args.keys)]
        manifest = workdir / "keys.txt"
        manifest.write_text("".join(k + "\n" for k in keys), encoding="utf-8")
        print(f"{args.keys:,} keys, best of {args.rounds}; CPython {sys.version.split()[0]}, {os.cpu_count()} CPUs,")
        print(f"dask.distributed {distributed.__version__}, ~{manifest.stat().st_size // args.blocksize + 1} partitions\n")
        rows = [("1 process, no dask", single_process(keys, args.rounds))]
        del keys
        for workers in (1, 2):
            rate = on_cluster(workers, manifest, args.keys, args.rounds, args.blocksize, workdir / f"dask-{workers}")
            rows.append((f"LocalCluster, {workers} worker{'s' if workers > 1 else ''}", rate))
        print(f"| {'run':<26} | {'URLs/s (wall)':>13} | {'URLs per task CPU-s':>19} |")
        print(f"|{'-' * 28}|{'-' * 14}:|{'-' * 20}:|")
        for name, (rate, per_cpu) in rows:
            print(f"| {name:<26} | {rate:>13,.0f} | {per_cpu:>19,.0f} |")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"\nload average (1 min) at the end: {load:.1f} -- on a shared machine the wall rate is a lower bound")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
