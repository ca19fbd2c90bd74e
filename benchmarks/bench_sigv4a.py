"""SigV4a's cryptographic core: ECDSA P-256 signing and verification in pure
Python, next to the ``cryptography`` package (OpenSSL) and awscrt's SigV4a
request signing, plus the key derivation and its cache.  Prints medians and
ratios; asserts nothing.

    python -m benchmarks.bench_sigv4a [--runs 2000] [--crosscheck 200]     (from the repository root)

``cryptography`` and ``awscrt`` are optional (rows show "not run" without
them).  awscrt switches botocore to its CRT signers, so keep it out of the
project's venv; run this from a separate one, e.g.::

    python -m venv /tmp/bench && /tmp/bench/bin/pip install awscrt cryptography
    /tmp/bench/bin/python -m benchmarks.bench_sigv4a

awscrt's row is a whole SigV4a request signing (canonical request, string to
sign, key derivation, ECDSA) of ``GET /`` with a Host header, so it is an
upper bound for its ECDSA step; ours are the ECDSA step alone.

End to end (issue 14's table, also printed by ``benchmarks/run.py``):
:func:`run_end_to_end` times ``Signer.sign`` / ``Signer.presign`` with SigV4a,
``Verifier.verify`` of what they produce, and awscrt's SigV4a signing of the
same request, each in worker subprocesses (``--worker``) of the interpreters
given: the pure-Python path in every one (``cryptography`` blocked from
importing), the ``cryptography`` path where it is installed, awscrt where it
is installed -- in the same process as our pure path there, so that a slow
spell of the shared machine hits both.  Per call: process CPU time, batches
calibrated to ~20 ms (10 with --quick), interleaved, best and median batch.

    python -m benchmarks.bench_sigv4a --end-to-end [--quick] [--python PY ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

if os.environ.get("SIGV4_BENCH_BLOCK_CRYPTOGRAPHY") == "1":  # a worker timing the pure path
    sys.modules["cryptography"] = None  # type: ignore[assignment]

from sigv4 import sigv4a
from sigv4.core import _p256

ACCESS = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
STS = (
    "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n"
    "cf59db423e841c8b7e3444158185aa261b724a5c27cbe762676f3eed19f4dc02"
)


def _median_us(fn: Callable[[int], object], runs: int) -> float:
    """Median wall time of ``fn(i)`` in microseconds (``i`` varies the input)."""
    fn(-1)  # warm up
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def _naive_affine_sign(d: int, digest: bytes) -> tuple[int, int]:
    """Textbook ECDSA with affine double-and-add (one inversion per step): the reference point."""
    p, n = _p256.P, _p256.N

    def add(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
        if a is None:
            return b
        if b is None:
            return a
        if a[0] == b[0]:
            if (a[1] + b[1]) % p == 0:
                return None
            lam = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, p) % p
        else:
            lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, p) % p
        x = (lam * lam - a[0] - b[0]) % p
        return x, (lam * (a[0] - x) - a[1]) % p

    k = next(_p256.rfc6979_nonces(d, digest))
    acc: tuple[int, int] | None = None
    point: tuple[int, int] | None = (_p256.GX, _p256.GY)
    while k:
        if k & 1:
            acc = add(acc, point)
        point = add(point, point)
        k >>= 1
    assert acc is not None
    r = acc[0] % n
    k = next(_p256.rfc6979_nonces(d, digest))
    return r, pow(k, -1, n) * (int.from_bytes(digest, "big") + r * d) % n


def _cold_first_signature_ms() -> float:
    """A fresh interpreter's first pure signature (builds the base-point table)."""
    code = (
        "import time; from sigv4 import sigv4a\n"
        "k = sigv4a.EcdsaSigningKey(12345)\n"
        "t = time.perf_counter(); k.sign('x', backend='pure'); print((time.perf_counter() - t) * 1e3)\n"
    )
    root = Path(__file__).resolve().parent.parent
    values = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
        values.append(float(out.stdout))
    return statistics.median(values)


