"""SigV4a's cryptographic core (sigv4.sigv4a, sigv4.core._p256): key derivation and
its cache, ECDSA P-256 signing and verification, on both backends.

Expected values come from outside this project:
* the aws-c-auth v4a suite (vectors/aws-c-auth/v4a): ``public-key.json`` per case
  and the suite's own signatures (two per mode: ``*-signature.txt`` and the one
  inside ``*-signed-request.txt``);
* RFC 6979 appendix A.2.5 (P-256, SHA-256): key, public key, k, r, s;
* the ``cryptography`` package (OpenSSL) as an independent signer and verifier;
* for the KDF input layout, the specification (SP 800-108 counter mode as
  aws-c-auth builds it), HMAC'd with the standard library's ``hmac``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import cryptography
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4.core import _p256
from sigv4.core.errors import CredentialsError, SigningError
from sigv4.sigv4a import (
    KEY_CACHE,
    MAX_KDF_COUNTER,
    EcdsaPublicKey,
    EcdsaSigningKey,
    SigV4aKeyCache,
    cryptography_available,
    derive_private_key,
    derive_private_key_uncached,
    public_key_from_hex,
    signing_key,
    verify_signature,
)
from tests.vectorlib import VECTORS_DIR

V4A = VECTORS_DIR / "aws-c-auth" / "v4a"
ACCESS = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# The P-256 group order (FIPS 186-4 D.1.2.3), typed in here rather than taken from the code under test.
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
CURVE = ec.SECP256R1()
BACKENDS = ("pure", "cryptography")


# ----------------------------------------------------------------------------- helpers


def _case_dirs() -> list[Path]:
    return sorted(p for p in V4A.iterdir() if p.is_dir())


FULL_CASES = [p for p in _case_dirs() if (p / "public-key.json").exists()]


def _read(case: Path, name: str) -> str:
    return (case / name).read_text(encoding="utf-8")


def _suite_public_key(case: Path) -> tuple[int, int]:
    data = json.loads(_read(case, "public-key.json"))
    return int(data["X"], 16), int(data["Y"], 16)


def _signed_request_signature(case: Path, mode: str) -> str:
    text = _read(case, f"{mode}-signed-request.txt")
    pattern = (
        r"Authorization:AWS4-ECDSA-P256-SHA256 .*Signature=([0-9a-f]+)" if mode == "header" else r"X-Amz-Signature=([0-9a-f]+)"
    )
    found = re.findall(pattern, text)
    assert len(found) == 1, (case.name, mode)
    return str(found[0])


def _oracle_verifies(xy: tuple[int, int], message: bytes, der_hex: str) -> bool:
    """cryptography (OpenSSL) as the independent verifier."""
    key = ec.EllipticCurvePublicNumbers(xy[0], xy[1], CURVE).public_key()
    try:
        key.verify(bytes.fromhex(der_hex), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _spec_fixed_input(access_key: str, counter: int) -> bytes:
    # 0x00000001 || "AWS4-ECDSA-P256-SHA256" || 0x00 || AccessKeyId || counter (1 byte) || 0x00000100
    return (
        b"\x00\x00\x00\x01" + b"AWS4-ECDSA-P256-SHA256" + b"\x00" + access_key.encode() + bytes([counter]) + b"\x00\x00\x01\x00"
    )


def _stdlib_candidate(secret: str, access_key: str, counter: int) -> int:
    return int.from_bytes(
        hmac.new(("AWS4A" + secret).encode(), _spec_fixed_input(access_key, counter), hashlib.sha256).digest(), "big"
    )


# ----------------------------------------------------------------------------- the v4a suite


def test_suite_counts() -> None:
    """40 folders: 38 full cases (public key, header and query expectations) + 2 request-only."""
    assert len(_case_dirs()) == 40
    assert len(FULL_CASES) == 38
    request_only = sorted(p.name for p in _case_dirs() if p not in FULL_CASES)
    assert request_only == ["get-vanilla-query-order-key", "get-vanilla-query-order-value"]
    for case in FULL_CASES:
        for mode in ("header", "query"):
            assert (case / f"{mode}-signature.txt").is_file()
            assert (case / f"{mode}-string-to-sign.txt").is_file()


@pytest.mark.parametrize("case", FULL_CASES, ids=lambda p: p.name)
def test_public_key_derived_from_credentials(case: Path) -> None:
    context = json.loads(_read(case, "context.json"))
    creds = context["credentials"]
    key = EcdsaSigningKey.from_credentials(creds["access_key_id"], creds["secret_access_key"], cache=SigV4aKeyCache())
    expected = _suite_public_key(case)
    assert (key.public_key.x, key.public_key.y) == expected
    data = json.loads(_read(case, "public-key.json"))
    assert key.public_key == public_key_from_hex(data["X"], data["Y"])
    # And cryptography derives the same point from our scalar.
    numbers = ec.derive_private_key(key.private_scalar, CURVE).public_key().public_numbers()
    assert (numbers.x, numbers.y) == expected


@pytest.mark.parametrize("mode", ["header", "query"])
@pytest.mark.parametrize("case", FULL_CASES, ids=lambda p: p.name)
def test_suite_signatures_verify(case: Path, mode: str) -> None:
    """Both of the suite's signatures for this mode verify under public-key.json,
    over the mode's string to sign (whose last line hashes the canonical request)."""
    sts = _read(case, f"{mode}-string-to-sign.txt")
    creq = _read(case, f"{mode}-canonical-request.txt")
    assert sts.split("\n")[0] == "AWS4-ECDSA-P256-SHA256"
    assert sts.split("\n")[-1] == hashlib.sha256(creq.encode()).hexdigest()
    xy = _suite_public_key(case)
    public = EcdsaPublicKey(*xy)
    for signature in (_read(case, f"{mode}-signature.txt"), _signed_request_signature(case, mode)):
        assert _oracle_verifies(xy, sts.encode(), signature)
        for backend in BACKENDS:
            assert public.verify(sts, signature, backend=backend)
            assert verify_signature(xy, sts, signature, backend=backend)
            assert not public.verify(sts + "\n", signature, backend=backend)
            assert not public.verify(sts.replace("20150830T123600Z", "20150830T123601Z"), signature, backend=backend)


