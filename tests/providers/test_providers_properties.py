"""Properties over arbitrary input: what parses credentials either succeeds or raises
``CredentialsError`` (nothing chained), and no message shows a secret-like run.

The number of examples follows the hypothesis profile (``HYPOTHESIS_PROFILE``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from sigv4 import Credentials, CredentialsError
from sigv4.providers.base import credentials_from_mapping, excerpt, parse_expiry
from sigv4.providers.env import read_environment_credentials
from sigv4.providers.sts import parse_sts_response
from sigv4.providers.transport import decode_json, error_summary

anything = st.one_of(st.text(), st.binary(), st.integers(), st.none(), st.floats(), st.lists(st.text(), max_size=3))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
FIELDS = ["AccessKeyId", "SecretAccessKey", "Token", "SessionToken", "Expiration", "Version"]
documents = st.dictionaries(st.sampled_from(FIELDS), st.one_of(json_values, st.text()), max_size=6)
timestamps = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?", fullmatch=True),
    st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.isoformat()),
)


def only_credentials_error(call) -> object:
    try:
        return call()
    except CredentialsError as exc:
        assert exc.__cause__ is None and exc.__context__ is None
        return exc


@given(anything, anything, anything, st.one_of(st.none(), st.datetimes(), st.datetimes(timezones=st.timezones())))
def test_credentials_construct_or_refuse(access_key, secret_key, token, expiry) -> None:
    got = only_credentials_error(lambda: Credentials(access_key, secret_key, token, expiry))
    if isinstance(got, Credentials):
        got.secret_key.encode("utf-8")  # whatever is accepted encodes
        if len(got.secret_key) >= 33:  # longer than any fixed text of the repr
            assert got.secret_key not in repr(got).replace(got.access_key, "")


@given(timestamps)
def test_parse_expiry_returns_an_aware_datetime_or_refuses(text: str) -> None:
    got = only_credentials_error(lambda: parse_expiry(text, "Expiration"))
    if isinstance(got, datetime):
        assert got.utcoffset() is not None
        got.astimezone(timezone.utc)


@given(documents, st.sampled_from(["Token", "SessionToken"]), st.booleans(), st.booleans())
def test_credentials_from_any_document(doc, token_key, require_token, require_expiry) -> None:
    only_credentials_error(
        lambda: credentials_from_mapping(
            doc, "source", token_key=token_key, require_token=require_token, require_expiry=require_expiry
        )
    )


@given(
    st.one_of(
        st.binary(max_size=200), documents.map(lambda d: json.dumps(d).encode()), st.integers(0, 3000).map(lambda n: b"[" * n)
    )
)
def test_decode_json_and_error_summary(body: bytes) -> None:
    only_credentials_error(lambda: decode_json(body, "source"))
    summary = error_summary(body)
    assert all(c.isprintable() for c in summary)


@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: f"<Credentials>{t}</Credentials>".encode("utf-8", "surrogatepass")),
    )
)
def test_parse_sts_response_of_any_body(body: bytes) -> None:
    only_credentials_error(lambda: parse_sts_response(body, "AssumeRole"))


@given(
    st.dictionaries(
        st.sampled_from(
            ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"]
        ),
        st.text(max_size=30),
    )
)
def test_read_environment_credentials_of_any_environment(env: dict[str, str]) -> None:
    from sigv4.exceptions import PartialCredentialsError

    got = only_credentials_error(lambda: read_environment_credentials(env))
    if isinstance(got, PartialCredentialsError):
        assert not env.get("AWS_SECRET_ACCESS_KEY")


@given(st.text())
def test_excerpt_never_shows_a_long_key_like_run(text: str) -> None:
    shown = excerpt(text)
    for run in re.finditer(r"[A-Za-z0-9+/=_-]{16,}", text):
        assert run.group() not in shown
    assert len(shown) <= 2 + 40 + len(f"... ({len(text)} characters)")