def _awscrt_signer() -> Callable[[int], object] | None:
    try:
        from awscrt import auth, http
    except ImportError:
        return None
    credentials = auth.AwsCredentialsProvider.new_static(ACCESS, SECRET)
    config = auth.AwsSigningConfig(
        algorithm=auth.AwsSigningAlgorithm.V4_ASYMMETRIC,
        signature_type=auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
        credentials_provider=credentials,
        region="us-east-1",
        service="service",
        date=datetime(2015, 8, 30, 12, 36, tzinfo=timezone.utc),
    )

    def sign(i: int) -> object:
        request = http.HttpRequest("GET", f"/{i}", http.HttpHeaders([("Host", "example.amazonaws.com")]))
        return auth.aws_sign_request(request, config).result()

    return sign


def _crosscheck_awscrt(count: int) -> str:
    """awscrt signs ``GET /`` with random credentials; its signature must verify
    under the public key *we* derive from the same credentials, over the string
    to sign of that request (= the v4a suite's get-vanilla one: the access key
    is not part of it).  An independent check of the key derivation."""
    try:
        from awscrt import auth, http
    except ImportError:
        return "awscrt cross-check: not run (awscrt is not installed)"
    import random
    import re

    rng = random.Random(20150830)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    printable = "".join(chr(c) for c in range(33, 127))
    passed = 0
    for i in range(count):
        access = "".join(rng.choice(alphabet) for _ in range(rng.randint(16, 64)))
        secret = "".join(rng.choice(printable) for _ in range(rng.randint(1, 80)))
        if i % 10 == 0:
            secret += "é✓"  # non-ASCII: UTF-8 in both implementations
        config = auth.AwsSigningConfig(
            algorithm=auth.AwsSigningAlgorithm.V4_ASYMMETRIC,
            signature_type=auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
            credentials_provider=auth.AwsCredentialsProvider.new_static(access, secret),
            region="us-east-1",
            service="service",
            date=datetime(2015, 8, 30, 12, 36, tzinfo=timezone.utc),
        )
        request = http.HttpRequest("GET", "/", http.HttpHeaders([("Host", "example.amazonaws.com")]))
        signed = auth.aws_sign_request(request, config).result()
        authorization = dict(signed.headers)["Authorization"]
        assert "SignedHeaders=host;x-amz-date;x-amz-region-set," in authorization
        found = re.search(r"Signature=([0-9a-f]+)$", authorization)
        assert found is not None
        key = sigv4a.derive_private_key_uncached(access, secret)
        if sigv4a.EcdsaSigningKey(key).verify(STS, found.group(1), backend="pure"):
            passed += 1
    return f"awscrt cross-check: {passed}/{count} awscrt signatures (random credentials) verify under our derived keys"


# ----------------------------------------------------------------------------- end to end (issue 14's table)

V4A = "AWS4-ECDSA-P256-SHA256"
E2E_HOST = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"
E2E_PATH = "/photos/2026/cat%20picture%2B1.jpg"
E2E_URL = f"https://{E2E_HOST}{E2E_PATH}"
E2E_NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AWSCRT_PYTHON = ROOT / ".venv-awscrt" / "bin" / "python"


def _awscrt_ops() -> dict[str, Callable[[], object]]:
    """awscrt's SigV4a signing of the request Signer.sign / presign sign (S3 rules,
    region set ``*``, the payload hash header for header signing)."""
    from awscrt import auth, http

    provider = auth.AwsCredentialsProvider.new_static(ACCESS, SECRET)

    def config(query: bool) -> object:
        return auth.AwsSigningConfig(
            algorithm=auth.AwsSigningAlgorithm.V4_ASYMMETRIC,
            signature_type=auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS
            if query
            else auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
            credentials_provider=provider,
            region="*",
            service="s3",
            date=E2E_NOW,
            use_double_uri_encode=False,
            should_normalize_uri_path=False,
            signed_body_value="UNSIGNED-PAYLOAD" if query else EMPTY_SHA256,
            signed_body_header_type=auth.AwsSignedBodyHeaderType.NONE
            if query
            else auth.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA_256,
            expiration_in_seconds=3600 if query else None,
        )

    header_config, query_config = config(False), config(True)

    def sign(cfg: object) -> Callable[[], object]:
        def op() -> object:
            request = http.HttpRequest("GET", E2E_PATH, http.HttpHeaders([("host", E2E_HOST)]))
            auth.aws_sign_request(request, cfg).result()  # type: ignore[arg-type]
            return request

        return op

    return {"awscrt SigV4a header signing": sign(header_config), "awscrt SigV4a presign": sign(query_config)}


