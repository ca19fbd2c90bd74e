"""The fuzz runner: ``python -m tests.fuzz.run --inputs 1000000 --seed N --processes 2``.

Input ``i`` of seed ``N`` is drawn from ``random.Random(f"{N}:{i}")`` for entry point
``ENTRY_POINTS[i % len(ENTRY_POINTS)]``, so every input is reproducible on its own:
``python -m tests.fuzz.run --replay N:i`` runs it again and prints the traceback.

Prints per-entry-point counts (calls, returned, SigningError, caller's own exception passed
through, findings, known findings in KNOWN_ELSEWHERE) and the totals; writes every finding's
reproducer (entry point, seed:index, outcome, repr of the arguments) to a file under /tmp;
exits 1 on any finding outside KNOWN_ELSEWHERE.

Speed: 10^6 inputs over the 65 entry points take about 1 minute on two idle cores (about
3.5 to 5.5 minutes on the shared, loaded machine), plain ``random`` draws being cheap.

The environment is isolated before sigv4 is imported: no AWS_* variable of the caller's,
config and credentials files of our own (under a temporary directory), no instance metadata,
and every socket connect raises (see oracle.install_guards).
"""

from __future__ import annotations

import argparse
import os
import random
import reprlib
import sys
import tempfile
import time
import warnings
from collections import Counter
from typing import Any

_PROBABILITIES = (0.0, 0.0, 0.05, 0.2, 0.5, 1.0)


