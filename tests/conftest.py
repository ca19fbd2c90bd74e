"""Shared test configuration: hypothesis profiles and the server fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("BOTO_DISABLE_CRT", "true")
# Never let a test that finds no credentials fall through to the real EC2
# metadata address (169.254.169.254): tests of that source use loopback stubs.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

pytest_plugins = ["tests.fixtures_s3"]

# "ci" runs enough generated cases for the differential counts the issues ask for.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev"))


_TESTS = Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """``-m core`` (what CI runs on the extra Python versions, with only
    requirements-core.txt installed) does not import the other layers' modules,
    whose optional dependencies (requests, httpx, selenium) may be missing."""
    if config.option.markexpr == "core" and collection_path.parent == _TESTS and collection_path.is_dir():
        return collection_path.name != "core"
    return None
