"""RDS IAM authentication tokens: byte for byte boto3 1.44.8's
``generate_db_auth_token`` (the oracle; BOTO_DISABLE_CRT=true from conftest),
bad input, clock and credential handling, and the import cost of the path.

The oracle is a real boto3 RDS client.  Its credentials come from a provider
whose ``Credentials`` object each example rewrites, so one client per region
serves every example (a client costs ~35 ms to build); botocore reads the
credentials afresh on every presign.  One ``freeze_time`` spans each
hypothesis run and ``move_to`` sets each example's time.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import botocore.session
import pytest
from botocore.credentials import CredentialProvider, CredentialResolver
from botocore.credentials import Credentials as BotoCredentials
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.exceptions import NoCredentialsError, NoRegionError, ParamValidationError
from sigv4.tokens import RDSClient

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]
RDS_EXAMPLES = 700

# -- the oracle -----------------------------------------------------------------


class _SwappableProvider(CredentialProvider):  # type: ignore[misc]
    METHOD = "sigv4-differential-test"

    def __init__(self) -> None:
        self.creds = BotoCredentials("AKIDEXAMPLE", "secret")

    def load(self) -> BotoCredentials:
        return self.creds


class Boto3Oracle:
    """boto3 clients for one service, one per region, sharing swappable credentials."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.provider = _SwappableProvider()
        session = botocore.session.Session()
        session.register_component("credential_provider", CredentialResolver([self.provider]))
        self.session = boto3.Session(botocore_session=session)
        self.clients: dict[str, object] = {}

    def client(self, region: str, access_key: str, secret_key: str, token: str | None) -> object:
        self.provider.creds.access_key = access_key
        self.provider.creds.secret_key = secret_key
        self.provider.creds.token = token
        if region not in self.clients:
            self.clients[region] = self.session.client(self.service, region_name=region)
        return self.clients[region]


@pytest.fixture(scope="module", autouse=True)
def hermetic_aws_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No AWS_* variable or shared file of the machine reaches the oracles
    (a profile with sts_regional_endpoints or FIPS settings would change them)."""
    home = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                patch.delenv(name)
        patch.setenv("AWS_CONFIG_FILE", str(home / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@pytest.fixture(scope="module")
def rds_oracle() -> Boto3Oracle:
    return Boto3Oracle("rds")


# -- strategies -----------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
labels = st.builds(
    lambda a, mid, b: a + mid + b,
    st.text(alphabet=LETTERS, min_size=1, max_size=6),
    st.text(alphabet=LETTERS + "-_", max_size=6),
    st.text(alphabet=LETTERS, max_size=3),
)
dns_names = st.builds(
    lambda parts, dot: ".".join(parts) + dot,
    st.lists(labels, min_size=1, max_size=5),
    st.sampled_from(["", "", "", "."]),
)
real_hosts = st.sampled_from(
    [
        "mydb.123456789012.us-east-1.rds.amazonaws.com",
        "MyCluster.cluster-ro-abcdefghijkl.eu-west-1.rds.amazonaws.com",
        "proxy-1.proxy-abc123.ap-southeast-2.rds.amazonaws.com",
        "db.cn-north-1.rds.amazonaws.com.cn",
        "localhost",
        "127.0.0.1",
        "[::1]",
        "[2001:DB8::abcd]",
    ]
)
hostnames = st.one_of(
    real_hosts,
    dns_names,
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda a: f"[{a}]"),
)
ports = st.one_of(st.sampled_from([1, 80, 443, 1433, 3306, 5432, 8443, 65535]), st.integers(1, 65535))
TRICKY_USERS = ["admin", "iam_user", "a+b", "user name", "a=b&c=d", "50%", "%41", "ü", "用户", "😀", "/?#[]@!$&'()*+,;=", "~-._"]
users = st.one_of(st.sampled_from(TRICKY_USERS), st.text(min_size=1, max_size=24))
KNOWN_REGIONS = [
    "us-east-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-7",
    "mx-central-1",
    "cn-north-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "eusc-de-east-1",
    "US-EAST-1",
]
random_regions = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,14}[a-zA-Z0-9])?", fullmatch=True)
regions = st.one_of(st.sampled_from(KNOWN_REGIONS), random_regions)
access_keys = st.one_of(
    st.sampled_from(["AKIDEXAMPLE", "AKIAIOSFODNN7EXAMPLE", "ASIAXXXXXXXXXXXXXXXX"]),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=20),
)
secret_keys = st.text(alphabet=LETTERS + "+/", min_size=1, max_size=40)
session_tokens = st.one_of(
    st.none(),
    st.text(alphabet=LETTERS + "+/=", min_size=1, max_size=120),
    st.text(alphabet=LETTERS + "+/=%&? é~", min_size=1, max_size=30),
)
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(lambda d: d.replace(microsecond=0))


# -- differential -----------------------------------------------------------------


def test_rds_tokens_match_boto3(rds_oracle: Boto3Oracle) -> None:
    """RDS_EXAMPLES cases over hosts, ports, user names, regions (client's or
    Region=), credentials and times: zero mismatches."""
    ran = []
    with freeze_time("2026-01-01 00:00:00") as frozen:

        @settings(max_examples=RDS_EXAMPLES)
        @given(
            host=hostnames,
            port=ports,
            user=users,
            client_region=st.sampled_from(KNOWN_REGIONS[:4]),
            region=st.one_of(st.none(), regions),
            access_key=access_keys,
            secret_key=secret_keys,
            token=session_tokens,
            when=times,
        )
        def check(
            host: str,
            port: int,
            user: str,
            client_region: str,
            region: str | None,
            access_key: str,
            secret_key: str,
            token: str | None,
            when: datetime,
        ) -> None:
            frozen.move_to(when)
            boto = rds_oracle.client(client_region, access_key, secret_key, token)
            expected = boto.generate_db_auth_token(host, port, user, Region=region)  # type: ignore[attr-defined]
            client = RDSClient(Credentials(access_key, secret_key, token), client_region)
            assert client.generate_db_auth_token(host, port, user, Region=region) == expected
            # The same with an explicit time instead of the (frozen) clock.
            now = when.replace(tzinfo=timezone.utc)
            assert client.generate_db_auth_token(host, port, user, region, now=now) == expected
            ran.append(1)

        check()
    assert len(ran) >= RDS_EXAMPLES


def test_documented_example_shape(rds_oracle: Boto3Oracle) -> None:
    """The README example, against boto3, and the token's shape."""
    with freeze_time("2026-03-04 05:06:07"):
        boto = rds_oracle.client("eu-west-1", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)
        expected = boto.generate_db_auth_token("mydb.example.eu-west-1.rds.amazonaws.com", 5432, "app_user")  # type: ignore[attr-defined]
        creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        token = RDSClient(creds, "eu-west-1").generate_db_auth_token("mydb.example.eu-west-1.rds.amazonaws.com", 5432, "app_user")
    assert token == expected
    assert token.startswith("mydb.example.eu-west-1.rds.amazonaws.com:5432/?Action=connect&DBUser=app_user&X-Amz-Algorithm=")
    assert "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260304%2Feu-west-1%2Frds-db%2Faws4_request" in token
    assert "&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" in token
    assert "://" not in token