@pytest.mark.parametrize("mode", ["header", "query"])
@pytest.mark.parametrize("case", FULL_CASES, ids=lambda p: p.name)
def test_our_signature_over_suite_string_to_sign(case: Path, mode: str) -> None:
    sts = _read(case, f"{mode}-string-to-sign.txt")
    xy = _suite_public_key(case)
    key = signing_key(ACCESS, SECRET)
    for backend in BACKENDS:
        signature = key.sign(sts, backend=backend)
        assert _oracle_verifies(xy, sts.encode(), signature)
        assert verify_signature(public_key_from_hex(_read_hex_point(case)), sts, signature, backend="pure")
        assert not _oracle_verifies(xy, (sts + " ").encode(), signature)


def _read_hex_point(case: Path) -> str:
    data = json.loads(_read(case, "public-key.json"))
    return "04" + str(data["X"]).rjust(64, "0") + str(data["Y"]).rjust(64, "0")


# ----------------------------------------------------------------------------- RFC 6979 A.2.5

RFC_X = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
RFC_U = (
    0x60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6,
    0x7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299,
)
RFC_SHA256 = [
    (
        "sample",
        0xA6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60,
        0xEFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716,
        0xF7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8,
    ),
    (
        "test",
        0xD16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0,
        0xF1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367,
        0x019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083,
    ),
]


def test_rfc6979_public_key() -> None:
    key = EcdsaSigningKey(RFC_X)
    assert (key.public_key.x, key.public_key.y) == RFC_U


@pytest.mark.parametrize(("message", "k", "r", "s"), RFC_SHA256, ids=[m for m, *_ in RFC_SHA256])
def test_rfc6979_nonce_and_signature(message: str, k: int, r: int, s: int) -> None:
    digest = hashlib.sha256(message.encode()).digest()
    assert next(_p256.rfc6979_nonces(RFC_X, digest)) == k
    assert _p256.sign_digest(RFC_X, digest) == (r, s)
    expected = encode_dss_signature(r, s).hex()  # DER by cryptography, not by us
    key = EcdsaSigningKey(RFC_X)
    assert key.sign(message, backend="pure") == expected
    assert key.verify(message, expected, backend="pure")
    assert _oracle_verifies(RFC_U, message.encode(), expected)
    low = key.sign(message, backend="pure", low_s=True)
    assert decode_dss_signature(bytes.fromhex(low)) == (r, min(s, ORDER - s))
    assert key.verify(message, low, backend="pure")


