"""The ``repat`` command: the only code that prints or sets exit codes."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from maps.route_map import write_map
from planner.baseline import plan_baseline
from planner.check import check_plan
from planner.errors import PlanFormatError, Problem, ScenarioError
from planner.events import Event, apply_events
from planner.io.events import read_events, read_new_cases
from planner.io.plan_json import read_plan, write_plan
from planner.io.validate import Invalid, parse_datetime, read_scenario
from planner.io.write import write_scenario
from planner.optimizer import Options
from planner.plan import Plan
from planner.replan import ReplanError
from planner.replan import replan as replan_week
from planner.reports.budget import write_budget
from planner.reports.changes import write_changes
from planner.reports.itineraries import write_itineraries
from planner.reports.labels import Lang, rupiah
from planner.reports.manifests import write_manifests
from planner.scenario import Case, Scenario
from planner.solver.generation import Round
from planner.solver.search import ColumnOptimizer
from planner.sweep import VariantResult

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
def validate(
    scenario: ScenarioArg,
    events: Annotated[
        Path | None,
        typer.Option(
            "--events", help="Also check an events.csv (or a workbook's 'events' sheet) against the week."
        ),
    ] = None,
    new_cases: Annotated[
        Path | None,
        typer.Option(
            "--new-cases", help="Also check a cases.csv of cases arriving after the week was planned."
        ),
    ] = None,
) -> None:
    """Check a scenario; list every problem as file:row:column, or summarise it. With --events
    or --new-cases, check those against the week as a re-plan would read them."""
    loaded = _load(scenario)
    summarise(loaded)
    problems: list[Problem] = []
    found_events: tuple[Event, ...] = ()
    found_cases: tuple[Case, ...] = ()
    if events is not None:
        try:
            found_events = read_events(events, loaded)
        except ScenarioError as error:
            problems += error.problems
    if new_cases is not None:
        try:
            found_cases = read_new_cases(new_cases, loaded)
        except ScenarioError as error:
            problems += error.problems
    if problems:
        _problems(problems, "the changes to the week are not valid")
        raise typer.Exit(2)
    for event in found_events:
        out.print(f"row {event.row}: {event.describe(loaded)}", markup=False, highlight=False, soft_wrap=True)
    if new_cases is not None:
        out.print(
            f"{len(found_cases)} new case(s): {', '.join(c.case_id for c in found_cases)}", markup=False
        )


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
        f"with {rupiah(sum(b.ceiling_idr for b in scenario.budget_lines))} in all"
    )


def _plan_and_write(
    scenario: Scenario, out_dir: Path, baseline_only: bool, options: Options, looks: Looks | None = None
) -> None:
    """Plan, check the plan against the contract, write plan.json and its outputs, and show
    the summary."""
    started = time.perf_counter()
    if baseline_only:
        result = replace(plan_baseline(scenario), solve_seconds=time.perf_counter() - started)
        show_plan([("First-come baseline", result)])
    else:
        shown = _progress()
        optimizer = ColumnOptimizer(scenario, rounds=shown.round)
        result = optimizer.plan(options, shown)
        assert optimizer.baseline is not None
        show_plan([("First-come baseline", optimizer.baseline), ("Optimizer", result)])
        found = optimizer.generation_stats
        if optimizer.stats is not None and found is not None:
            st = optimizer.stats
            relaxation = "solved" if found.converged else "not solved to the end"
            out.print(
                f"{st.units} planning units; {found.rounds} rounds of column generation found "
                f"{found.itineraries} itineraries and {found.duties} escort duties (the relaxation of "
                f"the whole week {relaxation}, bound {rupiah(found.bound_idr)}); "
                f"{st.components} independent part(s), {st.variables} variables; {result.solve_seconds:.1f} s"
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
    _write_outputs(scenario, result, out_dir, looks or Looks())


@dataclass(frozen=True, slots=True)
class Looks:
    """How the outputs read: their language, and whether the map names people."""

    lang: Lang = "id"
    map_names: bool = False


def _write_outputs(scenario: Scenario, plan: Plan, out_dir: Path, looks: Looks) -> None:
    """Everything the three users read, beside plan.json."""
    written = [
        *write_manifests(scenario, plan, out_dir, looks.lang),
        write_itineraries(scenario, plan, out_dir, looks.lang),
        write_budget(scenario, plan, out_dir, looks.lang),
        write_map(scenario, plan, out_dir / "map.html", looks.lang, looks.map_names),
    ]
    out.print("Outputs: " + ", ".join(f"[bold]{path.name}[/]" for path in written))


class _Shown:
    """Prints the best plan, the bound and the rounds of column generation as they move (at
    most a line every two seconds unless the plan improves)."""

    def __init__(self) -> None:
        self.best = -1
        self.bound = -1
        self.rounds = 0
        self.shown = 0.0

    def round(self, done: Round) -> None:
        self.rounds += 1  # counted over the whole solve, the bound's rounds after the search too

    def __call__(self, seconds: float, best: int, bound: int) -> None:
        improved = best != self.best
        self.best, self.bound = best, max(bound, self.bound)
        if not improved and seconds - self.shown < 2.0:
            return
        self.shown = seconds
        gap = (best - self.bound) / best if best > 0 else 0.0
        rounds = f"  round {self.rounds}" if self.rounds else ""
        out.print(
            f"  {seconds:5.1f} s{rounds}  best {rupiah(best)}  bound {rupiah(self.bound)}  gap {gap:.1%}",
            highlight=False,
        )


def _progress() -> _Shown:
    return _Shown()


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
    row("money (cost_idr)", lambda p: rupiah(p.objective.cost_idr))
    row("waiting (priority-weighted)", lambda p: rupiah(p.objective.waiting_idr))
    row("shelter days", lambda p: rupiah(p.objective.shelter_idr))
    row("total_idr", lambda p: rupiah(p.objective.total_idr))
    row(
        "lower bound",
        lambda p: rupiah(p.objective.lower_bound_idr) if p.objective.lower_bound_idr else "none proven",
    )
    row("gap", lambda p: f"{p.objective.gap:.2%}" if p.objective.lower_bound_idr else "-")
    out.print(table)


TimeLimit = Annotated[float, typer.Option("--time-limit", help="Seconds the optimizer may search.", min=0.1)]
Seed = Annotated[int, typer.Option("--seed", help="Random seed of the search.")]
Workers = Annotated[int, typer.Option("--workers", help="Search threads (2 suits a 2-core machine).", min=1)]


class Language(StrEnum):
    id = "id"
    en = "en"


LangOption = Annotated[
    Language, typer.Option("--lang", help="Language of the outputs: id (Bahasa Indonesia) or en.")
]
MapNames = Annotated[
    bool, typer.Option("--map-names", help="Show people's names on the map (for internal use only).")
]
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
    lang: LangOption = Language.id,
    map_names: MapNames = False,
) -> None:
    """Plan a scenario with the optimizer; write DIR/plan.json, the manifests, itineraries,
    budget report and route map."""
    options = Options(time_limit=time_limit, workers=workers, seed=seed, work_limit=work_limit)
    _plan_and_write(_load(scenario), out_dir, baseline, options, Looks(_lang(lang), map_names))


@app.command()
def report(
    scenario: ScenarioArg,
    plan_json: Annotated[Path, typer.Argument(help="The plan.json to report on (any plan, hand-made too).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the outputs into.")] = Path("out"),
    lang: LangOption = Language.id,
    map_names: MapNames = False,
    unchecked: Annotated[
        bool,
        typer.Option("--unchecked", help="Write the outputs even if the plan breaks rules of the contract."),
    ] = False,
) -> None:
    """Make the manifests, itineraries, budget report and route map of a plan."""
    loaded = _load(scenario)
    given = _read_plan(plan_json)
    violations = check_plan(loaded, given)
    for violation in violations:
        err.print(str(violation), markup=False, highlight=False)
    if violations and not unchecked:
        err.print(
            f"[bold red]{len(violations)} violation(s)[/]: no outputs written. "
            "Fix the plan, or pass --unchecked to report on it as it is."
        )
        raise typer.Exit(1)
    unknown = _unknown_references(loaded, given)
    if unknown:
        _problems(unknown, f"{plan_json} names what {scenario} does not have")
        raise typer.Exit(2)
    _write_outputs(loaded, given, out_dir, Looks(_lang(lang), map_names))


def _read_plan(path: Path) -> Plan:
    try:
        return read_plan(path)
    except PlanFormatError as error:
        _problems(error.problems, f"{path} is not a readable plan")
        raise typer.Exit(2) from None


def _unknown_references(scenario: Scenario, plan: Plan) -> list[Problem]:
    """Ids in the plan the scenario lacks: outputs cannot describe them, even unchecked."""
    found: dict[tuple[str, str], Problem] = {}

    def need(where: str, what: str | None, known: bool) -> None:
        if what is not None and not known:
            found[(where, what)] = Problem(
                "plan.json", 0, where, f"'{what}' is not in the scenario", "make the plan from this scenario"
            )

    legs = [leg for party in plan.parties for leg in party.legs]
    legs += [leg for duty in plan.escort_duties for leg in (*duty.outbound_legs, *duty.return_legs)]
    for leg in legs:
        need(
            "legs.service_id", leg.service_id, leg.service_id is None or scenario.has_service(leg.service_id)
        )
        need("legs.from_id", leg.from_id, leg.from_id in scenario.locations)
        need("legs.to_id", leg.to_id, leg.to_id in scenario.locations)
    for party in plan.parties:
        for case_id in party.case_ids:
            need("parties.case_ids", case_id, scenario.has_case(case_id))
        for escort_id in party.escort_ids:
            need("parties.escort_ids", escort_id, scenario.has_escort(escort_id))
    for duty in plan.escort_duties:
        need("escort_duties.escort_id", duty.escort_id, scenario.has_escort(duty.escort_id))
    for item in plan.unplanned:
        need("unplanned.case_id", item.case_id, scenario.has_case(item.case_id))
    for charge in plan.charges:
        need("charges.budget_line_id", charge.budget_line_id, scenario.has_budget_line(charge.budget_line_id))
    return list(found.values())


def _lang(value: Language) -> Lang:
    return "en" if value is Language.en else "id"


@app.command()
def check(
    scenario: ScenarioArg,
    plan_json: Annotated[Path, typer.Argument(help="The plan.json to verify.")],
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="The plan this one re-plans: parties under way at --now or pinned must be unchanged, "
            "and change_idr is recomputed from it.",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option("--now", help="With --against: the moment of the re-plan, e.g. 2026-12-02T09:00+07:00."),
    ] = None,
    pin: Annotated[
        str | None,
        typer.Option("--pin", help="With --against: party ids of the old plan kept as they are, e.g. P3,P7."),
    ] = None,
) -> None:
    """Verify a plan against every rule of the contract and recompute its cost; with --against,
    also that it keeps what was fixed in the plan it replaces."""
    loaded = _load(scenario)
    given = _read_plan(plan_json)
    old_plan, moment, pinned = _against(against, now, pin)
    violations = check_plan(loaded, given, old_plan, moment, pinned)
    for violation in violations:
        out.print(str(violation), markup=False, highlight=False)
    if violations:
        err.print(f"[bold red]{len(violations)} violation(s).[/]")
        raise typer.Exit(1)
    out.print(
        f"[green]The plan obeys every rule.[/] total {rupiah(given.objective.total_idr)}, {len(given.planned_case_ids)} cases planned"
    )
    if old_plan is not None:
        out.print(
            f"It keeps every party of {against} under way at {now} or pinned; "
            f"changed bookings cost {rupiah(given.objective.change_idr)}."
        )


def _against(
    against: Path | None, now: str | None, pin: str | None
) -> tuple[Plan | None, datetime | None, frozenset[str]]:
    """The old plan, the moment and the pinned parties of ``repat check --against``."""
    if against is None:
        if now is not None or pin is not None:
            err.print("[bold red]--now and --pin need --against OLD_PLAN.[/]")
            raise typer.Exit(2)
        return None, None, frozenset()
    if now is None:
        err.print(
            "[bold red]--against needs --now[/], the moment of the re-plan, e.g. 2026-12-02T09:00+07:00."
        )
        raise typer.Exit(2)
    try:
        moment = parse_datetime(now)
    except Invalid as error:
        _problems([Problem("--now", 0, "", error.message, error.fix)], "--now is not a moment")
        raise typer.Exit(2) from None
    old_plan = _read_plan(against)
    pinned = frozenset(p.strip() for p in (pin or "").split(",") if p.strip())
    known = {party.party_id for party in old_plan.parties}
    unknown = sorted(pinned - known)
    if unknown:
        _problems(
            [
                Problem(
                    "--pin",
                    0,
                    "",
                    f"'{p}' is not a party of {against.name}",
                    "give party ids of the old plan",
                )
                for p in unknown
            ],
            "--pin names unknown parties",
        )
        raise typer.Exit(2)
    return old_plan, moment, pinned


@app.command()
def replan(
    scenario: ScenarioArg,
    plan_json: Annotated[Path, typer.Argument(help="The plan made before the events (plan.json).")],
    now: Annotated[
        str, typer.Option("--now", help="When the re-plan is made: what has left by then stays as it is.")
    ],
    events_file: Annotated[
        Path | None, typer.Option("--events", help="events.csv, or a workbook with a sheet 'events'.")
    ] = None,
    new_cases: Annotated[
        Path | None, typer.Option("--new-cases", help="Cases arrived since, as rows of a cases.csv.")
    ] = None,
    pin: Annotated[str, typer.Option("--pin", help="Parties to keep as booked, e.g. P3,P7.")] = "",
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the new plan into.")] = Path("out"),
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
    workers: Workers = 2,
    work_limit: WorkLimit = None,
    lang: LangOption = Language.id,
    map_names: MapNames = False,
) -> None:
    """Plan a week again after a disruption: keep what is under way at --now and the pinned
    parties, move as few people as possible; write the new plan, its outputs and changes.xlsx."""
    loaded = _load(scenario)
    before = _read_plan(plan_json)
    unknown = _unknown_references(loaded, before)
    if unknown:
        _problems(unknown, f"{plan_json} names what {scenario} does not have")
        raise typer.Exit(2)
    try:
        moment = parse_datetime(now)
    except Invalid as error:
        _problems(
            [
                Problem(
                    "--now",
                    0,
                    "",
                    str(error),
                    "give a date and time with its zone, e.g. 2026-12-03T08:00+07:00",
                )
            ],
            "--now is not a moment",
        )
        raise typer.Exit(2) from None
    try:
        events = read_events(events_file, loaded) if events_file is not None else ()
        arrived = read_new_cases(new_cases, loaded) if new_cases is not None else ()
    except ScenarioError as error:
        _problems(error.problems, "the events or new cases are not valid")
        raise typer.Exit(2) from None
    after = apply_events(loaded, events, arrived)
    pins = [p.strip() for p in pin.split(",") if p.strip()]
    options = Options(time_limit=time_limit, workers=workers, seed=seed, work_limit=work_limit)
    out.print("Planning the rest of the week (the parties kept aside, their change costs in):")
    try:
        result = replan_week(after, before, moment, pins, events, options, _progress(), before=loaded)
    except ReplanError as error:
        err.print(f"[bold red]Cannot re-plan:[/] {error}", highlight=False)
        raise typer.Exit(2) from None
    plan = result.plan
    violations = check_plan(after, plan, against=before, now=moment, pinned=frozenset(pins))
    if violations:
        _problems(
            [Problem("plan.json", 0, "", str(v), "report this as a bug") for v in violations],
            "the new plan fails its own check; nothing written",
        )
        raise typer.Exit(1)
    show_plan([("Before", before), ("After", plan)])
    kept = Counter(result.kept.values())
    out.print(
        f"Kept as booked: {kept['under way']} parties under way, {kept['pinned']} pinned. "
        f"Moved {result.moved}, newly planned {result.newly_planned}, newly waiting "
        f"{result.newly_waiting}; {len(result.changes)} booking change(s), costing "
        f"{rupiah(plan.objective.change_idr)}. Total before {rupiah(before.objective.total_idr)}, "
        f"after {rupiah(plan.objective.total_idr)}."
    )
    path = write_plan(plan, out_dir / "plan.json")
    out.print(f"Plan written to [bold]{path}[/]")
    looks = Looks(_lang(lang), map_names)
    _write_outputs(after, plan, out_dir, looks)
    written = write_changes(loaded, result.changes, out_dir, looks.lang)
    out.print("What to rebook: " + ", ".join(f"[bold]{p.name}[/]" for p in written))


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
    lang: LangOption = Language.id,
    map_names: MapNames = False,
) -> None:
    """Plan the built-in demo week and write its outputs, or export it as a starting point
    for your own."""
    scenario = _load(demo_path())
    if export is not None:
        written = write_scenario(scenario, export)
        out.print(f"Demo scenario written to [bold]{written}[/]")
        return
    summarise(scenario)
    options = Options(time_limit=time_limit, seed=seed)
    _plan_and_write(scenario, out_dir, False, options, Looks(_lang(lang), map_names))


@app.command()
def sweep(
    scenario: ScenarioArg,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="An axis and its values, e.g. budget=0.7,1.0,1.2, escorts=+0,+2, fares=1.0,1.2 or "
            "fares.ferry=1.2; repeat for more: every combination is a variant.",
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the sweep's results into.")],
    line: Annotated[
        str | None, typer.Option("--line", help="Scale only this budget line's ceiling (with budget=...).")
    ] = None,
    time_limit: TimeLimit = 30.0,
    work_limit: WorkLimit = None,
    seed: Seed = 0,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="A Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (default: a local cluster of 2 "
            "workers started and stopped by the command).",
        ),
    ] = None,
) -> None:
    """What if? Plan every combination of the week's budget, escorts and fares, each variant
    solved and checked on its own, in parallel; write sweep.csv, sweep.xlsx and sweep.png."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from planner.cluster import sweep as run_sweep
    from planner.reports.sweep import write_csv, write_png, write_result, write_xlsx
    from planner.sweep import SweepError, parse_axis, variants

    loaded = _load(scenario)
    try:
        chosen = variants(loaded, [parse_axis(text) for text in vary], line)
    except SweepError as error:
        err.print(f"[bold red]Cannot sweep:[/] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from None
    options = Options(time_limit=time_limit, workers=1, seed=seed, work_limit=work_limit)
    out.print(f"[bold]{len(chosen)} variant(s)[/] of {loaded.name}:")
    for variant in chosen:
        out.print(f"  {variant.name}: {variant.describe()}", highlight=False, markup=False)
    arrived: list[VariantResult] = []
    with Progress(
        TextColumn("variants"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=out
    ) as bar:
        task = bar.add_task("sweep", total=len(chosen))

        def landed(result: VariantResult) -> None:
            arrived.append(result)
            write_result(result, out_dir)
            write_csv(arrived, out_dir)
            said = result.error or f"{result.planned} home, {rupiah(result.cost_idr)}, {result.status}"
            bar.console.print(f"  {result.variant.name}: {said}", highlight=False, markup=False)
            bar.advance(task)

        results = run_sweep(loaded, chosen, options, address, on_result=landed)
    written = [
        write_csv(results, out_dir),
        write_xlsx(results, out_dir),
        write_png(results, out_dir, f"What if? {loaded.name}"),
    ]
    show_sweep(results)
    out.print("Written: " + ", ".join(f"[bold]{p}[/]" for p in written))
    failed = [r for r in results if r.failed]
    broken = [r for r in results if not r.failed and r.check != "ok"]
    for r in broken:
        err.print(f"[bold red]{r.variant.name}: the plan fails its own check[/]: {r.check}", highlight=False)
    if failed:
        err.print(
            f"[bold red]{len(failed)} variant(s) failed after a retry:[/] "
            + ", ".join(r.variant.name for r in failed)
        )
    if failed or broken:
        raise typer.Exit(1)


def show_sweep(results: list[VariantResult]) -> None:
    """One row per variant: its values, people home, money, waiting, total, gap and verdict."""
    from planner.reports.sweep import columns

    axes, _ = columns(results)
    axes = [a for a in axes if len({str(r.variant.parameters().get(a, "")) for r in results}) > 1]
    table = Table(title="What if? (money in million rupiah)")
    for name in ["variant", *axes, "home", "money", "wait d", "total", "gap", "status", "check"]:
        table.add_column(
            name, justify="left" if name in ("variant", "status", "check") else "right", no_wrap=True
        )
    for r in results:
        parameters = r.variant.parameters()
        table.add_row(
            r.variant.name,
            *(str(parameters.get(axis, "")) for axis in axes),
            f"{r.planned}/{r.cases}" if not r.failed else "-",
            f"{r.cost_idr / 1e6:,.1f}",
            str(r.waiting_days),
            f"{r.total_idr / 1e6:,.1f}",
            f"{r.gap:.1%}" if not r.failed else "-",
            r.status,
            "ok" if r.check == "ok" else r.check[:40],
        )
    out.print(table)


# -- the planning service ----------------------------------------------------------------------------

DATABASE_ENV = "REPAT_DATABASE_URL"
Database = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"Database URL, e.g. postgresql+psycopg://user:password@host/repat "
        f"(default: ${DATABASE_ENV}, else SQLite in the data folder).",
        show_default=False,
    ),
]
DataDir = Annotated[
    Path, typer.Option("--data", help="Folder of the service's data: the SQLite database by default.")
]


