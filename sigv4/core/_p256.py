"""NIST P-256 (secp256r1) ECDSA with SHA-256, in pure Python, for SigV4a.

Only what SigV4a needs: scalar multiplication, ECDSA signing with
deterministic nonces (RFC 6979, HMAC-SHA256), verification, DER encoding of
signatures.  Python's integers do the field arithmetic (``%`` on a 512-bit
product is one C call); points are kept in Jacobian coordinates
``(X, Y, Z)`` standing for the affine ``(X/Z², Y/Z³)``, with ``Z == 0`` the
point at infinity, so an addition costs no inversion.  The curve has
``a = -3``, which the doubling formula uses.

* ``k·G`` (signing, public keys) uses a table of affine multiples of the base
  point, built on first use (~10 ms once per process, ~0.25 MB): the scalar is
  cut into signed 6-bit digits, ``k = Σ dᵢ·64ⁱ`` with ``|dᵢ| ≤ 32``, and the
  table holds ``j·64ⁱ·G`` for ``j = 1..32``, so ``k·G`` is at most 44 mixed
  (Jacobian + affine) additions and no doubling at all (a negative digit
  negates ``y``).  8-bit digits sign ~10% faster but take ~4x longer to build
  and ~3x the memory: a poor trade for a Lambda's cold start.
* ``u₁·G + u₂·Q`` (verification) takes ``u₁·G`` from the table and ``u₂·Q``
  from a width-5 NAF over the odd multiples ``Q, 3Q, …, 15Q``.

**Not constant-time.** The running time depends on the scalar's digits
(zero digits are skipped, Python integers take time that depends on their
size).  That is acceptable for what this module does: it runs in a *client*
that signs its own requests, where an attacker would have to time this
process's signing locally and precisely enough to recover nonce bits; the
nonce is derived (RFC 6979) from the key and the message, never reused, and
the signing key is an ordinary long-term credential already present in the
same process.  Code that must resist local timing attacks (an HSM, a shared
multi-tenant host) should use the ``cryptography`` package, which
:mod:`sigv4.core.sigv4a` uses when it is installed.  A server that *verifies*
SigV4a requests with this module is not exposed by it: verification uses
only public data (the public key, the message, the signature).
"""

from __future__ import annotations

from _thread import allocate_lock

from ._hmac import HmacSha256, sha256

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "GX",
    "GY",
    "N",
    "P",
    "base_multiply",
    "decode_der_signature",
    "encode_der_signature",
    "hmac_sha256",
    "is_on_curve",
    "public_point",
    "rfc6979_nonces",
    "sha256",
    "sign_digest",
    "verify_digest",
]

# Curve parameters (FIPS 186-4 D.1.2.3 / SEC 2 2.4.2): y² = x³ - 3x + b over GF(p), group order n.
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5

