"""ECDSA P-256 over SHA-256 for SigV4a (``AWS4-ECDSA-P256-SHA256``): the two
backends (pure Python in :mod:`sigv4.core._p256`, or the optional ``cryptography``
package, imported on first use), the public key and signature verification.

Where it sits: :mod:`sigv4.core.sigv4a` derives the private key from the
credentials (SP 800-108 KDF) and caches it; its :class:`~sigv4.core.sigv4a.EcdsaSigningKey`
signs through :func:`backend_api` here.  This module holds everything that needs
only public data: :class:`EcdsaPublicKey` (``.verify``), :func:`verify_signature`,
:func:`public_key_from_hex`, and the choice of backend (``backend=`` ``"auto"``,
``"pure"`` or ``"cryptography"``; :func:`cryptography_available` tells which
``"auto"`` picks).  Every name is re-exported by :mod:`sigv4.core.sigv4a`.

A signature is the hex of the DER-encoded ECDSA signature of SHA-256 of the
UTF-8 string to sign; both backends apply the same strict DER rules and range
checks before verifying, so they accept exactly the same signatures.
"""

from __future__ import annotations

from _thread import allocate_lock

from . import _p256
from .errors import SigningError

TYPE_CHECKING = False  # not typing's: importing typing costs a few ms
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "EcdsaPublicKey",
    "cryptography_available",
    "public_key_from_hex",
    "verify_signature",
]

_BACKENDS = ("auto", "pure", "cryptography")
# Shared with sigv4.core.sigv4a (EcdsaSigningKey.sign), not part of the public API:
# message_bytes(string_to_sign) and backend_api(backend).

# ----------------------------------------------------------------------------- input checks


def message_bytes(string_to_sign: object) -> bytes:
    if isinstance(string_to_sign, str):
        try:
            encoded: bytes | None = string_to_sign.encode("utf-8")
        except UnicodeEncodeError:
            encoded = None
        if encoded is None:
            raise SigningError("string_to_sign", "must be valid Unicode text (no lone surrogates)")
        return encoded
    if isinstance(string_to_sign, (bytes, bytearray, memoryview)):
        return bytes(string_to_sign)
    raise SigningError("string_to_sign", f"must be a str or bytes, not {type(string_to_sign).__name__}")


def _check_backend(backend: object) -> str:
    if backend not in _BACKENDS:
        raise SigningError("backend", "must be 'auto', 'pure' or 'cryptography'")
    return str(backend)


def _signature_bytes(signature: object) -> bytes | None:
    """The DER bytes of a hex signature, or ``None`` when it is not hex."""
    if not isinstance(signature, str):
        raise SigningError("signature", f"must be a hex str, not {type(signature).__name__}")
    if not signature.isascii():
        return None
    try:
        raw: bytes | None = bytes.fromhex(signature)
    except ValueError:
        raw = None
    # fromhex skips whitespace: a strict hex string has exactly two digits per byte.
    return raw if raw is not None and 2 * len(raw) == len(signature) else None


# ----------------------------------------------------------------------------- optional cryptography


class _Cryptography:
    """The ``cryptography`` package, imported on first use (or found missing once)."""

    __slots__ = ("_api", "_lock", "_tried")

    def __init__(self) -> None:
        self._lock = allocate_lock()
        self._tried = False
        self._api: dict[str, Any] | None = None

    def api(self) -> dict[str, Any] | None:
        if not self._tried:
            with self._lock:
                if not self._tried:
                    self._api = _load_cryptography()
                    self._tried = True
        return self._api


def _load_cryptography() -> dict[str, Any] | None:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        return None
    # RFC 6979 nonces (cryptography >= 44 on OpenSSL >= 3.2): then both paths give the same bytes.
    algorithm = ec.ECDSA(hashes.SHA256())
    deterministic = False
    try:
        candidate = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)  # type: ignore[call-arg, unused-ignore]
        probe = ec.derive_private_key(1, ec.SECP256R1())
        probe.sign(b"", candidate)
        algorithm, deterministic = candidate, True
    except Exception:  # noqa: S110 - older cryptography or OpenSSL: randomised nonces, equally valid
        pass
    return {
        "ec": ec,
        "curve": ec.SECP256R1(),
        "algorithm": algorithm,
        "deterministic": deterministic,
        "InvalidSignature": InvalidSignature,
    }


_CRYPTOGRAPHY = _Cryptography()


def cryptography_available() -> bool:
    """Whether ``backend="auto"`` signs and verifies with the ``cryptography`` package."""
    return _CRYPTOGRAPHY.api() is not None


