"""``Session(environ=..., clock=...)``: the environment as a value, one reader of
credentials from it, a clock that reaches every client, and a session that pickles.

Oracles: botocore's ``EnvProvider`` for what the environment means, boto3 under
freezegun for the URLs and tokens signed at a given instant.
"""

from __future__ import annotations

import ast
import base64
import os
import pickle
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from freezegun import freeze_time

import sigv4
from sigv4 import Credentials, CredentialsError, Session
from sigv4.exceptions import InvalidConfigError, NoCredentialsError, PartialCredentialsError
from sigv4.providers import EnvProvider, default_provider
from sigv4.providers.env import read_environment_credentials

FIXED = datetime(2015, 8, 30, 12, 36, 0, tzinfo=timezone.utc)
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSESSIONMRK"
TOKEN = "IQoJb3JpZ2luX2VjSESSIONTOKENMARKER=="
PARAMS = {"Bucket": "examplebucket", "Key": "a file.txt"}


def fixed_clock() -> float:
    """Module level, so a session holding it pickles: 2015-08-30T12:36:00Z."""
    return FIXED.timestamp()


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No AWS_* in the process; an environment value pointing at empty files."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "process-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "process-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def boto_env_load(environ: dict[str, str]) -> object:
    from botocore.credentials import EnvProvider as BotoEnv

    return BotoEnv(environ=environ).load()


# -- one reader: Session, EnvProvider, the chain and botocore agree -----------------------------

