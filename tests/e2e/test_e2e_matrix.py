"""The end-to-end matrix: every signing feature, and a tampered variant of each, on four
independent-ish S3 servers on 127.0.0.1.

* JuiceFS (MinIO's S3 layer, Go), SeaweedFS (Go), MiniStack (its own SigV4 code, Python),
  rclone serve s3 (gofakes3, Go).
* Features: header-signed operations (``sigv4.requests.SigV4Auth``) on keys with special
  characters; presigned GET/PUT (``sigv4.client('s3')``); POST policy uploads with conditions
  (``generate_presigned_post`` + a ``requests`` multipart form); aws-chunked uploads
  (``Signer.sign_chunked``) without and with trailers (signed and unsigned).
* Every accepted upload is read back with a botocore-signed GET (an independent signer) and
  compared byte for byte; every tampered request must be refused and store nothing.

What a server does not verify is in ``GAPS`` and becomes ``xfail(strict=True)``: if the server
starts checking it, the run fails and the table must be updated. What a server does not
implement is in ``UNSUPPORTED``: it is left out of that feature's tampered variants (a variant
that is refused whatever is sent proves nothing), its accepted-upload test of a trailer mode
runs as a strict xfail, and what it does instead is asserted by a test of its own at the end.

Results (JuiceFS 1.4.2, SeaweedFS 4.48, MiniStack 1.5.33, rclone 1.75.2): all four accept every
correct header-signed, presigned and plain aws-chunked request here (special-character keys
included) and refuse a wrong secret, another key, a changed signed header, a tampered presigned
URL and a tampered aws-chunked seed signature. The rest is in ``GAPS`` and ``UNSUPPORTED``.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

import sigv4
from sigv4.requests import SigV4Auth
from sigv4.testing import LocalS3Server
from tests.fixtures_s3 import RawResponse, botocore_sign, create_bucket, send

pytestmark = pytest.mark.e2e

FIXTURES = {
    "juicefs": "s3_server",
    "seaweedfs": "seaweed_server",
    "ministack": "ministack_server",
    "rclone": "rclone_server",
}

# feature -> server -> why the server lets the tampered request through (each a strict xfail).
GAPS: dict[str, dict[str, str]] = {
    "payload-hash": {
        "seaweedfs": "SeaweedFS 4.48 does not compare x-amz-content-sha256 with the body",
        "ministack": "MiniStack 1.5.33 signs with the x-amz-content-sha256 it is sent and never hashes the body",
        "rclone": "rclone 1.75.2 does not compare x-amz-content-sha256 with the body",
    },
    "region": {
        "juicefs": "JuiceFS 1.4.2 (MinIO's gateway) accepts any region in the credential scope",
        "seaweedfs": "SeaweedFS 4.48 accepts any region in the credential scope",
        "rclone": "rclone 1.75.2 (gofakes3) accepts any region in the credential scope",
    },
    "chunk-signature": {
        "rclone": "rclone 1.75.2 checks only the seed signature of an aws-chunked upload, no chunk signature",
    },
    "chunk-data": {
        "rclone": "rclone 1.75.2 checks no chunk signature, so changed chunk data is stored",
    },
    "final-chunk-signature": {
        "juicefs": "JuiceFS 1.4.2 does not check the final (empty) chunk's signature",
        "rclone": "rclone 1.75.2 checks no chunk signature",
    },
    "trailer-checksum": {
        "rclone": "rclone 1.75.2 does not check the trailing checksum of an unsigned-trailer upload",
    },
    "trailer-chunk-data": {
        "rclone": "rclone 1.75.2 checks neither chunk signatures nor the trailing checksum: changed data is stored",
    },
    "trailer-signature": {
        "seaweedfs": "SeaweedFS 4.48 does not check x-amz-trailer-signature",
        "ministack": "MiniStack 1.5.33 does not check x-amz-trailer-signature",
    },
}

# feature -> server -> why the feature is left out on that server (see the tests at the end).
UNSUPPORTED: dict[str, dict[str, str]] = {
    "post": {"rclone": "rclone 1.75.2 has no POST object uploads"},
    "signed-trailer": {
        "juicefs": "JuiceFS 1.4.2 refuses both trailer modes (400 XAmzContentSHA256Mismatch) whatever is sent",
        "rclone": "rclone 1.75.2 stores a signed-trailer upload with its chunk framing as the object",
    },
    "unsigned-trailer": {
        "juicefs": "JuiceFS 1.4.2 refuses both trailer modes (400 XAmzContentSHA256Mismatch) whatever is sent",
    },
}

CHUNK = 8192
WRONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY00"

KEYS = {
    "plus": "a+b",
    "tilde": "a~b",
    "equals": "a=b",
    "ampersand": "a&b",
    "question": "a?b",
    "hash": "a#b",
    "percent": "a%41b%",
    "semicolon": "a;b",
    "comma": "a,b",
    "apostrophe": "a'b",
    "bang": "a!b",
    "star": "a*b",
    "parens": "a(b)",
    "space": "a b  c",
    "unicode": "ünïcødé-日本語-€",
    "nested": "d1/d2/d3/leaf.txt",
    "everything": "all + ~ = & ? # % ; , ' ! * ( ) ü/x y.txt",
}


def servers(feature: str | None = None, gap: str | None = None, gaps: dict[str, str] | None = None) -> list[Any]:
    """The server kinds for a test: those that implement ``feature``, each one marked as a strict
    xfail where it has ``gap`` (a key of GAPS) or is named in ``gaps``."""
    excluded = UNSUPPORTED.get(feature or "", {})
    reasons = {**GAPS.get(gap or "", {}), **(gaps or {})}
    return [
        pytest.param(kind, id=kind, marks=[pytest.mark.xfail(strict=True, reason=reasons[kind])] if kind in reasons else [])
        for kind in FIXTURES
        if kind not in excluded
    ]


@dataclass
class Target:
    """One server and a bucket on it, with helpers that sign with its key pair."""

    kind: str
    server: LocalS3Server
    bucket: str

    @property
    def credentials(self) -> sigv4.Credentials:
        return sigv4.Credentials(self.server.access_key, self.server.secret_key)

    def signer(self, *, region: str | None = None, secret: str | None = None, **settings: Any) -> sigv4.Signer:
        credentials = sigv4.Credentials(self.server.access_key, secret or self.server.secret_key)
        return sigv4.Signer(credentials, region or self.server.region, "s3", **settings)

    def client(self) -> Any:
        return sigv4.client(
            "s3",
            region_name=self.server.region,
            endpoint_url=self.server.endpoint,
            aws_access_key_id=self.server.access_key,
            aws_secret_access_key=self.server.secret_key,
        )

    def new_key(self, name: str = "obj") -> str:
        """A key of its own for each test (JuiceFS is a file system: ``x`` and ``x/y`` collide)."""
        return f"{uuid.uuid4().hex[:12]}/{name}"

    def path(self, key: str) -> str:
        return f"/{self.bucket}/{urllib.parse.quote(key, safe='/~')}"

    def url(self, key: str) -> str:
        return self.server.endpoint + self.path(key)

    def stored(self, key: str) -> bytes | None:
        """The object as stored (read with a botocore-signed GET), or None when there is none."""
        response = send(self.server, "GET", self.path(key), headers=botocore_sign(self.server, "GET", self.path(key)))
        if response.status == 404:
            return None
        assert response.status == 200, (response.status, response.body[:300])
        return response.body

    def put_oracle(self, key: str, body: bytes) -> None:
        """Store an object with a botocore-signed PUT (set-up for the read tests)."""
        headers = botocore_sign(self.server, "PUT", self.path(key), body)
        response = send(self.server, "PUT", self.path(key), body, headers)
        assert response.status == 200, (response.status, response.body[:300])


@pytest.fixture(scope="session")
def _buckets() -> dict[str, str]:
    return {}


@pytest.fixture
def target(request: pytest.FixtureRequest, _buckets: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Target]:
    """The server named by the test's ``kind`` parameter, with one bucket per server and session."""
    kind: str = request.param
    server: LocalS3Server = request.getfixturevalue(FIXTURES[kind])
    if kind not in _buckets:
        _buckets[kind] = create_bucket(server)
    for name in list(os.environ):  # sigv4.client must take nothing from the environment
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    yield Target(kind, server, _buckets[kind])