def backend_api(backend: str) -> dict[str, Any] | None:
    backend = _check_backend(backend)
    if backend == "pure":
        return None
    api = _CRYPTOGRAPHY.api()
    if api is None and backend == "cryptography":
        raise SigningError("backend", "the cryptography package is not installed")
    return api


# ----------------------------------------------------------------------------- the public key


class EcdsaPublicKey:
    """A P-256 public key (checked to lie on the curve)."""

    __slots__ = ("_native", "x", "y")

    def __init__(self, x: int, y: int) -> None:
        if type(x) is not int or type(y) is not int or not _p256.is_on_curve(x, y):
            raise SigningError("public_key", "must be a point of the P-256 curve")
        self.x = x
        self.y = y
        self._native: Any = None

    def to_bytes(self) -> bytes:
        """Uncompressed SEC 1 encoding: ``04 ‖ X ‖ Y`` (65 bytes)."""
        return b"\x04" + self.x.to_bytes(32, "big") + self.y.to_bytes(32, "big")

    def hex(self) -> str:
        return self.to_bytes().hex()

    def verify(self, string_to_sign: str | bytes, signature: str, *, backend: str = "auto") -> bool:
        """Whether ``signature`` (hex DER) is this key's ECDSA signature of
        SHA-256(``string_to_sign``).  Malformed signatures are ``False``."""
        message = message_bytes(string_to_sign)
        api = backend_api(backend)
        der = _signature_bytes(signature)
        if der is None:
            return False
        rs = _p256.decode_der_signature(der)  # the same strict DER rules on both paths
        if rs is None:
            return False
        r, s = rs
        if not (1 <= r < _p256.N and 1 <= s < _p256.N):
            return False
        if api is None:
            return _p256.verify_digest(self.x, self.y, _p256.sha256(message).digest(), r, s)
        native = self._native
        if native is None:
            native = self._native = api["ec"].EllipticCurvePublicNumbers(self.x, self.y, api["curve"]).public_key()
        try:
            native.verify(der, message, api["algorithm"])
        except api["InvalidSignature"]:
            return False
        return True

    def __reduce__(self) -> tuple[object, ...]:
        return (EcdsaPublicKey, (self.x, self.y))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EcdsaPublicKey) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self) -> int:
        return hash((self.x, self.y))

    def __repr__(self) -> str:
        return f"EcdsaPublicKey(x=0x{self.x:064x}, y=0x{self.y:064x})"


def public_key_from_hex(x_hex: str, y_hex: str | None = None) -> EcdsaPublicKey:
    """A public key from hex coordinates (``public-key.json``'s ``X`` and ``Y``),
    or, with one argument, from the hex of the uncompressed point ``04‖X‖Y``."""
    values = [x_hex] if y_hex is None else [x_hex, y_hex]
    parsed: list[bytes] = []
    for value in values:
        raw = _signature_bytes(value) if isinstance(value, str) else None
        if raw is None:
            raise SigningError("public_key", "must be hex coordinates (X, Y) or the hex of 04||X||Y")
        parsed.append(raw)
    if y_hex is None:
        point = parsed[0]
        if len(point) != 65 or point[0] != 4:
            raise SigningError("public_key", "an uncompressed point is 65 bytes starting with 04")
        parsed = [point[1:33], point[33:]]
    if any(len(c) > 32 for c in parsed):
        raise SigningError("public_key", "a coordinate is at most 32 bytes")
    return EcdsaPublicKey(int.from_bytes(parsed[0], "big"), int.from_bytes(parsed[1], "big"))


def verify_signature(
    public_key: EcdsaPublicKey | tuple[int, int] | bytes,
    string_to_sign: str | bytes,
    signature: str,
    *,
    backend: str = "auto",
) -> bool:
    """Whether ``signature`` (hex DER) signs ``string_to_sign`` under ``public_key``
    (an :class:`EcdsaPublicKey`, an ``(x, y)`` pair, or the 65-byte uncompressed point)."""
    if isinstance(public_key, EcdsaPublicKey):
        key = public_key
    elif isinstance(public_key, tuple) and len(public_key) == 2:
        key = EcdsaPublicKey(public_key[0], public_key[1])
    elif isinstance(public_key, (bytes, bytearray)) and len(public_key) == 65 and public_key[0] == 4:
        key = EcdsaPublicKey(int.from_bytes(public_key[1:33], "big"), int.from_bytes(public_key[33:], "big"))
    else:
        raise SigningError("public_key", "must be an EcdsaPublicKey, an (x, y) pair or a 65-byte uncompressed point")
    return key.verify(string_to_sign, signature, backend=backend)