_WINDOW = 6  # bits per signed digit of the fixed-base table
_HALF = 1 << (_WINDOW - 1)
_MASK = (1 << _WINDOW) - 1
_DIGITS = -(-256 // _WINDOW) + 1  # a scalar < 2^256 has at most this many signed digits

Affine = tuple[int, int]
Jacobian = tuple[int, int, int]
_INFINITY: Jacobian = (1, 1, 0)

# ----------------------------------------------------------------------------- HMAC-SHA256


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 (RFC 2104) on the built-in SHA-256 (no OpenSSL load)."""
    return HmacSha256(key).digest(message)


# ----------------------------------------------------------------------------- point arithmetic


def is_on_curve(x: int, y: int) -> bool:
    """Whether the affine ``(x, y)`` is a point of P-256 (coordinates in range)."""
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x - 3 * x + B)) % P == 0


def _double(X1: int, Y1: int, Z1: int) -> Jacobian:
    """2·(X1, Y1, Z1) (dbl-2001-b, a = -3)."""
    if Z1 == 0 or Y1 == 0:
        return _INFINITY
    delta = Z1 * Z1 % P
    gamma = Y1 * Y1 % P
    beta = X1 * gamma % P
    alpha = 3 * (X1 - delta) * (X1 + delta) % P
    X3 = (alpha * alpha - 8 * beta) % P
    Z3 = ((Y1 + Z1) ** 2 - gamma - delta) % P
    Y3 = (alpha * (4 * beta - X3) - 8 * gamma * gamma) % P
    return X3, Y3, Z3


def _add_mixed(X1: int, Y1: int, Z1: int, x2: int, y2: int) -> Jacobian:
    """(X1, Y1, Z1) + affine (x2, y2)."""
    if Z1 == 0:
        return x2, y2, 1
    Z1Z1 = Z1 * Z1 % P
    H = (x2 * Z1Z1 - X1) % P
    R = (y2 * Z1 * Z1Z1 - Y1) % P
    if H == 0:
        return _double(X1, Y1, Z1) if R == 0 else _INFINITY
    HH = H * H % P
    HHH = H * HH % P
    V = X1 * HH % P
    X3 = (R * R - HHH - 2 * V) % P
    return X3, (R * (V - X3) - Y1 * HHH) % P, Z1 * H % P


def _add(X1: int, Y1: int, Z1: int, X2: int, Y2: int, Z2: int) -> Jacobian:
    """(X1, Y1, Z1) + (X2, Y2, Z2), both Jacobian (add-1998-cmo-2)."""
    if Z1 == 0:
        return X2, Y2, Z2
    if Z2 == 0:
        return X1, Y1, Z1
    Z1Z1 = Z1 * Z1 % P
    Z2Z2 = Z2 * Z2 % P
    U1 = X1 * Z2Z2 % P
    S1 = Y1 * Z2 * Z2Z2 % P
    H = (X2 * Z1Z1 - U1) % P
    R = (Y2 * Z1 * Z1Z1 - S1) % P
    if H == 0:
        return _double(X1, Y1, Z1) if R == 0 else _INFINITY
    HH = H * H % P
    HHH = H * HH % P
    V = U1 * HH % P
    X3 = (R * R - HHH - 2 * V) % P
    return X3, (R * (V - X3) - S1 * HHH) % P, Z1 * Z2 * H % P


def _to_affine(point: Jacobian) -> Affine | None:
    X, Y, Z = point
    if Z == 0:
        return None
    zinv = pow(Z, -1, P)
    zinv2 = zinv * zinv % P
    return X * zinv2 % P, Y * zinv2 * zinv % P


def _batch_to_affine(points: list[Jacobian]) -> list[Affine]:
    """Affine forms of non-infinite points, with one inversion (Montgomery's trick)."""
    prefix = []
    acc = 1
    for _, _, Z in points:
        prefix.append(acc)
        acc = acc * Z % P
    inv = pow(acc, -1, P)
    out: list[Affine] = [(0, 0)] * len(points)
    for i in range(len(points) - 1, -1, -1):
        X, Y, Z = points[i]
        zinv = inv * prefix[i] % P
        inv = inv * Z % P
        zinv2 = zinv * zinv % P
        out[i] = (X * zinv2 % P, Y * zinv2 * zinv % P)
    return out


class _BaseTable:
    """The fixed-base table, built on first use (so importing costs nothing).
    ``rows[i][j - 1] = j·64ⁱ·G`` for ``j = 1..32``."""

    __slots__ = ("_lock", "_rows")

    def __init__(self) -> None:
        self._lock = allocate_lock()
        self._rows: list[list[Affine]] | None = None

    def rows(self) -> list[list[Affine]]:
        rows = self._rows
        if rows is None:
            with self._lock:
                rows = self._rows
                if rows is None:
                    rows = self._rows = _build_rows()
        return rows


def _build_rows() -> list[list[Affine]]:
    rows: list[list[Affine]] = []
    base: Affine = (GX, GY)
    for _ in range(_DIGITS):
        bx, by = base
        multiples: list[Jacobian] = [(bx, by, 1)]
        for _ in range(_HALF - 1):
            X, Y, Z = multiples[-1]
            multiples.append(_add_mixed(X, Y, Z, bx, by))
        row = _batch_to_affine(multiples)
        rows.append(row)
        # Next row's base: 64·base = 2·(32·base).
        hx, hy = row[-1]
        nxt = _to_affine(_double(hx, hy, 1))
        assert nxt is not None
        base = nxt
    return rows


_TABLE = _BaseTable()


def _signed_digits(k: int) -> list[int]:
    """``k = Σ dᵢ·64ⁱ`` with ``-32 < dᵢ ≤ 32``."""
    digits = []
    while k:
        d = k & _MASK
        k >>= _WINDOW
        if d > _HALF:
            d -= 1 << _WINDOW
            k += 1
        digits.append(d)
    return digits


def _base_multiply_jacobian(k: int) -> Jacobian:
    rows = _TABLE.rows()
    X, Y, Z = _INFINITY
    for i, d in enumerate(_signed_digits(k)):
        if d == 0:
            continue
        if d > 0:
            x2, y2 = rows[i][d - 1]
        else:
            x2, y2 = rows[i][-d - 1]
            y2 = P - y2
        # Mixed addition, inlined: this loop is the signing hot path.
        if Z == 0:
            X, Y, Z = x2, y2, 1
            continue
        Z1Z1 = Z * Z % P
        H = (x2 * Z1Z1 - X) % P
        R = (y2 * Z * Z1Z1 - Y) % P
        if H == 0:
            X, Y, Z = _double(X, Y, Z) if R == 0 else _INFINITY
            continue
        HH = H * H % P
        HHH = H * HH % P
        V = X * HH % P
        X3 = (R * R - HHH - 2 * V) % P
        X, Y, Z = X3, (R * (V - X3) - Y * HHH) % P, Z * H % P
    return X, Y, Z


def base_multiply(k: int) -> Affine | None:
    """``k·G`` in affine coordinates (``None`` for the point at infinity)."""
    return _to_affine(_base_multiply_jacobian(k % N))


def public_point(d: int) -> Affine:
    """The public key ``d·G`` of a private scalar ``1 ≤ d < n``."""
    if not 1 <= d < N:
        raise ValueError("private scalar out of range")
    point = base_multiply(d)
    assert point is not None
    return point


def _wnaf(k: int, width: int = 5) -> list[int]:
    """Width-``width`` NAF of ``k``, least significant digit first."""
    digits = []
    modulus = 1 << width
    half = modulus >> 1
    while k:
        if k & 1:
            d = k % modulus
            if d >= half:
                d -= modulus
            k -= d
        else:
            d = 0
        digits.append(d)
        k >>= 1
    return digits


def _point_multiply_jacobian(k: int, qx: int, qy: int) -> Jacobian:
    """``k·Q`` for an arbitrary affine point Q (w-NAF, width 5)."""
    # Odd multiples Q, 3Q, ..., 15Q, made affine with one inversion.
    X2, Y2, Z2 = _double(qx, qy, 1)
    odd: list[Jacobian] = [(qx, qy, 1)]
    for _ in range(7):
        X, Y, Z = odd[-1]
        odd.append(_add(X, Y, Z, X2, Y2, Z2))
    if any(Z == 0 for _, _, Z in odd):  # impossible for a point of prime order n > 15
        raise ValueError("point of small order")
    table = _batch_to_affine(odd)
    X, Y, Z = _INFINITY
    for d in reversed(_wnaf(k)):
        X, Y, Z = _double(X, Y, Z)
        if d > 0:
            x2, y2 = table[d >> 1]
            X, Y, Z = _add_mixed(X, Y, Z, x2, y2)
        elif d < 0:
            x2, y2 = table[(-d) >> 1]
            X, Y, Z = _add_mixed(X, Y, Z, x2, P - y2)
    return X, Y, Z


# ----------------------------------------------------------------------------- ECDSA


def _bits2int(digest: bytes) -> int:
    # SHA-256 output is exactly qlen = 256 bits: no truncation needed.
    return int.from_bytes(digest, "big")


def rfc6979_nonces(d: int, digest: bytes) -> Iterator[int]:
    """The RFC 6979 (section 3.2) nonces for key ``d`` and message hash
    ``digest`` (SHA-256, HMAC-SHA256 DRBG), in order; the signer takes the
    first that gives ``r ≠ 0`` and ``s ≠ 0`` (the first one, but for
    probability ~2⁻²⁵⁶)."""
    x = d.to_bytes(32, "big")
    h1 = (_bits2int(digest) % N).to_bytes(32, "big")  # bits2octets
    V = b"\x01" * 32
    K = b"\x00" * 32
    K = hmac_sha256(K, V + b"\x00" + x + h1)
    V = hmac_sha256(K, V)
    K = hmac_sha256(K, V + b"\x01" + x + h1)
    V = hmac_sha256(K, V)
    while True:
        V = hmac_sha256(K, V)  # tlen = qlen: one block is enough
        k = int.from_bytes(V, "big")
        if 1 <= k < N:
            yield k
        K = hmac_sha256(K, V + b"\x00")
        V = hmac_sha256(K, V)


def sign_digest(d: int, digest: bytes, *, low_s: bool = False) -> tuple[int, int]:
    """ECDSA signature ``(r, s)`` of the SHA-256 ``digest`` under private key
    ``d``, with the RFC 6979 nonce.  ``low_s`` replaces ``s`` by ``n - s``
    when ``s > n/2`` (both verify)."""
    e = _bits2int(digest)
    for k in rfc6979_nonces(d, digest):
        point = _to_affine(_base_multiply_jacobian(k))
        if point is None:
            continue
        r = point[0] % N
        if r == 0:
            continue
        s = pow(k, -1, N) * (e + r * d) % N
        if s == 0:
            continue
        if low_s and s > N >> 1:
            s = N - s
        return r, s
    raise AssertionError("unreachable")  # pragma: no cover - the nonce generator never ends


def verify_digest(qx: int, qy: int, digest: bytes, r: int, s: int) -> bool:
    """Whether ``(r, s)`` is a valid ECDSA signature of ``digest`` under the
    public key ``(qx, qy)`` (checked to be on the curve).  Uses only public data."""
    if not (1 <= r < N and 1 <= s < N) or not is_on_curve(qx, qy):
        return False
    e = _bits2int(digest)
    w = pow(s, -1, N)
    u1 = e * w % N
    u2 = r * w % N
    X1, Y1, Z1 = _base_multiply_jacobian(u1)
    X2, Y2, Z2 = _point_multiply_jacobian(u2, qx, qy)
    point = _to_affine(_add(X1, Y1, Z1, X2, Y2, Z2))
    return point is not None and point[0] % N == r


# ----------------------------------------------------------------------------- DER


def _der_integer(v: int) -> bytes:
    body = v.to_bytes((v.bit_length() + 8) // 8, "big")  # room for a 0x00 sign byte when the top bit is set
    return b"\x02" + bytes([len(body)]) + body


def encode_der_signature(r: int, s: int) -> bytes:
    """``SEQUENCE { INTEGER r, INTEGER s }`` (X9.62 / RFC 3279), DER."""
    body = _der_integer(r) + _der_integer(s)
    return b"\x30" + bytes([len(body)]) + body


def _read_der_integer(data: bytes, pos: int) -> tuple[int, int] | None:
    if pos + 2 > len(data) or data[pos] != 0x02:
        return None
    length = data[pos + 1]
    start = pos + 2
    end = start + length
    if length == 0 or length > 33 or end > len(data):
        return None
    body = data[start:end]
    if body[0] & 0x80:  # negative
        return None
    if length > 1 and body[0] == 0 and not body[1] & 0x80:  # not minimal
        return None
    return int.from_bytes(body, "big"), end


def decode_der_signature(data: bytes) -> tuple[int, int] | None:
    """``(r, s)`` from a strict DER ECDSA signature, or ``None`` when it is
    not one (long-form lengths, non-minimal integers, trailing bytes, ...)."""
    if len(data) < 8 or data[0] != 0x30 or data[1] != len(data) - 2:
        return None
    first = _read_der_integer(data, 2)
    if first is None:
        return None
    r, pos = first
    second = _read_der_integer(data, pos)
    if second is None:
        return None
    s, pos = second
    if pos != len(data):
        return None
    return r, s
