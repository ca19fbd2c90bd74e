"""The install README describes works: a wheel built from the checkout installs in a fresh
venv, and there ``import sigv4`` and the ``sigv4`` command work, with nothing from the
checkout on the path. Also: every install line names the distribution, ``sigv4-pure``.

Building needs setuptools from PyPI (pip's build isolation), as ``pip wheel .`` does for a
user; the wheel is built once per session, from a copy of the sources (so that no
``build/`` or ``*.egg-info`` is left in the checkout).
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.docs.blocks import ROOT, documents

pytestmark = pytest.mark.e2e

DIST = "sigv4-pure"
AK = "AKIAIOSFODNN7EXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON", "SIGV4_", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp), PIP_DISABLE_PIP_VERSION_CHECK="1", AWS_EC2_METADATA_DISABLED="true")
    return env


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "sigv4", source / "sigv4", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", str(dist)], source, _clean_env(tmp))
    wheels = list(dist.glob("*.whl"))
    assert [w.name for w in wheels] == ["sigv4_pure-0.1.0-py3-none-any.whl"]
    return wheels[0]


def test_wheel_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        metadata = email.message_from_bytes(whl.read("sigv4_pure-0.1.0.dist-info/METADATA"))
        license_text = whl.read("sigv4_pure-0.1.0.dist-info/licenses/LICENSE").decode()
    assert metadata["Name"] == DIST
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Requires-Python"] == ">=3.9"
    assert metadata.get_all("Requires-Dist") and all("extra ==" in r for r in metadata.get_all("Requires-Dist"))
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert license_text == (ROOT / "LICENSE").read_text()
    top = {n.split("/")[0] for n in names}
    assert top == {"sigv4", "sigv4_pure-0.1.0.dist-info"}, top  # no tests, no vectors
    assert "sigv4/py.typed" in names and "sigv4/testing.py" in names


def test_wheel_installs_and_runs_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, timeout=300)
    python, sigv4_cmd = venv / "bin" / "python", venv / "bin" / "sigv4"
    env = _clean_env(tmp_path)
    _run([str(python), "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)], tmp_path, env)
    where = _run(
        [str(python), "-c", "import sigv4, importlib.metadata as m; print(sigv4.__file__); print(m.version('sigv4-pure'))"],
        tmp_path,
        env,
    ).split()
    assert Path(where[0]).is_relative_to(venv) and where[1] == "0.1.0", where
    assert "presign" in _run([str(sigv4_cmd), "--help"], tmp_path, env)
    url = _run(
        [str(sigv4_cmd), "presign", "s3://my-bucket/a.txt", "--region", "eu-west-1"],
        tmp_path,
        env | {"AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK, "SIGV4_FIXED_TIME": "20260129T093000Z"},
    ).strip()
    # What boto3 (the oracle) returns for the same call at the same instant.
    import boto3
    from botocore.config import Config
    from freezegun import freeze_time

    boto = boto3.client(
        "s3", region_name="eu-west-1", aws_access_key_id=AK, aws_secret_access_key=SK, config=Config(signature_version="s3v4")
    )
    with freeze_time("2026-01-29 09:30:00"):
        expected = boto.generate_presigned_url("get_object", Params={"Bucket": "my-bucket", "Key": "a.txt"}, ExpiresIn=3600)
    assert url == expected


def test_pyproject_names_the_free_distribution() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^name = "sigv4-pure"$', text, re.MULTILINE)
    assert re.search(r'^license-files = \["LICENSE"\]$', text, re.MULTILINE)


# `sigv4` followed by an extra or used as a pip requirement, but not `sigv4-pure`.
_WRONG = re.compile(r"pip3? install (?:-\S+ )*['\"]?sigv4(?!-pure)(?:\[|['\"\s]|$)|(?<![\w/-])['\"`]sigv4\[")


@pytest.mark.parametrize("path", [*documents(), ROOT / "sigv4" / "cli" / "demo.py", ROOT / "scripts" / "demo"], ids=str)
def test_install_lines_name_sigv4_pure(path: Path) -> None:
    text = path.read_text()
    wrong = [m.group(0) for m in _WRONG.finditer(text)]
    # README names `pip uninstall sigv4` (the other project) on purpose; that is not an install line.
    assert not wrong, f"{path}: install lines with PyPI's unrelated `sigv4`: {wrong}"
