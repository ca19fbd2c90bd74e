"""The checksums S3 accepts in ``x-amz-checksum-*`` headers and trailers, base64-encoded
the way S3 expects them: CRC32 (``zlib``), CRC32C (below), SHA-1 and SHA-256 (``hashlib``).

CRC32C (Castagnoli, reflected polynomial ``0x82F63B78``) is not in the standard library,
so it is written here, table-driven, in two gears:

* short inputs (under 512 bytes) go through the byte table eight bytes per loop turn;
* longer ones are *folded*: the CRC is linear, so a 32-bit word at offset ``p`` of the
  message contributes exactly what the word ``w * x^(8d) mod P`` contributes at offset
  ``p + d``.  Moving the first half of the message onto the second half is therefore a
  fixed 32x32 bit-matrix applied to every word of that half, which is done for all words
  at once with ``bytes.translate`` (16 byte tables per distance) and one big-int XOR.
  Each fold halves the work left; the last few hundred bytes go through the byte table.

That runs at tens of MB/s in CPython (see ``benchmarks/bench_crc32c.py``), several times
the best plain table loop.  Check values: RFC 3720 B.4 and ``crc32c(b"123456789") ==
0xE3069283``.
"""

from __future__ import annotations

import hashlib
import zlib
from binascii import b2a_base64

from .errors import PayloadError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol, Union

    Buffer = Union[bytes, bytearray, memoryview]

    class Checksum(Protocol):
        def update(self, data: Buffer, /) -> None: ...

        def digest(self) -> bytes: ...


__all__ = [
    "ALGORITHMS",
    "checksum_header",
    "checksum_b64",
    "crc32c",
    "new_checksum",
    "Crc32",
    "Crc32c",
]

#: The trailing-checksum algorithms, by the lower-case name the API takes.
ALGORITHMS = ("crc32", "crc32c", "sha1", "sha256")

_POLY = 0x82F63B78  # CRC-32C, reflected
_MASK = 0xFFFFFFFF
_FOLD_MIN = 512  # below this, the byte table is faster than folding


def _byte_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ _POLY if c & 1 else c >> 1
        table.append(c)
    return table


_T0 = _byte_table()
# Slicing-by-8: _T[k][b] is the register after byte b followed by k zero bytes.
_T = [_T0]
for _k in range(1, 8):
    _prev = _T[-1]
    _T.append([(_prev[i] >> 8) ^ _T0[_prev[i] & 0xFF] for i in range(256)])
del _k, _prev


def _crc_table(data: bytes, reg: int) -> int:
    """Advance the raw register ``reg`` over ``data`` with the slicing-by-8 tables."""
    t0, t1, t2, t3, t4, t5, t6, t7 = _T
    n = len(data) & ~7
    it = iter(data[:n])
    for b0, b1, b2, b3, b4, b5, b6, b7 in zip(it, it, it, it, it, it, it, it):
        reg = (
            t7[(reg ^ b0) & 0xFF]
            ^ t6[((reg >> 8) ^ b1) & 0xFF]
            ^ t5[((reg >> 16) ^ b2) & 0xFF]
            ^ t4[(reg >> 24) ^ b3]
            ^ t3[b4]
            ^ t2[b5]
            ^ t1[b6]
            ^ t0[b7]
        )
    for b in data[n:]:
        reg = t0[(reg ^ b) & 0xFF] ^ (reg >> 8)
    return reg


def _gf_mul(a: int, b: int) -> int:
    """a*b mod P, both in the reflected representation (bit 31 is x^0)."""
    r = 0
    for i in range(31, -1, -1):
        if b >> i & 1:
            r ^= a
        a = (a >> 1) ^ _POLY if a & 1 else a >> 1
    return r


def _x_pow_bytes(nbytes: int) -> int:
    """x^(8*nbytes) mod P, reflected: advancing a register over ``nbytes`` zero bytes."""
    result = 1 << 31  # the polynomial 1
    base = 1 << 31
    for _ in range(8):  # x^8
        base = (base >> 1) ^ _POLY if base & 1 else base >> 1
    while nbytes:
        if nbytes & 1:
            result = _gf_mul(result, base)
        base = _gf_mul(base, base)
        nbytes >>= 1
    return result


# Fold tables per distance (a power of two, in bytes): 4 input byte lanes x 4 output
# byte lanes, each a 256-byte table for bytes.translate.
_fold_cache: dict[int, tuple[tuple[bytes, ...], ...]] = {}


