"""MSK IAM tokens against aws-msk-iam-sasl-signer-python 1.0.2 (the official
library, a test-only oracle): ``MSKAuthTokenProvider.generate_auth_token(region)``
with the same credentials (from the environment, its default chain) at the same
frozen time gives the same token, but for the ``User-Agent`` value."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from sigv4 import Credentials, SigningError
from sigv4.tokens import MSKTokenProvider, msk_auth_token
from tests.strategies import access_keys, secret_keys, times, tokens
from tests.tokens.recipe_oracles import aws_env, region_names, unb64url

MSK_EXAMPLES = 300
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
OUR_UA = "&User-Agent=sigv4%2F0.1.0"


def official(region: str, access_key: str, secret_key: str, token: Optional[str], now: datetime, home: str) -> tuple[str, int]:
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

    with aws_env(access_key, secret_key, token, home), freeze_time(now):
        return MSKAuthTokenProvider.generate_auth_token(region)  # type: ignore[no-any-return]


def without_user_agent(url: str) -> str:
    head, sep, tail = url.rpartition("&User-Agent=")
    assert sep and "&" not in tail, url
    return head


@settings(max_examples=MSK_EXAMPLES)
@given(region=region_names, access_key=access_keys, secret_key=secret_keys, token=tokens, now=times)
def test_equals_the_official_library(
    tmp_path_factory: pytest.TempPathFactory, region: str, access_key: str, secret_key: str, token: Optional[str], now: datetime
) -> None:
    home = str(tmp_path_factory.getbasetemp())
    theirs, their_expiry = official(region, access_key, secret_key, token, now, home)
    ours, our_expiry = msk_auth_token(region, credentials=Credentials(access_key, secret_key, token), now=now)
    assert "=" not in ours and "+" not in ours and "/" not in ours
    their_url, our_url = unb64url(theirs), unb64url(ours)
    assert our_url.endswith(OUR_UA)
    assert their_url.endswith("&User-Agent=aws-msk-iam-sasl-signer-python%2F1.0.2")
    assert without_user_agent(our_url) == without_user_agent(their_url)
    assert our_expiry == their_expiry == (int(now.timestamp()) + 900) * 1000


def test_default_chain_and_fixed_example(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    theirs, expiry = official("eu-west-1", "AKIDEXAMPLE", secret, "tok/en+=", FIXED, str(tmp_path))
    with aws_env("AKIDEXAMPLE", secret, "tok/en+=", str(tmp_path)):
        ours, our_expiry = msk_auth_token("eu-west-1", now=FIXED)  # credentials from the environment
    assert without_user_agent(unb64url(ours)) == without_user_agent(unb64url(theirs))
    assert our_expiry == expiry == 1767323945000
    url = unb64url(ours)
    assert url.startswith(
        "https://kafka.eu-west-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
    )
    assert "X-Amz-Expires=900&" in url and "X-Amz-Security-Token=tok%2Fen%2B%3D&" in url


def test_provider_for_kafka_clients() -> None:
    creds = Credentials("AKIDEXAMPLE", "secret")
    provider = MSKTokenProvider("us-east-1", credentials=creds)
    with freeze_time(FIXED):
        token, expiry_s = provider("oauthbearer config")  # confluent-kafka's oauth_cb
        assert (token, int(expiry_s * 1000)) == msk_auth_token("us-east-1", credentials=creds)
        assert provider.token() == token  # kafka-python's token provider
        assert provider.extensions() == {}
        assert provider.token_and_expiry() == (token, int(expiry_s * 1000))
    assert "secret" not in repr(provider)


@pytest.mark.parametrize("region", ["", "us east", "-us-east-1", 7, None, "us-east-1\ud800"])
def test_bad_region(region: object) -> None:
    with pytest.raises(SigningError) as info:
        msk_auth_token(region, credentials=Credentials("AK", "SK"))  # type: ignore[arg-type]
    assert info.value.__cause__ is None and info.value.__context__ is None


@given(st.sampled_from([object(), "AK:SK", 5]))
def test_bad_credentials(creds: object) -> None:
    with pytest.raises(SigningError):
        msk_auth_token("us-east-1", credentials=creds)  # type: ignore[arg-type]


def test_the_official_entry_points(tmp_path: Path) -> None:
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider as Official

    from sigv4.tokens import msk as Ours

    (tmp_path / "credentials").write_text("[app]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile/secret\n")
    with aws_env("AKIDEXAMPLE", "secret", None, str(tmp_path)), freeze_time(FIXED):
        pairs = [
            (Ours.generate_auth_token("us-west-2"), Official.generate_auth_token("us-west-2")),
            (
                Ours.generate_auth_token_from_profile("us-west-2", "app"),
                Official.generate_auth_token_from_profile("us-west-2", "app"),
            ),
        ]
        provided = Ours.generate_auth_token_from_credentials_provider("us-west-2", Credentials("AKIDEXAMPLE", "secret"))
    assert provided == pairs[0][0]
    for (ours, our_expiry), (theirs, their_expiry) in pairs:
        assert without_user_agent(unb64url(ours)) == without_user_agent(unb64url(theirs))
        assert our_expiry == their_expiry
    assert "AKIDPROFILE" in unb64url(pairs[1][0][0])