def _code(body: bytes) -> str | None:
    try:
        return ET.fromstring(body).findtext("Code")
    except ET.ParseError:
        return None


def _assert_refused(target: Target, status: int, body: bytes, key: str | None = None) -> None:
    """Refused: no 2xx answer, and (for an upload) nothing stored under ``key``."""
    assert not 200 <= status < 300, (status, body[:300])
    assert status >= 300
    if key is not None:
        assert target.stored(key) is None


def _flip(data: bytes, index: int) -> bytes:
    """``data`` with the byte at ``index`` replaced by another one of the same class."""
    replacement = b"0" if data[index : index + 1] != b"0" else b"1"
    return data[:index] + replacement + data[index + 1 :]


def _body(size: int, seed: str = "") -> bytes:
    import hashlib

    return hashlib.shake_256(f"{seed}{size}".encode()).digest(size) if size else b""


# ============================================================ header-signed operations


@pytest.mark.parametrize("name", list(KEYS))
@pytest.mark.parametrize("target", servers(), indirect=True)
def test_header_signed_operations_on_special_keys(target: Target, name: str) -> None:
    """PUT, GET, HEAD, ListObjectsV2 (prefix), DELETE through ``requests`` + ``SigV4Auth``."""
    key = target.new_key(KEYS[name])
    body = f"body of {key!r}".encode()
    auth = SigV4Auth(target.credentials, target.server.region, "s3")
    with requests.Session() as http:
        put = http.put(target.url(key), data=body, auth=auth, headers={"Content-Type": "text/plain"}, timeout=30)
        assert put.status_code == 200, put.text
        assert target.stored(key) == body  # read back by botocore's signature

        get = http.get(target.url(key), auth=auth, timeout=30)
        assert (get.status_code, get.content) == (200, body)
        head = http.head(target.url(key), auth=auth, timeout=30)
        assert (head.status_code, head.headers["Content-Length"]) == (200, str(len(body)))

        listed = http.get(
            f"{target.server.endpoint}/{target.bucket}", params={"list-type": "2", "prefix": key}, auth=auth, timeout=30
        )
        assert listed.status_code == 200, listed.text
        names = [el.text for el in ET.fromstring(listed.content).iter() if el.tag.rsplit("}", 1)[-1] == "Key"]
        assert names == [key]

        deleted = http.delete(target.url(key), auth=auth, timeout=30)
        assert deleted.status_code == 204, deleted.text
    assert target.stored(key) is None


