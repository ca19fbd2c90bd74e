"""Malformed answers from every credential source give ``CredentialsError``, and a
refresh that meets one keeps the valid cached credentials.

Sources: ``AWS_CREDENTIAL_EXPIRATION``, ``credential_process``, the container
endpoint, IMDS, STS ``AssumeRole`` and ``AssumeRoleWithWebIdentity``.  Answers:
an expiration with an offset of 24 hours, garbage or the wrong type, JSON nested
5000 deep, megabytes, bytes that are not UTF-8, XML with an unknown encoding.
Never RecursionError, ValueError, UnicodeDecodeError, LookupError...; nothing
chained; nothing quoted verbatim from the answer, a file or stderr.
"""

from __future__ import annotations

import json
import sys
import threading
import warnings
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sigv4 import Credentials, CredentialsError
from sigv4.providers import (
    AssumeRoleProvider,
    ContainerProvider,
    CredentialsRefreshWarning,
    EnvProvider,
    InstanceMetadataProvider,
    ProcessProvider,
    RefreshableProvider,
    WebIdentityProvider,
)
from sigv4.providers.base import excerpt, parse_expiry

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETMARK"
ROLE = "arn:aws:iam::123456789012:role/demo"


def clean(exc: BaseException) -> None:
    assert exc.__cause__ is None and exc.__context__ is None
    assert SECRET not in str(exc) and SECRET[:16] not in str(exc) and SECRET[-16:] not in str(exc)


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def good_doc(lifetime: timedelta = timedelta(hours=1), token_key: str = "Token") -> dict[str, object]:
    return {
        "AccessKeyId": "ASIAGOODEXAMPLE",
        "SecretAccessKey": "good/secret",
        token_key: "good-token",
        "Expiration": iso(datetime.now(timezone.utc) + lifetime),
    }


def json_with(**changes: object) -> bytes:
    doc = good_doc()
    doc.update(changes)
    return json.dumps(doc).encode()


# The malformed answers of a JSON source (container, IMDS, credential_process).
FUTURE = iso(datetime.now(timezone.utc) + timedelta(days=400))
JSON_ANSWERS = {
    "offset-24h": json_with(Expiration="2030-01-01T00:00:00+24:00"),
    "offset-minutes-60": json_with(Expiration="2030-01-01T00:00:00+05:60"),
    "no-such-day": json_with(Expiration="2030-02-30T00:00:00Z"),
    "year-0": json_with(Expiration="0000-01-01T00:00:00Z"),
    "past-9999-in-utc": json_with(Expiration="9999-12-31T23:30:00-01:00"),
    "expiration-garbage": json_with(Expiration="tomorrow-ish"),
    "expiration-secret-like": json_with(Expiration=SECRET),
    "expiration-arabic-digits": json_with(Expiration="٢٠٣٠-01-01T00:00:00Z"),
    "expiration-int": json_with(Expiration=1893456000),
    "expiration-list": json_with(Expiration=["2030-01-01T00:00:00Z"]),
    "expiration-huge": json_with(Expiration="2" * 500_000),
    "access-key-int": json_with(AccessKeyId=12345),
    "access-key-slash": json_with(AccessKeyId="ASIA/BAD"),
    "secret-nested": json_with(SecretAccessKey={"a": [1, 2]}),
    "token-with-crlf": json_with(Token="tok\r\nX-Evil: 1"),
    "nested-5000": b"[" * 5000 + b"]" * 5000,
    "nested-object-5000": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "nested-open": b"[" * 5000,
    "garbage": b"this is not json \x00\x01 at all",
    "empty": b"",
    "not-utf8": b'{"AccessKeyId": "\xff\xfe\xfd"}',
    "latin1": '{"AccessKeyId": "é"}'.encode("latin-1"),
    "utf16": json.dumps(good_doc()).encode("utf-16"),
    "megabytes": b'{"AccessKeyId": "' + b"A" * (3 << 20) + b'"}',
    "array": b"[1, 2, 3]",
    "huge-int": b'{"AccessKeyId": ' + b"9" * 10000 + b"}",
}
EXPIRATION_TEXTS = {
    "offset-24h": "2030-01-01T00:00:00+24:00",
    "offset-minutes-60": "2030-01-01T00:00:00+05:60",
    "no-such-day": "2030-02-30T00:00:00Z",
    "year-0": "0000-01-01T00:00:00Z",
    "past-9999-in-utc": "9999-12-31T23:30:00-01:00",
    "before-year-1-in-utc": "0001-01-01T00:30:00+01:00",
    "garbage": "tomorrow-ish",
    "secret-like": SECRET,
    "arabic-digits": "٢٠٣٠-01-01T00:00:00Z",
    "surrogate": "2030-01-01T00:00:00Z\ud800",
    "date-only": "2030-01-01",
    "whitespace": "   ",
    "huge": "2" * 1_000_000,
}


