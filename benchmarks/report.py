"""Markdown tables from the results of ``run.py``: every measurement, then
each of the issue's targets with the measured ratio next to it."""

from __future__ import annotations

from typing import Any

# (scenario, sigv4's row, the peer it is compared with, target ratio, what the target says)
RATIO_TARGETS = [
    # Issue 12's targets (issue 7 asked for 1.0x, 3x and 1.0x).
    ("presign", "sigv4", "libpresign", 0.7, "low-level presign (cached key) ≤ 0.7× libpresign"),
    ("presign", "sigv4", "stdlib floor", 2.2, "low-level presign ≤ 2.2× the stdlib floor"),
    ("client", "sigv4", "boto3", 1 / 15, "generate_presigned_url ≤ 1/15 of boto3's"),
    ("header", "sigv4", "awscrt", 0.7, "header signing ≤ 0.7× awscrt"),
    ("post", "sigv4", "botocore S3SigV4PostAuth", 0.5, "POST policy ≤ 0.5× botocore's S3SigV4PostAuth"),
]


def _us(entry: dict[str, Any] | None, key: str = "median_us") -> float | None:
    if entry and key in entry:
        return float(entry[key])
    return None


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}{unit}"
    if x >= 10:
        return f"{x:.1f}{unit}"
    return f"{x:.2f}{unit}"


def _ratio(x: float, fraction_target: bool) -> str:
    """``1/N`` for small ratios (boto3's scale), ``0.65×`` otherwise."""
    return f"1/{1 / x:.0f}" if fraction_target and x < 0.2 else f"{x:.2f}×"


SMOKE = "smoke run, not a measurement"


def _row(target: str, measured: str, wanted: str, met: bool | None, quick: bool = False) -> str:
    """One target row. A quick run (one short round on a shared machine) cannot tell whether a
    target is met, so its verdict column says so instead of a bare yes/no."""
    verdict = "—" if met is None else SMOKE if quick else "yes" if met else "**no**"
    return f"| {target} | {measured} | {wanted} | {verdict} |"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    quick = bool(results.get("quick"))
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, {m['platform']}"
        + (" — QUICK RUN" if results.get("quick") else ""),
        "Peers: " + ", ".join(f"{k} {v}" for k, v in results.get("versions", {}).items()),
        "",
        "µs/call: process CPU time, the best of 15 batches in each subprocess; then the best",
        "and the median of the rounds.",
        "",
        "| scenario | implementation | µs/call, best round | median round | × sigv4 (best) |",
        "|---|---|---:|---:|---:|",
    ]
    timed: dict[str, dict[str, dict[str, Any]]] = results.get("timed", {})
    for scenario, impls in timed.items():
        ours = _us(impls.get("sigv4"), "best_us")
        for impl, entry in impls.items():
            us = _us(entry, "best_us")
            if us is None:
                why = entry.get("missing") or entry.get("error") or "?"
                lines.append(f"| {scenario} | {impl} | not run: {why} | | |")
            else:
                times = f"{us / ours:.1f}" if ours else "—"
                lines.append(f"| {scenario} | {impl} | {_fmt(us)} | {_fmt(_us(entry))} | {times} |")
    fresh = results.get("fresh", {})
    cold = fresh.get("cold", {})
    if cold:
        lines += ["", "| fresh process | import + client + first URL (ms) | peak RSS (MiB) |", "|---|---:|---:|"]
        for name, entry in cold.items():
            if "ms" in entry:
                lines.append(f"| {name} | {_fmt(entry['ms'])} | {_fmt(entry['maxrss_mib'])} |")
            else:
                lines.append(f"| {name} | not run: {entry.get('error')} | |")
    if fresh.get("hash"):
        lines += [
            "",
            f"| hashing a {fresh['hash_size_mib']} MiB file | MB/s | peak RSS growth (MiB) |",
            "|---|---:|---:|",
        ]
        for name, entry in fresh["hash"].items():
            lines.append(f"| {name} | {_fmt(entry['mb_s'])} | {_fmt(entry['rss_growth_mib'])} |")
    bulk = results.get("bulk", {})
    if bulk:
        lines += ["", "| bulk presign_keys | URLs/s |", "|---|---:|"]
        for procs, entry in bulk.items():
            lines.append(f"| {procs} process(es) | {_fmt(entry.get('urls_per_s'))} |")

    lines += ["", "| target | measured | target | met |", "|---|---|---|---|"]
    for scenario, ours_name, peer, target, text in RATIO_TARGETS:
        entries = timed.get(scenario, {})
        ours, theirs = _us(entries.get(ours_name), "best_us"), _us(entries.get(peer), "best_us")
        ours_m, theirs_m = _us(entries.get(ours_name)), _us(entries.get(peer))
        if ours is None or theirs is None or ours_m is None or theirs_m is None:
            lines.append(_row(text, "not measured", f"{target:.3g}", None))
            continue
        best, median = ours / theirs, ours_m / theirs_m
        measured = f"{_ratio(best, target < 1)} (median rounds: {_ratio(median, target < 1)})"
        lines.append(_row(text, measured, _ratio(target, target < 1), best <= target and median <= target, quick))
    if fresh:
        imp = fresh["import_sigv4_ms"]
        lines.append(_row("`import sigv4` (-X importtime, cumulative)", f"{imp:.2f} ms", "≤ 1 ms", imp <= 1, quick))
    if "sigv4" in cold and "boto3" in cold and "ms" in cold["sigv4"] and "ms" in cold["boto3"]:
        ratio = cold["sigv4"]["ms"] / cold["boto3"]["ms"]
        lines.append(_row("import + client + first URL vs boto3", _ratio(ratio, True), "≤ 1/50", ratio <= 1 / 50, quick))
    base = cold.get("hashlib + hmac (baseline)", {})
    if "sigv4" in cold and "maxrss_mib" in base and "maxrss_mib" in cold["sigv4"]:
        extra = cold["sigv4"]["maxrss_mib"] - base["maxrss_mib"]
        lines.append(_row("peak RSS above interpreter + hashlib + hmac", f"{extra:+.2f} MiB", "≤ +1 MiB", extra <= 1, quick))
    if fresh.get("hash"):
        raw = fresh["hash"]["hashlib.sha256 (raw)"]["mb_s"]
        ours_h = fresh["hash"]["sigv4 payload_hash"]["mb_s"]
        met = ours_h / raw >= 0.95
        lines.append(_row("payload hashing vs raw hashlib.sha256", f"{ours_h / raw:.2f}×", "≥ 0.95×", met, quick))
    if "1" in bulk and "urls_per_s" in bulk["1"]:
        rate = float(bulk["1"]["urls_per_s"])
        lines.append(_row("bulk presign, one core", f"{rate:,.0f} URLs/s", "≥ 150,000", rate >= 150000, quick))
    return "\n".join(lines)
