"""aws-chunked streaming uploads: the published AWS examples, the wire format, the API contract.

Expected values come from the S3 API Reference examples (vectors/s3-examples.json) and from
botocore 1.44.8's ``AwsChunkedWrapper`` (the unsigned-trailer wire format); the server tests
are in test_e2e_streaming.py.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zlib
from base64 import b64encode
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sigv4
from sigv4.core.errors import PayloadError
from sigv4.core.streaming import (
    MIN_CHUNK_SIZE,
    STREAMING_PAYLOAD,
    STREAMING_PAYLOAD_TRAILER,
    STREAMING_UNSIGNED_PAYLOAD_TRAILER,
    ChunkSigner,
    chunk_string_to_sign,
    encoded_length,
    sign_chunked,
    trailer_string_to_sign,
)
from tests.vectorlib import load_s3_examples

EXAMPLES = {e["id"]: e for e in load_s3_examples()}
CHUNKED_IDS = ["chunked-put-object", "chunked-put-object-trailer"]
NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
URL = "https://examplebucket.s3.amazonaws.com/some/key.bin"


def _bytes(spec: dict[str, Any]) -> bytes:
    if "repeat" in spec:
        return spec["repeat"].encode("ascii") * spec["length"]
    return spec["text"].encode("utf-8")


def _example_time(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def _auth_parts(authorization: str) -> dict[str, str]:
    algorithm, _, rest = authorization.partition(" ")
    parts = {"algorithm": algorithm}
    for item in rest.split(","):
        key, _, value = item.strip().partition("=")
        parts[key] = value
    return parts


def _sign_example(example: dict[str, Any]) -> sigv4.SignedRequest:
    signer = sigv4.Signer(sigv4.Credentials(example["access_key"], example["secret_key"]), example["region"], example["service"])
    # The headers the caller supplies: everything on the page except what sign_chunked adds
    # itself. Content-Length is passed (and so signed) only where the page signs it.
    added = {"host", "x-amz-date", "x-amz-content-sha256", "content-encoding", "x-amz-decoded-content-length", "x-amz-trailer"}
    signed = set(example["signed_headers"].split(";"))
    headers = [(k, v) for k, v in example["headers"] if k.lower() not in added and k.lower() in signed]
    trailer = None
    if "trailer" in example:
        name = example["trailer"]["headers"][0][0]
        trailer = name.removeprefix("x-amz-checksum-")
    return signer.sign_chunked(
        example["method"],
        f"https://{example['host']}{example['path']}",
        _bytes(example["body"]),
        chunk_size=example["chunk_size"],
        headers=headers,
        trailer=trailer,
        now=_example_time(example["timestamp"]),
    )


# ---------------------------------------------------------------- the published examples


@pytest.mark.parametrize("example_id", CHUNKED_IDS)
def test_vector_seed_request(example_id: str) -> None:
    example = EXAMPLES[example_id]
    signed = _sign_example(example)
    assert signed.canonical_request == example["canonical_request"]
    assert signed.string_to_sign == example["string_to_sign"]
    assert signed.signature == example["signature"]
    assert ";".join(signed.signed_headers) == example["signed_headers"]
    for name, value in example["headers"]:
        if name.lower() in ("host", "content-length"):
            continue
        sent = {k.lower(): v for k, v in signed.headers.items()}
        assert sent[name.lower()] == value, name


def test_vector_authorization_header_plain() -> None:
    example = EXAMPLES["chunked-put-object"]
    signed = _sign_example(example)
    assert _auth_parts(signed.headers["Authorization"]) == _auth_parts(example["authorization"])
    # The page signs Content-Length, with the encoded length: ours must be that value.
    assert signed.headers["Content-Length"] == dict(example["headers"])["Content-Length"] == str(len(signed.body))  # type: ignore[arg-type]


def test_vector_authorization_header_trailer_follows_canonical_request() -> None:
    """The page's Authorization header lists SignedHeaders (with content-length, without
    x-amz-trailer) inconsistent with its own canonical request, string to sign and
    signature, which agree with each other. We follow the canonical request."""
    example = EXAMPLES["chunked-put-object-trailer"]
    signed = _sign_example(example)
    ours = _auth_parts(signed.headers["Authorization"])
    published = _auth_parts(example["authorization"])
    assert published["SignedHeaders"] == example["authorization_signed_headers"] != example["signed_headers"]
    assert ours["SignedHeaders"] == example["signed_headers"]
    assert ours["Signature"] == published["Signature"] == example["signature"]
    assert ours["Credential"] == published["Credential"]
    # Content-Length is not signed here; the page's value (66824) is the trailer-less
    # example's, too short for the trailer bytes. Ours is the true encoded length.
    assert "content-length" not in signed.signed_headers
    assert int(signed.headers["Content-Length"]) == len(b"".join(signed.body)) == len(signed.body)  # type: ignore[arg-type]


@pytest.mark.parametrize("example_id", CHUNKED_IDS)
def test_vector_every_chunk_signature(example_id: str) -> None:
    example = EXAMPLES[example_id]
    signed = _sign_example(example)
    parts = list(signed.body)  # type: ignore[call-overload]
    assert len(parts) == len(example["chunks"])
    previous = signed.signature
    for i, (chunk, part) in enumerate(zip(example["chunks"], parts)):
        data = _bytes(chunk["data"])
        assert len(data) == chunk["size"]
        sts = chunk_string_to_sign(signed.amz_date, signed.credential_scope, previous, hashlib.sha256(data).hexdigest())
        assert sts == chunk["string_to_sign"]
        assert chunk["header"] == f"{chunk['size']:x};chunk-signature={chunk['signature']}"
        head = chunk["header"].encode("ascii") + b"\r\n"
        assert part.startswith(head), i
        if chunk["size"]:
            assert part == head + data + b"\r\n"
        elif "trailer" not in example:
            assert part == head + b"\r\n"  # the final chunk: empty data, then CRLF
        previous = chunk["signature"]


def test_vector_trailer_signature_and_bytes() -> None:
    example = EXAMPLES["chunked-put-object-trailer"]
    trailer = example["trailer"]
    signed = _sign_example(example)
    final = list(signed.body)[-1]  # type: ignore[call-overload]
    last_chunk = example["chunks"][-1]
    assert trailer["canonical_trailer"] == "".join(f"{k}:{v}\n" for k, v in trailer["headers"])
    sts = trailer_string_to_sign(signed.amz_date, signed.credential_scope, last_chunk["signature"], trailer["canonical_trailer"])
    assert sts == trailer["string_to_sign"]
    # On the wire: the final chunk's header line, then the trailer lines, each CRLF-ended,
    # and a closing CRLF ('sent' shows the trailer lines with plain newlines).
    expected = last_chunk["header"] + "\r\n" + trailer["sent"].replace("\n", "\r\n") + "\r\n\r\n"
    assert final == expected.encode("ascii")
    assert f"x-amz-trailer-signature:{trailer['signature']}" in trailer["sent"]
    assert signed.body.checksum == trailer["headers"][0][1]  # type: ignore[attr-defined]


@pytest.mark.parametrize("example_id", CHUNKED_IDS)
def test_vector_chunk_signer_chain(example_id: str) -> None:
    """The lower-level ChunkSigner reproduces the published chain from the seed."""
    example = EXAMPLES[example_id]
    key = sigv4.signing_key(example["secret_key"], example["timestamp"][:8], example["region"], example["service"])
    scope = f"{example['timestamp'][:8]}/{example['region']}/{example['service']}/aws4_request"
    signer = ChunkSigner(key, example["timestamp"], scope, example["signature"])
    for chunk in example["chunks"]:
        assert signer.sign_chunk(_bytes(chunk["data"])) == chunk["signature"]
    if "trailer" in example:
        assert signer.sign_trailer(example["trailer"]["canonical_trailer"]) == example["trailer"]["signature"]
    assert example["secret_key"] not in repr(signer)


# ---------------------------------------------------------------- modes and headers


def _signer(**kw: Any) -> sigv4.Signer:
    return sigv4.Signer(sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "eu-west-1", "s3", **kw)


@pytest.mark.parametrize(
    ("unsigned", "trailer", "mode"),
    [
        (False, None, STREAMING_PAYLOAD),
        (False, "crc32c", STREAMING_PAYLOAD_TRAILER),
        (True, "sha256", STREAMING_UNSIGNED_PAYLOAD_TRAILER),
    ],
)
def test_modes_headers(unsigned: bool, trailer: str | None, mode: str) -> None:
    signed = _signer(unsigned_payload=unsigned).sign_chunked("PUT", URL, b"x" * 20000, trailer=trailer, now=NOW)
    h = signed.headers
    assert h["x-amz-content-sha256"] == mode
    assert signed.canonical_request.endswith("\n" + mode)
    assert h["Content-Encoding"] == "aws-chunked"
    assert h["x-amz-decoded-content-length"] == "20000"
    assert h["Content-Length"] == str(len(b"".join(signed.body)))  # type: ignore[arg-type]
    expected = {"content-encoding", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-decoded-content-length"}
    if trailer:
        assert h["x-amz-trailer"] == f"x-amz-checksum-{trailer}"
        expected.add("x-amz-trailer")
    else:
        assert "x-amz-trailer" not in h
    assert set(signed.signed_headers) == expected


def test_unsigned_payload_without_trailer_is_refused() -> None:
    with pytest.raises(PayloadError) as e:
        _signer(unsigned_payload=True).sign_chunked("PUT", URL, b"x", now=NOW)
    assert e.value.field == "trailer"


def test_content_encoding_is_combined_and_signed() -> None:
    signed = _signer().sign_chunked("PUT", URL, b"x" * 10, headers={"Content-Encoding": "gzip"}, now=NOW)
    assert signed.headers["Content-Encoding"] == "aws-chunked,gzip"
    assert "content-encoding:aws-chunked,gzip\n" in signed.canonical_request
    again = _signer().sign_chunked("PUT", URL, b"x", headers={"content-encoding": "aws-chunked"}, now=NOW)
    assert again.headers["content-encoding"] == "aws-chunked"
    assert "Content-Encoding" not in again.headers


def test_content_length_signed_only_when_passed() -> None:
    s = _signer()
    plain = s.sign_chunked("PUT", URL, b"x" * 9000, now=NOW)
    assert "content-length" not in plain.signed_headers
    passed = s.sign_chunked("PUT", URL, b"x" * 9000, headers={"Content-Length": plain.headers["Content-Length"]}, now=NOW)
    assert "content-length" in passed.signed_headers
    assert passed.headers["Content-Length"] == plain.headers["Content-Length"]
    with pytest.raises(PayloadError) as e:
        s.sign_chunked("PUT", URL, b"x" * 9000, headers={"Content-Length": "9000"}, now=NOW)
    assert plain.headers["Content-Length"] in e.value.rule


@pytest.mark.parametrize(
    "headers",
    [
        {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
        {"X-Amz-Decoded-Content-Length": "5"},
        {"x-amz-trailer": "x-amz-checksum-sha1"},
        {"x-amz-checksum-crc32c": "AAAAAA=="},
    ],
)
def test_conflicting_headers_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(PayloadError):
        _signer().sign_chunked("PUT", URL, b"x" * 10, headers=headers, trailer="crc32c", now=NOW)


def test_matching_headers_are_accepted_once() -> None:
    signed = _signer().sign_chunked(
        "PUT",
        URL,
        b"x" * 10,
        headers={
            "x-amz-content-sha256": STREAMING_PAYLOAD_TRAILER,
            "x-amz-decoded-content-length": "10",
            "x-amz-trailer": "x-amz-checksum-crc32",
        },
        trailer="CRC32",
        now=NOW,
    )
    assert signed.canonical_request.count("x-amz-trailer:") == 1
    assert signed.headers["x-amz-trailer"] == "x-amz-checksum-crc32"


def test_session_token_is_signed_in_seed() -> None:
    creds = sigv4.Credentials("AKIDEXAMPLE", "secret", token="TOKEN/+=")
    signed = sigv4.Signer(creds, "us-east-1", "s3").sign_chunked("PUT", URL, b"abc", now=NOW)
    assert signed.headers["X-Amz-Security-Token"] == "TOKEN/+="
    assert "x-amz-security-token" in signed.signed_headers


def test_provider_is_asked_once_per_upload() -> None:
    calls = []

    class Provider:
        def get_credentials(self) -> sigv4.Credentials:
            calls.append(1)
            return sigv4.Credentials(f"AKID{len(calls)}", f"secret{len(calls)}")

    signed = sigv4.Signer(Provider(), "us-east-1", "s3").sign_chunked("PUT", URL, b"abc" * 5000, now=NOW)
    parts = list(signed.body)  # type: ignore[call-overload]
    assert len(calls) == 1
    # The chunks are chained under the same key as the seed: the spec's chunk string to
    # sign, HMAC-ed with the stdlib under the first credentials' derived key.
    key = b"AWS4secret1"
    for part in ("20240301", "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sts = "\n".join(
        [
            "AWS4-HMAC-SHA256-PAYLOAD",
            signed.amz_date,
            "20240301/us-east-1/s3/aws4_request",
            signed.signature,
            hashlib.sha256(b"").hexdigest(),
            hashlib.sha256(b"abc" * 5000).hexdigest(),
        ]
    )
    expected = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    assert parts[0].startswith(f"3a98;chunk-signature={expected}\r\n".encode())


def test_secret_never_in_repr() -> None:
    signed = sigv4.Signer(sigv4.Credentials("AKID", "SUPERSECRETKEY"), "us-east-1", "s3").sign_chunked("PUT", URL, b"x", now=NOW)
    assert "SUPERSECRETKEY" not in repr(signed) + repr(signed.body)


# ---------------------------------------------------------------- bodies


def _chunks(body: object, **kw: Any) -> bytes:
    signed = _signer().sign_chunked("PUT", URL, body, now=NOW, chunk_size=MIN_CHUNK_SIZE, **kw)
    return b"".join(signed.body)  # type: ignore[arg-type]


def test_sources_give_identical_bodies(tmp_path: Any) -> None:
    data = bytes(range(256)) * 100  # 25600 bytes: 3 full chunks and a partial one
    path = tmp_path / "f.bin"
    path.write_bytes(b"HEAD" + data)
    expected = _chunks(data)
    assert _chunks(bytearray(data)) == expected
    assert _chunks(memoryview(data)) == expected
    assert _chunks([data[:5], data[5:9000], data[9000:]]) == expected
    assert _chunks(iter([data[:1], data[1:30000]]), decoded_length=len(data)) == expected
    assert _chunks((data[i : i + 777] for i in range(0, len(data), 777)), decoded_length=len(data)) == expected
    assert _chunks(iter([b"", data[:8191], data[8191:8193], b"", memoryview(data)[8193:]]), decoded_length=len(data)) == expected
    with open(path, "rb") as f:
        f.seek(4)  # from the current position
        assert _chunks(f) == expected
    with open(path, "rb", buffering=0) as raw:
        raw.seek(4)
        assert _chunks(raw) == expected


class _Trickle(io.RawIOBase):
    """A non-seekable stream that returns at most 1000 bytes per read (a pipe)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), 1000, len(self._data))
        b[:n] = self._data[:n]
        self._data = self._data[n:]
        return n