# -- parse_expiry itself --------------------------------------------------------------


@pytest.mark.parametrize("text", list(EXPIRATION_TEXTS.values()), ids=list(EXPIRATION_TEXTS))
def test_parse_expiry_refuses(text: str) -> None:
    with pytest.raises(CredentialsError) as info:
        parse_expiry(text, "Expiration")
    assert info.value.field == "Expiration"
    clean(info.value)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("value", [1893456000, 1.5, None, b"2030-01-01T00:00:00Z", ["x"], {"a": 1}, datetime(2030, 1, 1)])
def test_parse_expiry_refuses_other_types(value: object) -> None:
    with pytest.raises(CredentialsError) as info:
        parse_expiry(value, "Expiration")
    clean(info.value)


@pytest.mark.parametrize(
    "text",
    ["2030-01-01T00:00:00Z", "2030-01-01T00:00:00.123456789+05:30", "2030-01-01 00:00:00-0800", "2030-01-01T00:00:00+23:59"],
)
def test_parse_expiry_agrees_with_dateutil_on_good_timestamps(text: str) -> None:
    from dateutil.parser import parse  # what botocore parses them with

    assert parse_expiry(text, "Expiration") == parse(text)


# -- the environment ----------------------------------------------------------------------


@pytest.mark.parametrize("text", list(EXPIRATION_TEXTS.values()), ids=list(EXPIRATION_TEXTS))
def test_env_expiration_malformed(text: str) -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_CREDENTIAL_EXPIRATION": text}
    with pytest.raises(CredentialsError) as info:
        EnvProvider(env).get_credentials()
    assert info.value.field == "AWS_CREDENTIAL_EXPIRATION"
    clean(info.value)


# -- a loopback server answering whatever a test says ----------------------------------------


