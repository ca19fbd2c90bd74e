"""What ``sigv4.Credentials`` accepts, and that a refused or pickled secret never shows.

A refused value raises ``CredentialsError`` naming the field, with nothing chained
(``__cause__``/``__context__``) and no fragment of the secret or token anywhere in
the exception chain (args, str, repr, ``.object`` of a ``UnicodeError``).
"""

from __future__ import annotations

import copy
import pickle
from datetime import datetime, timedelta, timezone, tzinfo

import pytest

import sigv4
from sigv4 import Credentials, CredentialsError
from tests import botocore_oracle as oracle

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
# A marker that cannot come from anything but the value under test.
MARKER = "Zq7MarkerSecretXk2"
SECRET = f"wJalrXUtnFEMI/{MARKER}/bPxRfiCYEXAMPLEKEY"
TOKEN = f"IQoJb3JpZ2luX2Vj{MARKER}EXAMPLETOKEN=="


def fragments(value: str, size: int = 8) -> list[str]:
    return [value[i : i + size] for i in range(0, max(1, len(value) - size + 1))]


def chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def texts_of(exc: BaseException) -> list[str]:
    """Everything an exception can show: args, str, repr, and a UnicodeError's .object."""
    out = [str(exc), repr(exc), *(repr(a) for a in exc.args), *(str(a) for a in exc.args)]
    obj = getattr(exc, "object", None)
    if obj is not None:
        out.append(obj.decode("utf-8", "replace") if isinstance(obj, bytes) else str(obj))
    return out


def assert_clean(exc: BaseException, *secrets: str) -> None:
    """No chaining at all, and no 8-character fragment of a secret in any text of the chain."""
    assert exc.__cause__ is None and exc.__context__ is None, "nothing may be chained"
    for link in chain(exc):
        for text in texts_of(link):
            for secret in secrets:
                for frag in fragments(secret):
                    assert frag not in text, f"{type(link).__name__} shows {frag!r}"


# -- the leak of the issue: a lone surrogate in the secret ---------------------------


@pytest.mark.parametrize("secret", [SECRET + "\ud800", "\udfff" + SECRET, SECRET[:20] + "\udc80" + SECRET[20:]])
def test_lone_surrogate_in_the_secret_is_refused_at_construction_without_leaking(secret: str) -> None:
    with pytest.raises(CredentialsError) as info:
        Credentials("AKIDEXAMPLE", secret)
    assert info.value.field == "secret_key"
    assert_clean(info.value, SECRET, MARKER)


def test_lone_surrogate_in_the_token_is_refused_without_leaking() -> None:
    with pytest.raises(CredentialsError) as info:
        Credentials("AKIDEXAMPLE", SECRET, TOKEN + "\ud800")
    assert info.value.field == "token"
    assert_clean(info.value, SECRET, TOKEN, MARKER)


def test_nothing_reaches_key_derivation_with_a_surrogate_secret() -> None:
    """The path of the original leak: sign with such a secret.  It never gets that far."""
    with pytest.raises(CredentialsError) as info:
        sigv4.Signer(Credentials("AKIDEXAMPLE", SECRET + "\ud800"), "us-east-1", "s3").presign(
            "GET", "https://b.s3.amazonaws.com/k", 60
        )
    assert_clean(info.value, SECRET, MARKER)


# -- every refused value ---------------------------------------------------------------

