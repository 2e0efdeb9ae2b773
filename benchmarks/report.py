"""Benchmark results as CSV, a markdown table and the scaling plot."""

from __future__ import annotations

import csv
from dataclasses import asdict, fields
from pathlib import Path

from benchmarks.runner import Comparison, Result

COLUMNS = [f.name for f in fields(Result)]


def _rp(amount: int) -> str:
    return f"Rp {amount:,}".replace(",", ".")


def write_csv(comparisons: list[Comparison], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for comparison in comparisons:
            for result in comparison.results:
                writer.writerow(asdict(result))
    return path


def markdown(comparisons: list[Comparison], command: str, machine: str) -> str:
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {machine}",
        "",
        "| instance | method | cases | services | itineraries | variables | wall s | peak MiB "
        "| total_idr | planned | mean wait d | worst wait d | gap | status | check |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for comparison in comparisons:
        for r in comparison.results:
            lines.append(
                f"| {r.instance} | {r.method} | {r.cases} | {r.services} | {r.itineraries or ''} "
                f"| {r.variables or ''} | {r.wall_s:.1f} | {r.peak_mib:.0f} | {_rp(r.total_idr)} "
                f"| {r.planned_share:.0%} | {r.mean_wait_days:.1f} | {r.worst_wait_days} "
                f"| {r.gap:.2%} | {r.status} | {r.check} |"
            )
    lines += [
        "",
        "| instance | target | met | optimizer / baseline | optimizer / HiGHS | HiGHS time to the same gap |",
        "|---|---|---|--:|--:|---|",
    ]
    for c in comparisons:
        target = f"{'valid plan' if c.target.gap is None else f'gap ≤ {c.target.gap:.0%}'} in {c.target.seconds:.0f} s"
        versus_highs = "no HiGHS plan" if c.versus_highs is None else f"{c.versus_highs:.3f}"
        if c.highs is None:
            versus_highs, speed = "not run", "not run"
        elif c.highs_reached_gap:
            speed = f"{c.highs.wall_s:.1f} s ({c.speedup:.1f}× the optimizer's)"
        else:
            speed = f"not within {c.highs.wall_s:.0f} s (> {c.speedup:.1f}× the optimizer's)"
        lines.append(
            f"| {c.optimizer.instance} | {target} | {'yes' if c.met else 'no'} "
            f"| {c.versus_baseline:.3f} | {versus_highs} | {speed} |"
        )
    met = sum(c.met for c in comparisons)
    lines += ["", f"Target met on {met} of {len(comparisons)} instances."]
    return "\n".join(lines) + "\n"


def scaling_plot(comparisons: list[Comparison], path: Path) -> Path:
    """Wall time and peak memory against cases, per method, on log axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(11, 4.2))
    for method, style in (("optimizer", "o-"), ("baseline", "s--"), ("highs", "^:")):
        points = sorted(
            (r.cases, r.wall_s, r.peak_mib) for c in comparisons for r in c.results if r.method == method
        )
        if not points:
            continue
        cases = [p[0] for p in points]
        time_axis.plot(cases, [p[1] for p in points], style, label=method)
        memory_axis.plot(cases, [p[2] for p in points], style, label=method)
    for axis, label in ((time_axis, "wall time (s)"), (memory_axis, "peak memory (MiB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("cases")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.suptitle("repat: time and memory against the number of cases (2 cores)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