def test_port_443_is_kept_in_the_token_but_not_signed(rds_oracle: Boto3Oracle) -> None:
    with freeze_time("2026-03-04 05:06:07"):
        boto = rds_oracle.client("us-east-1", "AKID", "SECRET", None)
        expected = boto.generate_db_auth_token("Db.Example.com", 443, "u")  # type: ignore[attr-defined]
        token = RDSClient(Credentials("AKID", "SECRET"), "us-east-1").generate_db_auth_token("Db.Example.com", 443, "u")
    assert token == expected
    assert token.startswith("Db.Example.com:443/?")


@pytest.mark.parametrize("region", ["us-east-1-fips", "fips-eu-west-1", "us-gov-west-1-fips", "aws-global"])
def test_client_region_is_read_as_boto3_reads_it(rds_oracle: Boto3Oracle, region: str) -> None:
    """A FIPS pseudo-region names the region without "fips" (boto3 signs for it)."""
    with freeze_time("2026-03-04 05:06:07"):
        expected = rds_oracle.client(region, "AKID", "SECRET", None).generate_db_auth_token("h", 5432, "u")  # type: ignore[attr-defined]
        client = RDSClient(Credentials("AKID", "SECRET"), region)
        assert client.generate_db_auth_token("h", 5432, "u") == expected
    assert client.meta.region_name == rds_oracle.clients[region].meta.region_name  # type: ignore[attr-defined]


# -- bad input -----------------------------------------------------------------

CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session/token")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", 5432, "u"), "DBHostname"),
        ((None, 5432, "u"), "DBHostname"),
        ((b"db.example.com", 5432, "u"), "DBHostname"),
        (("https://db.example.com", 5432, "u"), "DBHostname"),
        (("db.example.com:5432", 5432, "u"), "DBHostname"),
        (("db.example.com/x", 5432, "u"), "DBHostname"),
        (("db example.com", 5432, "u"), "DBHostname"),
        (("db.example.com?x", 5432, "u"), "DBHostname"),
        (("user@db.example.com", 5432, "u"), "DBHostname"),
        (("::1", 5432, "u"), "DBHostname"),
        (("[not-ipv6]", 5432, "u"), "DBHostname"),
        (("[::1", 5432, "u"), "DBHostname"),
        (("dé.example.com", 5432, "u"), "DBHostname"),
        (("db.example.com", 0, "u"), "Port"),
        (("db.example.com", 65536, "u"), "Port"),
        (("db.example.com", -1, "u"), "Port"),
        (("db.example.com", True, "u"), "Port"),
        (("db.example.com", "5432", "u"), "Port"),
        (("db.example.com", 5432.0, "u"), "Port"),
        (("db.example.com", None, "u"), "Port"),
        (("db.example.com", 5432, ""), "DBUsername"),
        (("db.example.com", 5432, None), "DBUsername"),
        (("db.example.com", 5432, 7), "DBUsername"),
        (("db.example.com", 5432, "\ud800"), "DBUsername"),
        (("db.example.com", 5432, "u", ""), "Region"),
        (("db.example.com", 5432, "u", "us_east_1"), "Region"),
        (("db.example.com", 5432, "u", "us-east-1-"), "Region"),
        (("db.example.com", 5432, "u", "eu-west-1.x"), "Region"),
        (("db.example.com", 5432, "u", 1), "Region"),
    ],
)
def test_bad_input_names_the_argument(args: tuple[object, ...], field: str) -> None:
    client = RDSClient(CREDS, "us-east-1")
    with pytest.raises(ParamValidationError) as info:
        client.generate_db_auth_token(*args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert isinstance(info.value, SigningError)
    assert isinstance(info.value, ValueError)
    assert field in str(info.value)
    assert CREDS.secret_key not in str(info.value)


def test_port_as_string_gets_a_hint() -> None:
    with pytest.raises(ParamValidationError, match=r"int\(\)"):
        RDSClient(CREDS, "us-east-1").generate_db_auth_token("db.example.com", "5432", "u")  # type: ignore[arg-type]


def test_no_region_anywhere_is_no_region_error() -> None:
    client = RDSClient(CREDS, None)
    with pytest.raises(NoRegionError) as info:
        client.generate_db_auth_token("db.example.com", 5432, "u")
    assert info.value.field == "region_name"
    assert str(info.value) == "You must specify a region."
    # Region= alone is enough.
    assert "%2Fap-south-1%2Frds-db%2F" in client.generate_db_auth_token("db.example.com", 5432, "u", Region="ap-south-1")


@pytest.mark.parametrize("region", ["", "us east 1", "-x", "a" * 64])
def test_bad_client_region(region: str) -> None:
    with pytest.raises(ParamValidationError) as info:
        RDSClient(CREDS, region)
    assert info.value.field == "region_name"


def test_missing_or_wrong_credentials() -> None:
    client = RDSClient(None, "us-east-1")  # as boto3: the client builds, the token fails
    with pytest.raises(NoCredentialsError) as error:
        client.generate_db_auth_token("h", 1, "u")
    assert str(error.value) == "Unable to locate credentials"
    with pytest.raises(ParamValidationError) as info:
        RDSClient(("AKID", "SECRET"), "us-east-1")  # type: ignore[arg-type]
    assert info.value.field == "credentials"


# -- clock, providers, secrets -----------------------------------------------------


def test_clock_is_read_per_call_and_freezegun_works() -> None:
    client = RDSClient(CREDS, "us-east-1")
    with freeze_time("2026-01-01 00:00:00") as frozen:
        first = client.generate_db_auth_token("h", 1, "u")
        frozen.tick(timedelta(seconds=1))
        second = client.generate_db_auth_token("h", 1, "u")
    assert "X-Amz-Date=20260101T000000Z" in first
    assert "X-Amz-Date=20260101T000001Z" in second


def test_provider_is_asked_for_every_token(rds_oracle: Boto3Oracle) -> None:
    """A refreshing provider's new credentials are used by the next token."""

    class Rotating:
        def __init__(self) -> None:
            self.calls = 0

        def get_credentials(self) -> Credentials:
            self.calls += 1
            return Credentials(f"AKID{self.calls}", f"secret{self.calls}", f"token{self.calls}")

    provider = Rotating()
    client = RDSClient(provider, "us-east-1")
    with freeze_time("2026-05-06 07:08:09"):
        tokens = [client.generate_db_auth_token("h.example.com", 3306, "u") for _ in range(3)]
        expected = [
            rds_oracle.client("us-east-1", f"AKID{i}", f"secret{i}", f"token{i}").generate_db_auth_token(  # type: ignore[attr-defined]
                "h.example.com", 3306, "u"
            )
            for i in (1, 2, 3)
        ]
    assert tokens == expected
    assert provider.calls == 3


def test_repr_and_meta_hide_secrets() -> None:
    client = RDSClient(CREDS, "eu-west-3")
    assert client.meta.region_name == "eu-west-3"
    assert client.meta.service_name == "rds"
    for text in (repr(client), str(client), repr(client.meta)):
        assert CREDS.secret_key not in text
        assert "session/token" not in text


# -- import cost -----------------------------------------------------------------

HEAVY = {"json", "configparser", "urllib", "email", "logging", "dataclasses", "inspect", "asyncio", "typing", "re", "datetime"}
PROBE = """
import sys
before = set(sys.modules)
import sigv4
from sigv4.tokens import DSQLClient, EKSClient, RDSClient
creds = sigv4.Credentials("AK", "SK", "TOKEN")
RDSClient(creds, "us-east-1").generate_db_auth_token("db.example.com", 5432, "user")
DSQLClient(creds, "us-east-1").generate_db_connect_admin_auth_token("x.dsql.us-east-1.on.aws")
EKSClient(creds, "us-east-1").get_token("my-cluster")
print(sorted(set(sys.modules) - before))
"""


def test_token_paths_import_no_heavy_module() -> None:
    """RDS, DSQL and EKS tokens in a fresh interpreter load none of HEAVY."""
    out = subprocess.run(
        [sys.executable, "-I", "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
    )
    loaded = set(ast.literal_eval(out.stdout.strip()))
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}, sorted(loaded)


# -- sigv4.client('rds' | 'dsql') --------------------------------------------------


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean AWS environment with its own (empty) shared files."""
    from sigv4.session import CLIENT_FACTORIES

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setitem(CLIENT_FACTORIES, "rds", "sigv4.tokens.factory:rds_client")
    monkeypatch.setitem(CLIENT_FACTORIES, "dsql", "sigv4.tokens.factory:dsql_client")
    return tmp_path


@pytest.mark.parametrize(
    ("env", "credentials_file"),
    [
        ({"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env/secret", "AWS_DEFAULT_REGION": "eu-west-2"}, ""),
        (
            {
                "AWS_ACCESS_KEY_ID": "ASIAENV",
                "AWS_SECRET_ACCESS_KEY": "env/secret",
                "AWS_SESSION_TOKEN": "env+token/=",
                "AWS_DEFAULT_REGION": "us-east-1-fips",
            },
            "",
        ),
        (
            {"AWS_PROFILE": "db", "AWS_DEFAULT_REGION": "ap-south-1"},
            "[db]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file/secret\n",
        ),
    ],
)
def test_client_factories_resolve_like_boto3(
    aws_env: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], credentials_file: str
) -> None:
    import sigv4.session

    (aws_env / "credentials").write_text(credentials_file)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with freeze_time("2026-09-10 11:12:13"):
        boto_rds = boto3.Session().client("rds")
        boto_dsql = boto3.Session().client("dsql")
        rds = sigv4.session.client("rds")
        dsql = sigv4.session.client("dsql")
        assert rds.generate_db_auth_token("db.example.com", 5432, "u") == boto_rds.generate_db_auth_token(
            "db.example.com", 5432, "u"
        )
        host = "abc.dsql.eu-west-2.on.aws"
        assert dsql.generate_db_connect_admin_auth_token(host) == boto_dsql.generate_db_connect_admin_auth_token(host)
        assert dsql.generate_db_connect_auth_token(host, ExpiresIn=60) == boto_dsql.generate_db_connect_auth_token(
            host, ExpiresIn=60
        )
    assert rds.meta.region_name == boto_rds.meta.region_name


def test_client_factories_without_region_or_credentials(aws_env: Path) -> None:
    import sigv4.session

    rds = sigv4.session.client("rds", aws_access_key_id="AKID", aws_secret_access_key="SECRET")
    assert isinstance(rds, RDSClient)
    with pytest.raises(NoRegionError):  # boto3 raises it when the client is made; sigv4 when Region= is missing too
        rds.generate_db_auth_token("db.example.com", 5432, "u")
    assert "%2Feu-west-1%2Frds-db%2F" in rds.generate_db_auth_token("db.example.com", 5432, "u", Region="eu-west-1")
    dsql = sigv4.session.client("dsql", region_name="us-east-1")
    with pytest.raises(NoCredentialsError):
        dsql.generate_db_connect_auth_token("abc.dsql.us-east-1.on.aws")