BAD = [
    # (access_key, secret_key, token, expected field)
    (None, SECRET, None, "access_key"),
    (1, SECRET, None, "access_key"),
    (b"AKIDEXAMPLE", SECRET, None, "access_key"),
    (["AKID"], SECRET, None, "access_key"),
    ("", SECRET, None, "access_key"),
    ("AKID/EXAMPLE", SECRET, None, "access_key"),  # the scope separator
    ("AKID,EXAMPLE", SECRET, None, "access_key"),  # the Authorization header's separator
    ("AKID EXAMPLE", SECRET, None, "access_key"),
    ("AKID\tEXAMPLE", SECRET, None, "access_key"),
    ("AKID\r\nX-Evil: 1", SECRET, None, "access_key"),
    ("AKID\x00", SECRET, None, "access_key"),
    ("AKID\x7f", SECRET, None, "access_key"),
    ("AKIDÉ", SECRET, None, "access_key"),
    ("AKID\ud800", SECRET, None, "access_key"),
    (" AKID", SECRET, None, "access_key"),
    ("AKID", None, None, "secret_key"),
    ("AKID", b"secret", None, "secret_key"),
    ("AKID", 12345, None, "secret_key"),
    ("AKID", "", None, "secret_key"),
    ("AKID", SECRET + "\r", None, "secret_key"),
    ("AKID", SECRET + "\n", None, "secret_key"),
    ("AKID", SECRET + "\x00", None, "secret_key"),
    ("AKID", SECRET, "", "token"),
    ("AKID", SECRET, b"token", "token"),
    ("AKID", SECRET, 7, "token"),
    ("AKID", SECRET, TOKEN + "\r\nX-Evil: 1", "token"),
    ("AKID", SECRET, TOKEN + "\n", "token"),
    ("AKID", SECRET, TOKEN + "\x00", "token"),
    ("AKID", SECRET, TOKEN + "\t", "token"),
    ("AKID", SECRET, TOKEN + "\x1b[31m", "token"),
    ("AKID", SECRET, TOKEN + "\x7f", "token"),
    ("AKID", SECRET, "é" + TOKEN + "\x01", "token"),  # the slow path (non-ASCII) finds it too
    ("AKID", SECRET, "\udbff" + TOKEN, "token"),
]


@pytest.mark.parametrize(("access_key", "secret_key", "token", "field"), BAD)
def test_refused_values_name_the_field_and_show_nothing(
    access_key: object, secret_key: object, token: object, field: str
) -> None:
    with pytest.raises(CredentialsError) as info:
        Credentials(access_key, secret_key, token)  # type: ignore[arg-type]
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert_clean(info.value, SECRET, TOKEN, MARKER)


class _Broken(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        raise RuntimeError("tzinfo is broken")

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


class _Bogus(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=30)  # datetime refuses an offset of 24 h or more

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


@pytest.mark.parametrize(
    "expiry",
    [
        datetime(2030, 1, 1),  # naive
        "2030-01-01T00:00:00Z",
        1893456000,
        datetime(9999, 12, 31, 23, 0, tzinfo=timezone(-timedelta(hours=5))),  # past year 9999 in UTC
        datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5))),  # before year 1 in UTC
        datetime(2030, 1, 1, tzinfo=_Bogus()),
    ],
)
def test_refused_expiry(expiry: object) -> None:
    with pytest.raises(CredentialsError) as info:
        Credentials("AKID", SECRET, TOKEN, expiry)  # type: ignore[arg-type]
    assert info.value.field == "expiry"
    assert_clean(info.value, SECRET, TOKEN)


def test_a_tzinfo_that_raises_is_refused_not_propagated() -> None:
    """Whatever a custom tzinfo raises (here RuntimeError) becomes CredentialsError, unchained."""
    with pytest.raises(CredentialsError) as info:
        Credentials("AKID", SECRET, None, datetime(2030, 1, 1, tzinfo=_Broken()))
    assert info.value.field == "expiry"
    assert_clean(info.value, SECRET)


@pytest.mark.parametrize(
    ("access_key", "secret_key", "token"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None),
        ("minioadmin", "minioadmin", None),  # MinIO's default
        ("GK31c2f218a2e44f485b94239e", "b892c0665f0ada8a4755dae98baa3b133590e2ee7d0f9c82e8b7b1e31a3b32a6", None),  # Garage
        ("key=with.odd_chars-~", "s", None),
        ("AKID", "sécret ünïcode 🔑", None),  # only used as an HMAC key: any UTF-8 text
        ("AKID", "tab\tin secret", None),
        ("AKID", "s", "token with spaces and é~%&?"),
    ],
)
def test_accepted_values(access_key: str, secret_key: str, token: str | None) -> None:
    creds = Credentials(access_key, secret_key, token)
    assert (creds.access_key, creds.secret_key, creds.token) == (access_key, secret_key, token)


