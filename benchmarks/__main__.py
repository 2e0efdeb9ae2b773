"""``python -m benchmarks run`` (the column generation solver beside the old optimizer and the
baseline), ``python -m benchmarks scale --size M`` (or ``--all``), ``python -m benchmarks busy``,
``python -m benchmarks prep``, ``python -m benchmarks flows``, ``python -m benchmarks relaxation``:
measure repat against its baselines."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from benchmarks.generator import SIZES
from benchmarks.prep import PREP_WEEKS, measure
from benchmarks.prep import markdown as prep_markdown
from benchmarks.report import markdown, scaling_plot, suite_csv, suite_markdown, suite_scaling_plot, write_csv
from benchmarks.runner import BUSY_TARGET, BUSY_WEEKS, TARGETS, Comparison, Instance, busy_week, compare
from benchmarks.suite import (
    ESCORT_SCARCE,
    GROUPS,
    LABELS,
    SURGE,
    TIGHT_BUDGET,
    WEEK,
    Measurement,
    Unknown,
    entries,
)
from benchmarks.suite import measure as measure_week

app = typer.Typer(add_completion=False, help="Benchmarks of repat: scale, speed and quality.")
console = Console()


@app.callback()
def main() -> None:
    """Benchmarks of repat."""


@app.command()
def run(
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help=f"A group of weeks: {', '.join(GROUPS)}; repeat for more."),
    ] = None,
    week: Annotated[
        list[str] | None,
        typer.Option("--week", help="A busy week CASES-SEED, e.g. 120-4; repeat for more."),
    ] = None,
    size: Annotated[
        list[str] | None, typer.Option("--size", help="A generator size, S, M, L or XL; repeat for more.")
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(help="Seconds for both optimizers on every week, instead of each week's target."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Where results go (default benchmarks/results/columns, or columns-<choice>)."),
    ] = None,
) -> None:
    """The column generation solver beside the old optimizer, the old model as one HiGHS MILP
    and the baseline, each in a fresh process: the busy weeks, the tight-budget week, the
    Nunukan surge, the escort-scarce week and M (all of them unless some are chosen); the
    national week and the sizes L and XL beside the baseline only, with the scaling plot when
    two sizes or more are measured.  Fails when a plan fails the checker or the new solver's
    bound is above a plan."""
    try:
        chosen = entries(only, week, size)
    except Unknown as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    if out is None:
        picked = [*(only or []), *(week or []), *(size or [])]
        limit = [] if time_limit is None else [f"{time_limit:g}s"]
        out = Path("benchmarks/results") / "-".join(["columns", *picked, *limit])
    command, machine = _provenance()
    measurements: list[Measurement] = []
    plotted = None
    for entry in chosen:
        seconds = entry.goal.seconds if time_limit is None else time_limit
        console.print(f"[bold]{entry.name}[/]: {entry.title}, {seconds:g} s …")
        measurement = measure_week(entry, time_limit)
        measurements.append(measurement)
        _print_measurement(measurement)
        # Written after each week: a long run stopped half-way keeps what it measured.
        out.mkdir(parents=True, exist_ok=True)
        suite_csv(measurements, out / "results.csv")
        report = suite_markdown(measurements, command, machine, date.today().isoformat())
        (out / "results.md").write_text(report, encoding="utf-8")
        plotted = suite_scaling_plot(measurements, out / "scaling.png")
    console.print(f"Results in {out}/: results.csv, results.md" + (" and scaling.png" if plotted else ""))
    failures = [f for m in measurements for f in m.failures()]
    if failures:
        for failure in failures:
            console.print(f"[red]FAILED {failure}[/]")
        raise typer.Exit(1)


def _print_measurement(measurement: Measurement) -> None:
    for r in measurement.results:
        to_bound = measurement.gap_to_week_bound(r)
        console.print(
            f"  {LABELS[r.method]:24} {r.wall_s:6.1f} s {r.peak_mib:6.0f} MiB  total Rp {r.total_idr:,}  "
            f"bound Rp {r.lower_bound_idr:,} ({r.bound_scope or '-'})  gap {r.gap:.2%}  "
            f"to the week's bound {'-' if to_bound is None else f'{to_bound:.2%}'}  "
            f"planned {r.planned}/{r.cases}  {r.status}  check {r.check}"
        )
    for error in measurement.errors:
        console.print(f"  [red]{error}[/]")
    for key, verdict in measurement.verdicts().items():
        met = {True: "met", False: "MISSED", None: "-"}[verdict.met]
        console.print(f"  target {key}: {met}: {verdict.text}")


@app.command()
def scale(
    size: Annotated[list[str] | None, typer.Option("--size", help="S, M, L or XL; repeat for more.")] = None,
    all_sizes: Annotated[bool, typer.Option("--all", help="Every size, S to XL.")] = False,
    seed: Annotated[int, typer.Option(help="Instance seed.")] = 0,
    tight: Annotated[bool, typer.Option(help="Also a busy week: scarce escorts, tight budget.")] = False,
    highs_factor: Annotated[
        float, typer.Option(help="HiGHS gets this many times the optimizer's wall time (0: skip).")
    ] = 10.0,
    out: Annotated[Path, typer.Option(help="Where results go.")] = Path("benchmarks/results"),
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds for the optimizer instead of each size's target.")
    ] = None,
) -> None:
    """Sizes S to XL: the optimizer, the baseline and HiGHS on each; save CSV, markdown, plot.
    (This was ``run`` before the column generation solver.)"""
    chosen = list(SIZES) if all_sizes else (size or ["S"])
    unknown = [s for s in chosen if s not in SIZES]
    if unknown:
        console.print(f"[red]Unknown size {', '.join(unknown)}: use {', '.join(SIZES)}.[/]")
        raise typer.Exit(2)
    instances = [Instance(s, seed) for s in chosen]
    if tight:
        instances += [Instance(s, seed, escort_ratio=0.5, budget_ratio=0.6) for s in chosen]
    comparisons: list[Comparison] = []
    for instance in instances:
        console.print(f"[bold]{instance.name}[/]: {SIZES[instance.size]} cases …")
        target = TARGETS[instance.size]
        if time_limit is not None:
            target = replace(target, seconds=time_limit)
        comparison = compare(instance, target, highs_factor or None)
        comparisons.append(comparison)
        _print(comparison)
    _save(comparisons, out)


@app.command()
def busy(
    time_limit: Annotated[float, typer.Option(help="Seconds for the optimizer.")] = BUSY_TARGET.seconds,
    highs_factor: Annotated[
        float, typer.Option(help="HiGHS gets this many times the optimizer's wall time (0: skip).")
    ] = 0.0,
    out: Annotated[Path, typer.Option(help="Where results go.")] = Path("benchmarks/results/busy"),
    week: Annotated[
        list[str] | None,
        typer.Option("--week", help="CASES-SEED, e.g. 150-5; repeat for more (default: all)."),
    ] = None,
) -> None:
    """Busy district weeks (50-150 cases, scarce escorts, a tight budget): the optimizer against
    the 1% in 30 s target, beside the baseline measured in the same run."""
    names = {f"{cases}-{seed}": (cases, seed) for cases, seed in BUSY_WEEKS}
    unknown = [w for w in week or [] if w not in names]
    if unknown:
        console.print(
            f"[red]Unknown week {', '.join(unknown)}: use CASES-SEED, one of {', '.join(names)}.[/]"
        )
        raise typer.Exit(2)
    target = replace(BUSY_TARGET, seconds=time_limit)
    comparisons: list[Comparison] = []
    for cases, seed in [names[w] for w in week] if week else BUSY_WEEKS:
        instance = busy_week(cases, seed)
        console.print(f"[bold]{instance.name}[/]: {cases} cases, scarce escorts, 60% of the budget …")
        comparison = compare(instance, target, highs_factor or None)
        comparisons.append(comparison)
        _print(comparison)
    met = sum(c.met for c in comparisons)
    console.print(f"[bold]1% in {time_limit:.0f} s met on {met} of {len(comparisons)} busy weeks[/]")
    _save(comparisons, out, plot=False)


@app.command()
def prep(
    runs: Annotated[int, typer.Option(help="Preparations of each week each way.")] = 3,
    out: Annotated[Path, typer.Option(help="Where results go.")] = Path("benchmarks/results/prep"),
) -> None:
    """How long busy weeks take to prepare with the escorts' ways searched in a second process,
    beside the same preparation alone, in the same run; the problem must be the same."""
    found = measure(PREP_WEEKS, runs)
    command, machine = _provenance()
    report = prep_markdown(found, command, machine)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(report, encoding="utf-8")
    console.print(report)
    if len({(p.week, p.problem) for p in found}) != len({p.week for p in found}):
        console.print("[red]The second process changed a week's problem.[/]")
        raise typer.Exit(1)


@app.command()
def sweep(
    cases: Annotated[int, typer.Option(help="Cases of the busy week.")] = 80,
    seed: Annotated[int, typer.Option(help="Seed of the busy week.")] = 1,
    time_limit: Annotated[float, typer.Option(help="Seconds per variant.")] = 10.0,
    out: Annotated[Path, typer.Option(help="Where the report goes.")] = Path("benchmarks/results/sweep"),
) -> None:
    """Twelve variants of a busy week on the embedded Dask cluster against one after another in
    this process, in the same run: wall times."""
    from benchmarks.sweep import markdown as sweep_markdown
    from benchmarks.sweep import measure as measure_sweep

    times = measure_sweep(cases, seed, time_limit)
    command, machine = _provenance()
    report = f"# Sweep: cluster against one by one\n\n`{command}` on {machine}\n\n{sweep_markdown(times)}\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(report, encoding="utf-8")
    console.print(report, markup=False, highlight=False)
    if any(r.check != "ok" for r in [*times.cluster, *times.serial]):
        raise typer.Exit(1)


@app.command()
def flows(
    week: Annotated[str, typer.Option(help="demo, or a busy week CASES-SEED such as 80-1.")] = "demo",
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds for HiGHS; none by default (minutes on the demo).")
    ] = None,
    by_columns: Annotated[
        bool,
        typer.Option(help="Solve it by column generation over its blocks (planner.solver.flowmaster)."),
    ] = False,
) -> None:
    """The week as one linear program over flows (``planner.solver.flows``): its size, the
    seconds HiGHS takes, and its value, a bound of the week (docs/solver.md).  With
    ``--by-columns``, the rounds of its column generation: master and bound as they move."""
    import time

    from planner.cli import demo_path
    from planner.io.validate import read_scenario
    from planner.model import planning_units
    from planner.network import TransportNetwork
    from planner.solver.flows import FlowBound
    from planner.solver.network import TimeExpanded

    if week == "demo":
        scenario = read_scenario(demo_path())
    else:
        cases, seed = (int(part) for part in week.split("-"))
        scenario = busy_week(cases, seed).scenario()
    started = time.perf_counter()
    program = FlowBound(
        scenario, TimeExpanded(scenario, TransportNetwork(scenario)), planning_units(scenario)
    )
    if by_columns:
        from planner.solver.flowmaster import FlowMaster
        from planner.solver.master import MONEY

        master = FlowMaster(program.build(), program.master.constant)

        def show(added: int) -> None:
            console.print(
                f"{week} round {master.rounds}: master Rp {master.value * MONEY:,.0f}, "
                f"bound Rp {master.best * MONEY:,.0f}, {added} paths, "
                f"{time.perf_counter() - started:.0f} s",
                markup=False,
                highlight=False,
            )

        master.solve(time_limit, progress=show)
        return
    value = program.value(time_limit)
    seconds = time.perf_counter() - started
    size = f"{len(program.lp.cost):,} columns, {len(program.lp.row_lower):,} rows"
    found = "not solved" if value is None else f"bound Rp {value:,.0f}"
    console.print(f"{week}: {size}; {found} in {seconds:.0f} s", markup=False, highlight=False)


@app.command()
def relaxation(
    week: Annotated[
        list[str] | None,
        typer.Option(help="A busy week CASES-SEED, tight-budget, surge or escort-scarce; again for more."),
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds of the plan, as in the benchmark.")] = 30.0,
) -> None:
    """The master's relaxation against the exact model's over the same columns: each week is
    planned as in the benchmark, then the master solved once more and the linear relaxation of
    the exact model (``planner.model``, the contract's money rows) solved over every itinerary
    and duty the generation made.  Both relax the same integer plans, so the distance between
    them is what the master's rows lose (docs/solver.md)."""
    from planner.milp import HighsModel
    from planner.model import ReturnModel
    from planner.optimizer import Options
    from planner.solver.search import ColumnOptimizer

    named = {e.group: e.instance for e in (TIGHT_BUDGET, SURGE, ESCORT_SCARCE)}
    for name in week or ["80-1"]:
        if name in named:
            scenario = named[name].scenario()
        elif (busy := WEEK.match(name)) is not None:
            scenario = busy_week(int(busy[1]), int(busy[2])).scenario()
        else:
            known = ", ".join(sorted(named))
            raise typer.BadParameter(
                f"{name!r}: give a busy week CASES-SEED (such as 80-1) or one of {known}"
            )
        optimizer = ColumnOptimizer(scenario)
        plan = optimizer.plan(Options(time_limit=time_limit))
        assert optimizer.generation is not None
        master = optimizer.generation.master.solve()
        exact = HighsModel(ReturnModel(optimizer.every_column()))
        solved = exact.relaxation(600.0) is not None
        found = f"Rp {exact.relaxation_bound():,}" if solved else "not solved in 600 s"
        console.print(
            f"{name}: plan Rp {plan.objective.total_idr:,}, bound Rp {plan.objective.lower_bound_idr:,}; "
            f"over {len(optimizer.generation.master.columns):,} columns the master Rp {master:,.0f}, "
            f"the exact model's relaxation {found}",
            markup=False,
            highlight=False,
        )


def _print(comparison: Comparison) -> None:
    for r in comparison.results:
        console.print(
            f"  {r.method:9} {r.wall_s:7.1f} s {r.peak_mib:7.0f} MiB  total Rp {r.total_idr:,}  "
            f"planned {r.planned_share:.0%}  gap {r.gap:.2%}  {r.status}  check {r.check}"
        )


def _provenance() -> tuple[str, str]:
    """The command that was run and the machine it ran on, for the head of a report."""
    command = "python -m benchmarks " + " ".join(sys.argv[1:])
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return command, machine


def _save(comparisons: list[Comparison], out: Path, plot: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    command, machine = _provenance()
    write_csv(comparisons, out / "results.csv")
    (out / "results.md").write_text(markdown(comparisons, command, machine), encoding="utf-8")
    if plot:
        scaling_plot(comparisons, out / "scaling.png")
    console.print(f"Results in {out}/: results.csv, results.md" + (" and scaling.png" if plot else ""))
    failed = [r for c in comparisons for r in c.results if not r.passed]
    if failed:
        for r in failed:
            console.print(f"[red]{r.method} on {r.instance}: the plan fails the checker: {r.check}[/]")
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