def test_non_seekable_stream_with_short_reads() -> None:
    data = bytes(range(256)) * 100
    assert _chunks(_Trickle(data), decoded_length=len(data)) == _chunks(data)
    with pytest.raises(PayloadError) as e:
        _chunks(_Trickle(data))
    assert e.value.field == "decoded_length"


def test_stream_is_read_for_exactly_decoded_length() -> None:
    """A non-seekable stream gives decoded_length bytes and is not read further (reading
    on could block); the rest stays in the stream, e.g. for the next multipart part."""
    data = bytes(range(256)) * 100
    stream = _Trickle(data)
    assert _chunks(stream, decoded_length=9000) == _chunks(data[:9000])
    assert stream.read() == data[9000:]
    with pytest.raises(PayloadError, match="ended after 25600 bytes"):
        _chunks(_Trickle(data), decoded_length=len(data) + 1)


def test_one_shot_sources_cannot_be_replayed_but_others_can(tmp_path: Any) -> None:
    s = _signer()
    replayable = s.sign_chunked("PUT", URL, b"y" * 20000, now=NOW)
    assert b"".join(replayable.body) == b"".join(replayable.body)  # type: ignore[arg-type]
    path = tmp_path / "f.bin"
    path.write_bytes(b"z" * 20000)
    with open(path, "rb") as f:
        from_file = s.sign_chunked("PUT", URL, f, now=NOW)
        assert b"".join(from_file.body) == b"".join(from_file.body)  # type: ignore[arg-type]
    once = s.sign_chunked("PUT", URL, iter([b"y" * 20000]), decoded_length=20000, now=NOW)
    assert b"".join(once.body) == b"".join(replayable.body)  # type: ignore[arg-type]
    with pytest.raises(PayloadError):
        list(once.body)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("body", "kw"),
    [
        (iter([b"abc"]), {"decoded_length": 4}),  # too short
        (iter([b"abc", b"de"]), {"decoded_length": 4}),  # too long
        (iter(["text"]), {"decoded_length": 4}),  # not bytes
    ],
)
def test_iterator_length_and_type_are_enforced_while_streaming(body: object, kw: dict[str, Any]) -> None:
    signed = _signer().sign_chunked("PUT", URL, body, now=NOW, **kw)
    with pytest.raises(PayloadError) as e:
        list(signed.body)  # type: ignore[call-overload]
    assert e.value.field == "body"


