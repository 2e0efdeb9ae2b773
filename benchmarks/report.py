"""Benchmark results as CSV, markdown tables and the scaling plot."""

from __future__ import annotations

import csv
from dataclasses import asdict, fields
from pathlib import Path

from benchmarks.runner import Comparison, Result
from benchmarks.suite import GAP_TARGET, LABELS, VERSUS_BASELINE, VERSUS_OPTIMIZER, Measurement, Verdict

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


# -- the solver benchmark (``python -m benchmarks run``) ----------------------------------------

SCALING_GROUPS = ("size", "M", "national")


def suite_scaling_plot(measurements: list[Measurement], path: Path) -> Path | None:
    """Issue 24's scaling plot: the new solver's wall time, peak memory and gap against cases
    (the baseline's time and memory beside it), over the generator sizes and the national week
    measured.  A point where the solver returned the first-come plan is marked as such, and a
    size where it gave no plan at all (stopped, or failed) by a cross at its time limit.  None
    when fewer than two sizes were measured."""
    chosen = sorted(
        (m for m in measurements if m.entry.group in SCALING_GROUPS and m.results),
        key=lambda m: m.results[0].cases,
    )
    if len(chosen) < 2:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    time_axis, memory_axis, gap_axis = axes
    for method, style in (("columns", "o-"), ("baseline", "s--")):
        found = [(m.results[0].cases, r) for m in chosen for r in m.results if r.method == method]
        cases = [c for c, _ in found]
        time_axis.plot(cases, [r.wall_s for _, r in found], style, label=LABELS[method])
        memory_axis.plot(
            cases, [r.peak_mib + r.helper_peak_mib for _, r in found], style, label=LABELS[method]
        )
        if method == "columns":
            gap_axis.plot(cases, [100 * r.gap for _, r in found], style, label=LABELS[method])
            fallback = [(c, r) for c, r in found if r.status == "timeout"]
            if fallback:
                xs = [c for c, _ in fallback]
                marks = {"s": 160, "facecolors": "none", "edgecolors": "red", "linewidths": 2, "zorder": 3}
                label = "first-come plan returned (timeout)"
                time_axis.scatter(xs, [r.wall_s for _, r in fallback], label=label, **marks)
                memory_axis.scatter(xs, [r.peak_mib + r.helper_peak_mib for _, r in fallback], **marks)
                gap_axis.scatter(xs, [100 * r.gap for _, r in fallback], label=label, **marks)
    lost = [m for m in chosen if m.result("columns") is None]
    if lost:
        time_axis.scatter(
            [m.results[0].cases for m in lost],
            [m.entry.goal.seconds for m in lost],
            marker="x",
            s=120,
            color="red",
            zorder=3,
            label="no plan of its own (stopped or failed)",
        )
    for m in chosen:
        goal = m.entry.goal
        at = m.results[0].cases
        if goal.gap is not None:
            gap_axis.plot([at], [100 * goal.gap], "k_", markersize=18)
        time_axis.plot([at], [goal.seconds], "k_", markersize=18)
        if goal.peak_mib is not None:
            memory_axis.plot([at], [goal.peak_mib], "k_", markersize=18)
    for axis, label in (
        (time_axis, "wall time (s)"),
        (memory_axis, "peak memory (MiB)"),
        (gap_axis, "gap to its own bound of the week (%)"),
    ):
        axis.set_xscale("log")
        if axis is not gap_axis:
            axis.set_yscale("log")
        axis.set_xlabel("cases")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle(
        "repat's column generation against the number of cases, 2 cores (black bars: the targets)"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


SUITE_COLUMNS = ["group", "title", *COLUMNS, "gap_to_week_bound"]


def suite_csv(measurements: list[Measurement], path: Path) -> Path:
    """One row per instance and method: the result, and its gap to the new solver's bound."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=SUITE_COLUMNS)
        writer.writeheader()
        for m in measurements:
            for result in m.results:
                to_bound = m.gap_to_week_bound(result)
                writer.writerow(
                    {
                        "group": m.entry.group,
                        "title": m.entry.title,
                        **asdict(result),
                        "gap_to_week_bound": "" if to_bound is None else round(to_bound, 5),
                    }
                )
    return path


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share:.2%}"


def _verdict(verdict: Verdict) -> str:
    if verdict.met is None:
        return verdict.text
    return f"{'yes' if verdict.met else '**no**'}: {verdict.text}"


def suite_markdown(measurements: list[Measurement], command: str, machine: str, day: str) -> str:
    """The plans each method made, the targets met or missed with their numbers, and what
    failed; readable as it stands (the project's README copies its tables)."""
    others = dict.fromkeys(LABELS[r.method] for m in measurements for r in m.results if r.method != "columns")
    beside = ", ".join(others) if others else "nothing"
    lines = [
        f"# Column generation beside {beside}",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine}  ",
        f"Date: {day}",
        "",
        "Each method solves each week in a fresh process, one after the other, with the week's "
        "time limit (the baseline has none); every plan goes through the checker.",
        "",
        "## Plans",
        "",
        "| instance | method | limit s | wall s | peak MiB | total | bound | gap | gap to the week's bound "
        "| planned | status | check |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    restricted = False
    for m in measurements:
        for i, r in enumerate(m.results):
            head = f"{m.entry.title} (`{m.entry.name}`)" if i == 0 else ""
            bound = gap = limit = ""
            if r.method != "baseline" and r.bound_scope != "none":
                bound, gap = _rp(r.lower_bound_idr), _percent(r.gap)
                if r.bound_scope != "network":
                    bound, gap = f"{bound} *", f"{gap} *"
                    restricted = True
            if r.method != "baseline":
                limit = f"{r.time_limit_s:.0f}"
            peak = f"{r.peak_mib:,.0f}" + (f" + {r.helper_peak_mib:,.0f}" if r.helper_peak_mib else "")
            lines.append(
                f"| {head} | {LABELS[r.method]} | {limit} | {r.wall_s:.1f} | {peak} "
                f"| {_rp(r.total_idr)} | {bound} | {gap} | {_percent(m.gap_to_week_bound(r))} "
                f"| {r.planned} of {r.cases} ({r.planned_share:.0%}) | {r.status} | {r.check} |"
            )
        for error in m.errors:
            head = "" if m.results else f"{m.entry.title} (`{m.entry.name}`)"
            lines.append(f"| {head} | **{error.splitlines()[0]}** | | | | | | | | | | |")
    lines += [
        "",
        "*peak MiB*: the solving process's largest resident set, + that of the largest process it "
        "started. *bound* and *gap*: the plan's own; the new solver's bound covers the whole week. "
        "*gap to the week's bound*: (total − the new solver's bound of the week) / total, for "
        "every method.",
    ]
    if restricted:
        lines[-1] += " \\* Over the old optimizer's capped journeys only, not the week."
    lines += [
        "",
        "## Targets of the new solver",
        "",
        f"Gap to its own bound ≤ {GAP_TARGET:.0%} in the time limit (national scale: 3% on the "
        "national week and L, 5% on XL); total at most "
        f"{VERSUS_OPTIMIZER:.1%} above the old optimizer's (busy weeks); total at least "
        f"{1 - VERSUS_BASELINE:.0%} below the baseline's; XL's peak memory at most 4 GiB.",
        "",
        "| instance | gap in the time | against the old optimizer | against the baseline | peak memory |",
        "|---|---|---|---|---|",
    ]
    counts: dict[str, list[bool]] = {"gap": [], "optimizer": [], "baseline": [], "memory": []}
    for m in measurements:
        verdicts = m.verdicts()
        for key, verdict in verdicts.items():
            if verdict.met is not None:
                counts[key].append(verdict.met)
        lines.append(
            f"| {m.entry.title} | {_verdict(verdicts['gap'])} "
            f"| {_verdict(verdicts['optimizer'])} | {_verdict(verdicts['baseline'])} "
            f"| {_verdict(verdicts['memory'])} |"
        )

    def tally(key: str, what: str) -> str:
        met = counts[key]
        return f"{what} met on {sum(met)} of {len(met)}" if met else f"{what}: no instance with this target"

    lines += [
        "",
        f"{tally('gap', 'Gap')}; {tally('optimizer', 'within the old optimizer')}; "
        f"{tally('baseline', f'{1 - VERSUS_BASELINE:.0%} below the baseline')}; "
        f"{tally('memory', 'memory')}.",
        "",
        "## Column generation",
        "",
        "| instance | rounds | converged | itineraries | duties | variables | bound of the week |",
        "|---|--:|---|--:|--:|--:|--:|",
    ]
    for m in measurements:
        columns = m.result("columns")
        if columns is None:
            continue
        converged = {True: "yes", False: "no", None: ""}[columns.converged]
        lines.append(
            f"| {m.entry.title} | {columns.rounds} | {converged} | {columns.itineraries:,} "
            f"| {columns.duties:,} | {columns.variables:,} | {_rp(columns.week_bound_idr)} |"
        )
    failures = [f for m in measurements for f in m.failures()]
    lines += ["", "## Checks", ""]
    if failures:
        lines += ["**The benchmark failed:**", ""] + [f"- {f}" for f in failures]
    else:
        lines.append(
            "Every plan passed the checker, and the new solver's bound of the week is at or "
            "below every plan found on its week."
        )
    return "\n".join(lines) + "\n"