def _database(db: str | None, data: Path) -> str:
    """The database's URL, brought to the newest schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from api.db import default_url, upgrade

    url = db or os.environ.get(DATABASE_ENV) or ""
    if not url:
        data.mkdir(parents=True, exist_ok=True)
        url = default_url(data)
    try:
        upgrade(url)
    except (SQLAlchemyError, ValueError) as error:
        # The URL may hold a password: name the error, never the URL.
        err.print(
            f"[bold red]The database cannot be opened[/]: {type(error).__name__}: {str(error).splitlines()[0]}"
        )
        raise typer.Exit(2) from None
    return url


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    db: Database = None,
    data: DataDir = Path("repat-data"),
    workers: Annotated[
        int, typer.Option("--workers", help="Worker processes that solve plans (0: none, jobs wait).", min=0)
    ] = 2,
) -> None:
    """Start the planning service: its API, and worker processes that solve the jobs."""
    import uvicorn

    from api.app import create_app

    url = _database(db, data)
    uvicorn.run(create_app(url, workers=workers), host=host, port=port)


class Role(StrEnum):
    officer = "officer"
    budget = "budget"
    coordinator = "coordinator"
    admin = "admin"


users = typer.Typer(help="Users of the planning service and their API keys.", no_args_is_help=True)
app.add_typer(users, name="users")


@users.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user's name, unique in the service.")],
    office: Annotated[str, typer.Option("--office", help="The user's office; a new name adds the office.")],
    role: Annotated[Role, typer.Option("--role", help="What the user may see and do.")],
    db: Database = None,
    data: DataDir = Path("repat-data"),
) -> None:
    """Add a user and print their API key: it is shown this once, and only its hash is kept."""
    from api.auth import add_user
    from api.db import make_engine, sessions

    url = _database(db, data)
    engine = make_engine(url)
    try:
        with sessions(engine)() as session, session.begin():
            key = add_user(session, name, office, role.value)
    except ValueError as error:
        err.print(f"[bold red]No user added[/]: {error}", highlight=False)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    err.print(f"User [bold]{name}[/] added to {office} as {role.value}. Their API key, shown only this once:")
    out.print(key, soft_wrap=True, markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