def _signed_put(target: Target, key: str, body: bytes, **kwargs: Any) -> sigv4.SignedRequest:
    return target.signer(**kwargs).sign("PUT", target.url(key), headers={"x-amz-meta-colour": "blue"}, body=body)


def _send_put(target: Target, key: str, body: bytes, headers: dict[str, str]) -> RawResponse:
    return send(target.server, "PUT", target.path(key), body, headers)


@pytest.mark.parametrize("target", servers(), indirect=True)
def test_header_signed_put_is_accepted(target: Target) -> None:
    """The baseline of the tampered variants below: the same request, untouched."""
    key = target.new_key(KEYS["everything"])
    signed = _signed_put(target, key, b"hello")
    response = _send_put(target, key, b"hello", signed.headers)
    assert response.status == 200, response.body
    assert target.stored(key) == b"hello"


@pytest.mark.parametrize("target", servers(), indirect=True)
def test_header_signed_wrong_secret_is_refused(target: Target) -> None:
    key = target.new_key()
    signed = _signed_put(target, key, b"hello", secret=WRONG_SECRET)
    response = _send_put(target, key, b"hello", signed.headers)
    assert (response.status, response.error_code) == (403, "SignatureDoesNotMatch")
    assert target.stored(key) is None


@pytest.mark.parametrize("target", servers(), indirect=True)
def test_header_signed_for_another_key_is_refused(target: Target) -> None:
    key = target.new_key(KEYS["everything"])
    signed = _signed_put(target, key, b"hello")
    other = key.replace("+", " ")  # what a decoder that takes '+' for a space would see
    response = _send_put(target, other, b"hello", signed.headers)
    assert (response.status, response.error_code) == (403, "SignatureDoesNotMatch")
    assert target.stored(other) is None