def test_file_that_changes_after_signing_is_caught(tmp_path: Any) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"a" * 10000)
    with open(path, "rb") as f:
        signed = _signer().sign_chunked("PUT", URL, f, now=NOW)
        path.write_bytes(b"a" * 10001)
        with pytest.raises(PayloadError):
            list(signed.body)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("body", "kw", "field"),
    [
        (b"abc", {"decoded_length": 4}, "decoded_length"),
        (b"abc", {"decoded_length": -1}, "decoded_length"),
        (b"abc", {"decoded_length": True}, "decoded_length"),
        (iter([b"abc"]), {}, "decoded_length"),
        ([b"a", "b"], {}, "body"),
        (12345, {}, "body"),
        (b"abc", {"chunk_size": 8191}, "chunk_size"),
        (b"abc", {"chunk_size": 65536.0}, "chunk_size"),
        (b"abc", {"chunk_size": True}, "chunk_size"),
        (b"abc", {"trailer": "md5"}, "trailer"),
        (b"abc", {"trailer": "crc64nvme"}, "trailer"),
    ],
)
def test_bad_arguments_raise_payload_error(body: object, kw: dict[str, Any], field: str) -> None:
    with pytest.raises(PayloadError) as e:
        _signer().sign_chunked("PUT", URL, body, now=NOW, **kw)
    assert e.value.field == field
    assert isinstance(e.value, sigv4.SigningError)


