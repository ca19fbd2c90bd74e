"""End to end: ``sigv4.urllib.SigV4Handler`` and ``sigv4.aiohttp.SigV4Middleware``
against the JuiceFS S3 gateway, which verifies SigV4 as S3 does (MinIO's S3 layer).
The server's verdict is the oracle."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

import pytest

from sigv4 import Credentials
from sigv4.testing import LocalS3Server
from tests.stubserver import Result

pytestmark = pytest.mark.e2e

KINDS = ("urllib", "aiohttp")
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
KEYS = ["with space.txt", "plus+sign", "tilde~", "equals=sign", "amp&ersand", "percent%sign", "unicode-é-€-日本-😀", "a/b/c.bin"]


def send(
    kind: str,
    server: LocalS3Server,
    method: str,
    url: str,
    *,
    headers: Optional[dict[str, str]] = None,
    body: Any = None,
    secret: Optional[str] = None,
) -> Result:
    creds = Credentials(server.access_key, secret or server.secret_key)
    if kind == "urllib":
        from sigv4.urllib import SigV4Handler

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), SigV4Handler(creds, server.region, "s3"))
        req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
        try:
            with opener.open(req, timeout=30) as r:
                return Result(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read(), [])
        except urllib.error.HTTPError as err:
            return Result(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read(), [])
    import aiohttp
    from yarl import URL

    from sigv4.aiohttp import SigV4Middleware

    async def go() -> Result:
        async with (
            aiohttp.ClientSession(middlewares=(SigV4Middleware(creds, server.region, "s3"),), trust_env=False) as session,
            session.request(method, URL(url, encoded=True), headers=headers, data=body, auto_decompress=False) as r,
        ):
            return Result(r.status, {k.lower(): v for k, v in r.headers.items()}, await r.read(), [])

    return asyncio.run(go())


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _url(server: LocalS3Server, bucket: str, key: str = "") -> str:
    return f"{server.endpoint}/{bucket}/{quote(key, safe='/~')}" if key else f"{server.endpoint}/{bucket}"


def _code(body: bytes) -> Optional[str]:
    try:
        return ET.fromstring(body).findtext("Code")
    except ET.ParseError:
        return None


def test_put_get_head_delete(kind: str, s3_server: LocalS3Server, s3_bucket: str) -> None:
    url = _url(s3_server, s3_bucket, "docs/report.txt")
    body = "résumé\r\n".encode() * 100
    headers = {"Content-Type": "text/plain; charset=utf-8", "x-amz-meta-author": "Zoe"}
    assert send(kind, s3_server, "PUT", url, headers=headers, body=body).status == 200
    got = send(kind, s3_server, "GET", url)
    assert got.status == 200 and got.body == body and got.headers["content-type"] == "text/plain; charset=utf-8"
    head = send(kind, s3_server, "HEAD", url)
    assert head.status == 200 and head.headers["x-amz-meta-author"] == "Zoe"
    assert send(kind, s3_server, "DELETE", url).status == 204
    gone = send(kind, s3_server, "GET", url)
    assert gone.status == 404 and _code(gone.body) == "NoSuchKey"


@pytest.mark.parametrize("key", KEYS)
def test_keys_with_special_characters(kind: str, s3_server: LocalS3Server, s3_bucket: str, key: str) -> None:
    url = _url(s3_server, s3_bucket, key)
    assert send(kind, s3_server, "PUT", url, body=key.encode()).status == 200
    got = send(kind, s3_server, "GET", url)
    assert got.status == 200 and got.body == key.encode()


def test_list_with_prefix_and_delimiter(kind: str, s3_server: LocalS3Server, s3_bucket: str) -> None:
    for key in ("a b/1", "a b/2", "a+b/3", "c"):
        assert send(kind, s3_server, "PUT", _url(s3_server, s3_bucket, key), body=b"x").status == 200
    listing = send(kind, s3_server, "GET", _url(s3_server, s3_bucket) + "?list-type=2&prefix=a%20b%2F&delimiter=%2F&max-keys=10")
    assert listing.status == 200, listing.body
    keys = [e.text for e in ET.fromstring(listing.body).iter(f"{NS}Key")]
    assert keys == ["a b/1", "a b/2"]


def test_file_body_and_content_md5(kind: str, s3_server: LocalS3Server, s3_bucket: str, tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 4096)
    url = _url(s3_server, s3_bucket, "blob.bin")
    with path.open("rb") as f:
        assert send(kind, s3_server, "PUT", url, body=f, headers={"Content-Type": "application/octet-stream"}).status == 200
    assert send(kind, s3_server, "GET", url).body == path.read_bytes()
    bad = send(
        kind,
        s3_server,
        "PUT",
        _url(s3_server, s3_bucket, "x"),
        body=b"hellp",
        headers={"Content-MD5": "XUFAKrxLKna5cZ2REBfFkg=="},
    )
    assert bad.status == 400 and _code(bad.body) == "BadDigest"
    part = send(kind, s3_server, "GET", url, headers={"Range": "bytes=1-3"})
    assert part.status == 206 and part.body == bytes([1, 2, 3])


def test_wrong_secret_is_refused(kind: str, s3_server: LocalS3Server, s3_bucket: str) -> None:
    got = send(kind, s3_server, "GET", _url(s3_server, s3_bucket), secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY00")
    assert got.status == 403 and _code(got.body) == "SignatureDoesNotMatch"