@pytest.mark.parametrize("target", servers(), indirect=True)
def test_header_signed_header_changed_is_refused(target: Target) -> None:
    key = target.new_key()
    headers = dict(_signed_put(target, key, b"hello").headers)
    headers["x-amz-meta-colour"] = "red"
    response = _send_put(target, key, b"hello", headers)
    assert (response.status, response.error_code) == (403, "SignatureDoesNotMatch")
    assert target.stored(key) is None


@pytest.mark.parametrize("target", servers(gap="payload-hash"), indirect=True)
def test_header_signed_body_changed_is_refused(target: Target) -> None:
    key = target.new_key()
    signed = _signed_put(target, key, b"hello")
    response = _send_put(target, key, b"jello", signed.headers)  # same length, other bytes
    _assert_refused(target, response.status, response.body, key)


@pytest.mark.parametrize("target", servers(gap="region"), indirect=True)
def test_header_signed_wrong_region_is_refused(target: Target) -> None:
    key = target.new_key()
    signed = _signed_put(target, key, b"hello", region="eu-west-3")
    assert "/eu-west-3/s3/aws4_request" in signed.headers["Authorization"]
    response = _send_put(target, key, b"hello", signed.headers)
    _assert_refused(target, response.status, response.body, key)


# ============================================================ presigned GET / PUT


@pytest.mark.parametrize("name", list(KEYS))
@pytest.mark.parametrize("target", servers(), indirect=True)
def test_presigned_put_then_get(target: Target, name: str) -> None:
    key = target.new_key(KEYS[name])
    body = f"presigned {key!r}".encode()
    s3 = target.client()
    put = s3.generate_presigned_url("put_object", Params={"Bucket": target.bucket, "Key": key}, ExpiresIn=300)
    response = requests.put(put, data=body, timeout=30)
    assert response.status_code == 200, response.text
    assert target.stored(key) == body
    get = s3.generate_presigned_url("get_object", Params={"Bucket": target.bucket, "Key": key}, ExpiresIn=300)
    response = requests.get(get, timeout=30)
    assert (response.status_code, response.content) == (200, body)


def _presigned_get(target: Target, key: str, **kwargs: Any) -> str:
    now = kwargs.pop("now", None)
    expires = kwargs.pop("expires", 300)
    return target.signer(**kwargs).presign("GET", target.url(key), expires, now=now).url


def _tamper_query(url: str, name: str, value: str) -> str:
    parts = urllib.parse.urlsplit(url)
    pairs = [(k, value if k == name else v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    assert name in dict(pairs)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)))


@pytest.fixture
def stored_key(target: Target) -> str:
    key = target.new_key(KEYS["everything"])
    target.put_oracle(key, b"stored")
    return key


@pytest.mark.parametrize("target", servers(), indirect=True)
def test_presigned_get_is_accepted(target: Target, stored_key: str) -> None:
    response = requests.get(_presigned_get(target, stored_key), timeout=30)
    assert (response.status_code, response.content) == (200, b"stored")


