"""The ``repat`` command: the only code that prints or sets exit codes."""

from __future__ import annotations

import time
from collections import Counter
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


def _plan_and_write(scenario: Scenario, out_dir: Path) -> None:
    """Plan, check the plan against the contract, write plan.json and show the summary."""
    started = time.perf_counter()
    result = replace(plan_baseline(scenario), solve_seconds=time.perf_counter() - started)
    violations = check_plan(scenario, result)
    path = write_plan(result, out_dir / "plan.json")
    show_plan(result, "First-come baseline")
    if violations:
        _problems(
            [Problem("plan.json", 0, "", str(v), "report this as a bug") for v in violations],
            "the plan fails its own check",
        )
        raise typer.Exit(1)
    out.print(f"Plan written to [bold]{path}[/]")


def show_plan(plan: Plan, title: str) -> None:
    planned = len(plan.planned_case_ids)
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("status", plan.status)
    table.add_row("planned cases", str(planned))
    table.add_row("parties", str(len(plan.parties)))
    for reason, count in sorted(Counter(u.reason for u in plan.unplanned).items()):
        table.add_row(f"unplanned: {reason}", str(count))
    o = plan.objective
    table.add_row("money (cost_idr)", _rp(o.cost_idr))
    table.add_row("waiting (priority-weighted)", _rp(o.waiting_idr))
    table.add_row("shelter days", _rp(o.shelter_idr))
    table.add_row("total_idr", _rp(o.total_idr))
    table.add_row("gap", f"{o.gap:.2%}")
    out.print(table)


@app.command()
def plan(
    scenario: ScenarioArg,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write plan.json into.")] = Path("out"),
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Plan first come, first served, as by hand.")
    ] = False,
) -> None:
    """Plan a scenario and write DIR/plan.json (the optimizer comes next; until then the
    first-come baseline plans, with or without --baseline)."""
    _plan_and_write(_load(scenario), out_dir)


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
) -> None:
    """Plan the built-in demo week, or export it as a starting point for your own."""
    scenario = _load(demo_path())
    if export is not None:
        written = write_scenario(scenario, export)
        out.print(f"Demo scenario written to [bold]{written}[/]")
        return
    summarise(scenario)
    _plan_and_write(scenario, out_dir)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