class RawServer:
    """Answers ``answers[(method, path)]`` (status, body); 404 otherwise."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], tuple[int, bytes]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, body = server.answers.get((self.command, self.path.partition("?")[0]), (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def raw():
    server = RawServer()
    yield server
    server.stop()


IMDS_ROLE = "/latest/meta-data/iam/security-credentials/"


def container(raw: RawServer, clock=None) -> ContainerProvider:
    return ContainerProvider({"AWS_CONTAINER_CREDENTIALS_FULL_URI": raw.url + "/creds"}, timeout=2, attempts=1, clock=clock)


def imds(raw: RawServer, clock=None) -> InstanceMetadataProvider:
    raw.answers[("PUT", "/latest/api/token")] = (200, b"imds-token")
    raw.answers[("GET", IMDS_ROLE)] = (200, b"the-role")
    return InstanceMetadataProvider(endpoint=raw.url, timeout=2, attempts=1, environ={}, clock=clock)


def serve_json(raw: RawServer, kind: str, body: bytes) -> None:
    if kind == "container":
        raw.answers[("GET", "/creds")] = (200, body)
    else:
        raw.answers[("GET", IMDS_ROLE + "the-role")] = (200, body)


@pytest.mark.parametrize("kind", ["container", "imds"])
@pytest.mark.parametrize("answer", list(JSON_ANSWERS), ids=list(JSON_ANSWERS))
def test_http_json_sources_refuse_malformed_answers(raw: RawServer, kind: str, answer: str) -> None:
    provider = container(raw) if kind == "container" else imds(raw)
    serve_json(raw, kind, JSON_ANSWERS[answer])
    with pytest.raises(CredentialsError) as info:
        provider.get_credentials()
    clean(info.value)


@pytest.mark.parametrize(
    "token",
    [b"", b"tok\r\nen", b"tok\x00en", "t\u00e9k".encode(), b"\xff\xfe", b"x" * 5000],
    ids=["empty", "crlf", "nul", "non-ascii", "not-utf8", "huge"],
)
def test_imds_refuses_an_unusable_session_token(raw: RawServer, token: bytes) -> None:
    provider = imds(raw)
    raw.answers[("PUT", "/latest/api/token")] = (200, token)
    with pytest.raises(CredentialsError, match="unusable session token") as info:
        provider.get_credentials()
    clean(info.value)


def test_error_bodies_nested_or_binary_are_summarised_not_raised(raw: RawServer) -> None:
    provider = container(raw)
    for body in (b'{"code":' * 5000, b'{"code": ["x"], "message": {"a": 1}}', b"\xff\xfe<Code>\x00\x1b[31m</Code>"):
        raw.answers[("GET", "/creds")] = (500, body)
        with pytest.raises(CredentialsError) as info:
            provider.get_credentials()
        clean(info.value)
        assert "\x1b" not in str(info.value) and "\x00" not in str(info.value)


# -- STS ----------------------------------------------------------------------------------------

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def sts_xml(expiration: str = FUTURE, **fields: str) -> bytes:
    values = {"AccessKeyId": "ASIASTSEXAMPLE", "SecretAccessKey": "sts/secret", "SessionToken": "sts-token"}
    values.update(fields)
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in values.items())
    return (
        f'<AssumeRoleResponse xmlns="{STS_NS}"><AssumeRoleResult><Credentials>{inner}'
        f"<Expiration>{expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
    ).encode()


STS_ANSWERS = {
    "offset-24h": sts_xml("2030-01-01T00:00:00+24:00"),
    "expiration-garbage": sts_xml("garbage"),
    "expiration-secret-like": sts_xml(SECRET),
    "expiration-empty": sts_xml(""),
    "access-key-slash": sts_xml(AccessKeyId="ASIA/BAD"),
    "token-control": sts_xml(SessionToken="tok&#27;en"),
    "not-xml": b"this is not xml",
    "empty": b"",
    "not-utf8": b"<a>\xff\xfe</a>",
    "unknown-encoding": b'<?xml version="1.0" encoding="no-such-codec"?><a/>',
    "wrong-encoding": b'<?xml version="1.0" encoding="utf-16"?><a/>',
    "nested-100000": b"<a>" * 100_000 + b"</a>" * 100_000,
    "megabytes": b"<a>" + b"x" * (3 << 20) + b"</a>",
    "external-entity": b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
    "no-credentials": f'<AssumeRoleResponse xmlns="{STS_NS}"/>'.encode(),
    "error-with-controls": b"<ErrorResponse><Error><Code>Bad\x1bCode</Code><Message>m\x07</Message></Error></ErrorResponse>",
}


@pytest.fixture
def token_file(tmp_path: Path) -> str:
    path = tmp_path / "web-identity-token"
    path.write_text("oidc-token")
    return str(path)


def sts_provider(kind: str, raw: RawServer, token_file: str, clock=None) -> RefreshableProvider:
    if kind == "assume-role":
        return AssumeRoleProvider(
            Credentials("AKIDSOURCE", "source/secret"), ROLE, endpoint_url=raw.url + "/", timeout=2, attempts=1, clock=clock
        )
    return WebIdentityProvider(ROLE, token_file, endpoint_url=raw.url + "/", timeout=2, attempts=1, clock=clock)


@pytest.mark.parametrize("kind", ["assume-role", "web-identity"])
@pytest.mark.parametrize("answer", list(STS_ANSWERS), ids=list(STS_ANSWERS))
def test_sts_refuses_malformed_answers(raw: RawServer, token_file: str, kind: str, answer: str) -> None:
    raw.answers[("POST", "/")] = (200, STS_ANSWERS[answer])
    with pytest.raises(CredentialsError) as info:
        sts_provider(kind, raw, token_file).get_credentials()
    clean(info.value)
    assert "\x1b" not in str(info.value) and "\x07" not in str(info.value)


def test_a_web_identity_token_file_that_is_not_utf8(raw: RawServer, tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(CredentialsError, match="UnicodeDecodeError") as info:
        WebIdentityProvider(ROLE, str(path), endpoint_url=raw.url + "/").get_credentials()
    clean(info.value)


# -- credential_process ------------------------------------------------------------------------


def process(tmp_path: Path, stdout: bytes, *, code: int = 0, stderr: bytes = b"", clock=None) -> ProcessProvider:
    (tmp_path / "out.bin").write_bytes(stdout)
    (tmp_path / "err.bin").write_bytes(stderr)
    script = tmp_path / "helper.py"
    script.write_text(
        "import sys\n"
        f"sys.stdout.buffer.write(open({str(tmp_path / 'out.bin')!r}, 'rb').read())\n"
        f"sys.stderr.buffer.write(open({str(tmp_path / 'err.bin')!r}, 'rb').read())\n"
        f"sys.exit({code})\n"
    )
    return ProcessProvider(f'{sys.executable} "{script}"', timeout=20, clock=clock)


PROCESS_ANSWERS = {name: body for name, body in JSON_ANSWERS.items() if name not in ("token-with-crlf",)}
PROCESS_ANSWERS.update(
    {
        "version-missing": json.dumps(good_doc(token_key="SessionToken")).encode(),
        "version-string": json.dumps({"Version": "1", **good_doc(token_key="SessionToken")}).encode(),
        "version-true": json.dumps({"Version": True, **good_doc(token_key="SessionToken")}).encode(),
        "version-nested": b'{"Version": ' + b"[" * 900 + b"]" * 900 + b"}",
        "version-secret": json.dumps({"Version": SECRET}).encode(),
        "token-with-crlf": json.dumps({"Version": 1, **good_doc(token_key="SessionToken"), "SessionToken": "a\r\nb"}).encode(),
        "prints-its-secret-as-garbage": f"oops {SECRET} oops".encode(),
    }
)
for name in JSON_ANSWERS:  # the same JSON answers with Version 1, so the other checks are reached
    body = JSON_ANSWERS[name]
    if body.startswith(b'{"AccessKeyId": "ASIAGOOD'):
        doc = json.loads(body)
        doc["SessionToken"] = doc.pop("Token")
        PROCESS_ANSWERS[name] = json.dumps({"Version": 1, **doc}).encode()


@pytest.mark.parametrize("answer", list(PROCESS_ANSWERS), ids=list(PROCESS_ANSWERS))
def test_credential_process_refuses_garbage(tmp_path: Path, answer: str) -> None:
    with pytest.raises(CredentialsError) as info:
        process(tmp_path, PROCESS_ANSWERS[answer]).get_credentials()
    assert info.value.field.startswith("credential_process")
    clean(info.value)
    assert len(str(info.value)) < 300


def test_credential_process_good_answer_for_reference(tmp_path: Path) -> None:
    """The harness itself works: a well-formed answer is accepted."""
    body = json.dumps({"Version": 1, **good_doc(token_key="SessionToken")}).encode()
    assert process(tmp_path, body).get_credentials().access_key == "ASIAGOODEXAMPLE"


@pytest.mark.parametrize(
    "stderr",
    [
        f"error: bad secret {SECRET}\n".encode(),
        SECRET.encode() + b"\n" + b"second line",
        b"\xff\xfe not utf-8 " + SECRET.encode(),
        b"x" * (2 << 20),
        b"\x1b[31mred\x1b[0m " + SECRET.encode(),
    ],
    ids=["secret-in-message", "secret-first", "not-utf8", "megabytes", "escape-codes"],
)
def test_credential_process_stderr_is_never_copied_verbatim(tmp_path: Path, stderr: bytes) -> None:
    with pytest.raises(CredentialsError, match="exited with status 2") as info:
        process(tmp_path, b"", code=2, stderr=stderr).get_credentials()
    clean(info.value)
    message = str(info.value)
    assert f"({len(stderr)} bytes on stderr)" in message
    assert len(message) < 250 and "\x1b" not in message


def test_credential_process_that_cannot_start(tmp_path: Path) -> None:
    for command in (str(tmp_path / "missing"), f"{sys.executable} -c 'print(1)' \x00", "unbalanced 'quote"):
        with pytest.raises(CredentialsError) as info:
            ProcessProvider(command).get_credentials()
        clean(info.value)


# -- a failed refresh keeps valid cached credentials, whatever the failure -----------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).timestamp()

    def __call__(self) -> float:
        return self.now


def refresh_case(provider: RefreshableProvider, clock: Clock, break_source) -> None:
    first = provider.get_credentials()
    assert first.expiry is not None
    clock.now = first.expiry.timestamp() - 120  # inside the refresh window, well before the margin
    break_source()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert provider.get_credentials() is first
    assert [w.category for w in caught] == [CredentialsRefreshWarning]
    assert SECRET not in str(caught[0].message)
    clock.now = first.expiry.timestamp() - 10  # now within the margin: the failure is raised
    with pytest.raises(CredentialsError) as info:
        provider.get_credentials()
    clean(info.value)


REFRESH_BREAKS = ["offset-24h", "nested-5000", "not-utf8", "garbage", "megabytes", "expiration-int"]


@pytest.mark.parametrize("kind", ["container", "imds"])
@pytest.mark.parametrize("answer", REFRESH_BREAKS)
def test_refresh_keeps_cached_credentials_http_json(raw: RawServer, kind: str, answer: str) -> None:
    clock = Clock()
    provider = container(raw, clock) if kind == "container" else imds(raw, clock)
    serve_json(raw, kind, json.dumps(good_doc()).encode())
    refresh_case(provider, clock, lambda: serve_json(raw, kind, JSON_ANSWERS[answer]))


@pytest.mark.parametrize("kind", ["assume-role", "web-identity"])
@pytest.mark.parametrize("answer", ["offset-24h", "not-xml", "not-utf8", "unknown-encoding", "nested-100000"])
def test_refresh_keeps_cached_credentials_sts(raw: RawServer, token_file: str, kind: str, answer: str) -> None:
    clock = Clock()
    provider = sts_provider(kind, raw, token_file, clock)
    raw.answers[("POST", "/")] = (200, sts_xml(iso(datetime.now(timezone.utc) + timedelta(hours=1))))
    refresh_case(provider, clock, lambda: raw.answers.__setitem__(("POST", "/"), (200, STS_ANSWERS[answer])))


@pytest.mark.parametrize("answer", ["offset-24h", "nested-5000", "not-utf8", "garbage", "version-nested"])
def test_refresh_keeps_cached_credentials_process(tmp_path: Path, answer: str) -> None:
    clock = Clock()
    good = json.dumps({"Version": 1, **good_doc(token_key="SessionToken")}).encode()
    provider = process(tmp_path, good, clock=clock)
    refresh_case(provider, clock, lambda: (tmp_path / "out.bin").write_bytes(PROCESS_ANSWERS[answer]))


@pytest.mark.parametrize("text", ["2030-01-01T00:00:00+24:00", "garbage", "2" * 100_000])
def test_refresh_keeps_cached_credentials_env(text: str) -> None:
    clock = Clock()
    env = {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_CREDENTIAL_EXPIRATION": iso(datetime.now(timezone.utc) + timedelta(hours=1)),
    }
    provider = EnvProvider(env, clock=clock)
    refresh_case(provider, clock, lambda: env.__setitem__("AWS_CREDENTIAL_EXPIRATION", text))


class Exploding(RefreshableProvider):
    """A source of the user's own whose second fetch fails in an unforeseen way."""

    method = "custom"

    def __init__(self, error: BaseException, clock: Clock) -> None:
        super().__init__(clock=clock)
        self.error = error
        self.fetches = 0

    def _fetch(self) -> Credentials:
        self.fetches += 1
        if self.fetches > 1:
            raise self.error
        return Credentials("AKIDCUSTOM", SECRET, None, datetime.now(timezone.utc) + timedelta(hours=1))