@pytest.mark.parametrize("target", servers(), indirect=True)
@pytest.mark.parametrize("variant", ["signature", "expires", "key", "wrong-secret", "expired"])
def test_presigned_get_tampered_is_refused(target: Target, stored_key: str, variant: str) -> None:
    if variant == "signature":
        url = _presigned_get(target, stored_key)
        signature = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Signature"][0]
        url = _tamper_query(url, "X-Amz-Signature", _flip(signature.encode(), 10).decode())
    elif variant == "expires":
        url = _tamper_query(_presigned_get(target, stored_key), "X-Amz-Expires", "301")
    elif variant == "key":
        url = _presigned_get(target, stored_key)
        url = url.replace(urllib.parse.quote(stored_key.split("/")[0]), "0" * 12, 1)
        target.put_oracle("0" * 12 + "/" + stored_key.split("/", 1)[1], b"other")
    elif variant == "wrong-secret":
        url = _presigned_get(target, stored_key, secret=WRONG_SECRET)
    else:  # signed two hours ago, valid for one minute
        url = _presigned_get(target, stored_key, now=datetime.now(timezone.utc) - timedelta(hours=2), expires=60)
    response = requests.get(url, timeout=30)
    # 403; rclone answers an expired URL with 400 AccessDenied (its clock-skew check)
    assert response.status_code in (400, 403), (response.status_code, response.text[:300])
    assert _code(response.content) in ("AccessDenied", "SignatureDoesNotMatch")
    assert response.content != b"stored"


@pytest.mark.parametrize("target", servers(gap="region"), indirect=True)
def test_presigned_get_wrong_region_is_refused(target: Target, stored_key: str) -> None:
    url = _presigned_get(target, stored_key, region="eu-west-3")
    assert "%2Feu-west-3%2Fs3%2Faws4_request" in url
    response = requests.get(url, timeout=30, allow_redirects=False)
    _assert_refused(target, response.status_code, response.content)


@pytest.mark.parametrize("target", servers(), indirect=True)
@pytest.mark.parametrize("variant", ["untouched", "content-type", "key"])
def test_presigned_put_with_signed_content_type(target: Target, variant: str) -> None:
    """A URL for ``ContentType='text/plain'``: only that Content-Type, only that key."""
    key = target.new_key(KEYS["everything"])
    url = target.client().generate_presigned_url(
        "put_object", Params={"Bucket": target.bucket, "Key": key, "ContentType": "text/plain"}, ExpiresIn=300
    )
    content_type, sent_to = "text/plain", key
    if variant == "content-type":
        content_type = "text/html"
    elif variant == "key":
        sent_to = key + "x"
        url = url.replace(urllib.parse.quote(key, safe="/~"), urllib.parse.quote(sent_to, safe="/~"), 1)
    response = requests.put(url, data=b"<b>hi</b>", headers={"Content-Type": content_type}, timeout=30)
    if variant == "untouched":
        assert response.status_code == 200, response.text
        assert target.stored(key) == b"<b>hi</b>"
    else:
        assert response.status_code == 403, (response.status_code, response.text[:300])
        assert target.stored(sent_to) is None


# ============================================================ POST policy uploads


POST_BODY = bytes(range(256)) + b"\r\n--not-a-boundary--\r\n"


def _post_form(target: Target, prefix: str) -> dict[str, Any]:
    post: dict[str, Any] = target.client().generate_presigned_post(
        target.bucket,
        prefix + "${filename}",
        Fields={"Content-Type": "text/plain", "success_action_status": "201"},
        Conditions=[
            ["content-length-range", 1, 1000],
            ["starts-with", "$key", prefix],
            {"Content-Type": "text/plain"},
            {"success_action_status": "201"},
        ],
        ExpiresIn=300,
    )
    return post


def _upload(post: dict[str, Any], content: bytes = POST_BODY, filename: str = "file.bin", **fields: str) -> requests.Response:
    form = {**post["fields"], **fields}
    return requests.post(post["url"], data=form, files={"file": (filename, content)}, allow_redirects=False, timeout=30)


@pytest.mark.parametrize("target", servers("post"), indirect=True)
def test_post_upload_with_conditions_is_accepted(target: Target) -> None:
    prefix = target.new_key("uploads/")
    name = "sp ace+plus=eq&semi;comma,quote'bang!(1)~*.bin"
    response = _upload(_post_form(target, prefix), filename=name)
    assert response.status_code == 201, response.text
    assert target.stored(prefix + name) == POST_BODY


@pytest.mark.parametrize("target", servers("post"), indirect=True)
def test_post_upload_with_a_unicode_key_is_accepted(target: Target) -> None:
    prefix = target.new_key("uploads/")
    key = prefix + "ünïcødé-日本語 €.bin"
    response = _upload(_post_form(target, prefix), key=key)
    assert response.status_code == 201, response.text
    assert target.stored(key) == POST_BODY