def test_text_mode_file_is_refused(tmp_path: Any) -> None:
    path = tmp_path / "t.txt"
    path.write_text("hello")
    with open(path) as f:
        signed = _signer().sign_chunked("PUT", URL, f, now=NOW)
        with pytest.raises(PayloadError):
            list(signed.body)  # type: ignore[call-overload]


def test_str_body_is_utf8() -> None:
    assert _chunks("héllo") == _chunks("héllo".encode())


def test_function_and_method_agree() -> None:
    s = _signer()
    a = s.sign_chunked("PUT", URL, b"q" * 9000, now=NOW, trailer="sha1")
    b = sign_chunked(s, "PUT", URL, b"q" * 9000, now=NOW, trailer="sha1")
    assert a.headers == b.headers
    assert list(a.body) == list(b.body)  # type: ignore[call-overload]


# ---------------------------------------------------------------- wire format vs botocore


@pytest.mark.parametrize("algorithm", ["crc32", "sha1", "sha256", "crc32c"])
@pytest.mark.parametrize("size", [0, 1, 8192, 8193, 50000])
def test_unsigned_trailer_body_matches_botocore(algorithm: str, size: int) -> None:
    """botocore's AwsChunkedWrapper writes STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies; ours
    must be byte-identical for the same chunk size. (botocore computes CRC32C only with the
    CRT, so for crc32c its checksum class is given google-crc32c, an independent C one.)"""
    from botocore.httpchecksum import AwsChunkedWrapper, BaseChecksum, Crc32Checksum, Sha1Checksum, Sha256Checksum

    class GoogleCrc32c(BaseChecksum):
        def __init__(self) -> None:
            import google_crc32c

            self._c = google_crc32c.Checksum()

        def update(self, chunk: bytes) -> None:
            self._c.update(chunk)

        def digest(self) -> bytes:
            return bytes(self._c.digest())

    classes = {"crc32": Crc32Checksum, "sha1": Sha1Checksum, "sha256": Sha256Checksum, "crc32c": GoogleCrc32c}
    data = bytes((i * 7 + 3) % 256 for i in range(size))
    wrapper = AwsChunkedWrapper(
        io.BytesIO(data), checksum_cls=classes[algorithm], checksum_name=f"x-amz-checksum-{algorithm}", chunk_size=8192
    )
    expected = wrapper.read()
    signed = _signer(unsigned_payload=True).sign_chunked("PUT", URL, data, chunk_size=8192, trailer=algorithm, now=NOW)
    assert b"".join(signed.body) == expected  # type: ignore[arg-type]
    assert int(signed.headers["Content-Length"]) == len(expected)