@pytest.mark.parametrize(
    "error",
    [RecursionError("deep"), ValueError(SECRET), UnicodeDecodeError("utf-8", SECRET.encode(), 0, 1, "bad"), KeyError(SECRET)],
    ids=["RecursionError", "ValueError", "UnicodeDecodeError", "KeyError"],
)
def test_unforeseen_failures_of_a_source_are_credentials_errors(error: BaseException) -> None:
    clock = Clock()
    refresh_case(Exploding(error, clock), clock, lambda: None)


# -- values quoted in messages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2030-01-01T00:00:00+24:00", "'2030-01-01T00:00:00+24:00'"),
        ("IPv5", "'IPv5'"),
        (SECRET, "'<redacted>'"),
        (f"http://user:{SECRET}@example.com/", "'http://user:<redacted>@example.com/'"),
        ("a\x1b[31mb", "'a\\x1b[31mb'"),
        ("x" * 100, "'<redacted>'"),
        ("short words, " * 10, "'short words, short words, short words, s'... (130 characters)"),
        (12, "<int>"),
        (None, "<NoneType>"),
    ],
)
def test_excerpt(value: object, shown: str) -> None:
    assert excerpt(value) == shown


def test_a_secret_split_by_the_cut_is_still_redacted() -> None:
    text = "k" * 30 + " " + SECRET
    assert SECRET[:8] not in excerpt(text)


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (f"metadata_service_timeout = {SECRET}", "metadata_service_timeout"),
        (f"metadata_service_num_attempts = {SECRET}", "metadata_service_num_attempts"),
        (f"ec2_metadata_service_endpoint_mode = {SECRET}", "ec2_metadata_service_endpoint_mode"),
        (f"ec2_metadata_service_endpoint = {SECRET}", "ec2_metadata_service_endpoint"),
    ],
)
def test_config_values_are_not_quoted_verbatim_imds(config: str, field: str) -> None:
    key, _, value = config.partition(" = ")
    with pytest.raises(CredentialsError) as info:
        InstanceMetadataProvider(environ={}, config={key: value})
    assert info.value.field == field
    clean(info.value)


