"""The ``repat`` command: the only code that prints or sets exit codes."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from planner.baseline import plan_baseline
from planner.check import check_plan
from planner.errors import PlanFormatError, Problem, ScenarioError
from planner.io.plan_json import read_plan, write_plan
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from planner.optimizer import Optimizer, Options
from planner.plan import Plan
from planner.scenario import Scenario

app = typer.Typer(
    help="repat: plan the return home of stranded people.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

ScenarioArg = Annotated[
    Path, typer.Argument(help="Scenario: a folder of CSV files, an .xlsx workbook or a .zip.")
]


def demo_path() -> Path:
    """The demo week shipped inside the package."""
    return Path(str(resources.files("planner") / "demo"))


def _rp(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _problems(problems: tuple[Problem, ...] | list[Problem], title: str) -> None:
    for problem in problems:
        err.print(str(problem), markup=False, highlight=False)
    err.print(f"[bold red]{title}: {len(problems)} problem(s).[/]")


def _load(path: Path) -> Scenario:
    try:
        return read_scenario(path)
    except ScenarioError as error:
        _problems(error.problems, f"{path} is not a valid scenario")
        raise typer.Exit(2) from None


@app.command()
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario; list every problem as file:row:column, or summarise it."""
    loaded = _load(scenario)
    summarise(loaded)


def summarise(scenario: Scenario) -> None:
    cases = scenario.cases
    out.print(
        f"[bold]{scenario.name}[/]: window {scenario.settings.start:%d %b %Y} + {scenario.settings.horizon_days} days"
    )
    table = Table(title=f"{len(cases)} cases in {len(scenario.households)} households", show_header=True)
    table.add_column("by")
    table.add_column("count", justify="right")
    for label, counts in (
        ("category", Counter(c.category for c in cases)),
        ("shelter", Counter(scenario.location(c.location_id).name for c in cases)),
        ("home province", Counter(scenario.location(c.home_id).province for c in cases)),
    ):
        for key, count in sorted(counts.items()):
            table.add_row(f"{label}: {key}", str(count))
    table.add_row("need an escort", str(sum(c.needs_escort for c in cases)))
    out.print(table)
    women = sum(e.sex == "F" for e in scenario.escorts)
    out.print(
        f"{len(scenario.services)} services, {len(scenario.links)} road links, "
        f"{len(scenario.escorts)} escorts ({women} women), {len(scenario.budget_lines)} budget lines "
        f"with {_rp(sum(b.ceiling_idr for b in scenario.budget_lines))} in all"
    )


def _plan_and_write(scenario: Scenario, out_dir: Path, baseline_only: bool, options: Options) -> None:
    """Plan, check the plan against the contract, write plan.json and show the summary."""
    started = time.perf_counter()
    if baseline_only:
        result = replace(plan_baseline(scenario), solve_seconds=time.perf_counter() - started)
        show_plan([("First-come baseline", result)])
    else:
        optimizer = Optimizer(scenario)
        result = optimizer.plan(options, _progress())
        assert optimizer.baseline is not None
        show_plan([("First-come baseline", optimizer.baseline), ("Optimizer", result)])
        if optimizer.stats is not None:
            st = optimizer.stats
            out.print(
                f"{st.units} planning units, {st.journeys_kept} of {st.journeys_enumerated} journeys kept, "
                f"{st.escort_options} escort options, {st.components} independent part(s), "
                f"{st.variables} variables; {result.solve_seconds:.1f} s"
            )
    violations = check_plan(scenario, result)
    path = write_plan(result, out_dir / "plan.json")
    if violations:
        _problems(
            [Problem("plan.json", 0, "", str(v), "report this as a bug") for v in violations],
            "the plan fails its own check",
        )
        raise typer.Exit(1)
    out.print(f"Plan written to [bold]{path}[/]")


def _progress() -> Callable[[float, int, int], None]:
    """Print the best plan and the bound as they improve (at most a few lines a second)."""
    state: dict[str, float] = {"best": -1, "bound": -1, "shown": 0.0}

    def report(seconds: float, best: int, bound: int) -> None:
        improved = best != state["best"]
        state["best"], state["bound"] = best, max(bound, state["bound"])
        if not improved and seconds - state["shown"] < 2.0:
            return
        state["shown"] = seconds
        gap = (best - state["bound"]) / best if best > 0 else 0.0
        out.print(
            f"  {seconds:5.1f} s  best {_rp(best)}  bound {_rp(int(state['bound']))}  gap {gap:.1%}",
            highlight=False,
        )

    return report