# ---------------------------------------------------------------- lengths


@settings(max_examples=200)
@given(
    size=st.integers(0, 70000),
    chunk_size=st.integers(MIN_CHUNK_SIZE, 70000),
    trailer=st.sampled_from([None, "crc32", "crc32c", "sha1", "sha256"]),
    unsigned=st.booleans(),
)
def test_encoded_length_is_exact(size: int, chunk_size: int, trailer: str | None, unsigned: bool) -> None:
    if unsigned and trailer is None:
        return
    data = b"\x5a" * size
    signed = _signer(unsigned_payload=unsigned).sign_chunked("PUT", URL, data, chunk_size=chunk_size, trailer=trailer, now=NOW)
    wire = b"".join(signed.body)  # type: ignore[arg-type]
    assert len(wire) == len(signed.body) == int(signed.headers["Content-Length"])  # type: ignore[arg-type]
    assert encoded_length(size, chunk_size, signed=not unsigned, trailer=trailer) == len(wire)
    # Decode it back: every chunk but the last is exactly chunk_size, data round-trips.
    pos, out, sizes = 0, bytearray(), []
    while True:
        eol = wire.index(b"\r\n", pos)
        n = int(wire[pos:eol].split(b";")[0], 16)
        sizes.append(n)
        if n == 0:
            break
        out += wire[eol + 2 : eol + 2 + n]
        assert wire[eol + 2 + n : eol + 4 + n] == b"\r\n"
        pos = eol + 4 + n
    assert bytes(out) == data
    assert all(n == chunk_size for n in sizes[:-2])
    if trailer is not None:
        digest = {
            "crc32": lambda d: zlib.crc32(d).to_bytes(4, "big"),
            "sha1": lambda d: hashlib.sha1(d).digest(),
            "sha256": lambda d: hashlib.sha256(d).digest(),
            "crc32c": lambda d: __import__("google_crc32c").value(d).to_bytes(4, "big"),
        }[trailer](data)
        assert f"x-amz-checksum-{trailer}:{b64encode(digest).decode()}\r\n".encode() in wire[eol:]


@settings(max_examples=100)
@given(size=st.integers(0, 40000), cuts=st.lists(st.integers(0, 40000), max_size=12), trailer=st.sampled_from([None, "crc32c"]))
def test_any_split_of_an_iterator_gives_the_same_body(size: int, cuts: list[int], trailer: str | None) -> None:
    data = bytes((i * 31 + 7) % 256 for i in range(size))
    bounds = sorted({0, size, *(c for c in cuts if c <= size)})
    pieces = [data[a:b] for a, b in zip(bounds, bounds[1:])]
    assert _chunks(iter(pieces), decoded_length=size, trailer=trailer) == _chunks(data, trailer=trailer)