BASE = "\n[profile base]\naws_access_key_id = A\naws_secret_access_key = s"


@pytest.mark.parametrize(
    "lines",
    [
        f"role_arn = {ROLE}\ncredential_source = {SECRET}",
        f"role_arn = {ROLE}\nsource_profile = {SECRET}",
        f"role_arn = {ROLE}\nsource_profile = base\nduration_seconds = {SECRET}{BASE}",
        f"role_arn = {ROLE}\nsource_profile = base\nsts_regional_endpoints = {SECRET}{BASE}",
        f"role_arn = {SECRET}\nsource_profile = base\nmfa_serial = x{BASE}",
        f"services = {SECRET}\nrole_arn = {ROLE}\nsource_profile = base{BASE}",
    ],
    ids=["credential_source", "source_profile", "duration_seconds", "sts_regional_endpoints", "role_arn-with-mfa", "services"],
)
def test_config_values_are_not_quoted_verbatim_chain(tmp_path: Path, lines: str) -> None:
    from sigv4.providers import default_provider

    config = tmp_path / "config"
    config.write_text(f"[profile p]\n{lines}\n")
    env = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    with pytest.raises(CredentialsError) as info:
        default_provider("p", environ=env).get_credentials()
    clean(info.value)


def test_container_full_uri_with_a_password_is_not_quoted(tmp_path: Path) -> None:
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://user:{SECRET}@example.com/creds"}
    with pytest.raises(CredentialsError) as info:
        ContainerProvider(env).get_credentials()
    clean(info.value)