@pytest.mark.parametrize(
    "target",
    servers("post", gaps={"ministack": "MiniStack 1.5.33 decodes the UTF-8 filename of the file part as Latin-1"}),
    indirect=True,
)
def test_post_upload_with_a_unicode_filename_is_stored_under_it(target: Target) -> None:
    """Not a signing matter (the policy only bounds the key's prefix): where ${filename} lands."""
    prefix = target.new_key("uploads/")
    response = _upload(_post_form(target, prefix), filename="ünïcødé-日本語.bin")
    assert response.status_code == 201, response.text
    assert target.stored(prefix + "ünïcødé-日本語.bin") == POST_BODY


def _edited_policy(policy: str) -> str:
    document = json.loads(base64.b64decode(policy))
    document["conditions"] = [c for c in document["conditions"] if not (isinstance(c, list) and c[0] == "content-length-range")]
    return base64.b64encode(json.dumps(document).encode()).decode()


@pytest.mark.parametrize("target", servers("post"), indirect=True)
@pytest.mark.parametrize(
    "variant", ["too-large", "key-outside-prefix", "content-type", "extra-field", "edited-policy", "signature", "wrong-secret"]
)
def test_post_upload_tampered_is_refused(target: Target, variant: str) -> None:
    prefix = target.new_key("uploads/")
    post = _post_form(target, prefix)
    content, fields, stored_as = POST_BODY, {}, prefix + "file.bin"
    if variant == "too-large":
        content = b"x" * 1001
    elif variant == "key-outside-prefix":
        stored_as = target.new_key("elsewhere.bin")
        fields = {"key": stored_as}
    elif variant == "content-type":
        fields = {"Content-Type": "text/html"}
    elif variant == "extra-field":
        fields = {"x-amz-meta-extra": "not in the policy"}
    elif variant == "edited-policy":  # the size limit removed, the signature kept
        content, fields = b"x" * 1001, {"policy": _edited_policy(post["fields"]["policy"])}
    elif variant == "signature":
        fields = {"x-amz-signature": _flip(post["fields"]["x-amz-signature"].encode(), 5).decode()}
    else:
        wrong = sigv4.client(
            "s3",
            region_name=target.server.region,
            endpoint_url=target.server.endpoint,
            aws_access_key_id=target.server.access_key,
            aws_secret_access_key=WRONG_SECRET,
        ).generate_presigned_post(target.bucket, prefix + "${filename}", ExpiresIn=300)
        fields = {"policy": wrong["fields"]["policy"], "x-amz-signature": wrong["fields"]["x-amz-signature"]}
        fields["x-amz-date"] = wrong["fields"]["x-amz-date"]
        fields["x-amz-credential"] = wrong["fields"]["x-amz-credential"]
    response = _upload(post, content, **fields)
    _assert_refused(target, response.status_code, response.content, stored_as)


# ============================================================ aws-chunked, no trailer


def _chunked(target: Target, key: str, data: bytes, **kwargs: Any) -> tuple[dict[str, str], bytes, sigv4.SignedRequest]:
    unsigned = kwargs.pop("unsigned_payload", False)
    signer = target.signer(unsigned_payload=True) if unsigned else target.signer()
    signed = signer.sign_chunked("PUT", target.url(key), data, chunk_size=CHUNK, **kwargs)
    wire = b"".join(signed.body)  # type: ignore[arg-type]
    return dict(signed.headers), wire, signed


def _put_wire(target: Target, key: str, headers: dict[str, str], wire: bytes) -> requests.Response:
    return requests.put(target.url(key), data=wire, headers=headers, timeout=60)


@pytest.mark.parametrize("size", [1, 3 * CHUNK + 17])
@pytest.mark.parametrize("target", servers(), indirect=True)
def test_chunked_upload_is_stored(target: Target, size: int) -> None:
    key = target.new_key(KEYS["everything"])
    data = _body(size)
    headers, wire, _ = _chunked(target, key, data)
    response = _put_wire(target, key, headers, wire)
    assert response.status_code == 200, response.text
    assert target.stored(key) == data


