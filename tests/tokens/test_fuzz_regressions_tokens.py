"""Regressions from the fuzz run (tests/fuzz) in the token clients: each input once escaped
as a bare TypeError/AttributeError/RecursionError, or raised a ParamValidationError chained to
a UnicodeEncodeError."""

from __future__ import annotations

import pytest

import sigv4
from sigv4.exceptions import InvalidConfigError, ParamValidationError
from sigv4.tokens import RDSClient, exec_credential_json, exec_info_api_version

CREDS = sigv4.Credentials("AKIDEXAMPLE", "SECRETMARKER/0123456789abcdef")


@pytest.mark.parametrize(("host", "user"), [("db\ud800.example.com", "app"), ("db.example.com", "app\udfff")])
def test_lone_surrogates_are_refused_unchained(host: str, user: str) -> None:
    with pytest.raises(ParamValidationError) as info:
        RDSClient(CREDS, "us-east-1").generate_db_auth_token(host, 5432, user)
    assert info.value.__context__ is None and info.value.__cause__ is None


def test_exec_credential_json_of_values_json_cannot_write() -> None:
    for credential in ({"a": object()}, {"a": float("nan")}, {(1, 2): "x"}):
        with pytest.raises(ParamValidationError) as info:
            exec_credential_json(credential)
        assert info.value.__context__ is None


def test_exec_info_api_version_of_odd_environments() -> None:
    beta = "client.authentication.k8s.io/v1beta1"
    for raw in ("[" * 5000, "{", "null"):  # '[' * 5000 was a RecursionError
        version, warning = exec_info_api_version({"KUBERNETES_EXEC_INFO": raw})
        assert version == beta and warning and "Error parsing KUBERNETES_EXEC_INFO" in warning
    version, warning = exec_info_api_version({"KUBERNETES_EXEC_INFO": 5})  # type: ignore[dict-item]
    assert version == beta and warning
    with pytest.raises(ParamValidationError):
        exec_info_api_version(5)  # type: ignore[arg-type]


@pytest.mark.parametrize("service", ["eks", "s3"])
def test_endpoint_url_that_is_not_a_str(service: str) -> None:
    with pytest.raises(InvalidConfigError) as info:
        sigv4.client(service, region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="s", endpoint_url=5)
    assert info.value.field == "endpoint_url"
