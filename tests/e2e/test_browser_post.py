"""The upload form in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, installed by ``.ci/install-browser.sh``) driven by selenium.

The page made by :func:`sigv4.s3.form.render_page` is served from a loopback
``http.server``; the browser opens it, a file is set on the file input, the
form is submitted to the JuiceFS gateway, and the object is read back with a
botocore-signed GET and compared byte for byte.

Without chromium, chromedriver or selenium the tests skip locally and fail in CI
(``CI=true``).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import sigv4
from sigv4.s3.form import render_page
from sigv4.s3.post import generate_presigned_post
from sigv4.testing import LocalS3Server
from tests.fixtures_s3 import RawResponse, _admin_request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WAIT_SECONDS = 60  # generous upper bound on a local upload; never an assertion about speed

CONTENT = bytes(range(256)) * 64 + "é ☃\r\n--not-a-boundary--\r\n".encode()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} -- the browser test must run in CI (run .ci/install-browser.sh)", pytrace=False)
    pytest.skip(f"{reason} (install with .ci/install-browser.sh and pip install selenium)")


class _Pages(ThreadingHTTPServer):
    """Serves ``pages`` (path -> HTML) on 127.0.0.1 and records every GET it receives."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: dict[str, str] = {}
        self.hits: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Pages

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        path = urllib.parse.urlsplit(self.path).path
        page = self.server.pages.get(path)
        if page is None and path == "/done":
            page = "<!DOCTYPE html><html><body><p id='done'>uploaded</p></body></html>"
        body = (page or "not found").encode("utf-8")
        self.send_response(200 if page is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def pages() -> Iterator[_Pages]:
    server = _Pages()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(binary) and os.access(binary, os.X_OK)):
            _unavailable(f"{binary} is not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.set_page_load_timeout(WAIT_SECONDS)
        yield driver
    finally:
        driver.quit()


def _wait_for(what: str, check: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def _get(server: LocalS3Server, bucket: str, key: str) -> RawResponse:
    return _admin_request(server, "GET", f"/{bucket}/{urllib.parse.quote(key, safe='/~')}")


def _presign(server: LocalS3Server, bucket: str, key: str, **kwargs: Any) -> dict[str, Any]:
    signer = sigv4.Signer(sigv4.Credentials(server.access_key, server.secret_key), server.region, "s3")
    return generate_presigned_post(signer, f"{server.endpoint}/{bucket}", bucket, key, **kwargs)


def _submit(browser: Any, pages: _Pages, page: str, upload: Path) -> None:
    from selenium.webdriver.common.by import By

    path = f"/form-{len(pages.pages)}.html"
    pages.pages[path] = page
    browser.get(pages.base + path)
    assert browser.execute_script("return document.readyState") == "complete"
    browser.find_element(By.CSS_SELECTOR, "input[type=file][name=file]").send_keys(str(upload))
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()


def _file(tmp_path: Path, name: str, content: bytes = CONTENT) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_browser_upload_default_204(
    browser: Any, pages: _Pages, s3_server: LocalS3Server, s3_bucket: str, tmp_path: Path
) -> None:
    post = _presign(s3_server, s3_bucket, "browser/plain.bin", conditions=[["content-length-range", 1, 10 * 1024 * 1024]])
    _submit(browser, pages, render_page(post), _file(tmp_path, "plain.bin"))
    stored = _wait_for("the object", lambda: (r := _get(s3_server, s3_bucket, "browser/plain.bin")).status == 200 and r)
    assert stored.body == CONTENT


def test_browser_upload_redirect_with_filename(
    browser: Any, pages: _Pages, s3_server: LocalS3Server, s3_bucket: str, tmp_path: Path
) -> None:
    post = _presign(
        s3_server,
        s3_bucket,
        "browser/${filename}",
        fields={"Content-Type": "application/octet-stream"},
        conditions=[["starts-with", "$success_action_redirect", pages.base + "/"], ["starts-with", "$Content-Type", ""]],
    )
    page = render_page(post, success_action_redirect=f"{pages.base}/done")
    _submit(browser, pages, page, _file(tmp_path, "héllo wörld $$.bin"))
    _wait_for("the redirect", lambda: urllib.parse.urlsplit(browser.current_url).path == "/done")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(browser.current_url).query))
    assert query["bucket"] == s3_bucket
    assert query["key"] == "browser/héllo wörld $$.bin"
    assert query["etag"].strip('"') == hashlib.md5(CONTENT).hexdigest()
    assert any(hit.startswith("/done?") for hit in pages.hits)
    stored = _get(s3_server, s3_bucket, "browser/héllo wörld $$.bin")
    assert stored.status == 200
    assert stored.body == CONTENT


def test_browser_upload_status_201(browser: Any, pages: _Pages, s3_server: LocalS3Server, s3_bucket: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    post = _presign(s3_server, s3_bucket, "browser/xml $ key.bin", conditions=[{"success_action_status": "201"}])
    _submit(browser, pages, render_page(post, success_action_status=201), _file(tmp_path, "x.bin"))
    _wait_for("the S3 answer", lambda: urllib.parse.urlsplit(browser.current_url).port == s3_server.port)
    text = _wait_for("the PostResponse", lambda: browser.find_element(By.TAG_NAME, "body").text)
    assert s3_bucket in text
    assert "browser/xml $ key.bin" in text
    assert _get(s3_server, s3_bucket, "browser/xml $ key.bin").body == CONTENT


def test_browser_upload_too_large_is_refused(
    browser: Any, pages: _Pages, s3_server: LocalS3Server, s3_bucket: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    post = _presign(s3_server, s3_bucket, "browser/too-big.bin", conditions=[["content-length-range", 1, 100]])
    _submit(browser, pages, render_page(post), _file(tmp_path, "big.bin"))
    _wait_for("the S3 answer", lambda: urllib.parse.urlsplit(browser.current_url).port == s3_server.port)
    text = _wait_for("the error", lambda: browser.find_element(By.TAG_NAME, "body").text)
    assert "EntityTooLarge" in text
    assert _get(s3_server, s3_bucket, "browser/too-big.bin").status == 404