def _e2e_ops() -> tuple[dict[str, Callable[[], object]], Callable[[], dict[str, object]]]:
    """The operations timed in a worker, and a function reporting the cache statistics."""
    import sigv4

    creds = sigv4.Credentials(ACCESS, SECRET)
    before = sigv4a.KEY_CACHE.cache_info()
    v4a = sigv4.Signer(creds, "*", "s3", algorithm=V4A)
    v4 = sigv4.Signer(creds, "us-east-1", "s3")
    verifier = sigv4.Verifier(lambda key: creds if key == ACCESS else None, clock=E2E_NOW.timestamp)
    header = v4a.sign("GET", E2E_URL, now=E2E_NOW)
    presigned = v4a.presign("GET", E2E_URL, 3600, now=E2E_NOW)
    header_v4 = v4.sign("GET", E2E_URL, now=E2E_NOW)
    assert verifier.verify("GET", header.url, header.headers).algorithm == V4A
    ops: dict[str, Callable[[], object]] = {
        "Signer.sign (SigV4a header)": lambda: v4a.sign("GET", E2E_URL, now=E2E_NOW),
        "Signer.presign (SigV4a)": lambda: v4a.presign("GET", E2E_URL, 3600, now=E2E_NOW),
        "Verifier.verify (SigV4a header)": lambda: verifier.verify("GET", header.url, header.headers),
        "Verifier.verify (SigV4a presigned)": lambda: verifier.verify("GET", presigned.url, {}),
        "Signer.sign (SigV4 header, reference)": lambda: v4.sign("GET", E2E_URL, now=E2E_NOW),
        "Verifier.verify (SigV4 header, reference)": lambda: verifier.verify("GET", header_v4.url, header_v4.headers),
    }
    api = sigv4a.cryptography_available()
    if api:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        native = ec.derive_private_key(sigv4a.derive_private_key(ACCESS, SECRET), ec.SECP256R1())
        algorithm = ec.ECDSA(hashes.SHA256())
        message = header.string_to_sign.encode()
        ops["cryptography ECDSA sign alone (floor)"] = lambda: native.sign(message, algorithm)
    with contextlib.suppress(ImportError):  # awscrt: where installed
        ops.update(_awscrt_ops())

    def stats() -> dict[str, object]:
        after = sigv4a.KEY_CACHE.cache_info()
        return {
            "signer_key_cache": {"hits": after.hits - before.hits, "misses": after.misses - before.misses},
            "verifier_key_cache": verifier.cache_info()["sigv4a"],
        }

    return ops, stats


def _batch_us(fn: Callable[[], object], n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - start) / n * 1e6


def e2e_worker(quick: bool) -> dict[str, object]:
    """One worker's measurements (this interpreter, this backend)."""
    target = 0.01 if quick else 0.02
    repeat = 3 if quick else 15
    ops, stats = _e2e_ops()
    sizes: dict[str, int] = {}
    calls: dict[str, int] = {}
    for name, op in ops.items():
        op()
        n = 1
        while _batch_us(op, n) * n / 1e6 < target and n < 1 << 20:
            n *= 2
        sizes[name] = n
        calls[name] = 2 * n  # the warm-up call and the calibration batches (1 + 2 + ... + n)
    times: dict[str, list[float]] = {name: [] for name in ops}
    for _ in range(repeat):  # interleaved: a slow spell hits every operation
        for name, op in ops.items():
            times[name].append(_batch_us(op, sizes[name]))
            calls[name] += sizes[name]
    derive = [0.0] * (5 if quick else 50)
    for i in range(len(derive)):
        start = time.process_time()
        sigv4a.derive_private_key_uncached(ACCESS, f"{SECRET}{i}")
        derive[i] = (time.process_time() - start) * 1e6
    return {
        "python": sys.executable,
        "cryptography": sigv4a.cryptography_available(),
        "ops": {name: {"best_us": min(t), "median_us": statistics.median(t), "calls": calls[name]} for name, t in times.items()},
        "derive_us": statistics.median(derive),
        **stats(),
    }