ENVIRONMENTS = {
    "key-and-secret": {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"},
    "security-token": {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SECURITY_TOKEN": "old"},
    "both-tokens": {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_SECURITY_TOKEN": "old",
        "AWS_SESSION_TOKEN": "new",
    },
    "empty-session-token": {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_SESSION_TOKEN": "",
        "AWS_SECURITY_TOKEN": "old",
    },
    "expiration": {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z",
    },
    "secret-without-key": {"AWS_SECRET_ACCESS_KEY": "s"},
    "empty-key": {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s"},
    "nothing": {},
}


@pytest.mark.parametrize("name", list(ENVIRONMENTS))
def test_the_reader_agrees_with_botocore(name: str) -> None:
    env = ENVIRONMENTS[name]
    boto = boto_env_load(dict(env))
    ours = read_environment_credentials(env)
    if boto is None:
        assert ours is None
        return
    frozen = boto.get_frozen_credentials()  # type: ignore[attr-defined]
    assert ours is not None
    assert (ours.access_key, ours.secret_key, ours.token) == (frozen.access_key, frozen.secret_key, frozen.token)
    assert ours.expiry == getattr(boto, "_expiry_time", None)


@pytest.mark.parametrize("name", list(ENVIRONMENTS))
def test_session_env_provider_and_chain_agree(files: dict[str, str], name: str) -> None:
    env = {**files, **ENVIRONMENTS[name]}
    expected = read_environment_credentials(env)
    from_session = Session(environ=env).get_credentials()
    if expected is None:
        assert from_session is None
        with pytest.raises(NoCredentialsError):
            default_provider(environ=env).get_credentials()
        return
    assert from_session == expected
    assert EnvProvider(env).get_credentials() == expected
    assert default_provider(environ=env).get_credentials() == expected


@pytest.mark.parametrize("text", ["2030-01-01T00:00:00+24:00", "not a time", "2030-02-30T00:00:00Z", " "])
def test_a_bad_expiration_is_the_same_error_everywhere(files: dict[str, str], text: str) -> None:
    from dateutil.parser import ParserError, parse

    if "+24:00" not in text:  # dateutil (botocore's parser) takes a 24-hour offset; Python's datetime cannot hold one
        with pytest.raises((ParserError, ValueError, OverflowError)):
            parse(text)  # botocore fails on it too
    env = {**files, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_CREDENTIAL_EXPIRATION": text}
    errors = []
    for get in (
        lambda: Session(environ=env).get_credentials(),
        lambda: Session(environ=env).client("s3", region_name="us-east-1"),
        lambda: EnvProvider(env).get_credentials(),
        lambda: default_provider(environ=env).get_credentials(),
    ):
        with pytest.raises(CredentialsError) as info:
            get()
        errors.append((type(info.value), info.value.field, info.value.rule))
        assert SECRET not in str(info.value)
    assert len(set(errors)) == 1 and errors[0][1] == "AWS_CREDENTIAL_EXPIRATION"


def test_a_key_without_its_secret_is_the_same_error_everywhere(files: dict[str, str]) -> None:
    from botocore.exceptions import PartialCredentialsError as BotoPartial

    env = {**files, "AWS_ACCESS_KEY_ID": "AKIDENV"}
    with pytest.raises(BotoPartial):
        boto_env_load(dict(env))
    for get in (
        lambda: Session(environ=env).get_credentials(),
        lambda: EnvProvider(env).get_credentials(),
        lambda: default_provider(environ=env).get_credentials(),
    ):
        with pytest.raises(PartialCredentialsError, match="AWS_SECRET_ACCESS_KEY"):
            get()


def test_a_secret_without_a_key_falls_through_to_the_files_as_in_boto3(files: dict[str, str]) -> None:
    Path(files["AWS_SHARED_CREDENTIALS_FILE"]).write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n")
    env = {**files, "AWS_SECRET_ACCESS_KEY": "orphan"}
    assert boto_env_load(dict(env)) is None  # botocore's EnvProvider skips it too
    assert Session(environ=env).get_credentials() == Credentials("AKIDFILE", "f")
    assert default_provider(environ=env).get_credentials() == Credentials("AKIDFILE", "f")


# -- the environment is a value -------------------------------------------------------------


def test_session_reads_only_the_environment_it_was_given(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPROCESS")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "process-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    env = {**files, "AWS_ACCESS_KEY_ID": "AKIDVALUE", "AWS_SECRET_ACCESS_KEY": "value-secret", "AWS_REGION": "ap-south-1"}
    session = Session(environ=env)
    assert session.region_name == "ap-south-1"
    assert session.get_credentials() == Credentials("AKIDVALUE", "value-secret")
    url = session.client("s3").generate_presigned_url("get_object", Params=PARAMS)
    assert "AKIDVALUE%2F" in url and "%2Fap-south-1%2Fs3%2F" in url


def test_the_default_is_a_snapshot_taken_when_the_session_is_made(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDBEFORE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "before")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    session = Session()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDAFTER")
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert session.get_credentials() == Credentials("AKIDBEFORE", "before")
    assert session.region_name == "eu-west-3"
    assert session.environ["AWS_ACCESS_KEY_ID"] == "AKIDBEFORE"
    with pytest.raises(TypeError):
        session.environ["AWS_REGION"] = "x"  # type: ignore[index]


def test_the_callers_mapping_is_copied_not_held(files: dict[str, str]) -> None:
    env = {**files, "AWS_REGION": "eu-north-1"}
    session = Session(environ=env)
    env["AWS_REGION"] = "sa-east-1"
    assert session.region_name == "eu-north-1"


@pytest.mark.parametrize("environ", [["AWS_REGION=x"], "AWS_REGION=x", 5, {"AWS_REGION": 5}, {5: "x"}, {"AWS_REGION": b"x"}])
def test_an_environment_that_is_not_a_mapping_of_strings(environ: object) -> None:
    with pytest.raises(InvalidConfigError) as info:
        Session(environ=environ)  # type: ignore[arg-type]
    assert info.value.field == "environ"


# -- pickling -------------------------------------------------------------------------------------


def assert_unreadable(data: bytes, *secrets: str) -> None:
    for secret in secrets:
        for i in range(len(secret) - 7):
            assert secret[i : i + 8].encode() not in data


def boto_url(**kwargs: Any) -> str:
    import boto3
    from botocore.config import Config

    boto = boto3.session.Session().client("s3", config=Config(signature_version="s3v4"), **kwargs)
    with freeze_time(FIXED):
        return boto.generate_presigned_url("get_object", Params=dict(PARAMS), ExpiresIn=900)


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_session_pickles_with_its_explicit_keys_sealed(files: dict[str, str], protocol: int) -> None:
    env = {**files, "AWS_REGION": "eu-west-1"}
    session = Session("AKIDEXPLICIT", SECRET, TOKEN, environ=env, clock=fixed_clock)
    data = pickle.dumps(session, protocol)
    assert_unreadable(data, SECRET, TOKEN)
    copy = pickle.loads(data)
    assert copy.region_name == "eu-west-1" and copy.clock is fixed_clock
    expected = boto_url(
        region_name="eu-west-1", aws_access_key_id="AKIDEXPLICIT", aws_secret_access_key=SECRET, aws_session_token=TOKEN
    )
    assert copy.client("s3").generate_presigned_url("get_object", Params=dict(PARAMS), ExpiresIn=900) == expected
    assert session.client("s3").generate_presigned_url("get_object", Params=dict(PARAMS), ExpiresIn=900) == expected


def test_an_explicit_environment_travels_sealed(files: dict[str, str]) -> None:
    env = {**files, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN}
    session = Session(environ=env)
    session.get_credentials()  # resolved before pickling: nothing resolved travels
    data = pickle.dumps(session)
    assert_unreadable(data, SECRET, TOKEN)
    assert pickle.loads(data).get_credentials() == Credentials("AKIDENV", SECRET, TOKEN)


def test_a_snapshot_of_the_process_environment_does_not_travel(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPARENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    session = Session()
    assert session.get_credentials() == Credentials("AKIDPARENT", SECRET)
    data = pickle.dumps(session)
    assert_unreadable(data, SECRET)
    assert b"AKIDPARENT" not in data
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDWORKER")  # the process that unpickles
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "worker-secret")
    assert pickle.loads(data).get_credentials() == Credentials("AKIDWORKER", "worker-secret")


# -- the clock hook ------------------------------------------------------------------------------


def test_the_session_clock_reaches_the_s3_client(files: dict[str, str]) -> None:
    session = Session("AKIDEXAMPLE", SECRET, region_name="us-east-1", environ=files, clock=fixed_clock)
    s3 = session.client("s3")
    expected = boto_url(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET)
    assert s3.generate_presigned_url("get_object", Params=dict(PARAMS), ExpiresIn=900) == expected
    post = s3.generate_presigned_post("examplebucket", "k")
    assert post["fields"]["x-amz-date"] == "20150830T123600Z"


def test_the_module_level_client_takes_a_clock(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    url = sigv4.client("s3", region_name="us-east-1", clock=fixed_clock).generate_presigned_url(
        "get_object", Params=dict(PARAMS), ExpiresIn=900
    )
    assert url == boto_url(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET)


def test_the_session_clock_reaches_the_token_clients(files: dict[str, str]) -> None:
    import boto3

    session = Session("AKIDEXAMPLE", SECRET, region_name="eu-west-1", environ=files, clock=fixed_clock)
    boto = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET, region_name="eu-west-1")
    with freeze_time(FIXED):
        rds_expected = boto.client("rds").generate_db_auth_token("db.example.com", 5432, "alice")
        dsql_expected = boto.client("dsql").generate_db_connect_auth_token("abc.dsql.eu-west-1.on.aws")
    assert (
        session.client("rds").generate_db_auth_token(DBHostname="db.example.com", Port=5432, DBUsername="alice") == rds_expected
    )
    assert session.client("dsql").generate_db_connect_auth_token("abc.dsql.eu-west-1.on.aws") == dsql_expected
    token = session.client("eks").get_token("my-cluster")
    body = token[len("k8s-aws-v1.") :]
    url = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    assert parse_qs(urlsplit(url).query)["X-Amz-Date"] == ["20150830T123600Z"]


def test_without_a_clock_the_clients_follow_freezegun(files: dict[str, str]) -> None:
    session = Session("AKIDEXAMPLE", SECRET, region_name="us-east-1", environ=files)
    s3 = session.client("s3")
    with freeze_time(FIXED):
        url = s3.generate_presigned_url("get_object", Params=dict(PARAMS), ExpiresIn=900)
    assert url == boto_url(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET)


def test_a_clock_must_be_callable() -> None:
    with pytest.raises(InvalidConfigError) as info:
        Session(clock=12345)  # type: ignore[arg-type]
    assert info.value.field == "clock"


# -- where the environment is read -------------------------------------------------------------

PACKAGE = Path(sigv4.__file__).parent
# The core: never reads the environment (a value is passed in).  The rest (providers/, session,
# cli/, the adapters, tokens/ for KUBERNETES_EXEC_INFO, testing) may, at the edge.
CORE = sorted(str(p.relative_to(PACKAGE))[:-3] for layer in ("core", "verify") for p in (PACKAGE / layer).glob("*.py"))


@pytest.mark.parametrize("module", CORE)
def test_the_core_never_reads_the_environment(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("environ", "getenv", "environb", "putenv"), f"{module} line {node.lineno}"
        if isinstance(node, ast.Name):
            assert node.id not in ("environ", "getenv"), f"{module} line {node.lineno}"


def test_both_token_names_in_a_file_pick_what_botocore_picks(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    Path(files["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\naws_session_token = new\naws_security_token = old\n"
    )
    for name, value in files.items():
        monkeypatch.setenv(name, value)
    expected = botocore.session.Session().get_credentials().get_frozen_credentials()
    assert expected.token == "old"
    assert Session(environ=files).get_credentials() == Credentials(expected.access_key, expected.secret_key, expected.token)
    assert default_provider(environ=files).get_credentials().token == expected.token


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AWS_ACCESS_KEY_ID", "AKID\udcff"),  # os.environ holds undecodable bytes as lone surrogates
        ("AWS_SECRET_ACCESS_KEY", SECRET + "\udcff"),
        ("AWS_SESSION_TOKEN", TOKEN + "\udcff"),
        ("AWS_SESSION_TOKEN", TOKEN + "\r\nX-Evil: 1"),
        ("AWS_SECURITY_TOKEN", TOKEN + "\x00"),
    ],
)
def test_a_variable_credentials_refuse_is_named_not_quoted(files: dict[str, str], name: str, value: str) -> None:
    env = {**files, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": SECRET, name: value}
    for get in (lambda: Session(environ=env).get_credentials(), lambda: EnvProvider(env).get_credentials()):
        with pytest.raises(CredentialsError) as info:
            get()
        assert info.value.field == name
        assert info.value.__cause__ is None and info.value.__context__ is None
        assert SECRET[:12] not in str(info.value) and TOKEN[:12] not in str(info.value) and "\udcff" not in str(info.value)
