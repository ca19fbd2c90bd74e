"""Differential: the end-to-end accept/refuse cases of tests/e2e (header auth, presigned URLs,
POST policies, aws-chunked streams) replayed byte for byte against our verifier (the loopback app
behind ``SigV4Middleware``) and against the JuiceFS gateway (MinIO's S3 layer).

Each case records the (status, S3 error code) each side must answer. Where the verdicts
(accepted / refused) differ, ``why`` says which side is right and on what authority; the table
is printed by ``python -m tests.clients.test_differential``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional
from urllib.parse import quote

import pytest

import sigv4
from sigv4.core.streaming import ChunkSigner
from sigv4.s3.post import generate_presigned_post
from tests.clients.loopback import LoopbackS3
from tests.fixtures_s3 import RawResponse, _admin_request, create_bucket, send

pytestmark = pytest.mark.e2e

Outcome = tuple[int, Optional[str]]  # (status, error code or None)
OK: Outcome = (200, None)
NO_CONTENT: Outcome = (204, None)
SDNM: Outcome = (403, "SignatureDoesNotMatch")
DENIED: Outcome = (403, "AccessDenied")
WRONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY00"
CHUNK = 8192
STORED = "stored/object.txt"


@dataclass
class Target:
    server: Any  # LocalS3Server or LoopbackS3: the same attributes
    bucket: str

    def path(self, key: str) -> str:
        return f"/{self.bucket}/{quote(key, safe='/')}"

    def url(self, key: str) -> str:
        return self.server.endpoint + self.path(key)

    def signer(self, secret: str | None = None, access_key: str | None = None, **settings: Any) -> sigv4.Signer:
        credentials = sigv4.Credentials(access_key or self.server.access_key, secret or self.server.secret_key)
        return sigv4.Signer(credentials, settings.pop("region", self.server.region), "s3", **settings)

    def send(self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Outcome:
        assert url.startswith(self.server.endpoint)
        return _outcome(send(self.server, method, url[len(self.server.endpoint) :], body, headers))


def _outcome(response: RawResponse) -> Outcome:
    return response.status, (response.error_code if response.status >= 300 else None)


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # the e2e test it replays
    run: Callable[[Target], Outcome]
    juicefs: Outcome
    verifier: Outcome
    why: str = ""  # which side is right, when the verdicts differ
    stores: tuple[str, bytes] | None = None  # (key, data) a side that accepts must then hold


def verdict(outcome: Outcome) -> str:
    return "accepted" if outcome[0] < 300 else "refused"


# -- header signing (tests/e2e/test_e2e_adapters.py) ---------------------------------------------


def _put(t: Target, **kw: Any) -> Outcome:
    signed = t.signer(**kw).sign("PUT", t.url("h/object"), headers={"x-amz-meta-owner": "alice"}, body=b"original")
    return t.send("PUT", signed.url, b"original", signed.headers)


def _changed(change: str) -> Callable[[Target], Outcome]:
    def run(t: Target) -> Outcome:
        signed = t.signer().sign("PUT", t.url("h/tampered"), headers={"x-amz-meta-owner": "alice"}, body=b"original")
        headers, url, body = dict(signed.headers), signed.url, b"original"
        if change == "body":
            body = b"tampered"
        elif change == "signed header":
            headers["x-amz-meta-owner"] = "mallory"
        elif change == "unsigned header added":
            headers["x-unsigned-extra"] = "anything"
        else:
            url = url.replace("tampered", "elsewhere")
        return t.send("PUT", url, body, headers)

    return run


def _skewed(t: Target) -> Outcome:
    signed = t.signer().sign("GET", t.url(STORED), now=datetime.now(timezone.utc) - timedelta(minutes=20))
    return t.send("GET", signed.url, headers=signed.headers)


def _host_without_port(t: Target) -> Outcome:
    signed = t.signer().sign("GET", f"http://{t.server.host}/{t.bucket}")
    return t.send("GET", f"{t.server.endpoint}/{t.bucket}", headers=signed.headers)


def _other_region(t: Target) -> Outcome:
    signed = t.signer(region="eu-west-3").sign("GET", t.url(STORED))
    return t.send("GET", signed.url, headers=signed.headers)


def _unsigned_payload(t: Target) -> Outcome:
    signed = t.signer(unsigned_payload=True).sign("PUT", t.url("h/unsigned"), body=b"not hashed")
    assert signed.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    return t.send("PUT", signed.url, b"not hashed", signed.headers)


def _repeated_keys_out_of_order(t: Target) -> Outcome:
    signed = t.signer().sign("GET", f"{t.server.endpoint}/{t.bucket}?x-id=2&x-id=1")
    assert signed.canonical_request.splitlines()[2] == "x-id=1&x-id=2"
    return t.send("GET", signed.url, headers=signed.headers)


def _generic_path_rules(t: Target) -> Outcome:
    url = t.url("100% sure/a b")
    _admin_request(t.server, "PUT", t.path("100% sure/a b"), b"ok")
    signed = t.signer(double_encode_path=True, normalize_path=True).sign("GET", url)
    return t.send("GET", url, headers=signed.headers)


def _curl_upload_without_content_sha256(t: Target) -> Outcome:
    """curl 7.88's ``--aws-sigv4`` with ``-T`` and no ``x-amz-content-sha256``: it signs the
    empty payload's hash (it does not read the file) and sends no payload-hash header."""
    import tempfile

    curl = shutil.which("curl")
    assert curl is not None, "curl is needed"
    with tempfile.NamedTemporaryFile(suffix=".txt") as file:
        file.write(b"a body no signature covers")
        file.flush()
        result = subprocess.run(
            [curl, "-sS", "-w", "\n%{http_code}", "--aws-sigv4", f"aws:amz:{t.server.region}:s3",
             "--user", f"{t.server.access_key}:{t.server.secret_key}", "-T", file.name, t.url("h/curl-bare")],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
    body, _, status = result.stdout.rpartition(b"\n")
    return _outcome(RawResponse(int(status), {}, body))


# -- presigned URLs (tests/e2e/test_e2e_presign.py) ----------------------------------------------


def _presigned(mutate: Callable[[str], str] = lambda url: url) -> Callable[[Target], Outcome]:
    def run(t: Target) -> Outcome:
        signed = t.signer().presign("GET", t.url(STORED), 60)
        return t.send("GET", mutate(signed.url))

    return run


def _flip_last(url: str) -> str:
    return url[:-1] + ("0" if url[-1] != "0" else "1")


def _presigned_at(delta: timedelta) -> Callable[[Target], Outcome]:
    def run(t: Target) -> Outcome:
        signed = t.signer().presign("GET", t.url(STORED), 60, now=datetime.now(timezone.utc) + delta)
        return t.send("GET", signed.url)

    return run


def _presigned_other_method(t: Target) -> Outcome:
    signed = t.signer().presign("GET", t.url(STORED), 60)
    return t.send("DELETE", signed.url)


def _presigned_put(t: Target) -> Outcome:
    signed = t.signer().presign("PUT", t.url("p/put.txt"), 60)
    return t.send("PUT", signed.url, b"presigned put")


def _presigned_signed_header(sent: dict[str, str] | None) -> Callable[[Target], Outcome]:
    def run(t: Target) -> Outcome:
        signed = t.signer().presign("PUT", t.url("p/typed.json"), 60, headers={"Content-Type": "application/json"})
        return t.send("PUT", signed.url, b"{}", sent)

    return run


def _expires(url: str) -> str:
    return url.replace("X-Amz-Expires=60", "X-Amz-Expires=604800")


def _other_key(url: str) -> str:
    return url.replace("object.txt", "object.txu")


# -- POST policies (tests/e2e/test_e2e_post.py) --------------------------------------------------

POST_BODY = bytes(range(256)) * 33 + b"\r\n--boundary-lookalike--\r\n"


def _form(fields: dict[str, str], filename: str, content: bytes) -> tuple[str, bytes]:
    boundary = "----sigv4-differential-" + hashlib.sha256(content).hexdigest()[:16]
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _post(
    key: str = "f/upload.bin",
    *,
    content: bytes = POST_BODY,
    override: dict[str, str] | None = None,
    other_bucket: bool = False,
    edit_policy: bool = False,
    flip_signature: bool = False,
    secret: str | None = None,
    filename: str = "upload.bin",
    **kw: Any,
) -> Callable[[Target], Outcome]:
    def run(t: Target) -> Outcome:
        post = generate_presigned_post(t.signer(secret), f"{t.server.endpoint}/{t.bucket}", t.bucket, key, **kw)
        fields = dict(post["fields"])
        if edit_policy:
            document = json.loads(base64.b64decode(fields["policy"]))
            document["conditions"][0] = ["content-length-range", 1, 10**9]
            fields["policy"] = base64.b64encode(json.dumps(document).encode()).decode()
        if flip_signature:
            signature = fields["x-amz-signature"]
            fields["x-amz-signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
        fields.update(override or {})
        content_type, body = _form(fields, filename, content)
        bucket = create_bucket(t.server) if other_bucket else t.bucket
        return t.send("POST", f"{t.server.endpoint}/{bucket}", body, {"Content-Type": content_type})

    return run


# -- aws-chunked (tests/e2e/test_e2e_streaming.py) -----------------------------------------------


def _data(size: int) -> bytes:
    return hashlib.shake_256(str(size).encode()).digest(size)


def _flip(body: bytes, index: int) -> bytes:
    return body[:index] + (b"0" if body[index : index + 1] != b"0" else b"1") + body[index + 1 :]


def _chunked(corrupt: Callable[[bytes], bytes] = lambda wire: wire, **kw: Any) -> Callable[[Target], Outcome]:
    def run(t: Target) -> Outcome:
        trailer = kw.get("trailer")
        signer = t.signer(unsigned_payload=kw.get("unsigned", False))
        signed = signer.sign_chunked("PUT", t.url(CHUNKED_STORES[0]), CHUNKED_STORES[1], chunk_size=CHUNK, trailer=trailer)
        wire = corrupt(b"".join(signed.body))  # type: ignore[arg-type]
        return t.send("PUT", signed.url, wire, signed.headers)

    return run


def _second_chunk_signature(wire: bytes) -> bytes:
    return _flip(wire, wire.index(b";chunk-signature=", 100) + len(b";chunk-signature="))


def _final_chunk_signature(wire: bytes) -> bytes:
    return _flip(wire, wire.rindex(b"0;chunk-signature=") + len(b"0;chunk-signature="))


def _trailing_checksum(wire: bytes) -> bytes:
    return _flip(wire, wire.rindex(b"x-amz-checksum-crc32c:") + len(b"x-amz-checksum-crc32c:"))


def _declared_length(delta: int) -> Callable[[Target], Outcome]:
    """Every signature right, but x-amz-decoded-content-length (signed, in the seed) is off by ``delta``."""

    def run(t: Target) -> Outcome:
        data = _data(2 * CHUNK + 5)
        signer = t.signer()
        signed = signer.sign_chunked("PUT", t.url("s/declared"), iter([data]), decoded_length=len(data) + delta, chunk_size=CHUNK)
        key = sigv4.signing_key(t.server.secret_key, signed.amz_date[:8], t.server.region, "s3")
        chain = ChunkSigner(key, signed.amz_date, signed.credential_scope, signed.signature)
        wire = b""
        for i in range(0, len(data), CHUNK):
            piece = data[i : i + CHUNK]
            wire += f"{len(piece):x};chunk-signature={chain.sign_chunk(piece)}\r\n".encode() + piece + b"\r\n"
        wire += f"0;chunk-signature={chain.sign_chunk(b'')}\r\n\r\n".encode()
        headers = {**signed.headers, "Content-Length": str(len(wire))}
        return t.send("PUT", signed.url, wire, headers)

    return run


CHUNKED_STORES = ("s/chunked", _data(10 * CHUNK + 123))
JUICEFS_TRAILERS = (
    "JuiceFS 1.4.2 answers every trailer mode 400 XAmzContentSHA256Mismatch whatever is sent; the AWS "
    "streaming vectors, botocore and SeaweedFS (test_e2e_streaming) accept these bytes: the verifier is right"
)

CASES = [
    # header signing
    Case("header-signed PUT", "adapters: test_put_get_head_delete_with_metadata", _put, OK, OK, stores=("h/object", b"original")),
    Case("wrong secret", "adapters: test_wrong_secret_is_refused", lambda t: _put(t, secret=WRONG_SECRET), SDNM, SDNM),
    Case(
        "unknown access key",
        "adapters: test_unknown_access_key_is_refused",
        lambda t: _put(t, access_key="AKIAUNKNOWNKEY000000"),
        (403, "InvalidAccessKeyId"),
        (403, "InvalidAccessKeyId"),
    ),
    Case(
        "body changed after signing",
        "adapters: test_request_changed_after_signing_is_refused[body]",
        _changed("body"),
        (400, "XAmzContentSHA256Mismatch"),
        (400, "XAmzContentSHA256Mismatch"),
    ),
    Case("signed header changed", "adapters: ...[signed header]", _changed("signed header"), SDNM, SDNM),
    Case("path changed", "adapters: ...[path]", _changed("path"), SDNM, SDNM),
    Case("unsigned header added", "issue 13 properties", _changed("unsigned header added"), OK, OK),
    Case(
        "signed 20 minutes ago",
        "presign/adapters: clock skew",
        _skewed,
        (403, "RequestTimeTooSkewed"),
        (403, "RequestTimeTooSkewed"),
    ),
    Case("host signed without its port", "adapters: test_non_default_port_is_signed", _host_without_port, SDNM, SDNM),
    Case(
        "scope for another region",
        "sigv4.testing: JuiceFS does not check the region",
        _other_region,
        OK,
        OK,
        # Both accept: the verifier with regions=None reports the scope for the caller to judge (issue 13).
    ),
    Case("UNSIGNED-PAYLOAD header signing", "adapters: test_unsigned_stream_where_allowed", _unsigned_payload, OK, OK),
    Case(
        "repeated query keys out of order",
        "adapters: test_repeated_query_keys_out_of_order_gateway_deviation",
        _repeated_keys_out_of_order,
        SDNM,
        OK,
        "SigV4 sorts repeated keys by value (botocore agrees, asserted in the e2e test); MinIO keeps arrival "
        "order and refuses what AWS accepts: the verifier is right",
    ),
    Case(
        "generic path rules on S3", "adapters: test_s3_path_is_encoded_once_and_never_normalised", _generic_path_rules, SDNM, SDNM
    ),
    # presigned URLs
    Case("presigned GET", "presign: test_put_get_head_delete", _presigned(), OK, OK),
    Case("presigned PUT", "presign: test_put_get_head_delete", _presigned_put, OK, OK, stores=("p/put.txt", b"presigned put")),
    Case("presigned signature flipped", "presign: test_tampered_signature_is_refused", _presigned(mutate=_flip_last), SDNM, SDNM),
    Case("presigned key changed", "presign: test_tampered_key_is_refused", _presigned(mutate=_other_key), SDNM, SDNM),
    Case("presigned expiry changed", "presign: test_tampered_expiry_is_refused", _presigned(mutate=_expires), SDNM, SDNM),
    Case("presigned URL expired", "presign: test_expired_url_is_refused", _presigned_at(timedelta(hours=-2)), DENIED, DENIED),
    Case("presigned URL dated 1 h ahead", "issue 13 contract: not valid yet", _presigned_at(timedelta(hours=1)), DENIED, DENIED),
    Case("presigned GET sent as DELETE", "presign: test_url_for_another_method_is_refused", _presigned_other_method, SDNM, SDNM),
    Case(
        "presigned signed header not sent",
        "presign: test_signed_headers_must_be_sent",
        _presigned_signed_header(None),
        (400, "AccessDenied"),
        SDNM,
        # Both refuse; MinIO answers 400 AccessDenied ("no signed headers"), S3 403 SignatureDoesNotMatch.
    ),
    Case(
        "presigned signed header changed",
        "presign: test_signed_headers_must_be_sent",
        _presigned_signed_header({"Content-Type": "text/plain"}),
        SDNM,
        SDNM,
    ),
    Case(
        "presigned signed header sent",
        "presign: test_signed_headers_must_be_sent",
        _presigned_signed_header({"Content-Type": "application/json"}),
        OK,
        OK,
    ),
    # POST policies
    Case(
        "POST form",
        "post: test_upload_as_in_the_boto3_guide",
        _post(),
        NO_CONTENT,
        NO_CONTENT,
        stores=("f/upload.bin", POST_BODY),
    ),
    Case(
        "POST ${filename}",
        "post: test_filename_placeholder",
        _post("f/${filename}", filename="héllo $$.bin"),
        NO_CONTENT,
        NO_CONTENT,
    ),
    Case(
        "POST conditions met",
        "post: test_conditions_met",
        _post(
            "f/a.png",
            fields={"Content-Type": "image/png", "x-amz-meta-owner": "zoe", "acl": "private"},
            conditions=[["starts-with", "$Content-Type", "image/"], {"x-amz-meta-owner": "zoe"}, {"acl": "private"}],
        ),
        NO_CONTENT,
        NO_CONTENT,
    ),
    Case(
        "POST success_action_status 201",
        "post: test_success_action_status_201",
        _post(fields={"success_action_status": "201"}, conditions=[{"success_action_status": "201"}]),
        (201, None),
        (201, None),
    ),
    Case(
        "POST too large",
        "post: test_too_large",
        _post(content=b"x" * 11, conditions=[["content-length-range", 1, 10]]),
        (400, "EntityTooLarge"),
        (400, "EntityTooLarge"),
    ),
    Case(
        "POST too small",
        "post: test_too_small",
        _post(content=b"x" * 4, conditions=[["content-length-range", 5, 10]]),
        (400, "EntityTooSmall"),
        (400, "EntityTooSmall"),
    ),
    Case(
        "POST key outside the prefix",
        "post: test_key_outside_the_prefix",
        _post("f/${filename}", override={"key": "else/x"}),
        DENIED,
        DENIED,
    ),
    Case(
        "POST other exact key",
        "post: test_other_key_than_the_exact_one",
        _post("f/exact", override={"key": "f/exact2"}),
        DENIED,
        DENIED,
    ),
    Case(
        "POST wrong Content-Type",
        "post: test_wrong_content_type",
        _post(
            fields={"Content-Type": "image/png"},
            conditions=[["starts-with", "$Content-Type", "image/"]],
            override={"Content-Type": "text/html"},
        ),
        DENIED,
        DENIED,
    ),
    Case(
        "POST field not in the policy",
        "post: test_field_not_in_the_policy",
        _post(override={"x-amz-meta-sneaky": "1"}),
        DENIED,
        DENIED,
    ),
    Case(
        "POST policy edited",
        "post: test_edited_policy",
        _post(content=b"x" * 100, conditions=[["content-length-range", 1, 10]], edit_policy=True),
        SDNM,
        SDNM,
    ),
    Case("POST signature flipped", "post: test_tampered_signature", _post(flip_signature=True), SDNM, SDNM),
    Case("POST wrong secret", "post: test_wrong_secret", _post(secret="not-the-secret-key"), SDNM, SDNM),
    Case(
        "POST policy expired",
        "post: test_expired_policy",
        _post(expires_in=60, now=datetime.now(timezone.utc) - timedelta(hours=1)),
        DENIED,
        DENIED,
    ),
    Case("POST to another bucket", "post: test_other_bucket", _post(other_bucket=True), DENIED, DENIED),
    # aws-chunked
    Case("aws-chunked signed", "streaming: test_upload_with_requests_and_read_back", _chunked(), OK, OK, stores=CHUNKED_STORES),
    Case(
        "aws-chunked chunk signature flipped",
        "streaming: test_corrupted_chunk_signature_is_rejected",
        _chunked(_second_chunk_signature),
        SDNM,
        SDNM,
    ),
    Case(
        "aws-chunked chunk data flipped",
        "streaming: test_corrupted_chunk_data_is_rejected",
        _chunked(lambda w: _flip(w, 2 * CHUNK)),
        SDNM,
        SDNM,
    ),
    Case(
        "aws-chunked final chunk signature flipped",
        "streaming: test_corrupted_final_chunk_signature_is_rejected_by_seaweedfs",
        _chunked(_final_chunk_signature),
        OK,
        SDNM,
        "the final 0-length chunk is signed like any other (AWS's streaming example); JuiceFS never checks it, "
        "SeaweedFS refuses it: the verifier is right",
    ),
    Case(
        "aws-chunked decoded length 1 too long",
        "streaming: test_decoded_length_longer_than_the_chunks_is_rejected",
        _declared_length(+1),
        (500, "InternalError"),
        (400, "IncompleteBody"),
        # Both refuse; JuiceFS with a 500 "unexpected EOF", the verifier with S3's IncompleteBody.
    ),
    Case(
        "aws-chunked decoded length 1 too short",
        "streaming: test_decoded_length_shorter_than_the_chunks_never_stores_the_extra",
        _declared_length(-1),
        OK,
        (400, "IncompleteBody"),
        "JuiceFS stops reading at x-amz-decoded-content-length and stores a truncated object; the signed "
        "length disagrees with the signed chunks, which issue 13 (and S3) refuse: the verifier is right",
    ),
    Case(
        "aws-chunked signed trailer (crc32c)",
        "streaming: test_trailer_modes_on_juicefs_are_refused_by_the_server",
        _chunked(trailer="crc32c"),
        (400, "XAmzContentSHA256Mismatch"),
        OK,
        JUICEFS_TRAILERS,
        stores=CHUNKED_STORES,
    ),
    Case(
        "aws-chunked unsigned trailer (crc32c)",
        "streaming: test_trailer_modes_on_juicefs_are_refused_by_the_server",
        _chunked(trailer="crc32c", unsigned=True),
        (400, "XAmzContentSHA256Mismatch"),
        OK,
        JUICEFS_TRAILERS,
        stores=CHUNKED_STORES,
    ),
    Case(
        "aws-chunked trailing checksum flipped",
        "streaming: test_wrong_trailing_checksum_is_rejected_by_seaweedfs",
        _chunked(_trailing_checksum, trailer="crc32c", unsigned=True),
        (400, "XAmzContentSHA256Mismatch"),
        (400, "BadDigest"),
        # Both refuse, JuiceFS because it refuses every trailer.
    ),
    # a real client's quirk
    Case(
        "curl 7.88 -T without x-amz-content-sha256",
        "tests/clients/test_curl.py",
        _curl_upload_without_content_sha256,
        OK,
        SDNM,
        "MinIO assumes the empty body's hash when x-amz-content-sha256 is absent, matches curl's signature "
        "and stores a body no signature covered; the verifier hashes the body it received, so the signature "
        "does not match (S3 refuses too, 400 InvalidRequest: the header is required): the verifier is right",
    ),
]


def test_cases_are_consistent() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    for case in CASES:
        differ = verdict(case.juicefs) != verdict(case.verifier)
        assert differ == bool(case.why), f"{case.name}: a differing verdict needs a why, an agreeing one none"


@pytest.fixture(params=["juicefs", "wsgi", "asgi"])
def side(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case, side: str, request: pytest.FixtureRequest) -> None:
    if side == "juicefs":
        target = Target(request.getfixturevalue("s3_server"), request.getfixturevalue("s3_bucket"))
    else:
        server = LoopbackS3(interface=side).start()
        request.addfinalizer(server.stop)
        target = Target(server, create_bucket(server))
    stored = _admin_request(target.server, "PUT", target.path(STORED), b"stored content")
    assert stored.status == 200, stored.body
    expected = case.juicefs if side == "juicefs" else case.verifier
    assert case.run(target) == expected
    if case.stores is not None and verdict(expected) == "accepted":
        key, data = case.stores
        read_back = _admin_request(target.server, "GET", target.path(key))
        assert (read_back.status, read_back.body) == (200, data)
    assert not getattr(target.server, "failures", None)  # the loopback app raised nothing


def table() -> str:
    lines = ["| case | replays | JuiceFS | verifier | agree | which is right |", "|---|---|---|---|---|---|"]
    for case in CASES:
        agree = "yes" if verdict(case.juicefs) == verdict(case.verifier) else "NO"

        def cell(outcome: Outcome) -> str:
            return f"{verdict(outcome)} {outcome[0]}" + (f" {outcome[1]}" if outcome[1] else "")

        lines.append(f"| {case.name} | {case.source} | {cell(case.juicefs)} | {cell(case.verifier)} | {agree} | {case.why} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