def _spawn_worker(python: str, block_cryptography: bool, quick: bool) -> dict[str, object]:
    env = dict(
        os.environ,
        BOTO_DISABLE_CRT="true",
        PYTHONPATH=str(ROOT),
        SIGV4_BENCH_BLOCK_CRYPTOGRAPHY="1" if block_cryptography else "0",
    )
    args = [python, "-m", "benchmarks.bench_sigv4a", "--worker"] + (["--quick"] if quick else [])
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode != 0:
        tail = out.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0]}
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_end_to_end(pythons: list[str], quick: bool, rounds: int = 1) -> dict[str, object]:
    """Every interpreter: the pure path (cryptography blocked), then the cryptography
    path where it imports; ``rounds`` interleaved rounds of each worker, merged per
    operation (best of the best batches, median of the median batches)."""
    seen: list[str] = []
    for python in pythons:
        if python and python not in seen and Path(python).exists():
            seen.append(python)
    workers: dict[str, list[dict[str, object]]] = {}
    for _ in range(rounds):
        for python in seen:
            for block in (True, False):
                key = f"{python}|{'pure' if block else 'cryptography'}"
                if key in workers and not workers[key]:
                    continue  # no cryptography there: found once
                out = _spawn_worker(python, block, quick)
                if not block and not out.get("cryptography"):
                    workers[key] = []
                    continue
                workers.setdefault(key, []).append(out)
    merged: dict[str, object] = {}
    for key, outs in workers.items():
        good = [o for o in outs if "ops" in o]
        if not good:
            if outs:
                merged[key] = {"error": outs[0].get("error", "?")}
            continue
        ops: dict[str, dict[str, float]] = {}
        for name in good[0]["ops"]:  # type: ignore[attr-defined]
            entries = [o["ops"][name] for o in good]  # type: ignore[index]
            ops[name] = {
                "best_us": min(e["best_us"] for e in entries),
                "median_us": statistics.median(e["median_us"] for e in entries),
                "calls": sum(e["calls"] for e in entries),
            }
        first = good[0]
        merged[key] = {
            "ops": ops,
            "derive_us": statistics.median(float(o["derive_us"]) for o in good),  # type: ignore[arg-type]
            "signer_key_cache": first["signer_key_cache"],
            "verifier_key_cache": first["verifier_key_cache"],
        }
    return {"quick": quick, "rounds": rounds, "workers": merged}


def _pick(
    workers: dict[str, dict[str, object]], backend: str, op: str, prefer_with: str | None = None
) -> tuple[str, dict[str, float]] | None:
    """The worker (key) and entry for ``op`` on ``backend``; ``prefer_with``: a worker
    that also measured that operation (the same process as the peer)."""
    found = None
    for key, entry in workers.items():
        ops = entry.get("ops")
        if not key.endswith("|" + backend) or not isinstance(ops, dict) or op not in ops:
            continue
        if prefer_with is None or prefer_with in ops:
            return key, ops[op]
        found = found or (key, ops[op])
    return found


def _venv(key: str) -> str:
    python = key.partition("|")[0]
    return Path(python).parent.parent.name or python


