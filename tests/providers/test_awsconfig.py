"""sigv4.providers.awsconfig: the shared config/credentials files, read as botocore reads them.

The oracle is botocore's own loader (``botocore.session.Session().full_config`` /
``get_scoped_config()``) on the same files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sigv4.exceptions import InvalidConfigError, ProfileNotFound
from sigv4.providers import awsconfig

CONFIG = """\
[default]
region = us-west-2
s3 =
    addressing_style = path
    use_accelerate_endpoint = false

[profile dev]
region = eu-south-2
aws_access_key_id = AKIDCONFIG
aws_secret_access_key = config-secret
services = local
s3 =
  addressing_style = virtual
  use_dualstack_endpoint = true
use_fips_endpoint = false

[sso-session corp]
sso_region = us-east-1

[services local]
s3 =
  endpoint_url = http://127.0.0.1:9000

[not-a-profile]
region = ap-south-1
"""

CREDENTIALS = """\
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret

[dev]
aws_access_key_id = AKIDCREDS
aws_secret_access_key = creds-secret
aws_session_token = creds-token

[only-creds]
aws_access_key_id = AKIDONLY
aws_secret_access_key = only-secret
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    (tmp_path / "config").write_text(CONFIG)
    (tmp_path / "credentials").write_text(CREDENTIALS)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return tmp_path


def botocore_profile(name: str) -> dict[str, object]:
    import botocore.session

    session = botocore.session.Session(profile=name)
    return dict(session.get_scoped_config())


@pytest.mark.parametrize("name", ["default", "dev", "only-creds"])
def test_profiles_match_botocore(files: Path, name: str) -> None:
    assert awsconfig.get_profile(name) == botocore_profile(name)


def test_sections_are_split_like_botocore(files: Path) -> None:
    import botocore.session

    full = botocore.session.Session().full_config
    ours = awsconfig.load_config_file()
    assert ours["sso_sessions"] == full["sso_sessions"]
    assert ours["services"] == full["services"]
    # A bare [section] in the config file is not a profile.
    assert "not-a-profile" not in ours["profiles"]


def test_nested_s3_block_is_a_dict(files: Path) -> None:
    assert awsconfig.get_profile("dev")["s3"] == {"addressing_style": "virtual", "use_dualstack_endpoint": "true"}


def test_credentials_file_wins_over_config(files: Path) -> None:
    profile = awsconfig.get_profile("dev")
    assert profile["aws_access_key_id"] == "AKIDCREDS"
    assert profile["region"] == "eu-south-2"


def test_profile_name_resolution(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert awsconfig.profile_name() == "default"
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert awsconfig.profile_name() == "dev"
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "only-creds")  # botocore reads it first
    assert awsconfig.profile_name() == "only-creds"
    assert awsconfig.profile_name("explicit") == "explicit"


def test_region_resolution(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profile = awsconfig.get_profile("dev")
    assert awsconfig.resolve_region(None, profile) == "eu-south-2"
    monkeypatch.setenv("AWS_REGION", "ca-central-1")
    assert awsconfig.resolve_region(None, profile) == "ca-central-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "sa-east-1")  # boto3's variable comes first
    assert awsconfig.resolve_region(None, profile) == "sa-east-1"
    assert awsconfig.resolve_region("us-east-2", profile) == "us-east-2"


def test_services_section(files: Path) -> None:
    assert awsconfig.get_services_section(awsconfig.get_profile("dev")) == {"s3": {"endpoint_url": "http://127.0.0.1:9000"}}
    assert awsconfig.get_services_section({}) == {}
    with pytest.raises(InvalidConfigError, match="missing"):
        awsconfig.get_services_section({"services": "missing"})


def test_missing_files_are_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "nope"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "nope2"))
    assert awsconfig.get_profile("default") == {}
    with pytest.raises(ProfileNotFound, match="ghost"):
        awsconfig.get_profile("ghost", required=True)