def show_plan(plans: list[tuple[str, Plan]]) -> None:
    """One column per plan: the optimizer's beside the baseline's for the same scenario."""
    table = Table(title="Plan summary")
    table.add_column("measure")
    for title, _ in plans:
        table.add_column(title, justify="right")

    def row(label: str, value: Callable[[Plan], str]) -> None:
        table.add_row(label, *(value(p) for _, p in plans))

    reasons = sorted({u.reason for _, p in plans for u in p.unplanned})
    row("status", lambda p: p.status)
    row("planned cases", lambda p: str(len(p.planned_case_ids)))
    row("parties", lambda p: str(len(p.parties)))
    for reason in reasons:
        row(f"unplanned: {reason}", lambda p, r=reason: str(sum(u.reason == r for u in p.unplanned)))  # type: ignore[misc]
    row("money (cost_idr)", lambda p: _rp(p.objective.cost_idr))
    row("waiting (priority-weighted)", lambda p: _rp(p.objective.waiting_idr))
    row("shelter days", lambda p: _rp(p.objective.shelter_idr))
    row("total_idr", lambda p: _rp(p.objective.total_idr))
    row(
        "lower bound",
        lambda p: _rp(p.objective.lower_bound_idr) if p.objective.lower_bound_idr else "none proven",
    )
    row("gap", lambda p: f"{p.objective.gap:.2%}" if p.objective.lower_bound_idr else "-")
    out.print(table)


TimeLimit = Annotated[float, typer.Option("--time-limit", help="Seconds the optimizer may search.", min=0.1)]
Seed = Annotated[int, typer.Option("--seed", help="Random seed of the search.")]
Workers = Annotated[int, typer.Option("--workers", help="Search threads (2 suits a 2-core machine).", min=1)]
WorkLimit = Annotated[
    float | None,
    typer.Option(
        "--work-limit",
        help="Deterministic work limit: the same scenario, seed and limit give the same plan.",
        min=0.1,
    ),
]


@app.command()
def plan(
    scenario: ScenarioArg,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write plan.json into.")] = Path("out"),
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Plan first come, first served, as by hand.")
    ] = False,
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
    workers: Workers = 2,
    work_limit: WorkLimit = None,
) -> None:
    """Plan a scenario with the optimizer and write DIR/plan.json."""
    options = Options(time_limit=time_limit, workers=workers, seed=seed, work_limit=work_limit)
    _plan_and_write(_load(scenario), out_dir, baseline, options)


@app.command()
def check(
    scenario: ScenarioArg, plan_json: Annotated[Path, typer.Argument(help="The plan.json to verify.")]
) -> None:
    """Verify a plan against every rule of the contract and recompute its cost."""
    loaded = _load(scenario)
    try:
        given = read_plan(plan_json)
    except PlanFormatError as error:
        _problems(error.problems, f"{plan_json} is not a readable plan")
        raise typer.Exit(2) from None
    violations = check_plan(loaded, given)
    for violation in violations:
        out.print(str(violation), markup=False, highlight=False)
    if violations:
        err.print(f"[bold red]{len(violations)} violation(s).[/]")
        raise typer.Exit(1)
    out.print(
        f"[green]The plan obeys every rule.[/] total {_rp(given.objective.total_idr)}, {len(given.planned_case_ids)} cases planned"
    )


@app.command()
def demo(
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write the demo scenario: a folder, book.xlsx or demo.zip."),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the demo's plan.")] = Path(
        "out/demo"
    ),
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
) -> None:
    """Plan the built-in demo week, or export it as a starting point for your own."""
    scenario = _load(demo_path())
    if export is not None:
        written = write_scenario(scenario, export)
        out.print(f"Demo scenario written to [bold]{written}[/]")
        return
    summarise(scenario)
    _plan_and_write(scenario, out_dir, False, Options(time_limit=time_limit, seed=seed))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