def render_end_to_end(results: dict[str, object]) -> str:
    workers: dict[str, dict[str, object]] = results.get("workers", {})  # type: ignore[assignment]
    quick = bool(results.get("quick"))
    lines = [
        "SigV4a end to end (issue 14): µs/call, process CPU time; best and median batch"
        + (" — QUICK RUN (smoke, not a measurement)" if quick else ""),
        "",
        "| operation | venv | ECDSA backend | µs best | µs median | calls |",
        "|---|---|---|---:|---:|---:|",
    ]
    for key, entry in workers.items():
        backend = key.partition("|")[2]
        if "error" in entry:
            lines.append(f"| worker | {_venv(key)} | {backend} | not run: {entry['error']} | | |")
            continue
        for name, op in entry["ops"].items():  # type: ignore[attr-defined]
            shown = "—" if name.startswith("awscrt") or "SigV4 header" in name or name.startswith("cryptography") else backend
            lines.append(f"| {name} | {_venv(key)} | {shown} | {op['best_us']:,.1f} | {op['median_us']:,.1f} | {op['calls']:,} |")
    lines += [
        "",
        "| key cache (per worker) | signer: hits / misses | verifier: hits / misses | uncached derivation µs |",
        "|---|---:|---:|---:|",
    ]
    for key, entry in workers.items():
        if "ops" in entry:
            s, v = entry["signer_key_cache"], entry["verifier_key_cache"]
            lines.append(
                f"| {_venv(key)} ({key.partition('|')[2]}) | {s['hits']} / {s['misses']} | {v['hits']} / {v['misses']} "  # type: ignore[index]
                f"| {float(entry['derive_us']):.1f} |"  # type: ignore[arg-type]
            )

    def verdict(met: bool) -> str:
        return "smoke run" if quick else "yes" if met else "**no**"

    lines += ["", "| measure | measured | target | met |", "|---|---|---|---|"]
    sign = "Signer.sign (SigV4a header)"
    crt = "awscrt SigV4a header signing"
    pure = _pick(workers, "pure", sign, prefer_with=crt)
    if pure is not None:
        median = pure[1]["median_us"]
        lines.append(
            f"| pure-Python SigV4a header signing, median ({_venv(pure[0])}) | {median:,.0f} µs | ≤ 1,000 µs "
            f"| {verdict(median <= 1000)} |"
        )
        peer = workers[pure[0]]["ops"].get(crt)  # type: ignore[attr-defined]
        if peer:
            ratio = median / peer["median_us"]
            lines.append(f"| pure-Python / awscrt, same process (medians) | {ratio:.2f}× | — (information) | — |")
    else:
        lines.append("| pure-Python SigV4a header signing | not measured | ≤ 1,000 µs | — |")
    fast = _pick(workers, "cryptography", sign)
    peer_entry = _pick(workers, "pure", crt) or _pick(workers, "cryptography", crt)
    if fast is not None and peer_entry is not None:
        best = fast[1]["best_us"] / peer_entry[1]["best_us"]
        median = fast[1]["median_us"] / peer_entry[1]["median_us"]
        where = "same process" if fast[0] == peer_entry[0] else f"{_venv(fast[0])} vs {_venv(peer_entry[0])}"
        lines.append(
            f"| SigV4a with cryptography / awscrt, header signing ({where}) | {best:.2f}× best, {median:.2f}× median "
            f"| ≤ 2× | {verdict(best <= 2 and median <= 2)} |"
        )
    else:
        lines.append("| SigV4a with cryptography / awscrt | not measured (needs cryptography and awscrt) | ≤ 2× | — |")
    misses = [int(e["signer_key_cache"]["misses"]) for e in workers.values() if "ops" in e]  # type: ignore[index]
    vmisses = [int(e["verifier_key_cache"]["misses"]) for e in workers.values() if "ops" in e]  # type: ignore[index]
    if misses:
        ok = all(m <= 1 for m in misses + vmisses)
        lines.append(
            f"| key derivations per credentials (signer, verifier; every worker) | {max(misses)}, {max(vmisses)} | 1 "
            f"| {verdict(ok)} |"
        )
    for backend in ("pure", "cryptography"):
        for verify, signing in (
            ("Verifier.verify (SigV4a header)", sign),
            ("Verifier.verify (SigV4a presigned)", "Signer.presign (SigV4a)"),
        ):
            v, s = _pick(workers, backend, verify), _pick(workers, backend, signing)
            if v is not None and s is not None:
                lines.append(
                    f"| {verify} / {signing}, {backend} | {v[1]['median_us'] / s[1]['median_us']:.2f}× (medians) "
                    "| — (report) | — |"
                )
    v4v, v4s = (
        _pick(workers, "pure", "Verifier.verify (SigV4 header, reference)"),
        _pick(workers, "pure", "Signer.sign (SigV4 header, reference)"),
    )
    if v4v is not None and v4s is not None:
        lines.append(
            f"| SigV4 (HMAC) verify / sign, for reference | {v4v[1]['median_us'] / v4s[1]['median_us']:.2f}× (medians) | — | — |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--crosscheck", type=int, default=200, help="random credentials signed by awscrt (0: skip)")
    parser.add_argument("--end-to-end", action="store_true", help="only issue 14's end-to-end table (worker subprocesses)")
    parser.add_argument("--quick", action="store_true", help="end to end: short batches")
    parser.add_argument("--python", nargs="*", default=None, help="end to end: interpreters (default: this one, .venv-awscrt)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(e2e_worker(args.quick)))
        return
    pythons = args.python or [sys.executable, str(DEFAULT_AWSCRT_PYTHON)]
    if args.end_to_end:
        print(render_end_to_end(run_end_to_end(pythons, args.quick)))
        return
    runs = args.runs
    key = sigv4a.signing_key(ACCESS, SECRET)
    messages = [f"{STS}{i}" for i in range(runs)]
    digest = _p256.sha256(STS.encode()).digest()
    have_crypto = sigv4a.cryptography_available()
    results: dict[str, float | None] = {}

    results["pure sign"] = _median_us(lambda i: key.sign(messages[i], backend="pure"), runs)
    results["naive affine sign"] = _median_us(lambda i: _naive_affine_sign(key.private_scalar, digest), max(runs // 20, 20))
    signature = key.sign(STS, backend="pure")
    results["pure verify"] = _median_us(lambda i: key.verify(STS, signature, backend="pure"), max(runs // 4, 50))
    if have_crypto:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        results["cryptography sign (via sigv4a)"] = _median_us(lambda i: key.sign(messages[i], backend="cryptography"), runs)
        native = ec.derive_private_key(key.private_scalar, ec.SECP256R1())
        algorithm = ec.ECDSA(hashes.SHA256())
        encoded = [m.encode() for m in messages]
        results["cryptography sign (raw, floor)"] = _median_us(lambda i: native.sign(encoded[i], algorithm), runs)
        results["cryptography key object (once per key, cached)"] = _median_us(
            lambda i: ec.derive_private_key(key.private_scalar, ec.SECP256R1()), runs
        )
        results["cryptography verify (via sigv4a)"] = _median_us(
            lambda i: key.verify(STS, signature, backend="cryptography"), runs
        )
    else:
        results["cryptography sign (via sigv4a)"] = results["cryptography sign (raw, floor)"] = None
        results["cryptography key object (once per key, cached)"] = None
        results["cryptography verify (via sigv4a)"] = None
    crt = _awscrt_signer()
    results["awscrt SigV4a request signing"] = _median_us(crt, runs) if crt is not None else None
    results["key derivation (uncached)"] = _median_us(lambda i: sigv4a.derive_private_key_uncached(ACCESS, f"{SECRET}{i}"), runs)
    cache = sigv4a.SigV4aKeyCache()
    results["key lookup (cached)"] = _median_us(lambda i: cache.signing_key(ACCESS, SECRET), runs)
    results["first pure signature, fresh process (table build) [ms]"] = _cold_first_signature_ms() * 1e3

    print(f"{'measure':<58} {'median':>12}")
    for name, value in results.items():
        if name.endswith("[ms]"):
            cell = f"{value / 1e3:>9.1f} ms" if value is not None else "not run"
        else:
            cell = f"{value:>9.1f} us" if value is not None else "not run"
        print(f"{name:<58} {cell:>12}")

    # Derivation happens once per credentials: many signatures through one cache, one miss.
    counting = sigv4a.SigV4aKeyCache()
    for message in messages[:200]:
        counting.signing_key(ACCESS, SECRET).sign(message, backend="pure")
    print(f"\n200 signatures with one pair of credentials: {counting.cache_info()}")

    def ratio(a: str, b: str) -> str:
        x, y = results[a], results[b]
        return f"{x / y:8.2f}x" if x is not None and y is not None else "  not run"

    print(f"\n{'ratio':<66} {'value':>10}")
    for a, b in [
        ("naive affine sign", "pure sign"),
        ("pure sign", "cryptography sign (raw, floor)"),
        ("pure sign", "awscrt SigV4a request signing"),
        ("cryptography sign (via sigv4a)", "cryptography sign (raw, floor)"),
        ("cryptography sign (via sigv4a)", "awscrt SigV4a request signing"),
        ("pure verify", "cryptography verify (via sigv4a)"),
        ("key derivation (uncached)", "key lookup (cached)"),
    ]:
        print(f"{a + ' / ' + b:<66} {ratio(a, b):>10}")
    print(f"\ntarget: pure sign <= 1000 us median -> {results['pure sign']:.0f} us")
    if args.crosscheck:
        print(_crosscheck_awscrt(args.crosscheck))
    print()
    print(render_end_to_end(run_end_to_end(pythons, args.quick)))


if __name__ == "__main__":
    main()