def test_a_unicode_secret_signs_like_botocore() -> None:
    secret = "sécret ünïcode 🔑"
    signer = sigv4.Signer(Credentials("AKIDEXAMPLE", secret), "us-east-1", "s3")
    url = "https://examplebucket.s3.amazonaws.com/key"
    ours = signer.presign("GET", url, 3600, now=NOW).url
    theirs = oracle.query_sign(
        s3=True, method="GET", url=url, access_key="AKIDEXAMPLE", secret_key=secret, service="s3", expires=3600, now=NOW
    )
    assert ours.rpartition("X-Amz-Signature=")[2] == theirs.rpartition("X-Amz-Signature=")[2]


# -- repr, str, pickle, __getstate__ -----------------------------------------------------


def marked() -> Credentials:
    return Credentials("AKIDEXAMPLE", SECRET, TOKEN, NOW + timedelta(hours=1))


def assert_not_in(blob: bytes | str, *secrets: str) -> None:
    data = blob if isinstance(blob, bytes) else blob.encode("utf-8", "surrogatepass")
    for secret in secrets:
        for frag in fragments(secret):
            assert frag.encode() not in data, f"{frag!r} is readable"


def test_repr_and_str_show_the_access_key_only() -> None:
    creds = marked()
    assert "AKIDEXAMPLE" in repr(creds)
    assert_not_in(repr(creds), SECRET, TOKEN)
    assert_not_in(str(creds), SECRET, TOKEN)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_round_trips_without_the_secret_in_plain_sight(protocol: int) -> None:
    creds = marked()
    data = pickle.dumps(creds, protocol)
    assert_not_in(data, SECRET, TOKEN, MARKER)
    assert pickle.loads(data) == creds


def test_getstate_and_copies_hold_no_plain_secret() -> None:
    creds = marked()
    assert_not_in(repr(creds.__getstate__()), SECRET, TOKEN)
    assert_not_in(repr(creds.__reduce__()), SECRET, TOKEN)
    assert copy.copy(creds) == creds and copy.deepcopy(creds) == creds


def test_a_pickle_from_before_sealing_still_loads() -> None:
    """Pickles made by earlier versions reduced to ``Credentials(access, secret, token, expiry)``."""
    old = pickle.dumps((Credentials, ("AKIDEXAMPLE", "plain-secret", None, None)))
    cls, args = pickle.loads(old)
    assert cls(*args) == Credentials("AKIDEXAMPLE", "plain-secret")


def test_providers_pickle_and_repr_hold_no_plain_secret(tmp_path) -> None:
    from sigv4.providers import AssumeRoleProvider, ContainerProvider, EnvProvider, StaticProvider, default_provider

    env = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN}
    container_env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": TOKEN}
    providers = [
        StaticProvider(marked()),
        EnvProvider(env),
        ContainerProvider(container_env),
        AssumeRoleProvider(marked(), "arn:aws:iam::123456789012:role/r", endpoint_url="http://127.0.0.1:9"),
        default_provider(access_key="AKIDEXPLICIT", secret_key=SECRET, token=TOKEN),
        default_provider(environ=env),
    ]
    for provider in providers:
        assert_not_in(repr(provider), SECRET, TOKEN)
        state = getattr(provider, "__getstate__", None)
        if state is not None:
            assert_not_in(repr(state()), SECRET, TOKEN)
        for protocol in (0, 2, pickle.HIGHEST_PROTOCOL):
            data = pickle.dumps(provider, protocol)
            assert_not_in(data, SECRET, TOKEN, MARKER)
    # The copies still work: what the caller gave travels (sealed).
    assert pickle.loads(pickle.dumps(providers[1])).get_credentials() == Credentials("AKIDENV", SECRET, TOKEN)
    assert pickle.loads(pickle.dumps(providers[4])).get_credentials() == Credentials("AKIDEXPLICIT", SECRET, TOKEN)
    assert pickle.loads(pickle.dumps(providers[5])).get_credentials() == Credentials("AKIDENV", SECRET, TOKEN)


def test_an_env_provider_on_the_process_environment_reads_its_own_after_unpickling(monkeypatch) -> None:
    from sigv4.providers import EnvProvider

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPROCESS")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.delenv("AWS_CREDENTIAL_EXPIRATION", raising=False)
    provider = EnvProvider()
    provider.get_credentials()
    data = pickle.dumps(provider)
    assert_not_in(data, SECRET, MARKER)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLATER")
    assert pickle.loads(data).get_credentials().access_key == "AKIDLATER"
