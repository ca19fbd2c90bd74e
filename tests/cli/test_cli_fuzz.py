"""The CLI never prints a traceback: hypothesis over argv, standard input and the
files ``--error-xml`` / ``--data @FILE`` read, for every command.

Every run must end with exit status 0, 1 or 2; stderr never holds "Traceback" nor
the CLI's last-resort "internal error" line; a usage error (2) is exactly one line
in which no control character of the command line appears raw; the secret key is
never printed.  Most runs call :func:`sigv4.cli.main` in-process (the same code the
console script runs, without a new interpreter per case); a smaller set runs the
real ``python -m sigv4`` in a subprocess.

Bounded for CI: RUNS_PER_COMMAND in-process cases for each of the 6 commands, plus
SUBPROCESS_RUNS subprocess cases (``FUZZ_CLI_SCALE`` multiplies both).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigv4.cli import main
from tests.cli.test_cli_support import SECRET_KEY, base_env, run_cli

SCALE = int(os.environ.get("FUZZ_CLI_SCALE", "1"))
RUNS_PER_COMMAND = 150 * SCALE
SUBPROCESS_RUNS = 40 * SCALE

COMMANDS = ("presign", "post", "sign", "explain", "eks-token", "rds-token")

_COMMON_FLAGS = ["--profile", "--region", "--help", "--version", "-h", "--", "-", "--nope", "-x"]
FLAGS = {
    "presign": ["--expires-in", "--endpoint-url", "--addressing-style", "--max-expires", "--method", "--param", "--content-type"],
    "post": ["--expires-in", "--endpoint-url", "--addressing-style", "--max-expires", "--condition", "--field",
             "--content-type", "--max-size", "--html", "--redirect"],
    "sign": ["--service", "-s", "-H", "--header", "--data", "-d", "--unsigned-payload", "--expires-in", "--max-expires",
             "--curl"],
    "explain": ["--service", "-s", "-H", "--data", "--unsigned-payload", "--expires-in", "--error-xml", "--error",
                "--endpoint-url", "--max-expires"],
    "eks-token": ["--cluster-name"],
    "rds-token": ["--hostname", "--port", "--username"],
}  # fmt: skip

# Values that reach the parsers' corners, then arbitrary text (controls, surrogates, unicode digits included).
_VALUES = [
    "s3://my-bucket/k", "s3://my-bucket", "s3://", "s3:///k", "s3://b/a b+c%41/../x", "s3://arn:aws:s3:us-east-1:123456789012:accesspoint/ap/k",
    "https://bucket.s3.eu-west-1.amazonaws.com/k", "https://s3.amazonaws.com/b/k?list-type=2", "http://127.0.0.1:9000/b/k",
    "https://abc.execute-api.us-east-1.amazonaws.com/prod/x?a=1&b", "https://h/?X-Amz-Signature=abc&X-Amz-Credential=a/b/c/d/e",
    "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
    "https://:443/k", "https://exämple.com/", "https://[::1/k", "not a url", "ftp://x/y",
    "GET", "PUT", "get", "list_objects_v2", "upload_part", "create_bucket", "get_bucket_location", "FETCH", "",
    "us-east-1", "fips-us-east-1", "us-gov-west-1-fips", "cn-north-1", "eu-west-1", "US-EAST-1", "a..b",
    "60", "0", "-5", "604800", "604801", "99999999999999999999", "١٢", "1e3", "3600",
    "PartNumber=1", "Prefix=a/", "MaxKeys=x", "Metadata={\"a\": \"b\"}", "Metadata=[", "NAME", "=v", "Key=k",
    '{"acl": "private"}', '["starts-with", "$key", "u/"]', '["between"]', "[", "42", "null",
    "Content-Type: text/plain", "X-Amz-Date: 20150830T123600Z", "x-a: a\r\nb", "NoColon", ": v",
    "@FILE", "@-", "@", "@/nonexistent/file", "hello", "auto", "virtual", "path", "diagonal",
    "s3", "execute-api", "es", "5432", "65536", "db.abc.eu-west-1.rds.amazonaws.com", "admin", "cluster",
    "\x1b[31m", "a\nb", "\ud800", "\udcff", "\u202e", "\x00",
]  # fmt: skip

_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\x00\x1b\n\r\t\x7f\u202e"), max_size=30
)


def _pool(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values) | _text


_SWITCHES = {"--html", "--curl", "--unsigned-payload", "--help", "--version", "-h", "--", "-", "--nope", "-x"}
_value = st.sampled_from(_VALUES) | _text
_S3_URIS = st.sampled_from([v for v in _VALUES if v.startswith("s3:")]) | st.builds(lambda b, k: f"s3://{b}/{k}", _text, _text)
_URLS = st.sampled_from([v for v in _VALUES if "://" in v and not v.startswith("s3:")]) | st.builds(
    lambda host, path: f"https://{host}/{path}",
    st.sampled_from(["b.s3.amazonaws.com", "h.example", "x.es.amazonaws.com"]) | _text,
    _text,
)
_METHODS = st.sampled_from(["GET", "PUT", "POST", "HEAD", "DELETE", "get", "list_objects_v2", "upload_part"]) | _text
_POSITIONALS = {
    "presign": st.tuples(_S3_URIS),
    "post": st.tuples(_S3_URIS),
    "sign": st.tuples(_METHODS, _URLS, st.just("-s"), st.sampled_from(["s3", "execute-api", "es", "S 3"]) | _text),
    "explain": st.tuples(_METHODS, _URLS)
    | st.tuples(
        st.sampled_from(["GET", "PUT"]),
        st.sampled_from(
            [
                "https://b.s3.eu-west-1.amazonaws.com/k",
                "https://h.execute-api.us-east-1.amazonaws.com/p",
                "http://127.0.0.1:9000/b/k",
            ]
        ),
        st.sampled_from(["--error-xml", "--error"]),
        st.sampled_from(["FILE", "FILE", "-"]),
    ),
    "eks-token": st.tuples(st.just("--cluster-name"), _value),
    "rds-token": st.tuples(
        st.just("--hostname"),
        _pool("db.abc.eu-west-1.rds.amazonaws.com", "h", "[::1]", "h:1"),
        st.just("--port"),
        _pool("5432", "1", "65536"),
        st.just("--username"),
        _pool("admin", "a b", "é"),
    ),
}


#: Plausible values per flag (and arbitrary text now and then).
_FLAG_VALUES = {
    "--region": _pool("us-east-1", "eu-west-1", "fips-us-east-1", "us-east-1-fips", "fips-us-gov-west-1", "cn-north-1", "a..b"),
    "--expires-in": _pool("60", "604800", "604801", "0", "-1", "١٢", "99999999999999999999"),
    "--max-expires": _pool("60", "2592000", "0", "x"),
    "--service": _pool("s3", "execute-api", "es", "lambda", "S 3", "s3-object-lambda"),
    "-s": _pool("s3", "execute-api", "es"),
    "-H": _pool(
        "Content-Type: text/plain", "X-Amz-Date: 20150830T123600Z", "x-amz-meta-a: \u00e9", "x-a: a\r\nb", "NoColon", ": v"
    ),
    "--header": _pool("Host: other.example", "x-amz-security-token: t", "Authorization: x"),
    "--data": _pool("@FILE", "@-", "@", "@/nonexistent", "hello", ""),
    "-d": _pool("@FILE", "@-", "body"),
    "--error-xml": _pool("FILE", "-", "/nonexistent"),
    "--error": _pool("FILE", "-"),
    "--param": _pool(
        "Prefix=a/",
        "MaxKeys=10",
        "MaxKeys=x",
        "PartNumber=1",
        "UploadId=u",
        'Metadata={"a": "b"}',
        "Metadata=[",
        "VersionId=v",
        "Key=k",
        "NAME",
        "=v",
        "FetchOwner=maybe",
        "OptionalObjectAttributes=[1]",
        "CreateBucketConfiguration={}",
        "Expires=2030-01-01T00:00:00Z",
        "Expires=soon",
    ),
    "--condition": _pool('{"acl": "private"}', '["starts-with", "$key", "u/"]', '["between"]', "[", "42", "null", "{}"),
    "--field": _pool("acl=public-read", "Content-Type=text/plain", "key=x", "novalue", "=x"),
    "--method": _pool("GET", "PUT", "head", "list_objects_v2", "upload_part", "create_bucket", "get_bucket_location", "FETCH"),
    "--endpoint-url": _pool("http://127.0.0.1:9000", "https://minio.example/store/", "ftp://x", "http://", "127.0.0.1:9000"),
    "--addressing-style": _pool("auto", "virtual", "path", "diagonal"),
    "--content-type": _pool("text/plain", "a\nb", ""),
    "--max-size": _pool("1", "0", "x"),
    "--redirect": _pool("https://example.com/?a=1&b=2"),
    "--profile": _pool("default", "missing"),
}


def _options(command: str) -> st.SearchStrategy[list[str]]:
    flags = [f for f in FLAGS[command] + ["--profile", "--region"] if f not in _SWITCHES]
    pair = st.sampled_from(flags).flatmap(lambda f: _FLAG_VALUES.get(f, _value).map(lambda v: [f, v]))
    switches = sorted(_SWITCHES & set(FLAGS[command]))
    switch = st.sampled_from(switches).map(lambda f: [f]) if switches else pair
    return st.lists(pair | pair | switch, max_size=5).map(lambda groups: [w for g in groups for w in g])


def _argv(command: str) -> st.SearchStrategy[list[str]]:
    """Mostly well-shaped command lines with odd values; some arbitrary word lists."""
    word = st.sampled_from(FLAGS[command] + _COMMON_FLAGS) | _value
    arbitrary = st.lists(word, max_size=8).map(lambda rest: [command, *rest])
    shaped = st.builds(lambda pos, opts: [command, *pos, *opts], _POSITIONALS[command], _options(command))
    return st.one_of(shaped, shaped, shaped, shaped, shaped, arbitrary)


# Error bodies and request bodies: well-formed S3/JSON errors with odd contents, truncations and random bytes.
_XML_PIECES = st.sampled_from(
    [
        "<Code>SignatureDoesNotMatch</Code>", "<Code>AuthorizationHeaderMalformed</Code>", "<Region>eu-west-1</Region>",
        "<CanonicalRequest>GET</CanonicalRequest>",
        "<CanonicalRequest>GET\n/k\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest>",
        "<StringToSign>AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/s3/aws4_request\nab</StringToSign>",
        "<StringToSign>AWS4-HMAC-SHA256\nnot-a-date\nx/Bad Region/s 3/aws4_request</StringToSign>",
        "<StringToSignBytes>41 57 zz</StringToSignBytes>", "<CanonicalRequestBytes>ff fe 00</CanonicalRequestBytes>",
        "<SignatureProvided>abc</SignatureProvided>", "<AWSAccessKeyId>AKIDOTHER</AWSAccessKeyId>",
        "<RequestTime>20150830T123600Z</RequestTime>", "<ServerTime>2015-08-30T13:06:00Z</ServerTime>",
        "<ServerTime>garbage</ServerTime>", "<Message>the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message>",
        "<Message>The Canonical String for this request should have been\n'GET\n/' "
        "The String-to-Sign should have been\n'x'</Message>",
        "<BucketName>b</BucketName>", "<ClientComputedContentSHA256>a</ClientComputedContentSHA256>", "&amp;", "&bogus;", "<",
    ]
)  # fmt: skip
_xml_body = st.lists(_XML_PIECES, max_size=6).map(lambda parts: ("<Error>" + "".join(parts) + "</Error>").encode())
_json_body = st.sampled_from(
    [b'{"message": "x"}', b'{"__type": "a#InvalidSignatureException", "message": 5}', b"[" * 3000, b'{"a": ', b"{}", b"[]"]
)
_file_bytes = _xml_body | _json_body | st.binary(max_size=200) | _xml_body.map(lambda b: b[: len(b) // 2])


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


@contextmanager
def _environment(home: Path) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(base_env(home) | {"AWS_DEFAULT_REGION": "us-east-1"})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_in_process(argv: list[str], stdin: bytes) -> Outcome:
    # As the console's streams: stdout strict UTF-8, stderr with backslashreplace.
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True)
    streams = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        code = main(argv)
    except SystemExit as exc:  # would have ended the console script with a traceback-free status
        code = exc.code if isinstance(exc.code, int) else 99
    except BaseException as exc:  # the console script would have printed a traceback
        code = 99
        err.write(f"Traceback (escaped {type(exc).__name__}: {exc!r})\n")
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    return Outcome(code, out.buffer.getvalue().decode("utf-8"), err.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]


def check(argv: list[str], outcome: Outcome) -> None:
    where = f"argv={argv!r}"
    assert outcome.code in (0, 1, 2), f"{where}: exit status {outcome.code}: {outcome.stderr}"
    assert "Traceback" not in outcome.stderr, f"{where}: {outcome.stderr}"
    assert "internal error" not in outcome.stderr, f"{where}: {outcome.stderr}"
    assert SECRET_KEY not in outcome.stdout + outcome.stderr, where
    if outcome.code == 2:
        lines = outcome.stderr.splitlines()
        assert len(lines) == 1 and outcome.stderr.endswith("\n"), (
            f"{where}: usage error of {len(lines)} lines: {outcome.stderr!r}"
        )
        assert not any(ch in lines[0] for ch in "\x00\x1b\r\x7f\u202e"), f"{where}: raw control character in {lines[0]!r}"
        assert not any("\ud800" <= ch <= "\udfff" for ch in lines[0]), where


def _materialise(argv: list[str], tmp: Path, data: bytes) -> list[str]:
    """``@FILE`` and the value after ``--error-xml``/``--error`` become a real file holding ``data``."""
    path = tmp / "input.bin"
    path.write_bytes(data)
    out = []
    for i, word in enumerate(argv):
        if word == "@FILE":
            word = f"@{path}"
        elif i and argv[i - 1] in ("--error-xml", "--error") and word not in ("-",) and not word.startswith("--"):
            word = str(path)
        out.append(word)
    return out


@pytest.mark.parametrize("command", COMMANDS)
def test_fuzz_cli_in_process(tmp_path_factory: pytest.TempPathFactory, command: str) -> None:
    home = tmp_path_factory.mktemp("home")
    runs = []

    @settings(max_examples=RUNS_PER_COMMAND, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(argv=_argv(command), data=_file_bytes, stdin=_file_bytes)
    def one(argv: list[str], data: bytes, stdin: bytes) -> None:
        argv = _materialise(argv, home, data)
        with _environment(home):
            outcome = run_in_process(argv, stdin)
        runs.append(outcome.code)
        messages.append(outcome.stderr.partition("error:")[2][:70])
        check(argv, outcome)

    messages: list[str] = []
    one()
    if os.environ.get("FUZZ_CLI_VERBOSE"):
        import collections

        for message, count in collections.Counter(messages).most_common(12):
            print(count, repr(message))
    assert len(runs) >= RUNS_PER_COMMAND // 2  # the bound is reached, not skipped
    print(f"{command}: {len(runs)} runs, exit statuses {sorted((c, runs.count(c)) for c in set(runs))}")


# Hand-picked cases of the issue, then arbitrary ones: each in the real console (a subprocess).
KNOWN = [
    ["explain", "GET", "https://b.s3.amazonaws.com/k", "--error-xml", "@BAD-UTF8"],
    ["explain", "GET", "https://b.s3.amazonaws.com/k", "--error-xml", "-"],
    ["presign", "s3://b\x1b[2J/k", "--region", "us\x1b-east-1"],
    ["presign", "s3://my-bucket", "--method", "list_objects_v2", "--bogus\x1b"],
    ["sign", "GET", "https://h\x1b/", "-s", "s3", "--region", "us-east-1"],
    ["presign", "s3://b/k", "--expires-in", "604801"],
    # found by the fuzz run: an invalid condition reached the field check (IndexError)
    ["post", "s3://my-bucket/k", "--condition", '["between"]', "--field", "acl=public-read"],
    # found by the fuzz run: argparse (3.11) leaves url=[] after a second "--" (AttributeError)
    ["explain", "--", "--service", "--"],
    # demo is not fuzzed (it starts a server); its command line is checked here
    ["demo", "--bogus\x1b"],
    ["demo", "extra"],
    [],
    ["no-such-command\x1b"],
]


@pytest.mark.parametrize("argv", KNOWN, ids=[f"known{i}" for i in range(len(KNOWN))])
def test_known_cases_in_a_subprocess(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "bad.xml").write_bytes(b"\xff\xfe<Error><Code>Signature\xe9</Code></Error>")
    argv = [str(tmp_path / "bad.xml") if a == "@BAD-UTF8" else a for a in argv]
    stdin = b"<Error><CanonicalRequest>GET</CanonicalRequest>\xff</Error>"
    result = run_cli(argv, base_env(tmp_path), stdin=stdin)
    check(argv, Outcome(result.code, result.stdout, result.stderr))


def test_fuzz_cli_in_a_subprocess(tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("home")
    runs = []

    @settings(max_examples=SUBPROCESS_RUNS, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(argv=st.sampled_from(COMMANDS).flatmap(_argv), data=_file_bytes, stdin=_file_bytes)
    def one(argv: list[str], data: bytes, stdin: bytes) -> None:
        # argv cannot carry NUL, nor surrogates that are not undecodable bytes (\udc80-\udcff)
        argv = [a for a in _materialise(argv, home, data) if "\x00" not in a and not any("\ud800" <= c < "\udc80" for c in a)]
        result = run_cli(argv, base_env(home), stdin=stdin)
        runs.append(result.code)
        check(argv, Outcome(result.code, result.stdout, result.stderr))

    one()
    assert len(runs) >= SUBPROCESS_RUNS // 2


def test_curl_command_for_a_body_on_stdin_that_is_not_utf8(tmp_path: Path) -> None:
    """Found by the fuzz run: the body read from stdin was pasted into the curl command (and
    could not be printed); curl now reads the same bytes from its own stdin."""
    args = ["sign", "PUT", "https://bucket.s3.eu-west-1.amazonaws.com/k", "-s", "s3", "--curl", "--data", "@-"]
    result = run_cli(args, base_env(tmp_path), stdin=b"\x80\xff binary")
    assert result.code == 0, result.stderr
    assert " --data-binary @- " in result.stdout
    assert "pipe the same bytes into curl's standard input" in result.stderr
