"""A bounded fuzz run in CI: every public entry point (tests/fuzz/entry_points.py) gets
arbitrary arguments; each call must return or raise a sigv4.SigningError, with no marker
secret in any exception, warning or repr.  The full run is ``python -m tests.fuzz.run
--inputs 1000000``; this one takes a few seconds.

Each entry point must also be seen both returning and refusing (a SigningError), so a
generator that only ever produces garbage, or only valid values, fails here."""

from __future__ import annotations

import os

import pytest

from tests.fuzz.entry_points import ENTRY_POINTS, KNOWN_ELSEWHERE
from tests.fuzz.oracle import guards
from tests.fuzz.run import is_isolated_name, isolated_environ, run_range, unique_findings

INPUTS = 60 * len(ENTRY_POINTS)
SEED = 20261201


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    home = tmp_path_factory.mktemp("sigv4-fuzz")
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if is_isolated_name(name):
                mp.delenv(name)
        for name, value in isolated_environ(str(home)).items():
            mp.setenv(name, value)
        with guards():
            return run_range(SEED, 0, INPUTS, 1)


def test_no_findings(fuzzed: dict[str, object]) -> None:
    findings = [f for f in fuzzed["findings"] if not f["known"]]  # type: ignore[attr-defined]
    shown = [
        f"{entry} | {kind} | {where} | {len(group)}x | {group[0]['detail']}"
        f" | replay: python -m tests.fuzz.run --replay {SEED}:{group[0]['index']}"
        for (entry, kind, where), group in sorted(unique_findings(findings).items())
    ]
    assert not shown, "\n".join(shown)


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=[e.name for e in ENTRY_POINTS])
def test_entry_point_reached_both_ways(fuzzed: dict[str, object], entry: object) -> None:
    counts = fuzzed["counts"][entry.name]  # type: ignore[attr-defined, index]
    assert counts.get("calls", 0) >= 50, counts
    assert counts.get("returned", 0) >= 1, f"{entry.name} never returned normally: {counts}"  # type: ignore[attr-defined]
    if entry.can_refuse:  # type: ignore[attr-defined]
        assert counts.get("signing_error", 0) >= 1, f"{entry.name} never raised a SigningError: {counts}"  # type: ignore[attr-defined]


def test_known_elsewhere_entries_name_real_entry_points() -> None:
    names = {e.name for e in ENTRY_POINTS} | {"*"}
    for (entry, kind, module), reason in KNOWN_ELSEWHERE.items():
        assert entry in names and kind and reason and (module in ("", "*") or module.startswith("sigv4/"))


def test_oracle_sees_a_secret_leak() -> None:
    """The oracle itself: a UnicodeEncodeError holding the marker secret is a finding."""
    from tests.fuzz.oracle import run_call
    from tests.fuzz.values import SECRET

    def leaky() -> None:
        ("AWS4" + SECRET + "\ud800").encode("utf-8")

    def chained() -> None:
        from sigv4.core.errors import SigningError

        try:
            leaky()
        except UnicodeEncodeError:
            raise SigningError("secret_key", "bad") from None

    assert run_call(leaky, (), {}, False).kind == "leak:exception"
    assert run_call(chained, (), {}, False).kind == "leak:exception"
    assert run_call(lambda: {}["x"], (), {}, False).kind == "escape:KeyError"
    assert run_call(lambda: SECRET, (), {}, True).kind == "leak:result"
    assert run_call(lambda: None, (), {}, False).status == "returned"
    assert run_call(lambda d: d.update(x=1), ({},), {}, False).kind == "mutated-argument"
    assert run_call(lambda d: d["h"].append(1), ({"h": []},), {}, False).kind == "mutated-argument"