def isolated_environ(home: str = "") -> dict[str, str]:
    """The AWS settings the fuzz run uses: config and credentials files of our own (written
    to ``home``, by default a new temporary directory), no instance metadata.  Every other
    AWS_* variable and KUBERNETES_EXEC_INFO must be removed by the caller."""
    from .values import ACCESS_KEY, SECRET

    home = home or tempfile.mkdtemp(prefix="sigv4-fuzz-home-")
    config = os.path.join(home, "config")
    with open(config, "w", encoding="utf-8") as f:
        f.write(
            "[default]\nregion = eu-west-1\n\n"
            f"[profile fuzz]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\nregion = us-west-2\n"
            "s3 =\n  addressing_style = path\n\n"
            "[profile fuzzregion]\nregion = ap-south-1\n"
        )
    return {
        "AWS_CONFIG_FILE": config,
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def is_isolated_name(name: str) -> bool:
    """Environment variables the fuzz run removes (they could point at real credentials)."""
    return name.startswith("AWS_") or name == "KUBERNETES_EXEC_INFO"


def isolate_environment() -> None:
    """Apply isolated_environ() to this process's os.environ (the command line's way)."""
    for name in list(os.environ):
        if is_isolated_name(name):
            del os.environ[name]
    os.environ.update(isolated_environ())


_REPR = reprlib.Repr()
_REPR.maxstring = 300
_REPR.maxother = 300
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = 12
_REPR.maxlevel = 4


def describe_call(call: Any) -> str:
    fn = getattr(call.fn, "__qualname__", repr(call.fn))
    owner = getattr(call.fn, "__self__", None)
    head = f"{type(owner).__name__}.{fn}" if owner is not None and not isinstance(owner, type) else fn
    return f"{head}(*{_REPR.repr(call.args)}, **{_REPR.repr(call.kwargs)})"


def draw(seed: int, index: int) -> tuple[Any, Any, float]:
    from .entry_points import ENTRY_POINTS

    entry = ENTRY_POINTS[index % len(ENTRY_POINTS)]
    r = random.Random(f"{seed}:{index}")
    p = r.choice(_PROBABILITIES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # building the call's objects; the call's own are judged
        return entry, entry.gen(r, p), p


def known(entry_name: str, kind: str, where: str) -> str | None:
    """The KNOWN_ELSEWHERE reason for a finding, if it is one of those."""
    from .entry_points import KNOWN_ELSEWHERE

    module = where.partition(":")[0]
    for key in ((entry_name, kind, module), (entry_name, kind, "*"), ("*", kind, module)):
        if key in KNOWN_ELSEWHERE:
            return KNOWN_ELSEWHERE[key]
    return None


def run_range(seed: int, start: int, stop: int, step: int) -> dict[str, Any]:
    """Inputs start, start+step, ... < stop; counts and findings as plain data."""
    from .entry_points import ENTRY_POINTS
    from .oracle import Outcome, run_call

    counts: dict[str, Counter[str]] = {e.name: Counter() for e in ENTRY_POINTS}
    findings: list[dict[str, Any]] = []
    for index in range(start, stop, step):
        try:
            entry, call, p = draw(seed, index)
        except Exception as e:  # a bug of the generators, not of sigv4
            name = ENTRY_POINTS[index % len(ENTRY_POINTS)].name
            findings.append(
                {
                    "entry": f"<generator of {name}>",
                    "index": index,
                    "p": 0,
                    "kind": f"generator:{type(e).__name__}",
                    "where": "",
                    "detail": str(e)[:200],
                    "known": "",
                    "call": "",
                }
            )
            continue
        outcome: Outcome = run_call(call.fn, call.args, call.kwargs, entry.token_in_result)
        c = counts[entry.name]
        c["calls"] += 1
        if outcome.status != "finding":
            c[outcome.status] += 1
            continue
        reason = known(entry.name, outcome.kind, outcome.where)
        c["known" if reason else "findings"] += 1
        findings.append(
            {
                "entry": entry.name,
                "index": index,
                "p": p,
                "kind": outcome.kind,
                "where": outcome.where,
                "detail": outcome.detail,
                "known": reason or "",
                "call": describe_call(call),
            }
        )
    return {"counts": {k: dict(v) for k, v in counts.items()}, "findings": findings}


def _worker(job: tuple[int, int, int, int]) -> dict[str, Any]:
    from .oracle import guards

    with guards():
        return run_range(*job)


def fuzz(inputs: int, seed: int, processes: int) -> dict[str, Any]:
    """Run ``inputs`` inputs over ``processes`` processes; merged counts and findings."""
    jobs = [(seed, w, inputs, processes) for w in range(processes)]
    if processes == 1:
        parts = [_worker(jobs[0])]
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.map(_worker, jobs)
    counts: dict[str, Counter[str]] = {}
    findings: list[dict[str, Any]] = []
    for part in parts:
        for name, c in part["counts"].items():
            counts.setdefault(name, Counter()).update(c)
        findings.extend(part["findings"])
    findings.sort(key=lambda f: f["index"])
    return {"counts": counts, "findings": findings}


def report(result: dict[str, Any], out: Any = sys.stdout) -> None:
    cols = ("calls", "returned", "signing_error", "caller_error", "findings", "known")
    width = max(len(n) for n in result["counts"]) + 2
    print(f"{'entry point':<{width}}" + "".join(f"{c:>14}" for c in cols), file=out)
    total: Counter[str] = Counter()
    for name, c in result["counts"].items():
        total.update(c)
        print(f"{name:<{width}}" + "".join(f"{c.get(k, 0):>14}" for k in cols), file=out)
    print(f"{'TOTAL':<{width}}" + "".join(f"{total.get(k, 0):>14}" for k in cols), file=out)


def unique_findings(findings: list[dict[str, Any]]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for f in findings:
        groups.setdefault((f["entry"], f["kind"], f["where"]), []).append(f)
    return groups


def write_findings(findings: list[dict[str, Any]], seed: int, path: str) -> None:
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:
        for (entry, kind, where), group in sorted(unique_findings(findings).items()):
            first = group[0]
            known_reason = f"  [KNOWN_ELSEWHERE: {first['known']}]" if first["known"] else ""
            f.write(f"== {entry} | {kind} | {where or '-'} | {len(group)}x{known_reason}\n")
            for item in group[:5]:
                f.write(f"  replay: python -m tests.fuzz.run --replay {seed}:{item['index']}\n")
                f.write(f"  detail: {item['detail']}\n")
                f.write(f"  call:   {item['call']}\n")
            f.write("\n")


def replay(spec: str) -> int:
    """Run one input again, without the oracle's net, and show what happens."""
    import traceback

    from .oracle import guards, run_call

    with guards():
        return _replay(spec, traceback, run_call)


def _replay(spec: str, traceback: Any, run_call: Any) -> int:
    seed_text, _, index_text = spec.partition(":")
    entry, call, p = draw(int(seed_text), int(index_text))
    print(f"entry point: {entry.name} (p_odd={p})")
    print(f"call: {describe_call(call)}")
    print(f"oracle: {run_call(*draw(int(seed_text), int(index_text))[1], entry.token_in_result)}")
    try:
        result = call.fn(*call.args, **call.kwargs)
    except BaseException:
        traceback.print_exc()
        return 1
    print(f"returned: {_REPR.repr(result)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--out", default="", help="where to write the findings (default: /tmp/sigv4-fuzz-<seed>.txt)")
    parser.add_argument("--replay", default="", metavar="SEED:INDEX", help="run one input again and show its traceback")
    args = parser.parse_args(argv)
    isolate_environment()
    if args.replay:
        return replay(args.replay)
    started = time.monotonic()
    result = fuzz(args.inputs, args.seed, args.processes)
    elapsed = time.monotonic() - started
    report(result)
    findings = result["findings"]
    new = [f for f in findings if not f["known"]]
    path = args.out or os.path.join(tempfile.gettempdir(), f"sigv4-fuzz-{args.seed}.txt")
    write_findings(findings, args.seed, path)
    groups = unique_findings(new)
    rate = args.inputs / max(elapsed, 1e-9)
    print(f"\nseed {args.seed}: {args.inputs} inputs in {elapsed:.1f} s ({rate:.0f}/s, {args.processes} processes)")
    print(f"findings: {len(new)} ({len(groups)} distinct), known elsewhere: {len(findings) - len(new)}; reproducers in {path}")
    for (entry, kind, where), group in sorted(groups.items()):
        print(f"  {entry} | {kind} | {where or '-'} | {len(group)}x | {group[0]['detail'][:100]}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