def _fold_tables(distance: int) -> tuple[tuple[bytes, ...], ...]:
    tables = _fold_cache.get(distance)
    if tables is None:
        m = _x_pow_bytes(distance)
        lanes = []
        for i in range(4):
            cols = [_gf_mul(1 << (8 * i + bit), m) for bit in range(8)]
            full = [0] * 256
            for b in range(1, 256):
                low = b & -b
                full[b] = full[b ^ low] ^ cols[low.bit_length() - 1]
            lanes.append(tuple(bytes([(v >> (8 * o)) & 0xFF for v in full]) for o in range(4)))
        tables = _fold_cache[distance] = tuple(lanes)
    return tables


def _fold(data: bytes) -> bytes:
    """A shorter message (under _FOLD_MIN bytes) with the same raw CRC from register 0."""
    fb = int.from_bytes
    n = len(data)
    while n >= _FOLD_MIN:
        h = 1 << ((n >> 1).bit_length() - 1)  # a power of two, h <= n/2 (a multiple of 4)
        tables = _fold_tables(h)  # per input byte position: the tables giving output bytes 0..3
        lanes = [data[i:h:4] for i in range(4)]  # input bytes at positions 0..3 of each word
        q = h >> 2
        out = bytearray(h)
        for j in range(4):
            acc = 0
            for lane, table in zip(lanes, tables):
                acc ^= fb(lane.translate(table[j]), "little")
            out[j::4] = acc.to_bytes(q, "little")
        # The first h bytes, moved forward by h, land on the next h bytes.
        data = (fb(out, "little") ^ fb(data[h : 2 * h], "little")).to_bytes(h, "little") + data[2 * h :]
        n -= h
    return data


def crc32c(data: Buffer, crc: int = 0) -> int:
    """CRC-32C of ``data`` as an unsigned int, continuing from ``crc`` like ``zlib.crc32``:
    ``crc32c(b, crc32c(a)) == crc32c(a + b)``."""
    if not isinstance(data, bytes):
        data = bytes(_buffer(data))
    if isinstance(crc, bool) or not isinstance(crc, int) or not 0 <= crc <= _MASK:
        raise PayloadError("crc", "must be an int in 0..2**32-1 (a previous crc32c result)")
    reg = (crc & _MASK) ^ _MASK
    if len(data) >= _FOLD_MIN:
        # Fold the starting register into the first word, then fold from register 0.
        first = int.from_bytes(data[:4], "little") ^ reg
        data = _fold(first.to_bytes(4, "little") + data[4:])
        reg = 0
    return _crc_table(data, reg) ^ _MASK


class Crc32:
    """Running CRC-32 (``zlib.crc32``); ``digest()`` is the 4 big-endian bytes S3 encodes."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: Buffer) -> None:
        self.value = zlib.crc32(_buffer(data), self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


class Crc32c:
    """Running CRC-32C; ``digest()`` is the 4 big-endian bytes S3 encodes."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: Buffer) -> None:
        self.value = crc32c(_buffer(data), self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


def _buffer(data: object) -> Buffer:
    """``data`` if it is bytes-like, else a PayloadError."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return data
    raise PayloadError("data", f"must be bytes, bytearray or memoryview, not {type(data).__name__}")


def _algorithm(name: object) -> str:
    if not isinstance(name, str) or name.lower() not in ALGORITHMS:
        raise PayloadError("trailer", f"must be one of {', '.join(ALGORITHMS)} (any case), got {name!r}")
    return name.lower()


def new_checksum(algorithm: str) -> Checksum:
    """A running checksum (``update``/``digest``) for ``algorithm`` (``"crc32"``, ``"crc32c"``,
    ``"sha1"`` or ``"sha256"``, any case)."""
    name = _algorithm(algorithm)
    if name == "crc32":
        return Crc32()
    if name == "crc32c":
        return Crc32c()
    return hashlib.new(name)


def checksum_header(algorithm: str) -> str:
    """The header (or trailer) that carries ``algorithm``'s value: ``x-amz-checksum-<name>``."""
    return "x-amz-checksum-" + _algorithm(algorithm)


def b64(digest: bytes) -> str:
    """Standard base64 of ``digest``, as S3 writes checksum values."""
    return b2a_base64(digest, newline=False).decode("ascii")


def checksum_b64(algorithm: str, data: Buffer) -> str:
    """The value S3 expects in ``x-amz-checksum-<algorithm>`` for a body ``data``."""
    checksum = new_checksum(algorithm)
    checksum.update(_buffer(data))
    return b64(checksum.digest())
