"""Aurora DSQL tokens: byte for byte boto3 1.44.8's
``generate_db_connect_auth_token`` / ``generate_db_connect_admin_auth_token``,
and bad input.  The oracle and strategies are those of test_tokens_rds.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.exceptions import NoRegionError, ParamValidationError
from sigv4.tokens import DSQLClient

from .test_tokens_rds import (
    KNOWN_REGIONS,
    Boto3Oracle,
    access_keys,
    hermetic_aws_env,  # noqa: F401 - autouse fixture: the oracle sees no machine settings
    hostnames,
    ports,
    regions,
    secret_keys,
    session_tokens,
    times,
)

DSQL_EXAMPLES = 450

dsql_hosts = st.one_of(
    st.builds(
        lambda cid, region: f"{cid}.dsql.{region}.on.aws",
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=26, max_size=26),
        st.sampled_from(["us-east-1", "us-east-2", "eu-west-1", "ap-northeast-1"]),
    ),
    hostnames,
)
# A host with a port: boto3 signs host:port (without :443) and keeps it in the token.
hosts_maybe_port = st.one_of(dsql_hosts, st.builds(lambda h, p: f"{h}:{p}", dsql_hosts, ports))
expiries = st.one_of(st.sampled_from([1, 60, 900, 3600, 86400, 604800]), st.integers(1, 604800))


@pytest.fixture(scope="module")
def dsql_oracle() -> Boto3Oracle:
    return Boto3Oracle("dsql")


def test_dsql_tokens_match_boto3(dsql_oracle: Boto3Oracle) -> None:
    """DSQL_EXAMPLES cases over both actions, hosts (with and without a port),
    expiries, regions, credentials and times: zero mismatches."""
    ran = []
    with freeze_time("2026-01-01 00:00:00") as frozen:

        @settings(max_examples=DSQL_EXAMPLES)
        @given(
            admin=st.booleans(),
            host=hosts_maybe_port,
            expires=st.one_of(st.none(), expiries),
            client_region=st.sampled_from(KNOWN_REGIONS[:4]),
            region=st.one_of(st.none(), regions),
            access_key=access_keys,
            secret_key=secret_keys,
            token=session_tokens,
            when=times,
        )
        def check(
            admin: bool,
            host: str,
            expires: int | None,
            client_region: str,
            region: str | None,
            access_key: str,
            secret_key: str,
            token: str | None,
            when: datetime,
        ) -> None:
            frozen.move_to(when)
            boto = dsql_oracle.client(client_region, access_key, secret_key, token)
            client = DSQLClient(Credentials(access_key, secret_key, token), client_region)
            name = "generate_db_connect_admin_auth_token" if admin else "generate_db_connect_auth_token"
            kwargs: dict[str, object] = {"Region": region}
            if expires is not None:
                kwargs["ExpiresIn"] = expires
            expected = getattr(boto, name)(host, **kwargs)
            assert getattr(client, name)(host, **kwargs) == expected
            assert getattr(client, name)(host, **kwargs, now=when.replace(tzinfo=timezone.utc)) == expected
            ran.append(1)

        check()
    assert len(ran) >= DSQL_EXAMPLES


def test_documented_shape(dsql_oracle: Boto3Oracle) -> None:
    host = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"
    with freeze_time("2026-02-03 04:05:06"):
        boto = dsql_oracle.client("us-east-1", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)
        client = DSQLClient(Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "us-east-1")
        admin = client.generate_db_connect_admin_auth_token(host)
        user = client.generate_db_connect_auth_token(host, ExpiresIn=3600)
        assert admin == boto.generate_db_connect_admin_auth_token(host)  # type: ignore[attr-defined]
        assert user == boto.generate_db_connect_auth_token(host, ExpiresIn=3600)  # type: ignore[attr-defined]
    assert admin.startswith(f"{host}/?Action=DbConnectAdmin&X-Amz-Algorithm=AWS4-HMAC-SHA256&")
    assert "%2Fus-east-1%2Fdsql%2Faws4_request" in admin and "X-Amz-Expires=900&" in admin
    assert user.startswith(f"{host}/?Action=DbConnect&") and "X-Amz-Expires=3600&" in user


CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session/token")


@pytest.mark.parametrize("method", ["generate_db_connect_auth_token", "generate_db_connect_admin_auth_token"])
@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("",), {}, "Hostname"),
        ((None,), {}, "Hostname"),
        (("https://x.dsql.us-east-1.on.aws",), {}, "Hostname"),
        (("x.dsql.us-east-1.on.aws/",), {}, "Hostname"),
        (("x.dsql.us-east-1.on.aws:0",), {}, "Hostname"),
        (("x.dsql.us-east-1.on.aws:65536",), {}, "Hostname"),
        (("x.dsql.us-east-1.on.aws:",), {}, "Hostname"),
        (("x.dsql.us-east-1.on.aws:54a",), {}, "Hostname"),
        (("x.dsql.us-east-1.on.aws:1:2",), {}, "Hostname"),
        ((":5432",), {}, "Hostname"),
        (("x y.on.aws",), {}, "Hostname"),
        (("h.on.aws",), {"ExpiresIn": 0}, "ExpiresIn"),
        (("h.on.aws",), {"ExpiresIn": 604801}, "ExpiresIn"),
        (("h.on.aws",), {"ExpiresIn": -5}, "ExpiresIn"),
        (("h.on.aws",), {"ExpiresIn": True}, "ExpiresIn"),
        (("h.on.aws",), {"ExpiresIn": "900"}, "ExpiresIn"),
        (("h.on.aws",), {"ExpiresIn": 900.0}, "ExpiresIn"),
        (("h.on.aws",), {"Region": ""}, "Region"),
        (("h.on.aws",), {"Region": "us-east-1 "}, "Region"),
    ],
)
def test_bad_input_names_the_argument(method: str, args: tuple[object, ...], kwargs: dict[str, object], field: str) -> None:
    client = DSQLClient(CREDS, "us-east-1")
    with pytest.raises(ParamValidationError) as info:
        getattr(client, method)(*args, **kwargs)
    assert info.value.field == field
    assert isinstance(info.value, SigningError)
    assert field in str(info.value)
    assert CREDS.secret_key not in str(info.value)


def test_no_region_anywhere_is_no_region_error() -> None:
    client = DSQLClient(CREDS, None)
    with pytest.raises(NoRegionError):
        client.generate_db_connect_admin_auth_token("x.dsql.us-east-1.on.aws")
    token = client.generate_db_connect_admin_auth_token("x.dsql.us-east-1.on.aws", Region="us-east-1")
    assert "%2Fus-east-1%2Fdsql%2Faws4_request" in token


def test_session_token_is_carried_and_signed(dsql_oracle: Boto3Oracle) -> None:
    with freeze_time("2026-02-03 04:05:06"):
        client = DSQLClient(CREDS, "eu-west-1")
        token = client.generate_db_connect_auth_token("x.dsql.eu-west-1.on.aws")
        boto = dsql_oracle.client("eu-west-1", CREDS.access_key, CREDS.secret_key, CREDS.token)
        assert token == boto.generate_db_connect_auth_token("x.dsql.eu-west-1.on.aws")  # type: ignore[attr-defined]
    assert "&X-Amz-Security-Token=session%2Ftoken&X-Amz-Signature=" in token
    assert client.meta.service_name == "dsql"
    assert CREDS.secret_key not in repr(client)