def test_cryptography_backend_deterministic_when_it_can_be() -> None:
    """cryptography >= 44 signs with RFC 6979 too: then both backends give the
    same bytes (the RFC's); older versions sign with random nonces (still valid)."""
    key = EcdsaSigningKey(RFC_X)
    message, _, r, s = RFC_SHA256[0]
    ours = key.sign(message, backend="cryptography")
    assert _oracle_verifies(RFC_U, message.encode(), ours)
    major = int(cryptography.__version__.split(".")[0])
    if major >= 44:
        assert ours == encode_dss_signature(r, s).hex()
    else:
        assert key.verify(message, ours, backend="pure")


# ----------------------------------------------------------------------------- random keys and messages

scalars = st.integers(min_value=1, max_value=ORDER - 1)
messages = st.text(max_size=200) | st.binary(max_size=200)


def _as_bytes(message: str | bytes) -> bytes:
    return message.encode("utf-8", "surrogatepass") if isinstance(message, str) else message


@settings(max_examples=200)
@given(scalars, messages.filter(lambda m: not (isinstance(m, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in m))))
def test_random_pure_signatures_verify_with_cryptography(d: int, message: str | bytes) -> None:
    key = EcdsaSigningKey(d)
    numbers = ec.derive_private_key(d, CURVE).public_key().public_numbers()
    assert (key.public_key.x, key.public_key.y) == (numbers.x, numbers.y)
    signature = key.sign(message, backend="pure")
    xy = (numbers.x, numbers.y)
    assert _oracle_verifies(xy, _as_bytes(message), signature)
    assert not _oracle_verifies(xy, _as_bytes(message) + b"x", signature)
    assert not key.verify(_as_bytes(message) + b"x", signature, backend="pure")


@settings(max_examples=200)
@given(scalars, st.binary(max_size=200), st.integers(min_value=0, max_value=10**6))
def test_random_cryptography_signatures_verify_with_pure_verifier(d: int, message: bytes, flip: int) -> None:
    private = ec.derive_private_key(d, CURVE)
    der = private.sign(message, ec.ECDSA(hashes.SHA256()))
    numbers = private.public_key().public_numbers()
    public = EcdsaPublicKey(numbers.x, numbers.y)
    assert public.verify(message, der.hex(), backend="pure")
    # A changed r or s, or another message, is refused.
    r, s = decode_dss_signature(der)
    bad_r = encode_dss_signature((r + 1 + flip) % ORDER or 1, s).hex()
    bad_s = encode_dss_signature(r, (s + 1 + flip) % ORDER or 1).hex()
    assert not public.verify(message, bad_r, backend="pure")
    assert not public.verify(message, bad_s, backend="pure")
    assert not public.verify(message + b"\0", der.hex(), backend="pure")
    assert public.verify(message, encode_dss_signature(r, ORDER - s).hex(), backend="pure")  # (r, -s) is valid too


def test_backends_agree_on_validity() -> None:
    key = EcdsaSigningKey(RFC_X)
    good = key.sign("sts", backend="pure")
    r, s = decode_dss_signature(bytes.fromhex(good))
    non_minimal = "3046" + "0221" + "00" + f"{r:064x}" + "0221" + "00" + f"{s:064x}"  # when r, s < 2^255: padded
    candidates = {
        good: True,
        encode_dss_signature(r, ORDER - s).hex(): True,
        good + "00": False,  # trailing byte
        good[:-2]: False,  # truncated
        encode_dss_signature(0, s).hex(): False,
        encode_dss_signature(r, ORDER).hex(): False,
        encode_dss_signature(r, 0).hex(): False,
        "": False,
        "zz": False,
        "30 44": False,
        good.upper(): True,  # hex digits in either case
    }
    if r < 2**255 and s < 2**255:
        candidates[non_minimal] = False
    for signature, valid in candidates.items():
        for backend in BACKENDS:
            assert key.verify("sts", signature, backend=backend) is valid, (signature, backend)


