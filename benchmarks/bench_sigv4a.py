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
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sigv4 import _p256, sigv4a

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--crosscheck", type=int, default=200, help="random credentials signed by awscrt (0: skip)")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