def _tampered_chunked(target: Target, key: str, variant: str) -> tuple[dict[str, str], bytes]:
    headers, wire, _ = _chunked(target, key, _body(3 * CHUNK, variant))
    marker = b";chunk-signature="
    if variant == "chunk-signature":  # the second chunk's signature
        wire = _flip(wire, wire.index(marker, 100) + len(marker) + 3)
    elif variant == "chunk-data":  # a byte inside the second chunk
        wire = _flip(wire, wire.index(marker, 100) + 200)
    elif variant == "final-chunk-signature":
        wire = _flip(wire, wire.rindex(b"0" + marker) + len(b"0" + marker) + 3)
    elif variant == "seed-signature":
        headers["Authorization"] = (
            headers["Authorization"][:-5]
            + ("0" if headers["Authorization"][-5] != "0" else "1")
            + (headers["Authorization"][-4:])
        )
    else:
        raise AssertionError(variant)
    return headers, wire


@pytest.mark.parametrize("target", servers(), indirect=True)
def test_chunked_upload_seed_signature_tampered_is_refused(target: Target) -> None:
    key = target.new_key()
    headers, wire = _tampered_chunked(target, key, "seed-signature")
    response = _put_wire(target, key, headers, wire)
    _assert_refused(target, response.status_code, response.content, key)


def _check_chunk_tampering(target: Target, variant: str) -> None:
    key = target.new_key()
    headers, wire = _tampered_chunked(target, key, variant)
    response = _put_wire(target, key, headers, wire)
    _assert_refused(target, response.status_code, response.content, key)


@pytest.mark.parametrize("target", servers(gap="chunk-signature"), indirect=True)
def test_chunked_upload_chunk_signature_tampered_is_refused(target: Target) -> None:
    _check_chunk_tampering(target, "chunk-signature")


@pytest.mark.parametrize("target", servers(gap="chunk-data"), indirect=True)
def test_chunked_upload_chunk_data_tampered_is_refused(target: Target) -> None:
    _check_chunk_tampering(target, "chunk-data")


@pytest.mark.parametrize("target", servers(gap="final-chunk-signature"), indirect=True)
def test_chunked_upload_final_chunk_signature_tampered_is_refused(target: Target) -> None:
    _check_chunk_tampering(target, "final-chunk-signature")


# ============================================================ aws-chunked with a trailer

MODES = {"signed-trailer": False, "unsigned-trailer": True}  # mode -> unsigned_payload


def trailer_cases(gap: str | None = None, *, all_servers: bool = False) -> list[Any]:
    """(server, unsigned) pairs for the servers that implement each trailer mode (all four
    with ``all_servers``: those that do not are then strict xfails)."""
    cases = []
    for mode, unsigned in MODES.items():
        for kind in FIXTURES:
            reason = UNSUPPORTED[mode].get(kind) if all_servers else None
            if kind in UNSUPPORTED[mode] and not all_servers:
                continue
            reason = reason or GAPS.get(gap or "", {}).get(kind)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(kind, unsigned, id=f"{kind}-{mode}", marks=marks))
    return cases


@pytest.mark.parametrize("size", [1, 3 * CHUNK + 17])
@pytest.mark.parametrize(("target", "unsigned"), trailer_cases(all_servers=True), indirect=["target"])
def test_trailer_upload_is_stored(target: Target, size: int, unsigned: bool) -> None:
    key = target.new_key(KEYS["everything"])
    data = _body(size)
    headers, wire, _ = _chunked(target, key, data, trailer="crc32c", unsigned_payload=unsigned)
    response = _put_wire(target, key, headers, wire)
    assert response.status_code == 200, response.text
    assert target.stored(key) == data


@pytest.mark.parametrize(("target", "unsigned"), trailer_cases("trailer-checksum"), indirect=["target"])
def test_trailer_wrong_checksum_is_refused(target: Target, unsigned: bool) -> None:
    key = target.new_key()
    headers, wire, _ = _chunked(target, key, _body(2 * CHUNK), trailer="crc32c", unsigned_payload=unsigned)
    value = wire.rindex(b"x-amz-checksum-crc32c:") + len(b"x-amz-checksum-crc32c:")
    response = _put_wire(target, key, headers, _flip(wire, value))
    _assert_refused(target, response.status_code, response.content, key)