# ----------------------------------------------------------------------------- curve sanity


def test_base_point_and_order() -> None:
    numbers = ec.derive_private_key(1, CURVE).public_key().public_numbers()
    assert (numbers.x, numbers.y) == (_p256.GX, _p256.GY)
    assert _p256.N == ORDER
    assert _p256.base_multiply(ORDER) is None
    assert _p256.base_multiply(ORDER - 1) == (numbers.x, _p256.P - numbers.y)


EDGE_SCALARS = [
    1,
    2,
    31,
    32,
    33,
    63,
    64,
    65,
    2**255,
    ORDER - 1,
    ORDER - 2,
    ORDER // 2,
    sum(32 << (6 * i) for i in range(42)),  # every 6-bit digit at the signed-digit boundary
    sum(33 << (6 * i) for i in range(42)),  # every digit just above it (a carry each time)
    sum(255 << (8 * i) for i in range(31)),
]


@pytest.mark.parametrize("d", EDGE_SCALARS, ids=hex)
def test_edge_scalars_match_cryptography(d: int) -> None:
    assert 1 <= d < ORDER
    numbers = ec.derive_private_key(d, CURVE).public_key().public_numbers()
    assert _p256.public_point(d) == (numbers.x, numbers.y)
    assert EcdsaSigningKey(d).verify("m", EcdsaSigningKey(d).sign("m", backend="pure"), backend="cryptography")


@settings(max_examples=50)
@given(scalars)
def test_public_point_matches_cryptography(d: int) -> None:
    numbers = ec.derive_private_key(d, CURVE).public_key().public_numbers()
    assert _p256.public_point(d) == (numbers.x, numbers.y)


# ----------------------------------------------------------------------------- key derivation


def test_kdf_input_layout_and_first_counter() -> None:
    """No retry for the suite's credentials: d = HMAC(AWS4A+secret, fixed input with counter 1) + 1."""
    assert _stdlib_candidate(SECRET, ACCESS, 1) <= ORDER - 2
    assert derive_private_key_uncached(ACCESS, SECRET) == _stdlib_candidate(SECRET, ACCESS, 1) + 1
    seen: list[tuple[bytes, bytes]] = []

    def recording_prf(key: bytes, data: bytes) -> bytes:
        seen.append((key, data))
        return hmac.new(key, data, hashlib.sha256).digest()

    derive_private_key_uncached(ACCESS, SECRET, prf=recording_prf)
    assert seen == [(("AWS4A" + SECRET).encode(), _spec_fixed_input(ACCESS, 1))]


def test_kdf_retry_builds_a_fresh_input_with_the_next_counter() -> None:
    """The retry path, forced by injecting a first HMAC output > n-2 (no real
    credentials needing a retry are known: it happens for ~2^-32 of them).
    aws-c-auth rebuilds the fixed input with counter 2; the JavaScript SDK
    would HMAC input(1) || input(2) instead.  We follow aws-c-auth."""
    seen: list[bytes] = []

    def prf(key: bytes, data: bytes) -> bytes:
        seen.append(data)
        if len(seen) == 1:
            return (ORDER - 1).to_bytes(32, "big")  # n-1 > n-2: rejected
        return hmac.new(key, data, hashlib.sha256).digest()

    d = derive_private_key_uncached(ACCESS, SECRET, prf=prf)
    assert seen == [_spec_fixed_input(ACCESS, 1), _spec_fixed_input(ACCESS, 2)]
    assert seen[1] != _spec_fixed_input(ACCESS, 1) + _spec_fixed_input(ACCESS, 2)  # not the JS SDK's input
    assert d == _stdlib_candidate(SECRET, ACCESS, 2) + 1
    assert d != _stdlib_candidate(SECRET, ACCESS, 1) + 1


