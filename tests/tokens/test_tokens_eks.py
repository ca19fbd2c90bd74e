"""EKS tokens: byte for byte the AWS CLI's ``aws eks get-token`` algorithm,
the ExecCredential it prints, STS hosts per partition, and bad input.

The oracle mirrors awscli/customizations/eks/get_token.py (awscli itself pins
its own botocore, so it is not installed next to botocore 1.44.8): a botocore
STS client with the CLI's two event handlers (``provide-client-params`` moves
the ``x-k8s-aws-id`` parameter into the request context, ``before-sign``
turns it into a header that gets signed), ``generate_presigned_url(
'get_caller_identity', ..., HttpMethod='GET')``, then ``'k8s-aws-v1.'`` +
urlsafe base64 without ``=`` padding.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore
import botocore.session
import pytest
from botocore.config import Config
from botocore.credentials import CredentialResolver
from botocore.exceptions import EndpointVariantError
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.exceptions import EndpointResolutionError, InvalidConfigError, NoRegionError, ParamValidationError
from sigv4.session import CLIENT_FACTORIES
from sigv4.tokens import EKSClient, exec_credential, exec_credential_json, exec_info_api_version, sts_endpoint

from .test_tokens_rds import (  # hermetic_aws_env: autouse fixture, the oracle sees no machine settings
    _SwappableProvider,
    access_keys,
    hermetic_aws_env,  # noqa: F401
    secret_keys,
    session_tokens,
    times,
)

EKS_EXAMPLES = 500

# -- the oracle: awscli's get_token.py on botocore 1.44.8 ----------------------

K8S_AWS_ID_HEADER = "x-k8s-aws-id"


def _retrieve_k8s_aws_id(params: dict[str, Any], context: dict[str, Any], **kwargs: Any) -> None:
    if K8S_AWS_ID_HEADER in params:
        context[K8S_AWS_ID_HEADER] = params.pop(K8S_AWS_ID_HEADER)


def _inject_k8s_aws_id_header(request: Any, **kwargs: Any) -> None:
    if K8S_AWS_ID_HEADER in request.context:
        request.headers[K8S_AWS_ID_HEADER] = request.context[K8S_AWS_ID_HEADER]


class AwsCliOracle:
    """STSClientFactory + TokenGenerator of the AWS CLI, with swappable credentials."""

    def __init__(self) -> None:
        self.provider = _SwappableProvider()
        self.session = botocore.session.Session()
        self.session.register_component("credential_provider", CredentialResolver([self.provider]))
        self.clients: dict[tuple[str, str | None, tuple[tuple[str, Any], ...]], Any] = {}

        # AWS_STS_REGIONAL_ENDPOINTS=legacy, as a session configured that way.
        self.legacy_session = botocore.session.Session()
        self.legacy_session.register_component("credential_provider", CredentialResolver([self.provider]))
        self.legacy_session.set_config_variable("sts_regional_endpoints", "legacy")

    def sts_client(
        self,
        region: str,
        access_key: str,
        secret_key: str,
        token: str | None,
        endpoint_url: str | None = None,
        legacy: bool = False,
        **config: Any,
    ) -> Any:
        self.provider.creds.access_key = access_key
        self.provider.creds.secret_key = secret_key
        self.provider.creds.token = token
        key = (region, endpoint_url, (("legacy", legacy), *sorted(config.items())))
        if key not in self.clients:
            session = self.legacy_session if legacy else self.session
            sts = session.create_client("sts", region_name=region, endpoint_url=endpoint_url, config=Config(**config))
            sts.meta.events.register("provide-client-params.sts.GetCallerIdentity", _retrieve_k8s_aws_id)
            sts.meta.events.register("before-sign.sts.GetCallerIdentity", _inject_k8s_aws_id_header)
            self.clients[key] = sts
        return self.clients[key]

    @staticmethod
    def get_token(sts: Any, cluster: str, expires_in: int = 60) -> str:
        url = sts.generate_presigned_url(
            "get_caller_identity", Params={K8S_AWS_ID_HEADER: cluster}, ExpiresIn=expires_in, HttpMethod="GET"
        )
        return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode("utf-8")).decode("utf-8").rstrip("=")

    @staticmethod
    def exec_credential(token: str) -> dict[str, Any]:
        """GetTokenCommand._run_main's object (expiration: utcnow + 14 minutes)."""
        expiration = (datetime.utcnow() + timedelta(minutes=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "kind": "ExecCredential",
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "spec": {},
            "status": {"expirationTimestamp": expiration, "token": token},
        }


@pytest.fixture(scope="module")
def cli() -> AwsCliOracle:
    return AwsCliOracle()


def _decode(token: str) -> str:
    body = token[len("k8s-aws-v1.") :]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")


# -- regions: every one botocore's partitions.json names, and odd ones ----------

with open(os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json")) as _f:
    _PARTITIONS = json.load(_f)["partitions"]
PARTITION_REGIONS = sorted(r for p in _PARTITIONS for r in p["regions"])
ODD_REGIONS = [
    "xx-fake-1",
    "x",
    "US-EAST-1",
    "Us-West-2",
    "cn-x",
    "cn-north-1a",
    "eusc-fr-east-1",
    "us-iso-east-10",
    "us-isob-x-1",
    "eu-isoe-new-7",
    "us-isof-north-2",
    "us-gov-central-3",
    "ap-newplace-9",
    "zz-east-1",
    "us-east-1-x",
    "mars-north-1",
]
ALL_REGIONS = PARTITION_REGIONS + ODD_REGIONS
# One region per partition, the pseudo-regions and a few more, for the variants.
VARIANT_REGIONS = sorted(
    {"eu-isoe-x-2", "us-isof-x-3"}
    | {p["outputs"]["implicitGlobalRegion"] for p in _PARTITIONS}
    | {r for r in PARTITION_REGIONS if r.endswith("-global")}
    | {"us-gov-east-1", "ap-southeast-7", "xx-fake-1"}
)

EKS_NAME = st.from_regex(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}", fullmatch=True)
cluster_names = st.one_of(
    st.sampled_from(["my-cluster", "prod", "Cluster_01", "a" * 100, "  padded  name ", "é-ü", "集群", "x=y&z", "%41"]),
    EKS_NAME,
    st.uuids().map(str),  # --cluster-id of a local cluster on Outposts
    st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and not {"\r", "\n", "\x00"} & set(s)),
)
eks_expiries = st.one_of(st.just(60), st.integers(1, 900))


# -- differential -----------------------------------------------------------------


def test_eks_tokens_match_the_aws_cli(cli: AwsCliOracle) -> None:
    """EKS_EXAMPLES cases over cluster names, regions of every partition and odd
    ones, expiries, credentials and times: zero mismatches with the CLI's token,
    and the ExecCredential equals the one the CLI builds."""
    ran = []
    with freeze_time("2026-01-01 00:00:00") as frozen:

        @settings(max_examples=EKS_EXAMPLES)
        @given(
            cluster=cluster_names,
            region=st.sampled_from(ALL_REGIONS),
            expires=eks_expiries,
            access_key=access_keys,
            secret_key=secret_keys,
            token=session_tokens,
            when=times,
        )
        def check(
            cluster: str, region: str, expires: int, access_key: str, secret_key: str, token: str | None, when: datetime
        ) -> None:
            frozen.move_to(when)
            client = EKSClient(Credentials(access_key, secret_key, token), region)
            if not all(c == "\t" or " " <= c <= "~" for c in cluster):
                # EKS cluster names are ASCII; a non-ASCII x-k8s-aws-id header value has no
                # agreed wire encoding (and a control character is no header text), so sigv4
                # refuses it where the AWS CLI signs it (as UTF-8).
                with pytest.raises(SigningError):
                    client.get_token(cluster, expires)
                ran.append(1)
                return
            sts = cli.sts_client(region, access_key, secret_key, token)
            expected = cli.get_token(sts, cluster, expires)
            assert client.get_token(cluster, expires) == expected
            assert client.get_token(cluster, ExpiresIn=expires, now=when.replace(tzinfo=timezone.utc)) == expected
            if expires == 60:
                assert client.get_exec_credential(cluster) == cli.exec_credential(expected)
            ran.append(1)

        check()
    assert len(ran) >= EKS_EXAMPLES


@pytest.mark.parametrize("region", VARIANT_REGIONS)
@pytest.mark.parametrize(
    "config",
    [{"use_fips_endpoint": True}, {"use_dualstack_endpoint": True}, {"use_fips_endpoint": True, "use_dualstack_endpoint": True}],
    ids=["fips", "dualstack", "fips+dualstack"],
)
def test_fips_and_dualstack_hosts_match_botocore(cli: AwsCliOracle, region: str, config: dict[str, Any]) -> None:
    with freeze_time("2026-07-08 09:10:11"):
        try:
            sts = cli.sts_client(region, "AKID", "SECRET", "TOKEN", **config)
        except EndpointVariantError:  # botocore knows no such endpoint: neither do we
            with pytest.raises(EndpointResolutionError):
                EKSClient(Credentials("AKID", "SECRET", "TOKEN"), region, **config)
            return
        expected = cli.get_token(sts, "my-cluster")
        token = EKSClient(Credentials("AKID", "SECRET", "TOKEN"), region, **config).get_token("my-cluster")
    assert token == expected, (_decode(token), _decode(expected))


@pytest.mark.parametrize(
    "region", ["us-east-1-fips", "fips-us-east-1", "us-gov-west-1-fips", "fips-cn-north-1", "eu-fips-west-1", "fips-aws-global"]
)
def test_fips_pseudo_regions_match_botocore(cli: AwsCliOracle, region: str) -> None:
    """botocore reads "us-east-1-fips" as region us-east-1 with FIPS endpoints."""
    with freeze_time("2026-07-08 09:10:11"):
        expected = cli.get_token(cli.sts_client(region, "AKID", "SECRET", None), "my-cluster")
        client = EKSClient(Credentials("AKID", "SECRET"), region)
        token = client.get_token("my-cluster")
    assert token == expected, (_decode(token), _decode(expected))
    assert "fips" not in (client.meta.region_name or "")


@pytest.mark.parametrize("region", sorted(set(PARTITION_REGIONS[:40]) | {"aws-global", "us-east-1", "eu-west-1", "xx-fake-1"}))
def test_legacy_global_endpoint_matches_botocore(cli: AwsCliOracle, region: str) -> None:
    """sts_regional_endpoints='legacy' (AWS_STS_REGIONAL_ENDPOINTS=legacy)."""
    with freeze_time("2026-07-08 09:10:11"):
        sts = cli.sts_client(region, "AKID", "SECRET", None, legacy=True)
        expected = cli.get_token(sts, "c")
        token = EKSClient(Credentials("AKID", "SECRET"), region, sts_regional_endpoints="legacy").get_token("c")
    assert token == expected, (_decode(token), _decode(expected))


@pytest.mark.parametrize(
    "endpoint_url",
    [
        "https://sts.example.com",
        "http://localhost:4566",
        "https://proxy.example.com/sts",
        "https://proxy.example.com/sts/",
        "HTTPS://STS.Example.COM:8443",
    ],
)
@pytest.mark.parametrize("region", ["eu-west-1", "aws-global", "cn-north-1"])
def test_custom_endpoint_matches_botocore(cli: AwsCliOracle, endpoint_url: str, region: str) -> None:
    with freeze_time("2026-07-08 09:10:11"):
        sts = cli.sts_client(region, "AKID", "SECRET", None, endpoint_url=endpoint_url)
        expected = cli.get_token(sts, "c")
        client = EKSClient(Credentials("AKID", "SECRET"), region, endpoint_url=endpoint_url)
        token = client.get_token("c")
    assert token == expected, (_decode(token), _decode(expected))
    assert client.endpoint_url == endpoint_url


@pytest.mark.parametrize(
    ("region", "host", "scope_region"),
    [
        ("us-east-1", "sts.us-east-1.amazonaws.com", "us-east-1"),
        ("aws-global", "sts.amazonaws.com", "us-east-1"),
        ("cn-north-1", "sts.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("us-gov-west-1", "sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        ("us-iso-east-1", "sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
        ("eusc-de-east-1", "sts.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"),
    ],
)
def test_token_anatomy(region: str, host: str, scope_region: str) -> None:
    client = EKSClient(Credentials("AKIDEXAMPLE", "SECRET", "tok/en+="), region)
    token = client.get_token("my-cluster", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert token.startswith("k8s-aws-v1.")
    assert "=" not in token and "+" not in token and "/" not in token
    url = _decode(token)
    assert url.startswith(f"https://{host}/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&")
    assert f"X-Amz-Credential=AKIDEXAMPLE%2F20260102%2F{scope_region}%2Fsts%2Faws4_request" in url
    assert "&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature=" in url
    assert sts_endpoint(region) == (f"https://{host}", scope_region)
    assert len(token) < 4096  # the authenticator's limit
    signed = client.presign("my-cluster", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert signed.url == url
    assert signed.signed_headers == ("host", "x-k8s-aws-id")
    assert "\nx-k8s-aws-id:my-cluster\n" in signed.canonical_request


# -- ExecCredential ---------------------------------------------------------------


def test_exec_credential_object_and_json() -> None:
    client = EKSClient(Credentials("AKID", "SECRET"), "us-west-2")
    with freeze_time("2026-12-31 23:50:30"):
        cred = client.get_exec_credential("c")
    assert list(cred) == ["kind", "apiVersion", "spec", "status"]
    assert list(cred["status"]) == ["expirationTimestamp", "token"]
    assert cred["status"]["expirationTimestamp"] == "2027-01-01T00:04:30Z"
    assert "X-Amz-Date=20261231T235030Z" in _decode(cred["status"]["token"])
    text = exec_credential_json(cred)
    assert text == json.dumps(cred, indent=4)
    assert text.startswith(
        '{\n    "kind": "ExecCredential",\n    "apiVersion": "client.authentication.k8s.io/v1beta1",\n    "spec": {},\n'
    )
    v1 = client.get_exec_credential("c", api_version="client.authentication.k8s.io/v1")
    assert v1["apiVersion"] == "client.authentication.k8s.io/v1"
    assert exec_credential("t", "2026-01-01T00:00:00Z")["status"] == {"expirationTimestamp": "2026-01-01T00:00:00Z", "token": "t"}
    with pytest.raises(ParamValidationError) as info:
        exec_credential("t", "x", api_version="v2")
    assert info.value.field == "api_version"


@pytest.mark.parametrize(
    ("env", "version", "warns"),
    [
        ({}, "client.authentication.k8s.io/v1beta1", False),
        ({"KUBERNETES_EXEC_INFO": ""}, "client.authentication.k8s.io/v1beta1", False),
        ({"KUBERNETES_EXEC_INFO": '{"apiVersion": "client.authentication.k8s.io/v1"}'}, "client.authentication.k8s.io/v1", False),
        (
            {"KUBERNETES_EXEC_INFO": '{"apiVersion": "client.authentication.k8s.io/v1beta1"}'},
            "client.authentication.k8s.io/v1beta1",
            False,
        ),
        (
            {"KUBERNETES_EXEC_INFO": '{"apiVersion": "client.authentication.k8s.io/v1alpha1"}'},
            "client.authentication.k8s.io/v1alpha1",
            True,
        ),
        (
            {"KUBERNETES_EXEC_INFO": '{"apiVersion": "client.authentication.k8s.io/v9"}'},
            "client.authentication.k8s.io/v1beta1",
            True,
        ),
        ({"KUBERNETES_EXEC_INFO": "{not json"}, "client.authentication.k8s.io/v1beta1", True),
        ({"KUBERNETES_EXEC_INFO": "[1]"}, "client.authentication.k8s.io/v1beta1", True),
    ],
)
def test_exec_info_api_version(env: dict[str, str], version: str, warns: bool) -> None:
    got, warning = exec_info_api_version(env)
    assert got == version
    assert (warning is not None) == warns


# -- bad input -----------------------------------------------------------------

CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session/token")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("",), "ClusterName"),
        (("   ",), "ClusterName"),
        ((None,), "ClusterName"),
        ((b"c",), "ClusterName"),
        (("a\nb",), "ClusterName"),
        (("a\rb",), "ClusterName"),
        (("a\x00b",), "ClusterName"),
        (("c", 0), "ExpiresIn"),
        (("c", 901), "ExpiresIn"),
        (("c", True), "ExpiresIn"),
        (("c", "60"), "ExpiresIn"),
    ],
)
def test_bad_input_names_the_argument(args: tuple[object, ...], field: str) -> None:
    client = EKSClient(CREDS, "us-east-1")
    with pytest.raises(ParamValidationError) as info:
        client.get_token(*args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert isinstance(info.value, SigningError)
    assert CREDS.secret_key not in str(info.value)


def test_region_is_required_and_checked() -> None:
    with pytest.raises(NoRegionError):
        EKSClient(CREDS, None)
    for bad in ["", "us_east_1", "a.b", "-us"]:
        with pytest.raises(ParamValidationError) as info:
            EKSClient(CREDS, bad)
        assert info.value.field == "region_name"


def test_bad_endpoint_configuration() -> None:
    with pytest.raises(EndpointResolutionError):
        EKSClient(CREDS, "us-east-1", endpoint_url="https://sts.example.com", use_fips_endpoint=True)
    with pytest.raises(InvalidConfigError):
        EKSClient(CREDS, "us-east-1", sts_regional_endpoints="global")
    with pytest.raises(InvalidConfigError):
        EKSClient(CREDS, "us-east-1", use_fips_endpoint="yes")  # type: ignore[arg-type]
    for url in ["sts.example.com", "ftp://sts.example.com", "https://", "https://h/?x=1"]:
        with pytest.raises(ParamValidationError) as info:
            EKSClient(CREDS, "us-east-1", endpoint_url=url)
        assert info.value.field == "endpoint_url"


def test_repr_hides_secrets() -> None:
    client = EKSClient(CREDS, "us-west-2")
    assert "sts.us-west-2.amazonaws.com" in repr(client)
    assert CREDS.secret_key not in repr(client) and "session/token" not in repr(client)
    assert client.meta.region_name == "us-west-2" and client.meta.service_name == "eks"


# -- sigv4.client('eks'): settings resolved as botocore resolves them for STS ----------


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """A clean AWS environment with its own (empty) shared files; yields a setter."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setitem(CLIENT_FACTORIES, "eks", "sigv4.tokens.factory:eks_client")
    return tmp_path


def _cli_token_from_environment(cluster: str) -> str:
    """`aws eks get-token` with no arguments: a botocore session reading the environment."""
    session = botocore.session.Session()
    sts = session.create_client("sts", region_name=session.get_config_variable("region"))
    sts.meta.events.register("provide-client-params.sts.GetCallerIdentity", _retrieve_k8s_aws_id)
    sts.meta.events.register("before-sign.sts.GetCallerIdentity", _inject_k8s_aws_id_header)
    return AwsCliOracle.get_token(sts, cluster)


@pytest.mark.parametrize(
    ("env", "config_file"),
    [
        ({"AWS_DEFAULT_REGION": "eu-west-1"}, ""),
        ({"AWS_DEFAULT_REGION": "us-east-1", "AWS_USE_FIPS_ENDPOINT": "true"}, ""),
        ({"AWS_DEFAULT_REGION": "cn-north-1", "AWS_USE_DUALSTACK_ENDPOINT": "true"}, ""),
        ({"AWS_DEFAULT_REGION": "us-east-1", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, ""),
        ({"AWS_DEFAULT_REGION": "ap-south-2", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, ""),
        ({"AWS_DEFAULT_REGION": "us-east-1-fips"}, ""),
        ({"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL_STS": "http://localhost:4566"}, ""),
        ({"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "https://proxy.example.com/sts"}, ""),
        ({}, "[default]\nregion = us-west-2\nsts_regional_endpoints = legacy\n"),
        ({}, "[default]\nregion = us-gov-west-1\nuse_fips_endpoint = true\n"),
        ({"AWS_PROFILE": "k8s"}, "[profile k8s]\nregion = eu-central-1\nuse_dualstack_endpoint = true\n"),
    ],
)
def test_client_factory_reads_settings_as_the_cli_does(
    aws_env: Any, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], config_file: str
) -> None:
    import sigv4.session

    (aws_env / "config").write_text(config_file)
    keys = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env/secret", "AWS_SESSION_TOKEN": "env+token"}
    for name, value in {**keys, **env}.items():
        monkeypatch.setenv(name, value)
    with freeze_time("2026-09-10 11:12:13"):
        expected = _cli_token_from_environment("my-cluster")
        token = sigv4.session.client("eks").get_token("my-cluster")
    assert token == expected, (_decode(token), _decode(expected))


def test_client_factory_without_region_raises(aws_env: Any) -> None:
    import sigv4.session

    with pytest.raises(NoRegionError):
        sigv4.session.client("eks", aws_access_key_id="AKID", aws_secret_access_key="SECRET")
    client = sigv4.session.client("eks", region_name="eu-west-1", aws_access_key_id="AKID", aws_secret_access_key="SECRET")
    assert isinstance(client, EKSClient)