@pytest.mark.parametrize(("target", "unsigned"), trailer_cases("trailer-chunk-data"), indirect=["target"])
def test_trailer_upload_chunk_data_tampered_is_refused(target: Target, unsigned: bool) -> None:
    """Changed data: the chunk signature (signed mode) or the checksum (both modes) must catch it."""
    key = target.new_key()
    headers, wire, _ = _chunked(target, key, _body(2 * CHUNK), trailer="crc32c", unsigned_payload=unsigned)
    response = _put_wire(target, key, headers, _flip(wire, wire.index(b"\r\n") + 100))
    _assert_refused(target, response.status_code, response.content, key)


@pytest.mark.parametrize(
    ("target", "unsigned"), [c for c in trailer_cases("trailer-signature") if not c.values[1]], indirect=["target"]
)
def test_trailer_signature_tampered_is_refused(target: Target, unsigned: bool) -> None:
    key = target.new_key()
    headers, wire, _ = _chunked(target, key, _body(2 * CHUNK), trailer="crc32c", unsigned_payload=unsigned)
    at = wire.rindex(b"x-amz-trailer-signature:") + len(b"x-amz-trailer-signature:") + 3
    response = _put_wire(target, key, headers, _flip(wire, at))
    _assert_refused(target, response.status_code, response.content, key)


# ============================================================ what the excluded servers do


def test_rclone_has_no_post_uploads(rclone_server: LocalS3Server) -> None:
    """Why POST is left out on rclone: a correct form upload is not stored."""
    target = Target("rclone", rclone_server, create_bucket(rclone_server))
    prefix = target.new_key("uploads/")
    response = _upload(_post_form(target, prefix))
    assert not 200 <= response.status_code < 300, response.text
    assert target.stored(prefix + "file.bin") is None


def test_rclone_stores_signed_trailer_uploads_with_their_framing(rclone_server: LocalS3Server) -> None:
    """Why signed trailers are left out on rclone: what it stores is the start of the wire body."""
    target = Target("rclone", rclone_server, create_bucket(rclone_server))
    key = target.new_key()
    data = _body(100)
    headers, wire, _ = _chunked(target, key, data, trailer="crc32c")
    response = _put_wire(target, key, headers, wire)
    assert response.status_code == 200, response.text
    assert target.stored(key) == wire[: len(data)]


@pytest.mark.parametrize("unsigned", [False, True], ids=list(MODES))
def test_juicefs_refuses_trailer_uploads(s3_server: LocalS3Server, unsigned: bool) -> None:
    """Why trailers are left out on JuiceFS: a correct upload is refused."""
    target = Target("juicefs", s3_server, create_bucket(s3_server))
    key = target.new_key()
    headers, wire, _ = _chunked(target, key, _body(100), trailer="crc32c", unsigned_payload=unsigned)
    response = _put_wire(target, key, headers, wire)
    assert (response.status_code, _code(response.content)) == (400, "XAmzContentSHA256Mismatch")
    assert target.stored(key) is None


def test_ministack_root_key_is_not_verified(ministack_server: LocalS3Server) -> None:
    """Why the tests use an IAM user on MiniStack: its root key passes with any secret."""
    target = Target("ministack", ministack_server, create_bucket(ministack_server))
    key = target.new_key()
    root = sigv4.Signer(sigv4.Credentials(ministack_server.root_access_key, WRONG_SECRET), target.server.region, "s3")
    signed = root.sign("PUT", target.url(key), body=b"root")
    assert _send_put(target, key, b"root", signed.headers).status == 200
    user = target.signer(secret=WRONG_SECRET).sign("PUT", target.url(key + "u"), body=b"user")
    response = _send_put(target, key + "u", b"user", user.headers)
    assert (response.status, response.error_code) == (403, "SignatureDoesNotMatch")