@pytest.mark.parametrize(
    ("first", "expected"),
    [(ORDER - 2, ORDER - 1), (0, 1), (2**256 - 1, None), (ORDER, None), (ORDER - 1, None)],
)
def test_kdf_boundaries(first: int, expected: int | None) -> None:
    """Candidate ≤ n-2 is taken (d = candidate + 1 ∈ [1, n-1]); above, the next counter is tried."""
    second = 12345

    def prf(key: bytes, data: bytes) -> bytes:
        return (first if data == _spec_fixed_input(ACCESS, 1) else second).to_bytes(32, "big")

    d = derive_private_key_uncached(ACCESS, SECRET, prf=prf)
    assert d == (expected if expected is not None else second + 1)
    EcdsaSigningKey(d).sign("x", backend="pure")  # a usable key


def test_kdf_gives_up_after_the_last_counter() -> None:
    calls: list[int] = []

    def prf(key: bytes, data: bytes) -> bytes:
        calls.append(data[-5])
        return b"\xff" * 32

    with pytest.raises(CredentialsError) as info:
        derive_private_key_uncached(ACCESS, SECRET, prf=prf)
    assert calls == list(range(1, MAX_KDF_COUNTER + 1))
    assert SECRET not in str(info.value)


# ----------------------------------------------------------------------------- the cache


def test_cache_derives_once_per_credentials() -> None:
    cache = SigV4aKeyCache(maxsize=2)
    first = cache.signing_key(ACCESS, SECRET)
    again = cache.signing_key(ACCESS, SECRET)
    assert first is again
    info = cache.cache_info()
    assert (info.hits, info.misses, info.maxsize, info.currsize) == (1, 1, 2, 1)
    cache.signing_key("AKIDOTHER", SECRET)
    cache.signing_key(ACCESS, SECRET)  # ACCESS is now the most recently used
    cache.signing_key(ACCESS, SECRET + "x")  # evicts AKIDOTHER
    assert cache.cache_info().currsize == 2
    cache.signing_key(ACCESS, SECRET)
    assert cache.cache_info().misses == 3
    cache.signing_key("AKIDOTHER", SECRET)
    assert cache.cache_info()[:2] == (3, 4)
    cache.clear()
    assert cache.cache_info() == (0, 0, 2, 0)


def test_cache_is_thread_safe() -> None:
    cache = SigV4aKeyCache()
    barrier = threading.Barrier(8)
    results: list[int] = []

    def work() -> None:
        barrier.wait()
        for _ in range(50):
            results.append(cache.signing_key(ACCESS, SECRET).private_scalar)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 400
    assert cache.cache_info()[:2] == (399, 1)


def test_module_cache_and_derive_private_key() -> None:
    before = KEY_CACHE.cache_info()
    d1 = derive_private_key(ACCESS, "secret-only-this-test")
    d2 = derive_private_key(ACCESS, "secret-only-this-test")
    after = KEY_CACHE.cache_info()
    assert d1 == d2 == derive_private_key_uncached(ACCESS, "secret-only-this-test")
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 1)
    assert signing_key(ACCESS, "secret-only-this-test").private_scalar == d1


# ----------------------------------------------------------------------------- secrets and errors


def test_reprs_hide_secret_and_scalar() -> None:
    cache = SigV4aKeyCache()
    key = cache.signing_key(ACCESS, SECRET)
    d = key.private_scalar
    assert repr(key) == "EcdsaSigningKey(access_key='AKIDEXAMPLE')"  # public key not computed yet: repr does not compute it
    for text in (repr(key), str(key), repr(cache), repr(key.public_key)):
        assert SECRET not in text
        assert f"{d:x}" not in text and f"{d:X}" not in text and str(d) not in text
    assert ACCESS in repr(key)
    assert f"{key.public_key.x:064x}" in repr(key)


def test_keys_pickle_without_native_objects() -> None:
    import pickle

    key = EcdsaSigningKey(RFC_X, access_key=ACCESS)
    signature = key.sign("sample", backend="cryptography")  # caches a cryptography key object
    clone = pickle.loads(pickle.dumps(key))
    assert (clone.private_scalar, clone.access_key) == (RFC_X, ACCESS)
    assert clone.verify("sample", signature, backend="pure")
    public = pickle.loads(pickle.dumps(key.public_key))
    assert public == key.public_key and public.verify("sample", signature, backend="cryptography")