def test_malformed_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "config"
    bad.write_text("no section header\nregion = x\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(bad))
    with pytest.raises(InvalidConfigError) as e:
        awsconfig.load_config_file()
    assert str(bad) in str(e.value)


def test_edits_are_seen_and_reads_are_cached(files: Path) -> None:
    assert awsconfig.get_profile("default")["region"] == "us-west-2"
    first = awsconfig.parse_ini(str(files / "config"))
    assert awsconfig.parse_ini(str(files / "config")) is first  # cached
    (files / "config").write_text(CONFIG.replace("us-west-2", "us-east-2", 1) + "\n")
    assert awsconfig.get_profile("default")["region"] == "us-east-2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("True", True), (" TRUE ", True), ("false", False), ("1", False), (True, True), (None, False)],
)
def test_as_bool(value: object, expected: bool) -> None:
    assert awsconfig.as_bool(value) is expected


def test_configparser_is_imported_only_when_a_file_is_read(tmp_path: Path) -> None:
    code = (
        "import sys, sigv4, sigv4.providers.awsconfig as a\n"
        "assert 'configparser' not in sys.modules\n"
        "a.get_profile('default')\n"
        "assert 'configparser' not in sys.modules, 'no file, no parser'\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = str(tmp_path / "none")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzSECRETKEY"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        # A secret pasted on a line of its own (no "key =").
        (f"[default]\naws_access_key_id = AKIDEXAMPLE\n{SECRET}\n", "malformed line(s) 3"),
        (f"[default]\naws_access_key_id = AKIDEXAMPLE\n{SECRET}\nregion\n", "malformed line(s) 3, 4"),
        (f"aws_secret_access_key = {SECRET}\n[default]\n", "line 1 comes before any [section]"),
        (f"[default]\naws_secret_access_key = {SECRET}\naws_secret_access_key = {SECRET}\n", "malformed line(s) 3"),
        (f"[{SECRET}]\nx = 1\n[{SECRET}]\n", "malformed line(s) 3"),
    ],
)
def test_malformed_file_never_quotes_a_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, detail: str) -> None:
    bad = tmp_path / "credentials"
    bad.write_text(text)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(bad))
    with pytest.raises(InvalidConfigError) as e:
        awsconfig.load_credentials_file()
    err = e.value
    assert err.field == str(bad)
    assert detail in err.rule
    for shown in (str(err), repr(err), err.rule, repr(err.args), str(err.__context__), str(err.__cause__)):
        assert SECRET not in shown
        assert "zSECRETKEY" not in shown
    import traceback

    assert SECRET not in "".join(traceback.format_exception(type(err), err, err.__traceback__))


def test_undecodable_file_names_no_content(tmp_path: Path) -> None:
    bad = tmp_path / "config"
    bad.write_bytes(b"[default]\nregion = \xff" + SECRET.encode() + b"\n")
    with pytest.raises(InvalidConfigError, match="not UTF-8") as e:
        awsconfig.parse_ini(str(bad))
    assert SECRET not in str(e.value) and SECRET not in repr(e.value)


def test_file_paths_expand_variables_and_home_like_botocore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    (tmp_path / "cfgdir").mkdir()
    (tmp_path / "cfgdir" / "config").write_text(CONFIG)
    (tmp_path / "cfgdir" / "credentials").write_text(CREDENTIALS)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SIGV4_TEST_DIR", "cfgdir")
    monkeypatch.setenv("AWS_CONFIG_FILE", "~/$SIGV4_TEST_DIR/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "${HOME}/${SIGV4_TEST_DIR}/credentials")
    assert awsconfig.config_file_path() == str(tmp_path / "cfgdir" / "config")
    assert awsconfig.credentials_file_path() == str(tmp_path / "cfgdir" / "credentials")
    assert awsconfig.get_profile("dev") == botocore_profile("dev")
    assert awsconfig.get_profile("dev")["aws_access_key_id"] == "AKIDCREDS"  # both files were found
    assert dict(botocore.session.Session().get_scoped_config())["region"] == "us-west-2"
    # An unknown variable is left as written, as os.path.expandvars leaves it.
    monkeypatch.setenv("AWS_CONFIG_FILE", "$SIGV4_NO_SUCH_VAR/config")
    assert awsconfig.config_file_path() == "$SIGV4_NO_SUCH_VAR/config"


def test_explicit_environ_supplies_the_variables(tmp_path: Path) -> None:
    env = {"AWS_CONFIG_FILE": "$BASE/config", "AWS_SHARED_CREDENTIALS_FILE": "${BASE}/creds/$MISSING", "BASE": str(tmp_path)}
    assert awsconfig.config_file_path(env) == str(tmp_path / "config")
    assert awsconfig.credentials_file_path(env) == f"{tmp_path}/creds/$MISSING"
