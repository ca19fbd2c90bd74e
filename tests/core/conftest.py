"""The core layer's tests (canonical request, keys, signer, streaming, bulk): the set CI
also runs on Python 3.9 and 3.13 with only requirements-core.txt installed."""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.core)