BAD_VALUES = [None, 1, b"AKID", "", "a\ud800b", ["x"]]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=repr)
@pytest.mark.parametrize("field", ["access_key", "secret_key"])
def test_bad_credentials(field: str, bad: object) -> None:
    args = {"access_key": ACCESS, "secret_key": SECRET, field: bad}
    for call in (derive_private_key_uncached, derive_private_key, SigV4aKeyCache().signing_key, EcdsaSigningKey.from_credentials):
        with pytest.raises(CredentialsError) as info:
            call(args["access_key"], args["secret_key"])  # type: ignore[arg-type]
        assert info.value.field == field
        assert info.value.__cause__ is None and info.value.__context__ is None
        assert SECRET not in str(info.value)
        if isinstance(bad, str) and bad:
            assert bad not in str(info.value)


def test_bad_signing_inputs() -> None:
    key = EcdsaSigningKey(RFC_X)
    for bad_sts in (None, 5, "x\udfff"):
        with pytest.raises(SigningError) as info:
            key.sign(bad_sts)  # type: ignore[arg-type]
        assert info.value.field == "string_to_sign"
        assert info.value.__cause__ is None and info.value.__context__ is None
    with pytest.raises(SigningError, match="backend"):
        key.sign("x", backend="openssl")
    with pytest.raises(SigningError, match="signature"):
        key.verify("x", b"3044")  # type: ignore[arg-type]
    for bad_scalar in (0, ORDER, -1, 1.5, True):
        with pytest.raises(SigningError, match="private_scalar"):
            EcdsaSigningKey(bad_scalar)  # type: ignore[arg-type]
    for args in (("zz", "00"), ("01", "02"), ("04" + "00" * 64,), ("1" * 66, "2" * 64)):
        with pytest.raises(SigningError) as err:
            public_key_from_hex(*args)
        assert err.value.field == "public_key"
        assert err.value.__context__ is None
    with pytest.raises(SigningError, match="public_key"):
        verify_signature("not a key", "x", "00")  # type: ignore[arg-type]
    assert key.sign(b"bytes too", backend="pure") == key.sign("bytes too", backend="pure")


# ----------------------------------------------------------------------------- laziness and the missing package


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    return out.stdout.strip()


def test_import_stays_light() -> None:
    code = (
        "import sys, sigv4\n"
        "assert 'sigv4.sigv4a' not in sys.modules and 'sigv4.core._p256' not in sys.modules\n"
        "from sigv4 import sigv4a\n"
        "sigv4a.derive_private_key('AKIDEXAMPLE', 'secret')\n"
        "assert 'cryptography' not in sys.modules and 'hashlib' not in sys.modules\n"
        "sigv4a.signing_key('AKIDEXAMPLE', 'secret').sign('x', backend='pure')\n"
        "assert 'cryptography' not in sys.modules\n"
        "sigv4a.signing_key('AKIDEXAMPLE', 'secret').sign('x')\n"
        "print('cryptography' in sys.modules)\n"
    )
    assert _run(code) == "True"


def test_without_cryptography_auto_is_pure() -> None:
    code = (
        "import sys\n"
        "sys.modules['cryptography'] = None\n"  # import cryptography -> ImportError
        "from sigv4 import sigv4a\n"
        "from sigv4.core.errors import SigningError\n"
        "key = sigv4a.EcdsaSigningKey(0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721)\n"
        "sig = key.sign('sample')\n"
        "assert key.verify('sample', sig)\n"
        "try:\n"
        "    key.sign('sample', backend='cryptography')\n"
        "except SigningError as e:\n"
        "    assert e.field == 'backend'\n"
        "else:\n"
        "    raise SystemExit('no error')\n"
        "print(sigv4a.cryptography_available(), sig)\n"
    )
    available, signature = _run(code).split()
    assert available == "False"
    r, s = RFC_SHA256[0][2:]
    assert signature == encode_dss_signature(r, s).hex()
    assert cryptography_available()  # in this process, the package is installed
